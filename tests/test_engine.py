"""A running server follows the index: new builds are swapped in between requests."""

from __future__ import annotations

import gc
import json
import threading
import time
import urllib.request
import weakref

from app import create_app
from bench.synthetic import CANAL_QUESTION, CANAL_REPORT, canal_report_text, write_report
from index.manifest import PASSAGES_FILE
from index.rebuild import LoadedModel, Rebuilder
from index.store import CURRENT, current_build_id
from tests.conftest import HashEncoder
from tests.serving import serving


def rebuild_elsewhere(reports_dir, index_dir):
    """A rebuild the server is not told about, as from `flask index rebuild`."""
    return Rebuilder(reports_dir, index_dir, LoadedModel(HashEncoder())).run()


def wait_until(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.01)


def health(client) -> dict:
    return client.get("/api/health").get_json()


def test_a_running_server_swaps_builds_between_requests(app, reports_dir, index_dir):
    with serving(app) as base:
        answers, old, new = _ask_through_a_rebuild(f"{base}/api/ask", reports_dir, index_dir)
    assert old[0] == new[0] == 200
    assert "Northmoor" not in {p["citation"]["force"] for p in old[1]}
    assert new[1][0]["citation"]["force"] == "Northmoor"
    # Every answer is a 200 from the old build or the new one, and none from the old after
    # the first from the new.
    kinds = ["old" if a == old else "new" if a == new else f"other: {a}" for a in answers]
    switch = kinds.index("new")
    assert kinds == ["old"] * switch + ["new"] * (len(kinds) - switch)
    assert switch >= 5 and len(kinds) - switch >= 5


def _ask_through_a_rebuild(url, reports_dir, index_dir):
    """Ask over and over in a thread while the index is rebuilt with a new report."""

    def ask() -> tuple[int, list]:
        body = json.dumps({"question": CANAL_QUESTION, "k": 3}).encode()
        req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                return res.status, json.loads(res.read())["passages"]
        except urllib.error.HTTPError as err:
            err.close()
            return err.code, []

    answers: list[tuple[int, list]] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            answers.append(ask())

    asker = threading.Thread(target=keep_asking)
    old = ask()
    asker.start()
    try:
        wait_until(lambda: len(answers) >= 5)
        write_report(reports_dir, CANAL_REPORT, canal_report_text())
        rebuild_elsewhere(reports_dir, index_dir)
        wait_until(lambda: answers[-1] != old)
        seen = len(answers)
        wait_until(lambda: len(answers) >= seen + 5)
    finally:
        stop.set()
        asker.join(timeout=30)
    return answers, old, ask()


def test_the_old_index_is_freed_after_the_swap(app, client, reports_dir, index_dir):
    assert client.post("/api/ask", json={"question": "crime"}).status_code == 200
    old = weakref.ref(app.extensions["qa"].index)
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    build = rebuild_elsewhere(reports_dir, index_dir).build_id
    assert client.post("/api/ask", json={"question": "crime"}).status_code == 200
    assert health(client)["build_id"] == build
    gc.collect()
    assert old() is None


def test_a_new_build_that_does_not_load_is_not_served(client, reports_dir, index_dir):
    before = health(client)
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    rebuild_elsewhere(reports_dir, index_dir)
    with open(index_dir / CURRENT / PASSAGES_FILE, "a", encoding="utf-8") as fh:
        fh.write("{}\n")  # damaged after it was made current
    res = client.post("/api/ask", json={"question": CANAL_QUESTION})
    assert res.status_code == 200
    assert health(client) == before
    (reports_dir / CANAL_REPORT).unlink()  # and a good build follows
    build = rebuild_elsewhere(reports_dir, index_dir).build_id
    assert health(client)["build_id"] == build


def test_the_server_looks_for_new_builds_at_most_every_check_seconds(
    index_dir, reports_dir, encoder
):
    app = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "REPORTS_DIR": str(reports_dir),
            "ENCODER": encoder,
            "INDEX_CHECK_SECONDS": 3600,
        }
    )
    client = app.test_client()
    before = health(client)["build_id"]
    write_report(reports_dir, CANAL_REPORT, canal_report_text())
    rebuild_elsewhere(reports_dir, index_dir)
    assert health(client)["build_id"] == before != current_build_id(index_dir)
    app.extensions["qa"].reload()
    assert health(client)["build_id"] == current_build_id(index_dir)


def test_a_graph_index_answers_like_the_exact_one(tmp_path, reports_dir, encoder):
    """Over the exact limit the build is an HNSW graph; on a corpus this small it must
    find what exact search finds, filtered or not."""
    from app import create_app
    from tests.conftest import build

    answers = {}
    for name, limit in (("exact", None), ("graph", 5)):
        folder = tmp_path / name
        build(reports_dir, encoder, folder, exact_limit=limit)
        client = create_app({"TESTING": True, "INDEX_DIR": str(folder), "ENCODER": encoder})
        client = client.test_client()
        for body in (
            {"question": "digital devices waiting for examination", "k": 5},
            {"question": "fair treatment", "k": 3, "filters": {"force": "Testshire"}},
        ):
            response = client.post("/api/ask", json=body)
            assert response.status_code == 200
            answers.setdefault(name, []).append([p["id"] for p in response.json["passages"]])
    assert answers["graph"] == answers["exact"]
    assert all(answers["exact"]) and answers["exact"][1][0].startswith("testshire-")


def test_a_question_naming_no_force_gets_each_forces_passages_together(client):
    data = client.post(
        "/api/ask", json={"question": "how fairly does the force treat people", "k": 20}
    ).get_json()
    forces = [p["citation"]["force"] for p in data["passages"]]
    assert len(set(forces)) == 2  # Lancashire's report and Testshire's
    runs = [f for at, f in enumerate(forces) if at == 0 or forces[at - 1] != f]
    assert len(runs) == 2  # one run each: no force's passages are split by another's
    scores = [p["score"] for p in data["passages"]]
    for force in runs:  # within a force, best first
        own = [s for s, f in zip(scores, forces, strict=True) if f == force]
        assert own == sorted(own, reverse=True)
