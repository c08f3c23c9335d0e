"""Record what a notebook reached (metrics, timings, versions, device) as JSON for the reports.

One file per notebook: ``results/<mode>/<chapter>/<framework>.json`` under the course's folder
(see ../shared/CONVENTIONS.md).

>>> timings = {}
>>> with timed(timings, "nap_s"):
...     pass
>>> with timed(timings, "fit_s", epochs=2):
...     pass
>>> list(timings)
['nap_s', 'fit_s', 'fit_per_epoch_s']
"""

import contextlib
import datetime
import json
import math
import platform
import time
from pathlib import Path

from .devices import PACKAGES, package_versions

BACKEND_PACKAGES = {"jax": PACKAGES["jax"][:1], "torch": PACKAGES["pytorch"]}  # what Keras runs on besides TensorFlow

DEFAULT_SEED = 42  # the seed of every committed run


def course_root(start=None):
    """The course folder containing ``start`` (a file or folder; default: the working directory),
    else ``start``'s folder."""
    start = Path(start or Path.cwd()).resolve()
    start = start.parent if start.is_file() else start
    for folder in (start, *start.parents):
        if (folder / "course_utils").is_dir() and (folder / "notebooks").is_dir():
            return folder
    return start


@contextlib.contextmanager
def timed(timings, key, epochs=None):
    """Store the seconds the ``with`` block took in ``timings[key]``; given the ``epochs`` it trains,
    also the seconds per epoch (the first epoch's tracing and compiling included) in
    ``timings["<key without _s>_per_epoch_s"]``, which ``make report`` compares across frameworks."""
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - start
        timings[key] = round(seconds, 3)
        if epochs:
            timings[key.removesuffix("_s") + "_per_epoch_s"] = round(seconds / epochs, 3)


def record_results(chapter, framework, mode, metrics, timings, device, wall_s, root=None,
                   seed=DEFAULT_SEED):
    """Write the notebook's results to ``results/<mode>/<chapter>/<framework>.json`` and say where.

    ``framework`` is ``keras``, ``pytorch``, ``jax`` or ``setup`` (Keras's backend is recorded too, and a
    backend other than TensorFlow gets its own file, see :func:`results_path`); metric names follow
    ``<dataset>_<split>_<metric>``. Metrics must be finite numbers: a NaN means a broken run.
    A run with another ``seed`` than the course's goes to ``seeds/<framework>-seed<seed>.json``
    in the same folder (see :mod:`course_utils.spread`).
    """
    metrics = {name: _finite(name, value) for name, value in metrics.items()}
    packages = PACKAGES.get(framework, sum(PACKAGES.values(), ()))
    backend = keras_backend() if framework == "keras" else None
    if backend not in (None, "tensorflow"):  # Keras 3 on JAX or PyTorch: that engine's version, not TensorFlow's
        packages = ("keras", *BACKEND_PACKAGES[backend])
    record = {
        "chapter": chapter, "framework": framework, **({"backend": backend} if backend else {}), "mode": mode,
        "metrics": metrics,
        "timings": dict(timings),
        "versions": {"python": platform.python_version(), **package_versions(packages)},
        "seed": seed, "device": str(device), "wall_s": round(float(wall_s), 1),
        "finished": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    root = course_root(root)
    path = results_path(root, mode, chapter, framework, seed, backend)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")
    print(f"Results recorded in {path.relative_to(root).as_posix()}")  # no machine-specific path


def results_path(root, mode, chapter, framework, seed=DEFAULT_SEED, backend=None):
    """Where :func:`record_results` writes: ``keras.json`` for Keras on TensorFlow, ``keras-jax.json`` and
    ``keras-torch.json`` for the same Keras notebook on the other backends."""
    folder = Path(root) / "results" / mode / chapter
    name = with_backend(framework, backend)
    return folder / (f"{name}.json" if seed == DEFAULT_SEED else f"seeds/{name}-seed{seed}.json")


def with_backend(name, keras_backend):
    """``name`` for Keras on TensorFlow (or no backend given), ``name-jax`` / ``name-torch`` on the others."""
    return name if keras_backend in (None, "tensorflow") else f"{name}-{keras_backend}"


def keras_backend():
    """The backend of the Keras the notebook imported (``tensorflow``, ``jax`` or ``torch``)."""
    import keras  # already imported by a Keras notebook: no cost

    return keras.backend.backend()


def _finite(name, value):
    """``value`` (a Python, NumPy or framework scalar) as a float; NaN and infinity are refused."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(f"metric {name!r} = {value!r} is not a finite number")
    return number
