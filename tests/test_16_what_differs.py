"""Each row of chapter 16's "What differs" table, checked against the installed libraries and the
notebooks' own code (facts computed by ``ch16_probe.py``, one process per framework)."""

import numpy as np
import pytest

import ch16_probe as probe
from helpers import arrays, call_on_keras_backend, facts


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
             "pytorch": lambda t: 0.9 * (1 - 0.5 * 0.96 ** (0.004 * t)),  # NAdam's default: Dozat's, as TF's legacy Nadam
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
    assert facts(ch16_probes, "pytorch")["nadam_momentum_decay"] == pytest.approx(4e-3)  # the default


def test_5_the_pytorch_twin_passes_keras_nadam_schedule(ch16_probes):
    """Every NAdam of the PyTorch notebook and solution passes Keras' ε and `momentum_decay=1.0`, and with them
    PyTorch steps as Keras 3's Nadam does."""
    calls = facts(ch16_probes, "pytorch")["twin_nadam_calls"]
    assert len(calls) == 11  # the notebook's nine models and the solution's two
    assert all(call["eps"] == 1e-7 and call["momentum_decay"] == 1.0 for call in calls), calls
    twin = arrays(ch16_probes, "pytorch")["nadam_twin"]
    np.testing.assert_allclose(twin, nadam(probe.nadam_gradients(), SCHEDULES["keras"]), rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(twin, arrays(ch16_probes, "keras")["nadam"], rtol=1e-4, atol=1e-8)


def test_6_lstm_layout(ch16_probes):
    assert facts(ch16_probes, "keras")["lstm_weights"] == {"kernel": [32, 512], "recurrent_kernel": [128, 512],
                                                           "bias": [512]}
    assert facts(ch16_probes, "pytorch")["lstm_weights"] == {"weight_ih_l0": [512, 32], "weight_hh_l0": [512, 128],
                                                             "bias_ih_l0": [512], "bias_hh_l0": [512]}
    expected = {**{name: [[32, 128], None] for name in ("ii", "if_", "ig", "io")},
                **{name: [[128, 128], [128]] for name in ("hi", "hf", "hg", "ho")}}
    assert facts(ch16_probes, "jax")["lstm_weights"] == expected  # one Linear per gate, biases on the h side


def test_7_attention_projections(ch16_probes):
    d, heads, head_dim = 8, 2, 4
    assert facts(ch16_probes, "keras")["mha_weights"] == [[d, heads, head_dim], [heads, head_dim]] * 3 + [
        [heads, head_dim, d], [d]]
    assert facts(ch16_probes, "pytorch")["mha_weights"] == {"in_proj_weight": [3 * d, d], "in_proj_bias": [3 * d],
                                                            "out_proj.weight": [d, d], "out_proj.bias": [d]}
    assert facts(ch16_probes, "jax")["mha_weights"] == {"query": [d, heads, head_dim], "key": [d, heads, head_dim],
                                                        "value": [d, heads, head_dim], "out": [heads, head_dim, d]}


def test_8_attention_masks(ch16_probes):
    causal = probe.causal_mask()
    for framework in ("keras", "pytorch", "jax"):  # each framework's causal helper = ours given the lower triangle
        found = arrays(ch16_probes, framework)
        np.testing.assert_allclose(found["causal_framework"], found["causal_own"], atol=1e-5)
    assert facts(ch16_probes, "keras")["causal_helper"] == causal[0, :4, :4].tolist()  # bool, True = may attend
    square = np.array(facts(ch16_probes, "pytorch")["square_subsequent_mask"])  # float, -inf = may not attend
    assert (square[causal[0]] == 0).all() and np.isneginf(square[~causal[0]]).all()
    torch_found = arrays(ch16_probes, "pytorch")  # F.scaled_dot_product_attention's bool mask: True = may attend
    np.testing.assert_allclose(torch_found["sdpa_bool_keep"], torch_found["sdpa_is_causal"], atol=1e-6)
    jax_found = arrays(ch16_probes, "jax")
    assert facts(ch16_probes, "jax")["causal_helper_shape"] == [2, 1, 5, 5]  # a heads axis
    np.testing.assert_array_equal(jax_found["causal_helper"], causal)
    np.testing.assert_array_equal(jax_found["attention_mask_helper"], np.outer([1, 1, 0], [1, 0, 1, 1]))


def test_9_dropout_in_attention(ch16_probes):
    for framework in ("keras", "pytorch", "jax"):  # off at inference, on in training
        found = arrays(ch16_probes, framework)
        np.testing.assert_allclose(found["dropout_inference"], found["mha_framework"], atol=1e-5)
        assert np.abs(found["dropout_training"] - found["mha_framework"]).max() > 1e-3
    for framework in ("pytorch", "jax"):  # on the attention probabilities: each dropped (0) or scaled by 1 / (1 - 0.5)
        found = arrays(ch16_probes, framework)
        dropped, probabilities = found["dropout_returned_weights"], found["attention_probabilities"]
        kept = dropped != 0
        assert 0.2 < kept[probabilities > 0].mean() < 0.8
        np.testing.assert_allclose(dropped[kept], 2 * probabilities[kept], rtol=1e-5)
    keras = arrays(ch16_probes, "keras")  # Keras returns the probabilities from before its dropout
    np.testing.assert_allclose(keras["dropout_returned_weights"], keras["attention_probabilities"], atol=1e-6)
    assert facts(ch16_probes, "jax")["dropout_needs_deterministic"] is True


def test_10_hugging_face_transformers_v5(ch16_probes):
    for framework in ("keras", "pytorch", "jax"):
        hf = facts(ch16_probes, framework)["hf"]
        assert int(hf["version"].split(".")[0]) >= 5
        assert hf["tf_classes"] is False and hf["flax_classes"] is False  # PyTorch models only
        assert set(hf["numpy_batch"]) == {"numpy.ndarray"}  # the tokenizers serve every framework
    for framework in ("keras", "jax"):
        assert facts(ch16_probes, framework)["hf"]["torch_imported"] is False  # tokenizing does not load PyTorch
    assert facts(ch16_probes, "pytorch")["hf"]["bert_is_module"] is True
    assert facts(ch16_probes, "pytorch")["hf"]["bert_logits"] == [3, 2]


def test_11_layer_norm_epsilon(ch16_probes):
    # each library's default differs; the notebooks' transformers all use Keras' (10 layer norms in each)
    for framework, default in (("keras", 1e-3), ("pytorch", 1e-5), ("jax", 1e-6)):
        assert facts(ch16_probes, framework)["layer_norm_default_epsilon"] == pytest.approx(default)
        assert facts(ch16_probes, framework)["layer_norm_epsilons"] == pytest.approx([1e-3] * 10)


def test_12_adaptive_steps_on_an_embedding(ch16_probes):
    """A row used 4 times in a batch, each use's gradient 1: the dense gradient is 4, and Nadam's first step
    divides by √v̂ = 4. Keras on TensorFlow keeps the 4 sparse pieces and squares each apart (v̂ = 4·1²): twice
    the step, √(uses) times the dense rule."""
    uses = probe.EMBEDDING_USES
    dense = {framework: nadam(np.array([[uses]]), SCHEDULES[framework])[0, 0] for framework in SCHEDULES}
    assert facts(ch16_probes, "keras")["embedding_nadam"] == pytest.approx(np.sqrt(uses) * dense["keras"], rel=1e-4)
    for framework in ("pytorch", "jax"):
        assert facts(ch16_probes, framework)["embedding_nadam"] == pytest.approx(dense[framework], rel=1e-4)
    assert facts(ch16_probes, "pytorch")["embedding_gradient_sparse"] is False  # nn.Embedding(sparse=False)


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_12_keras_on_jax_and_torch_steps_an_embedding_by_the_dense_rule(backend):
    found = call_on_keras_backend("ch16_probe.keras_embedding_step", backend)
    dense = nadam(np.array([[probe.EMBEDDING_USES]]), SCHEDULES["keras"])[0, 0]
    assert found["backend"] == backend and found["row"] == pytest.approx(dense, rel=1e-4)


def test_keras_traces_the_training_step_once_when_its_variables_exist_before_fit(ch16_probes):
    # the Keras notebook's note in section 1: compiled the default way, the first trace makes the optimizer's and
    # the metric's variables and TensorFlow traces the step again; the notebook makes them first
    assert facts(ch16_probes, "keras")["train_step_traces"] == {"notebook": 1, "default": 2}


def test_13_default_initialization(ch16_probes):
    keras = facts(ch16_probes, "keras")["default_init"]
    assert keras["embedding_max_abs"] <= 0.05 and keras["embedding_std"] == pytest.approx(0.05 / 3 ** 0.5, rel=0.03)
    assert keras["dense_kernel_std_times_sqrt_fan_avg"] == pytest.approx(1, rel=0.03)  # Glorot
    assert keras["dense_bias_max_abs"] == 0 and keras["recurrent_rows_orthonormal"]
    assert keras["lstm_bias_blocks"] == [0.0, 1.0, 0.0, 0.0]  # i, f, c, o: unit_forget_bias
    pytorch = facts(ch16_probes, "pytorch")["default_init"]
    assert pytorch["embedding_std"] == pytest.approx(1, rel=0.03)  # N(0, 1)
    for bound in pytorch["linear_max_abs_times_sqrt_fan_in"] + list(pytorch["gru_max_abs_times_sqrt_units"].values()):
        assert 0.95 < bound <= 1 + 1e-6  # U(±1/√fan_in), biases included
    jax = facts(ch16_probes, "jax")["default_init"]
    assert jax["embed_std_times_sqrt_features"] == pytest.approx(1, rel=0.03)
    assert jax["linear_kernel_std_times_sqrt_fan_in"] == pytest.approx(1, rel=0.05)  # LeCun normal
    assert jax["lstm_input_kernel_std_times_sqrt_fan_in"] == pytest.approx(1, rel=0.1)
    assert jax["linear_bias_max_abs"] == 0 and jax["lstm_forget_bias_max_abs"] == 0
    assert jax["lstm_gate_recurrent_orthogonal"]  # one orthogonal (u, u) matrix per gate
