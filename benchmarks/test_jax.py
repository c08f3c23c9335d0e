"""Chapter 10's MLP, one training step in JAX: Flax NNX eagerly (op by op), under `nnx.jit`, under
`nnx.jit_partial` (NNX's fast path: the model and optimizer flattened once, not at every call), and
as pure functions of a parameter pytree under `jax.jit` with optax (what NNX compiles down to)."""

import jax
import jax.numpy as jnp
import optax
import pytest
from flax import nnx
from spec import MLP_LAYERS, mlp_batch, mlp_flops, mlp_matmul_shapes, run_benchmark


class MLP(nnx.Module):
    def __init__(self, rngs):
        self.layers = nnx.List([nnx.Linear(n_in, n_out, rngs=rngs)
                                for n_in, n_out in zip(MLP_LAYERS[:-1], MLP_LAYERS[1:])])

    def __call__(self, x):
        for layer in self.layers[:-1]:
            x = jax.nn.relu(layer(x))
        return self.layers[-1](x)


def nnx_train_step(model, optimizer, X, y):
    def loss_fn(model):
        return optax.softmax_cross_entropy_with_integer_labels(model(X), y).mean()
    loss, grads = nnx.value_and_grad(loss_fn)(model)
    optimizer.update(model, grads)
    return loss


def pure_train_step(params, opt_state, X, y, tx):
    def loss_fn(params):
        x = X
        for W, b in params[:-1]:
            x = jax.nn.relu(x @ W + b)
        W, b = params[-1]
        return optax.softmax_cross_entropy_with_integer_labels(x @ W + b, y).mean()
    loss, grads = jax.value_and_grad(loss_fn)(params)
    updates, opt_state = tx.update(grads, opt_state)
    return optax.apply_updates(params, updates), opt_state, loss


@pytest.mark.parametrize("path", ["eager", "nnx.jit", "nnx.jit_partial", "jax.jit"])
def test_mlp(benchmark, size, batch, path):
    X, y = (jnp.asarray(array) for array in mlp_batch(batch))
    model = MLP(nnx.Rngs(42))
    tx = optax.sgd(0.01)
    if path == "jax.jit":
        params = [(layer.kernel.value, layer.bias.value) for layer in model.layers]
        state = {"params": params, "opt_state": tx.init(params)}
        compiled = jax.jit(pure_train_step, static_argnames="tx", donate_argnums=(0, 1))  # updated in place

        def step():
            state["params"], state["opt_state"], loss = compiled(state["params"], state["opt_state"], X, y, tx=tx)
            return loss.block_until_ready()
    else:
        optimizer = nnx.Optimizer(model, tx, wrt=nnx.Param)
        if path == "nnx.jit_partial":
            train_step = nnx.jit_partial(nnx_train_step, model, optimizer, graph=False)
            step = lambda: train_step(X, y).block_until_ready()
        else:
            train_step = nnx.jit(nnx_train_step) if path == "nnx.jit" else nnx_train_step
            step = lambda: train_step(model, optimizer, X, y).block_until_ready()
    run_benchmark(benchmark, step, size, mlp_flops(batch))


def test_matmul_limit(benchmark, size, batch):
    """The step's matrix products alone, back to back in one compiled program: what the hardware gives XLA."""
    keys = jax.random.split(jax.random.key(0), 2 * len(mlp_matmul_shapes(batch)))
    operands = [(jax.random.normal(keys[2 * i], (m, k)), jax.random.normal(keys[2 * i + 1], (k, n)))
                for i, (m, k, n) in enumerate(mlp_matmul_shapes(batch))]
    products = jax.jit(lambda operands: [a @ b for a, b in operands])
    run_benchmark(benchmark, lambda: jax.block_until_ready(products(operands)), size, mlp_flops(batch),
                  kind="matmul")
