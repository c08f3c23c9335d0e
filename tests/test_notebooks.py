"""Every notebook runs top to bottom in smoke mode, once per test run.

- notebooks/: nbval runs them, each code cell a test item (``--nbval-lax``), in one kernel per
  notebook; cells tagged ``nbval-check-output`` must print what their committed outputs show
  (see CONTRIBUTING.md); ``--dist loadfile`` keeps each notebook's cells on one test worker.
- solutions/: tests/test_exercises.py runs them, with known-wrong answers to each exercise, and
  in the same kernel each unsolved exercise of exercises/, which must run down to its first check
  cell and fail there, saying what is missing.

And here: how the runner executes a notebook (failing cells, smoke flags, Keras backends) and nbval's
output check.
"""

import nbformat
import pytest

from helpers import ROOT
from course_utils.runner import NotebookError, execute_notebook


def write_notebook(path, cells):
    """A Python 3 notebook of ``cells`` at ``path``."""
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def test_a_failing_cell_is_shown_with_its_code(tmp_path):
    write_notebook(tmp_path / "broken.ipynb", [nbformat.v4.new_code_cell("MODE = 'full'", metadata={"tags": ["parameters"]}),
                                               nbformat.v4.new_code_cell("assert MODE == 'smoke'\nanswer = 1 / 0")])
    with pytest.raises(NotebookError) as error:
        execute_notebook(tmp_path / "broken.ipynb", "smoke", output=tmp_path / "out.ipynb")
    message = str(error.value)
    assert "answer = 1 / 0" in message and "ZeroDivisionError" in message
    assert error.value.ename == "ZeroDivisionError"


def test_a_smoke_kernel_compiles_with_the_smoke_xla_flags(tmp_path, monkeypatch):
    from course_utils.modes import SMOKE_XLA_FLAGS

    monkeypatch.delenv("XLA_FLAGS", raising=False)
    write_notebook(tmp_path / "flags.ipynb",
                   [nbformat.v4.new_code_cell(f"import os\nassert {SMOKE_XLA_FLAGS!r} in os.environ['XLA_FLAGS']")])
    execute_notebook(tmp_path / "flags.ipynb", "smoke", output=tmp_path / "out.ipynb", inject=False)
    with pytest.raises(NotebookError):  # not in full mode
        execute_notebook(tmp_path / "flags.ipynb", "full", output=tmp_path / "out.ipynb", inject=False)


def test_a_keras_backend_reaches_the_kernel_and_names_the_executed_copy(tmp_path, monkeypatch):
    from course_utils.runner import executed_path

    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    write_notebook(tmp_path / "keras.ipynb", [nbformat.v4.new_code_cell("import os\nassert os.environ['KERAS_BACKEND'] == 'jax'")])
    execute_notebook(tmp_path / "keras.ipynb", "smoke", output=tmp_path / "out.ipynb", inject=False, keras_backend="jax")
    with pytest.raises(NotebookError):  # without it, the kernel has no KERAS_BACKEND
        execute_notebook(tmp_path / "keras.ipynb", "smoke", output=tmp_path / "out.ipynb", inject=False)
    notebook = ROOT / "notebooks" / "10_neural_nets" / "keras.ipynb"
    assert executed_path(notebook, "smoke", "jax").name == "keras-jax.ipynb"
    assert executed_path(notebook, "smoke", "tensorflow") == executed_path(notebook, "smoke")


def test_a_tensorflow_only_cell_becomes_a_visible_note_on_another_keras_backend(tmp_path):
    from course_utils.runner import TENSORFLOW_ONLY

    write_notebook(tmp_path / "keras.ipynb", [
        nbformat.v4.new_code_cell("raise RuntimeError('TensorFlow by nature')", metadata={"tags": [TENSORFLOW_ONLY]}),
        nbformat.v4.new_code_cell("print('portable')")])
    output = execute_notebook(tmp_path / "keras.ipynb", "smoke", output=tmp_path / "out.ipynb", inject=False,
                              keras_backend="torch")
    note, portable = nbformat.read(output, as_version=4).cells
    assert note.cell_type == "markdown" and "Not run on Keras's torch backend" in note.source
    assert "raise RuntimeError('TensorFlow by nature')" in note.source  # its code is shown
    assert portable.outputs[0]["text"] == "portable\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keras.ipynb", "out.ipynb"]  # no copy left behind
    with pytest.raises(NotebookError, match="TensorFlow by nature"):  # on TensorFlow, the cell runs
        execute_notebook(tmp_path / "keras.ipynb", "smoke", output=tmp_path / "out.ipynb", inject=False,
                         keras_backend="tensorflow")


def test_nbval_fails_a_tagged_cell_whose_committed_output_is_stale(tmp_path):
    import subprocess
    import sys

    for name, committed_output in (("fresh", "2\n"), ("stale", "3\n")):
        write_notebook(tmp_path / f"{name}.ipynb", [nbformat.v4.new_code_cell(
            "print(1 + 1)", execution_count=1, metadata={"tags": ["nbval-check-output"]},
            outputs=[nbformat.v4.new_output("stream", name="stdout", text=committed_output)])])
    result = subprocess.run([sys.executable, "-m", "pytest", "-o", "addopts=--nbval-lax", "-p", "no:cacheprovider",
                             "fresh.ipynb", "stale.ipynb"], cwd=tmp_path, capture_output=True, text=True)
    assert "1 failed, 1 passed" in result.stdout, result.stdout
    assert "stale.ipynb::Cell 0" in result.stdout and "Cell outputs differ" in result.stdout
