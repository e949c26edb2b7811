"""``/mcp``: the MCP tools (web/mcp_tools.py) over streamable HTTP, on the WSGI server.

The SDK serves streamable HTTP as an ASGI app; the service runs under a WSGI server
(waitress, in gunicorn's workers: serve.py). So each worker process runs the SDK's
session manager, stateless and answering in JSON (one JSON-RPC request in, one response
out: nothing is kept between requests, so any worker can answer any request), on an event
loop in a thread of its own, started at the first /mcp request (after gunicorn's fork:
threads do not survive one). The Flask view hands it the request, already read within
the app's body limit, and returns what it answers. Errors the service raises before the
SDK sees the request (a body over the limit, a method other than POST) have the JSON
API's error shape.
"""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import Future

from flask import Blueprint, Response, current_app, request
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

from web.mcp_tools import make_server

mcp_http = Blueprint("mcp_http", __name__)

# Longest a call may take, past which the client is told 504 (a question takes seconds).
CALL_SECONDS = 300.0
START_SECONDS = 30.0
# Request headers not passed on to the SDK: hop-by-hop, or describing the body as sent
# (the body handed over is the decoded one).
DROPPED = {"connection", "keep-alive", "transfer-encoding", "content-length", "upgrade"}


class Bridge:
    """The SDK's session manager on an event loop thread of this process."""

    def __init__(self, app) -> None:
        self.app = app
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.manager = StreamableHTTPSessionManager(
            app=make_server(app),
            json_response=True,
            stateless=True,
            max_request_body_size=int(app.config["MAX_CONTENT_LENGTH"] or 4 * 1024 * 1024),
        )
        started: Future = Future()
        self.thread = threading.Thread(
            target=self._run, args=(started,), name="mcp-http", daemon=True
        )
        self.thread.start()
        started.result(timeout=START_SECONDS)

    def _run(self, started: Future) -> None:
        asyncio.set_event_loop(self.loop)

        async def serve() -> None:
            try:
                async with self.manager.run():
                    started.set_result(None)
                    await asyncio.Event().wait()  # for the life of the process
            except BaseException as exc:
                if not started.done():
                    started.set_exception(exc)
                raise

        self.loop.run_until_complete(serve())

    def handle(self, environ: dict, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        """One HTTP request, answered whole by the session manager."""
        future = asyncio.run_coroutine_threadsafe(self._call(environ, body), self.loop)
        return future.result(timeout=CALL_SECONDS)

    async def _call(self, environ: dict, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        headers = environ["headers"]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": environ["method"],
            "scheme": environ["scheme"],
            "path": environ["path"],
            "raw_path": environ["path"].encode("latin-1"),
            "root_path": "",
            "query_string": environ["query_string"],
            "headers": headers + [(b"content-length", str(len(body)).encode())],
            "client": environ["client"],
            "server": environ["server"],
        }
        done = asyncio.Event()
        sent_body = False

        async def receive() -> dict:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        status, response_headers, chunks = 500, [], []

        async def send(message: dict) -> None:
            nonlocal status, response_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                raw = message.get("headers", [])
                response_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    done.set()

        try:
            await self.manager.handle_request(scope, receive, send)
        finally:
            done.set()
        return status, response_headers, b"".join(chunks)


_bridges: dict[int, Bridge] = {}
_lock = threading.Lock()


def bridge(app) -> Bridge:
    """This process's bridge for ``app``, started on first use (after any fork)."""
    key = id(app)
    with _lock:
        found = _bridges.get(key)
        if found is None or found.pid != os.getpid():
            found = _bridges[key] = Bridge(app)
        return found


@mcp_http.route("/mcp", methods=["POST"])
def mcp_endpoint():
    body = request.get_data(cache=False)  # refused 413 over QA_MAX_CONTENT_LENGTH
    environ = {
        "method": request.method,
        "scheme": request.scheme,
        "path": request.path,
        "query_string": request.query_string,
        "headers": [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in request.headers.items()
            if name.lower() not in DROPPED
        ],
        "client": (request.remote_addr or "", 0),
        "server": (request.environ.get("SERVER_NAME", ""), int(request.environ["SERVER_PORT"])),
    }
    status, headers, content = bridge(current_app._get_current_object()).handle(environ, body)
    kept = [(n, v) for n, v in headers if n.lower() not in ("content-length", "date", "server")]
    return Response(content, status=status, headers=kept)
