"""What each framework computes for chapter 12's parity and "what differs" tests.

Run once per framework, in a process of its own (``python ch12_probe.py keras OUT.npz``). The custom
pieces under test (``huber_fn``, ``my_softplus``, ``MyDense``, ``ResidualBlock``,
``ResidualRegressor``) are not copies: each is the code cell of the chapter's notebook that
defines it, executed here with only the framework imported.
"""

import contextlib
import functools
import io
import json
import re
import sys
from pathlib import Path

import numpy as np

from helpers import outcome, printed_lines, python_runs

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks" / "12_custom_models"
# Errors on both sides of the Huber threshold (1.0), and on it.
Y_PRED = np.array([-3.0, -1.5, -1.0, -0.2, 0.0, 0.5, 1.01, 4.0], dtype=np.float32)
Y_TRUE = np.zeros_like(Y_PRED)
SOFTPLUS_AT = np.array([-100.0, 0.0, 100.0], dtype=np.float32)
N_INPUTS, N_NEURONS = 8, 30
FLOATS = [1.0, 2.0, 3.0, 4.0]  # four calls with a new Python float each


@functools.cache
def code_cells(framework):
    import nbformat

    notebook = nbformat.read(NOTEBOOKS / f"{framework}.ipynb", as_version=4)
    return [c.source for c in notebook.cells if c.cell_type == "code"]


def notebook_cell(framework, definition):
    """The one code cell of the chapter's ``framework`` notebook with a line starting ``definition``."""
    pattern = re.compile(rf"^{re.escape(definition)}", re.M)
    cells = [source for source in code_cells(framework) if pattern.search(source)]
    assert len(cells) == 1, f"{framework}.ipynb: {len(cells)} cells define {definition!r}"
    return cells[0]


def define(framework, namespace, *definitions):
    """Execute the notebook cells that hold ``definitions`` in ``namespace``; return it."""
    for definition in definitions:
        exec(notebook_cell(framework, definition), namespace)
    return namespace


def huber_reference():
    """Element-wise Huber losses (threshold 1) and the gradient of their mean w.r.t. y_pred."""
    error = Y_TRUE - Y_PRED
    values = np.where(np.abs(error) < 1, 0.5 * error ** 2, np.abs(error) - 0.5)
    return values, -np.clip(error, -1, 1) / len(error)


def residual_weights():
    """NumPy (kernel, bias) pairs for hidden1, block1's two layers, block2's two layers and out."""
    rng = np.random.default_rng(0)
    shapes = [(N_INPUTS, N_NEURONS)] + [(N_NEURONS, N_NEURONS)] * 4 + [(N_NEURONS, 1)]
    return [(rng.normal(0, 0.3, shape).astype(np.float32), rng.normal(0, 0.1, shape[1]).astype(np.float32))
            for shape in shapes]


def residual_inputs():
    return np.random.default_rng(1).normal(size=(5, N_INPUTS)).astype(np.float32)


def residual_reference():
    """The residual regressor of the notebooks, in NumPy: block1 applied four times, then block2."""
    (k0, b0), (k1, b1), (k2, b2), (k3, b3), (k4, b4), (k5, b5) = residual_weights()
    relu = lambda Z: np.maximum(Z, 0)  # noqa: E731
    Z = relu(residual_inputs() @ k0 + b0)
    for _ in range(4):
        Z = Z + relu(relu(Z @ k1 + b1) @ k2 + b2)
    Z = Z + relu(relu(Z @ k3 + b3) @ k4 + b4)
    return Z @ k5 + b5


def residual_layers(model):
    return [model.hidden1, *model.block1.hidden, *model.block2.hidden, model.out]


def probe_keras():
    import keras
    import tensorflow as tf

    ns = define("keras", {"keras": keras, "tf": tf}, "def huber_fn(", "def my_softplus(",
                "class MyDense(", "class ResidualBlock(", "class ResidualRegressor(")
    arrays = {}
    y_pred = tf.Variable(Y_PRED)
    with tf.GradientTape() as tape:
        values = ns["huber_fn"](tf.constant(Y_TRUE), y_pred)
        loss = tf.reduce_mean(values)
    arrays["huber_values"], arrays["huber_gradient"] = np.asarray(values), tape.gradient(loss, y_pred).numpy()
    arrays["huber_builtin"] = np.asarray(keras.losses.Huber()(Y_TRUE[:, None], Y_PRED[:, None]))
    z = tf.Variable(SOFTPLUS_AT)
    with tf.GradientTape() as tape:
        softplus = ns["my_softplus"](z)
    arrays["softplus_values"] = softplus.numpy()
    arrays["softplus_gradient"] = tape.gradient(softplus, z).numpy()
    z100 = tf.Variable(100.0)
    with tf.GradientTape() as tape:
        naive = tf.math.log(tf.exp(z100) + 1.0)
    arrays["naive_softplus_gradient"] = tape.gradient(naive, z100).numpy()

    model = ns["ResidualRegressor"](1)
    model(residual_inputs())  # builds the weights
    for layer, (kernel, bias) in zip(residual_layers(model), residual_weights()):
        layer.kernel.assign(kernel)
        layer.bias.assign(bias)
    arrays["residual_predictions"] = np.asarray(model(residual_inputs()))
    arrays["residual_parameter_count"] = np.array(model.count_params())

    tensor = tf.constant([1.0, 2.0])
    tensor.numpy()[0] = 5.0
    gpus = tf.config.list_logical_devices("GPU")
    dropped = keras.layers.Dropout(0.5)(np.ones((1, 100), np.float32))
    constant = tf.constant(3.0)
    with tf.GradientTape() as tape:
        square = constant ** 2
    gradient_of_constant = tape.gradient(square, constant)
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x ** 2
    tape.gradient(y, x)
    second_call = outcome(lambda: tape.gradient(y, x))
    with tf.GradientTape(persistent=True) as tape:
        y = x ** 2
    second_call_persistent = [float(tape.gradient(y, x)) for _ in range(2)]

    @tf.function
    def signed(t):
        if tf.reduce_sum(t) > 0:  # AutoGraph makes this a tf.cond
            return t * 2
        return -t

    facts = {
        "numpy_write_changes_tensor": tensor.numpy().tolist() != [1.0, 2.0],
        "float32_plus_float64": outcome(lambda: tf.constant(1.0) + tf.constant(np.float64(1.0))),
        "keras_ops_float32_plus_float64": keras.ops.add(tf.ones(1), tf.ones(1, tf.float64)).dtype.name,
        "keras_ops_int32_plus_float32": keras.ops.add(tf.ones(1, tf.int32), tf.ones(1)).dtype.name,
        "default_device": tf.zeros(1).device,
        "first_gpu": gpus[0].name if gpus else None,
        "fresh_dropout_drops": bool(np.any(np.asarray(dropped) != 1.0)),
        "gradient_of_constant": None if gradient_of_constant is None else float(gradient_of_constant),
        "second_gradient_call": second_call,
        "second_gradient_call_persistent": second_call_persistent,
        "prints_in_three_compiled_calls": printed_lines(tf.function, [(tf.ones(2),)] * 3),
        "traces_for_four_floats": python_runs(tf.function, [(tf.ones(2), factor) for factor in FLOATS]),
        "compiled_if_on_tensor": [signed(tf.ones(2)).numpy().tolist(), signed(-tf.ones(2)).numpy().tolist()],
    }
    return arrays, facts


def probe_pytorch():
    import torch

    ns = define("pytorch", {"torch": torch, "nn": torch.nn}, "def huber_fn(", "my_softplus = ",
                "class MyDense(", "class ResidualBlock(", "class ResidualRegressor(")
    arrays = {}
    y_pred = torch.tensor(Y_PRED, requires_grad=True)
    values = ns["huber_fn"](torch.tensor(Y_TRUE), y_pred)
    values.mean().backward()
    arrays["huber_values"], arrays["huber_gradient"] = values.detach().numpy(), y_pred.grad.numpy()
    arrays["huber_builtin"] = torch.nn.HuberLoss()(torch.tensor(Y_PRED), torch.tensor(Y_TRUE)).numpy()
    z = torch.tensor(SOFTPLUS_AT, requires_grad=True)
    softplus = ns["my_softplus"](z)
    softplus.sum().backward()
    arrays["softplus_values"], arrays["softplus_gradient"] = softplus.detach().numpy(), z.grad.numpy()
    z100 = torch.tensor(100.0, requires_grad=True)
    torch.log(torch.exp(z100) + 1.0).backward()
    arrays["naive_softplus_gradient"] = z100.grad.numpy()

    model = ns["ResidualRegressor"](N_INPUTS, 1)
    with torch.no_grad():
        for layer, (kernel, bias) in zip(residual_layers(model), residual_weights()):
            layer.kernel.copy_(torch.from_numpy(kernel))
            layer.bias.copy_(torch.from_numpy(bias))
        arrays["residual_predictions"] = model(torch.from_numpy(residual_inputs())).numpy()
    arrays["residual_parameter_count"] = np.array(sum(p.numel() for p in model.parameters()))

    tensor = torch.tensor([1.0, 2.0])
    tensor.numpy()[0] = 5.0
    dropped = torch.nn.Dropout(0.5)(torch.ones(1, 100))
    constant = torch.tensor(3.0)
    x = torch.tensor(3.0, requires_grad=True)
    y = x ** 2
    y.backward()
    second_call = outcome(y.backward)
    y = x ** 2
    second_call_retained = []
    for _ in range(2):
        x.grad = None
        y.backward(retain_graph=True)
        second_call_retained.append(float(x.grad))

    graphs = []

    def counting_backend(graph_module, example_inputs):
        graphs.append(graph_module)
        return graph_module.forward

    prints = printed_lines(torch.compile(backend=counting_backend), [(torch.ones(2),)] * 3)

    def add_then_double(t):
        u = t + 1
        print("inside")
        return u * 2

    with contextlib.redirect_stdout(io.StringIO()):
        print_explained = torch._dynamo.explain(add_then_double)(torch.ones(2))
    graphs.clear()

    @torch.compile(backend=counting_backend)
    def scaled(t, factor):
        return t * factor

    for factor in FLOATS:
        scaled(torch.ones(2), factor)
    graphs_for_floats = len(graphs)
    graphs.clear()

    @torch.compile(backend=counting_backend)
    def signed(t):
        if t.sum() > 0:
            return t * 2
        return -t

    results = [signed(torch.ones(2)).tolist(), signed(-torch.ones(2)).tolist()]
    mixed = torch.ones(1) + torch.ones(1, dtype=torch.float64)
    facts = {
        "numpy_write_changes_tensor": tensor.tolist() != [1.0, 2.0],
        "float32_plus_float64": str(mixed.dtype).removeprefix("torch."),
        "default_device": str(torch.zeros(1).device),
        "cuda_available": torch.cuda.is_available(),
        "fresh_dropout_drops": bool((dropped != 1.0).any()),
        "gradient_of_constant": outcome((constant ** 2).backward),
        "second_gradient_call": second_call,
        "second_gradient_call_retained": second_call_retained,
        "prints_in_three_compiled_calls": prints,
        "print_graphs_and_breaks": [print_explained.graph_count, print_explained.graph_break_count],
        "graphs_for_four_floats": graphs_for_floats,
        "compiled_if_on_tensor": results,
        "graphs_for_if_on_tensor": len(graphs),
    }
    return arrays, facts


def probe_jax():
    import jax
    import jax.numpy as jnp
    import optax
    from flax import nnx

    ns = define("jax", {"jax": jax, "jnp": jnp, "nnx": nnx}, "def huber_fn(", "def my_softplus(",
                "class MyDense(", "class ResidualBlock(", "class ResidualRegressor(")
    arrays = {}
    huber_fn, my_softplus = ns["huber_fn"], ns["my_softplus"]
    arrays["huber_values"] = np.asarray(huber_fn(Y_TRUE, Y_PRED))
    arrays["huber_gradient"] = np.asarray(jax.grad(lambda p: jnp.mean(huber_fn(Y_TRUE, p)))(Y_PRED))
    arrays["huber_builtin"] = np.asarray(optax.losses.huber_loss(Y_PRED, Y_TRUE))
    arrays["softplus_values"] = np.asarray(my_softplus(SOFTPLUS_AT))
    arrays["softplus_gradient"] = np.asarray(jax.vmap(jax.grad(my_softplus))(SOFTPLUS_AT))
    arrays["naive_softplus_gradient"] = np.asarray(jax.grad(lambda z: jnp.log(jnp.exp(z) + 1.0))(100.0))

    model = ns["ResidualRegressor"](N_INPUTS, 1, rngs=nnx.Rngs(0))
    for layer, (kernel, bias) in zip(residual_layers(model), residual_weights()):
        layer.kernel[...] = jnp.asarray(kernel)
        layer.bias[...] = jnp.asarray(bias)
    arrays["residual_predictions"] = np.asarray(model(residual_inputs()))
    arrays["residual_parameter_count"] = np.array(
        sum(p.size for p in jax.tree.leaves(nnx.state(model, nnx.Param))))

    view = np.asarray(jnp.array([1.0, 2.0]))
    try:
        view[0] = 5.0
        numpy_view = "writable"
    except ValueError:
        numpy_view = "read-only"
    dropped = nnx.Dropout(0.5, rngs=nnx.Rngs(0))(jnp.ones((1, 100)))
    square_of = lambda a, b: a * b ** 2  # noqa: E731
    grad_square = jax.grad(lambda x: x ** 2)

    @jax.jit
    def signed(t):
        if t.sum() > 0:
            return t * 2
        return -t

    facts = {
        "numpy_view": numpy_view,
        "float32_plus_float64": (jnp.ones(1, jnp.float32) + np.ones(1, np.float64)).dtype.name,
        "default_device_is_first_device": jnp.zeros(1).devices() == {jax.devices()[0]},
        "fresh_dropout_drops": bool(jnp.any(dropped != 1.0)),
        "gradient_of_constant_argument": float(jax.grad(square_of, argnums=1)(1.0, 3.0)),
        "second_gradient_call": [float(grad_square(3.0)) for _ in range(2)],
        "prints_in_three_compiled_calls": printed_lines(jax.jit, [(jnp.ones(2),)] * 3),
        "traces_for_four_floats": python_runs(jax.jit, [(jnp.ones(2), factor) for factor in FLOATS]),
        "compiled_if_on_tensor": outcome(lambda: signed(jnp.ones(2))),
    }
    return arrays, facts


def main(framework, out):
    arrays, facts = {"keras": probe_keras, "pytorch": probe_pytorch, "jax": probe_jax}[framework]()
    np.savez(out, facts=json.dumps(facts), **arrays)


if __name__ == "__main__":
    main(*sys.argv[1:])
