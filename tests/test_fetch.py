"""`reports fetch` and `reports coverage` against a real HTTP server on 127.0.0.1: the
mirror of the PEEL site built from the real fragments (bench/peel_mirror.py). No test
reaches the internet; the delay is 0 (allowed for a server on this machine) except in the
test of the delay itself."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app import create_app
from bench.loopback import free_port
from bench.peel_mirror import (
    CHANGING,
    COOKIE_WALL,
    ERROR_200,
    FLAKY,
    LANDING,
    OVERSIZED,
    PDF_PATH,
    RATE_LIMITED,
    ROBOTS_DISALLOWED,
    SLOW,
    Mirror,
    build_pages,
)
from bench.synthetic import REAL_REPORT
from common.errors import RebuildBusy
from corpus.fetch import FetchSettings, fetch_reports
from corpus.fetch.client import Client, PageError, Politeness, user_agent
from corpus.fetch.site import Target, cycles, forces, resolve_force
from corpus.reports import SOURCES_FILE
from index.load import load_index
from tests.conftest import HashEncoder, build

ROOT = Path(__file__).resolve().parents[1]
PAGES = build_pages()  # made once: the PDF takes a moment
MIRROR_FORCES = sorted({p.split("/")[3] for p in PAGES if p.startswith("/peel-assessments/")})
CONTACT = "fetch-tests@example.org"


def mirror() -> Mirror:
    return Mirror(pages=dict(PAGES))


def fetch_args(m: Mirror, *more: str) -> list[str]:
    return [
        "reports",
        "fetch",
        "--base-url",
        m.base_url,
        "--allow-host",
        m.old_host,
        "--delay",
        "0",
        "--contact",
        CONTACT,
        "--max-bytes",
        "1000000",
        *more,
    ]


def expected_name(path: str) -> str:
    """The file a mirror page should be stored under: force, cycle and kind (worked out
    here from the site's layout, not by the fetcher's code)."""
    if path == PDF_PATH:
        return "lancashire-2021-22.pdf"
    m = re.fullmatch(
        r"/peel-assessments/peel-(\d{4})/([a-z-]+)/(?:([a-z]+)/)?(detailed-findings/)?", path
    )
    if m:
        year, force, pillar, detailed = m.groups()
        kind = "overview" if not pillar else pillar + ("-detailed-findings" if detailed else "")
        return f"{force}-{year}-{kind}.html"
    m = re.fullmatch(r"/peel-reports/([a-z-]+-20\d\d-\d\d)/", path)
    assert m, path
    return f"{m.group(1)}.html"


# Mirror pages that are reports but are not to be added, and why.
NOT_ADDED = {
    ROBOTS_DISALLOWED: "robots.txt",
    # a pillar's summary page is not fetched when its detailed findings are there
    "/peel-assessments/peel-2018/lancashire/efficiency/": None,
    "/peel-assessments/peel-2018/lancashire/legitimacy/": None,
    # the opening of the page the shipped report holds in full
    "/peel-assessments/peel-2018/lancashire/effectiveness/detailed-findings/": "a copy of",
}
REFUSED = {
    COOKIE_WALL: "cookie wall",
    ERROR_200: "error page",
    OVERSIZED: "larger than the limit",
}


def expected_files(m: Mirror, force_slugs=None) -> dict[str, str]:
    """file name -> the mirror path it comes from, for the pages a fetch should add."""
    out = {}
    for path in m.reports():
        if path in NOT_ADDED:
            continue
        name = expected_name(path)
        if force_slugs is None or any(name.startswith(s + "-") for s in force_slugs):
            out[name] = path
    return out


def new_app(folder: Path, encoder=None):
    """An app over a reports folder holding the shipped report, indexed with the hash encoder."""
    reports, index = folder / "reports", folder / "index"
    reports.mkdir(parents=True)
    shutil.copy(REAL_REPORT, reports / REAL_REPORT.name)
    encoder = encoder or HashEncoder()
    build(reports, encoder, index)
    app = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index),
            "REPORTS_DIR": str(reports),
            "ENCODER": encoder,
            "INDEX_CHECK_SECONDS": 0,
        }
    )
    return app, reports, index


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture(scope="module")
def fetched_all(tmp_path_factory):
    """One `reports fetch --all` against the mirror, into a folder holding the shipped
    report; the mirror keeps serving for the module's tests."""
    folder = tmp_path_factory.mktemp("fetch-all")
    app, reports, index = new_app(folder)
    outside = folder / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("untouched")
    before = tree(folder)
    cwd_before = sorted(os.listdir(ROOT))
    m = mirror()
    with m.serving():
        started = time.monotonic()
        result = app.test_cli_runner().invoke(args=fetch_args(m, "--all"))
        seconds = time.monotonic() - started
        yield {
            "app": app,
            "reports": reports,
            "index": index,
            "folder": folder,
            "before": before,
            "cwd_before": cwd_before,
            "mirror": m,
            "result": result,
            "seconds": seconds,
        }


def test_a_first_run_fetches_and_indexes_what_is_allowed_and_nothing_else(fetched_all):
    result, m, reports = fetched_all["result"], fetched_all["mirror"], fetched_all["reports"]
    assert result.exit_code == 0, result.output
    expected = expected_files(m)
    files = {p.name for p in reports.iterdir() if not p.name.startswith(".")}
    assert files == set(expected) | {REAL_REPORT.name}
    # each file is the page's bytes, with the address it was published at recorded
    sources = json.loads((reports / SOURCES_FILE).read_text())
    for name, path in expected.items():
        assert (reports / name).read_bytes() == m.body(path), name
        assert sources[name] == m.base_url + path
    # one rebuild indexed every one of them
    indexed = {r.file for r in load_index(fetched_all["index"]).reports}
    assert indexed == files
    assert result.output.count("Rebuilt: the reports have changed.") == 1
    # the summary names every page not added, and why
    summary = result.output[result.output.index("Fetch: ") :]
    for path, why in {**REFUSED, ROBOTS_DISALLOWED: "robots.txt"}.items():
        line = next(ln for ln in summary.splitlines() if m.base_url + path in ln)
        assert why in line, line
    copy = "/peel-assessments/peel-2018/lancashire/effectiveness/detailed-findings/"
    line = next(ln for ln in summary.splitlines() if expected_name(copy) in ln)
    assert f"a copy of Lancashire PEEL 2018 Effectiveness: {REAL_REPORT.name}" in line
    # each page added is said as `reports add` says it, with its tally
    assert f"Not added {expected_name(copy)}: a copy of " in result.output
    assert f"Added {expected_name(SLOW)}: Cumbria PEEL 2018 Efficiency" in result.output
    tally = f"{len(expected)} added, 1 copies of a fuller file, not added, 0 refused."
    assert tally in result.output
    # ... and nothing else was asked for: no page robots.txt keeps robots off, no
    # summary page whose detailed findings were had, every request named us
    assert not m.requests_for(ROBOTS_DISALLOWED)
    for path in ("/peel-assessments/peel-2018/lancashire/efficiency/",):
        assert not m.requests_for(path)
    assert {h.user_agent for h in m.hits} == {user_agent(CONTACT)}
    assert m.hits[0].path == "/robots.txt"


def test_the_awkward_answers_are_weathered(fetched_all):
    m, reports = fetched_all["mirror"], fetched_all["reports"]
    # 429: asked again no sooner than Retry-After said
    first, second = m.requests_for(RATE_LIMITED)[:2]
    assert (first.status, second.status) == (429, 200)
    assert second.started - first.ended >= 1.0
    # 500 once, then the page
    assert [h.status for h in m.requests_for(FLAKY)] == [500, 200]
    assert (reports / "cumbria-2023-25.html").exists()
    # links in the older host layout followed through the site's redirect, within our hosts
    old = [h for h in m.hits if h.path.startswith("/hmicfrs/")]
    assert old and all(h.status == 301 and h.host == m.old_host for h in old)
    sources = json.loads((reports / SOURCES_FILE).read_text())
    assert (
        sources["kent-2018-efficiency.html"]
        == m.base_url + "/peel-assessments/peel-2018/kent/efficiency/"
    )
    # the slow page waited for; the landing page followed to the PDF, not added itself
    assert (reports / "cumbria-2018-efficiency.html").read_bytes() == m.body(SLOW)
    assert m.requests_for(LANDING) and (reports / "lancashire-2021-22.pdf").exists()
    assert sources["lancashire-2021-22.pdf"] == m.base_url + PDF_PATH
    # the oversized page was cut off at the limit: we hung up, it was not read to its end
    assert [h.status for h in m.requests_for(OVERSIZED)] == [499]


def test_nothing_is_written_outside_the_reports_folder(fetched_all):
    folder, before = fetched_all["folder"], fetched_all["before"]
    after = tree(folder)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed, "the fetch changed nothing"
    assert all(k.startswith(("reports/", "index/")) for k in changed), sorted(changed)
    assert sorted(os.listdir(ROOT)) == fetched_all["cwd_before"]
    hidden = {p.name for p in fetched_all["reports"].iterdir() if p.name.startswith(".")}
    assert hidden == {".fetch", SOURCES_FILE}
    assert not list((fetched_all["reports"] / ".fetch").rglob(".tmp-*"))


def test_coverage_matches_what_the_server_holds(fetched_all):
    m, app = fetched_all["mirror"], fetched_all["app"]
    held: dict[tuple[str, str], str] = {}  # (force slug, cycle) -> what coverage should say
    for path in [*m.pages, OVERSIZED]:  # the oversized page is made as it is sent
        if path.startswith(("/peel-assessments/", "/peel-reports/")) or path == PDF_PATH:
            name = expected_name(path)
            key = (re.match(r"([a-z-]+?)-(20\d\d)", name).group(1), name.split("-20")[1][:2])
            if path in REFUSED or path == ROBOTS_DISALLOWED:
                held.setdefault(key, "refused")
            else:
                held[key] = "indexed"
    result = app.test_cli_runner().invoke(args=["reports", "coverage", "--json"])
    assert result.exit_code == 0, result.output
    table = json.loads(result.output)
    api = app.test_client().get("/api/reports").get_json()["coverage"]
    assert api == table
    assert [row["force"] for row in table["forces"]] == list(forces())
    assert len(table["forces"]) == 43
    for row in table["forces"]:
        slug = re.sub(r"[^a-z0-9]+", "-", row["force"].lower())
        for cycle, cell in row["cycles"].items():
            want = held.get((slug, cycle[2:]), "not_found")
            assert cell["state"] == want, (row["force"], cycle, cell)
    # the page says the same, cell by cell, and the chat page links to it
    page = app.test_client().get("/coverage").get_data(as_text=True)
    cells = re.findall(r'data-state="(\w+)" data-force="([^"]+)" data-cycle="(\d+)"', page)
    assert len(cells) == 43 * 7
    for state, force, cycle in cells:
        row = next(r for r in table["forces"] if r["force"] == force.replace("&#39;", "'"))
        assert row["cycles"][cycle]["state"] == state
    assert "a cookie wall" in page and "robots.txt asks robots" in page
    chat = app.test_client().get("/").get_data(as_text=True)
    assert 'href="/coverage"' in chat
    # the command line's table
    text = app.test_cli_runner().invoke(args=["reports", "coverage"]).output
    assert re.search(r"^Cumbria\s+(\S+\s+){4}#\s+#\s+#$", text, re.M), text


def test_a_second_run_downloads_only_the_changed_page(tmp_path):
    app, reports, index = new_app(tmp_path)
    runner = app.test_cli_runner()
    m = mirror()
    with m.serving():
        args = fetch_args(m, "--force", "West Midlands", "--force", "Durham")
        assert runner.invoke(args=args).exit_code == 0
        first = {p.name: p.read_bytes() for p in reports.iterdir() if p.is_file()}
        m.generation += 1
        m.hits.clear()
        result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    bodies = [h for h in m.hits if h.status == 200 and h.path != "/robots.txt"]
    assert [h.path for h in bodies] == [CHANGING]
    # what the site did not have is not asked for again within the week
    assert not [h for h in m.hits if h.path.startswith("/peel-assessments/peel-2014/west-")]
    assert all(h.if_none_match for h in m.hits if h.status == 304)
    assert sum(h.status == 304 for h in m.hits) >= 7
    changed = "west-midlands-2023-25.html"
    now = {p.name: p.read_bytes() for p in reports.iterdir() if p.is_file()}
    assert {n for n in now if now[n] != first.get(n)} == {changed}
    assert "1 fetched, " in result.output and "replacing an older download" in result.output
    assert b"Correction 2:" in now[changed]
    indexed = {r.file: r.sha256 for r in load_index(index).reports}
    assert indexed[changed] == hashlib.sha256(now[changed]).hexdigest()  # rebuilt with it


def test_robots_txt_and_the_delay_are_honoured(tmp_path):
    app, reports, _ = new_app(tmp_path)
    m = mirror()
    with m.serving():
        args = fetch_args(
            m, "--force", "Merseyside", "--force", "Durham", "--cycle", "2015", "--cycle", "2021"
        )
        args[args.index("--delay") + 1] = "0.4"
        result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert not m.requests_for(ROBOTS_DISALLOWED)
    assert m.hits[0].path == "/robots.txt"
    hits = sorted(m.hits, key=lambda h: h.started)
    assert len(hits) >= 4
    for before, after in zip(hits, hits[1:], strict=False):
        assert after.started - before.ended >= 0.38, (before.path, after.path)
    assert "Merseyside 2015 overview" in result.output and "robots.txt" in result.output


def test_a_delay_under_a_second_is_refused_for_someone_elses_server(runner):
    result = runner.invoke(
        args=[
            "reports",
            "fetch",
            "--force",
            "Kent",
            "--delay",
            "0.2",
            "--base-url",
            "https://example.org",
        ]
    )
    assert result.exit_code == 1
    assert "at least 1 s between requests" in result.output


def _child(reports: Path, m: Mirror, *forces_: str) -> subprocess.Popen:
    """tests/fetch_child.py fetching every cycle of ``forces_``; its output goes to a file
    beside the reports folder (read with ``_said``)."""
    log = open(reports.parent / "child.log", "w")  # noqa: SIM115 - closed by _said
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.fetch_child", str(reports), m.base_url, m.old_host, "0.05"]
        + list(forces_),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    child.log = log
    return child


def _said(child: subprocess.Popen) -> str:
    child.log.close()
    return Path(child.log.name).read_text()


def _wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_run_killed_midway_and_run_again_ends_with_every_page_once(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    m = mirror()
    with m.serving():
        done = _child(reports, m, "Durham")
        assert done.wait(60) == 0 and "DONE" in _said(done)
        durham = {
            p.name: p.read_bytes()
            for p in reports.iterdir()
            if p.is_file() and not p.name.startswith(".")
        }
        # killed while the slow page is on its way
        mark = len(m.hits)
        child = _child(reports, m, "Cumbria", "Durham")
        _wait_for(lambda: SLOW in m.started)
        time.sleep(0.3)
        child.send_signal(signal.SIGKILL)
        child.wait()
        _said(child)
        killed_at = time.monotonic()
        settled = {
            h.path for h in m.hits[mark:] if h.status in (200, 404) and h.ended < killed_at
        } - {"/robots.txt"}
        # carried on, and killed again a few requests later
        asked = len(m.started)
        child = _child(reports, m, "Cumbria", "Durham")
        _wait_for(lambda: len(m.started) >= asked + 6)
        child.send_signal(signal.SIGKILL)
        child.wait()
        _said(child)
        again = [p for p in m.started[asked:] if p != "/robots.txt"]
        # and carried on to the end
        final = _child(reports, m, "Cumbria", "Durham")
        assert final.wait(60) == 0, _said(final)
        _said(final)
    assert SLOW in again and not (set(again) & (settled - {SLOW}))
    expected = expected_files(m, ["durham", "cumbria"])
    files = {p.name for p in reports.iterdir() if p.is_file() and not p.name.startswith(".")}
    assert files == set(expected)
    for name, path in expected.items():
        assert (reports / name).read_bytes() == m.body(path)
    for name, data in durham.items():  # what the first run added is still there, as it was
        assert (reports / name).read_bytes() == data
    sources = json.loads((reports / SOURCES_FILE).read_text())
    assert set(sources) == files and len(set(sources.values())) == len(files)
    assert not list(reports.rglob(".tmp-*"))
    assert not list((reports / ".fetch" / "staging").iterdir())


def test_hostile_answers_are_each_over_within_seconds():
    m = mirror()
    rules = Politeness(
        user_agent(None), delay=0, timeout=5, page_seconds=2, max_page_bytes=1_000_000, retries=1
    )
    with m.serving():
        client = Client(frozenset(m.hosts), rules)
        for path, kind, why in (
            ("/t/drip/", "drip", "took longer than 2 s"),
            ("/t/silent/", "silent", "took longer than 2 s"),
            ("/t/huge/", "huge", "larger than the limit"),
            ("/t/declared/", "huge-declared", "larger than the limit (17,179,869,184 bytes"),
            ("/t/loop/", "loop", "redirect loop"),
            ("/t/away/", "offsite", "not one of the configured hosts"),
        ):
            started = time.monotonic()
            with pytest.raises(PageError) as caught:
                client.get(m.trap(path, kind))
            assert why in caught.value.reason, (kind, caught.value.reason)
            assert time.monotonic() - started < 4, kind
    assert not [h for h in m.hits if "invalid" in h.host]


def test_a_run_with_traps_adds_the_good_pages_and_nothing_half_written(tmp_path):
    app, reports, _ = new_app(tmp_path)
    m = mirror()
    traps = {
        "/peel-reports/durham-2021-22/": "drip",
        "/peel-reports/durham-2023-25/": "huge",
        "/peel-assessments/peel-2017/durham/": "loop",
        "/peel-assessments/peel-2016/durham/": "offsite",
    }
    with m.serving():
        for path, kind in traps.items():
            m.trap(path, kind)
        started = time.monotonic()
        args = fetch_args(m, "--force", "Durham", "--page-seconds", "2", "--timeout", "5")
        result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 30
    summary = result.output[result.output.index("Fetch: ") :]
    for path in traps:
        assert m.base_url + path in summary, path
        assert not (reports / expected_name(path)).exists()
    assert (reports / "durham-2018-overview.html").exists()
    assert not list(reports.rglob(".tmp-*"))
    assert not list((reports / ".fetch" / "staging").iterdir())


def test_twenty_fetches_at_once_one_runs_the_others_are_told(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    m = mirror()
    errors: list[str] = []
    took: list[float] = []
    with m.serving():
        settings = FetchSettings(
            m.base_url, frozenset(m.hosts), Politeness(user_agent(None), delay=0)
        )
        first = threading.Thread(
            target=fetch_reports, args=(reports, [Target("Cumbria", "2018")], settings)
        )
        first.start()
        _wait_for(lambda: SLOW in m.started)

        def another() -> None:
            started = time.monotonic()
            try:
                fetch_reports(reports, [Target("Cumbria", "2018")], settings)
            except RebuildBusy as exc:
                errors.append(exc.message)
            took.append(time.monotonic() - started)

        others = [threading.Thread(target=another) for _ in range(19)]
        for t in others:
            t.start()
        for t in others:
            t.join(10)
        first.join(30)
    assert len(errors) == 19 and max(took) < 2
    assert all("a fetch into this reports folder is already in progress" in e for e in errors)
    assert (reports / "cumbria-2018-efficiency.html").read_bytes() == m.body(SLOW)
    assert not list(reports.rglob(".tmp-*"))


@pytest.mark.parametrize("where", ["closed port", "no such host", "robots.txt forbidden"])
def test_an_unreachable_or_blocking_site_is_a_clear_error_that_changes_nothing(
    where, runner, reports_dir, index_dir
):
    m = mirror()
    with m.serving():
        base = {
            "closed port": f"http://127.0.0.1:{free_port()}",
            "no such host": "http://peel-mirror.invalid",
            "robots.txt forbidden": m.base_url,
        }[where]
        m.trap("/robots.txt", "forbidden")
        before_reports, before_index = tree(reports_dir), tree(index_dir)
        result = runner.invoke(
            args=["reports", "fetch", "--force", "Durham", "--base-url", base, "--timeout", "3"]
            + (["--delay", "1"] if where == "no such host" else ["--delay", "0"])
        )
    assert result.exit_code == 1
    assert "nothing was fetched and nothing changed" in result.output
    assert {
        "closed port": "Connection refused",
        "no such host": "cannot find peel-mirror.invalid",
        "robots.txt forbidden": "the site refuses us",
    }[where] in result.output
    assert tree(reports_dir) == before_reports and tree(index_dir) == before_index


def test_dry_run_asks_nothing_and_writes_nothing(runner, reports_dir):
    m = mirror()
    before = tree(reports_dir)
    with m.serving():
        result = runner.invoke(args=fetch_args(m, "--cycle", "2021", "--dry-run"))
    assert result.exit_code == 0, result.output
    assert m.hits == []
    assert tree(reports_dir) == before
    assert (
        f"Lancashire 2021-22: {m.base_url}/peel-reports/lancashire-2021-22/ then" in result.output
    )
    assert result.output.count("; never asked") == 43


@pytest.mark.parametrize(
    "spelling, force",
    [
        ("lancs", "Lancashire"),
        ("Avon & Somerset Constabulary", "Avon and Somerset"),
        ("the Met", "Metropolitan"),
        ("Hampshire and Isle of Wight", "Hampshire"),
        ("DURHAM", "Durham"),
    ],
)
def test_a_force_is_named_by_any_spelling_the_force_list_knows(spelling, force):
    assert resolve_force(spelling) == force


def test_an_unknown_force_or_cycle_is_refused_with_the_nearest_names(runner):
    result = runner.invoke(args=["reports", "fetch", "--force", "Lancashre", "--dry-run"])
    assert result.exit_code == 1 and "did you mean Lancashire?" in result.output
    result = runner.invoke(args=["reports", "fetch", "--cycle", "2019", "--dry-run"])
    assert result.exit_code == 1 and "2014, 2015, 2016, 2017, 2018, 2021, 2023" in result.output
    result = runner.invoke(args=["reports", "fetch"])
    assert result.exit_code == 1 and "say what to fetch" in result.output


def test_file_names_come_from_force_cycle_and_kind_never_the_address(tmp_path):
    """A link whose address carries other text still gives the page its usual name."""
    pages = dict(PAGES)
    overview = "/peel-assessments/peel-2018/durham/"
    found = "/peel-assessments/peel-2018/durham/effectiveness/detailed-findings/"
    odd = "/hmicfrs" + found + "?file=../../../etc/passwd&amp;name=x.txt"
    body = pages[overview].body.replace(f'href="{found}"'.encode(), f'href="{odd}"'.encode())
    assert body != pages[overview].body
    pages[overview] = dataclasses.replace(pages[overview], body=body)
    m = Mirror(pages=pages)
    reports = tmp_path / "reports"
    reports.mkdir()
    with m.serving():
        settings = FetchSettings(
            m.base_url, frozenset(m.hosts), Politeness(user_agent(None), delay=0)
        )
        fetch_reports(reports, [Target("Durham", "2018")], settings)
    assert m.requests_for("/hmicfrs" + found)  # the odd address was the one asked for
    assert (reports / "durham-2018-effectiveness-detailed-findings.html").exists()
    assert not [p for p in tmp_path.rglob("*") if "passwd" in p.name or p.name == "x.txt"]


def test_an_add_cut_short_is_finished_by_the_next_run(tmp_path):
    """As if killed while adding: some files renamed in, the addresses file not yet, and
    the fetch record still saying 'staged'. The next run adds each page once."""
    from corpus.fetch.add import add_staged
    from corpus.fetch.crawl import Fetcher
    from corpus.fetch.state import FetchState, fetch_lock

    reports = tmp_path / "reports"
    reports.mkdir()
    m = mirror()
    with m.serving():
        settings = FetchSettings(
            m.base_url, frozenset(m.hosts), Politeness(user_agent(None), delay=0)
        )
        targets = [Target("Cumbria", c) for c in ("2018", "2021", "2023")]
        with fetch_lock(reports):
            state = FetchState.load(reports)
            Fetcher(state, settings).run(targets)
            record = reports / ".fetch" / "state.json"
            before_add = record.read_bytes()
            add_staged(state)
        record.write_bytes(before_add)  # the add's outcome never recorded
        (reports / SOURCES_FILE).unlink()  # nor the addresses renamed in
        (reports / "cumbria-2023-25.html").unlink()  # nor this file
        fetch_reports(reports, targets, settings)
    expected = expected_files(m, ["cumbria"])
    files = {p.name for p in reports.iterdir() if p.is_file() and not p.name.startswith(".")}
    assert files == set(expected)
    sources = json.loads((reports / SOURCES_FILE).read_text())
    assert sources == {name: m.base_url + path for name, path in expected.items()}
    assert not list((reports / ".fetch" / "staging").iterdir())


def test_the_measurement_counts_what_a_run_did(tmp_path):
    """`python -m bench.fetch` (the README's figures): one force, fetched twice."""
    from bench.fetch import measure

    measured = measure([Target("Durham", c) for c in cycles()])
    assert measured.added == len(expected_files(mirror(), ["durham"]))
    assert measured.on_disk >= measured.downloaded > 0
    robots = len(f"User-agent: *\nDisallow: {ROBOTS_DISALLOWED}\n")
    # nothing changed: 304s, and robots.txt of each host (Durham 2015 links via the old one)
    assert measured.again_downloaded == 2 * robots
    assert measured.waits == 1.0  # Durham 2017's Retry-After
