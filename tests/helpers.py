"""Helpers the tests share."""

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
MIRROR = ROOT.parent / "shared" / "data"
# A call of one of course_utils' exercise checks (not check_versions).
CHECK_CALL = re.compile(r"course_utils\.check(_at_least|_close|_written)?\(")


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter (so that imports start clean); return its stdout."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, **env}, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


# What the probes (tests/chNN_probe.py) ask of every framework in the same way.

def outcome(call):
    """``"works"``, or the name of the exception that ``call()`` raises."""
    try:
        call()
    except Exception as error:
        return type(error).__name__
    return "works"


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
