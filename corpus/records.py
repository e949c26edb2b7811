"""Typed records made by the parser and used unchanged by every later layer.

A report is made of *units*: a numbered question (2014-2019 pillar pages), a pillar (force
overview pages), a graded area of policing (2021 onwards) or a section (any other report),
plus the report's own overview. ``Report.questions`` is the numbered-question view of the
units that older code and the JSON API's ``questions`` key use.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

OVERVIEW = "overview"  # the key of the unit that holds a report's opening paragraphs

# The headings of what a report says must improve, as ``Passage.section`` holds them.
AFI_SECTIONS = ("Areas for improvement", "Area for improvement")
CONCERN_SECTIONS = ("Cause of concern", "Causes of concern")
RECOMMENDATION_SECTIONS = ("Recommendations", "Recommendation")
IMPROVEMENT_SECTIONS = frozenset(AFI_SECTIONS + CONCERN_SECTIONS + RECOMMENDATION_SECTIONS)


@dataclass(frozen=True)
class Passage:
    """One paragraph of a report, verbatim, with where it sits in the report."""

    id: str
    text: str
    report: str  # id of the Report it comes from
    force: str
    year: str
    pillar: str | None  # None in reports not organised by pillar (2021 onwards, generic)
    question_number: int | None  # the framework question number; None outside numbered questions
    question: str | None  # the question's text, for numbered questions
    grade: str | None  # the grade of the unit (or of the pillar, for a pillar overview)
    section: str | None  # the sub-heading the paragraph sits under
    paragraph: int  # 1-based position among the passages of its unit
    unit: str = OVERVIEW  # key of the unit: "overview", "q2", "investigating-crime", ...
    unit_label: str | None = None  # short label: "Q2", "Investigating crime", "Overview"
    unit_title: str | None = None  # the unit's heading as printed (question text, area name)
    page: int | None = None  # page of a PDF the paragraph starts on; None for web pages

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Passage:
        data = {k: v for k, v in data.items() if k in _PASSAGE_FIELDS}
        if "unit" not in data:  # written before units existed
            number = data.get("question_number")
            data["unit"] = OVERVIEW if number is None else f"q{number}"
        return cls(**data)


_PASSAGE_FIELDS = {f.name for f in fields(Passage)}


@dataclass(frozen=True)
class Unit:
    """A part of a report that has its own heading and perhaps its own grade."""

    key: str  # unique within the report; part of passage ids ("q2", "investigating-crime")
    label: str  # short label for citations: "Q2", "Investigating crime", "Effectiveness"
    title: str | None  # the heading as printed: question text, area or section name
    grade: str | None  # None when the unit has no grade (or the copy does not say it)
    kind: str = "section"  # "overview" | "question" | "pillar" | "area" | "section"
    number: int | None = None  # framework question number, for numbered questions
    pillar: str | None = None  # the pillar the unit belongs to, when the report has pillars
    carried_over: bool = False  # the grade is carried over from an earlier inspection
    areas_for_improvement: tuple[str, ...] = ()
    causes_of_concern: tuple[str, ...] = ()
    page: int | None = None  # the PDF page the unit starts on
    # The report's sentence stating the grade, verbatim, when it is read from prose rather
    # than a grade line (it may sit in another unit's passage: an overview page's question
    # grades are stated in its pillar's paragraphs).
    grade_sentence: str | None = None

    @classmethod
    def from_dict(cls, data: dict) -> Unit:
        data = dict(data)
        for key in ("areas_for_improvement", "causes_of_concern"):
            data[key] = tuple(data.get(key, ()))
        return cls(**data)


@dataclass(frozen=True)
class Question:
    """A numbered question of a pillar, with its grade and areas for improvement."""

    number: int
    text: str
    grade: str | None
    carried_over: bool = False
    areas_for_improvement: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict) -> Question:
        data = dict(data)
        data["areas_for_improvement"] = tuple(data.get("areas_for_improvement", ()))
        return cls(**data)

    def as_unit(self, pillar: str | None = None) -> Unit:
        return Unit(
            key=f"q{self.number}",
            label=f"Q{self.number}",
            title=self.text,
            grade=self.grade,
            kind="question",
            number=self.number,
            pillar=pillar,
            carried_over=self.carried_over,
            areas_for_improvement=self.areas_for_improvement,
        )


@dataclass(frozen=True)
class Report:
    """The header facts of one report and its units."""

    id: str  # e.g. "lancashire-2018-effectiveness", derived from the content
    file: str  # the file name it was read from
    sha256: str
    force: str
    year: str  # as the report labels its cycle: "2018", "2018/19", "2021/22", "2023-25"
    pillar: str | None  # None for overview pages and for reports not organised by pillar
    headline: str | None
    grade: str | None  # the grade of the pillar (or of the report as a whole), if it has one
    updated: str | None  # "Last updated" date of the web page, as printed
    units: tuple[Unit, ...] = field(default_factory=tuple)
    acronyms: dict[str, str] = field(default_factory=dict)  # "IMU" -> "investigations ..."
    layout: str = "peel-2014-2019-pillar"  # which corpus.layouts module read it
    grade_scale: str | None = None  # a corpus.grades scale name, None when nothing is graded
    source_format: str = "text"  # "text", "html" or "pdf"
    warnings: tuple[str, ...] = ()  # what the parser had to guess or could not find
    # The address of the published page, when recorded (`reports add --source`); kept
    # beside the report files, not in them (corpus/reports.py), so the parser never sets it.
    source_url: str | None = None

    @property
    def questions(self) -> tuple[Question, ...]:
        """The numbered questions, in reading order (a view of the units)."""
        return tuple(
            Question(u.number, u.title or "", u.grade, u.carried_over, u.areas_for_improvement)
            for u in self.units
            if u.kind == "question" and u.number is not None
        )

    def to_dict(self) -> dict:
        out = asdict(self)
        out["questions"] = [asdict(q) for q in self.questions]
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        data = dict(data)
        questions = data.pop("questions", ())
        if "units" in data:
            data["units"] = tuple(Unit.from_dict(u) for u in data["units"])
        else:  # written before units existed
            data["units"] = tuple(
                Question.from_dict(q).as_unit(data.get("pillar")) for q in questions
            )
        data["warnings"] = tuple(data.get("warnings", ()))
        return cls(**data)

    @property
    def title(self) -> str:
        """How the report is named in messages: 'Lancashire PEEL 2018 Effectiveness'."""
        what = self.pillar or ("overview" if self.layout.endswith("overview") else None)
        return f"{self.force} PEEL {self.year}" + (f" {what}" if what else "")

    def question(self, number: int) -> Question | None:
        return next((q for q in self.questions if q.number == number), None)

    def unit(self, key: str) -> Unit | None:
        return next((u for u in self.units if u.key == key), None)
