"""Named things: who or what the question asks to be named, and the sentence that names it.

"Which operation ...", "who provides the helpline?", "what team deals with ...": the kind
of thing asked for (an operation, a partner, a team or unit, a provider, a panel or group,
a system, a person or role) decides which sentence answers: the one that names a thing of
that kind, among the passages found, not merely the one most like the question.
"""

from __future__ import annotations

import re

from index.keyword import tokenize
from qa.figures import Pick, close_sentences

# What the question asks to be named, in the order tried.
_ASKS = (
    (
        "organisation",
        r"\b(?:which|what) (?:other )?(?:force|forces|constabular(?:y|ies)|police forces?|"
        r"universit(?:y|ies)|college|hospital|trust|council|health (?:body|trust)|watchdog|"
        r"regulator|body|inspectorate|authority)\b|"
        # "who should those cases be sent to?", "who do they refer them to?"
        r"\bwho\b[^?.!]{0,60}?\b(?:send|sent|refer|referred|report|reported|pass|passed|hand|"
        r"handed)\b[^?.!]{0,40}?\bto\b",
    ),
    (
        "place",
        r"\b(?:which|what) (?:main |major |big |large |other )?(?:cit(?:y|ies)|towns?|"
        r"count(?:y|ies)|boroughs?|districts?|villages?|regions?|places?)\b",
    ),
    ("operation", r"\b(?:operation|op|initiative|campaign|scheme|project|programme|program)s?\b"),
    (
        "provider",
        r"\bwho (?:[a-z]+ly )?(?:provides?|runs?|delivers?|operates?|supplies|commissions?|"
        r"funds?)\b|"
        r"\bprovider|\b(?:which|what) (?:charity|charities|company|companies|organisations?|"
        r"organizations?|firms?|services?)\b|\bprovided by\b|\brun by\b",
    ),
    (
        "partner",
        r"\bpartners?(?:hips?)?\b|\bwho (?:do|does|did) (?:they|it|the force|the constabulary) "
        r"(?:work|partner|team up|share)\b|\bwork(?:s|ing|ed)? (?:with|alongside)\b|"
        r"\b(?:which|what) (?:agenc(?:y|ies)|other organisations?|bodies)\b",
    ),
    (
        "group",
        r"\b(?:panel|board|group|committee|meeting|forum|network|partnership)s?\b",
    ),
    (
        "system",
        r"\b(?:which|what) (?:it |computer |software |crime |new )?(?:system|software|app|"
        r"database|tool|dashboard|platform|technology)\b",
    ),
    (
        "unit",
        r"\b(?:which|what) (?:specialist |dedicated |new )?(?:team|unit|department|hub|desk|squad|"
        r"officers?|staff)\b|\bwho (?:[a-z]+ly )?(?:deals? with|handles?|investigates?|"
        r"looks? after|answers?|responds?|takes?|is responsible|are responsible|checks?|"
        r"reviews?)\b",
    ),
    (
        "role",
        r"\bwho (?:[a-z]+ly )?(?:chairs?|leads?|heads?|oversees?|is in charge|runs the meeting|"
        r"manages?|supervises?|decides?|decided)\b|\b(?:which|what) (?:role|rank|officer|person)\b",
    ),
)
_ASK_PATTERNS = tuple((kind, re.compile(p, re.IGNORECASE)) for kind, p in _ASKS)
_NAME = r"(?:[A-Z][\w’'&-]*|[A-Z]{2,})"
_ORGANISATION = (
    r"(?:Police|Constabulary|University|College|Trust|Council|Foundation|Service|Agency|"
    r"Authority|Hospital|Partnership|Charity|Commission)"
)
# a body named with its acronym: "Independent Office for Police Conduct (IOPC)"
_ACRONYMED = rf"\b{_NAME}(?: (?:of|for|and|the) {_NAME}| {_NAME})+ \([A-Z][A-Za-z]{{1,7}}\)"
_NAMES = {
    "organisation": rf"\b{_NAME}(?: (?:of|and|for) {_NAME}| {_NAME})* {_ORGANISATION}\b|"
    rf"\b(?:University|College) of {_NAME}|{_ACRONYMED}",
    "operation": rf"\b(?:Operation|Op|Project|Programme|Project) {_NAME}|"
    rf"\b{_NAME}(?: {_NAME})* (?:scheme|initiative|programme|project|campaign)\b",
    "provider": r"\b(?:provided|run|delivered|operated|commissioned|funded|supplied) by\b|"
    rf"\b(?:provider|charity|charities|company|contract(?:ed|s)?)\b|{_ACRONYMED}",
    "partner": r"\b(?:partners?|agenc(?:y|ies)|council|councils|health|NHS|social services|"
    r"charity|charities|schools?|probation|fire (?:and rescue )?service|universit(?:y|ies)|"
    rf"housing|local authorit(?:y|ies))\b|{_ACRONYMED}",
    "group": r"\b(?:panel|board|group|committee|meeting|forum|network|partnership)s?\b",
    # a place by name, or the kind of place ("the cities of Bristol and Bath", "rural areas")
    "place": rf"\b(?:cit(?:y|ies)|towns?|count(?:y|ies)|boroughs?|districts?|villages?|"
    rf"regions?) (?:of|such as|including|like) {_NAME}|\b(?:urban|rural|coastal)\b",
    "system": rf"\b(?:system|software|app|database|tool|dashboard|platform)\b|\b{_NAME} "
    r"(?:system|software|database|dashboard)\b",
    "unit": r"\b(?:team|teams|unit|units|department|hub|desk|squad|centre|section)\b|"
    r"\b[A-Z]{2,6}s?\b",
    "role": r"\b(?:chief (?:superintendent|inspector|constable|officer)s?|superintendents?|"
    r"inspectors?|sergeants?|commissioner|PCC|lead(?:s|er)?|head of|chaired by|chairs|led by|"
    r"managers?|supervisors?|detective)\b",
}
_NAME_PATTERNS = {kind: re.compile(p) for kind, p in _NAMES.items()}
# a capitalised word not opening the sentence (a month is no name)
_MONTHS = r"January|February|March|April|May|June|July|August|September|October|November|December"
_PROPER = re.compile(rf"(?:(?<=[\w,;:] )|(?<=\())(?!(?:{_MONTHS})\b){_NAME}")
PROPER_BONUS = 0.05
RANK_PENALTY = 0.02
MARGIN = 0.12
FIRST_MARGIN = 0.25
PASSAGES = 5


def named_kind(question: str) -> str | None:
    """The kind of thing a who/what/which question asks to be named, or None."""
    if not re.search(r"\b(?:who|whom|what|which|name)\b", question, re.IGNORECASE):
        return None
    for kind, pattern in _ASK_PATTERNS:
        if pattern.search(question):
            return kind
    return None


# "which university ...?": the sentence must name one ("University of Central Lancashire"),
# not another body ("Cumbria Constabulary is good at ...")
_ASKED_BODY = re.compile(
    r"\b(?:which|what) (?:other )?(universit(?:y|ies)|college|hospital|trust|council)s?\b",
    re.IGNORECASE,
)


def asked_body(question: str) -> str | None:
    """The kind of body a question names ("which university ...?" -> "universit"), or None."""
    match = _ASKED_BODY.search(question)
    return match.group(1).lower()[:8] if match else None


# kinds whose names a sentence gives with the question's word for them ("the cities of
# Bristol and Bath", "the University of Central Lancashire"): holding the word and a name
# together is evidence enough, however unlike the question the rest of the sentence is
WORD_KINDS = ("place", "organisation")


def asked_word(question: str, kind: str) -> str | None:
    """The question's own word for what it asks named ("which cities ...?" -> "cities"),
    when it asks with "which/what <word>"; None for "who ..." questions."""
    if kind not in WORD_KINDS:
        return None  # "which team": every sentence naming a team holds the word
    match = dict(_ASK_PATTERNS)[kind].search(question)
    if match and re.match(r"(?:which|what)\b", match.group(0), re.IGNORECASE):
        word = match.group(0).split()[-1].lower()
        # "which force ...": every sentence naming "X Police" holds the word
        return None if word in _EVERY_PAGE_SAYS else word
    return None


_EVERY_PAGE_SAYS = frozenset(
    "force forces constabulary constabularies police body bodies authority inspectorate "
    "regulator watchdog".split()
)


def pick_named(
    index, kind: str, results, body: str | None = None, word: str | None = None
) -> Pick | None:
    """The sentence of the passages found that names a thing of this kind (of ``body``'s
    kind when the question names one: a university, a council). A sentence that names one
    in the question's own ``word`` for it ("which cities": "from the cities of Bristol and
    Bath") answers however little else of the question it says, when no closer one does."""
    pattern = _NAME_PATTERNS.get(kind)
    if pattern is None or not results:
        return None
    top = results[:PASSAGES]
    best_sim = max(max(s.sentence_similarities, default=-1.0) for s in top)
    stem = tokenize([word])[0] if word else []
    choice: tuple[float, Pick] | None = None
    rescue: tuple[float, Pick] | None = None
    for rank, scored in enumerate(top):
        text = index.passages.text(scored.row)
        # the first passage found is about the thing: a sentence of it that names one of the
        # kind asked for answers though it says little else of the question ("The chief
        # constable takes a personal lead as champion for this approach.")
        floor = best_sim - (FIRST_MARGIN if rank == 0 else MARGIN)
        for j, sim, sentence in close_sentences(index, scored, text, -2.0 if stem else floor):
            if not pattern.search(sentence):
                continue
            if body and body not in sentence.lower():
                continue
            score = float(sim) - RANK_PENALTY * rank
            if _PROPER.search(sentence):
                score += PROPER_BONUS
            held = bool(stem) and set(stem) <= set(tokenize([sentence])[0])
            if sim < floor:
                if held and (rescue is None or score > rescue[0]):
                    rescue = (score, Pick(scored.row, j, float(sim), asked=True, support=1.0))
                continue
            if choice is None or score > choice[0]:
                pick = Pick(scored.row, j, float(sim), asked=held, support=1.0 if held else None)
                choice = (score, pick)
    chosen = choice or rescue
    return chosen[1] if chosen else None
