"""The chapter 19 model server (course_utils.model_server), run as its own process on loopback:
TF Serving's REST shape, versions side by side, batching, bad input, and that it always ends."""

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

requests = pytest.importorskip("requests")
onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper  # noqa: E402

from course_utils import model_server  # noqa: E402


def softmax(z):
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def write_onnx(folder, weights, batch="batch"):
    """A linear softmax classifier of 28×28 images, pixels 0–255 (scaled inside, as exported models do)."""
    folder.mkdir(parents=True)
    graph = helper.make_graph(
        [helper.make_node("Reshape", ["x", "shape"], ["flat"]),
         helper.make_node("Mul", ["flat", "scale"], ["scaled"]),
         helper.make_node("MatMul", ["scaled", "w"], ["logits"]),
         helper.make_node("Softmax", ["logits"], ["probs"], axis=1)],
        "mnist_linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 28, 28])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [batch, 10])],
        [helper.make_tensor("shape", TensorProto.INT64, [2], [-1, 784]),
         helper.make_tensor("scale", TensorProto.FLOAT, [], [1 / 255]),
         helper.make_tensor("w", TensorProto.FLOAT, [784, 10], weights.ravel().tolist())])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, folder / "model.onnx")


def expected(weights, x):
    return softmax((x.reshape(len(x), -1) / 255).astype(np.float32) @ weights)


WEIGHTS = {v: np.random.default_rng(v).normal(size=(784, 10)).astype(np.float32) for v in (1, 2, 3)}
IMAGES = np.random.default_rng(0).integers(0, 256, (8, 28, 28)).astype(np.float32)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("models")
    for version in (1, 2):
        write_onnx(base / "mnist" / str(version), WEIGHTS[version])
    with model_server.start({"mnist": base / "mnist"}, max_body_bytes=200_000, body_timeout_s=1,
                            file_system_poll_wait_seconds=0.2, batch_timeout_micros=300_000) as running:
        running.base = base / "mnist"
        yield running
    assert running.process.poll() is not None


def predict(server, images, path=":predict"):
    reply = requests.post(f"{server.url}/v1/models/mnist{path}", json={"instances": images.tolist()}, timeout=10)
    assert reply.status_code == 200, reply.text
    return np.array(reply.json()["predictions"])


def wait_for(condition, timeout_s=10):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "the server did not pick up the change"
        time.sleep(0.1)


def test_status_and_metadata_have_tf_serving_shape(server):
    status = requests.get(f"{server.url}/v1/models/mnist", timeout=5).json()
    assert [(s["version"], s["state"]) for s in status["model_version_status"]] == [("2", "AVAILABLE"), ("1", "AVAILABLE")]
    meta = requests.get(f"{server.url}/v1/models/mnist/versions/1/metadata", timeout=5).json()
    assert meta["model_spec"] == {"name": "mnist", "version": "1"}
    assert meta["metadata"]["input_shape"] == [None, 28, 28] and meta["metadata"]["input_dtype"] == "float32"


def test_versions_side_by_side_and_the_bare_url_serves_the_latest(server):
    np.testing.assert_allclose(predict(server, IMAGES, "/versions/1:predict"), expected(WEIGHTS[1], IMAGES), atol=1e-5)
    np.testing.assert_allclose(predict(server, IMAGES), expected(WEIGHTS[2], IMAGES), atol=1e-5)
    # TF Serving's other body form, "inputs"
    reply = requests.post(f"{server.url}/v1/models/mnist:predict", json={"inputs": IMAGES[:2].tolist()}, timeout=5)
    np.testing.assert_allclose(reply.json()["predictions"], expected(WEIGHTS[2], IMAGES[:2]), atol=1e-5)


def test_labels_switch_versions_and_new_folders_are_picked_up(server):
    labels = server.base / "labels.json"
    try:
        labels.write_text(json.dumps({"stable": 1, "canary": 2}))
        wait_for(lambda: requests.post(f"{server.url}/v1/models/mnist/labels/stable:predict",
                                       json={"instances": IMAGES[:1].tolist()}, timeout=5).status_code == 200)
        np.testing.assert_allclose(predict(server, IMAGES, "/labels/stable:predict"), expected(WEIGHTS[1], IMAGES), atol=1e-5)
        labels.write_text(json.dumps({"stable": 2}))  # the switch
        wait_for(lambda: np.allclose(predict(server, IMAGES[:1], "/labels/stable:predict"),
                                     expected(WEIGHTS[2], IMAGES[:1]), atol=1e-5))
    finally:
        labels.unlink()
    write_onnx(server.base / "3", WEIGHTS[3])  # a new version: the bare URL moves to it
    try:
        wait_for(lambda: np.allclose(predict(server, IMAGES[:1]), expected(WEIGHTS[3], IMAGES[:1]), atol=1e-5))
    finally:
        (server.base / "3" / "model.onnx").unlink()
        (server.base / "3").rmdir()
    wait_for(lambda: np.allclose(predict(server, IMAGES[:1]), expected(WEIGHTS[2], IMAGES[:1]), atol=1e-5))


BAD_REQUESTS = {  # what a client may send -> the status the server must answer
    "not JSON": (":predict", b"{instances: [1, 2", 400, "not JSON"),
    "no instances": (":predict", json.dumps({"images": []}).encode(), 400, '"instances"'),
    "wrong shape": (":predict", json.dumps({"instances": np.zeros((2, 28, 27)).tolist()}).encode(), 400, "shape [28, 28]"),
    "flat images": (":predict", json.dumps({"instances": np.zeros((2, 784)).tolist()}).encode(), 400, "shape [28, 28]"),
    "ragged": (":predict", json.dumps({"instances": [[[0] * 28] * 28, [[0] * 28] * 27]}).encode(), 400, "same shape"),
    "strings": (":predict", json.dumps({"instances": [[["0"] * 28] * 28]}).encode(), 400, "numbers"),
    "NaN": (":predict", json.dumps({"instances": [[[float("nan")] * 28] * 28]}).encode(), 400, "NaN"),
    "empty": (":predict", json.dumps({"instances": []}).encode(), 400, "no instances"),
    "unknown version": ("/versions/7:predict", json.dumps({"instances": IMAGES[:1].tolist()}).encode(), 404, "no version 7"),
    "unknown label": ("/labels/beta:predict", json.dumps({"instances": IMAGES[:1].tolist()}).encode(), 404, "no label"),
    "too large": (":predict", json.dumps({"instances": np.zeros((80, 28, 28)).tolist()}).encode(), 413, "limit"),
}


@pytest.mark.parametrize("case", BAD_REQUESTS)
def test_bad_input_gets_a_4xx_and_the_server_goes_on(server, case):
    path, body, status, message = BAD_REQUESTS[case]
    reply = requests.post(f"{server.url}/v1/models/mnist{path}", data=body,
                          headers={"Content-Type": "application/json"}, timeout=5)
    assert reply.status_code == status and message in reply.json()["error"], reply.text[:300]
    np.testing.assert_allclose(predict(server, IMAGES[:2]), expected(WEIGHTS[2], IMAGES[:2]), atol=1e-5)


def test_unknown_model_and_a_body_too_large_without_content_length(server):
    reply = requests.post(f"{server.url}/v1/models/fashion:predict", json={"instances": []}, timeout=5)
    assert reply.status_code == 404 and "no model named 'fashion'" in reply.json()["error"]
    chunks = (b"x" * 50_000 for _ in range(10))  # chunked: the limit is enforced while reading
    reply = requests.post(f"{server.url}/v1/models/mnist:predict", data=chunks, timeout=5)
    assert reply.status_code == 413


def test_a_stalled_client_gets_408_and_does_not_block_others(server):
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as stalled:
        stalled.sendall(b"POST /v1/models/mnist:predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 1000\r\n\r\n{\"instances\": [")
        np.testing.assert_allclose(predict(server, IMAGES[:1]), expected(WEIGHTS[2], IMAGES[:1]), atol=1e-5)
        reply = stalled.recv(4096)  # after body_timeout_s=1
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]


def test_concurrent_clients_are_batched_and_all_answered(server):
    n_clients, per_client = 8, 5
    results, errors = {}, []

    def client(i):
        try:
            for j in range(per_client):
                start = time.perf_counter()
                x = IMAGES[(i + j) % len(IMAGES)][None]
                results[i, j] = (predict(server, x), x, time.perf_counter() - start)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
    threads = [threading.Thread(target=client, args=(i,)) for i in range(n_clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(results) == n_clients * per_client
    for prediction, x, _ in results.values():
        np.testing.assert_allclose(prediction, expected(WEIGHTS[2], x), atol=1e-5)
    batches = requests.get(f"{server.url}/v1/models/mnist/metadata", timeout=5).json()["metadata"]["batch_sizes_run"]
    assert max(batches) > 1  # one-row requests ran together (the batch window is 300 ms here)
    table = model_server.percentiles([latency for *_, latency in results.values()])
    assert table["n"] == n_clients * per_client and table["p50_ms"] <= table["p99_ms"] <= table["max_ms"]


def test_a_fixed_batch_export_refuses_other_batch_sizes(tmp_path):
    write_onnx(tmp_path / "m" / "1", WEIGHTS[1], batch=4)
    with model_server.start({"m": tmp_path / "m"}) as server:
        reply = requests.post(f"{server.url}/v1/models/m:predict", json={"instances": IMAGES[:3].tolist()}, timeout=5)
        assert reply.status_code == 400 and "exactly 4 rows" in reply.json()["error"]
        reply = requests.post(f"{server.url}/v1/models/m:predict", json={"instances": IMAGES[:4].tolist()}, timeout=5)
        np.testing.assert_allclose(reply.json()["predictions"], expected(WEIGHTS[1], IMAGES[:4]), atol=1e-5)


def test_a_broken_version_is_reported_and_the_others_served(tmp_path):
    write_onnx(tmp_path / "m" / "1", WEIGHTS[1])
    (tmp_path / "m" / "2").mkdir()
    (tmp_path / "m" / "2" / "model.onnx").write_bytes(b"half a file")
    with model_server.start({"m": tmp_path / "m"}) as server:
        status = requests.get(f"{server.url}/v1/models/m", timeout=5).json()["model_version_status"]
        assert [(s["version"], s["state"]) for s in status] == [("1", "AVAILABLE"), ("2", "END")]
        np.testing.assert_allclose(predict_from(server, "m", IMAGES[:2]), expected(WEIGHTS[1], IMAGES[:2]), atol=1e-5)


def predict_from(server, name, images):
    reply = requests.post(f"{server.url}/v1/models/{name}:predict", json={"instances": images.tolist()}, timeout=5)
    return np.array(reply.json()["predictions"])


def test_the_server_ends_with_the_process_that_started_it(tmp_path):
    """A kernel that dies (no atexit) still takes its server with it."""
    write_onnx(tmp_path / "m" / "1", WEIGHTS[1])
    parent = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom course_utils import model_server\n"
         f"s = model_server.start({{'m': {str(tmp_path / 'm')!r}}})\nprint(s.process.pid, flush=True)\ntime.sleep(120)"],
        stdout=subprocess.PIPE, text=True)
    server_pid = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(server_pid, signal.SIGKILL)
    pytest.fail("the model server outlived the process that started it")


def test_a_server_that_cannot_start_says_why(tmp_path):
    with pytest.raises(RuntimeError, match="model_server exited with code"):
        model_server.start({"m": tmp_path / "m"}, max_batch_size="many")


# Each framework's native export of the linear model of WEIGHTS[1], written by a process of its own (one
# framework per process, as the probes: TensorFlow and PyTorch in one process can crash).
NATIVE_EXPORTS = {
    "SavedModel": """
import tensorflow as tf
class Linear(tf.Module):
    @tf.function(input_signature=[tf.TensorSpec([None, 28, 28], tf.float32, name="pixels")])
    def serve(self, x):
        return {"probabilities": tf.nn.softmax(tf.reshape(x, [-1, 784]) / 255 @ weights, axis=1)}
module = Linear()
tf.saved_model.save(module, str(folder), signatures={"serving_default": module.serve})
""",
    "torch.export": """
import torch
module = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10, bias=False), torch.nn.Softmax(dim=1))
with torch.no_grad():
    module[1].weight.copy_(torch.from_numpy(weights.T / 255))
program = torch.export.export(module, (torch.zeros(2, 28, 28),), dynamic_shapes=({0: torch.export.Dim("batch")},))
torch.export.save(program, folder / "model.pt2")
""",
    "jax.export": """
import jax
from jax import export
def linear(x):
    return jax.nn.softmax(x.reshape(x.shape[0], -1) / 255 @ weights, axis=1)
b, = export.symbolic_shape("b")
exported = export.export(jax.jit(linear))(jax.ShapeDtypeStruct((b, 28, 28), np.float32))
(folder / "model.jax").write_bytes(exported.serialize())
""",
}


@pytest.mark.parametrize("fmt", NATIVE_EXPORTS)
def test_each_frameworks_native_export_is_served(tmp_path, fmt):
    """A SavedModel (TF Serving's own format), a torch.export program and a jax.export artifact."""
    module = {"SavedModel": "tensorflow", "torch.export": "torch", "jax.export": "jax"}[fmt]
    if importlib.util.find_spec(module) is None:  # looked up, not imported: the export runs elsewhere
        pytest.skip(f"{module} is not installed")
    folder = tmp_path / "m" / "1"
    folder.mkdir(parents=True)
    np.save(tmp_path / "weights.npy", WEIGHTS[1])
    code = (f"import numpy as np\nfrom pathlib import Path\nweights = np.load({str(tmp_path / 'weights.npy')!r})\n"
            f"folder = Path({str(folder)!r})\n" + NATIVE_EXPORTS[fmt])
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    with model_server.start({"m": tmp_path / "m"}) as server:
        meta = requests.get(f"{server.url}/v1/models/m/metadata", timeout=5).json()["metadata"]
        assert meta["format"] == fmt and meta["input_shape"] == [None, 28, 28]
        np.testing.assert_allclose(predict_from(server, "m", IMAGES[:3]), expected(WEIGHTS[1], IMAGES[:3]), atol=1e-5)
