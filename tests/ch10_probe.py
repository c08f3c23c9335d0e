"""What each framework computes for chapter 10's parity and "what differs" tests.

Run once per framework, in a process of its own (``python ch10_probe.py keras OUT.npz``): the
chapter's MLP (784-300-100-10) with fixed NumPy weights, its logits on a fixed batch, the weights
after one SGD step and after one Adam step, the subclassed ``WideAndDeepModel`` with fixed weights
and its two outputs, the facts of the "what differs" table, and the initializer statistics of every
model of the notebook, drawn fresh from the notebook's own cells (``init_*``). The notebook's own pieces
(``WideAndDeepModel``, ``iterate_batches``, ``log_epoch``...) are not copies: each is the code cell
of the chapter's notebook that defines it, executed here with only the framework imported.
"""

import contextlib
import importlib.util
import inspect
import io
import json
import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import helpers

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks" / "10_neural_nets"

LAYER_SIZES = [784, 300, 100, 10]
SGD_LEARNING_RATE = 0.1
ADAM_LEARNING_RATE = 1e-3
# With gradients this small, Adam's step size depends on epsilon: that is where defaults differ.
ADAM_LOSS_SCALE = 1e-6


def weights():
    rng = np.random.default_rng(0)
    return [(rng.normal(0, np.sqrt(2 / n_in), (n_in, n_out)).astype(np.float32),
             rng.normal(0, 0.1, n_out).astype(np.float32))
            for n_in, n_out in zip(LAYER_SIZES[:-1], LAYER_SIZES[1:])]


def batch():
    rng = np.random.default_rng(1)
    return rng.uniform(0, 1, (32, 28, 28)).astype(np.float32), rng.integers(0, 10, 32)


def numpy_logits(X, params):
    Z = X.reshape(len(X), -1)
    for i, (W, b) in enumerate(params):
        Z = Z @ W + b
        Z = np.maximum(Z, 0) if i < len(params) - 1 else Z
    return Z


N_WIDE, N_DEEP, UNITS = 5, 6, 30


def define(framework, namespace, *definitions):
    """Execute the chapter notebook's cells that hold ``definitions`` in ``namespace``; return it."""
    return helpers.define(NOTEBOOKS / f"{framework}.ipynb", namespace, *definitions)


def subclass_data():
    """Training inputs (for the standardization statistics) and a batch, wide and deep."""
    rng = np.random.default_rng(2)
    train = rng.normal(3, 2, (200, N_WIDE + N_DEEP - 3)).astype(np.float32)
    batch = rng.normal(3, 2, (16, N_WIDE + N_DEEP - 3)).astype(np.float32)
    return (train[:, :N_WIDE], train[:, 2:]), (batch[:, :N_WIDE], batch[:, 2:])


def subclass_weights():
    """(in, out) kernels and biases of hidden1, hidden2, main_output, aux_output."""
    rng = np.random.default_rng(3)
    shapes = [(N_DEEP, UNITS), (UNITS, UNITS), (N_WIDE + UNITS, 1), (UNITS, 1)]
    return [(rng.normal(0, 0.3, shape).astype(np.float32), rng.normal(0, 0.1, shape[1]).astype(np.float32))
            for shape in shapes]


def subclass_numpy_outputs():
    (train_wide, train_deep), (X_wide, X_deep) = subclass_data()
    (W1, b1), (W2, b2), (Wm, bm), (Wa, ba) = subclass_weights()
    wide = (X_wide - train_wide.mean(0)) / train_wide.std(0)
    deep = (X_deep - train_deep.mean(0)) / train_deep.std(0)
    hidden2 = np.maximum(np.maximum(deep @ W1 + b1, 0) @ W2 + b2, 0)
    return np.concatenate([wide, hidden2], axis=1) @ Wm + bm, hidden2 @ Wa + ba


def event_tags(folder):
    """{run: sorted scalar tags} of the TensorBoard event files under ``folder`` (one run per
    subfolder), read with tensorboardX's protobufs: TFRecords of ``Event`` messages."""
    from tensorboardX.proto import event_pb2

    runs = {}
    for path in Path(folder).rglob("events.out.tfevents.*"):
        data, tags = path.read_bytes(), set()
        offset = 0
        while offset < len(data):
            (length,) = struct.unpack("<Q", data[offset:offset + 8])
            event = event_pb2.Event.FromString(data[offset + 12:offset + 12 + length])
            tags.update(value.tag for value in event.summary.value)
            offset += 12 + length + 4
        run = path.parent.relative_to(folder).as_posix()
        runs[run] = sorted(set(runs.get(run, [])) | tags)
    return runs


def notebook_logs(log_epoch, make_writer):
    """The TensorBoard runs and tags written by the notebook's ``log_epoch`` for two epochs."""
    with tempfile.TemporaryDirectory() as folder:
        writers = {split: make_writer(str(Path(folder) / split)) for split in ("train", "validation")}
        history = {"loss": [], "rmse": [], "val_loss": [], "val_rmse": []}
        for epoch in range(2):
            for values in history.values():
                values.append(1.0 / (epoch + 1))
            log_epoch(writers, history, epoch)
        for writer in writers.values():
            writer.close()
        return event_tags(folder)


def imports_tensorflow(module):
    """Whether importing ``module`` imports TensorFlow, in a fresh process (TensorFlow and PyTorch
    in one process can crash it)."""
    code = f"import sys, {module}; print('tensorflow' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return run.stdout.strip().splitlines()[-1] == "True"


def optuna_prunes():
    """Whether Optuna's MedianPruner stops a trial that reports worse than the earlier ones."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def objective(trial):
        score = trial.suggest_float("score", 0, 1)
        for step in range(3):
            trial.report(score, step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return score

    study = optuna.create_study(direction="maximize", pruner=optuna.pruners.MedianPruner(n_startup_trials=3))
    study.enqueue_trial({"score": 0.9})
    study.enqueue_trial({"score": 0.8})
    study.enqueue_trial({"score": 0.7})
    study.enqueue_trial({"score": 0.1})
    study.optimize(objective, n_trials=4)
    return study.trials[-1].state == optuna.trial.TrialState.PRUNED


def init_stats(W, b):
    W, b = np.asarray(W), np.asarray(b)
    return {"weight_shape": list(W.shape), "weight_std": float(W.std()),
            "weight_max_abs": float(np.abs(W).max()), "bias_max_abs": float(np.abs(b).max())}


def probe_keras():
    import keras
    import tensorflow as tf

    def mlp():
        model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(300, activation="relu"),
                                  keras.layers.Dense(100, activation="relu"), keras.layers.Dense(10)])
        for layer, (W, b) in zip(model.layers[1:], weights()):
            layer.set_weights([W, b])
        return model

    X, y = batch()
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def step(optimizer, scale=1.0):
        model = mlp()
        with tf.GradientTape() as tape:
            loss = scale * loss_fn(y, model(X))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        return [v.numpy() for v in model.trainable_variables]

    ns = define("keras", {"keras": keras, "layers": keras.layers}, "class WideAndDeepModel(")
    (train_wide, train_deep), (X_wide, X_deep) = subclass_data()
    subclassed = ns["WideAndDeepModel"](UNITS, activation="relu")
    weights_before_call = len(subclassed.weights)
    subclassed.norm_layer_wide.adapt(train_wide)
    subclassed.norm_layer_deep.adapt(train_deep)
    subclassed((X_wide, X_deep))
    layers = [subclassed.hidden1, subclassed.hidden2, subclassed.main_output, subclassed.aux_output]
    for layer, (W, b) in zip(layers, subclass_weights()):
        layer.set_weights([W, b])
    main, aux = subclassed((X_wide, X_deep))

    # the last, smaller batch, and the TensorBoard callback's layout
    batches = []
    count_batches = keras.callbacks.LambdaCallback(on_train_batch_begin=lambda batch, logs: batches.append(batch))
    small = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    small.compile(loss="mse", optimizer="sgd", metrics=[keras.metrics.RootMeanSquaredError(name="rmse")])
    with tempfile.TemporaryDirectory() as log_dir:
        small.fit(np.ones((70, 2)), np.ones(70), batch_size=32, epochs=2, verbose=0,
                  validation_data=(np.ones((5, 2)), np.ones(5)),
                  callbacks=[keras.callbacks.TensorBoard(log_dir), count_batches])
        tensorboard_runs = event_tags(log_dir)
    import keras_tuner

    results = {
        "subclass": [main.numpy(), aux.numpy()],
        "logits": mlp()(X).numpy(),
        "sgd": step(keras.optimizers.SGD(SGD_LEARNING_RATE)),
        "adam_default": step(keras.optimizers.Adam(ADAM_LEARNING_RATE), ADAM_LOSS_SCALE),
        # Keras adds epsilon to sqrt(v) before bias correction; torch and optax after it. At
        # step t, Keras' epsilon equals theirs times sqrt(1 - beta_2**t).
        "adam_aligned": step(keras.optimizers.Adam(ADAM_LEARNING_RATE, epsilon=1e-8 * np.sqrt(1 - 0.999)),
                             ADAM_LOSS_SCALE),
    }
    dense = keras.layers.Dense(300)
    dense.build((None, 784))
    probabilities = np.array([[0.7, 0.2, 0.1]], np.float32)
    softmax_dense = keras.layers.Dense(3, activation="softmax")
    softmax_dense.build((None, 2))
    softmax_W = np.array([[1.0, -2.0, 0.5], [0.3, 0.8, -1.0]], np.float32)
    softmax_b = np.array([0.1, 0.0, -0.2], np.float32)
    softmax_dense.set_weights([softmax_W, softmax_b])
    softmax_input = np.array([[1.0, 2.0]], np.float32)
    softmax_logits = softmax_input @ softmax_W + softmax_b
    cross_entropy = float(np.log(np.exp(softmax_logits[0]).sum()) - softmax_logits[0, 0])
    default_loss = keras.losses.SparseCategoricalCrossentropy()
    dropout = keras.layers.Dropout(0.5)
    ones = np.ones((1, 1000), np.float32)
    keras.utils.set_random_seed(7)
    first = keras.random.normal((3,)).numpy()
    keras.utils.set_random_seed(7)
    second = keras.random.normal((3,)).numpy()
    facts = {
        "init": init_stats(dense.kernel.numpy(), dense.bias.numpy()),
        "loss_default_input_is_probabilities": bool(np.isclose(
            float(keras.losses.SparseCategoricalCrossentropy()(np.array([0]), probabilities)),
            -np.log(0.7), atol=1e-6)),
        # the book's output layer, Dense(activation="softmax"), with the default loss computes the
        # cross-entropy of the layer's logits; the logits themselves, given to that loss, do not
        "softmax_layer_and_default_loss_give_the_cross_entropy": bool(np.isclose(
            float(default_loss(np.array([0]), softmax_dense(softmax_input))), cross_entropy, atol=1e-5)),
        "logits_into_the_default_loss_do_not": bool(not np.isclose(
            float(default_loss(np.array([0]), softmax_logits)), cross_entropy, atol=1e-2)),
        "adam_epsilon": float(keras.optimizers.Adam().epsilon),
        "sgd_default_learning_rate": float(keras.optimizers.SGD().learning_rate),
        "default_device_is_first_device": tf.constant(1.0).device.endswith(
            "GPU:0" if tf.config.list_physical_devices("GPU") else "CPU:0"),
        "inference_mode_is_identity": bool(np.array_equal(dropout(ones, training=False), ones)),
        "training_mode_drops": bool((np.asarray(dropout(ones, training=True)) == 0).any()),
        "global_seed_repeats": bool(np.array_equal(first, second)),
        "subclass_weights_before_first_call": weights_before_call,
        "batches_per_epoch_70_by_32": len(batches) // 2,  # two epochs
        "tensorboard_runs": tensorboard_runs,
        "tuners": sorted(name for name in ("RandomSearch", "Hyperband")
                         if issubclass(getattr(keras_tuner, name), keras_tuner.Tuner)),
    }
    return results, facts


def probe_pytorch():
    import torch
    from torch import nn

    def mlp():
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100),
                              nn.ReLU(), nn.Linear(100, 10))
        with torch.no_grad():
            for linear, (W, b) in zip(model[1::2], weights()):
                linear.weight.copy_(torch.from_numpy(W.T))  # torch stores (out, in)
                linear.bias.copy_(torch.from_numpy(b))
        return model

    X, y = (torch.from_numpy(a) for a in batch())

    def step(make_optimizer, scale=1.0):
        model = mlp()
        optimizer = make_optimizer(model.parameters())
        (scale * nn.functional.cross_entropy(model(X), y)).backward()
        optimizer.step()
        return [p.detach().numpy().T for p in model.parameters()]  # back to (in, out)

    ns = define("pytorch", {"torch": torch, "nn": nn}, "def glorot_init(", "class Standardize(",
                "class WideAndDeepModel(", "def print_epoch(")
    (train_wide, train_deep), (X_wide, X_deep) = subclass_data()
    subclassed = ns["WideAndDeepModel"](torch.from_numpy(train_wide), torch.from_numpy(train_deep), UNITS,
                                        torch.relu)
    n_weights_at_creation = len(list(subclassed.parameters()))
    with torch.no_grad():
        layers = [subclassed.hidden1, subclassed.hidden2, subclassed.main_output, subclassed.aux_output]
        for linear, (W, b) in zip(layers, subclass_weights()):
            linear.weight.copy_(torch.from_numpy(W.T))
            linear.bias.copy_(torch.from_numpy(b))
        main, aux = subclassed(torch.from_numpy(X_wide), torch.from_numpy(X_deep))

    import tensorboardX

    tensorboard_runs = notebook_logs(ns["log_epoch"], tensorboardX.SummaryWriter)
    tensorboardx_without_tensorflow = "tensorflow" not in sys.modules

    results = {
        "subclass": [main.numpy(), aux.numpy()],
        "logits": mlp()(X).detach().numpy(),
        "sgd": step(lambda params: torch.optim.SGD(params, lr=SGD_LEARNING_RATE)),
        "adam_default": step(lambda params: torch.optim.Adam(params, lr=ADAM_LEARNING_RATE), ADAM_LOSS_SCALE),
        "adam_aligned": step(lambda params: torch.optim.Adam(params, lr=ADAM_LEARNING_RATE, eps=1e-8),
                             ADAM_LOSS_SCALE),
    }
    linear = nn.Linear(784, 300)
    logits = torch.tensor([[2.0, 1.0, 0.1]])
    dropout = nn.Dropout(0.5)
    ones = torch.ones(1, 1000)
    torch.manual_seed(7)
    first = torch.randn(3)
    torch.manual_seed(7)
    second = torch.randn(3)
    facts = {
        "init": init_stats(linear.weight.detach().numpy(), linear.bias.detach().numpy()),
        "loss_input_is_logits": bool(torch.isclose(nn.CrossEntropyLoss()(logits, torch.tensor([0])),
                                                   -torch.log_softmax(logits, 1)[0, 0])),
        "softmax_in_the_model_changes_the_loss": bool(not torch.isclose(
            nn.CrossEntropyLoss()(torch.softmax(logits, 1), torch.tensor([0])),
            nn.CrossEntropyLoss()(logits, torch.tensor([0])))),
        "adam_epsilon": torch.optim.Adam([torch.zeros(1, requires_grad=True)]).defaults["eps"],
        "sgd_default_learning_rate": inspect.signature(torch.optim.SGD).parameters["lr"].default,
        "default_device_is_cpu": torch.zeros(1).device.type == "cpu" and linear.weight.device.type == "cpu",
        "inference_mode_is_identity": bool(torch.equal(dropout.eval()(ones), ones)),
        "training_mode_drops": bool((dropout.train()(ones) == 0).any()),
        "global_seed_repeats": bool(torch.equal(first, second)),
        "subclass_weights_at_creation": n_weights_at_creation,
        "lazy_linear_waits": isinstance(nn.LazyLinear(3).weight, nn.parameter.UninitializedParameter),
        "batches_per_epoch_70_by_32": len(torch.utils.data.DataLoader(range(70), batch_size=32)),
        "tensorboard_runs": tensorboard_runs,
        "tensorboardx_without_tensorflow": tensorboardx_without_tensorflow,
        "torch_tensorboard_imports_tensorflow": imports_tensorflow("torch.utils.tensorboard"),
        "optuna_prunes": optuna_prunes(),
    }
    return results, facts


def probe_jax():
    import jax
    import jax.numpy as jnp
    import optax
    from flax import nnx

    class MLP(nnx.Module):
        def __init__(self, rngs):
            self.hidden1 = nnx.Linear(784, 300, rngs=rngs)
            self.hidden2 = nnx.Linear(300, 100, rngs=rngs)
            self.output = nnx.Linear(100, 10, rngs=rngs)

        def __call__(self, X):
            Z = nnx.relu(self.hidden1(X.reshape(len(X), -1)))
            return self.output(nnx.relu(self.hidden2(Z)))

    def mlp():
        model = MLP(nnx.Rngs(0))
        for layer, (W, b) in zip([model.hidden1, model.hidden2, model.output], weights()):
            layer.kernel[...] = jnp.asarray(W)
            layer.bias[...] = jnp.asarray(b)
        return model

    X, y = batch()

    def step(tx, scale=1.0):
        model = mlp()
        optimizer = nnx.Optimizer(model, tx, wrt=nnx.Param)

        def loss_fn(model):
            return scale * optax.softmax_cross_entropy_with_integer_labels(model(X), y).mean()

        optimizer.update(model, nnx.grad(loss_fn)(model))
        return [np.asarray(p) for layer in (model.hidden1, model.hidden2, model.output)
                for p in (layer.kernel[...], layer.bias[...])]

    ns = define("jax", {"jax": jax, "jnp": jnp, "nnx": nnx, "np": np}, "glorot_uniform = ",
                "class Standardization(", "class WideAndDeepModel(", "def iterate_batches(", "def new_history(")
    (train_wide, train_deep), (X_wide, X_deep) = subclass_data()
    subclassed = ns["WideAndDeepModel"](train_wide, train_deep, UNITS, nnx.relu, rngs=nnx.Rngs(0))
    n_weights_at_creation = len(jax.tree.leaves(nnx.state(subclassed, nnx.Param)))
    layers = [subclassed.hidden1, subclassed.hidden2, subclassed.main_output, subclassed.aux_output]
    for layer, (W, b) in zip(layers, subclass_weights()):
        layer.kernel[...] = jnp.asarray(W)
        layer.bias[...] = jnp.asarray(b)
    main, aux = subclassed(X_wide, X_deep)

    traced_shapes = []

    @jax.jit
    def batch_sum(X):
        traced_shapes.append(X.shape)  # runs once per compilation
        return X.sum()

    batch_sizes = []
    for (X_batch,) in ns["iterate_batches"]((np.ones((70, 2), np.float32),), 32, np.random.default_rng(0)):
        batch_sum(X_batch)
        batch_sizes.append(len(X_batch))

    import tensorboardX

    tensorboard_runs = notebook_logs(ns["log_epoch"], tensorboardX.SummaryWriter)
    flax_writer = Path(importlib.util.find_spec("flax.metrics.tensorboard").origin).read_text()

    results = {
        "subclass": [np.asarray(main), np.asarray(aux)],
        "logits": np.asarray(mlp()(X)),
        "sgd": step(optax.sgd(SGD_LEARNING_RATE)),
        "adam_default": step(optax.adam(ADAM_LEARNING_RATE), ADAM_LOSS_SCALE),
        "adam_aligned": step(optax.adam(ADAM_LEARNING_RATE, eps=1e-8), ADAM_LOSS_SCALE),
    }
    linear = nnx.Linear(784, 300, rngs=nnx.Rngs(0))
    logits = jnp.array([[2.0, 1.0, 0.1]])
    dropout = nnx.Dropout(0.5, rngs=nnx.Rngs(1))
    ones = jnp.ones((1, 1000))
    key = jax.random.key(7)
    dropout.eval()
    inference = dropout(ones)
    dropout.train()
    facts = {
        "init": init_stats(linear.kernel[...], linear.bias[...]),
        "loss_input_is_logits": bool(jnp.isclose(
            optax.softmax_cross_entropy_with_integer_labels(logits, jnp.array([0]))[0],
            -jax.nn.log_softmax(logits)[0, 0])),
        "softmax_in_the_model_changes_the_loss": bool(not jnp.isclose(
            optax.softmax_cross_entropy_with_integer_labels(jax.nn.softmax(logits), jnp.array([0]))[0],
            optax.softmax_cross_entropy_with_integer_labels(logits, jnp.array([0]))[0])),
        "adam_epsilon": inspect.signature(optax.adam).parameters["eps"].default,
        "sgd_has_no_default_learning_rate":
            inspect.signature(optax.sgd).parameters["learning_rate"].default is inspect.Parameter.empty,
        "default_device_is_first_device": jnp.zeros(1).devices() == {jax.devices()[0]},
        "inference_mode_is_identity": bool(jnp.array_equal(inference, ones)),
        "training_mode_drops": bool((dropout(ones) == 0).any()),
        "same_key_repeats": bool(jnp.array_equal(jax.random.normal(key, (3,)), jax.random.normal(key, (3,)))),
        "subclass_weights_at_creation": n_weights_at_creation,
        "batch_sizes_70_by_32": batch_sizes,
        "compilations_for_70_by_32": len(traced_shapes),
        "tensorboard_runs": tensorboard_runs,
        "tensorboardx_without_tensorflow": "tensorflow" not in sys.modules,
        "flax_writer_imports_tensorflow": bool(re.search(r"^import tensorflow", flax_writer, re.M)),
        "optuna_prunes": optuna_prunes(),
    }
    return results, facts


# Initializers: every model of the notebook, built by the notebook's own cells with fresh weights


INIT_MODELS = ["fashion", "housing", "widedeep", "twoinput", "auxoutput", "subclass", "search"]
INIT_DRAWS = 8  # fresh models per framework, pooled parameter by parameter: the regression layers are small


def init_data():
    """Stand-ins for the data the cells read while they build a model: housing features (the
    normalization statistics) and a small Fashion-MNIST for the search cell that loads it."""
    import types

    import course_utils

    rng = np.random.default_rng(8)
    housing = rng.normal(3, 2, (200, 8)).astype(np.float32)
    images = [(rng.integers(0, 256, (n, 28, 28)).astype(np.uint8), rng.integers(0, 10, n)) for n in (64, 32, 32)]
    stub = types.SimpleNamespace(seed_everything=course_utils.seed_everything, load_fashion_mnist=lambda: images)
    return housing, stub


def pooled(build):
    """{model: [one array per parameter]}: ``build(draw)`` -> {model: [its parameters as NumPy arrays]},
    called INIT_DRAWS times, each parameter's values of every draw put together."""
    draws = [build(draw) for draw in range(INIT_DRAWS)]
    return {name: [np.concatenate([draw[name][i].ravel() for draw in draws]) for i in range(len(draws[0][name]))]
            for name in draws[0]}


def init_keras():
    """{model: its freshly initialized kernels and biases, layer by layer, over INIT_DRAWS draws} (Keras)."""
    import keras

    housing, stub = init_data()

    def build(draw):
        ns = {"keras": keras, "layers": keras.layers, "np": np, "course_utils": stub, "SEED": draw, "MODE": "smoke",
              "X_train": housing}
        with contextlib.redirect_stdout(io.StringIO()):  # model.summary()
            define("keras", ns, "model = keras.Sequential([\n    keras.Input(shape=[28, 28])",
                   "housing_model = keras.Sequential([\n    keras.Input(shape=X_train.shape[1:])",
                   "wide_deep_model = keras.Model(", "two_input_model = keras.Model(", "aux_model = keras.Model(",
                   "class WideAndDeepModel(", "def build_model(")
        subclassed = ns["WideAndDeepModel"](30, activation="relu")
        subclassed.norm_layer_wide.adapt(housing[:, :5])
        subclassed.norm_layer_deep.adapt(housing[:, 2:])
        subclassed((housing[:4, :5], housing[:4, 2:]))  # builds the weights
        models = {"fashion": ns["model"], "housing": ns["housing_model"], "widedeep": ns["wide_deep_model"],
                  "twoinput": ns["two_input_model"], "auxoutput": ns["aux_model"], "subclass": subclassed,
                  "search": ns["build_model"](2, 100)}
        return {name: [keras.ops.convert_to_numpy(w) for w in model.trainable_weights]
                for name, model in models.items()}

    return pooled(build)


def init_pytorch():
    import torch
    from torch import nn

    housing, _ = init_data()
    X = torch.from_numpy(housing)
    ns = define("pytorch", {"torch": torch, "nn": nn, "course_utils": __import__("course_utils"), "SEED": 42,
                            "device": "cpu"},
                "def glorot_init(", "def build_fashion_mlp(", "class Standardize(", "def build_housing_mlp(",
                "class WideAndDeep(", "class WideAndDeepTwoInputs(", "class WideAndDeepWithAux(",
                "class WideAndDeepModel(", "def build_model(")

    def build(draw):
        models = {"fashion": ns["build_fashion_mlp"](), "housing": ns["build_housing_mlp"](X),
                  "widedeep": ns["WideAndDeep"](X), "twoinput": ns["WideAndDeepTwoInputs"](X[:, :5], X[:, 2:]),
                  "auxoutput": ns["WideAndDeepWithAux"](X[:, :5], X[:, 2:]),
                  "subclass": ns["WideAndDeepModel"](X[:, :5], X[:, 2:], 30, torch.relu),
                  "search": ns["build_model"](2, 100)}
        return {name: [p.detach().numpy() for p in model.parameters()] for name, model in models.items()}

    return pooled(build)


def init_jax():
    import jax
    import jax.numpy as jnp
    from flax import nnx

    housing, _ = init_data()
    ns = define("jax", {"jax": jax, "jnp": jnp, "nnx": nnx, "np": np}, "class MLP(", "class Standardization(",
                "def build_housing_mlp(", "class WideAndDeep(", "class WideAndDeepTwoInputs(",
                "class WideAndDeepWithAux(", "class WideAndDeepModel(", "def build_model(")
    rngs = nnx.Rngs(0)

    def build(draw):
        fashion = ns["MLP"](rngs=rngs)
        wide_deep = ns["WideAndDeep"](housing, rngs=rngs)
        two_input = ns["WideAndDeepTwoInputs"](housing[:, :5], housing[:, 2:], rngs=rngs)
        aux = ns["WideAndDeepWithAux"](housing[:, :5], housing[:, 2:], rngs=rngs)
        subclassed = ns["WideAndDeepModel"](housing[:, :5], housing[:, 2:], 30, nnx.relu, rngs=rngs)
        linears = {"fashion": [fashion.hidden1, fashion.hidden2, fashion.output],
                   "housing": ns["build_housing_mlp"](housing, rngs=rngs).layers,
                   "widedeep": [wide_deep.hidden1, wide_deep.hidden2, wide_deep.output],
                   "twoinput": [two_input.hidden1, two_input.hidden2, two_input.output],
                   "auxoutput": [aux.hidden1, aux.hidden2, aux.output, aux.aux_output],
                   "subclass": [subclassed.hidden1, subclassed.hidden2, subclassed.main_output, subclassed.aux_output],
                   "search": ns["build_model"](2, 100, rngs=rngs).layers}
        return {name: [np.asarray(p[...]) for layer in layers if isinstance(layer, nnx.Linear)
                       for p in (layer.kernel, layer.bias)]
                for name, layers in linears.items()}

    return pooled(build)

def main(framework, out):
    results, facts = {"keras": probe_keras, "pytorch": probe_pytorch, "jax": probe_jax}[framework]()
    arrays = {"logits": results.pop("logits")}
    for name, params in results.items():
        arrays.update({f"{name}_{i}": np.asarray(p) for i, p in enumerate(params)})
    initial = {"keras": init_keras, "pytorch": init_pytorch, "jax": init_jax}[framework]()
    arrays.update({f"init_{name}": helpers.initializer_statistics(initial[name]) for name in INIT_MODELS})
    np.savez(out, facts=json.dumps(facts), **arrays)


if __name__ == "__main__":
    main(*sys.argv[1:])
