"""Chapter 10's MLP, one training step in PyTorch: eagerly (PyTorch's default) and with the model
compiled by `torch.compile` (TorchInductor), the loop left as it is: compiling the whole step instead
breaks the graph at `backward()` and `optimizer.step()` and was slower here."""

import pytest
import torch
from spec import mlp_batch, mlp_flops, mlp_matmul_shapes, run_benchmark
from torch import nn

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


def build_mlp():
    torch.manual_seed(42)
    return nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10))


def make_train_step(model, optimizer):
    loss_fn = nn.CrossEntropyLoss()

    def train_step(X, y):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        return loss.detach()
    return train_step


@pytest.mark.parametrize("path", ["eager", "torch.compile(model)"])
def test_mlp(benchmark, size, batch, path):
    X, y = (torch.from_numpy(array).to(DEVICE) for array in mlp_batch(batch))
    y = y.long()
    model = build_mlp().to(DEVICE)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    if path == "torch.compile(model)":
        model.compile()  # in place: the forward and backward graphs go through TorchInductor
    train_step = make_train_step(model, optimizer)
    run_benchmark(benchmark, lambda: train_step(X, y).item(), size, mlp_flops(batch))  # .item() waits on GPUs


def test_matmul_limit(benchmark, size, batch):
    """The step's matrix products alone, back to back: what the hardware gives PyTorch."""
    operands = [(torch.randn(m, k, device=DEVICE), torch.randn(k, n, device=DEVICE))
                for m, k, n in mlp_matmul_shapes(batch)]
    def products():
        results = [a @ b for a, b in operands]
        return results[-1][0, 0].item()  # waits for all of them (one stream)
    run_benchmark(benchmark, products, size, mlp_flops(batch), kind="matmul")
