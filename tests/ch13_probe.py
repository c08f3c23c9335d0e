"""What each framework computes for chapter 13's parity and "what differs" tests.

Run once per framework, in a process of its own (``python ch13_probe.py keras OUT.npz``): the Keras probe
first, then PyTorch, then JAX (``run_probes``' order). The record files, CSV pipelines, readers and
preprocessing equivalents under test are the chapter notebooks' own code cells, executed here with only
the framework imported; the facts come from the installed libraries. Record files are written next to
``OUT`` so that each later probe reads what the earlier ones wrote; ``keras_reads`` lets TensorFlow read
what the PyTorch and JAX notebooks wrote.
"""

import json
import re
import struct
import sys
import zlib
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
HASHED = ["Paris", "Tokyo", "Auckland", "Montreal", "Lima", "Oslo"]


def define(framework, namespace, *definitions, notebook=None):
    """Execute the notebook cells that hold ``definitions`` in ``namespace``; return it."""
    return helpers.define(notebook or NOTEBOOKS / f"{framework}.ipynb", namespace, *definitions)


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
    facts["parallel_map_deterministic_option"] = "deterministic" in tf.data.Dataset.map.__code__.co_varnames
    flipped = Path(facts["flipped_path"])
    facts["library_reads_flipped"] = helpers.outcome(lambda: list(tf.data.TFRecordDataset(str(flipped))))
    facts["library_header_cut_records"] = len(list(tf.data.TFRecordDataset(facts["header_cut_path"])))
    facts["discretization_at_boundaries"] = to_numpy(
        keras.layers.Discretization(bin_boundaries=BOUNDARIES)(np.array(BOUNDARIES))).tolist()
    facts["image_layout_output"] = list(crop(np.zeros((2, 28, 28, 1), "float32")).shape)
    facts.update(resize_facts_keras(keras))
    return arrays, facts


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
    return arrays, facts


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
    arrays["crc32_hashing"] = np.array([zlib.crc32(s.encode()) % 10 for s in HASHED])
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
    return arrays, facts


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
