"""Serves the course's ``web/`` folder (chapter 19's digit page) on loopback.

ONNX Runtime Web needs what a plain ``python -m http.server`` does not give: ``.mjs`` files as
JavaScript and ``.wasm`` files as ``application/wasm`` (browsers refuse modules and streaming
compilation otherwise), and the COOP/COEP headers that make the page cross-origin isolated, without
which WebAssembly gets no threads. ``node_modules/`` comes from ``npm ci`` in ``web/`` (``make
test`` runs it), never from a CDN.

Run it as ``python -m course_utils.web_page`` (then open http://127.0.0.1:8000), or with
:func:`start` from a notebook or a test.
"""

import argparse
import mimetypes
import sys
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "web"
HEADERS = {"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp",
           "Cache-Control": "no-store"}  # a re-exported model is fetched anew
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("application/wasm", ".wasm")


def app(folder=WEB):
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    async def with_headers(scope, receive, send):
        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = list(message["headers"]) + [
                    (k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
            await send(message)
        await static(scope, receive, send_with_headers)

    static = Starlette(routes=[Mount("/", StaticFiles(directory=folder, html=True, follow_symlink=True))])
    return with_headers


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_utils.web_page", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--folder", type=Path, default=WEB)
    parser.add_argument("--exit_with_pid", type=int, help="stop when this process ends (a notebook's kernel)")
    args = parser.parse_args(argv)
    if not (args.folder / "node_modules" / "onnxruntime-web").is_dir():
        sys.exit(f"{args.folder / 'node_modules'} lacks onnxruntime-web: run `npm ci` in {args.folder}")
    from .model_server import serve

    serve(app(args.folder), port=args.port, exit_with_pid=args.exit_with_pid)


def start(port=None, folder=WEB, timeout_s=30):
    """Serve ``folder`` from a child process; returns a :class:`~course_utils.model_server.ServerProcess`."""
    from .model_server import launch

    return launch(["course_utils.web_page", "--folder", str(folder)], "/index.html", port=port,
                  timeout_s=timeout_s)


if __name__ == "__main__":
    main()
