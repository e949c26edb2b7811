"""The parser on the real report and on synthetic pages of other pillars and cycles."""

from __future__ import annotations

import json
import re

import pytest

from bench.synthetic import EVAL_SET, REAL_REPORT, report_text
from common.errors import ReportParseError
from corpus import parse_file, parse_report


@pytest.fixture(scope="module")
def real():
    return parse_file(REAL_REPORT)


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_real_report_header(real):
    report, _ = real
    assert (report.force, report.year, report.pillar) == ("Lancashire", "2018", "Effectiveness")
    assert report.grade == "Good"
    assert report.headline == "How effectively does the force reduce crime and keep people safe?"
    assert report.updated == "21/01/2020"


def test_real_report_question_grades(real):
    report, _ = real
    grades = [(q.number, q.grade) for q in report.questions]
    assert grades == [
        (1, "Good"),
        (2, "Requires improvement"),
        (3, "Good"),
        (4, "Good"),
        (5, "Ungraded"),
    ]
    assert report.question(4).carried_over
    assert not report.question(2).carried_over
    assert len(report.question(2).areas_for_improvement) == 3
    assert report.question(5).areas_for_improvement == ()


def test_real_report_sub_headings(real):
    _, passages = real
    sections: dict[int | None, list[str]] = {}
    for p in passages:
        if p.section and p.section not in sections.setdefault(p.question_number, []):
            sections[p.question_number].append(p.section)
    assert sections == {
        1: [
            "Areas for improvement",
            "Prioritising crime prevention",
            "Protecting the public from crime",
        ],
        2: ["Areas for improvement", "Investigation quality", "Catching criminals"],
        3: [
            "Areas for improvement",
            "Understanding and identifying vulnerability",
            "Responding to incidents",
            "Supporting vulnerable victims",
        ],
        5: ["Understanding the threat and responding to it", "Working with others"],
    }


def test_every_gold_paragraph_is_exactly_one_passage(real):
    _, passages = real
    texts = [collapse(p.text) for p in passages]
    for line in EVAL_SET.read_text("utf-8").splitlines():
        item = json.loads(line)
        for gold in item["gold"]:
            holders = [i for i, t in enumerate(texts) if collapse(gold) in t]
            assert len(holders) == 1, (item["id"], gold)
            holder = passages[holders[0]]
            if gold == item["gold"][0]:
                assert holder.question_number == item["question_number"], item["id"]


def test_passages_are_verbatim_and_not_furniture(real):
    _, passages = real
    source = REAL_REPORT.read_text("utf-8")
    for p in passages:
        assert p.text.strip() and p.text == p.text.strip()
        assert p.text in source
        assert not re.match(
            r"(Skip to content|Summary for question|We set out our detailed)", p.text
        )
        assert p.text not in {"Good", "Requires improvement", "Ungraded", "Areas for improvement"}
    assert len({p.id for p in passages}) == len(passages)


def test_paragraph_numbers_and_bullets(real):
    _, passages = real
    q2 = [p for p in passages if p.question_number == 2]
    assert [p.paragraph for p in q2] == list(range(1, len(q2) + 1))
    aif = q2[0]
    assert aif.section == "Areas for improvement"
    assert aif.text.count("•") == 3
    intro = next(p for p in passages if p.text.startswith("There are two areas where the APSTRA"))
    assert intro.text.count("•") == 2 and intro.text.endswith("operational demands.")
    overview = [p for p in passages if p.question_number is None]
    assert len(overview) == 12 and all(p.grade == "Good" and p.question is None for p in overview)


def test_ids_are_stable_and_readable(real):
    _, passages = real
    again = parse_file(REAL_REPORT)[1]
    assert [p.id for p in passages] == [p.id for p in again]
    assert passages[0].id == "lancashire-2018-effectiveness-overview-p1"


SYNTHETIC_QUESTIONS = (
    (
        1,
        "How well does the force use its resources to meet the demand it faces?",
        "Requires improvement",
        [
            "Areas for improvement",
            "  • The force should refresh its SYNTHETIC demand model.",
            "Meeting current demands",
            "SYNTHETIC. The force counts calls with an abacus.",
        ],
    ),
    (
        3,
        "How well does the force plan for the future?",
        "Good",
        [
            "This question was not inspected in 2017. The grade and findings from last year's "
            "inspection still stand.",
        ],
    ),
    (
        4,
        "How effective are the force's specialist capabilities?",
        "Ungraded",
        ["Working with others", "SYNTHETIC. Armed officers train with a neighbouring force."],
    ),
)


@pytest.mark.parametrize("pillar", ["Efficiency", "Legitimacy"])
def test_other_pillars_skipped_numbers_ungraded_and_carried_over(pillar):
    text = report_text(
        force="Testshire",
        year="2017",
        pillar=pillar,
        grade="Inadequate",
        questions=SYNTHETIC_QUESTIONS,
    )
    report, passages = parse_report(text.encode(), "testshire.txt")
    assert report.pillar == pillar and report.grade == "Inadequate" and report.year == "2017"
    assert [q.number for q in report.questions] == [1, 3, 4]
    assert [q.grade for q in report.questions] == ["Requires improvement", "Good", "Ungraded"]
    assert report.question(3).carried_over and not report.question(1).carried_over
    assert report.question(1).areas_for_improvement == (
        "The force should refresh its SYNTHETIC demand model.",
    )
    abacus = next(p for p in passages if "abacus" in p.text)
    assert (abacus.question_number, abacus.section, abacus.grade) == (
        1,
        "Meeting current demands",
        "Requires improvement",
    )
    assert abacus.id == f"testshire-2017-{pillar.lower()}-q1-p2"


def test_report_with_cycle_label_and_crlf():
    text = report_text(year="2018/19").replace("\n", "\r\n")
    report, passages = parse_report(("\ufeff" + text).encode(), "x.txt")
    assert report.year == "2018/19" and report.id == "testshire-2018-19-legitimacy"
    bullets = next(p for p in passages if "body-worn" in p.text)
    assert "\r" not in bullets.text and bullets.text.count("•") == 2


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"", 1, "empty"),
        (b"   \n\n", 1, "empty"),
        (b"Lancashire PEEL 2018\n\x00\x01\x02binary", 2, "binary"),
        (b"Lancashire PEEL 2018\nEffectiveness\n\xff\xfe broken", 3, "UTF-8"),
        (b"Dear reader,\nthis is a letter.\n", 1, "no paragraphs"),
        (b"Dear reader,\nthis is about the village fete and its prizes.\n", 1, "no police"),
        (b"\n\nLancashire PEEL 2018\nTransport\n", 4, "pillar"),
        (b"Lancashire PEEL 2018\nEffectiveness\nGood\n", 3, "no paragraphs"),
    ],
)
def test_not_a_report_names_file_and_line(data, line, words):
    with pytest.raises(ReportParseError) as caught:
        parse_report(data, "reports/bad.txt")
    assert caught.value.path == "reports/bad.txt"
    assert caught.value.line == line
    assert words.lower() in caught.value.message.lower()
    assert caught.value.message.startswith(f"reports/bad.txt, line {line}:")


@pytest.mark.parametrize(
    ("force", "slug"),
    [
        ("Ynys Môn", "ynys-mon"),
        ("Gwasanaeth Heddlu Dyfed-Powys", "gwasanaeth-heddlu-dyfed-powys"),
        ("Москва", "москва"),
        ("Αθήνα", "αθήνα"),
        ("Йошкар-Ола", "йошкар-ола"),
        ("東京", "東京"),
    ],
)
def test_ids_are_readable_for_any_force_name(force, slug):
    report, passages = parse_report(report_text(force=force).encode(), "reports/x.txt")
    assert report.id == f"{slug}-2018-legitimacy"
    assert all(p.id.startswith(f"{slug}-2018-legitimacy-") for p in passages)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_with_a_byte_order_mark_is_read(encoding):
    text = report_text().replace("\n", "\r\n")  # as Windows Notepad saves it
    data = text.encode(encoding)
    if encoding != "utf-16":  # utf-16 writes its own mark; the others need one
        data = "\ufeff".encode(encoding) + data
    report, passages = parse_report(data, "reports/notepad.txt")
    assert report.force == "Testshire" and report.id == "testshire-2018-legitimacy"
    assert [p.text for p in passages] == [p.text for p in parse_report(report_text().encode())[1]]
