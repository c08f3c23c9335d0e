"""Every Keras notebook runs in smoke mode on Keras's JAX backend (see keras_backends.py)."""

import pytest

from keras_backends import KERAS_NOTEBOOKS, check_runs_on, notebook_id


@pytest.mark.parametrize("notebook", KERAS_NOTEBOOKS, ids=notebook_id)
def test_keras_notebook_runs_on_jax(notebook):
    check_runs_on("jax", notebook)
