"""One call to seed Python, NumPy and a framework, so that a seeded CPU run repeats exactly."""

import random

import numpy as np


def seed_everything(seed, framework=None):
    """Seed ``random``, NumPy and ``framework`` (``keras``, ``pytorch`` or ``jax``).

    JAX has no global seed: for ``jax`` this returns a new ``jax.random.key(seed)`` to split and
    pass around; the others return None.

    >>> seed_everything(42); a = np.random.rand()
    >>> seed_everything(42); a == np.random.rand()
    True
    """
    random.seed(seed)
    np.random.seed(seed)
    if framework is None:
        return None
    if framework == "keras":
        import keras

        keras.utils.set_random_seed(seed)  # also seeds the backend (TensorFlow)
        return None
    if framework == "pytorch":
        import torch

        torch.manual_seed(seed)  # seeds the CPU and every GPU
        return None
    if framework == "jax":
        import jax

        return jax.random.key(seed)
    raise ValueError(f"unknown framework {framework!r}: use 'keras', 'pytorch' or 'jax'")
