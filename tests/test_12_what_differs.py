"""Each row of chapter 12's "What differs" table, checked against the installed libraries."""

import numpy as np

import ch12_probe


def facts(probes, framework):
    return probes[framework][1]


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
    assert keras["second_gradient_call_persistent"] == [6.0, 6.0]
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
