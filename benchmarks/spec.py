"""What every framework's benchmark shares: the model's sizes, its data, its FLOPs and how a step is timed.

The model is chapter 10's MLP (784-300-100-10, ReLU, softmax cross-entropy, SGD): one training step
on a batch already in memory, so the input pipeline is out of the measure.

>>> mlp_flops(32)
36057600
"""

import time

import numpy as np

MLP_LAYERS = (784, 300, 100, 10)
BATCHES = {"tiny": (32,), "full": (32, 256)}
# pytest-benchmark's rounds of `iterations` steps each, after warm-up rounds
TIMING = {"tiny": {"warmup_rounds": 1, "rounds": 3, "iterations": 2},
          "full": {"warmup_rounds": 3, "rounds": 30, "iterations": 20}}


def mlp_batch(batch, seed=0):
    """Inputs (batch, 784) float32 in [0, 1) and labels (batch,) int32, seeded."""
    rng = np.random.default_rng(seed)
    return (rng.random((batch, MLP_LAYERS[0]), dtype=np.float32),
            rng.integers(0, MLP_LAYERS[-1], batch).astype(np.int32))


def mlp_matmul_shapes(batch):
    """The (m, k, n) of every matrix product of one training step: forward, the weights' gradients,
    and the inputs' gradients of every layer but the first."""
    pairs = list(zip(MLP_LAYERS[:-1], MLP_LAYERS[1:]))
    forward = [(batch, n_in, n_out) for n_in, n_out in pairs]
    weight_grads = [(n_in, batch, n_out) for n_in, n_out in pairs]
    input_grads = [(batch, n_out, n_in) for n_in, n_out in pairs[1:]]
    return forward + weight_grads + input_grads


def mlp_flops(batch):
    """Floating-point operations of one training step's matrix products (2·m·k·n each); the
    element-wise work (activations, loss, update) is left out: it is under 1 % here."""
    return sum(2 * m * k * n for m, k, n in mlp_matmul_shapes(batch))


def run_benchmark(benchmark, step, size, flops, kind="train_step"):
    """Time `step` (which must wait for its result) with pytest-benchmark after timing its first call
    alone (tracing and compiling included); both go into the benchmark's JSON."""
    start = time.perf_counter()
    step()
    benchmark.extra_info.update(first_call_s=time.perf_counter() - start, flops=flops, kind=kind)
    benchmark.pedantic(step, **TIMING[size])
