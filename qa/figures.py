"""Figures: the sentence whose figure counts what the question asks about.

"How many files were well supervised?" is answered by the sentence with a figure next to
the thing counted ("only 31 of 60 cases were judged to have had effective supervision"),
not by the first figure of the best paragraph, which may count something else. Every
passage found is searched, not the first few only. Number words ("eight", "fifty") and
fractions ("a third", "half") are figures; years and paragraph numbering are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.keyword import tokenize

NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
    r"ninety|hundreds?|thousands?|millions?|dozens?|half|third|thirds|quarter|quarters|"
    r"one in (?:two|three|four|five|ten)|one of|one-third|two-thirds|three-quarters|"
    r"majority|minority"
)
_FIGURE = (
    r"(?:£\s*\d[\d,.]*(?:\s*(?:million|billion|m|bn))?|\d(?:[\d,.]*\d)?\s*%?|"
    rf"\b(?:{NUMBER_WORDS})\b)"
)
_YEARISH = re.compile(r"^(?:19|20)\d\d$")
_PAGE_NUMBERED = re.compile(r"(?:^|\s)\d{1,3}\s+[A-Z][a-z]")
_AFTER_YEAR = re.compile(r"\b(?:19|20)\d\d\s*[/–-]\s*$")
SHAPES = {
    "percentage": re.compile(
        r"\d\s*%|\b(?:per ?cent|percent|proportion|half|third|thirds|quarter|quarters|"
        r"majority|minority|\d+ (?:out )?of (?:the )?\d+)\b",
        re.I,
    ),
    "duration": re.compile(
        rf"\b(?:\d+|{NUMBER_WORDS}|a|an|one)[\s-]+(?:working\s+)?(?:seconds?|minutes?|hours?|"
        r"days?|weeks?|months?|years?)\b|\bwithin\b.{0,20}\d",
        re.I,
    ),
    "amount": re.compile(r"£\s*\d|\b\d[\d,.]*\s*(?:million|billion|m|bn|pounds)\b", re.I),
}
# What "how many X" counts, in the words a report may use for it.
_SAME_THING = {
    "file": ("file", "case", "investig", "crime"),
    "case": ("case", "file", "investig", "crime"),
    "investig": ("investig", "case", "file"),
    "offic": ("offic", "staff", "pcso", "constabl"),
    "staff": ("staff", "offic", "workforc", "employe"),
    "peopl": ("peopl", "offic", "staff", "victim"),
    "call": ("call", "incid"),
}
_ASKS_CHANGE = re.compile(
    r"\b(?:rise|rose|risen|increase[ds]?|go(?:ne)? up|went up|grow|grew|grown|fall|fell|"
    r"fallen|drop(?:ped)?|decrease[ds]?|reduc\w*|cut|change[ds]?|by how much)\b",
    re.IGNORECASE,
)
_STATES_CHANGE = re.compile(
    r"\b(?:rise|rose|risen|rising|increas\w*|grew|grown|growth|fall|fell|fallen|drop\w*|"
    r"decreas\w*|reduc\w*|cut|up from|down from)\b",
    re.IGNORECASE,
)
_FREQUENCY = re.compile(
    r"\b(?:annually|monthly|weekly|daily|hourly|quarterly|yearly|fortnightly|every (?:day|week|"
    r"month|year|quarter|\w+ (?:days|weeks|months|years))|once an? \w+|twice an? \w+|each "
    r"(?:day|week|month|year)|(?:a|per) (?:day|week|month|year))\b",
    re.IGNORECASE,
)
CHANGE_BONUS = 0.1  # "by how much did it rise": a sentence that states a change
COUNTED_BONUS = 0.15  # the thing counted right after the figure
TOPIC_BONUS = 0.1  # times the share of the question's subject words in the sentence
RANK_PENALTY = 0.01  # cosine taken off for each place the passage ranks lower
MARGIN = 0.2  # candidates this close (cosine) to the question's best sentence


@dataclass(frozen=True)
class Pick:
    """The answering sentence: its passage row, its index among the passage's sentences,
    and its similarity to the question."""

    row: int
    sentence: int
    similarity: float
    also: tuple[int, ...] = ()  # further sentences of the passage that answer with it
    # the passage the question is about, when the answer is in the paragraph that goes on
    # about it ("This pilot scheme has been evaluated ..."): the one that holds its words
    about: int | None = None
    # picked for holding what the question asks, whatever the question's other words: a
    # figure with the thing counted ("how many areas ...": "in nine areas of policing"), a
    # judgement in the first passage found, close to the question in other words
    asked: bool = False
    # the similarity that vouches for the answer when not the sentence's own: a figure
    # sentence picked for holding what the question says of the things counted is as
    # close as its passage's closest sentence; a sentence naming a place or body in the
    # question's own word for it ("the cities of Bristol and Bath") is vouched for (1.0)
    support: float | None = None


def close_sentences(index, scored, text: str, floor: float):
    """(j, similarity, sentence) for each sentence of one found passage (``text``) whose
    similarity to the question is at least ``floor``: the candidates a sentence answer
    picks from."""
    start = int(index.sentence_offsets[scored.row])
    for j, sim in enumerate(scored.sentence_similarities):
        if sim >= floor:
            a, b = (int(x) for x in index.sentence_spans[start + j])
            yield j, float(sim), text[a:b]


# "How many times had the inspectorate assessed Lancashire by 2017?": "This is HMICFRS' fourth
# PEEL ... assessment of Lancashire Constabulary." An ordinal counts the times, the rounds or
# the assessments themselves, and nothing else.
_ORDINAL = (
    r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
    r"twelfth|\d+(?:st|nd|rd|th))\b"
)
_COUNTS_OCCASIONS = ("time", "occas", "round", "assess", "inspect", "report", "cycl")


def figures_in(sentence: str, ordinals: bool = False) -> list[re.Match]:
    """The figures of a sentence: numbers (not years), amounts, number words, fractions,
    and (``ordinals``, for a count of occasions) ordinals."""
    found = []
    pattern = f"{_ORDINAL}|{_FIGURE}" if ordinals else _FIGURE
    for match in re.finditer(pattern, sentence, re.I):
        token = match.group(0).strip()
        if _YEARISH.match(token) or _AFTER_YEAR.search(sentence[: match.start()]):
            continue  # a year, or the end of a span of years ("2018/19", "2023-25")
        if re.fullmatch(r"\d", token) and re.match(r"\s*[.)]", sentence[match.end() :]):
            continue  # "1." numbering
        found.append(match)
    return found


def _norm(figure: str) -> str:
    return re.sub(r"\s+", "", figure).lower()


def _stems(text: str) -> set[str]:
    return set(tokenize([text])[0])


def counted_stems(counted: str | None) -> tuple[str, ...]:
    """The stems a sentence may use for the thing counted (its words, and the report's)."""
    if not counted:
        return ()
    found: list[str] = []
    for stem in tokenize([counted])[0]:
        same = next((v for k, v in _SAME_THING.items() if stem.startswith(k)), (stem,))
        found.extend(s for s in same if s not in found)
    return tuple(found)


# "how many of the forms ...", "in how many was ...": a part of a whole answers ("In 19 of
# them", "92 percent of them"), rather than the whole ("examined 40 cases")
_HOW_MANY_OF = re.compile(r"\bhow many of\b|\bin how many\b", re.IGNORECASE)
_SHARE_AFTER = re.compile(
    r"\s*(?:%|per ?cent\b|percent\b|out of\b|of (?:them|those|these|the \d+|\d+)\b)",
    re.IGNORECASE,
)
_OF_THESE = re.compile(rf"(?:\d+|\b(?:{NUMBER_WORDS})) of (?:these|those|them)\b", re.IGNORECASE)
SHARE_BONUS = 0.05  # a part of a whole, when the question asks how many of them
_SHOULD = re.compile(
    r"\b(?:should|must|deadline|by when|recommend\w*|within how (?:long|many))\b", re.IGNORECASE
)


# What the question says of the things counted ("how many were given a grade", "in how
# many areas did they hand out a grade"): the words after "how many" and the thing counted.
# A figure sentence that holds one of them ("We make graded judgments in 10 of these 12
# areas") answers, where a closer sentence without them ("assessed ... in 12 areas of
# policing") counts something else.
_HOW_MANY_CLAUSE = re.compile(
    r"\bhow (?:many|much)\b(.*?)(?=[?.;!]|\band how\b|$)", re.IGNORECASE | re.DOTALL
)
_SAYS_NOTHING = frozenset(
    tokenize(
        [
            "actually really get got gets getting give given gave giving have has had having "
            "make made makes making do did does done doing take took taken taking there "
            "put puts out up off altogether total overall inspector inspectors inspectorate "
            "inspection inspections force forces police constabulary report reports time times "
            "year years say said says find found finds look looked looking see saw seen "
            "were was are is be been being them they it its their we you our your "
            "what which who whom whose when where why how"
        ]
    )[0]
)
PREDICATE_RANKS = 5  # a sentence holding them is a candidate however unlike the question


def said_of_counted(question: str, counted: str | None) -> set[str]:
    """The stems of what a "how many" question says of the things it counts."""
    clauses = " ".join(m.group(1) for m in _HOW_MANY_CLAUSE.finditer(question))
    stems = _stems(clauses) - set(counted_stems(counted)) - _SAYS_NOTHING
    return {t for t in stems if not t.isdigit()}


def pick_figure(index, query, results, answer_type: str | None) -> Pick | None:
    """The sentence among every passage found whose figure answers what is counted."""
    if not results:
        return None
    shape = SHAPES.get(answer_type or "")
    counted = counted_stems(query.counted)
    if counted and not any(
        any(s.startswith(c) for s in _stems(index.passages.text(found.row)) for c in counted)
        for found in results
    ):
        # no passage found has the word ("how many strands ...", "how many bits of
        # policing ..."): it is the asker's word for what the reports call something else,
        # so a figure need not come with it
        counted = ()
    asks_change = bool(_ASKS_CHANGE.search(query.corrected))
    given = {_norm(m.group(0)) for m in figures_in(query.corrected)}
    how_often = bool(re.search(r"\bhow often\b|\bhow frequently\b", query.corrected, re.I))
    # "how many times ...", "how many of these assessments had Kent been through?"
    occasions = bool(re.search(r"\bhow many times\b", query.corrected, re.I)) or any(
        c.startswith(_COUNTS_OCCASIONS) for c in counted_stems(query.counted)
    )
    # "Within six months, the constabulary should review ...": a deadline set, not a figure
    # found, unless the question asks what should be done
    asks_should = bool(_SHOULD.search(query.corrected))
    topic = _stems(query.topic) if query.topic else set()
    of_them = bool(_HOW_MANY_OF.search(query.corrected))
    best_sim = max(max(s.sentence_similarities, default=-1.0) for s in results)
    # what the question says of the things counted, in the words some figure sentence of
    # the passages found uses ("given a grade": "graded judgments"); words no figure
    # sentence holds are the asker's own and change nothing
    said = said_of_counted(query.corrected, query.counted)
    if said:
        held: set[str] = set()
        for scored in results[:PREDICATE_RANKS]:
            text = index.passages.text(scored.row)
            for _, _, sentence in close_sentences(index, scored, text, -2.0):
                if figures_in(sentence):
                    held |= _stems(sentence) & said
        said = held
    choice: tuple[tuple[float, float], Pick] | None = None
    for rank, scored in enumerate(results):
        text = index.passages.text(scored.row)
        floor = best_sim - MARGIN if not said or rank >= PREDICATE_RANKS else -2.0
        for j, sim, sentence in close_sentences(index, scored, text, floor):
            stems = _stems(sentence) if said else set()  # read once, for holds and topic
            holds = len(said & stems) / len(said) if said else 0.0
            if sim < best_sim - MARGIN and not holds:
                continue
            # a figure the question gives itself ("of the 44 logs reviewed") is no answer
            figures = [m for m in figures_in(sentence, occasions) if _norm(m.group(0)) not in given]
            if how_often:
                figures += list(_FREQUENCY.finditer(sentence))
            if not figures or (shape is not None and not shape.search(sentence)):
                continue
            if len(_PAGE_NUMBERED.findall(sentence)) >= 3:
                continue  # a table of contents: "11 Summary 11 Preventing crime 12 ..."
            if not asks_should and _SHOULD.search(sentence):
                continue
            score = float(sim) - RANK_PENALTY * rank
            if asks_change and _STATES_CHANGE.search(sentence):
                score += CHANGE_BONUS
            # "how many of the forms ...?": "92 percent of them" answers it too
            share = of_them and any(_SHARE_AFTER.match(sentence[m.end() :]) for m in figures)
            with_it = False
            if counted:  # the thing counted must come with a figure ("only two investigators")
                # the words right after the figure; after an ordinal, the rest of the
                # sentence ("fifth PEEL (police effectiveness, ...) assessment")
                after = [
                    _stems(sentence[m.end() :])
                    if re.fullmatch(_ORDINAL, m.group(0).strip(), re.I)
                    else _stems(
                        " ".join(re.findall(r"[\w’'-]+", sentence[m.end() : m.end() + 60])[:5])
                    )
                    for m in figures
                ]
                with_it = any(any(s.startswith(c) for s in near for c in counted) for near in after)
                if with_it:
                    score += COUNTED_BONUS
                elif not share and not (holds and _OF_THESE.search(sentence)):
                    # "We make graded judgments in 11 of these 13": what the count says, of the
                    # things the sentence before counted; not "in the nine areas of the county"
                    # for officers moved out of teams, though it holds "teams"
                    continue
            if share:
                score += SHARE_BONUS
            if topic:
                stems = stems or _stems(sentence)
                score += TOPIC_BONUS * len(topic & stems) / len(topic)
            # a sentence holding more of what the count says of its things comes first: "how
            # many had been properly supervised?" is "only 31 of 60 cases were judged to have
            # had effective supervision", not the closer "In 45 of the 60 cases ... an
            # effective investigation"
            ranked = (holds, score)
            if choice is None or ranked > choice[0]:
                closest = max(scored.sentence_similarities, default=float(sim))
                pick = Pick(
                    scored.row,
                    j,
                    float(sim),
                    asked=with_it or holds > 0,
                    support=float(closest) if holds else None,
                )
                choice = (ranked, pick)
    return choice[1] if choice else None
