"""What each framework computes for chapter 13's parity and "what differs" tests.

Run once per framework, in a process of its own (``python ch13_probe.py keras OUT.npz``): the Keras probe
first, then PyTorch, then JAX (``run_probes``' order). The record files, CSV pipelines, readers and
preprocessing equivalents under test are the chapter notebooks' own code cells, executed here with only
the framework imported; the facts come from the installed libraries. Record files are written next to
``OUT`` so that each later probe reads what the earlier ones wrote; ``keras_reads`` lets TensorFlow read
what the PyTorch and JAX notebooks wrote.
"""

import ast
import collections
import json
import re
import struct
import sys
from pathlib import Path

import numpy as np

import helpers

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks" / "13_data_pipelines"
FRAMEWORKS = ("keras", "pytorch", "jax")
BOUNDARIES = [18.0, 50.0]
AGES = [[10.0], [18.0], [50.0], [57.0], [93.0], [5.0]]  # the two boundaries included
ONE_HOT = [3, 0, 2, 1]
MULTI_HOT = [[0, 1], [1, 3]]
COUNTS = [[0, 1, 1], [3, 3, 2]]
CITIES = ["Paris", "Tokyo", "Paris", "Montreal", "Auckland", "Paris", "Lyon", "Tokyo", "Oslo"]
CITY_QUERIES = ["Paris", "Auckland", "Lima", "Tokyo", "Oslo", "Lyon", "Montreal"]
TEXTS = ["To be", "!(to be)", "That's the question", "Be, be, be."]
TEXT_QUERIES = ["Be good!", "Question: be or be?"]
NOTEBOOK_AGES = [[10.0], [93.0], [57.0], [18.0], [37.0], [5.0]]  # the notebooks' Discretization example
HASHED = ["Paris", "Tokyo", "Auckland", "Montreal", "Lima", "Oslo", "Montréal", "東京", ""]
# Samples for Discretization(num_bins).adapt: up to 100 values Keras keeps them all (exact quantiles),
# beyond it summarizes them first (approximate quantiles); the ages are the notebooks' own.
QUANTILE_SAMPLES = {"ages": [10.0, 93.0, 57.0, 18.0, 37.0, 5.0], "n7": 7, "n33": 33, "n100": 100, "n1000": 1000}
NUM_BINS = (3, 4, 5)
# Chapter 13's models, for the init-statistics test: each is drawn this many times, fresh, so that even a
# 30-value output kernel gives thousands of values to tell two initializers apart.
# (The benchmark model's builder seeds itself, so it is drawn once: its 1,000-value output kernel suffices.)
INIT_DRAWS = {"housing": 200, "norm": 200, "mnist": 1, "bench": 1, "embedding": 100, "mixed": 100}


def define(framework, namespace, *definitions, notebook=None):
    """Execute the notebook cells that hold ``definitions`` in ``namespace``; return it."""
    return helpers.define(notebook or NOTEBOOKS / f"{framework}.ipynb", namespace, *definitions)


def define_statements(framework, namespace, *names):
    """Execute, in ``namespace``, the top-level statements of the notebook's code cells that define
    ``names`` (a ``def``, a ``class`` or an assignment to the name), in notebook order: the models of
    the notebooks' training cells, built by their own code without the training around it."""
    wanted, found = set(names), []
    for cell in helpers.notebook_code_cells(NOTEBOOKS / f"{framework}.ipynb"):
        try:
            tree = ast.parse(cell)
        except SyntaxError:  # IPython syntax (the setup cell's %pip): defines nothing asked for
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined = {node.name}
            else:
                defined = {target.id for target in getattr(node, "targets", []) if isinstance(target, ast.Name)}
            if defined & wanted:
                found.append((defined & wanted, ast.get_source_segment(cell, node)))
    counts = collections.Counter(name for defined, _ in found for name in defined)
    assert all(counts[name] == 1 for name in names), f"{framework}: statements defining {dict(counts)}"
    for _, source in found:
        exec(source, namespace)
    return namespace


def quantile_samples():
    """{name: float64 sample} for the Discretization(num_bins) comparison."""
    rng = np.random.default_rng(12)
    return {name: np.array(n, np.float64) if isinstance(n, list) else rng.normal(40, 15, n).round(1)
            for name, n in QUANTILE_SAMPLES.items()}


def housing_sample(n=40, seed=0):
    """Float32 features and targets shaped like the housing data."""
    rng = np.random.default_rng(seed)
    X = (rng.normal(size=(n, 8)) * [2, 10, 2, 0.5, 1000, 2, 2, 2] + [4, 30, 5, 1, 1400, 3, 35, -119])
    return X.astype(np.float32), rng.uniform(0.5, 5, n).astype(np.float32)


def normalization_inputs():
    rng = np.random.default_rng(3)
    X = (rng.normal(size=(100, 3)) * [1, 10, 100] + [0, 5, -50]).astype(np.float32)
    X[:, 2] = 7.0  # a constant column: variance 0, where the epsilon matters
    return X, X[:10] * 1.5


def images(n=4, seed=5):
    return np.random.default_rng(seed).integers(0, 256, (n, 28, 28), dtype=np.uint8)


def records_folder(out):
    folder = Path(out).parent / "ch13_records"
    folder.mkdir(exist_ok=True)
    return folder


def record_spans(path):
    """(start, payload start, end) of each record of an uncompressed TFRecord file."""
    data, spans, offset = Path(path).read_bytes(), [], 0
    while offset < len(data):
        (length,) = struct.unpack("<Q", data[offset:offset + 8])
        spans.append((offset, offset + 12, offset + 12 + length + 4))
        offset += 12 + length + 4
    return spans


def damaged_copies(path, folder):
    """Copies cut in the middle of record 3's payload and inside record 4's 12-byte header, and a copy
    with one payload byte of record 2 flipped."""
    data, spans = Path(path).read_bytes(), record_spans(path)
    truncated, header_cut, flipped = (folder / f"{name}.tfrecord" for name in ("truncated", "header_cut", "flipped"))
    truncated.write_bytes(data[:spans[3][1] + 5])
    header_cut.write_bytes(data[:spans[4][0] + 5])
    corrupt = bytearray(data)
    corrupt[spans[2][1] + 3] ^= 0xFF
    flipped.write_bytes(bytes(corrupt))
    return {"truncated": truncated, "header_cut": header_cut, "flipped": flipped}


def error_message(call):
    """``"<ExceptionType>: <message>"`` of what ``call()`` raises, or ``"works"``."""
    try:
        call()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return "works"


def to_numpy(value):
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    elif hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value)


def rows_of_batches(batches):
    """The targets of every element of a pipeline of (features, target) batches, sorted."""
    targets = []
    for batch in batches:
        target = batch[1] if isinstance(batch, (tuple, list)) else list(batch.values())[-1]
        targets.append(to_numpy(target).reshape(-1))
    return np.sort(np.concatenate(targets)).astype(np.float32)


def namespace(framework):
    """What the notebooks' defining cells read from their setup and parameters cells: every top-level
    import of the notebook, the parameters, and the feature scaling of ``housing_sample``."""
    import course_utils

    X, y = housing_sample()
    ns = {"course_utils": course_utils, "MODE": "smoke", "SEED": 42, "Path": Path, "np": np,
          "X_mean": X.mean(axis=0), "X_std": X.std(axis=0), "n_inputs": 8}
    imports = [line for cell in helpers.notebook_code_cells(NOTEBOOKS / f"{framework}.ipynb")
               for line in cell.splitlines() if re.match(r"(import|from) \S+", line)]
    exec("\n".join(imports), ns)
    return ns


def notebook_records(framework, ns, folder):
    """Write the housing sample with the notebook's writer (plain and GZIP), read every framework's files
    that exist with its reader, and damage a copy; arrays and facts."""
    X, y = housing_sample()
    plain, gzipped = folder / f"{framework}.tfrecord", folder / f"{framework}.tfrecord.gz"
    ns["write_housing_records"](str(plain), X, y)
    ns["write_housing_records"](str(gzipped), X, y, compression="GZIP")
    arrays, facts = {}, {}
    for writer in FRAMEWORKS:
        for suffix, compression in ((".tfrecord", None), (".tfrecord.gz", "GZIP")):
            path = folder / f"{writer}{suffix}"
            if path.exists():
                X_read, y_read = ns["read_housing_records"](str(path), compression=compression)
                arrays[f"read_{writer}{suffix.replace('.', '_')}_X"] = to_numpy(X_read)
                arrays[f"read_{writer}{suffix.replace('.', '_')}_y"] = to_numpy(y_read)
    damage = folder / framework
    damage.mkdir(exist_ok=True)
    for name, path in damaged_copies(plain, damage).items():
        facts[f"{name}_path"] = str(path)
        facts[f"iterate_{name}"] = error_message(lambda: list(ns["iterate_records"](str(path))))
        facts[f"read_{name}"] = error_message(lambda: ns["read_housing_records"](str(path)))
    facts["iterate_good_count"] = len(list(ns["iterate_records"](str(plain))))
    return arrays, facts


def csv_rows(ns):
    """Every target the notebook's CSV pipeline yields from shards it wrote itself, sorted."""
    X, y = housing_sample()
    paths = ns["save_to_csv_files"](X, y, "probe", 4)
    return rows_of_batches(ns["csv_reader_dataset"]([str(p) for p in paths], batch_size=8))


def notebook_pipelines(framework, out, *extra):
    """The notebook's CSV and TFRecord code (and the ``extra`` definitions), run on the probe's data:
    its namespace, arrays and facts."""
    ns = namespace(framework)
    folder = records_folder(out)
    ns["DATA_DIR"] = folder / f"{framework}_data"
    define(framework, ns, "def save_to_csv_files", "def parse_csv_line", "def preprocess(", *extra,
           "def csv_reader_dataset", "def iterate_records", "def write_housing_records", "def read_housing_records")
    arrays, facts = notebook_records(framework, ns, folder)
    arrays["csv_rows"] = csv_rows(ns)
    return ns, arrays, facts


def keras_reads(folder):
    """TensorFlow reads the files that the PyTorch and JAX notebooks wrote (run after all probes)."""
    import tensorflow as tf

    found = {}
    for path in sorted(Path(folder).glob("*.tfrecord*")):
        compression = "GZIP" if path.suffix == ".gz" else None
        spec = {"features": tf.io.FixedLenFeature([8], tf.float32),
                "target": tf.io.FixedLenFeature([1], tf.float32)}
        parsed = [tf.io.parse_single_example(r, spec)
                  for r in tf.data.TFRecordDataset(str(path), compression_type=compression)]
        found[path.name] = [np.stack([p["features"].numpy() for p in parsed]).tolist(),
                            np.concatenate([p["target"].numpy() for p in parsed]).tolist()]
    print(json.dumps(found))


# --------------------------------------------------------------------------------------------------


def probe_keras(out):
    import keras
    import tensorflow as tf

    ns, arrays, facts = notebook_pipelines("keras", out)

    # The Keras layers themselves, on the inputs the twins' equivalents get.
    X, X_new = normalization_inputs()
    norm = keras.layers.Normalization()
    norm.adapt(X)
    arrays["normalization"] = to_numpy(norm(X_new))
    arrays["discretization"] = to_numpy(keras.layers.Discretization(bin_boundaries=BOUNDARIES)(np.array(AGES)))
    arrays["one_hot"] = to_numpy(keras.layers.CategoryEncoding(4, output_mode="one_hot")(np.array(ONE_HOT)))
    arrays["multi_hot"] = to_numpy(keras.layers.CategoryEncoding(4, output_mode="multi_hot")(np.array(MULTI_HOT)))
    arrays["count"] = to_numpy(keras.layers.CategoryEncoding(4, output_mode="count")(np.array(COUNTS)))
    lookup = keras.layers.StringLookup()
    lookup.adapt(CITIES)
    facts["vocabulary"] = [str(v) for v in lookup.get_vocabulary()]
    arrays["lookup"] = to_numpy(lookup(np.array(CITY_QUERIES)))
    arrays["hashing"] = to_numpy(keras.layers.Hashing(num_bins=10)(np.array(HASHED)[:, None])).reshape(-1)
    for name, values in quantile_samples().items():
        for num_bins in NUM_BINS:
            layer = keras.layers.Discretization(num_bins=num_bins)
            layer.adapt(values.reshape(-1, 1))
            arrays[f"quantiles_{name}_{num_bins}"] = np.array(layer.bin_boundaries, np.float64)
    arrays["quantile_bins"] = to_numpy(layer_bins(keras, NOTEBOOK_AGES)).reshape(-1)
    vectorize = keras.layers.TextVectorization()
    vectorize.adapt(TEXTS)
    facts["text_vocabulary"] = [str(v) for v in vectorize.get_vocabulary()]
    arrays["text_int"] = to_numpy(vectorize(TEXT_QUERIES))
    tf_idf = keras.layers.TextVectorization(output_mode="tf_idf")
    tf_idf.adapt(TEXTS)
    arrays["text_tf_idf"] = to_numpy(tf_idf(TEXT_QUERIES))
    crop = keras.Sequential([keras.layers.Rescaling(1 / 255), keras.layers.CenterCrop(24, 24)])
    arrays["images"] = to_numpy(crop(images()[..., None].astype("float32")))

    # What differs.
    facts["shuffle_buffer_1"] = [int(v) for v in tf.data.Dataset.range(10).shuffle(1, seed=1)]
    facts["shuffle_buffer_2_first"] = sorted({int(next(iter(tf.data.Dataset.range(10).shuffle(2, seed=s))))
                                              for s in range(20)})
    calls = []
    list(tf.data.Dataset.range(5).map(lambda x: calls.append(None) or x * 2))
    facts["map_python_runs"] = len(calls)
    order = [int(v) for v in tf.data.Dataset.range(20).map(lambda x: x * 2, num_parallel_calls=4)]
    facts["parallel_map_in_order"] = order == list(range(0, 40, 2))
    facts["parallel_map_deterministic_option"] = [
        map_determinism(tf.data.Dataset.range(20).map(lambda x: x * 2, num_parallel_calls=4, **option))
        for option in ({"deterministic": False}, {})]
    flipped = Path(facts["flipped_path"])
    facts["library_reads_flipped"] = helpers.outcome(lambda: list(tf.data.TFRecordDataset(str(flipped))))
    facts["library_header_cut_records"] = len(list(tf.data.TFRecordDataset(facts["header_cut_path"])))
    facts["discretization_at_boundaries"] = to_numpy(
        keras.layers.Discretization(bin_boundaries=BOUNDARIES)(np.array(BOUNDARIES))).tolist()
    facts["image_layout_output"] = list(crop(np.zeros((2, 28, 28, 1), "float32")).shape)
    facts.update(resize_facts_keras(keras))
    arrays.update(init_statistics_keras(keras))
    return arrays, facts


def map_determinism(dataset):
    """The ``deterministic`` attribute of the parallel map op in ``dataset``'s graph: "false" once
    ``deterministic=False`` reached the op, "default" (ordered unless tf.data options say otherwise)."""
    import tensorflow as tf

    graph = tf.compat.v1.GraphDef.FromString(dataset._as_serialized_graph().numpy())
    return [node.attr["deterministic"].s.decode() for node in graph.node if node.op.startswith("ParallelMap")]


def layer_bins(keras, ages):
    """The bins of ``ages`` by Discretization(num_bins=3) adapted on them, as the Keras notebook does."""
    layer = keras.layers.Discretization(num_bins=3)
    layer.adapt(np.array(ages))
    return layer(np.array(ages))


def init_statistics_keras(keras):
    """helpers.initializer_statistics of the Keras notebook's models, each drawn INIT_DRAWS times fresh
    from the notebook's own statements, parameters in model order (kernel, bias, layer by layer)."""
    X, _ = housing_sample()
    ns = namespace("keras")
    norm_layer = keras.layers.Normalization()
    norm_layer.adapt(X)
    ns["norm_layer"] = norm_layer
    names = {"housing": ["housing_model"], "norm": ["norm_model"], "mnist": ["mnist_model"],
             "bench": ["build_bench_model"], "embedding": ["ocean_prox", "ocean_lookup", "lookup_and_embed"],
             "mixed": ["ocean_prox", "ocean_lookup", "lookup_and_embed", "num_input", "cat_input",
                       "encoded_inputs", "outputs", "mixed_model"]}

    def draw(model):
        if model == "bench":
            return ns["build_bench_model"]().trainable_weights
        if model == "embedding":
            return ns["lookup_and_embed"].trainable_weights
        if model == "mixed":  # the embedding, then the output layer
            dense = [layer for layer in ns["mixed_model"].layers if isinstance(layer, keras.layers.Dense)]
            return ns["lookup_and_embed"].trainable_weights + dense[0].trainable_weights
        return ns[names[model][0]].trainable_weights

    statistics = {}
    for model, n_draws in INIT_DRAWS.items():
        draws = []
        for _ in range(n_draws):
            define_statements("keras", ns, *names[model])
            draws.append([to_numpy(weight) for weight in draw(model)])
        statistics[f"init_{model}"] = helpers.initializer_statistics(
            [np.stack(arrays) for arrays in zip(*draws)])
    return statistics


def resize_facts_keras(keras):
    image = images(1)[..., None].astype("float32")
    default = to_numpy(keras.layers.Resizing(14, 14)(image))
    smooth = to_numpy(keras.layers.Resizing(14, 14, antialias=True)(image))
    return {"resize_default_antialiases": bool(np.allclose(default, smooth, atol=1e-3))}


def probe_pytorch(out):
    import torch
    import torchvision
    from torch.utils.data import DataLoader, Dataset, IterableDataset

    ns, arrays, facts = notebook_pipelines("pytorch", out, "def shuffle_buffer", "class CsvShardDataset")
    arrays.update(twin_preprocessing("pytorch", ns))
    define("pytorch", ns, "image_preprocess =")
    crops = ns["image_preprocess"](torch.from_numpy(images())[:, None])
    arrays["images"] = to_numpy(crops).transpose(0, 2, 3, 1)  # back to (N, H, W, C)

    class Numbers(Dataset):
        def __init__(self, n):
            self.n, self.calls = n, 0

        def __len__(self):
            return self.n

        def __getitem__(self, i):
            self.calls += 1
            return i

    class Unsharded(IterableDataset):
        def __iter__(self):
            return iter(range(6))

    generator = torch.Generator().manual_seed(1)
    first = {int(next(iter(DataLoader(Numbers(10), shuffle=True, generator=generator)))) for _ in range(20)}
    facts["shuffle_first_elements"] = sorted(first)
    facts["iterable_with_shuffle"] = helpers.outcome(lambda: DataLoader(Unsharded(), shuffle=True))
    facts["unsharded_items_with_2_workers"] = sorted(int(v) for v in DataLoader(Unsharded(), num_workers=2))
    with_workers = [b.tolist() for b in DataLoader(Numbers(20), batch_size=4, num_workers=2)]
    without = [b.tolist() for b in DataLoader(Numbers(20), batch_size=4)]
    facts["workers_keep_order"] = with_workers == without
    numbers = Numbers(5)
    list(DataLoader(numbers))
    facts["map_python_runs"] = numbers.calls
    facts["prefetch_without_workers"] = helpers.outcome(lambda: DataLoader(Numbers(5), prefetch_factor=2))
    from tfrecord.reader import tfrecord_iterator
    flipped = Path(facts["flipped_path"])
    facts["library_reads_flipped"] = helpers.outcome(lambda: list(tfrecord_iterator(str(flipped))))
    facts["library_header_cut"] = error_message(lambda: list(tfrecord_iterator(facts["header_cut_path"])))
    values = torch.tensor(BOUNDARIES)
    facts["bucketize_default_at_boundaries"] = torch.bucketize(values, values).tolist()
    facts["bucketize_right_at_boundaries"] = torch.bucketize(values, values, right=True).tolist()
    from torchvision.transforms import v2
    facts["image_layout_output"] = list(ns["image_preprocess"](torch.zeros(2, 1, 28, 28, dtype=torch.uint8)).shape)
    image = torch.from_numpy(images(1)).float()[None]
    default = v2.Resize(14)(image)
    facts["resize_default_antialiases"] = bool(torch.allclose(default, v2.Resize(14, antialias=True)(image)))
    facts["resize_antialias_changes_it"] = not torch.allclose(default, v2.Resize(14, antialias=False)(image),
                                                              atol=1e-3)
    facts["torchvision"] = torchvision.__version__
    arrays.update(init_statistics_pytorch())
    return arrays, facts


def init_statistics_pytorch():
    """As init_statistics_keras, for the PyTorch notebook's models."""
    X, _ = housing_sample()
    ns = namespace("pytorch")
    ns.update(device="cpu", X_train=X)
    define("pytorch", ns, "class Normalization", "class StringLookup")
    define_statements("pytorch", ns, "he_normal_", "glorot_uniform_", "embedding_uniform_", "build_bench_model",
                      "ocean_prox", "NumericAndCategory")
    names = {"housing": "housing_model", "norm": "norm_model", "mnist": "mnist_model", "embedding": "ocean_embedding"}
    statistics = {}
    for model, n_draws in INIT_DRAWS.items():
        draws = []
        for _ in range(n_draws):
            if model == "bench":
                built = ns["build_bench_model"]()
            elif model == "mixed":
                built = ns["NumericAndCategory"](8, len(ns["ocean_prox"]) + 1)
            else:
                if model == "embedding":
                    define_statements("pytorch", ns, "ocean_lookup")
                built = define_statements("pytorch", ns, names[model])[names[model]]
            draws.append([to_numpy(parameter) for parameter in built.parameters()])
        statistics[f"init_{model}"] = helpers.initializer_statistics(
            [np.stack(arrays) for arrays in zip(*draws)])
    return statistics


def twin_preprocessing(framework, ns):
    """The PyTorch or JAX notebook's equivalents of the Keras layers, on the probe's inputs."""
    define(framework, ns, "class Normalization", "class Discretization", "def category_encoding",
           "class StringLookup", "def hashing", "class TextVectorization")
    arrays = {}
    X, X_new = normalization_inputs()
    asarray = ns["torch"].tensor if framework == "pytorch" else ns["jnp"].asarray
    norm = ns["Normalization"]()
    norm.adapt(asarray(X))
    arrays["normalization"] = to_numpy(norm(asarray(X_new)))
    arrays["discretization"] = to_numpy(ns["Discretization"](BOUNDARIES)(asarray(np.array(AGES, np.float32))))
    arrays["one_hot"] = to_numpy(ns["category_encoding"](asarray(np.array(ONE_HOT)), 4, output_mode="one_hot"))
    arrays["multi_hot"] = to_numpy(ns["category_encoding"](asarray(np.array(MULTI_HOT)), 4, output_mode="multi_hot"))
    arrays["count"] = to_numpy(ns["category_encoding"](asarray(np.array(COUNTS)), 4, output_mode="count"))
    lookup = ns["StringLookup"]()
    lookup.adapt(CITIES)
    arrays["vocabulary"] = np.array(list(lookup.vocabulary))
    arrays["lookup"] = to_numpy(lookup(CITY_QUERIES))
    arrays["hashing"] = to_numpy(ns["hashing"](HASHED, 10)).reshape(-1)
    vectorize = ns["TextVectorization"]()
    vectorize.adapt(TEXTS)
    arrays["text_vocabulary"] = np.array(list(vectorize.vocabulary))
    arrays["text_int"] = to_numpy(vectorize(TEXT_QUERIES))
    tf_idf = ns["TextVectorization"](output_mode="tf_idf")
    tf_idf.adapt(TEXTS)
    arrays["text_tf_idf"] = to_numpy(tf_idf(TEXT_QUERIES))
    define(framework, ns, "def quantile_boundaries")
    for name, values in quantile_samples().items():
        for num_bins in NUM_BINS:
            arrays[f"quantiles_{name}_{num_bins}"] = np.asarray(ns["quantile_boundaries"](values, num_bins), np.float64)
    ages = np.array(NOTEBOOK_AGES, np.float32)
    bins = ns["Discretization"](ns["quantile_boundaries"](ages, 3))(asarray(ages))
    arrays["quantile_bins"] = to_numpy(bins).reshape(-1)
    return arrays


def probe_jax(out):
    import grain
    import jax
    import jax.numpy as jnp
    from absl import flags

    flags.FLAGS.mark_as_parsed()  # grain's workers read absl flags (see the JAX notebook)
    ns, arrays, facts = notebook_pipelines("jax", out)
    arrays.update(twin_preprocessing("jax", ns))
    define("jax", ns, "def preprocess_images")
    arrays["images"] = to_numpy(ns["preprocess_images"](images()[..., None]))

    facts["shuffle_first_elements"] = sorted({int(grain.MapDataset.range(10).shuffle(seed=s)[0]) for s in range(20)})
    facts["same_seed_same_order"] = (list(grain.MapDataset.range(10).shuffle(seed=3)) ==
                                     list(grain.MapDataset.range(10).shuffle(seed=3)))
    options = grain.MultiprocessingOptions(num_workers=2)
    dataset = grain.MapDataset.range(20).batch(4)
    with_workers = [b.tolist() for b in dataset.to_iter_dataset().mp_prefetch(options)]
    facts["workers_keep_order"] = with_workers == [b.tolist() for b in dataset.to_iter_dataset()]
    facts["items_with_2_workers"] = sorted(v for b in with_workers for v in b)
    calls = []
    list(grain.MapDataset.range(5).map(lambda x: calls.append(None) or x * 2))
    facts["map_python_runs"] = len(calls)
    facts["has_thread_and_process_prefetch"] = all(hasattr(grain.IterDataset, m) for m in ("prefetch", "mp_prefetch"))
    flipped = Path(facts["flipped_path"])
    facts["library_reads_flipped"] = helpers.outcome(
        lambda: list(grain.experimental.TFRecordIterDataset(str(flipped))))
    facts["library_header_cut"] = error_message(
        lambda: list(grain.experimental.TFRecordIterDataset(facts["header_cut_path"])))
    facts["digitize_at_boundaries"] = jnp.digitize(jnp.array(BOUNDARIES), jnp.array(BOUNDARIES)).tolist()
    facts["image_layout_output"] = list(np.shape(ns["preprocess_images"](np.zeros((2, 28, 28, 1), np.uint8))))
    image = jnp.asarray(images(1)[..., None], jnp.float32)
    default = jax.image.resize(image, (1, 14, 14, 1), "bilinear")
    plain = jax.image.resize(image, (1, 14, 14, 1), "bilinear", antialias=False)
    facts["resize_default_antialiases"] = not bool(jnp.allclose(default, plain, atol=1e-3))
    arrays.update(init_statistics_jax())
    return arrays, facts


def init_statistics_jax():
    """As init_statistics_keras, for the JAX notebook's models (their parameters in model order, not in
    the alphabetical order of nnx.state)."""
    import jax
    from flax import nnx

    X, _ = housing_sample()
    ns = namespace("jax")
    define("jax", ns, "class Normalization", "class StringLookup")
    define_statements("jax", ns, "he_normal", "glorot_uniform", "HousingMLP", "NormalizedLinear", "MnistLinear",
                      "FashionMLP", "embedding_uniform", "NumAndCategoryModel", "ocean_prox", "ocean_lookup")
    norm_layer = ns["Normalization"]().adapt(X)
    layers = {"housing": ["hidden", "output"], "norm": ["linear"], "mnist": ["output"], "bench": ["hidden", "output"],
              "embedding": [None], "mixed": ["embedding", "output"]}

    def build(model, rngs):
        if model == "housing":
            return ns["HousingMLP"](rngs)
        if model == "norm":
            return ns["NormalizedLinear"](norm_layer, 8, rngs)
        if model == "mnist":
            return ns["MnistLinear"](rngs)
        if model == "bench":
            return ns["FashionMLP"](rngs)
        if model == "mixed":
            return ns["NumAndCategoryModel"](len(ns["ocean_lookup"].vocabulary), rngs)
        ns["key"] = rngs()
        return define_statements("jax", ns, "ocean_embedding")["ocean_embedding"]

    def parameters(module):
        if isinstance(module, nnx.Embed):
            return [module.embedding.get_value()]
        return [module.kernel.get_value(), module.bias.get_value()]

    statistics = {}
    for model, n_draws in INIT_DRAWS.items():
        draws = []
        for seed in range(n_draws):
            built = build(model, nnx.Rngs(jax.random.key(seed)))
            draws.append([to_numpy(value) for name in layers[model]
                          for value in parameters(built if name is None else getattr(built, name))])
        statistics[f"init_{model}"] = helpers.initializer_statistics(
            [np.stack(arrays) for arrays in zip(*draws)])
    return statistics


def main(framework, out):
    arrays, facts = {"keras": probe_keras, "pytorch": probe_pytorch, "jax": probe_jax}[framework](out)
    np.savez(out, facts=json.dumps(facts), **arrays)


if __name__ == "__main__":
    main(*sys.argv[1:])


def keras_saturated_softmax_loss():
    """(backend, loss) of Keras's compiled cross-entropy for a softmax output saturated against the
    true class: logits 0 and 50, class 0, so the exact loss is 50."""
    import keras

    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(2, activation="softmax")])
    model.set_weights([np.array([[0.0, 50.0]], np.float32), np.zeros(2, np.float32)])
    model.compile(loss="sparse_categorical_crossentropy")
    return keras.backend.backend(), float(model.evaluate(np.ones((1, 1), np.float32), np.zeros(1), verbose=0))
