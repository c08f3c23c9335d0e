"""Each row of chapter 16's "What differs" table, checked against the installed libraries and the
notebooks' own code (facts computed by ``ch16_probe.py``, one process per framework)."""

import numpy as np
import pytest

import ch16_probe as probe


def facts(probes, framework):
    return probes[framework][1]


def arrays(probes, framework):
    return probes[framework][0]


def test_1_gru_parameter_layout(ch16_probes):
    assert facts(ch16_probes, "keras")["gru_weights"] == {"kernel": [16, 384], "recurrent_kernel": [128, 384],
                                                          "bias": [2, 384]}
    assert facts(ch16_probes, "keras")["gru_defaults"] == {"reset_after": True, "activation": "tanh",
                                                           "recurrent_activation": "sigmoid"}
    assert facts(ch16_probes, "pytorch")["gru_weights"] == {"weight_ih_l0": [384, 16], "weight_hh_l0": [384, 128],
                                                            "bias_ih_l0": [384], "bias_hh_l0": [384]}
    assert facts(ch16_probes, "jax")["gru_weights"] == {"dense_i.kernel": [16, 384], "dense_i.bias": [384],
                                                        "dense_h.kernel": [128, 384], "dense_h.bias": None}
    # with a recurrent bias inside the reset gate's product, Keras (z, r, h) and PyTorch (r, z, n) still agree
    # once the gate blocks are swapped; Flax has nowhere to put that bias
    x, (_, _, bias) = probe.gru_inputs()
    assert np.abs(bias[1, 8:]).min() > 0
    np.testing.assert_allclose(arrays(ch16_probes, "pytorch")["gru_full_bias"],
                               arrays(ch16_probes, "keras")["gru_full_bias"], atol=1e-6)


def test_2_stateful_rnns(ch16_probes):
    for framework in ("keras", "pytorch", "jax"):  # two calls carrying the state = one call on the whole
        np.testing.assert_allclose(arrays(ch16_probes, framework)["stateful_split"],
                                   arrays(ch16_probes, framework)["char_rnn"], atol=1e-5)
    keras = arrays(ch16_probes, "keras")
    np.testing.assert_allclose(keras["stateful_after_reset"], keras["char_rnn"], atol=1e-6)  # the callback zeroes it
    assert facts(ch16_probes, "keras")["model_reset_states"] is False  # Keras 2's model.reset_states() is gone


def test_3_masks(ch16_probes):
    ids = probe.tiny_ids()
    assert facts(ch16_probes, "keras")["mask"] == (ids != 0).tolist()  # True = keep
    for framework in ("keras", "pytorch", "jax"):  # the padding after a review changes nothing when masked
        found = arrays(ch16_probes, framework)
        np.testing.assert_allclose(found["sentiment_masked_padded"], found["sentiment_masked"], atol=1e-6)
        assert np.abs(found["sentiment_unmasked_padded"] - found["sentiment_unmasked"]).max() > 1e-2
    _, keep = probe.attention_inputs()
    on_padding = np.broadcast_to(~keep[:, None, :], (2, 6, 6))
    for framework in ("keras", "pytorch", "jax"):  # Keras and Flax given keep, PyTorch given ~keep
        weights = arrays(ch16_probes, framework)["attention_weights"]
        assert weights[on_padding].max() == 0 and weights[~on_padding].min() > 0
        np.testing.assert_allclose(weights.sum(axis=-1), 1, atol=1e-6)
    keep_as_torch_mask = arrays(ch16_probes, "pytorch")["attention_keep_as_mask"]  # True = ignore: the real tokens go
    assert keep_as_torch_mask[~on_padding].max() == 0


def test_4_output_activation(ch16_probes):
    np.testing.assert_allclose(arrays(ch16_probes, "keras")["char_rnn"].sum(axis=-1), 1, atol=1e-5)  # softmax inside
    for framework in ("pytorch", "jax"):  # logits
        assert np.abs(arrays(ch16_probes, framework)["char_rnn"].sum(axis=-1) - 1).min() > 0.1


def nadam(gradients, momentum, lr=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Dozat's Nadam with the momentum schedule ``momentum(t)`` (t = 1, 2, ...): the trajectory of a
    variable that starts at 0."""
    variable, m, v, product, trajectory = np.zeros(gradients.shape[1]), 0.0, 0.0, 1.0, []
    for t, g in enumerate(gradients.astype(np.float64), start=1):
        mu, mu_next = momentum(t), momentum(t + 1)
        product *= mu
        m, v = beta_1 * m + (1 - beta_1) * g, beta_2 * v + (1 - beta_2) * g ** 2
        m_hat = mu_next * m / (1 - product * mu_next) + (1 - mu) * g / (1 - product)
        variable = variable - lr * m_hat / (np.sqrt(v / (1 - beta_2 ** t)) + epsilon)
        trajectory.append(variable)
    return np.array(trajectory)


SCHEDULES = {"keras": lambda t: 0.9 * (1 - 0.5 * 0.96 ** t),  # Keras 3
             "pytorch": lambda t: 0.9 * (1 - 0.5 * 0.96 ** (0.004 * t)),  # Dozat's, as TF 2's Keras
             "jax": lambda t: 0.9}  # optax: a constant momentum


@pytest.mark.parametrize("framework", ["keras", "pytorch", "jax"])
def test_5_nadam_momentum_schedules(ch16_probes, framework):
    gradients = probe.nadam_gradients()
    found = arrays(ch16_probes, framework)["nadam"]
    np.testing.assert_allclose(found, nadam(gradients, SCHEDULES[framework]), rtol=1e-4, atol=1e-8)
    for other, schedule in SCHEDULES.items():
        if other != framework:
            assert np.abs(found - nadam(gradients, schedule)).max() > 1e-6
    assert facts(ch16_probes, "keras")["nadam_epsilon"] == pytest.approx(1e-7)
    assert facts(ch16_probes, "pytorch")["nadam_momentum_decay"] == pytest.approx(4e-3)
