"""Is a downloaded page the report it should be? An error page served with 200, a cookie
wall, a landing page, another force's or another cycle's page are recognised and refused
with a reason; a report is read by the same parser `reports add` uses."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from common.errors import BadRequest, ReportParseError
from corpus.fetch.site import Page, cycle_of_year, resolve_force
from corpus.html import decode_html, html_document, looks_like_html
from corpus.parser import parse_report
from corpus.pdf import looks_like_pdf

# Words a title or main heading uses when the page is the site saying something went
# wrong, rather than a report.
_ERROR_TITLE = re.compile(
    r"\b(?:page not found|not found|404|410|500|error|sorry|something went wrong|"
    r"(?:page|service) (?:is )?(?:not available|unavailable)|access denied|forbidden|"
    r"maintenance)\b",
    re.IGNORECASE,
)
_COOKIE = re.compile(r"\bcookies?\b", re.IGNORECASE)
MIN_REPORT_WORDS = 60  # a report page, even a short one, has more to say than this


def links(data: bytes) -> list[tuple[str, str]]:
    """(href, link text) of every link on a web page."""
    if not looks_like_html(data):
        return []
    page = LexborHTMLParser(decode_html(data))
    out = []
    for node in page.css("a[href]"):
        href = node.attributes.get("href") or ""
        if href and not href.startswith(("#", "mailto:", "javascript:", "tel:")):
            out.append((href, " ".join((node.text() or "").split())))
    return out


def _title(page: LexborHTMLParser) -> str:
    parts = []
    for selector in ("title", "h1"):
        node = page.css_first(selector)
        if node is not None:
            parts.append(" ".join((node.text() or "").split()))
    return " | ".join(p for p in parts if p)


def _words_of_report(data: bytes, name: str) -> int:
    """Words in the page's main text, once navigation and cookie banners are dropped."""
    try:
        return len(html_document(data, name).text.split())
    except ReportParseError:
        return 0


def refusal(data: bytes, page: Page) -> str | None:
    """Why the downloaded bytes are not the report ``page`` should be, or None."""
    name = page.file_name
    if looks_like_html(data):
        html = LexborHTMLParser(decode_html(data))
        title = _title(html)
        words = _words_of_report(data, name)
        if _ERROR_TITLE.search(title) and words < 400:
            return f"an error page served as a page (HTTP 200), titled {title[:80]!r}"
        if words < MIN_REPORT_WORDS and _COOKIE.search(html.body.text() if html.body else ""):
            return "a cookie wall: the page asks to accept cookies and holds no report"
    elif not looks_like_pdf(data):
        return "neither a web page nor a PDF"
    try:
        report, passages = parse_report(data, name)
    except ReportParseError as exc:
        return exc.reason
    if not passages:
        return "the page holds no paragraphs of a report"
    try:
        force = resolve_force(report.force)
    except BadRequest:  # a name the force list does not know
        force = report.force
    if force != page.target.force:
        return f"the page is {report.title}, not a report on {page.target.force}"
    if cycle_of_year(report.year) != page.target.cycle:
        return f"the page is {report.title}, not a report of the {page.target.cycle} cycle"
    return None
