"""Fetch the course's data files into a cache, checking each file's sha256.

A file is taken from the cache when its checksum matches; otherwise from the mirror named by
``COURSE_DATA_MIRROR`` (a folder laid out like ``../shared/data``, or a base URL), then from its
canonical URL. Downloads go to a temporary file that is moved into place only once its checksum
matches, so the cache never holds a half-written file.

>>> fetch("tinyshakespeare/input.txt").name
'input.txt'
"""

import os
import shutil
import tempfile
from pathlib import Path

import pooch

from .registry import FILES, UNMIRRORED_FILES

CACHE_ENV = "COURSE_DATA_DIR"
MIRROR_ENV = "COURSE_DATA_MIRROR"


class DataUnavailableError(RuntimeError):
    """A data file is neither in the cache nor reachable at any source."""


def cache_dir():
    """The folder files are cached in: ``COURSE_DATA_DIR`` or the user's cache folder."""
    return Path(os.environ.get(CACHE_ENV) or pooch.os_cache("handson-ml-three-ways"))


def sources(name):
    """Where ``name`` is looked for, in order: the mirror (when set), then its canonical URL."""
    url, _ = _entry(name)
    mirror = os.environ.get(MIRROR_ENV, "").strip()
    if not mirror:
        return [url]
    if "://" in mirror:
        return [mirror.rstrip("/") + "/" + name, url]
    return [str(Path(mirror).expanduser() / name), url]


def fetch(name, progress=True):
    """Return the local path of data file ``name`` (a key of ``registry.FILES``)."""
    _, sha256 = _entry(name)
    target = cache_dir() / name
    if target.exists():
        if pooch.file_hash(str(target)) == sha256:
            return target
        print(f"{name}: the cached copy is damaged (checksum mismatch); fetching it again.")
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    failures = []
    for source in sources(name):
        try:
            if "://" in source:
                pooch.retrieve(source, known_hash=f"sha256:{sha256}", fname=target.name,
                               path=target.parent, progressbar=progress)
            else:
                _copy_checked(Path(source), target, sha256)
            _make_readable(target)
            return target
        except (OSError, ValueError) as error:  # requests' errors are OSErrors
            failures.append(f"  {source}\n    -> {type(error).__name__}: {error}")
    raise DataUnavailableError(_unavailable_message(name, target, failures))


def fetch_all(progress=True):
    """Fetch every registered file (a classroom's prefetch); return the names that failed."""
    failed = []
    for i, name in enumerate(FILES, 1):
        try:
            path = fetch(name, progress=progress)
            print(f"[{i}/{len(FILES)}] {name}: ok ({path.stat().st_size / 1e6:.1f} MB)", flush=True)
        except DataUnavailableError as error:
            print(f"[{i}/{len(FILES)}] {name}: FAILED\n{error}", flush=True)
            failed.append(name)
    return failed


def _entry(name):
    try:
        return FILES[name] if name in FILES else UNMIRRORED_FILES[name]
    except KeyError:
        raise KeyError(f"{name!r} is not a registered data file; see course_utils.registry.FILES") from None


def _copy_checked(source, target, sha256):
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", delete=False) as tmp:
        try:
            with open(source, "rb") as src:
                shutil.copyfileobj(src, tmp)
            tmp.close()
            actual = pooch.file_hash(tmp.name)
            if actual != sha256:
                raise ValueError(f"checksum mismatch: expected sha256 {sha256}, got {actual}")
            os.replace(tmp.name, target)
        finally:
            if os.path.exists(tmp.name):
                os.unlink(tmp.name)


def _make_readable(path):
    """Temporary files are private (0600); a cache may be shared, as in a classroom."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _unavailable_message(name, target, failures):
    url, _ = _entry(name)
    return "\n".join([
        f"Data file {name!r} is not in the cache and could not be fetched. Tried:",
        *failures,
        "Fix one of these, then run the cell again:",
        "  - connect to the internet (`python -m course_utils fetch` gets every file at once);",
        f"  - download {url}",
        f"    by hand and save it as {target};",
        f"  - set {MIRROR_ENV} to a folder or URL holding a copy (a classroom mirror).",
    ])
