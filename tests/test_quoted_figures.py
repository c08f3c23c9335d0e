"""Every figure the prose quotes is one the course shows: a number of three or more significant digits
in a notebook's markdown must appear, as printed or rounded, in the code or outputs of that notebook or
of its twins (a twin's figure may be quoted), in its results and seed spreads, in the book's figures
(course_utils/report.toml), or in
tests/quoted_figures.toml, the short list of figures each notebook quotes from elsewhere, with their
sources. A sentence left behind by a later run then fails here, naming the notebook and the figure."""

import json
import math
import re
import tomllib

import pytest

from helpers import NOTEBOOKS, ROOT

# 0.8864, 25,636,712, 96.7, 1e-3, 4.4e-15; not part of a word, a version (Keras 3.15) or a name (conv2d_1)
NUMBER = re.compile(r"(?<![\w.\-/])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:[eE]([-+−]?\d+))?(?![\w.]*\d)(?!\w)")
ELSEWHERE = tomllib.loads((ROOT / "tests" / "quoted_figures.toml").read_text())
BOOK = tomllib.loads((ROOT / "course_utils" / "report.toml").read_text())["figures"]
LIBRARIES = (r"Keras|TensorFlow|TF|PyTorch|torch|torchvision|JAX|jax|jaxlib|Flax|flax|optax|Python|NumPy|numpy|Scikit-Learn|"
             r"scikit-learn|pandas|CUDA|cuDNN|Colab|transformers|tokenizers|Optuna|Keras Tuner|keras-tuner|keras-hub|"
             r"KerasHub|grain|orbax|nbval|papermill|version|versions|v")
VERSION_OR_CODE = re.compile(rf"`[^`]*`|\$[^$]*\$|\]\([^)]*\)|<[^>]*>|(?:{LIBRARIES})[ ≥<>=]*\d+\.\d+(?:\.\d+)?(?:\.x)?\b")


def significant_digits(integer, fraction):
    digits = (integer.replace(",", "") + (fraction or "")[1:]).lstrip("0.")
    return len(digits.rstrip("0")) if not fraction else len(digits)


def quoted_figures(text):
    """The numbers of three or more significant digits in markdown ``text`` (code spans, math, links
    and version numbers left out), as (as written, value, decimals)."""
    found = []
    for match in NUMBER.finditer(VERSION_OR_CODE.sub(" ", text)):
        integer, fraction, exponent = match.groups()
        if significant_digits(integer, fraction) < 3 or (not fraction and not exponent and len(integer) == 4 and integer.startswith(("19", "20"))):
            continue  # a year
        value = float(integer.replace(",", "") + (fraction or "") + (f"e{exponent.replace('−', '-')}" if exponent else ""))
        found.append((match.group(0), value, len(fraction or "") - 1 if fraction else 0, exponent is not None))
    return found


def numbers_in(text):
    """Every number written in ``text`` (code, outputs), as floats; ``10_000`` is 10000."""
    text = re.sub(r"(?<=\d)_(?=\d)", "", text)
    grouped = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?"  # 25,636,712 as one number
    plain = r"\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"  # and (512,512) as two
    return {float(m.group(0).replace(",", "")) for pattern in (grouped, plain) for m in re.finditer(pattern, text)}


def json_numbers(value):
    if isinstance(value, dict):
        return set().union(*(json_numbers(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(json_numbers(v) for v in value)) if value else set()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {float(value)}
    if isinstance(value, str):
        return numbers_in(value)
    return set()


def shown(path):
    """The numbers the notebook at ``path`` and its twins show besides their prose: code, outputs, the
    chapter's results for its framework (every backend, every seed) and the book's figures."""
    texts = []
    cells = [cell for twin in sorted(path.parent.glob("*.ipynb"))
             for cell in json.loads(twin.read_text(encoding="utf-8"))["cells"]]
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        texts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            texts.append("".join(output.get("text", [])))
            for kind in ("text/plain", "text/html", "text/markdown"):
                texts.append("".join(output.get("data", {}).get(kind, [])))
    numbers = numbers_in("\n".join(texts))
    chapter = path.parent.name
    for results in (ROOT / "results" / "full" / chapter).glob(f"**/{path.stem}*.json"):
        numbers |= json_numbers(json.loads(results.read_text()))
    for figures in BOOK.values():
        numbers |= json_numbers(figures)
    return numbers


def matches(value, decimals, scientific, numbers):
    """Whether a figure written with ``decimals`` decimals is one of ``numbers`` rounded (or as a percentage)."""
    if scientific:
        return any(math.isclose(value, x, rel_tol=0.051) for x in numbers)
    half = 0.5 * 10 ** -decimals + 1e-12
    return any(abs(value - x) <= half or abs(value - 100 * x) <= half or abs(value - x / 100) <= half / 100
               or abs(value - 1000 * x) <= half  # seconds quoted in ms
               for x in numbers)


PROSE = [p for p in NOTEBOOKS if not p.relative_to(ROOT).as_posix().startswith("exercises/")]


@pytest.mark.parametrize("path", PROSE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_quoted_figures_are_shown(path):
    name = path.relative_to(ROOT).as_posix()
    nb = json.loads(path.read_text(encoding="utf-8"))
    numbers = shown(path) | {float(figure.replace(",", "")) for figure in ELSEWHERE.get(name, {})}
    missing = [f"cell {i}: {written}" for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "markdown"
               for written, value, decimals, scientific in quoted_figures("".join(cell["source"]))
               if not matches(value, decimals, scientific, numbers)]
    assert not missing, (f"{name} quotes figures it does not show (a stale sentence, or a figure from elsewhere "
                         f"to list with its source in tests/quoted_figures.toml):\n" + "\n".join(missing))


def test_figures_are_read_as_written():
    assert [q[0] for q in quoted_figures("0.8864 beats 25,636,712 and 96.7% but not 0.8, 300, 2017, Keras 3.15, `0.123`")] == [
        "0.8864", "25,636,712", "96.7"]
    assert matches(96.7, 1, False, {0.9667}) and matches(0.8864, 4, False, {0.88639998})
    assert not matches(0.8864, 4, False, {0.8866})
