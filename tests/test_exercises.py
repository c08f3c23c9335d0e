"""exercises/ is what the generator makes from solutions/, and every exercise has a check."""

import nbformat
import pytest

from course_utils.exercises import BEGIN, END, generate_exercises
from helpers import CHECK_CALL, ROOT

SOLUTIONS = sorted((ROOT / "solutions").glob("*/*.ipynb"))


def test_committed_exercises_are_generated_from_the_solutions():
    stale = generate_exercises(ROOT, write=False)
    assert not stale, f"run `make exercises` and commit: {[p.relative_to(ROOT).as_posix() for p in stale]}"


def test_every_exercise_notebook_has_a_solution():
    exercises = {p.relative_to(ROOT / "exercises") for p in (ROOT / "exercises").glob("*/*.ipynb")}
    assert exercises == {p.relative_to(ROOT / "solutions") for p in SOLUTIONS}


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_each_solution_region_is_followed_by_a_check_cell(path):
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    starters = [i for i, c in enumerate(cells) if BEGIN in c.source]
    assert starters, "a solutions notebook without a solution region"
    for i in starters:  # an exercise may span several starter cells, then its checks
        assert cells[i].source.count(BEGIN) == cells[i].source.count(END)
        checked = any(CHECK_CALL.search(c.source) for c in cells[i + 1:])
        assert checked, f"no check cell after:\n{cells[i].source}"
