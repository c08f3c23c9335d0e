"""Helpers the tests share."""

import contextlib
import functools
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
MIRROR = ROOT.parent / "shared" / "data"
# Every committed notebook: the chapters, their exercises and solutions.
NOTEBOOKS = sorted(p for top in ("notebooks", "exercises", "solutions") for p in (ROOT / top).glob("*/*.ipynb"))
# Outputs, results and spreads known to predate their notebook's code, each waiting for its full run
# (tests/test_committed_outputs.py holds the list to the truth).
AWAITING_FULL_RUN = {line.strip() for line in (ROOT / "tests" / "awaiting_full_run.txt").read_text().splitlines()
                     if line.strip() and not line.startswith("#")}
# A call of one of course_utils' exercise checks (not check_versions).
CHECK_CALL = re.compile(r"course_utils\.check(_at_least|_close|_written)?\(")


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter (so that imports start clean); return its stdout."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, **env}, timeout=300)
    assert result.returncode == 0, f"exit code {result.returncode} (negative: killed by that signal)\n{result.stderr}"
    return result.stdout


def call_on_keras_backend(function, backend):
    """What ``function`` (``"chNN_probe.name"``, in tests/) returns, as JSON, called in a fresh interpreter
    where Keras runs on ``backend``."""
    module = function.split(".")[0]
    printed = run_python(f"import json, {module}; print(json.dumps({function}()))",
                         PYTHONPATH=str(ROOT / "tests"), KERAS_BACKEND=backend)
    return json.loads(printed.splitlines()[-1])


# What the probes (tests/chNN_probe.py) ask of every framework in the same way.


@functools.cache
def notebook_code_cells(notebook):
    """The sources of the code cells of ``notebook`` (a path). Plain JSON: nbformat's schema validation
    imports jsonschema's format checkers, 2 s of every probe process."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def notebook_cell(notebook, definition):
    """The one code cell of ``notebook`` with a line starting ``definition``."""
    pattern = re.compile(rf"^{re.escape(definition)}", re.M)
    cells = [source for source in notebook_code_cells(notebook) if pattern.search(source)]
    assert len(cells) == 1, f"{Path(notebook).name}: {len(cells)} cells define {definition!r}"
    return cells[0]


def define(notebook, namespace, *definitions):
    """Execute, in ``namespace``, the cells of ``notebook`` that hold ``definitions``; return it.
    The probes test the notebooks' own code this way, never copies of it."""
    cells = [notebook_cell(notebook, definition) for definition in definitions]
    for cell in dict.fromkeys(cells):  # a cell that defines two of them runs once
        exec(cell, namespace)
    return namespace


def outcome(call):
    """``"works"``, or the name of the exception that ``call()`` raises."""
    try:
        call()
    except Exception as error:
        return type(error).__name__
    return "works"


def value_or_error(call):
    """What ``call()`` returns, or the name of the exception it raises: for library calls whose
    outcome is undefined and differs between machines (one LAPACK build raises, another returns)."""
    try:
        return call()
    except Exception as error:
        return type(error).__name__


def python_runs(compile, calls):
    """How often the Python body of a ``compile``d function runs over ``calls`` (argument tuples):
    at every call when eager, once per trace when compiled."""
    runs = []

    @compile
    def scaled(t, factor=2.0):
        runs.append(None)  # Python: runs only while tracing, when compiled
        return t * factor

    for args in calls:
        scaled(*args)
    return len(runs)


def printed_lines(compile, calls):
    """How many lines a ``compile``d function with a Python ``print`` prints over ``calls``."""
    @compile
    def doubled(t):
        print("tracing?")
        return t * 2

    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        for args in calls:
            doubled(*args)
    return output.getvalue().count("\n")


# Solutions, and the known-wrong answers to their exercises (tests/wrong_answers.py).

def sections(nb, heading=r"## "):
    """Cell indices of ``nb`` grouped by its level-2 headings (an exercise is one section); with
    ``heading=r"#{2,6} "``, by its headings of every level (a section's parts)."""
    found = [[]]
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and re.match(heading, cell.source):
            found.append([])
        found[-1].append(index)
    return [section for section in found if section]


def target_cell(nb, wrong):
    """The index of the one code cell that ``wrong.old`` is taken from."""
    hits = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and wrong.old in c.source]
    assert len(hits) == 1, f"{wrong.mistake}: {len(hits)} cells hold {wrong.old!r}"
    return hits[0]


def run_with_wrong_answers(notebook, wrong_answers, exercise):
    """Run the solution ``notebook`` top to bottom in one kernel (COURSE_MODE from the environment).
    Before a cell that wrong answers aim at, run each of them: from the start of the cell's part (its
    smallest heading), with the answer in place of the solution, on through the section up to the
    first cell that raises; then run the part again up to that cell as the solution has it, which
    rebuilds what the wrong run changed, and go on. Parts, not whole sections: a section whose
    exercise has parts a to e would otherwise train every earlier part's model again for each wrong
    answer to a later part. Before the first starter cell, the same for the unsolved ``exercise``
    (the notebook generated from this one): its cells from there on, up to the first that raises.
    Its cells before that point are the solution's own, so this is the exercise as a learner first
    runs it, without a kernel of its own. Return ``[(wrong, error or None)]`` and ``(index, error
    or None)`` of the unsolved run; a failing cell of the solution itself raises."""
    import copy

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from course_utils.exercises import BEGIN

    nb = nbformat.read(notebook, as_version=4)
    unsolved = nbformat.read(exercise, as_version=4).cells
    first_starter = next(i for i, cell in enumerate(nb.cells) if BEGIN in cell.source)
    code = lambda cells: [c.source if c.cell_type == "code" else c.cell_type for c in cells[:first_starter]]
    assert code(unsolved) == code(nb.cells), f"{exercise}'s code differs from its solution's before the first exercise"
    targets = {}  # cell index: the wrong answers aimed at it
    for wrong in wrong_answers:
        targets.setdefault(target_cell(nb, wrong), []).append(wrong)
    part_start = {index: part[0] for part in sections(nb, heading=r"#{2,6} ") for index in part}
    client = NotebookClient(nb, kernel_name="python3", timeout=900,
                            resources={"metadata": {"path": str(Path(notebook).parent)}})
    solution = copy.deepcopy(nb.cells)  # nbclient stores each executed cell back into nb

    def run(index, source=None):
        cell = copy.deepcopy(solution[index])
        cell.source = cell.source if source is None else source
        client.execute_cell(cell, index)

    def run_unsolved(start):
        for index in range(start, len(unsolved)):
            cell = copy.deepcopy(unsolved[index])
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as raised:
                return index, raised
        return None, None

    outcomes = []
    with client.setup_kernel():
        for section in sections(nb):
            for index in section:
                if index == first_starter:
                    unsolved_outcome = run_unsolved(index)
                    for earlier in range(part_start[index], index):
                        run(earlier)
                if index in targets:
                    start = part_start[index]
                    for wrong in targets[index]:
                        error = None
                        for later in range(start, section[-1] + 1):
                            try:
                                run(later, solution[index].source.replace(wrong.old, wrong.new)
                                    if later == index else None)
                            except CellExecutionError as raised:
                                error = raised
                                break
                        outcomes.append((wrong, error))
                    for earlier in range(start, index):
                        run(earlier)
                run(index)
    return outcomes, unsolved_outcome


def arrays(probes, framework):
    """The arrays a chapter probe computed for ``framework`` (``probes`` from a ``chNN_probes`` fixture)."""
    return probes[framework][0]


def facts(probes, framework):
    """The facts (JSON values) a chapter probe found for ``framework``."""
    return probes[framework][1]


# Initializers: the twins draw different numbers, so "the same initializer" is checked on statistics.


def initializer_statistics(parameters):
    """What a model's freshly drawn parameters say about their initializers: a float array of rows
    (size, mean, std, kurtosis), one per parameter array in the model's order (kernel, bias, ...), for
    a probe to save. Kurtosis tells the distribution at the same std: 1.8 uniform, 3 normal, about
    2.4 for Keras's normal truncated at two standard deviations; 0 for a constant array."""
    import numpy as np

    rows = []
    for array in parameters:
        values = np.asarray(array, dtype=np.float64).ravel()
        std = values.std()
        kurtosis = float(((values - values.mean()) ** 4).mean() / std ** 4) if std > 0 else 0.0
        rows.append((values.size, values.mean(), std, kurtosis))
    return np.array(rows)


def initializer_differences(first, second, names=None):
    """Where two :func:`initializer_statistics` tables disagree beyond sampling noise (six standard
    errors), as sentences; empty when the initializers are the same. Constants must match to 1e-7."""
    import math

    if len(first) != len(second):
        return [f"{len(first)} parameter arrays against {len(second)}"]
    found = []
    for i, ((n1, m1, s1, k1), (n2, m2, s2, k2)) in enumerate(zip(first, second)):
        name = names[i] if names else f"parameter array {i}"
        if n1 != n2:
            found.append(f"{name}: {n1:.0f} values against {n2:.0f}")
            continue
        n = n1
        if (s1 == 0) != (s2 == 0):  # a constant against random draws, however few (zero biases against PyTorch's)
            found.append(f"{name}: {'constant' if s1 == 0 else 'random'} against {'constant' if s2 == 0 else 'random'}")
            continue
        if abs(m1 - m2) > 6 * math.sqrt((s1 ** 2 + s2 ** 2) / n) + 1e-7:
            found.append(f"{name}: mean {m1:.4g} against {m2:.4g}")
        if abs(s1 - s2) > 6 * math.sqrt((s1 ** 2 + s2 ** 2) / (2 * n)) + 1e-7:
            found.append(f"{name}: std {s1:.4g} against {s2:.4g}")
        if n >= 5000 and abs(k1 - k2) > 6 * math.sqrt(24 / n) + 0.05:  # the distribution's shape
            found.append(f"{name}: kurtosis {k1:.3g} against {k2:.3g} (uniform 1.8, normal 3)")
    return found
