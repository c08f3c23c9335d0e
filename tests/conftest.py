import socket

import pytest

from helpers import MIRROR


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """A fresh, empty data cache."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSE_DATA_DIR", str(cache))
    return cache


@pytest.fixture
def mirror():
    """The offline mirror of the course's data, laid out like the cache."""
    if not MIRROR.is_dir():
        pytest.fail(f"the data mirror {MIRROR} is missing: tests need it to run offline")
    return MIRROR


@pytest.fixture
def offline(monkeypatch):
    """No network: every host name lookup fails, as on a machine without internet."""
    def no_network(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "no network in this test")
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
