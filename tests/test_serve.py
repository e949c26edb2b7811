"""`make run`: builds the index when missing and serves the API with waitress."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from bench.loopback import free_port

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.real_model


def fetch(url: str, body: dict | None = None) -> tuple[int, dict, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
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
        assert headers["Server"] == "waitress"
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
