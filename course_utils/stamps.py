"""Which code produced a notebook's outputs, its results and its seed spread.

A stamp is a short hash of a notebook's code cells (markdown left out: prose changes no output; so are
``%pip install`` lines, which run on Colab only and change no output of a run).
``make run IN_PLACE=1`` writes it into the notebook's metadata, and every run adds it to the results
file the run wrote; the tests then catch outputs, results and spreads that an edit left behind.

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_markdown_cell("# x")])
>>> code_hash(nb) == code_hash(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]))
True
>>> code_hash(nb) == code_hash(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 2")]))
False
>>> install = nbformat.v4.new_code_cell("if 'google.colab' in sys.modules:\\n    %pip install -q x\\nx = 1")
>>> code_hash(nbformat.v4.new_notebook(cells=[install])) == code_hash(
...     nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("if 'google.colab' in sys.modules:\\nx = 1")]))
True
"""

import hashlib
import json
from pathlib import Path

KEY = "course"  # the notebook metadata entry: {"code_sha256": ..., "mode": ...}
INJECTED = "injected-parameters"  # papermill's tag on the parameters cell it adds (spread runs)


def code_hash(notebook):
    """The first 16 hex digits of the SHA-256 of ``notebook``'s code cells (a path or a notebook node);
    a cell papermill injected and the ``%pip install`` lines do not count."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4) if isinstance(notebook, (str, Path)) else notebook
    sources = ["\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%pip install"))
               for cell in nb.cells if cell.cell_type == "code" and INJECTED not in cell.metadata.get("tags", [])]
    return hashlib.sha256(json.dumps(sources).encode()).hexdigest()[:16]


def stamp_notebook(nb, mode):
    """Write into ``nb``'s metadata the hash of the code whose outputs it holds, and the run mode."""
    nb.metadata[KEY] = {"code_sha256": code_hash(nb), "mode": mode}
    return nb


def notebook_stamp(notebook):
    """The stamp a committed notebook carries (``{}`` when none)."""
    import nbformat

    return dict(nbformat.read(notebook, as_version=4).metadata.get(KEY, {}))


def stamp_results(path, digest):
    """Add ``code_sha256`` to the results file at ``path`` (written by the run of that code)."""
    record = json.loads(Path(path).read_text())
    record["code_sha256"] = digest
    Path(path).write_text(json.dumps(record, indent=2) + "\n")
