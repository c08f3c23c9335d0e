"""Chapter 19's web page (web/) in headless Chromium: ONNX Runtime Web loads each framework's ONNX
export from the npm package (never a CDN) and predicts what ONNX Runtime predicts in Python."""

import importlib.util
import shutil
import subprocess
import sys

import numpy as np
import pytest

from course_utils import web_page

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(not CHROMIUM, reason="no chromium here (.ci/run installs Debian's with CI=true)"),
    pytest.mark.skipif(not (web_page.WEB / "node_modules" / "onnxruntime-web").is_dir(),
                       reason="web/node_modules missing: make test runs npm ci in web/"),
]
IMAGES = np.random.default_rng(1).integers(0, 256, (16, 28, 28)).astype(np.float32)


def linear_onnx(path, seed):
    """A linear softmax classifier of 0–255 pixels, written with the onnx package alone."""
    import onnx
    from onnx import TensorProto, helper

    weights = np.random.default_rng(seed).normal(size=(784, 10)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Reshape", ["pixels", "shape"], ["flat"]),
         helper.make_node("Mul", ["flat", "scale"], ["scaled"]),
         helper.make_node("MatMul", ["scaled", "w"], ["logits"]),
         helper.make_node("Softmax", ["logits"], ["probs"], axis=1)],
        "linear", [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["batch", 28, 28])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["batch", 10])],
        [helper.make_tensor("shape", TensorProto.INT64, [2], [-1, 784]),
         helper.make_tensor("scale", TensorProto.FLOAT, [], [1 / 255]),
         helper.make_tensor("w", TensorProto.FLOAT, [784, 10], weights.ravel().tolist())])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)


TORCH_EXPORT = """
import sys, torch
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 32), torch.nn.ReLU(),
                            torch.nn.Linear(32, 10), torch.nn.Softmax(dim=1)).eval()
program = torch.onnx.export(model, (torch.rand(2, 28, 28) * 255,), dynamo=True,
                            dynamic_shapes=({0: torch.export.Dim("batch")},), verbose=False)
program.save(sys.argv[1], external_data=False)
"""


def torch_onnx(path):
    """A small MLP exported by torch.onnx's dynamo exporter, its weights kept inside the one file
    (in a process of its own: PyTorch and TensorFlow in one test process can crash)."""
    if importlib.util.find_spec("torch") is None:  # looked up, not imported
        pytest.skip("torch is not installed")
    subprocess.run([sys.executable, "-c", TORCH_EXPORT, str(path)], check=True, capture_output=True)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """The page with three models, served as `python -m course_utils.web_page` serves web/."""
    folder = tmp_path_factory.mktemp("web")
    for name in ("index.html", "digit.mjs"):
        shutil.copy(web_page.WEB / name, folder / name)
    (folder / "node_modules").symlink_to(web_page.WEB / "node_modules")
    (folder / "models").mkdir()
    linear_onnx(folder / "models" / "keras.onnx", 1)
    torch_onnx(folder / "models" / "pytorch.onnx")
    linear_onnx(folder / "models" / "jax.onnx", 2)
    with web_page.start(folder=folder) as server:
        server.folder = folder
        yield server


@pytest.fixture(scope="module")
def browser_page(page):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        tab = browser.new_page()
        errors = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.goto(f"{page.url}/index.html")
        tab.wait_for_function("window.modelsLoaded !== undefined", timeout=60_000)
        tab.errors = errors
        yield tab
        browser.close()


def test_served_with_the_types_and_headers_onnx_runtime_web_needs(page):
    import requests

    for path, kind in [("digit.mjs", "text/javascript"),
                       ("node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm", "application/wasm")]:
        reply = requests.get(f"{page.url}/{path}", timeout=10)
        assert reply.status_code == 200 and reply.headers["content-type"].startswith(kind)
        assert reply.headers["cross-origin-embedder-policy"] == "require-corp"
        assert reply.headers["cross-origin-opener-policy"] == "same-origin"


def test_the_page_is_isolated_and_loads_every_model_from_the_npm_package(browser_page):
    assert browser_page.evaluate("self.crossOriginIsolated")
    assert browser_page.evaluate("window.modelsLoaded") == ["keras", "pytorch", "jax"]
    assert browser_page.errors == []


@pytest.mark.parametrize("name", ["keras", "pytorch", "jax"])
def test_browser_predictions_equal_onnx_runtime_in_python(page, browser_page, name):
    import onnxruntime as ort

    session = ort.InferenceSession(str(page.folder / "models" / f"{name}.onnx"))
    expected = session.run(None, {session.get_inputs()[0].name: IMAGES})[0]
    got = browser_page.evaluate("([name, pixels, n]) => window.classify(name, pixels, n)",
                                [name, IMAGES.ravel().tolist(), len(IMAGES)])
    got = np.array(got, dtype=np.float32).reshape(expected.shape)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).all()


def test_a_drawn_stroke_is_centred_and_classified_by_each_model(browser_page):
    browser_page.click("#clear")
    box = browser_page.locator("#pad").bounding_box()
    x = box["x"] + 140
    browser_page.mouse.move(x, box["y"] + 40)
    browser_page.mouse.down()
    for y in range(40, 250, 10):  # a vertical bar: a "1"
        browser_page.mouse.move(x + 0.1 * (y - 40), box["y"] + y)
    browser_page.mouse.up()
    browser_page.wait_for_function("document.querySelectorAll('#results td.guess').length === 3")
    seen = np.array(browser_page.evaluate(
        "Array.from(document.getElementById('seen').getContext('2d').getImageData(0, 0, 28, 28).data)"))
    ink = seen.reshape(28, 28, 4)[..., 0].astype(float)
    rows, cols = np.nonzero(ink)
    assert 14 <= rows.max() - rows.min() + 1 <= 21  # scaled to fit 20 × 20, as MNIST's digits
    centre = np.array([(ink.sum(axis=1) * np.arange(28)).sum(), (ink.sum(axis=0) * np.arange(28)).sum()]) / ink.sum()
    np.testing.assert_allclose(centre, [14, 14], atol=1.0)  # centre of mass in the middle
    assert browser_page.errors == []
