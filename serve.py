"""`make serve`: the app on every core, each worker set up to keep answering while many
clients sit idle or send slowly.

    python -m serve [--host 127.0.0.1] [--port 5000] [--workers N] [--threads 8]
                    [--max-request-body-size N] [--server gunicorn|waitress]

Search holds the GIL for much of a question, so one process serves on one core. On
Linux (wherever gunicorn runs) ``--workers`` processes (default: one per core) share one
listening socket: gunicorn's master loads the app and the index once (``--preload``:
the index files are memory-mapped, so every worker reads the same pages), forks the
workers, restarts one that dies and stops them all on SIGTERM. Where gunicorn does not
run (Windows), or with ``--server waitress``, one waitress process serves.

Inside each worker waitress answers (``WaitressWorker``), not gunicorn's own threads:
waitress reads requests in one event loop and hands only complete ones to its threads,
so an idle or slow connection costs a file descriptor, not a thread; gunicorn's threaded
worker gives a thread to a connection as soon as its first byte arrives, and a few
hundred clients sending a byte every few seconds would hold them all. Waitress's
defaults (100 connections, 120 s before an idle one is closed, select() limited to
1,024 descriptors) would let about 100 idle sockets lock every other client out. Here:

- up to ``CONNECTION_LIMIT`` connections per worker, with the process's open-file
  limit raised to its hard limit to make room for them (lowered to fit if it cannot be);
- poll() rather than select(), which cannot watch descriptors above 1,024;
- a connection idle between requests is closed after ``IDLE_SECONDS``, and one that has
  taken over ``REQUEST_SECONDS`` to send a single request (a byte every few seconds) is
  closed too, checked every ``CLEANUP_SECONDS``;
- a body over ``--max-request-body-size`` is refused as soon as its length, or its
  chunks, pass it;
- a request carrying both Transfer-Encoding and Content-Length is refused (400) and its
  connection closed: two servers reading the body differently is how requests are
  smuggled past a proxy.

Fork safety (measured): an onnxruntime session made before the fork answers the same
vectors in the workers, so with ONNX (the default) the master loads the model too and
the workers share its pages; a torch model used before a fork hangs in the child, so
with ``QA_ONNX=false`` each worker loads the model and index after the fork. Rebuilds
run in a process of their own, started from a worker (index/jobs.py), never the master.
"""

from __future__ import annotations

import argparse
import ctypes
import logging
import os
import resource
import time

from waitress import create_server, wasyncore
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError

try:  # gunicorn needs fork() and fcntl: not on Windows
    from gunicorn.app.base import BaseApplication
    from gunicorn.workers.base import Worker
except ImportError:
    BaseApplication = Worker = None

CONNECTION_LIMIT = 4096
IDLE_SECONDS = 30  # waitress's channel_timeout: an idle keep-alive connection
REQUEST_SECONDS = 60  # to send one whole request, head and body
CLEANUP_SECONDS = 5
FD_HEADROOM = 64  # descriptors kept for files, the index, logs and waitress's own pipes
STOP_SECONDS = 10  # a stopping worker finishes the requests it has begun for this long
HEARTBEAT_SECONDS = 30  # gunicorn replaces a worker whose loop has not turned for this long

log = logging.getLogger("serve")


class StrictParser(HTTPRequestParser):
    """Waitress's request parser, refusing a body framed two ways, and timed."""

    def __init__(self, adj) -> None:
        super().__init__(adj)
        self.started = time.monotonic()

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        framed_by_encoding = self.chunked or "TRANSFER_ENCODING" in self.headers
        if framed_by_encoding and "CONTENT_LENGTH" in self.headers:
            raise ParsingError("a request may not carry both Transfer-Encoding and Content-Length")


class StrictChannel(HTTPChannel):
    """A connection that uses StrictParser and is closed when one request drags on."""

    parser_class = StrictParser

    def readable(self) -> bool:
        # Called on every turn of the event loop for every connection.
        request = self.request
        if (
            request is not None
            and not request.completed
            and time.monotonic() - request.started > REQUEST_SECONDS
        ):
            self.will_close = True
        return super().readable()


def open_file_limit(wanted: int) -> int:
    """Raise the soft open-file limit towards ``wanted`` (up to the hard limit); the
    limit in force afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def connection_limit() -> int:
    """Connections one process may hold, after making room in the open-file limit."""
    files = open_file_limit(CONNECTION_LIMIT + FD_HEADROOM)
    connections = max(100, min(CONNECTION_LIMIT, files - FD_HEADROOM))
    if connections < CONNECTION_LIMIT:
        log.warning(
            "the open-file limit is %d: serving at most %d connections at once", files, connections
        )
    return connections


def strict_server(app, listeners: dict, **options):
    """A waitress server with the settings above; ``options`` are waitress's own (host and
    port, or ``sockets`` already listening, threads, body size)."""
    server = create_server(
        app,
        map=listeners,
        connection_limit=connection_limit(),
        channel_timeout=IDLE_SECONDS,
        cleanup_interval=CLEANUP_SECONDS,
        asyncore_use_poll=True,
        **options,
    )
    for listener in listeners.values():  # one per address the host name resolves to
        if hasattr(listener, "channel_class"):
            listener.channel_class = StrictChannel
    return server


def load_index(app) -> None:
    """Load the model and the current build now, with what the first questions would
    otherwise compute in every worker (the intent examples' and unit titles' vectors, the
    passages' word counts: seconds at 10,000 passages on a busy machine); serve anyway when
    that fails (/api/health says what is wrong, and each request tries again)."""
    from common.errors import IndexNotReady

    try:
        engine = app.extensions["qa"]
        engine.reload()
    except IndexNotReady as exc:
        log.error("index not loaded: %s", exc.message)
        return
    loaded = engine.loaded
    loaded.reader.warm()
    _ = loaded.answerer.title_vectors, loaded.answerer.stem_frequency


def steady_memory() -> None:
    """Keep the C allocator from holding on to what a question's large arrays (BM25 scores
    and masks over every passage, several hundred KB each) used, once per thread: glibc
    raises its mmap threshold after such blocks are freed and then serves them from
    per-thread arenas that it keeps. Two arenas, and blocks of 256 KB or more always
    mapped and unmapped, keep the resident memory near what is in use. glibc only; a
    no-op elsewhere."""
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return
    mallopt(M_ARENA_MAX, 2)
    mallopt(M_MMAP_THRESHOLD, 256 * 1024)


M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8  # glibc's mallopt parameters (malloc.h)


def fork_safe(app) -> bool:
    """Whether the model may be loaded before the workers are forked: an onnxruntime
    session survives a fork, a torch model used before one hangs in the child."""
    return bool(app.config["ONNX"]) and app.config["ENCODER"] is None


def serve_waitress(args: argparse.Namespace) -> None:
    """One waitress process (where gunicorn does not run, or when asked for)."""
    from app import create_app  # after the limits: loading the index opens files

    server = strict_server(
        create_app(),
        {},
        host=args.host,
        port=args.port,
        threads=args.threads,
        max_request_body_size=args.max_request_body_size,
    )
    server.print_listen("Serving on http://{}:{}")
    server.run()


if Worker is not None:

    class WaitressWorker(Worker):
        """A gunicorn worker that answers with waitress, set up as above, on the listening
        socket the master opened; it turns its loop at least once a second to tell the
        master it is alive, and on SIGTERM stops accepting and finishes what it began."""

        def run(self) -> None:
            listeners: dict = {}
            server = strict_server(
                self.wsgi, listeners, sockets=[s.sock for s in self.sockets], **self.app.waitress
            )
            alive_at = 0.0
            while self.alive and self.ppid == os.getppid():
                wasyncore.loop(timeout=1.0, map=listeners, use_poll=True, count=1)
                if time.monotonic() - alive_at >= 1.0:
                    self.notify()
                    alive_at = time.monotonic()
            for listener in [c for c in listeners.values() if hasattr(c, "channel_class")]:
                listener.del_channel()  # no new connections; the master's socket stays open
            deadline = time.monotonic() + STOP_SECONDS
            while time.monotonic() < deadline and any(
                getattr(channel, "requests", None) for channel in listeners.values()
            ):
                wasyncore.loop(timeout=0.2, map=listeners, use_poll=True, count=1)
            server.task_dispatcher.shutdown(timeout=1)
            wasyncore.close_all(listeners)
            # Skip the interpreter's exit: C++ libraries loaded before the fork tear down
            # thread pools this process never had (measured: SIGABRT or SIGSEGV on exit).
            # A rebuild process this worker started finishes on its own.
            logging.shutdown()
            os._exit(0)

    class Server(BaseApplication):
        """gunicorn run from here, not from its command line: the master loads the app
        (and, when it is fork-safe, the model and index) before forking the workers."""

        def __init__(self, args: argparse.Namespace) -> None:
            host = f"[{args.host}]" if ":" in args.host else args.host
            self.settings = {
                "bind": f"{host}:{args.port}",
                "workers": args.workers,
                "worker_class": WaitressWorker,
                "preload_app": True,
                "timeout": HEARTBEAT_SECONDS,
                "graceful_timeout": STOP_SECONDS + 5,
                "post_worker_init": _worker_started,
                "control_socket_disable": True,  # no socket file in $HOME per server
                "proc_name": "peel-qa",
                "loglevel": "info",
            }
            self.waitress = {
                "threads": args.threads,
                "max_request_body_size": args.max_request_body_size,
            }
            super().__init__()

        def load_config(self) -> None:
            for name, value in self.settings.items():
                self.cfg.set(name, value)

        def load(self):
            from app import create_app

            app = create_app({"PRELOAD": False})  # loaded here, or in each worker
            if fork_safe(app):
                load_index(app)
            return app


def _worker_started(worker) -> None:
    """In each worker, once forked: load what could not be loaded before the fork, and
    rebuild if the reports folder has files the index lacks (one worker does; the others
    find it busy)."""
    app = worker.wsgi
    if not fork_safe(app):
        load_index(app)
    app.extensions["rebuild_job"].catch_up()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m serve", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes (default: cores)"
    )
    parser.add_argument("--threads", type=int, default=8, help="waitress threads per process")
    parser.add_argument("--max-request-body-size", type=int, default=1073741824)
    parser.add_argument(
        "--server",
        choices=("gunicorn", "waitress"),
        default="gunicorn" if Worker is not None else "waitress",
        help="gunicorn: --workers processes; waitress: one process",
    )
    args = parser.parse_args(argv)
    steady_memory()
    logging.basicConfig()
    logging.getLogger("waitress").setLevel(logging.INFO)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.server == "gunicorn":
        if Worker is None:
            parser.error("gunicorn does not run here: use --server waitress")
        Server(args).run()
    else:
        serve_waitress(args)


if __name__ == "__main__":
    main()
