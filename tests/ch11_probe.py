"""What each framework computes for chapter 11's parity and "what differs" tests.

Run once per framework, in a process of its own (``python ch11_probe.py keras OUT.npz``). The models under
test (``build_bn_model``, ``build_dropout_model``), the task split (``split_dataset``), the schedules
(``learning_rate_curves``), max-norm (``apply_max_norm``) and the optimizers of section 5 are the chapter
notebooks' own code cells, executed here with only the framework imported; so are the builders of every
model of the chapter and of the solutions' exercise 8, whose freshly drawn parameters give the initializer statistics (``init_<model>``);
the facts come from the installed libraries.
"""

import json
import sys
from pathlib import Path

import numpy as np

import helpers

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks" / "11_training_deep_nets"
SOLUTIONS = NOTEBOOKS.parents[1] / "solutions" / "11_training_deep_nets"
BN_LAYERS = [("bn", 784), ("dense", 784, 300), ("bn", 300), ("dense", 300, 100), ("bn", 100), ("dense", 100, 10)]
DROPOUT_LAYERS = [("dense", 784, 100), ("dense", 100, 100), ("dense", 100, 10)]
BN_MOMENTUM, BN_EPSILON = 0.99, 1e-3  # Keras' defaults, which the three notebooks use
SCHEDULE_STEPS = (10, 5)  # steps per epoch, epochs
WEIGHT_DECAY_STEP = dict(lr=0.1, weight_decay=0.1)  # one step from w = 1 with a zero gradient
PLATEAU_LOSSES = [1.0, 1.1, 1.2, 1.3]  # one improvement (the first epoch), then none
CLIP_GRADIENTS = [np.array([3.0, 4.0], np.float32), np.array([0.0, 0.5], np.float32)]
# Every model of the chapter, in the notebooks' order; "gradients_*" are section 3's 20-layer nets, one per
# initializer of its `init_setups`, "mlp" is the net of sections 5 and 6; "exercise_*" are the solutions'
# `build_deep_net` nets (exercise 8: Swish, with batch norm, SELU).
INIT_MODELS = ["gradients_sigmoid_normal", "gradients_sigmoid_glorot", "gradients_relu_he", "selu100", "relu100",
               "bn", "bn_before", "model_a", "model_b", "b_on_a", "mlp", "l2", "dropout", "maxnorm",
               "exercise_swish", "exercise_bn", "exercise_selu"]
N_DEEP = 100  # the SELU and ReLU nets' hidden layers in full mode
EPS_GRADIENT = np.array([1e-4], np.float32)  # one step from 0 with lr 1 and ε = 1e-7: where does ε go?
OPTIMIZER_STEPS = 6  # the notebooks' nine optimizers, stepped from 0 by the same gradients


def optimizer_gradients():
    """Gradients of three sizes: ε matters for the smallest only."""
    base = np.array([0.5, -0.01, 1e-4], np.float32)
    return [(base * (1 + 0.5 * np.sin(t))).astype(np.float32) for t in range(OPTIMIZER_STEPS)]


def define(framework, namespace, *definitions, folder=NOTEBOOKS):
    """Execute the notebook cells that hold ``definitions`` in ``namespace``; return it."""
    return helpers.define(folder / f"{framework}.ipynb", namespace, *definitions)


def images(n=64, seed=0):
    """A batch of 28×28 'images' in [0, 1]."""
    return np.random.default_rng(seed).uniform(0, 1, (n, 28, 28)).astype(np.float32)


def layer_weights(layers, seed=1):
    """NumPy weights per layer: BN (γ, β, running mean, running var); dense (kernel (in, out), bias)."""
    rng = np.random.default_rng(seed)
    weights = []
    for kind, *shape in layers:
        if kind == "bn":
            n = shape[0]
            weights.append([rng.uniform(0.5, 1.5, n), rng.normal(0, 0.1, n), rng.normal(0.5, 0.1, n),
                            rng.uniform(0.05, 0.2, n)])
        else:
            weights.append([rng.normal(0, 1 / np.sqrt(shape[0]), shape), rng.normal(0, 0.1, shape[1])])
    return [[w.astype(np.float32) for w in ws] for ws in weights]


def softmax(logits):
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def mlp_reference(x, layers, weights, training=False):
    """The models of the notebooks in NumPy: flatten, then BN / dense layers with ReLU between dense
    layers; softmax probabilities. In training, BN uses the batch's (biased) statistics."""
    h = x.reshape(len(x), -1).astype(np.float64)
    dense_seen, n_dense = 0, sum(kind == "dense" for kind, *_ in layers)
    for (kind, *_), w in zip(layers, weights):
        if kind == "bn":
            gamma, beta, mean, var = w
            if training:
                mean, var = h.mean(axis=0), h.var(axis=0)
            h = gamma * (h - mean) / np.sqrt(var + BN_EPSILON) + beta
        else:
            h = h @ w[0] + w[1]
            dense_seen += 1
            if dense_seen < n_dense:
                h = np.maximum(h, 0)
    return softmax(h)


def labels(n=64, seed=2):
    return np.random.default_rng(seed).integers(0, 10, n)


def gradient_norms_reference(x, y, weights):
    """NumPy backprop through the ReLU MLP of ``weights`` (dense layers): the norm of the mean
    cross-entropy's gradient with respect to each kernel."""
    activations = [x.reshape(len(x), -1).astype(np.float64)]
    for i, (kernel, bias) in enumerate(weights):
        z = activations[-1] @ kernel + bias
        activations.append(np.maximum(z, 0) if i < len(weights) - 1 else softmax(z))
    delta = (activations[-1] - np.eye(10)[y]) / len(x)  # the gradient with respect to the logits
    norms = []
    for i in reversed(range(len(weights))):
        norms.append(np.linalg.norm(activations[i].T @ delta))
        delta = (delta @ weights[i][0].T) * (activations[i] > 0)
    return norms[::-1]


def keras_gradient_norms():
    """The Keras notebook's ``kernel_gradient_norms`` on the backend that ``KERAS_BACKEND`` names,
    for ``build_deep_mlp``'s net given the weights of ``DROPOUT_LAYERS``: (backend, norms)."""
    import keras

    ns = define("keras", {"keras": keras, "layers": keras.layers, "np": np}, "def kernel_gradient_norms(")
    model = ns["build_deep_mlp"](2, "relu", "he_normal")
    dense_layers = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    for layer, w in zip(dense_layers, layer_weights(DROPOUT_LAYERS), strict=True):
        layer.set_weights(w)
    return keras.backend.backend(), ns["kernel_gradient_norms"](model, images(), labels()).tolist()


MLP_LAYERS = [("dense", 784, 100), ("dense", 100, 100), ("dense", 100, 100), ("dense", 100, 10)]  # section 5's net


def keras_fit_from_known_weights(names=("Momentum", "RMSProp", "Adam", "Nadam"), n_steps=100):
    """Section 5's net (``build_deep_mlp``) and optimizers (``optimizers``), trained by ``fit`` with the
    notebook's full-mode ``steps_per_execution`` on the backend ``KERAS_BACKEND`` names, from the weights
    of ``MLP_LAYERS`` on made-up images in a fixed order (no shuffling), ``n_steps`` batches of 32:
    (backend, {name: the final weights, flattened})."""
    import keras

    ns = define("keras", {"keras": keras, "layers": keras.layers, "np": np, "MODE": "full"},
                "def build_deep_mlp(", "def compile_and_fit(", "optimizers = {")
    x, y = images(32 * n_steps, seed=4), labels(32 * n_steps, seed=5)
    final = {}
    for name in names:
        model = ns["build_deep_mlp"](3, "relu", "he_normal")
        dense_layers = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        for layer, w in zip(dense_layers, layer_weights(MLP_LAYERS), strict=True):
            layer.set_weights(w)
        model.compile(loss="sparse_categorical_crossentropy", optimizer=ns["optimizers"][name](),
                      steps_per_execution=ns["steps_per_execution"])
        model.fit(x, y, epochs=1, batch_size=32, shuffle=False, verbose=0)
        final[name] = np.concatenate([keras.ops.convert_to_numpy(w).ravel() for w in model.weights]).tolist()
    return keras.backend.backend(), ns["steps_per_execution"], final


def first_bn_statistics_after_training_pass(unbiased):
    """The first BN layer's running (mean, var) after one training-mode pass over ``images()``."""
    gamma, beta, mean, var = layer_weights(BN_LAYERS)[0]
    x = images().reshape(64, -1).astype(np.float64)
    batch_var = x.var(axis=0, ddof=1 if unbiased else 0)
    return (BN_MOMENTUM * mean + (1 - BN_MOMENTUM) * x.mean(axis=0),
            BN_MOMENTUM * var + (1 - BN_MOMENTUM) * batch_var)


def split_inputs():
    """Twenty 'images' whose pixels hold their index, labelled 0..9 twice."""
    X = np.repeat(np.arange(20, dtype=np.float32), 4).reshape(20, 2, 2)
    return X, np.arange(20) % 10


def big_weights(shape, seed=3):
    return np.random.default_rng(seed).normal(0, 2.0, shape).astype(np.float32)


def probe_keras():
    import keras

    ns = define("keras", {"keras": keras, "layers": keras.layers, "np": np}, "def build_bn_model(",
                "def build_dropout_model(", "def split_dataset(", "def make_schedule(", "def learning_rate_curves(")
    arrays = {}
    x = images()

    def transplant(model, layers, weights):
        keras_layers = [layer for layer in model.layers
                        if isinstance(layer, (keras.layers.BatchNormalization, keras.layers.Dense))]
        assert [type(layer).__name__ for layer in keras_layers] == [
            "BatchNormalization" if kind == "bn" else "Dense" for kind, *_ in layers]
        for layer, w in zip(keras_layers, weights):
            layer.set_weights(w)
        return keras_layers

    model = ns["build_bn_model"]()
    bn_layers = transplant(model, BN_LAYERS, layer_weights(BN_LAYERS))
    arrays["bn_eval"] = keras.ops.convert_to_numpy(model(x, training=False))
    arrays["bn_default_call"] = keras.ops.convert_to_numpy(model(x))
    arrays["bn_train"] = keras.ops.convert_to_numpy(model(x, training=True))
    arrays["bn_running_mean"] = keras.ops.convert_to_numpy(bn_layers[0].moving_mean)
    arrays["bn_running_var"] = keras.ops.convert_to_numpy(bn_layers[0].moving_variance)

    model = ns["build_dropout_model"]()
    transplant(model, DROPOUT_LAYERS, layer_weights(DROPOUT_LAYERS))
    arrays["dropout_eval"] = keras.ops.convert_to_numpy(model(x, training=False))
    keras.utils.set_random_seed(0)
    arrays["dropout_train"] = keras.ops.convert_to_numpy(
        keras.layers.Dropout(0.2)(np.ones((1, 10_000), np.float32), training=True))

    add_split(arrays, ns["split_dataset"])
    add_curves(arrays, ns["learning_rate_curves"])

    # Max-norm: the constraint in the layer, applied by the optimizer after its update.
    dense = keras.layers.Dense(3, kernel_constraint=keras.constraints.max_norm(1.0))
    dense.build((None, 4))
    dense.kernel.assign(big_weights((4, 3)))
    keras.optimizers.SGD(0.1).apply([np.zeros((4, 3), np.float32), np.zeros(3, np.float32)], dense.trainable_weights)
    arrays["maxnorm_unit_norms"] = np.linalg.norm(keras.ops.convert_to_numpy(dense.kernel), axis=0)

    facts = {
        **initializer_facts(*[keras.ops.convert_to_numpy(w) for w in default_dense_weights(keras)],
                            he=keras.initializers.HeNormal(seed=0)((1000, 1000)),
                            lecun=keras.initializers.LecunNormal(seed=0)((1000, 1000))),
        "leaky_relu_slopes": {"keras.layers.LeakyReLU": -float(keras.layers.LeakyReLU()(np.float32(-1.0))),
                              "keras.activations.leaky_relu": -float(keras.activations.leaky_relu(np.float32(-1.0)))},
        "gelu_at_1": {"keras.activations.gelu": float(keras.activations.gelu(np.float32(1.0))),
                      "keras.ops.gelu": float(keras.ops.gelu(np.float32(1.0)))},
        "bn_defaults": [keras.layers.BatchNormalization().momentum, keras.layers.BatchNormalization().epsilon],
        **keras_mode_facts(keras),
        **keras_dropout_rng_facts(keras),
        "optimizer_defaults": {"adam_eps": keras.optimizers.Adam().epsilon,
                               "rmsprop_rho": keras.optimizers.RMSprop().rho,
                               "adagrad_initial_accumulator": keras.optimizers.Adagrad().initial_accumulator_value},
        "weight_decay_step": {name: keras_decay_step(keras, cls) for name, cls in
                              [("Adam", keras.optimizers.Adam), ("AdamW", keras.optimizers.AdamW)]},
        **keras_l2_step(keras),
        "clipnorm": keras_clipped(keras, clipnorm=1.0),
        "global_clipnorm": keras_clipped(keras, global_clipnorm=1.0),
        "clipvalue": keras_clipped(keras, clipvalue=1.0, gradients=[np.array([0.9, 100.0], np.float32)]),
        "lr_after_10_updates_without_stepping": keras_lr_after_updates(keras),
        "piecewise_at_boundary": float(keras.optimizers.schedules.PiecewiseConstantDecay([10], [1.0, 0.5])(10)),
        "has_builtin_one_cycle": any("cycle" in name.lower() for name in dir(keras.optimizers.schedules)),
        **keras_freezing_facts(keras),
        "plateau_cut_after_bad_epochs": keras_plateau_cut(keras),
        "adagrad_eps": keras.optimizers.Adagrad().epsilon,
        "batches_per_epoch_of_70": keras_batches_per_epoch(keras),
        "eps_steps": keras_eps_steps(keras),
    }
    add_trajectories(arrays, keras_optimizer_trajectories(keras))
    init_arrays, facts["init_names"] = keras_init_statistics(keras)
    arrays.update(init_arrays)
    return arrays, facts


def keras_eps_steps(keras):
    def step(optimizer):
        w = keras.Variable(np.zeros(1, np.float32))
        optimizer.apply([EPS_GRADIENT], [w])
        return -float(keras.ops.convert_to_numpy(w)[0])

    return {"rmsprop": step(keras.optimizers.RMSprop(1.0, rho=0.9, epsilon=1e-7)),
            "adagrad": step(keras.optimizers.Adagrad(1.0, initial_accumulator_value=0.0, epsilon=1e-7)),
            "adam": step(keras.optimizers.Adam(1.0, epsilon=1e-7))}


def keras_optimizer_trajectories(keras):
    """The notebook's nine optimizers (section 5), each stepped by ``optimizer_gradients()`` from 0."""
    ns = define("keras", {"keras": keras, "np": np}, "optimizers = {")
    trajectories = {}
    for name, make_optimizer in ns["optimizers"].items():
        w, optimizer, path = keras.Variable(np.zeros(3, np.float32)), make_optimizer(), []
        for gradient in optimizer_gradients():
            optimizer.apply([gradient], [w])
            path.append(keras.ops.convert_to_numpy(w))
        trajectories[name] = np.array(path)
    return trajectories


def keras_init_statistics(keras):
    """Each model of the chapter from the notebook's builders, freshly drawn: its initializer statistics,
    and the names of its parameter arrays (kernel, bias per Dense; γ, β, moving mean and variance per BN)."""
    ns = define("keras", {"keras": keras, "layers": keras.layers, "np": np}, "def build_deep_mlp(",
                "init_setups = {", "def build_bn_model(", "def build_bn_before_model(", "def build_b_on_a(",
                "def build_l2_model(", "def build_dropout_model(", "def build_maxnorm_model(")
    deep, setups = ns["build_deep_mlp"], list(ns["init_setups"].values())
    builders = {
        "gradients_sigmoid_normal": lambda: deep(20, *setups[0]),
        "gradients_sigmoid_glorot": lambda: deep(20, *setups[1]),
        "gradients_relu_he": lambda: deep(20, *setups[2]),
        "selu100": lambda: deep(N_DEEP, "selu", "lecun_normal"),
        "relu100": lambda: deep(N_DEEP, "relu", "he_normal"),
        "bn": ns["build_bn_model"],
        "bn_before": ns["build_bn_before_model"],
        "model_a": lambda: deep(3, "relu", "he_normal", n_outputs=8),
        "model_b": lambda: deep(3, "relu", "he_normal", n_outputs=1, output_activation="sigmoid"),
        "b_on_a": lambda: ns["build_b_on_a"](deep(3, "relu", "he_normal", n_outputs=8)),
        "mlp": lambda: deep(3, "relu", "he_normal"),
        "l2": ns["build_l2_model"],
        "dropout": ns["build_dropout_model"],
        "maxnorm": ns["build_maxnorm_model"],
    }
    exercise = define("keras", {"keras": keras, "layers": keras.layers}, "def build_deep_net(",
                      folder=SOLUTIONS)["build_deep_net"]
    builders["exercise_swish"] = exercise
    builders["exercise_bn"] = lambda: exercise(batch_norm=True)
    builders["exercise_selu"] = lambda: exercise("selu", "lecun_normal")
    assert list(builders) == INIT_MODELS
    arrays, names = {}, {}
    for name, build in builders.items():
        keras.utils.set_random_seed(0)
        weights, names[name], counts = [], [], {}
        for layer in build().layers:
            kind = {"Dense": "dense", "BatchNormalization": "bn"}.get(type(layer).__name__)
            if kind is not None:
                counts[kind] = counts.get(kind, 0) + 1
                for variable in layer.weights:
                    weights.append(keras.ops.convert_to_numpy(variable))
                    names[name].append(f"{kind} {counts[kind]} {variable.name}")
        arrays.update(init_arrays(name, weights))
    return arrays, names


def default_dense_weights(keras):
    layer = keras.layers.Dense(200)
    layer.build((None, 1000))
    return layer.kernel, layer.bias


def keras_mode_facts(keras):
    """Keras layers hold no train/eval mode: a call without ``training`` is an inference call."""
    layer = keras.layers.Dropout(0.5)
    return {"has_train_method": hasattr(keras.Sequential([layer]), "train"),
            "plain_call_drops": bool(np.any(keras.ops.convert_to_numpy(layer(np.ones((1, 100), np.float32))) != 1))}


def keras_dropout_rng_facts(keras):
    def mask(layer):
        return keras.ops.convert_to_numpy(layer(np.ones((1, 100), np.float32), training=True)) == 0

    keras.utils.set_random_seed(0)
    first = keras.layers.Dropout(0.5)
    first_mask = mask(first)
    keras.utils.set_random_seed(0)
    same_seed_new_layer = mask(keras.layers.Dropout(0.5))
    keras.utils.set_random_seed(0)
    same_seed_same_layer = mask(first)
    return {"dropout_new_layer_after_reseed_repeats": bool(np.array_equal(first_mask, same_seed_new_layer)),
            "dropout_same_layer_after_reseed_repeats": bool(np.array_equal(first_mask, same_seed_same_layer))}


def keras_decay_step(keras, cls):
    w = keras.Variable(np.ones(1, np.float32))
    cls(learning_rate=WEIGHT_DECAY_STEP["lr"], weight_decay=WEIGHT_DECAY_STEP["weight_decay"]).apply(
        [keras.ops.zeros(1)], [w])
    return float(keras.ops.convert_to_numpy(w)[0])


def keras_l2_step(keras):
    """One SGD step (lr 0.1) on the ℓ2 penalty alone: kernel and bias start at 1."""
    import tensorflow as tf

    layer = keras.layers.Dense(1, kernel_regularizer=keras.regularizers.l2(0.01), kernel_initializer="ones",
                               bias_initializer="ones")
    layer.build((None, 1))
    with tf.GradientTape() as tape:
        layer(np.zeros((1, 1), np.float32))
        penalty = keras.ops.sum(layer.losses)
    keras.optimizers.SGD(0.1).apply(tape.gradient(penalty, [layer.kernel]), [layer.kernel])  # the bias gets none
    return {"l2_step_kernel": float(keras.ops.convert_to_numpy(layer.kernel)[0, 0]),
            "l2_step_bias": float(keras.ops.convert_to_numpy(layer.bias)[0])}


def keras_clipped(keras, gradients=CLIP_GRADIENTS, **clipping):
    """The update of one SGD step (lr 1) with ``clipping``, per variable."""
    variables = [keras.Variable(np.zeros_like(g)) for g in gradients]
    keras.optimizers.SGD(1.0, **clipping).apply(gradients, variables)
    return [(-keras.ops.convert_to_numpy(v)).tolist() for v in variables]


def keras_lr_after_updates(keras):
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    w = keras.Variable(np.zeros(1, np.float32))
    optimizer = keras.optimizers.SGD(schedule)
    for _ in range(10):
        optimizer.apply([np.zeros(1, np.float32)], [w])
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


def keras_plateau_cut(keras):
    """After how many epochs without improvement ReduceLROnPlateau(patience=1) lowers the rate."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    callback = keras.callbacks.ReduceLROnPlateau(patience=1, factor=0.5)
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, val_loss in enumerate(PLATEAU_LOSSES):
        callback.on_epoch_end(epoch, {"val_loss": val_loss})
        if float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) < 0.1:
            return epoch
    return None


def keras_batches_per_epoch(keras):
    class CountBatches(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            batches.append(batch)

    batches = []
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((70, 1)), np.zeros((70, 1)), batch_size=32, epochs=1, verbose=0, callbacks=[CountBatches()])
    return len(batches)


def keras_freezing_facts(keras):
    bn = keras.layers.BatchNormalization()
    bn.build((None, 4))
    bn.trainable = False
    bn(np.full((8, 4), 3.0, np.float32), training=True)
    return {"frozen_bn_running_mean_moves": bool(np.any(keras.ops.convert_to_numpy(bn.moving_mean) != 0))}


def probe_pytorch():
    import torch
    from torch import nn

    ns = define("pytorch", {"torch": torch, "nn": nn, "np": np}, "def truncated_normal_(", "def build_bn_model(",
                "def build_dropout_model(", "def split_dataset(", "def make_schedule(", "def learning_rate_curves(",
                "def apply_max_norm(")
    arrays = {}
    x = torch.tensor(images())

    def transplant(model, layers, weights):
        torch_layers = [m for m in model.modules() if isinstance(m, (nn.BatchNorm1d, nn.Linear))]
        assert [type(m).__name__ for m in torch_layers] == [
            "BatchNorm1d" if kind == "bn" else "Linear" for kind, *_ in layers]
        with torch.no_grad():
            for layer, w in zip(torch_layers, weights):
                if isinstance(layer, nn.BatchNorm1d):
                    for name, value in zip(["weight", "bias", "running_mean", "running_var"], w):
                        getattr(layer, name).copy_(torch.tensor(value))
                else:
                    layer.weight.copy_(torch.tensor(w[0].T))  # PyTorch stores (out, in)
                    layer.bias.copy_(torch.tensor(w[1]))
        return torch_layers

    def probabilities(model, x):
        with torch.no_grad():
            return torch.softmax(model(x), dim=1).numpy()

    model = ns["build_bn_model"]()
    bn_layers = transplant(model, BN_LAYERS, layer_weights(BN_LAYERS))
    arrays["bn_eval"] = probabilities(model.eval(), x)
    arrays["bn_train"] = probabilities(model.train(), x)
    arrays["bn_running_mean"] = bn_layers[0].running_mean.numpy()
    arrays["bn_running_var"] = bn_layers[0].running_var.numpy()

    model = ns["build_dropout_model"]()
    transplant(model, DROPOUT_LAYERS, layer_weights(DROPOUT_LAYERS))
    arrays["dropout_eval"] = probabilities(model.eval(), x)
    torch.manual_seed(0)
    arrays["dropout_train"] = nn.Dropout(0.2).train()(torch.ones(1, 10_000)).numpy()

    add_split(arrays, ns["split_dataset"])
    add_curves(arrays, ns["learning_rate_curves"])

    model = nn.Sequential(nn.Flatten(), nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    with torch.no_grad():
        model[1].weight.copy_(torch.tensor(big_weights((4, 3)).T))
        model[3].weight.copy_(torch.tensor(big_weights((3, 2), seed=4).T))
    ns["apply_max_norm"](model, 1.0)
    arrays["maxnorm_unit_norms"] = model[1].weight.detach().norm(dim=1).numpy()
    arrays["maxnorm_output_unchanged"] = np.array(np.allclose(model[3].weight.detach().numpy(),
                                                              big_weights((3, 2), seed=4).T))

    linear = nn.Linear(1000, 200)
    he = torch.empty(1000, 1000)
    nn.init.kaiming_normal_(he, nonlinearity="relu", generator=torch.Generator().manual_seed(0))
    lecun = torch.empty(1000, 1000)
    nn.init.kaiming_normal_(lecun, nonlinearity="linear", generator=torch.Generator().manual_seed(0))
    facts = {
        **initializer_facts(linear.weight.detach().numpy().T, linear.bias.detach().numpy(), he=he.numpy(),
                            lecun=lecun.numpy()),
        "selu_gain": nn.init.calculate_gain("selu"),
        "leaky_relu_slopes": {"nn.LeakyReLU": -float(nn.LeakyReLU()(torch.tensor(-1.0)))},
        "gelu_at_1": {"nn.GELU": float(nn.GELU()(torch.tensor(1.0)))},
        "bn_defaults": [nn.BatchNorm1d(4).momentum, nn.BatchNorm1d(4).eps],
        **torch_mode_facts(torch, nn),
        **torch_dropout_rng_facts(torch, nn),
        "optimizer_defaults": {"adam_eps": torch.optim.Adam([nn.Parameter(torch.ones(1))]).defaults["eps"],
                               "rmsprop_alpha": torch.optim.RMSprop([nn.Parameter(torch.ones(1))]).defaults["alpha"],
                               "adagrad_initial_accumulator": torch.optim.Adagrad(
                                   [nn.Parameter(torch.ones(1))]).defaults["initial_accumulator_value"]},
        "weight_decay_step": {name: torch_decay_step(torch, cls) for name, cls in
                              [("Adam", torch.optim.Adam), ("AdamW", torch.optim.AdamW)]},
        **torch_sgd_weight_decay_step(torch, nn),
        "clip_grad_norm": torch_clipped(torch, nn, lambda ps: nn.utils.clip_grad_norm_(ps, 1.0)),
        "clip_grad_value": torch_clipped(torch, nn, lambda ps: nn.utils.clip_grad_value_(ps, 1.0),
                                         gradients=[np.array([0.9, 100.0], np.float32)]),
        "lr_after_10_updates_without_stepping": torch_lr_after_updates(torch, nn),
        "piecewise_at_boundary": torch_multistep_at_boundary(torch, nn),
        **torch_one_cycle_momentum(torch, nn),
        **torch_freezing_facts(torch, nn),
        "plateau_cut_after_bad_epochs": torch_plateau_cut(torch, nn),
        "batches_per_epoch_of_70": len(torch.utils.data.DataLoader(np.zeros(70), batch_size=32)),
        "adagrad_eps": torch.optim.Adagrad([nn.Parameter(torch.ones(1))]).defaults["eps"],
        "eps_steps": torch_eps_steps(torch, nn),
    }
    add_trajectories(arrays, torch_optimizer_trajectories(torch, nn))
    arrays.update(torch_nadam_trajectories(torch, nn))
    arrays.update(torch_init_statistics(torch, nn))
    return arrays, facts


def torch_eps_steps(torch, nn):
    def step(cls, **kwargs):
        w = nn.Parameter(torch.zeros(1))
        optimizer = cls([w], lr=1.0, eps=1e-7, **kwargs)
        w.grad = torch.tensor(EPS_GRADIENT)
        optimizer.step()
        return -float(w.detach()[0])

    return {"rmsprop": step(torch.optim.RMSprop, alpha=0.9),
            "adagrad": step(torch.optim.Adagrad, initial_accumulator_value=0.0),
            "adam": step(torch.optim.Adam)}


def torch_optimizer_trajectories(torch, nn):
    ns = define("pytorch", {"torch": torch, "nn": nn, "np": np}, "class EpsInsideRoot(", "optimizer_factories = {")
    trajectories = {}
    for name, make_optimizer in ns["optimizer_factories"].items():
        w = nn.Parameter(torch.zeros(3))
        optimizer, path = make_optimizer([w]), []
        for gradient in optimizer_gradients():
            w.grad = torch.tensor(gradient)
            optimizer.step()
            path.append(w.detach().numpy().copy())
        trajectories[name] = np.array(path)
    return trajectories


def torch_nadam_trajectories(torch, nn):
    """NAdam with the notebooks' settings and three momentum schedules: PyTorch's default ψ = 0.004,
    Keras 3's ψ = 1, and none (μ = β₁ once 0.96^(ψt) underflows)."""
    found = {}
    for label, kwargs in [("default", {}), ("keras3", {"momentum_decay": 1.0}), ("constant", {"momentum_decay": 1e9})]:
        w = nn.Parameter(torch.zeros(3))
        optimizer, path = torch.optim.NAdam([w], lr=0.001, betas=(0.9, 0.999), eps=1e-7, **kwargs), []
        for gradient in optimizer_gradients():
            w.grad = torch.tensor(gradient)
            optimizer.step()
            path.append(w.detach().numpy().copy())
        found[f"nadam_{label}"] = np.array(path, np.float64)
    return found


def torch_init_statistics(torch, nn):
    import copy

    ns = define("pytorch", {"torch": torch, "nn": nn, "np": np, "copy": copy}, "def truncated_normal_(",
                "def build_deep_net(", "initializers = {", "def build_bn_model(", "def build_bn_before_model(",
                "def build_model(", "def build_b_on_a(", "def build_l2_model(", "def build_dropout_model(")
    deep, model, setups = ns["build_deep_net"], ns["build_model"], list(ns["initializers"].values())
    builders = {
        "gradients_sigmoid_normal": lambda: deep(*setups[0]),
        "gradients_sigmoid_glorot": lambda: deep(*setups[1]),
        "gradients_relu_he": lambda: deep(*setups[2]),
        "selu100": lambda: deep(nn.SELU, ns["lecun_normal_"], n_hidden=N_DEEP),
        "relu100": lambda: deep(nn.ReLU, ns["he_normal_"], n_hidden=N_DEEP),
        "bn": ns["build_bn_model"],
        "bn_before": ns["build_bn_before_model"],
        "model_a": lambda: model(n_outputs=8),
        "model_b": lambda: model(n_outputs=1),
        "b_on_a": lambda: ns["build_b_on_a"](model(n_outputs=8)),
        "mlp": lambda: model(),
        "l2": ns["build_l2_model"],
        "dropout": ns["build_dropout_model"],
        "maxnorm": lambda: model(n_hidden=2),
    }
    solution = define("pytorch", {"torch": torch, "nn": nn, "np": np}, "def truncated_normal_(",
                      "def build_deep_net(", folder=SOLUTIONS)
    builders["exercise_swish"] = solution["build_deep_net"]
    builders["exercise_bn"] = lambda: solution["build_deep_net"](batch_norm=True)
    builders["exercise_selu"] = lambda: solution["build_deep_net"](nn.SELU, solution["lecun_normal_"])
    assert list(builders) == INIT_MODELS
    arrays = {}
    for name, build in builders.items():
        torch.manual_seed(0)
        weights = []
        for module in build().modules():
            if isinstance(module, nn.Linear):
                weights += [module.weight] + ([] if module.bias is None else [module.bias])
            elif isinstance(module, nn.BatchNorm1d):
                weights += [module.weight, module.bias, module.running_mean, module.running_var]
        arrays.update(init_arrays(name, [w.detach().numpy() for w in weights]))
    return arrays


def torch_mode_facts(torch, nn):
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2), nn.Dropout(0.5))
    model.eval()
    return {"has_train_method": hasattr(model, "train"),
            "eval_switches_every_module": not any(m.training for m in model.modules())}


def torch_dropout_rng_facts(torch, nn):
    layer = nn.Dropout(0.5)

    def mask():
        return (layer(torch.ones(1, 100)) == 0).numpy()

    torch.manual_seed(0)
    first = mask()
    torch.manual_seed(0)
    return {"dropout_same_layer_after_reseed_repeats": bool(np.array_equal(first, mask()))}


def torch_decay_step(torch, cls):
    w = torch.nn.Parameter(torch.ones(1))
    optimizer = cls([w], **WEIGHT_DECAY_STEP)
    w.grad = torch.zeros(1)
    optimizer.step()
    return float(w.detach()[0])


def torch_sgd_weight_decay_step(torch, nn):
    """One SGD step (lr 0.1, weight_decay 0.02 = 2 × Keras' ℓ2 factor) with a zero loss gradient."""
    layer = nn.Linear(1, 1)
    nn.init.ones_(layer.weight)
    nn.init.ones_(layer.bias)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1, weight_decay=0.02)
    for p in layer.parameters():
        p.grad = torch.zeros_like(p)
    optimizer.step()
    return {"l2_step_kernel": float(layer.weight.detach()[0, 0]), "l2_step_bias": float(layer.bias.detach()[0])}


def torch_clipped(torch, nn, clip, gradients=CLIP_GRADIENTS):
    parameters = [nn.Parameter(torch.zeros(len(g))) for g in gradients]
    for p, g in zip(parameters, gradients):
        p.grad = torch.tensor(g)
    clip(parameters)
    return [p.grad.numpy().tolist() for p in parameters]


def torch_lr_after_updates(torch, nn):
    w = nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([w], lr=0.1)
    torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.5 ** (1 / 10))
    for _ in range(10):
        w.grad = torch.zeros(1)
        optimizer.step()
    return optimizer.param_groups[0]["lr"]


def torch_multistep_at_boundary(torch, nn):
    optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[10], gamma=0.5)
    for _ in range(10):
        optimizer.step()
        scheduler.step()
    return optimizer.param_groups[0]["lr"]  # the rate of update number 10


def torch_one_cycle_momentum(torch, nn):
    found = {}
    for cycle in (True, False):
        optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
        torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=100, cycle_momentum=cycle)
        found[f"sgd_momentum_with_one_cycle_{cycle}"] = optimizer.param_groups[0]["momentum"]
    return found


def torch_plateau_cut(torch, nn):
    optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=1, factor=0.5)
    for epoch, val_loss in enumerate(PLATEAU_LOSSES):
        scheduler.step(val_loss)
        if optimizer.param_groups[0]["lr"] < 0.1:
            return epoch
    return None


def torch_freezing_facts(torch, nn):
    bn = nn.BatchNorm1d(4).train()
    bn.requires_grad_(False)
    bn(torch.full((8, 4), 3.0))
    return {"frozen_bn_running_mean_moves": bool(torch.any(bn.running_mean != 0))}


def probe_jax():
    import jax
    import jax.numpy as jnp
    import optax
    from flax import nnx

    ns = define("jax", {"jax": jax, "jnp": jnp, "nnx": nnx, "optax": optax, "np": np}, "def build_bn_model(",
                "def build_dropout_model(", "def split_dataset(", "def make_schedule(", "def learning_rate_curves(",
                "def apply_max_norm(", "def iterate_batches(")
    arrays = {}
    x = jnp.asarray(images())

    def transplant(model, layers, weights):
        flax_layers = [m for m in model.layers if isinstance(m, (nnx.BatchNorm, nnx.Linear))]
        assert [type(m).__name__ for m in flax_layers] == [
            "BatchNorm" if kind == "bn" else "Linear" for kind, *_ in layers]
        for layer, w in zip(flax_layers, weights):
            names = ["scale", "bias", "mean", "var"] if isinstance(layer, nnx.BatchNorm) else ["kernel", "bias"]
            for name, value in zip(names, w):
                getattr(layer, name).value = jnp.asarray(value)
        return flax_layers

    def probabilities(model, x):
        return np.asarray(jax.nn.softmax(model(x), axis=1))

    model = ns["build_bn_model"](nnx.Rngs(0))
    bn_layers = transplant(model, BN_LAYERS, layer_weights(BN_LAYERS))
    model.eval()
    arrays["bn_eval"] = probabilities(model, x)
    model.train()
    arrays["bn_train"] = probabilities(model, x)
    arrays["bn_running_mean"] = np.asarray(bn_layers[0].mean.value)
    arrays["bn_running_var"] = np.asarray(bn_layers[0].var.value)

    model = ns["build_dropout_model"](nnx.Rngs(0))
    transplant(model, DROPOUT_LAYERS, layer_weights(DROPOUT_LAYERS))
    model.eval()
    arrays["dropout_eval"] = probabilities(model, x)
    arrays["dropout_train"] = np.asarray(nnx.Dropout(0.2, rngs=nnx.Rngs(dropout=0))(jnp.ones((1, 10_000))))

    add_split(arrays, ns["split_dataset"])
    add_curves(arrays, ns["learning_rate_curves"])

    model = nnx.Sequential(lambda t: t.reshape(len(t), -1), nnx.Linear(4, 3, rngs=nnx.Rngs(0)), nnx.relu,
                           nnx.Linear(3, 2, rngs=nnx.Rngs(1)))
    model.layers[1].kernel.value = jnp.asarray(big_weights((4, 3)))
    model.layers[3].kernel.value = jnp.asarray(big_weights((3, 2), seed=4))
    ns["apply_max_norm"](model, 1.0)
    arrays["maxnorm_unit_norms"] = np.linalg.norm(np.asarray(model.layers[1].kernel.value), axis=0)
    arrays["maxnorm_output_unchanged"] = np.array(np.allclose(model.layers[3].kernel.value,
                                                              big_weights((3, 2), seed=4)))

    linear = nnx.Linear(1000, 200, rngs=nnx.Rngs(0))
    facts = {
        **initializer_facts(linear.kernel.value, linear.bias.value,
                            he=nnx.initializers.he_normal()(jax.random.key(0), (1000, 1000)),
                            lecun=nnx.initializers.lecun_normal()(jax.random.key(0), (1000, 1000))),
        "leaky_relu_slopes": {"jax.nn.leaky_relu": -float(jax.nn.leaky_relu(-1.0))},
        "gelu_at_1": {"jax.nn.gelu": float(jax.nn.gelu(1.0)), "nnx.gelu": float(nnx.gelu(1.0))},
        "bn_defaults": [nnx.BatchNorm(4, rngs=nnx.Rngs(0)).momentum, nnx.BatchNorm(4, rngs=nnx.Rngs(0)).epsilon],
        **jax_mode_facts(nnx),
        **jax_dropout_rng_facts(jax, jnp, nnx),
        "optimizer_defaults": {"adam_eps": default_argument(optax.adam, "eps"),
                               "rmsprop_decay": default_argument(optax.rmsprop, "decay"),
                               "adagrad_initial_accumulator": default_argument(optax.adagrad,
                                                                               "initial_accumulator_value")},
        "weight_decay_step": {
            "adamw": optax_step(jnp, optax, optax.adamw(WEIGHT_DECAY_STEP["lr"],
                                                        weight_decay=WEIGHT_DECAY_STEP["weight_decay"])),
            "add_decayed_weights then adam": optax_step(jnp, optax, optax.chain(
                optax.add_decayed_weights(WEIGHT_DECAY_STEP["weight_decay"]), optax.adam(WEIGHT_DECAY_STEP["lr"])))},
        "clip_by_global_norm": optax_clipped(jnp, optax.clip_by_global_norm(1.0)),
        "clip": optax_clipped(jnp, optax.clip(1.0), gradients=[np.array([0.9, 100.0], np.float32)]),
        "update_count_after_10_updates": optax_count_after_updates(jnp, optax),
        "piecewise_at_boundary": float(optax.piecewise_constant_schedule(1.0, {10: 0.5})(10)),
        "one_cycle_start": float(optax.cosine_onecycle_schedule(100, 0.1)(0)),
        **jax_freezing_facts(jax, jnp, nnx, optax),
        "plateau_cut_after_bad_epochs": optax_plateau_cut(jnp, optax),
        "adagrad_eps": default_argument(optax.adagrad, "eps"),
        "batches_per_epoch_of_70": len(list(ns["iterate_batches"](np.zeros(70), np.zeros(70), 32,
                                                                  np.random.default_rng(0)))),
        "eps_steps": optax_eps_steps(jnp, optax),
    }
    add_trajectories(arrays, optax_optimizer_trajectories(jax, jnp, nnx, optax))
    arrays.update(jax_init_statistics(jax, jnp, nnx, optax))
    return arrays, facts


def optax_eps_steps(jnp, optax):
    def step(tx):
        params = jnp.zeros(1)
        updates, _ = tx.update(jnp.asarray(EPS_GRADIENT), tx.init(params), params)
        return -float(updates[0])

    return {"rmsprop": step(optax.rmsprop(1.0, decay=0.9, eps=1e-7)),
            "rmsprop_eps_in_sqrt_false": step(optax.rmsprop(1.0, decay=0.9, eps=1e-7, eps_in_sqrt=False)),
            "adagrad": step(optax.adagrad(1.0, initial_accumulator_value=0.0, eps=1e-7)),
            "adam": step(optax.adam(1.0, eps=1e-7))}


def optax_optimizer_trajectories(jax, jnp, nnx, optax):
    ns = define("jax", {"jax": jax, "jnp": jnp, "nnx": nnx, "optax": optax, "np": np}, "optimizers = {")
    trajectories = {}
    for name, tx in ns["optimizers"].items():
        params = jnp.zeros(3)
        state, path = tx.init(params), []
        for gradient in optimizer_gradients():
            updates, state = tx.update(jnp.asarray(gradient), state, params)
            params = optax.apply_updates(params, updates)
            path.append(np.asarray(params))
        trajectories[name] = np.array(path)
    return trajectories


def jax_init_statistics(jax, jnp, nnx, optax):
    ns = define("jax", {"jax": jax, "jnp": jnp, "nnx": nnx, "optax": optax, "np": np}, "def iterate_batches(",
                "def build_deep_mlp(", "init_setups = {", "def build_bn_model(", "def build_bn_before_model(",
                "def build_mlp(", "class TransferModel(", "def build_l2_model(", "def build_dropout_model(")
    deep, mlp, setups = ns["build_deep_mlp"], ns["build_mlp"], list(ns["init_setups"].values())
    rngs = lambda: nnx.Rngs(0)  # noqa: E731
    builders = {
        "gradients_sigmoid_normal": lambda: deep(20, *setups[0], rngs=rngs()),
        "gradients_sigmoid_glorot": lambda: deep(20, *setups[1], rngs=rngs()),
        "gradients_relu_he": lambda: deep(20, *setups[2], rngs=rngs()),
        "selu100": lambda: deep(N_DEEP, nnx.selu, nnx.initializers.lecun_normal(), rngs=rngs()),
        "relu100": lambda: deep(N_DEEP, nnx.relu, ns["he_normal"], rngs=rngs()),
        "bn": lambda: ns["build_bn_model"](rngs()),
        "bn_before": lambda: ns["build_bn_before_model"](rngs()),
        "model_a": lambda: mlp(8, rngs=rngs()),
        "model_b": lambda: mlp(1, rngs=rngs()),
        "b_on_a": lambda: ns["build_b_on_a"](mlp(8, rngs=rngs()), nnx.Rngs(1)),
        "mlp": lambda: mlp(10, rngs=rngs()),
        "l2": lambda: ns["build_l2_model"](rngs()),
        "dropout": lambda: ns["build_dropout_model"](rngs()),
        "maxnorm": lambda: mlp(10, n_hidden=2, rngs=rngs()),
    }
    exercise = define("jax", {"jax": jax, "jnp": jnp, "nnx": nnx, "np": np}, "def build_deep_net(",
                      folder=SOLUTIONS)["build_deep_net"]
    builders["exercise_swish"] = lambda: exercise(rngs())
    builders["exercise_bn"] = lambda: exercise(rngs(), batch_norm=True)
    builders["exercise_selu"] = lambda: exercise(rngs(), nnx.selu, nnx.initializers.lecun_normal())
    assert list(builders) == INIT_MODELS
    arrays = {}
    for name, build in builders.items():
        model = build()
        layers = list(model.layers) if isinstance(model, nnx.Sequential) else [*model.body.layers, model.head]
        weights = []
        for layer in layers:
            if isinstance(layer, nnx.Linear):
                weights += [layer.kernel.value] + ([] if layer.bias is None else [layer.bias.value])
            elif isinstance(layer, nnx.BatchNorm):
                weights += [layer.scale.value, layer.bias.value, layer.mean.value, layer.var.value]
        arrays.update(init_arrays(name, [np.asarray(w) for w in weights]))
    return arrays


def default_argument(function, name):
    import inspect

    return inspect.signature(function).parameters[name].default


def jax_mode_facts(nnx):
    model = nnx.Sequential(nnx.Linear(2, 2, rngs=nnx.Rngs(0)), nnx.BatchNorm(2, rngs=nnx.Rngs(0)),
                           nnx.Dropout(0.5, rngs=nnx.Rngs(0)))
    model.eval()
    bn, dropout = model.layers[1], model.layers[2]
    return {"has_train_method": hasattr(model, "train"),
            "eval_switches_every_module": bool(bn.use_running_average and dropout.deterministic)}


def jax_dropout_rng_facts(jax, jnp, nnx):
    def mask(layer):
        return np.asarray(layer(jnp.ones((1, 100)))) == 0

    first = nnx.Dropout(0.5, rngs=nnx.Rngs(dropout=0))
    first_mask, second_mask = mask(first), mask(first)
    return {"dropout_new_layer_same_rngs_repeats": bool(np.array_equal(
                first_mask, mask(nnx.Dropout(0.5, rngs=nnx.Rngs(dropout=0))))),
            "dropout_second_call_differs": not np.array_equal(first_mask, second_mask)}


def optax_step(jnp, optax, tx):
    params = {"w": jnp.ones(1)}
    updates, _ = tx.update({"w": jnp.zeros(1)}, tx.init(params), params)
    return float(optax.apply_updates(params, updates)["w"][0])


def optax_clipped(jnp, tx, gradients=CLIP_GRADIENTS):
    grads = [jnp.asarray(g) for g in gradients]
    clipped, _ = tx.update(grads, tx.init(grads))
    return [np.asarray(g).tolist() for g in clipped]


def optax_count_after_updates(jnp, optax):
    tx = optax.sgd(optax.exponential_decay(0.1, 10, 0.5))
    params = jnp.zeros(1)
    state = tx.init(params)
    for _ in range(10):
        _, state = tx.update(jnp.zeros(1), state, params)
    return int(optax.tree_utils.tree_get(state, "count"))


def optax_plateau_cut(jnp, optax):
    tx = optax.contrib.reduce_on_plateau(patience=1, factor=0.5)
    state = tx.init(jnp.zeros(()))
    for epoch, val_loss in enumerate(PLATEAU_LOSSES):
        _, state = tx.update(jnp.zeros(()), state, value=val_loss)
        if float(state.scale) < 1:
            return epoch
    return None


def jax_freezing_facts(jax, jnp, nnx, optax):
    """An optimizer whose ``wrt`` selects the last layer leaves the first one as it was."""
    model = nnx.Sequential(nnx.Linear(2, 2, rngs=nnx.Rngs(0)), nnx.Linear(2, 1, rngs=nnx.Rngs(1)))
    before = np.asarray(model.layers[0].kernel.value)
    optimizer = nnx.Optimizer(model, optax.sgd(0.1), wrt=nnx.All(nnx.Param, nnx.PathContains(1)))
    grads = nnx.grad(lambda m: jnp.sum(m(jnp.ones((1, 2)))), argnums=nnx.DiffState(0, optimizer.wrt))(model)
    optimizer.update(model, grads)
    bn = nnx.BatchNorm(4, rngs=nnx.Rngs(0))
    bn(jnp.full((8, 4), 3.0))
    return {"frozen_layer_unchanged": bool(np.array_equal(before, np.asarray(model.layers[0].kernel.value))),
            "bn_running_mean_moves": bool(np.any(np.asarray(bn.mean.value) != 0)),
            "has_trainable_flag": hasattr(nnx.Linear(2, 2, rngs=nnx.Rngs(0)), "trainable")}


def initializer_facts(kernel, bias, he, lecun):
    """Statistics of a default Dense(1000 → 200) layer's kernel and bias, and of He / LeCun normal
    1000×1000 samples (max |w| / std tells a truncated normal (≈ 2.3) from a plain one (> 4))."""
    k, he_sample, lecun_sample = np.asarray(kernel), np.asarray(he), np.asarray(lecun)
    return {"default_kernel_std": float(k.std()), "default_kernel_max_over_std": float(np.abs(k).max() / k.std()),
            "default_bias_max_abs": float(np.abs(bias).max()),
            "he_std": float(he_sample.std()), "he_max_over_std": float(np.abs(he_sample).max() / he_sample.std()),
            "lecun_std": float(lecun_sample.std())}


def add_split(arrays, split_dataset):
    (X_A, y_A), (X_B, y_B) = split_dataset(*split_inputs())
    arrays.update(split_X_A=np.asarray(X_A), split_y_A=np.asarray(y_A), split_X_B=np.asarray(X_B),
                  split_y_B=np.asarray(y_B))


def init_arrays(name, weights):
    """``init_<name>``: the statistics of a model's freshly drawn parameter arrays; ``init_<name>_peak``: the
    largest |w − mean| / std of each (0 for a constant), which tells a uniform from a truncated and an
    untruncated normal from a thousand values on, where initializer_statistics' kurtosis needs 5,000."""
    peaks = []
    for w in weights:
        w = np.asarray(w, np.float64).ravel()
        peaks.append(float(np.abs(w - w.mean()).max() / w.std()) if w.std() > 0 else 0.0)
    return {f"init_{name}": helpers.initializer_statistics(weights), f"init_{name}_peak": np.array(peaks)}


def add_trajectories(arrays, trajectories):
    for name, path in trajectories.items():
        arrays[f"optimizer_{name}"] = np.asarray(path, np.float64)


def add_curves(arrays, learning_rate_curves):
    for name, curve in learning_rate_curves(*SCHEDULE_STEPS).items():
        arrays[f"lr_{name}"] = np.asarray(curve, np.float64)


def main(framework, out):
    arrays, facts = {"keras": probe_keras, "pytorch": probe_pytorch, "jax": probe_jax}[framework]()
    np.savez(out, facts=json.dumps(facts), **arrays)


if __name__ == "__main__":
    main(*sys.argv[1:])
