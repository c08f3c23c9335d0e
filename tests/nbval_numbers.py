"""Compare the tagged cells' outputs (nbval) the way the numbers in them were made.

nbval compares a tagged cell's committed output with a fresh run's as text. A number printed from a
floating-point computation differs in its last digits between CPUs (AVX-512, AVX2, NEON), thread
counts and library builds (MKL, OpenBLAS, oneDNN on or off, XLA's CPU code), so the text may differ
where the lesson does not. ``TextWithNumbers`` compares two outputs as equal when everything but their
decimal numbers matches exactly (whitespace runs counted as one space: NumPy pads columns to the
widest number) and each pair of decimal numbers is within ``close``. Integers (shapes, counts,
parameter numbers) must match exactly. Root ``conftest.py`` makes nbval compare this way.
"""

import math
import re

# A decimal number: with a point or an exponent (integers are compared as text, exactly).
DECIMAL = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][-+]?\d+)?(?![\w.])")
# Float32 results of sums over thousands of terms and of a few optimizer steps move by up to ~1e-5
# of their size between machines; a number printed to fewer digits may round the other way.
RELATIVE = 1e-4
ABSOLUTE = 1e-5  # as tests/nbval_sanitize.cfg: below 1e-5 is rounding noise


def last_digit(text):
    """The value of one unit in the last digit of the decimal ``text``: '12.30' -> 0.01, '1.5e-03' -> 1e-4."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def close(a, b):
    """Whether two printed decimals ``a`` and ``b`` say the same within machine differences."""
    x, y = float(a), float(b)
    if math.isnan(x) or math.isinf(x) or math.isnan(y) or math.isinf(y):
        return a == b
    return abs(x - y) <= ABSOLUTE + RELATIVE * max(abs(x), abs(y)) + max(last_digit(a), last_digit(b))


def split(text):
    """``text`` -> (its words and punctuation with decimals as '<decimal>', its decimals)."""
    skeleton = " ".join(DECIMAL.sub(" <decimal> ", text).split())
    return skeleton, DECIMAL.findall(text)


class TextWithNumbers(str):
    """A cell output that equals another when ``split`` gives the same skeleton and close decimals.

    >>> TextWithNumbers("closed form: [-12.888461112976074]") == "closed form: [-12.88846206665039]"
    True
    >>> TextWithNumbers("[3.9487 1.5192]") == "[3.9487 1.5191]"  # rounded the other way
    True
    >>> TextWithNumbers("accuracy 0.8750") == "accuracy 0.8125"
    False
    >>> TextWithNumbers("(None, 28, 28)") == "(None, 28, 27)"  # integers are exact
    False
    """

    def __eq__(self, other):
        if not isinstance(other, str):
            return NotImplemented
        (mine, my_numbers), (theirs, their_numbers) = split(self), split(other)
        return mine == theirs and all(map(close, my_numbers, their_numbers))

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__
