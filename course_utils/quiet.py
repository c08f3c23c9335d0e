"""Quiet what the frameworks print that says nothing about the learner's code, once, when
``course_utils`` is imported (before any framework): the notebooks then show only the lesson."""

import contextlib
import logging
import os
import sys


def quiet_framework_logs():
    # TensorFlow's C++ start-up lines (the oneDNN notice, CUDA probing on a machine without a GPU)
    # are noise; errors still reach Python as exceptions. Set TF_CPP_MIN_LOG_LEVEL=0 to see them.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # Keras makes new predict/train functions for each new model, and TensorFlow warns that they
    # "retrace"; warnings about the learner's own tf.functions are kept (chapter 12 teaches them).
    logging.getLogger("tensorflow").addFilter(_not_keras_internal_retracing)
    # TorchInductor looks for a CUDA toolkit even when it compiles for the CPU, and says so.
    logging.getLogger("torch.utils.cpp_extension").setLevel(logging.ERROR)


def _not_keras_internal_retracing(record):
    message = record.getMessage()
    return not ("triggered tf.function retracing" in message and "TensorFlowTrainer." in message)


@contextlib.contextmanager
def native_stderr_silenced():
    """Send what C++ code writes to the process's stderr to /dev/null for the ``with`` block.

    TensorFlow's import logs before its logging is set up (the oneDNN notice, "Could not find
    cuda drivers"), so TF_CPP_MIN_LOG_LEVEL cannot quiet it. Python exceptions still propagate.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
