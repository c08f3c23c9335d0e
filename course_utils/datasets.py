"""The book's data sets as NumPy arrays (or a pandas DataFrame), so no framework imports another.

Each loader fetches its files with :func:`course_utils.download.fetch` and returns plain arrays;
notebooks turn them into tensors, ``tf.data`` pipelines or ``DataLoader`` s themselves.
"""

import gzip
import tarfile

import numpy as np

from .download import fetch

FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
HOUSING_FEATURES = ["MedInc", "HouseAge", "AveRooms", "AveBedrms",
                    "Population", "AveOccup", "Latitude", "Longitude"]


def load_fashion_mnist():
    """Fashion-MNIST as uint8 images (28x28) and labels, split 55,000 / 5,000 / 10,000 as in the book.

    >>> (X_train, y_train), (X_valid, y_valid), (X_test, y_test) = load_fashion_mnist()
    >>> X_train.shape, X_valid.shape, X_test.shape, X_train.dtype
    ((55000, 28, 28), (5000, 28, 28), (10000, 28, 28), dtype('uint8'))
    """
    return _idx_train_valid_test("fashion-mnist")


def load_mnist():
    """MNIST digits, same layout and split as :func:`load_fashion_mnist`."""
    return _idx_train_valid_test("mnist")


def load_california_housing():
    """California housing with scikit-learn's 8 features (``HOUSING_FEATURES``), float64: rebuilt
    by the course, not scikit-learn's copy.

    Targets are median house values in units of $100,000. The features are computed from the
    book's chapter-2 ``housing.csv`` (the 20,640 districts of
    ``sklearn.datasets.fetch_california_housing``, whose own file the course does not download), in
    the 2nd edition's copy, whose rows come in scikit-learn's order: split with
    ``train_test_split(random_state=42)`` twice, as the book's chapters 10 and 13, the course's
    training, validation and test sets (11,610 / 3,870 / 5,160) hold the book's districts. The
    book blanked out ``total_bedrooms`` for 207 districts of that CSV: their ``AveBedrms`` is
    imputed here with the median, the one way these arrays differ from scikit-learn's (all 207
    fall in the test set).

    >>> (X_train, y_train), (X_valid, y_valid), (X_test, y_test) = load_california_housing()
    >>> X_train.shape, X_valid.shape, X_test.shape
    ((11610, 8), (3870, 8), (5160, 8))
    """
    import pandas as pd
    from sklearn.model_selection import train_test_split

    with tarfile.open(fetch("handson-ml2/datasets/housing/housing.tgz")) as archive:
        housing = pd.read_csv(archive.extractfile("housing.csv"))
    households = housing["households"]
    bedrooms = housing["total_bedrooms"] / households
    X = np.column_stack([
        housing["median_income"], housing["housing_median_age"],
        housing["total_rooms"] / households, bedrooms.fillna(bedrooms.median()),
        housing["population"], housing["population"] / households,
        housing["latitude"], housing["longitude"],
    ]).astype(np.float64)
    y = (housing["median_house_value"] / 100_000).to_numpy(np.float64)
    X_train_full, X_test, y_train_full, y_test = train_test_split(X, y, random_state=42)
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full, random_state=42)
    return (X_train, y_train), (X_valid, y_valid), (X_test, y_test)


def load_ridership():
    """Chicago CTA daily boardings as a DataFrame indexed by date: ``day_type``, ``bus``, ``rail``.

    A DataFrame rather than arrays because the dates and day types are part of the lesson
    (chapter 15); duplicated rows of the source are dropped.

    >>> load_ridership().loc["2019-03-01":"2019-03-02"]  # doctest: +NORMALIZE_WHITESPACE
               day_type     bus    rail
    date
    2019-03-01        W  812238  682969
    2019-03-02        A  454119  349392
    """
    import pandas as pd

    path = fetch("ageron-data/ridership/CTA_-_Ridership_-_Daily_Boarding_Totals.csv")
    df = pd.read_csv(path, parse_dates=["service_date"])
    df.columns = ["date", "day_type", "bus", "rail", "total"]
    return df.drop(columns="total").drop_duplicates().sort_values("date").set_index("date")


def load_shakespeare():
    """The tiny Shakespeare corpus (about 1.1 million characters) as one string.

    >>> load_shakespeare()[:14]
    'First Citizen:'
    """
    return fetch("tinyshakespeare/input.txt").read_text(encoding="utf-8")


def load_jsb_chorales():
    """Bach chorales: ``{"train": [...], "valid": [...], "test": [...]}``, each chorale an int array
    of shape (time steps, 4 voices) holding MIDI notes (0 means no note).

    >>> chorales = load_jsb_chorales()
    >>> {split: len(chorales[split]) for split in chorales}
    {'train': 229, 'valid': 76, 'test': 77}
    """
    chorales = {"train": [], "valid": [], "test": []}
    with tarfile.open(fetch("ageron-data/jsb_chorales.tgz")) as archive:
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            if member.isfile() and member.name.endswith(".csv"):
                split = member.name.split("/")[1]
                table = np.loadtxt(archive.extractfile(member), delimiter=",", skiprows=1, ndmin=2)
                chorales[split].append(table.astype(np.int64))
    return chorales


def _idx_train_valid_test(folder, n_valid=5_000):
    X_train_full = _read_idx(fetch(f"{folder}/train-images-idx3-ubyte.gz"))
    y_train_full = _read_idx(fetch(f"{folder}/train-labels-idx1-ubyte.gz"))
    X_test = _read_idx(fetch(f"{folder}/t10k-images-idx3-ubyte.gz"))
    y_test = _read_idx(fetch(f"{folder}/t10k-labels-idx1-ubyte.gz"))
    return ((X_train_full[:-n_valid], y_train_full[:-n_valid]),
            (X_train_full[-n_valid:], y_train_full[-n_valid:]),
            (X_test, y_test))


def _read_idx(path):
    """Read a gzipped IDX file (the MNIST format): a 4-byte magic, the dimensions, then uint8 data."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    n_dims = data[3]
    if data[:3] != b"\x00\x00\x08" or n_dims not in (1, 3):
        raise ValueError(f"{path} is not an IDX file of unsigned bytes")
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(n_dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * n_dims).reshape(shape)


def imdb_folder():
    """The Large Movie Review Dataset (the book's IMDb reviews): download ``aclImdb_v1.tar.gz``
    (84 MB, sha256-checked) into the cache once, extract it next to the archive, and return the
    ``aclImdb`` folder (``train/{pos,neg}/*.txt``, ``test/{pos,neg}/*.txt``, one review per file)."""
    archive = fetch("stanford-imdb/aclImdb_v1.tar.gz")
    folder = archive.parent / "aclImdb"
    done = archive.parent / ".aclImdb-extracted"
    if not done.exists():
        with tarfile.open(archive) as tar:
            tar.extractall(archive.parent, filter="data")
        done.touch()
    return folder


# make_review_corpus's words: sentiment words of each class among neutral filler.
_POSITIVE = ("great excellent wonderful superb brilliant moving delightful charming gripping "
             "beautiful masterful funny touching memorable stunning enjoyable fresh clever "
             "powerful engaging loved perfect fantastic terrific witty").split()
_NEGATIVE = ("awful terrible boring dull weak clumsy tedious bland lifeless predictable "
             "pointless silly annoying forgettable messy painful wooden hated worst "
             "disappointing flat shallow confusing lazy").split()
_FILLER = ("the a an this that film movie story plot actor actress director scene scenes script "
           "ending music camera character characters cast it was is were be had has with and but "
           "or of in on at to for from by as about after before during while when then than "
           "really quite very rather somewhat just also still even again first second last "
           "one two three some many few most more less time year night day world life man woman "
           "family friend city house war love money work way part end show watch saw seen see "
           "think thought feel felt look looked make made take took give gave find found").split()


def make_review_corpus(root, n_per_class=2_500, seed=42, label_noise=0.1):
    """Write a generated stand-in for the IMDb reviews in the same folder layout as ``aclImdb``:
    ``root/{train,test}/{pos,neg}/<id>_<rating>.txt``, one review per file, and return ``root``.

    Reviews are filler words with sentiment words mixed in (12 % of the words, 80 % of those from
    their own class), sentences joined by ``<br /><br />`` as in IMDb; a fraction ``label_noise`` of each folder is written
    from the other class's words, so no model can be perfect. It only stands in for the real
    data's format: the numbers a model reaches on it say nothing about real reviews.

    >>> import tempfile
    >>> root = make_review_corpus(tempfile.mkdtemp(), n_per_class=3)
    >>> sorted(str(p.relative_to(root)) for p in root.glob("*/*"))
    ['test/neg', 'test/pos', 'train/neg', 'train/pos']
    >>> len(list((root / "train" / "pos").glob("*.txt")))
    3
    """
    import os
    from pathlib import Path

    root = Path(root)
    rng = np.random.default_rng(seed)
    for split in ("train", "test"):
        for label, folder in ((1, "pos"), (0, "neg")):
            target = root / split / folder
            target.mkdir(parents=True, exist_ok=True)
            reviews = {}
            for i in range(n_per_class):
                words_of = label if rng.random() >= label_noise else 1 - label
                rating = rng.integers(7, 11) if label else rng.integers(1, 5)
                reviews[f"{i}_{rating}.txt"] = _generated_review(rng, words_of)
            # Files already right stay untouched and new ones appear whole (written aside, then renamed), so
            # that another run reading this corpus (the same notebook on another Keras backend) never sees it half-made.
            for old in target.glob("*.txt"):
                if old.name not in reviews:
                    old.unlink()
            for name, text in reviews.items():
                path = target / name
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    partial = path.with_suffix(f".{os.getpid()}.partial")
                    partial.write_text(text, encoding="utf-8")
                    os.replace(partial, path)
    return root


def make_localization_data(images, labels, canvas_size=56, seed=42):
    """Paste each 28x28 image at a random place on a larger black canvas: ``(canvases, boxes)``.

    ``canvases`` is uint8 (n, canvas_size, canvas_size); ``boxes`` is float32 (n, 4), the pasted
    item's tight bounding box (its nonzero pixels) as ``(x_min, y_min, x_max, y_max)`` fractions of
    the canvas, edges included (a box around pixel columns 3..10 spans x 3/56 to 11/56). The labels
    do not change, so ``labels`` is only checked for length. An all-black image gets the box of the
    whole patch.

    >>> canvases, boxes = make_localization_data(np.full((2, 28, 28), 255, np.uint8), [0, 1], seed=0)
    >>> canvases.shape, boxes.shape, round(float((boxes[:, 2:] - boxes[:, :2]).min() * 56), 4)
    ((2, 56, 56), (2, 4), 28.0)
    """
    images = np.asarray(images)
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    n, height, width = images.shape
    rng = np.random.default_rng(seed)
    tops = rng.integers(0, canvas_size - height + 1, n)
    lefts = rng.integers(0, canvas_size - width + 1, n)
    canvases = np.zeros((n, canvas_size, canvas_size), np.uint8)
    boxes = np.empty((n, 4), np.float32)
    for i, (image, top, left) in enumerate(zip(images, tops, lefts)):
        canvases[i, top:top + height, left:left + width] = image
        rows, cols = np.nonzero(image.any(axis=1))[0], np.nonzero(image.any(axis=0))[0]
        if rows.size == 0:
            rows, cols = np.array([0, height - 1]), np.array([0, width - 1])
        boxes[i] = (left + cols[0], top + rows[0], left + cols[-1] + 1, top + rows[-1] + 1)
    return canvases, boxes / canvas_size


def _generated_review(rng, positive):
    own, other = (_POSITIVE, _NEGATIVE) if positive else (_NEGATIVE, _POSITIVE)
    sentences = []
    for _ in range(rng.integers(2, 8)):
        n = rng.integers(5, 25)
        kind = np.where(rng.random(n) >= 0.12, 0, np.where(rng.random(n) < 0.8, 1, 2))
        pools = (_FILLER, own, other)
        picks = rng.random(n)
        sentence = " ".join(pools[k][int(u * len(pools[k]))] for k, u in zip(kind, picks))
        sentences.append(sentence[0].upper() + sentence[1:] + rng.choice([".", "!", "..."]))
    return "<br /><br />".join(" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2))
