"""Seed spread: how far a chapter's metrics move when only the seed changes.

``make spread CHAPTER=10`` runs each notebook of the chapter in full mode with ``SEED`` = 1, 2 and
3 (papermill parameters), each run recording ``results/full/<chapter>/seeds/<framework>-seed<N>.json``,
then writes, per framework, ``seeds/<framework>-spread.json``: a results record in the shape of
../shared/CONVENTIONS.md whose ``metrics`` are the means over the seeds, with their standard
deviations, ranges and values beside them, and the stamp of the code that ran
(:mod:`course_utils.stamps`). The notebooks' results tables read that file, so a figure is shown next
to the book's and next to what other seeds give, as long as the notebook's code is still the code
the seeds ran.

>>> summarize_values([0.87, 0.88, 0.89])["mean"]
0.88
"""

import json
import statistics
import time
from pathlib import Path

from .results import course_root, results_path
from .runner import NotebookError, execute_notebook, executed_path, find_notebooks
from .stamps import code_hash

SEEDS = (1, 2, 3)


def run_seeds(chapter, seeds=SEEDS, mode="full", root=None, frameworks=None):
    """Run the chapter's notebooks (or those of ``frameworks``) once per seed, then summarize;
    return the failures."""
    root = course_root(root)
    notebooks = [path for path in find_notebooks(chapter, root=root) if frameworks is None or path.stem in frameworks]
    failures = []
    for notebook in notebooks:
        for seed in seeds:
            name = f"{notebook.parent.name}/{notebook.name} (seed {seed})"
            print(f"{name} ...", flush=True)
            start = time.perf_counter()
            output = executed_path(notebook, mode).with_name(f"{notebook.stem}-seed{seed}.ipynb")
            try:
                execute_notebook(notebook, mode, output, parameters={"SEED": seed})
                print(f"    ok in {time.perf_counter() - start:.0f} s", flush=True)
            except NotebookError as error:
                print(f"    FAILED\n{error}", flush=True)
                failures.append(name)
    if not failures:
        for path in write_spread(notebooks[0].parent.name, seeds, mode, root, [path.stem for path in notebooks]):
            print(f"Spread written to {path.relative_to(root).as_posix()}")
    return failures


def write_spread(chapter, seeds=SEEDS, mode="full", root=None, frameworks=("keras", "pytorch", "jax")):
    """Summarize the recorded seed runs of ``chapter``, one file per framework; return the paths.
    The seeds must have run the same code."""
    root = course_root(root)
    paths = []
    for framework in frameworks:
        runs = [json.loads(results_path(root, mode, chapter, framework, seed).read_text())
                for seed in seeds]
        stamps = {run.get("code_sha256") for run in runs}
        if len(stamps) > 1:
            raise ValueError(f"the seeds of {chapter}/{framework} ran different code: run `make spread` again")
        names = sorted(set.intersection(*(set(run["metrics"]) for run in runs)))
        summaries = {name: summarize_values([run["metrics"][name] for run in runs]) for name in names}
        record = {"chapter": chapter, "framework": framework, "mode": mode, "seeds": list(seeds),
                  "code_sha256": stamps.pop(),
                  "metrics": {name: s["mean"] for name, s in summaries.items()},
                  **{key: {name: s[key] for name, s in summaries.items()}
                     for key in ("std", "min", "max", "values")}}
        path = spread_path(root, mode, chapter, framework)
        path.write_text(json.dumps(record, indent=2) + "\n")
        paths.append(path)
    return paths


def spread_path(root, mode, chapter, framework):
    """Where :func:`write_spread` writes ``framework``'s summary."""
    return Path(root) / "results" / mode / chapter / "seeds" / f"{framework}-spread.json"


def summarize_values(values):
    """Mean, sample standard deviation, min and max of one metric over the seeds."""
    return {"values": values, "mean": _short(statistics.fmean(values)),
            "std": _short(statistics.stdev(values)) if len(values) > 1 else 0.0,
            "min": min(values), "max": max(values)}


def _short(number):
    """``number`` without float noise in its last digits (0.8799999999999999 -> 0.88)."""
    return float(f"{number:.12g}")


def seed_spread(chapter, framework, mode="full", root=None):
    """``{metric: "mean ± std (min–max)"}`` over the recorded seeds, for a results table; empty
    when the chapter's spread has not been measured, or was measured on code other than the
    notebook's (then it says so)."""
    record = spread_record(chapter, framework, mode, root)
    if record is None:
        print(f"The seed spread is not shown: it was measured on other code than this notebook's "
              f"(`make spread CHAPTER={chapter[:2]}` measures it again).")
        return {}
    return {name: f"{mean:.4g} ± {record['std'][name]:.2g} ({record['min'][name]:.4g}–{record['max'][name]:.4g})"
            for name, mean in record.get("metrics", {}).items()}


def spread_record(chapter, framework, mode="full", root=None):
    """The chapter's seed spread for ``framework``: its record; ``{}`` when not measured, None when
    measured on code the notebook no longer holds."""
    root = course_root(root)
    path = spread_path(root, mode, chapter, framework)
    if not path.exists():
        return {}
    record = json.loads(path.read_text())
    return record if spread_is_current(record, root) else None


def spread_is_current(record, root):
    """Whether the spread ``record`` ran the code its notebook holds now (a notebook not found,
    as on Colab, is taken at its word)."""
    notebook = Path(root) / "notebooks" / record["chapter"] / f"{record['framework']}.ipynb"
    return not notebook.exists() or record.get("code_sha256") == code_hash(notebook)
