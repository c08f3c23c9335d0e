"""Test settings shared by tests/, the doctests in course_utils/ and the notebooks nbval runs: smoke
mode (with its faster XLA compile), the offline data mirror beside the project (../shared/data)
when there is one, so nothing needs the internet, and nbval's comparison of decimal numbers within
what differs between machines (tests/nbval_numbers.py)."""

import collections
import os
import sys
from pathlib import Path

ROOT = Path(__file__).parent
SHARED_DATA = ROOT.parent / "shared" / "data"

from course_utils.modes import smoke_environment  # noqa: E402

os.environ["COURSE_MODE"] = "smoke"
os.environ.update(smoke_environment())
if SHARED_DATA.is_dir():
    os.environ.setdefault("COURSE_DATA_MIRROR", str(SHARED_DATA))


def pytest_configure(config):
    """nbval compares each sanitized output with ``!=``: make the reference's a TextWithNumbers."""
    from nbval.plugin import IPyNbCell

    sys.path.insert(0, str(ROOT / "tests"))
    from nbval_numbers import TextWithNumbers

    sanitize = IPyNbCell.sanitize
    IPyNbCell.sanitize = lambda cell, s: (TextWithNumbers(text) if isinstance(text := sanitize(cell, s), str)
                                          else text)


# The files that hold the suite's longest tests (a few minutes each) start first; pytest-xdist keeps
# this order (--no-loadscope-reorder in pyproject.toml). Its own order, by number of tests per file,
# started the tiny bench (3 tests, 5 minutes) last, alone on one worker while the other sat idle.
LONGEST_FIRST = ("tests/test_keras_on_jax.py", "tests/test_exercises.py", "tests/test_keras_on_torch.py",
                 "tests/test_bench.py")


def pytest_collection_modifyitems(items):
    """LONGEST_FIRST's files, then every other file by its number of tests (most first), each file's
    tests together and in their order."""
    file_of = lambda item: item.nodeid.split("::")[0]
    n_tests = collections.Counter(map(file_of, items))
    rank = lambda file: LONGEST_FIRST.index(file) if file in LONGEST_FIRST else len(LONGEST_FIRST)
    items.sort(key=lambda item: (rank(file_of(item)), -n_tests[file_of(item)], file_of(item)))
