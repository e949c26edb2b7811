"""`make run`: builds the index when missing and serves the API on every core (gunicorn
workers, each answering with waitress), following new builds and sharing one rebuild."""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from bench.loopback import free_port

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.real_model


def fetch(url: str, body: dict | None = None, timeout: float = 10) -> tuple[int, dict, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, dict(res.headers), json.loads(res.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read())


def test_make_run_builds_and_serves(tmp_path, real_models_dir, real_encoder):
    port = free_port()
    # The session has adapted the model to these reports already: make run reuses it.
    env = dict(
        os.environ,
        QA_INDEX_DIR=str(tmp_path / "index"),
        QA_MODELS_DIR=str(real_models_dir),
        PORT=str(port),
    )
    proc = subprocess.Popen(
        ["make", "-s", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, proc.stdout.read().decode()
            try:
                status, headers, health = fetch(f"{base}/api/health")
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.5)
        assert health["passages"] > 90 and health["model"] == "all-MiniLM-L6-v2+peel"
        assert headers["Server"] == "waitress"  # in each gunicorn worker
        status, _, answer = fetch(
            f"{base}/api/ask", {"question": "How long do digital devices wait for examination?"}
        )
        assert status == 200
        assert any("digital forensic" in p["text"] for p in answer["passages"])
        status, _, error = fetch(f"{base}/api/ask", {"question": ""})
        assert status == 400 and error["error"]["code"] == "bad_question"
        assert (tmp_path / "index" / "current" / "manifest.json").is_file()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        proc.stdout.close()


# ---------------------------------------------------------------- several workers


class Workers:
    """`make serve` with two gunicorn workers over a copy of the shipped report indexed
    with the real model; the admin endpoints on."""

    TOKEN = "workers-test-token-5d2e"

    def __init__(self, tmp_path: Path, models_dir: Path, encoder) -> None:
        from bench.synthetic import REAL_REPORT
        from tests.conftest import build

        self.reports = tmp_path / "reports"
        self.reports.mkdir()
        (self.reports / REAL_REPORT.name).write_bytes(REAL_REPORT.read_bytes())
        self.index = tmp_path / "index"
        build(self.reports, encoder, self.index)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            QA_INDEX_DIR=str(self.index),
            QA_REPORTS_DIR=str(self.reports),
            QA_MODELS_DIR=str(models_dir),
            QA_ADMIN_TOKEN=self.TOKEN,
            PORT=str(self.port),
            WORKERS="2",
            THREADS="2",
        )
        self.log_path = tmp_path / "server.log"
        self.start()

    def start(self) -> None:
        self.log = open(self.log_path, "ab")  # closed in stop()
        self.proc = subprocess.Popen(
            ["make", "-s", "serve"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, condition, what: str, seconds: float = 240) -> dict:
        """Ask /api/health (a new connection each time) until ``condition`` holds."""
        deadline = time.monotonic() + seconds
        while True:
            assert self.proc.poll() is None, self.output()
            try:
                status, _, health = fetch(f"{self.base}/api/health")
                if status == 200 and condition(health):
                    return health
            except OSError:
                pass
            assert time.monotonic() < deadline, f"{what}; server log:\n{self.output()}"
            time.sleep(0.2)

    def wait_for_every_worker(self, build_id: str, seconds: float = 120) -> None:
        """Until 20 health checks in a row (each on a new connection, taken by whichever
        worker accepts it) name this build: each worker looks for a new build on its own,
        every INDEX_CHECK_SECONDS, and under load one can lag the other by more than that."""
        deadline = time.monotonic() + seconds
        while True:
            seen = [fetch(f"{self.base}/api/health")[2].get("build_id") for _ in range(20)]
            if all(b == build_id for b in seen):
                return
            assert time.monotonic() < deadline, f"a worker kept {seen}; log:\n{self.output()}"
            time.sleep(0.5)

    def workers(self) -> list[int]:
        """The worker processes: forks of gunicorn's master (same command line, -m serve)."""
        family, todo = set(), [self.proc.pid]
        while todo:
            children = subprocess.run(
                ["pgrep", "-P", str(todo.pop())], capture_output=True, text=True
            ).stdout.split()
            family.update(int(c) for c in children)
            todo += children
        serving = {
            pid
            for pid in family
            if b"serve" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        }
        parent = {pid: int(Path(f"/proc/{pid}/stat").read_text().split()[3]) for pid in serving}
        return [pid for pid in serving if parent[pid] in serving]

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server: its master, workers and their children."""
        family, todo = {self.proc.pid}, [self.proc.pid]
        while todo:
            children = subprocess.run(
                ["pgrep", "-P", str(todo.pop())], capture_output=True, text=True
            ).stdout.split()
            family.update(int(c) for c in children)
            todo += children
        total = 0.0
        for pid in family:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def admin(self, method: str, path: str, files: dict[str, bytes] | None = None):
        headers = {"Authorization": f"Bearer {self.TOKEN}"}
        data = None
        if files:
            boundary = "workers-test-boundary"
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{name}"\r\nContent-Type: text/plain\r\n\r\n'.encode()
                + content
                + b"\r\n"
                for name, content in files.items()
            ]
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=120) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=60)
        # make exits before the server's workers have all gone; one still shutting down can
        # answer on the port a restarted server is about to bind (seen on a loaded machine:
        # the old server said "damaged" where the new one refuses the build)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        self.log.close()


@pytest.fixture
def workers(tmp_path, real_models_dir, real_encoder):
    server = Workers(tmp_path, real_models_dir, real_encoder)
    try:
        yield server
    finally:
        server.stop()


def test_every_worker_picks_up_a_build_published_while_serving(workers, real_encoder):
    from bench.synthetic import CANAL_QUESTION, CANAL_REPORT, canal_report_text
    from tests.conftest import build

    first = workers.wait_for(lambda h: h["status"] == "ok", "the server did not come up")
    deadline = time.monotonic() + 60  # the master forks its workers one after the other
    while len(workers.workers()) < 2:
        assert time.monotonic() < deadline, workers.output()
        time.sleep(0.2)
    assert len(workers.workers()) == 2, workers.output()
    # Published by another process (as `flask index rebuild` does): no worker made it.
    (workers.reports / CANAL_REPORT).write_text(canal_report_text(), "utf-8")
    build(workers.reports, real_encoder, workers.index)
    new = workers.wait_for(lambda h: h["build_id"] != first["build_id"], "no worker swapped")
    time.sleep(1.5)  # past INDEX_CHECK_SECONDS: every worker has looked since
    # Each request on a new connection, taken by whichever worker accepts it first.
    for _ in range(30):
        status, _, health = fetch(f"{workers.base}/api/health")
        assert status == 200 and health["build_id"] == new["build_id"]
        assert health["reports"] == 2
    for _ in range(6):
        status, _, answer = fetch(f"{workers.base}/api/ask", {"question": CANAL_QUESTION})
        assert status == 200
        assert "eleven canal boats" in answer["passages"][0]["text"]


def test_two_rebuilds_asked_of_two_workers_run_once_and_an_upload_is_not_lost(workers):
    from concurrent.futures import ThreadPoolExecutor

    from bench.synthetic import CANAL_QUESTION, CANAL_REPORT, canal_report_text, report_text

    first = workers.wait_for(lambda h: h["status"] == "ok", "the server did not come up")
    # Both workers up before the file arrives: a worker still starting finds the index behind
    # the folder and rebuilds on its own (RebuildJob.catch_up), and both requests are then
    # refused as busy (seen once on a loaded machine).
    workers.wait_for_every_worker(first["build_id"])
    # A file put in the folder by hand: the index is behind it until a rebuild.
    (workers.reports / CANAL_REPORT).write_text(canal_report_text(), "utf-8")
    barrier = threading.Barrier(2)

    def ask_rebuild(_):
        barrier.wait()
        return workers.admin("POST", "/api/reports/rebuild")

    with ThreadPoolExecutor(2) as pool:
        answers = sorted(pool.map(ask_rebuild, range(2)), key=lambda a: a[0])
    (started, _), (busy, refusal) = answers
    assert (started, busy) == (202, 409), answers
    assert refusal["error"]["code"] == "rebuild_busy"
    assert "already in progress" in refusal["error"]["message"]
    # An upload meanwhile, to whichever worker takes it, is stored and indexed after.
    status, body = workers.admin(
        "POST", "/api/reports", {"otherton-2018-legitimacy.txt": report_text("Otherton").encode()}
    )
    assert status == 202, body
    done = workers.wait_for(
        lambda h: h["reports"] == 3 and h["status"] == "ok", "the upload was not indexed"
    )
    assert done["build_id"] != first["build_id"]
    workers.wait_for_every_worker(done["build_id"])
    status, _, answer = fetch(f"{workers.base}/api/ask", {"question": CANAL_QUESTION})
    assert any("eleven canal boats" in p["text"] for p in answer["passages"])
    assert "Traceback" not in workers.output()


def test_a_rebuild_shows_as_running_then_done_whichever_worker_answers(workers):
    import random

    from bench.synthetic import report_name, report_page, sentence_pool

    workers.wait_for(lambda h: h["status"] == "ok", "the server did not come up")
    deadline = time.monotonic() + 60  # the master forks its workers one after the other
    while len(workers.workers()) < 2:
        assert time.monotonic() < deadline, workers.output()
        time.sleep(0.2)
    # A made-up page of 200 paragraphs: seconds of embedding to watch.
    page = report_page(0, 200, sentence_pool(), random.Random(0))
    (workers.reports / report_name(0)).write_text(page, "utf-8")
    status, started = workers.admin("POST", "/api/reports/rebuild")
    assert status == 202 and started["state"] == "queued", started
    # Every poll on a new connection, taken by whichever worker accepts it: the one
    # rebuilding and the other answer alike (before, the other said "idle").
    running = []
    deadline = time.monotonic() + 300
    while True:
        status, seen = workers.admin("GET", "/api/reports/rebuild")
        assert status == 200, seen
        if seen["state"] == "done":
            break
        assert seen["state"] in ("queued", "parsing", "embedding", "writing"), seen
        running.append(seen["state"])
        _, _, health = fetch(f"{workers.base}/api/health")
        assert health.get("rebuild") not in ("idle", "failed"), health
        assert time.monotonic() < deadline, workers.output()
        time.sleep(0.05)
    # Measured on two cores (load 1.2): 39 and 40 polls, 25 and 27 of them while embedding.
    assert len(running) >= 20 and "embedding" in running, running
    for _ in range(20):
        status, again = workers.admin("GET", "/api/reports/rebuild")
        assert status == 200 and again["state"] == "done", again
        assert again["build_id"] == seen["build_id"] and again["finished_at"] == seen["finished_at"]
        assert again["summary"]["added"] == [report_name(0)]
    workers.wait_for_every_worker(seen["build_id"])
    assert "Traceback" not in workers.output()


@pytest.fixture(scope="module")
def served_once(tmp_path_factory, real_models_dir, real_encoder):
    """One server for the tests below, which each leave it serving a sound build (starting
    one, with its index built with the real model, takes a minute on a busy machine)."""
    server = Workers(tmp_path_factory.mktemp("served"), real_models_dir, real_encoder)
    try:
        yield server
    finally:
        server.stop()


def test_files_made_to_hang_or_swamp_a_reader_are_refused_and_the_server_keeps_answering(
    served_once,
):
    """The issue's files and their variations (tests/hostile.py), uploaded four at a time
    (two workers, two threads each): every one is refused with a 422 that says why, the
    server answers /api/health meanwhile, stores nothing, and is idle afterwards. Before
    the parse budget, one self-referencing PDF held a thread at 100% of a core until the
    server was stopped."""
    from concurrent.futures import ThreadPoolExecutor

    from tests import hostile

    workers = served_once
    workers.wait_for(lambda h: h["status"] == "ok", "the server did not come up")
    before = sorted(p.name for p in workers.reports.iterdir())
    files = {name: make() for name, make in {**hostile.PDFS, **hostile.PAGES}.items()}
    with ThreadPoolExecutor(4) as pool:
        upload = functools.partial(workers.admin, "POST", "/api/reports")
        sent = [pool.submit(upload, {name: data}) for name, data in files.items()]
        # meanwhile, on connections of their own (queued behind uploads, not starved)
        health = [fetch(f"{workers.base}/api/health", timeout=60)[0] for _ in range(5)]
        answers = dict(zip(files, (future.result() for future in sent), strict=True))
    for name, (status, body) in answers.items():
        assert status == 422, (name, status, body)
        assert body["error"]["message"].startswith(f"{name}, line 1: "), body
    assert health == [200] * 5
    assert sorted(p.name for p in workers.reports.iterdir()) == before
    idle_from = workers.cpu_seconds()
    time.sleep(2)
    assert workers.cpu_seconds() - idle_from < 0.5  # nothing left spinning
    assert fetch(f"{workers.base}/api/health")[0] == 200
    assert "Traceback" not in workers.output()


def test_a_build_damaged_in_place_is_refused_after_a_restart_until_rebuilt(served_once):
    """Bytes of the FAISS file flipped, its size unchanged: while running, /api/health
    says damaged; after a restart the server refuses the build (before, it said ok and
    answered from the damaged file), and an admin rebuild over HTTP puts it right."""
    from index.manifest import INDEX_FILE
    from index.store import current_build
    from tests.test_faults import flip_a_byte

    workers = served_once
    first = workers.wait_for(lambda h: h["status"] == "ok", "the server did not come up")
    flip_a_byte(current_build(workers.index) / INDEX_FILE)
    workers.wait_for(lambda h: h["status"] == "damaged", "the damage was not noticed", 30)
    workers.stop()
    workers.start()
    deadline = time.monotonic() + 120
    while True:
        try:
            status, _, body = fetch(f"{workers.base}/api/health")
            break
        except OSError:
            assert time.monotonic() < deadline, workers.output()
            time.sleep(0.3)
    assert status == 503 and body["error"]["code"] == "index_not_ready", body
    assert "index.faiss is missing or damaged" in body["error"]["message"]
    assert "POST /api/reports/rebuild" in body["error"]["message"]
    status, _, answer = fetch(f"{workers.base}/api/ask", {"question": "who checks crime?"})
    assert status == 503, answer
    status, started = workers.admin("POST", "/api/reports/rebuild")
    assert status == 202, started
    done = workers.wait_for(lambda h: h["status"] == "ok", "the rebuild did not put it right")
    assert done["build_id"] != first["build_id"]
    workers.wait_for_every_worker(done["build_id"])


# Twenty made-up forces, one report each, uploaded at the same moment.
UPLOAD_FORCES = [
    f"{stem}ton"
    for stem in (
        "Ash", "Birch", "Cedar", "Dale", "Elm", "Fern", "Gorse", "Heath", "Ivy", "Juniper",
        "Kestrel", "Larch", "Moss", "Nettle", "Oak", "Pine", "Quince", "Rowan", "Sedge", "Thorn",
    )
]  # fmt: skip


def builds_since(index: Path, first: str) -> int:
    """How many builds were published after ``first`` (counting up to 3): each manifest
    names the build before it, and the one before the current build is kept beside it."""
    manifest = json.loads((index / "current" / "manifest.json").read_text())
    if manifest["build_id"] == first:
        return 0
    if manifest["previous_build"] == first:
        return 1
    before = index / "builds" / str(manifest["previous_build"]) / "manifest.json"
    if before.is_file() and json.loads(before.read_text())["previous_build"] == first:
        return 2
    return 3


def test_twenty_uploads_at_once_are_all_acknowledged_and_indexed(workers):
    """Uploads at the same moment to a server of two workers: each is acknowledged (the
    folder's lock is held only to write a file) and all are indexed in one or two rebuilds."""
    from concurrent.futures import ThreadPoolExecutor

    from bench.synthetic import report_text

    first = workers.wait_for(lambda h: h["status"] == "ok", "the server did not come up")
    deadline = time.monotonic() + 60
    while len(workers.workers()) < 2:
        assert time.monotonic() < deadline, workers.output()
        time.sleep(0.2)
    barrier = threading.Barrier(len(UPLOAD_FORCES))

    def send(force: str):
        name = f"{force.lower()}-2018-legitimacy.txt"
        barrier.wait()
        return name, *workers.admin("POST", "/api/reports", {name: report_text(force).encode()})

    with ThreadPoolExecutor(len(UPLOAD_FORCES)) as pool:
        answers = list(pool.map(send, UPLOAD_FORCES))
    for name, status, body in answers:
        assert status == 202, (name, body)
        assert [a["file"] for a in body["added"]] == [name] and body["refused"] == []
    done = workers.wait_for(
        lambda h: h["reports"] == 1 + len(UPLOAD_FORCES) and h["status"] == "ok",
        "not every upload was indexed",
        seconds=300,
    )
    assert 1 <= builds_since(workers.index, first["build_id"]) <= 2
    workers.wait_for_every_worker(done["build_id"])
    status, _, reports = fetch(f"{workers.base}/api/reports")
    assert status == 200 and set(UPLOAD_FORCES) <= {r["force"] for r in reports["reports"]}
    assert "Traceback" not in workers.output()
