"""qa/filters.py: a filter keeps exactly the passages that match it, names match whatever
their case, and an unknown value is refused naming the values that exist."""

from __future__ import annotations

import numpy as np
import pytest

from common.errors import BadRequest
from corpus.records import Passage
from qa.filters import Filters


def passage(force: str, year: str, pillar: str | None, number: int | None, unit: str) -> Passage:
    return Passage(
        id=f"{force.lower()}-{year}/{unit}/1",
        text="SYNTHETIC.",
        report=f"{force.lower()}-{year}",
        force=force,
        year=year,
        pillar=pillar,
        question_number=number,
        question=None,
        grade=None,
        section=None,
        paragraph=1,
        unit=unit,
    )


PASSAGES = [
    passage("Lancashire", "2018", "Effectiveness", 1, "q1"),
    passage("Lancashire", "2018", "Effectiveness", 2, "q2"),
    passage("Lancashire", "2017", "Legitimacy", 1, "q1"),
    passage("Cumbria", "2018", "Effectiveness", None, "overview"),
    passage("Cumbria", "2021/22", None, None, "investigating-crime"),
]


@pytest.fixture(scope="module")
def filters() -> Filters:
    return Filters(PASSAGES)


def kept(filters: Filters, *pairs) -> list[int]:
    return [int(i) for i in np.flatnonzero(filters.mask(tuple(pairs)))]


def test_no_filter_keeps_everything(filters):
    assert filters.mask(()) is None


def test_every_filter_must_match(filters):
    assert kept(filters, ("force", "Lancashire")) == [0, 1, 2]
    assert kept(filters, ("force", "Lancashire"), ("year", "2018")) == [0, 1]
    assert kept(filters, ("force", "Lancashire"), ("question_number", 1)) == [0, 2]
    assert kept(filters, ("pillar", "Effectiveness"), ("force", "Cumbria")) == [3]


def test_names_match_whatever_their_case(filters):
    assert kept(filters, ("force", "cUMBRIA")) == [3, 4]
    assert kept(filters, ("pillar", "legitimacy")) == [2]


def test_a_unit_and_a_two_year_cycle_filter(filters):
    assert kept(filters, ("unit", "investigating-crime")) == [4]
    assert kept(filters, ("year", "2021/22")) == [4]


def test_an_unknown_value_is_refused_naming_the_known_ones(filters):
    with pytest.raises(BadRequest) as refused:
        filters.mask((("force", "Durham"),))
    assert refused.value.code == "bad_filter"
    assert refused.value.message == (
        "no indexed report has force 'Durham'; known values: Cumbria, Lancashire"
    )


def test_a_question_number_no_report_has_is_refused(filters):
    with pytest.raises(
        BadRequest, match="no indexed report has question_number 7; known values: 1, 2"
    ):
        filters.mask((("question_number", 7),))


def test_the_values_offered_are_those_indexed(filters):
    assert filters.values["force"] == ["Cumbria", "Lancashire"]
    assert filters.values["pillar"] == ["Effectiveness", "Legitimacy"]  # None is not offered
    assert filters.values["year"] == ["2017", "2018", "2021/22"]


def test_a_value_another_field_holds_is_not_matched_there():
    # the passages' strings are one table shared by every field: "Effectiveness" as a
    # section and as a unit's key must not count as the pillar
    shared = [
        passage("Lancashire", "2018", "Effectiveness", 1, "q1"),
        Passage(
            id="lancashire-2018/effectiveness/1",
            text="SYNTHETIC.",
            report="lancashire-2018",
            force="Lancashire",
            year="2018",
            pillar=None,
            question_number=None,
            question=None,
            grade=None,
            section="Effectiveness",
            paragraph=1,
            unit="Effectiveness",
        ),
        passage("Effectiveness", "2019", None, None, "overview"),
    ]
    filters = Filters(shared)
    assert kept(filters, ("pillar", "effectiveness")) == [0]
    assert kept(filters, ("unit", "Effectiveness")) == [1]
    assert kept(filters, ("force", "Effectiveness")) == [2]
    assert filters.values["pillar"] == ["Effectiveness"]
    assert filters.values["unit"] == ["Effectiveness", "overview", "q1"]
    with pytest.raises(BadRequest, match="no indexed report has year 'Effectiveness'"):
        filters.mask((("year", "Effectiveness"),))


def test_a_question_number_given_as_text_and_a_year_as_a_number(filters):
    assert kept(filters, ("question_number", "2")) == [1]
    with pytest.raises(BadRequest, match="no indexed report has year 2018"):
        filters.mask((("year", 2018),))  # the request layer sends years as text
