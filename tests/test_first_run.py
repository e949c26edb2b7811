"""A first `make run`: it builds with the base model and serves at once, the server adapts the
model to the reports in the background and swaps the adapted build in; an adaptation
killed midway loses nothing, is said to have failed (not to be under way), and runs again
the next time the server starts.

A one-report corpus keeps the adapting short."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from app import create_app
from bench.synthetic import CANAL_QUESTION, CANAL_REPORT, canal_report_text, write_report
from index.store import current_build_id

pytestmark = pytest.mark.real_model
BASE, ADAPTED = "all-MiniLM-L6-v2", "all-MiniLM-L6-v2+peel"


def first_build(tmp_path: Path) -> dict:
    """A fresh install's reports, built as `make run` builds them; the app's config."""
    reports = tmp_path / "reports"
    reports.mkdir()
    write_report(reports, CANAL_REPORT, canal_report_text())
    config = {
        "INDEX_DIR": str(tmp_path / "index"),
        "REPORTS_DIR": str(reports),
        "MODELS_DIR": str(tmp_path / "models"),
        "INDEX_CHECK_SECONDS": 0,
    }
    result = create_app(config).test_cli_runner().invoke(args=["index", "rebuild", "--adapt-later"])
    assert result.exit_code == 0, result.output
    assert "Built with the base model" in result.output
    return config


def adapted_models(config: dict) -> list[str]:
    models = Path(config["MODELS_DIR"])
    return [p.name for p in models.iterdir() if p.name.startswith("adapted-")]


def serving(client) -> dict:
    """Health, the chat page's note and a question answered, as a user sees them."""
    health = client.get("/api/health")
    assert health.status_code == 200
    reports = client.get("/api/reports").get_json()
    answer = client.post("/api/ask", json={"question": CANAL_QUESTION, "k": 1})
    assert answer.status_code == 200
    return {
        **health.get_json(),
        "page_note": reports["model_note"],
        "top_force": answer.get_json()["passages"][0]["citation"]["force"],
    }


def test_the_base_model_serves_at_once_and_the_adapted_build_takes_over(tmp_path):
    config = first_build(tmp_path)
    assert adapted_models(config) == []  # nothing was adapted before serving

    app = create_app(config)
    client = app.test_client()
    before = serving(client)
    assert before["status"] == "adapting" and before["model"] == BASE
    assert "adapted to the language of these reports" in before["model_note"]
    assert before["page_note"] == before["model_note"]
    assert before["top_force"] == "Northmoor"

    job = app.extensions["rebuild_job"]
    job.catch_up()  # what each server worker does when it starts
    assert job.wait(timeout=900)["state"] == "done"

    after = serving(client)  # the same server, no restart
    assert after["status"] == "ok" and after["model"] == ADAPTED
    assert "model_note" not in after and after["page_note"] is None
    assert after["top_force"] == "Northmoor"
    assert after["build_id"] != before["build_id"]

    again = create_app(config).test_cli_runner().invoke(args=["index", "rebuild", "--adapt-later"])
    assert again.exit_code == 0 and "Index up to date" in again.output


def rebuild_process() -> multiprocessing.Process:
    (child,) = [p for p in multiprocessing.active_children() if p.name == "rebuild"]
    return child


def test_an_adaptation_killed_midway_loses_nothing_and_runs_again_at_the_next_start(tmp_path):
    config = first_build(tmp_path)
    base_build = current_build_id(config["INDEX_DIR"])
    app = create_app(config)
    job = app.extensions["rebuild_job"]
    job.catch_up()
    deadline = time.monotonic() + 900  # a bound on waiting, not a speed check
    while not (job.status()["state"] == "adapting" and job.status().get("done")):
        assert time.monotonic() < deadline and job.status()["state"] != "done", job.status()
        time.sleep(0.2)
    os.kill(rebuild_process().pid, signal.SIGKILL)  # mid-training: a crash, a kill -9

    stopped = job.wait(timeout=120)
    assert stopped["state"] == "failed" and "previous index is still" in stopped["message"]
    assert current_build_id(config["INDEX_DIR"]) == base_build
    assert adapted_models(config) == []
    still = serving(app.test_client())
    assert still["status"] == "adapting_failed" and still["model"] == BASE
    assert still["rebuild"] == "failed"
    note = still["model_note"]  # no longer "being adapted": it says it failed, and why
    assert note == (
        f"Answers come from the general {BASE} model: adapting it to the language of these "
        "reports failed: the rebuild process stopped without finishing (exit code -9). It is "
        "tried again at the next rebuild or when the server next starts; until then answers "
        "may be less precise."
    )
    assert still["page_note"] == note
    assert still["top_force"] == "Northmoor"
    other_worker = serving(create_app(config).test_client())  # one that did not adapt
    assert other_worker["status"] == "adapting_failed" and other_worker["page_note"] == note

    restarted = create_app({**config, "PRELOAD": True})  # adapts again, from the start
    again = serving(restarted.test_client())
    assert again["status"] == "adapting" and again["rebuild"] in ("queued", "parsing", "adapting")
    assert "being adapted" in again["model_note"]
    assert restarted.extensions["rebuild_job"].wait(timeout=900)["state"] == "done"
    after = serving(restarted.test_client())
    assert after["status"] == "ok" and after["model"] == ADAPTED
    assert after["top_force"] == "Northmoor"
    # The killed run's half-written model folder is gone too.
    models = Path(config["MODELS_DIR"])
    assert [p.name for p in models.iterdir() if p.name.startswith(".") and p.is_dir()] == []
