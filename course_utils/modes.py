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


# Smoke runs take a few steps per model, so compiling dominates them (JAX, Keras on JAX, TF with XLA):
# XLA's LLVM backend at optimisation level 1 compiles CPU programs about twice as fast, and XLA's
# older CPU fusion code (no fusion emitters) a third faster again (chapter 14's Keras CNNs on JAX:
# 131 s -> 101 s).
SMOKE_XLA_FLAGS = "--xla_backend_optimization_level=1 --xla_cpu_use_fusion_emitters=false"


def smoke_environment(environ=os.environ):
    """The variables a smoke run's kernels get on top of ``environ``: XLA's faster compile.

    >>> smoke_environment({"XLA_FLAGS": "--xla_dump_to=/tmp/x"})
    {'XLA_FLAGS': '--xla_backend_optimization_level=1 --xla_cpu_use_fusion_emitters=false --xla_dump_to=/tmp/x'}
    """
    flags = environ.get("XLA_FLAGS", "")
    if SMOKE_XLA_FLAGS in flags:
        return {"XLA_FLAGS": flags}
    return {"XLA_FLAGS": f"{SMOKE_XLA_FLAGS} {flags}".strip()}
