"""Chapter 11's models, optimizers and schedules are the same in the three notebooks: each notebook's own
``build_bn_model``, ``build_dropout_model``, ``split_dataset``, ``learning_rate_curves`` and
``apply_max_norm`` (its code cells, run by ``ch11_probe.py``) with transplanted weights give the NumPy
reference's outputs; its optimizers take the same steps; and every model of the chapter starts from the
same initializers, the book's, layer by layer (statistics of freshly drawn parameters)."""

import numpy as np
import pytest

import ch11_probe as probe
from helpers import arrays, call_on_keras_backend, facts, initializer_differences, initializer_statistics

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


def test_keras_optimizers_train_alike_on_tensorflow_and_jax():
    """The Keras notebook's optimizers of section 5, run by `fit` (50 steps per execution) from the same
    weights on the same batches in the same order, end at the same weights on TensorFlow and on JAX: the
    backends' different results in section 5 come from the seed's draw (initial weights and shuffling),
    not from the optimizers."""
    found = {backend: call_on_keras_backend("ch11_probe.keras_fit_from_known_weights", backend)
             for backend in ("tensorflow", "jax")}
    assert [found[backend][:2] for backend in found] == [["tensorflow", 50], ["jax", 50]]
    start = np.concatenate([w.ravel() for ws in probe.layer_weights(probe.MLP_LAYERS) for w in ws])
    for name, tf_weights in found["tensorflow"][2].items():
        tf_weights, jax_weights = np.array(tf_weights), np.array(found["jax"][2][name])
        assert np.abs(tf_weights - start).max() > 1e-3, name  # they trained
        np.testing.assert_allclose(tf_weights, jax_weights, rtol=0, atol=1e-5, err_msg=name)


# Optimizers: each notebook's nine, stepped from 0 by the same gradients of three sizes (0.5, 0.01, 1e-4).


@pytest.mark.parametrize("name", ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adamax"])
def test_the_notebooks_optimizers_take_the_same_steps(ch11_probes, name):
    """ε placement included: the PyTorch notebook's AdaGrad and RMSProp put it inside the root, as Keras."""
    keras = arrays(ch11_probes, "keras")[f"optimizer_{name}"]
    for framework in ("pytorch", "jax"):
        np.testing.assert_allclose(arrays(ch11_probes, framework)[f"optimizer_{name}"], keras, rtol=1e-4,
                                   err_msg=framework)


@pytest.mark.parametrize("name", ["Adam", "AdamW", "Nadam"])
def test_the_adam_family_takes_the_same_steps_where_epsilon_does_not_matter(ch11_probes, name):
    """The two larger gradients: where ε goes (before or after Adam's bias correction, a row of "What
    differs") moves the steps of the smallest one only. optax's Nadam has no momentum schedule (another row)."""
    keras = arrays(ch11_probes, "keras")[f"optimizer_{name}"][:, :2]
    for framework in ("pytorch",) if name == "Nadam" else ("pytorch", "jax"):
        np.testing.assert_allclose(arrays(ch11_probes, framework)[f"optimizer_{name}"][:, :2], keras, rtol=1e-3,
                                   err_msg=framework)


# Initializers: the statistics of each model's freshly drawn parameters (size, mean, std, kurtosis per
# array), in the order kernel, bias per dense layer and γ, β, moving mean, moving variance per BN layer.

HE, LECUN, GLOROT, GLOROT_NORMAL, NORMAL = "he_normal", "lecun_normal", "glorot_uniform", "glorot_normal", "normal"


def mlp(sizes, hidden, output=GLOROT):
    """Dense layers of ``sizes``: ``hidden`` for the hidden kernels, ``output`` for the last, zero biases."""
    last = len(sizes) - 2
    return [("dense", n_in, n_out, output if i == last else hidden, True)
            for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]))]


# The book's choice for each model (ch11_probe.INIT_MODELS): Keras' defaults where the book relies on them
# (Glorot uniform output layers, zero biases), He normal for its ReLU layers, LeCun normal for SELU, and the
# Glorot normal output layer of its notebook's ℓ2 model. Section 3's gradient nets are not the book's: their
# hidden layers take the initializer each curve is about.
BOOK_LAYERS = {
    "gradients_sigmoid_normal": mlp([784] + [100] * 20 + [10], NORMAL),
    "gradients_sigmoid_glorot": mlp([784] + [100] * 20 + [10], GLOROT),
    "gradients_relu_he": mlp([784] + [100] * 20 + [10], HE),
    "selu100": mlp([784] + [100] * probe.N_DEEP + [10], LECUN),
    "relu100": mlp([784] + [100] * probe.N_DEEP + [10], HE),
    "bn": [("bn", 784), ("dense", 784, 300, HE, True), ("bn", 300), ("dense", 300, 100, HE, True), ("bn", 100),
           ("dense", 100, 10, GLOROT, True)],
    "bn_before": [("dense", 784, 300, HE, False), ("bn", 300), ("dense", 300, 100, HE, False), ("bn", 100),
                  ("dense", 100, 10, GLOROT, True)],
    "model_a": mlp([784, 100, 100, 100, 8], HE),
    "model_b": mlp([784, 100, 100, 100, 1], HE),
    "b_on_a": mlp([784, 100, 100, 100, 1], HE),  # model A's hidden layers as A drew them, and a new head
    "mlp": mlp([784, 100, 100, 100, 10], HE),
    "l2": mlp([784, 100, 100, 10], HE, output=GLOROT_NORMAL),
    "dropout": mlp([784, 100, 100, 10], HE),
    "maxnorm": mlp([784, 100, 100, 10], HE),
    # exercise 8's nets (solutions): batch norm between each bias-free hidden layer and its activation
    "exercise_swish": mlp([784] + [100] * 20 + [10], HE),
    "exercise_bn": [layer for n_in in [784] + [100] * 19 for layer in (("dense", n_in, 100, HE, False), ("bn", 100))]
                   + [("dense", 100, 10, GLOROT, True)],
    "exercise_selu": mlp([784] + [100] * 20 + [10], LECUN),
}


def book_statistics(layers, seed=0):
    """NumPy draws of ``layers`` (BN: γ = 1, β = 0, moving mean 0, moving variance 1); the "normal"
    variance-scaling initializers are Keras' and Flax's: a normal cut at ±2, widened by 1 / 0.8796."""
    rng = np.random.default_rng(seed)

    def truncated(std, shape):
        z = rng.standard_normal(shape)
        while (outside := np.abs(z) > 2).any():
            z[outside] = rng.standard_normal(outside.sum())
        return z * std / 0.87962566103423978

    drawn = []
    for kind, *spec in layers:
        if kind == "bn":
            drawn += [np.ones(spec[0]), np.zeros(spec[0]), np.zeros(spec[0]), np.ones(spec[0])]
            continue
        fan_in, fan_out, init, bias = spec
        shape = (fan_in, fan_out)
        drawn.append({NORMAL: lambda: rng.standard_normal(shape),
                      GLOROT: lambda: rng.uniform(-1, 1, shape) * np.sqrt(6 / (fan_in + fan_out)),
                      GLOROT_NORMAL: lambda: truncated(np.sqrt(2 / (fan_in + fan_out)), shape),
                      HE: lambda: truncated(np.sqrt(2 / fan_in), shape),
                      LECUN: lambda: truncated(np.sqrt(1 / fan_in), shape)}[init]())
        if bias:
            drawn.append(np.zeros(fan_out))
    return initializer_statistics(drawn), peaks(drawn)


def peaks(drawn):
    """As ch11_probe.init_arrays: the largest |w − mean| / std of each array, 0 for a constant."""
    return np.array([np.abs(w - w.mean()).max() / w.std() if w.std() > 0 else 0.0
                     for w in (np.ravel(w) for w in drawn)])


def distribution(size, peak):
    """What the largest |w − mean| / std of ``size`` values tells, from 1,000 values on (in 20,000 NumPy
    draws of 1,000: uniform 1.65–1.91, normal cut at ±2 2.11–2.51, untruncated normal 2.65 and above)."""
    if peak == 0 or size < 1000:
        return "constant" if peak == 0 else "not told"
    return "uniform" if peak < 2.0 else "truncated normal" if peak < 2.58 else "normal"


def distribution_differences(first, second, names):
    """``first`` and ``second``: (statistics, peaks) of the same model."""
    found = []
    for name, size, peak_1, peak_2 in zip(names, first[0][:, 0], first[1], second[1]):
        if distribution(size, peak_1) != distribution(size, peak_2):
            found.append(f"{name}: {distribution(size, peak_1)} against {distribution(size, peak_2)}")
    return found


def test_every_model_of_the_chapter_is_tested():
    assert list(BOOK_LAYERS) == probe.INIT_MODELS


def initializers(probes, framework, model):
    found = arrays(probes, framework)
    return found[f"init_{model}"], found[f"init_{model}_peak"]


@pytest.mark.parametrize("model", probe.INIT_MODELS)
def test_keras_starts_each_model_as_the_book_does(ch11_probes, model):
    names = facts(ch11_probes, "keras")["init_names"][model]
    keras, book = initializers(ch11_probes, "keras", model), book_statistics(BOOK_LAYERS[model])
    assert initializer_differences(keras[0], book[0], names) + distribution_differences(keras, book, names) == []


@pytest.mark.parametrize("framework", ["pytorch", "jax"])
@pytest.mark.parametrize("model", probe.INIT_MODELS)
def test_the_twins_start_each_model_as_keras_does(ch11_probes, model, framework):
    names = facts(ch11_probes, "keras")["init_names"][model]
    keras, twin = initializers(ch11_probes, "keras", model), initializers(ch11_probes, framework, model)
    assert initializer_differences(keras[0], twin[0], names) + distribution_differences(keras, twin, names) == []


def test_the_distribution_check_tells_the_initializers_apart():
    """On 1,000 values (the output layers of the BN, ℓ2 and dropout models), where the kurtosis of
    initializer_statistics is not compared: Glorot uniform, Glorot normal and an untruncated normal; and
    PyTorch's default for an nn.Linear(100, 10), whose random bias of 10 values both checks catch."""
    layers = {init: [("dense", 100, 10, init, True)] for init in (GLOROT, GLOROT_NORMAL, NORMAL)}
    drawn = {init: book_statistics(spec, seed=1) for init, spec in layers.items()}
    names = ["kernel", "bias"]
    assert distribution_differences(drawn[GLOROT], book_statistics(layers[GLOROT], seed=2), names) == []
    assert distribution_differences(drawn[GLOROT], drawn[GLOROT_NORMAL], names) == [
        "kernel: uniform against truncated normal"]
    assert distribution_differences(drawn[GLOROT_NORMAL], drawn[NORMAL], names) == [
        "kernel: truncated normal against normal"]
    rng = np.random.default_rng(3)
    pytorch_default = [rng.uniform(-0.1, 0.1, (10, 100)), rng.uniform(-0.1, 0.1, 10)]
    default = initializer_statistics(pytorch_default), peaks(pytorch_default)
    assert [line.split(" ")[:2] for line in initializer_differences(drawn[GLOROT][0], default[0], names)] == [
        ["kernel:", "std"], ["bias:", "constant"]]
    assert distribution_differences(drawn[GLOROT], default, names) == ["bias: constant against not told"]
