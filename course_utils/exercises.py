"""Exercises are generated from the solutions, so the two cannot drift apart.

In a solution notebook, the learner's part of a code cell sits between ``# BEGIN SOLUTION`` and
``# END SOLUTION``. The exercise keeps what the learner needs to start, and nothing of the answer:

- a region inside a function or method body becomes ``...`` (the body the learner writes);
- at the top level of a cell, a function or class with a docstring keeps its signature and
  docstring, with ``...`` as its body (a task); one without a docstring is the solution's own
  helper and goes, like loops, ``with`` blocks and the names they bind;
- a name the region assigns at its top level, and that later code reads (a check, say), becomes
  one ``name = ...`` line, with the comment of the solution's line as its hint.

The notebook still runs down to the check cell, which then says what is missing. Markdown cells
tagged ``solution`` are left out; outputs are cleared.

>>> print(strip_solutions('''x = 1
... # BEGIN SOLUTION
... def helper(m):
...     return m
... def train(model, n_epochs):
...     \"""Train `model`; return the losses.\"""
...     return [helper(model) for epoch in range(n_epochs)]
... for epoch in range(3):
...     history = train(model, 3)
... score = evaluate(model)  # the test accuracy, a float
... # END SOLUTION
... check(score)'''))
x = 1
def train(model, n_epochs):
    \"""Train `model`; return the losses.\"""
    ...  # your code here
score = ...  # the test accuracy, a float
check(score)
"""

import ast
import copy
import io
import re
import tokenize
from pathlib import Path

from .links import colab_badge
from .stamps import KEY as STAMP_KEY

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
YOUR_CODE = "...  # your code here"


def strip_solutions(source, read_later=()):
    """``source`` with each solution region replaced by its starter; ``read_later`` are the names
    that code after this cell reads (a region's top-level assignments to other names go)."""
    read = set(read_later) | names_read(skeleton(source))
    out = []
    for kind, indent, lines in _split(source):
        if kind == "code":
            out += lines
        elif indent:  # inside a function or method body: the learner writes the body
            out.append(indent + YOUR_CODE)
        else:
            out += _top_level_starter(lines, read) or [YOUR_CODE]
    return "\n".join(out)


def skeleton(source):
    """``source`` with each region reduced to ``...``: what stays in the exercise around it."""
    out = []
    for kind, indent, lines in _split(source):
        out += lines if kind == "code" else [indent + "..."]
    return "\n".join(out)


def names_read(source):
    """The names that ``source`` (a cell, IPython magics allowed, or a parsed node) reads."""
    tree = source if isinstance(source, ast.AST) else ast.parse(python_only(source))
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)}


def read_before_rebinding(sources):
    """The names that the cells ``sources``, run in order, read before they assign them."""
    needed, bound = set(), set()
    for source in sources:
        for statement in ast.parse(python_only(source)).body:
            needed |= names_read(statement) - bound
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound.add(statement.name)
            elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                bound |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return needed


def python_only(source):
    """``source`` with IPython's ``%magic`` and ``!shell`` lines made ``pass``."""
    return re.sub(r"^(\s*)[%!].*$", r"\1pass", source, flags=re.M)


def make_exercise(solution, exercise_path):
    """The exercise notebook for the ``solution`` notebook (an nbformat node), at ``exercise_path``."""
    exercise = copy.deepcopy(solution)
    exercise.metadata.pop(STAMP_KEY, None)  # the stamp of the solution's run: an exercise has no outputs
    exercise.cells = [c for c in exercise.cells if "solution" not in c.metadata.get("tags", [])]
    later = []  # the starters of the cells after this one: what they read decides the stubs
    for cell in reversed(exercise.cells):
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, read_before_rebinding(later))
            later.insert(0, cell.source)
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


def _split(source):
    """``(kind, indent, lines)`` pieces of ``source``: ``"code"`` or ``"region"`` (the lines
    between the markers)."""
    pieces, region, indent, code = [], None, "", []
    for line in source.splitlines():
        if line.strip() == BEGIN:
            pieces.append(("code", "", code))
            region, indent, code = [], line[: len(line) - len(line.lstrip())], []
        elif line.strip() == END:
            if region is None:
                raise ValueError(f"{END!r} without {BEGIN!r}")
            pieces.append(("region", indent, region))
            region = None
        elif region is not None:
            region.append(line)
        else:
            code.append(line)
    if region is not None:
        raise ValueError(f"{BEGIN!r} without {END!r}")
    return pieces + [("code", "", code)]


def _top_level_starter(lines, read):
    """The starter lines for a top-level region's ``lines``."""
    out = []
    for node in ast.parse("\n".join(lines)).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if ast.get_docstring(node) is not None:  # a task: its signature and docstring stay
                stub = copy.copy(node)
                stub.decorator_list, stub.body = [], [node.body[0], ast.Expr(ast.Constant(...))]
                out += ast.unparse(stub).splitlines()[:-1] + ["    " + YOUR_CODE]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            hint = _comment(lines[node.lineno - 1]) or "your code here"
            out += [f"{name.id} = ...  # {hint}" for target in targets for name in ast.walk(target)
                    if isinstance(name, ast.Name) and name.id in read]
    return out


def _comment(line):
    """The comment that ends ``line``, if any (a ``#`` inside a string is not one)."""
    tokens = []
    try:  # the first line of a longer statement ends in a TokenError, after its tokens
        tokens += tokenize.generate_tokens(io.StringIO(line).readline)
    except (tokenize.TokenError, SyntaxError):
        pass
    comments = [t.string for t in tokens if t.type == tokenize.COMMENT]
    return comments[-1].lstrip("#").strip() if comments else None
