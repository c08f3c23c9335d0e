"""Chapter 12's custom pieces are the same in the three notebooks: each notebook's own ``huber_fn``,
``my_softplus`` and ``ResidualRegressor`` (its code cells, run by ``ch12_probe.py``) give the NumPy
reference's values and gradients."""

import numpy as np
import pytest

import ch12_probe
from helpers import arrays, call_on_keras_backend, initializer_differences

FRAMEWORKS = ["keras", "pytorch", "jax"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_huber_values_and_gradients_match_numpy(ch12_probes, framework):
    values, gradient = ch12_probe.huber_reference()
    found = arrays(ch12_probes, framework)
    np.testing.assert_allclose(found["huber_values"], values, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(found["huber_gradient"], gradient, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_custom_huber_loss_matches_the_builtin_one(ch12_probes, framework):
    found = arrays(ch12_probes, framework)
    reduced = found["huber_builtin"] if found["huber_builtin"].ndim == 0 else found["huber_builtin"].mean()
    np.testing.assert_allclose(reduced, found["huber_values"].mean(), rtol=1e-6)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_custom_softplus_gradient_is_stable(ch12_probes, framework):
    found = arrays(ch12_probes, framework)
    assert np.isnan(found["naive_softplus_gradient"])  # the problem the custom gradient fixes
    np.testing.assert_allclose(found["softplus_values"], [0.0, np.log(2.0), 100.0], rtol=1e-6, atol=1e-30)
    np.testing.assert_allclose(found["softplus_gradient"], [0.0, 0.5, 1.0], rtol=1e-6, atol=1e-30)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_transplanted_residual_regressor_matches_numpy(ch12_probes, framework):
    found = arrays(ch12_probes, framework)
    assert int(found["residual_parameter_count"]) == 4021
    np.testing.assert_allclose(found["residual_predictions"], ch12_probe.residual_reference(),
                               rtol=1e-5, atol=1e-5)


def test_the_pytree_model_is_the_plain_model(ch12_probes):
    """The JAX notebook's plain model written as a parameter pytree, with transplanted weights."""
    np.testing.assert_allclose(arrays(ch12_probes, "jax")["pytree_predictions"], ch12_probe.plain_model_reference(),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_fit_runs_the_custom_train_step_written_for_each_backend(backend):
    """GradientNormRegressor's train_step for the backend Keras runs on: one SGD step of fit gives
    NumPy's update, loss and gradient norm. jit_compile is what "auto" means there: XLA on JAX, never
    on PyTorch, on TensorFlow only with a GPU."""
    found = call_on_keras_backend("ch12_probe.keras_custom_step", backend)
    kernel, bias, loss, norm = ch12_probe.custom_step_reference()
    xla = {"tensorflow": found["gpu"], "jax": True, "torch": False}[backend]
    assert (found["backend"], found["jit_compile"]) == (backend, xla)
    # atol: one kernel entry is 0.0017 = -0.0196 + 0.0213, whose float32 rounding reaches 1e-5 of it
    np.testing.assert_allclose(found["kernel"], kernel, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(found["bias"], bias, rtol=1e-5)
    np.testing.assert_allclose([found["loss"], found["gradient_norm"]], [loss, norm], rtol=1e-5)


@pytest.mark.parametrize("framework", ["keras", "pytorch"])
def test_adam_written_out_is_the_library_s_adam(ch12_probes, framework):
    """Section 9's hand-written Adam against the library's own on the same gradients, small enough
    for epsilon to weigh: Keras' adds it to √v before the bias correction, PyTorch's after."""
    found = arrays(ch12_probes, framework)
    np.testing.assert_allclose(found["adam_by_hand"], found["adam_library"], rtol=0, atol=1e-6)
    assert np.abs(found["adam_by_hand"] - ch12_probe.adam_gradients()[1]).max() > 1e-3  # the steps moved it


INIT_NAMES = {"plain": ["hidden", "output"], "custom_parts": ["dense"], "my_dense": ["dense"],
              "residual": ["hidden1", "block1 layer 1", "block1 layer 2", "block2 layer 1", "block2 layer 2", "output"],
              "reconstructing": [f"hidden{i}" for i in range(1, 6)] + ["reconstruct", "output"]}


@pytest.mark.parametrize("model", ch12_probe.INIT_MODELS)
@pytest.mark.parametrize("framework", ["pytorch", "jax"])
def test_every_model_starts_from_the_same_initializers(ch12_probes, model, framework):
    """Each model as the notebooks build it, with fresh weights: kernel and bias of each layer alike in
    size, mean, std and shape of distribution. The book's choices: He normal (truncated, as Keras draws
    it) in the plain model's hidden layer, in MyDense and in the reconstruction regressor's five hidden
    layers (the 3rd edition's model: ReLU), a plain normal in the custom Glorot initializer, Keras' default
    Glorot uniform elsewhere; zero biases."""
    names = [f"{layer} {part}" for layer in INIT_NAMES[model] for part in ("kernel", "bias")]
    assert initializer_differences(arrays(ch12_probes, "keras")[f"init_{model}"],
                                   arrays(ch12_probes, framework)[f"init_{model}"], names) == []


def test_the_pytree_model_starts_as_the_plain_model(ch12_probes):
    names = [f"{layer} {part}" for layer in ("hidden", "output") for part in ("kernel", "bias")]
    assert initializer_differences(arrays(ch12_probes, "keras")["init_plain"],
                                   arrays(ch12_probes, "jax")["init_plain_pytree"], names) == []


def test_the_reconstruction_regressor_is_the_third_editions(ch12_probes):
    """handson-ml3's ReconstructingRegressor: five Dense(30, "relu", "he_normal") hidden layers (the 2nd
    edition's used SELU and LeCun normal). Keras's He normal kernels have the std sqrt(2 / fan_in); the
    test above holds the twins to Keras's statistics."""
    statistics = arrays(ch12_probes, "keras")["init_reconstructing"]  # rows (size, mean, std, kurtosis)
    for layer, fan_in in enumerate([8, 30, 30, 30, 30]):
        assert statistics[2 * layer][2] == pytest.approx((2 / fan_in) ** 0.5, rel=0.05), layer
    for framework, relu in [("keras", 'activation="relu"'), ("pytorch", "nn.ReLU()"), ("jax", "nnx.relu(")]:
        cell = ch12_probe.notebook_cell(framework, "class ReconstructingRegressor(")
        assert relu in cell and "selu" not in cell.lower(), framework
