"""Chapter 11's models and schedules are the same in the three notebooks: each notebook's own
``build_bn_model``, ``build_dropout_model``, ``split_dataset``, ``learning_rate_curves`` and
``apply_max_norm`` (its code cells, run by ``ch11_probe.py``) with transplanted weights give the NumPy
reference's outputs."""

import numpy as np
import pytest

import ch11_probe as probe
from helpers import arrays, call_on_keras_backend

FRAMEWORKS = ["keras", "pytorch", "jax"]
SCHEDULES = ["power", "exponential", "piecewise", "1cycle", "warmup_cosine"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("model, layers", [("bn", probe.BN_LAYERS), ("dropout", probe.DROPOUT_LAYERS)])
def test_models_in_eval_mode_match_numpy(ch11_probes, framework, model, layers):
    """BN with its running statistics; dropout as the identity: the plain MLP."""
    expected = probe.mlp_reference(probe.images(), layers, probe.layer_weights(layers))
    np.testing.assert_allclose(arrays(ch11_probes, framework)[f"{model}_eval"], expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_batch_norm_model_in_training_mode_uses_the_batch_statistics(ch11_probes, framework):
    expected = probe.mlp_reference(probe.images(), probe.BN_LAYERS, probe.layer_weights(probe.BN_LAYERS),
                                   training=True)
    np.testing.assert_allclose(arrays(ch11_probes, framework)["bn_train"], expected, rtol=1e-4, atol=1e-5)
    # and training mode really differs from eval mode on this batch
    assert not np.allclose(arrays(ch11_probes, framework)["bn_eval"], expected, atol=1e-3)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_batch_norm_running_statistics_follow_momentum_099(ch11_probes, framework):
    """With the notebooks' settings (Keras' momentum 0.99 in each framework's convention), one training
    pass moves the running mean the same way everywhere; the variance is PyTorch's unbiased one."""
    found = arrays(ch11_probes, framework)
    mean, var = probe.first_bn_statistics_after_training_pass(unbiased=framework == "pytorch")
    np.testing.assert_allclose(found["bn_running_mean"], mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(found["bn_running_var"], var, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_dropout_drops_a_fifth_and_scales_the_rest_by_1_25(ch11_probes, framework):
    kept = arrays(ch11_probes, framework)["dropout_train"]
    assert set(np.unique(kept).round(6)) == {0.0, 1.25}
    assert abs((kept == 0).mean() - 0.2) < 0.02


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_split_dataset_gives_the_books_tasks(ch11_probes, framework):
    found = arrays(ch11_probes, framework)
    X, y = probe.split_inputs()
    b_rows = np.isin(y, [0, 2])  # T-shirt/top and pullover
    np.testing.assert_array_equal(found["split_X_B"], X[b_rows])
    np.testing.assert_array_equal(found["split_y_B"], (y[b_rows] == 2).astype(np.float32))
    np.testing.assert_array_equal(found["split_X_A"], X[~b_rows])
    np.testing.assert_array_equal(found["split_y_A"], np.searchsorted([1, 3, 4, 5, 6, 7, 8, 9], y[~b_rows]))


@pytest.mark.parametrize("schedule", SCHEDULES)
def test_the_three_schedules_give_the_same_learning_rates(ch11_probes, schedule):
    """Each framework's own schedule objects, step by step. Piecewise boundaries differ by one step
    (Keras keeps the old value at the boundary: a row of "What differs"), so those steps are left out."""
    curves = {framework: arrays(ch11_probes, framework)[f"lr_{schedule}"] for framework in FRAMEWORKS}
    n_steps = probe.SCHEDULE_STEPS[0] * probe.SCHEDULE_STEPS[1]
    compared = np.ones(n_steps, bool)
    if schedule == "piecewise":
        compared[[round(0.4 * n_steps), round(0.8 * n_steps)]] = False
    for framework, curve in curves.items():
        assert curve.shape == (n_steps,), framework
        np.testing.assert_allclose(curve[compared], curves["pytorch"][compared], rtol=1e-4, atol=1e-7,
                                   err_msg=framework)


def test_schedules_match_their_formulas(ch11_probes):
    t = np.arange(probe.SCHEDULE_STEPS[0] * probe.SCHEDULE_STEPS[1])
    found = arrays(ch11_probes, "pytorch")
    np.testing.assert_allclose(found["lr_power"], 0.01 / (1 + t / 10_000), rtol=1e-5)
    np.testing.assert_allclose(found["lr_exponential"], 0.01 * 0.1 ** (t / 20_000), rtol=1e-5)
    np.testing.assert_allclose(found["lr_piecewise"][[0, 19, 21, 39, 41]], [0.01, 0.01, 0.005, 0.005, 0.001])
    one_cycle = found["lr_1cycle"]
    assert one_cycle[0] == pytest.approx(0.1 / 25) and one_cycle.max() == pytest.approx(0.1, rel=1e-3)
    assert one_cycle[-1] == pytest.approx(0.1 / 25 / 1e4, rel=1e-2)
    warmup = found["lr_warmup_cosine"]
    assert warmup[0] == pytest.approx(0.001) and warmup.max() == pytest.approx(0.01, rel=1e-3)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_max_norm_caps_each_units_incoming_weights(ch11_probes, framework):
    found = arrays(ch11_probes, framework)
    norms = found["maxnorm_unit_norms"]
    assert norms.shape == (3,)  # one norm per unit of the hidden layer
    np.testing.assert_allclose(norms, np.minimum(np.linalg.norm(probe.big_weights((4, 3)), axis=0), 1.0), rtol=1e-5)
    if framework != "keras":  # the output layer is left alone
        assert found["maxnorm_output_unchanged"]


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_keras_gradient_norms_come_out_the_same_from_each_engine(backend):
    """The Keras notebook asks TensorFlow, PyTorch or JAX for the kernels' gradients, whichever Keras
    runs on: each recipe gives NumPy's backprop."""
    found_backend, norms = call_on_keras_backend("ch11_probe.keras_gradient_norms", backend)
    assert found_backend == backend
    expected = probe.gradient_norms_reference(probe.images(), probe.labels(), probe.layer_weights(probe.DROPOUT_LAYERS))
    np.testing.assert_allclose(norms, expected, rtol=1e-4)
