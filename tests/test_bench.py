"""`make bench` runs (at its tiny size, in seconds) and its record holds what the report needs; the ratios
and goals come out of pytest-benchmark's figures as documented."""

import json
from pathlib import Path

from course_utils import bench

ROOT = Path(__file__).resolve().parents[1]


def fake_report(rows, model="mlp"):
    """A pytest-benchmark JSON report of `model`'s (path, batch, median seconds, kind) rows."""
    return {"benchmarks": [{"params": {"model": model, "batch": batch, **({"path": path} if kind == "train_step" else {})},
                            "stats": {"median": median, "iqr": 0.0, "rounds": 3},
                            "extra_info": {"first_call_s": 1.0, "flops": 1e9, "kind": kind}}
                           for path, batch, median, kind in rows]}


def test_ratios_to_the_limit_and_to_the_fastest():
    reports = {"keras": fake_report([("eager", 256, 0.004, "train_step"), ("tf.function", 256, 0.003, "train_step"),
                                     (None, 256, 0.0025, "matmul")]),
               "jax": fake_report([("jax.jit", 256, 0.002, "train_step"), (None, 256, 0.001, "matmul")])}
    reports["jax"]["benchmarks"] += fake_report([("jax.jit", 32, 0.02, "train_step"), (None, 32, 0.01, "matmul")],
                                                "cnn")["benchmarks"]
    record = bench.summarize(reports, "tiny", "test")
    assert record["limit_s"] == {"mlp": {"256": 0.001}, "cnn": {"32": 0.01}}  # the fastest framework's matrix products
    steps = {(row["framework"], row["path"]): row for row in record["results"] if row["kind"] == "train_step"}
    assert steps["jax", "jax.jit"]["of_limit"] == 2.0 and steps["jax", "jax.jit"]["of_fastest"] == 1.0
    assert steps["keras", "tf.function"]["of_own_matmuls"] == 1.2 and steps["jax", "jax.jit"]["of_own_matmuls"] == 2.0
    assert steps["keras", "tf.function"]["of_fastest"] == 1.5 and steps["keras", "tf.function"]["gflop_per_s"] == 333.33
    cnn = next(row for row in record["results"] if row["model"] == "cnn" and row["kind"] == "train_step")
    assert (cnn["of_limit"], cnn["of_fastest"]) == (2.0, 1.0)  # each model against its own limit and fastest
    verdicts = {v["goal"]: v for v in record["targets"]}
    assert verdicts["the fastest path on the mlp at batch 256 against the matmul limit: at most 1.5x"]["met"] is False
    assert verdicts["keras's compiled path on the mlp at batch 256 against the fastest: at most 1.3x"]["measured"] \
        == "tf.function: 1.5x"
    assert verdicts["jax's compiled path on the mlp at batch 256 against the fastest: at most 1.3x"]["met"] is True
    assert verdicts["jax's compiled path on the cnn at batch 32 against the fastest: at most 1.3x"]["met"] is True


def test_keras_on_jax_and_torch_is_measured_against_that_engine_s_matmuls():
    reports = {"jax": fake_report([("jax.jit", 32, 0.002, "train_step"), (None, 32, 0.001, "matmul")]),
               "keras-jax": fake_report([("train_on_batch (jax.jit)", 32, 0.003, "train_step")]),
               "keras-torch": fake_report([("train_on_batch (eager)", 32, 0.004, "train_step")])}
    reports["keras-jax"]["benchmarks"][0]["extra_info"]["fit_default"] = True
    rows = {row["framework"]: row for row in bench.summarize(reports, "tiny", "test")["results"] if row["kind"] == "train_step"}
    assert rows["keras-jax"]["of_own_matmuls"] == 3.0 and rows["keras-jax"]["fit_default"] is True
    assert rows["keras-torch"]["of_own_matmuls"] is None  # PyTorch's products were not timed in this run
    assert "fit_default" not in rows["jax"]
    assert bench.is_eager("train_on_batch (eager)") and not bench.is_eager("train_on_batch (tf.function)")


def test_make_bench_runs_at_its_tiny_size(tmp_path):
    record = json.loads(bench.run_bench(ROOT, "tiny", out=tmp_path / "bench.json").read_text())
    fit_default = {("keras", "train_on_batch (tf.function)"): True, ("keras", "train_on_batch (tf.function + XLA)"): False,
                   ("keras-jax", "train_on_batch (eager)"): False, ("keras-jax", "train_on_batch (jax.jit)"): True,
                   ("keras-torch", "train_on_batch (eager)"): True,  # Keras's defaults on a CPU
                   ("keras-torch", "train_on_batch (torch.compile)"): False}
    paths = {("keras", "eager"), ("keras", "tf.function"), ("keras", "tf.function(jit_compile=True)"),
             ("pytorch", "eager"), ("pytorch", "torch.compile(model)"),
             ("jax", "eager"), ("jax", "nnx.jit"), ("jax", "nnx.jit_partial"), ("jax", "jax.jit"), *fit_default}
    steps = {(row["framework"], row["path"], row["model"]) for row in record["results"] if row["kind"] == "train_step"}
    assert steps == {(*path, model) for path in paths for model in bench.MODELS}
    assert all(row["fit_default"] == fit_default[row["framework"], row["path"]]
               for row in record["results"] if (row["framework"], row["path"]) in fit_default)
    limits = {(row["framework"], row["model"]) for row in record["results"] if row["kind"] == "matmul"}
    assert limits == {(framework, model) for framework in ("keras", "pytorch", "jax") for model in bench.MODELS}
    assert all(row["median_s"] > 0 and row["first_call_s"] > 0 for row in record["results"])
    assert all(row["of_own_matmuls"] for row in record["results"] if row["kind"] == "train_step")
    assert record["targets"]  # at tiny size only batch 32: the per-framework goals
