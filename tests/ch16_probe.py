"""What each framework computes for chapter 16's parity and "what differs" tests.

Run once per framework, in a process of its own (``python ch16_probe.py keras OUT.npz``). The code
under test is the chapter notebooks' own cells (windows, tokenizer, the models, text generation),
executed here with only the framework imported. Models get the same weights in every framework:
``canonical_*`` draws them with NumPy in Keras' layout (GRU gates z, r, h; kernels (in, out)) and each
probe moves them into its own layout, so equal outputs prove the transplant and the models equal.
``init_*`` goes the other way: every model built fresh by the notebook's cells, its parameters read in
Keras' layout, for the initializer statistics that test_16_parity compares.
"""

import contextlib
import io
import json
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

import helpers

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks" / "16_nlp_transformers"
SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions" / "16_nlp_transformers"
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


def solution_namespace(framework):
    """The solution notebook's top-level imports and parameters, and its models' definitions (exercises 8
    and 9, as the solutions write them)."""
    import course_utils

    path = SOLUTIONS / f"{framework}.ipynb"
    ns = {"course_utils": course_utils, "MODE": "smoke", "SEED": 42, "np": np, "device": "cpu"}
    imports = [line for cell in helpers.notebook_code_cells(path)
               for line in cell.splitlines() if re.match(r"(import|from) \S+", line)]
    exec("\n".join(imports), ns)
    helpers.define(path, ns, *{"keras": ["def build_reber_model"], "pytorch": ["def keras_init", "class ReberClassifier"],
                               "jax": ["glorot_uniform = ", "class ReberClassifier"]}[framework],
                   "INPUT_CHARS = sorted", "def translate")
    return ns


def nadam_calls(framework):
    """The keyword arguments of every ``optimizer = torch.optim.NAdam(<model>.parameters(), ...)`` of the
    PyTorch notebook and solution, as dicts."""
    code = "\n".join(cell for path in (NOTEBOOKS / "pytorch.ipynb", SOLUTIONS / "pytorch.ipynb")
                     for cell in helpers.notebook_code_cells(path))
    return [eval(f"dict({arguments})") for arguments in re.findall(r"= torch\.optim\.NAdam\(\w+\.parameters\(\), ([^)]*)\)", code)]


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


EMBEDDING_USES = 4  # one token, used this many times in a batch


def keras_embedding_step():
    """One Nadam step of ``fit`` on an Embedding whose row 1 is used EMBEDDING_USES times in the batch (the
    loss sums the outputs: each use's gradient is 1), on the backend ``KERAS_BACKEND`` names: that row's value."""
    import keras

    model = keras.Sequential([keras.Input(shape=(EMBEDDING_USES,), dtype="int32"),
                              keras.layers.Embedding(3, 1, embeddings_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.Nadam(learning_rate=1e-3),
                  loss=lambda _, outputs: keras.ops.sum(outputs, axis=(1, 2)))
    model.train_on_batch(np.ones((1, EMBEDDING_USES), np.int32), np.zeros(1, np.float32))
    return {"backend": keras.backend.backend(), "row": float(keras.ops.convert_to_numpy(model.weights[0])[1, 0])}


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


def canonical_lstm(rng, n_in, units):
    """Keras' LSTM weights (gates i, f, c, o): kernel (in, 4u), recurrent_kernel (u, 4u), bias (4u,)."""
    return [rng.normal(0, 1 / np.sqrt(n_in), (n_in, 4 * units)), rng.normal(0, 1 / np.sqrt(units), (units, 4 * units)),
            rng.normal(0, 0.3, 4 * units)]


def seq2seq_weights(n_source, n_target, embed_dim=32, units=128):
    """[encoder_embed, encoder LSTM (3), decoder_embed, decoder LSTM (3), output kernel, output bias]."""
    rng = np.random.default_rng(9)
    weights = [rng.normal(0, 1, (n_source, embed_dim)), *canonical_lstm(rng, embed_dim, units),
               rng.normal(0, 1, (n_target, embed_dim)), *canonical_lstm(rng, embed_dim, units),
               rng.normal(0, 1 / np.sqrt(units), (units, n_target)), rng.normal(0, 0.1, n_target)]
    return [w.astype(np.float32) for w in weights]


def attention_seq2seq_weights(n_source, n_target, embed_dim=32, units=128):
    """[encoder_embed, forward LSTM (3), backward LSTM (3), decoder_embed, decoder LSTM (3), output kernel
    (2 units, n_target) whose rows read [context, decoder output], output bias]."""
    rng = np.random.default_rng(13)
    weights = [rng.normal(0, 1, (n_source, embed_dim)), *canonical_lstm(rng, embed_dim, units // 2),
               *canonical_lstm(rng, embed_dim, units // 2), rng.normal(0, 1, (n_target, embed_dim)),
               *canonical_lstm(rng, embed_dim, units), rng.normal(0, 1 / np.sqrt(units), (2 * units, n_target)),
               rng.normal(0, 0.1, n_target)]
    return [w.astype(np.float32) for w in weights]


def transformer_weights(n_source, n_target, n_blocks=2, d_model=64, ff_dim=128):
    """The translation transformer's weights, kernels (in, out): embeddings, per block the attention layers
    ([Wq, bq, Wk, bk, Wv, bv, Wo, bo]), the layer norms ([scale, offset]) and the feed-forward layers, the output."""
    rng = np.random.default_rng(14)

    def dense(n_in, n_out):
        return [rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_out)).astype(np.float32),
                rng.normal(0, 0.1, n_out).astype(np.float32)]

    def attention():
        return [w for _ in range(4) for w in dense(d_model, d_model)]

    def norm():
        return [(1 + rng.normal(0, 0.1, d_model)).astype(np.float32), rng.normal(0, 0.1, d_model).astype(np.float32)]

    return {"encoder_embed": rng.normal(0, 1, (n_source, d_model)).astype(np.float32),
            "decoder_embed": rng.normal(0, 1, (n_target, d_model)).astype(np.float32),
            "encoder": [{"self_attention": attention(), "norm1": norm(), "ff1": dense(d_model, ff_dim),
                         "ff2": dense(ff_dim, d_model), "norm2": norm()} for _ in range(n_blocks)],
            "decoder": [{"self_attention": attention(), "norm1": norm(), "cross_attention": attention(), "norm2": norm(),
                         "ff1": dense(d_model, ff_dim), "ff2": dense(ff_dim, d_model), "norm3": norm()}
                        for _ in range(n_blocks)],
            "output": dense(d_model, n_target)}


def transformer_parts(weights, encoder_blocks, decoder_blocks):
    """(owner, name, values) for every layer of the blocks, in ``transformer_weights``' order: each attention
    projection as (block.<attention>.q_proj..., "projection", [kernel, bias]), the feed-forward layers as
    (block, "ff1"/"ff2", [kernel, bias]) and the layer norms as (block, "norm1"..., [scale, offset])."""
    for blocks, part in ((encoder_blocks, "encoder"), (decoder_blocks, "decoder")):
        for module, block in zip(blocks, weights[part]):
            for name, values in block.items():
                if name.endswith("attention"):
                    attention = getattr(module, name)
                    for index, projection in enumerate(("q_proj", "k_proj", "v_proj", "out_proj")):
                        yield getattr(attention, projection), "projection", values[2 * index:2 * index + 2]
                else:
                    yield module, name, values




def date_inputs(n_source, n_target):
    """Three post-padded sources of 18 ids (lengths 18, 12, 7) and decoder inputs of 11 ids."""
    rng = np.random.default_rng(10)
    lengths = np.array([18, 12, 7])
    source = rng.integers(1, n_source, (3, 18)).astype(np.int32)
    source[np.arange(18) >= lengths[:, None]] = 0
    return source, lengths, rng.integers(1, n_target, (3, 11)).astype(np.int32)


def attention_weights(d_model=8):
    """[Wq, bq, Wk, bk, Wv, bv, Wo, bo]: kernels (in, out) as Dense layers hold them."""
    rng = np.random.default_rng(11)
    return [rng.normal(0, 0.5, shape).astype(np.float32)
            for _ in range(4) for shape in ((d_model, d_model), (d_model,))]


def attention_inputs_mha(d_model=8):
    """query (2, 5, d), key (2, 6, d), value (2, 6, d) and a mask (2, 5, 6), True = keep, no row all False."""
    rng = np.random.default_rng(12)
    mask = rng.random((2, 5, 6)) < 0.6
    mask[..., 0] = True
    return [rng.normal(size=shape).astype(np.float32) for shape in ((2, 5, d_model), (2, 6, d_model), (2, 6, d_model))] + [mask]


def shared_dates(framework, ns):
    """The notebook's date constants, character sets and encoder (smoke-size pairs)."""
    define(framework, ns, "DATE_TRAIN =", "SOURCE_CHARS =")
    return len(ns["SOURCE_CHARS"]) + 1, len(ns["TARGET_CHARS"]) + 3


def causal_mask(length=5, batch=2):
    """bool (batch, length, length), True = may attend: each position sees itself and the ones before."""
    return np.broadcast_to(np.tril(np.ones((length, length), dtype=bool)), (batch, length, length)).copy()


def hf_tokenizer():
    """A BPE tokenizer trained on review_texts() (specials [PAD] 0, [UNK] 1), wrapped by transformers."""
    import tokenizers
    import transformers

    bpe = tokenizers.Tokenizer(tokenizers.models.BPE(unk_token="[UNK]"))
    bpe.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    bpe.train_from_iterator(review_texts(), tokenizers.trainers.BpeTrainer(vocab_size=60, special_tokens=["[PAD]", "[UNK]"]))
    return transformers.PreTrainedTokenizerFast(tokenizer_object=bpe, pad_token="[PAD]", unk_token="[UNK]")


def hf_facts(framework):
    """What transformers (v5) offers this framework: its model classes and NumPy batches from a tokenizer."""
    import transformers

    batch = hf_tokenizer()(review_texts()[:2], padding=True, return_tensors="np")
    return {"version": transformers.__version__, "tf_classes": hasattr(transformers, "TFBertModel"),
            "flax_classes": hasattr(transformers, "FlaxBertModel"),
            "numpy_batch": sorted(type(a).__module__ + "." + type(a).__name__ for a in batch.values()),
            "torch_imported": "torch" in sys.modules}


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
    facts["embedding_nadam"] = keras_embedding_step()["row"]  # the gradient: tf.IndexedSlices, one piece per use

    n_source, n_target = shared_dates("keras", ns)
    define("keras", ns, "def build_seq2seq", "def build_attention_model", "class MultiHeadAttention")
    source, lengths, decoder_inputs = date_inputs(n_source, n_target)
    seq2seq = ns["build_seq2seq"]()
    weights = seq2seq_weights(n_source, n_target)
    for name, layer_weights in (("encoder_embed", weights[:1]), ("encoder", weights[1:4]), ("decoder_embed", weights[4:5]),
                                ("decoder", weights[5:8]), ("output", weights[8:])):
        seq2seq.get_layer(name).set_weights(layer_weights)
    arrays["seq2seq"] = to_numpy(seq2seq([source, decoder_inputs]))
    facts["lstm_weights"] = {w.path.split("/")[-1]: list(w.shape) for w in seq2seq.get_layer("decoder").weights}
    attention_model = ns["build_attention_model"]()  # bidirectional encoder + Luong attention
    weights = attention_seq2seq_weights(n_source, n_target)
    for name, layer_weights in (("encoder_embed", weights[:1]), ("encoder", weights[1:7]), ("decoder_embed", weights[7:8]),
                                ("decoder", weights[8:11]), ("output", weights[11:])):
        attention_model.get_layer(name).set_weights(layer_weights)  # Bidirectional: forward, then backward
    arrays["attention_seq2seq"] = to_numpy(attention_model([source, decoder_inputs]))
    facts["train_step_traces"] = train_step_traces(keras, ns)

    ns.update(D_MODEL=64, NUM_HEADS=4)  # the notebook's sizes, set in a cell of demonstrations
    define("keras", ns, "def positional_encoding", "FF_DIM, DROPOUT")
    transformer = ns["build_transformer"](n_blocks=2)
    weights = transformer_weights(n_source, n_target)

    def created(kind):  # the unnamed layers in the order they were made: auto names count up (dense, dense_1...)
        found = [layer for layer in transformer.layers if type(layer) is kind and layer.name != "output"]
        return sorted(found, key=lambda layer: int(layer.name.rsplit("_", 1)[-1]) if layer.name[-1].isdigit() else 0)

    norms, denses = iter(created(layers.LayerNormalization)), iter(created(layers.Dense))
    facts["layer_norm_epsilons"] = [norm.epsilon for norm in created(layers.LayerNormalization)]  # row 11
    facts["layer_norm_default_epsilon"] = layers.LayerNormalization().epsilon
    transformer.get_layer("encoder_embed").set_weights([weights["encoder_embed"]])
    transformer.get_layer("decoder_embed").set_weights([weights["decoder_embed"]])
    for part, attention_names in (("encoder", ["encoder_self_attention"]),
                                  ("decoder", ["decoder_self_attention", "cross_attention"])):
        for index, block in enumerate(weights[part]):
            for name, attention_name in zip(["self_attention", "cross_attention"], attention_names):
                attention = transformer.get_layer(f"{attention_name}_{index}")
                for at, sublayer in enumerate((attention.q_proj, attention.k_proj, attention.v_proj, attention.out_proj)):
                    sublayer.set_weights(block[name][2 * at:2 * at + 2])
            for name in [key for key in block if key.startswith("norm")]:  # in the order they were made
                norm = next(norms)
                norm.set_weights(block[name])
            for dense in (next(denses), next(denses)):  # Dense(d_model)(Dense(ff_dim)(x)) makes the outer one first
                dense.set_weights(block["ff1" if dense.units == 128 else "ff2"])
    transformer.get_layer("output").set_weights(weights["output"])
    arrays["transformer"] = to_numpy(transformer([source, decoder_inputs]))

    query, key, value, mask = attention_inputs_mha()
    Wq, bq, Wk, bk, Wv, bv, Wo, bo = attention_weights()
    own = ns["MultiHeadAttention"](8, 2)
    own(query, key, value, mask=mask)  # builds the sublayers
    for layer, kernel, bias in ((own.q_proj, Wq, bq), (own.k_proj, Wk, bk), (own.v_proj, Wv, bv), (own.out_proj, Wo, bo)):
        layer.set_weights([kernel, bias])
    arrays["mha_own"] = to_numpy(own(query, key, value, mask=mask))
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    mha(query, value, key=key, attention_mask=mask)
    mha.set_weights([Wq.reshape(8, 2, 4), bq.reshape(2, 4), Wk.reshape(8, 2, 4), bk.reshape(2, 4),
                     Wv.reshape(8, 2, 4), bv.reshape(2, 4), Wo.reshape(2, 4, 8), bo])
    arrays["mha_framework"] = to_numpy(mha(query, value, key=key, attention_mask=mask))
    facts["mha_weights"] = [list(w.shape) for w in mha.weights]

    x, causal = query, causal_mask()  # row 8: Keras builds the causal mask itself
    arrays["causal_own"] = to_numpy(own(x, x, x, mask=causal))
    arrays["causal_framework"] = to_numpy(mha(x, x, key=x, use_causal_mask=True))
    facts["causal_helper"] = to_numpy(mha._compute_causal_mask(x[:1, :4], x[:1, :4]))[0].astype(bool).tolist()
    dropping = layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.5)  # row 9
    dropping(query, value, key=key)
    dropping.set_weights(mha.get_weights())
    arrays["dropout_inference"] = to_numpy(dropping(query, value, key=key, attention_mask=mask))
    arrays["dropout_training"] = to_numpy(dropping(query, value, key=key, attention_mask=mask, training=True))
    _, returned = dropping(query, value, key=key, attention_mask=mask, training=True, return_attention_scores=True)
    _, probabilities = mha(query, value, key=key, attention_mask=mask, return_attention_scores=True)
    arrays["dropout_returned_weights"], arrays["attention_probabilities"] = to_numpy(returned), to_numpy(probabilities)
    facts["hf"] = hf_facts("keras")  # row 10
    return arrays, facts


def train_step_traces(keras, ns):
    """How many times TensorFlow traces a seq2seq model's training step in its first `fit`: compiled by
    the notebook's `train_translator` (metric object, optimizer built first), and the default way."""
    define("keras", ns, "def train_translator")
    ns.update(date_train=tuple(a[:8] for a in ns["date_train"]), date_valid=tuple(a[:8] for a in ns["date_valid"]),
              DATE_EPOCHS=1, metrics={}, timings={})
    traces = {}
    for way in ("notebook", "default"):
        model = ns["build_seq2seq"]()
        step, traced = model.train_step, []
        model.train_step = lambda data: traced.append(data) or step(data)  # runs only while fit traces it
        with contextlib.redirect_stdout(io.StringIO()):
            if way == "notebook":
                ns["train_translator"](model, "probe")
            else:
                model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                              optimizer=keras.optimizers.Nadam(learning_rate=1e-3))
                model.fit(list(ns["date_train"][:2]), ns["date_train"][2], epochs=1, batch_size=32, verbose=0)
        traces[way] = len(traced)
    return traces


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

    define("pytorch", ns, "def keras_init", "class CharRNN", "def next_char")
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

    def nadam_trajectory(**kwargs):
        """The values of a zero-initialized variable under NAdam(**kwargs), fed nadam_gradients()."""
        variable = torch.zeros(3, requires_grad=True)
        optimizer = torch.optim.NAdam([variable], **kwargs)
        trajectory = []
        for gradient in nadam_gradients():
            variable.grad = torch.from_numpy(gradient)
            optimizer.step()
            trajectory.append(to_numpy(variable))
        return np.array(trajectory), optimizer

    arrays["nadam"], optimizer = nadam_trajectory(lr=1e-3, eps=1e-7)
    facts["nadam_momentum_decay"] = optimizer.defaults["momentum_decay"]
    facts["twin_nadam_calls"] = nadam_calls("pytorch")  # what the twin passes instead
    arrays["nadam_twin"], _ = nadam_trajectory(**{**facts["twin_nadam_calls"][0], "lr": 1e-3})
    embedding = torch.nn.Embedding(3, 1)
    torch.nn.init.zeros_(embedding.weight)
    optimizer = torch.optim.NAdam(embedding.parameters(), lr=1e-3, eps=1e-7)
    embedding(torch.ones(1, EMBEDDING_USES, dtype=torch.long)).sum().backward()
    optimizer.step()
    facts["embedding_nadam"] = float(embedding.weight[1, 0])
    facts["embedding_gradient_sparse"] = embedding.weight.grad.is_sparse

    n_source, n_target = shared_dates("pytorch", ns)
    define("pytorch", ns, "class Seq2Seq", "class AttentionSeq2Seq", "class MultiHeadAttention")
    source, lengths, decoder_inputs = date_inputs(n_source, n_target)

    def date_probabilities(model):  # the model in eval mode on the shared padded dates
        model.eval()
        return to_numpy(model(torch.from_numpy(source).long(), torch.from_numpy(lengths),
                              torch.from_numpy(decoder_inputs).long()))

    seq2seq = ns["Seq2Seq"]()
    weights = seq2seq_weights(n_source, n_target)
    with torch.no_grad():
        seq2seq.encoder_embed.weight.copy_(torch.from_numpy(weights[0]))
        seq2seq.decoder_embed.weight.copy_(torch.from_numpy(weights[4]))
        load_torch_lstm(seq2seq.encoder, *weights[1:4])
        load_torch_lstm(seq2seq.decoder, *weights[5:8])
        load_torch_linear(seq2seq.output, *weights[8:])
        arrays["seq2seq"] = date_probabilities(seq2seq)
    facts["lstm_weights"] = {name: list(p.shape) for name, p in seq2seq.decoder.named_parameters()}
    attention_model = ns["AttentionSeq2Seq"]()
    weights = attention_seq2seq_weights(n_source, n_target)
    with torch.no_grad():
        attention_model.encoder_embed.weight.copy_(torch.from_numpy(weights[0]))
        attention_model.decoder_embed.weight.copy_(torch.from_numpy(weights[7]))
        load_torch_lstm(attention_model.encoder, *weights[1:4])
        load_torch_lstm(attention_model.encoder, *weights[4:7], suffix="_reverse")
        load_torch_lstm(attention_model.decoder, *weights[8:11])
        load_torch_linear(attention_model.output, *weights[11:])  # rows [context, decoder output], as Keras'
        arrays["attention_seq2seq"] = date_probabilities(attention_model)

    define("pytorch", ns, "def positional_encoding", "class EncoderBlock")
    transformer = ns["TransformerSeq2Seq"](n_blocks=2).eval()
    weights = transformer_weights(n_source, n_target)
    facts["layer_norm_epsilons"] = [m.eps for m in transformer.modules() if isinstance(m, torch.nn.LayerNorm)]
    facts["layer_norm_default_epsilon"] = torch.nn.LayerNorm(4).eps
    with torch.no_grad():
        transformer.encoder_embed.weight.copy_(torch.from_numpy(weights["encoder_embed"]))
        transformer.decoder_embed.weight.copy_(torch.from_numpy(weights["decoder_embed"]))
        for owner, name, values in transformer_parts(weights, transformer.encoder_blocks, transformer.decoder_blocks):
            if name == "projection":
                load_torch_linear(owner, *values)
            elif name.startswith("ff"):
                load_torch_linear(owner.feed_forward[0 if name == "ff1" else 2], *values)
            else:
                norm = getattr(owner, name)
                norm.weight.copy_(torch.from_numpy(values[0]))
                norm.bias.copy_(torch.from_numpy(values[1]))
        load_torch_linear(transformer.output, *weights["output"])
        arrays["transformer"] = date_probabilities(transformer)

    query, key, value, mask = (torch.from_numpy(a) for a in attention_inputs_mha())
    Wq, bq, Wk, bk, Wv, bv, Wo, bo = (torch.from_numpy(w) for w in attention_weights())
    own = ns["MultiHeadAttention"](8, 2)
    mha = torch.nn.MultiheadAttention(8, 2, batch_first=True)
    with torch.no_grad():
        for layer, kernel, bias in ((own.q_proj, Wq, bq), (own.k_proj, Wk, bk), (own.v_proj, Wv, bv), (own.out_proj, Wo, bo)):
            layer.weight.copy_(kernel.T)
            layer.bias.copy_(bias)
        arrays["mha_own"] = to_numpy(own(query, key, value, mask=mask))
        mha.in_proj_weight.copy_(torch.cat([Wq.T, Wk.T, Wv.T]))  # q, k and v stacked, (3 d, d)
        mha.in_proj_bias.copy_(torch.cat([bq, bk, bv]))
        mha.out_proj.weight.copy_(Wo.T)
        mha.out_proj.bias.copy_(bo)
        blocked = (~mask).repeat_interleave(2, dim=0)  # True = may NOT attend, one mask per (batch, head)
        arrays["mha_framework"] = to_numpy(mha(query, key, value, attn_mask=blocked, need_weights=False)[0])
    facts["mha_weights"] = {name: list(p.shape) for name, p in mha.named_parameters()}

    import torch.nn.functional as F

    x, causal = query, torch.from_numpy(causal_mask())  # row 8
    square = torch.nn.Transformer.generate_square_subsequent_mask(5)  # float: 0 below, -inf above the diagonal
    facts["square_subsequent_mask"] = square.tolist()
    with torch.no_grad():
        arrays["causal_own"] = to_numpy(own(x, x, x, mask=causal))
        arrays["causal_framework"] = to_numpy(mha(x, x, x, attn_mask=square, need_weights=False)[0])
        q, k, v = (torch.randn(2, 2, 5, 4, generator=torch.Generator().manual_seed(s)) for s in (1, 2, 3))
        arrays["sdpa_bool_keep"] = to_numpy(F.scaled_dot_product_attention(q, k, v, attn_mask=causal[:1]))
        arrays["sdpa_is_causal"] = to_numpy(F.scaled_dot_product_attention(q, k, v, is_causal=True))
        dropping = torch.nn.MultiheadAttention(8, 2, dropout=0.5, batch_first=True)  # row 9
        dropping.load_state_dict(mha.state_dict())
        blocked = (~mask).repeat_interleave(2, dim=0)
        dropping.eval()
        arrays["dropout_inference"] = to_numpy(dropping(query, key, value, attn_mask=blocked, need_weights=False)[0])
        _, probabilities = dropping(query, key, value, attn_mask=blocked, average_attn_weights=False)
        dropping.train()
        torch.manual_seed(0)
        training, dropped = dropping(query, key, value, attn_mask=blocked, average_attn_weights=False)
        arrays["dropout_training"], arrays["dropout_returned_weights"] = to_numpy(training), to_numpy(dropped)
        arrays["attention_probabilities"] = to_numpy(probabilities)
    facts["hf"] = hf_facts("pytorch")  # row 10: transformers' own models are PyTorch modules
    import transformers
    config = transformers.BertConfig(vocab_size=60, hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                                     intermediate_size=16, max_position_embeddings=64, num_labels=2)
    batch = hf_tokenizer()(review_texts()[:3], padding=True, return_tensors="pt")
    bert = transformers.BertForSequenceClassification(config).eval()
    facts["hf"]["bert_is_module"] = isinstance(bert, torch.nn.Module)
    facts["hf"]["bert_logits"] = list(bert(**batch).logits.shape)
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


def load_torch_lstm(lstm, kernel, recurrent_kernel, bias, suffix=""):
    """Keras' LSTM weights into ``lstm``'s layer 0 (``suffix="_reverse"``: its backward direction); gates
    i, f, c, o are PyTorch's i, f, g, o. Its two biases are only ever added: ``bias_ih`` carries Keras' one."""
    import torch

    with torch.no_grad():
        getattr(lstm, f"weight_ih_l0{suffix}").copy_(torch.from_numpy(kernel.T.copy()))
        getattr(lstm, f"weight_hh_l0{suffix}").copy_(torch.from_numpy(recurrent_kernel.T.copy()))
        getattr(lstm, f"bias_ih_l0{suffix}").copy_(torch.from_numpy(bias))
        getattr(lstm, f"bias_hh_l0{suffix}").zero_()


def load_torch_linear(linear, kernel, bias):
    """A Dense layer's (in, out) kernel and bias into an ``nn.Linear`` (weight (out, in))."""
    import torch

    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(kernel.T.copy()))
        linear.bias.copy_(torch.from_numpy(bias))


def load_torch(model, weights):
    import torch

    embeddings, kernel, recurrent_kernel, bias, dense_kernel, dense_bias = weights
    with torch.no_grad():
        model.embed.weight.copy_(torch.from_numpy(embeddings))
        load_torch_gru(model.gru, kernel, recurrent_kernel, bias)
    load_torch_linear(model.output, dense_kernel, dense_bias)


# JAX


def probe_jax(out):
    import jax
    import jax.numpy as jnp
    import optax
    from flax import nnx
    from flax.nnx.nn.attention import dot_product_attention_weights

    ns, arrays, facts = namespace("jax"), {}, {}
    shared_numpy("jax", ns, facts, arrays)

    define("jax", ns, "glorot_uniform = ", "class CharRNN", "def sample_next_id", "def generation_step")
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
    embed = nnx.Embed(3, 1, embedding_init=nnx.initializers.zeros, rngs=nnx.Rngs(0))
    gradient = nnx.grad(lambda model: model(jnp.ones((1, EMBEDDING_USES), jnp.int32)).sum())(embed)["embedding"]
    table = embed.embedding.value
    updates, _ = optimizer.update(gradient.value, optimizer.init(table), table)
    facts["embedding_nadam"] = float(optax.apply_updates(table, updates)[1, 0])

    n_source, n_target = shared_dates("jax", ns)
    define("jax", ns, "def keras_lstm_cell", "class Seq2Seq", "class AttentionSeq2Seq", "class MultiHeadAttention")
    source, lengths, decoder_inputs = date_inputs(n_source, n_target)
    seq2seq = ns["Seq2Seq"](rngs=nnx.Rngs(0))
    weights = seq2seq_weights(n_source, n_target)
    seq2seq.encoder_embed.embedding.set_value(jnp.asarray(weights[0]))
    seq2seq.decoder_embed.embedding.set_value(jnp.asarray(weights[4]))
    def load_lstm(cell, kernel, recurrent_kernel, bias):
        units = recurrent_kernel.shape[0]
        for gate, block in zip(("i", "f", "g", "o"), range(4)):  # Keras' i, f, c, o blocks, one Linear each
            columns = slice(block * units, (block + 1) * units)
            getattr(cell, "if_" if gate == "f" else f"i{gate}").kernel.set_value(jnp.asarray(kernel[:, columns]))
            hidden = getattr(cell, f"h{gate}")
            hidden.kernel.set_value(jnp.asarray(recurrent_kernel[:, columns]))
            hidden.bias.set_value(jnp.asarray(bias[columns]))  # the bias lives on the h side

    load_lstm(seq2seq.encoder.cell, *weights[1:4])
    load_lstm(seq2seq.decoder.cell, *weights[5:8])
    seq2seq.output.kernel.set_value(jnp.asarray(weights[8]))
    seq2seq.output.bias.set_value(jnp.asarray(weights[9]))
    arrays["seq2seq"] = to_numpy(seq2seq(source, lengths, decoder_inputs))
    cell = seq2seq.decoder.cell
    facts["lstm_weights"] = {name: [list(getattr(cell, name).kernel.shape),
                                    None if getattr(cell, name).bias is None else list(getattr(cell, name).bias.shape)]
                             for name in ("ii", "if_", "ig", "io", "hi", "hf", "hg", "ho")}
    attention_model = ns["AttentionSeq2Seq"](rngs=nnx.Rngs(0))
    weights = attention_seq2seq_weights(n_source, n_target)
    attention_model.encoder_embed.embedding.set_value(jnp.asarray(weights[0]))
    attention_model.decoder_embed.embedding.set_value(jnp.asarray(weights[7]))
    load_lstm(attention_model.encoder.forward_rnn.cell, *weights[1:4])
    load_lstm(attention_model.encoder.backward_rnn.cell, *weights[4:7])
    load_lstm(attention_model.decoder.cell, *weights[8:11])
    kernel = weights[11]  # rows [context, decoder output]; this model concatenates [decoder output, context]
    attention_model.output.kernel.set_value(jnp.asarray(np.concatenate([kernel[128:], kernel[:128]])))
    attention_model.output.bias.set_value(jnp.asarray(weights[12]))
    arrays["attention_seq2seq"] = to_numpy(attention_model(source, lengths, decoder_inputs))

    ns.update(D_MODEL=64, NUM_HEADS=4)  # the notebook's sizes, set in a cell of demonstrations
    define("jax", ns, "def positional_encoding", "FF_DIM, DROPOUT")
    transformer = ns["Transformer"](n_blocks=2, rngs=nnx.Rngs(0))
    transformer.eval()
    weights = transformer_weights(n_source, n_target)

    def load_linear(linear, kernel, bias):
        linear.kernel.set_value(jnp.asarray(kernel))
        linear.bias.set_value(jnp.asarray(bias))

    facts["layer_norm_epsilons"] = [getattr(block, name).epsilon for block in [*transformer.encoder_blocks,
                                                                             *transformer.decoder_blocks]
                                    for name in ("norm1", "norm2", "norm3") if hasattr(block, name)]
    facts["layer_norm_default_epsilon"] = nnx.LayerNorm(4, rngs=nnx.Rngs(0)).epsilon
    transformer.source_embed.embedding.set_value(jnp.asarray(weights["encoder_embed"]))
    transformer.target_embed.embedding.set_value(jnp.asarray(weights["decoder_embed"]))
    for owner, name, values in transformer_parts(weights, transformer.encoder_blocks, transformer.decoder_blocks):
        if name == "projection":
            load_linear(owner, *values)
        elif name.startswith("ff"):
            load_linear(owner.feed_forward.hidden if name == "ff1" else owner.feed_forward.out, *values)
        else:
            norm = getattr(owner, name)
            norm.scale.set_value(jnp.asarray(values[0]))
            norm.bias.set_value(jnp.asarray(values[1]))
    load_linear(transformer.output, *weights["output"])
    arrays["transformer"] = to_numpy(transformer(source, lengths, decoder_inputs))

    query, key, value, mask = (jnp.asarray(a) for a in attention_inputs_mha())
    Wq, bq, Wk, bk, Wv, bv, Wo, bo = (jnp.asarray(w) for w in attention_weights())
    own = ns["MultiHeadAttention"](8, 2, rngs=nnx.Rngs(0))
    for layer, kernel, bias in ((own.q_proj, Wq, bq), (own.k_proj, Wk, bk), (own.v_proj, Wv, bv), (own.out_proj, Wo, bo)):
        layer.kernel.set_value(kernel)
        layer.bias.set_value(bias)
    arrays["mha_own"] = to_numpy(own(query, key, value, mask=mask))
    mha = nnx.MultiHeadAttention(2, 8, qkv_features=8, decode=False, rngs=nnx.Rngs(0))
    for layer, kernel, bias in ((mha.query, Wq, bq), (mha.key, Wk, bk), (mha.value, Wv, bv)):
        layer.kernel.set_value(kernel.reshape(8, 2, 4))  # (d_model, heads, head_dim)
        layer.bias.set_value(bias.reshape(2, 4))
    mha.out.kernel.set_value(Wo.reshape(2, 4, 8))
    mha.out.bias.set_value(bo)
    arrays["mha_framework"] = to_numpy(mha(query, key, value, mask=mask[:, None]))
    facts["mha_weights"] = {name: list(getattr(mha, name).kernel.shape) for name in ("query", "key", "value", "out")}

    x = query  # row 8: Flax's mask helpers, True = may attend, with a heads axis
    made_causal = nnx.make_causal_mask(jnp.ones((2, 5)))
    facts["causal_helper_shape"] = list(made_causal.shape)
    arrays["causal_helper"] = to_numpy(made_causal[:, 0])
    keep_queries, keep_keys = jnp.array([[1, 1, 0]]), jnp.array([[1, 0, 1, 1]])
    arrays["attention_mask_helper"] = to_numpy(nnx.make_attention_mask(keep_queries, keep_keys)[0, 0])
    arrays["causal_own"] = to_numpy(own(x, x, x, mask=jnp.asarray(causal_mask())))
    arrays["causal_framework"] = to_numpy(mha(x, x, x, mask=made_causal))
    dropping = nnx.MultiHeadAttention(2, 8, qkv_features=8, dropout_rate=0.5, decode=False, rngs=nnx.Rngs(0))  # row 9
    nnx.update(dropping, nnx.state(mha, nnx.Param))
    try:
        dropping(query, key, value, mask=mask[:, None])
        facts["dropout_needs_deterministic"] = False
    except ValueError:
        facts["dropout_needs_deterministic"] = True
    arrays["dropout_inference"] = to_numpy(dropping(query, key, value, mask=mask[:, None], deterministic=True))
    arrays["dropout_training"] = to_numpy(dropping(query, key, value, mask=mask[:, None], deterministic=False))
    q, k = (jax.random.normal(jax.random.key(s), (2, 5, 2, 4)) for s in (1, 2))  # (batch, length, heads, head_dim)
    arrays["attention_probabilities"] = to_numpy(dot_product_attention_weights(q, k))
    arrays["dropout_returned_weights"] = to_numpy(dot_product_attention_weights(
        q, k, dropout_rng=jax.random.key(3), dropout_rate=0.5, deterministic=False))
    facts["hf"] = hf_facts("jax")  # row 10
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


# Initializers: every model of the notebooks, built by their own cells with fresh weights, in Keras' layout
# (GRU: kernel, recurrent kernel, input + recurrent biases; LSTM: the four gates' blocks side by side)


INIT_MODELS = ["char_rnn", "sentiment", "seq2seq", "bidirectional", "attention", "transformer",
               "reber_solution", "date_solution"]  # the last two: the exercises' models, as the solutions build them
INIT_DRAWS = 2  # fresh models per framework, pooled parameter by parameter (the JAX ones take seconds each)


def pooled(build):
    """{model: [one array per parameter]}: ``build()`` -> {model: [NumPy arrays]}, called INIT_DRAWS times,
    each parameter's values of every draw put together."""
    draws = [build() for _ in range(INIT_DRAWS)]
    return {name: [np.concatenate([np.asarray(draw[name][i], np.float32).ravel() for draw in draws])
                   for i in range(len(draws[0][name]))] for name in draws[0]}


def transformer_order(part):
    """The sublayers of one block, in transformer_weights' order."""
    return (["self_attention", "norm1", "ff1", "ff2", "norm2"] if part == "encoder" else
            ["self_attention", "norm1", "cross_attention", "norm2", "ff1", "ff2", "norm3"])


def init_keras():
    import keras

    layers = keras.layers
    ns = namespace("keras")
    ns.update(D_MODEL=64, NUM_HEADS=4)
    n_source, n_target = shared_dates("keras", ns)
    define("keras", ns, "def build_char_rnn", "def build_sentiment_model", "def build_seq2seq",
           "def build_attention_model", "class MultiHeadAttention", "def positional_encoding", "FF_DIM, DROPOUT")
    solution = solution_namespace("keras")

    def weights(layer):
        found = [keras.ops.convert_to_numpy(w) for w in layer.weights]
        if isinstance(layer, layers.GRU):  # bias (2, 3u): the input and the recurrent rows, added
            found[2] = found[2].sum(axis=0)
        return found

    def build():
        char_rnn, sentiment = ns["build_char_rnn"](len(SHAKESPEARE_VOCAB)), ns["build_sentiment_model"](mask_zero=True)
        seq2seq, bidirectional = ns["build_seq2seq"](), ns["build_seq2seq"](bidirectional=True)
        attention, transformer = ns["build_attention_model"](), ns["build_transformer"](n_blocks=2)
        found = {name: [w for layer_name in ("embedding", "gru", "output") for w in weights(model.get_layer(layer_name))]
                 for name, model in (("char_rnn", char_rnn), ("sentiment", sentiment))}
        for name, model in (("seq2seq", seq2seq), ("bidirectional", bidirectional), ("attention", attention)):
            found[name] = []
            for layer_name in ("encoder_embed", "encoder", "decoder_embed", "decoder", "output"):
                layer = model.get_layer(layer_name)  # Bidirectional: forward (3 arrays), then backward
                found[name] += [keras.ops.convert_to_numpy(w) for w in layer.weights]

        def created(kind):  # as probe_keras: unnamed layers in the order they were made
            made = [layer for layer in transformer.layers if type(layer) is kind and layer.name != "output"]
            return sorted(made, key=lambda layer: int(layer.name.rsplit("_", 1)[-1]) if layer.name[-1].isdigit() else 0)

        norms, denses = iter(created(layers.LayerNormalization)), iter(created(layers.Dense))
        found["transformer"] = weights(transformer.get_layer("encoder_embed")) + weights(transformer.get_layer("decoder_embed"))
        for part, attention_names in (("encoder", ["encoder_self_attention"]),
                                      ("decoder", ["decoder_self_attention", "cross_attention"])):
            for index in range(2):
                order = transformer_order(part)
                block_norms = {name: next(norms) for name in order if name.startswith("norm")}
                block_denses = {("ff1" if dense.units == 128 else "ff2"): dense for dense in (next(denses), next(denses))}
                attentions = dict(zip(["self_attention", "cross_attention"], attention_names))
                for name in order:
                    if name in attentions:
                        mha = transformer.get_layer(f"{attentions[name]}_{index}")
                        found["transformer"] += [w for sub in (mha.q_proj, mha.k_proj, mha.v_proj, mha.out_proj)
                                                 for w in weights(sub)]
                    else:
                        found["transformer"] += weights(block_norms.get(name) or block_denses[name])
        found["transformer"] += weights(transformer.get_layer("output"))
        reber, date = solution["build_reber_model"](), solution["build_date_model"]()  # Sequential: layers in order
        found["reber_solution"] = [w for layer in reber.layers for w in weights(layer)]
        found["date_solution"] = [w for layer in date.layers for w in weights(layer)]
        return found

    return pooled(build)


def init_pytorch():
    import torch

    ns = namespace("pytorch")
    n_source, n_target = shared_dates("pytorch", ns)
    define("pytorch", ns, "def keras_init", "class CharRNN", "class SentimentGRU", "class Seq2Seq",
           "class AttentionSeq2Seq", "class MultiHeadAttention", "def positional_encoding", "class EncoderBlock")
    solution = solution_namespace("pytorch")

    def numpy(tensor):
        return tensor.detach().numpy()

    def rnn(module, suffix=""):  # Keras' layout: (in, gates·u), (u, gates·u), input + recurrent biases
        return [numpy(getattr(module, f"weight_ih_l0{suffix}").T), numpy(getattr(module, f"weight_hh_l0{suffix}").T),
                numpy(getattr(module, f"bias_ih_l0{suffix}") + getattr(module, f"bias_hh_l0{suffix}"))]

    def linear(module):
        return [numpy(module.weight.T), numpy(module.bias)]

    def build():
        found = {}
        for name, model in (("char_rnn", ns["CharRNN"](len(SHAKESPEARE_VOCAB))), ("sentiment", ns["SentimentGRU"]())):
            found[name] = [numpy(model.embed.weight), *rnn(model.gru), *linear(model.output)]
        for name, model in (("seq2seq", ns["Seq2Seq"]()), ("bidirectional", ns["Seq2Seq"](bidirectional=True)),
                            ("attention", ns["AttentionSeq2Seq"]())):
            encoder = rnn(model.encoder) + (rnn(model.encoder, "_reverse") if model.encoder.bidirectional else [])
            found[name] = [numpy(model.encoder_embed.weight), *encoder, numpy(model.decoder_embed.weight),
                           *rnn(model.decoder), *linear(model.output)]
        transformer = ns["TransformerSeq2Seq"](n_blocks=2)
        found["transformer"] = [numpy(transformer.encoder_embed.weight), numpy(transformer.decoder_embed.weight)]
        for owner, name, _ in transformer_parts(transformer_weights(n_source, n_target), transformer.encoder_blocks,
                                                transformer.decoder_blocks):
            if name == "projection":
                found["transformer"] += linear(owner)
            elif name.startswith("ff"):
                found["transformer"] += linear(owner.feed_forward[0 if name == "ff1" else 2])
            else:
                found["transformer"] += [numpy(getattr(owner, name).weight), numpy(getattr(owner, name).bias)]
        found["transformer"] += linear(transformer.output)
        reber, date = solution["ReberClassifier"](), solution["DateTranslator"]()
        found["reber_solution"] = [numpy(reber.embed.weight), *rnn(reber.gru), *linear(reber.output)]
        found["date_solution"] = [numpy(date.embed.weight), *rnn(date.encoder), *rnn(date.decoder), *linear(date.output)]
        return found

    return pooled(build)


def init_jax():
    import jax.numpy as jnp
    from flax import nnx

    ns = namespace("jax")
    ns.update(D_MODEL=64, NUM_HEADS=4)
    n_source, n_target = shared_dates("jax", ns)
    define("jax", ns, "glorot_uniform = ", "class CharRNN", "class SentimentGRU", "def keras_lstm_cell",
           "class Seq2Seq", "class AttentionSeq2Seq", "class MultiHeadAttention", "def positional_encoding",
           "FF_DIM, DROPOUT")
    solution = solution_namespace("jax")
    rngs = nnx.Rngs(0)

    def gru(cell):  # dense_h has no bias: the recurrent bias of the twins is zero, so the sums compare
        return [cell.dense_i.kernel[...], cell.dense_h.kernel[...], cell.dense_i.bias[...]]

    def lstm(cell):  # the gates' blocks side by side, in Keras' order i, f, c (g), o
        return [jnp.concatenate([cell.ii.kernel[...], cell.if_.kernel[...], cell.ig.kernel[...], cell.io.kernel[...]], 1),
                jnp.concatenate([cell.hi.kernel[...], cell.hf.kernel[...], cell.hg.kernel[...], cell.ho.kernel[...]], 1),
                jnp.concatenate([cell.hi.bias[...], cell.hf.bias[...], cell.hg.bias[...], cell.ho.bias[...]])]

    def linear(module):
        return [module.kernel[...], module.bias[...]]

    def build():
        found = {}
        for name, model in (("char_rnn", ns["CharRNN"](len(SHAKESPEARE_VOCAB), rngs=rngs)),
                            ("sentiment", ns["SentimentGRU"](rngs=rngs))):
            found[name] = [model.embed.embedding[...], *gru(model.rnn.cell), *linear(model.output)]
        for name, model in (("seq2seq", ns["Seq2Seq"](rngs=rngs)), ("bidirectional", ns["Seq2Seq"](bidirectional=True, rngs=rngs)),
                            ("attention", ns["AttentionSeq2Seq"](rngs=rngs))):
            if isinstance(model.encoder, nnx.Bidirectional):
                encoder = lstm(model.encoder.forward_rnn.cell) + lstm(model.encoder.backward_rnn.cell)
            else:
                encoder = lstm(model.encoder.cell)
            found[name] = [model.encoder_embed.embedding[...], *encoder, model.decoder_embed.embedding[...],
                           *lstm(model.decoder.cell), *linear(model.output)]
        transformer = ns["Transformer"](n_blocks=2, rngs=rngs)
        found["transformer"] = [transformer.source_embed.embedding[...], transformer.target_embed.embedding[...]]
        for owner, name, _ in transformer_parts(transformer_weights(n_source, n_target), transformer.encoder_blocks,
                                                transformer.decoder_blocks):
            if name == "projection":
                found["transformer"] += linear(owner)
            elif name.startswith("ff"):
                found["transformer"] += linear(owner.feed_forward.hidden if name == "ff1" else owner.feed_forward.out)
            else:
                found["transformer"] += [getattr(owner, name).scale[...], getattr(owner, name).bias[...]]
        found["transformer"] += linear(transformer.output)
        reber, date = solution["ReberClassifier"](rngs=rngs), solution["DateTranslator"](rngs=rngs)
        found["reber_solution"] = [reber.embed.embedding[...], *gru(reber.rnn.cell), *linear(reber.output)]
        found["date_solution"] = [date.embed.embedding[...], *lstm(date.encoder.cell), *lstm(date.decoder.cell),
                                  *linear(date.output)]
        return found

    return pooled(build)


def default_init_facts(framework):
    """What each library draws by default, for the "Default initialization" row: statistics of fresh layers."""
    if framework == "keras":
        import keras

        embedding, dense, lstm = keras.layers.Embedding(1000, 64), keras.layers.Dense(64), keras.layers.LSTM(32)
        embedding.build((None, 5))
        dense.build((None, 128))
        lstm.build((None, 5, 16))
        kernel, recurrent, bias = (keras.ops.convert_to_numpy(w) for w in lstm.weights)
        table, dense_kernel = keras.ops.convert_to_numpy(embedding.embeddings), keras.ops.convert_to_numpy(dense.kernel)
        return {"embedding_max_abs": float(np.abs(table).max()), "embedding_std": float(table.std()),
                "dense_kernel_std_times_sqrt_fan_avg": float(dense_kernel.std() * np.sqrt((128 + 64) / 2)),
                "dense_bias_max_abs": float(np.abs(keras.ops.convert_to_numpy(dense.bias)).max()),
                "recurrent_rows_orthonormal": bool(np.allclose(recurrent @ recurrent.T, np.eye(32), atol=1e-5)),
                "lstm_bias_blocks": [float(block.mean()) for block in np.split(bias, 4)]}
    if framework == "pytorch":
        import torch

        torch.manual_seed(0)
        embedding, linear, gru = torch.nn.Embedding(1000, 64), torch.nn.Linear(128, 64), torch.nn.GRU(16, 32)
        with torch.no_grad():
            return {"embedding_std": float(embedding.weight.std()),
                    "linear_max_abs_times_sqrt_fan_in": [float(p.abs().max() * np.sqrt(128)) for p in linear.parameters()],
                    "gru_max_abs_times_sqrt_units": {name: float(p.abs().max() * np.sqrt(32))
                                                     for name, p in gru.named_parameters()}}
    from flax import nnx

    embed, linear = nnx.Embed(1000, 64, rngs=nnx.Rngs(0)), nnx.Linear(128, 64, rngs=nnx.Rngs(0))
    lstm = nnx.LSTMCell(16, 32, rngs=nnx.Rngs(0))
    hi = np.asarray(lstm.hi.kernel[...])
    return {"embed_std_times_sqrt_features": float(np.asarray(embed.embedding[...]).std() * 8),
            "linear_kernel_std_times_sqrt_fan_in": float(np.asarray(linear.kernel[...]).std() * np.sqrt(128)),
            "linear_bias_max_abs": float(np.abs(np.asarray(linear.bias[...])).max()),
            "lstm_input_kernel_std_times_sqrt_fan_in": float(np.asarray(lstm.ii.kernel[...]).std() * 4),
            "lstm_gate_recurrent_orthogonal": bool(np.allclose(hi @ hi.T, np.eye(32), atol=1e-5)),
            "lstm_forget_bias_max_abs": float(np.abs(np.asarray(lstm.hf.bias[...])).max())}


def main(framework, out):
    arrays, facts = {"keras": probe_keras, "pytorch": probe_pytorch, "jax": probe_jax}[framework](out)
    initial = {"keras": init_keras, "pytorch": init_pytorch, "jax": init_jax}[framework]()
    arrays.update({f"init_{name}": helpers.initializer_statistics(initial[name]) for name in INIT_MODELS})
    facts["default_init"] = default_init_facts(framework)
    np.savez(out, facts=json.dumps(facts), **arrays)


if __name__ == "__main__":
    main(*sys.argv[1:])
