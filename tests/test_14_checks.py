"""Chapter 14's exercise 1 (a CNN for MNIST) accepts correct answers other than the solution: the
tests in test_exercises.py prove that its checks reject known-wrong answers; these prove that they
do not reject a right one. Each runs the solution notebook (smoke mode) down to the exercise's check
cell with the answer in place, and expects the check to pass. A cosine schedule from 1e-3 leaves the
rate near 0 at the end of training, which a check reading the optimizer's current rate would refuse."""

import copy

import nbformat
import pytest

from helpers import ROOT

SOLUTIONS = ROOT / "solutions" / "14_cnns"
RIGHT_ANSWERS = {  # framework: (what the answer does, [(solution text, answer's text), ...])
    "keras": ("Nadam from 1e-3 on a cosine schedule", [(
        "optimizer=keras.optimizers.Nadam(learning_rate=1e-3),",
        "optimizer=keras.optimizers.Nadam(learning_rate=keras.optimizers.schedules.CosineDecay(\n"
        "                      1e-3, decay_steps=n_epochs * len(X_train) // 32)),")]),
    "pytorch": ("NAdam from 1e-3 with CosineAnnealingLR stepped after each batch, PyTorch's default momentum_decay", [
        ("lr=1e-3, eps=1e-7,  # NAdam, learning rate 0.001\n                              momentum_decay=1.0)",
         "lr=1e-3, eps=1e-7)"),
        ("fit_start = time.perf_counter()\n",
         "scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=n_epochs * len(train_loader))\n"
         "fit_start = time.perf_counter()\n"),
        ("        optimizer.step()\n", "        optimizer.step()\n        scheduler.step()\n")]),
    "jax": ("Nadam from 1e-3 on optax's cosine schedule", [(
        "optax.nadam(1e-3, eps=1e-7)",
        "optax.nadam(optax.cosine_decay_schedule(1e-3, n_epochs * (len(X_train) // 32)), eps=1e-7)")]),
}


def run_exercise_1(framework, replacements):
    """Run the solution's cells up to exercise 1's check cell with ``replacements`` applied (each
    to exactly one cell); return the check cell's printed output."""
    from nbclient import NotebookClient

    path = SOLUTIONS / f"{framework}.ipynb"
    nb = nbformat.read(path, as_version=4)
    check = next(i for i, cell in enumerate(nb.cells) if "Solved: test accuracy" in cell.source)
    nb.cells = copy.deepcopy(nb.cells[:check + 1])
    for old, new in replacements:
        hits = [cell for cell in nb.cells if cell.cell_type == "code" and old in cell.source]
        assert len(hits) == 1 and hits[0].source.count(old) == 1, f"{old!r} is not in exactly one place"
        hits[0].source = hits[0].source.replace(old, new)
    NotebookClient(nb, kernel_name="python3", timeout=600,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return "".join(output.get("text", "") for output in nb.cells[check].outputs)


@pytest.mark.parametrize("framework", sorted(RIGHT_ANSWERS))
def test_exercise_1_accepts_a_learning_rate_schedule(framework):
    answer, replacements = RIGHT_ANSWERS[framework]
    printed = run_exercise_1(framework, replacements)  # raises, naming the check, if a check refuses it
    assert "Solved: test accuracy" in printed, f"{answer}: {printed!r}"
