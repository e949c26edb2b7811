"""Force names misspelt in a question are read as the force; ordinary words, and slips of
ordinary words, are not."""

from __future__ import annotations

import gzip
import json
import pkgutil
import re

import pytest

from bench.synthetic import REAL_REPORT
from corpus import load_reports
from corpus.forces import known_forces
from qa.force_spelling import typing_distance
from qa.query import QueryReader, _is_english

INDEXED = ["Lancashire", "Cumbria", "Durham", "Northumbria", "West Midlands", "Merseyside"]


@pytest.fixture(scope="module")
def vocabulary() -> set[str]:
    return {
        w
        for _, passages in load_reports(REAL_REPORT.parent)
        for p in passages
        for w in re.findall(r"[a-z]+", p.text.lower())
    }


@pytest.fixture(scope="module")
def reader(vocabulary) -> QueryReader:
    return QueryReader(forces=INDEXED, vocabulary=vocabulary, acronyms={})


@pytest.mark.parametrize(
    ("question", "indexed", "other"),
    [
        ("wat grade did durhum get", ["Durham"], []),
        ("how is Northumbira doing on legitimacy", ["Northumbria"], []),
        ("the northumbira force", ["Northumbria"], []),
        ("what did they say about Lancashre", ["Lancashire"], []),
        ("cumbira and durahm compared", ["Cumbria", "Durham"], []),
        ("merseysde police investigations", ["Merseyside"], []),
        ("how good are west midlnds at protecting people", ["West Midlands"], []),
        ("durhams grade for efficiency", ["Durham"], []),
        ("grater manchester police", [], ["Greater Manchester Police"]),
        ("avon and somerest 2018", [], ["Avon and Somerset Constabulary"]),
        ("thames valey police", [], ["Thames Valley Police"]),
        ("how did hampshre do", [], ["Hampshire Constabulary"]),
        ("nottinghamshre efficiency", [], ["Nottinghamshire Police"]),
    ],
)
def test_a_misspelt_force_is_read_as_the_force(reader, question, indexed, other):
    found, not_indexed, rest = reader.forces_in(question)
    assert (found, not_indexed) == (indexed, other)
    assert not re.search(r"durhum|northumbira|midlnds|somerest|valey|hampshre", rest, re.I)


@pytest.mark.parametrize(
    "question",
    [
        "grade of durum wheat",  # an English word, however near "Durham"
        "surey the force did well",  # as near "survey" and "surely" as "Surrey"
        "what was the surgey like",  # "surgery"
        "did it kennel the dogs",
        "what grade did lanch get",  # "launch", not "Lancs"
        "the wilst of it",  # "whilst", not "Wilts"
        "how are the cheif officers doing",
        "best midlands force",  # a short word of a name is never a slip
        "is the force good at stoping crime",
    ],
)
def test_words_near_a_force_name_that_are_something_else_are_not_read_as_it(reader, question):
    assert reader.forces_in(question)[:2] == ([], [])


def _slips(word: str) -> set[str]:
    """Every word one letter left out or two letters swapped away (first letter kept)."""
    out = {word[:i] + word[i + 1 :] for i in range(1, len(word))}
    out |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 1)}
    return out - {word}


def test_slips_of_many_ordinary_words_name_no_force(reader, vocabulary):
    """The most common English words of five letters or more, and the shipped report's, each
    with a letter left out or two swapped: none is read as a force, unless it is one of a
    force's short forms as they are ("herts"), or a slip of a force's own name."""
    data = gzip.decompress(pkgutil.get_data("spellchecker", "resources/en.json.gz"))
    counts = json.loads(data)
    common = sorted((w for w in counts if w.isalpha() and len(w) >= 5), key=lambda w: -counts[w])
    words = set(common[:800]) | {w for w in vocabulary if len(w) >= 7}
    names = {w for f in known_forces() for n in [f["name"], f["full"]] for w in n.lower().split()}
    wrong = []
    for word in sorted(words - names):
        for slip in _slips(word):
            if _is_english(slip) or slip in vocabulary:
                continue
            found, other, _ = reader.forces_in(f"how did {slip} do")
            exact = reader.force_names.find(slip)
            if (found or other) and not (exact[0] or exact[1]):
                wrong.append((word, slip, found + other))
    assert wrong == []


def test_most_slips_of_every_force_name_are_read(reader):
    """A letter left out of a force's name, or two swapped (not the first): read as the
    force nearly always (a slip that is also a slip of a common word is left alone)."""
    tried, read = 0, 0
    for entry in known_forces():
        name = entry["name"]
        words = name.lower().split()
        if len(words) != 1 or len(words[0]) < 7 or not words[0].isalpha():
            continue
        for slip in _slips(words[0]):
            if _is_english(slip):
                continue
            tried += 1
            found, other, _ = reader.forces_in(f"how did {slip} do")
            read += bool(found + other) and (found + other)[0].split()[0] == name.split()[0]
    assert tried > 300 and read / tried >= 0.95, (read, tried)


def test_typing_distance_counts_a_swap_as_one_slip():
    assert typing_distance("durhum", "durham", 2) == 1
    assert typing_distance("northumbira", "northumbria", 2) == 1
    assert typing_distance("lancashre", "lancashire", 2) == 1
    assert typing_distance("kennel", "kent", 1) == 2  # over the limit: limit + 1
