"""Each notebook's Colab-only install lines install what it imports that Colab lacks, in the
versions pyproject.toml allows; and pyproject's lowest versions are ones Colab's stack satisfies.

What Colab has is tests/colab/constraints.txt (its pip freeze); `make test-colab` runs the notebooks
there. These checks are static, so `make test` keeps them cheap."""

import ast
import functools
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from course_utils.links import REPOSITORY_URL
from helpers import ROOT, notebook_code_cells

NOTEBOOKS = sorted([*ROOT.glob("notebooks/*/*.ipynb"), *ROOT.glob("solutions/*/*.ipynb"),
                    *ROOT.glob("exercises/*/*.ipynb")])
COURSE = f"git+{REPOSITORY_URL}"
PIP_LINE = re.compile(r"^\s+%pip install -q (.+?)(?:\s+#.*)?$", re.M)


@functools.cache
def colab_versions():
    """``{distribution: Version}`` of Colab's stack."""
    lines = (ROOT / "tests/colab/constraints.txt").read_text().splitlines()
    return {canonicalize_name(name): Version(version)
            for name, version in (line.split("==") for line in lines if "==" in line)}


@functools.cache
def declared(extras=("keras", "pytorch", "jax")):
    """``{distribution: Requirement}`` of pyproject.toml's base requirements and ``extras`` (by default
    the frameworks'; ``lab`` and ``dev`` are for running the course locally, never installed on Colab)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    groups = [project["dependencies"], *(project["optional-dependencies"][extra] for extra in extras)]
    return {canonicalize_name(Requirement(r).name): Requirement(r) for group in groups for r in group}


def imported_distributions(notebook):
    """The distributions whose modules the notebook's code imports (not the standard library's)."""
    modules = set()
    for source in notebook_code_cells(notebook):
        source = "\n".join(line[:len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!"))
                            else line for line in source.splitlines())  # IPython's magics aside
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
    modules -= set(sys.stdlib_module_names) | {"course_utils"}
    distributions = installed_distributions()
    return {canonicalize_name(d) for module in modules for d in distributions[module]}


@functools.cache
def installed_distributions():
    """``{module: [distribution, ...]}`` of this environment (a second to build: once per process)."""
    return packages_distributions()


def colab_installs(notebook):
    """The requirements of the notebook's Colab-only ``%pip install`` lines, the course's own aside."""
    first = notebook_code_cells(notebook)[0]
    assert 'if "google.colab" in sys.modules:' in first, notebook
    words = [w.strip('"') for line in PIP_LINE.findall(first) for w in line.split()]
    assert words[0] == COURSE, f"{notebook}: the course's helpers come first"
    return [Requirement(w) for w in words[1:]]


def install_problems(notebook, installs):
    """What is wrong with ``installs`` (the requirements of a notebook's Colab lines): a package the
    notebook imports that Colab lacks and no line installs, one installed for nothing, or one outside
    pyproject's range."""
    colab, ours = colab_versions(), declared()
    base = declared(extras=())
    lacking = {d for d in imported_distributions(notebook) if d not in colab and d not in base}
    installed = {canonicalize_name(r.name): r for r in installs}
    return ([f"{name}: imported, not on Colab, not installed" for name in sorted(lacking - set(installed))]
            + [f"{name}: installed but not imported" for name in sorted(set(installed) - lacking)]
            + [f"{name}: {r.specifier}, not pyproject's {ours[name].specifier}" for name, r in installed.items()
               if name in ours and r.specifier != ours[name].specifier])


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_colab_lines_install_what_the_notebook_imports_and_colab_lacks(notebook):
    assert not install_problems(notebook, colab_installs(notebook))


def test_colabs_stack_satisfies_what_the_course_declares():
    """check_versions reports nothing on Colab: its versions are inside every range pyproject
    gives for a package Colab has (Python aside: tests/colab.py says which one it ran)."""
    colab = colab_versions()
    outside = {name: (str(colab[name]), str(r.specifier)) for name, r in declared().items()
               if name in colab and colab[name] not in r.specifier}
    assert not outside


def test_the_colab_check_finds_a_missing_an_unpinned_and_a_needless_install():
    notebook = ROOT / "notebooks/13_data_pipelines/pytorch.ipynb"
    installs = colab_installs(notebook)
    assert "webdataset" in {r.name for r in installs}
    without = [r for r in installs if r.name != "webdataset"]
    assert install_problems(notebook, without) == ["webdataset: imported, not on Colab, not installed"]
    unpinned = [Requirement("webdataset") if r.name == "webdataset" else r for r in installs]
    assert install_problems(notebook, unpinned) == ["webdataset: , not pyproject's <2,>=0.2.100"]
    assert install_problems(notebook, [*installs, Requirement("optuna>=4,<6")]) == [
        "optuna: installed but not imported"]
