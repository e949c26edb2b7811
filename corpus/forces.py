"""The police forces of England and Wales: names as reports print them and as file names
spell them, for reports that name the force only in their sentences or not at all."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "forces.json"


@lru_cache(maxsize=1)
def known_forces() -> tuple[dict, ...]:
    """Every force in corpus/data/forces.json: name, full name, short forms, territorial."""
    return tuple(json.loads(DATA.read_text("utf-8"))["forces"])


# Short name (as headers print it: "Lancashire PEEL 2018") -> the force's own name, for the
# territorial forces of England and Wales.
FORCES = {f["name"]: f["full"] for f in known_forces() if f["territorial"]}
_SLUGS = sorted(
    ((re.sub(r"[^a-z0-9]+", "-", short.lower()), short) for short in FORCES),
    key=lambda pair: -len(pair[0]),
)
# "<Name> Constabulary|Police" for a force not in the list (capitalised words, bounded).
_NAMED = re.compile(
    r"\b((?:[A-Z][\w’'-]{1,20} (?:and |of |the )?){0,3}[A-Z][\w’'-]{1,20}) "
    r"(?:Constabulary|Police Service|Police)\b"
)
_NOT_FORCES = {
    "the",
    "a",
    "hmicfrs",
    "hmic",
    "national",
    "our",
    "this",
    "each",
    "all",
    "every",
    "peel",
}


def short_name(name: str) -> str:
    """'Cumbria Constabulary' -> 'Cumbria'; a name without a suffix is returned as it is."""
    name = name.strip()
    for short, full in FORCES.items():
        if name.lower() in (short.lower(), full.lower()):
            return short
    return re.sub(r"\s+(?:Constabulary|Police Service|Police)$", "", name)


def force_from_file_name(name: str) -> str | None:
    """The force a file name starts with: 'cumbria-2023-25.txt' -> 'Cumbria'."""
    stem = name.lower().rsplit("/", 1)[-1]
    for slug, short in _SLUGS:
        if stem == slug or stem.startswith(slug + "-") or stem.startswith(slug + "_"):
            return short
    return None


def force_in_text(text: str, known_only: bool = False) -> str | None:
    """The first force the text names in full ('… how good Cumbria Constabulary is …');
    with ``known_only``, only the forces of England and Wales."""
    text = text[:20_000]
    best: tuple[int, str] | None = None
    for short, full in FORCES.items():
        at = text.find(full)
        if at >= 0 and (
            best is None or at < best[0] or (at == best[0] and len(short) > len(best[1]))
        ):
            best = (at, short)
    if best or known_only:
        return best[1] if best else None
    for match in _NAMED.finditer(text):
        words = match.group(1).split()
        while words and words[0].lower() in _NOT_FORCES:
            words.pop(0)
        if words:
            return " ".join(words)
    return None


def year_from_file_name(name: str) -> str | None:
    """The cycle a file name gives: 'cumbria-2023-25.txt' -> '2023-25', 'x-2018-19' -> '2018/19'."""
    stem = name.lower().rsplit("/", 1)[-1]
    match = re.search(r"(?<!\d)(20\d\d)(?:[-_](\d\d))?(?!\d)", stem)
    if not match:
        return None
    first, second = match.groups()
    if second and int(second) == (int(first) + 1) % 100:
        return f"{first}/{second}"
    if second and int(second) == (int(first) + 2) % 100:
        return f"{first}-{second}"
    return first
