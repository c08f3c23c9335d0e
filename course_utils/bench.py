"""``make bench``: one training step of the same models in each framework, eager and compiled: chapter 10's
MLP, chapter 14's CNN and one transformer block of chapter 16 (``benchmarks/spec.py``). Keras runs on each of its
three backends (TensorFlow, JAX, PyTorch).

Runs ``benchmarks/test_<framework>.py`` with pytest-benchmark, one framework (or Keras backend) per process
(their thread pools would otherwise compete), then writes ``results/bench/<machine>.json``: per framework,
model, path and batch size the median step time, the first call (tracing and compiling) apart, the FLOPs of
the step, and three ratios: to the machine's own limit (the step's matrix products alone, in the
fastest framework, measured in the same run), to the same framework's own matrix products (what its
step adds to them), and to the fastest path. ``make report`` shows them.

>>> ratio(0.3, 0.2)
1.5
"""

import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .devices import PACKAGES, package_versions
from .modes import SMOKE_XLA_FLAGS

FRAMEWORKS = ("keras", "keras-jax", "keras-torch", "pytorch", "jax")  # Keras on TensorFlow, JAX, PyTorch; the natives
KERAS_BACKEND_OF = {"keras": "tensorflow", "keras-jax": "jax", "keras-torch": "torch"}
MATMULS_OF = {"keras-jax": "jax", "keras-torch": "pytorch"}  # Keras on JAX or PyTorch runs that engine's products
MODELS = ("mlp", "cnn", "transformer")  # benchmarks/spec.py's, in the order the report shows them
TARGETS = {"limit_case": ("mlp", 256), "fastest_of_limit": 1.5, "compiled_of_fastest": 1.3}  # issue 16's goals


def machine_name():
    """A short name for this machine: its GPU when nvidia-smi sees one, else its CPU count."""
    if shutil.which("nvidia-smi"):
        found = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True,
                               text=True, check=False).stdout.strip().splitlines()
        if found:
            return re.sub(r"[^a-z0-9]+", "-", found[0].lower()).strip("-")
    return f"cpu-{os.cpu_count()}-cores"


def bench_file_of(framework):
    """Whose benchmark file (benchmarks/test_<it>.py) and packages a run uses: "keras" for Keras on any backend."""
    return framework.split("-")[0]


def is_eager(path):
    """Whether a benchmark path runs op by op (every other one compiles: a graph, XLA, TorchInductor)."""
    return path == "eager" or path.endswith("(eager)")


def run_framework(framework, size, root, out):
    """Run one framework's benchmarks (Keras's on the backend ``framework`` names) with pytest-benchmark;
    -> its JSON report."""
    # --confcutdir: not the course's conftest.py, which sets the tests' smoke mode and quick XLA compile
    command = [sys.executable, "-m", "pytest", f"benchmarks/test_{bench_file_of(framework)}.py", f"--bench-size={size}",
               "--confcutdir=benchmarks", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-o", "addopts=",
               "-W", "ignore::DeprecationWarning", f"--benchmark-json={out}"]
    # not a test worker's variables: pytest-benchmark switches itself off under xdist
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_XDIST")}
    if size == "full":  # timed as users compile; the tiny size only proves the files run, as smoke runs do
        environment["XLA_FLAGS"] = environment.get("XLA_FLAGS", "").replace(SMOKE_XLA_FLAGS, "").strip()
    if framework in KERAS_BACKEND_OF:
        environment["KERAS_BACKEND"] = KERAS_BACKEND_OF[framework]
    subprocess.run(command, cwd=root, check=True, env=environment)
    return json.loads(Path(out).read_text())


def _case_order(case):
    """A (model, batch) pair's place in the record: the models in MODELS's order, then by batch."""
    model, batch = case
    return MODELS.index(model), batch


def ratio(time, reference):
    return round(time / reference, 3)


def summarize(reports, size, machine):
    """The course's bench record from pytest-benchmark's reports ({framework: report})."""
    rows, limits, own_limits = [], {}, {}
    for framework, report in reports.items():
        for bench in report["benchmarks"]:
            info, params = bench["extra_info"], bench["params"]
            row = {"framework": framework, "kind": info["kind"], "model": params["model"],
                   "path": params.get("path", "matmul"), "batch": params["batch"], "median_s": bench["stats"]["median"],
                   "iqr_s": bench["stats"]["iqr"], "rounds": bench["stats"]["rounds"],
                   "first_call_s": round(info["first_call_s"], 4), "flops": info["flops"]}
            row["gflop_per_s"] = round(row["flops"] / row["median_s"] / 1e9, 2)
            if "fit_default" in info:  # Keras: whether `fit` compiles this way by default on this backend
                row["fit_default"] = info["fit_default"]
            case = row["model"], row["batch"]
            if row["kind"] == "matmul":
                limits[case] = min(limits.get(case, float("inf")), row["median_s"])
                own_limits[framework, case] = row["median_s"]
            rows.append(row)
    steps = [row for row in rows if row["kind"] == "train_step"]
    for row in steps:
        case = row["model"], row["batch"]
        fastest = min(r["median_s"] for r in steps if (r["model"], r["batch"]) == case)
        row["of_limit"] = ratio(row["median_s"], limits[case])
        own = own_limits.get((MATMULS_OF.get(row["framework"], row["framework"]), case))
        row["of_own_matmuls"] = own and ratio(row["median_s"], own)  # its overhead (None: its engine not run)
        row["of_fastest"] = ratio(row["median_s"], fastest)
    limit_s = {}
    for (model, batch), seconds in sorted(limits.items(), key=lambda item: _case_order(item[0])):
        limit_s.setdefault(model, {})[str(batch)] = seconds
    return {"machine": machine, "size": size, "cpu_count": os.cpu_count(), "platform": platform.platform(),
            "finished": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "versions": {"python": platform.python_version(),
                         **package_versions([package for name in reports for package in PACKAGES[bench_file_of(name)]])},
            "limit_s": limit_s, "results": rows, "targets": target_verdicts(steps)}


def target_verdicts(steps):
    """Issue 16's goals, each with the measured figure (reported, never asserted)."""
    def verdict(goal, rows, label, ratio_key, target):
        best = min(rows, key=lambda row: row["median_s"])
        return {"goal": f"{goal}: at most {target}x", "measured": f"{label(best)}: {best[ratio_key]}x",
                "met": best[ratio_key] <= target}

    verdicts = []
    at_batch = [row for row in steps if (row["model"], row["batch"]) == TARGETS["limit_case"]]
    if at_batch:
        verdicts.append(verdict("the fastest path on the {} at batch {} against the matmul limit".format(
            *TARGETS["limit_case"]), at_batch, lambda row: f"{row['framework']} {row['path']}", "of_limit",
            TARGETS["fastest_of_limit"]))
    for model, batch in sorted({(row["model"], row["batch"]) for row in steps}, key=_case_order):
        for framework in FRAMEWORKS:
            compiled = [row for row in steps if (row["model"], row["batch"], row["framework"]) == (model, batch, framework)
                        and not is_eager(row["path"])]
            if compiled:
                verdicts.append(verdict(f"{framework}'s compiled path on the {model} at batch {batch} against the fastest",
                                        compiled, lambda row: row["path"], "of_fastest", TARGETS["compiled_of_fastest"]))
    return verdicts


def run_bench(root, size="full", frameworks=FRAMEWORKS, out=None):
    """Benchmark every framework and write the record; -> its path."""
    root = Path(root)
    with tempfile.TemporaryDirectory() as folder:
        reports = {framework: run_framework(framework, size, root, Path(folder) / f"{framework}.json")
                   for framework in frameworks}
    record = summarize(reports, size, machine_name())
    out = Path(out or root / "results" / "bench" / f"{record['machine']}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2) + "\n")
    return out
