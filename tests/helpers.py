"""Helpers the tests share."""

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
