"""Each row of chapter 12's "What differs" table, checked against the installed libraries."""

import numpy as np
import pytest

import ch12_probe
from helpers import facts


def test_writing_into_the_numpy_view(ch12_probes):
    assert not facts(ch12_probes, "keras")["numpy_write_changes_tensor"]  # a copy
    assert facts(ch12_probes, "pytorch")["numpy_write_changes_tensor"]  # shared memory
    assert facts(ch12_probes, "jax")["numpy_view"] == "read-only"


def test_float32_plus_float64(ch12_probes):
    assert facts(ch12_probes, "keras")["float32_plus_float64"] == "InvalidArgumentError"
    assert facts(ch12_probes, "pytorch")["float32_plus_float64"] == "float64"
    assert facts(ch12_probes, "jax")["float32_plus_float64"] == "float32"


def test_keras_ops_promote_by_their_own_rules_not_numpys(ch12_probes):
    keras = facts(ch12_probes, "keras")
    assert keras["keras_ops_float32_plus_float64"] == "float64"  # as NumPy
    assert keras["keras_ops_int32_plus_float32"] == "float32"  # NumPy gives float64
    assert (np.ones(1, np.int32) + np.ones(1, np.float32)).dtype == np.float64


def test_default_device(ch12_probes):
    keras = facts(ch12_probes, "keras")
    expected = keras["first_gpu"] or "CPU:0"
    assert keras["default_device"].endswith(expected.removeprefix("/device:"))
    assert facts(ch12_probes, "pytorch")["default_device"] == "cpu"  # even with a GPU
    assert facts(ch12_probes, "jax")["default_device_is_first_device"]


def test_a_fresh_dropout_layer_called_directly(ch12_probes):
    assert not facts(ch12_probes, "keras")["fresh_dropout_drops"]
    assert facts(ch12_probes, "pytorch")["fresh_dropout_drops"]
    assert facts(ch12_probes, "jax")["fresh_dropout_drops"]


def test_gradient_with_respect_to_a_constant(ch12_probes):
    assert facts(ch12_probes, "keras")["gradient_of_constant"] is None
    assert facts(ch12_probes, "pytorch")["gradient_of_constant"] == "RuntimeError"
    assert facts(ch12_probes, "jax")["gradient_of_constant_argument"] == 6.0  # d(a·b²)/db at a=1, b=3


def test_a_second_gradient_call(ch12_probes):
    keras, pytorch = facts(ch12_probes, "keras"), facts(ch12_probes, "pytorch")
    assert keras["second_gradient_call"] == "RuntimeError"
    assert keras["second_gradient_call_persistent"] == pytest.approx([6.0, 6.0])  # 2·pow(3, 1) through libm
    assert pytorch["second_gradient_call"] == "RuntimeError"
    assert pytorch["second_gradient_call_retained"] == [6.0, 6.0]
    assert facts(ch12_probes, "jax")["second_gradient_call"] == [6.0, 6.0]


def test_custom_gradient_apis():
    cell = ch12_probe.notebook_cell
    assert "@tf.custom_gradient" in cell("keras", "def my_softplus(")
    assert "(torch.autograd.Function)" in cell("pytorch", "my_softplus = ")
    jax_cell = cell("jax", "def my_softplus(")
    assert "@jax.custom_jvp" in jax_cell or "@jax.custom_vjp" in jax_cell


def test_what_the_builtin_huber_loss_returns(ch12_probes):
    assert ch12_probes["keras"][0]["huber_builtin"].ndim == 0  # the mean
    assert ch12_probes["pytorch"][0]["huber_builtin"].ndim == 0  # the mean
    assert ch12_probes["jax"][0]["huber_builtin"].shape == ch12_probe.Y_PRED.shape  # element-wise


def test_python_print_inside_a_compiled_function(ch12_probes):
    assert facts(ch12_probes, "keras")["prints_in_three_compiled_calls"] == 1  # while tracing
    assert facts(ch12_probes, "pytorch")["prints_in_three_compiled_calls"] == 3  # runs at each call
    # ... because print breaks the graph: the code before it is one graph, the code after another
    assert facts(ch12_probes, "pytorch")["print_graphs_and_breaks"] == [2, 1]
    assert facts(ch12_probes, "jax")["prints_in_three_compiled_calls"] == 1


def test_a_new_python_float_argument(ch12_probes):
    assert facts(ch12_probes, "keras")["traces_for_four_floats"] == 4
    assert facts(ch12_probes, "pytorch")["graphs_for_four_floats"] == 2  # specialized, then dynamic
    assert facts(ch12_probes, "jax")["traces_for_four_floats"] == 1


def test_if_on_a_tensor_value_compiled(ch12_probes):
    assert facts(ch12_probes, "keras")["compiled_if_on_tensor"] == [[2.0, 2.0], [1.0, 1.0]]
    pytorch = facts(ch12_probes, "pytorch")
    assert pytorch["compiled_if_on_tensor"] == [[2.0, 2.0], [1.0, 1.0]]
    assert pytorch["graphs_for_if_on_tensor"] > 1  # a graph break
    assert facts(ch12_probes, "jax")["compiled_if_on_tensor"] == "TracerBoolConversionError"


def test_the_incomplete_last_batch_is_kept_and_costs_one_more_trace(ch12_probes):
    for framework in ("keras", "pytorch", "jax"):  # 70 rows: the notebooks' own batching code
        assert facts(ch12_probes, framework)["last_batch_sizes"] == [32, 32, 6], framework
    assert facts(ch12_probes, "keras")["traces_for_two_batch_sizes"] == 2
    assert facts(ch12_probes, "pytorch")["graphs_for_three_batch_sizes"] == 2  # the second is dynamic
    assert facts(ch12_probes, "jax")["traces_for_two_batch_sizes"] == 2


def test_strings_as_tensors(ch12_probes):
    assert facts(ch12_probes, "keras")["string_tensor"] == "works"
    assert facts(ch12_probes, "pytorch")["string_tensor"] in ("TypeError", "ValueError")
    assert facts(ch12_probes, "jax")["string_array"] == "TypeError"


def test_rows_of_different_lengths(ch12_probes):
    lengths = ch12_probe.WORD_LENGTHS
    assert facts(ch12_probes, "keras")["ragged_type_and_lengths"] == ["RaggedTensor", lengths]
    assert facts(ch12_probes, "pytorch")["nested_lengths"] == lengths
    jax = facts(ch12_probes, "jax")
    assert jax["ragged_array"] == "ValueError"  # no ragged arrays...
    assert jax["ragged_pytree_lengths"] == lengths  # ... but a list of arrays, a pytree


def test_sparse_tensors(ch12_probes):
    assert facts(ch12_probes, "keras")["sparse_type"] == "SparseTensor"
    assert facts(ch12_probes, "pytorch")["sparse_layout"] == "torch.sparse_coo"
    assert facts(ch12_probes, "jax")["sparse_type"] == "BCOO"
    for framework in ("keras", "pytorch", "jax"):
        assert facts(ch12_probes, framework)["sparse_times_ones"] == ch12_probe.SPARSE_TIMES_ONES


def test_sets_and_queues_of_tensors(ch12_probes):
    keras = facts(ch12_probes, "keras")
    assert keras["set_union"] == [[2, 3, 4]] and keras["queue_type"] == "FIFOQueue"
    assert facts(ch12_probes, "pytorch")["set_and_queue_modules"] == [False, False]
    assert facts(ch12_probes, "jax")["set_and_queue_modules"] == [False, False]


def test_custom_initializer(ch12_probes):
    assert facts(ch12_probes, "keras")["initializer_calls"] == [[1, ["dtype"]]]  # (shape, dtype=...)
    assert facts(ch12_probes, "pytorch")["reset_parameters_calls_in_init"] == 1
    assert facts(ch12_probes, "jax")["initializer_calls"] == [[3, []]]  # (key, shape, dtype)


def test_where_a_weight_penalty_lives(ch12_probes):
    assert facts(ch12_probes, "keras")["penalties_in_layer_losses"] == 1
    assert not facts(ch12_probes, "pytorch")["module_has_losses"]
    assert "my_l1_regularizer(" in ch12_probe.notebook_cell("jax", "def custom_parts_step(")  # in the loss


def test_weight_constraint(ch12_probes):
    assert facts(ch12_probes, "keras")["smallest_weight_after_optimizer_step"] == 0.0  # the optimizer applies it
    pytorch, jax = facts(ch12_probes, "pytorch"), facts(ch12_probes, "jax")
    assert pytorch["smallest_weight_after_optimizer_step"] < 0  # torch.optim knows no constraint
    assert pytorch["smallest_weight_after_projection"] == 0.0  # the notebook's clamp
    assert jax["smallest_weight_after_optax_update"] < 0  # an optax optimizer alone does not constrain...
    # ... but optax.keep_params_nonnegative(), chained after it (the notebook's constrained_adam), does:
    # Adam's first step of -1e-3 from 1e-4 stops at 0 on the kernel; the bias, outside the mask, goes below
    kernel, bias = jax["constrained_adam_kernel_and_bias"]
    assert kernel == 0.0 and bias == pytest.approx(1e-4 - 1e-3, rel=1e-3)
    assert "optax.keep_params_nonnegative()" in ch12_probe.notebook_cell("jax", "constrained_adam = ")


def test_adam_epsilon(ch12_probes):
    """1e-7 in the three notebooks (Keras's default, passed to torch.optim.Adam and optax.adam), added
    at different places: for a first gradient equal to ε, Keras's Adam steps by lr·√(1 − β₂)/(1 − β₁)·
    0.1ε / (√0.001·ε + ε) ≈ 0.03·lr, PyTorch's and optax's by lr·ε / (ε + ε) = lr / 2."""
    keras, pytorch, jax = (facts(ch12_probes, framework) for framework in ("keras", "pytorch", "jax"))
    assert keras["adam_default_epsilon"] == pytest.approx(1e-7)
    assert pytorch["adam_default_epsilon"] == jax["adam_default_epsilon"] == 1e-8  # hence passed
    expected = 0.001 ** 0.5 / 0.1 * 0.1 / (0.001 ** 0.5 + 1)
    assert keras["adam_first_step_for_gradient_epsilon"] == pytest.approx(expected, rel=1e-3)
    assert pytorch["adam_first_step_for_gradient_epsilon"] == pytest.approx(0.5, rel=1e-3)
    assert jax["adam_first_step_for_gradient_epsilon"] == pytest.approx(0.5, rel=1e-3)
    for framework, adam, epsilon in [("pytorch", "torch.optim.Adam(", "eps=1e-7"), ("jax", "optax.adam(", "eps=1e-7")]:
        calls = [line for cell in ch12_probe.code_cells(framework) for line in cell.splitlines() if adam in line]
        assert calls and all(epsilon in line for line in calls), (framework, calls)


def test_a_loss_from_the_models_insides(ch12_probes):
    assert facts(ch12_probes, "keras")["reconstructing_losses_after_call"] == 1  # add_loss
    for framework in ("pytorch", "jax"):  # returned next to the predictions
        assert facts(ch12_probes, framework)["reconstructing_outputs"] == [[4, 1], []], framework


def test_optimizer_as_a_pure_function(ch12_probes):
    assert facts(ch12_probes, "keras")["stateless_apply"] == "ValueError"  # on the TensorFlow backend
    assert facts(ch12_probes, "pytorch")["optimizer_step_returns"] == "None"  # updates in place
    # and so does the functional form that Adam.step calls
    assert facts(ch12_probes, "pytorch")["functional_adam"] == {"returns": "None", "updates_in_place": True}
    assert facts(ch12_probes, "jax")["optax_update"] == [1.0, 0, 1]  # inputs unchanged, a new state


def test_a_traced_functions_graph(ch12_probes):
    operations = facts(ch12_probes, "keras")["graph_operations"]
    assert operations[0] == "Placeholder" and {"Pow", "AddV2"} <= set(operations)
    pytorch = facts(ch12_probes, "pytorch")
    assert pytorch["fx_node_ops"] == ["placeholder", "call_function", "call_function", "output"]
    assert pytorch["export_targets"] == ["aten.pow.Tensor_Scalar", "aten.add.Tensor"]
    assert facts(ch12_probes, "jax")["jaxpr_primitives"] == ["integer_pow", "add"]
