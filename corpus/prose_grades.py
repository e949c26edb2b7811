"""Grades stated in prose on 2014 to 2018/19 pages, each attached to the unit it is about.

Pages and copies without grade lines state grades in sentences: "Durham Constabulary is good
at reducing crime and preventing offending. The force is outstanding at investigating
offending." (a 2014 pillar page: one grade per question, the pillar itself ungraded), "The
constabulary is judged to be good at treating all of the people it serves with fairness and
respect and ensuring that its workforce behaves ethically and lawfully but is judged to
require improvement in some aspects of how it treats its workforce with fairness and
respect." (three questions in one sentence), "its use of resources to manage demand is
assessed to be good" (the topic before the grade).

A sentence about the force is cut into clauses (at semicolons, and before a new verb-ing
phrase, a new grade or a new subject); a clause takes the grade it states, or the one
before it in the sentence when it only continues that one ("good at A, B and C-ing").
Each question takes the grade of the clause that shares most of its topic words (at least
two, and more than any clause with another grade); a clause about the pillar as a whole
("good at reducing crime and keeping people safe", "the efficiency with which it ...")
is never a question's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.frameworks import HEADLINES, FrameworkQuestion, topic_score, topic_words
from corpus.grades import grade_line

_GRADE = re.compile(
    r"\b(?:(?:is|are|was|be|been|being|as|remains|to be)\s*:?\s+(?:now\s+|still\s+|also\s+)?"
    r"(?:judged\s+(?:to\s+be\s+|as\s+)?|assessed\s+(?:to\s+be\s+|as\s+)?|graded\s+(?:as\s+)?)?"
    r"(?P<a>outstanding|good|adequate|inadequate|not yet graded)\b"
    r"|(?P<b>requires? improvement)\b"
    r"|^(?:and\s+|but\s+|also\s+)*(?P<c>outstanding|good|adequate|inadequate)\s+(?:at|in)\b)",
    re.IGNORECASE,
)
# Where a sentence splits into clauses: a semicolon; a comma or "and"/"but"/"while" before a
# verb-ing phrase, a grade or a new subject.
_SPLIT = re.compile(
    r";\s*(?:and\s+)?"
    r"|,?\s+(?:and|but|while|whereas|although)\s+(?=(?:also\s+)?(?:\w+ing\b|is\b|it\b|its\b"
    r"|the (?:force|constabulary)\b|(?:outstanding|good|adequate|inadequate)\s+(?:at|in)\b))"
    r"|,\s+(?=(?:\w+ing\b|(?:outstanding|good|adequate|inadequate)\s+(?:at|in)\b))",
    re.IGNORECASE,
)
# A clause that only continues the one before: a verb-ing phrase, or "good at ...".
_CONTINUES = re.compile(r"^(?:also\s+)?(?:\w+ing\b|at\b|in\b)", re.IGNORECASE)
_SUBJECT = re.compile(
    r"\b(?:the force|the constabulary|this force|it|its|we judged|we graded)\b", re.IGNORECASE
)
# The pillar named as what is graded: "the efficiency with which", "how legitimately".
_PILLAR_WORDS = re.compile(
    r"\b(?:effectiveness|efficiency|legitimacy|legitimately|efficiently|efficient way|overall"
    r"|extent to which)\b",
    re.IGNORECASE,
)
_NOT_A_JUDGMENT = re.compile(
    r"\bgood (?:practice|work|relationships?|examples?|progress|quality|support|use)\b", re.I
)
_EARLIER = re.compile(r"^In (?P<year>20[12]\d)(?:/\d\d)?,? we (?:judged|graded|found)", re.I)
MIN_SHARED = 2  # topic words a clause must share with a question to grade it


@dataclass(frozen=True)
class Clause:
    grade: str
    text: str  # the clause, as the sentence has it
    sentence: str  # the whole sentence, verbatim: what states the grade
    phrase: str  # the clause stating the grade with those continuing it: what is graded
    earlier: int | None = None  # "In 2017, we judged ...": the year of an earlier judgment


def clauses(sentence: str, force: str) -> list[Clause]:
    """The graded clauses of a sentence about the force (none when it is about another)."""
    if len(sentence) > 800 or not _about_force(sentence, force):
        return []
    phrases: list[list[tuple[str, str]]] = []  # each: (grade, clause) of one graded phrase
    grade: str | None = None
    pending = ""  # words before any grade: the topic of a grade still to come
    for part in _SPLIT.split(sentence):
        part = part.strip(" ,.")
        if not part:
            continue
        own = _grade_of(part)
        if own is None and not (grade and _CONTINUES.match(part)):
            pending = f"{pending} and {part}" if grade is None and pending else part
            grade = None
            continue
        if own is not None:
            phrases.append([])
            if pending and _CONTINUES.match(part):  # "the extent to which it is effective
                part = f"{pending} and {part}"  # at reducing crime and keeping ... is good"
        pending = ""
        grade = own or grade
        phrases[-1].append((grade, part))
    earlier = _EARLIER.match(sentence)
    year = int(earlier["year"]) if earlier else None
    return [
        Clause(g, part, sentence, " ".join(p for _, p in phrase), year)
        for phrase in phrases
        for g, part in phrase
    ]


def _grade_of(clause: str) -> str | None:
    match = _GRADE.search(clause)
    if match is None:
        return None
    word = match["a"] or match["b"] or match["c"]
    if word.lower() == "good" and _NOT_A_JUDGMENT.search(clause[match.start() :]):
        return None
    return grade_line(word.lower().replace("require ", "requires "))


def _about_force(sentence: str, force: str) -> bool:
    first = _GRADE.search(sentence)
    before = sentence[: first.end() if first else len(sentence)]
    return force.lower() in before.lower() or bool(_SUBJECT.search(before))


def about_pillar(clause: Clause, headline: str | None) -> bool:
    """Whether a clause grades the pillar as a whole: it names the pillar ("the efficiency
    with which ...") or says what the headline question asks ("reducing crime and keeping
    people safe")."""
    grade = _GRADE.search(clause.phrase)
    if grade and _PILLAR_WORDS.search(clause.phrase[max(0, grade.start() - 60) : grade.end() + 50]):
        return True  # the pillar words next to the grade: what is graded, not an aside
    for asked in (headline, *HEADLINES) if headline else HEADLINES:
        if topic_score(clause.phrase, asked) >= max(3, len(topic_words(asked)) - 1):
            return True
    return False


def question_grades(
    found: list[Clause], questions: tuple[FrameworkQuestion, ...]
) -> dict[int, Clause]:
    """Question number -> the clause stating its grade: the clause sharing most of its topic
    words (at least MIN_SHARED, and more than any clause with another grade), among the
    clauses that name this question about as well as any other ("tackling serious and
    organised crime" grades that question, not the one about "tackling anti-social
    behaviour ... crime")."""
    best_of = {
        id(c): max((topic_score(c.text, q.text) for q in questions), default=0) for c in found
    }
    out: dict[int, Clause] = {}
    for q in questions:
        scored = sorted(
            (
                (score, c)
                for c in found
                if (score := topic_score(c.text, q.text)) >= max(MIN_SHARED, best_of[id(c)] - 1)
            ),
            key=lambda s: -s[0],
        )
        if not scored:
            continue
        best, clause = scored[0]
        if any(s == best and c.grade != clause.grade for s, c in scored[1:]):
            continue  # two clauses as close, with different grades: say nothing
        out[q.number] = clause
    return out
