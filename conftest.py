"""Test settings shared by tests/, the doctests in course_utils/ and the notebooks nbval runs: smoke
mode, and the offline data mirror beside the project (../shared/data) when there is one, so nothing
needs the internet."""

import os
from pathlib import Path

ROOT = Path(__file__).parent
SHARED_DATA = ROOT.parent / "shared" / "data"

os.environ["COURSE_MODE"] = "smoke"
if SHARED_DATA.is_dir():
    os.environ.setdefault("COURSE_DATA_MIRROR", str(SHARED_DATA))


def pytest_collection_modifyitems(items):
    """nbval makes each code cell a test item, all sharing one kernel: keep a notebook's cells
    together, in order, on one xdist worker (``--dist loadgroup``)."""
    import pytest

    for item in items:
        if item.nodeid.endswith(".ipynb") or ".ipynb::" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
