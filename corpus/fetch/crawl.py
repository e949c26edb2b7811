"""One fetch run: for each force and cycle asked for, find its pages (the era's address
patterns, then the links on its pages), download each politely into staging, check it
is the report it should be, and record what became of it (corpus/fetch/state.py).

A run that was killed is carried on by the next run asking for the same: pages it
settled are not asked for again, and what it staged is added with the rest.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from common.errors import SiteUnreachable
from corpus.fetch import state as st
from corpus.fetch.classify import links as page_links
from corpus.fetch.classify import refusal
from corpus.fetch.client import (
    HTML_TYPES,
    PDF_TYPES,
    Client,
    PageError,
    Politeness,
    Response,
    StopRun,
    Unreachable,
)
from corpus.fetch.site import (
    DETAILED,
    LANDING,
    OVERVIEW,
    PDF,
    REPORT,
    Links,
    Page,
    Target,
    entry_pages,
    pillar_pages,
    slugs,
)

FETCHED = "fetched"  # downloaded, checked, staged to be added
UNCHANGED = "unchanged"  # the copy we have is the site's (304, or the same bytes)
MAX_UNREACHABLE = 3  # pages in a row with no answer at all before the run stops
# A force-cycle the site did not have is asked for again after this long (new reports
# appear; old ones do not), or at once with --fresh.
NOT_FOUND_RECHECK_SECONDS = 7 * 24 * 3600
_READ = {st.REFUSED, st.LANDING}  # read before and not kept: validators tell if it changed


@dataclass(frozen=True)
class FetchSettings:
    base_url: str
    hosts: frozenset[str]  # host[:port] that may be asked, redirects included
    politeness: Politeness


@dataclass(frozen=True)
class Outcome:
    """What became of one page in this run."""

    page: Page
    state: str  # FETCHED, UNCHANGED, or st.REFUSED / NOT_FOUND / FAILED / LANDING
    reason: str | None = None
    bytes: int = 0
    earlier: bool = False  # settled earlier in this (continued) run: not asked for again


@dataclass
class FetchResult:
    run_id: str
    continued: bool
    outcomes: list[Outcome] = field(default_factory=list)
    stopped: str | None = None  # why the run stopped before the end
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0


Progress = Callable[[Outcome], None]


class Fetcher:
    """Fetches targets into a reports folder's staging, recording each page's fate."""

    def __init__(
        self, state: st.FetchState, settings: FetchSettings, progress: Progress | None = None
    ) -> None:
        self.state = state
        self.settings = settings
        self.client = Client(settings.hosts, settings.politeness)
        self.links = Links(settings.base_url, settings.hosts)
        self.progress = progress or (lambda outcome: None)
        self.fresh = False  # True: ask for every page in full, sending no validators
        self.run_id = ""
        self._unreachable = 0
        self._result: FetchResult | None = None

    def run(self, targets: list[Target]) -> FetchResult:
        """Fetch every target; raises SiteUnreachable, changing nothing, when the site
        cannot be reached at all."""
        started = time.monotonic()
        run_id, continued = self.state.begin(self.settings.base_url, [t.key for t in targets])
        self.run_id = run_id
        self._first_contact()
        self.state.tidy_staging()
        self.state.save()
        result = self._result = FetchResult(run_id, continued)
        try:
            for target in targets:
                self._target(target)
        except StopRun as exc:
            result.stopped = exc.reason
        else:
            self.state.finish()
        self.state.save()
        result.requests = self.client.requests
        result.bytes = self.client.bytes
        result.seconds = time.monotonic() - started
        return result

    def _first_contact(self) -> None:
        """Read the site's robots.txt: if that gets no answer, stop before recording
        anything."""
        base = self.settings.base_url
        try:
            self.client.robots_allow(base)
        except (Unreachable, StopRun) as exc:
            raise SiteUnreachable(
                f"cannot fetch from {urlsplit(base).netloc}: {exc.reason}; nothing was "
                "fetched and nothing changed (check the address, --base-url, and that this "
                "machine can reach it)"
            ) from None

    # -- a force's pages of one cycle -------------------------------------------------

    def _target(self, target: Target) -> None:
        record = self.state.targets.get(target.key)
        if not self.fresh and record and record.state == st.NOT_FOUND and record.run != self.run_id:
            if st.age_seconds(record.checked) < NOT_FOUND_RECHECK_SECONDS:
                return  # not on the site days ago: not asked again so soon
        tried = []
        for entry in entry_pages(target, self.settings.base_url):
            tried += [p.url for p in entry]
            first = self._page(entry[0])
            if target.has_reports:
                found = self._report_era(target, entry, first)
            else:
                found = self._assessment_era(target, entry[0], first)
            if found is not None:
                self._settle(target, *found)
                return
        self._settle(target, st.NOT_FOUND, f"no page at {' or '.join(tried)}")

    def _report_era(
        self, target: Target, entry: list[Page], first: Outcome
    ) -> tuple[str, str | None] | None:
        """2021 onwards: the report's page, or else the landing page's link to it (its
        web page, or its PDF where there is no web page)."""
        if first.state != st.NOT_FOUND:
            return _found(first)
        landing = self._page(entry[1])
        if landing.state == st.NOT_FOUND:
            return None
        if landing.state != st.LANDING:
            return _found(landing)
        linked = self._links_of(entry[1])
        pages = [Page(target, REPORT, u) for k, u in linked if k == REPORT and u != entry[0].url]
        pages += [Page(target, PDF, u) for k, u in linked if k == PDF]
        for page in pages:
            outcome = self._page(page)
            if outcome.state != st.NOT_FOUND:
                return _found(outcome)
        return st.REFUSED, "its landing page links to no report on the configured hosts"

    def _assessment_era(
        self, target: Target, overview: Page, first: Outcome
    ) -> tuple[str, str | None] | None:
        """2014 to 2018: the overview page, then the pillar (and detailed findings) pages
        it links to; the era's addresses for them when it links to none."""
        if first.state == st.NOT_FOUND:
            # An overview missing (or moved) need not hide the pillar pages.
            found = self._pillars(overview, [])
            if not found:
                return None
            return "found", "no overview page; pillar pages found at the usual addresses"
        if first.state == st.FAILED:
            return _found(first)
        self._pillars(overview, self._links_of(overview))
        return "found", None

    def _pillars(self, overview: Page, linked: list[list[str]]) -> int:
        """Each pillar's page: its detailed findings where the era has them, else (or if
        they are not there) its summary page; the pillars the overview links to, or every
        pillar at the era's addresses when it links to none. Returns how many were found."""
        target = overview.target
        era = target.era
        by_kind = {k: u for k, u in reversed(linked)}
        patterns = {p.kind: p.url for p in pillar_pages(overview)}
        any_linked = any(k != OVERVIEW for k in by_kind)
        found = 0
        for pillar in era.get("pillars", ()):
            kinds = ([f"{pillar}-{DETAILED}"] if era.get("detailed_findings") else []) + [pillar]
            if any_linked and not any(k in by_kind for k in kinds):
                continue  # the overview links to other pillars, not this one
            for kind in kinds:
                outcome = self._page(Page(target, kind, by_kind.get(kind) or patterns[kind]))
                if outcome.state != st.NOT_FOUND:
                    found += 1
                    break
        return found

    # -- one page ---------------------------------------------------------------------

    def _page(self, page: Page) -> Outcome:
        record = self.state.pages.get(page.file_name)
        if record and record.run == self.run_id and record.state in st.SETTLED:
            return self._tell(_from_record(page, record))  # settled before a kill: not again
        have = record if record and self._have(record) else None
        known = record if record and record.sha256 and record.state in _READ else None
        sent = None if self.fresh else (have or known)
        accept = PDF_TYPES if page.kind == PDF else HTML_TYPES
        try:
            response = self.client.get(
                page.url,
                accept,
                etag=sent.etag if sent else None,
                last_modified=sent.last_modified if sent else None,
            )
        except StopRun:
            raise
        except PageError as exc:
            self._count_unreachable(isinstance(exc, Unreachable), exc)
            state = {"not_found": st.NOT_FOUND, "refused": st.REFUSED}.get(exc.outcome, st.FAILED)
            return self._tell(self._problem(page, have, state, exc.reason))
        self._count_unreachable(False, None)
        body = response.body
        sha = hashlib.sha256(body).hexdigest() if response.status == 200 else None
        if sent and (response.status == 304 or sent.sha256 == sha):
            return self._tell(self._unchanged(page, sent, response))
        found = self._found_links(body, response.url, page.target)
        if page.kind == LANDING:
            why = "a landing page: its links were followed"
            self._read(page, st.LANDING, why, response, sha, found)
            return self._tell(Outcome(page, st.LANDING, why, len(body)))
        why = refusal(body, page)
        if why is not None:
            if have is not None:  # the copy we hold stays; the new answer is noted
                return self._tell(self._problem(page, have, st.REFUSED, why, len(body)))
            self._read(page, st.REFUSED, why, response, sha, found)
            return self._tell(Outcome(page, st.REFUSED, why, len(body)))
        self.state.stage(page.file_name, body)
        self._read(page, st.STAGED, None, response, sha, found)
        return self._tell(Outcome(page, FETCHED, None, len(body)))

    def _have(self, record: st.PageRecord) -> bool:
        """Whether we hold this page as recorded (so validators may be sent)."""
        if record.state == st.ADDED:
            return self.state.in_folder(record)
        if record.state == st.STAGED:
            return self.state.staged_bytes(record) is not None
        return False

    def _record(self, page: Page, state: str, reason: str | None) -> st.PageRecord:
        old = self.state.pages.get(page.file_name)
        return st.PageRecord(
            file=page.file_name,
            force=page.target.force,
            cycle=page.target.cycle,
            kind=page.kind,
            url=page.url,
            state=state,
            reason=reason,
            checked=st.now(),
            run=self.run_id,
            links=old.links if old else [],
        )

    def _read(
        self,
        page: Page,
        state: str,
        reason: str | None,
        response: Response,
        sha: str | None,
        links: list[list[str]],
    ) -> None:
        """Record a page that was read: what it is, its validators, where it links."""
        record = self._record(page, state, reason)
        record.sha256, record.bytes, record.source_url = sha, len(response.body), response.url
        record.etag, record.last_modified = response.etag, response.last_modified
        record.links = links
        self.state.note(record)

    def _problem(
        self, page: Page, have: st.PageRecord | None, state: str, reason: str, size: int = 0
    ) -> Outcome:
        """A page that could not be had this time; one already held is kept as it is."""
        if have is not None:
            have.note, have.checked, have.run = f"{state}: {reason}", st.now(), self.run_id
            self.state.note(have)
        else:
            self.state.note(self._record(page, state, reason))
        return Outcome(page, state, reason, size)

    def _unchanged(self, page: Page, known: st.PageRecord, response: Response) -> Outcome:
        """The site's page is the one we read before (304, or the same bytes)."""
        known.checked, known.run, known.note = st.now(), self.run_id, None
        known.etag = response.etag or known.etag
        known.last_modified = response.last_modified or known.last_modified
        self.state.note(known)
        if known.state in (st.LANDING, st.REFUSED):  # still what it was
            return Outcome(page, known.state, known.reason, len(response.body))
        return Outcome(page, UNCHANGED, None, len(response.body))

    def _count_unreachable(self, unreachable: bool, exc: PageError | None) -> None:
        self._unreachable = self._unreachable + 1 if unreachable else 0
        if self._unreachable >= MAX_UNREACHABLE and exc is not None:
            raise StopRun(
                f"{MAX_UNREACHABLE} pages in a row got no answer ({exc.reason}); run the same "
                "command again to carry on where this run stopped"
            )

    def _found_links(self, body: bytes, url: str, target: Target) -> list[list[str]]:
        """[kind, address] of the pages of ``target`` that a page links to, one address a
        kind (PDFs: those naming the force first)."""
        seen: dict[str, list[str]] = {}
        for href, _ in page_links(body):
            address = self.links.normalise(href, url)
            if address is None:
                continue
            kind = self.links.kind_of(address, target)
            if kind is None or kind == OVERVIEW:
                continue
            seen.setdefault(kind, [])
            if address not in seen[kind]:
                seen[kind].append(address)
        out = []
        names = slugs(target.force, target.cycle)
        for kind, addresses in seen.items():
            if kind == PDF:
                addresses.sort(key=lambda a: not any(n in a.lower() for n in names))
            out.append([kind, addresses[0]])
        return out

    def _links_of(self, page: Page) -> list[list[str]]:
        record = self.state.pages.get(page.file_name)
        return list(record.links) if record else []

    def _settle(self, target: Target, state: str, reason: str | None) -> None:
        record = st.TargetRecord(target.force, target.cycle, state, reason, st.now(), self.run_id)
        self.state.note(record)

    def _tell(self, outcome: Outcome) -> Outcome:
        if self._result is not None:
            self._result.outcomes.append(outcome)
        self.progress(outcome)
        return outcome


def _found(outcome: Outcome) -> tuple[str, str | None]:
    """A target's state from its entry page's outcome."""
    if outcome.state == st.FAILED:
        return st.FAILED, outcome.reason
    return "found", None


def _from_record(page: Page, record: st.PageRecord) -> Outcome:
    state = {st.STAGED: FETCHED, st.ADDED: UNCHANGED}.get(record.state, record.state)
    return Outcome(page, state, record.reason, record.bytes, earlier=True)
