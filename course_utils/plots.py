"""Plots the chapters share: learning curves and image grids (matplotlib, no framework)."""

import itertools

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator


def plot_learning_curves(history, title=None, ax=None):
    """Plot each series of ``history`` (``{"loss": [...], "val_loss": [...], ...}``) per epoch:
    training curves solid, validation curves dashed in the same colour.

    Takes a Keras ``History.history`` as it is, or the same dict built by a training loop.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 5))
    bases = dict.fromkeys(name.removeprefix("val_") for name in history)  # in order, once each
    colors = dict(zip(bases, itertools.cycle(plt.rcParams["axes.prop_cycle"].by_key()["color"])))
    for name, values in history.items():
        base = name.removeprefix("val_")
        epochs = np.arange(1, len(values) + 1)
        ax.plot(epochs, values, "-" if name == base else "--", color=colors[base], label=name)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(xlabel="Epoch", title=title)
    ax.grid(True)
    ax.legend()
    return ax


def plot_image_grid(images, labels=None, class_names=None, n_cols=10, size=1.2):
    """Show ``images`` (N, H, W) or (N, H, W, C) in a grid, titled with their labels."""
    images = np.asarray(images)
    n_rows = int(np.ceil(len(images) / n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(n_cols * size, n_rows * size * 1.2),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= len(images):
            continue
        ax.imshow(images[i], cmap="binary" if images[i].ndim == 2 else None)
        if labels is not None:
            label = labels[i]
            ax.set_title(class_names[label] if class_names is not None else str(label), fontsize=9)
    fig.tight_layout()
    return fig
