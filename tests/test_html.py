"""The HTML side of app.py: the chat page shell, the passage page, HTML errors and the
Content-Security-Policy header (the page's behaviour in a browser is in test_page.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.synthetic import report_text, write_report
from corpus.reports import NewReport, add_reports
from tests.conftest import build

ROOT = Path(__file__).resolve().parents[1]
LANCS = "lancashire-2018-effectiveness"


def test_chat_page_is_plain_html_with_our_own_script(client):
    res = client.get("/")
    assert res.status_code == 200 and res.mimetype == "text/html"
    html = res.get_data(as_text=True)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts == [(' src="/static/chat.js" defer', "")]
    assert not re.search(r"https?://", html), "the page must work offline: no outside URLs"
    assert not re.search(r"<[^>]+\s(style|on[a-z]+)=", html), "no inline styles or handlers"


def test_chat_page_controls_are_labelled(client):
    html = client.get("/").get_data(as_text=True)
    assert '<label for="question"' in html and 'id="question"' in html
    assert re.search(r'<section id="conversation"[^>]*aria-live="polite"', html)
    assert re.search(r'<button type="submit" id="send">Send</button>', html)
    for control in ("scope-force", "scope-year", "scope-pillar"):  # the scope picker
        assert f'<label for="{control}"' in html and f'id="{control}"' in html
    assert 'id="examples"' in html  # filled from /api/reports by the script
    reports = client.get("/api/reports").get_json()
    forces = {r["force"] for r in reports["reports"]}
    assert 1 <= len(reports["examples"]) <= 3
    assert all(any(force in e for force in forces) for e in reports["examples"])


@pytest.mark.parametrize(
    "page", ["/", "/docs", "/grades", "/forces/Lancashire", f"/passages/{LANCS}-q2-p11"]
)
def test_every_page_gets_the_styles_and_script_it_asks_for(client, page):
    html = client.get(page).get_data(as_text=True)
    assets = re.findall(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"', html)
    assert "/static/site.css" in assets  # unstyled, a page would be hard to read
    for asset in assets:
        with client.get(asset) as res:
            assert res.status_code == 200, asset
            assert res.get_data() == (ROOT / asset.lstrip("/")).read_bytes()
            kind = "text/css" if asset.endswith(".css") else "text/javascript"
            assert res.mimetype == kind, asset  # what the browser needs to use it


def test_script_never_parses_data_as_html():
    script = (ROOT / "static" / "chat.js").read_text("utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/"),
        ("get", "/static/chat.js"),
        ("get", f"/passages/{LANCS}-q2-p11"),
        ("get", "/passages/no-such-passage"),
        ("get", "/api/health"),
        ("post", "/api/ask"),
        ("get", "/api/nothing-here"),
    ],
)
def test_every_response_forbids_inline_scripts(client, method, path):
    with getattr(client, method)(path) as res:
        header = res.headers["Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in header.split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert "unsafe" not in header


def test_passage_page_shows_the_passage_in_context(client):
    res = client.get(f"/passages/{LANCS}-q2-p11")
    assert res.status_code == 200 and res.mimetype == "text/html"
    html = res.get_data(as_text=True)
    cited = re.search(r'<section class="paragraph cited" id="passage".*?</section>', html, re.S)
    assert "check that all crime reports are properly completed" in cited.group(0)
    assert "¶11" in cited.group(0)
    # two paragraphs either side, each linking to its own page
    for n in (9, 10, 12, 13):
        assert f'href="/passages/{LANCS}-q2-p{n}"' in html
    assert f"/passages/{LANCS}-q2-p14" not in html and f"/passages/{LANCS}-q2-p8" not in html
    assert "Q2 How effective is the force at investigating crime and reducing re-offending?" in html
    assert (
        '<span class="grade" data-grade="Requires improvement">Requires improvement</span>' in html
    )
    assert "Investigation quality" in html and "8 earlier paragraphs" in html
    assert (
        "Lancashire PEEL 2018 › Effectiveness › Q2 How effective is the force at investigating "
        "crime and reducing re-offending? (Requires improvement) › Investigation quality › ¶11"
    ) in html


def test_overview_passage_page(client):
    html = client.get(f"/passages/{LANCS}-overview-p1").get_data(as_text=True)
    assert "Effectiveness overview: How effectively does the force reduce crime" in html
    assert "Lancashire Constabulary is good at reducing crime and keeping people safe." in html
    assert "earlier paragraph" not in html


def test_passage_page_links_the_published_report_when_its_address_is_known(
    app, client, reports_dir
):
    url = 'https://www.example.org/peel/lancashire-2018?part=q2&quote="x"'
    name = f"{LANCS}.txt"
    add_reports(
        reports_dir,
        [NewReport(name, (reports_dir / name).read_bytes(), name, source_url=url)],
        replace=True,
    )
    before = client.get(f"/passages/{LANCS}-q2-p11").get_data(as_text=True)
    assert "Read the published report" not in before  # the build served has no address yet
    app.extensions["rebuilder"].run()
    html = client.get(f"/passages/{LANCS}-q2-p11").get_data(as_text=True)
    link = re.search(
        r'<p class="source-link"><a ([^>]*)>Read the published report</a>([^<]*)', html
    )
    assert link, html
    assert link.group(1) == (
        'href="https://www.example.org/peel/lancashire-2018?part=q2&amp;quote=&#34;x&#34;" '
        'rel="noopener noreferrer"'
    )
    assert link.group(2).strip() == "on www.example.org"
    other = client.get("/passages/testshire-2018-legitimacy-q1-p1")
    assert other.status_code == 200
    assert "Read the published report" not in other.get_data(as_text=True)


def test_passage_page_escapes_report_text(tmp_path, encoder):
    from app import create_app

    reports = tmp_path / "reports"
    text = report_text(
        questions=(
            (
                1,
                "Is <i>this</i> fair?",
                "Good",
                ["Fair treatment", "SYNTHETIC. <script>alert(1)</script> & <b>bold</b> claims."],
            ),
        )
    )
    write_report(reports, "testshire-2018-legitimacy.txt", text)
    build(reports, encoder, tmp_path / "index")
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"), "ENCODER": encoder})
    html = app.test_client().get("/passages/testshire-2018-legitimacy-q1-p1").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "Is &lt;i&gt;this&lt;/i&gt; fair?" in html
    assert "<script>" not in html and "<b>" not in html


def test_unknown_passage_is_an_html_404(client):
    res = client.get("/passages/no-such-passage")
    assert res.status_code == 404 and res.mimetype == "text/html"
    html = res.get_data(as_text=True)
    assert "<h1>Not found</h1>" in html and "no passage has the id" in html
    assert 'href="/"' in html


def test_html_routes_get_html_errors_and_api_routes_json(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "no such page: /no-such-page" in page.get_data(as_text=True)
    wrong_method = client.post("/")
    assert wrong_method.status_code == 405 and wrong_method.mimetype == "text/html"
    api = client.get("/api/no-such-route")
    assert api.status_code == 404 and api.is_json
    assert api.get_json()["error"]["code"] == "not_found"


def test_without_an_index_the_chat_page_loads_and_passages_say_why(tmp_path, encoder):
    from app import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none"), "ENCODER": encoder})
    client = app.test_client()
    assert client.get("/").status_code == 200
    res = client.get(f"/passages/{LANCS}-q2-p11")
    assert res.status_code == 503 and res.mimetype == "text/html"
    assert "make index" in res.get_data(as_text=True)
    assert client.get("/api/reports").get_json()["error"]["code"] == "index_not_ready"
