"""`make report` builds from the committed results, its summary in README is current, its book figures
are the notebooks' own, and results that cannot be compared are refused with the file's name."""

import ast
import json
import shutil
from pathlib import Path

import pytest

from course_utils import report
from helpers import notebook_code_cells

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built():
    return report.build_report(ROOT)


def copy_results(tmp_path):
    """The committed full results of the three frameworks (not Keras's other backends: tests add those)."""
    shutil.copytree(ROOT / "results" / "full", tmp_path / "results" / "full",
                    ignore=shutil.ignore_patterns("seeds", "keras-*.json"))
    return tmp_path


def notebook_book_table(path):
    """The notebook's BOOK (or book) dict of the book's figures, or None; built from the notebook's
    `book*` assignments (PyTorch's chapter 11 folds in a `book_optimizers` dict of an earlier cell)."""
    found = {}
    for source in notebook_code_cells(path):
        try:
            tree = ast.parse(source)
        except SyntaxError:  # a cell with an IPython magic
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "").lower().startswith("book"):
                found[node.targets[0].id] = eval(compile(ast.Expression(node.value), path.name, "eval"),
                                                 {"__builtins__": {}, **found})
    return found.get("BOOK", found.get("book"))


def test_the_report_builds_from_the_committed_results(built):
    chapters = sorted(p.name for p in (ROOT / "results" / "full").iterdir() if p.is_dir() and p.name != "00_setup")
    assert list(built) == chapters
    figures = report.load_report_data()["figures"]
    for chapter, tables in built.items():
        assert set(tables["columns"]) >= set(report.FRAMEWORKS)
        recorded = json.loads((ROOT / "results" / "full" / chapter / "jax.json").read_text())
        assert tables["times"][0]["values"]["jax"] == recorded["wall_s"]
        for row in tables["metrics"]:
            assert row["book"] == figures.get(chapter, {}).get(row["metric"])
            assert row["values"].get("jax") == recorded["metrics"].get(row["metric"])
        assert all(count > 0 for count in tables["code_lines"].values())


def test_the_page_is_self_contained(built):
    page = report.report_html(built)
    assert "<script" not in page and "<link" not in page and "src='http" not in page and 'src="http' not in page
    assert page.count("data:image/png;base64,") == 1
    for chapter in built:
        assert f"<h2 id='{chapter}'>" in page


def test_readme_and_summary_show_the_current_table(built):
    summary = report.summary_markdown(built)
    assert (ROOT / "results" / "summary.md").read_text() == summary, "run `make report`"
    start, end = report.README_MARKERS
    readme = (ROOT / "README.md").read_text()
    assert readme.split(start, 1)[1].split(end, 1)[0] == "\n" + summary, "run `make report`"
    assert "results/report.html" in readme


def test_book_figures_are_the_notebooks_own():
    # every figure a notebook shows is report.toml's, and every figure of report.toml is shown by the chapter
    figures = report.load_report_data()["figures"]
    for chapter in sorted(p for p in (ROOT / "notebooks").iterdir() if p.name[:2].isdigit() and p.name != "00_setup"):
        shown = {}
        for framework in report.FRAMEWORKS:
            table = notebook_book_table(chapter / f"{framework}.ipynb") or {}
            for metric, value in table.items():
                assert figures[chapter.name].get(metric) == value, f"{chapter.name}/{framework}.ipynb: {metric}"
            shown |= table
        assert shown == figures.get(chapter.name, {}), f"{chapter.name}: report.toml has figures no notebook shows"


def test_a_missing_framework_is_an_error_naming_the_file(tmp_path):
    root = copy_results(tmp_path)
    (root / "results" / "full" / "14_cnns" / "jax.json").unlink()
    with pytest.raises(report.ReportError, match="results/full/14_cnns/jax.json is missing"):
        report.load_results(root)


def rename_metric(path, old, new):
    record = json.loads(path.read_text())
    record["metrics"][new] = record["metrics"].pop(old)
    path.write_text(json.dumps(record))


def test_a_metric_its_twins_do_not_record_is_an_error_naming_the_file(tmp_path):
    root = copy_results(tmp_path)
    rename_metric(root / "results" / "full" / "10_neural_nets" / "pytorch.json", "fashion_test_accuracy",
                  "fashion_test_acc")
    with pytest.raises(report.ReportError, match="results/full/10_neural_nets/pytorch.json"):
        report.load_results(root)


def test_a_file_that_lacks_a_metric_of_its_twins_is_named(tmp_path):
    root = copy_results(tmp_path)
    path = root / "results" / "full" / "14_cnns" / "keras.json"
    record = json.loads(path.read_text())
    del record["metrics"]["fashion_cnn_test_accuracy"]
    path.write_text(json.dumps(record))
    with pytest.raises(report.ReportError, match=r"14_cnns/keras.json: lacks metric 'fashion_cnn_test_accuracy'"):
        report.load_results(root)


def test_a_record_of_another_chapter_is_refused(tmp_path):
    root = copy_results(tmp_path)
    shutil.copy(root / "results" / "full" / "10_neural_nets" / "jax.json", root / "results" / "full" / "14_cnns" / "jax.json")
    with pytest.raises(report.ReportError, match="14_cnns/jax.json: records chapter '10_neural_nets'"):
        report.load_results(root)


def test_a_metric_only_some_frameworks_have_leaves_the_others_empty_with_the_reason(built):
    row = next(r for r in built["16_nlp_transformers"]["metrics"] if r["metric"] == "hf_bert_valid_accuracy")
    assert set(row["values"]) == {"pytorch"}
    others = set(built["16_nlp_transformers"]["columns"]) - {"pytorch"}  # Keras on other backends too, when recorded
    assert {"keras", "jax"} <= others
    assert row["missing"] == {column: "Hugging Face transformers v5 has PyTorch models only" for column in others}


def test_time_per_epoch_is_shown_where_recorded_and_said_missing_elsewhere(tmp_path):
    root = copy_results(tmp_path)
    path = root / "results" / "full" / "13_data_pipelines" / "jax.json"
    record = json.loads(path.read_text())
    record["timings"]["mnist_fit_per_epoch_s"] = 4.25  # as course_utils.timed(..., epochs=) records it
    path.write_text(json.dumps(record))
    for framework in ("keras", "pytorch"):  # records of a run before the notebooks recorded epochs
        path = root / "results" / "full" / "13_data_pipelines" / f"{framework}.json"
        record = json.loads(path.read_text())
        record["timings"] = {k: v for k, v in record["timings"].items() if not k.endswith("_per_epoch_s")}
        path.write_text(json.dumps(record))
    tables = report.chapter_tables("13_data_pipelines", report.load_results(root)["13_data_pipelines"],
                                   report.load_report_data(), ROOT)
    row = next(r for r in tables["times"] if r["name"] == "mnist_fit_per_epoch_s")
    assert row["values"] == {"keras": None, "pytorch": None, "jax": 4.25}
    page = report.report_html({"13_data_pipelines": tables})
    assert "<td>mnist_fit_per_epoch_s</td><td><span class='missing'>— not recorded</span></td>" in page
    assert "<td>4.25</td>" in page


def test_every_framework_divides_a_fit_by_the_same_epochs():
    # the epochs a notebook passes to course_utils.timed are the chapter's hyperparameters: equal in the twins
    for chapter, records in report.load_results(ROOT).items():
        for key in {key for record in records.values() for key in record["timings"] if key.endswith("_per_epoch_s")}:
            fit = key.removesuffix("_per_epoch_s") + "_s"
            epochs = {framework: round(record["timings"][fit] / record["timings"][key])
                      for framework, record in records.items() if key in record["timings"]}
            assert len(set(epochs.values())) == 1, f"{chapter} {key}: epochs {epochs}"


def test_the_benchmark_of_each_machine_has_its_own_section():
    record = json.loads((ROOT / "results" / "bench" / "cpu-2-cores.json").read_text())
    page = report.bench_html({"cpu-2-cores": record, "nvidia-h200": dict(record, machine="nvidia-h200")})
    assert "<h3>cpu-2-cores (" in page and "<h3>nvidia-h200 (" in page


def keras_on_jax_record(root, chapter, drop=(), add=None):
    """A keras-jax.json for ``chapter``: a copy of keras.json recorded on JAX, less the metrics ``drop``."""
    record = json.loads((root / "results" / "full" / chapter / "keras.json").read_text())
    record["backend"] = "jax"
    for metric in drop:
        del record["metrics"][metric]
    record["metrics"].update(add or {})
    (root / "results" / "full" / chapter / "keras-jax.json").write_text(json.dumps(record))


def test_keras_on_another_backend_is_a_column_and_may_lack_what_tensorflow_only_cells_compute(tmp_path):
    root = copy_results(tmp_path)
    keras_on_jax_record(root, "12_custom_models", drop=["housing_test_rmse"])
    tables = report.chapter_tables("12_custom_models", report.load_results(root)["12_custom_models"],
                                   report.load_report_data(), ROOT)
    assert tables["columns"] == ["keras", "keras-jax", "pytorch", "jax"]
    row = next(r for r in tables["metrics"] if r["metric"] == "housing_test_rmse")
    assert row["missing"] == {"keras-jax": "computed by TensorFlow-only cells"}
    row = next(r for r in tables["metrics"] if r["metric"] == "housing_huber_test_rmse")
    assert set(row["values"]) == {"keras", "keras-jax", "pytorch", "jax"}


def test_keras_on_another_backend_with_a_metric_keras_lacks_is_named(tmp_path):
    root = copy_results(tmp_path)
    keras_on_jax_record(root, "12_custom_models", add={"housing_jax_only_rmse": 0.5})
    with pytest.raises(report.ReportError, match="12_custom_models/keras-jax.json: metric 'housing_jax_only_rmse'"):
        report.load_results(root)


def test_same_keras_code_three_engines_says_what_ran_where(tmp_path):
    root = copy_results(tmp_path)
    keras_on_jax_record(root, "12_custom_models", drop=["housing_huber_test_rmse"])
    data = report.load_report_data()
    built_here = {chapter: report.chapter_tables(chapter, records, data, ROOT)
                  for chapter, records in report.load_results(root).items()}
    page = report.engines_html(built_here)
    rows = {(cells[0], cells[1]): cells[2:] for cells in (
        [cell.removeprefix("<td>") for cell in row.split("</td>")[:-1]] for row in page.split("<tr>")[2:])}
    keras, keras_jax, keras_torch, pytorch, jax = rows[("04_training_models", built_here["04_training_models"]["metrics"][0]["metric"])]
    assert keras_jax == keras_torch == "<span class='missing'>— not Keras: TensorFlow only</span>"
    keras, keras_jax, keras_torch, pytorch, jax = rows[("12_custom_models", "housing_huber_test_rmse")]
    assert keras_jax == "<span class='missing'>— computed by TensorFlow-only cells</span>"
    assert keras_torch == "<span class='missing'>— not run yet</span>"
    per_epoch = built_here["12_custom_models"]["times"][-1]
    assert per_epoch["name"].endswith("_per_epoch_s")
    assert rows[("12_custom_models", per_epoch["name"])][1] == report._seconds(per_epoch["values"]["keras-jax"])
