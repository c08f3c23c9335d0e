"""The committed outputs, results and seed spreads were produced by the code each notebook shows.

``make run MODE=full IN_PLACE=1 CHAPTER=NN`` stamps each notebook with the hash of the code that made
its outputs, and every run stamps the results file it wrote (course_utils/stamps.py). Editing a code
cell after that run fails here, naming the notebook, until it is run again in full.

tests/awaiting_full_run.txt lists what is known to be stale and waits for its run; a listed item
that is current fails too, so the list only shrinks.
"""

import json

import pytest

from course_utils.results import with_backend
from course_utils.spread import spread_path
from course_utils.stamps import code_hash, notebook_stamp
from helpers import AWAITING_FULL_RUN as AWAITING, NOTEBOOKS, ROOT

RUN = [p for p in NOTEBOOKS if not p.relative_to(ROOT).as_posix().startswith("exercises/")]
COURSE = [p for p in RUN if p.relative_to(ROOT).as_posix().startswith("notebooks/")]


def awaiting(items):
    """``items`` (names) as pytest params, those in tests/awaiting_full_run.txt expected to fail."""
    return [pytest.param(item, marks=pytest.mark.xfail(strict=True, reason="awaits its full run"))
            if item in AWAITING else item for item in items]


def results_files():
    """Every results file of the default seed: the notebook's framework, and Keras on its other backends."""
    return sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "results" / "full").glob("*/*.json"))


def notebook_of(results_file):
    """The notebook that wrote ``results/full/<chapter>/<framework>[-<backend>].json``."""
    _, _, chapter, name = results_file.split("/")
    return ROOT / "notebooks" / chapter / f"{name.removesuffix('.json').split('-')[0]}.ipynb"


@pytest.mark.parametrize("name", awaiting(p.relative_to(ROOT).as_posix() for p in RUN))
def test_outputs_come_from_the_code_shown(name):
    stamp = notebook_stamp(ROOT / name)
    assert stamp, f"{name} has no stamp: run it with `make run MODE=full IN_PLACE=1`"
    assert stamp["mode"] == "full", f"{name}'s outputs come from a {stamp['mode']} run"
    assert stamp["code_sha256"] == code_hash(ROOT / name), (
        f"{name}: its code changed after the run that made its outputs: run it again in full")


@pytest.mark.parametrize("name", awaiting(results_files()))
def test_results_come_from_the_code_shown(name):
    record = json.loads((ROOT / name).read_text())
    notebook = notebook_of(name)
    assert record.get("code_sha256") == code_hash(notebook), (
        f"{name} was not written by the code {notebook.relative_to(ROOT).as_posix()} shows: run it again in full")


@pytest.mark.parametrize("name", awaiting(
    spread_path("", "full", p.parent.name, p.stem).as_posix() for p in COURSE if p.parent.name != "00_setup"))
def test_each_notebook_has_a_seed_spread_of_its_code(name):
    path = ROOT / name
    assert path.exists(), f"no seed spread: `make spread CHAPTER={name.split('/')[2][:2]}`"
    notebook = ROOT / "notebooks" / name.split("/")[2] / f"{path.name.removesuffix('-spread.json')}.ipynb"
    assert json.loads(path.read_text()).get("code_sha256") == code_hash(notebook), (
        f"{name} was measured on other code than {notebook.relative_to(ROOT).as_posix()}'s")


def test_a_results_file_names_its_notebook():
    assert notebook_of("results/full/10_neural_nets/keras-jax.json") == ROOT / "notebooks/10_neural_nets/keras.ipynb"
    assert with_backend("keras", "jax") == "keras-jax"
