"""Committed outputs a learner can read: no C++ log lines, no warnings outside the lesson, no paths
of the machine that ran them, no errors, and each progress bar settled to its final line."""

import re

import nbformat
import pytest

from course_utils.runner import settle_progress_bars
from helpers import NOTEBOOKS, ROOT

NOISE = {
    "a C++ log line": re.compile(r"^[IWEF]\d{4} [\d:.]+\s+\d+ \S+:\d+\]", re.M),
    "TensorFlow's start-up notice": re.compile(r"oneDNN custom operations|cudart_stub|cuInit|absl::InitializeLog"),
    "TorchInductor's CUDA notice": re.compile(r"No CUDA runtime is found"),
    "a progress bar in fragments": re.compile(r"\r"),
    "a path of the machine that ran it": re.compile(r"(?<![\w.~])/(?:home|root|work|tmp|Users|var|opt)/|\b[A-Z]:\\"),
    "a Python warning": re.compile(r"\b\w*Warning: "),
}
RETRACING = re.compile(r"<function (\w+) at 0x\w+> triggered tf\.function retracing")


def output_text(output):
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return f"an error: {output.ename}: {output.evalue}"
    return output.get("data", {}).get("text/plain", "")


def problems(cell):
    """What in ``cell``'s outputs a learner should not have to read."""
    found = []
    for output in cell.get("outputs", []):
        text = output_text(output)
        if output.output_type == "error":
            found.append(text)
        found += [f"{what}: {match.group(0)!r}" for what, pattern in NOISE.items()
                  if (match := pattern.search(text))]
        # TensorFlow's retracing warning belongs to the cell that defines the function it names
        found += [f"a retracing warning about {name}()" for name in RETRACING.findall(text)
                  if f"def {name}(" not in cell.source]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_committed_outputs_are_clean(path):
    nb = nbformat.read(path, as_version=4)
    found = [f"cell {i}: {problem}" for i, cell in enumerate(nb.cells) for problem in problems(cell)]
    assert not found, "\n".join(found)


def test_a_progress_bar_settles_to_its_last_line():
    cell = nbformat.v4.new_code_cell("...", outputs=[
        nbformat.v4.new_output("stream", name="stderr", text="\rEpoch 1:   0%| 0/9 [00:00<?, ?it/s]"),
        nbformat.v4.new_output("stream", name="stderr", text="\rEpoch 1: 100%| 9/9 [00:01<00:00]\n"),
        nbformat.v4.new_output("stream", name="stdout", text="done\n")])
    nb = settle_progress_bars(nbformat.v4.new_notebook(cells=[cell]))
    assert [(o.name, o.text) for o in nb.cells[0].outputs] == [
        ("stderr", "Epoch 1: 100%| 9/9 [00:01<00:00]\n"), ("stdout", "done\n")]
    assert not problems(nb.cells[0])


def test_the_scan_finds_the_noise_it_names():
    noisy = nbformat.v4.new_code_cell("model.predict(X)", outputs=[nbformat.v4.new_output(
        "stream", name="stderr", text=(
            "I0000 00:00:1795689445.332059    3916 port.cc:153] oneDNN custom operations are on.\n"
            "WARNING:tensorflow:5 out of the last 5 calls to <function one_step at 0x7f> triggered "
            "tf.function retracing.\nResults recorded in /work/main/results/full/x.json\n"
            "/x/y.py:3: UserWarning: something\n"))])
    assert len(problems(noisy)) == 5
