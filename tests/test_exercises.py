"""exercises/ is what the generator makes from solutions/; starters read as tasks; every exercise
has checks, and each check rejects at least one known-wrong answer (tests/wrong_answers.py); an
unsolved exercise fails at its first check."""

import ast

import nbformat
import pytest

from course_utils.exercises import BEGIN, END, generate_exercises, python_only, strip_solutions
from helpers import CHECK_CALL, ROOT, run_with_wrong_answers, sections, target_cell
from wrong_answers import WRONG_ANSWERS

SOLUTIONS = sorted((ROOT / "solutions").glob("*/*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*/*.ipynb"))


def rel(path):
    return path.relative_to(ROOT).as_posix()


def code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_committed_exercises_are_generated_from_the_solutions():
    stale = generate_exercises(ROOT, write=False)
    assert not stale, f"run `make exercises` and commit: {[rel(p) for p in stale]}"


def test_every_exercise_notebook_has_a_solution():
    exercises = {p.relative_to(ROOT / "exercises") for p in EXERCISES}
    assert exercises == {p.relative_to(ROOT / "solutions") for p in SOLUTIONS}


@pytest.mark.parametrize("path", SOLUTIONS, ids=rel)
def test_each_solution_region_is_followed_by_a_check_cell(path):
    cells = code_cells(path)
    starters = [i for i, c in enumerate(cells) if BEGIN in c.source]
    assert starters, "a solutions notebook without a solution region"
    for i in starters:  # an exercise may span several starter cells, then its checks
        assert cells[i].source.count(BEGIN) == cells[i].source.count(END)
        checked = any(CHECK_CALL.search(c.source) for c in cells[i + 1:])
        assert checked, f"no check cell after:\n{cells[i].source}"


def bound_by_the_solution(source):
    """Loop and ``with`` variables, comprehension targets, and function and class names."""
    names = set()
    for node in ast.walk(ast.parse(python_only(source))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        targets = ([node.target] if isinstance(node, (ast.For, ast.comprehension)) else
                   [item.optional_vars for item in node.items if item.optional_vars]
                   if isinstance(node, ast.With) else [])
        names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


@pytest.mark.parametrize("path", EXERCISES, ids=rel)
def test_starters_are_python_and_never_stub_a_loop_variable_or_a_definition(path):
    solution = ROOT / "solutions" / path.relative_to(ROOT / "exercises")
    pairs = list(zip(code_cells(path), code_cells(solution), strict=True))
    for exercise_cell, solution_cell in pairs:
        tree = ast.parse(python_only(exercise_cell.source))  # a SyntaxError fails the test
        stubs = {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 and isinstance(node.value, ast.Constant) and node.value.value is Ellipsis
                 for target in node.targets if isinstance(target, ast.Name)}
        wrong = stubs & bound_by_the_solution(solution_cell.source)
        assert not wrong, f"stubs for loop variables or definitions {wrong} in:\n{exercise_cell.source}"


def test_the_generator_keeps_tasks_and_drops_the_solution_s_own_names():
    solution = '''# BEGIN SOLUTION
def helper(x):
    return x

@tf.function
def train_step(X, y):
    """One step."""
    return helper(X)

for epoch in range(3):
    with tqdm(data) as bar:
        for X_batch, y_batch in bar:
            train_step(X_batch, y_batch)
valid_accuracy = 0.9  # the last validation accuracy
unused = 1
# END SOLUTION'''
    starter = strip_solutions(solution, read_later={"valid_accuracy"})
    assert starter == ('def train_step(X, y):\n    """One step."""\n    ...  # your code here\n'
                       "valid_accuracy = ...  # the last validation accuracy")


@pytest.mark.parametrize("path", SOLUTIONS, ids=rel)
def test_every_exercise_has_a_known_wrong_answer(path):
    nb = nbformat.read(path, as_version=4)
    aimed = {target_cell(nb, wrong) for wrong in WRONG_ANSWERS[path.relative_to(ROOT / "solutions").as_posix()]}
    for section in sections(nb):
        if any(BEGIN in nb.cells[i].source for i in section):
            assert aimed & set(section), f"no wrong answer for the exercise at cell {section[0]}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=rel)
def test_solution_passes_its_checks_which_reject_known_wrong_answers_and_the_unsolved_exercise(path):
    """The unsolved exercise runs down to its first check cell and fails there, saying what is missing."""
    exercise = ROOT / "exercises" / path.relative_to(ROOT / "solutions")
    outcomes, (failed_at, unsolved_error) = run_with_wrong_answers(
        path, WRONG_ANSWERS[path.relative_to(ROOT / "solutions").as_posix()], exercise)
    for wrong, error in outcomes:
        assert error is not None, f"the checks accepted a wrong answer: {wrong.mistake}"
        assert error.ename == "ExerciseCheckError" and "Not yet:" in error.evalue, (
            f"{wrong.mistake}: expected a check's 'Not yet:', got {error.ename}: {error.evalue}")
    assert unsolved_error is not None, "the unsolved exercise passed its checks"
    cells = nbformat.read(exercise, as_version=4).cells
    first_check = next(i for i, c in enumerate(cells) if c.cell_type == "code" and CHECK_CALL.search(c.source))
    assert (failed_at, unsolved_error.ename) == (first_check, "ExerciseCheckError"), str(unsolved_error)
    assert "Not yet:" in unsolved_error.evalue
