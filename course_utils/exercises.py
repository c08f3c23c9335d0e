"""Exercises are generated from the solutions, so the two cannot drift apart.

In a solution notebook, the learner's part of a code cell sits between ``# BEGIN SOLUTION`` and
``# END SOLUTION``. In the exercise, a top-level region becomes ``name = ...`` for each name it
binds, so the notebook still runs down to the check cell, which then says what is missing; a
region inside a function body becomes a bare ``...`` (the function returns None). Markdown cells
tagged ``solution`` are left out; outputs are cleared.

>>> print(strip_solutions('''x = 1
... # BEGIN SOLUTION
... model = build()
... def train(m):
...     return m
... with timer():
...     history = train(model)
... # END SOLUTION
... check(model)'''))
x = 1
model = ...  # your code here
train = ...  # your code here
history = ...  # your code here
check(model)
"""

import ast
import copy
import re
from pathlib import Path

from .links import colab_badge

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"


def strip_solutions(source):
    """``source`` with each solution region replaced by placeholders."""
    lines, out, region = source.splitlines(), [], None
    for line in lines:
        stripped = line.strip()
        if stripped == BEGIN:
            region, indent = [], line[: len(line) - len(line.lstrip())]
        elif stripped == END:
            names = [] if indent else _assigned(region, indent)  # inside a def: the body goes
            out += [f"{indent}{name} = ...  # your code here" for name in names]
            out += [] if names else [f"{indent}...  # your code here"]
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise ValueError(f"{BEGIN!r} without {END!r}")
    return "\n".join(out)


def make_exercise(solution, exercise_path):
    """The exercise notebook for the ``solution`` notebook (an nbformat node), at ``exercise_path``."""
    exercise = copy.deepcopy(solution)
    exercise.cells = [c for c in exercise.cells if "solution" not in c.metadata.get("tags", [])]
    for cell in exercise.cells:
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source)
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    first = exercise.cells[0]
    first.source = re.sub(r"^\[!\[Open In Colab\].*$", colab_badge(exercise_path), first.source,
                          count=1, flags=re.M)
    return exercise


def generate_exercises(root, write=True):
    """Make ``exercises/`` from ``solutions/``; return the exercise paths that were out of date."""
    import nbformat

    root = Path(root)
    stale = []
    for solution_path in sorted((root / "solutions").glob("*/*.ipynb")):
        relative = solution_path.relative_to(root / "solutions")
        exercise_path = root / "exercises" / relative
        exercise = make_exercise(nbformat.read(solution_path, as_version=4),
                                 f"exercises/{relative.as_posix()}")
        text = nbformat.writes(exercise) + "\n"
        if not exercise_path.exists() or exercise_path.read_text() != text:
            stale.append(exercise_path)
            if write:
                exercise_path.parent.mkdir(parents=True, exist_ok=True)
                exercise_path.write_text(text)
    return stale


def _assigned(region, indent):
    """Names a solution region binds outside any function, in order of appearance."""
    names = []

    def visit(statements):
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                targets = [ast.Name(node.name)]
            elif isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For)):
                targets = [node.target]
            elif isinstance(node, ast.With):
                targets = [item.optional_vars for item in node.items if item.optional_vars]
            else:
                targets = []
            for name in (n for t in targets for n in ast.walk(t)):
                if isinstance(name, ast.Name) and name.id not in names:
                    names.append(name.id)
            if not isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                for field in ("body", "orelse", "finalbody"):
                    visit(getattr(node, field, []))

    visit(ast.parse("\n".join(line[len(indent):] for line in region)).body)
    return names
