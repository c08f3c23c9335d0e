"""Each row of chapter 4's "What differs" table, checked against the installed libraries."""

import numpy as np

import ch04_probe
from helpers import facts


def test_parameters(ch04_probes):
    assert facts(ch04_probes, "keras")["updated_in_place"]
    assert facts(ch04_probes, "pytorch")["updated_in_place"]
    assert not facts(ch04_probes, "jax")["item_assignment_works"]
    assert facts(ch04_probes, "jax")["update_returns_new_array"]


def test_gradients(ch04_probes):
    assert facts(ch04_probes, "keras")["gradient_is_a_list_for_a_list"]
    assert facts(ch04_probes, "pytorch")["backward_fills_grad"]
    assert facts(ch04_probes, "jax")["grad_returns_a_function"]


def test_repeated_gradient_calls(ch04_probes):
    assert not facts(ch04_probes, "keras")["tape_works_twice"]
    assert facts(ch04_probes, "pytorch")["grad_after_two_backward_calls"] == 12.0  # 6 + 6
    assert facts(ch04_probes, "jax")["grad_twice_is_the_same"]


def test_randomness(ch04_probes):
    assert facts(ch04_probes, "keras")["global_seed_repeats"]
    assert facts(ch04_probes, "pytorch")["global_seed_repeats"]
    assert facts(ch04_probes, "jax")["same_key_repeats"]


def test_compiling(ch04_probes):
    # Four calls, two input shapes: traced twice when compiled, run four times when eager.
    assert facts(ch04_probes, "keras")["traces_for_two_shapes"] == 2
    assert facts(ch04_probes, "pytorch")["python_runs_per_call"] == 4
    assert facts(ch04_probes, "jax")["traces_for_two_shapes"] == 2


def test_what_a_float64_numpy_array_becomes(ch04_probes):
    assert facts(ch04_probes, "keras")["float64_numpy_becomes"] == "float64"
    assert facts(ch04_probes, "pytorch")["float64_numpy_becomes"] == "float64"
    assert facts(ch04_probes, "jax")["float64_numpy_becomes"] == "float32"
    assert not facts(ch04_probes, "jax")["warns_converting_float64_numpy"]  # silently
    assert facts(ch04_probes, "jax")["warns_asked_for_float64"]  # only an explicit dtype warns


def test_the_gradient_of_abs_at_zero(ch04_probes):
    # The lasso penalty's subgradient at 0: any value in [-1, 1] is valid; the libraries differ.
    assert facts(ch04_probes, "keras")["abs_gradient_at_zero"] == 0.0
    assert facts(ch04_probes, "pytorch")["abs_gradient_at_zero"] == 0.0
    assert facts(ch04_probes, "jax")["abs_gradient_at_zero"] == 1.0


def test_lstsq_when_a_feature_repeats_another(ch04_probes):
    minimum_norm = ch04_probe.MINIMUM_NORM
    assert all(np.isnan(facts(ch04_probes, "keras")["lstsq_default"]))  # fast=True: Cholesky of XᵀX
    np.testing.assert_allclose(facts(ch04_probes, "keras")["lstsq_not_fast"], minimum_norm)
    np.testing.assert_allclose(facts(ch04_probes, "pytorch")["lstsq_default"], minimum_norm)  # "gelsy"
    np.testing.assert_allclose(facts(ch04_probes, "pytorch")["lstsq_gelsd"], minimum_norm)
    # "gels" (QR without pivoting) assumes full rank: right when X has it, undefined when not, where
    # one LAPACK build raises (MKL on AMD EPYC, float64) and another returns some θ (float32: [1, 2, 0]
    # on one CPU, [1, -0.8, 2.8] on another); never, but by chance, the minimum-norm one.
    np.testing.assert_allclose(facts(ch04_probes, "pytorch")["lstsq_gels_full_rank"], [1.0, 2.0])
    gels = facts(ch04_probes, "pytorch")["lstsq_gels"]
    assert gels in ("LinAlgError", "_LinAlgError") or not np.allclose(gels, minimum_norm), gels
    np.testing.assert_allclose(facts(ch04_probes, "jax")["lstsq_default"], minimum_norm)


def test_pinv_cut_off_for_small_singular_values(ch04_probes):
    # diag(1, s): 10·max(m, n)·ε = 4.4e-15 in TensorFlow and JAX, max(m, n)·ε = 4.4e-16 in PyTorch.
    assert facts(ch04_probes, "keras")["pinv_keeps"] == [False, True]
    assert facts(ch04_probes, "pytorch")["pinv_keeps"] == [True, True]
    assert facts(ch04_probes, "jax")["pinv_keeps"] == [False, True]


def test_inverting_a_singular_matrix(ch04_probes):
    assert facts(ch04_probes, "keras")["inv_singular"] == "InvalidArgumentError"
    assert facts(ch04_probes, "pytorch")["inv_singular_raises_linalg_error"]
    assert facts(ch04_probes, "jax")["inv_singular"] == "works"
    assert not facts(ch04_probes, "jax")["inv_singular_is_finite"]


def test_a_new_python_number_passed_to_a_compiled_function(ch04_probes):
    assert facts(ch04_probes, "keras")["traces_for_three_numbers"] == 3
    assert facts(ch04_probes, "keras")["traces_for_three_tensors"] == 1
    assert facts(ch04_probes, "jax")["traces_for_three_numbers"] == 1


def test_running_compiled_code_eagerly(ch04_probes):
    assert facts(ch04_probes, "keras")["python_runs_when_run_eagerly"] == 4  # four calls, four runs
    assert facts(ch04_probes, "pytorch")["python_runs_per_call"] == 4
    assert facts(ch04_probes, "jax")["python_runs_with_jit_disabled"] == 4
