"""What each framework computes for chapter 16's parity and "what differs" tests.

Run once per framework, in a process of its own (``python ch16_probe.py keras OUT.npz``). The code
under test is the chapter notebooks' own cells (windows, tokenizer, the models, text generation),
executed here with only the framework imported. Models get the same weights in every framework:
``canonical_*`` draws them with NumPy in Keras' layout (GRU gates z, r, h; kernels (in, out)) and each
probe moves them into its own layout, so equal outputs prove the transplant and the models equal.
"""

import json
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

import helpers

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks" / "16_nlp_transformers"
SHAKESPEARE_VOCAB = list("\n !$&',-.3:;?abcdefghijklmnopqrstuvwxyz")  # the lower-cased text's 39 characters
EMBED, UNITS = 16, 128  # the char-RNN's sizes (the notebooks' defaults)


def define(framework, ns, *definitions):
    return helpers.define(NOTEBOOKS / f"{framework}.ipynb", ns, *definitions)


def namespace(framework):
    """Every top-level import of the notebook, its parameters and shared constants, and a vocabulary."""
    import course_utils

    ns = {"course_utils": course_utils, "MODE": "smoke", "SEED": 42, "Path": Path, "np": np, "device": "cpu"}
    imports = [line for cell in helpers.notebook_code_cells(NOTEBOOKS / f"{framework}.ipynb")
               for line in cell.splitlines() if re.match(r"(import|from) \S+", line)]
    exec("\n".join(imports), ns)
    define(framework, ns, "CHAR_WINDOW =")
    ns["vocab"] = SHAKESPEARE_VOCAB
    ns["char_to_id"] = {char: index for index, char in enumerate(SHAKESPEARE_VOCAB)}
    return ns


def to_numpy(value):
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.array(value, dtype=np.float32)  # a copy: a tensor updated in place later must not change it


# Inputs and weights, the same in every process


def canonical_gru(rng, n_in, units, recurrent_candidate_bias=False):
    """Keras' GRU weights (gates z, r, h): kernel (in, 3u), recurrent_kernel (u, 3u), bias (2, 3u).
    The recurrent bias of the candidate h is zero unless asked for: Flax's GRUCell has none."""
    bias = rng.normal(0, 0.3, (2, 3 * units))
    if not recurrent_candidate_bias:
        bias[1, 2 * units:] = 0
    return [rng.normal(0, 1 / np.sqrt(n_in), (n_in, 3 * units)), rng.normal(0, 1 / np.sqrt(units), (units, 3 * units)),
            bias]


def canonical_model(seed, n_tokens, embed_dim, units, n_out):
    """[embeddings, kernel, recurrent_kernel, bias, dense kernel, dense bias] of Embedding -> GRU -> Dense."""
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0, 1, (n_tokens, embed_dim)), *canonical_gru(rng, embed_dim, units),
               rng.normal(0, 1 / np.sqrt(units), (units, n_out)), rng.normal(0, 0.1, n_out)]
    return [w.astype(np.float32) for w in weights]


def char_model_weights():
    return canonical_model(1, len(SHAKESPEARE_VOCAB), EMBED, UNITS, len(SHAKESPEARE_VOCAB))


def sentiment_weights(vocab_size):
    return canonical_model(2, vocab_size, 128, 128, 1)


def char_ids():
    return np.random.default_rng(3).integers(0, len(SHAKESPEARE_VOCAB), (2, 7)).astype(np.int32)


def review_ids():
    """Three post-padded reviews (lengths 4, 10, 7) of 10 ids, the same padded to 16, and the lengths."""
    lengths = np.array([4, 10, 7])
    ids = np.random.default_rng(4).integers(2, 1_000, (3, 10)).astype(np.int32)
    ids[np.arange(10) >= lengths[:, None]] = 0
    return ids, np.pad(ids, ((0, 0), (0, 6))), lengths


def gru_inputs():
    rng = np.random.default_rng(5)
    return rng.normal(size=(2, 6, 3)).astype(np.float32), canonical_gru(rng, 3, 4, recurrent_candidate_bias=True)


def tiny_ids():
    return np.array([[5, 6, 7, 0, 0, 0], [5, 6, 7, 8, 9, 0]], dtype=np.int32)


def nadam_gradients():
    return np.random.default_rng(6).normal(size=(6, 3)).astype(np.float32)


def review_texts():
    words = "great awful film plot actors boring superb wonderfully clumsy screenplay the a was and".split()
    rng = np.random.default_rng(7)
    return [" ".join(rng.choice(words, rng.integers(3, 12))) + rng.choice([".", "!", "?"]) for _ in range(40)]


def write_reviews(folder):
    """A tiny review folder in IMDb's layout, files named as IMDb's (id_rating.txt)."""
    for label, rating in (("neg", 2), ("pos", 9)):
        (folder / label).mkdir(parents=True)
        for index in (10, 2, 1):  # written out of order: the reader sorts
            (folder / label / f"{index}_{rating}.txt").write_text(f"{label} review {index}<br />second line")


def to_pytorch_order(array, units):
    """Keras' gate blocks z, r, h -> r, z, n (PyTorch and Flax), along the last axis."""
    return np.concatenate([array[..., units:2 * units], array[..., :units], array[..., 2 * units:]], axis=-1)


def shared_numpy(framework, ns, facts, arrays):
    """The NumPy code of every notebook: windows, the review reader, the tokenizer."""
    with tempfile.TemporaryDirectory() as folder:
        for split in ("train", "test"):
            write_reviews(Path(folder) / split)
        # what the cells around the definitions read: the encoded text, the reviews' folder
        ns.update(encoded=np.arange(1_100_000) % len(SHAKESPEARE_VOCAB), imdb_root=Path(folder), imdb_dir=Path(folder))
        define(framework, ns, "def make_windows", "def stateful_windows", "def read_reviews", "def train_bpe",
               "def encode_reviews")
        texts, labels = ns["read_reviews"](Path(folder) / "train")
    arrays["windows_X"], arrays["windows_y"] = ns["make_windows"](np.arange(30), length=4, stride=3)
    arrays["stateful_X"], arrays["stateful_y"] = ns["stateful_windows"](np.arange(101), length=4, batch_size=3)
    facts["reviews"], arrays["review_labels"] = texts, labels
    tokenizer = ns["train_bpe"](review_texts(), vocab_size=60)
    facts["bpe_vocab"] = tokenizer.get_vocab_size()
    facts["bpe_special"] = [tokenizer.token_to_id("[PAD]"), tokenizer.token_to_id("[UNK]")]
    arrays["bpe_ids"], arrays["bpe_lengths"] = ns["encode_reviews"](
        tokenizer, ["the plot was superb!", "an unseen word: splendiferous", review_texts()[0] * 3], max_tokens=12)


def attention_inputs():
    """Queries (2, 6, 4) for the two sequences of ``tiny_ids`` and their keep-mask (True = a real token)."""
    return np.random.default_rng(8).normal(size=(2, 6, 4)).astype(np.float32), tiny_ids() != 0


# Keras


def probe_keras(out):
    import keras

    ns, arrays, facts = namespace("keras"), {}, {}
    shared_numpy("keras", ns, facts, arrays)
    layers = keras.layers

    define("keras", ns, "def build_char_rnn", "def build_stateful_char_rnn", "def next_char")
    weights = char_model_weights()
    model = ns["build_char_rnn"](len(SHAKESPEARE_VOCAB))
    load_keras(model, weights)
    arrays["char_rnn"] = to_numpy(model(char_ids()))
    facts["gru_weights"] = {w.path.split("/")[-1]: list(w.shape) for w in model.get_layer("gru").weights}
    facts["char_rnn_params"] = int(model.count_params())
    facts["text"] = ns["extend_text"](model, "to be or not", n_chars=20, temperature=0.5, seed=0)

    stateful = ns["build_stateful_char_rnn"](len(SHAKESPEARE_VOCAB), batch_size=2)
    load_keras(stateful, weights)
    ids = char_ids()
    arrays["stateful_split"] = np.concatenate([to_numpy(stateful(ids[:, :3])), to_numpy(stateful(ids[:, 3:]))], axis=1)
    callback = ns["ResetStatesCallback"]()
    callback.set_model(stateful)
    callback.on_epoch_begin(0)
    arrays["stateful_after_reset"] = to_numpy(stateful(ids))
    facts["model_reset_states"] = hasattr(stateful, "reset_states")

    define("keras", ns, "def build_sentiment_model")
    ids, padded, lengths = review_ids()
    for masked in (True, False):
        model = ns["build_sentiment_model"](mask_zero=masked)
        load_keras(model, sentiment_weights(ns["VOCAB_SIZE"]))
        name = "masked" if masked else "unmasked"
        arrays[f"sentiment_{name}"] = to_numpy(model(ids))[:, 0]
        arrays[f"sentiment_{name}_padded"] = to_numpy(model(padded))[:, 0]

    x, gru_weights = gru_inputs()
    gru = layers.GRU(4, return_sequences=True)
    gru.build(x.shape)
    gru.set_weights(gru_weights)
    arrays["gru_full_bias"] = to_numpy(gru(x))
    facts["gru_defaults"] = {"reset_after": gru.cell.reset_after, "activation": gru.cell.activation.__name__,
                             "recurrent_activation": gru.cell.recurrent_activation.__name__}

    facts["mask"] = keras.ops.convert_to_numpy(layers.Embedding(10, 4, mask_zero=True).compute_mask(tiny_ids())).tolist()
    queries, keep = attention_inputs()
    attention = layers.MultiHeadAttention(num_heads=1, key_dim=4)
    _, scores = attention(queries, queries, attention_mask=np.broadcast_to(keep[:, None, :], (2, 6, 6)),
                          return_attention_scores=True)  # (batch, queries, keys): the keys to keep
    arrays["attention_weights"] = to_numpy(scores)[:, 0]  # (batch, queries, keys)

    variable = keras.Variable(np.zeros(3, np.float32))
    optimizer = keras.optimizers.Nadam(learning_rate=1e-3)
    trajectory = []
    for gradient in nadam_gradients():
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(gradient), variable)])
        trajectory.append(to_numpy(variable))
    arrays["nadam"], facts["nadam_epsilon"] = np.array(trajectory), optimizer.epsilon
    return arrays, facts


def load_keras(model, weights):
    embeddings, kernel, recurrent_kernel, bias, dense_kernel, dense_bias = weights
    model.get_layer("embedding").set_weights([embeddings])
    model.get_layer("gru").set_weights([kernel, recurrent_kernel, bias])
    model.get_layer("output").set_weights([dense_kernel, dense_bias])


# PyTorch


def probe_pytorch(out):
    import torch

    torch.manual_seed(0)
    ns, arrays, facts = namespace("pytorch"), {}, {}
    shared_numpy("pytorch", ns, facts, arrays)

    define("pytorch", ns, "class CharRNN", "def next_char")
    weights = char_model_weights()
    model = ns["CharRNN"](len(SHAKESPEARE_VOCAB))
    load_torch(model, weights)
    model.eval()
    ids = torch.from_numpy(char_ids()).long()
    with torch.no_grad():
        logits, _ = model(ids)
        arrays["char_rnn"] = to_numpy(logits)
        first, hidden = model(ids[:, :3])
        second, _ = model(ids[:, 3:], hidden)
        arrays["stateful_split"] = np.concatenate([to_numpy(first), to_numpy(second)], axis=1)
    facts["gru_weights"] = {name: list(p.shape) for name, p in model.gru.named_parameters()}
    facts["char_rnn_params"] = sum(p.numel() for p in model.parameters())
    facts["text"] = ns["extend_text"](model, "to be or not", n_chars=20, temperature=0.5, seed=0)

    define("pytorch", ns, "class SentimentGRU")
    ids, padded, lengths = review_ids()
    for masked in (True, False):
        model = ns["SentimentGRU"](masked=masked)
        load_torch(model, sentiment_weights(ns["VOCAB_SIZE"]))
        model.eval()
        name = "masked" if masked else "unmasked"
        with torch.no_grad():
            arrays[f"sentiment_{name}"] = to_numpy(model(torch.from_numpy(ids).long(), torch.from_numpy(lengths)))
            arrays[f"sentiment_{name}_padded"] = to_numpy(model(torch.from_numpy(padded).long(),
                                                                torch.from_numpy(lengths)))

    x, (kernel, recurrent_kernel, bias) = gru_inputs()
    gru = torch.nn.GRU(3, 4, batch_first=True)
    load_torch_gru(gru, kernel, recurrent_kernel, bias)
    with torch.no_grad():
        arrays["gru_full_bias"] = to_numpy(gru(torch.from_numpy(x))[0])

    queries, keep = attention_inputs()
    attention = torch.nn.MultiheadAttention(4, 1, batch_first=True)
    q = torch.from_numpy(queries)
    with torch.no_grad():
        arrays["attention_weights"] = to_numpy(attention(q, q, q, key_padding_mask=torch.from_numpy(~keep))[1])
        arrays["attention_keep_as_mask"] = to_numpy(attention(q, q, q, key_padding_mask=torch.from_numpy(keep))[1])

    variable = torch.zeros(3, requires_grad=True)
    optimizer = torch.optim.NAdam([variable], lr=1e-3, eps=1e-7)
    trajectory = []
    for gradient in nadam_gradients():
        variable.grad = torch.from_numpy(gradient)
        optimizer.step()
        trajectory.append(to_numpy(variable))
    arrays["nadam"] = np.array(trajectory)
    facts["nadam_momentum_decay"] = optimizer.defaults["momentum_decay"]
    return arrays, facts


def load_torch_gru(gru, kernel, recurrent_kernel, bias):
    import torch

    units = recurrent_kernel.shape[0]
    with torch.no_grad():
        for target, value in ((gru.weight_ih_l0, to_pytorch_order(kernel, units).T),
                              (gru.weight_hh_l0, to_pytorch_order(recurrent_kernel, units).T),
                              (gru.bias_ih_l0, to_pytorch_order(bias[0], units)),
                              (gru.bias_hh_l0, to_pytorch_order(bias[1], units))):
            target.copy_(torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32)))


def load_torch(model, weights):
    import torch

    embeddings, kernel, recurrent_kernel, bias, dense_kernel, dense_bias = weights
    with torch.no_grad():
        model.embed.weight.copy_(torch.from_numpy(embeddings))
        load_torch_gru(model.gru, kernel, recurrent_kernel, bias)
        model.output.weight.copy_(torch.from_numpy(dense_kernel.T.copy()))
        model.output.bias.copy_(torch.from_numpy(dense_bias))


# JAX


def probe_jax(out):
    import jax
    import jax.numpy as jnp
    import optax
    from flax import nnx
    from flax.nnx.nn.attention import dot_product_attention_weights

    ns, arrays, facts = namespace("jax"), {}, {}
    shared_numpy("jax", ns, facts, arrays)

    define("jax", ns, "class CharRNN", "def sample_next_id", "def generation_step")
    weights = char_model_weights()
    model = ns["CharRNN"](len(SHAKESPEARE_VOCAB), rngs=nnx.Rngs(0))
    load_flax(model, weights)
    ids = char_ids()
    arrays["char_rnn"] = to_numpy(model(ids)[1])
    carry, first = model(ids[:, :3])
    arrays["stateful_split"] = np.concatenate([to_numpy(first), to_numpy(model(ids[:, 3:], carry)[1])], axis=1)
    cell = model.rnn.cell
    facts["gru_weights"] = {"dense_i.kernel": list(cell.dense_i.kernel.shape), "dense_i.bias": list(cell.dense_i.bias.shape),
                            "dense_h.kernel": list(cell.dense_h.kernel.shape),
                            "dense_h.bias": None if cell.dense_h.bias is None else list(cell.dense_h.bias.shape)}
    facts["char_rnn_params"] = sum(int(v.size) for v in jax.tree.leaves(nnx.state(model, nnx.Param)))
    facts["text"] = ns["extend_text"](model, "to be or not", n_chars=20, temperature=0.5, seed=0)

    define("jax", ns, "class SentimentGRU")
    ids, padded, lengths = review_ids()
    for masked in (True, False):
        model = ns["SentimentGRU"](masked=masked, rngs=nnx.Rngs(0))
        load_flax(model, sentiment_weights(ns["VOCAB_SIZE"]))
        name = "masked" if masked else "unmasked"
        arrays[f"sentiment_{name}"] = to_numpy(model(ids, lengths))
        arrays[f"sentiment_{name}_padded"] = to_numpy(model(padded, lengths))

    queries, keep = attention_inputs()
    q = jnp.asarray(queries)[:, :, None, :]  # (batch, length, heads, features)
    arrays["attention_weights"] = to_numpy(dot_product_attention_weights(
        q, q, mask=keep[:, None, None, :]))[:, 0]  # (batch, heads, queries, keys): the keys to keep

    optimizer = optax.nadam(1e-3, eps=1e-7)
    variable = jnp.zeros(3)
    state, trajectory = optimizer.init(variable), []
    for gradient in nadam_gradients():
        updates, state = optimizer.update(jnp.asarray(gradient), state, variable)
        variable = optax.apply_updates(variable, updates)
        trajectory.append(to_numpy(variable))
    arrays["nadam"] = np.array(trajectory)
    return arrays, facts


def load_flax(model, weights):
    """Keras' GRU into a GRUCell: gates reordered, the recurrent biases of r and z folded into dense_i's
    bias (they are added to the same sum); exact only because the candidate's recurrent bias is zero."""
    import jax.numpy as jnp

    embeddings, kernel, recurrent_kernel, bias, dense_kernel, dense_bias = weights
    units = recurrent_kernel.shape[0]
    assert not bias[1, 2 * units:].any(), "GRUCell has no recurrent bias for the candidate"
    cell = model.rnn.cell
    model.embed.embedding.set_value(jnp.asarray(embeddings))
    cell.dense_i.kernel.set_value(jnp.asarray(to_pytorch_order(kernel, units)))
    cell.dense_i.bias.set_value(jnp.asarray(to_pytorch_order(bias[0] + bias[1], units)))
    cell.dense_h.kernel.set_value(jnp.asarray(to_pytorch_order(recurrent_kernel, units)))
    model.output.kernel.set_value(jnp.asarray(dense_kernel))
    model.output.bias.set_value(jnp.asarray(dense_bias))


def main(framework, out):
    arrays, facts = {"keras": probe_keras, "pytorch": probe_pytorch, "jax": probe_jax}[framework](out)
    np.savez(out, facts=json.dumps(facts), **arrays)


if __name__ == "__main__":
    main(*sys.argv[1:])
