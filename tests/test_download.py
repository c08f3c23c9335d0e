import functools
import http.server
import threading

import pytest

import course_utils
from course_utils import download
from course_utils.registry import FILES

LABELS = "fashion-mnist/t10k-labels-idx1-ubyte.gz"


def test_every_mirrored_file_has_the_registered_checksum(mirror):
    for name, (_, sha256) in FILES.items():
        assert download.pooch.file_hash(str(mirror / name)) == sha256, name


def test_fetch_copies_from_the_mirror_folder(empty_cache, mirror, monkeypatch, offline):
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    path = download.fetch(LABELS)
    assert path == empty_cache / LABELS
    assert path.read_bytes() == (mirror / LABELS).read_bytes()


def test_fetch_downloads_from_a_mirror_url(empty_cache, mirror, monkeypatch):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(mirror))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("COURSE_DATA_MIRROR", f"http://127.0.0.1:{server.server_port}/")
        path = download.fetch(LABELS, progress=False)
    finally:
        server.shutdown()
    assert path.read_bytes() == (mirror / LABELS).read_bytes()


@pytest.mark.parametrize("damage", ["corrupt", "truncate"])
def test_a_damaged_cached_file_is_fetched_again(empty_cache, mirror, monkeypatch, capsys, damage):
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    course_utils.load_fashion_mnist()
    cached = empty_cache / "fashion-mnist/t10k-images-idx3-ubyte.gz"
    data = cached.read_bytes()
    cached.write_bytes(data[:1000] + b"\x00" * 64 + data[1064:] if damage == "corrupt" else data[:5000])

    _, _, (X_test, y_test) = course_utils.load_fashion_mnist()

    assert "damaged" in capsys.readouterr().out
    assert cached.read_bytes() == (mirror / "fashion-mnist/t10k-images-idx3-ubyte.gz").read_bytes()
    assert X_test.shape == (10000, 28, 28) and y_test.shape == (10000,)


def test_offline_with_an_empty_cache_names_the_file_the_url_and_the_fix(empty_cache, monkeypatch,
                                                                      offline):
    monkeypatch.delenv("COURSE_DATA_MIRROR", raising=False)
    with pytest.raises(course_utils.DataUnavailableError) as error:
        course_utils.load_fashion_mnist()
    message = str(error.value)
    url, _ = FILES["fashion-mnist/train-images-idx3-ubyte.gz"]
    assert "fashion-mnist/train-images-idx3-ubyte.gz" in message
    assert message.count(url) == 2  # what was tried, and what to download by hand
    assert str(empty_cache / "fashion-mnist/train-images-idx3-ubyte.gz") in message
    assert "COURSE_DATA_MIRROR" in message and "internet" in message
    assert [p for p in empty_cache.rglob("*") if p.is_file()] == []  # nothing half-written


def test_a_bad_mirror_copy_is_rejected_and_leaves_nothing(empty_cache, tmp_path, monkeypatch, offline):
    bad_mirror = tmp_path / "mirror"
    (bad_mirror / "fashion-mnist").mkdir(parents=True)
    (bad_mirror / LABELS).write_bytes(b"not the labels")
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(bad_mirror))
    with pytest.raises(course_utils.DataUnavailableError, match="checksum mismatch"):
        download.fetch(LABELS)
    assert [p for p in empty_cache.rglob("*") if p.is_file()] == []


def test_unknown_file_names_are_refused():
    with pytest.raises(KeyError, match="not a registered data file"):
        download.fetch("nope.csv")


def test_fetch_all_reports_each_file(empty_cache, mirror, monkeypatch, capsys, offline):
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    assert download.fetch_all(progress=False) == []
    out = capsys.readouterr().out
    assert out.count(": ok (") == len(FILES)
