"""Reports as text, saved web pages and PDFs: one report gives the same units and passages
in each; a file is read by what its bytes are; hostile files are refused, nothing added."""

from __future__ import annotations

import io
import re
import zlib

import pytest

from bench.synthetic import (
    AREAS_REPORT,
    GENERIC_REPORT,
    OVERVIEW_REPORT,
    REAL_REPORT,
    areas_report_text,
    as_html,
    as_pdf,
    generic_report_text,
    overview_report_text,
    report_text,
)
from common.errors import ReportParseError
from corpus import parse_report
from corpus.reports import NewReport, add_reports
from qa.cite import cite

SOURCES = {
    "shipped": (REAL_REPORT.name, REAL_REPORT.read_text("utf-8")),
    "pillar": ("testshire-2018-legitimacy.txt", report_text()),
    "overview": (OVERVIEW_REPORT, overview_report_text()),
    "areas": (AREAS_REPORT, areas_report_text()),
    "generic": (GENERIC_REPORT, generic_report_text()),
}


def _units(report):
    return [
        (u.key, u.kind, u.title, u.grade, u.carried_over, u.areas_for_improvement)
        for u in report.units
    ]


def _passages(passages):
    return [
        (p.id, p.text, p.unit, p.grade, p.section, p.question_number, p.paragraph) for p in passages
    ]


@pytest.fixture(scope="module")
def converted():
    """Each source as text, HTML and PDF, parsed (the PDFs take a moment to make)."""
    out = {}
    for key, (name, text) in SOURCES.items():
        stem = name.removesuffix(".txt")
        out[key] = {
            "text": parse_report(text.encode(), name),
            "html": parse_report(as_html(text), f"{stem}.html"),
            "pdf": parse_report(as_pdf(text), f"{stem}.pdf"),
        }
    return out


@pytest.mark.parametrize("fmt", ["html", "pdf"])
@pytest.mark.parametrize("source", sorted(SOURCES))
def test_the_same_report_in_each_format_gives_the_same_units_and_passages(converted, source, fmt):
    text_report, text_passages = converted[source]["text"]
    report, passages = converted[source][fmt]
    assert report.source_format == fmt and report.layout == text_report.layout
    assert (report.force, report.year, report.pillar, report.grade) == (
        text_report.force,
        text_report.year,
        text_report.pillar,
        text_report.grade,
    )
    assert _units(report) == _units(text_report)
    assert _passages(passages) == _passages(text_passages)


def test_a_web_page_loses_its_navigation_cookie_banner_and_footer(converted):
    report, passages = converted["pillar"]["html"]
    everything = " ".join(p.text for p in passages)
    for furniture in ("cookies", "Accept", "Home", "Crown copyright", "tracking"):
        assert furniture not in everything


def test_pdf_passages_keep_their_page_and_cite_it(converted):
    _, passages = converted["shipped"]["pdf"]
    pages = [p.page for p in passages]
    assert pages[0] == 1 and pages == sorted(pages) and pages[-1] > 5
    assert cite(passages[-1]).endswith(f"› p. {pages[-1]}")
    assert all(p.page is None for p in converted["shipped"]["html"][1])


def test_a_file_is_read_by_its_bytes_not_its_name():
    report, _ = parse_report(as_html(report_text()), "saved-page.txt")
    assert report.source_format == "html"
    report, _ = parse_report(report_text().encode(), "looks-like.pdf")
    assert report.source_format == "text"


def _encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    pdf.drawString(72, 720, "Testshire PEEL 2018")
    pdf.save()
    return out.getvalue()


def _image_only_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.rect(72, 72, 300, 300, fill=1)  # a scan is pictures, no text
    pdf.save()
    return out.getvalue()


def _pdf_bomb() -> bytes:
    body = zlib.compress(b"\0" * (300 * 1024 * 1024), 9)  # 300 MB in about 300 KB
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Length " + str(len(body)).encode() + b" /Filter /FlateDecode >>"
        b"\nstream\n" + body + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


PDF = as_pdf(report_text())
HOSTILE = {
    "encrypted.pdf": (_encrypted_pdf(), "encrypted"),
    "scan.pdf": (_image_only_pdf(), "no text to read"),
    "truncated.pdf": (PDF[: len(PDF) // 2], "damaged or truncated"),
    "cut-near-the-end.pdf": (PDF[: len(PDF) - 200], "damaged or truncated"),
    "bomb.pdf": (_pdf_bomb(), "zip bomb"),
    "nested.html": (b"<html><body>" + b"<div>" * 100_000 + b"Testshire PEEL 2018", "nested"),
    "empty.html": (b"<html><body><nav>Home</nav></body></html>", "no text"),
    "archive.txt": (b"PK\x03\x04" + b"\x00" * 64, "a zip archive"),
    "report.txt.gz": (b"\x1f\x8b\x08\x00" + zlib.compress(b"x" * 10_000), "gzip"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_refused_clearly_and_nothing_is_added(reports_dir, name):
    data, words = HOSTILE[name]
    with pytest.raises(ReportParseError) as caught:
        parse_report(data, name)
    assert words in caught.value.message and caught.value.message.startswith(f"{name}, line")
    before = sorted(p.name for p in reports_dir.iterdir())
    stored = name if not name.endswith(".gz") else "report.txt"
    good = NewReport("otherton-2019-legitimacy.html", as_html(report_text("Otherton")), "ok")
    outcomes = add_reports(reports_dir, [good, NewReport(stored, data, name)])
    assert [o.status for o in outcomes] == ["added", "refused"]
    assert isinstance(outcomes[1].error, ReportParseError) and words in outcomes[1].message
    assert sorted(p.name for p in reports_dir.iterdir()) == sorted([*before, good.name])


@pytest.mark.parametrize(
    "page",
    [
        b"<html><body><p>Testshire PEEL 2018<p><div><<<>>></b></i><table><tr><td>x",
        b"<html><body><main><h1>Testshire PEEL 2018</h1><p>Legitimacy</p>\xff\xfe<p",
        b"<!DOCTYPE html><html><head><title>x</title></head></html>",
        b"<html>" + b"<p>" * 5000 + b"</html>",
    ],
)
def test_malformed_html_is_read_or_refused_with_a_reason(page):
    try:
        _, passages = parse_report(page, "page.html")
    except ReportParseError as exc:
        assert exc.message.startswith("page.html, line ")
    else:
        assert all(p.text.strip() for p in passages)


def test_reports_add_takes_html_and_pdf_and_rebuilds(runner, tmp_path, reports_dir):
    html = tmp_path / "otherton-2019-legitimacy.html"
    html.write_bytes(as_html(report_text("Otherton", year="2019")))
    pdf = tmp_path / "northmoor-2017-overview.pdf"
    pdf.write_bytes(as_pdf(overview_report_text().replace("Testshire", "Northmoor")))
    result = runner.invoke(args=["reports", "add", str(html), str(pdf)])
    assert result.exit_code == 0, result.output
    assert "Added otherton-2019-legitimacy.html: Otherton PEEL 2019 Legitimacy" in result.output
    assert "Added northmoor-2017-overview.pdf: Northmoor PEEL 2017 overview" in result.output
    result = runner.invoke(args=["reports", "list"])
    assert re.search(r"northmoor-2017-overview\.pdf +Northmoor PEEL 2017 overview", result.output)
    assert (reports_dir / "northmoor-2017-overview.pdf").read_bytes() == pdf.read_bytes()


def test_a_refusal_in_a_pdf_names_the_page():
    text = (
        "Testshire PEEL 2018\n\nTransport\n\nSYNTHETIC. A page about buses that names no pillar.\n"
    )
    with pytest.raises(ReportParseError) as caught:
        parse_report(as_pdf(text), "buses.pdf")
    assert caught.value.line == 1 and caught.value.message.endswith("(page 1)")
    assert "which pillar" in caught.value.message
    with pytest.raises(ReportParseError) as caught:
        parse_report(as_html(text), "buses.html")
    assert caught.value.message.endswith("(line 3 of the text taken from it)")


def test_a_page_title_above_the_main_content_is_kept():
    page = as_html(report_text()).replace(b"<h1>Testshire PEEL 2018</h1>\n", b"")
    page = page.replace(
        b'<main id="main">', b'<div class="banner"><h1>Testshire PEEL 2018</h1></div><main>'
    )
    report, passages = parse_report(page, "page.html")
    assert (report.force, report.year, report.layout) == (
        "Testshire",
        "2018",
        "peel-2014-2019-pillar",
    )
    assert _passages(passages) == _passages(parse_report(report_text().encode(), "t.txt")[1])
