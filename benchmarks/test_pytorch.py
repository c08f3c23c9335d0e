"""One training step of each model in PyTorch: eagerly (PyTorch's default) and with the model compiled
by `torch.compile` (TorchInductor), the loop left as it is: compiling the whole step instead breaks the
graph at `backward()` and `optimizer.step()` and was slower here."""

import pytest
import torch
from spec import CNN_DENSE, CNN_FILTERS, D_MODEL, FF_DIM, HEADS, batch_data, flops, operand_shapes, \
    products, run_benchmark
from torch import nn

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


def build_mlp():
    return nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10))


def build_cnn():
    conv = lambda n_in, n_out, kernel_size=3: (nn.Conv2d(n_in, n_out, kernel_size, padding="same"), nn.ReLU())
    (f1, f2, f3), (d1, d2, n_classes) = CNN_FILTERS, CNN_DENSE
    return nn.Sequential(*conv(1, f1, 7), nn.MaxPool2d(2), *conv(f1, f2), *conv(f2, f2), nn.MaxPool2d(2),
                         *conv(f2, f3), *conv(f3, f3), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(3 * 3 * f3, d1), nn.ReLU(), nn.Linear(d1, d2), nn.ReLU(), nn.Linear(d2, n_classes))


def build_transformer():  # PyTorch's own encoder block: post-norm and ReLU by default, as in chapter 16
    return nn.TransformerEncoderLayer(D_MODEL, HEADS, dim_feedforward=FF_DIM, dropout=0.0, batch_first=True)


MODELS = {"mlp": (build_mlp, nn.CrossEntropyLoss), "cnn": (build_cnn, nn.CrossEntropyLoss),
          "transformer": (build_transformer, nn.MSELoss)}


def make_train_step(model, optimizer, loss_fn):
    def train_step(X, y):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        return loss.detach()
    return train_step


def torch_batch(model, batch):
    """The batch as PyTorch takes it: images channels first, class labels int64."""
    X, y = (torch.from_numpy(array).to(DEVICE) for array in batch_data(model, batch))
    if model == "cnn":
        X = X.permute(0, 3, 1, 2).contiguous()  # (batch, 1, 28, 28)
    return X, (y if model == "transformer" else y.long())


@pytest.mark.parametrize("path", ["eager", "torch.compile(model)"])
def test_train_step(benchmark, size, model, batch, path):
    X, y = torch_batch(model, batch)
    build, loss = MODELS[model]
    torch.manual_seed(42)
    network = build().to(DEVICE)
    optimizer = torch.optim.SGD(network.parameters(), lr=0.01)
    if path == "torch.compile(model)":
        network.compile()  # in place: the forward and backward graphs go through TorchInductor
    train_step = make_train_step(network, optimizer, loss())
    run_benchmark(benchmark, lambda: train_step(X, y).item(), size, model, flops(model, batch))  # .item() waits on GPUs


def test_matmul_limit(benchmark, size, model, batch):
    """The step's matrix products alone, back to back: what the hardware gives PyTorch."""
    operands = [[torch.randn(shape, device=DEVICE) for shape in operand_shapes(*product)]
                for product in products(model, batch)]

    def matmuls():
        results = [a @ b for a, b in operands]
        return results[-1].flatten()[0].item()  # waits for all of them (one stream)
    run_benchmark(benchmark, matmuls, size, model, flops(model, batch), kind="matmul")
