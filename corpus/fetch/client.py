"""A polite HTTP client for someone else's server: one request at a time with a delay
between them, a User-Agent that names us and how to reach us, robots.txt obeyed,
429 and 503 retried after the wait the server asks for, conditional requests, redirects
only within the configured hosts, and limits on time, size, type and total bytes.

Standard library only (http.client, urllib.robotparser). Every exchange runs under a
watchdog that shuts its socket at the page's deadline, so a server that answers slowly,
drips bytes or never ends costs at most that long.
"""

from __future__ import annotations

import email.utils
import http.client
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

PRODUCT = "peel-qa-fetch"  # the name robots.txt rules can address us by
VERSION = "1"
HTML_TYPES = ("text/html", "application/xhtml+xml")
PDF_TYPES = ("application/pdf", "application/x-pdf", "application/octet-stream")
RETRIED = {429, 500, 502, 503, 504}
REDIRECTS = {301, 302, 303, 307, 308}
MAX_ROBOTS_BYTES = 512 * 1024
CHUNK = 64 * 1024


def user_agent(contact: str | None) -> str:
    """'peel-qa-fetch/1 (PEEL report Q&A; +contact)': what we are, and who to tell."""
    about = "PEEL report Q&A, fetching published PEEL inspection reports"
    return f"{PRODUCT}/{VERSION} ({about}" + (f"; +{contact})" if contact else ")")


@dataclass(frozen=True)
class Politeness:
    """How gently to ask, and what to accept."""

    user_agent: str
    contact: str | None = None  # sent as From: when it is an e-mail address
    delay: float = 1.0  # seconds between the end of one request and the start of the next
    timeout: float = 30.0  # seconds to connect, and to wait for each piece of an answer
    page_seconds: float = 120.0  # seconds for a whole answer, however it trickles in
    max_page_bytes: int = 25 * 1024 * 1024
    max_total_bytes: int = 2 * 1024 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3  # tries after the first, for 429, 5xx and dropped connections
    max_wait: float = 300.0  # the longest Retry-After waited for; longer stops the run


@dataclass(frozen=True)
class Response:
    url: str  # after redirects: the page's own address
    status: int  # 200, or 304 (not modified since the validators sent)
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None


class PageError(Exception):
    """Why one page was not had: ``outcome`` is "not_found", "refused" (the answer is
    not one to take, asking again will not help) or "failed" (it may work next time)."""

    def __init__(self, outcome: str, reason: str) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason


class Unreachable(PageError):
    """No answer at all: DNS, a refused or dropped connection, a TLS failure, a timeout.
    ``transient`` when asking again soon may work (not for a name DNS does not know)."""

    def __init__(self, reason: str, transient: bool = True) -> None:
        super().__init__("failed", reason)
        self.transient = transient


class StopRun(PageError):
    """Asking for anything more now would be rude or pointless: the site asked us to wait
    longer than we will, its robots.txt cannot be read, or the run's byte budget is spent."""

    def __init__(self, reason: str) -> None:
        super().__init__("failed", reason)


class Client:
    """One request at a time, to the configured hosts only."""

    def __init__(self, hosts: frozenset[str], politeness: Politeness) -> None:
        self.hosts = frozenset(h.lower() for h in hosts)
        self.rules = politeness
        self.delay = politeness.delay
        self.requests = 0  # every request sent, robots.txt and retries included
        self.bytes = 0  # bytes of every answer's body, as they came over the wire
        self._robots: dict[str, RobotFileParser] = {}
        self._next_at = 0.0
        self._lock = threading.Lock()

    # -- the one public call ----------------------------------------------------------

    def get(
        self,
        url: str,
        accept: tuple[str, ...] = HTML_TYPES,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Response:
        """The page at ``url`` (or a 304 when it has not changed since the validators),
        after any redirects within the configured hosts."""
        with self._lock:
            seen = [url]
            while True:
                self._check_host(url, seen)
                self._check_robots(url)
                status, headers, body = self._with_retries(url, accept, etag, last_modified)
                if status not in REDIRECTS:
                    return self._answer(url, status, headers, body)
                location = headers.get("location")
                if not location:
                    raise PageError("failed", f"a redirect (HTTP {status}) to nowhere")
                url = urljoin(url, location.strip())
                if url in seen:
                    raise PageError("refused", f"a redirect loop ({' -> '.join(seen + [url])})")
                seen.append(url)
                if len(seen) > self.rules.max_redirects + 1:
                    raise PageError("refused", f"more than {self.rules.max_redirects} redirects")

    def robots_allow(self, url: str) -> bool:
        """Whether robots.txt lets us ask for ``url`` (reading it first if need be)."""
        with self._lock:
            return self._robots_for(url).can_fetch(PRODUCT, url)

    # -- rules --------------------------------------------------------------------------

    def _check_host(self, url: str, seen: list[str]) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise PageError("refused", f"a redirect to {url!r}, which is not a web address")
        if parts.netloc.lower() not in self.hosts:
            where = f"redirected to {parts.netloc}" if len(seen) > 1 else f"on {parts.netloc}"
            raise PageError(
                "refused",
                f"{where}, which is not one of the configured hosts "
                f"({', '.join(sorted(self.hosts))})",
            )
        if len(seen) > 1 and urlsplit(seen[-2]).scheme == "https" and parts.scheme == "http":
            raise PageError("refused", f"a redirect from https to plain http ({url})")

    def _check_robots(self, url: str) -> None:
        try:
            robots = self._robots_for(url)
        except StopRun as exc:
            if not self._robots:  # the site's own robots.txt: nothing may be fetched
                raise
            raise PageError("failed", exc.reason) from None  # another host's: this page only
        if not robots.can_fetch(PRODUCT, url):
            raise PageError("refused", "robots.txt asks robots not to fetch this page")

    def _robots_for(self, url: str) -> RobotFileParser:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        if origin in self._robots:
            return self._robots[origin]
        robots = RobotFileParser(origin + "/robots.txt")
        try:
            status, headers, body = self._with_retries(
                origin + "/robots.txt", ("text/plain",), None, None, limit=MAX_ROBOTS_BYTES
            )
        except (Unreachable, StopRun):
            raise
        except PageError as exc:
            if exc.outcome == "failed":  # 5xx to the last try: keep off (RFC 9309)
                raise StopRun(
                    f"{origin}/robots.txt could not be read ({exc.reason}): the site may be "
                    "down or overloaded, and without its robots.txt nothing may be fetched"
                ) from None
            status, body = 404, b""  # too big, or not text: as if there were none
        if status in REDIRECTS:  # followed within our hosts, once, as crawlers do
            target = urljoin(origin + "/robots.txt", headers.get("location", ""))
            if urlsplit(target).netloc.lower() in self.hosts:
                try:
                    status, headers, body = self._with_retries(
                        target, ("text/plain",), None, None, limit=MAX_ROBOTS_BYTES
                    )
                except PageError:
                    status, body = 404, b""
            else:
                status, body = 404, b""
        if status == 200:
            robots.parse(body.decode("utf-8", "replace").splitlines())
            crawl_delay = robots.crawl_delay(PRODUCT)
            if crawl_delay:
                self.delay = max(self.delay, min(float(crawl_delay), 60.0))
        elif status in (401, 403):  # the site keeps us out (the original robots standard)
            raise StopRun(f"the site refuses us: {origin}/robots.txt answered HTTP {status}")
        elif 400 <= status < 500:  # RFC 9309: no robots.txt, no rules
            robots.allow_all = True
        else:  # RFC 9309: an error reading it means keep off the whole site
            raise StopRun(
                f"{origin}/robots.txt answered HTTP {status}: the site may be down or "
                "overloaded, and without its robots.txt nothing may be fetched; try later"
            )
        robots.modified()
        self._robots[origin] = robots
        return robots

    # -- one exchange, retried ------------------------------------------------------------

    def _with_retries(
        self,
        url: str,
        accept: tuple[str, ...],
        etag: str | None,
        last_modified: str | None,
        limit: int | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        attempt = 0
        while True:
            try:
                status, headers, body = self._exchange(url, accept, etag, last_modified, limit)
            except Unreachable as exc:
                if attempt >= self.rules.retries or not exc.transient:
                    raise
                self._back_off(attempt, None)
                attempt += 1
                continue
            if status not in RETRIED:
                return status, headers, body
            if attempt >= self.rules.retries:
                raise PageError(
                    "failed", f"HTTP {status} after {attempt + 1} tries; left for the next run"
                )
            wait = _retry_after(headers.get("retry-after"))
            if wait is not None and wait > self.rules.max_wait:
                raise StopRun(
                    f"the site answered HTTP {status} and asked us to wait {wait:.0f} s, more "
                    f"than the {self.rules.max_wait:.0f} s we wait; run again later"
                )
            if status == 429:  # asked to slow down: do, for the rest of the run
                self.delay = min(max(self.delay * 2, self.rules.delay), 60.0)
            self._back_off(attempt, wait)
            attempt += 1

    def _back_off(self, attempt: int, wait: float | None) -> None:
        pause = wait if wait is not None else self.delay * 2 ** (attempt + 1)
        self._next_at = max(self._next_at, time.monotonic() + pause)

    def _exchange(
        self,
        url: str,
        accept: tuple[str, ...],
        etag: str | None,
        last_modified: str | None,
        limit: int | None,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request and its whole answer, no sooner than the delay allows."""
        pause = self._next_at - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {
            "User-Agent": self.rules.user_agent,
            "Accept": ", ".join(accept) + ", */*;q=0.1",
            "Accept-Encoding": "gzip",
            "Connection": "close",
        }
        if self.rules.contact and "@" in self.rules.contact:
            headers["From"] = self.rules.contact.removeprefix("mailto:")
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        conn = _connection(parts, self.rules.timeout)
        watchdog = _Watchdog(conn, self.rules.page_seconds)
        self.requests += 1
        try:
            conn.request("GET", target, headers=headers)
            response = conn.getresponse()
            answer = {k.lower(): v for k, v in response.getheaders()}
            if response.status != 200:
                body = _read(response, 64 * 1024, watchdog, self.rules, lenient=True)
                return response.status, answer, body
            _check_type(answer.get("content-type"), accept)
            body = _read(response, limit or self.rules.max_page_bytes, watchdog, self.rules)
            self.bytes += len(body)
            if self.bytes > self.rules.max_total_bytes:
                raise StopRun(
                    f"the run has downloaded {self.bytes:,} bytes, more than its limit of "
                    f"{self.rules.max_total_bytes:,} (--max-total-bytes)"
                )
            return 200, answer, _decoded(body, answer, limit or self.rules.max_page_bytes)
        except PageError:
            raise
        except Exception as exc:
            if watchdog.fired.is_set():
                raise _too_slow(self.rules) from None
            raise _unreachable(exc, parts) from None
        finally:
            watchdog.cancel()
            conn.close()
            self._next_at = max(self._next_at, time.monotonic() + self.delay)

    def _answer(self, url: str, status: int, headers: dict[str, str], body: bytes) -> Response:
        if status in (200, 304):
            return Response(
                url=url,
                status=status,
                body=body,
                content_type=(headers.get("content-type") or "").split(";")[0].strip().lower(),
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
            )
        if status in (404, 410):
            raise PageError("not_found", f"not on the site (HTTP {status})")
        if status in (401, 403):
            raise PageError("refused", f"the site refused access (HTTP {status})")
        if 400 <= status < 500:
            raise PageError("refused", f"the site answered HTTP {status}")
        raise PageError("failed", f"the site answered HTTP {status}")


def _connection(parts, timeout: float) -> http.client.HTTPConnection:
    if parts.scheme == "https":
        return http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


class _Watchdog:
    """Shuts a connection's socket when its time is up, waking a read blocked on it
    (closing it from another thread would not)."""

    def __init__(self, conn: http.client.HTTPConnection, seconds: float) -> None:
        self.conn = conn
        self.fired = threading.Event()
        self._timer = threading.Timer(seconds, self._shut)
        self._timer.daemon = True
        self._timer.start()

    def _shut(self) -> None:
        self.fired.set()
        sock = self.conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self) -> None:
        self._timer.cancel()


def _too_slow(rules: Politeness) -> PageError:
    return PageError(
        "refused",
        f"the answer took longer than {rules.page_seconds:g} s (--page-seconds); "
        "what had come was dropped",
    )


def _unreachable(exc: Exception, parts) -> Unreachable:
    if isinstance(exc, socket.gaierror):
        return Unreachable(f"cannot find {parts.hostname} (DNS: {exc.strerror})", False)
    if isinstance(exc, TimeoutError | socket.timeout):
        return Unreachable(f"no answer from {parts.netloc} within the time allowed")
    if isinstance(exc, ssl.SSLError):
        return Unreachable(f"a TLS failure talking to {parts.netloc}: {exc.reason}", False)
    if isinstance(exc, OSError | http.client.HTTPException):
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        return Unreachable(f"the connection to {parts.netloc} failed ({reason})")
    raise exc


def _check_type(content_type: str | None, accept: tuple[str, ...]) -> None:
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind and kind not in accept:
        raise PageError("refused", f"the answer is {kind}, not a web page or PDF")


def _read(
    response: http.client.HTTPResponse,
    limit: int,
    watchdog: _Watchdog,
    rules: Politeness,
    lenient: bool = False,
) -> bytes:
    """The body, refused as soon as it is known to pass ``limit`` or the deadline."""
    length = response.getheader("content-length")
    if not lenient and length and length.isdigit() and int(length) > limit:
        raise PageError(
            "refused", f"larger than the limit ({int(length):,} bytes > {limit:,}; --max-bytes)"
        )
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = response.read1(CHUNK)
        if watchdog.fired.is_set():  # what came may be cut short: none of it is kept
            raise _too_slow(rules)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > limit:
            if lenient:
                return b"".join(parts)
            raise PageError(
                "refused", f"larger than the limit ({limit:,} bytes; --max-bytes); dropped"
            )
        parts.append(chunk)


def _decoded(body: bytes, headers: dict[str, str], limit: int) -> bytes:
    """The body without its gzip coding, refused if it unpacks past ``limit``."""
    coding = (headers.get("content-encoding") or "identity").strip().lower()
    if coding in ("identity", ""):
        return body
    if coding not in ("gzip", "x-gzip"):
        raise PageError("refused", f"sent with a content coding we did not ask for ({coding})")
    unpack = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = unpack.decompress(body, limit + 1)
    except zlib.error as exc:
        raise PageError("refused", f"a damaged gzip answer ({exc})") from None
    if len(out) > limit or unpack.unconsumed_tail:
        raise PageError("refused", f"larger than the limit once unpacked ({limit:,} bytes)")
    return out


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (a number, or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())
