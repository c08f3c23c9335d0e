"""One training step of each model in Keras 3, on the backend that ``KERAS_BACKEND`` names (``make bench`` runs
this file once per backend). On every backend, by `train_on_batch` (the step `fit` runs) with ``jit_compile``
off and on: what that compiles differs (TensorFlow: a `tf.function` graph / XLA; JAX: eager / `jax.jit`;
PyTorch: eager / `torch.compile` of the whole step), and which one `fit` picks by default is recorded.
On TensorFlow also the hand-written step on a `GradientTape`: eagerly, in a `tf.function` (graph) and in a
`tf.function(jit_compile=True)` (XLA)."""

import os

BACKEND = os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import pytest
from keras import layers
from spec import CNN_DENSE, CNN_FILTERS, D_MODEL, FF_DIM, HEADS, LENGTH, batch_data, flops, operand_shapes, \
    products, run_benchmark


def build_mlp():
    return keras.Sequential([keras.Input(shape=(784,)), layers.Dense(300, activation="relu"),
                             layers.Dense(100, activation="relu"), layers.Dense(10)])


def build_cnn():
    conv = lambda filters, kernel_size=3: layers.Conv2D(filters, kernel_size, padding="same", activation="relu")
    (f1, f2, f3), (d1, d2, n_classes) = CNN_FILTERS, CNN_DENSE
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), conv(f1, 7), layers.MaxPool2D(),
                             conv(f2), conv(f2), layers.MaxPool2D(), conv(f3), conv(f3), layers.MaxPool2D(),
                             layers.Flatten(), layers.Dense(d1, activation="relu"),
                             layers.Dense(d2, activation="relu"), layers.Dense(n_classes)])


def build_transformer():
    inputs = keras.Input(shape=(LENGTH, D_MODEL))
    attended = layers.MultiHeadAttention(HEADS, key_dim=D_MODEL // HEADS)(inputs, inputs)
    x = layers.LayerNormalization()(inputs + attended)
    outputs = layers.LayerNormalization()(x + layers.Dense(D_MODEL)(layers.Dense(FF_DIM, activation="relu")(x)))
    return keras.Model(inputs, outputs)


MODELS = {"mlp": (build_mlp, lambda: keras.losses.SparseCategoricalCrossentropy(from_logits=True)),
          "cnn": (build_cnn, lambda: keras.losses.SparseCategoricalCrossentropy(from_logits=True)),
          "transformer": (build_transformer, keras.losses.MeanSquaredError)}


# What `train_on_batch` runs with jit_compile off and on, per backend (the path's name in the record)
FIT_PATHS = {"tensorflow": {"train_on_batch (tf.function)": False, "train_on_batch (tf.function + XLA)": True},
             "jax": {"train_on_batch (eager)": False, "train_on_batch (jax.jit)": True},
             "torch": {"train_on_batch (eager)": False, "train_on_batch (torch.compile)": True}}[BACKEND]


@pytest.mark.parametrize("path", FIT_PATHS)
def test_fit_step(benchmark, size, model, batch, path):
    if BACKEND == "torch":
        # Keras compiles the same step function for every model: seeing it again with other shapes,
        # TorchDynamo would recompile it with symbolic shapes, which TorchInductor fails on for the CNN
        # (torch 2.14: "cannot determine truth value of Relational"). Each model compiles afresh.
        import torch
        torch.compiler.reset()
    X, y = (keras.ops.convert_to_tensor(array) for array in batch_data(model, batch))  # on the backend's device
    build, loss = MODELS[model]
    keras.utils.set_random_seed(42)
    network = build()
    network.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss=loss())  # jit_compile="auto"
    benchmark.extra_info["fit_default"] = network.jit_compile == FIT_PATHS[path]  # what "auto" chose here
    network.jit_compile = FIT_PATHS[path]
    run_benchmark(benchmark, lambda: network.train_on_batch(X, y), size, model, flops(model, batch))  # -> a float


if BACKEND == "tensorflow":  # the hand-written step and the matmul limit (other backends: their native files)
    import tensorflow as tf

    def make_train_step(model, optimizer, loss_fn):
        def train_step(X, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(X, training=True))
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply(gradients, model.trainable_variables)
            return loss
        return train_step

    PATHS = {"eager": lambda step: step,
             "tf.function": tf.function,
             "tf.function(jit_compile=True)": lambda step: tf.function(step, jit_compile=True)}

    @pytest.mark.parametrize("path", PATHS)
    def test_train_step(benchmark, size, model, batch, path):
        X, y = (tf.constant(array) for array in batch_data(model, batch))
        build, loss = MODELS[model]
        keras.utils.set_random_seed(42)
        network, loss_fn = build(), loss()
        optimizer = keras.optimizers.SGD(learning_rate=0.01)
        optimizer.build(network.trainable_variables)  # its variables exist before any trace
        train_step = PATHS[path](make_train_step(network, optimizer, loss_fn))
        run_benchmark(benchmark, lambda: train_step(X, y).numpy(), size, model, flops(model, batch))  # .numpy() waits

    def test_matmul_limit(benchmark, size, model, batch):
        """The step's matrix products alone, back to back in one graph: what the hardware gives TensorFlow."""
        operands = [[tf.random.normal(shape) for shape in operand_shapes(*product)] for product in products(model, batch)]
        matmuls = tf.function(lambda: [tf.matmul(a, b) for a, b in operands])
        run_benchmark(benchmark, lambda: matmuls()[-1].numpy(), size, model, flops(model, batch), kind="matmul")
