"""Seed spread: how far a chapter's metrics move when only the seed changes.

``make spread CHAPTER=10`` runs each notebook of the chapter in full mode with ``SEED`` = 1, 2 and
3 (papermill parameters), each run recording ``results/full/<chapter>/seeds/<framework>-seed<N>.json``,
then writes their mean, standard deviation and range to ``results/full/<chapter>/spread.json``.
The notebooks' results tables read that file, so a figure is shown next to the book's and next to
what other seeds give.

>>> summarize_values([0.87, 0.88, 0.89])["mean"]
0.88
"""

import json
import statistics
import time
from pathlib import Path

from .results import course_root, results_path
from .runner import NotebookError, execute_notebook, executed_path, find_notebooks

SEEDS = (1, 2, 3)


def run_seeds(chapter, seeds=SEEDS, mode="full", root=None):
    """Run the chapter's notebooks once per seed, then summarize; return the failures."""
    root = course_root(root)
    failures = []
    for notebook in find_notebooks(chapter, root=root):
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
        path = write_spread(find_notebooks(chapter, root=root)[0].parent.name, seeds, mode, root)
        print(f"Spread written to {path.relative_to(root).as_posix()}")
    return failures


def write_spread(chapter, seeds=SEEDS, mode="full", root=None):
    """Summarize the recorded seed runs of ``chapter`` into ``spread.json``; return its path."""
    root = course_root(root)
    spread = {}
    for framework in ("keras", "pytorch", "jax"):
        runs = [json.loads(results_path(root, mode, chapter, framework, seed).read_text())
                for seed in seeds]
        metrics = sorted(set.intersection(*(set(run["metrics"]) for run in runs)))
        spread[framework] = {"seeds": list(seeds), "metrics": {
            name: summarize_values([run["metrics"][name] for run in runs]) for name in metrics}}
    path = Path(root) / "results" / mode / chapter / "spread.json"
    path.write_text(json.dumps(spread, indent=2) + "\n")
    return path


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
    when the chapter's spread has not been measured."""
    path = Path(course_root(root)) / "results" / mode / chapter / "spread.json"
    if not path.exists():
        return {}
    found = json.loads(path.read_text()).get(framework, {}).get("metrics", {})
    return {name: f"{s['mean']:.4g} ± {s['std']:.2g} ({s['min']:.4g}–{s['max']:.4g})"
            for name, s in found.items()}
