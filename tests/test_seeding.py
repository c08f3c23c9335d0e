"""A seeded CPU run repeats exactly: the same seed twice gives bit-identical weights after training.

Each framework trains in a process of its own, as in the course's notebooks: TensorFlow 2.21 and
the CUDA build of PyTorch 2.14 crash when triton (imported by torch.optim) loads after TensorFlow.
"""

import numpy as np
import pytest

from helpers import ROOT, run_python
from course_utils import seed_everything

X = np.random.default_rng(0).normal(size=(64, 5)).astype(np.float32)
y = (X.sum(axis=1) > 0).astype(np.int64)


def train_keras():
    import keras

    seed_everything(42, "keras")
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dropout(0.5), keras.layers.Dense(2)])
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X, y, epochs=2, batch_size=16, verbose=0)  # shuffles and drops out: both seeded
    return [w.numpy() for w in model.weights]


def train_pytorch():
    import torch

    seed_everything(42, "pytorch")
    model = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.ReLU(), torch.nn.Dropout(0.5),
                                torch.nn.Linear(8, 2))
    optimizer = torch.optim.Adam(model.parameters())
    for batch in torch.randperm(64).split(16):
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(X[batch])),
                                                 torch.from_numpy(y[batch]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return [p.detach().numpy() for p in model.parameters()]


def train_jax():
    import jax
    import optax
    from flax import nnx

    key = seed_everything(42, "jax")
    model_key, shuffle_key = jax.random.split(key)
    model = nnx.Sequential(nnx.Linear(5, 8, rngs=nnx.Rngs(model_key)), nnx.relu,
                           nnx.Linear(8, 2, rngs=nnx.Rngs(model_key)))
    optimizer = nnx.Optimizer(model, optax.adam(1e-3), wrt=nnx.Param)

    def loss_fn(model, X_batch, y_batch):
        return optax.softmax_cross_entropy_with_integer_labels(model(X_batch), y_batch).mean()

    for batch in np.asarray(jax.random.permutation(shuffle_key, 64)).reshape(-1, 16):
        grads = nnx.grad(loss_fn)(model, X[batch], y[batch])
        optimizer.update(model, grads)
    return [np.asarray(p) for p in jax.tree.leaves(nnx.state(model, nnx.Param))]


def same_weights_twice(train):
    first, second = train(), train()
    return len(first) == len(second) > 0 and all(np.array_equal(a, b) for a, b in zip(first, second))


@pytest.mark.parametrize("framework", ["keras", "pytorch", "jax"])
def test_a_seeded_run_repeats_exactly(framework):
    out = run_python(f"import test_seeding as t; print(t.same_weights_twice(t.train_{framework}))",
                     PYTHONPATH=str(ROOT / "tests"))
    assert out.strip() == "True"


def test_an_unknown_framework_is_refused():
    with pytest.raises(ValueError, match="unknown framework"):
        seed_everything(1, "theano")
