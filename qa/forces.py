"""Force names in a question: "Lancashire", "Lancs", "Avon and Somerset" ..."""

from __future__ import annotations

import re


def _pattern(force: str) -> re.Pattern:
    words = force.split()
    first = words[0]
    # The usual short forms add an "s" to the first few letters: Lancs, Herts, Glos, Staffs.
    shorts = [re.escape(first[:n] + "s") for n in range(3, 7) if len(first) > n + 2]
    short = "|".join(shorts) or re.escape(first)
    rest = "".join(rf"\s+{re.escape(w)}" for w in words[1:])
    return re.compile(
        rf"\b(?:{re.escape(first)}|{short}){rest}(?:'s|’s)?"
        r"(?:\s+(?:police|constabulary|force))?\b",
        re.IGNORECASE,
    )


class ForceNames:
    """Spells out short forms of the indexed forces' names in a question."""

    def __init__(self, forces: list[str]) -> None:
        self._patterns = {force: _pattern(force) for force in sorted(set(forces))}

    def normalise(self, question: str) -> str:
        """The question with short forms of force names spelled out ("Lancs" -> "Lancashire")."""
        text = question
        for force, pattern in self._patterns.items():
            text = pattern.sub(lambda m, f=force: _keep_suffix(m.group(0), f), text)
        return text


def _keep_suffix(matched: str, force: str) -> str:
    """The force's full name, keeping "police"/"constabulary" and a possessive if present."""
    tail = re.search(r"(?:'s|’s)?(?:\s+(?:police|constabulary|force))?$", matched, re.IGNORECASE)
    return force + (tail.group(0) if tail else "")
