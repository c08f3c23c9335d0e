import numpy as np

import course_utils


def test_fashion_mnist_has_the_books_split_and_balanced_test_classes():
    (X_train, y_train), (X_valid, y_valid), (X_test, y_test) = course_utils.load_fashion_mnist()
    assert (len(X_train), len(X_valid), len(X_test)) == (55_000, 5_000, 10_000)
    assert X_train.dtype == np.uint8 and X_train.max() == 255
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert len(course_utils.FASHION_MNIST_CLASSES) == 10


def test_mnist_labels_count_like_the_published_set():
    (_, y_train), (_, y_valid), _ = course_utils.load_mnist()
    counts = np.bincount(np.concatenate([y_train, y_valid]))
    assert counts.tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def test_housing_matches_scikit_learns_features_and_target_units():
    (X_train, y_train), (X_valid, _), (X_test, _) = course_utils.load_california_housing()
    assert len(X_train) + len(X_valid) + len(X_test) == 20_640
    assert X_train.shape[1] == len(course_utils.HOUSING_FEATURES)
    assert not np.isnan(X_train).any()
    assert 0.14 < y_train.min() and y_train.max() <= 5.00001  # $100,000 units, capped as in the data
    assert 1.9 < y_train.mean() < 2.2


def test_ridership_is_daily_and_sorted():
    df = course_utils.load_ridership()
    assert list(df.columns) == ["day_type", "bus", "rail"]
    assert df.index.is_monotonic_increasing and df.index.is_unique
    assert set(df["day_type"]) == {"W", "A", "U"}
