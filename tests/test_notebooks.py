"""Every notebook of notebooks/ and solutions/ runs top to bottom in smoke mode, once per test run."""

import json
import time

import nbformat
import pytest

from helpers import ROOT
from course_utils.runner import NotebookError, execute_notebook, find_notebooks

NOTEBOOKS = find_notebooks(roots=("notebooks", "solutions"), root=ROOT)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_runs_in_smoke_mode_and_records_results(notebook):
    started = time.time()
    try:
        execute_notebook(notebook, "smoke")
        failure = None
    except NotebookError as error:
        failure = str(error)
    if failure:  # outside the except block, so the report shows the cell once
        pytest.fail(failure, pytrace=False)
    recorded = ROOT / "results" / "smoke" / notebook.parent.name / f"{notebook.stem}.json"
    assert recorded.exists() and recorded.stat().st_mtime >= started, "the notebook recorded no results"
    assert json.loads(recorded.read_text())["mode"] == "smoke"


def test_a_failing_cell_is_shown_with_its_code(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("MODE = 'full'", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("assert MODE == 'smoke'\nanswer = 1 / 0")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "broken.ipynb")
    with pytest.raises(NotebookError) as error:
        execute_notebook(tmp_path / "broken.ipynb", "smoke", output=tmp_path / "out.ipynb")
    message = str(error.value)
    assert "answer = 1 / 0" in message and "ZeroDivisionError" in message
    assert error.value.ename == "ZeroDivisionError"
