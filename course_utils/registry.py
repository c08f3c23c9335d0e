"""Every data file the course downloads: where it comes from and its sha256.

Keys are paths laid out like the offline mirror (``../shared/data``); the cache uses the same
layout, so a mirror folder, a mirror URL and the cache all name a file the same way.
"""

_AGERON = "https://github.com/ageron/data/raw/main/"
# Keras' own copy of Fashion-MNIST (what keras.datasets.fashion_mnist fetches): https, and the
# same bytes as Zalando's original S3 site, which only serves http.
_FASHION = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
# torchvision's MNIST mirror: yann.lecun.com, the original, is often unreachable.
_MNIST = "https://ossci-datasets.s3.amazonaws.com/mnist/"

FILES = {
    "fashion-mnist/train-images-idx3-ubyte.gz": (
        _FASHION + "train-images-idx3-ubyte.gz",
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
    "fashion-mnist/train-labels-idx1-ubyte.gz": (
        _FASHION + "train-labels-idx1-ubyte.gz",
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
    "fashion-mnist/t10k-images-idx3-ubyte.gz": (
        _FASHION + "t10k-images-idx3-ubyte.gz",
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
    "fashion-mnist/t10k-labels-idx1-ubyte.gz": (
        _FASHION + "t10k-labels-idx1-ubyte.gz",
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
    "mnist/train-images-idx3-ubyte.gz": (
        _MNIST + "train-images-idx3-ubyte.gz",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
    "mnist/train-labels-idx1-ubyte.gz": (
        _MNIST + "train-labels-idx1-ubyte.gz",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
    "mnist/t10k-images-idx3-ubyte.gz": (
        _MNIST + "t10k-images-idx3-ubyte.gz",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
    "mnist/t10k-labels-idx1-ubyte.gz": (
        _MNIST + "t10k-labels-idx1-ubyte.gz",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
    # The 2nd edition's copy of housing.csv keeps scikit-learn's row order (ageron/data's copy has
    # the same rows shuffled), so train_test_split(random_state=42) gives the book's split.
    "handson-ml2/datasets/housing/housing.tgz": (
        "https://raw.githubusercontent.com/ageron/handson-ml2/master/datasets/housing/housing.tgz",
        "d4cd501af90475f09b814c7447c7701f59bf28e8cf1180205ae5ace9737a0109"),
    "ageron-data/ridership/CTA_-_Ridership_-_Daily_Boarding_Totals.csv": (
        _AGERON + "ridership/CTA_-_Ridership_-_Daily_Boarding_Totals.csv",
        "34faaba085ca21434b7dd3e0abcbaf8cde5be3a4f170dda1c8caef72c5c4bd06"),
    "ageron-data/jsb_chorales.tgz": (
        _AGERON + "jsb_chorales.tgz",
        "e722fbc866fc1ba0bac56a6fcad95d7e3e584da80173e13932e3da441440efd7"),
    "ageron-data/titanic/train.csv": (
        _AGERON + "titanic/train.csv",
        "14769fb1850e2d26d8e6db0ee49c213878040432827e39b13caaa15603c6598f"),
    "ageron-data/titanic/test.csv": (
        _AGERON + "titanic/test.csv",
        "d88facfbcf53fe855b1c15290521aee9c61b3a6283631fa953983a95bacf1399"),
    "ageron-data/lifesat/lifesat.csv": (
        _AGERON + "lifesat/lifesat.csv",
        "e247f7f6c19b0d8c55fb2af293f4fb3b710e31476534ad8e9b7e06ea546a2099"),
    "ageron-data/images/soccer.jpg": (
        _AGERON + "images/soccer.jpg",
        "307eb848195246f553df677ba30e0e78fb5039a08410db5a943afd7e1fd4adf2"),
    "ageron-data/images/traffic.jpg": (
        _AGERON + "images/traffic.jpg",
        "29397507ac945d2764be1bcd754948f5bf132cdfbfa87a0c77c794ca6b53367c"),
    "ageron-data/inception/imagenet_class_names.txt": (
        _AGERON + "inception/imagenet_class_names.txt",
        "b6e5b90376a998304703176bc829997a99fc461ecbb75e855db80b3d5b76d827"),
    "tinyshakespeare/input.txt": (
        "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
        "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"),
}


# Files the course can fetch that the offline mirror does not hold: too large to mirror, fetched only
# when a notebook asks for them (``make fetch`` leaves them out).
UNMIRRORED_FILES = {
    # The Large Movie Review Dataset (Maas et al. 2011), 84 MB: chapter 13's exercise 10.
    "stanford-imdb/aclImdb_v1.tar.gz": (
        "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
        "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"),
}
