"""The reports folder: which files are reports, parsing all of them, adding and removing.

Changes to the folder are made holding a lock on the folder itself, and each file
appears whole, by a rename, so a rebuild reading the folder never sees a
half-written report or a set of reports that does not parse together.

The address of each report's published page, when known, is kept in one hidden file of
the folder (``.sources.json``: file name -> http(s) URL), never in the report files,
which are stored byte for byte. It is written by the same renames as the files it names.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import threading
import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from common.durable import TEMP_PREFIX, fsync_path, write_failure
from common.errors import (
    BadFileName,
    BadSourceUrl,
    Conflict,
    NotFound,
    QAError,
    ReportExists,
    ReportParseError,
    StorageError,
    UnsupportedMediaType,
)
from common.locks import FileLock
from corpus.copies import Candidate, SetAside, choose
from corpus.parser import parse_report
from corpus.records import Passage, Report

REPORT_SUFFIX = ".txt"  # what a name given without a suffix is taken to mean
# Text, a saved web page or a PDF; what a file holds is told from its bytes, not its name.
REPORT_SUFFIXES = (".txt", ".html", ".htm", ".pdf")
# Adding or removing a report takes milliseconds; waiting this long means something is stuck.
LOCK_WAIT_SECONDS = 10.0
MAX_NAME_CHARS = 120
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SOURCES_FILE = ".sources.json"  # report file name -> published address; hidden: not a report
MAX_URL_CHARS = 2000

Parsed = list[tuple[Report, list[Passage]]]


@dataclass(frozen=True)
class NewReport:
    """A report file to add: the name it gets in the folder, its bytes, where it came from."""

    name: str
    data: bytes
    source: str  # named in error messages: the path given or the uploaded file name
    source_url: str | None = None  # the address of the published page, if known


@dataclass(frozen=True)
class ReportFile:
    """One file of the reports folder, parsed if it parses."""

    name: str
    sha256: str
    report: Report | None
    passages: int
    error: str | None  # the parser's message when the file is not a readable report
    source_url: str | None = None
    copy_of: str | None = None  # a copy of this page set aside: the file kept instead
    reason: str | None = None  # why that one is kept


def report_files(reports_dir: str | Path) -> list[Path]:
    """The report files in a folder, sorted by name (hidden files are ignored)."""
    folder = Path(reports_dir)
    if not folder.is_dir():
        raise ReportParseError(str(folder), 0, "the reports folder does not exist")
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in REPORT_SUFFIXES and not p.name.startswith(".") and p.is_file()
    )


def check_report_name(name: str) -> str:
    """``name`` itself when it is a plain report file name that stays inside the folder."""
    shown = repr(name.replace("\x00", "\\0"))[:80]
    if "\x00" in name:
        raise BadFileName(f"the file name {shown} contains a NUL byte")
    if "/" in name or "\\" in name or name in ("", ".", ".."):
        raise BadFileName(
            f"{shown} is a path, not a file name: reports are stored by plain name "
            "(such as 'testshire-2019-legitimacy.txt') inside the reports folder"
        )
    if not name.lower().endswith(REPORT_SUFFIXES):
        raise UnsupportedMediaType(
            f"{shown} is not a report file: reports are added as text (.txt), a saved web "
            "page (.html or .htm) or a PDF (.pdf)"
        )
    if not _NAME.match(name) or len(name) > MAX_NAME_CHARS:
        raise BadFileName(
            f"{shown} is not a usable report file name: use letters, digits, '-', '_' and '.', "
            f"starting with a letter or digit, at most {MAX_NAME_CHARS} characters"
        )
    return name


def is_web_address(url: object) -> bool:
    """Whether ``url`` is an absolute http or https address (what a link may point to)."""
    if not isinstance(url, str) or len(url) > MAX_URL_CHARS:
        return False
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def check_source_url(url: str, name: str) -> str:
    """``url`` itself when it can be recorded as the published address of report ``name``."""
    if not is_web_address(url):
        shown = repr(url)[:80] + ("..." if len(repr(url)) > 80 else "")
        raise BadSourceUrl(
            f"{shown} is not a usable address for {name}: give the published page's full "
            f"http:// or https:// address (at most {MAX_URL_CHARS} characters, no spaces); "
            "nothing was added"
        )
    return url


def with_source_urls(new: Sequence[NewReport], urls: Sequence[str]) -> list[NewReport]:
    """The files given, each with its published address: none at all, or one per file in
    the same order (an empty address means none for that file)."""
    if not urls:
        return list(new)
    if len(urls) != len(new):
        raise BadSourceUrl(
            f"{len(new)} report file(s) and {len(urls)} source address(es): give one address "
            "per file, in the same order as the files, or none; nothing was added"
        )
    return [
        dataclasses.replace(n, source_url=check_source_url(u, n.name) if u else None)
        for n, u in zip(new, urls, strict=True)
    ]


def read_sources(reports_dir: str | Path) -> dict[str, str]:
    """The published addresses recorded in the folder: report file name -> URL."""
    path = Path(reports_dir) / SOURCES_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ReportParseError(
            str(path), 0, f"cannot read the recorded report addresses ({exc}): fix or delete it"
        ) from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and is_web_address(v) for k, v in data.items()
    ):
        raise ReportParseError(
            str(path),
            0,
            "is not a JSON object of report file names and http(s) addresses: fix or delete it",
        )
    return data


def _with_sources(parsed: Parsed, sources: dict[str, str]) -> Parsed:
    return [(dataclasses.replace(r, source_url=sources.get(r.file)), ps) for r, ps in parsed]


def _sources_bytes(sources: dict[str, str]) -> bytes:
    return (json.dumps(dict(sorted(sources.items())), indent=1) + "\n").encode("utf-8")


@contextlib.contextmanager
def reports_lock(reports_dir: str | Path) -> Iterator[None]:
    """Hold the reports folder still (a flock on the folder: nothing is written into it)."""
    lock = FileLock(reports_dir, "a change to the reports folder")
    if Path(reports_dir).is_dir():  # a missing folder is reported by report_files, by name
        lock.acquire(LOCK_WAIT_SECONDS)
    try:
        yield
    finally:
        lock.release()


def _parse(data: bytes, path: str | Path) -> tuple[Report, list[Passage]]:
    """Every report file is read here (the upload, the command line and the rebuild)."""
    return parse_report(data, path)


def _parse_path(path: Path) -> tuple[Report, list[Passage]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportParseError(str(path), 1, f"cannot read the file: {exc.strerror}") from None
    return _parse(data, path)


@dataclass(frozen=True)
class Folder:
    """The reports folder as a rebuild reads it: the reports to index (one per page) and
    the copies set aside, each with the file kept in its place and why."""

    parsed: Parsed
    copies: list[SetAside]


def read_folder(reports_dir: str | Path, indexed: Collection[str] = ()) -> Folder:
    """Parse every report in the folder and keep the fullest copy of each page.

    The files are listed holding the folder's lock (a batch being added appears whole)
    and read without it, so adding a report never waits for a rebuild's parsing. A file
    that does not parse stops everything with its name and line; two copies of one page
    never do: the fuller is kept and the other named (corpus/copies.py); of two equally
    full, one of the files ``indexed`` now."""
    with reports_lock(reports_dir):
        paths = report_files(reports_dir)
        sources = read_sources(reports_dir)
    parsed: dict[str, tuple[Report, list[Passage]]] = {}
    for path in paths:
        if not path.exists():  # removed since it was listed
            continue
        parsed[path.name] = _parse_path(path)
    if not parsed:
        raise ReportParseError(
            str(reports_dir), 0, f"no report files ({', '.join(REPORT_SUFFIXES)}) found"
        )
    kept, aside = choose((Candidate.of(name, *parsed[name]) for name in parsed), indexed)
    return Folder(_with_sources([parsed[c.name] for c in kept], sources), aside)


def load_reports(reports_dir: str | Path) -> Parsed:
    """The reports of the folder to index: every file parsed, the fullest copy of each page."""
    return read_folder(reports_dir).parsed


# Outcomes of a file given to `reports add` (or uploaded) or to `reports check`.
ADDED, READ, COPY, REFUSED = "added", "read", "copy", "refused"


@dataclass(frozen=True)
class Outcome:
    """What became of one file given to add or check: added (or, for check, read), a copy
    of another file that is kept instead, or refused and why."""

    file: str  # the file's name (in the folder, when added)
    source: str  # as given: a path, or the uploaded file's name
    status: str  # ADDED, READ, COPY or REFUSED
    report: Report | None
    passages: int
    message: str  # one line: what was read, which copy is kept and why, or the refusal
    copy_of: str | None = None  # COPY: the file kept in its place
    reason: str | None = None  # COPY: why that one is kept
    kept_over: tuple[SetAside, ...] = ()  # ADDED/READ: the copies it is kept over
    error: QAError | None = None  # REFUSED: the error (its code and HTTP status)


def refusal(name: str, source: str, exc: QAError) -> Outcome:
    """The outcome of a file refused with ``exc``."""
    return Outcome(name, source, REFUSED, None, 0, exc.message, error=exc)


# Stored reports already parsed by this process: path -> ((size, mtime, inode), what it
# is). An upload compares the new files with every stored one; this spares it reading
# them all again each time. Its entries are a few numbers and names per file.
_KNOWN: dict[Path, tuple[tuple[int, int, int], Candidate | None]] = {}
_KNOWN_LOCK = threading.Lock()
# An add compares with the folder as it was listed; if the folder changed before the
# write (another add), it looks again, this many times at most (a copy that slips
# through is set aside by the rebuild all the same).
ATTEMPTS = 5


def _stamp(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _listing(folder: Path) -> dict[str, tuple[int, int, int]]:
    out = {}
    for path in report_files(folder):
        with contextlib.suppress(FileNotFoundError):
            out[path.name] = _stamp(path)
    return out


def _stored(folder: Path) -> tuple[dict[str, tuple[int, int, int]], dict[str, Candidate]]:
    """The folder's listing and what each stored report is (unparseable ones left out),
    parsing only the files this process has not seen in this version."""
    listing = _listing(folder)
    out: dict[str, Candidate] = {}
    for name, stamp in listing.items():
        path = (folder / name).resolve()
        with _KNOWN_LOCK:
            known = _KNOWN.get(path)
        if known is None or known[0] != stamp:
            try:
                candidate: Candidate | None = Candidate.of(name, *_parse_path(folder / name))
            except QAError:  # it stops a rebuild, which says so; it is no copy of anything
                candidate = None
            known = (stamp, candidate)
            with _KNOWN_LOCK:
                _KNOWN[path] = known
        if known[1] is not None:
            out[name] = known[1]
    return listing, out


def add_reports(
    reports_dir: str | Path, new: Sequence[NewReport], replace: bool = False
) -> list[Outcome]:
    """Copy the new report files that can be added into the folder; say what became of each.

    A file is added when it parses, its name is free (or ``replace``) and it is not a
    copy of a fuller file of the same page (given or stored); a copy that is fuller than
    a stored one is added and the stored one set aside (it stays in the folder, no
    longer indexed). The others are not written: each outcome says why. The folder's lock
    is held only to write the files added. Each file's published address is recorded as
    given: a file added (or replaced) without one has none.
    """
    folder = Path(reports_dir)
    if not new:
        raise BadFileName("no report files given")
    for n in new:
        if n.source_url is not None:
            check_source_url(n.source_url, n.name)
    outcomes: dict[int, Outcome] = {}
    parsed: dict[int, tuple[Report, list[Passage]]] = {}
    given: dict[str, int] = {}
    for i, n in enumerate(new):
        try:
            check_report_name(n.name)
            if n.name in given:
                raise BadFileName(
                    f"{n.name} is given more than once: the first of them is the one read"
                )
            given[n.name] = i
            parsed[i] = _parse(n.data, n.source)
        except QAError as exc:
            outcomes[i] = refusal(n.name, n.source, exc)
    if not folder.is_dir():
        report_files(folder)  # says the folder does not exist
    for attempt in range(ATTEMPTS):
        listing, stored = _stored(folder)
        decided = _decide(new, parsed, listing, stored, replace)
        with reports_lock(folder):
            if attempt < ATTEMPTS - 1 and _listing(folder) != listing:
                continue  # another add changed the folder meanwhile: look again
            added = [i for i, o in decided.items() if o.status == ADDED]
            if added:
                _write_added(folder, [new[i] for i in added])
            break
    outcomes.update(decided)
    return [outcomes[i] for i in range(len(new))]


def _decide(
    new: Sequence[NewReport],
    parsed: dict[int, tuple[Report, list[Passage]]],
    listing: dict[str, tuple[int, int, int]],
    stored: dict[str, Candidate],
    replace: bool,
) -> dict[int, Outcome]:
    """The outcome of each new file that parsed, against the folder as listed."""
    out: dict[int, Outcome] = {}
    replaced = {n.name for n in new} if replace else set()
    rivals = {k: c for k, c in stored.items() if k not in replaced}
    read: dict[int, _Read] = {}
    for i, (report, passages) in parsed.items():
        n = new[i]
        if n.name in listing and not replace:
            out[i] = refusal(n.name, n.source, _exists(n.name))
            continue
        report = dataclasses.replace(report, source_url=n.source_url)
        read[i] = _Read(n.name, n.source, report, passages)
    return out | _judge(read, rivals, ADDED)


@dataclass(frozen=True)
class _Read:
    """A file given to add or check that parsed."""

    name: str
    source: str
    report: Report
    passages: list[Passage]


SAME_BYTES = "the two files are the same, byte for byte"


def _judge(read: dict[int, _Read], rivals: dict[str, Candidate], done: str) -> dict[int, Outcome]:
    """Each file read, against the others and the stored ``rivals``: ``done`` (added or
    read), a copy of a fuller file, or refused for a force name making another's id."""
    out: dict[int, Outcome] = {}
    candidates: dict[int, Candidate] = {}
    for i, r in read.items():
        same = next((c for c in rivals.values() if c.sha256 == r.report.sha256), None)
        clash = next(
            (c for c in rivals.values() if c.id == r.report.id and c.force != r.report.force),
            None,
        )
        if same is not None:  # the very same file under another name: never stored twice
            out[i] = _copy(r, same, SAME_BYTES)
        elif clash is not None:
            out[i] = refusal(r.name, r.source, _same_id(r.source, r.report, clash))
        else:
            candidates[i] = Candidate.of(r.name, r.report, r.passages, stored=False)
    kept, aside = choose([*rivals.values(), *candidates.values()], preferred=rivals)
    for i, candidate in candidates.items():
        r = read[i]
        if candidate in kept:
            over = tuple(a for a in aside if a.kept is candidate)
            message = _added_message(r.report, len(r.passages), over)
            if done == READ:
                message = f"read as {r.report.layout}: {message}"
            out[i] = Outcome(
                r.name, r.source, done, r.report, len(r.passages), message, kept_over=over
            )
        else:
            set_aside = next(a for a in aside if a.copy is candidate)
            out[i] = _copy(r, set_aside.kept, set_aside.reason)
    return out


def _added_message(report: Report, passages: int, over: Sequence[SetAside]) -> str:
    message = f"{report.title}, {passages} passages"
    for a in over:
        where = "stored, it stays in the folder but is no longer indexed" if a.copy.stored else ""
        message += f"; kept over its copy {a.copy.name}{f' ({where})' if where else ''}: {a.reason}"
    return message


def _copy(r: _Read, kept: Candidate, reason: str) -> Outcome:
    where = " (already in the reports folder)" if kept.stored else ""
    message = f"a copy of {r.report.title}: {kept.name}{where} is kept, {reason}"
    return Outcome(
        r.name,
        r.source,
        COPY,
        r.report,
        len(r.passages),
        message,
        copy_of=kept.name,
        reason=reason,
    )


def _exists(name: str) -> ReportExists:
    return ReportExists(
        f"{name} is already in the reports folder: remove it first "
        f"(flask --app app reports remove {name}) or add it with --replace"
    )


def _same_id(source: str, report: Report, other: Candidate) -> ReportParseError:
    return ReportParseError(
        source,
        1,
        f"{report.title} would get the id {report.id!r}, which {other.name} ({other.title}) "
        "already has: force names that differ only in punctuation, accents or case make the "
        "same id; if they are one force, keep one file, otherwise correct the name in one",
    )


def _write_added(folder: Path, added: Sequence[NewReport]) -> None:
    """Write the files added and the updated published addresses; hold the folder's lock."""
    existing = {p.name for p in report_files(folder)}
    sources = {k: v for k, v in read_sources(folder).items() if k in existing}
    sources.update({n.name: n.source_url for n in added if n.source_url})
    for n in added:
        if not n.source_url:
            sources.pop(n.name, None)
    files = [(n.name, n.data) for n in added]
    if sources or (folder / SOURCES_FILE).exists():
        files.append((SOURCES_FILE, _sources_bytes(sources)))
    for stray in folder.glob(f"{TEMP_PREFIX}*"):  # left by an add that was killed
        stray.unlink()
    _write_all(folder, files)  # the addresses are renamed into place with the files


def _write_all(folder: Path, files: Sequence[tuple[str, bytes]]) -> None:
    """Write every file beside its final name, then rename each into place."""
    try:
        _stage_and_rename(folder, files)
    except OSError as exc:  # a full disk, a read-only folder, no permission
        raise StorageError(
            f"cannot write into the reports folder {folder}: {write_failure(exc)}; "
            "no report was added"
        ) from exc


def _stage_and_rename(folder: Path, files: Sequence[tuple[str, bytes]]) -> None:
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files:
            target = folder / name
            if target.resolve().parent != folder.resolve():  # belt and braces
                raise BadFileName(f"{name!r} would be stored outside the reports folder")
            temp = folder / f"{TEMP_PREFIX}{uuid.uuid4().hex[:8]}-{name}"
            staged.append((temp, target))
            with open(temp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            temp.chmod(0o644)
        _rename_all(folder, staged)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    fsync_path(folder)


def _rename_all(folder: Path, staged: Sequence[tuple[Path, Path]]) -> None:
    """Rename each staged file over its target; if one rename fails, undo those before it
    (a replaced file comes back from a hard link kept for the purpose)."""
    kept: dict[Path, Path] = {}  # target -> a link to the file it replaces
    placed: list[Path] = []
    try:
        for _, target in staged:
            if target.exists():
                kept[target] = folder / f"{TEMP_PREFIX}{uuid.uuid4().hex[:8]}-old-{target.name}"
                os.link(target, kept[target])
        for temp, target in staged:
            os.replace(temp, target)
            placed.append(target)
    except OSError:
        for target in reversed(placed):  # best effort: the folder may refuse this too
            with contextlib.suppress(OSError):
                if target in kept:
                    os.replace(kept.pop(target), target)
                else:
                    target.unlink()
        raise
    finally:
        for link in kept.values():
            link.unlink(missing_ok=True)


def remove_report(reports_dir: str | Path, name: str) -> str:
    """Delete one report file from the folder; the last report cannot be removed."""
    folder = Path(reports_dir)
    with reports_lock(folder):
        existing = [p.name for p in report_files(folder)]
        if not name.lower().endswith(REPORT_SUFFIXES) and "/" not in name and "\\" not in name:
            name = next((name + s for s in REPORT_SUFFIXES if name + s in existing), name + ".txt")
        check_report_name(name)
        if name not in existing:
            raise NotFound(
                f"there is no report {name} in {folder}; "
                "`flask --app app reports list` shows the report files"
            )
        if len(existing) == 1:
            raise Conflict(
                f"{name} is the only report and the index needs at least one: add another first"
            )
        sources = read_sources(folder)
        try:
            (folder / name).unlink()
            fsync_path(folder)
        except OSError as exc:
            raise StorageError(
                f"cannot remove {name} from the reports folder {folder}: {write_failure(exc)}"
            ) from exc
        if sources.pop(name, None) is not None:
            # The report is gone already; an address left behind if this fails names no
            # file, so nothing reads it, and the next add of that name replaces it.
            with contextlib.suppress(OSError):
                _stage_and_rename(folder, [(SOURCES_FILE, _sources_bytes(sources))])
    return name


def check_reports(
    paths: Sequence[str | Path], reports_dir: str | Path | None = None
) -> list[Outcome]:
    """What each file is (read, a copy of another given or stored file, or refused and
    why), as `reports add` would find it; writes nothing."""
    outcomes: dict[int, Outcome] = {}
    read: dict[int, _Read] = {}
    given = {Path(p).resolve() for p in paths}
    rivals: dict[str, Candidate] = {}
    if reports_dir is not None and Path(reports_dir).is_dir():
        folder = Path(reports_dir)
        _, stored = _stored(folder)
        rivals = {k: c for k, c in stored.items() if (folder / k).resolve() not in given}
    for i, path in enumerate(paths):
        name = Path(path).name
        try:
            read[i] = _Read(name, str(path), *_parse_path(Path(path)))
        except ReportParseError as exc:
            outcomes[i] = refusal(name, str(path), exc)
    outcomes |= _judge(read, rivals, READ)
    return [outcomes[i] for i in range(len(paths))]


def check_report_file(path: str | Path) -> Outcome:
    """Parse one file and say what it is, or why it is refused; writes nothing."""
    return check_reports([path])[0]


def list_report_files(reports_dir: str | Path, indexed: Collection[str] = ()) -> list[ReportFile]:
    """Every report file in the folder with what it parses to, or why it does not, and
    which copies of one page are set aside for a fuller one (as a rebuild would, preferring
    of two equally full copies one of the files ``indexed``)."""
    out = []
    sources = read_sources(reports_dir)
    candidates = []
    for path in report_files(reports_dir):
        data = path.read_bytes()
        url = sources.get(path.name)
        try:
            report, passages = _parse(data, path)
        except ReportParseError as exc:
            checksum = hashlib.sha256(data).hexdigest()
            out.append(ReportFile(path.name, checksum, None, 0, exc.message, url))
        else:
            report = dataclasses.replace(report, source_url=url)
            out.append(ReportFile(path.name, report.sha256, report, len(passages), None, url))
            candidates.append(Candidate.of(path.name, report, passages))
    aside = {a.copy.name: a for a in choose(candidates, indexed)[1]}
    return [
        dataclasses.replace(f, copy_of=aside[f.name].kept.name, reason=aside[f.name].reason)
        if f.name in aside
        else f
        for f in out
    ]
