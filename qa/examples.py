"""Example questions for the chat page, made from whatever reports are indexed."""

from __future__ import annotations

import re

from corpus.records import Report, Unit
from qa.answers import short_title
from qa.grades import GRADE_RANK, GRADED_KINDS, cycle_order

MAX_EXAMPLES = 3
# Verbs the framework questions open with after "To what extent does the force ...".
_VERBS = {"treat", "ensure", "understand", "use", "plan", "provide", "identify", "protect"}


def example_questions(reports: list[Report]) -> list[str]:
    """Up to three questions the indexed reports answer: a grade, what to improve, and a
    comparison of two forces or one force's change over time (when there is one)."""
    if not reports:
        return []
    latest = sorted(reports, key=lambda r: (cycle_order(r.year), r.force), reverse=True)
    examples: list[str] = []
    graded = [(r, u) for r in latest for u in _graded(r) if GRADE_RANK.get(u.grade or "", 9) < 5]
    if graded:  # the worst graded unit of the latest reports: the grade people ask about
        report, unit = min(graded, key=lambda ru: -GRADE_RANK[ru[1].grade or ""])
        examples.append(f"What grade did {report.force} get for {_topic(unit)} in {report.year}?")
    improving = [(r, u) for r in latest for u in _graded(r) if u.areas_for_improvement]
    if improving:
        report, unit = max(improving, key=lambda ru: len(ru[1].areas_for_improvement))
        examples.append(f"What does {report.force} need to improve in {_topic(unit)}?")
    forces = sorted({r.force for r in reports})
    by_force: dict[str, list[Report]] = {}
    for report in reports:
        by_force.setdefault(report.force, []).append(report)
    repeated = [f for f in forces if len({(r.year, r.pillar) for r in by_force[f]}) > 1]
    shared = _shared_topic(by_force, forces)
    if repeated:
        force = repeated[0]
        topic = _shared_topic({force: by_force[force]}, [force], across_years=True)
        if topic:
            examples.append(f"How has {force}'s grade for {topic} changed?")
    if len(examples) < MAX_EXAMPLES and len(forces) > 1 and shared:
        examples.append(f"Compare {forces[0]} and {forces[1]} on {shared}")
    return examples[:MAX_EXAMPLES]


def _graded(report: Report) -> list[Unit]:
    return [u for u in report.units if u.kind in GRADED_KINDS and u.grade and u.title]


def _topic(unit: Unit) -> str:
    """'investigating crime and reducing re-offending' from the unit's printed title."""
    topic = short_title(unit.title or unit.label)
    topic = re.sub(r"^[A-Z](?=[a-z])", lambda m: m.group(0).lower(), topic)
    first, _, rest = topic.partition(" ")
    if first.isalpha() and first.islower() and not first.endswith("ing") and first in _VERBS:
        # "treat its workforce ..." (from "To what extent does the force treat ...")
        first = (first[:-1] if first.endswith("e") and not first.endswith("ee") else first) + "ing"
        topic = f"{first} {rest}".strip()
    return topic


def _shared_topic(
    by_force: dict[str, list[Report]], forces: list[str], across_years: bool = False
) -> str | None:
    """A graded unit title the first two forces both have (or one force in two reports)."""
    if across_years:
        counts: dict[str, int] = {}
        for report in by_force[forces[0]]:
            for unit in _graded(report):
                counts[unit.title] = counts.get(unit.title, 0) + 1  # type: ignore[index]
        titles = [t for t, n in counts.items() if n > 1]
        unit = next((u for r in by_force[forces[0]] for u in _graded(r) if u.title in titles), None)
        return _topic(unit) if unit else None
    if len(forces) < 2:
        return None
    second = {u.title for r in by_force[forces[1]] for u in _graded(r)}
    unit = next((u for r in by_force[forces[0]] for u in _graded(r) if u.title in second), None)
    return _topic(unit) if unit else None
