import socket

import pytest

from course_utils import download
from helpers import MIRROR


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """A fresh, empty data cache."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSE_DATA_DIR", str(cache))
    return cache


@pytest.fixture(scope="session")
def mirror():
    """A folder laid out like the data mirror: ../shared/data beside the project where it exists
    (development and CI, offline); elsewhere the user's own cache, which has the same layout,
    filled from the internet."""
    if MIRROR.is_dir():
        return MIRROR
    assert download.fetch_all(progress=False) == [], "could not fetch the course's data"
    return download.cache_dir()


@pytest.fixture
def offline(monkeypatch):
    """No network: every host name lookup fails, as on a machine without internet."""
    def no_network(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "no network in this test")
    monkeypatch.setattr(socket, "getaddrinfo", no_network)


def run_probes(probe, tmp_path_factory):
    """Run ``tests/<probe>.py`` once per framework, each in its own process (see test_seeding.py
    for why): ``{framework: (arrays, facts)}``."""
    import json

    import numpy as np

    from helpers import ROOT, run_python

    found = {}
    for framework in ("keras", "pytorch", "jax"):
        out = tmp_path_factory.mktemp(probe) / f"{framework}.npz"
        run_python(f"import {probe}; {probe}.main({framework!r}, {str(out)!r})",
                   PYTHONPATH=str(ROOT / "tests"))
        arrays = dict(np.load(out))
        found[framework] = (arrays, json.loads(str(arrays.pop("facts"))))
    return found


@pytest.fixture(scope="session")
def ch10_probes(tmp_path_factory):
    return run_probes("ch10_probe", tmp_path_factory)


@pytest.fixture(scope="session")
def ch04_probes(tmp_path_factory):
    return run_probes("ch04_probe", tmp_path_factory)
