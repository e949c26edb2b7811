"""`make serve`: the app under waitress, set up to keep answering while many clients
sit idle or send slowly.

    python -m serve [--host 127.0.0.1] [--port 5000] [--threads 8] [--max-request-body-size N]

Waitress reads requests in one event loop and hands only complete ones to its threads,
so an idle or slow connection costs a file descriptor, not a thread. Its defaults
(100 connections, 120 s before an idle one is closed, select() limited to 1,024
descriptors) let about 100 idle sockets lock every other client out. Here:

- up to ``CONNECTION_LIMIT`` connections, with the process's open-file limit raised to
  its hard limit to make room for them (the limit is lowered to fit if it cannot be);
- poll() rather than select(), which cannot watch descriptors above 1,024;
- a connection idle between requests is closed after ``IDLE_SECONDS``, and one that has
  taken over ``REQUEST_SECONDS`` to send a single request (a byte every few seconds) is
  closed too, checked every ``CLEANUP_SECONDS``;
- a request carrying both Transfer-Encoding and Content-Length is refused (400) and its
  connection closed: two servers reading the body differently is how requests are
  smuggled past a proxy.
"""

from __future__ import annotations

import argparse
import logging
import resource
import time

from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError

CONNECTION_LIMIT = 4096
IDLE_SECONDS = 30  # waitress's channel_timeout: an idle keep-alive connection
REQUEST_SECONDS = 60  # to send one whole request, head and body
CLEANUP_SECONDS = 5
FD_HEADROOM = 64  # descriptors kept for files, the index, logs and waitress's own pipes

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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m serve", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--max-request-body-size", type=int, default=1073741824)
    args = parser.parse_args(argv)
    logging.basicConfig()
    logging.getLogger("waitress").setLevel(logging.INFO)

    files = open_file_limit(CONNECTION_LIMIT + FD_HEADROOM)
    connections = max(100, min(CONNECTION_LIMIT, files - FD_HEADROOM))
    if connections < CONNECTION_LIMIT:
        log.warning(
            "the open-file limit is %d: serving at most %d connections at once", files, connections
        )

    from app import create_app  # after the limits: loading the index opens files

    listeners: dict = {}
    server = create_server(
        create_app(),
        map=listeners,
        host=args.host,
        port=args.port,
        threads=args.threads,
        max_request_body_size=args.max_request_body_size,
        connection_limit=connections,
        channel_timeout=IDLE_SECONDS,
        cleanup_interval=CLEANUP_SECONDS,
        asyncore_use_poll=True,
    )
    for listener in listeners.values():  # one per address the host name resolves to
        if hasattr(listener, "channel_class"):
            listener.channel_class = StrictChannel
    server.print_listen("Serving on http://{}:{}")
    server.run()


if __name__ == "__main__":
    main()
