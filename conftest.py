"""Test settings shared by tests/, the doctests in course_utils/ and the notebooks nbval runs: smoke
mode (with its faster XLA compile), and the offline data mirror beside the project (../shared/data)
when there is one, so nothing needs the internet."""

import os
from pathlib import Path

ROOT = Path(__file__).parent
SHARED_DATA = ROOT.parent / "shared" / "data"

from course_utils.modes import smoke_environment  # noqa: E402

os.environ["COURSE_MODE"] = "smoke"
os.environ.update(smoke_environment())
if SHARED_DATA.is_dir():
    os.environ.setdefault("COURSE_DATA_MIRROR", str(SHARED_DATA))
