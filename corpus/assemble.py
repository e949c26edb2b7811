"""One assembler for every layout: an outline's blocks become passages (verbatim slices of
the text), with ids, paragraph numbers, acronyms and each unit's improvement lists."""

from __future__ import annotations

import hashlib
import re

from corpus.acronyms import find_acronyms
from corpus.document import Document
from corpus.grades import NOT_GRADED, scale_for
from corpus.layouts.base import Outline, is_bullet, slugify
from corpus.records import AFI_SECTIONS, CONCERN_SECTIONS, Passage, Report, Unit
from corpus.sentences import ABBREVIATIONS

_BULLET_MARK = re.compile(r"^\s*\S\s+")
# Where a sentence ends: . ! ? : ; or … (closed by a quote or bracket), then space or the end.
_SENTENCE_END = re.compile(r"[.!?:;…][”’\"')\]]*(?=\s|$)")


def assemble(doc: Document, outline: Outline, data: bytes) -> tuple[Report, list[Passage]]:
    """The Report and its Passages, in reading order."""
    report_id = "-".join(slugify(part) for part in outline.id_parts if part)
    units = {u.key: u for u in outline.units}
    passages: list[Passage] = []
    counters: dict[str, int] = {}
    improvements: dict[str, list[str]] = {}
    concerns: dict[str, list[str]] = {}
    ends = _verbatim_ends(doc, outline)
    for block in outline.blocks:
        if block.first is None or block.last is None:  # a marker with nothing under it
            continue
        end = ends.get(id(block), block.last.end)
        if end is None:  # a stub the copy was cut in
            continue
        unit = units[block.unit]
        counters[unit.key] = counters.get(unit.key, 0) + 1
        paragraph = counters[unit.key]
        body = doc.text[block.first.start : end]
        if block.section in AFI_SECTIONS:
            improvements.setdefault(unit.key, []).extend(_items(body))
        elif block.section in CONCERN_SECTIONS:
            concerns.setdefault(unit.key, []).extend(_items(body))
        numbered = unit.kind == "question" and unit.number is not None
        passages.append(
            Passage(
                id=f"{report_id}-{unit.key}-p{paragraph}",
                text=body,
                report=report_id,
                force=outline.force,
                year=outline.year,
                pillar=unit.pillar or outline.pillar,
                question_number=unit.number if numbered else None,
                question=unit.title if numbered else None,
                grade=unit.grade,
                section=block.section,
                paragraph=paragraph,
                unit=unit.key,
                unit_label=unit.label,
                unit_title=unit.title,
                page=block.first.page,
            )
        )
    if not passages:
        last = doc.lines[-1].number if doc.lines else 1
        raise doc.error(last, "no paragraphs found under the header")
    acronyms: dict[str, str] = {}
    for passage in passages:
        for acronym, long_form in find_acronyms(passage.text).items():
            acronyms.setdefault(acronym, long_form)
    graded = any(u.grade and u.grade not in NOT_GRADED for u in outline.units)
    scale = scale_for(outline.year)
    for unit in outline.units:
        if unit.grade and unit.grade not in scale.grades + NOT_GRADED:
            outline.warnings.append(
                f"{unit.label} is graded {unit.grade}, which is not on the {scale.name} scale "
                f"that {scale.used} reports use"
            )
    report = Report(
        id=report_id,
        file=doc.name,
        sha256=hashlib.sha256(data).hexdigest(),
        force=outline.force,
        year=outline.year,
        pillar=outline.pillar,
        headline=outline.headline,
        grade=outline.grade,
        updated=outline.updated,
        units=tuple(
            Unit(
                key=u.key,
                label=u.label,
                title=u.title,
                grade=u.grade,
                kind=u.kind,
                number=u.number,
                pillar=u.pillar or outline.pillar,
                carried_over=u.carried_over,
                areas_for_improvement=tuple(improvements.get(u.key, ())),
                causes_of_concern=tuple(concerns.get(u.key, ())),
                page=u.page,
                grade_sentence=u.grade_from if u.grade else None,
            )
            for u in outline.units
        ),
        acronyms=acronyms,
        layout=outline.layout,
        grade_scale=scale.name if graded else None,
        source_format=doc.format,
        warnings=tuple(outline.warnings),
    )
    return report, passages


def _verbatim_ends(doc: Document, outline: Outline) -> dict[int, int | None]:
    """Where the last paragraph ends when the copy stops in the middle of a sentence: at
    its last whole sentence ("... to support victims. It exchanges information with p"
    ends at "victims."), or nowhere when it holds none ("Cumb", "Good r", "I am confiden":
    left out). Every passage stays a slice of the text as it is. Keyed by id(block)."""
    blocks = [b for b in outline.blocks if b.first is not None and b.last is not None]
    if len(blocks) < 2:
        return {}  # the only paragraph is kept whole, whatever it is
    last = max(blocks, key=lambda b: b.last.end)
    body = doc.text[last.first.start : last.last.end].rstrip()
    if _SENTENCE_END.search(body[-3:]) or not body:
        return {}
    whole = [
        m.end()
        for m in _SENTENCE_END.finditer(body)
        if not body[: m.end()].lower().endswith(ABBREVIATIONS)  # "(e.g." ends nothing
    ]
    return {id(last): last.first.start + whole[-1] if whole else None}


def _items(body: str) -> list[str]:
    """The bullet items of a block, or the block itself when it has no bullets."""
    items = [_BULLET_MARK.sub("", raw).strip() for raw in body.split("\n") if is_bullet(raw)]
    return items or [" ".join(body.split())]
