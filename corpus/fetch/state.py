"""What `reports fetch` knows between runs, kept inside the reports folder (hidden):

    <reports>/.fetch/state.json      every page asked for: its address, validators (ETag,
                                     Last-Modified), checksum, and what became of it
    <reports>/.fetch/journal.jsonl   what changed since state.json was written, one record
                                     a line (appended as the run goes; folded into
                                     state.json at the end of the run)
    <reports>/.fetch/staging/        pages downloaded and not yet added to the folder
    <reports>/.fetch/lock            held by the fetch that is running

state.json is replaced whole (written beside, flushed, renamed); a journal line is one
append, and a line cut short by a kill is ignored when read. A page is recorded only after
its download is whole in staging, so a run killed at any point leaves either the old record
or the new one with its file, never a record of a half download.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from common.durable import TEMP_PREFIX, fsync_path, write_failure, write_file
from common.errors import ReportParseError, StorageError
from common.locks import FileLock

FOLDER = ".fetch"
STATE_FILE = "state.json"
JOURNAL = "journal.jsonl"
STAGING = "staging"
LOCK_FILE = "lock"
FORMAT = 1

# What became of a page (PageRecord.state):
STAGED = "staged"  # downloaded, checked, waiting in staging to be added
ADDED = "added"  # in the reports folder, as downloaded
REFUSED = "refused"  # answered, but not a report to add (reason says why)
NOT_FOUND = "not_found"  # the site has no such page (404, 410)
FAILED = "failed"  # no usable answer this time (5xx, timeouts, a dropped connection)
LANDING = "landing"  # a landing page: read for its links, not a report
SETTLED = {STAGED, ADDED, REFUSED, NOT_FOUND, LANDING}  # not asked for again in one run


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def age_seconds(when: str | None) -> float:
    """Seconds since a recorded time (infinite for none, or one that does not read)."""
    try:
        return (datetime.now(UTC) - datetime.fromisoformat(when or "")).total_seconds()
    except ValueError:
        return float("inf")


@dataclass
class PageRecord:
    """One page asked for, by the file name it is (or would be) stored under."""

    file: str
    force: str
    cycle: str
    kind: str
    url: str  # the address asked for
    state: str
    reason: str | None = None
    source_url: str | None = None  # where the page was, after redirects
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    bytes: int = 0
    checked: str | None = None
    run: str | None = None  # the run that last asked for it
    note: str | None = None  # a kept page's last check, when that found a problem
    links: list[list[str]] = field(default_factory=list)  # [kind, address] of pages it links to

    @classmethod
    def from_dict(cls, data: dict) -> PageRecord:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class TargetRecord:
    """One force's pages of one cycle: found on the site, or not, and why."""

    force: str
    cycle: str
    state: str  # "found", NOT_FOUND, REFUSED, FAILED
    reason: str | None = None
    checked: str | None = None
    run: str | None = None

    @classmethod
    def from_dict(cls, data: dict) -> TargetRecord:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class FetchState:
    """The records of every fetch into one reports folder."""

    folder: Path  # the reports folder
    pages: dict[str, PageRecord] = field(default_factory=dict)
    targets: dict[str, TargetRecord] = field(default_factory=dict)
    run: dict | None = None  # {"id", "started", "finished", "base_url", "targets"}

    @property
    def home(self) -> Path:
        return self.folder / FOLDER

    @property
    def staging(self) -> Path:
        return self.home / STAGING

    @classmethod
    def load(cls, reports_dir: str | Path) -> FetchState:
        folder = Path(reports_dir)
        path = folder / FOLDER / STATE_FILE
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls(folder)
        except (OSError, ValueError) as exc:
            raise ReportParseError(
                str(path),
                0,
                f"cannot read what earlier fetches recorded ({exc}): delete it "
                "and the next fetch asks for every page afresh",
            ) from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ReportParseError(
                str(path),
                0,
                "is not a fetch record this version reads: delete it and the "
                "next fetch asks for every page afresh",
            )
        loaded = cls(
            folder,
            {k: PageRecord.from_dict(v) for k, v in data.get("pages", {}).items()},
            {k: TargetRecord.from_dict(v) for k, v in data.get("targets", {}).items()},
            data.get("run"),
        )
        loaded._replay()
        return loaded

    def _replay(self) -> None:
        """Apply what the journal recorded after state.json was written."""
        try:
            lines = (self.home / JOURNAL).read_bytes().split(b"\n")
        except FileNotFoundError:
            return
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:  # the last line of a run killed while appending it
                continue
            if not isinstance(entry, dict):
                continue
            if "page" in entry:
                record = PageRecord.from_dict(entry["page"])
                self.pages[record.file] = record
            elif "target" in entry:
                target = TargetRecord.from_dict(entry["target"])
                self.targets[f"{target.force} {target.cycle}"] = target
            elif "run" in entry:
                self.run = entry["run"]

    def save(self) -> None:
        """Write every record to state.json (whole, by a rename), then drop the journal."""
        data = {
            "format": FORMAT,
            "run": self.run,
            "targets": {k: vars(v) for k, v in sorted(self.targets.items())},
            "pages": {k: vars(v) for k, v in sorted(self.pages.items())},
        }
        blob = (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            self.home.mkdir(exist_ok=True)
            write_file(self.home / STATE_FILE, blob)
            (self.home / JOURNAL).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(
                f"cannot record the fetch in {self.home}: {write_failure(exc)}"
            ) from exc

    def note(self, record: PageRecord | TargetRecord | None = None) -> None:
        """Append one changed record (or, with none, the run) to the journal."""
        if isinstance(record, PageRecord):
            self.pages[record.file] = record
            entry = {"page": vars(record)}
        elif isinstance(record, TargetRecord):
            self.targets[f"{record.force} {record.cycle}"] = record
            entry = {"target": vars(record)}
        else:
            entry = {"run": self.run}
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            fd = os.open(self.home / JOURNAL, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        except OSError as exc:
            raise StorageError(
                f"cannot record the fetch in {self.home}: {write_failure(exc)}"
            ) from exc

    # -- runs -----------------------------------------------------------------------------

    def begin(self, base_url: str, targets: list[str]) -> tuple[str, bool]:
        """(the run's id, whether it continues one that stopped before finishing): a run
        asking for what an unfinished one asked for, of the same site, carries it on."""
        run = self.run
        if (
            run
            and not run.get("finished")
            and run.get("base_url") == base_url
            and set(targets) <= set(run.get("targets", ()))
        ):
            return run["id"], True
        self.run = {
            "id": uuid.uuid4().hex[:12],
            "started": now(),
            "finished": None,
            "base_url": base_url,
            "targets": sorted(targets),
        }
        return self.run["id"], False

    def finish(self) -> None:
        if self.run:
            self.run["finished"] = now()

    # -- staging --------------------------------------------------------------------------

    def stage(self, name: str, data: bytes) -> str:
        """Put a download in staging, whole (written beside, flushed, renamed); its sha256."""
        try:
            self.staging.mkdir(parents=True, exist_ok=True)
            write_file(self.staging / name, data)
            fsync_path(self.staging)
        except OSError as exc:
            raise StorageError(
                f"cannot write into {self.staging}: {write_failure(exc)}; nothing was added"
            ) from exc
        return hashlib.sha256(data).hexdigest()

    def staged_bytes(self, record: PageRecord) -> bytes | None:
        """A staged page's bytes, if its file is there whole (its checksum matches)."""
        try:
            data = (self.staging / record.file).read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == record.sha256 else None

    def unstage(self, name: str) -> None:
        with contextlib.suppress(OSError):
            (self.staging / name).unlink()

    def tidy_staging(self) -> None:
        """Drop what a killed run left half-written, and staged files no record names."""
        if not self.staging.is_dir():
            return
        wanted = {r.file for r in self.pages.values() if r.state == STAGED}
        for path in self.staging.iterdir():
            if path.name.startswith(TEMP_PREFIX) or path.name not in wanted:
                with contextlib.suppress(OSError):
                    if path.is_dir():
                        shutil.rmtree(path)
                    else:
                        path.unlink()

    def in_folder(self, record: PageRecord) -> bool:
        """Whether the reports folder holds this page as it was added (same checksum)."""
        path = self.folder / record.file
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest() == record.sha256
        except OSError:
            return False


@contextlib.contextmanager
def fetch_lock(reports_dir: str | Path) -> Iterator[bool]:
    """One fetch at a time into a reports folder; yields whether .fetch/ was made now (a
    run that fails before recording anything removes it again: it changed nothing)."""
    home = Path(reports_dir) / FOLDER
    if not Path(reports_dir).is_dir():
        raise ReportParseError(str(reports_dir), 0, "the reports folder does not exist")
    made = not home.exists()
    try:
        home.mkdir(exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"cannot write into the reports folder {reports_dir}: {write_failure(exc)}"
        ) from exc
    lock = FileLock(home / LOCK_FILE, "a fetch into this reports folder")
    try:
        lock.acquire(0)
    except BaseException:
        if made:
            shutil.rmtree(home, ignore_errors=True)
        raise
    try:
        yield made
    finally:
        lock.release()


def remove_if_unused(reports_dir: str | Path) -> None:
    """Remove .fetch/ when it holds nothing but the lock (a run that changed nothing)."""
    home = Path(reports_dir) / FOLDER
    if home.is_dir() and {p.name for p in home.iterdir()} <= {LOCK_FILE}:
        shutil.rmtree(home, ignore_errors=True)
