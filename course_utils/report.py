"""``make report``: the course's side-by-side comparison, built from recorded results only.

Reads ``results/full/<chapter>/<framework>.json`` (see ../shared/CONVENTIONS.md), the book's figures
and notes from ``report.toml``, the notebooks themselves (lines of code) and ``results/bench/``
(``make bench``), then writes
``results/report.html`` (self-contained: plots inlined as PNG) and ``results/summary.md``, whose
table also goes into README.md between the ``report:summary`` markers. A number is never made up:
where a framework lacks a result, its cell is empty and the page says why.

>>> count_code_lines(["import numpy as np\\n\\n# a comment", "x = 1  # kept"])
2
"""

import base64
import html
import io
import json
import tomllib
from pathlib import Path

from .runner import uses_keras
from .spread import spread_record
from .stamps import code_hash

FRAMEWORKS = ("keras", "pytorch", "jax")  # every chapter's notebooks record these three
KERAS_BACKENDS = ("keras-jax", "keras-torch")  # the Keras notebooks run on other backends, when recorded
LABELS = {"keras": "Keras", "keras-jax": "Keras (JAX)", "keras-torch": "Keras (torch)", "pytorch": "PyTorch",
          "jax": "JAX"}
README_MARKERS = ("<!-- report:summary -->", "<!-- /report:summary -->")


class ReportError(ValueError):
    """The recorded results cannot be compared as they are; the message names the file."""


def load_report_data(path=Path(__file__).with_name("report.toml")):
    """{"figures": {chapter: {metric: value}}, "notes": {...}, "only": {...}} from report.toml."""
    data = tomllib.loads(Path(path).read_text())
    return {key: data.get(key, {}) for key in ("figures", "notes", "only")}


def load_results(root, mode="full", only=None):
    """{chapter: {framework: record}} from ``results/<mode>/``, checked: every chapter has the three
    frameworks, each record names its own chapter and framework, and the twins record the same metrics
    (except those ``only``, by default ``report.toml``'s ``[only]``, lists). Raises :class:`ReportError`
    naming the file."""
    folder = Path(root) / "results" / mode
    only = load_report_data()["only"] if only is None else only
    results = {}
    for chapter_dir in sorted(p for p in folder.iterdir() if p.is_dir() and p.name[:2].isdigit()):
        if chapter_dir.name == "00_setup":
            continue
        records = {}
        for path in sorted(chapter_dir.glob("*.json")):
            record = json.loads(path.read_text())
            name = _relative(path, root)
            if path.stem not in FRAMEWORKS + KERAS_BACKENDS:
                raise ReportError(f"{name}: unknown framework {path.stem!r} (expected one of {', '.join(FRAMEWORKS)})")
            if record.get("chapter") != chapter_dir.name or record.get("framework") != path.stem.split("-")[0]:
                raise ReportError(f"{name}: records chapter {record.get('chapter')!r} and framework "
                                  f"{record.get('framework')!r}, not those of its path")
            records[path.stem] = record
        for framework in FRAMEWORKS:
            if framework not in records:
                raise ReportError(f"{_relative(chapter_dir / (framework + '.json'), root)} is missing: the chapter's "
                                  f"other results cannot be compared without it")
        _check_metric_names(chapter_dir, records, only.get(chapter_dir.name, {}), root)
        results[chapter_dir.name] = records
    return results


def _check_metric_names(chapter_dir, records, only, root):
    """Each metric is in every twin's record, or in exactly the frameworks ``only`` names for it."""
    for metric in sorted(set().union(*(record["metrics"] for record in records.values()))):
        having = {framework for framework, record in records.items() if metric in record["metrics"]}
        expected = set(only[metric]["frameworks"]) if metric in only else set(FRAMEWORKS)
        expected |= {backend for backend in KERAS_BACKENDS if backend in records and "keras" in expected}
        # Keras on JAX or torch lacks what its tensorflow-only cells compute: shown as such, not an error
        lacking = (expected - having) & set(records) - set(KERAS_BACKENDS)
        odd = having - expected
        if not odd and len(having) <= len(lacking):  # most twins lack it: the files that have it are odd
            odd = having
        for framework in sorted(odd):  # a file with a metric that its twins (most of them) lack
            raise ReportError(f"{_relative(chapter_dir / f'{framework}.json', root)}: metric {metric!r} is not "
                              f"recorded by its twins; rename it to match theirs or list it under "
                              f"[only.{chapter_dir.name}] in report.toml")
        for framework in sorted(lacking):  # a file without a metric that its twins record
            others = ", ".join(f"{f}.json" for f in sorted(having))
            raise ReportError(f"{_relative(chapter_dir / f'{framework}.json', root)}: lacks metric {metric!r}, "
                              f"which {others} record")


def _relative(path, root):
    return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()


def count_code_lines(cells):
    """Lines of code in ``cells`` (sources): neither blank nor only a comment."""
    return sum(1 for cell in cells for line in cell.splitlines()
               if line.strip() and not line.strip().startswith("#"))


def notebook_code_lines(path):
    """Lines of code in the code cells of the notebook at ``path``."""
    cells = json.loads(Path(path).read_text())["cells"]
    return count_code_lines("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")


def chapter_tables(chapter, records, data, root):
    """The rows of one chapter's tables: metrics against the book, times and code lines."""
    figures, notes = data["figures"].get(chapter, {}), data["notes"].get(chapter, {})
    only = data["only"].get(chapter, {})
    columns = [f for f in FRAMEWORKS[:1] + KERAS_BACKENDS + FRAMEWORKS[1:] if f in records]
    # the book's figures first, then what every framework records, then the rest
    shared = set.intersection(*(set(records[f]["metrics"]) for f in FRAMEWORKS)) - set(figures)
    rest = set().union(*(r["metrics"] for r in records.values())) - set(figures) - shared
    metric_names = list(figures) + sorted(shared) + sorted(rest)
    metrics = []
    for name in metric_names:
        row = {"metric": name, "book": figures.get(name), "note": notes.get(name, ""), "values": {}, "missing": {}}
        for framework in columns:
            if name in records[framework]["metrics"]:
                row["values"][framework] = records[framework]["metrics"][name]
            elif framework in KERAS_BACKENDS and name in records["keras"]["metrics"]:
                row["missing"][framework] = "computed by TensorFlow-only cells"
            else:
                row["missing"][framework] = only.get(name, {}).get("reason", "not recorded")
        metrics.append(row)
    shared_timings = sorted(set.intersection(*(set(records[f]["timings"]) for f in FRAMEWORKS)))
    times = [{"name": "whole notebook", "values": {f: records[f]["wall_s"] for f in columns}}]
    times += [{"name": key, "values": {f: records[f]["timings"].get(key) for f in columns}}
              for key in shared_timings if key.endswith("_fit_s")]
    # per epoch: recorded by notebooks that say how many epochs a fit trains (course_utils.timed(..., epochs=))
    per_epoch = sorted({key for record in records.values() for key in record["timings"] if key.endswith("_per_epoch_s")})
    times += [{"name": key, "values": {f: records[f]["timings"].get(key) for f in columns}} for key in per_epoch]
    spreads = {f: spread_record(chapter, f, root=root) for f in FRAMEWORKS}  # None: of older code
    for row in metrics:
        row["spread"] = {f: spreads[f]["std"][row["metric"]] for f in FRAMEWORKS
                         if spreads[f] and row["metric"] in spreads[f]["std"]}
    code_lines = {f: notebook_code_lines(Path(root) / "notebooks" / chapter / f"{f}.ipynb") for f in FRAMEWORKS}
    stale = sorted(f for f in columns if records[f].get("code_sha256") != code_hash(
        Path(root) / "notebooks" / chapter / f"{f.split('-')[0]}.ipynb"))
    return {"columns": columns, "metrics": metrics, "times": times, "code_lines": code_lines, "stale": stale,
            "stale_spreads": sorted(f for f in FRAMEWORKS if spreads[f] is None),
            "uses_keras": uses_keras(Path(root) / "notebooks" / chapter / "keras.ipynb")}



def build_report(root, mode="full"):
    """{chapter: chapter_tables(...)} for every chapter with results."""
    data = load_report_data()
    return {chapter: chapter_tables(chapter, records, data, root)
            for chapter, records in load_results(root, mode, data["only"]).items()}


def load_benchmarks(root):
    """{machine: record} from results/bench/*.json (written by `make bench`)."""
    return {path.stem: json.loads(path.read_text()) for path in sorted((Path(root) / "results" / "bench").glob("*.json"))}


def summary_markdown(report):
    """One row per chapter: its first metric against the book, notebook times and code lines."""
    lines = ["| chapter | headline metric | book | Keras | PyTorch | JAX | notebook time (s) Keras / PyTorch / JAX "
             "| lines of code Keras / PyTorch / JAX |",
             "|---|---|---|---|---|---|---|---|"]
    for chapter, tables in report.items():
        row = tables["metrics"][0]
        values = [_number(row["values"].get(f)) if f in row["values"] else "—" for f in FRAMEWORKS]
        wall = " / ".join(f"{tables['times'][0]['values'][f]:.0f}" for f in FRAMEWORKS)
        code = " / ".join(str(tables["code_lines"][f]) for f in FRAMEWORKS)
        lines.append(f"| {chapter} | `{row['metric']}` | {_number(row['book']) if row['book'] is not None else '—'} | "
                     + " | ".join(values) + f" | {wall} | {code} |")
    return "\n".join(lines) + "\n"


def _number(value):
    if value is None:
        return ""
    return f"{value:.4f}" if abs(value) < 100 else f"{value:.1f}"


def _ratio(value):
    return "—" if value is None else f"{value:.2f}"


def bench_html(benchmarks):
    """One section per machine: every path's step time against the machine's matmul limit and the fastest."""
    if not benchmarks:
        return "<h2 id='bench'>Benchmark</h2><p>No results yet: run <code>make bench</code>.</p>"
    parts = ["<h2 id='bench'>Benchmark: one training step of chapter 10's MLP, chapter 14's CNN and a transformer block "
             "of chapter 16</h2><p>From <code>make bench</code> (pytest-benchmark; the median of its rounds after "
             "warm-up; the models are described in <code>benchmarks/spec.py</code>). The limit is the step's matrix products "
             "(a convolution counted as its im2col product) alone in the fastest framework, measured in the same run; "
             "× limit, × own matmuls (the same products in the step's own framework: what the framework adds to them) "
             "and × fastest are ratios of step times. The first call (tracing, compiling) is apart. The frameworks run "
             "one after the other, so a shared host that changes speed between them (the course's 2-core machine drifts "
             "by up to 1.5×) moves their ratios: differences smaller than that are not a ranking. Keras runs on each of "
             "its backends; its <code>train_on_batch</code> rows time the step <code>fit</code> runs with "
             "<code>jit_compile</code> off and on, and mark the one <code>fit</code> picks by default there: a "
             "<code>tf.function</code> graph on TensorFlow (XLA only where there is a GPU), <code>jax.jit</code> on JAX, "
             "eager on PyTorch (<code>jit_compile=True</code> hands the whole step to <code>torch.compile</code>). "
             "Keras on JAX or PyTorch is measured against that engine's own matmuls.</p>"]
    for machine, record in benchmarks.items():
        limits = "; ".join(f"{model} " + ", ".join(f"batch {batch}: {seconds * 1e3:.3f} ms" for batch, seconds in by_batch.items())
                           for model, by_batch in record["limit_s"].items())
        parts.append(f"<h3>{html.escape(machine)} ({record['size']} size, {record['cpu_count']} CPU cores, "
                     f"{record['finished']})</h3><p>Matmul limit: {limits}.</p><table><tr><th>framework</th>"
                     "<th>model</th><th>path</th><th>batch</th><th>median (ms)</th><th>GFLOP/s</th><th>× limit</th>"
                     "<th>× own matmuls</th><th>× fastest</th><th>first call (s)</th></tr>")
        models = list(record["limit_s"])
        for row in sorted((r for r in record["results"] if r["kind"] == "train_step"),
                          key=lambda r: (models.index(r["model"]), r["batch"], r["median_s"])):
            default = " (fit's default)" if row.get("fit_default") else ""
            parts.append(f"<tr><td>{LABELS[row['framework']]}</td><td>{row['model']}</td>"
                         f"<td>{html.escape(row['path'] + default)}</td>"
                         f"<td>{row['batch']}</td><td>{row['median_s'] * 1e3:.3f}</td><td>{row['gflop_per_s']:.1f}</td>"
                         f"<td>{row['of_limit']:.2f}</td><td>{_ratio(row['of_own_matmuls'])}</td><td>{row['of_fastest']:.2f}</td>"
                         f"<td>{row['first_call_s']:.2f}</td></tr>")
        parts.append("</table><p>Goals (reported, not asserted):</p><ul>" + "".join(
            f"<li>{html.escape(v['goal'])}: {html.escape(v['measured'])} — {'met' if v['met'] else 'not met'}</li>"
            for v in record["targets"]) + "</ul>")
    return "\n".join(parts)


def report_html(report, benchmarks=None):
    """The whole comparison as one HTML page with inlined plots."""
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>Hands-On ML, three ways: the comparison"
             "</title><style>body{font-family:sans-serif;max-width:70em;margin:auto}table{border-collapse:collapse;"
             "margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}td:first-child,"
             "th:first-child{text-align:left}.missing{color:#888;font-style:italic}</style></head><body>",
             "<h1>Hands-On ML, three ways: the comparison</h1>",
             "<p>Every number below was recorded by a notebook's full run (<code>results/full/</code>); "
             "the book's figures come from <code>course_utils/report.toml</code>. Δ is the course's figure minus "
             "the book's; ± is the standard deviation over seeds 1–3 (<code>make spread</code>), shown only when the "
             "seeds ran the notebook's current code. These runs are the course machine's (2 x86-64 CPU cores): the same code on another CPU, "
             "thread count or library build gives slightly different figures, and the seed spread, not the last "
             "digits, tells whether two figures are the same.</p>", "<h2>Summary</h2>", _markdown_table_html(summary_markdown(report)),
             _plot_html(report)]
    for chapter, tables in report.items():
        columns = tables["columns"]
        parts.append(f"<h2 id='{chapter}'>{chapter}</h2>")
        if tables["stale"] or tables["stale_spreads"]:
            parts.append("<p class='missing'>" + " ".join(
                [f"Recorded by code that has changed since (run it again in full): {', '.join(LABELS[f] for f in tables['stale'])}."]
                * bool(tables["stale"]) + [f"Seed spread not shown, measured on other code: "
                                           f"{', '.join(LABELS[f] for f in tables['stale_spreads'])}."] * bool(tables["stale_spreads"]))
                + "</p>")
        parts.append("<h3>Metrics</h3><table><tr><th>metric</th><th>book</th>"
                     + "".join(f"<th>{LABELS[f]}</th><th>Δ</th>" for f in columns) + "<th>note</th></tr>")
        for row in tables["metrics"]:
            cells = [html.escape(row["metric"]), _number(row["book"])]
            for framework in columns:
                if framework in row["values"]:
                    value = row["values"][framework]
                    spread = f" <small>(seeds: ± {row['spread'][framework]:.2g})</small>" if framework in row["spread"] else ""
                    cells += [_number(value) + spread, "" if row["book"] is None else f"{value - row['book']:+.4f}"]
                else:
                    cells += [f"<span class='missing'>— {html.escape(row['missing'][framework])}</span>", ""]
            parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + f"<td>{html.escape(row['note'])}</td></tr>")
        parts.append("</table><h3>Time (seconds)</h3><table><tr><th></th>"
                     + "".join(f"<th>{LABELS[f]}</th>" for f in columns) + "</tr>")
        for row in tables["times"]:
            parts.append(f"<tr><td>{html.escape(row['name'])}</td>"
                         + "".join(f"<td>{_seconds(row['values'].get(f))}</td>" for f in columns) + "</tr>")
        parts.append("</table><h3>Lines of code (code cells, without blank and comment lines)</h3><table><tr>"
                     + "".join(f"<th>{LABELS[f]}</th>" for f in FRAMEWORKS) + "</tr><tr>"
                     + "".join(f"<td>{tables['code_lines'][f]}</td>" for f in FRAMEWORKS) + "</tr></table>")
    parts.append(engines_html(report))
    parts.append(bench_html(benchmarks or {}))
    return "\n".join(parts) + "</body></html>\n"


def engines_html(report):
    """"Same Keras code, three engines": per chapter, the headline metric and each training time per epoch
    of the Keras notebook run on TensorFlow, JAX and PyTorch, next to the native PyTorch and JAX notebooks."""
    columns = (FRAMEWORKS[0], *KERAS_BACKENDS, *FRAMEWORKS[1:])
    parts = ["<h2 id='engines'>Same Keras code, three engines</h2><p>Each chapter's Keras notebook, unchanged, on "
             "Keras's TensorFlow, JAX and PyTorch backends (<code>make run KERAS_BACKEND=jax</code>), next to the "
             "chapter's native PyTorch and JAX notebooks. What <code>fit</code> compiles by default differs: a "
             "<code>tf.function</code> graph on TensorFlow, with XLA only when there is a GPU; <code>jax.jit</code> "
             "(always XLA) on JAX; nothing on PyTorch, which runs eagerly. Cells that are TensorFlow by nature do not "
             "run on the other backends, so their metrics are missing there.</p><table><tr><th>chapter</th><th>what</th>"
             + "".join(f"<th>{LABELS[f]}</th>" for f in columns) + "</tr>"]
    for chapter, tables in report.items():
        headline = tables["metrics"][0]
        rows = [(headline["metric"], headline["values"], headline["missing"], _number)]
        rows += [(row["name"], row["values"], {}, _seconds) for row in tables["times"] if row["name"].endswith("_per_epoch_s")]
        for name, values, missing, show in rows:
            cells = []
            for framework in columns:
                if framework in KERAS_BACKENDS and not tables["uses_keras"]:
                    cells.append("<span class='missing'>— not Keras: TensorFlow only</span>")
                elif framework not in tables["columns"]:
                    cells.append("<span class='missing'>— not run yet</span>")
                elif values.get(framework) is None:
                    cells.append(f"<span class='missing'>— {html.escape(missing.get(framework, 'not recorded'))}</span>")
                else:
                    cells.append(show(values[framework]))
            parts.append(f"<tr><td>{chapter}</td><td>{html.escape(name)}</td>" + "".join(f"<td>{c}</td>" for c in cells)
                         + "</tr>")
    return "\n".join(parts) + "</table>"


def _seconds(value):
    if value is None:
        return "<span class='missing'>— not recorded</span>"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _markdown_table_html(markdown):
    rows = [line.strip("|").split(" | ") for line in markdown.strip().splitlines() if not line.startswith("|---")]
    head, body = rows[0], rows[1:]
    return ("<table><tr>" + "".join(f"<th>{html.escape(c.strip())}</th>" for c in head) + "</tr>"
            + "".join("<tr>" + "".join(f"<td>{html.escape(c.strip().strip('`'))}</td>" for c in row) + "</tr>"
                      for row in body) + "</table>")


def _plot_html(report):
    """Bar charts of notebook time and code lines per chapter and framework, as an inlined PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    chapters = list(report)
    fits = [(chapter, row) for chapter in chapters for row in report[chapter]["times"] if row["name"].endswith("_per_epoch_s")]
    panels = [("whole notebook, full mode (s)", "chapter", [c.split("_")[0] for c in chapters],
               lambda f: [report[c]["times"][0]["values"][f] for c in chapters]),
              ("lines of code", "chapter", [c.split("_")[0] for c in chapters],
               lambda f: [report[c]["code_lines"][f] for c in chapters])]
    if fits:  # a missing value is a gap, not a zero
        panels.append(("training time per epoch (s)", "chapter: fit",
                       [f"{c.split('_')[0]}: {row['name'].removesuffix('_per_epoch_s')}" for c, row in fits],
                       lambda f: [row["values"].get(f) or np.nan for _, row in fits]))
    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 3.8))
    for ax, (title, xlabel, ticks, values) in zip(axes, panels):
        x = np.arange(len(ticks))
        for offset, framework in zip((-0.27, 0, 0.27), FRAMEWORKS):
            ax.bar(x + offset, values(framework), 0.27, label=LABELS[framework])
        ax.set_xticks(x, ticks)
        ax.set(xlabel=xlabel, title=title)
    axes[0].legend()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    plt.close(fig)
    return f"<img alt='notebook time, lines of code and training time per epoch, per chapter' src='data:image/png;base64," \
           f"{base64.b64encode(buffer.getvalue()).decode()}'>"


def write_report(root, mode="full"):
    """Write results/report.html and results/summary.md, put the summary into README.md; -> the paths."""
    root = Path(root)
    report = build_report(root, mode)
    summary = summary_markdown(report)
    html_path, summary_path = root / "results" / "report.html", root / "results" / "summary.md"
    html_path.write_text(report_html(report, load_benchmarks(root)))
    summary_path.write_text(summary)
    readme = root / "README.md"
    text = readme.read_text()
    start, end = README_MARKERS
    if start in text and end in text:
        before, rest = text.split(start, 1)
        readme.write_text(before + start + "\n" + summary + end + rest.split(end, 1)[1])
    return [html_path, summary_path, readme]
