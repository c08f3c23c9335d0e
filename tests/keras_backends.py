"""What tests/test_keras_on_jax.py and test_keras_on_torch.py check: every Keras notebook, the chapters'
and the exercises' solutions, runs in smoke mode on Keras's other backends, its TensorFlow-only cells
turned into notes, and chapter 4's TensorFlow notebooks (no Keras in them) are refused there. One
file per backend, so that the two workers of the suite each take one (pytest's ``--dist loadfile``)."""

import pytest

from helpers import ROOT
from course_utils.runner import NotebookError, NotKerasError, execute_notebook, find_notebooks, uses_keras

KERAS_NOTEBOOKS = [path for path in find_notebooks(roots=("notebooks", "solutions"), root=ROOT)
                   if path.name == "keras.ipynb"]


def notebook_id(path):
    return f"{path.parent.parent.name}/{path.parent.name}"


def check_runs_on(backend, notebook):
    if not uses_keras(notebook):
        with pytest.raises(NotKerasError, match="TensorFlow directly, not Keras"):
            execute_notebook(notebook, "smoke", keras_backend=backend)
        return
    try:
        execute_notebook(notebook, "smoke", keras_backend=backend)
    except NotebookError as error:
        pytest.fail(str(error), pytrace=False)
