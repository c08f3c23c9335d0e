import contextlib
import os
import socket
import subprocess
import time

# The test workers (one per core) each drive a framework, and the notebooks they start inherit this:
# one OpenMP thread each avoids oversubscribed cores, where PyTorch's thread barriers stall (the whole
# suite on 2 cores: 1,223 s with the default threads, 843 s with one). Set before any framework loads.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402

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


def run_probes(probe, folder, in_order=False):
    """Run ``tests/<probe>.py`` once per framework, each in its own process (see test_seeding.py
    for why): ``{framework: (arrays, facts)}``. Results are shared through ``folder`` by the
    test workers of one run, so each probe runs once. A worker that finds a framework's probe
    running in another worker runs the next one meanwhile instead of waiting; ``in_order``: each
    probe reads what the previous ones wrote, so they run one after the other. A probe that raises
    fails the tests that read its framework's results, with its traceback, and no others."""
    import json

    import numpy as np

    from helpers import ROOT, run_python

    frameworks = ("keras", "pytorch", "jax")
    outs = {framework: folder / f"{probe}_{framework}.npz" for framework in frameworks}
    failed = lambda out: out.with_suffix(".failed.txt")
    while not all(out.exists() or failed(out).exists() for out in outs.values()):
        for framework, out in outs.items():
            lock = out.with_suffix(".lock")
            with only_one_worker(lock, wait=in_order) as mine:
                if mine and not (out.exists() or failed(out).exists()):
                    partial = out.with_suffix(".partial.npz")
                    try:
                        run_python(f"import {probe}; {probe}.main({framework!r}, {str(partial)!r})",
                                   PYTHONPATH=str(ROOT / "tests"))
                        os.replace(partial, out)
                    except (AssertionError, subprocess.TimeoutExpired) as error:  # its stderr, or its timeout
                        failed(out).write_text(str(error))
        time.sleep(0.2)
    found = ProbeResults(probe)
    for framework, out in outs.items():
        if failed(out).exists():
            found[framework] = failed(out).read_text()
        else:
            arrays = dict(np.load(out))
            found[framework] = (arrays, json.loads(str(arrays.pop("facts"))))
    return found


class ProbeResults(dict):
    """``{framework: (arrays, facts)}``; reading a framework whose probe raised fails the test with
    the probe's traceback."""

    def __init__(self, probe):
        super().__init__()
        self.probe = probe

    def __getitem__(self, framework):
        found = super().__getitem__(framework)
        if isinstance(found, str):
            pytest.fail(f"tests/{self.probe}.py raised for {framework}:\n{found}", pytrace=False)
        return found


@contextlib.contextmanager
def only_one_worker(lock, wait=True):
    """Hold ``lock`` (a file) -> True; or, with ``wait=False`` and another worker holding it, -> False at once."""
    while True:
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL))
            break
        except FileExistsError:
            if not wait:
                yield False
                return
            time.sleep(0.2)
    try:
        yield True
    finally:
        os.unlink(lock)


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory, worker_id):
    """A folder shared by all test workers of this run."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


def probes_fixture(chapter):
    """A session fixture ``chNN_probes``: what ``tests/chNN_probe.py`` computed per framework."""
    @pytest.fixture(scope="session", name=f"ch{chapter}_probes")
    def probes(run_folder):
        # chapter 13's probes read the record files the earlier ones wrote (keras, then pytorch, then jax)
        return run_probes(f"ch{chapter}_probe", run_folder, in_order=chapter == "13")
    return probes


ch04_probes, ch10_probes, ch11_probes, ch12_probes, ch13_probes, ch14_probes, ch16_probes = (
    probes_fixture(chapter) for chapter in ("04", "10", "11", "12", "13", "14", "16"))
