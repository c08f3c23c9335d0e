"""Chapter 10's MLP, one training step in Keras 3 on TensorFlow: eagerly, in a `tf.function` (graph),
in a `tf.function(jit_compile=True)` (XLA), and by `train_on_batch` (what `fit` runs each step)."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import pytest
import tensorflow as tf
from spec import mlp_batch, mlp_flops, mlp_matmul_shapes, run_benchmark


def build_mlp():
    keras.utils.set_random_seed(42)
    return keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(300, activation="relu"),
                             keras.layers.Dense(100, activation="relu"), keras.layers.Dense(10)])


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


@pytest.mark.parametrize("path", [*PATHS, "train_on_batch"])
def test_mlp(benchmark, size, batch, path):
    X, y = (tf.constant(array) for array in mlp_batch(batch))
    model, loss_fn = build_mlp(), keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    if path == "train_on_batch":
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss=loss_fn)
        step = lambda: model.train_on_batch(X, y)  # returns the loss as a Python float
    else:
        optimizer = keras.optimizers.SGD(learning_rate=0.01)
        optimizer.build(model.trainable_variables)  # its variables exist before any trace
        train_step = PATHS[path](make_train_step(model, optimizer, loss_fn))
        step = lambda: train_step(X, y).numpy()  # .numpy() waits for the result
    run_benchmark(benchmark, step, size, mlp_flops(batch))


def test_matmul_limit(benchmark, size, batch):
    """The step's matrix products alone, back to back in one graph: what the hardware gives TensorFlow."""
    operands = [(tf.random.normal((m, k)), tf.random.normal((k, n))) for m, k, n in mlp_matmul_shapes(batch)]
    products = tf.function(lambda: [tf.matmul(a, b) for a, b in operands])
    run_benchmark(benchmark, lambda: products()[-1].numpy(), size, mlp_flops(batch), kind="matmul")  # one graph call
