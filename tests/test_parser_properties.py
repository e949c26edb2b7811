"""Property tests of the parser (and the sentence splitter it feeds): whatever bytes arrive,
it returns passages that are verbatim slices of the text, or ReportParseError with file and
line; never another exception, never a hang.

The deadline is generous (the real cost is milliseconds); it is there so that input which
makes a regular expression backtrack quadratically fails the test instead of stalling it:
each of the huge-line cases below took minutes to hours before the parser bounded them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bench.synthetic import REAL_REPORT, as_html, as_pdf, report_text
from common.errors import ReportNotText, ReportParseError
from corpus.parser import decode_report, parse_report
from corpus.sentences import sentence_spans

NAME = "upload.txt"
REAL = REAL_REPORT.read_bytes()
REAL_LINES = REAL.decode("utf-8").split("\n")
BOM = b"\xef\xbb\xbf"
PROPERTY = settings(
    max_examples=60,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _original_passages():
    return parse_report(REAL, REAL_REPORT.name)[1]


def check_parse(data: bytes) -> None:
    """Parse ``data``: passages must be verbatim slices, errors a ReportParseError with a line."""
    try:
        _, passages = parse_report(data, NAME)
    except ReportParseError as exc:
        assert exc.path == NAME
        breaks = data.count(b"\n") + data.count(b"\r")
        assert 1 <= exc.line <= breaks + 1, exc.message
        assert exc.message.startswith(f"{NAME}, line {exc.line}: ")
        return
    text = decode_report(data, NAME)
    assert passages
    for passage in passages:
        assert passage.text and passage.text == passage.text.strip()
        assert passage.text in text


@PROPERTY
@given(st.binary(max_size=2000))
@example(b"\xff\xfe" + "Lancashire PEEL 2018".encode("utf-16-le"))
@example(b"\x00")
@example(BOM)
@example(b"\xed\xa0\x80")  # a UTF-8-encoded surrogate
def test_arbitrary_bytes(data):
    check_parse(data)


@PROPERTY
@given(st.text(max_size=2000))
@example("Lancashire PEEL 2018\u2028Effectiveness\u2029Text.")
@example("x PEEL 2018\nEffectiveness\n\x85\x0b\x0c\x1c")
def test_arbitrary_text(text):
    check_parse(text.encode("utf-8"))


# Lines of the real report and a few of the lines that steer the parser.
_report_line = st.one_of(
    st.sampled_from(REAL_LINES),
    st.sampled_from(["1", "2", "Good", "Areas for improvement", "• a bullet", "", "   "]),
    st.text(max_size=80),
)


@PROPERTY
@given(st.lists(_report_line, max_size=80), st.sampled_from(["\n", "\r\n", "\r"]))
def test_made_up_reports_from_real_lines(lines, newline):
    check_parse("\n".join(["Lancashire PEEL 2018", "Effectiveness", *lines]).encode())
    check_parse(newline.join(lines).encode())


@PROPERTY
@given(st.randoms(use_true_random=False))
def test_shuffled_real_report(rnd):
    lines = list(REAL_LINES)
    rnd.shuffle(lines)
    check_parse("\n".join(lines).encode("utf-8"))
    check_parse("\n".join(REAL_LINES[:2] + lines).encode("utf-8"))


@PROPERTY
@given(st.integers(min_value=0, max_value=len(REAL)))
def test_truncated_real_report(cut):
    """Cut anywhere, even inside a multi-byte character."""
    check_parse(REAL[:cut])


@PROPERTY
@given(st.integers(min_value=0, max_value=len(REAL)), st.sampled_from([b"\xff", b"\xc3", b"\x80"]))
def test_a_stray_byte_is_not_text_and_names_its_line(at, byte):
    data = REAL[:at] + byte + REAL[at:]
    with pytest.raises(ReportNotText) as caught:
        parse_report(data, NAME)
    # The error is at the stray byte, or at the start of the character it broke into.
    assert caught.value.line == REAL[:at].count(b"\n") + 1


# Runs that made the header regex (spaces, tabs) or the sentence splitter (abbreviations)
# backtrack or copy quadratically; the acronym finder looks at every "(XY)".
_HUGE_RUNS = [" ", "\t ", " \t", "e.g. ", "(AB) ", "x", "PEEL ", "1. "]


@PROPERTY
@given(
    st.sampled_from(_HUGE_RUNS),
    st.integers(min_value=1_000, max_value=100_000),
    st.sampled_from(["header", "body"]),
)
@example(" ", 100_000, "header")
@example("e.g. ", 100_000, "body")
def test_huge_lines(run, times, where):
    huge = "a" + run * times + "b"
    if where == "header":
        lines = [huge, "Effectiveness", "A paragraph."]
    else:
        lines = ["Lancashire PEEL 2018", "Effectiveness", huge, "A paragraph."]
    check_parse("\n".join(lines).encode("utf-8"))
    spans = sentence_spans(huge)
    assert all(0 <= a < b <= len(huge) for a, b in spans)


def _with_endings(lines: list[str], endings: list[str]) -> bytes:
    out = []
    previous = ""
    for line, ending in zip(lines, endings, strict=True):
        if previous == "\r" and ending == "\n" and not line:
            ending = "\r\n"  # "\r" then "\n" would be one CRLF: a line break lost, not mixed
        out.append(line + ending)
        previous = ending
    return "".join(out).encode("utf-8")


def test_crlf_and_bom_versions_of_the_real_report_parse_the_same():
    original = _original_passages()
    crlf = REAL.replace(b"\n", b"\r\n")
    for data in (crlf, BOM + REAL, BOM + crlf, REAL.replace(b"\n", b"\r")):
        assert parse_report(data, REAL_REPORT.name)[1] == original


@PROPERTY
@given(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=len(REAL_LINES)))
def test_mixed_line_endings_parse_the_same(endings):
    data = _with_endings(REAL_LINES, endings[: len(REAL_LINES)])
    assert parse_report(data, REAL_REPORT.name)[1] == _original_passages()


# Saved web pages and PDFs: whatever their bytes, a report or a refusal with a reason.
HTML_PAGE = as_html(report_text())
PDF_FILE = as_pdf(report_text())
_html_piece = st.one_of(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<div>",
            "</div>",
            "<ul><li>",
            "</li>",
            "<table><tr><td>",
            "<h2>",
            "<nav>",
            "<script>",
            "<!--",
            "-->",
            "<![CDATA[",
            "&amp;",
            "&#0;",
            "&#xD800;",
            "\x00",
            "<main>",
            "</main>",
            "<br/>",
            "<meta charset='koi8-r'>",
            "<",
        ]
    ),  # fmt: skip
    st.text(max_size=40),
)


def _check_other_format(data: bytes, name: str) -> None:
    try:
        report, passages = parse_report(data, name)
    except ReportParseError as exc:
        assert exc.path == name and exc.message.startswith(f"{name}, line {exc.line}: ")
        return
    assert passages and report.source_format in ("text", "html", "pdf")
    for passage in passages:
        assert passage.text and passage.text == passage.text.strip()


@PROPERTY
@given(st.lists(_html_piece, max_size=60), st.integers(min_value=0, max_value=len(HTML_PAGE)))
def test_mangled_web_pages(pieces, at):
    """Tags and text spliced into a saved report page anywhere, even inside a tag."""
    spliced = HTML_PAGE[:at] + "".join(pieces).encode("utf-8", "surrogatepass") + HTML_PAGE[at:]
    _check_other_format(spliced, "page.html")
    _check_other_format(b"<html><body>" + "".join(pieces).encode("utf-8", "surrogatepass"), "x.htm")


@settings(PROPERTY, max_examples=25)
@given(
    st.integers(min_value=0, max_value=len(PDF_FILE) - 1),
    st.binary(min_size=1, max_size=16),
    st.booleans(),
)
def test_damaged_pdfs(at, junk, cut):
    """A PDF cut short, or with bytes overwritten anywhere (in its streams, its cross-reference
    table, its trailer)."""
    data = PDF_FILE[:at] if cut else PDF_FILE[:at] + junk + PDF_FILE[at + len(junk) :]
    _check_other_format(data, "report.pdf")
