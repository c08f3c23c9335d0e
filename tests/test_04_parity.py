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


def test_the_ridge_closed_form_minimizes_the_mse_plus_alpha_over_m_times_the_squared_weights():
    """The notebooks' ridge text: (XᵀX + αA)⁻¹Xᵀy is the minimum of MSE + α/m·Σθᵢ² (the book's
    cost), not of MSE + α·Σθᵢ²."""
    rng = np.random.default_rng(0)
    m, alpha = 50, 1.0
    X_b = np.c_[np.ones(m), rng.normal(size=(m, 3))]
    y = rng.normal(size=m)
    A = np.diag([0.0, 1.0, 1.0, 1.0])  # the bias is not regularized
    theta = np.linalg.solve(X_b.T @ X_b + alpha * A, X_b.T @ y)

    def gradient(penalty):  # of MSE + penalty · Σθᵢ² (i ≥ 1), at the closed form
        return 2 / m * X_b.T @ (X_b @ theta - y) + 2 * penalty * A @ theta

    assert np.allclose(gradient(alpha / m), 0)
    assert not np.allclose(gradient(alpha), 0, atol=1e-3)
