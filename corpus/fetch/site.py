"""The inspectorate's PEEL pages: which force and cycle to fetch, where their pages are
(corpus/data/peel-site.json), what a link found on one of them points to, and the file
name each page is stored under (from force, cycle and kind, never from the address)."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

from common.errors import BadRequest
from corpus.forces import known_forces

DATA = Path(__file__).resolve().parent.parent / "data" / "peel-site.json"
PDF = "report-pdf"  # the kind of a 2021+ report fetched as its PDF
LANDING = "landing"  # a 2021+ publication landing page: read for its links, never stored
REPORT = "report"  # a 2021+ report's web page
OVERVIEW = "overview"  # a 2014-2018 force overview page
DETAILED = "detailed-findings"


@lru_cache(maxsize=1)
def site() -> dict:
    """The site's layout, as corpus/data/peel-site.json gives it."""
    return json.loads(DATA.read_text("utf-8"))


def cycles() -> tuple[str, ...]:
    """The cycles that can be fetched: '2014' ... '2023'."""
    return tuple(site()["cycles"])


def cycle_label(cycle: str) -> str:
    """How file names (and the site's addresses) write a cycle: '2021' -> '2021-22'."""
    return site()["cycles"][cycle]["label"]


def cycle_of_year(year: str | None) -> str | None:
    """The fetchable cycle a report's year label belongs to: '2018/19' -> '2018',
    '2023-25' -> '2023'; None for a year outside them."""
    match = re.match(r"\s*(20\d\d)", year or "")
    return match.group(1) if match and match.group(1) in site()["cycles"] else None


@lru_cache(maxsize=1)
def forces() -> tuple[str, ...]:
    """The forces PEEL inspects, one name each (a renamed force once, by its first name)."""
    same = site()["same_force"]
    return tuple(f["name"] for f in known_forces() if f["territorial"] and f["name"] not in same)


def _key(name: str) -> str:
    name = name.lower().replace("&", " and ").replace("’", "'")
    name = re.sub(r"[^a-z0-9]+", " ", name).strip()
    name = re.sub(r"^the ", "", name)
    return re.sub(r" (?:police service|police|constabulary|force)$", "", name).strip()


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every spelling the force list knows (name, full name, short forms) -> the force."""
    same = site()["same_force"]
    out: dict[str, str] = {}
    for entry in known_forces():
        if not entry["territorial"]:
            continue
        force = same.get(entry["name"], entry["name"])
        for name in (entry["name"], entry["full"], *entry["aliases"]):
            out.setdefault(_key(name), force)
    return out


def resolve_force(name: str) -> str:
    """The force a user's spelling names ('lancs', 'Avon & Somerset Constabulary', 'the
    Met'); an unknown name is refused with the nearest known ones."""
    names = _names()
    if _key(name) in names:
        return names[_key(name)]
    close = difflib.get_close_matches(_key(name), list(names), n=3, cutoff=0.75)
    hint = f"; did you mean {' or '.join(sorted({names[c] for c in close}))}?" if close else ""
    raise BadRequest(
        f"{name!r} is not a police force PEEL inspects{hint} "
        "(`flask --app app reports coverage` lists every force)",
        code="unknown_force",
    )


def check_cycle(cycle: str) -> str:
    """``cycle`` when it is a cycle that can be fetched ('2018/19' is taken as '2018')."""
    found = cycle_of_year(cycle) if re.fullmatch(r"\s*20\d\d(?:[/-]\d\d)?\s*", cycle) else None
    if found is None:
        raise BadRequest(
            f"{cycle!r} is not a PEEL cycle that can be fetched: use one of {', '.join(cycles())}",
            code="unknown_cycle",
        )
    return found


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def slugs(force: str, cycle: str) -> tuple[str, ...]:
    """How the site's addresses may spell a force in a cycle, most likely first."""
    return tuple(site()["slugs"].get(force, {}).get(cycle, ())) or (slugify(force),)


@dataclass(frozen=True)
class Target:
    """One force's pages of one cycle."""

    force: str
    cycle: str

    @property
    def key(self) -> str:
        return f"{self.force} {self.cycle}"

    @property
    def label(self) -> str:
        return f"{self.force} {cycle_label(self.cycle)}"

    @property
    def era(self) -> dict:
        return site()["cycles"][self.cycle]

    @property
    def has_reports(self) -> bool:
        """True for 2021 onwards: one report per force, no pillar pages."""
        return "report" in self.era


@dataclass(frozen=True)
class Page:
    """One page of a target: what kind it is and the address to ask for."""

    target: Target
    kind: str  # overview | <pillar> | <pillar>-detailed-findings | report | report-pdf | landing
    url: str

    @property
    def file_name(self) -> str:
        """The name it is stored under: force, cycle and kind, never the address's text."""
        stem = f"{slugify(self.target.force)}-{cycle_label(self.target.cycle)}"
        if self.kind == PDF:
            return f"{stem}.pdf"
        if self.kind == REPORT:
            return f"{stem}.html"
        return f"{stem}-{self.kind}.html"

    @property
    def describe(self) -> str:
        """'Durham 2018 effectiveness detailed findings'."""
        what = {REPORT: "report", PDF: "report (PDF)", LANDING: "landing page"}.get(
            self.kind, self.kind.replace("-", " ")
        )
        return f"{self.target.label} {what}"

    @property
    def stored(self) -> bool:
        """Whether the page is a report to add (a landing page is read for its links)."""
        return self.kind != LANDING


def _join(base_url: str, path: str) -> str:
    return urljoin(base_url.rstrip("/") + "/", path)


def entry_pages(target: Target, base_url: str) -> list[list[Page]]:
    """Where a target's pages start, for each spelling of the force: the overview page
    (2014-2018), or the report's page then its landing page (2021 onwards)."""
    era = target.era
    out = []
    for slug in slugs(target.force, target.cycle):
        if target.has_reports:
            out.append(
                [
                    Page(target, REPORT, _join(base_url, era["report"].format(force=slug))),
                    Page(target, LANDING, _join(base_url, era["landing"].format(force=slug))),
                ]
            )
        else:
            url = _join(base_url, era["overview"].format(force=slug))
            out.append([Page(target, OVERVIEW, url)])
    return out


def pillar_pages(overview: Page) -> list[Page]:
    """The pillar pages at the era's addresses, below an overview page's address (tried
    only when the overview links to none): detailed findings first where the era has them."""
    era = overview.target.era
    out = []
    for pillar in era.get("pillars", ()):
        base = overview.url.rstrip("/") + f"/{pillar}/"
        if era.get("detailed_findings"):
            out.append(Page(overview.target, f"{pillar}-{DETAILED}", base + f"{DETAILED}/"))
        out.append(Page(overview.target, pillar, base))
    return out


class Links:
    """What the links on a target's pages point to, for the configured hosts."""

    def __init__(self, base_url: str, hosts: frozenset[str]) -> None:
        parts = urlsplit(base_url)
        self.base_path = parts.path.rstrip("/")
        self.hosts = hosts

    def normalise(self, href: str, page_url: str) -> str | None:
        """A link as an address to ask for: absolute, http(s), on a configured host, with
        its fragment, an empty query and doubled slashes dropped; None otherwise."""
        try:
            parts = urlsplit(urljoin(page_url, href.strip()))
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or parts.netloc.lower() not in self.hosts:
            return None
        path = re.sub(r"/{2,}", "/", parts.path or "/")
        return urlunsplit((parts.scheme, parts.netloc.lower(), path, parts.query, ""))

    def site_path(self, url: str) -> str:
        """The address's path as the site lays pages out: without the mirror's base path
        or the older layouts' /hmicfrs or /hmic prefix, ending in '/'."""
        path = urlsplit(url).path
        if self.base_path and path.startswith(self.base_path + "/"):
            path = path[len(self.base_path) :]
        for prefix in site()["old_path_prefixes"]:
            if path.startswith(prefix + "/"):
                path = path[len(prefix) :]
                break
        return path if path.endswith("/") or path.lower().endswith(".pdf") else path + "/"

    def kind_of(self, url: str, target: Target) -> str | None:
        """The kind of page of ``target`` that ``url`` is, or None when it is none of its
        pages (another force's, another cycle's, or not a PEEL page at all)."""
        path = self.site_path(url)
        era = target.era
        for slug in slugs(target.force, target.cycle):
            if target.has_reports:
                if path == "/" + era["report"].format(force=slug):
                    return REPORT
                if path.lower().endswith(".pdf"):
                    return PDF
                continue
            prefix = "/" + era["overview"].format(force=slug)
            if path == prefix:
                return OVERVIEW
            if not path.startswith(prefix):
                continue
            rest = path[len(prefix) :].strip("/").split("/")
            if rest[0] in era["pillars"]:
                if len(rest) == 1:
                    return rest[0]
                if len(rest) == 2 and rest[1] == DETAILED and era.get("detailed_findings"):
                    return f"{rest[0]}-{DETAILED}"
        return None
