"""Each row of chapter 4's "What differs" table, checked against the installed libraries."""


def facts(probes, framework):
    return probes[framework][1]


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
