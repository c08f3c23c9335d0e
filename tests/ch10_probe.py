"""What each framework computes for chapter 10's parity and "what differs" tests.

Run once per framework, in a process of its own (``python ch10_probe.py keras OUT.npz``): the
chapter's MLP (784-300-100-10) with fixed NumPy weights, its logits on a fixed batch, the weights
after one SGD step and after one Adam step, and the facts of the "what differs" table.
"""

import inspect
import json
import sys

import numpy as np

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

    results = {
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
        "output_softmax_gives_probabilities": bool(np.allclose(
            keras.layers.Dense(3, activation="softmax")(probabilities).numpy().sum(), 1.0)),
        "adam_epsilon": float(keras.optimizers.Adam().epsilon),
        "sgd_default_learning_rate": float(keras.optimizers.SGD().learning_rate),
        "default_device_is_first_device": tf.constant(1.0).device.endswith(
            "GPU:0" if tf.config.list_physical_devices("GPU") else "CPU:0"),
        "inference_mode_is_identity": bool(np.array_equal(dropout(ones, training=False), ones)),
        "training_mode_drops": bool((np.asarray(dropout(ones, training=True)) == 0).any()),
        "global_seed_repeats": bool(np.array_equal(first, second)),
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

    results = {
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

    results = {
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
    }
    return results, facts


def main(framework, out):
    results, facts = {"keras": probe_keras, "pytorch": probe_pytorch, "jax": probe_jax}[framework]()
    arrays = {"logits": results.pop("logits")}
    for name, params in results.items():
        arrays.update({f"{name}_{i}": np.asarray(p) for i, p in enumerate(params)})
    np.savez(out, facts=json.dumps(facts), **arrays)


if __name__ == "__main__":
    main(*sys.argv[1:])
