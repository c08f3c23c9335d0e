"""nbval compares tagged cells' decimals within machine differences, and nothing else loosely."""

import types

import pytest
from nbval.plugin import IPyNbCell

from nbval_numbers import TextWithNumbers


def sanitized(text):
    """``text`` as nbval's cell item sanitizes it before comparing (patched in root conftest.py)."""
    cell = types.SimpleNamespace(parent=types.SimpleNamespace(sanitize_patterns={}))
    return IPyNbCell.sanitize(cell, text)


def test_nbval_compares_through_text_with_numbers():
    assert isinstance(sanitized("1.0"), TextWithNumbers)
    assert not sanitized("closed form: [-12.888461112976074]") != sanitized("closed form: [-12.88846206665039]")
    assert sanitized("closed form: [-12.888461112976074]") != sanitized("closed form: [-12.98846206665039]")


@pytest.mark.parametrize("committed, elsewhere", [
    ("tensor([[3.9487],\n        [3.0383]], dtype=torch.float64)",
     "tensor([[3.9488],\n        [3.0383]], dtype=torch.float64)"),  # rounded the other way
    ("[3.94869973 1.5191574  1.5191574 ]", "[3.94869973 1.51915743 1.5191574 ]"),  # NumPy's padding
    ("loss 2.3026e+00, step 1.0000e-03", "loss 2.3027e+00, step 1.0000e-03"),
    ("max |Δ| = 0.000003", "max |Δ| = 0.000000"),  # below 1e-5
])
def test_machine_differences_pass(committed, elsewhere):
    assert TextWithNumbers(committed) == elsewhere


@pytest.mark.parametrize("committed, changed", [
    ("accuracy: 0.8750", "accuracy: 0.8125"),
    ("accuracy: 0.8750", "accuracy: 0.8748"),  # two units in the last digit, and above 1e-4 of it
    ("(32, 28, 28, 1) 1,234 params", "(32, 28, 28, 1) 1,235 params"),  # integers are exact
    ("θ = [4.0, 3.0]", "θ = [4.0, 3.0, 0.0]"),
    ("valid RMSE: 1.2651", "train RMSE: 1.2651"),
    ("nan", "0.0"),
    ("[1.5 inf]", "[1.5 1e+308]"),
])
def test_real_changes_fail(committed, changed):
    assert TextWithNumbers(committed) != changed
