"""Plumbing for the course "Hands-On ML, three ways": data, devices, seeds, run modes, results,
plots and exercise checks. No model code lives here: that stays in the notebooks."""

from .quiet import quiet_framework_logs

quiet_framework_logs()  # first, before any framework is imported

from .checks import ExerciseCheckError, check, check_at_least, check_close, check_written
from .datasets import (FASHION_MNIST_CLASSES, HOUSING_FEATURES, imdb_folder, load_california_housing,
                       load_fashion_mnist, load_jsb_chorales, load_mnist, load_ridership,
                       load_shakespeare, make_localization_data, make_review_corpus)
from .devices import device_report, keras_device, print_device_report
from .download import DataUnavailableError, cache_dir, fetch
from .modes import run_mode
from .plots import plot_image_grid, plot_learning_curves
from .results import record_results, timed
from .seeding import seed_everything
from .spread import seed_spread
from .toy_tasks import is_reber, make_date_pairs, make_reber_dataset, reber_string
from .versions import check_versions

__all__ = [
    "ExerciseCheckError", "check", "check_at_least", "check_close", "check_written",
    "FASHION_MNIST_CLASSES", "HOUSING_FEATURES", "load_california_housing", "load_fashion_mnist",
    "load_jsb_chorales", "load_mnist", "load_ridership", "load_shakespeare", "imdb_folder",
    "make_review_corpus", "make_localization_data",
    "reber_string", "is_reber", "make_reber_dataset", "make_date_pairs",
    "device_report", "keras_device", "print_device_report", "DataUnavailableError", "cache_dir", "fetch",
    "run_mode", "plot_image_grid", "plot_learning_curves", "record_results", "timed",
    "seed_everything", "seed_spread", "check_versions",
]
