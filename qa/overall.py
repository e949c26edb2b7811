"""Grade answers read from the one account of grades (qa/account.py), for every page type.

A question about a pillar as a whole (or about no pillar: "how did Durham do?", "overall",
"latest inspection") is answered from the account's records, whichever page stated them: a
pillar page's own grade, an overview page's three pillar grades, a 2021+ report's areas.

- grade: the pillar's grade in the cycle asked for (else the latest cycle that grades it);
  with no pillar named, every graded pillar or area of that cycle, as a table.
- compare / list: one row per force and unit, from every page type.
- trend: one pillar (or area) followed across cycles; a step between frameworks that do not
  line up (2014-2019 pillars, each 2021+ cycle's areas) is said, never scored up or down.
- "which of X's questions were rated good": X's units with that grade.

A unit graded "Ungraded" or "Not yet graded" has no grade to give: the answer says so.
"""

from __future__ import annotations

import re
from dataclasses import replace

from corpus.grades import NOT_GRADED
from corpus.records import OVERVIEW
from index.load import LoadedIndex
from qa.account import GradeCell, account, cycle_of, cycle_order, same_unit
from qa.answers import DirectAnswer, Outcome, Row
from qa.cite import citation, cite, unit_citation
from qa.query import Query, asks_reasons
from qa.scope import Scope

_ORDER = {"Inadequate": 0, "Requires improvement": 1, "Adequate": 2, "Good": 3, "Outstanding": 4}
LATEST = re.compile(
    r"\b(?:latest|most recent|newest|last|current|recent)\b(?!\s+year)", re.IGNORECASE
)
SENTENCE = "sentence"  # account_answer's word for "the report's own sentence answers"
UNITS_ASKED = re.compile(r"\b(?:questions?|areas?|parts?|units?|bits?|things?)\b", re.IGNORECASE)


# Words that ask for a force's grades without naming a topic of policing.
_GENERIC = frozenset(
    "result results inspection inspections rating ratings rated grade grades graded "
    "judgement judgements judgment judgments assessment assessments peel performance perform "
    "performed do did doing done score scores overall latest recent recently newest current "
    "last most get got give gave given award awarded mark marks report reports police force "
    "constabulary improved improve changed change better worse since time years year over "
    "gone go went how well good bad wat wot wht waht card cards".split()
)
_GRADE_CUE = re.compile(
    r"\b(?:grade|grades|graded|rating|ratings|rated|result|results|judge?ments?|score|"
    r"scored|do|did|get|got|inspection|peel|overall|latest|most recent)\b|^\W*$",
    re.IGNORECASE,
)
_GRADE_NAMED = re.compile(
    r"\b(outstanding|good|adequate|requir(?:es?|ed|ing) improvement|inadequate)\b", re.IGNORECASE
)
_IMPROVE_WORDS = re.compile(
    r"\b(?:should|must|need(?:s|ed)? to|areas? for improvement|to improve|improvements|"
    r"recommend\w*|causes? of concern|what (?:do|does|did|should) .{0,30}improve)\b",
    re.IGNORECASE,
)
_EXPLICIT = re.compile(
    r"\b(?:grades?|graded|ratings?|rated|results?|judge?ments?|scores?|scored|overall|latest|"
    r"most recent|how (?:did|do|does|is|are|was|were) .{1,40}\b(?:do|doing|get on|fare))\b",
    re.IGNORECASE,
)
# asks for the report's words on a topic, not its grade
_SAYS_ABOUT = re.compile(
    r"\b(?:say|said|says|saying|mention|mentioned|write|wrote|written|note|noted|comment|"
    r"comments|commented|report|reported|find|found) (?:about|on)\b",
    re.IGNORECASE,
)
_WHY = re.compile(r"\b(?:why|reasons?|because|based on|how come|explain)\b", re.IGNORECASE)
_ADJECTIVE = re.compile(r"\bhow (effective|efficient|legitimate)(?:ly)?\b", re.IGNORECASE)
_PILLAR_OF = {"effective": "Effectiveness", "efficient": "Efficiency", "legitimate": "Legitimacy"}


_G = r"(outstanding|good|adequate|requir(?:es?|ed|ing) improvement|inadequate)"
# "good" and "adequate" are everyday words too ("good practice", "adequate training"): they
# name a grade only beside a word that rates, compares or lists grades
_CUED = re.compile(
    r"\b(?:rated|graded|judged|get|got|gets|given|received|awarded|as|was|were|is|are|be|been|"
    r"being|at least|below|under|above|over|than|short of|not|or|and|only)\s+"
    r"[‘'\"]?(good|adequate)\b|\b(good|adequate)[’'\"]?(?:-(?:rated|graded)|\s+(?:or|and|rating|"
    r"grades?|ratings?|for)\b)",
    re.IGNORECASE,
)
_BELOW = re.compile(
    rf"\b(?:below|under|worse than|lower than|less than|short of|not(?: even| yet)?"
    rf"(?: rated| graded| judged)?)\s+[‘'\"]?{_G}",
    re.IGNORECASE,
)
_AT_MOST = re.compile(rf"{_G}[’'\"]?\s+or\s+(?:worse|below|lower|less|under)\b", re.IGNORECASE)
_ABOVE = re.compile(rf"\b(?:above|better than|higher than)\s+[‘'\"]?{_G}", re.IGNORECASE)
_AT_LEAST = re.compile(
    rf"\bat least\s+[‘'\"]?{_G}|{_G}[’'\"]?\s+(?:or|and)\s+(?:better|above|higher|over)\b",
    re.IGNORECASE,
)
# a grade band in words: "where did they fall short?", "what did they do well on?"
_SHORT = re.compile(
    r"\b(?:f[ae]ll(?:s|ing)? short|fail(?:ed|ing|s)?|under-?perform\w*|not good enough|"
    r"(?:did|do|does|doing|done|perform(?:ed|s|ing)?|score[ds]?|fare[ds]?) (?:badly|poorly|worst)|"
    r"(?:weak|poor)(?:er)? (?:grades?|ratings?|results?))\b",
    re.IGNORECASE,
)
_WELL = re.compile(
    r"\b(?:(?:did|do|does|doing|done|perform(?:ed|s|ing)?|score[ds]?|fare[ds]?) well|"
    r"(?:good|strong|high|top)(?:er)? (?:grades?|ratings?|marks?|results?))\b",
    re.IGNORECASE,
)
# asking for a force's units: "which/what/where ...", "list ...", "were any of ...",
# "was anything rated ..."
_ASKS_UNITS = re.compile(
    r"(?:^|[,;:]\s*)\W*(?:(?:and|so|but|then|ok(?:ay)?)\W+)?(?:what|list|name|show|tell me|"
    r"give me|how many)\b|\b(?:which|where)\b|\b(?:any of|were any|was any|did any|are any|"
    r"is any|were there any|are there any|none of|anything|any (?:questions?|areas?|parts?))\b",
    re.IGNORECASE,
)
# what the question calls the units: "questions", "areas", "where", "anything", or it ends
# on what it asks about ("what did they do well on?")
_UNIT_WORDS = re.compile(
    rf"{UNITS_ASKED.pattern}|\bwhere\b|\banything\b|\b(?:on|at|in|for)(?:\s+in\s+\d{{4}})?\W*$",
    re.IGNORECASE,
)
# words of a grade-list question that name no topic of policing
_LIST_FRAME = frozenset(
    "improving improvement improve improved need needs needed needing short fall fell falling "
    "fails failed failing well badly poorly anything any questions question areas area parts "
    "part units unit bits things thing better worse below above least lower higher under "
    "underperforming rated graded judged outstanding adequate inadequate requires required "
    "effectiveness efficiency legitimacy work".split()
)
# "which of their questions need improving?": a grade band, when units are named
_NEEDS = re.compile(
    r"\b(?:needs?|needed|needing) (?:improving|improvement|to improve|to get better|work)\b",
    re.IGNORECASE,
)


def _grade_name(word: str) -> str:
    word = word.lower()
    return "Requires improvement" if word.startswith("requir") else word.capitalize()


def grades_asked(text: str) -> frozenset[str]:
    """The grades a question asks to be listed: "rated good" {Good}, "requires improvement or
    inadequate" both, "below good" / "requires improvement or worse" / "fell short" every
    grade under Good (Adequate too: it is under Good on the 2021 scale), "good or better" /
    "did well" Good and Outstanding; empty when it names no grade."""
    band: set[str] = set()
    spans: list[tuple[int, int]] = []
    for pattern, keep in (
        (_BELOW, lambda g, o: o < _ORDER[g]),
        (_AT_MOST, lambda g, o: o <= _ORDER[g]),
        (_ABOVE, lambda g, o: o > _ORDER[g]),
        (_AT_LEAST, lambda g, o: o >= _ORDER[g]),
    ):
        for match in pattern.finditer(text):
            word = next(w for w in match.groups() if w)
            grade = _grade_name(word)
            band |= {g for g, o in _ORDER.items() if keep(grade, o)}
            spans.append(match.span())
    for match in _GRADE_NAMED.finditer(text):
        if any(a <= match.start() < b for a, b in spans):
            continue
        word = match.group(1).lower()
        if word in ("good", "adequate") and not any(
            m.start() <= match.start() < m.end() for m in _CUED.finditer(text)
        ):
            continue
        band.add(_grade_name(word))
    if not band and _SHORT.search(text):
        band = {g for g, o in _ORDER.items() if o < _ORDER["Good"]}
    elif not band and _WELL.search(text):
        band = {g for g, o in _ORDER.items() if o >= _ORDER["Good"]}
    return frozenset(band)


def asks_force_units(query: Query) -> frozenset[str]:
    """The grades of a question that asks which of one force's questions (areas) got them:
    "which of X's questions were rated good?", "were any of X's questions inadequate?",
    "where did X fall short?", "what did X do well on?"; empty for any other question."""
    text = query.corrected or query.text
    if len(query.forces) != 1 or _WHY.search(text) or not _ASKS_UNITS.search(text):
        return frozenset()
    if not _UNIT_WORDS.search(text):
        return frozenset()
    topic = [w for w in re.findall(r"[a-z]+", query.topic.lower()) if w not in _GENERIC]
    if any(w not in _LIST_FRAME for w in topic):
        return frozenset()  # "where is durham falling short on vetting?": a topic's findings
    wanted = grades_asked(text)
    if not wanted and UNITS_ASKED.search(text) and _NEEDS.search(text):
        wanted = frozenset(g for g, o in _ORDER.items() if o < _ORDER["Good"])
    return wanted


def grade_question(query: Query) -> Query:
    """A question about a force's grades in other words than the rules read: "kent
    legitimacy 2016", "what was kent's latest inspection result?", "cumbria 2018/19 results",
    "did they get requires improvement for ...", "how efficient were they in 2018".

    Its topic, when made only of words that ask for grades, is no topic (the pillar or the
    force as a whole is meant); such a question about named forces, years or pillars is a
    grade question (a comparison with several forces, a list when it asks who got a grade)."""
    text = query.corrected or query.text
    words = [w for w in re.findall(r"[a-z]+", query.topic.lower())]
    generic_topic = all(w in _GENERIC for w in words)
    named = _GRADE_NAMED.search(text)
    grade_named = query.grade_named
    if named and grade_named is None:
        grade_named = _grade_name(named.group(1))
    changes: dict = {}
    pillars = query.pillars
    adjective = _ADJECTIVE.search(text)
    if not pillars and adjective and (generic_topic or not words):
        pillars = (_PILLAR_OF[adjective.group(1).lower()],)
        changes["pillars"] = pillars
        changes["topic"] = ""
    intent = query.intent
    # the intent read by meaning is overruled only by words that ask for grades outright,
    # or by a bare "kent legitimacy 2016" (a force, pillar or year and nothing else)
    explicit = bool(_EXPLICIT.search(text))
    bare = not words and len(re.findall(r"[\w']+", text)) <= 5
    asks_why = _WHY.search(text) or asks_reasons(text)
    if intent == "reasons" and not asks_why and generic_topic and explicit:
        intent = "other"  # "what was kent's latest inspection result?": no why asked
    about_grades = bool(query.forces or pillars or query.years) and (
        bool(pillars) or bool(_GRADE_CUE.search(text)) or not words
    )
    if intent == "grade" and words and not generic_topic and _SAYS_ABOUT.search(text):
        intent = "other"  # "what did the 2014 inspection say about restorative justice?"
    if intent == "improvements" and named and not _IMPROVE_WORDS.search(text):
        intent = "grade"  # "did they get requires improvement for ...": a grade
    elif intent in ("other", "improvements") and (generic_topic or not words) and about_grades:
        if intent == "improvements" and (_IMPROVE_WORDS.search(text) or not (explicit or bare)):
            pass
        elif len(query.forces) > 1:
            intent = "compare"
        else:
            intent = "grade"
    asks_which = re.search(r"\b(?:which|who|what)\b", text, re.IGNORECASE)
    if intent in ("grade", "list", "other") and named and asks_which:
        if not query.forces:
            intent = "list"  # "who got outstanding for legitimacy in 2016?"
        elif len(query.forces) == 1 and UNITS_ASKED.search(text):
            intent = "list"  # "which of X's questions were rated good?"
            changes["topic"] = ""
    if intent == "list" and named:
        changes["grade_named"] = grade_named
    wanted = asks_force_units(query)
    if wanted and query.intent not in ("figure", "reasons"):
        # "which of X's questions were below good?", "where did X fall short?": X's units
        # with those grades, a table
        intent = "list"
        changes["grades_wanted"] = tuple(sorted(wanted, key=_ORDER.get))
        changes["grade_named"] = (
            grade_named if grade_named in wanted else min(wanted, key=_ORDER.get)
        )
        changes["topic"] = ""
        changes["extreme"] = None
    if words and generic_topic and intent in ("grade", "compare", "list", "trend", "other"):
        changes["topic"] = ""
    if intent != query.intent:
        changes["intent"] = intent
        if query.answer_type in ("unit", "yesno", None):
            changes["answer_type"] = None
    return replace(query, **changes) if changes else query


def account_answer(
    index: LoadedIndex, query: Query, scope: Scope
) -> Outcome | tuple[str, frozenset[str]] | None:
    """The answer to a question about a pillar as a whole or a force's grades; None to
    leave it to the question-by-question answers (a topic, a best or worst); (SENTENCE,
    report ids) when those reports' own words answer (a latest report that states no grade,
    as a 2021+ report's summary of its grades does)."""
    intent = query.intent
    if intent not in ("grade", "compare", "list", "trend"):
        return None
    ids = scope.report_ids
    records = [c for c in account(index) if c.report.id in ids]
    if query.pillars:
        records = [c for c in records if c.pillar in query.pillars]
    if intent == "list" and (query.grade_named or query.grades_wanted) and len(query.forces) == 1:
        return _force_units(records, query)
    if query.extreme:
        if intent != "list" and (query.forces or len(scope.forces) < 2):
            return None  # "what was X worst at": its questions, answered question by question
        return Outcome(_extreme(records, scope, query))
    units = [c for c in records if c.level in ("pillar", "area")]
    if intent == "list" and query.grade_named and not query.pillars and not query.overall:
        units = records  # "which forces were rated inadequate for anything": every unit
    if intent != "grade":  # a table of grades: units the page says were not graded are no row
        units = [c for c in units if c.grade not in NOT_GRADED]
    several_forces = len(scope.forces) > 1
    if intent == "list" or (intent == "grade" and several_forces and not query.forces):
        rows = units if intent == "list" else _latest(units, scope)
        if query.grade_named:
            rows = [c for c in rows if c.grade == query.grade_named]
        return Outcome(_table("list", _one_each(rows), query))
    if intent == "compare":
        rows = units if query.years else _latest(units, scope)
        return Outcome(_table("compare", _one_each(rows), query))
    if intent == "trend":
        if query.years:  # "since 2017": from 2017 on
            start = min(query.years)
            units = [c for c in units if cycle_order(c.report.year)[0] >= start]
        return Outcome(_trend(_one_each(units), query))
    # a grade: the named force (the first, when several are named)
    force = query.forces[0] if query.forces else (scope.forces[0] if scope.forces else None)
    units = [c for c in units if c.force == force]
    chosen = units if query.years else _latest(units, scope, per_force=True)
    if not chosen:
        latest = _latest_reports(scope, force)
        graded = _one_each(_latest(units, scope))
        if not graded:
            return _no_grade(query, scope, force) or (SENTENCE, latest)
        summary = _grade_summary(index, latest)
        if summary is not None:
            return summary
        newer = ", ".join(sorted({r.title for r in scope.reports if r.id in latest}))
        answer = _table("overall", graded, query)
        text = f"{newer} states no grade in the indexed text; the latest grades indexed: "
        return Outcome(replace(answer, text=text + answer.text))
    if query.every_grade and not query.overall and len({c.pillar for c in chosen}) == 1:
        # "what were X's grades?" of one pillar's page: its questions' grades too
        cycles = {(c.report.id) for c in chosen}
        chosen = [c for c in records if c.force == force and c.report.id in cycles]
        return Outcome(_table("list", _one_each(chosen), query))
    if query.pillars or len(_one_each(chosen)) == 1:
        return _grade(chosen, records, query)
    return _overall(_one_each(chosen), query)


def _overall(cells: list[GradeCell], query: Query) -> Outcome:
    """Every graded pillar (or area) of one cycle as a table; a unit the page says was not
    graded is named in the text, not given a row."""
    graded = [c for c in cells if c.grade not in NOT_GRADED]
    ungraded = [c for c in cells if c.grade in NOT_GRADED]
    if not graded:
        first = cells[0]
        return Outcome(
            None,
            f"{first.page_name} gives no grade: "
            + "; ".join(f"{c.subject} {c.grade.lower()}" for c in cells)
            + ". The nearest passages follow.",
        )
    answer = _table("overall", graded, query)
    if ungraded:
        answer = replace(
            answer,
            text=answer.text
            + "; not graded: "
            + ", ".join(f"{c.subject} ({c.grade.lower()})" for c in ungraded),
        )
    return Outcome(answer)


def _extreme(records: list[GradeCell], scope: Scope, query: Query) -> DirectAnswer:
    """'Which force had the best legitimacy grade in 2017?': of each force's grade for the
    pillar (of the year asked, else its latest), those at the best (or worst) level."""
    cells = [c for c in records if c.level in ("pillar", "area") and c.grade in _ORDER]
    cells = _one_each(cells if query.years else _latest(cells, scope))
    if cells:
        pick = min if query.extreme == "worst" else max
        level = pick(_ORDER[c.grade] for c in cells)
        cells = [c for c in cells if _ORDER[c.grade] == level]
    return _table("list", cells, replace(query, grade_named=None))


def _latest(cells: list[GradeCell], scope: Scope, per_force: bool = False) -> list[GradeCell]:
    """The records of each force's latest cycle that grades something (of each unit, when a
    pillar is asked for: a force's latest Legitimacy grade may be older than its latest
    report). With ``per_force`` (a question about one force's grades), none for a force
    whose latest report states no grade at all: that report's own words answer first (a
    2021+ report's summary of its grades)."""
    out = []
    forces = sorted({c.force for c in cells})
    for force in forces:
        own = [c for c in cells if c.force == force]
        newest = max(cycle_order(c.report.year) for c in own)
        latest_report = max(
            (cycle_order(r.year) for r in scope.reports if r.force == force), default=newest
        )
        if per_force and latest_report > newest and len({c.pillar for c in own}) > 1:
            continue  # "how did X do": its latest report, graded or not, answers
        out += [c for c in own if cycle_order(c.report.year) == newest]
    return out


# A 2021+ report's own summary of its grades: "Cumbria Constabulary was awarded no requires
# improvement or inadequate grades."
_SUMMARY = re.compile(
    r"\b(?:was|were|has been) awarded\b.{0,80}\bgrades?\b|"
    r"\b(?:graded|judged)\b.{0,60}\b(?:outstanding|good|adequate|requires improvement|"
    r"inadequate)\b",
    re.IGNORECASE,
)


def _grade_summary(index: LoadedIndex, report_ids: frozenset[str]) -> Outcome | None:
    """The sentence of these reports (their opening first) that sums up their grades."""
    for report in sorted((r for r in index.reports if r.id in report_ids), key=lambda r: r.id):
        keys = [OVERVIEW] + [u.key for u in report.units if u.key != OVERVIEW]
        for key in keys:
            for row in index.rows_by_unit.get((report.id, key), []):
                passage = index.passages[row]
                start = int(index.sentence_offsets[row])
                end = int(index.sentence_offsets[row + 1])
                for a, b in index.sentence_spans[start:end]:
                    sentence = passage.text[int(a) : int(b)]
                    if _SUMMARY.search(sentence):
                        return Outcome(
                            DirectAnswer(
                                kind="sentence",
                                text=sentence,
                                citation=citation(passage),
                                cite=cite(passage),
                                passage_id=passage.id,
                                spans=((int(a), int(b)),),
                            )
                        )
    return None


def _latest_reports(scope: Scope, force: str | None) -> frozenset[str]:
    """The ids of the force's latest reports in scope (its latest cycle's)."""
    own = [r for r in scope.reports if r.force == force]
    if not own:
        return frozenset()
    newest = max(cycle_order(r.year) for r in own)
    return frozenset(r.id for r in own if cycle_order(r.year) == newest)


def _one_each(cells: list[GradeCell]) -> list[GradeCell]:
    """One record per force, cycle and unit: of two pages stating it, the one citing its
    sentence (a disagreement stays in the record's note)."""
    kept: dict[tuple, GradeCell] = {}
    for cell in cells:
        key = same_unit(cell)
        if key not in kept or (cell.stated.span and not kept[key].stated.span):
            kept[key] = cell
    return sorted(kept.values(), key=_reading_order)


def _reading_order(cell: GradeCell) -> tuple:
    return (cell.force, cycle_order(cell.report.year), cell.pillar or "", cell.column_key)


def _row(cell: GradeCell) -> Row:
    return Row(cell.report, cell.unit, cell.grade, cell.stated.passage_id, record=cell)


def _cell_text(cell: GradeCell, with_force: bool = True) -> str:
    head = f"{cell.force} {cell.report.year}" if with_force else str(cell.report.year)
    text = f"{head} {cell.subject}: {cell.grade}"
    return text + (f" ({cell.conflict})" if cell.conflict else "")


def _table(kind: str, cells: list[GradeCell], query: Query) -> DirectAnswer:
    what = " or ".join(query.pillars) if query.pillars else "overall"
    if not cells:
        graded = f" graded {query.grade_named}" if query.grade_named else " graded"
        on = f" on {what}" if query.pillars else ""
        return DirectAnswer(
            kind=kind,
            text=f"No unit of the indexed reports in scope is{graded}{on}.",
            citation=None,
            cite=None,
            passage_id=None,
        )
    if kind == "overall":
        first = cells[0]
        head = f"{first.force} PEEL {first.report.year}, every pillar or area graded"
        text = head + ": " + "; ".join(f"{c.subject}: {c.grade}" for c in cells)
    elif kind == "list":
        head = f"Graded {query.grade_named}" if query.grade_named else "Grades"
        if query.extreme:
            head = f"Graded {query.extreme}"
        text = head + (f" on {what}" if query.pillars else "") + ": "
        text += "; ".join(_cell_text(c) for c in cells)
    else:
        text = f"{what[:1].upper() + what[1:]}: " + "; ".join(_cell_text(c) for c in cells)
    return _answer(kind, text, cells)


def _answer(kind: str, text: str, cells: list[GradeCell], grade: str | None = None):
    first = cells[0]
    return DirectAnswer(
        kind=kind,
        text=text,
        grade=grade,
        citation=_citation(first),
        cite=first.cite,
        passage_id=first.stated.passage_id,
        rows=tuple(_row(c) for c in cells) if kind != "grade" else (),
        spans=(first.stated.span,) if first.stated.span else (),
    )


def _citation(cell: GradeCell):
    return replace(unit_citation(cell.report, cell.unit), pillar=cell.pillar, grade=cell.grade)


def _grade(chosen: list[GradeCell], records: list[GradeCell], query: Query) -> Outcome:
    """One pillar's grade (of one cycle); the pages that state it, when two disagree."""
    ranked = _one_each(chosen)
    cell = ranked[-1] if not query.years else ranked[0]
    if cell.grade in NOT_GRADED:
        return Outcome(
            None,
            f"{cell.page_name} gives no grade for {cell.subject}: it says "
            f"{cell.grade.lower()}. The nearest passages follow.",
        )
    text = f"{cell.grade}: {cell.force} PEEL {cell.report.year}, {cell.subject}"
    if cell.conflict:
        text += f" (so says {cell.page_name}; {cell.conflict})"
    earlier = [
        c
        for c in _one_each(records)
        if c.force == cell.force
        and c.column_key == cell.column_key
        and c.pillar == cell.pillar
        and c.framework == cell.framework
        and cycle_order(c.report.year) < cycle_order(cell.report.year)
    ]
    if earlier:
        text += ". Earlier: " + ", ".join(f"{c.report.year}: {c.grade}" for c in earlier)
    return Outcome(_answer("grade", text, [cell], grade=cell.grade))


def _trend(cells: list[GradeCell], query: Query) -> DirectAnswer:
    """Each pillar (or area) of each force across cycles; a move is scored only between
    two cycles of one framework."""
    if not cells:
        return _table("trend", cells, query)
    series: dict[tuple, list[GradeCell]] = {}
    for cell in cells:
        series.setdefault((cell.force, cell.pillar or cell.area or "", cell.column_key), []).append(
            cell
        )
    parts, moves, notes = [], [], []
    for (force, subject, _), run in series.items():
        run.sort(key=lambda c: cycle_order(c.report.year))
        parts.append(
            f"{force} {subject or 'overall'}: "
            + " → ".join(f"{c.report.year} {c.grade}" for c in run)
        )
        for before, after in zip(run, run[1:], strict=False):
            step = f"{force} {subject} {before.report.year}→{after.report.year}"
            if before.framework != after.framework:
                notes.append(f"{step}: not comparable ({after.framework} grades differently)")
                continue
            a, b = _ORDER.get(before.grade), _ORDER.get(after.grade)
            if a is None or b is None:
                continue
            moves.append(f"{step}: {'up' if b > a else 'down' if b < a else 'the same'}")
    text = "; ".join(parts)
    if moves or notes:
        text += " (" + "; ".join(moves + notes) + ")"
    ordered = [c for run in series.values() for c in run]
    return _answer("trend", text, ordered)


def _force_units(records: list[GradeCell], query: Query) -> Outcome:
    """'Which of X's questions (areas) were rated good?': X's units with that grade."""
    force = query.forces[0]
    own = [c for c in records if c.force == force]
    if not query.overall:  # its questions (areas), or a page's pillars when it grades no question
        own = [c for c in own if c.level != "pillar"] or own
    if query.years:
        own = [c for c in own if any(_covers(c.report.year, y) for y in query.years)]
    wanted = query.grades_wanted or (query.grade_named,)
    chosen = [c for c in _one_each(own) if c.grade in wanted]
    named = _band_words(wanted)
    if not chosen:
        return Outcome(
            DirectAnswer(
                kind="list",
                text=f"No unit of {force}'s indexed reports is graded {named}.",
                citation=None,
                cite=None,
                passage_id=None,
            )
        )
    text = f"{force}, graded {named} ({len(chosen)}): " + "; ".join(
        f"{c.report.year} {c.pillar + ' ' if c.pillar and c.level != 'pillar' else ''}{c.subject}"
        for c in chosen
    )
    return Outcome(_answer("list", text, chosen))


def _band_words(grades: tuple[str, ...]) -> str:
    """ "below Good", "Good or better", or the grades named ("Requires improvement or
    Inadequate")."""
    wanted, good = set(grades), _ORDER["Good"]
    if wanted == {g for g, o in _ORDER.items() if o < good}:
        return "below Good"
    if wanted == {g for g, o in _ORDER.items() if o >= good}:
        return "Good or better"
    return " or ".join(sorted(wanted, key=_ORDER.get, reverse=True))


def _covers(year: str, wanted: int) -> bool:
    found = [int(y) for y in re.findall(r"20\d\d", cycle_of(year))]
    tail = re.search(r"/(\d\d)$", cycle_of(year))
    last = (found[0] // 100) * 100 + int(tail.group(1)) if found and tail else None
    return bool(found) and (found[0] == wanted or (last is not None and found[0] <= wanted <= last))


def _no_grade(query: Query, scope: Scope, force: str | None) -> Outcome | None:
    """No record answers: with a pillar named, the force's reports in scope state no grade
    for it (say so); else leave it to the report's own words."""
    if not query.pillars or not force:
        return None
    reports = [r for r in scope.reports if r.force == force]
    if not reports:
        return None
    names = ", ".join(r.title for r in reports)
    return Outcome(
        None,
        f"The indexed reports of {force} in scope ({names}) state no grade for "
        f"{' or '.join(query.pillars)}. The nearest passages follow.",
    )
