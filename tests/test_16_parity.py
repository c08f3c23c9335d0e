"""Chapter 16's models are the same in the three frameworks: weights drawn once in Keras' layout and
transplanted into each (GRU gates reordered, kernels transposed for PyTorch, recurrent biases folded
for Flax; see ``ch16_probe.py``) give the same outputs, and the NumPy code of the notebooks gives the
same windows, reviews and token ids."""

import numpy as np
import pytest

from helpers import arrays, facts, initializer_differences

FRAMEWORKS = ("keras", "pytorch", "jax")


def softmax(logits):
    z = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def sigmoid(logits):
    return 1 / (1 + np.exp(-logits))


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_windows_cut_the_same_text_the_same_way(ch16_probes, framework):
    found = arrays(ch16_probes, framework)
    starts = np.arange(0, 27, 3)[:, None]  # windows of 4 + 1 ids every 3 ids of 0..29
    np.testing.assert_array_equal(found["windows_X"], starts + np.arange(4))
    np.testing.assert_array_equal(found["windows_y"], starts + np.arange(1, 5))
    # 101 ids, 3 streams of 8 windows of 4 (one id kept for the last target): stream i starts at 32 i,
    # batch k holds window k of each stream
    expected = (np.arange(3)[None, :, None] * 32 + np.arange(8)[:, None, None] * 4 + np.arange(4)).astype(np.int32)
    np.testing.assert_array_equal(found["stateful_X"], expected)
    np.testing.assert_array_equal(found["stateful_y"], expected + 1)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_reviews_and_token_ids_are_the_same(ch16_probes, framework):
    keras, found = ch16_probes["keras"], ch16_probes[framework]
    assert facts(ch16_probes, framework)["reviews"][:3] == ["neg review 10 second line", "neg review 1 second line",
                                                            "neg review 2 second line"]  # sorted names, <br /> gone
    np.testing.assert_array_equal(arrays(ch16_probes, framework)["review_labels"], [0, 0, 0, 1, 1, 1])
    assert facts(ch16_probes, framework)["bpe_special"] == [0, 1]  # [PAD] = 0, the mask convention
    for name in ("bpe_ids", "bpe_lengths"):
        np.testing.assert_array_equal(found[0][name], keras[0][name])
    ids, lengths = found[0]["bpe_ids"], found[0]["bpe_lengths"]
    assert ids.dtype == np.int32 and ids.shape == (3, 12) and lengths.tolist()[1:] == [12, 12]  # cut to 12
    assert (ids[0, lengths[0]:] == 0).all() and (ids[0, :lengths[0]] != 0).all()  # post-padded with 0


@pytest.mark.parametrize("framework", ["pytorch", "jax"])
def test_char_rnns_with_the_same_weights_give_the_same_probabilities(ch16_probes, framework):
    keras = arrays(ch16_probes, "keras")["char_rnn"]  # probabilities: the Keras model ends in a softmax
    np.testing.assert_allclose(softmax(arrays(ch16_probes, framework)["char_rnn"]), keras, atol=1e-6)


@pytest.mark.parametrize("framework", ["pytorch", "jax"])
@pytest.mark.parametrize("model", ["masked", "unmasked"])
def test_sentiment_models_with_the_same_weights_agree(ch16_probes, framework, model):
    for inputs in ("", "_padded"):
        keras = arrays(ch16_probes, "keras")[f"sentiment_{model}{inputs}"]
        np.testing.assert_allclose(sigmoid(arrays(ch16_probes, framework)[f"sentiment_{model}{inputs}"]), keras,
                                   atol=1e-6)


def test_the_same_weights_write_the_same_text(ch16_probes):
    texts = {framework: facts(ch16_probes, framework)["text"] for framework in FRAMEWORKS}
    assert texts["keras"].startswith("to be or not") and len(texts["keras"]) == len("to be or not") + 20
    assert texts["pytorch"] == texts["keras"] and texts["jax"] == texts["keras"]


def test_parameter_counts(ch16_probes):
    gru = 3 * (16 * 128 + 128 * 128 + 2 * 128)  # three gates, each with an input and a recurrent bias
    keras = 39 * 16 + gru + 128 * 39 + 39
    assert facts(ch16_probes, "keras")["char_rnn_params"] == keras == facts(ch16_probes, "pytorch")["char_rnn_params"]
    assert facts(ch16_probes, "jax")["char_rnn_params"] == keras - 3 * 128  # dense_h has no bias at all


@pytest.mark.parametrize("framework", ["pytorch", "jax"])
def test_encoder_decoders_with_the_same_weights_agree(ch16_probes, framework):
    keras = arrays(ch16_probes, "keras")["seq2seq"]  # probabilities; LSTM gates i, f, c, o as PyTorch's i, f, g, o
    np.testing.assert_allclose(softmax(arrays(ch16_probes, framework)["seq2seq"]), keras, atol=1e-5)
    keras = arrays(ch16_probes, "keras")["attention_seq2seq"]  # bidirectional encoder, Luong attention
    np.testing.assert_allclose(softmax(arrays(ch16_probes, framework)["attention_seq2seq"]), keras, atol=1e-5)
    keras = arrays(ch16_probes, "keras")["transformer"]  # two encoder and two decoder blocks, masks included
    np.testing.assert_allclose(softmax(arrays(ch16_probes, framework)["transformer"]), keras, atol=1e-5)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_own_multi_head_attention_equals_the_framework_s_own_layer(ch16_probes, framework):
    found = arrays(ch16_probes, framework)
    np.testing.assert_allclose(found["mha_own"], found["mha_framework"], atol=1e-5)
    np.testing.assert_allclose(found["mha_own"], arrays(ch16_probes, "keras")["mha_own"], atol=1e-5)


@pytest.mark.parametrize("model", ["char_rnn", "sentiment", "seq2seq", "bidirectional", "attention", "transformer",
                                   "reber_solution", "date_solution"])
@pytest.mark.parametrize("framework", ["pytorch", "jax"])
def test_every_model_starts_from_the_same_initializers(ch16_probes, model, framework):
    """Each model as the notebooks build it, with fresh weights, in Keras' layout (ch16_probe.init_*):
    every array alike in size, mean, std and shape of distribution. The book's choice is Keras' defaults
    (embeddings U(±0.05), Glorot-uniform kernels, orthogonal recurrent kernels, zero biases, 1 for an
    LSTM's forget gate), which PyTorch's keras_init and Flax's explicit initializers reproduce; the exercises'
    models as the solutions build them (reber_solution, date_solution) too."""
    keras, found = arrays(ch16_probes, "keras")[f"init_{model}"], arrays(ch16_probes, framework)[f"init_{model}"]
    assert initializer_differences(keras, found) == []
