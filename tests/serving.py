"""The app behind a real WSGI server for tests: waitress in a thread on a free loopback port."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from waitress import wasyncore
from waitress.server import create_server


@contextlib.contextmanager
def serving(app, threads: int = 4) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 until the block ends; yields the base URL.

    The server is polled in short steps and closed from its own thread: closing waitress's
    sockets from another thread races with its select loop."""
    sockets: dict = {}
    server = create_server(app, host="127.0.0.1", port=0, threads=threads, map=sockets)
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.is_set():
                wasyncore.loop(timeout=0.05, map=sockets, count=1)
        finally:
            server.task_dispatcher.shutdown()
            wasyncore.close_all(sockets)

    thread = threading.Thread(target=run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stop.set()
        thread.join(timeout=30)
