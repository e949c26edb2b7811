"""Force names in a question: "Lancashire", "Lancs", "Avon & Somerset police", "the Met" ...

Every name and short form comes from corpus/data/forces.json (`corpus.forces`); an indexed
force that the file does not list is known by its own name only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

from corpus.forces import known_forces


class KnownForce:
    """One force and the names a question may call it by. Its patterns are compiled on
    first use: an index of many forces (800 at 100,000 passages) would otherwise compile
    two each at start-up, and a question tries only the forces whose names it may hold."""

    def __init__(self, name: str, names: Iterable[str], short_names: Iterable[str]) -> None:
        self.name = name  # the index's name for the force, or else its own full name
        self._names = tuple(names)
        self._short = tuple(short_names)
        # the longest word of each name: a text that holds none of them cannot name it
        # (None for a name that is not ASCII: always tried)
        self.words = (
            frozenset(max(re.split(r"[\s-]+", n.lower()), key=len) for n in self._names)
            if all(n.isascii() for n in self._names)
            else None
        )

    @cached_property
    def pattern(self) -> re.Pattern:
        """Any of its names, as a question writes them."""
        return alias_pattern(self._names)

    @cached_property
    def spelled(self) -> re.Pattern:
        """Its names but the full one ("lancs", "the Met", "lancashire")."""
        return alias_pattern(self._short)

    def may_be_in(self, lowered: str | None) -> bool:
        """False when the text (lower-cased ASCII, or None for any other) cannot name
        the force: none of its names' longest words is in it."""
        return lowered is None or self.words is None or any(w in lowered for w in self.words)


def alias_pattern(names: Iterable[str]) -> re.Pattern:
    """Any of ``names`` as a whole phrase (the group "name"), with "the" before it and a
    possessive or "police"/"constabulary"/"force" after it allowed."""
    parts = []
    for name in sorted(set(names), key=len, reverse=True):
        words = [re.escape(w) for w in re.split(r"[\s-]+", name) if w]
        parts.append(r"[\s-]+".join(words))
    return re.compile(
        rf"(?<![\w-])(?:the\s+)?(?P<name>{'|'.join(parts)})(?:'s|’s|s')?"
        r"(?:\s+(?:police(?:\s+force)?|constabulary|force|cops|coppers|officers))?(?![\w-])",
        re.IGNORECASE,
    )


class ForceNames:
    """The forces a question names, against the forces of one index."""

    def __init__(self, indexed: Iterable[str]) -> None:
        self.indexed = sorted(set(indexed))
        self._indexed = frozenset(self.indexed)  # membership, tried for every known force
        indexed_lower = {f.lower(): f for f in self.indexed}
        known: list[KnownForce] = []
        # longest names first, so "Hampshire and Isle of Wight" is not read as "Hampshire"
        for entry in sorted(known_forces(), key=lambda f: -len(f["name"])):
            names = [entry["name"], entry["full"], *entry["aliases"]]
            canonical = next(  # the index's name, or else the force's own full name
                (indexed_lower[n.lower()] for n in names if n.lower() in indexed_lower),
                entry["full"],
            )
            known.append(KnownForce(canonical, names, [entry["name"], *entry["aliases"]]))
        listed = {k.name for k in known}
        for force in self.indexed:  # an indexed force missing from the data file
            if force not in listed:
                known.append(KnownForce(force, [force], [force]))
        self.known = known

    def find(self, text: str) -> tuple[list[str], list[str], str]:
        """(indexed forces, other forces, the text with their names blanked out), each list
        in the order the text names them."""
        found: list[tuple[int, str]] = []
        rest = text
        lowered = _lowered(text)
        for force in self.known:
            if not force.may_be_in(lowered):
                continue
            match = force.pattern.search(rest)
            if match:
                found.append((match.start(), force.name))
                # blank it out, keeping offsets, so that later names are placed right
                rest = force.pattern.sub(lambda m: " " * len(m.group(0)), rest)
        found.sort()
        indexed = [name for _, name in found if name in self._indexed]
        other = [name for _, name in found if name not in self._indexed]
        return indexed, other, rest

    def normalise(self, question: str) -> str:
        """The question with indexed forces named as the index names them ("lancs police" ->
        "Lancashire police"), so that search matches the reports' own words."""
        text = question
        lowered = _lowered(question)
        for force in self.known:
            if force.name in self._indexed and force.may_be_in(lowered):
                text = force.spelled.sub(lambda m, f=force.name: _spelled_out(m, f), text)
        return text


def _spelled_out(match: re.Match, force: str) -> str:
    """The match with the name in it replaced by the force's, the rest kept."""
    start, end = match.span("name")
    whole = match.group(0)
    return whole[: start - match.start()] + force + whole[end - match.start() :]


def _lowered(text: str) -> str | None:
    """The text lower-cased, for ``KnownForce.may_be_in``; None when it is not ASCII (a
    pattern ignoring case matches some letters, "ſ" for "s", that ``lower`` keeps)."""
    return text.lower() if text.isascii() else None
