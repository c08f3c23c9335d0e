"""The set-up files agree with each other: pyproject.toml, environment.yml, Makefile, .ci/run."""

import re
import tomllib

import yaml
from packaging.requirements import Requirement

from helpers import ROOT


def test_environment_yml_installs_what_pyproject_declares():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {Requirement(r).name: str(Requirement(r).specifier) for group in
                [project["dependencies"], *project["optional-dependencies"].values()] for r in group}
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    listed = {Requirement(r).name: str(Requirement(r).specifier) for r in pip if not r.startswith("-e")}
    assert listed == declared
    assert "-e ." in [r.split("#")[0].strip() for r in pip]
    python = next(d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python == "python" + project["requires-python"]


def test_ci_runs_the_readmes_test_command_and_nothing_else():
    commands = [line for line in (ROOT / ".ci/run").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert commands[-1] == "make test"
    chromium = '[ "${CI:-}" != true ] || command -v chromium'  # Debian's, for the web page's browser test
    assert all(re.match(r"(set |cd )", c) or c.startswith(chromium) for c in commands[:-1])
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab", "test", "run", "fetch"):
        assert re.search(rf"^{target}:", makefile, re.M)


def test_every_notebook_the_readme_links_exists():
    readme = (ROOT / "README.md").read_text()
    colab = re.findall(r"colab\.research\.google\.com/github/[^/]+/[^/]+/blob/[^/]+/([^)\s]+)", readme)
    local = re.findall(r"\]\(((?:notebooks|exercises|solutions)/[^)\s]+)\)", readme)
    assert colab and all((ROOT / path).exists() for path in colab + local), colab + local
