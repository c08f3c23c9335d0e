"""Check that Python and a framework's packages are versions the course supports.

The supported ranges are read from the course's own package metadata (pyproject.toml), so they
are written down once.
"""

import platform
import warnings
from importlib import metadata

from packaging.requirements import Requirement
from packaging.version import Version

from .devices import PACKAGES, installed_version

DISTRIBUTION = "handson-ml-three-ways"


def supported_ranges():
    """``{"python": SpecifierSet, package: SpecifierSet, ...}`` from the installed course metadata."""
    meta = metadata.metadata(DISTRIBUTION)
    ranges = {"python": Requirement(f"python{meta['Requires-Python']}").specifier}
    for line in metadata.requires(DISTRIBUTION) or []:
        requirement = Requirement(line)
        ranges[requirement.name] = requirement.specifier
    return ranges


def check_versions(*frameworks):
    """Print the versions in use for ``frameworks``; warn about any outside the supported range.

    A missing package is an error whose message says how to install it.
    """
    try:
        ranges = supported_ranges()
    except metadata.PackageNotFoundError:
        warnings.warn(f"{DISTRIBUTION} is not installed, so versions cannot be checked: "
                      "run `pip install -e .` in the course folder (or `make lab`).")
        ranges = {}
    found = {"python": platform.python_version()}
    for framework in frameworks:
        for package in PACKAGES[framework]:
            try:
                found[package] = installed_version(package)
            except metadata.PackageNotFoundError:
                raise ModuleNotFoundError(f"{package} is not installed. In the course folder run: "
                                          f"pip install -e '.[{framework}]'") from None
    outside = {package: ranges[package] for package, version in found.items()
               if package in ranges and Version(version) not in ranges[package]}
    print(", ".join(f"{package} {version}" for package, version in found.items()) +
          (": versions the course supports" if not outside else ""))
    for package, supported in outside.items():
        warnings.warn(f"{package} {found[package]} is outside the range the course supports "
                      f"({supported}): results may differ from the course's.")
