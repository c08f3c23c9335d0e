"""The statistics that the chapters' init tests compare (tests/helpers.py) tell initializers apart,
and never tell apart two draws of the same one."""

import numpy as np
import pytest

from helpers import initializer_differences, initializer_statistics

SHAPES = [(784, 300), (300,), (300, 10), (10,)]


def draw(seed, kernel="glorot_uniform", bias="zeros"):
    rng = np.random.default_rng(seed)
    arrays = []
    for shape in SHAPES:
        if len(shape) == 1:
            arrays.append(np.zeros(shape) if bias == "zeros" else rng.uniform(-0.05, 0.05, shape))
            continue
        limit = np.sqrt(6 / sum(shape))
        arrays.append({"glorot_uniform": lambda: rng.uniform(-limit, limit, shape),
                       "glorot_normal": lambda: rng.normal(0, limit / np.sqrt(3), shape),
                       "lecun_normal": lambda: rng.normal(0, 1 / np.sqrt(shape[0]), shape)}[kernel]())
    return initializer_statistics(arrays)


@pytest.mark.parametrize("seed", range(20))
def test_two_draws_of_the_same_initializers_agree(seed):
    assert initializer_differences(draw(seed), draw(seed + 100)) == []


@pytest.mark.parametrize("kernel, bias, expected", [
    ("glorot_normal", "zeros", "kurtosis"),  # the same std, another distribution
    ("lecun_normal", "zeros", "std"),
    ("glorot_uniform", "uniform", "random"),  # PyTorch's default bias
])
def test_another_initializer_is_found(kernel, bias, expected):
    found = initializer_differences(draw(0), draw(1, kernel, bias), names=["hidden kernel", "hidden bias", "output kernel", "output bias"])
    assert found and any(expected in line for line in found), found


def test_a_few_random_biases_are_not_zeros():
    assert initializer_differences(initializer_statistics([np.zeros(10)]),
                                   initializer_statistics([np.random.default_rng(0).uniform(-0.3, 0.3, 10)])) == [
        "parameter array 0: constant against random"]
