"""Load test (`make soak`): the real server under 32 clients while a rebuild adds a report.

    .venv/bin/python -m bench.soak [--clients 32] [--seconds 60] [--add-at 15]

Not part of `make test`: it needs the real model and takes a few minutes. Everything is on
loopback (127.0.0.1) and bounded in time (``--seconds``) and count (``--max-requests``).

1. Copies the shipped reports into ``var/soak/reports`` and builds their index in
   ``var/soak/index`` with the real model (the first build adapts the model to the
   reports, about 2 minutes on two cores; the adapted model is kept in ``var/models``, as
   `make index` keeps it, and reused).
2. Starts `make serve` (a gunicorn worker per core, each a waitress with the Makefile's threads
   and limits) on a free port.
3. Runs ``--clients`` threads, each asking questions over one keep-alive connection, for
   ``--seconds`` seconds. At ``--add-at`` seconds, `flask --app app reports add` adds a
   made-up report (the "Northmoor" one from the tests) and rebuilds in its own process;
   the server switches to the new build between requests.
4. Checks every answer came from one whole index: each answer's passages are all
   verbatim passages (id, text, citation) of the old build, or all of the new one.

Prints requests served, status counts, connection errors, latency p50/p99 and how many
answers each build gave; exits 1 if there was any 5xx, connection error or mixed answer.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.loopback import free_port
from bench.machine import cpu_model
from bench.synthetic import CANAL_QUESTION, CANAL_REPORT, EVAL_SET, canal_report_text

ROOT = Path(__file__).resolve().parents[1]

HOST = "127.0.0.1"  # loopback only, whatever the environment says


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    connection_errors: list[str] = field(default_factory=list)
    answers: list[tuple[float, list[dict]]] = field(default_factory=list)  # (time, passages)
    lock: threading.Lock = field(default_factory=threading.Lock)


def questions() -> list[str]:
    with open(EVAL_SET, encoding="utf-8") as fh:
        asked = [json.loads(line)["question"] for line in fh if line.strip()]
    return asked + [CANAL_QUESTION] * max(1, len(asked) // 4)


def client(port: int, asked: list[str], offset: int, stop_at: float, budget, tally: Tally):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    n = offset
    while time.monotonic() < stop_at and budget():
        body = json.dumps({"question": asked[n % len(asked)], "k": 5})
        n += 1
        start = time.monotonic()
        try:
            conn.request("POST", "/api/ask", body, {"Content-Type": "application/json"})
            res = conn.getresponse()
            data = res.read()
        except (OSError, http.client.HTTPException) as exc:
            with tally.lock:
                tally.connection_errors.append(f"{type(exc).__name__}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            continue
        took = time.monotonic() - start
        passages = json.loads(data)["passages"] if res.status == 200 else None
        with tally.lock:
            tally.latencies.append(took)
            tally.statuses[res.status] = tally.statuses.get(res.status, 0) + 1
            if passages is not None:
                tally.answers.append((time.monotonic(), passages))
    conn.close()


def build_passages(index_dir: Path, build_id: str) -> dict[str, tuple]:
    from index.passages import PassageStore

    store = PassageStore.read(index_dir / "builds" / build_id)
    return {p.id: p.to_dict() for p in store}


def whole(answer: list[dict], build: dict[str, dict]) -> bool:
    """Every passage of the answer is a passage of ``build``, word for word."""
    for hit in answer:
        p = build.get(hit["id"])
        if p is None or p["text"] != hit["text"]:
            return False
        cited = hit["citation"]
        if (cited["force"], cited["section"], cited["paragraph"]) != (
            p["force"],
            p["section"],
            p["paragraph"],
        ):
            return False
    return True


def machine() -> str:
    cpu = cpu_model()
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"
    )


def run(cmd: list[str], env: dict, what: str) -> float:
    start = time.monotonic()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{what} failed:\n{done.stdout}\n{done.stderr}")
    return time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--add-at", type=float, default=15.0, help="seconds into the run")
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "soak")
    args = parser.parse_args()

    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "app"]
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    (work / "reports").mkdir(parents=True)
    for report in (ROOT / "corpus" / "reports").glob("*.txt"):
        shutil.copy(report, work / "reports" / report.name)
    (work / "incoming").mkdir()
    new_report = work / "incoming" / CANAL_REPORT
    new_report.write_text(canal_report_text(), encoding="utf-8")
    index_dir = work / "index"
    env = dict(
        os.environ,
        QA_REPORTS_DIR=str(work / "reports"),
        QA_INDEX_DIR=str(index_dir),
        HOST=HOST,
        THREADS=str(args.threads),
    )
    env.pop("QA_ADMIN_TOKEN", None)
    print(f"Machine: {machine()}")
    took = run([*flask, "index", "rebuild", "--wait", "600"], env, "the first build")
    old_build = os.readlink(index_dir / "current").split("/")[-1]
    print(f"First build {old_build}: {took:.1f} s (model adapted or reused from var/models).")

    port = free_port()
    env["PORT"] = str(port)
    log = open(work / "server.log", "wb")  # closed below
    server = subprocess.Popen(
        ["make", "-s", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=5)
                conn.request("GET", "/api/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit("the server did not come up; see " + str(work / "server.log"))
            time.sleep(0.5)

        tally = Tally()
        asked = questions()
        start = time.monotonic()
        stop_at = start + args.seconds

        def budget() -> bool:
            return len(tally.latencies) + len(tally.connection_errors) < args.max_requests

        threads = [
            threading.Thread(
                target=client, args=(port, asked, i * 7, stop_at, budget, tally), daemon=True
            )
            for i in range(args.clients)
        ]
        for t in threads:
            t.start()
        time.sleep(args.add_at)
        added_at = time.monotonic() - start
        took = run([*flask, "reports", "add", str(new_report), "--wait", "600"], env, "the add")
        new_build = os.readlink(index_dir / "current").split("/")[-1]
        print(
            f"Added {CANAL_REPORT} at {added_at:.1f} s; its rebuild ({new_build}) took "
            f"{took:.1f} s in its own process."
        )
        for t in threads:
            t.join(timeout=args.seconds + 60)
        elapsed = time.monotonic() - start
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()

    old, new = build_passages(index_dir, old_build), build_passages(index_dir, new_build)
    from_old = from_new = mixed = 0
    first_new = None
    for at, answer in tally.answers:
        in_new = whole(answer, new)
        if any(hit["citation"]["force"] == "Northmoor" for hit in answer) and in_new:
            from_new += 1
            first_new = at - start if first_new is None else min(first_new, at - start)
        elif whole(answer, old) or in_new:
            from_old += 1  # all Lancashire: the same in both builds
        else:
            mixed += 1
    served = len(tally.latencies)
    fivexx = sum(n for s, n in tally.statuses.items() if s >= 500)
    ordered = sorted(tally.latencies)
    p50 = statistics.median(ordered) * 1000 if ordered else float("nan")
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000 if ordered else 0
    print(
        f"{args.clients} clients, {elapsed:.1f} s, {args.threads} waitress threads: "
        f"{served} requests served ({served / elapsed:.1f}/s), "
        f"statuses {dict(sorted(tally.statuses.items()))}, {fivexx} 5xx, "
        f"{len(tally.connection_errors)} connection errors."
    )
    print(f"Latency: p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {ordered[-1] * 1000:.0f} ms.")
    print(
        f"Answers: {from_new} cite the added report (new build, first at "
        f"{first_new if first_new is None else round(first_new, 1)} s), {from_old} cite only "
        f"the shipped report (same in both builds), {mixed} fit neither build whole."
    )
    for error in tally.connection_errors[:5]:
        print(f"  connection error: {error}")
    ok = fivexx == 0 and not tally.connection_errors and mixed == 0 and from_new > 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
