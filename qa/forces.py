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
        # the words (runs of word characters) of each name, lower-cased; None when a name
        # is not ASCII or has no word, so that no word can rule the force out
        words = [tuple(_WORD.findall(n.lower())) if n.isascii() else () for n in self._names]
        self.words = tuple(words) if all(words) else None
        # the words of its own names (name and full name, the first two given), not of its
        # short forms ("Herts"): what a misspelling is read against (qa/force_spelling.py)
        self.own_words = tuple(w for w in words[:2] if w)

    @cached_property
    def pattern(self) -> re.Pattern:
        """Any of its names, as a question writes them."""
        return alias_pattern(self._names)

    @cached_property
    def spelled(self) -> re.Pattern:
        """Its names but the full one ("lancs", "the Met", "lancashire")."""
        return alias_pattern(self._short)


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
        self._by_word, self._always = _word_index(known)

    def find(self, text: str) -> tuple[list[str], list[str], str]:
        """(indexed forces, other forces, the text with their names blanked out), each list
        in the order the text names them."""
        found: list[tuple[int, str]] = []
        rest = text
        # blanking a name out only takes words away: no force the text cannot name is
        # named by what is left
        for at in self._may_name(text):
            force = self.known[at]
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
        rows = self._may_name(text)
        i = 0
        while i < len(rows):
            force = self.known[rows[i]]
            if force.name in self._indexed:
                spelled = force.spelled.sub(lambda m, f=force.name: _spelled_out(m, f), text)
                if spelled != text:  # the name put in may name a later force
                    text = spelled
                    rows = rows[: i + 1] + [r for r in self._may_name(text) if r > rows[i]]
            i += 1
        return text

    def _may_name(self, text: str) -> list[int]:
        """The rows of ``known``, in order, of the forces the text may name: those with a
        name whose chosen word is one of the text's words (a word may end in the "s" of
        "Lancashires'")."""
        rows = set(self._always)
        by_word = self._by_word
        for word in {w.lower() for w in _WORD.findall(text.translate(_FOLD))}:
            rows.update(by_word.get(word, ()))
            if word.endswith("s"):
                rows.update(by_word.get(word[:-1], ()))
        return sorted(rows)


_WORD = re.compile(r"\w+")
# The only letters that are not ASCII but that a pattern ignoring case matches to ASCII
# ones ("Lancaſhire" is "Lancashire"; Python's re documentation lists them): read as those
# letters, a question in any script looks up its words like any other.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _word_index(known: list[KnownForce]) -> tuple[dict[str, list[int]], list[int]]:
    """(the rows of ``known`` each word may name, the rows to try whatever the text).

    A text that names a force by a name holds every word of that name as a word of its
    own (a run of word characters, lower-cased ASCII; the last perhaps followed by
    "s'"): ``alias_pattern`` puts a name between characters that are not word
    characters. So each name is filed under one of its words, the one the fewest forces
    share ("7" of "Forceshire 7", not "forceshire"; "beds" of "Beds police", not
    "police")."""
    sharing: dict[str, int] = {}
    for force in known:
        for word in {w for words in force.words or () for w in words}:
            sharing[word] = sharing.get(word, 0) + 1
    by_word: dict[str, list[int]] = {}
    always: list[int] = []
    for row, force in enumerate(known):
        if force.words is None:
            always.append(row)
            continue
        for word in {min(words, key=lambda w: (sharing[w], -len(w), w)) for words in force.words}:
            by_word.setdefault(word, []).append(row)
    return by_word, always


def _spelled_out(match: re.Match, force: str) -> str:
    """The match with the name in it replaced by the force's, the rest kept."""
    start, end = match.span("name")
    whole = match.group(0)
    return whole[: start - match.start()] + force + whole[end - match.start() :]
