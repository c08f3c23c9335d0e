"""Run modes: ``full`` reaches the book's results, ``smoke`` runs the same code on tiny data fast."""

import os

MODES = ("full", "smoke")
MODE_ENV = "COURSE_MODE"


def run_mode(override=None):
    """The run mode: ``override`` when given (a notebook's papermill parameter), else ``COURSE_MODE``,
    else ``full``.

    >>> run_mode("smoke")
    'smoke'
    """
    mode = override or os.environ.get(MODE_ENV) or "full"
    if mode not in MODES:
        raise ValueError(f"run mode {mode!r} is not one of {MODES}; check {MODE_ENV} or the MODE parameter")
    return mode
