"""POST /api/reports and GET /api/reports/rebuild: token, uploads, background rebuild."""

from __future__ import annotations

import errno
import hmac
import io
import logging
import os
import threading
import time

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

import corpus.reports
import web.admin
from app import create_app
from bench.synthetic import (
    CANAL_QUESTION,
    CANAL_REPORT,
    canal_report_text,
    copied_as_variant_b,
    embedded_texts,
    report_text,
)
from common.errors import BadFileName
from index.jobs import STATUS_FILE

TOKEN = "test-admin-token-8c1f0a"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def admin_app(index_dir, reports_dir, encoder):
    app = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "REPORTS_DIR": str(reports_dir),
            "ENCODER": encoder,
            "INDEX_CHECK_SECONDS": 0,
            "ADMIN_TOKEN": TOKEN,
            # These tests watch and hold the encoder from inside this process; the child
            # process a server rebuilds in is tested in test_faults.py.
            "REBUILD_IN_CHILD": False,
        }
    )
    yield app
    app.extensions["rebuild_job"].wait(timeout=60)  # no rebuild thread outlives its test


@pytest.fixture
def admin(admin_app):
    return admin_app.test_client()


def upload(client, *files, headers=AUTH, content_type=None):
    """POST report files; each file is (name, bytes) or (name, bytes, content type)."""
    data = {"file": [(io.BytesIO(f[1]), f[0], f[2] if len(f) > 2 else "text/plain") for f in files]}
    return client.post("/api/reports", data=data, headers=headers, content_type=content_type)


def wait_for_rebuild(client) -> dict:
    deadline = time.monotonic() + 60
    while True:
        status = client.get("/api/reports/rebuild", headers=AUTH).get_json()
        if status["state"] in ("done", "failed") and not status["another_queued"]:
            return status
        assert time.monotonic() < deadline, status
        time.sleep(0.02)


def folder_state(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_upload_adds_the_report_and_rebuilds(admin, reports_dir, encoder):
    before = len(encoder.encoded)
    res = upload(admin, (CANAL_REPORT, canal_report_text().encode()))
    assert res.status_code == 202, res.get_json()
    body = res.get_json()
    assert body["added"] == [
        {
            "file": CANAL_REPORT,
            "report": "northmoor-2019-efficiency",
            "force": "Northmoor",
            "year": "2019",
            "pillar": "Efficiency",
            "layout": "peel-2014-2019-pillar",
            "format": "text",
            "units": 3,
            "passages": 4,
            "source_url": None,
            "kept_over": [],
        }
    ]
    assert body["copies"] == [] and body["refused"] == []
    assert body["rebuild"]["state"] in ("queued", "parsing", "embedding", "writing", "done")
    assert body["rebuild"]["another_queued"] is False
    assert res.headers["Location"].endswith("/api/reports/rebuild")
    status = wait_for_rebuild(admin)
    assert status["state"] == "done", status
    assert status["summary"]["added"] == [CANAL_REPORT] and status["summary"]["embedded"] == 4
    assert set(encoder.encoded[before:]) <= embedded_texts(canal_report_text())
    assert "Passages: 4 embedded afresh" in status["message"]
    top = admin.post("/api/ask", json={"question": CANAL_QUESTION, "k": 1}).get_json()
    assert top["passages"][0]["citation"]["force"] == "Northmoor"
    assert admin.get("/api/health").get_json()["build_id"] == status["build_id"]


def test_several_files_in_one_upload(admin, reports_dir):
    res = upload(
        admin,
        (CANAL_REPORT, canal_report_text().encode()),
        ("otherton-2018-legitimacy.txt", report_text(force="Otherton").encode()),
    )
    assert res.status_code == 202, res.get_json()
    assert wait_for_rebuild(admin)["state"] == "done"
    forces = {r["force"] for r in admin.get("/api/reports").get_json()["reports"]}
    assert {"Northmoor", "Otherton"} <= forces


PUBLISHED = "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/northmoor-2019/"


def test_an_upload_may_send_each_files_published_address(admin, reports_dir):
    files = [
        (io.BytesIO(canal_report_text().encode()), CANAL_REPORT, "text/plain"),
        (io.BytesIO(report_text(force="Otherton").encode()), "otherton.txt", "text/plain"),
    ]
    data = {"file": files, "source": [PUBLISHED, ""]}  # one per file, in order; "" is none
    res = admin.post("/api/reports", data=data, headers=AUTH)
    assert res.status_code == 202, res.get_json()
    assert [a["source_url"] for a in res.get_json()["added"]] == [PUBLISHED, None]
    assert wait_for_rebuild(admin)["state"] == "done"
    served = {r["file"]: r["source_url"] for r in admin.get("/api/reports").get_json()["reports"]}
    assert served[CANAL_REPORT] == PUBLISHED and served["otherton.txt"] is None
    assert (reports_dir / CANAL_REPORT).read_text() == canal_report_text()


@pytest.mark.parametrize(
    "sources", [["javascript:alert(1)"], [PUBLISHED, PUBLISHED], ["//example.org/x"]]
)
def test_a_bad_published_address_is_400_and_nothing_changes(admin, reports_dir, sources):
    before = folder_state(reports_dir)
    data = {
        "file": [(io.BytesIO(canal_report_text().encode()), CANAL_REPORT, "text/plain")],
        "source": sources,
    }
    res = admin.post("/api/reports", data=data, headers=AUTH)
    assert res.status_code == 400
    assert res.get_json()["error"]["code"] == "bad_source_url"
    assert "nothing was added" in res.get_json()["error"]["message"]
    assert folder_state(reports_dir) == before


def test_progress_is_reported_while_embedding(admin_app, admin, encoder):
    seen = []
    encode = encoder.encode

    embedded = []

    def watching_encode(texts):
        seen.append(admin.get("/api/reports/rebuild", headers=AUTH).get_json())
        embedded.extend(texts)
        return encode(texts)

    encoder.encode = watching_encode
    assert upload(admin, (CANAL_REPORT, canal_report_text().encode())).status_code == 202
    assert wait_for_rebuild(admin)["state"] == "done"
    assert seen and seen[0]["state"] == "embedding"
    # the new report's 4 paragraphs and those of their sentences not seen before
    total = len(embedded)
    assert total > 4 and (seen[0]["done"], seen[0]["total"]) == (0, total)
    final = admin.get("/api/reports/rebuild", headers=AUTH).get_json()
    assert (final["state"], final["done"], final["total"]) == ("done", total, total)


def test_an_upload_during_a_rebuild_queues_one_more(admin, encoder):
    embedding, release = threading.Event(), threading.Event()
    encode = encoder.encode

    def held_encode(texts):
        embedding.set()
        assert release.wait(timeout=30)
        return encode(texts)

    encoder.encode = held_encode
    try:
        assert upload(admin, (CANAL_REPORT, canal_report_text().encode())).status_code == 202
        assert embedding.wait(timeout=30)
        second = upload(admin, ("otherton-2018-legitimacy.txt", report_text("Otherton").encode()))
        assert second.status_code == 202
        assert second.get_json()["rebuild"]["state"] == "embedding"
        assert second.get_json()["rebuild"]["another_queued"] is True
    finally:
        release.set()
    status = wait_for_rebuild(admin)
    assert status["state"] == "done" and status["summary"]["added"] == [
        "otherton-2018-legitimacy.txt"
    ]
    forces = {r["force"] for r in admin.get("/api/reports").get_json()["reports"]}
    assert {"Northmoor", "Otherton"} <= forces


@pytest.mark.parametrize("method", ["get", "post"])
def test_admin_endpoints_are_off_without_a_configured_token(client, method):
    path = "/api/reports/rebuild" if method == "get" else "/api/reports"
    res = getattr(client, method)(path, headers=AUTH)
    assert res.status_code == 403
    error = res.get_json()["error"]
    assert error["code"] == "forbidden" and "set QA_ADMIN_TOKEN" in error["message"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
    ],
)
def test_a_missing_or_wrong_token_is_401(admin, reports_dir, headers):
    before = folder_state(reports_dir)
    res = upload(admin, (CANAL_REPORT, canal_report_text().encode()), headers=headers)
    assert res.status_code == 401
    assert res.headers["WWW-Authenticate"].startswith("Bearer")
    assert res.get_json()["error"]["code"] == "unauthorized"
    assert admin.get("/api/reports/rebuild", headers=headers).status_code == 401
    assert folder_state(reports_dir) == before


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "../../tmp/evil.txt", "/tmp/evil.txt", "..\\evil.txt", "sub/evil.txt", ".txt"],
)
def test_file_names_that_would_escape_are_refused(admin, reports_dir, name):
    before = folder_state(reports_dir)
    res = upload(admin, (name, canal_report_text().encode()))
    assert res.status_code == 400
    assert res.get_json()["error"]["code"] == "bad_file_name"
    assert folder_state(reports_dir) == before
    assert not (reports_dir.parent / "evil.txt").exists()


def test_an_oversized_body_is_413(admin, reports_dir):
    before = folder_state(reports_dir)
    big = canal_report_text().encode() + b"SYNTHETIC. More words.\n" * 200_000  # over 4 MB
    # Encoded here: the test client's own encoder would spool it to a file it never closes.
    report = FileStorage(io.BytesIO(big), CANAL_REPORT, content_type="text/plain")
    boundary, body = encode_multipart({"file": report})
    res = admin.post(
        "/api/reports",
        data=body,
        headers=AUTH,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert res.status_code == 413
    error = res.get_json()["error"]
    assert error["code"] == "request_entity_too_large"
    assert "4,194,304 bytes" in error["message"]
    assert folder_state(reports_dir) == before


def test_a_body_of_too_many_parts_is_413_and_says_so(admin, reports_dir):
    before = folder_state(reports_dir)
    parts = b"".join(
        b'--x\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % i for i in range(1001)
    )
    res = admin.post(
        "/api/reports",
        data=parts + b"--x--\r\n",
        headers=AUTH,
        content_type="multipart/form-data; boundary=x",
    )
    assert res.status_code == 413
    assert res.get_json()["error"]["message"] == "the multipart body has more than 1,000 parts"
    assert folder_state(reports_dir) == before


@pytest.mark.parametrize(
    ("file", "words"),
    [
        (("scan.txt", b"SYNTHETIC", "image/png"), "image/png"),
        (("report.docx", b"PK\x03\x04", "application/octet-stream"), "not a report file"),
        (("report.txt", b"PK\x03\x04\x14\x00", "text/plain"), "a zip archive"),
        (("report.txt", b"Northmoor PEEL 2019\n\x00\x01\x02"), "binary data"),
        (("report.txt", "Northmoor PEEL 2019\nCafé\n".encode("latin-1")), "not UTF-8"),
    ],
)
def test_anything_but_text_is_415(admin, reports_dir, file, words):
    before = folder_state(reports_dir)
    res = upload(admin, file)
    assert res.status_code == 415
    error = res.get_json()["error"]
    assert error["code"] == "unsupported_media_type" and words in error["message"]
    assert folder_state(reports_dir) == before


def test_a_body_that_is_not_multipart_is_415(admin):
    res = admin.post("/api/reports", json={"file": "report.txt"}, headers=AUTH)
    assert res.status_code == 415 and "multipart/form-data" in res.get_json()["error"]["message"]


def test_an_upload_without_files_in_the_field_is_400(admin):
    data = {"report": (io.BytesIO(canal_report_text().encode()), CANAL_REPORT)}
    res = admin.post("/api/reports", data=data, headers=AUTH)
    assert res.status_code == 400
    error = res.get_json()["error"]
    assert error["code"] == "no_file" and "field 'file'" in error["message"]


def test_a_text_that_is_not_a_report_is_422_and_nothing_changes(admin, reports_dir, index_dir):
    before = folder_state(reports_dir)
    build = admin.get("/api/health").get_json()["build_id"]
    res = upload(admin, ("minutes.txt", b"Minutes of the parish council\nItem 1\n"))
    assert res.status_code == 422
    message = res.get_json()["error"]["message"]
    assert message.startswith("minutes.txt, line 1: no paragraphs of text")
    assert folder_state(reports_dir) == before
    assert admin.get("/api/reports/rebuild", headers=AUTH).get_json()["state"] == "idle"
    assert admin.get("/api/health").get_json()["build_id"] == build


def test_an_existing_name_is_409(admin, reports_dir):
    res = upload(admin, ("testshire-2018-legitimacy.txt", report_text(grade="Inadequate").encode()))
    assert res.status_code == 409 and res.get_json()["error"]["code"] == "report_exists"


def test_a_failed_rebuild_says_why(admin, reports_dir):
    """A file put in the folder by hand that does not parse stops the rebuild, which names
    it; the upload itself is stored (nothing lost) and indexed once that file is gone."""
    (reports_dir / "broken.txt").write_text("Minutes of the parish council\n")
    res = upload(admin, (CANAL_REPORT, canal_report_text().encode()))
    assert res.status_code == 202, res.get_json()
    status = wait_for_rebuild(admin)
    assert status["state"] == "failed" and "broken.txt, line 1" in status["message"]
    health = admin.get("/api/health").get_json()
    assert health["status"] == "behind" and CANAL_REPORT in health["behind"]["added"]
    (reports_dir / "broken.txt").unlink()
    admin.application.extensions["rebuild_job"].start()
    status = wait_for_rebuild(admin)
    assert status["state"] == "done" and status["summary"]["added"] == [CANAL_REPORT]


def test_a_batch_adds_the_good_files_and_names_each_refusal(admin, reports_dir):
    before = folder_state(reports_dir)
    res = upload(
        admin,
        ("minutes.txt", b"Minutes of the parish council\nItem 1\n"),
        (CANAL_REPORT, canal_report_text().encode()),
        ("scan.txt", b"SYNTHETIC", "image/png"),
        ("testshire-2018-legitimacy.txt", report_text(force="Otherton").encode()),
    )
    assert res.status_code == 202, res.get_json()
    body = res.get_json()
    assert [a["file"] for a in body["added"]] == [CANAL_REPORT]
    refused = {r["file"]: (r["code"], r["message"]) for r in body["refused"]}
    assert refused["minutes.txt"][0] == "report_parse_error"
    assert refused["minutes.txt"][1].startswith("minutes.txt, line 1: no paragraphs of text")
    assert (
        refused["scan.txt"][0] == "unsupported_media_type" and "image/png" in refused["scan.txt"][1]
    )
    assert refused["testshire-2018-legitimacy.txt"][0] == "report_exists"
    assert folder_state(reports_dir) == {**before, CANAL_REPORT: canal_report_text().encode()}
    assert wait_for_rebuild(admin)["state"] == "done"
    assert admin.get("/api/health").get_json()["status"] == "ok"


def test_a_batch_of_which_nothing_is_added_is_refused_naming_every_file(admin, reports_dir):
    before = folder_state(reports_dir)
    res = upload(
        admin,
        ("minutes.txt", b"Minutes of the parish council\nItem 1\n"),
        ("agenda.txt", b"Agenda of the parish council\nItem 2\n"),
    )
    assert res.status_code == 422
    message = res.get_json()["error"]["message"]
    assert message.startswith("no report was added; 2 files were refused: minutes.txt, line 1")
    assert "; agenda.txt, line 1" in message
    assert folder_state(reports_dir) == before
    assert admin.get("/api/reports/rebuild", headers=AUTH).get_json()["state"] == "idle"


def test_copies_of_one_page_keep_the_fuller_whichever_comes_first(admin, reports_dir):
    """A copy saved without its grade lines, then the page with them: the fuller is added
    and the stored copy set aside (not deleted); a third, thinner copy is not added."""
    full = report_text(force="Otherton").encode()
    thin = copied_as_variant_b(report_text(force="Otherton")).encode()
    first = upload(admin, ("otherton-b.txt", thin))
    assert first.status_code == 202 and first.get_json()["added"][0]["file"] == "otherton-b.txt"
    wait_for_rebuild(admin)
    second = upload(admin, ("otherton.txt", full))
    assert second.status_code == 202, second.get_json()
    [added] = second.get_json()["added"]
    assert added["file"] == "otherton.txt"
    assert added["kept_over"] == [
        {"file": "otherton-b.txt", "reason": "it has more units graded (2 against 0)"}
    ]
    status = wait_for_rebuild(admin)
    assert status["state"] == "done"
    assert status["summary"]["copies"] == [
        {
            "file": "otherton-b.txt",
            "copy_of": "otherton.txt",
            "reason": "it has more units graded (2 against 0)",
        }
    ]
    third = upload(admin, ("otherton-again.txt", thin.replace(b"SYNTHETIC", b"SYNTHETIC ")))
    assert third.status_code == 200  # nothing added, nothing to rebuild
    [copy] = third.get_json()["copies"]
    assert copy["copy_of"] == "otherton.txt" and copy["report"] == "otherton-2018-legitimacy"
    assert not (reports_dir / "otherton-again.txt").exists()
    assert (reports_dir / "otherton-b.txt").read_bytes() == thin  # set aside, not deleted
    served = [r["file"] for r in admin.get("/api/reports").get_json()["reports"]]
    assert "otherton.txt" in served and "otherton-b.txt" not in served
    assert admin.get("/api/health").get_json()["status"] == "ok"


def test_a_damaged_status_file_gives_a_plain_status_not_an_error(admin, reports_dir, index_dir):
    (index_dir / STATUS_FILE).write_bytes(b'{"run": "3f9a", "status": {"state": "emb')
    res = admin.get("/api/reports/rebuild", headers=AUTH)
    assert res.status_code == 200
    status = res.get_json()
    assert status["state"] == "idle"
    assert status["message"] == (
        "no rebuild is running; the status of the last one could not be read"
    )
    (reports_dir / CANAL_REPORT).write_text(canal_report_text(), "utf-8")
    health = admin.get("/api/health")
    assert health.status_code == 200
    assert health.get_json()["status"] == "behind" and health.get_json()["rebuild"] == "idle"
    # A rebuild asked for now runs, and its status replaces the damaged one.
    assert admin.post("/api/reports/rebuild", headers=AUTH).status_code == 202
    done = wait_for_rebuild(admin)
    assert done["state"] == "done" and done["summary"]["added"] == [CANAL_REPORT]


def test_the_token_is_never_logged(admin, caplog):
    caplog.set_level(logging.DEBUG)
    upload(admin, (CANAL_REPORT, canal_report_text().encode()))
    wait_for_rebuild(admin)
    upload(admin, ("../x.txt", b"x"), headers={"Authorization": f"Bearer {TOKEN}-wrong"})
    assert TOKEN not in caplog.text


# Access: how the token is compared, names that try to leave the reports folder (NUL
# bytes, drive letters, look-alikes, links), and what a refused caller gets to see.

REPORT = canal_report_text().encode()


def test_the_token_is_compared_in_constant_time_on_every_path(admin, monkeypatch):
    """Every verdict, right or wrong, comes from hmac.compare_digest over the whole token:
    no early return on a length or prefix mismatch that would let timing reveal it."""
    calls = []
    real = hmac.compare_digest

    def spy(given, expected):
        calls.append((given, expected))
        return real(given, expected)

    monkeypatch.setattr(web.admin.hmac, "compare_digest", spy)
    guesses = ["x", TOKEN[:-1], TOKEN[:-1] + "!", TOKEN + "x" * 100, "ü" * 3, TOKEN]
    statuses = [
        admin.get("/api/reports/rebuild", headers={"Authorization": f"Bearer {g}"}).status_code
        for g in guesses
    ]
    assert statuses == [401] * 5 + [200]
    assert calls == [(g.encode("utf-8"), TOKEN.encode("utf-8")) for g in guesses]


@pytest.mark.parametrize(
    "authorization",
    [f"bearer {TOKEN}", f"BEARER   {TOKEN}  ", f"Bearer {TOKEN}\t"],
)
def test_the_scheme_is_case_insensitive_and_spaces_do_not_matter(admin, authorization):
    res = admin.get("/api/reports/rebuild", headers={"Authorization": authorization})
    assert res.status_code == 200


def test_a_refusal_echoes_neither_the_guess_nor_the_token(admin):
    guess = "my-guess-0f3c9a"
    res = admin.get("/api/reports/rebuild", headers={"Authorization": f"Bearer {guess}"})
    assert res.status_code == 401
    assert guess not in res.get_data(as_text=True) and TOKEN not in res.get_data(as_text=True)


@pytest.mark.parametrize(
    "name",
    [
        "evil\x00.txt",
        "evil.txt\x00.png",
        "C:\\evil.txt",
        "%2e%2e%2fevil.txt",
        "..／evil.txt",  # a full-width solidus
        "․․/evil.txt",  # one-dot leaders
        ".hidden.txt",  # would be skipped by the folder listing, so never indexed
        "-rf.txt",
        "a" * 200 + ".txt",
        "evil.txt ",
    ],
)
def test_file_names_that_escape_hide_or_trick_are_refused(admin, reports_dir, name):
    before = folder_state(reports_dir)
    res = upload(admin, (name, REPORT))
    assert res.status_code in (400, 415), res.get_json()
    assert res.get_json()["error"]["code"] in ("bad_file_name", "unsupported_media_type")
    assert folder_state(reports_dir) == before
    assert sorted(os.listdir(reports_dir.parent)) == sorted(
        ["reports", "index"]
    )  # nothing beside the folder either


def test_a_link_in_the_reports_folder_is_never_written_through(admin, reports_dir, tmp_path):
    """A symlink with a report's name, pointing outside: an upload of that name is refused
    as taken, and even a --replace refuses to store through it."""
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious\n")
    (reports_dir / CANAL_REPORT).symlink_to(outside)
    res = upload(admin, (CANAL_REPORT, REPORT))
    assert res.status_code == 409 and res.get_json()["error"]["code"] == "report_exists"
    new = [corpus.reports.NewReport(CANAL_REPORT, REPORT, CANAL_REPORT)]
    with pytest.raises(BadFileName, match="outside the reports folder"):
        corpus.reports.add_reports(reports_dir, new, replace=True)
    assert outside.read_bytes() == b"precious\n"
    assert (reports_dir / CANAL_REPORT).is_symlink()
    assert not [p for p in reports_dir.iterdir() if p.name.startswith(".")]


def test_an_upload_to_a_read_only_folder_is_507_and_stores_nothing(admin, reports_dir, monkeypatch):
    """Simulated (the tests run as root): os.replace in corpus.reports fails with EROFS."""

    def read_only(src, dst):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(dst))

    before = folder_state(reports_dir)
    monkeypatch.setattr(corpus.reports.os, "replace", read_only)
    res = upload(admin, (CANAL_REPORT, REPORT))
    assert res.status_code == 507
    error = res.get_json()["error"]
    assert error["code"] == "storage_error" and "Read-only file system" in error["message"]
    assert str(reports_dir) in error["message"]
    assert folder_state(reports_dir) == before
    assert admin.get("/api/reports/rebuild", headers=AUTH).get_json()["state"] == "idle"


def test_a_pdf_and_a_saved_page_are_uploaded_and_answer_questions(admin, reports_dir):
    from bench.synthetic import as_html, as_pdf

    pdf_name, html_name = "northmoor-2019-efficiency.pdf", "otherton-2018-legitimacy.htm"
    pdf = as_pdf(canal_report_text())
    res = upload(
        admin,
        (pdf_name, pdf, "application/pdf"),
        (html_name, as_html(report_text(force="Otherton")), "text/html"),
    )
    assert res.status_code == 202, res.get_json()
    added = {a["file"]: (a["format"], a["passages"]) for a in res.get_json()["added"]}
    assert added == {pdf_name: ("pdf", 4), html_name: ("html", 3)}
    assert wait_for_rebuild(admin)["state"] == "done"
    top = admin.post("/api/ask", json={"question": CANAL_QUESTION, "k": 1}).get_json()
    passage = top["passages"][0]
    assert "eleven canal boats" in passage["text"] and passage["citation"]["page"] == 1
    assert passage["cite"].endswith("› ¶1 › p. 1")
    assert (reports_dir / pdf_name).read_bytes() == pdf


def test_reports_waiting_to_be_indexed_are_named_until_indexed(admin, reports_dir):
    (reports_dir / CANAL_REPORT).write_text(canal_report_text(), "utf-8")  # by hand
    health = admin.get("/api/health").get_json()
    assert health["status"] == "behind" and health["waiting"] == [CANAL_REPORT]
    note = admin.get("/api/reports").get_json()["waiting_note"]
    assert note == (
        f"1 report file added to the reports folder is waiting to be indexed ({CANAL_REPORT}): "
        "answers do not draw on it yet."
    )
    assert admin.post("/api/reports/rebuild", headers=AUTH).status_code == 202
    assert wait_for_rebuild(admin)["state"] == "done"
    health = admin.get("/api/health").get_json()
    assert health["status"] == "ok" and "waiting" not in health
    assert admin.get("/api/reports").get_json()["waiting_note"] is None
