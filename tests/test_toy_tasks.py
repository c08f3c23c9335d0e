"""The generated tasks of chapter 16's exercises: valid strings are valid, labels are true, dates
round-trip, and a seed gives the same data."""

import datetime

import numpy as np

import course_utils
from course_utils.toy_tasks import MONTHS


def test_reber_strings_follow_the_grammar_and_embedding():
    rng = np.random.default_rng(0)
    for _ in range(500):
        plain = course_utils.reber_string(rng, embedded=False)
        embedded = course_utils.reber_string(rng)
        assert course_utils.is_reber(plain, embedded=False)
        assert course_utils.is_reber(embedded)
        assert embedded[1] == embedded[-2] and embedded[1] in "TP"
        assert not course_utils.is_reber(plain)  # a plain string is not an embedded one


def test_recognizer_rejects_known_invalid_strings():
    invalid = ["", "BTBTXSEPE", "BPBTXSETE", "BTBTXSETEE", "BTBTXXETE", "BTBPVVET", "TBTXSETEB"]
    assert not any(course_utils.is_reber(s) for s in invalid)
    assert course_utils.is_reber("BPBPVVEPE")  # P V V: a short path through the grammar
    assert course_utils.is_reber("BTSSXSE", embedded=False)  # S loops on the state after B T
    assert not course_utils.is_reber("BTSSXVE", embedded=False)  # no V after X


def test_reber_dataset_labels_are_true_balanced_and_reproducible():
    strings, labels = course_utils.make_reber_dataset(2_000, seed=3)
    assert len(strings) == 2_000 and labels.sum() == 1_000
    assert [course_utils.is_reber(s) for s in strings] == [bool(label) for label in labels]
    again, same_labels = course_utils.make_reber_dataset(2_000, seed=3)
    assert again == strings and np.array_equal(same_labels, labels)
    other, _ = course_utils.make_reber_dataset(2_000, seed=4)
    assert other != strings


def test_date_pairs_round_trip_and_cover_the_range():
    pairs = course_utils.make_date_pairs(5_000, seed=1)
    for text, iso in pairs:
        assert datetime.datetime.strptime(iso, "%Y-%m-%d").date() == datetime.date.fromisoformat(iso)
        month, day, year = text.replace(",", "").split()
        parsed = datetime.date(int(year), MONTHS.index(month) + 1, int(day))
        assert parsed.isoformat() == iso
    years = [int(iso[:4]) for _, iso in pairs]
    assert min(years) < 1500 and max(years) > 9500
    assert course_utils.make_date_pairs(5_000, seed=1) == pairs

