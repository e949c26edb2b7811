"""The numbered questions of each PEEL cycle, 2014 to 2018/19, with short labels.

Copies of a pillar page that lost the question-number lines still print each question's
text; its number comes from matching that text against the cycle's framework (never from
its position: pages skip questions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FrameworkQuestion:
    number: int
    text: str
    label: str  # the short component name the PDFs use
    graded: bool = True


_E_2016 = (
    FrameworkQuestion(
        1,
        "How effective is the force at preventing crime, tackling anti-social behaviour and "
        "keeping people safe?",
        "Preventing crime and tackling anti-social behaviour",
    ),
    FrameworkQuestion(
        2,
        "How effective is the force at investigating crime and reducing re-offending?",
        "Investigating crime",
    ),
    FrameworkQuestion(
        3,
        "How effective is the force at protecting those who are vulnerable from harm, and "
        "supporting victims?",
        "Protecting vulnerable people",
    ),
    FrameworkQuestion(
        4,
        "How effective is the force at tackling serious and organised crime?",
        "Tackling serious and organised crime",
    ),
    FrameworkQuestion(
        5, "How effective are the force’s specialist capabilities?", "Armed policing", False
    ),
)
_E_2015 = (
    FrameworkQuestion(
        1,
        "How effective is the force at preventing crime and anti-social behaviour, and keeping "
        "people safe?",
        "Preventing crime and anti-social behaviour",
    ),
    FrameworkQuestion(
        2,
        "How effective is the force at investigating crime and managing offenders?",
        "Investigating crime and managing offenders",
    ),
    FrameworkQuestion(
        3,
        "How effective is the force at protecting from harm those who are vulnerable, and "
        "supporting victims?",
        "Protecting vulnerable people",
    ),
    FrameworkQuestion(
        4,
        "How effective is the force at tackling serious and organised crime, including its "
        "arrangements for fulfilling its national policing responsibilities?",
        "Tackling serious and organised crime",
    ),
)
_E_2014 = (
    FrameworkQuestion(
        1,
        "How effective is the force at reducing crime and preventing offending?",
        "Reducing crime and preventing offending",
    ),
    FrameworkQuestion(
        2, "How effective is the force at investigating offending?", "Investigating offending"
    ),
    FrameworkQuestion(
        3,
        "How effective is the force at tackling anti-social behaviour?",
        "Tackling anti-social behaviour",
    ),
)
_EF_2018 = (
    FrameworkQuestion(
        1,
        "How well does the force use its resources to meet the demand it faces?",
        "Meeting current demands and using resources",
    ),
    FrameworkQuestion(2, "How well does the force plan for the future?", "Planning for the future"),
)
_EF_2016 = (
    FrameworkQuestion(1, "How well does the force understand demand?", "Understanding demand"),
    FrameworkQuestion(2, "How well does the force use its resources?", "Use of resources"),
    FrameworkQuestion(
        3, "How well is the force planning for demand in the future?", "Planning for the future"
    ),
)
_L_2016 = (
    FrameworkQuestion(
        1,
        "To what extent does the force treat all of the people it serves with fairness and "
        "respect?",
        "Treating the public fairly",
    ),
    FrameworkQuestion(
        2,
        "How well does the force ensure that its workforce behaves ethically and lawfully?",
        "Ethical and lawful workforce behaviour",
    ),
    FrameworkQuestion(
        3,
        "To what extent does the force treat its workforce with fairness and respect?",
        "Treating the workforce fairly",
    ),
)

# (pillar, first year) -> questions; a cycle uses the latest entry not after it.
FRAMEWORKS: dict[tuple[str, int], tuple[FrameworkQuestion, ...]] = {
    ("Effectiveness", 2014): _E_2014,
    ("Effectiveness", 2015): _E_2015,
    ("Effectiveness", 2016): _E_2016,
    ("Efficiency", 2016): _EF_2016,
    ("Efficiency", 2018): _EF_2018,
    ("Legitimacy", 2016): _L_2016,
}
# The headline question of each pillar, in every cycle: a judgment of what one asks is the
# pillar's, not a question's.
HEADLINES = (
    "How effective is the force at keeping people safe and reducing crime?",
    "How efficient is the force at keeping people safe and reducing crime?",
    "How legitimate is the force at keeping people safe and reducing crime?",
    "How effectively does the force reduce crime and keep people safe?",
    "How efficiently does the force operate and how sustainable are its services to the public?",
    "How legitimately does the force treat the public and its workforce?",
)
# Pillars graded as a whole in no way but through their questions: 2014 Effectiveness
# ("Ungraded" above its three graded questions) and 2014 Legitimacy (a narrative).
UNGRADED_PILLARS = {("Effectiveness", 2014), ("Legitimacy", 2014)}


def pillar_graded(pillar: str | None, year: str) -> bool:
    """Whether the pillar had a grade of its own in that cycle."""
    match = re.match(r"\d{4}", year or "")
    return not (match and (pillar, int(match.group())) in UNGRADED_PILLARS)


_STOP = {
    "how", "is", "the", "force", "at", "and", "of", "to", "a", "an", "does", "are", "its",
    "it", "in", "with", "what", "extent", "well", "effective", "that", "those", "who", "from",
    "all", "s", "force’s", "for", "effectively", "efficiently", "legitimately", "efficient",
    "legitimate", "constabulary", "good", "outstanding", "inadequate", "requires",
    "improvement", "judged", "assessed", "be",
}  # fmt: skip
_SUFFIXES = ("ing", "ed", "es", "s", "ly", "e")
MATCH_THRESHOLD = 0.6


def framework(pillar: str | None, year: str) -> tuple[FrameworkQuestion, ...]:
    """The questions of a pillar in a cycle ("2018" and "2018/19" are the same cycle)."""
    match = re.match(r"\d{4}", year or "")
    if pillar is None or not match:
        return ()
    first = int(match.group())
    years = [y for (p, y) in FRAMEWORKS if p == pillar and y <= first]
    return FRAMEWORKS[(pillar, max(years))] if years else ()


def _stem(word: str) -> str:
    """A crude stem, enough to tell topics apart: "reducing" and "reduce", "uses" and
    "using", "offenders" and "offending" meet."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
            if (
                suffix in ("ing", "ed")
                and len(word) > 2
                and word[-1] == word[-2]
                and word[-1] not in "aeiouls"
            ):
                word = word[:-1]  # "planning" -> "plan"
            break
    return word[:6]


def _words(text: str) -> set[str]:
    return {
        _stem(w)
        for w in re.findall(r"[a-z][a-z’'-]*", text.lower().replace("’s", "").replace("'s", ""))
        if w not in _STOP
    }


def topic_words(text: str) -> set[str]:
    """The words of a question's (or a sentence's) topic, stemmed."""
    return _words(text)


def match_question(
    text: str, questions: tuple[FrameworkQuestion, ...]
) -> tuple[FrameworkQuestion | None, float]:
    """The framework question a printed question text is, with the share of words shared."""
    words = _words(text)
    best, score = None, 0.0
    for q in questions:
        theirs = _words(q.text)
        if not words or not theirs:
            continue
        shared = len(words & theirs) / len(words | theirs)
        if shared > score:
            best, score = q, shared
    return (best, score) if score >= MATCH_THRESHOLD else (None, score)


def topic_score(text: str, question: str) -> int:
    """How many of a question's topic words a sentence uses (for grades stated in prose)."""
    return len(_words(text) & _words(question))
