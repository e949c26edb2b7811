"""Readers' verdicts on answers ("right" or "wrong", with an optional note), in one SQLite
file (``var/feedback.sqlite`` beside the index by default).

A verdict is committed before it is acknowledged: write-ahead log, ``synchronous=FULL``
(each commit reaches the disk), one short transaction per verdict, so a verdict the
reader was told is stored survives the server being killed right after. Nothing about
the reader is stored beyond what they sent: the question, the passage ids and direct
answer they were shown, the verdict and the note; with the day it arrived and the index
build that answered (no address, no time of day, no cookie).
"""

from __future__ import annotations

import datetime
import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from common.durable import fsync_path
from common.errors import StorageError

BUSY_SECONDS = 10.0  # waiting for another worker's write to finish
SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('right', 'wrong')),
    question TEXT NOT NULL,
    answer TEXT,
    passage_ids TEXT NOT NULL,
    note TEXT,
    build_id TEXT
)
"""
COLUMNS = ("id", "received", "verdict", "question", "answer", "passage_ids", "note", "build_id")


@dataclass(frozen=True)
class Verdict:
    """One reader's verdict on one answer, as they sent it."""

    question: str
    verdict: str  # "right" or "wrong"
    passage_ids: tuple[str, ...] = ()
    answer: str | None = None  # the direct answer as shown, if there was one
    note: str | None = None
    build_id: str | None = None  # the index build serving when it arrived


@dataclass(frozen=True)
class Stored(Verdict):
    id: int = 0
    received: str = ""  # the UTC day, YYYY-MM-DD


class FeedbackStore:
    """The feedback file; each call opens its own connection (workers and threads alike)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._made = False
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        try:
            if not self._made:
                with self._lock:
                    self._create()
            con = sqlite3.connect(self.path, timeout=BUSY_SECONDS)
            con.execute("PRAGMA synchronous=FULL")  # per connection: a commit is on disk
            return con
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(f"cannot open the feedback store {self.path}: {exc}") from None

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists()
        con = sqlite3.connect(self.path, timeout=BUSY_SECONDS)
        try:
            con.execute("PRAGMA journal_mode=WAL")  # kept in the file
            with con:
                con.execute(SCHEMA)
        finally:
            con.close()
        if new:
            fsync_path(self.path.parent)  # the new file's name survives a power cut too
        self._made = True

    def add(self, verdict: Verdict) -> Stored:
        """Store one verdict; returns it once committed (StorageError if it cannot be)."""
        received = datetime.datetime.now(datetime.UTC).date().isoformat()
        con = self._connect()
        try:
            with con:  # commits, or rolls back on an error
                cursor = con.execute(
                    "INSERT INTO feedback (received, verdict, question, answer, passage_ids, "
                    "note, build_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        received,
                        verdict.verdict,
                        verdict.question,
                        verdict.answer,
                        json.dumps(list(verdict.passage_ids), ensure_ascii=False),
                        verdict.note,
                        verdict.build_id,
                    ),
                )
            row_id = int(cursor.lastrowid)
        except sqlite3.Error as exc:
            raise StorageError(f"the feedback could not be stored: {exc}") from None
        finally:
            con.close()
        fields = {k: getattr(verdict, k) for k in Verdict.__dataclass_fields__}
        return Stored(**fields, id=row_id, received=received)

    def rows(self, verdict: str | None = None) -> Iterator[Stored]:
        """Every stored verdict (or only ``verdict``), oldest first."""
        if not self.path.exists():
            return
        con = self._connect()
        try:
            where, args = ("WHERE verdict = ?", (verdict,)) if verdict else ("", ())
            query = f"SELECT {', '.join(COLUMNS)} FROM feedback {where} ORDER BY id"
            for row in con.execute(query, args):
                item = dict(zip(COLUMNS, row, strict=True))
                item["passage_ids"] = tuple(json.loads(item["passage_ids"]))
                yield Stored(**item)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot read the feedback store {self.path}: {exc}") from None
        finally:
            con.close()
