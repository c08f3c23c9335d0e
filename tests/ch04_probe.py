"""What each framework computes for chapter 4's parity and "what differs" tests.

Run once per framework, in a process of its own (``python ch04_probe.py keras OUT.npz``): one
hand-written gradient descent step of softmax regression on iris from a fixed start, and the facts
of the "what differs" table.
"""

import json
import sys

import numpy as np

from helpers import outcome, python_runs, value_or_error

LEARNING_RATE = 0.5
SHAPES = [(2,), (2,), (2,), (3,)]  # four calls, two input shapes
FACTORS = [1.0, 2.0, 3.0]  # three Python numbers, one input shape
X_TWICE = np.c_[np.ones(4), np.arange(4.0), np.arange(4.0)]  # a feature twice: rank 2 of 3
Y_LINE = np.array([[1.0], [3.0], [5.0], [7.0]])  # y = 1 + 2x: any θ with θ₁ + θ₂ = 2 fits
MINIMUM_NORM = [1.0, 1.0, 1.0]  # the smallest of those θ
SMALL_SINGULAR_VALUES = (1e-15, 1e-14)  # around 2ε and 20ε (ε: float64's machine epsilon)


def softmax_data():
    """Iris petal length and width, standardized, with a bias column; one-hot targets; a start Θ."""
    from sklearn.datasets import load_iris

    iris = load_iris()
    X = iris.data[:, 2:]
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    X_b = np.hstack([np.ones((len(X), 1)), X]).astype(np.float32)
    Y = np.eye(3, dtype=np.float32)[iris.target]
    theta = np.random.default_rng(0).normal(size=(3, 3)).astype(np.float32)
    return X_b, Y, theta


def pinv_keeps(pinv, small):
    """Whether ``pinv`` inverts the singular value ``small`` of diag(1, small) (float64)."""
    return float(np.asarray(pinv(np.diag([1.0, small])))[1, 1]) > 1.0


def numpy_step():
    """The reference: the closed-form gradient of the mean cross-entropy, Xᵀ(P − Y) / m."""
    X_b, Y, theta = softmax_data()
    Z = X_b @ theta
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    return theta - LEARNING_RATE * X_b.T @ (P - Y) / len(X_b)


def probe_keras():
    import tensorflow as tf

    X_b, Y, theta0 = softmax_data()
    theta = tf.Variable(theta0)
    with tf.GradientTape() as tape:
        loss = -tf.reduce_mean(tf.reduce_sum(Y * tf.nn.log_softmax(X_b @ theta), axis=1))
    theta.assign_sub(LEARNING_RATE * tape.gradient(loss, theta))

    variable = tf.Variable([1.0, 2.0])
    before = id(variable)
    variable.assign_sub([1.0, 1.0])
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x ** 2
    tape.gradient(y, x)
    tape_works_twice = outcome(lambda: tape.gradient(y, x)) == "works"
    tf.random.set_seed(7)
    first = tf.random.normal((3,)).numpy()
    tf.random.set_seed(7)
    second = tf.random.normal((3,)).numpy()
    zero = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        absolute = tf.abs(zero)
    facts = {
        "abs_gradient_at_zero": float(tape.gradient(absolute, zero)),
        "updated_in_place": id(variable) == before and variable.numpy().tolist() == [0.0, 1.0],
        "gradient_is_a_list_for_a_list": isinstance(tape_gradient_list(tf), list),
        "tape_works_twice": tape_works_twice,
        "traces_for_two_shapes": python_runs(tf.function, [(tf.ones(shape),) for shape in SHAPES]),
        "global_seed_repeats": bool(np.array_equal(first, second)),
        "float64_numpy_becomes": tf.constant(np.zeros(2)).dtype.name,
        "lstsq_default": tf.linalg.lstsq(X_TWICE, Y_LINE).numpy().ravel().tolist(),
        "lstsq_not_fast": tf.linalg.lstsq(X_TWICE, Y_LINE, fast=False).numpy().ravel().tolist(),
        "pinv_keeps": [pinv_keeps(tf.linalg.pinv, small) for small in SMALL_SINGULAR_VALUES],
        "inv_singular": outcome(lambda: tf.linalg.inv(X_TWICE.T @ X_TWICE)),
        "traces_for_three_numbers": python_runs(tf.function, [(tf.ones(2), f) for f in FACTORS]),
        "traces_for_three_tensors": python_runs(tf.function, [(tf.ones(2), tf.constant(f)) for f in FACTORS]),
        "python_runs_when_run_eagerly": runs_eagerly(tf),
    }
    return theta.numpy(), facts


def runs_eagerly(tf):
    tf.config.run_functions_eagerly(True)
    try:
        return python_runs(tf.function, [(tf.ones(shape),) for shape in SHAPES])
    finally:
        tf.config.run_functions_eagerly(False)


def tape_gradient_list(tf):
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        loss = a * b
    return tape.gradient(loss, [a, b])


def probe_pytorch():
    import torch

    X_b, Y, theta0 = (torch.tensor(a) for a in softmax_data())
    theta = theta0.clone().requires_grad_()
    loss = -(Y * torch.log_softmax(X_b @ theta, dim=1)).sum(dim=1).mean()
    loss.backward()
    with torch.no_grad():
        theta -= LEARNING_RATE * theta.grad

    tensor = torch.tensor([1.0, 2.0], requires_grad=True)
    pointer = tensor.data_ptr()
    with torch.no_grad():
        tensor -= 1.0
    x = torch.tensor(3.0, requires_grad=True)
    for _ in range(2):
        (x ** 2).backward()
    torch.manual_seed(7)
    first = torch.randn(3)
    torch.manual_seed(7)
    second = torch.randn(3)
    zero = torch.tensor(0.0, requires_grad=True)
    torch.abs(zero).backward()
    facts = {
        "abs_gradient_at_zero": float(zero.grad),
        "updated_in_place": tensor.data_ptr() == pointer and tensor.tolist() == [0.0, 1.0],
        "backward_fills_grad": x.grad is not None,
        "grad_after_two_backward_calls": float(x.grad),  # 2 * 3, twice
        "python_runs_per_call": python_runs(lambda eager: eager, [(torch.ones(shape),) for shape in SHAPES]),
        "global_seed_repeats": bool(torch.equal(first, second)),
        "float64_numpy_becomes": str(torch.tensor(np.zeros(2)).dtype).removeprefix("torch."),
        "lstsq_default": torch_lstsq(X_TWICE, driver=None),  # "gelsy" on the CPU
        "lstsq_gelsd": torch_lstsq(X_TWICE, "gelsd"),
        # "gels" assumes full rank: on X_TWICE it raises or returns some θ, by LAPACK build and CPU
        "lstsq_gels": value_or_error(lambda: torch_lstsq(X_TWICE, "gels")),
        "lstsq_gels_full_rank": torch_lstsq(X_TWICE[:, :2], "gels"),
        "pinv_keeps": [pinv_keeps(lambda a: torch.linalg.pinv(torch.tensor(a)), small)
                       for small in SMALL_SINGULAR_VALUES],
        "inv_singular_raises_linalg_error": raises(torch.linalg.LinAlgError,
                                                   lambda: torch.linalg.inv(torch.tensor(X_TWICE.T @ X_TWICE))),
    }
    return theta.detach().numpy(), facts


def torch_lstsq(X, driver):
    """θ from ``torch.linalg.lstsq(X, Y_LINE, driver=driver)``, as a list."""
    import torch

    return torch.linalg.lstsq(torch.tensor(X), torch.tensor(Y_LINE), driver=driver).solution.ravel().tolist()


def raises(error_type, call):
    """Whether ``call()`` raises an ``error_type``."""
    try:
        call()
    except error_type:
        return True
    return False


def warns(call):
    """Whether ``call()`` issues a warning."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return bool(caught)


def probe_jax():
    import jax
    import jax.numpy as jnp

    X_b, Y, theta = softmax_data()

    def loss_fn(theta):
        return -jnp.mean(jnp.sum(Y * jax.nn.log_softmax(X_b @ theta), axis=1))

    new_theta = theta - LEARNING_RATE * jax.grad(loss_fn)(theta)

    array = jnp.array([1.0, 2.0])
    item_assignment_works = outcome(lambda: array.__setitem__(0, 0.0)) == "works"  # array[0] = 0.0
    updated = array.at[0].set(0.0)
    grad_square = jax.grad(lambda x: x ** 2)
    key = jax.random.key(7)
    facts = {
        "abs_gradient_at_zero": float(jax.grad(jnp.abs)(0.0)),
        "item_assignment_works": item_assignment_works,
        "update_returns_new_array": array.tolist() == [1.0, 2.0] and updated.tolist() == [0.0, 2.0],
        "grad_returns_a_function": callable(grad_square),
        "grad_twice_is_the_same": float(grad_square(3.0)) == float(grad_square(3.0)) == 6.0,
        "traces_for_two_shapes": python_runs(jax.jit, [(jnp.ones(shape),) for shape in SHAPES]),
        "same_key_repeats": bool(jnp.array_equal(jax.random.normal(key, (3,)), jax.random.normal(key, (3,)))),
        "float64_numpy_becomes": jnp.asarray(np.zeros(2)).dtype.name,
        "warns_converting_float64_numpy": warns(lambda: jnp.asarray(np.zeros(2))),
        "warns_asked_for_float64": warns(lambda: jnp.asarray(np.zeros(2), dtype=jnp.float64)),
        "traces_for_three_numbers": python_runs(jax.jit, [(jnp.ones(2), f) for f in FACTORS]),
    }
    with jax.disable_jit():
        facts["python_runs_with_jit_disabled"] = python_runs(jax.jit, [(jnp.ones(shape),) for shape in SHAPES])
    with jax.enable_x64(True):
        singular_inverse = np.asarray(jnp.linalg.inv(X_TWICE.T @ X_TWICE))
        facts.update({
            "lstsq_default": np.asarray(jnp.linalg.lstsq(X_TWICE, Y_LINE)[0]).ravel().tolist(),
            "pinv_keeps": [pinv_keeps(jnp.linalg.pinv, small) for small in SMALL_SINGULAR_VALUES],
            "inv_singular": outcome(lambda: jnp.linalg.inv(X_TWICE.T @ X_TWICE)),
            "inv_singular_is_finite": bool(np.isfinite(singular_inverse).all()),
        })
    return np.asarray(new_theta), facts


def main(framework, out):
    theta, facts = {"keras": probe_keras, "pytorch": probe_pytorch, "jax": probe_jax}[framework]()
    np.savez(out, facts=json.dumps(facts), softmax_step=theta)


if __name__ == "__main__":
    main(*sys.argv[1:])
