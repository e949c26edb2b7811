"""Typed records made by the parser and used unchanged by every later layer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Passage:
    """One paragraph of a report, verbatim, with where it sits in the report."""

    id: str
    text: str
    report: str  # id of the Report it comes from
    force: str
    year: str
    pillar: str
    question_number: int | None  # None for the pillar overview
    question: str | None
    grade: str | None  # the grade of the question (or of the pillar, for the overview)
    section: str | None  # the sub-heading the paragraph sits under
    paragraph: int  # 1-based position among the passages of its question (or overview)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Passage:
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


@dataclass(frozen=True)
class Report:
    """The header facts of one report page and its questions."""

    id: str  # e.g. "lancashire-2018-effectiveness", derived from the content
    file: str  # the file name it was read from
    sha256: str
    force: str
    year: str
    pillar: str
    headline: str | None
    grade: str | None
    updated: str | None  # "Last updated" date of the web page, as printed
    questions: tuple[Question, ...] = field(default_factory=tuple)
    acronyms: dict[str, str] = field(default_factory=dict)  # "IMU" -> "investigations ..."

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        data = dict(data)
        data["questions"] = tuple(Question.from_dict(q) for q in data.get("questions", ()))
        return cls(**data)

    def question(self, number: int) -> Question | None:
        return next((q for q in self.questions if q.number == number), None)
