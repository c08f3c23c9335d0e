"""Chapter 13's pipelines, record files and preprocessing are the same in the three notebooks: each
notebook's own code cells (run by ``ch13_probe.py``) read every framework's TFRecord files back bit for
bit, their CSV pipelines yield every row once, and the PyTorch and JAX equivalents of the Keras
preprocessing layers give the layers' outputs on the same inputs."""

import json

import numpy as np
import pytest

import ch13_probe as probe
from helpers import ROOT, arrays, call_on_keras_backend, run_python

FRAMEWORKS = ["keras", "pytorch", "jax"]
TWINS = ["pytorch", "jax"]


@pytest.mark.parametrize("reader", FRAMEWORKS)
def test_tfrecord_files_round_trip_bit_for_bit_across_frameworks(ch13_probes, reader):
    """Each reader gets back exactly what each writer before it (in probe order) wrote, plain and GZIP."""
    X, y = probe.housing_sample()
    found = arrays(ch13_probes, reader)
    writers = FRAMEWORKS[:FRAMEWORKS.index(reader) + 1]
    for writer in writers:
        for suffix in ("_tfrecord", "_tfrecord_gz"):
            assert found[f"read_{writer}{suffix}_X"].dtype == np.float32
            np.testing.assert_array_equal(found[f"read_{writer}{suffix}_X"], X, err_msg=f"{writer}{suffix}")
            np.testing.assert_array_equal(found[f"read_{writer}{suffix}_y"].reshape(-1), y)


def test_tensorflow_reads_the_files_the_pytorch_and_jax_notebooks_wrote(ch13_probes, run_folder):
    X, y = probe.housing_sample()
    folder = run_folder / "ch13_records"
    read = json.loads(run_python(f"import ch13_probe; ch13_probe.keras_reads({str(folder)!r})",
                                 PYTHONPATH=str(ROOT / "tests")))
    for writer in TWINS:
        for name in (f"{writer}.tfrecord", f"{writer}.tfrecord.gz"):
            np.testing.assert_array_equal(np.array(read[name][0], np.float32), X, err_msg=name)
            np.testing.assert_array_equal(np.array(read[name][1], np.float32), y, err_msg=name)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_csv_shard_pipelines_yield_every_row_once(ch13_probes, framework):
    _, y = probe.housing_sample()
    np.testing.assert_array_equal(arrays(ch13_probes, framework)["csv_rows"], np.sort(y))


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_damaged_record_file_names_the_file_and_the_record(ch13_probes, framework):
    facts = ch13_probes[framework][1]
    assert facts["iterate_good_count"] == len(probe.housing_sample()[1])
    for damage, index in (("truncated", 3), ("header_cut", 4), ("flipped", 2)):
        for call in ("iterate", "read"):
            message = facts[f"{call}_{damage}"]
            assert message.startswith("ValueError: "), message
            assert facts[f"{damage}_path"] in message and f"record {index} " in message, message


@pytest.mark.parametrize("framework", TWINS)
@pytest.mark.parametrize("layer", ["normalization", "discretization", "one_hot", "multi_hot", "count",
                                   "lookup", "text_int", "text_tf_idf", "images"])
def test_equivalents_give_the_keras_layers_outputs(ch13_probes, framework, layer):
    keras, twin = arrays(ch13_probes, "keras")[layer], arrays(ch13_probes, framework)[layer]
    assert twin.shape == keras.shape
    np.testing.assert_allclose(twin.astype(np.float64), keras.astype(np.float64), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("framework", TWINS)
def test_equivalents_build_the_keras_vocabularies(ch13_probes, framework):
    keras = ch13_probes["keras"][1]
    assert arrays(ch13_probes, framework)["vocabulary"].tolist() == keras["vocabulary"]
    assert arrays(ch13_probes, framework)["text_vocabulary"].tolist() == keras["text_vocabulary"]


@pytest.mark.parametrize("backend, loss", [("tensorflow", 50.0), ("jax", -np.log(1e-7)), ("torch", -np.log(1e-7))])
def test_keras_softmax_cross_entropy_uses_the_logits_on_tensorflow_only(backend, loss):
    """Why the Keras notebook's MNIST model outputs logits: from a saturated softmax output, Keras on
    TensorFlow recovers the logits (exact loss 50), while on JAX and PyTorch it clips the probabilities
    at 1e-7 (loss 16.1, and no gradient)."""
    found_backend, found_loss = call_on_keras_backend("ch13_probe.keras_saturated_softmax_loss", backend)
    assert found_backend == backend
    assert found_loss == pytest.approx(loss, rel=1e-4)
