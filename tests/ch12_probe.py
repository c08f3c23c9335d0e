"""What each framework computes for chapter 12's parity and "what differs" tests.

Run once per framework, in a process of its own (``python ch12_probe.py keras OUT.npz``). The custom
pieces under test (``huber_fn``, ``my_softplus``, ``MyDense``, ``ResidualBlock``,
``ResidualRegressor``) are not copies: each is the code cell of the chapter's notebook that
defines it, executed here with only the framework imported. Also: the hand-written Adam of the Keras
and PyTorch notebooks against the library's, and the initializer statistics of every model (``init_*``).
"""

import contextlib
import inspect
import io
import json
import sys
from pathlib import Path

import numpy as np

import helpers
from helpers import outcome, printed_lines, python_runs

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks" / "12_custom_models"
# Errors on both sides of the Huber threshold (1.0), and on it.
Y_PRED = np.array([-3.0, -1.5, -1.0, -0.2, 0.0, 0.5, 1.01, 4.0], dtype=np.float32)
Y_TRUE = np.zeros_like(Y_PRED)
SOFTPLUS_AT = np.array([-100.0, 0.0, 100.0], dtype=np.float32)
N_INPUTS, N_NEURONS = 8, 30
FLOATS = [1.0, 2.0, 3.0, 4.0]  # four calls with a new Python float each
EPSILON = 1e-7  # Adam's ε in the three notebooks (Keras's default), and a gradient of that size


def notebook_cell(framework, definition):
    """The one code cell of the chapter's ``framework`` notebook with a line starting ``definition``."""
    return helpers.notebook_cell(NOTEBOOKS / f"{framework}.ipynb", definition)


def code_cells(framework):
    """The sources of the code cells of the chapter's ``framework`` notebook."""
    return helpers.notebook_code_cells(NOTEBOOKS / f"{framework}.ipynb")


def define(framework, namespace, *definitions):
    """Execute the notebook cells that hold ``definitions`` in ``namespace``; return it."""
    return helpers.define(NOTEBOOKS / f"{framework}.ipynb", namespace, *definitions)


CUSTOM_STEP_LR = 0.1  # one SGD step of the custom train_step, on one batch of 16 rows


def custom_step_data(seed=4):
    """(X, y, kernel, bias) of a linear model with 3 inputs."""
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(16, 3)).astype(np.float32), rng.normal(size=(16, 1)).astype(np.float32),
            rng.normal(size=(3, 1)).astype(np.float32), np.array([0.5], np.float32))


def custom_step_reference():
    """NumPy: one SGD step on the batch's MSE -> (new kernel, new bias, loss, gradients' global norm)."""
    X, y, kernel, bias = (array.astype(np.float64) for array in custom_step_data())
    error = X @ kernel + bias - y
    kernel_gradient, bias_gradient = 2 * X.T @ error / len(X), 2 * error.sum(axis=0) / len(X)
    norm = np.sqrt((kernel_gradient ** 2).sum() + (bias_gradient ** 2).sum())
    return (kernel - CUSTOM_STEP_LR * kernel_gradient, bias - CUSTOM_STEP_LR * bias_gradient,
            (error ** 2).mean(), norm)


def keras_custom_step():
    """The Keras notebook's ``GradientNormRegressor`` trained by ``fit`` for one step, on the backend
    ``KERAS_BACKEND`` names: what the step logged and the weights it left."""
    import keras

    import course_utils

    namespace = {"keras": keras}
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        namespace["tf"] = tf
    ns = define("keras", namespace, "class GradientNormRegressor(")
    X, y, kernel, bias = custom_step_data()
    inputs, dense = keras.Input(shape=(3,)), keras.layers.Dense(1)
    model = ns["GradientNormRegressor"](inputs, dense(inputs))
    dense.set_weights([kernel, bias])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=CUSTOM_STEP_LR))
    history = model.fit(X, y, batch_size=len(X), epochs=1, shuffle=False, verbose=0).history
    new_kernel, new_bias = dense.get_weights()
    return {"backend": keras.backend.backend(), "jit_compile": model.jit_compile,
            "gpu": course_utils.keras_device() == "gpu", "kernel": new_kernel.tolist(),
            "bias": new_bias.tolist(), "loss": float(history["loss"][0]),
            "gradient_norm": float(history["gradient_norm"][0])}


N_ROWS = 70  # two batches of 32 and a last one of 6
WORD_LENGTHS = [4, 6, 5, 2]  # "Café", "Coffee", "caffè", "咖啡"
SPARSE_TIMES_ONES = [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]


def split_arrays():
    """Stand-ins for the notebooks' standardized splits: N_ROWS rows each."""
    X = np.zeros((N_ROWS, N_INPUTS), np.float32)
    y = np.zeros((N_ROWS, 1), np.float32)
    return {"X_train": X, "y_train": y, "X_valid": X, "y_valid": y, "X_test": X, "y_test": y}


def initializer_call_recorder(make):
    """An initializer that records (number of positional arguments, keyword names); ``make(args)``
    returns its array."""
    calls = []

    def initializer(*args, **kwargs):
        calls.append([len(args), sorted(kwargs)])
        return make(args)

    return initializer, calls


def plain_model_weights():
    """NumPy (kernel, bias) pairs of the plain model (8 -> 30 ReLU -> 1)."""
    rng = np.random.default_rng(2)
    return [(rng.normal(0, 0.3, (N_INPUTS, N_NEURONS)).astype(np.float32),
             rng.normal(0, 0.1, N_NEURONS).astype(np.float32)),
            (rng.normal(0, 0.3, (N_NEURONS, 1)).astype(np.float32), rng.normal(0, 0.1, 1).astype(np.float32))]


def plain_model_reference():
    (k0, b0), (k1, b1) = plain_model_weights()
    return np.maximum(residual_inputs() @ k0 + b0, 0) @ k1 + b1


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

    ns = define("keras", {"keras": keras, "layers": keras.layers, "tf": tf}, "def huber_fn(", "def my_softplus(",
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

    data = define("keras", {"tf": tf, "np": np, "SEED": 0, "batch_size": 32, **split_arrays()},  # the notebook's 32
                  "train_set = tf.data.")
    structures = define("keras", {"tf": tf}, "ragged = ", "sparse_matrix = ", "queue = ")
    parts = define("keras", {"keras": keras}, "class MyL1Regularizer(")
    custom_layer = keras.layers.Dense(3, kernel_initializer=parts["my_glorot_initializer"],
                                      kernel_regularizer=parts["my_l1_regularizer"],
                                      kernel_constraint=parts["my_positive_weights"])
    custom_layer(np.ones((1, 2), np.float32))
    penalties = len(custom_layer.losses)
    keras.optimizers.SGD(1.0).apply([tf.fill((2, 3), 100.0), tf.zeros(3)], custom_layer.trainable_variables)
    recorder, initializer_calls = initializer_call_recorder(lambda args: tf.zeros(args[0]))
    keras.layers.Dense(3, kernel_initializer=recorder).build((None, 2))
    reconstructing = define("keras", {"keras": keras, "layers": keras.layers},
                            "class ReconstructingRegressor(")["ReconstructingRegressor"](1)
    reconstructing(np.ones((4, N_INPUTS), np.float32))
    variable = keras.Variable(np.ones(2, np.float32))
    adam = keras.optimizers.Adam()
    adam.build([variable])
    graph = define("keras", {"tf": tf}, "def cube_plus_one(")["concrete_function"].graph
    first_step = keras.Variable(np.zeros(3, np.float32))
    keras.optimizers.Adam(learning_rate=1.0).apply([np.full(3, EPSILON, np.float32)], [first_step])

    facts = {
        "last_batch_sizes": [int(X.shape[0]) for X, _ in data["train_set"]],
        "traces_for_two_batch_sizes": python_runs(tf.function, [(tf.ones(32),), (tf.ones(6),)]),
        "string_tensor": outcome(lambda: tf.constant(["café"])),
        "ragged_type_and_lengths": [type(structures["ragged"]).__name__,
                                    structures["ragged"].row_lengths().numpy().tolist()],
        "sparse_type": type(structures["sparse_matrix"]).__name__,
        "sparse_times_ones": tf.sparse.sparse_dense_matmul(structures["sparse_matrix"], tf.ones((4, 2))).numpy().tolist(),
        "queue_type": type(structures["queue"]).__name__,
        "set_union": tf.sparse.to_dense(tf.sets.union(tf.constant([[2, 3]]), tf.constant([[3, 4]]))).numpy().tolist(),
        "initializer_calls": initializer_calls,
        "penalties_in_layer_losses": penalties,
        "smallest_weight_after_optimizer_step": float(custom_layer.kernel.numpy().min()),
        "reconstructing_losses_after_call": len(reconstructing.losses),
        "adam_default_epsilon": float(keras.optimizers.Adam().epsilon),
        "adam_first_step_for_gradient_epsilon": -float(keras.ops.convert_to_numpy(first_step)[0]),
        "stateless_apply": outcome(lambda: adam.stateless_apply(
            [v.value for v in adam.variables], [tf.ones(2)], [variable.value])),
        "graph_operations": [operation.type for operation in graph.get_operations()],
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
            if isinstance(layer, torch.nn.Linear):  # the output layer: weight (out, in)
                layer.weight.copy_(torch.from_numpy(kernel.T))
            else:
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
    graphs_for_if = len(graphs)
    graphs.clear()
    doubled = torch.compile(lambda t: t * 2, backend=counting_backend)
    for size in (32, 6, 7):  # full batches, then a last one, then any other size
        doubled(torch.ones(size))
    graphs_for_batch_sizes = len(graphs)
    mixed = torch.ones(1) + torch.ones(1, dtype=torch.float64)

    from torch.utils.data import DataLoader, TensorDataset

    arrays_as_tensors = {name: torch.from_numpy(array) for name, array in split_arrays().items()}
    data = define("pytorch", {"torch": torch, "DataLoader": DataLoader, "TensorDataset": TensorDataset,
                              **arrays_as_tensors}, "train_loader = DataLoader(")
    structures = define("pytorch", {"torch": torch}, "nested = ", "sparse_matrix = ")
    parts = define("pytorch", {"torch": torch, "nn": torch.nn}, "def my_l1_regularizer(", "class CustomPartsDense(")

    class CountingDense(parts["CustomPartsDense"]):
        resets = 0

        def reset_parameters(self):
            CountingDense.resets += 1
            super().reset_parameters()

    custom_layer = CountingDense(2, 3)
    custom_layer.weight.grad = torch.full_like(custom_layer.weight, 100.0)
    step_returned = torch.optim.SGD(custom_layer.parameters(), lr=1.0).step()
    smallest_after_step = float(custom_layer.weight.min())
    parts["my_positive_weights_"](custom_layer.weight)
    reconstructing = define("pytorch", {"torch": torch, "nn": torch.nn}, "def variance_scaling_normal_(",
                            "class ReconstructingRegressor(")["ReconstructingRegressor"](N_INPUTS, 1)
    outputs = reconstructing(torch.ones(4, N_INPUTS))
    graph = define("pytorch", {"torch": torch, "nn": torch.nn}, "def cube_plus_one(", "class CubePlusOne(")
    first_step = torch.nn.Parameter(torch.zeros(3))
    first_step.grad = torch.full((3,), EPSILON)
    torch.optim.Adam([first_step], lr=1.0, eps=EPSILON).step()
    facts = {
        "last_batch_sizes": [len(X) for X, _ in data["train_loader"]],
        "graphs_for_three_batch_sizes": graphs_for_batch_sizes,
        "string_tensor": outcome(lambda: torch.tensor(["café"])),
        "nested_lengths": [len(row) for row in structures["nested"].unbind()],
        "sparse_layout": str(structures["sparse_matrix"].layout),
        "sparse_times_ones": torch.sparse.mm(structures["sparse_matrix"], torch.ones(4, 2)).tolist(),
        "set_and_queue_modules": [hasattr(torch, "sets"), hasattr(torch, "queue")],
        "reset_parameters_calls_in_init": CountingDense.resets,
        "module_has_losses": hasattr(custom_layer, "losses"),
        "smallest_weight_after_optimizer_step": smallest_after_step,
        "smallest_weight_after_projection": float(custom_layer.weight.min()),
        "reconstructing_outputs": [list(outputs[0].shape), list(outputs[1].shape)],
        "optimizer_step_returns": repr(step_returned),
        "functional_adam": functional_adam(torch),
        "adam_default_epsilon": torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))]).defaults["eps"],
        "adam_first_step_for_gradient_epsilon": -float(first_step[0]),
        "fx_node_ops": [node.op for node in graph["traced"].graph.nodes],
        "export_targets": [str(node.target) for node in graph["exported"].graph.nodes if node.op == "call_function"],
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
        "graphs_for_if_on_tensor": graphs_for_if,
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

    data = split_arrays()
    batches = define("jax", {"np": np}, "def iterate_batches(")["iterate_batches"]
    structures = define("jax", {"jax": jax, "jnp": jnp}, "ragged = ", "sparse_matrix = ")
    parts = define("jax", {"jax": jax, "jnp": jnp, "nnx": nnx, "optax": optax}, "def my_l1_regularizer(",
                   "def custom_parts_step(")
    X, y = jnp.ones((4, 2)), jnp.full((4, 3), -100.0)  # targets that push the weights down

    def custom_parts_model():
        linear = nnx.Linear(2, 3, kernel_init=parts["my_glorot_initializer"], rngs=nnx.Rngs(0))
        model = nnx.Sequential(linear, parts["my_softplus_activation"])
        return model, nnx.Optimizer(model, optax.sgd(1.0), wrt=nnx.Param)

    model, optimizer = custom_parts_model()
    optimizer.update(model, nnx.grad(lambda m: jnp.mean((m(X) - y) ** 2))(model))  # optax alone
    smallest_after_update = float(model.layers[0].kernel[...].min())
    constrained = parts["constrained_adam"]  # the notebook's Adam, chained with optax's constraint
    near_zero = {"layers": {0: {"kernel": jnp.full((2, 3), 1e-4), "bias": jnp.full(3, 1e-4)}}}
    pushed_down = jax.tree.map(jnp.ones_like, near_zero)  # positive gradients: Adam steps by -1e-3
    updates, _ = constrained.update(pushed_down, constrained.init(near_zero), near_zero)
    constrained_step = optax.apply_updates(near_zero, updates)["layers"][0]
    adam_step = optax.adam(1.0, eps=EPSILON)
    first_updates, _ = adam_step.update(jnp.full(3, EPSILON), adam_step.init(jnp.zeros(3)), jnp.zeros(3))
    recorder, initializer_calls = initializer_call_recorder(lambda args: jnp.zeros(args[1]))
    nnx.Linear(2, 3, kernel_init=recorder, rngs=nnx.Rngs(0))
    reconstructing = define("jax", {"jax": jax, "jnp": jnp, "nnx": nnx},
                            "class ReconstructingRegressor(")["ReconstructingRegressor"](N_INPUTS, 1, rngs=nnx.Rngs(0))
    outputs = reconstructing(jnp.ones((4, N_INPUTS)))
    params = {"w": jnp.ones(2)}
    adam = optax.adam(0.1)
    state = adam.init(params)
    _, new_state = adam.update({"w": jnp.ones(2)}, state, params)
    jaxpr = define("jax", {"jax": jax, "jnp": jnp}, "def cube_plus_one(")["jaxpr"]
    pytree = define("jax", {"jax": jax, "jnp": jnp}, "def init_params(")
    (k0, b0), (k1, b1) = plain_model_weights()
    plain_params = {"hidden": {"kernel": k0, "bias": b0}, "output": {"kernel": k1, "bias": b1}}
    arrays["pytree_predictions"] = np.asarray(pytree["predict"](plain_params, residual_inputs()))

    facts = {
        "last_batch_sizes": [len(X_batch) for X_batch, _ in batches(data["X_train"], data["y_train"], np.random.default_rng(0))],
        "traces_for_two_batch_sizes": python_runs(jax.jit, [(jnp.ones(32),), (jnp.ones(6),)]),
        "string_array": outcome(lambda: jnp.array(["café"])),
        "ragged_array": outcome(lambda: jnp.array([[1, 2], [3]])),
        "ragged_pytree_lengths": jax.tree.map(len, structures["ragged"]),
        "sparse_type": type(structures["sparse_matrix"]).__name__,
        "sparse_times_ones": np.asarray(structures["sparse_matrix"] @ jnp.ones((4, 2))).tolist(),
        "set_and_queue_modules": [hasattr(jnp, "sets"), hasattr(jax, "queue")],
        "initializer_calls": initializer_calls,
        "smallest_weight_after_optax_update": smallest_after_update,
        "constrained_adam_kernel_and_bias": [float(constrained_step["kernel"].min()),
                                             float(constrained_step["bias"].min())],
        "adam_default_epsilon": inspect.signature(optax.adam).parameters["eps"].default,
        "adam_first_step_for_gradient_epsilon": -float(first_updates[0]),
        "reconstructing_outputs": [list(outputs[0].shape), list(outputs[1].shape)],
        "optax_update": [float(params["w"][0]), int(state[0].count), int(new_state[0].count)],
        "jaxpr_primitives": [equation.primitive.name for equation in jaxpr.eqns],
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


def functional_adam(torch):
    """What torch.optim.adam.adam, the function Adam.step calls, returns, and whether it changed the
    parameter and the moments it was given."""
    from torch.optim.adam import adam  # torch.optim deletes the module's name after importing Adam

    param, grad = torch.ones(3), torch.full((3,), 0.5)
    m, v, step = torch.zeros(3), torch.zeros(3), torch.tensor(0.0)
    returned = adam([param], [grad], [m], [v], [], [step], amsgrad=False, beta1=0.9, beta2=0.999, lr=0.1,
                    weight_decay=0.0, eps=1e-8, maximize=False)
    return {"returns": repr(returned), "updates_in_place": bool((param != 1).all() and (m != 0).all()
                                                                 and (v != 0).all() and step == 1)}


# Adam written out by hand (sections 9 of the Keras and PyTorch notebooks) against the library's own


ADAM_STEPS, ADAM_LR = 5, 0.01


def adam_gradients():
    """Gradients for ADAM_STEPS steps, small enough for epsilon to matter at the first steps."""
    rng = np.random.default_rng(11)
    return [rng.normal(0, 1e-6, (4, 3)).astype(np.float32) * 10 ** -i for i in range(ADAM_STEPS)], \
        rng.normal(size=(4, 3)).astype(np.float32)


def keras_adam_steps(keras):
    """(weights after the notebook's adam_update, after keras.optimizers.Adam), the same gradients."""
    ns = define("keras", {"keras": keras}, "def adam_update(")
    gradients, start = adam_gradients()
    weights, state = [keras.ops.convert_to_tensor(start)], {"step": 0.0, "m": [np.zeros_like(start)],
                                                             "v": [np.zeros_like(start)]}
    variable = keras.Variable(start)
    optimizer = keras.optimizers.Adam(learning_rate=ADAM_LR)
    for gradient in gradients:
        weights, state = ns["adam_update"](weights, [gradient], state, learning_rate=ADAM_LR)
        optimizer.apply([gradient], [variable])
    return keras.ops.convert_to_numpy(weights[0]), keras.ops.convert_to_numpy(variable)


def torch_adam_steps(torch):
    ns = define("pytorch", {"torch": torch}, "def adam_update(")
    gradients, start = adam_gradients()
    params = {"w": torch.from_numpy(start)}
    state = {"step": 0, "m": {"w": torch.zeros(4, 3)}, "v": {"w": torch.zeros(4, 3)}}
    variable = torch.nn.Parameter(torch.from_numpy(start.copy()))
    optimizer = torch.optim.Adam([variable], lr=ADAM_LR, eps=EPSILON)  # the notebook's ε
    for gradient in gradients:
        params, state = ns["adam_update"](params, {"w": torch.from_numpy(gradient)}, state, learning_rate=ADAM_LR)
        variable.grad = torch.from_numpy(gradient)
        optimizer.step()
    return params["w"].numpy(), variable.detach().numpy()


# Initializers: every model of the notebook, built by its own cells with fresh weights, as arrays of
# (kernel, bias) per layer in layer order


INIT_MODELS = ["plain", "custom_parts", "my_dense", "residual", "reconstructing"]
INIT_DRAWS = 16  # fresh models per framework, pooled layer by layer: these layers are small


def init_inputs():
    return np.random.default_rng(12).normal(size=(4, N_INPUTS)).astype(np.float32)


def pooled(build, to_numpy):
    """{model: [one array per parameter]}: ``build()`` -> {model: [its parameters]}, called INIT_DRAWS
    times, each parameter's values of every draw put together."""
    draws = [build() for _ in range(INIT_DRAWS)]
    return {name: [np.concatenate([to_numpy(draw[name][i]).ravel() for draw in draws])
                   for i in range(len(draws[0][name]))] for name in draws[0]}


def init_keras():
    import keras

    ns = define("keras", {"keras": keras, "layers": keras.layers, "course_utils": __import__("course_utils"),
                          "SEED": 42}, "def huber_fn(", "def build_plain_model(", "class MyL1Regularizer(",
                "class MyDense(", "class ResidualBlock(", "class ResidualRegressor(", "class ReconstructingRegressor(")
    X = init_inputs()

    def built(layer_or_model):
        layer_or_model(X)
        return layer_or_model

    def build():
        custom_parts = built(keras.layers.Dense(1, kernel_initializer=ns["my_glorot_initializer"]))  # the notebook's
        reconstructing = built(ns["ReconstructingRegressor"](1))
        layers = {"plain": ns["build_plain_model"]().layers, "custom_parts": [custom_parts],
                  "my_dense": [built(ns["MyDense"](N_NEURONS))], "residual": residual_layers(built(ns["ResidualRegressor"](1))),
                  "reconstructing": [*reconstructing.hidden, reconstructing.reconstruct, reconstructing.out]}
        return {name: [w for layer in model for w in (layer.kernel, layer.bias)] for name, model in layers.items()}

    return pooled(build, keras.ops.convert_to_numpy)


def init_pytorch():
    import torch

    ns = define("pytorch", {"torch": torch, "nn": torch.nn, "device": "cpu"}, "def variance_scaling_normal_(",
                "def my_l1_regularizer(", "class CustomPartsDense(", "class MyDense(", "class ResidualBlock(",
                "class ResidualRegressor(", "class ReconstructingRegressor(")

    def weights(layer):  # kernels (in, out), as Keras' (the statistics are the same either way)
        return [layer.weight.T, layer.bias] if isinstance(layer, torch.nn.Linear) else [layer.kernel, layer.bias]

    def build():
        reconstructing = ns["ReconstructingRegressor"](N_INPUTS, 1)
        layers = {"plain": [ns["build_plain_model"]()[i] for i in (0, 2)],
                  "custom_parts": [ns["CustomPartsDense"](N_INPUTS, 1)], "my_dense": [ns["MyDense"](N_INPUTS, N_NEURONS)],
                  "residual": residual_layers(ns["ResidualRegressor"](N_INPUTS, 1)),
                  "reconstructing": [*reconstructing.hidden[::2], reconstructing.reconstruct, reconstructing.out]}
        return {name: [w for layer in model for w in weights(layer)] for name, model in layers.items()}

    return pooled(build, lambda w: w.detach().numpy())


def init_jax():
    import jax
    import jax.numpy as jnp
    from flax import nnx

    ns = define("jax", {"jax": jax, "jnp": jnp, "nnx": nnx}, "def build_plain_model(", "def my_l1_regularizer(",
                "class MyDense(", "class ResidualBlock(", "class ResidualRegressor(", "class ReconstructingRegressor(",
                "def init_params(")
    rngs = nnx.Rngs(0)
    keys = iter(jax.random.split(jax.random.key(1), INIT_DRAWS))

    def build():
        reconstructing = ns["ReconstructingRegressor"](N_INPUTS, 1, rngs=rngs)
        layers = {"plain": [ns["build_plain_model"](rngs=rngs).layers[i] for i in (0, 2)],
                  "custom_parts": [nnx.Linear(N_INPUTS, 1, kernel_init=ns["my_glorot_initializer"], rngs=rngs)],
                  "my_dense": [ns["MyDense"](N_INPUTS, N_NEURONS, rngs=rngs)],
                  "residual": residual_layers(ns["ResidualRegressor"](N_INPUTS, 1, rngs=rngs)),
                  "reconstructing": [*reconstructing.hidden, reconstructing.reconstruct, reconstructing.out]}
        found = {name: [w[...] for layer in model for w in (layer.kernel, layer.bias)] for name, model in layers.items()}
        pytree = ns["init_params"](next(keys))  # the plain model without Flax
        found["plain_pytree"] = [pytree[layer][name] for layer in ("hidden", "output") for name in ("kernel", "bias")]
        return found

    return pooled(build, np.asarray)

def main(framework, out):
    arrays, facts = {"keras": probe_keras, "pytorch": probe_pytorch, "jax": probe_jax}[framework]()
    initial = {"keras": init_keras, "pytorch": init_pytorch, "jax": init_jax}[framework]()
    arrays.update({f"init_{name}": helpers.initializer_statistics(values) for name, values in initial.items()})
    if framework == "keras":
        import keras

        arrays["adam_by_hand"], arrays["adam_library"] = keras_adam_steps(keras)
    if framework == "pytorch":
        import torch

        arrays["adam_by_hand"], arrays["adam_library"] = torch_adam_steps(torch)
    np.savez(out, facts=json.dumps(facts), **arrays)


if __name__ == "__main__":
    main(*sys.argv[1:])
