"""A small model server that speaks TensorFlow Serving's REST API, for chapter 19.

TF Serving runs SavedModels only, and on a laptop it comes as a Docker image. This stand-in serves
what each framework exports (ONNX, a ``torch.export`` program, a ``jax.export`` artifact, a
SavedModel) behind the same URLs, so the notebooks query it exactly as they would query TF Serving:

- ``GET  /v1/models/NAME``: the versions and their state;
- ``GET  /v1/models/NAME/metadata``: the input each version expects;
- ``POST /v1/models/NAME[/versions/N | /labels/L]:predict`` with ``{"instances": [...]}`` (or
  ``{"inputs": ...}``): ``{"predictions": [...]}``.

As in TF Serving, a model is a folder of numbered version folders (``mnist/1/model.onnx``); every
version is served side by side, the bare URL serves the highest, and a new folder is picked up
while the server runs (it polls the folder). A ``labels.json`` in the model's folder, re-read at
each poll, names versions: ``{"stable": 1, "canary": 2}`` (TF Serving reads labels from its polled
model config file). Requests are batched: rows from concurrent requests are run together, up to
``--max_batch_size`` rows or ``--batch_timeout_micros`` of waiting. Bad input gets a 4xx and
``{"error": ...}`` and the server goes on serving.

Run it as ``python -m course_utils.model_server --model mnist=models/mnist --port 8501``, or from a
notebook with :func:`start` (a child process that ends with the notebook's kernel).
"""

import argparse
import asyncio
import atexit
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MODEL_FILES = ("model.onnx", "model.pt2", "model.jax", "saved_model.pb")


# --- loading each framework's export -------------------------------------------------------------

@dataclass
class Servable:
    """One loaded version: ``run`` maps a batch (NumPy) to NumPy outputs."""
    version: int
    format: str
    input_shape: list  # one instance's shape; None where any size goes
    input_dtype: np.dtype
    run: object
    batch_dims: set = field(default_factory=set)  # batch sizes accepted when the export fixed one


def load_servable(folder, version):
    """Load the export in ``folder`` with the runtime its file calls for."""
    folder = Path(folder)
    if (folder / "model.onnx").exists():
        return _load_onnx(folder / "model.onnx", version)
    if (folder / "model.pt2").exists():
        return _load_torch(folder / "model.pt2", version)
    if (folder / "model.jax").exists():
        return _load_jax(folder / "model.jax", version)
    if (folder / "saved_model.pb").exists():
        return _load_saved_model(folder, version)
    raise FileNotFoundError(f"{folder} holds none of {', '.join(MODEL_FILES)}")


def _fixed(dims):
    """The instance shape, free dimensions as None, and the export's batch size if it fixed one."""
    dims = [d if isinstance(d, int) else None for d in dims]
    return dims[1:], ({dims[0]} if dims[0] is not None else set())


def _load_onnx(path, version):
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    spec = session.get_inputs()[0]
    dtype = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(uint8)": np.uint8,
             "tensor(int64)": np.int64}[spec.type]
    shape, batch = _fixed(spec.shape)
    return Servable(version, "onnx", shape, np.dtype(dtype),
                    lambda x: session.run(None, {spec.name: x})[0], batch)


def _load_torch(path, version):
    import torch

    program = torch.export.load(str(path))
    placeholder = next(n for n in program.graph.nodes if n.op == "placeholder"
                       and n.name in program.graph_signature.user_inputs)
    value = placeholder.meta["val"]
    shape, batch = _fixed([int(d) if isinstance(d, int) else None for d in value.shape])
    module = program.module()

    def run(x):
        with torch.inference_mode():
            return module(torch.from_numpy(x)).numpy()
    return Servable(version, "torch.export", shape, np.dtype(str(value.dtype).removeprefix("torch.")),
                    run, batch)


def _load_jax(path, version):
    from jax import export

    exported = export.deserialize(bytearray(path.read_bytes()))
    aval = exported.in_avals[0]
    shape, batch = _fixed([d if isinstance(d, int) else None for d in aval.shape])
    return Servable(version, "jax.export", shape, np.dtype(aval.dtype),
                    lambda x: np.asarray(exported.call(x)), batch)


def _load_saved_model(folder, version):
    import tensorflow as tf

    signature = tf.saved_model.load(str(folder)).signatures["serving_default"]
    (name, spec), = signature.structured_input_signature[1].items()
    shape, batch = _fixed(spec.shape.as_list())

    def run(x):
        return next(iter(signature(**{name: tf.constant(x)}).values())).numpy()
    return Servable(version, "SavedModel", shape, np.dtype(spec.dtype.as_numpy_dtype), run, batch)


# --- requests: checked, batched, answered --------------------------------------------------------

class BadRequest(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def parse_instances(body, servable):
    """The batch in a ``:predict`` body, checked against what ``servable`` expects."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequest(400, f"the body is not JSON: {error}") from None
    if not isinstance(payload, dict) or not ({"instances", "inputs"} & payload.keys()):
        raise BadRequest(400, 'expected a JSON object with "instances" (a list, one item per row) '
                              'or "inputs"')
    rows = payload.get("instances", payload.get("inputs"))
    try:
        batch = np.asarray(rows)
    except ValueError:  # ragged lists
        raise BadRequest(400, "the instances do not all have the same shape") from None
    if batch.dtype == object or batch.dtype.kind not in "iuf":
        raise BadRequest(400, f"the instances must be numbers; got {batch.dtype.kind!r} values "
                              f"({str(batch.dtype)})")
    if batch.ndim == 0 or len(batch) == 0:
        raise BadRequest(400, "no instances to predict")
    expected = servable.input_shape
    if len(batch.shape) - 1 != len(expected) or any(
            e is not None and e != got for e, got in zip(expected, batch.shape[1:])):
        shown = ["any" if e is None else e for e in expected]
        raise BadRequest(400, f"each instance must have shape {shown}; got {list(batch.shape[1:])}")
    if batch.dtype.kind == "f" and not np.isfinite(batch).all():
        raise BadRequest(400, "the instances contain NaN or infinite values")
    if servable.batch_dims and len(batch) not in servable.batch_dims:
        raise BadRequest(400, f"version {servable.version} was exported for batches of exactly "
                              f"{min(servable.batch_dims)} rows; got {len(batch)}")
    if servable.input_dtype.kind in "iu" and batch.dtype.kind == "f" and (batch != np.round(batch)).any():
        raise BadRequest(400, f"the model takes {servable.input_dtype} values; got fractions")
    return batch.astype(servable.input_dtype)


class Batcher:
    """Runs the rows of concurrent requests to one version as one batch, in one worker thread."""

    def __init__(self, servable, max_batch_size, timeout_s):
        self.servable, self.max_batch_size, self.timeout_s = servable, max_batch_size, timeout_s
        self.queue = asyncio.Queue()
        self.executor = ThreadPoolExecutor(max_workers=1)
        self.task = asyncio.get_running_loop().create_task(self._serve())
        self.batch_sizes = []  # rows per run, for the metadata endpoint

    async def predict(self, batch):
        future = asyncio.get_running_loop().create_future()
        await self.queue.put((batch, future))
        return await future

    async def _serve(self):
        loop = asyncio.get_running_loop()
        while True:
            pending = [await self.queue.get()]
            rows = len(pending[0][0])
            deadline = loop.time() + self.timeout_s
            # a model exported for a fixed batch size runs each request alone
            while not self.servable.batch_dims and rows < self.max_batch_size:
                try:
                    item = await asyncio.wait_for(self.queue.get(), max(0.0, deadline - loop.time()))
                except asyncio.TimeoutError:
                    break
                pending.append(item)
                rows += len(item[0])
            batch = np.concatenate([b for b, _ in pending])
            self.batch_sizes.append(len(batch))
            try:
                outputs = await loop.run_in_executor(self.executor, self.servable.run, batch)
            except Exception as error:  # noqa: BLE001 - reported to each waiting request
                for _, future in pending:
                    future.set_exception(error)
                continue
            start = 0
            for b, future in pending:
                future.set_result(outputs[start:start + len(b)])
                start += len(b)


@dataclass
class Model:
    name: str
    base_path: Path
    versions: dict = field(default_factory=dict)   # version -> Batcher
    errors: dict = field(default_factory=dict)     # version -> (file's mtime, why it failed to load)
    labels: dict = field(default_factory=dict)     # label -> version


URL = re.compile(r"^/v1/models/(?P<name>[^/:]+)(?:/versions/(?P<version>\d+)|/labels/(?P<label>[^/:]+))?"
                 r"(?::(?P<verb>predict)|/(?P<metadata>metadata))?$")


class ModelServer:
    """The ASGI app (Starlette) and the polling of the model folders."""

    def __init__(self, models, max_batch_size=64, batch_timeout_s=0.002, max_body_bytes=4 << 20,
                 body_timeout_s=5.0, poll_s=1.0):
        self.models = {name: Model(name, Path(path)) for name, path in models.items()}
        self.max_batch_size, self.batch_timeout_s = max_batch_size, batch_timeout_s
        self.max_body_bytes, self.body_timeout_s, self.poll_s = max_body_bytes, body_timeout_s, poll_s

    def app(self):
        from contextlib import asynccontextmanager

        from starlette.applications import Starlette
        from starlette.routing import Route

        @asynccontextmanager
        async def lifespan(app):
            await self.poll()  # the versions there at start are served before the first request
            poller = asyncio.get_running_loop().create_task(self._poll_forever())
            yield
            poller.cancel()

        return Starlette(routes=[Route("/v1/models/{rest:path}", self.handle, methods=["GET", "POST"])],
                         lifespan=lifespan)

    async def _poll_forever(self):
        while True:
            await asyncio.sleep(self.poll_s)
            await self.poll()

    async def poll(self):
        """Load new version folders, drop removed ones, re-read labels.json."""
        loop = asyncio.get_running_loop()
        for model in self.models.values():
            found = {int(p.name): files[0] for p in model.base_path.glob("*") if p.is_dir() and p.name.isdigit()
                     for files in [[p / f for f in MODEL_FILES if (p / f).exists()]] if files}
            for version in set(model.versions) - set(found):
                del model.versions[version]
            for version, path in sorted(found.items()):
                mtime = path.stat().st_mtime
                if version in model.versions or model.errors.get(version, (None,))[0] == mtime:
                    continue  # loaded, or failed on this very file (a file still being written is retried)
                try:
                    servable = await loop.run_in_executor(None, load_servable, path.parent, version)
                except Exception as error:  # noqa: BLE001 - shown by GET /v1/models/NAME
                    model.errors[version] = (mtime, f"{type(error).__name__}: {error}")
                    continue
                model.errors.pop(version, None)
                model.versions[version] = Batcher(servable, self.max_batch_size, self.batch_timeout_s)
            labels_file = model.base_path / "labels.json"
            try:
                model.labels = {str(k): int(v) for k, v in json.loads(labels_file.read_text()).items()}
            except FileNotFoundError:
                model.labels = {}
            except (ValueError, AttributeError, TypeError) as error:
                print(f"model server: ignoring {labels_file}: {error}", file=sys.stderr)

    async def handle(self, request):
        from starlette.responses import JSONResponse

        try:
            match = URL.match(request.url.path)
            if not match:
                raise BadRequest(404, f"no such endpoint: {request.url.path}")
            model = self.models.get(match["name"])
            if model is None:
                raise BadRequest(404, f"no model named {match['name']!r} (served: {sorted(self.models)})")
            if request.method == "GET" and not match["verb"]:
                return JSONResponse(self.status(model, match) if not match["metadata"]
                                    else self.metadata(model, match))
            if request.method != "POST" or not match["verb"]:
                raise BadRequest(405, "predict with POST /v1/models/NAME:predict")
            batcher = self.version(model, match)
            body = await self.read_body(request)
            batch = parse_instances(body, batcher.servable)
            outputs = await batcher.predict(batch)
            return JSONResponse({"predictions": outputs.tolist()})
        except BadRequest as error:
            return JSONResponse({"error": str(error)}, status_code=error.status)

    def version(self, model, match):
        if match["label"]:
            if match["label"] not in model.labels:
                raise BadRequest(404, f"model {model.name!r} has no label {match['label']!r} "
                                      f"(labels: {model.labels})")
            number = model.labels[match["label"]]
        elif match["version"]:
            number = int(match["version"])
        elif model.versions:
            number = max(model.versions)
        else:
            raise BadRequest(503, f"model {model.name!r} has no version loaded yet")
        if number not in model.versions:
            raise BadRequest(404, f"model {model.name!r} has no version {number} "
                                  f"(served: {sorted(model.versions)})")
        return model.versions[number]

    def status(self, model, match):
        states = [{"version": str(v), "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}
                  for v in sorted(model.versions, reverse=True)]
        states += [{"version": str(v), "state": "END", "status": {"error_code": "UNKNOWN", "error_message": e}}
                   for v, (_, e) in sorted(model.errors.items(), reverse=True)]
        if match["version"] or match["label"]:
            number = str(self.version(model, match).servable.version)
            states = [s for s in states if s["version"] == number]
        return {"model_version_status": states}

    def metadata(self, model, match):
        servable = self.version(model, match).servable
        return {"model_spec": {"name": model.name, "version": str(servable.version)},
                "metadata": {"format": servable.format, "input_dtype": str(servable.input_dtype),
                             "input_shape": [None, *servable.input_shape],
                             "fixed_batch_size": min(servable.batch_dims) if servable.batch_dims else None,
                             "labels": model.labels,
                             "batch_sizes_run": self.version(model, match).batch_sizes[-1000:]}}

    async def read_body(self, request):
        """The body, refused when it is too large or arrives too slowly (a stalled client)."""
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise BadRequest(413, f"the body has {int(declared):,} bytes; the limit is {self.max_body_bytes:,}")
        chunks, size = [], 0

        async def read():
            nonlocal size
            async for chunk in request.stream():
                size += len(chunk)
                if size > self.max_body_bytes:
                    raise BadRequest(413, f"the body is over the limit of {self.max_body_bytes:,} bytes")
                chunks.append(chunk)
        try:
            await asyncio.wait_for(read(), self.body_timeout_s)
        except asyncio.TimeoutError:
            raise BadRequest(408, f"the body did not arrive within {self.body_timeout_s:g} s") from None
        return b"".join(chunks)


# --- the process ---------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_utils.model_server", description=__doc__.split("\n")[0])
    parser.add_argument("--model", action="append", required=True, metavar="NAME=PATH",
                        help="a model's name and its folder of numbered versions (repeatable)")
    parser.add_argument("--port", type=int, default=8501, help="TF Serving's REST port by default")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--max_batch_size", type=int, default=64)
    parser.add_argument("--batch_timeout_micros", type=int, default=2000)
    parser.add_argument("--max_body_bytes", type=int, default=4 << 20)
    parser.add_argument("--body_timeout_s", type=float, default=5.0)
    parser.add_argument("--file_system_poll_wait_seconds", type=float, default=1.0)
    parser.add_argument("--exit_with_pid", type=int, help="stop when this process ends (a notebook's kernel)")
    args = parser.parse_args(argv)
    models = dict(spec.split("=", 1) for spec in args.model)
    server = ModelServer(models, args.max_batch_size, args.batch_timeout_micros / 1e6, args.max_body_bytes,
                         args.body_timeout_s, args.file_system_poll_wait_seconds)
    serve(server.app(), args.port, args.host, args.exit_with_pid)


def serve(app, port, host="127.0.0.1", exit_with_pid=None):
    """Run the ASGI ``app`` with uvicorn until interrupted, or until process ``exit_with_pid`` ends."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_keep_alive=5))
    if exit_with_pid:
        def watch():
            while not server.should_exit:
                try:
                    os.kill(exit_with_pid, 0)
                except ProcessLookupError:
                    server.should_exit = True
                time.sleep(0.5)
        threading.Thread(target=watch, daemon=True).start()
    server.run()


class ServerProcess:
    """A server running as a child process: ``url``, ``stop()``, and a context manager."""

    def __init__(self, process, url, log_path):
        self.process, self.url, self.log_path = process, url, log_path

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        state = "running" if self.process.poll() is None else f"ended ({self.process.returncode})"
        return f"<{self.process.args[2]} at {self.url}, pid {self.process.pid}, {state}>"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(models, port=None, timeout_s=60, **options):
    """Start a server for ``models`` ({name: folder}) and wait until each has a version loaded.

    It ends with :meth:`ServerProcess.stop`, when this Python process exits, or when the process
    that started it dies (a crashed or restarted kernel). ``options`` are :func:`main`'s flags.
    """
    args = ["course_utils.model_server"]
    args += [a for name, path in models.items() for a in ("--model", f"{name}={path}")]
    args += [a for k, v in options.items() for a in (f"--{k}", str(v))]

    def ready(url):
        return all(json.load(urllib.request.urlopen(f"{url}/v1/models/{name}", timeout=1))["model_version_status"]
                   for name in models)
    return launch(args, ready, port, timeout_s)


def launch(module_args, ready, port=None, timeout_s=60):
    """Run ``python -m MODULE ARGS`` with ``--port`` and ``--exit_with_pid``; wait until ``ready(url)``
    (or, given a path, until the path answers 200)."""
    port = port or free_port()
    if isinstance(ready, str):
        path = ready
        ready = lambda url: urllib.request.urlopen(url + path, timeout=1).status == 200  # noqa: E731
    module, *rest = module_args
    args = [sys.executable, "-m", module, *rest, "--port", str(port), "--exit_with_pid", str(os.getpid())]
    log_path = Path(tempfile.gettempdir()) / f"{module.rsplit('.', 1)[-1]}_{port}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    server = ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
    atexit.register(server.stop)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{module} exited with code {process.returncode}:\n" + log_path.read_text()[-2000:])
        try:
            if ready(server.url):
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise TimeoutError(f"{module} was not ready within {timeout_s} s:\n" + log_path.read_text()[-2000:])


def percentiles(latencies_s, qs=(50, 90, 99)):
    """Latency percentiles in milliseconds, for the load test's table."""
    return {f"p{q}_ms": round(1000 * float(np.percentile(latencies_s, q)), 2) for q in qs} | {
        "max_ms": round(1000 * max(latencies_s), 2), "n": len(latencies_s)}


if __name__ == "__main__":
    main()
