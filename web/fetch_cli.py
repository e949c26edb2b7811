"""The words of `reports fetch` and `reports coverage` (the commands are in web/cli.py):
which targets the options name, the polite client's settings from options and config,
progress lines, the summary that names every page not added, and the coverage table."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

import click

from common.errors import BadRequest
from corpus.fetch import FetchReport
from corpus.fetch import state as st
from corpus.fetch.client import Politeness, user_agent
from corpus.fetch.coverage import STATES, SYMBOLS, WORDS, Coverage, label
from corpus.fetch.crawl import FETCHED, UNCHANGED, FetchSettings, Outcome
from corpus.fetch.site import (
    Target,
    check_cycle,
    cycles,
    entry_pages,
    forces,
    resolve_force,
    site,
)
from corpus.reports import ADDED, COPY

MIN_DELAY = 1.0  # seconds between requests to a server that is not on this machine


def targets_of(names: Sequence[str], asked_cycles: Sequence[str], every: bool) -> list[Target]:
    """The forces and cycles the options name: --force and --cycle narrow, --all is every
    force (of the cycles given, or of every cycle)."""
    if every and names:
        raise BadRequest("give --all or --force, not both", code="bad_option")
    if not (every or names or asked_cycles):
        raise BadRequest(
            "say what to fetch: --force NAME (one force, every cycle), --cycle YEAR (one "
            "cycle, every force), both, or --all (everything); --dry-run shows the plan",
            code="bad_option",
        )
    chosen_forces = list(dict.fromkeys(resolve_force(n) for n in names)) or list(forces())
    chosen_cycles = list(dict.fromkeys(check_cycle(c) for c in asked_cycles)) or list(cycles())
    return [Target(f, c) for f in chosen_forces for c in chosen_cycles]


def _host(given: str) -> str:
    """'HOST[:PORT]' as a URL's netloc spells it, whether or not a scheme was given."""
    given = given.strip().lower()
    return urlsplit(given).netloc if "://" in given else given.rstrip("/")


def _loopback(host: str | None) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def fetch_settings(
    config: dict,
    base_url: str | None,
    allow_hosts: Sequence[str],
    delay: float | None,
    contact: str | None,
    limits: dict,
) -> FetchSettings:
    """The fetch's settings: options first, then QA_FETCH_* config, then defaults."""
    default_base = site()["base_url"]
    base = (base_url or config.get("FETCH_BASE_URL") or default_base).rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest(f"--base-url {base!r} is not an http(s) address", code="bad_option")
    hosts = {parts.netloc.lower(), *(_host(h) for h in allow_hosts if h.strip())}
    if base == default_base:
        hosts |= set(site()["hosts"])
    wanted = float(delay if delay is not None else config.get("FETCH_DELAY", MIN_DELAY))
    if wanted < 0:
        raise BadRequest("--delay cannot be negative", code="bad_option")
    if wanted < MIN_DELAY and not _loopback(parts.hostname):
        raise BadRequest(
            f"--delay {wanted:g} is too short for someone else's server: at least "
            f"{MIN_DELAY:g} s between requests (shorter only for a server on this machine)",
            code="bad_option",
        )
    contact = contact or config.get("FETCH_CONTACT") or None
    if contact is not None and (
        len(str(contact)) > 200 or not re.fullmatch(r"[\x21-\x7e][\x20-\x7e]*", str(contact))
    ):
        raise BadRequest(
            "--contact (QA_FETCH_CONTACT) must be an e-mail address or web address on one "
            "line, in plain ASCII, at most 200 characters: it is sent in every request",
            code="bad_option",
        )
    politeness = Politeness(
        user_agent=user_agent(contact),
        contact=contact,
        delay=wanted,
        **{k: v for k, v in limits.items() if v is not None},
    )
    return FetchSettings(base, frozenset(hosts), politeness)


def show_plan(targets: list[Target], settings: FetchSettings, state: st.FetchState) -> None:
    """--dry-run: what a run would ask for first, and what is known of each target."""
    click.echo(
        f"Would fetch {len(targets)} force-cycle(s) from {settings.base_url}, one request at "
        f"a time, {settings.politeness.delay:g} s apart, as {settings.politeness.user_agent!r}."
    )
    click.echo("No request is made now; the pages each first page links to are found in a run.")
    for target in targets:
        first = " then ".join(p.url for p in entry_pages(target, settings.base_url)[0])
        known = [
            r for r in state.pages.values() if (r.force, r.cycle) == (target.force, target.cycle)
        ]
        record = state.targets.get(target.key)
        if record:
            held = sum(1 for r in known if r.state == st.ADDED)
            what = f"; last asked {record.checked}: {record.state.replace('_', ' ')}"
            what += f", {held} page(s) held" if held else ""
        else:
            what = "; never asked"
        click.echo(f"  {target.label}: {first}{what}")


def show_outcome(outcome: Outcome) -> None:
    """One progress line a page."""
    if outcome.state == st.NOT_FOUND and outcome.page.kind != "overview":
        return  # a pillar page the era may have: said in the summary, not as it happens
    words = {
        FETCHED: f"fetched ({_size(outcome.bytes)})",
        UNCHANGED: "unchanged",
        st.NOT_FOUND: "not on the site",
        st.LANDING: "landing page, following its links",
    }.get(outcome.state, f"{outcome.state.replace('_', ' ')}: {outcome.reason}")
    earlier = " (earlier in this run)" if outcome.earlier else ""
    click.echo(f"  {outcome.page.describe}: {words}{earlier}")


def show_summary(report: FetchReport, state: st.FetchState, targets: list[Target]) -> None:
    """Counts, then every page not added and why, then what was not found."""
    result = report.result
    pages = {}
    for outcome in result.outcomes:  # a page seen twice counts once, as it ended
        pages[outcome.page.file_name] = outcome
    found = [o for o in pages.values() if o.state != st.NOT_FOUND and o.page.stored]
    count = {s: sum(1 for o in found if o.state == s) for s in (FETCHED, UNCHANGED)}
    refused = [o for o in found if o.state in (st.REFUSED, st.FAILED)]
    added = [a for a in report.added if a.status == ADDED]
    copies = [a for a in report.added if a.status == COPY]
    not_added = [a for a in report.added if a.status != ADDED]
    replaced = len(report.replaced)
    missing = [t for t in targets if (r := state.targets.get(t.key)) and r.state == st.NOT_FOUND]
    click.echo(
        f"Fetch: {len(found)} page(s) found for {len(targets)} force-cycle(s): "
        f"{count[FETCHED]} fetched, {count[UNCHANGED]} unchanged, {len(refused)} refused or "
        f"failed; {len(added)} added to the reports folder"
        + (f" ({replaced} replacing an older download)" if replaced else "")
        + (f", {len(copies)} a copy of a report already there" if copies else "")
        + f"; {len(missing)} force-cycle(s) not found on the site."
    )
    click.echo(
        f"  {result.requests} request(s), {_size(result.bytes)} downloaded in "
        f"{result.seconds:.1f} s" + (" (a run carried on after a stop)" if result.continued else "")
    )
    if refused or not_added:
        click.echo(f"Not added ({len(refused) + len(not_added)}):")
        for outcome in refused:
            click.echo(f"  {outcome.page.describe} ({outcome.page.url}): {outcome.reason}")
        for a in not_added:
            record = state.pages.get(a.file)
            where = f" ({record.source_url or record.url})" if record else ""
            click.echo(f"  {a.file}{where}: {a.message}")
    if missing:
        names = ", ".join(t.label for t in missing)
        click.echo(f"Not found on the site ({len(missing)}): {names}")
    if result.stopped:
        click.echo(f"Stopped early: {result.stopped}")


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def show_coverage(table: Coverage) -> None:
    """Forces down, cycles across, one symbol a cell; then the refusals and their reasons."""
    width = max(len(f) for f in table.forces)
    head = "".join(f"{label(c):>9}" for c in table.cycles)
    click.echo(f"{'':<{width}}{head}")
    for force in table.forces:
        row = "".join(f"{SYMBOLS[table.cell(force, c).state]:>9}" for c in table.cycles)
        click.echo(f"{force:<{width}}{row}")
    counts = table.counts()
    click.echo("  ".join(f"{SYMBOLS[s]} {WORDS[s]} ({counts[s]})" for s in STATES))
    refused = table.refused_pages
    if refused:
        click.echo("Fetched but not added:")
        for cell, page in refused:
            click.echo(
                f"  {cell.force} {label(cell.cycle)} {page.kind} ({page.url}): {page.reason}"
            )
    if table.last_run:
        run = table.last_run
        ended = f"finished {run['finished']}" if run.get("finished") else "did not finish"
        click.echo(f"Last fetch: started {run['started']} from {run['base_url']}, {ended}.")
    else:
        click.echo("No fetch has been run into this reports folder yet.")
