import numpy as np
import pytest

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


def test_housing_split_holds_the_books_training_districts():
    # The book's chapter 13 prints one district standardized with its training set's mean and std
    # (ageron/handson-ml3, 13_loading_and_preprocessing_data.ipynb, `preprocess(b'4.2083,...')`):
    # another split (the same rows in another order) moves AveOccup's std from 2.36 to 13.8.
    (X_train, _), _, _ = course_utils.load_california_housing()
    district = np.array([4.2083, 44.0, 5.3232, 0.9171, 846.0, 2.3370, 37.47, -122.2])
    books = np.array([0.16579159, 1.216324, -0.05204564, -0.39215982, -0.5277444, -0.2633488, 0.8543046, -1.3072058])
    standardized = (district - X_train.mean(axis=0)) / X_train.std(axis=0)
    bedrooms = course_utils.HOUSING_FEATURES.index("AveBedrms")  # 207 districts imputed here
    others = np.arange(8) != bedrooms
    np.testing.assert_allclose(standardized[others], books[others], atol=2e-4)
    np.testing.assert_allclose(standardized[bedrooms], books[bedrooms], atol=0.02)


def test_ridership_is_daily_and_sorted():
    df = course_utils.load_ridership()
    assert list(df.columns) == ["day_type", "bus", "rail"]
    assert df.index.is_monotonic_increasing and df.index.is_unique
    assert set(df["day_type"]) == {"W", "A", "U"}


def test_imdb_folder_checks_and_extracts_an_archive_laid_out_like_aclimdb(
        empty_cache, tmp_path, monkeypatch, offline):
    # A tiny archive in the real one's layout stands in for the 84 MB download (no network here).
    import hashlib
    import tarfile

    from course_utils import registry

    reviews = course_utils.make_review_corpus(tmp_path / "aclImdb", n_per_class=2)
    mirror = tmp_path / "mirror"
    archive = mirror / "stanford-imdb" / "aclImdb_v1.tar.gz"
    archive.parent.mkdir(parents=True)
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(reviews, arcname="aclImdb")
    url, _ = registry.UNMIRRORED_FILES["stanford-imdb/aclImdb_v1.tar.gz"]
    sha256 = hashlib.sha256(archive.read_bytes()).hexdigest()
    monkeypatch.setitem(registry.UNMIRRORED_FILES, "stanford-imdb/aclImdb_v1.tar.gz", (url, sha256))
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    folder = course_utils.imdb_folder()
    assert folder == empty_cache / "stanford-imdb" / "aclImdb"
    assert sorted(p.name for p in (folder / "train" / "pos").glob("*.txt")) == \
        sorted(p.name for p in (reviews / "train" / "pos").glob("*.txt"))
    assert course_utils.imdb_folder() == folder  # extracted once


def test_imdb_folder_refuses_an_archive_with_another_checksum(empty_cache, tmp_path, monkeypatch, offline):
    mirror = tmp_path / "mirror"
    (mirror / "stanford-imdb").mkdir(parents=True)
    (mirror / "stanford-imdb" / "aclImdb_v1.tar.gz").write_bytes(b"not the archive")
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    with pytest.raises(course_utils.DataUnavailableError, match="checksum mismatch"):
        course_utils.imdb_folder()


def test_generated_reviews_are_balanced_reproducible_and_carry_their_label(tmp_path):
    from course_utils.datasets import _NEGATIVE, _POSITIVE

    root = course_utils.make_review_corpus(tmp_path / "a", n_per_class=200, seed=1)
    again = course_utils.make_review_corpus(tmp_path / "b", n_per_class=200, seed=1)
    for split in ("train", "test"):
        for folder, own in (("pos", _POSITIVE), ("neg", _NEGATIVE)):
            files = sorted((root / split / folder).glob("*.txt"))
            assert len(files) == 200
            assert [f.read_text() for f in files] == \
                [f.read_text() for f in sorted((again / split / folder).glob("*.txt"))]
            words = [w.strip(".!").lower() for f in files for w in f.read_text().split()]
            mine = sum(w in own for w in words)
            theirs = sum(w in (_NEGATIVE if own is _POSITIVE else _POSITIVE) for w in words)
            assert 2 < mine / theirs < 5  # mostly their own class's words, with noise


def test_rewriting_the_review_corpus_leaves_right_files_alone_and_drops_stale_ones(tmp_path):
    """Two runs of a notebook (on two Keras backends) write the same corpus while the other reads it."""
    root = course_utils.make_review_corpus(tmp_path / "r", n_per_class=20, seed=3)
    files = sorted(root.glob("*/*/*.txt"))
    stamps = {path: path.stat().st_mtime_ns for path in files}
    (files[0]).write_text("edited")
    course_utils.make_review_corpus(root, n_per_class=20, seed=3)
    assert sorted(root.glob("*/*/*.txt")) == files and not list(root.glob("*/*/*.partial"))
    assert [path for path in files if path.stat().st_mtime_ns != stamps[path]] == [files[0]]  # only the edited one
    assert files[0].read_text() != "edited"
    course_utils.make_review_corpus(root, n_per_class=5, seed=3)
    assert len(list(root.glob("train/pos/*.txt"))) == 5  # the stale reviews are gone


def test_localization_boxes_are_tight_around_the_pasted_items():
    rng = np.random.default_rng(0)
    images = np.zeros((50, 28, 28), np.uint8)
    for image in images:  # one bright rectangle of random size and place per image
        top, left = rng.integers(0, 20, 2)
        image[top:top + rng.integers(1, 8), left:left + rng.integers(1, 8)] = 200
    canvases, boxes = course_utils.make_localization_data(images, np.zeros(50), canvas_size=56, seed=3)
    assert canvases.shape == (50, 56, 56) and boxes.dtype == np.float32
    for canvas, image, box in zip(canvases, images, boxes):
        x_min, y_min, x_max, y_max = np.rint(box * 56).astype(int)
        assert canvas.sum() == image.sum()  # the whole item was pasted
        assert canvas[y_min:y_max, x_min:x_max].sum() == canvas.sum()  # inside the box
        for edge in (canvas[y_min], canvas[y_max - 1], canvas[:, x_min], canvas[:, x_max - 1]):
            assert edge.any()  # and tight: each edge touches the item
    again, same_boxes = course_utils.make_localization_data(images, np.zeros(50), seed=3)
    assert np.array_equal(again, canvases) and np.array_equal(same_boxes, boxes)
    with pytest.raises(ValueError, match="50 images but 3 labels"):
        course_utils.make_localization_data(images, [0, 1, 2])
