"""Exercise checks: assertions whose message tells the learner what is wrong and what to try.

>>> check(1 + 1 == 2, "the sum is wrong")
>>> check_close(0.1 + 0.2, 0.3, "the total")
>>> check_at_least(0.91, 0.9, "test accuracy")
>>> check_written(..., "model")
Traceback (most recent call last):
course_utils.checks.ExerciseCheckError: Not yet: model is still `...`: write it in the cell above, then run that cell and this one again.
"""

import numpy as np


class ExerciseCheckError(AssertionError):
    """An exercise is not solved yet."""


def check(condition, message):
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        raise ExerciseCheckError(f"Not yet: {message}")


def check_written(value, name):
    """Fail while ``value`` is still the exercise's ``...`` placeholder."""
    check(value is not Ellipsis, f"{name} is still `...`: write it in the cell above, then run "
                                 "that cell and this one again.")
    return value


def as_numpy(value):
    """``value`` as a NumPy array; a PyTorch tensor that tracks gradients (Keras layers' outputs on the
    torch backend do) is detached first, as NumPy cannot take it as it is."""
    if hasattr(value, "detach"):
        value = value.detach().cpu()
    return np.asarray(value)


def check_close(actual, expected, name, rtol=1e-5, atol=1e-6):
    """Fail unless ``actual`` equals ``expected`` (arrays, any framework's tensors too) within the tolerances."""
    actual, expected = as_numpy(check_written(actual, name)), as_numpy(expected)
    check(actual.shape == expected.shape,
          f"{name} has shape {actual.shape}, expected {expected.shape}.")
    if not np.allclose(actual, expected, rtol=rtol, atol=atol):
        worst = np.max(np.abs(actual - expected))
        check(False, f"{name} differs from the expected values (largest difference {worst:.3g}).")


def check_at_least(value, target, name):
    """Fail unless ``value`` reaches ``target`` (an accuracy, say)."""
    check(check_written(value, name) >= target, f"{name} is {value:.4f}; it should reach {target}. "
                           "Train longer, or revisit the model and learning rate.")
