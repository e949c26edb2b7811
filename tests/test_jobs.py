"""index/jobs.py: a background rebuild's status goes queued -> embedding -> done (or
failed, saying why); asked again while running, it runs once more afterwards; every
worker's job answers with the status of the server's latest rebuild."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bench.synthetic import CANAL_REPORT, canal_report_text, report_text, write_report
from common.errors import IndexNotReady, RebuildBusy
from index.jobs import STATUS_FILE, RebuildJob
from index.rebuild import LoadedModel, Rebuilder
from index.store import build_lock, current_build_id
from tests.conftest import HashEncoder

FIRST = "testshire-2018-legitimacy.txt"


@pytest.fixture
def folders(tmp_path):
    reports = tmp_path / "reports"
    write_report(reports, FIRST, report_text())
    return reports, tmp_path / "index"


def job_for(folders, encoder=None, **options) -> RebuildJob:
    reports, index = folders
    rebuilder = Rebuilder(reports, index, LoadedModel(encoder or HashEncoder()))
    return RebuildJob(rebuilder, in_child=False, **options)


def test_a_rebuild_goes_from_idle_to_done_and_says_what_it_did(folders):
    reloads = []
    job = job_for(folders, after=lambda: reloads.append(1))
    assert job.status()["state"] == "idle"
    asked = job.start()
    assert asked["state"] in ("queued", "parsing", "embedding", "done")
    done = job.wait(timeout=60)
    assert done["state"] == "done" and done["another_queued"] is False
    assert done["summary"].added == [FIRST]
    assert done["build_id"] == current_build_id(folders[1])
    assert "Rebuilt" in done["message"] and done["finished_at"]
    assert reloads == [1]  # the server is told to switch to the new build


def test_nothing_changed_is_done_without_a_reload(folders):
    reloads = []
    job = job_for(folders, after=lambda: reloads.append(1))
    job.start()
    build = job.wait(timeout=60)["build_id"]
    job.start()
    again = job.wait(timeout=60)
    assert again["state"] == "done" and again["summary"].up_to_date is True
    assert again["build_id"] == build and reloads == [1]
    assert again["message"].startswith("Index up to date")


def test_progress_shows_while_embedding_and_a_second_request_runs_once_more(folders):
    encoder, embedding, release = held_encoder()
    job = job_for(folders, encoder=encoder)
    try:
        job.start()
        assert embedding.wait(timeout=30)
        during = job.status()
        assert during["state"] == "embedding" and during["done"] < during["total"]
        write_report(folders[0], CANAL_REPORT, canal_report_text())  # changed meanwhile
        again = job.start()
        assert again["another_queued"] is True
    finally:
        release.set()
    final = job.wait(timeout=60)
    # the second run picked up the report added while the first was embedding
    assert final["state"] == "done" and final["summary"].added == [CANAL_REPORT]
    assert final["summary"].reports == 2


def test_a_report_that_does_not_parse_fails_the_job_and_keeps_the_build(folders):
    job = job_for(folders)
    job.start()
    build = job.wait(timeout=60)["build_id"]
    bad = write_report(folders[0], "z-broken.txt", "Northmoor PEEL 2019\nEfficiency\n")
    job.start()
    failed = job.wait(timeout=60)
    assert failed["state"] == "failed" and failed["message"].startswith(f"{bad}, line 2:")
    assert current_build_id(folders[1]) == build


def test_a_rebuild_held_elsewhere_fails_saying_so(folders):
    job = job_for(folders, lock_wait=0)
    with build_lock(folders[1]).hold():  # as `flask index rebuild` in another process
        job.start()
        failed = job.wait(timeout=60)
    assert failed["state"] == "failed"
    assert failed["message"].startswith("a rebuild of the index is already in progress")


def test_a_build_the_server_cannot_load_is_a_failure_naming_the_build(folders):
    def cannot_load():
        raise IndexNotReady("the vectors file is damaged")

    job = job_for(folders, after=cannot_load)
    job.start()
    failed = job.wait(timeout=60)
    assert failed["state"] == "failed"
    assert failed["message"] == (
        f"build {failed['build_id']} was made but the server could not load it: "
        "the vectors file is damaged"
    )


def test_catching_up_rebuilds_only_when_the_folder_has_changed(folders):
    job = job_for(folders)
    assert job.catch_up() is None  # no build yet: nothing to compare with
    job.start()
    job.wait(timeout=60)
    assert job.catch_up() is None and job.status()["summary"].added == [FIRST]
    write_report(folders[0], CANAL_REPORT, canal_report_text())
    assert job.catch_up() == {"added": [CANAL_REPORT], "changed": [], "removed": []}
    assert job.wait(timeout=60)["summary"].added == [CANAL_REPORT]


def test_a_rebuild_in_its_own_process_reports_back(folders):
    reports, index = folders
    job = RebuildJob(Rebuilder(reports, index, LoadedModel(HashEncoder())))
    job.start()
    done = job.wait(timeout=300)
    assert done["state"] == "done", done
    assert done["summary"].added == [FIRST] and current_build_id(index) == done["build_id"]


def held_encoder() -> tuple[HashEncoder, threading.Event, threading.Event]:
    """An encoder that stops in its first call until released: (encoder, embedding, release)."""
    encoder = HashEncoder()
    encode, embedding, release = encoder.encode, threading.Event(), threading.Event()

    def held_encode(texts):
        embedding.set()
        assert release.wait(timeout=30)
        return encode(texts)

    encoder.encode = held_encode
    return encoder, embedding, release


def test_every_worker_sees_the_rebuild_another_worker_runs(folders):
    # Two workers of one server: a job each, over the same folders.
    encoder, embedding, release = held_encoder()
    rebuilding, other = job_for(folders, encoder=encoder), job_for(folders)
    assert other.status()["state"] == "idle"
    try:
        rebuilding.start()
        assert embedding.wait(timeout=30)
        seen = other.status()
        assert seen["state"] == "embedding" and seen["done"] < seen["total"]
        assert seen["started_at"] and seen["another_queued"] is False
        assert other.state() == "embedding"  # what /api/health says
        with pytest.raises(RebuildBusy):
            other.start(queue=False)
    finally:
        release.set()
    done = rebuilding.wait(timeout=60)
    seen = other.status()
    assert seen["state"] == "done" and seen["build_id"] == done["build_id"]
    assert seen["message"] == done["message"] and seen["finished_at"] == done["finished_at"]
    assert seen["summary"]["added"] == [FIRST]  # the summary as the web layer shapes it
    assert seen["summary"]["passages"] == done["summary"].passages
    # The other worker rebuilds next: now the first one shows that one.
    write_report(folders[0], CANAL_REPORT, canal_report_text())
    other.start()
    again = other.wait(timeout=60)
    assert again["summary"].added == [CANAL_REPORT]
    assert rebuilding.status()["summary"]["added"] == [CANAL_REPORT]
    assert rebuilding.status()["build_id"] == again["build_id"] == current_build_id(folders[1])


def test_a_worker_waiting_to_rebuild_shows_the_running_one_and_that_one_more_follows(folders):
    encoder, embedding, release = held_encoder()
    rebuilding, uploaded_to = job_for(folders, encoder=encoder), job_for(folders)
    try:
        rebuilding.start()
        assert embedding.wait(timeout=30)
        write_report(folders[0], CANAL_REPORT, canal_report_text())  # an upload, elsewhere
        waiting = uploaded_to.start()  # queued behind the running rebuild
        assert waiting["state"] == "queued" and "another worker" in waiting["message"]
        seen = uploaded_to.status()
        assert seen["state"] == "embedding" and seen["another_queued"] is True
    finally:
        release.set()
    assert rebuilding.wait(timeout=60)["summary"].added == [FIRST]
    final = uploaded_to.wait(timeout=60)
    assert final["state"] == "done" and final["summary"].added == [CANAL_REPORT]
    assert rebuilding.status()["summary"]["added"] == [CANAL_REPORT]


def test_a_status_left_by_a_server_stopped_midway_is_a_failure_not_a_rebuild(folders):
    encoder, embedding, release = held_encoder()
    job = job_for(folders, encoder=encoder)
    status_file = Path(folders[1]) / STATUS_FILE
    try:
        job.start()
        assert embedding.wait(timeout=30)
        midway = status_file.read_bytes()  # what a server killed at this point leaves
    finally:
        release.set()
    job.wait(timeout=60)
    status_file.write_bytes(midway)  # ... and the claim died with it

    restarted = job_for(folders)
    stopped = restarted.status()
    assert stopped["state"] == "failed" and stopped["another_queued"] is False
    assert stopped["message"].startswith("the rebuild stopped before it finished")
    assert "previous index is still the one served" in stopped["message"]
    restarted.start(queue=False)  # nothing holds the claim: a rebuild starts
    assert restarted.wait(timeout=60)["state"] == "done"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"run": "a1b2", "status": {"state": "embe',
        b"\xff\xfe\x00",
        b"[" * 100_000,
        b'{"run": 7, "status": "done"}',
        b'{"run": "a1b2", "status": {"done": 3}}',
    ],
    ids=["empty", "cut short", "not text", "nested", "wrong types", "no state"],
)
def test_an_unreadable_status_file_says_whether_a_rebuild_runs(folders, content):
    status_file = Path(folders[1]) / STATUS_FILE
    status_file.parent.mkdir(parents=True, exist_ok=True)
    status_file.write_bytes(content)
    job = job_for(folders)
    idle = job.status()
    assert idle["state"] == "idle" and "could not be read" in idle["message"]

    encoder, embedding, release = held_encoder()
    rebuilding = job_for(folders, encoder=encoder)
    try:
        rebuilding.start()
        assert embedding.wait(timeout=30)
        status_file.write_bytes(content)  # damaged while a rebuild runs
        running = job.status()
        assert running["state"] == "running" and "could not be read" in running["message"]
    finally:
        release.set()
    assert rebuilding.wait(timeout=60)["state"] == "done"
    assert job.status()["state"] == "done"  # the next write replaces it whole


def test_a_status_is_written_over_in_place_once_the_disk_has_filled(folders, monkeypatch):
    """The status file cannot be replaced (no room for the copy written beside it): the
    failure is written over the file in place, so the other workers say "failed" with the
    same reason, not the state before it."""
    import errno
    import os

    import index.jobs

    rebuilding, other = job_for(folders), job_for(folders)
    rebuilding.start()
    assert rebuilding.wait(timeout=60)["state"] == "done"
    (folders[0] / "z-broken.txt").write_text("Minutes of the parish council\n")

    def full_disk(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(index.jobs, "write_file", full_disk)
    rebuilding.start()
    failed = rebuilding.wait(timeout=60)
    assert failed["state"] == "failed" and "z-broken.txt" in failed["message"]
    seen = other.status()
    assert (seen["state"], seen["message"]) == ("failed", failed["message"])
