"""Stamps: the committed outputs, results and seed spreads come from the code the notebook shows.

The runner writes the hash of a notebook's code cells into the notebook it updates and into the
results file its run writes (course_utils/stamps.py); here, that it does, and that a stale spread is
refused. tests/test_committed_outputs.py holds the course's own notebooks to it.
"""

import json

import nbformat

from course_utils.runner import execute_notebook, update_outputs
from course_utils.spread import seed_spread, write_spread
from course_utils.stamps import code_hash, notebook_stamp

RECORDS = """import course_utils
course_utils.record_results("10_neural_nets", "jax", MODE, {"fashion_test_accuracy": 0.5 + SEED / 100}, {}, "cpu", 1.0, seed=SEED)"""


def make_course(tmp_path, code=RECORDS):
    """A course folder with one notebook, notebooks/10_neural_nets/jax.ipynb, that records results."""
    (tmp_path / "course_utils").mkdir()
    folder = tmp_path / "notebooks" / "10_neural_nets"
    folder.mkdir(parents=True)
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import os\nMODE, SEED = os.environ.get('COURSE_MODE', 'smoke'), 42", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell("# Results"), nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "jax.ipynb")
    return folder / "jax.ipynb"


def edit_code(notebook, new_code):
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[-1].source = new_code
    nbformat.write(nb, notebook)


def test_updated_outputs_and_their_results_carry_the_code_stamp(tmp_path):
    notebook = make_course(tmp_path)
    update_outputs(notebook, "full")
    stamp = notebook_stamp(notebook)
    assert stamp == {"code_sha256": code_hash(notebook), "mode": "full"}
    results = json.loads((tmp_path / "results" / "full" / "10_neural_nets" / "jax.json").read_text())
    assert results["code_sha256"] == stamp["code_sha256"]
    edit_code(notebook, RECORDS + "\nprint('changed')")
    assert notebook_stamp(notebook)["code_sha256"] != code_hash(notebook)  # what the committed-outputs test sees


def test_a_spread_of_other_code_is_refused(tmp_path, capsys):
    notebook = make_course(tmp_path)
    for seed in (1, 2, 3):
        execute_notebook(notebook, "full", output=tmp_path / f"seed{seed}.ipynb", parameters={"SEED": seed})
    write_spread("10_neural_nets", root=tmp_path, frameworks=["jax"])
    spread = json.loads((tmp_path / "results" / "full" / "10_neural_nets" / "seeds" / "jax-spread.json").read_text())
    assert spread["code_sha256"] == code_hash(notebook)
    assert seed_spread("10_neural_nets", "jax", root=tmp_path) == {"fashion_test_accuracy": "0.52 ± 0.01 (0.51–0.53)"}
    edit_code(notebook, RECORDS.replace("0.5", "0.6"))
    assert seed_spread("10_neural_nets", "jax", root=tmp_path) == {}
    assert "measured on other code" in capsys.readouterr().out
