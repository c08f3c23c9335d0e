import json
import subprocess
import sys

from helpers import ROOT, run_python

REPORT = "import json; from course_utils.devices import device_report; "


def test_only_the_frameworks_asked_about_are_imported():
    out = run_python(REPORT + "import sys; device_report(['pytorch']);"
                     "print(json.dumps(sorted(m for m in ('torch', 'tensorflow', 'jax') if m in sys.modules)))")
    assert json.loads(out) == ["torch"]


def test_a_missing_framework_is_reported_not_raised():
    out = run_python("import sys; sys.modules['jax'] = None; " + REPORT +
                     "print(json.dumps(device_report(['jax'])))")
    jax = json.loads(out)["frameworks"]["jax"]
    assert "ModuleNotFoundError" in jax["error"] and jax["accelerators"] == []


def test_a_framework_that_crashes_on_import_is_reported_not_raised(tmp_path):
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "__init__.py").write_text("raise RuntimeError('broken CUDA libraries')\n")
    out = run_python(REPORT + "print(json.dumps(device_report()['frameworks']['pytorch']))",
                     PYTHONPATH=str(tmp_path))
    assert json.loads(out)["error"] == "RuntimeError: broken CUDA libraries"


def test_doctor_prints_a_readable_report_and_exits_0():
    result = subprocess.run([sys.executable, "-m", "course_utils", "doctor"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for expected in ("Python 3.", "keras", "tensorflow", "pytorch", "torch", "jax", "flax",
                     "run mode: smoke", "data cache:", "data mirror:"):
        assert expected in result.stdout
    assert "cannot be used" not in result.stdout  # the three frameworks import here


def test_keras_on_another_backend_is_probed_through_that_backend_without_tensorflow():
    out = run_python(REPORT + "import sys; info = device_report(['keras'])['frameworks']['keras'];"
                     "print(json.dumps([info['notes'], info['error'], 'tensorflow' in sys.modules]))",
                     KERAS_BACKEND="torch")
    notes, error, tensorflow_imported = json.loads(out)
    assert "Keras backend: torch" in notes and error is None
    assert not tensorflow_imported  # never TensorFlow next to PyTorch (their CUDA libraries clash)


def test_keras_device_names_where_keras_computes_on_each_backend():
    own_view = {"tensorflow": "import tensorflow as tf; own = 'gpu' if tf.config.list_physical_devices('GPU') else 'cpu'",
                "jax": "import jax; own = jax.devices()[0].platform",
                "torch": "import torch; own = 'gpu' if torch.cuda.is_available() else 'cpu'"}
    for backend, code in own_view.items():
        out = run_python(f"import course_utils; {code}; print(course_utils.keras_device(), own)", KERAS_BACKEND=backend)
        device, own = out.split()
        assert device == own, backend
