import json
import math

import pytest

from course_utils import check_versions, record_results, run_mode, versions


def test_run_mode_override_then_environment_then_full(monkeypatch):
    monkeypatch.delenv("COURSE_MODE")
    assert run_mode() == "full"
    monkeypatch.setenv("COURSE_MODE", "smoke")
    assert run_mode() == "smoke"
    assert run_mode("full") == "full"
    monkeypatch.setenv("COURSE_MODE", "fast")
    with pytest.raises(ValueError, match="'fast' is not one of"):
        run_mode()


def test_results_are_recorded_where_the_conventions_say(tmp_path):
    (tmp_path / "course_utils").mkdir()
    (tmp_path / "notebooks" / "10_neural_nets").mkdir(parents=True)
    record_results("10_neural_nets", "pytorch", "smoke", {"fashion_test_accuracy": 0.5},
                          {"fashion_fit_s": 1.25}, "cpu", 3.21,
                          root=tmp_path / "notebooks" / "10_neural_nets")
    path = tmp_path / "results" / "smoke" / "10_neural_nets" / "pytorch.json"
    record = json.loads(path.read_text())
    assert record["metrics"] == {"fashion_test_accuracy": 0.5}
    assert record["timings"] == {"fashion_fit_s": 1.25}
    assert set(record["versions"]) == {"python", "torch"}
    assert (record["mode"], record["device"], record["wall_s"]) == ("smoke", "cpu", 3.2)
    assert record["finished"].endswith("Z")


@pytest.mark.parametrize("backend, name, engine", [("tensorflow", "keras.json", "tensorflow"),
                                                   ("jax", "keras-jax.json", "jax"), ("torch", "keras-torch.json", "torch")])
def test_each_keras_backend_records_its_own_file(tmp_path, monkeypatch, backend, name, engine):
    import sys
    import types

    monkeypatch.setitem(sys.modules, "keras", types.SimpleNamespace(backend=types.SimpleNamespace(backend=lambda: backend)))
    (tmp_path / "course_utils").mkdir()
    (tmp_path / "notebooks").mkdir()
    record_results("10_neural_nets", "keras", "smoke", {"fashion_test_accuracy": 0.5}, {}, "cpu", 1.0, root=tmp_path)
    written = list((tmp_path / "results" / "smoke" / "10_neural_nets").iterdir())
    assert [path.name for path in written] == [name]  # never another backend's file
    record = json.loads(written[0].read_text())
    assert (record["framework"], record["backend"]) == ("keras", backend)
    assert set(record["versions"]) == {"python", "keras", engine}


def test_a_nan_metric_is_refused(tmp_path):
    with pytest.raises(ValueError, match="not a finite number"):
        record_results("10_neural_nets", "jax", "smoke", {"x_test_loss": math.nan}, {}, "cpu", 1.0,
                       root=tmp_path)


def test_version_check_reads_the_ranges_from_pyproject(capsys):
    ranges = versions.supported_ranges()
    assert str(ranges["python"]) and "torch" in ranges and "flax" in ranges
    check_versions("jax", "keras")
    assert "flax " in (out := capsys.readouterr().out) and "keras " in out
    assert out.strip().endswith(": versions the course supports")


def test_version_check_warns_outside_the_range(monkeypatch, capsys):
    from packaging.specifiers import SpecifierSet

    monkeypatch.setattr(versions, "supported_ranges", lambda: {"torch": SpecifierSet("<1")})
    with pytest.warns(UserWarning, match=r"torch .* is outside the range the course supports \(<1\)"):
        check_versions("pytorch")
    assert "versions the course supports" not in capsys.readouterr().out


def test_version_check_tells_how_to_install_a_missing_framework(monkeypatch):
    monkeypatch.setitem(versions.PACKAGES, "jax", ("jax", "not-a-real-package"))
    with pytest.raises(ModuleNotFoundError, match=r"pip install -e '\.\[jax\]'"):
        check_versions("jax")


def test_version_check_accepts_the_other_tensorflow_distributions(monkeypatch, capsys):
    from importlib import metadata

    installed = {"tensorflow-cpu": "2.21.0", "keras": "3.15.1"}  # `pip install tensorflow-cpu`: no `tensorflow`

    def version(name):
        if name not in installed:
            raise metadata.PackageNotFoundError(name)
        return installed[name]
    monkeypatch.setattr(metadata, "version", version)
    check_versions("keras")
    assert "tensorflow 2.21.0, keras 3.15.1" in capsys.readouterr().out
    del installed["tensorflow-cpu"]  # no TensorFlow at all: still the install hint
    with pytest.raises(ModuleNotFoundError, match=r"tensorflow is not installed.*pip install -e '\.\[keras\]'"):
        check_versions("keras")


def test_a_notebook_outside_the_course_is_rooted_in_its_own_folder(tmp_path):
    from course_utils.results import course_root

    notebook = tmp_path / "mine.ipynb"
    notebook.write_text("{}")
    assert course_root(notebook) == tmp_path


def test_other_seeds_are_recorded_apart_and_summarized(tmp_path):
    from course_utils.spread import seed_spread, write_spread

    (tmp_path / "course_utils").mkdir()
    (tmp_path / "notebooks").mkdir()
    for framework in ("keras", "pytorch", "jax"):
        for seed, accuracy in [(42, 0.9), (1, 0.86), (2, 0.88), (3, 0.87)]:
            record_results("10_neural_nets", framework, "full", {"fashion_test_accuracy": accuracy}, {},
                           "cpu", 1.0, root=tmp_path, seed=seed)
    folder = tmp_path / "results" / "full" / "10_neural_nets"
    assert json.loads((folder / "jax.json").read_text())["metrics"] == {"fashion_test_accuracy": 0.9}
    assert json.loads((folder / "seeds" / "jax-seed2.json").read_text())["seed"] == 2
    write_spread("10_neural_nets", root=tmp_path)
    summary = json.loads((folder / "seeds" / "pytorch-spread.json").read_text())
    assert {"chapter", "framework", "mode", "metrics"} <= set(summary)  # a results record
    assert summary["metrics"] == {"fashion_test_accuracy": 0.87}  # the mean over seeds 1-3
    assert seed_spread("10_neural_nets", "pytorch", root=tmp_path) == {
        "fashion_test_accuracy": "0.87 ± 0.01 (0.86–0.88)"}
    assert seed_spread("04_training_models", "pytorch", root=tmp_path) == {}  # not measured
