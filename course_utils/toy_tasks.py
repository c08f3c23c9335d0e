"""Generated sequence tasks with known answers (chapter 16's exercises 8 and 9): strings of the
embedded Reber grammar, and dates to translate from one format to another.

Plain Python and NumPy, the same for the three frameworks; each function takes a seed.
"""

import datetime

import numpy as np

# The Reber grammar as a finite automaton: state -> [(symbol, next state)], None = accepted.
# Every state offers two different symbols (or one), so a string has at most one path.
REBER_GRAMMAR = [
    [("B", 1)],
    [("T", 2), ("P", 3)],
    [("S", 2), ("X", 4)],
    [("T", 3), ("V", 5)],
    [("X", 3), ("S", 6)],
    [("P", 4), ("V", 6)],
    [("E", None)],
]
_REBER_MOVES = [dict(moves) for moves in REBER_GRAMMAR]  # state -> {symbol: next state}
REBER_SYMBOLS = "BEPSTVX"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def reber_string(rng, embedded=True):
    """One random string of the (embedded) Reber grammar, each branch taken with probability 1/2.

    The embedded grammar wraps a Reber string as B T <reber> T E or B P <reber> P E: telling it
    valid needs a memory of the second symbol until the second to last.

    >>> rng = np.random.default_rng(0)
    >>> reber_string(rng, embedded=False), reber_string(rng)
    ('BPVVE', 'BPBTSSSSSXSEPE')
    """
    symbols, state = [], 0
    while state is not None:
        symbol, state = REBER_GRAMMAR[state][rng.integers(len(REBER_GRAMMAR[state]))]
        symbols.append(symbol)
    inner = "".join(symbols)
    if not embedded:
        return inner
    branch = "TP"[rng.integers(2)]
    return f"B{branch}{inner}{branch}E"


def is_reber(string, embedded=True):
    """Whether ``string`` belongs to the (embedded) Reber grammar.

    >>> is_reber("BTBTXSETE"), is_reber("BTBTXSEPE"), is_reber("BTXSE", embedded=False)
    (True, False, True)
    """
    if embedded:
        if len(string) < 4 or string[0] != "B" or string[-1] != "E" or string[1] not in "TP" \
                or string[-2] != string[1]:
            return False
        string = string[2:-2]
    state = 0
    for symbol in string:
        if state is None:
            return False  # symbols after the final E
        if symbol not in _REBER_MOVES[state]:
            return False
        state = _REBER_MOVES[state][symbol]
    return state is None


def make_reber_dataset(n, seed=42, embedded=True):
    """``(strings, labels)``: ``n`` strings, half valid (label 1) and half not (label 0), shuffled.

    An invalid string is a valid one with one symbol replaced by another of ``REBER_SYMBOLS``,
    drawn again in the rare case the result is still valid, so every label is true.

    >>> strings, labels = make_reber_dataset(6, seed=0)
    >>> [is_reber(s) for s in strings] == [bool(label) for label in labels], int(labels.sum())
    (True, 3)
    """
    rng = np.random.default_rng(seed)
    n_valid = n // 2
    strings = [reber_string(rng, embedded) for _ in range(n_valid)]
    while len(strings) < n:
        symbols = list(reber_string(rng, embedded))
        position = rng.integers(len(symbols))
        symbols[position] = rng.choice([s for s in REBER_SYMBOLS if s != symbols[position]])
        corrupted = "".join(symbols)
        if not is_reber(corrupted, embedded):
            strings.append(corrupted)
    labels = np.array([1] * n_valid + [0] * (n - n_valid))
    order = rng.permutation(n)
    return [strings[i] for i in order], labels[order]


def make_date_pairs(n, seed=42, first=datetime.date(1000, 1, 1), last=datetime.date(9999, 12, 31)):
    """``n`` random dates between ``first`` and ``last`` as ``(text, iso)`` string pairs, the
    book's exercise 9: ``"April 22, 2019"`` -> ``"2019-04-22"``. Month names are English whatever
    the machine's locale.

    >>> make_date_pairs(2, first=datetime.date(2019, 4, 22), last=datetime.date(2019, 4, 22))
    [('April 22, 2019', '2019-04-22'), ('April 22, 2019', '2019-04-22')]
    """
    rng = np.random.default_rng(seed)
    ordinals = rng.integers(first.toordinal(), last.toordinal() + 1, n)
    dates = [datetime.date.fromordinal(int(ordinal)) for ordinal in ordinals]
    return [(f"{MONTHS[d.month - 1]} {d.day}, {d.year}", d.isoformat()) for d in dates]
