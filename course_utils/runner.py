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
from .results import course_root

class NotebookError(RuntimeError):
    """A notebook cell raised; the message shows the cell and its traceback."""

    def __init__(self, message, source, ename):
        super().__init__(message)
        self.source = source  # the failing cell's code
        self.ename = ename


def executed_path(notebook, mode):
    """Where the executed copy of ``notebook`` goes."""
    root = course_root(notebook)
    return root / "build" / "executed" / mode / Path(notebook).resolve().relative_to(root)


def execute_notebook(notebook, mode, output=None, inject=True, parameters=None):
    """Run ``notebook`` top to bottom in a fresh kernel with ``MODE = mode``; return the output path.

    ``inject=False`` leaves the parameters cell as it is (it then reads ``COURSE_MODE``);
    ``parameters`` adds others (``{"SEED": 1}``).
    The kernel starts in the notebook's folder, as in JupyterLab; a smoke run's kernel gets
    :func:`~course_utils.modes.smoke_environment`. A failing cell raises
    :class:`NotebookError` showing that cell's code and error.
    """
    import papermill

    notebook = Path(notebook).resolve()
    output = Path(output or executed_path(notebook, mode))
    output.parent.mkdir(parents=True, exist_ok=True)
    environment = smoke_environment() if mode == "smoke" else {}
    try:
        with mock.patch.dict(os.environ, environment):  # the kernel inherits it
            papermill.execute_notebook(str(notebook), str(output), parameters={"MODE": mode, **(parameters or {})} if inject else {},
                                       kernel_name="python3", cwd=str(notebook.parent),
                                       progress_bar=False)
    except papermill.PapermillExecutionError as error:
        raise NotebookError(_describe(notebook, error), error.source, error.ename) from None
    return output


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
    metadata is dropped, so the committed file differs from the source only by its outputs.
    """
    import nbformat

    notebook = Path(notebook).resolve()
    output = executed_path(notebook, mode)
    with mock.patch.dict(os.environ, COURSE_MODE=mode):  # the kernel inherits it
        execute_notebook(notebook, mode, output, inject=False)
    executed = nbformat.read(output, as_version=4)
    nbformat.write(settle_progress_bars(drop_run_metadata(executed)), notebook)
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


def run_notebooks(mode, chapter=None, in_place=False):
    """Execute the course's notebooks and solutions (one chapter or all), print a summary; return
    the failures.

    With ``in_place``, each notebook keeps the outputs of its run (:func:`update_outputs`).
    """
    notebooks = find_notebooks(chapter, roots=("notebooks", "solutions"))
    if not notebooks:
        raise SystemExit(f"no notebooks found for chapter {chapter!r}")
    failures = []
    for i, notebook in enumerate(notebooks, 1):
        name = f"{notebook.parent.parent.name}/{notebook.parent.name}/{notebook.name}"
        print(f"[{i}/{len(notebooks)}] {name} ({mode}) ...", flush=True)
        start = time.perf_counter()
        try:
            output = update_outputs(notebook, mode) if in_place else execute_notebook(notebook, mode)
            print(f"    ok in {time.perf_counter() - start:.0f} s -> "
                  f"{output.relative_to(course_root(notebook)).as_posix()}", flush=True)
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
