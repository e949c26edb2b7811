"""Readers' verdicts on answers: the chat page's "right" / "wrong" control in a real browser
(Chromium) ends up in `flask --app app feedback export`; an acknowledged verdict survives
the server being killed with SIGKILL right after; a flood of verdicts is refused with 429
while questions keep being answered; bad bodies get the JSON error shape; nothing about the
sender is stored; the CSV cannot run as a spreadsheet formula; `python -m bench.evaluate
--review-feedback` lists the wrong answers with the passages shown.

Over the two-report test index with the test encoder: this is about storing and limiting,
not retrieval.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.review import format_review, review_list
from bench.synthetic import REAL_REPORT, report_text, write_report
from tests.conftest import HashEncoder, build
from tests.serving import serving

ROOT = Path(__file__).resolve().parents[1]
WAIT_MS = 20_000
QUESTION = "who checks crime reports are filled in properly?"


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("feedback")
    reports = folder / "reports"
    reports.mkdir()
    shutil.copy(REAL_REPORT, reports / REAL_REPORT.name)
    write_report(reports, "testshire-2018-legitimacy.txt", report_text())
    build(reports, HashEncoder(), folder / "index")
    return reports, folder / "index"


def make_app(folders, db: Path, **config):
    from app import create_app

    reports, index = folders
    settings = {"TESTING": True, "INDEX_DIR": str(index), "REPORTS_DIR": str(reports)}
    return create_app({**settings, "ENCODER": HashEncoder(), "FEEDBACK_DB": str(db), **config})


def post(base: str, path: str, body: object, raw: bytes | None = None):
    data = raw if raw is not None else json.dumps(body).encode()
    req = urllib.request.Request(
        base + path, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            return res.status, dict(res.headers), json.loads(res.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read())


def exported(app, *args: str) -> list[dict]:
    result = app.test_cli_runner().invoke(args=["feedback", "export", *args])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def test_the_chat_page_sends_wrong_and_the_export_has_it(browser, folders, tmp_path):
    from playwright.sync_api import expect

    app = make_app(folders, tmp_path / "feedback.sqlite")
    with serving(app) as base:
        context = browser.new_context(viewport={"width": 1100, "height": 860})
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base + "/")
        box = page.get_by_label("Your question")
        box.fill(QUESTION)
        box.press("Enter")
        turn = page.locator("article.turn").last
        expect(turn.locator(".passage").first).to_be_visible()
        shown = turn.locator(".passage").evaluate_all(
            "nodes => nodes.map(n => n.querySelector('a[href^=\"/passages/\"]')"
            ".getAttribute('href').split('/passages/')[1].split('?')[0].split('#')[0])"
        )
        group = turn.get_by_role("group", name="Was this answer right?")
        group.get_by_label("Note on this answer (optional)").fill('=HYPERLINK("x") wrong force')
        group.get_by_role("button", name="Wrong").click()
        expect(turn.locator(".feedback-status")).to_have_text(
            "Thank you: you marked this answer wrong."
        )
        page.reload()  # the page remembers the verdict was sent
        expect(page.locator("article.turn .feedback-status").last).to_have_text(
            "Thank you: you marked this answer wrong."
        )
        context.close()
        assert errors == []
    rows = exported(app)
    assert len(rows) == 1
    row = rows[0]
    assert (row["verdict"], row["question"]) == ("wrong", QUESTION)
    assert row["note"] == '\'=HYPERLINK("x") wrong force'  # shown as text, never run
    assert row["passage_ids"].split() == [urllib.request.unquote(s) for s in shown]
    assert exported(app, "--verdict", "right") == []


def test_an_acknowledged_verdict_survives_kill_9(folders, tmp_path):
    reports, index = folders
    db = tmp_path / "feedback.sqlite"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.feedback_child", str(reports), str(index), str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline()
        assert line.startswith("PORT "), line
        base = f"http://127.0.0.1:{int(line.split()[1])}"
        acknowledged = []
        for n in range(12):
            body = {"question": f"question {n}", "verdict": "wrong", "note": f"note {n}"}
            status, _, ack = post(base, "/api/feedback", body)
            assert status == 201, ack
            acknowledged.append(ack["id"])
        os.kill(child.pid, signal.SIGKILL)  # at once: no shutdown, no checkpoint
    finally:
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    app = make_app(folders, db)
    rows = exported(app)
    assert [int(r["id"]) for r in rows] == acknowledged
    assert [r["note"] for r in rows] == [f"note {n}" for n in range(12)]
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_a_flood_is_refused_and_questions_keep_being_answered(folders, tmp_path):
    db = tmp_path / "feedback.sqlite"
    app = make_app(folders, db, FEEDBACK_BURST=5, FEEDBACK_PER_MINUTE=6)
    statuses, answers = [], []
    with serving(app, threads=4) as base:

        def flood() -> None:
            for _ in range(60):
                statuses.append(post(base, "/api/feedback", {"question": "q", "verdict": "right"}))

        flooders = [threading.Thread(target=flood) for _ in range(2)]
        for thread in flooders:
            thread.start()
        while not answers or any(t.is_alive() for t in flooders):  # asked all along
            status, _, body = post(base, "/api/ask", {"question": QUESTION})
            answers.append((status, body))
        for thread in flooders:
            thread.join(timeout=60)
    assert len(statuses) == 120
    assert {s for s, _ in answers} == {200}
    assert all(b["passages"] for _, b in answers)
    accepted = [s for s in statuses if s[0] == 201]
    refused = [s for s in statuses if s[0] == 429]
    assert len(accepted) + len(refused) == len(statuses)
    assert 5 <= len(accepted) <= 6  # the burst, and at most one more refilled meanwhile
    assert len(refused) >= 100
    status, headers, body = refused[0]
    assert body["error"]["code"] == "too_many_requests"
    assert int(headers["Retry-After"]) >= 1
    assert len(exported(app)) == len(accepted)


def test_bad_bodies_get_the_json_error_and_store_nothing(folders, tmp_path):
    app = make_app(folders, tmp_path / "feedback.sqlite")
    client = app.test_client()
    cases = [
        ({"question": "q"}, "bad_feedback"),
        ({"question": "q", "verdict": "maybe"}, "bad_feedback"),
        ({"question": "  ", "verdict": "wrong"}, "bad_feedback"),
        ({"question": "q", "verdict": "wrong", "note": "x" * 1001}, "bad_feedback"),
        ({"question": "q", "verdict": "wrong", "passage_ids": ["a"] * 21}, "bad_feedback"),
        ({"question": "q", "verdict": "wrong", "passage_ids": "a"}, "bad_feedback"),
        ({"question": "q", "verdict": "wrong", "email": "me@example.org"}, "unknown_field"),
        (["q", "wrong"], "bad_body"),
    ]
    for body, code in cases:
        response = client.post("/api/feedback", json=body)
        assert response.status_code == 400, body
        assert response.get_json()["error"]["code"] == code, body
    response = client.post("/api/feedback", data=b"{" + b" " * 20_000 + b"}")
    assert response.status_code == 413
    assert "QA_FEEDBACK_MAX_BYTES" in response.get_json()["error"]["message"]
    assert exported(app) == []


def test_nothing_about_the_sender_is_stored(folders, tmp_path):
    db = tmp_path / "feedback.sqlite"
    app = make_app(folders, db)
    with serving(app) as base:
        status, _, ack = post(base, "/api/feedback", {"question": "q?", "verdict": "right"})
    assert status == 201
    con = sqlite3.connect(db)
    columns = [row[1] for row in con.execute("PRAGMA table_info(feedback)")]
    row = con.execute("SELECT * FROM feedback").fetchone()
    con.close()
    assert columns == [
        "id",
        "received",
        "verdict",
        "question",
        "answer",
        "passage_ids",
        "note",
        "build_id",
    ]
    assert len(row[1]) == 10  # the day only: no time to match against an access log
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("feedback.sqlite*"))
    assert b"127.0.0.1" not in stored and b"Mozilla" not in stored


def test_the_wrong_answers_are_a_review_list_with_their_passages(folders, tmp_path):
    db = tmp_path / "feedback.sqlite"
    app = make_app(folders, db)
    client = app.test_client()
    answer = client.post("/api/ask", json={"question": QUESTION}).get_json()
    ids = [p["id"] for p in answer["passages"]]
    for verdict, note in [("right", None), ("wrong", "the IMU is not what I asked about")]:
        body = {"question": QUESTION, "passage_ids": ids + ["gone-report-q9-p1"]}
        body.update(verdict=verdict, note=note, answer="shown answer")
        assert client.post("/api/feedback", json=body).status_code == 201
    items = review_list(db, app.extensions["qa"])
    assert len(items) == 1 and items[0]["note"] == "the IMU is not what I asked about"
    shown = items[0]["passages"]
    assert [p["text"] for p in shown[:-1]] == [p["text"] for p in answer["passages"]]
    assert shown[-1] == {"id": "gone-report-q9-p1", "cite": None, "text": None}
    text = format_review(items)
    assert answer["passages"][0]["text"] in text and "no longer in the index" in text
    # and from the command line
    env = {**os.environ, "QA_INDEX_DIR": "/nonexistent"}
    ran = subprocess.run(
        [sys.executable, "-m", "bench.evaluate", "--review-feedback", str(db), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert ran.returncode == 1 and "error:" in ran.stderr  # no index there: said, not a traceback


def test_a_token_bucket_refills_at_its_rate_and_forgets_idle_clients():
    from common.ratelimit import TokenBuckets

    now = [0.0]
    buckets = TokenBuckets(rate=0.5, burst=2, max_keys=3, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 2.0]  # a token every 2 s
    assert buckets.take("b") == 0.0  # one client's flood is not another's
    now[0] = 2.0
    assert buckets.take("a") == 0.0 and buckets.take("a") == 2.0
    for key in "cdef":
        buckets.take(key)
    assert len(buckets._buckets) <= 3  # memory stays bounded, whoever sends
