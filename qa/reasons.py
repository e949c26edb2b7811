"""Reasons for a grade: the report's own findings behind it.

For the report question (or area, or pillar) asked about, the candidates are the sentences
of its detailed findings and of the report's summary that speak to it. A reason is a
finding, not the grade said again ("The constabulary requires improvement in investigating
crime." is the grade, not why), and not the report's boilerplate ("We set out our detailed
findings below."). Findings that support the grade come first: shortcomings for Requires
improvement and Inadequate, strengths for Good and Outstanding; the rest fill in only when
too few do. Each is given once, with the passage it comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from corpus.records import IMPROVEMENT_SECTIONS, OVERVIEW, Report, Unit
from index.load import LoadedIndex

MAX_REASONS = 6
# A summary sentence speaks to the unit when it is this similar (cosine) to its title, or
# sits in a summary paragraph that opens on it.
SUMMARY_MATCH = 0.35
SUPPORTS_BONUS = 0.25  # on the cosine scale: a finding that supports the grade
OPPOSES_PENALTY = 0.1
SUMMARY_BONUS = 0.05  # the report's own summary of the unit counts a little more
KEY_BONUS = 0.1  # the first sentence of a findings paragraph: the finding it goes on to show
TOPIC_WEIGHT = 0.7  # the question's own topic against the unit's title, in ranking

_BAD_GRADES = ("Requires improvement", "Inadequate")
_GOOD_GRADES = ("Good", "Outstanding", "Adequate")

_GRADE_PHRASE = re.compile(
    r"\b(?:is|are|was|were|remains?|requires?|as|be|been)\s+(?:now\s+|still\s+|judged\s+)?"
    r"(?:good|outstanding|inadequate|adequate|requires? improvement|improvement)\b",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"\b(?:we set out our detailed findings|these are the basis for our judg|"
    r"questions for (?:effectiveness|efficiency|legitimacy)|summary for question|"
    r"we judged the (?:force|constabulary) (?:as|to be))",
    re.IGNORECASE,
)
_SHORTCOMING = re.compile(
    r"\b(?:not|no|n[o’']t|never|however|but|although|should|must|needs? to|insufficient|"
    r"limited|delays?|delayed|backlogs?|struggl\w*|inconsisten\w*|lacks?|lacking|poor(?:ly)?|"
    r"only|fail\w*|concerns?|concerned|weak\w*|variation|varies|vary|little|unnecessar\w*|"
    r"too (?:few|many|long|slow)|gaps?|inexperienced|ineffective|inadequate|unclear|"
    r"unaware|backlog|risk|worried|confus\w*|disproportionate|fewer|less|low)\b",
    re.IGNORECASE,
)
_STRENGTH = re.compile(
    r"\b(?:good|well|effective(?:ly)?|innovative|positive|reassured|strong|impressive|"
    r"commend\w*|clear(?:ly)?|robust|prompt(?:ly)?|invested|improved|appropriate(?:ly)?|"
    r"trained|sufficient|manageable|in time|committed|proactive|thorough|comprehensive|"
    r"understands?|successful(?:ly)?|works? (?:well|closely|hard)|embedded|effectively|"
    r"high[- ]quality|valued|supportive|encouraging|excellent|better|novel)\b",
    re.IGNORECASE,
)


# "The constabulary should ensure that ...", "This should lead to ...": a recommendation or a
# forecast in the findings' prose
_RECOMMENDS = re.compile(r"\b(?:should|must)\b", re.IGNORECASE)
_DENIAL = re.compile(r"\b(?:not|no|n[o’']t|never|nor|lacks?|without)\b", re.IGNORECASE)


_FINDING = re.compile(
    r"\b(?:we (?:found|saw|reviewed|examined|were (?:told|pleased|reassured|concerned))|"
    r"our (?:review|inspection|crime file review|fieldwork|analysis)|(?:inspection|review) "
    r"(?:found|showed)|\d+ (?:out )?of (?:the )?\d+|\d+ (?:percent|per cent|%))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reason:
    text: str
    row: int
    span: tuple[int, int]


_GOES_ON_TO = re.compile(
    r"(?:,|;|\band\b|\bbut\b|\balthough\b|\bwhile\b)\s+(?:it |the (?:force|constabulary) )?"
    r"(?:has|have|had|is|are|was|were|needs?|makes?|made|works?|uses?|does|did)\b(?: \w+){3,}",
    re.IGNORECASE,
)


def restates_grade(sentence: str) -> bool:
    """The grade said again ("Lancashire Constabulary requires improvement in
    investigating crime.", "In 2017, we judged the constabulary as good at ...")."""
    if _BOILERPLATE.search(sentence):
        return True
    match = _GRADE_PHRASE.search(sentence)
    if match is None:
        return False
    if _GOES_ON_TO.search(sentence[match.end() :]):
        return False  # "... is good at protecting vulnerable people and has made significant
        # improvements since our last inspection": the grade, then a finding
    # the grade stated of the force itself, early in a short sentence
    words = len(sentence.split())
    head = sentence[: match.start()]
    return words <= 22 and (
        len(head.split()) <= 6
        or re.search(r"\b(?:constabulary|force|police|service)\b", head, re.IGNORECASE) is not None
    )


def polarity(sentence: str) -> int:
    """+1 for a strength, -1 for a shortcoming, 0 when it says neither or both as much."""
    # a denial counts twice: "not providing effective supervision" is a shortcoming
    bad = len(_SHORTCOMING.findall(sentence)) + len(_DENIAL.findall(sentence))
    good = len(_STRENGTH.findall(sentence))
    return (good > bad) - (bad > good)


_ASKS_WRONG = re.compile(
    r"\b(?:wrong|badly|bad|poor(?:ly)?|problems?|weak\w*|failing|fall(?:ing)? short|short"
    r"comings?|struggl\w*|not (?:good|working|doing))\b",
    re.IGNORECASE,
)
_ASKS_RIGHT = re.compile(
    r"\b(?:right|well|good at|strengths?|strong|best|positive|praise\w*|succe\w*)\b",
    re.IGNORECASE,
)


def asked_lean(question: str) -> int:
    """-1 when the question asks what is going wrong, +1 what is going right, else 0."""
    wrong, right = bool(_ASKS_WRONG.search(question)), bool(_ASKS_RIGHT.search(question))
    return -1 if wrong and not right else 1 if right and not wrong else 0


def reasons_unit(index: LoadedIndex, results, report_ids, titles) -> str:
    """For "why ... on <a narrow topic>": the graded unit the best passage in scope is
    from, or "" when none is."""
    for scored in results[:3]:
        passage = index.passages[scored.row]
        if passage.report in report_ids and passage.unit_title in titles:
            return passage.unit_title
    return ""


def find_reasons(
    index: LoadedIndex,
    rows_by_unit: dict[tuple[str, str], list[int]],
    report: Report,
    unit: Unit | None,
    target: np.ndarray | None,
    grade: str | None,
    limit: int = MAX_REASONS,
    topic: np.ndarray | None = None,
    lean: int = 0,
    rivals: np.ndarray | None = None,
) -> list[Reason]:
    """The findings behind ``grade`` for ``unit`` (None: the report as a whole), best
    first; ``target`` is the vector the findings are ranked against (the unit's title),
    ``topic`` the question's narrower topic when it names one; ``lean`` is -1 when the
    question asks what is going wrong, +1 what is going right (else the grade decides);
    ``rivals`` are the titles of the report's other units: a summary sentence nearer one
    of them is about that unit."""
    sections = index.passages.column("section")
    own = [
        r
        for r in rows_by_unit.get((report.id, unit.key if unit else OVERVIEW), [])
        if sections[r] not in IMPROVEMENT_SECTIONS
    ]
    summary = [] if unit is None else list(rows_by_unit.get((report.id, OVERVIEW), []))
    wanted = lean or (-1 if grade in _BAD_GRADES else 1 if grade in _GOOD_GRADES else 0)
    scored: list[tuple[float, Reason]] = []
    seen: set[str] = set()
    for in_summary, rows in ((True, summary), (False, own)):
        for row in rows:
            text = index.passages.text(row)
            start, end = int(index.sentence_offsets[row]), int(index.sentence_offsets[row + 1])
            if start == end:
                continue
            sims = (
                index.sentence_similarities(np.arange(start, end), target)
                if target is not None
                else np.zeros(end - start, dtype=np.float32)
            )
            if in_summary and (target is None or float(sims.max()) < SUMMARY_MATCH):
                continue  # a summary paragraph about another question
            nearest_rival = (
                np.max(
                    (index.sentence_vectors[start:end].astype(np.float32) * index.sentence_scale)
                    @ rivals.T.astype(np.float32),
                    axis=1,
                )
                if in_summary and rivals is not None and len(rivals)
                else None
            )
            ranking = sims
            if topic is not None:  # the narrower topic asked about counts more
                near_topic = index.sentence_similarities(np.arange(start, end), topic)
                ranking = (1 - TOPIC_WEIGHT) * sims + TOPIC_WEIGHT * near_topic
            spans = [tuple(int(x) for x in index.sentence_spans[i]) for i in range(start, end)]
            # the paragraph's first sentence that says something (not a one-word marker)
            opening = next((k for k, (a, b) in enumerate(spans) if len(text[a:b].split()) >= 3), 0)
            for j in range(end - start):
                a, b = spans[j]
                sentence = text[a:b].strip()
                key = re.sub(r"\W+", " ", sentence.lower()).strip()
                if len(sentence.split()) < 5 or key in seen or restates_grade(sentence):
                    continue
                if in_summary and (
                    float(sims[j]) < SUMMARY_MATCH - 0.1
                    or (nearest_rival is not None and float(nearest_rival[j]) > float(sims[j]))
                ):
                    continue  # the summary of another question
                if sentence[:1].islower() or re.match(r"^[•·-]\s*[a-z]", sentence):
                    continue  # a fragment of a list
                if _RECOMMENDS.search(sentence) and not _FINDING.search(sentence):
                    continue  # what should be done (or should follow) is no finding
                sign = polarity(sentence)
                if sign == 0 and not (
                    _SHORTCOMING.search(sentence)
                    or _STRENGTH.search(sentence)
                    or _FINDING.search(sentence)
                ):
                    continue  # a description, not a judgement
                seen.add(key)
                score = float(ranking[j])
                if wanted and sign == wanted:
                    score += SUPPORTS_BONUS
                elif wanted and sign == -wanted:
                    score -= OPPOSES_PENALTY
                if in_summary:
                    score += SUMMARY_BONUS
                elif j == opening:
                    score += KEY_BONUS  # a findings paragraph opens on its finding
                scored.append((score, Reason(sentence, row, (a, b))))
    scored.sort(key=lambda pair: -pair[0])
    return [reason for _, reason in scored[:limit]]
