"""`make serve` as it runs in service (waitress in a subprocess), started on a damaged or
missing index, then sent bodies that are too big, with honest, lying and no lengths.

The subprocess cannot use the tests' hash encoder, so these stay on paths that need no
model: start-up, /api/health and the body limits, which are checked before a question
is read.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from bench.loopback import free_port
from index.manifest import INDEX_FILE
from index.store import current_build

ROOT = Path(__file__).resolve().parents[1]
APP_LIMIT = 64 * 1024  # QA_MAX_CONTENT_LENGTH for these servers
SERVER_CAP = APP_LIMIT + 65536  # what the Makefile gives waitress for it


class Served:
    def __init__(self, index_dir: Path, log: Path) -> None:
        self.port = free_port()
        env = dict(
            os.environ,
            QA_INDEX_DIR=str(index_dir),
            QA_MAX_CONTENT_LENGTH=str(APP_LIMIT),
            PORT=str(self.port),
            THREADS="2",
        )
        self.log_path = log
        self.log = open(log, "wb")  # closed in stop()
        self.proc = subprocess.Popen(
            ["make", "-s", "serve"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_up(self) -> None:
        deadline = time.monotonic() + 120
        while True:
            assert self.proc.poll() is None, self.output()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def raw(self, request: bytes, then: list[bytes] = ()) -> bytes:
        """Send a request (and further chunks while the server reads); return its answer."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=15) as sock:
            sock.sendall(request)
            try:
                for chunk in then:
                    sock.sendall(chunk)
            except OSError:  # the server answered and closed before taking it all
                pass
            answer = b""
            while b"\r\n\r\n" not in answer or not _complete(answer):
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        return answer

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def parse(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def post(path: str, length: int | None, extra: str = "") -> bytes:
    size = f"Content-Length: {length}\r\n" if length is not None else ""
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{size}{extra}\r\n"
    ).encode()


@pytest.fixture(scope="module")
def damaged_server(tmp_path_factory):
    """An index whose FAISS file was cut short, as a full disk or a bad copy leaves it."""
    from bench.synthetic import REAL_REPORT
    from tests.conftest import HashEncoder, build

    tmp = tmp_path_factory.mktemp("served")
    index_dir = tmp / "index"
    build(REAL_REPORT.parent, HashEncoder(), index_dir)
    faiss_file = current_build(index_dir) / INDEX_FILE
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    missing = Served(tmp / "no-index-here", tmp / "missing.log")
    damaged = Served(index_dir, tmp / "damaged.log")
    try:
        missing.wait_up()
        damaged.wait_up()
        yield damaged, missing
    finally:
        missing.stop()
        damaged.stop()


def get(server: Served, path: str) -> tuple[int, dict[str, str], bytes]:
    return parse(server.raw(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()))


def test_a_damaged_or_missing_index_serves_503_not_a_traceback(damaged_server):
    damaged, missing = damaged_server
    status, headers, body = get(damaged, "/api/health")
    assert status == 503
    error = json.loads(body)["error"]
    assert error["code"] == "index_not_ready"
    assert "index.faiss is missing or damaged" in error["message"]
    assert "make index" in error["message"]
    status, _, body = get(missing, "/api/health")
    assert status == 503 and "no index at" in json.loads(body)["error"]["message"]
    for server in damaged_server:
        assert server.proc.poll() is None
        assert "Traceback" not in server.output()
        assert "index not loaded" in server.output()  # one clear line in the log


def test_the_server_names_itself_without_a_version(damaged_server):
    _, headers, _ = get(damaged_server[0], "/")
    assert headers["Server"] == "waitress"  # waitress's default: no version, no platform
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in headers and "Referrer-Policy" in headers


def test_a_body_just_over_the_limit_gets_the_json_413(damaged_server):
    body = json.dumps({"question": "x" * APP_LIMIT}).encode()
    status, headers, answer = parse(damaged_server[0].raw(post("/api/ask", len(body)) + body))
    assert status == 413
    assert json.loads(answer)["error"]["code"] == "request_entity_too_large"
    assert f"{APP_LIMIT:,} bytes" in json.loads(answer)["error"]["message"]


def test_a_chunked_body_over_the_limit_gets_the_json_413(damaged_server):
    """No Content-Length: the app counts the bytes as it reads and stops at the limit."""
    chunk = b"x" * 8192
    body = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * (
        (APP_LIMIT // len(chunk)) + 2
    ) + b"0\r\n\r\n"
    request = post("/api/ask", None, "Transfer-Encoding: chunked\r\n") + body
    status, _, answer = parse(damaged_server[0].raw(request))
    assert status == 413
    assert json.loads(answer)["error"]["code"] == "request_entity_too_large"


def test_a_lying_content_length_is_refused_before_the_body_is_read(damaged_server):
    """Content-Length says 1 GB and ten bytes follow: the answer comes at once, without
    waiting for (or buffering) the gigabyte. Before the Makefile capped waitress's body
    size, waitress sat waiting for the rest until its 120 s channel timeout."""
    status, headers, _ = parse(damaged_server[0].raw(post("/api/ask", 10**9) + b"0123456789"))
    assert status == 413
    assert headers.get("Connection") == "close"


def test_an_endless_chunked_body_is_cut_off_at_the_cap(damaged_server):
    """Chunks keep coming with no length: waitress stops reading once they pass the cap."""
    chunk = b"%x\r\n" % 65536 + b"y" * 65536 + b"\r\n"
    chunks = [chunk] * (4 * SERVER_CAP // 65536)
    answer = damaged_server[0].raw(post("/api/ask", None, "Transfer-Encoding: chunked\r\n"), chunks)
    assert parse(answer)[0] == 413


# ---------------------------------------------------------------- many slow clients

IDLE_SOCKETS = 1000


def _open_file_room(needed: int) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        pytest.skip(f"the open-file limit ({hard}) is below the {needed} sockets this needs")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def test_a_thousand_idle_or_trickling_connections_do_not_lock_a_client_out(tmp_path):
    """Half the sockets connect and say nothing, half send a partial request head and
    then one more byte every two seconds; meanwhile an ordinary client still gets its
    page. Before serve.py, waitress stopped accepting at 100 connections."""
    _open_file_room(IDLE_SOCKETS + 256)
    server = Served(tmp_path / "no-index", tmp_path / "flood.log")
    sockets: list[socket.socket] = []
    try:
        server.wait_up()
        for i in range(IDLE_SOCKETS):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            if i % 2:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            sockets.append(sock)
        took = []
        for _ in range(4):
            for sock in sockets[1::2]:
                sock.sendall(b"z")
            start = time.monotonic()
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                answer = b""
                while data := sock.recv(65536):
                    answer += data
            took.append(time.monotonic() - start)
            assert parse(answer)[0] == 200
            time.sleep(2)
        print(f"{IDLE_SOCKETS} idle/trickling sockets; ordinary requests took", took)
        assert "Traceback" not in server.output()
    finally:
        for sock in sockets:
            sock.close()
        server.stop()


@pytest.mark.parametrize(
    "framing",
    [
        "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n",
        "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
    ],
)
def test_a_request_framed_by_both_length_and_chunks_is_refused_and_smuggles_nothing(
    damaged_server, framing
):
    hidden = b"GET /api/smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    request = post("/api/ask", None, framing) + b"0\r\n\r\n" + hidden
    with socket.create_connection(("127.0.0.1", damaged_server[0].port), timeout=15) as sock:
        sock.sendall(request)
        answer = b""
        while data := sock.recv(65536):  # the server must close the connection
            answer += data
    assert parse(answer)[0] == 400
    assert answer.count(b"HTTP/1.1 ") == 1  # the hidden request was never answered
    assert b"smuggled" not in answer
