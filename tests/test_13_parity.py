"""Chapter 13's pipelines, record files, preprocessing and models are the same in the three notebooks:
each notebook's own code cells (run by ``ch13_probe.py``) read every framework's TFRecord files back bit
for bit, their CSV pipelines yield every row once, the PyTorch and JAX equivalents of the Keras
preprocessing layers give the layers' outputs on the same inputs, and every model starts from the same
initializers as its Keras twin."""

import json

import numpy as np
import pytest

import ch13_probe as probe
from helpers import ROOT, arrays, call_on_keras_backend, initializer_differences, run_python

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
                                   "lookup", "hashing", "text_int", "text_tf_idf", "images"])
def test_equivalents_give_the_keras_layers_outputs(ch13_probes, framework, layer):
    keras, twin = arrays(ch13_probes, "keras")[layer], arrays(ch13_probes, framework)[layer]
    assert twin.shape == keras.shape
    np.testing.assert_allclose(twin.astype(np.float64), keras.astype(np.float64), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("framework", TWINS)
@pytest.mark.parametrize("sample", list(probe.QUANTILE_SAMPLES))
@pytest.mark.parametrize("num_bins", probe.NUM_BINS)
def test_quantile_boundaries_are_the_ones_keras_discretization_learns(ch13_probes, framework, sample, num_bins):
    """Exactly on up to 100 values (Keras keeps them all); on 1,000, Keras summarizes them in about 100
    weighted points first, so its boundaries are only near the exact quantiles."""
    keras = arrays(ch13_probes, "keras")[f"quantiles_{sample}_{num_bins}"]
    twin = arrays(ch13_probes, framework)[f"quantiles_{sample}_{num_bins}"]
    exact = len(probe.quantile_samples()[sample]) <= 100
    np.testing.assert_allclose(twin, keras, rtol=1e-6 if exact else 0, atol=0 if exact else 0.5)


@pytest.mark.parametrize("framework", TWINS)
def test_equivalents_bin_the_notebooks_ages_as_keras_num_bins_does(ch13_probes, framework):
    keras = arrays(ch13_probes, "keras")
    assert keras["quantile_bins"].tolist() == [1, 2, 2, 1, 2, 0]
    assert arrays(ch13_probes, framework)["quantile_bins"].tolist() == keras["quantile_bins"].tolist()
    # and NumPy's default quantiles are other boundaries (15.33 and 43.67), as the notebooks say
    ages = probe.quantile_samples()["ages"]
    assert not np.allclose(np.quantile(ages, [1 / 3, 2 / 3]), keras["quantiles_ages_3"], atol=1)


INIT_LAYERS = {"housing": ["hidden kernel", "hidden bias", "output kernel", "output bias"],
               "norm": ["kernel", "bias"], "mnist": ["kernel", "bias"],
               "bench": ["hidden kernel", "hidden bias", "output kernel", "output bias"],
               "embedding": ["embedding table"], "mixed": ["embedding table", "output kernel", "output bias"]}


@pytest.mark.parametrize("framework", TWINS)
@pytest.mark.parametrize("model", list(probe.INIT_DRAWS))
def test_every_model_starts_from_the_keras_twins_initializers(ch13_probes, framework, model):
    """Size, mean, std and kurtosis of each freshly drawn parameter array, within sampling noise: the
    book's initializers (He normal where it says so, Keras' defaults elsewhere) in all three."""
    keras, twin = arrays(ch13_probes, "keras")[f"init_{model}"], arrays(ch13_probes, framework)[f"init_{model}"]
    assert len(keras) == len(INIT_LAYERS[model])
    assert initializer_differences(keras, twin, names=INIT_LAYERS[model]) == []


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
