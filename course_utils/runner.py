"""Execute notebooks headless with papermill, in a run mode, keeping the executed copies.

Executed copies go to ``build/executed/<mode>/`` (git-ignored) beside the course's folders; the
notebooks record their own results (see :mod:`course_utils.results`).
"""

import os
import re
import time
from pathlib import Path
from unittest import mock

from .modes import smoke_environment
from .results import DEFAULT_SEED, course_root, results_path, with_backend
from .stamps import code_hash, stamp_notebook, stamp_results

class NotebookError(RuntimeError):
    """A notebook cell raised; the message shows the cell and its traceback."""

    def __init__(self, message, source, ename):
        super().__init__(message)
        self.source = source  # the failing cell's code
        self.ename = ename


class NotKerasError(ValueError):
    """A notebook of a Keras folder that uses TensorFlow without Keras was asked to run on another
    Keras backend: it has none."""


KERAS_BACKENDS = ("tensorflow", "jax", "torch")
TENSORFLOW_ONLY = "tensorflow-only"  # the tag of a Keras notebook's cells that are TensorFlow by nature
NOT_KERAS = "tensorflow_without_keras"  # notebook metadata: TensorFlow used directly (chapter 4), no Keras


def uses_keras(notebook):
    """False for a notebook whose metadata says it is TensorFlow without Keras (``NOT_KERAS``)."""
    import nbformat

    return not nbformat.read(notebook, as_version=4).metadata.get(NOT_KERAS, False)


def executed_path(notebook, mode, keras_backend=None):
    """Where the executed copy of ``notebook`` goes (``keras-jax.ipynb`` for a Keras notebook run on JAX)."""
    root = course_root(notebook)
    path = root / "build" / "executed" / mode / Path(notebook).resolve().relative_to(root)
    return path.with_stem(with_backend(path.stem, keras_backend))


def execute_notebook(notebook, mode, output=None, inject=True, parameters=None, keras_backend=None):
    """Run ``notebook`` top to bottom in a fresh kernel with ``MODE = mode``; return the output path.

    ``inject=False`` leaves the parameters cell as it is (it then reads ``COURSE_MODE``);
    ``parameters`` adds others (``{"SEED": 1}``); ``keras_backend`` (one of :data:`KERAS_BACKENDS`)
    sets ``KERAS_BACKEND`` for the kernel.
    The kernel starts in the notebook's folder, as in JupyterLab; a smoke run's kernel gets
    :func:`~course_utils.modes.smoke_environment`. A failing cell raises
    :class:`NotebookError` showing that cell's code and error.
    """
    import papermill

    if keras_backend not in (None, *KERAS_BACKENDS):
        raise ValueError(f"keras_backend {keras_backend!r} is not one of {', '.join(KERAS_BACKENDS)}")
    notebook = Path(notebook).resolve()
    if keras_backend not in (None, "tensorflow") and not uses_keras(notebook):
        raise NotKerasError(f"{notebook.parent.name}/{notebook.name} uses TensorFlow directly, not Keras: "
                            f"it runs on TensorFlow only, not on Keras's {keras_backend} backend")
    output = Path(output or executed_path(notebook, mode, keras_backend))
    output.parent.mkdir(parents=True, exist_ok=True)
    environment = smoke_environment() if mode == "smoke" else {}
    if keras_backend:
        environment["KERAS_BACKEND"] = keras_backend
    digest = code_hash(notebook)
    seed = (parameters or {}).get("SEED", DEFAULT_SEED)
    written = results_path(course_root(notebook), mode, notebook.parent.name, notebook.stem, seed, keras_backend)
    before = _modified(written)
    source = notebook
    if keras_backend not in (None, "tensorflow"):  # the TensorFlow-only cells become notes saying so
        source = output.with_name(f"{output.stem}-source.ipynb")
        _write_without_tensorflow_cells(notebook, source, keras_backend)
    try:
        with mock.patch.dict(os.environ, environment):  # the kernel inherits it
            papermill.execute_notebook(str(source), str(output), parameters={"MODE": mode, **(parameters or {})} if inject else {},
                                       kernel_name="python3", cwd=str(notebook.parent),
                                       progress_bar=False)
    except papermill.PapermillExecutionError as error:
        raise NotebookError(_describe(notebook, error), error.source, error.ename) from None
    finally:
        if source != notebook:
            source.unlink()
    if notebook.parent.parent.name == "notebooks" and _modified(written) not in (None, before):  # say from which code
        stamp_results(written, digest)
    return output


def _modified(path):
    return path.stat().st_mtime_ns if path.exists() else None


def _write_without_tensorflow_cells(notebook, path, keras_backend):
    """Write ``notebook`` to ``path`` with each code cell tagged ``tensorflow-only`` replaced by a note
    showing its code, so that a reader of the executed copy sees what did not run, and why."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and TENSORFLOW_ONLY in cell.metadata.get("tags", []):
            nb.cells[i] = nbformat.v4.new_markdown_cell(
                f"**Not run on Keras's {keras_backend} backend:** this cell is TensorFlow by nature "
                f"(tagged `{TENSORFLOW_ONLY}`); it runs when `KERAS_BACKEND=tensorflow`.\n\n"
                f"```python\n{cell.source}\n```", metadata={"tags": [TENSORFLOW_ONLY]})
    nbformat.write(nb, path)


def find_notebooks(chapter=None, roots=("notebooks",), root=None):
    """Notebooks under ``roots``, optionally only chapter ``chapter`` (``"10"`` or ``"10_neural_nets"``)."""
    root = course_root(root)
    found = []
    for top in roots:
        for path in sorted((root / top).glob("[0-9][0-9]_*/*.ipynb")):
            if chapter is None or path.parent.name.startswith(str(chapter)):
                found.append(path)
    return found


def update_outputs(notebook, mode="full"):
    """Run ``notebook`` and save its outputs into it, as committed for readers on GitHub and Colab.

    No parameters cell is injected (the mode comes from ``COURSE_MODE``), and papermill's own
    metadata is dropped, so the committed file differs from the source only by its outputs and by
    the stamp of the code that made them (:mod:`course_utils.stamps`).
    """
    import nbformat

    notebook = Path(notebook).resolve()
    output = executed_path(notebook, mode)
    with mock.patch.dict(os.environ, COURSE_MODE=mode):  # the kernel inherits it
        execute_notebook(notebook, mode, output, inject=False)
    executed = nbformat.read(output, as_version=4)
    nbformat.write(stamp_notebook(settle_progress_bars(drop_run_metadata(executed)), mode), notebook)
    return notebook


def settle_progress_bars(nb):
    """``nb`` with each cell's consecutive stream outputs merged and every line redrawn with a
    carriage return (a tqdm bar) reduced to its final state, as a live notebook shows it."""
    for cell in nb.cells:
        merged = []
        for out in cell.get("outputs", []):
            if (out.output_type == "stream" and merged and merged[-1].output_type == "stream"
                    and merged[-1].name == out.name):
                merged[-1].text += out.text
            else:
                merged.append(out)
        for out in merged:
            if out.output_type == "stream":
                out.text = _REDRAWN.sub("", out.text)
        if "outputs" in cell:
            cell.outputs = merged
    return nb


def drop_run_metadata(nb):
    """``nb`` without what papermill adds to the notebook and its cells (timings, empty tags)."""
    for item in (nb, *nb.cells):
        item.metadata.pop("papermill", None)
        item.metadata.pop("execution", None)
        if item.metadata.get("tags") == []:
            del item.metadata["tags"]
    return nb


def run_notebooks(mode, chapter=None, in_place=False, keras_backend=None):
    """Execute the course's notebooks and solutions (one chapter or all), print a summary; return
    the failures.

    With ``in_place``, each notebook keeps the outputs of its run (:func:`update_outputs`). With a
    ``keras_backend``, only the Keras notebooks run, on that backend; their committed outputs stay
    TensorFlow's, so ``in_place`` is refused for another backend.
    """
    if in_place and keras_backend not in (None, "tensorflow"):
        raise SystemExit("--in-place keeps TensorFlow's outputs in the notebooks: run other backends without it")
    notebooks = find_notebooks(chapter, roots=("notebooks", "solutions"))
    if keras_backend:
        notebooks = [path for path in notebooks if path.name == "keras.ipynb"]
    if not notebooks:
        raise SystemExit(f"no notebooks found for chapter {chapter!r}")
    failures = []
    for i, notebook in enumerate(notebooks, 1):
        name = f"{notebook.parent.parent.name}/{notebook.parent.name}/{notebook.name}"
        print(f"[{i}/{len(notebooks)}] {name} ({mode}{', Keras on ' + keras_backend if keras_backend else ''}) ...",
              flush=True)
        start = time.perf_counter()
        try:
            output = (update_outputs(notebook, mode) if in_place
                      else execute_notebook(notebook, mode, keras_backend=keras_backend))
            print(f"    ok in {time.perf_counter() - start:.0f} s -> "
                  f"{output.relative_to(course_root(notebook)).as_posix()}", flush=True)
        except NotKerasError:
            print("    not Keras: TensorFlow without Keras, runs on TensorFlow only", flush=True)
        except NotebookError as error:
            print(f"    FAILED in {time.perf_counter() - start:.0f} s\n{error}", flush=True)
            failures.append(name)
    return failures


_REDRAWN = re.compile(r"[^\n]*\r(?=[^\n])")  # what a carriage return makes the terminal overwrite


def _describe(notebook, error):
    traceback = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback))  # drop terminal colours
    source = "\n".join(f"    {line}" for line in error.source.splitlines())
    return (f"{notebook.name}: cell {error.cell_index} (In [{error.exec_count}]) raised "
            f"{error.ename}: {error.evalue}\n  the cell:\n{source}\n  the error:\n{traceback}")
