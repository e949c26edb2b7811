"""Force names in a question: "Lancashire", "Lancs", "Avon & Somerset police", "the Met" ...

Every name and short form comes from corpus/data/forces.json (`corpus.forces`); an indexed
force that the file does not list is known by its own name only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.forces import known_forces


@dataclass(frozen=True)
class KnownForce:
    name: str  # the index's name for the force, or else the force's own full name
    pattern: re.Pattern  # any of its names, as a question writes them
    spelled: re.Pattern  # its names but the full one ("lancs", "the Met", "lancashire")


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
        indexed_lower = {f.lower(): f for f in self.indexed}
        known: list[KnownForce] = []
        # longest names first, so "Hampshire and Isle of Wight" is not read as "Hampshire"
        for entry in sorted(known_forces(), key=lambda f: -len(f["name"])):
            names = [entry["name"], entry["full"], *entry["aliases"]]
            canonical = next(  # the index's name, or else the force's own full name
                (indexed_lower[n.lower()] for n in names if n.lower() in indexed_lower),
                entry["full"],
            )
            short = alias_pattern([entry["name"], *entry["aliases"]])
            known.append(KnownForce(canonical, alias_pattern(names), short))
        listed = {k.name for k in known}
        for force in self.indexed:  # an indexed force missing from the data file
            if force not in listed:
                known.append(KnownForce(force, alias_pattern([force]), alias_pattern([force])))
        self.known = known

    def find(self, text: str) -> tuple[list[str], list[str], str]:
        """(indexed forces, other forces, the text with their names blanked out), each list
        in the order the text names them."""
        found: list[tuple[int, str]] = []
        rest = text
        for force in self.known:
            match = force.pattern.search(rest)
            if match:
                found.append((match.start(), force.name))
                # blank it out, keeping offsets, so that later names are placed right
                rest = force.pattern.sub(lambda m: " " * len(m.group(0)), rest)
        found.sort()
        indexed = [name for _, name in found if name in self.indexed]
        other = [name for _, name in found if name not in self.indexed]
        return indexed, other, rest

    def normalise(self, question: str) -> str:
        """The question with indexed forces named as the index names them ("lancs police" ->
        "Lancashire police"), so that search matches the reports' own words."""
        text = question
        for force in self.known:
            if force.name in self.indexed:
                text = force.spelled.sub(lambda m, f=force.name: _spelled_out(m, f), text)
        return text


def _spelled_out(match: re.Match, force: str) -> str:
    """The match with the name in it replaced by the force's, the rest kept."""
    start, end = match.span("name")
    whole = match.group(0)
    return whole[: start - match.start()] + force + whole[end - match.start() :]
