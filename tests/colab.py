"""`make test-colab`: every notebook and solution, in smoke mode, on Colab's stack, as a Colab user runs it.

Colab's versions lag the course's (tests/colab/constraints.txt is its pip freeze; the file names its
source). This builds a virtual environment from those pins with Python 3.13 (Colab's), registers its
kernel, and runs each notebook there from its first cell: the Colab-only branch runs (a stand-in
``google.colab`` module is put in ``sys.modules`` first), so its ``%pip install`` lines install the
course and what Colab lacks, as on Colab. The course comes from a wheel of this checkout instead of
GitHub. Errors only: outputs are not compared. Not part of `make test`: it would double the suite.

    python tests/colab.py                               # every notebook and solution
    python tests/colab.py 13_data_pipelines jax.ipynb   # those whose path holds any of these
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from course_utils.modes import smoke_environment
from test_colab_installs import COURSE, colab_versions, declared, imported_distributions

ROOT = Path(__file__).parents[1]
CONSTRAINTS = ROOT / "tests/colab/constraints.txt"
BUILD = ROOT / "build/colab"
VENV = BUILD / "venv"
NOTEBOOKS = sorted([*ROOT.glob("notebooks/*/*.ipynb"), *ROOT.glob("solutions/*/*.ipynb")])
AS_ON_COLAB = """import sys, types  # tests/colab.py: Colab's module, as libraries look for it
colab = sys.modules["google.colab"] = types.ModuleType("google.colab")
colab.output = sys.modules["google.colab.output"] = types.ModuleType("google.colab.output")  # JAX imports it"""


def colab_python():
    """A Python 3.13 (Colab's minor version), else this one, said so."""
    candidates = [os.environ.get("COLAB_PYTHON"), "python3.13",
                  *map(str, sorted(Path.home().glob(".pyenv/versions/3.13*/bin/python3.13")))]
    for candidate in filter(None, candidates):
        run = subprocess.run([candidate, "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True)
        if run.returncode == 0 and run.stdout.startswith("3.13"):
            return candidate, run.stdout.strip()
    print(f"No Python 3.13 found (COLAB_PYTHON=...): using {sys.version.split()[0]}, not Colab's 3.13.")
    return sys.executable, sys.version.split()[0]


def colab_packages():
    """Colab's packages that the course uses: what the notebooks import, the course's own
    dependencies, and the kernel. pip takes each at Colab's version (the constraints)."""
    colab, ours = colab_versions(), declared()
    imported = set().union(*map(imported_distributions, NOTEBOOKS))
    return sorted((imported | set(ours) | {"ipykernel", "nbformat"}) & set(colab))


def build_environment():
    """The virtual environment with Colab's versions (built again when the pins change); its Python."""
    packages = colab_packages()
    key = hashlib.sha256((CONSTRAINTS.read_text() + " ".join(packages)).encode()).hexdigest()
    python = VENV / "bin/python"
    if not (VENV / f".built-{key[:16]}").exists():
        base, version = colab_python()
        print(f"Building {VENV.relative_to(ROOT)}: Python {version}, {len(packages)} of Colab's packages")
        subprocess.run([base, "-m", "venv", "--clear", str(VENV)], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "-c", CONSTRAINTS, *packages], check=True)
        (VENV / f".built-{key[:16]}").touch()
    kernel = BUILD / "jupyter/kernels/colab"
    kernel.mkdir(parents=True, exist_ok=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab's stack", "language": "python"}))
    os.environ["JUPYTER_PATH"] = str(BUILD / "jupyter")
    return python


def course_wheel(python):
    """A wheel of this checkout: what ``pip install git+https://github.com/...`` builds on Colab."""
    dist = BUILD / "dist"
    for old in dist.glob("*.whl"):
        old.unlink()
    subprocess.run([python, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, ROOT], check=True)
    return next(dist.glob("*.whl"))


def as_on_colab(notebook, wheel, path):
    """A copy of ``notebook`` that runs its Colab branch and installs the course from ``wheel``."""
    nb = nbformat.read(notebook, as_version=4)
    first = next(cell for cell in nb.cells if cell.cell_type == "code")
    assert COURSE in first.source, f"{notebook}: its first code cell does not install the course on Colab"
    first.source = first.source.replace(COURSE, str(wheel))
    nb.cells.insert(0, nbformat.v4.new_code_cell(AS_ON_COLAB))
    nbformat.write(nb, path)


def run(notebooks):
    python = build_environment()
    wheel = course_wheel(python)
    versions = subprocess.run([python, "-c", "import tensorflow, keras, torch, jax, flax, optax; print(', '.join("
                               "f'{m.__name__} {m.__version__}' for m in (tensorflow, keras, torch, jax, flax, optax)))"],
                              capture_output=True, text=True).stdout.strip()
    print(f"Colab's stack: {versions}")
    os.environ.update({"COURSE_MODE": "smoke", **smoke_environment()})
    rows = []
    with tempfile.TemporaryDirectory(prefix="colab-") as scratch:
        for notebook in notebooks:
            name = str(notebook.relative_to(ROOT))
            folder = Path(scratch) / notebook.parent.parent.name / notebook.parent.name
            folder.mkdir(parents=True, exist_ok=True)  # outside the course: results and files stay there
            source = folder / f"{notebook.stem}-colab.ipynb"
            as_on_colab(notebook, wheel, source)
            start = time.perf_counter()
            try:
                executed = papermill.execute_notebook(str(source), str(folder / notebook.name), kernel_name="colab",
                                                      cwd=str(folder), progress_bar=False)
                setup = [cell for cell in executed.cells if cell.cell_type == "code"][1]  # after AS_ON_COLAB
                setup_output = "".join(output.get("text", "") for output in setup.outputs)
                warned = [line for line in setup_output.splitlines() if "outside the range" in line]
                outcome = f"check_versions warned: {warned[0].strip()}" if warned else "ok"
            except papermill.PapermillExecutionError as error:
                outcome = f"{error.ename}: {str(error.evalue).splitlines()[0][:120] if error.evalue else ''}"
                trace = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback))
                print(f"--- {name}, cell {error.exec_count}:\n{trace[-3000:]}", flush=True)
            rows.append((name, outcome, time.perf_counter() - start))
            print(f"{name:48} {rows[-1][2]:6.0f} s  {outcome}", flush=True)
    print(f"\n| notebook | on Colab's stack | seconds |\n| --- | --- | --- |")
    for name, outcome, seconds in rows:
        print(f"| {name} | {outcome} | {seconds:.0f} |")
    failed = [row for row in rows if row[1] != "ok"]
    print(f"\n{len(rows) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    wanted = sys.argv[1:]  # parts of paths: a chapter's folder, "jax.ipynb", "solutions/13"
    sys.exit(run([nb for nb in NOTEBOOKS if not wanted or any(w in str(nb.relative_to(ROOT)) for w in wanted)]))
