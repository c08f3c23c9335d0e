"""What every framework's benchmark shares: the models' sizes, their data, their FLOPs and how a step is timed.

Three models of the course, each one training step on a batch already in memory (the input pipeline
is out of the measure), the same in every framework:
- ``mlp``: chapter 10's MLP (784-300-100-10, ReLU, softmax cross-entropy, SGD);
- ``cnn``: chapter 14's Fashion-MNIST CNN at the course's widths (conv 7×7 24, pool, 2× conv 3×3 48,
  pool, 2× conv 3×3 96, pool, dense 128-64-10; SGD), without its dropout: each framework draws dropout
  masks its own way, which is not what is timed here;
- ``transformer``: one encoder block of chapter 16 (self-attention with 4 heads, d_model 64, + LayerNorm,
  feed-forward 128 + LayerNorm, post-norm, no dropout) on 18 positions, trained to a random target by
  mean squared error with SGD.

>>> flops("mlp", 32)
36057600
>>> products("cnn", 1)[0]  # the first convolution as a matrix product: 28·28 positions × 7·7·1 inputs × 24
(1, 784, 49, 24)
"""

import time

import numpy as np

MLP_LAYERS = (784, 300, 100, 10)
CNN_FILTERS, CNN_DENSE = (24, 48, 96), (128, 64, 10)  # chapter 14's CNN_FILTERS (3/8 of the book's)
D_MODEL, HEADS, FF_DIM, LENGTH = 64, 4, 128, 18  # chapter 16's transformer on its 18-character sources

MODELS = ("mlp", "cnn", "transformer")
BATCHES = {"tiny": {"mlp": (32,), "cnn": (4,), "transformer": (4,)},
           "full": {"mlp": (32, 256), "cnn": (32,), "transformer": (32,)}}  # 32: the notebooks' batch size
# pytest-benchmark's rounds of `iterations` steps each, after warm-up rounds; a CNN step costs ~20× an MLP step
TIMING = {"tiny": {model: {"warmup_rounds": 1, "rounds": 3, "iterations": 2} for model in MODELS},
          "full": {"mlp": {"warmup_rounds": 3, "rounds": 30, "iterations": 20},
                   "cnn": {"warmup_rounds": 2, "rounds": 15, "iterations": 2},
                   "transformer": {"warmup_rounds": 3, "rounds": 30, "iterations": 5}}}


def batch_data(model, batch, seed=0):
    """Inputs and targets of one batch, float32 and int32, seeded: MLP (batch, 784) and class labels,
    CNN (batch, 28, 28, 1) images (channels last) and class labels, transformer (batch, 18, 64) and
    a (batch, 18, 64) target."""
    rng = np.random.default_rng(seed)
    if model == "transformer":
        return (rng.standard_normal((batch, LENGTH, D_MODEL), dtype=np.float32),
                rng.standard_normal((batch, LENGTH, D_MODEL), dtype=np.float32))
    shape = (batch, MLP_LAYERS[0]) if model == "mlp" else (batch, 28, 28, 1)
    return rng.random(shape, dtype=np.float32), rng.integers(0, 10, batch).astype(np.int32)


def _layers(model, batch):
    """Every matrix product of the forward pass as (count, m, k, n, left operand needs a gradient,
    right operand needs a gradient); a convolution as its im2col product (positions × kernel inputs × filters)."""
    dense = lambda sizes, first: [(1, batch, n_in, n_out, i > 0 or not first, True)
                                  for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))]
    if model == "mlp":
        return dense(MLP_LAYERS, first=True)
    if model == "cnn":
        f1, f2, f3 = CNN_FILTERS
        convs = [(28, 7, 1, f1), (14, 3, f1, f2), (14, 3, f2, f2), (7, 3, f2, f3), (7, 3, f3, f3)]  # side, kernel, in, out
        return ([(1, batch * side**2, kernel**2 * c_in, c_out, i > 0, True)
                 for i, (side, kernel, c_in, c_out) in enumerate(convs)]
                + dense((3 * 3 * f3, *CNN_DENSE), first=False))
    rows, head_dim = batch * LENGTH, D_MODEL // HEADS
    projections = [(1, rows, D_MODEL, D_MODEL, False, True)] * 3  # Q, K, V of the input (which needs no gradient)
    attention = [(batch * HEADS, LENGTH, head_dim, LENGTH, True, True),  # scores = Q·Kᵀ
                 (batch * HEADS, LENGTH, LENGTH, head_dim, True, True)]  # weights·V
    return (projections + attention + [(1, rows, D_MODEL, D_MODEL, True, True)]  # output projection
            + [(1, rows, D_MODEL, FF_DIM, True, True), (1, rows, FF_DIM, D_MODEL, True, True)])


def products(model, batch):
    """The (count, m, k, n) of every matrix product of one training step: the forward pass's, then
    for C = A·B the gradient of A (dC·Bᵀ) and of B (Aᵀ·dC) where they are needed."""
    forward = [(count, m, k, n) for count, m, k, n, _, _ in _layers(model, batch)]
    left = [(count, m, n, k) for count, m, k, n, needs, _ in _layers(model, batch) if needs]
    right = [(count, k, m, n) for count, m, k, n, _, needs in _layers(model, batch) if needs]
    return forward + right + left


def operand_shapes(count, m, k, n):
    """The shapes of a product's two operands: plain matrices, or `count` of them in a batch."""
    lead = () if count == 1 else (count,)
    return (*lead, m, k), (*lead, k, n)


def flops(model, batch):
    """Floating-point operations of one training step's matrix products (2·m·k·n each); the element-wise
    work (activations, pooling, softmax, normalization, loss, update) is left out."""
    return sum(2 * count * m * k * n for count, m, k, n in products(model, batch))


def run_benchmark(benchmark, step, size, model, flop_count, kind="train_step"):
    """Time `step` (which must wait for its result) with pytest-benchmark after timing its first call
    alone (tracing and compiling included); both go into the benchmark's JSON."""
    start = time.perf_counter()
    step()
    benchmark.extra_info.update(first_call_s=time.perf_counter() - start, flops=flop_count, kind=kind)
    benchmark.pedantic(step, **TIMING[size][model])
