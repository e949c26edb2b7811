# ruff: noqa: E501  (report text is kept as whole sentences)
"""Rebuild synthetic-cumbria-2018-effectiveness.txt from the real Lancashire page.

Run from the repository root: python tests/data/multi/make_cumbria.py
Every edit names a line by a unique anchor; the edited line gets a "SYNTHETIC. " prefix.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "corpus" / "reports" / "lancashire-2018-effectiveness.txt"
TARGET = Path(__file__).resolve().parent / "synthetic-cumbria-2018-effectiveness.txt"

# (anchor that picks exactly one line, [(old, new) replacements inside it] or a whole new line)
EDITS = [
    # overview: grade sentences agree with the changed question grades
    (
        "The constabulary requires improvement in investigating crime.",
        [
            (
                "The constabulary requires improvement in investigating crime.",
                "The constabulary is good at investigating crime.",
            )
        ],
    ),
    (
        "Investigations are not being supervised well.",
        "Investigations are generally supervised well, although supervisors do not always record their "
        "reviews. Inexperienced officers are mostly getting the help they need to conduct investigations.",
    ),
    (
        "The constabulary is good at protecting vulnerable people. Staff answering",
        "The constabulary requires improvement in protecting vulnerable people. Staff answering 999 and 101 "
        "calls do not always identify vulnerable people, and too many sex offenders are still waiting for a "
        "full risk assessment.",
    ),
    # question 1: figure
    (
        "40 additional officers are being recruited",
        [("40 additional officers", "25 additional officers")],
    ),
    # question 2: grade sentence, figures, supervision, one area for improvement replaced
    (
        "The force should ensure that it puts in place regular and active supervision",
        "  • The constabulary should make sure that fraud offences are allocated to officers with the time "
        "and skills to investigate them, and that their progress is reviewed regularly.",
    ),
    (
        "Cumbria Constabulary requires improvement in investigating crime.",
        [
            (
                "Cumbria Constabulary requires improvement in investigating crime.",
                "Cumbria Constabulary is good at investigating crime.",
            )
        ],
    ),
    ("in 47 out of 60 cases", [("47 out of 60", "53 out of 60")]),
    ("It has invested £3 million", [("£3 million", "£1.2 million")]),
    (
        "digital device examination kiosks",
        [
            ("there are 13 digital", "there are 9 digital"),
            ("350 staff", "210 staff"),
            ("Fifty digital media", "Twenty digital media"),
            ("to 8–10 weeks", "to six weeks"),
        ],
    ),
    (
        "Frontline supervisors are not providing effective supervision",
        "Frontline supervisors are generally providing effective supervision of investigations. In our "
        "crime file review 49 of 60 cases were judged to have had effective supervision. Most crime reports "
        "showed a clear supervisory footprint, with investigation plans and guidance for officers, although "
        "some supervisors did not record the discussions they had with officers. Inexperienced response "
        "officers told us they get the support and guidance they need to investigate crime in a timely, "
        "proportionate way.",
    ),
    ("the delay in the IMU was up to four weeks", [("up to four weeks", "up to two weeks")]),
    ("up to a four-week delay in LVS", [("up to a four-week delay", "up to a two-week delay")]),
    # question 3: grade sentence, figures, areas for improvement replaced
    (
        "sufficient capacity and capability within the referral unit",
        "  • The constabulary should ensure that call handlers consistently identify vulnerability, record "
        "sufficient detail and decide on an appropriate response.\n"
        "  • SYNTHETIC. The constabulary should reduce the number of outstanding ARMS risk assessments of "
        "registered sex offenders.",
    ),
    (
        "Cumbria Constabulary is good at protecting vulnerable people and has made significant",
        [
            (
                "Cumbria Constabulary is good at protecting vulnerable people and has made significant improvements "
                "since our last inspection.",
                "Cumbria Constabulary requires improvement in protecting vulnerable people and has made too little "
                "progress since our last inspection.",
            )
        ],
    ),
    (
        "Our crime file review examined 44 logs",
        "Officers and staff in the force control room have received training, but they do not always "
        "recognise vulnerability. Our crime file review examined 44 logs relating to issues of vulnerability "
        "including domestic abuse and mental health. In only 31 cases the call taker had assessed the "
        "information correctly, identified the vulnerability, recorded sufficient detail and determined an "
        "appropriate response. In the other 13 cases the vulnerability was missed or not recorded in enough "
        "detail to decide on the right response.",
    ),
    ("reports a 34 percent increase in referrals", [("34 percent", "21 percent")]),
    (
        "it has completed 82 percent of its risk assessments",
        [
            ("82 percent", "58 percent"),
            (
                "and the level is starting to reduce as staff in the new MOSOVO unit are being trained.",
                "but the number has not yet started to fall.",
            ),
        ],
    ),
    ("with an average time of two days for the execution", [("two days", "five days")]),
]

# question grade lines (the lines the parser reads; no SYNTHETIC marker there)
GRADES = [
    (
        "How effective is the force at investigating crime and reducing re-offending?",
        "Requires improvement",
        "Good",
    ),
    (
        "How effective is the force at protecting those who are vulnerable from harm, and supporting victims?",
        "Good",
        "Requires improvement",
    ),
]


def build() -> str:
    text = SOURCE.read_text(encoding="utf-8")
    text = text.replace("Lancashire", "Cumbria").replace("Lancs", "Cumbria")
    lines = text.split("\n")
    for anchor, change in EDITS:
        hits = [i for i, line in enumerate(lines) if anchor in line]
        assert len(hits) == 1, (anchor, hits)
        i = hits[0]
        line = lines[i]
        if isinstance(change, str):
            new = change
        else:
            new = line.strip()
            for old, repl in change:
                assert new.count(old) == 1, (anchor, old)
                new = new.replace(old, repl)
        bullet = new.startswith("  • ") or line.startswith("  • ")
        if bullet:
            new = "  • SYNTHETIC. " + new.strip().removeprefix("• ").strip()
        else:
            new = "SYNTHETIC. " + new
        lines[i] = new
    for question, old, new in GRADES:
        hits = [i for i, line in enumerate(lines) if line.strip() == question]
        assert len(hits) == 1, question
        j = next(k for k in range(hits[0] + 1, len(lines)) if lines[k].strip())
        assert lines[j].strip() == old, (question, lines[j])
        lines[j] = new
    return "\n".join(lines)


if __name__ == "__main__":
    TARGET.write_text(build(), encoding="utf-8")
    print("wrote", TARGET)
