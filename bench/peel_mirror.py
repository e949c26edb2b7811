"""A test mirror of the inspectorate's PEEL pages, for `reports fetch`'s tests and its
measurement (`python -m bench.fetch`): the real page openings of shared/corpus/fragments
at their real addresses (the README's table), each wrapped in page furniture (a skip
link, a cookie banner, navigation, breadcrumbs, a footer with the licence), served by the
standard library's HTTP server in a thread on 127.0.0.1.

It answers as a real site does on a bad day: a robots.txt that keeps robots off one
force's pages, a 429 with Retry-After, a 500 that recovers, links in the older host
layout that redirect (the same server on "localhost" stands in for the old host), a slow
page, a page whose ETag changes between runs, a landing page that links to a PDF, an
error page served with 200, a cookie wall and an oversized page. Traps (``Mirror.trap``)
add the hostile ones: a page that never ends, a huge one, a redirect loop, a redirect to
another host. Every request is logged with its times.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from bench.synthetic import as_html, as_pdf

ROOT = Path(__file__).resolve().parents[1]
FRAGMENTS = ROOT.parent / "shared" / "corpus" / "fragments"
SITE_HOSTS = ("hmicfrs.justiceinspectorates.gov.uk", "www.justiceinspectorates.gov.uk")
OLD_PREFIXES = ("/hmicfrs", "/hmic")
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)

# The awkward answers, at addresses of the real layout (see the module docstring).
ROBOTS_DISALLOWED = "/peel-assessments/peel-2015/merseyside/"
RATE_LIMITED = "/peel-assessments/peel-2017/durham/"  # 429, Retry-After: 1, the first time
FLAKY = "/peel-reports/cumbria-2023-25/"  # 500 the first time, then the page
SLOW = "/peel-assessments/peel-2018/cumbria/efficiency/"
SLOW_SECONDS = 1.2
CHANGING = "/peel-reports/west-midlands-2023-25/"  # its text (and ETag) change each generation
LANDING = "/publications/peel-assessment-2021-22-lancashire/"
LANDING_REPORT = "/peel-reports/lancashire-2021-22/"  # linked from the landing page; not here
PDF_PATH = "/media/peel-assessment-2021-22-lancashire.pdf"
ERROR_200 = "/peel-reports/kent-2023-25/"
COOKIE_WALL = "/peel-reports/kent-2021-22/"
OVERSIZED = "/peel-reports/northumbria-2023-25/"
OVERSIZED_BYTES = 64 * 1024 * 1024  # more than a loopback socket's buffers hold
# Overview pages whose links to their pillar pages use the older host layout.
OLD_HOST = "old-host.placeholder"  # in links, the old host's address once the port is known
OLD_LAYOUT_LINKS = ("/peel-assessments/peel-2018/kent/", "/peel-assessments/peel-2015/durham/")


@dataclass(frozen=True)
class Served:
    """One page of the mirror: its bytes and type, and the fragment it was made from."""

    path: str
    body: bytes
    content_type: str
    fragment: str | None = None  # the fragment file's name
    source: str | None = None  # the real address it was published at


@dataclass
class Hit:
    """One request the mirror answered."""

    path: str
    host: str
    status: int
    started: float  # time.monotonic()
    ended: float
    user_agent: str
    if_none_match: str | None
    bytes: int


@dataclass
class Mirror:
    """The mirror's pages and behaviour; ``with mirror.serving(): ...`` serves it."""

    fragments: Path = FRAGMENTS
    generation: int = 1  # bump to change CHANGING's text and ETag
    hits: list[Hit] = field(default_factory=list)  # answered, in the order they ended
    started: list[str] = field(default_factory=list)  # paths, as each request came in
    # path -> drip | huge | huge-declared | loop | offsite | forbidden | silent
    traps: dict[str, str] = field(default_factory=dict)
    pages: dict[str, Served] = field(default_factory=dict)
    port: int = 0

    def __post_init__(self) -> None:
        self._answered: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        if not self.pages:
            self.pages = build_pages(self.fragments)

    # -- addresses --------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def old_host(self) -> str:
        """The host standing in for the older www.justiceinspectorates.gov.uk layout."""
        return f"localhost:{self.port}"

    @property
    def hosts(self) -> tuple[str, str]:
        return (f"127.0.0.1:{self.port}", self.old_host)

    def trap(self, path: str, kind: str) -> str:
        """Serve a hostile answer at ``path``; returns its full address."""
        self.traps[path] = kind
        return self.base_url + path

    # -- what a client sees ---------------------------------------------------------------

    def reports(self) -> dict[str, Served]:
        """The pages a fetch should add: the mirror's report pages, by path (the landing
        page, the error page, the cookie wall and the oversized page are not reports)."""
        return {
            p: s
            for p, s in self.pages.items()
            if s.fragment and p not in (LANDING, ERROR_200, COOKIE_WALL, OVERSIZED)
        }

    def requests_for(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def body(self, path: str) -> bytes:
        body = self.pages[path].body.replace(OLD_HOST.encode(), self.old_host.encode())
        return _changing(body, self.generation) if path == CHANGING else body

    # -- serving --------------------------------------------------------------------------

    def serving(self):
        mirror = self

        class Handler(_Handler):
            site = mirror

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        return _Running(self, server, thread)

    def answered(self, path: str) -> int:
        """How many times ``path`` has been asked for (the first answer may differ)."""
        with self._lock:
            self._answered[path] = self._answered.get(path, 0) + 1
            return self._answered[path]


class _Running:
    def __init__(self, mirror: Mirror, server: ThreadingHTTPServer, thread: threading.Thread):
        self.mirror, self.server, self.thread = mirror, server, thread

    def __enter__(self) -> Mirror:
        return self.mirror

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


class _Handler(BaseHTTPRequestHandler):
    site: Mirror
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no 40 ms stall between the headers and the body

    def log_message(self, format, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        started = time.monotonic()
        path = urlsplit(self.path).path
        self.site.started.append(path)
        status, sent = 500, 0
        try:
            status, sent = self._answer(path)
        except (BrokenPipeError, ConnectionResetError):
            status = 499  # the client hung up (as a fetcher does on a page too big or slow)
        finally:
            self.site.hits.append(
                Hit(
                    path=path,
                    host=self.headers.get("Host", ""),
                    status=status,
                    started=started,
                    ended=time.monotonic(),
                    user_agent=self.headers.get("User-Agent", ""),
                    if_none_match=self.headers.get("If-None-Match"),
                    bytes=sent,
                )
            )

    def _answer(self, path: str) -> tuple[int, int]:
        site = self.site
        if path in site.traps:
            return self._trap(path, site.traps[path])
        for prefix in OLD_PREFIXES:  # the older layout: moved to the new host and paths
            if path.startswith(prefix + "/"):
                return self._redirect(site.base_url + path[len(prefix) :], 301)
        if path == "/robots.txt":
            text = f"User-agent: *\nDisallow: {ROBOTS_DISALLOWED}\n"
            return self._send(200, text.encode(), "text/plain")
        if path == RATE_LIMITED and site.answered(path) == 1:
            return self._send(429, b"Too many requests", "text/plain", {"Retry-After": "1"})
        if path == FLAKY and site.answered(path) == 1:
            return self._send(500, b"Internal server error", "text/html")
        if path == SLOW:
            time.sleep(SLOW_SECONDS)
        if path == OVERSIZED:
            return self._stream(OVERSIZED_BYTES)
        if path not in site.pages:
            return self._send(404, _page("Page not found", "<p>Page not found.</p>"), "text/html")
        body = site.body(path)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, b"", None, {"ETag": etag, "Last-Modified": LAST_MODIFIED})
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        return self._send(200, body, site.pages[path].content_type, headers)

    def _send(
        self, status: int, body: bytes, content_type: str | None, headers: dict | None = None
    ) -> tuple[int, int]:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return status, len(body)

    def _redirect(self, location: str, status: int = 301) -> tuple[int, int]:
        return self._send(status, b"", "text/html", {"Location": location})

    def _stream(self, size: int, pause: float = 0.0, forever: bool = False) -> tuple[int, int]:
        """A page without a Content-Length, its end marked by closing the connection."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = b"<p>" + b"All work and no play. " * 40 + b"</p>\n"
        self.wfile.write(b"<!DOCTYPE html><html><head><title>Big</title></head><body><main>")
        sent = 0
        until = time.monotonic() + 120  # a drip ends some time, even if nobody hangs up
        while (forever or sent < size) and time.monotonic() < until:
            self.wfile.write(chunk)
            self.wfile.flush()
            sent += len(chunk)
            if pause:
                time.sleep(pause)
        return 200, sent

    def _trap(self, path: str, kind: str) -> tuple[int, int]:
        if kind == "drip":  # a page that never ends: a few bytes now and then, for ever
            return self._stream(0, pause=0.1, forever=True)
        if kind == "huge":  # far bigger than any report, as fast as it can
            return self._stream(1 << 34)
        if kind == "huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(1 << 34))
            self.end_headers()
            self.close_connection = True
            return 200, 0
        if kind == "loop":  # /a -> /a/ -> /a ...
            other = path[:-1] if path.endswith("/") else path + "/"
            self.site.traps[other] = "loop"
            return self._redirect(self.site.base_url + other, 302)
        if kind == "offsite":
            return self._redirect("http://peel-mirror.invalid" + path, 302)
        if kind == "forbidden":  # a site that keeps robots out
            return self._send(403, b"Forbidden", "text/plain")
        if kind == "silent":  # headers never come
            time.sleep(30)
            return 0, 0
        raise AssertionError(kind)


# -- the pages ----------------------------------------------------------------------------


def fragment_addresses(fragments: Path = FRAGMENTS) -> list[tuple[str, str]]:
    """(fragment file, the real address it was published at), from the README's table."""
    out = []
    for line in (fragments / "README.md").read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].endswith(".txt") and cells[3].startswith("http"):
            out.append((cells[0], cells[3]))
    return out


def site_path(url: str) -> str | None:
    """A real address as the mirror's path: the site's layout, without the older layouts'
    prefixes, doubled slashes or an empty query; None for another site's address."""
    parts = urlsplit(url)
    if parts.hostname not in SITE_HOSTS:
        return None
    path = re.sub(r"/{2,}", "/", parts.path)
    for prefix in OLD_PREFIXES:
        if path.startswith(prefix + "/"):
            path = path[len(prefix) :]
    return path


def _preference(name: str) -> tuple:
    """Which fragment of one address to serve: the final page before an interim one, and
    the copy that keeps the most of the page (variant a, then c, then b)."""
    stem = name.removesuffix(".txt")
    variant = stem[-2:] if re.search(r"-[abc]$", stem) else "-a"
    return ("interim" in stem, {"-a": 0, "-c": 1, "-b": 2}[variant], name)


def build_pages(fragments: Path = FRAGMENTS) -> dict[str, Served]:
    """Every page of the mirror, by path."""
    chosen: dict[str, tuple[str, str]] = {}
    for name, url in fragment_addresses(fragments):
        path = site_path(url)
        if path is None:
            continue
        if path not in chosen or _preference(name) < _preference(chosen[path][0]):
            chosen[path] = (name, url)
    pages: dict[str, Served] = {}
    for path, (name, url) in chosen.items():
        text = (fragments / name).read_text("utf-8")
        if path == LANDING:
            body = _landing(text)
        else:
            body = dress(as_html(text), _title(text), _related(path, chosen))
        pages[path] = Served(path, body, "text/html; charset=utf-8", name, url)
    # Lancashire 2021/22 is published here as a PDF only: the landing page links to it.
    pdf_text = (fragments / "lancashire-2021-22.txt").read_text("utf-8")
    pages.pop(LANDING_REPORT, None)
    pages[PDF_PATH] = Served(
        PDF_PATH, as_pdf(pdf_text), "application/pdf", "lancashire-2021-22.txt", None
    )
    error = _page(
        "Page not found - HMICFRS",
        "<h1>Page not found</h1><p>Sorry, we cannot find that page. It may have moved.</p>",
    )
    pages[ERROR_200] = Served(ERROR_200, error, "text/html; charset=utf-8")
    wall = _page(
        "Cookies on HMICFRS",
        '<div class="cookie-consent"><h2>Cookies on HMICFRS</h2><p>We use some essential '
        "cookies to make this website work. We would like to set additional cookies to "
        "understand how you use the site.</p><button>Accept additional cookies</button>"
        "<button>Reject additional cookies</button></div>",
    )
    pages[COOKIE_WALL] = Served(COOKIE_WALL, wall, "text/html; charset=utf-8")
    return pages


def _title(text: str) -> str:
    for line in text.splitlines():
        if line.strip() and line.strip() != "Skip to content":
            return line.strip()
    return "HMICFRS"


def _related(path: str, chosen: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """Links from an overview page to the pillar pages of its force and cycle."""
    if not re.fullmatch(r"/peel-assessments/peel-\d{4}/[a-z-]+/", path):
        return []
    old = f"http://{OLD_HOST}/hmicfrs" if path in OLD_LAYOUT_LINKS else ""
    out = []
    for other in sorted(chosen):
        if other != path and other.startswith(path):
            label = other[len(path) :].strip("/").replace("/", " - ").replace("-", " ")
            out.append((f"{old}{other}", label.capitalize()))
    return out


def dress(page: bytes, title: str, related: list[tuple[str, str]]) -> bytes:
    """A page in the site's furniture: header, navigation, breadcrumbs, links to the other
    pages of the inspection, and the footer with the licence."""
    html = page.decode("utf-8")
    html = html.replace("<title>Report</title>", f"<title>{escape(title)} - HMICFRS</title>")
    html = html.replace(
        '<main id="main">',
        '<nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li>'
        '<li><a href="/peel-assessments/">PEEL assessments</a></li></ol></nav>\n<main id="main">',
    )
    if related:
        items = "".join(f'<li><a href="{escape(u)}">{escape(t)}</a></li>' for u, t in related)
        nav = f'<nav class="related" aria-label="In this inspection"><ul>{items}</ul></nav>'
        html = html.replace("\n</main>", f"\n{nav}\n</main>")
    html = re.sub(r"<footer>.*?</footer>", FOOTER, html, flags=re.S)
    return html.encode("utf-8")


FOOTER = (
    "<footer><ul><li><a href='/cookies/'>Cookies</a></li><li><a href='/accessibility/'>"
    "Accessibility</a></li><li><a href='/contact-us/'>Contact HMICFRS</a></li></ul>"
    "<p>All content is available under the Open Government Licence v3.0, except where "
    "otherwise stated.</p><p>&copy; Crown copyright</p></footer>"
)


def _page(title: str, main: str) -> bytes:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}"
        "</title></head><body><a class='skip-link' href='#main'>Skip to content</a>"
        "<header><nav><a href='/'>HMICFRS</a></nav></header>"
        f"<main id='main'>{main}</main>{FOOTER}</body></html>"
    ).encode()


def _landing(text: str) -> bytes:
    """The 2021/22 landing page: its real text, its two links made links."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    body = [f"<h1>{escape(lines[0])}</h1>"]
    for line in lines[1:]:
        if line.endswith("(HTML)Download the report"):
            words = escape(line.removesuffix("Download the report"))
            body.append(f'<p><a href="{LANDING_REPORT}">{words}</a></p>')
            body.append("<h2>Download the report</h2>")
        elif line.endswith("(PDF document)"):
            body.append(f'<p><a href="{PDF_PATH}">{escape(line)}</a></p>')
        elif len(line.split()) <= 6:
            body.append(f"<h2>{escape(line)}</h2>")
        else:
            body.append(f"<p>{escape(line)}</p>")
    return _page(lines[0], "\n".join(body))


def _changing(body: bytes, generation: int) -> bytes:
    """The page as revised ``generation`` times: a correction notice added each time."""
    if generation <= 1:
        return body
    notes = "".join(
        f"<p>Correction {n}: this report was corrected after publication; the figures in "
        f"paragraph {n} now match the published data.</p>"
        for n in range(2, generation + 1)
    )
    return body.replace(b"\n</main>", notes.encode() + b"\n</main>", 1)
