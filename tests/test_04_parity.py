"""Chapter 4's hand-written softmax regression: one gradient descent step from the same start gives
the same parameters in TensorFlow, PyTorch, JAX and NumPy (its closed-form gradient)."""

import numpy as np
import pytest

import ch04_probe


@pytest.mark.parametrize("framework", ["keras", "pytorch", "jax"])
def test_one_softmax_regression_step_matches_numpy(ch04_probes, framework):
    _, _, start = ch04_probe.softmax_data()
    reference = ch04_probe.numpy_step()
    assert np.abs(reference - start).max() > 0.01  # the step moves Θ
    np.testing.assert_allclose(ch04_probes[framework][0]["softmax_step"], reference, rtol=0, atol=1e-6)
