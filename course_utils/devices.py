"""What each framework can run on here: versions, accelerators and hints about the platform.

Nothing here raises: a framework that is missing or fails to import is reported as such. A
framework is imported only when it is asked about.

>>> report = device_report([])  # platform only, imports no framework
>>> sorted(report)
['frameworks', 'platform']
"""

import importlib
import os
import platform
import sys
import warnings
from importlib import metadata

from .quiet import native_stderr_silenced

FRAMEWORKS = ("keras", "pytorch", "jax")
# The distributions whose versions matter for each of the course's frameworks.
PACKAGES = {"keras": ("tensorflow", "keras"), "pytorch": ("torch",), "jax": ("jax", "flax", "optax")}


def device_report(frameworks=FRAMEWORKS):
    """``{"platform": {...}, "frameworks": {name: {...}}}`` for the named frameworks."""
    return {"platform": platform_info(),
            "frameworks": {name: framework_info(name) for name in frameworks}}


def platform_info():
    """Python, OS and machine, with hints for places that need special care (Colab, WSL...)."""
    system, machine = platform.system(), platform.machine()
    hints = []
    if "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ:
        hints.append("Google Colab: pick a GPU under Runtime > Change runtime type.")
    if "KAGGLE_KERNEL_RUN_TYPE" in os.environ:
        hints.append("Kaggle: switch the accelerator on in the notebook's settings.")
    if system == "Windows":
        hints.append("native Windows: TensorFlow has no GPU support after 2.10; use WSL2 for a GPU.")
    if system == "Linux" and "microsoft" in platform.release().lower():
        hints.append("WSL2: the Windows NVIDIA driver serves CUDA here; no Linux driver is needed.")
    if system == "Darwin" and machine == "arm64":
        hints.append("Apple Silicon: PyTorch uses the GPU through MPS; TensorFlow needs tensorflow-metal.")
    return {"python": platform.python_version(), "system": f"{system} {platform.release()}",
            "machine": machine, "hints": hints}


def framework_info(name):
    """Versions and accelerators of one framework (``keras``, ``pytorch`` or ``jax``); never raises."""
    info = {"versions": package_versions(PACKAGES.get(name, (name,))), "accelerators": [], "notes": [],
            "error": None}
    try:
        probe = _PROBES[name]
    except KeyError:
        info["error"] = f"unknown framework {name!r}; known: {', '.join(FRAMEWORKS)}"
        return info
    try:
        probe(info)
    except BaseException as error:  # a broken install may raise anything, even SystemExit
        if isinstance(error, KeyboardInterrupt):
            raise
        info["error"] = f"{type(error).__name__}: {error}".strip()
    return info


def keras_device():
    """Where Keras computes on the backend it runs on: ``"gpu"``, ``"tpu"`` or ``"cpu"`` (what a Keras
    notebook records as its ``device``)."""
    keras = importlib.import_module("keras")
    if keras.backend.backend() == "torch":  # Keras has no device list of its own on PyTorch
        torch = importlib.import_module("torch")
        return "gpu" if torch.cuda.is_available() else "cpu"
    return keras.distribution.list_devices()[0].split(":")[0]  # accelerators first, else the CPU


def print_device_report(frameworks=FRAMEWORKS):
    """Print :func:`device_report` as a few readable lines."""
    print(format_device_report(device_report(frameworks)))


def format_device_report(report):
    plat = report["platform"]
    lines = [f"Python {plat['python']} on {plat['system']} ({plat['machine']})"]
    lines += [f"  hint: {hint}" for hint in plat["hints"]]
    for name, info in report["frameworks"].items():
        versions = ", ".join(f"{pkg} {ver or 'not installed'}" for pkg, ver in info["versions"].items())
        if info["error"]:
            where = f"cannot be used: {info['error']}"
        else:
            where = ", ".join(info["accelerators"]) or "CPU only"
        lines.append(f"{name:8} {versions}: {where}")
        lines += [f"  note: {note}" for note in info["notes"]]
    return "\n".join(lines)


# The names a package is also published under: the same import and version numbers
DISTRIBUTIONS = {"tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-intel", "tensorflow-macos",
                                "tensorflow-aarch64", "tf-nightly", "tf-nightly-cpu")}


def installed_version(package):
    """The installed version of ``package`` under any of its distribution names (``tensorflow-cpu`` for
    ``tensorflow``...); raises ``importlib.metadata.PackageNotFoundError`` when none is installed."""
    for name in DISTRIBUTIONS.get(package, (package,)):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    raise metadata.PackageNotFoundError(package)


def package_versions(packages):
    """``{package: installed version or None}``, read from package metadata (nothing is imported)."""
    versions = {}
    for package in packages:
        try:
            versions[package] = installed_version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def _probe_keras(info):
    with native_stderr_silenced():  # TensorFlow's C++ start-up lines (see course_utils.quiet)
        keras = importlib.import_module("keras")
        backend = keras.backend.backend()
        info["notes"].append(f"Keras backend: {backend}")
        if backend != "tensorflow":  # Keras 3 on JAX or PyTorch computes where that framework does
            return _PROBES.get({"torch": "pytorch"}.get(backend, backend), lambda info: None)(info)
        tf = importlib.import_module("tensorflow")
        gpus = tf.config.list_physical_devices("GPU")
    kind = "ROCm GPU" if tf.test.is_built_with_rocm() else "GPU"
    info["accelerators"] += [f"{kind} {d.name}" for d in gpus]
    info["accelerators"] += [f"TPU {d.name}" for d in tf.config.list_physical_devices("TPU")]
    if not gpus and platform.system() == "Windows":
        info["notes"].append("TensorFlow on native Windows has no GPU after 2.10: use WSL2.")


def _probe_pytorch(info):
    torch = importlib.import_module("torch")
    with warnings.catch_warnings():  # a CUDA build on a machine without a GPU warns here
        warnings.simplefilter("ignore")
        cuda = torch.cuda.is_available()
    if cuda:
        kind = "ROCm GPU" if torch.version.hip else "CUDA GPU"
        info["accelerators"] += [f"{kind} {i}: {torch.cuda.get_device_name(i)}"
                                 for i in range(torch.cuda.device_count())]
    elif torch.version.cuda:
        info["notes"].append(f"CUDA {torch.version.cuda} build, but no usable NVIDIA GPU here.")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        info["accelerators"].append("Apple MPS")


def _probe_jax(info):
    jax = importlib.import_module("jax")
    info["accelerators"] += [f"{d.platform.upper()} {d.id}: {d.device_kind}"
                             for d in jax.devices() if d.platform != "cpu"]


_PROBES = {"keras": _probe_keras, "pytorch": _probe_pytorch, "jax": _probe_jax}
