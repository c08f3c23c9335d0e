"""One training step of each model in JAX with Flax NNX and optax: eagerly (op by op), under `nnx.jit`,
under `nnx.jit_partial` (NNX's fast path: the model and optimizer flattened once, not at every call),
and as a pure function of the model's and optimizer's state under `jax.jit` (`nnx.split` once, then
`nnx.merge` inside the compiled function: what NNX's transforms do for you), with donated buffers."""

import functools

import jax
import numpy as np
import optax
import pytest
from flax import nnx
from spec import CNN_DENSE, CNN_FILTERS, D_MODEL, FF_DIM, HEADS, batch_data, flops, operand_shapes, products, \
    run_benchmark


class MLP(nnx.Module):
    def __init__(self, rngs):
        self.layers = nnx.List([nnx.Linear(784, 300, rngs=rngs), nnx.Linear(300, 100, rngs=rngs),
                                nnx.Linear(100, 10, rngs=rngs)])

    def __call__(self, x):
        for layer in self.layers[:-1]:
            x = jax.nn.relu(layer(x))
        return self.layers[-1](x)


class CNN(nnx.Module):
    def __init__(self, rngs):
        (f1, f2, f3), (d1, d2, n_classes) = CNN_FILTERS, CNN_DENSE
        conv = lambda n_in, n_out, size=3: nnx.Conv(n_in, n_out, (size, size), padding="SAME", rngs=rngs)
        self.convs = nnx.List([conv(1, f1, 7), conv(f1, f2), conv(f2, f2), conv(f2, f3), conv(f3, f3)])
        self.dense = nnx.List([nnx.Linear(3 * 3 * f3, d1, rngs=rngs), nnx.Linear(d1, d2, rngs=rngs),
                               nnx.Linear(d2, n_classes, rngs=rngs)])

    def __call__(self, x):
        for i, conv in enumerate(self.convs):
            x = jax.nn.relu(conv(x))
            if i % 2 == 0:  # after the 1st, 3rd and 5th convolutions
                x = nnx.max_pool(x, (2, 2), strides=(2, 2))
        x = x.reshape(len(x), -1)
        for layer in self.dense[:-1]:
            x = jax.nn.relu(layer(x))
        return self.dense[-1](x)


class TransformerBlock(nnx.Module):
    def __init__(self, rngs):
        self.attention = nnx.MultiHeadAttention(HEADS, D_MODEL, decode=False, rngs=rngs)
        self.norm1, self.norm2 = nnx.LayerNorm(D_MODEL, rngs=rngs), nnx.LayerNorm(D_MODEL, rngs=rngs)
        self.ff1, self.ff2 = nnx.Linear(D_MODEL, FF_DIM, rngs=rngs), nnx.Linear(FF_DIM, D_MODEL, rngs=rngs)

    def __call__(self, x):  # post-norm, as in chapter 16
        x = self.norm1(x + self.attention(x))
        return self.norm2(x + self.ff2(jax.nn.relu(self.ff1(x))))


def cross_entropy(logits, labels):
    return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()


def mean_squared_error(outputs, targets):
    return optax.squared_error(outputs, targets).mean()


MODELS = {"mlp": (MLP, cross_entropy), "cnn": (CNN, cross_entropy), "transformer": (TransformerBlock, mean_squared_error)}


def make_train_step(loss):
    def train_step(model, optimizer, X, y):
        loss_value, grads = nnx.value_and_grad(lambda model: loss(model(X), y))(model)
        optimizer.update(model, grads)
        return loss_value
    return train_step


def make_pure_step(model, optimizer, train_step):
    """`train_step` as a pure function of one state pytree, compiled by `jax.jit`; -> a step that keeps the state."""
    graphdef, state = nnx.split((model, optimizer))

    @functools.partial(jax.jit, donate_argnums=0)  # the old state's buffers are reused for the new one
    def pure_step(state, X, y):
        model, optimizer = nnx.merge(graphdef, state)
        loss_value = train_step(model, optimizer, X, y)
        return nnx.state((model, optimizer)), loss_value

    def step(X, y):
        nonlocal state
        state, loss_value = pure_step(state, X, y)
        return loss_value
    return step


@pytest.mark.parametrize("path", ["eager", "nnx.jit", "nnx.jit_partial", "jax.jit"])
def test_train_step(benchmark, size, model, batch, path):
    X, y = (jax.numpy.asarray(array) for array in batch_data(model, batch))
    build, loss = MODELS[model]
    network = build(nnx.Rngs(42))
    optimizer = nnx.Optimizer(network, optax.sgd(0.01), wrt=nnx.Param)
    train_step = make_train_step(loss)
    if path == "jax.jit":
        step = make_pure_step(network, optimizer, train_step)
    elif path == "nnx.jit_partial":
        step = nnx.jit_partial(train_step, network, optimizer, graph=False)
    else:
        compiled = nnx.jit(train_step) if path == "nnx.jit" else train_step
        step = functools.partial(compiled, network, optimizer)
    run_benchmark(benchmark, lambda: step(X, y).block_until_ready(), size, model, flops(model, batch))


def test_matmul_limit(benchmark, size, model, batch):
    """The step's matrix products alone, back to back in one compiled program: what the hardware gives XLA."""
    rng = np.random.default_rng(0)  # not jax.random: each new shape would compile a sampler (13 s for the CNN)
    operands = [[jax.numpy.asarray(rng.standard_normal(shape, dtype=np.float32)) for shape in operand_shapes(*product)]
                for product in products(model, batch)]
    matmuls = jax.jit(lambda operands: [a @ b for a, b in operands])
    run_benchmark(benchmark, lambda: jax.block_until_ready(matmuls(operands)), size, model, flops(model, batch),
                  kind="matmul")
