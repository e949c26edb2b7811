"""Small, clearly synthetic PEEL report pages for parser and index tests."""

from __future__ import annotations

import re
from pathlib import Path

# A copy of shared/eval/public.jsonl, so the suite runs from a clone alone.
EVAL_SET = Path(__file__).resolve().parent / "data" / "eval-public.jsonl"
REPORTS = Path(__file__).resolve().parents[1] / "corpus" / "reports"
REAL_REPORT = REPORTS / "lancashire-2018-effectiveness.txt"


def report_text(
    force: str = "Testshire",
    year: str = "2018",
    pillar: str = "Legitimacy",
    grade: str = "Good",
    questions: tuple[tuple[int, str, str, list[str]], ...] | None = None,
) -> str:
    """A well-formed report page in the 2018/19 layout; every sentence is made up."""
    if questions is None:
        questions = (
            (
                1,
                "To what extent does the force treat all of the people it serves with fairness "
                "and respect?",
                "Good",
                [
                    "Fair treatment",
                    "SYNTHETIC. The force runs a lantern-maker scheme for stop and search.",
                    "SYNTHETIC. Scrutiny panels review body-worn video footage:",
                    "  • panels meet every month; and",
                    "  • members are drawn from the public.",
                ],
            ),
        )
    lines = [
        "Skip to content",
        "",
        f"{force} PEEL {year}",
        "",
        pillar,
        "",
        f"How legitimately does {force} treat the public?",
        "",
        "Last updated 01/02/2020",
        grade,
        "",
        f"SYNTHETIC. {force} Police is {grade.lower()} at this pillar.",
        "",
        f"Questions for {pillar}",
        "",
    ]
    for number, text, q_grade, body in questions:
        lines += [str(number), "", text, "", q_grade, ""]
        for item, after in zip(body, [*body[1:], ""], strict=True):
            # Items of one list on consecutive lines, as the inspectorate's pages have them.
            lines += (
                [item]
                if item.lstrip().startswith("•") and after.lstrip().startswith("•")
                else [item, ""]
            )
        lines += [f"Summary for question {number}"]
    return "\n".join(lines) + "\n"


def write_report(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


CANAL_REPORT = "northmoor-2019-efficiency.txt"
CANAL_QUESTION = "How many canal boats does the force keep for river patrols?"


def canal_report_text() -> str:
    """A second made-up report whose paragraphs say things no other test report says."""
    return report_text(
        force="Northmoor",
        year="2019",
        pillar="Efficiency",
        grade="Adequate",
        questions=(
            (
                1,
                "How well does the force understand demand?",
                "Adequate",
                [
                    "Waterways",
                    "SYNTHETIC. The force keeps eleven canal boats for river patrols along the "
                    "towpaths.",
                    "SYNTHETIC. Lock keepers report thefts of outboard motors to a shared inbox.",
                ],
            ),
            (
                2,
                "How well does the force plan for the future?",
                "Good",
                ["SYNTHETIC. Its fleet plan replaces diesel vans with electric bicycles by 2024."],
            ),
        ),
    )


def embedded_texts(text: str) -> set[str]:
    """What a build embeds for a report: its passages and their sentences."""
    from corpus.parser import parse_report
    from index.embed import sentence_texts

    _, passages = parse_report(text.encode(), "report.txt")
    return {p.text for p in passages} | set(sentence_texts(passages))


def copied_as_variant_c(text: str) -> str:
    """A 2018/19 page as the "c" copies hold it: no pillar label, grade or number lines
    (blank lines are left where they stood)."""
    from corpus.grades import grade_line

    out = []
    for i, line in enumerate(text.split("\n")):
        bare = line.strip()
        if i < 8 and bare in ("Effectiveness", "Efficiency", "Legitimacy"):
            continue
        out.append("" if grade_line(bare) or re.fullmatch(r"\d{1,2}", bare) else line)
    return "\n".join(out)


def copied_as_variant_b(text: str) -> str:
    """A 2018/19 page as the "b" copies hold it: no "Skip to content", date, grade or number
    lines, no pillar overview, "- " bullets, one line per paragraph, and each "Summary for
    question N" link glued to the line after it."""
    from corpus.grades import grade_line

    out: list[str] = []
    in_overview = False
    for bare in (line.strip() for line in text.split("\n")):
        if not bare or bare == "Skip to content" or bare.startswith("Last updated"):
            continue
        if grade_line(bare) or re.fullmatch(r"\d{1,2}", bare):
            continue
        if bare.startswith(("We set out our detailed findings below", "Questions for")):
            in_overview = False
            continue
        if in_overview:
            continue
        if bare.endswith("?") and not out[-1].endswith("?") and len(out) <= 2:
            in_overview = True  # the headline question: the overview follows it
        bare = re.sub(r"^•\s+", "- ", bare)
        if out and re.fullmatch(r"Summary for question \d+", out[-1]):
            out[-1] += bare
            continue
        out.append(bare)
    return "\n".join(out) + "\n"


AREAS_REPORT = "testshire-2021-22.txt"


def areas_report_text(force: str = "Testshire") -> str:
    """A made-up 2021/22-style report: an overall summary and two graded areas."""
    lines = [
        "Overall summary",
        "Our judgments",
        f"Our inspection assessed how good {force} Constabulary is in 3 areas of policing. We "
        "make graded judgments in 2 of these 3 as follows:",
        f"SYNTHETIC. {force} Constabulary was awarded no inadequate grades.",
        "HM Inspector’s observations",
        f"SYNTHETIC. I am pleased with how {force} Constabulary keeps its harbour safe.",
        "Investigating crime",
        "Adequate",
        "SYNTHETIC. The force investigates burglaries with a team of lantern-bearers.",
        "SYNTHETIC. Investigators keep their case files in a sea chest:",
        "  • the chest is locked every night; and",
        "  • only supervisors hold the key.",
        "Areas for improvement",
        "  • The force should improve its SYNTHETIC lantern supply.",
        "Protecting vulnerable people",
        "Good",
        "SYNTHETIC. Officers visit the harbour cottages every week.",
        "Cause of concern",
        "SYNTHETIC. The force does not answer calls from the lighthouse promptly.",
    ]
    return _join_page(lines)


def _join_page(lines: list[str]) -> str:
    """Lines with a blank line between, except between the items of one list."""
    out = []
    for line, after in zip(lines, [*lines[1:], ""], strict=True):
        bullets = line.lstrip().startswith("•") and after.lstrip().startswith("•")
        out += [line] if bullets else [line, ""]
    return "\n".join(out)


GENERIC_REPORT = "testshire-custody-2022.txt"


def generic_report_text() -> str:
    """A made-up inspection report in no PEEL layout: a title, headings and paragraphs."""
    lines = [
        "Testshire Police: an inspection of custody suites, 2022",
        "SYNTHETIC. This report sets out what we found in the custody suites of Testshire.",
        "Detainee care",
        "SYNTHETIC. Detainees are offered a blanket and a hot drink when they arrive.",
        "Areas for improvement",
        "  • The force should SYNTHETIC repaint the cells by the harbour.",
        "Leadership",
        "SYNTHETIC. The custody inspector walks the cells every hour.",
    ]
    return "\n\n".join(lines) + "\n"


OVERVIEW_REPORT = "testshire-2017-overview.txt"


def overview_report_text() -> str:
    """A made-up 2017 force overview page: a judgment sentence per pillar, two blocks."""
    lines = [
        "Skip to content",
        "Testshire 2017",
        "Read more about Testshire",
        "SYNTHETIC. This is the fourth PEEL assessment of Testshire Police.",
        "The extent to which the force is effective at keeping people safe and reducing crime "
        "is good.",
        "The extent to which the force is efficient at keeping people safe and reducing crime "
        "is outstanding.",
        "The extent to which the force is legitimate at keeping people safe and reducing crime "
        "requires improvement.",
        "HMI's observations",
        "SYNTHETIC. I am pleased with the lighthouse patrols.",
        "How effective is the force at keeping people safe and reducing crime?",
        "Last updated 22/03/2018",
        "SYNTHETIC. Overall, Testshire Police remains good at keeping the harbour safe.",
        "How efficient is the force at keeping people safe and reducing crime?",
        "Last updated 09/11/2017",
        "SYNTHETIC. The force plans its ferry timetable well.",
    ]
    return "\n\n".join(lines) + "\n"


def _blocks(text: str) -> list[tuple[str, str]]:
    """A page's lines as (kind, text): the elements a web page or PDF would hold them in."""
    from corpus.document import split_lines
    from corpus.grades import grade_line
    from corpus.layouts.base import is_bullet, is_heading, pillar_named

    lines = split_lines(text)
    out = []
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else None
        words = line.text
        if words == "Skip to content":
            out.append(("skip", words))
        elif i <= 1 and not out or (out == [("skip", "Skip to content")] and i == 1):
            out.append(("h1", words))
        elif is_bullet(words):
            out.append(("li", re.sub(r"^\s*\S\s+", "", words)))
        elif words.endswith("?"):
            out.append(("h2", words))
        elif (
            is_heading(line, following)
            and not grade_line(words)
            and not pillar_named(words)
            and not words.startswith(("Summary for", "Detailed findings", "Read more", "Last "))
        ):
            out.append(("h3", words))
        else:
            out.append(("p", words))
    return out


def as_html(text: str) -> bytes:
    """The page as a saved web page, with a cookie banner, navigation and a footer around it."""
    from html import escape

    body = []
    in_list = False
    for kind, words in _blocks(text):
        if kind != "li" and in_list:
            body.append("</ul>")
            in_list = False
        if kind == "skip":
            continue
        if kind == "li":
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{escape(words, quote=False)}</li>")
        elif kind == "p" and words.startswith(("Summary for", "Detailed findings")):
            body.append(f'<p><a href="#q">{escape(words)}</a></p>')
        else:
            body.append(f"<{kind}>{escape(words, quote=False)}</{kind}>")
    if in_list:
        body.append("</ul>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Report</title>'
        "<script>var tracking = 1;</script></head><body>\n"
        '<div class="cookie-banner"><p>We use cookies to collect information.</p>'
        "<button>Accept</button></div>\n"
        '<header><a class="skip-link" href="#main">Skip to content</a><nav><ul>'
        "<li><a href='/'>Home</a></li><li><a href='/peel'>PEEL</a></li></ul></nav></header>\n"
        '<main id="main">\n' + "\n".join(body) + "\n</main>\n"
        "<footer><p>Contact HMICFRS. Crown copyright.</p></footer></body></html>\n"
    ).encode("utf-8")


def as_pdf(text: str) -> bytes:
    """The page as a PDF made with reportlab: headings in larger type, bullets as a list."""
    import io
    from html import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    style = {"h1": "Title", "h2": "Heading2", "h3": "Heading3", "p": "BodyText"}
    item_style = ParagraphStyle("Item", styles["BodyText"], leftIndent=18, bulletIndent=6)
    story = []
    for kind, words in _blocks(text):
        if kind == "skip":
            continue
        if kind == "li":
            story.append(Paragraph(escape(words, quote=False), item_style, bulletText="•"))
        else:
            story.append(Paragraph(escape(words, quote=False), styles[style[kind]]))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title="Report", author="SYNTHETIC")
    doc.allowSplitting = 0  # a paragraph moves whole to the next page, as in the text
    doc.build(story)
    return out.getvalue()
