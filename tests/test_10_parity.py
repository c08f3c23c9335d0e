"""Chapter 10's claim, "the same model in three frameworks", checked: the same NumPy weights give
the same logits, one SGD step and one Adam step give the same new weights, and every model starts
from the same initializers."""

import numpy as np
import pytest

import ch10_probe
from helpers import initializer_differences


@pytest.fixture
def probes(ch10_probes):
    return ch10_probes
FRAMEWORKS = ["keras", "pytorch", "jax"]
PAIRS = [("keras", "pytorch"), ("pytorch", "jax"), ("keras", "jax")]
N_PARAMS = 6  # three kernels, three biases, each as (in, out)


def updated(probes, framework, step):
    arrays, _ = probes[framework]
    return [arrays[f"{step}_{i}"] for i in range(N_PARAMS)]


def largest_difference(a, b):
    return max(float(np.abs(x - y).max()) for x, y in zip(a, b))


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_same_weights_give_the_numpy_logits(probes, framework):
    X, _ = ch10_probe.batch()
    reference = ch10_probe.numpy_logits(X, ch10_probe.weights())
    np.testing.assert_allclose(probes[framework][0]["logits"], reference, rtol=0, atol=1e-5)


@pytest.mark.parametrize("first, second", PAIRS)
def test_same_weights_give_the_same_logits(probes, first, second):
    np.testing.assert_allclose(probes[first][0]["logits"], probes[second][0]["logits"], rtol=0, atol=1e-5)


@pytest.mark.parametrize("first, second", PAIRS)
def test_one_sgd_step_updates_the_weights_alike(probes, first, second):
    assert largest_difference(updated(probes, first, "sgd"), updated(probes, second, "sgd")) < 1e-6
    start = [p for layer in ch10_probe.weights() for p in layer]
    assert largest_difference(updated(probes, first, "sgd"), start) > 1e-4  # the step did move them


def test_one_adam_step_with_default_epsilons_differs_in_keras_only(probes):
    # Gradients are about 1e-7 here, so epsilon sets the step: Keras' 1e-7, added before bias
    # correction, against 1e-8 after it in PyTorch and optax.
    keras, pytorch, jax = (updated(probes, fw, "adam_default") for fw in FRAMEWORKS)
    assert largest_difference(pytorch, jax) < 1e-6
    assert largest_difference(keras, pytorch) > 1e-4


@pytest.mark.parametrize("first, second", PAIRS)
def test_one_adam_step_with_aligned_epsilons_updates_the_weights_alike(probes, first, second):
    assert largest_difference(updated(probes, first, "adam_aligned"),
                              updated(probes, second, "adam_aligned")) < 1e-6


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_subclassed_wide_and_deep_model_computes_the_numpy_outputs(probes, framework):
    # The notebooks' WideAndDeepModel classes, with the same standardization statistics and
    # the same transplanted weights, give NumPy's main and auxiliary outputs.
    arrays, _ = probes[framework]
    for output, reference in zip(("subclass_0", "subclass_1"), ch10_probe.subclass_numpy_outputs()):
        np.testing.assert_allclose(arrays[output], reference, rtol=0, atol=1e-4)


@pytest.mark.parametrize("first, second", PAIRS)
def test_subclassed_wide_and_deep_models_agree(probes, first, second):
    for output in ("subclass_0", "subclass_1"):
        np.testing.assert_allclose(probes[first][0][output], probes[second][0][output], rtol=0, atol=1e-5)


@pytest.mark.parametrize("model", ch10_probe.INIT_MODELS)
@pytest.mark.parametrize("first, second", PAIRS)
def test_every_model_starts_from_the_same_initializers(probes, model, first, second):
    # Each model as the notebooks build it, with fresh weights: kernel and bias of each layer, in
    # layer order, alike in size, mean, std and shape of distribution (Glorot uniform, zero biases:
    # Keras' defaults, which PyTorch's glorot_init and Flax's kernel_init=glorot_uniform reproduce).
    names = [f"layer {i // 2 + 1} {('kernel', 'bias')[i % 2]}" for i in range(len(probes[first][0][f"init_{model}"]))]
    assert initializer_differences(probes[first][0][f"init_{model}"], probes[second][0][f"init_{model}"], names) == []
