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
    ReportExists,
    ReportParseError,
    StorageError,
    UnsupportedMediaType,
)
from common.locks import FileLock
from corpus.parser import parse_file, parse_report
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


def _check_unique(parsed: Sequence[tuple[str, Report, list[Passage]]]) -> Parsed:
    seen: dict[str, tuple[str, Report]] = {}
    for source, report, _ in parsed:
        if report.id in seen:
            other_file, other = seen[report.id]
            if other.title == report.title:
                reason = f"the same report ({report.title}) is already in {other_file}"
            else:  # e.g. "St. Helens" and "St Helens": two names, one id
                reason = (
                    f"{report.title} would get the id {report.id!r}, which {other_file} "
                    f"({other.title}) already has: force names that differ only in "
                    "punctuation, accents or case make the same id; if they are one force, "
                    "keep one file, otherwise correct the name in one"
                )
            raise ReportParseError(source, 1, reason)
        seen[report.id] = (Path(source).name, report)
    return [(report, passages) for _, report, passages in parsed]


def _parse_folder(
    reports_dir: str | Path, skip: Collection[str] = ()
) -> list[tuple[str, Report, list[Passage]]]:
    return [(str(p), *parse_file(p)) for p in report_files(reports_dir) if p.name not in skip]


def load_reports(reports_dir: str | Path) -> Parsed:
    """Parse every report in the folder; any bad file stops everything with its name and line."""
    with reports_lock(reports_dir):
        parsed = _check_unique(_parse_folder(reports_dir))
        parsed = _with_sources(parsed, read_sources(reports_dir))
    if not parsed:
        raise ReportParseError(
            str(reports_dir), 0, f"no report files ({', '.join(REPORT_SUFFIXES)}) found"
        )
    return parsed


def add_reports(reports_dir: str | Path, new: Sequence[NewReport], replace: bool = False) -> Parsed:
    """Copy new report files into the folder, only if each parses and all still fit together.

    Nothing is written unless every file is accepted. With ``replace`` a file of the same
    name is overwritten; without it, that is refused. Each file's published address is
    recorded as given: a file added (or replaced) without one has none.
    """
    folder = Path(reports_dir)
    names = [check_report_name(n.name) for n in new]
    for n in new:
        if n.source_url is not None:
            check_source_url(n.source_url, n.name)
    if not names:
        raise BadFileName("no report files given")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise BadFileName(f"{', '.join(twice)} given more than once")
    # Parse the new files first: their own errors are the ones the user is waiting for.
    parsed_new = [(n.source, *parse_report(n.data, n.source)) for n in new]
    with reports_lock(folder):
        existing = {p.name for p in report_files(folder)}
        clash = [n for n in names if n in existing]
        if clash and not replace:
            raise ReportExists(
                f"{clash[0]} is already in the reports folder: remove it first "
                f"(flask --app app reports remove {clash[0]}) or add it with --replace",
                file=clash[0],
            )
        parsed = _check_unique(_parse_folder(folder, skip=set(names)) + parsed_new)
        sources = {k: v for k, v in read_sources(folder).items() if k in existing}
        sources.update({n.name: n.source_url for n in new if n.source_url})
        for n in new:
            if not n.source_url:
                sources.pop(n.name, None)
        files = [(n.name, n.data) for n in new]
        if sources or (folder / SOURCES_FILE).exists():
            files.append((SOURCES_FILE, _sources_bytes(sources)))
        for stray in folder.glob(f"{TEMP_PREFIX}*"):  # left by an add that was killed
            stray.unlink()
        _write_all(folder, files)  # the addresses are renamed into place with the files
    added = zip(new, parsed[len(parsed) - len(new) :], strict=True)
    return [(dataclasses.replace(r, source_url=n.source_url), ps) for n, (r, ps) in added]


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


@dataclass(frozen=True)
class CheckedReport:
    """What parsing one file gave, for `reports check`: nothing is written anywhere."""

    file: str
    report: Report | None
    passages: int
    message: str  # the refusal, or a one-line summary of what was read


def check_report_file(path: str | Path) -> CheckedReport:
    """Parse one file and say what it is, or why it is refused; writes nothing."""
    try:
        report, passages = parse_file(path)
    except ReportParseError as exc:
        return CheckedReport(str(path), None, 0, exc.message)
    message = f"read as {report.layout}: {report.title}"
    return CheckedReport(str(path), report, len(passages), message)


def list_report_files(reports_dir: str | Path) -> list[ReportFile]:
    """Every report file in the folder with what it parses to, or why it does not."""
    out = []
    sources = read_sources(reports_dir)
    for path in report_files(reports_dir):
        data = path.read_bytes()
        url = sources.get(path.name)
        try:
            report, passages = parse_report(data, path)
        except ReportParseError as exc:
            checksum = hashlib.sha256(data).hexdigest()
            out.append(ReportFile(path.name, checksum, None, 0, exc.message, url))
        else:
            report = dataclasses.replace(report, source_url=url)
            out.append(ReportFile(path.name, report.sha256, report, len(passages), None, url))
    return out
