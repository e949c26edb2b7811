"""Understand a question once, into one typed `Query` that every later step reads.

A question names (or not) forces, years and pillars; asks for a kind of answer (a grade,
what must improve, the reasons for a grade, a figure, a comparison, a list across forces,
a change over time, or a plain fact); and is about a topic. Rules catch the usual
wordings; misspelt words are corrected against the reports' own vocabulary first; and a
question no rule recognises is compared by meaning with worded examples of each intent
(qa/data/intents.json), so that "how do they measure up on ..." is a grade question.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.encoder import Encoder
from qa.evaluation import FRAME as EVALUATION_FRAME
from qa.evaluation import asks_evaluation
from qa.expand import expand
from qa.force_spelling import ForceSpelling
from qa.forces import ForceNames, alias_pattern
from qa.glossary import report_terms
from qa.named import named_kind
from qa.request import Turn

DATA = Path(__file__).resolve().parent / "data"

INTENTS = ("grade", "improvements", "reasons", "figure", "compare", "list", "trend", "other")
NUMERIC_TYPES = ("number", "amount", "duration", "percentage")
# intents answered from the report structure, which need to know the unit asked about
STRUCTURAL = ("grade", "improvements", "reasons", "compare", "list", "trend")
# An intent example must be this much closer (cosine, mean of the best three) than the
# plain-fact examples before it overrides "other"; set on worded examples, not on any
# evaluation question.
PROTOTYPE_MARGIN = 0.12

_YEAR = re.compile(r"\b(20[0-4]\d)(?:\s*[/–-]\s*(?:20)?(\d\d))?\b")
_PILLAR = re.compile(r"\b(effectiveness|efficiency|legitimacy|leadership)\b", re.IGNORECASE)
_PILLAR_NAMES = {
    "effectiveness": "Effectiveness",
    "efficiency": "Efficiency",
    "legitimacy": "Legitimacy",
    "leadership": "Leadership",
}
_FUTURE = re.compile(
    r"\b(?:next (?:year|month|week|time|inspection|decade)|tomorrow|in the future|"
    r"in (?:\d+|two|three|four|five|ten|twenty) years(?:'|’)? time|"
    r"going to (?:be|get|happen|change|resign|close|cut|rise|fall|win|lose)|"
    r"will (?:there|they|it|he|she) (?:be|get|have)|forecast|predict(?:ion)?s? for)\b",
    re.IGNORECASE,
)

# "how long is the wait now?", "did they look at it in detail this time?": the latest
# inspection, not every one
_CURRENT = re.compile(
    r"\b(?:now|nowadays|these days|this time|currently|at the moment|at present|today)\b",
    re.IGNORECASE,
)

_REASONS = re.compile(
    r"(?:^|[.?!–—]\s+)\s*(?:(?:and|but|so|ok(?:ay)?)[,\s]+)?"
    r"(?:why\b|how come\b|what(?:'s|’s|s| is| was| were)? "
    r"(?:the )?reasons?\b|for what reason|on what (?:basis|grounds)|what (?:led|made) |"
    r"explain\b|what evidence|reasons?\b|what(?:'s|’s| is| was) behind\b|based on what|"
    r"what makes (?:them|it|the force|the constabulary) (?:so )?\w+|"
    r"how did (?:they|the inspectors|inspectors|hmicfrs) (?:come to|reach|arrive at|decide)|"
    r"what (?:did|do) (?:they|the inspectors|inspectors) base|justif\w+|why so\b|"
    r"what(?:'s| is| was| were| are) .{0,80}?\bbased on\b|(?:what|which) (?:is|was|were) "
    r"the basis\b|what (?:findings|evidence)\b|"
    r"what made (?:them|the inspectors|inspectors|hmicfrs) (?:say|decide|give|conclude|think)|"
    r"what(?:'s|’s| is| are| was| were)? (?:(?:they|it|the force|the constabulary) )?"
    r"(?:going|doing|getting|done|gone|got) (?:so )?(?:wrong|right|well|badly)|"
    r"what (?:are|is|were|was) (?:they|it|the force|the constabulary|\w+) (?:doing|getting) "
    r"(?:so )?(?:wrong|right|well|badly)|"
    # "what let them down on ...", "what went wrong for Durham on ...", "what did they do well
    # to earn a good grade?", "how did they manage a good grade for ...?"
    r"what (?:let|held|pulled|brought|dragged) (?:[\w’'-]+ ){0,3}?(?:down|back)\b|"
    r"what went (?:so )?(?:wrong|right|well|badly)\b|"
    r"what (?:did|do|does) .{0,60}?\b(?:to|in order to) (?:earn|get|achieve|deserve|secure|"
    r"be (?:graded|rated|judged|given))\b|"
    r"how (?:did|do|does) .{0,40}?\b(?:manage|earn|achieve|get|secure|deserve|land|win) "
    r"(?:a|an|the|its|their|that) (?:[\w’'-]+ ){0,2}?(?:grade|rating|judge?ment|mark))|"
    # "what earned Lancashire a good ...?", "what did they get marked down for ...?"
    r"what (?:earned|won|cost)\b|\bmarked (?:them |it |[\w-]+ )?down\b|\blost marks\b|"
    # "what were the main problems behind that grade?"
    r"what(?:'s|’s| is| are| was| were)? [^?.!]{0,60}?\bbehind (?:that|the|this|their|its) "
    r"(?:grade|rating|judge?ment|verdict|score|mark)\b",
    re.IGNORECASE,
)
_TREND = re.compile(
    r"\b(?:over time|over the years|trend|since (?:20\d\d|last|the last|the previous|then|before)|"
    r"compared (?:to|with) (?:20\d\d|last|the last|previous|the previous|before|earlier)|"
    r"from 20\d\d to 20\d\d|between 20\d\d and 20\d\d|(?:previous|last|earlier|prior) "
    r"(?:inspection|report|grade|rating)s?|year on year|went (?:up|down)|gone (?:up|down)|"
    r"got (?:better|worse)|slipped|declined|progress(?:ed)? since|changed|moved (?:up|down)|"
    r"(?:is|are|has|have)\b.{0,30}\b(?:getting|got|gotten|become) (?:better|worse))\b",
    re.IGNORECASE,
)
_CHANGE = re.compile(
    r"\b(?:chang(?:e|ed|es|ing)|improv(?:ed|ing)|move[ds]?|shift(?:ed)?|differ(?:ent|ence)?|"
    r"better|worse|up|down)\b",
    re.IGNORECASE,
)
_LIST = re.compile(
    r"\b(?:(?:which|what|list|name|any|how many|all(?: the)?|every) (?:of the |other )?"
    r"(?:forces|constabularies|police forces|reports|inspections)|which (?:force|constabulary)|"
    r"(?:has|have|did|does|is|are|was|were) any (?:force|constabulary|police force)s?|"
    r"forces? (?:that|which|were|was|got|rated|graded|judged)|who (?:was|were|got|is|are) "
    r"(?:graded|rated|judged)|"
    r"(?:which|what) (?:forces?|constabular(?:y|ies)) (?:do|did|does) you)\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\b(?:compare[ds]?|comparison|comparing|versus|vs\.?|v\.|better than|worse than|"
    r"difference between|differ from|stack up against|measure up against|against each other|"
    r"side by side|which (?:is|was|one is|did) (?:better|worse)|(?:better|worse) at|v)\b",
    re.IGNORECASE,
)
_IMPROVE = re.compile(
    r"\b(?:improve(?:ment|ments)?|areas? for improvement|afis?|must|should|needs? to|need(?:s|ed)? "
    r"(?:work|fixing|improving|sorting)|sort out|fix(?:ing)?|weak(?:ness|nesses| spots?| points?)?|"
    r"concerns?|causes? of concern|shortcomings?|failings?|failing|fall(?:ing|s)? short|"
    r"problems? (?:with|in)|(?:main|biggest|key) problems?|"
    r"issues? with|get(?:ting)? better|do better|recommend(?:ation|ations|ed)?|has to change|"
    r"have to change|what.{0,20}(?:change|wrong)|go(?:ing|ne)? wrong|criticis\w*|criticiz\w*|"
    r"gaps?|lacking|not good enough|told to|(?:to|should|must) work on|let down|"
    r"letting .{0,12}down|"
    r"could be better|room for improvement|poor(?:ly)?|struggl\w*)\b",
    re.IGNORECASE,
)
_GRADE = re.compile(
    r"\b(?:grades?|graded|grading|rat(?:e|ed|ing|ings)|judge(?:d|ment|ments)?|judgements?|"
    r"scored?|scoring|verdict|marks?|marked|measure up|up to scratch|up to standard|up to par|"
    r"how good|any good|how well|how (?:did|do|does|are|is|were) .{0,40}(?:do|doing|fare|faring|"
    r"perform|performing|get on|getting on)|pass(?:ed)?|fail(?:ed)?|assess(?:ed|ment)?|"
    r"outstanding|inadequate|requires? improvement|adequate|report card|ofsted|how effective|"
    r"what (?:did|does|do) .{0,30}\bget (?:for|on|in|at)|"
    r"what (?:did|does|do) [^?.!]{0,30}\bget(?=\W*$)|"
    r"^(?:did|do|does|is|are|was|were) .{0,60}\b(?:properly|well enough|good enough)\b|"
    r"(?:good|decent|bad|poor) job|"
    r"how efficient|how legitimate|how (?:is|are|was|were) \w+(?: \w+)? (?:on|at|with|for)|"
    r"(?:is|are|was|were) (?:it|they|the force|the constabulary)?"
    r" ?(?:good|ok|okay|decent) at|stars?)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(
    r"\b(?:what|which) (?:percentage|percent|proportion|share|fraction|portion)\b|"
    r"\bhow many (?:percent|in (?:ten|a hundred))\b|\bwhat %|\bpercentage of\b|\bproportion of\b|"
    r"\bshare of\b",
    re.IGNORECASE,
)
_SHARE_FRAME = re.compile(
    r"\b(?:(?:what|which) )?(?:percentage|percent|proportion|share|fraction|portion)s?(?: of)?\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\bhow (?:long|quickly|fast|soon|late)\b|"
    r"\bhow many (?:days|weeks|months|hours|minutes|years)\b|"
    r"\bwaiting times?\b|\bwait(?:ing)? (?:for|times?)\b|\bdelays?\b.*\bhow\b|\bhow .{0,20}delay",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"\bhow much (?:money|cash|funding|budget)\b|"
    r"\bwhat (?:sort|kind|amount|level|size) of (?:money|cash|funding|investment|budget)\b|"
    r"\bhow much\b.{0,40}\b(?:invest\w*|put into|put in|plough\w*|pour\w*)\b|"
    r"\bhow much\b.{0,40}\b(?:cost|spend|spent|budget|raise|raised|save|saved|fund|funding|"
    r"pay|paid|tax|precept|charge|charged|fee|fees|salary|salaries|price|worth)\b|"
    r"\b(?:what|which) (?:is|was) the (?:cost|budget|price)\b|£",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\bhow many\b|\bwhat number\b|\bnumber of\b|\bhow often\b|\bhow much\b",
    re.IGNORECASE,
)
_PERSON = re.compile(
    r"\b(?:who(?:'s| is| was| are| were)|(?:what(?:'s| is| was)|give me|tell me) the names? of)"
    r" (?:the |their |its |lancashire's )?(?:current |new |next |former )?(?:police and crime "
    r"commissioner|pcc|chief constable|chief|commissioner|head|boss|leader|mayor|minister|"
    r"home secretary|inspector|superintendent|officer in charge|person in charge)\b|"
    r"\bwhat(?:'s| is) (?:his|her|their) name\b",
    re.IGNORECASE,
)
_UNIT = re.compile(
    r"^\s*(?:(?:and|so)\s+)?(?:who\b|which (?:team|unit|department|officers?|staff|agency|agencies|"
    r"partners?|body|bodies|group|people|organisations?)\b|what (?:team|unit|department|agency|"
    r"body|group)\b)",
    re.IGNORECASE,
)
_YESNO = re.compile(
    r"^\s*(?:(?:and|so|but)\s+)?(?:is|are|does|do|did|was|were|has|have|had|can|could|should)\b",
    re.IGNORECASE,
)
_OVERALL = re.compile(
    r"\b(?:overall|headline|as a whole|in general|all round|across the board|pillar|"
    r"in total|on the whole|main grade|top line|top-line|summary grade)\b",
    re.IGNORECASE,
)
_EXTREME = re.compile(r"\b(worst|weakest|lowest|poorest|best|strongest|highest)\b", re.IGNORECASE)
_WORST = {"worst", "weakest", "lowest", "poorest", "bad", "weak", "poor"}
# "what is Cumbria bad at?", "what are they good at?": the extremes of every question
_GOOD_AT = re.compile(
    r"\bwhat (?:is|are|was|were|do|does|did) .{0,40}?\b(bad|weak|poor|good|strong|great) "
    r"(?:at|on|in)\b\W*$",
    re.IGNORECASE,
)
_ALL_GRADES = re.compile(
    r"\b(?:grades|ratings|marks|judgements|judgments|scores|results|report card)\b", re.IGNORECASE
)
# "has their grade gone up?" asks about grades; "did that training make a difference?" not
# "since 2017", "until now": a change over time asked for, kept a trend
_OVER_TIME = re.compile(
    r"\b(?:since|from|between|after|before) (?:the )?(?:19|20)\d\d\b|\bover (?:time|the years)\b|"
    r"\bcompared (?:to|with)\b|\bthan (?:in )?(?:19|20)\d\d\b|\buntil now\b",
    re.IGNORECASE,
)
_WHO_WHICH = re.compile(
    # "Back to the corruption side - who should they ...?": after a lead-in set off by a dash
    r"^(?:[^?.!:–—-]{1,60}?(?:\s[-–—]|:)\s)?"
    r"\W*(?:(?:and|so|but|ok(?:ay)?)\W+)?(?:who|whom|whose|which (?!(?:areas?|things?|"
    r"parts?|improvements?|questions?|recommendations?)\b))\b",
    re.IGNORECASE,
)
_GRADES_ASKED = re.compile(
    r"\b(?:grades?|graded|ratings?|rated|judge?ments?|judged|scores?|peel|inspections?)\b",
    re.IGNORECASE,
)
_GRADE_WORD = re.compile(
    r"\b(outstanding|good|adequate|requires? improvement|inadequate)\b", re.IGNORECASE
)
_GRADE_NAMES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "adequate": "Adequate",
    "require improvement": "Requires improvement",
    "requires improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
_CONNECTIVE = re.compile(
    r"^\s*(?:and|but|so|also|plus|then|ok(?:ay)?|what about|how about|what else|"
    r"anything else|any more|more on|same for|why|how come|is that|was that|what of)\b",
    re.IGNORECASE,
)
MAX_FOLLOWUP_WORDS = 8
# a question this short that names no force says too little to stand alone in a conversation
MAX_BARE_WORDS = 5
MAX_HISTORY_READ = 4  # turns read back to find what "it" and "they" were
_POINTS_AT_THING = re.compile(
    r"\b(?:it|that|this|those|these|them|such|same|instead|else|too|as well|also|again|"
    r"this time)\b",
    re.IGNORECASE,
)
# "Side question -", "Different question:", "Separate thing -", "Unrelated, but ...": a
# turn about something else, which the conversation comes back from ("back to ...")
_ASIDE = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|right|oh|and|also|now)[,\s]+)?(?:(?:a|one|on a|quick|another)\s+)?"
    r"(?:(?:side|different|separate|unrelated|other|new|another)\s+(?:question|thing|topic|"
    r"subject|note|point|matter|issue)\b|unrelated\b|changing (?:the )?(?:subject|topic)\b|"
    r"by the way\b|btw\b|off topic\b)",
    re.IGNORECASE,
)
_RESUMES = re.compile(
    r"\b(?:(?:go|going|get|getting|come|coming|went|turning|turn)\s+)?back to\b|"
    r"\breturn(?:ing)? to\b",
    re.IGNORECASE,
)
_POINTS_TO_TOPIC = re.compile(r"\b(?:it|that|this|those|these|them|there)\b", re.IGNORECASE)
# "how many is each officer looking after?", "how many did they get wrong?": what is
# counted is not named, so it is what was talked about
_COUNTS_UNNAMED = re.compile(
    r"\bhow many (?:of (?:them|those|these|it)\b|(?:is|are|was|were|did|do|does|has|have|had|"
    r"will|would|can|could|should)\b)",
    re.IGNORECASE,
)
MAX_DEFINITE_WORDS = 8
# A sentence about who asks, not what ("I'm a councillor in Bristol.", "I live in
# Preston."), or the frame of why ("Writing a piece on ...", "Quick question:"): no topic,
# and a town in it is no place asked about. Taken off the front of a question.
_ROLE = (
    r"(?:councillor|journalist|reporter|student|researcher|analyst|resident|parent|mum|mother|"
    r"dad|father|officer|volunteer|lecturer|teacher|magistrate|campaigner|solicitor|lawyer|"
    r"writer|editor|blogger|academic|member|governor|trustee|carer|nurse|doctor|worker|"
    r"manager|adviser|advisor|ratepayer|taxpayer|voter|constituent|pensioner|"
    r"producer|correspondent|commissioner|clerk|chair|candidate|activist|victim|survivor)s?"
)
_ASKER = re.compile(
    r"^\W*(?:(?:hi|hello|hiya|hey|morning|afternoon)\b[\s,!.]*)?(?:"
    r"(?:i[’']?m|i am|i was|we[’']?re|we are)\s+(?:an?|the|one of the)\s+(?:[\w’'-]+\s+){0,3}?"
    + _ROLE
    + r"\b[^.?!:;]*[.!:;]|"
    r"(?:i|we)\s+(?:live|work|volunteer|sit|serve|teach|study)\b[^.?!:;]*[.!:;]|"
    r"(?:quick question|just wondering|out of (?:interest|curiosity)|a question)\s*[.!:;,-]|"
    # "Journalist here, looking at ...", "Policy researcher here."
    r"(?:[\w’'-]+\s+){0,2}?" + _ROLE + r"\s+here\b[^.?!:;]*[.!:;]"
    r")\s*",
    re.IGNORECASE,
)
_WHY_ASKED = re.compile(
    r"^\W*(?:(?:i[’']?m|i am|we[’']?re|we are)\s+)?(?:(?:reporting|looking) (?:on|into)\s+|"
    r"(?:writing|researching|preparing|"
    r"putting together|working on|doing|drafting)\s+(?:up\s+)?(?:a|an|some|my)?\s*"
    r"(?:[\w’'-]+\s+){0,2}?(?:piece|article|story|report|briefing|blog(?: post)?|paper|"
    r"feature|column|essay|dissertation|thesis|research|notes?)\b\s*(?:on|about|into|for|"
    r"looking at|covering)?\s*)",
    re.IGNORECASE,
)


def without_asker(text: str) -> str:
    """The question without the sentences about who asks and why ("I'm a councillor in
    Bristol. How many ...?" -> "How many ...?"); the whole question when that is all it is."""
    rest = text
    for _ in range(3):
        cut = _ASKER.sub("", rest, count=1)
        cut = _WHY_ASKED.sub("", cut, count=1)
        if cut == rest:
            break
        rest = cut
    return rest if re.search(r"[A-Za-z]{3,}", rest) else text


_POINTS_BACK = re.compile(
    r"\b(?:that|this|those|these|it|its|they|them|their|there|such|same|he|she|him|her|"
    r"the force|the constabulary)\b",
    re.IGNORECASE,
)
# Words that say what kind of answer is wanted, or who is asked, rather than the topic.
_NOT_TOPIC = re.compile(
    r"\b(?:how|what|what's|whats|which|who|whom|whose|why|when|where|did|does|do|is|are|was|were|"
    r"be|been|being|the|a|an|inspectors?|inspectorate|inspections?|hmicfrs|hmic|peel|rate|rated|"
    r"rates|rating|ratings|grade|grades|graded|grading|judge|judged|judgement|judgment|score|"
    r"scored|verdict|mark|marks|marked|assess|assessed|assessment|make|made|think|thought|say|"
    r"said|says|give|gave|given|get|got|gets|on|for|at|in|about|of|to|with|by|from|they|it|its|"
    r"their|them|there|force|forces|constabulary|constabularies|police|polices|good|well|any|"
    r"overall|general|generally|headline|need|needs|must|should|improve|improvement|improvements|"
    r"sort|out|fix|better|worse|change|changes|changed|area|areas|anything|doing|perform|"
    r"performance|performing|fare|faring|weakness|weaknesses|concerns?|recommendations?|that|"
    r"this|those|these|and|or|so|also|up|scratch|measure|compare|compared|comparison|versus|vs|"
    r"between|than|list|all|every|report|reports|year|years|back|then|now|still|these days|"
    r"lancs|you|me|i|we|us|our|my|please|tell|show|explain|reason|reasons|come|since|over|time|"
    r"trend|effective|effectiveness|efficiency|efficient|legitimacy|legitimate|outstanding|"
    r"inadequate|adequate|requires|require|required|falling|short|wrong|went|gone|go|going|"
    r"can|could|would|will|much|many|long|often|quickly|number|percentage|percent|proportion|"
    r"share|ok|okay|decent|job|pass|passed|fail|failed|question|questions|answer|work|"
    r"previous|last|latest|recent|most|other|others|each|both|either|one|ones|best|worst|have|"
    r"has|had|everything|anything|something|told|kind|sort|type|bad|badly|poor|poorly|great|"
    r"fine|properly|makes|so|very|really|such|s|folk|folks|lot|bit|things?|part|parts|aspects?|"
    r"sides?|elements?|weakest|strongest|lowest|highest|worst|best|getting|ask|asked|"
    r"i|can|may|might|actually|ones?|reasoning|behind|led|lead|leads|cause|caused|causes|basis|"
    r"grounds|evidence|thinking|because|explanation|justify|justification|based|base|"
    r"conclusion|conclude|concluded|decided|decide|arrive|arrived|reach|reached|work|works|"
    r"working|worked|succeed|succeeding|successful|helping|helps|fast|faster|quicker|slow|slower|"
    r"soon|sooner|some|separate|unrelated|another|different|else|topic|but|however|though|"
    r"although|anyway|least|called|named|name|names|whole|broadly|broader|wider|if|stuff|"
    r"sections?|according|asking|find|finds|found|seen|seem|seems|seemed|findings?|roughly|"
    r"approximately|exactly|per)\b|"
    # "what grade did they end up with?", "how well do they deal with complaints?"
    r"\b(?:end|ends|ended|ending) up\b|\b(?:deal|deals|dealing|dealt) with\b|"
    r"\b(?:don|doesn|didn|isn|aren|wasn|weren|haven|hasn)[’']?t(?![\w’'])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Query:
    """One question, understood: what it names, what it asks for and what it is about."""

    text: str  # as asked
    corrected: str  # misspelt words corrected against the reports' vocabulary
    forces: tuple[str, ...] = ()  # indexed forces the question names
    unindexed_forces: tuple[str, ...] = ()  # forces named that no indexed report covers
    years: tuple[int, ...] = ()
    pillars: tuple[str, ...] = ()
    places: tuple[str, ...] = ()  # places outside England and Wales' police
    future: bool = False  # asks about a time after the reports
    current: bool = False  # asks about now: the latest report of each force
    intent: str = "other"
    answer_type: str | None = None  # number, amount, duration, percentage, unit, yesno
    grade_named: str | None = None  # "which forces were graded inadequate": Inadequate
    extreme: str | None = None  # "which part did they do worst on": "worst" (or "best")
    # "which of X's questions were below good?": every grade asked for, worst first
    grades_wanted: tuple[str, ...] = ()
    overall: bool = False  # asks about the pillar as a whole ("overall", "headline")
    counted: str | None = None  # "how many extra officers ...": "officers"
    named: str | None = None  # the kind of thing a who/what/which question asks to be named
    unit_filtered: bool = False  # the request's filters name one question (or unit)
    every_grade: bool = False  # "what were Lancashire's grades?": every question's grade
    topic: str = ""  # the subject words, without the frame ("investigating crime")
    followup: bool = False  # leans on the conversation for its topic or force
    previous: Query | None = None  # the question before it, understood, for a follow-up
    # the topics of the conversation's earlier turns, oldest first, carried until a turn
    # stands alone ("how many officers ...?", "which teams will they support?", "what
    # about Cumbria?": Cumbria's officers, not its teams of every kind)
    context: tuple[str, ...] = ()
    # the topic of the conversation's last grade question: what "the grade for it" means
    graded: str = ""
    # a question that names no force, asked in a conversation about one, is asked of that
    # force first; this is it read alone, asked when that force's reports don't answer it
    alone: Query | None = None
    # after an aside ("Side question - do they use Clare's Law?"), the turn the
    # conversation was on before it: what "back to ..." returns to
    resume: Query | None = None
    turn: int | None = None  # for a turn of the history read back, its place in it
    dense: str = ""  # text embedded for search
    keywords: str = ""  # text for the keyword index
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    # a follow-up is also searched with the topic talked about beside its words, as a
    # second ranking fused with the first (qa/retrieve.py): "" when it is not
    beside_dense: str = ""
    beside_keywords: str = ""
    beside_vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    topic_vector: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def has_topic(self) -> bool:
        return bool(self.topic)

    @property
    def talked_about(self) -> str:
        """The topic with the one talked about before when the question points back at it
        ("is the backlog coming down?" after one on sex offenders' risk assessments); when
        the last turn's topic is the question's own (it took it over: "how many of them
        did?" after "do the kids get spoken to ...?"), the one before that."""
        beside = next((c for c in reversed(self.context) if c not in self.topic), "")
        return f"{self.topic} {beside}".strip() if beside else self.topic


@lru_cache(maxsize=1)
def _places() -> list[str]:
    return json.loads((DATA / "places.json").read_text("utf-8"))["places_not_covered"]


@lru_cache(maxsize=1)
def _intent_examples() -> dict[str, list[str]]:
    data = json.loads((DATA / "intents.json").read_text("utf-8"))
    return {k: v for k, v in data.items() if k != "about"}


class QueryReader:
    """Reads questions against one loaded index: its forces and its words."""

    def __init__(
        self,
        forces: list[str],
        vocabulary: Iterable[str],
        acronyms: dict[str, str],
        encoder: Encoder | None = None,
    ) -> None:
        self.indexed_forces = sorted(set(forces))
        self.acronyms = acronyms
        self.encoder = encoder
        self.force_names = ForceNames(self.indexed_forces)
        self._places = alias_pattern(_places())
        self.vocabulary = {w for w in vocabulary if len(w) > 1}
        self._by_initial: dict[str, list[str]] = {}
        for word in self.vocabulary:
            if len(word) >= 4:
                self._by_initial.setdefault(word[0], []).append(word)
        self._spelling = ForceSpelling(
            (k.name, words) for k in self.force_names.known for words in k.own_words
        )
        self._examples: tuple[list[str], np.ndarray] | None = None

    # -- the parts of a question --------------------------------------------------------

    def forces_in(self, text: str) -> tuple[list[str], list[str], str]:
        """(indexed forces, other forces, the text without them), spelling slips allowed."""
        indexed, other, rest = self.force_names.find(text)
        # "durhum", "Northumbira", "west midlnds" (qa/force_spelling.py)
        for slip in self._spelling.find(rest, self._is_word):
            target = indexed if slip.force in self.indexed_forces else other
            target.append(slip.force)
            rest = rest[: slip.start] + " " * (slip.end - slip.start) + rest[slip.end :]
        rest = re.sub(r"\s{2,}", " ", rest)
        return unique(indexed), unique(other), rest

    def _is_word(self, word: str) -> bool:
        """A word of its own: the reports use it, or it is English."""
        return word in self.vocabulary or _is_english(word)

    def correct(self, text: str) -> str:
        """Misspelt words (known neither to the reports nor to an English dictionary),
        replaced by a close word the reports use."""

        def fix(match: re.Match) -> str:
            word = match.group(0)
            lowered = word.lower()
            if len(lowered) < 5 or lowered in self.vocabulary or _is_english(lowered):
                return word
            pool = [
                w for w in self._by_initial.get(lowered[0], ()) if abs(len(w) - len(lowered)) <= 2
            ]
            close = difflib.get_close_matches(lowered, pool, n=1, cutoff=0.84)
            return close[0] if close else word

        return re.sub(r"[A-Za-z]+", fix, text)

    def read(self, question: str, history: tuple[Turn, ...] = ()) -> Query:
        """The question understood, its search text built and embedded once."""
        query = self._read_rules(question)
        previous = None  # the last turn, read in the light of the turns before it
        about = None  # the last turn that named (or was taken to mean) a force
        start = max(len(history) - MAX_HISTORY_READ, 0)
        for at, turn in enumerate(history[start:], start=start):
            earlier = replace(self._read_rules(turn.question), turn=at)
            if previous is not None:
                earlier = _in_conversation(earlier, previous, about)
            if earlier.forces or earlier.unindexed_forces:
                about = earlier
            previous = earlier
        if previous is not None:
            query = _in_conversation(query, previous, about)
        dense, keywords, beside_dense, beside_keywords = self._search_texts(query)
        vector = topic_vector = beside_vector = None
        topic = " ".join([query.topic, *report_terms(query.topic)]) if query.topic else ""
        if self.encoder is not None:
            # One model call per question; the topic is embedded with the search text only
            # when the answer will look for the report question it is about.
            wants_topic = bool(topic) and query.intent in STRUCTURAL
            texts = [
                dense,
                *([topic] if wants_topic else []),
                *([beside_dense] * bool(beside_dense)),
            ]
            vectors = self.encoder.encode(texts)
            vector = vectors[0]
            topic_vector = vectors[1] if wants_topic else None
            beside_vector = vectors[-1] if beside_dense else None
        if query.intent == "other" and query.answer_type is None and vector is not None:
            intent = self._intent_by_meaning(vector)
            if intent != query.intent:
                query = _replace(query, intent=intent)
                if topic and intent in STRUCTURAL:
                    # Rare (the examples made it a grade question): the question's own
                    # vector stands for its topic rather than a second model call.
                    topic_vector = vector
        read = dict(
            dense=dense,
            keywords=keywords,
            vector=vector,
            topic_vector=topic_vector,
            beside_dense=beside_dense,
            beside_keywords=beside_keywords,
            beside_vector=beside_vector,
        )
        if query.alone is not None:  # the same words searched, in every report
            read["alone"] = _replace(query, forces=(), years=query.alone.years, alone=None, **read)
        return _replace(query, **read)

    def _asked(self, question: str) -> str:
        """The question without who asks and why (``without_asker``), keeping the forces
        that said ("I live in Lancashire. How many ...?")."""
        rest = without_asker(question)
        if rest == question:
            return question
        before, after = self.forces_in(question), self.forces_in(rest)
        lost = [f for f in before[0] + before[1] if f not in after[0] + after[1]]
        return f"{', '.join(lost)}: {rest}" if lost else rest

    def _read_rules(self, question: str) -> Query:
        question = self._asked(question)
        indexed, other, rest = self.forces_in(question)
        corrected = self.correct(rest)
        places = tuple(m.group(0).strip() for m in self._places.finditer(corrected))
        # with the forces' names blanked out, "the 2018 Lancashire inspection" reads as "the
        # 2018 inspection": a year of the report, not of the topic
        blanked = self.force_names.find(question)[2]
        years = tuple(
            sorted({int(m.group(1)) for m in _YEAR.finditer(blanked) if not _of_topic(m)})
        )
        pillars = tuple(
            unique(_PILLAR_NAMES[m.group(1).lower()] for m in _PILLAR.finditer(corrected))
        )
        answer_type = _answer_type(corrected)
        intent = _intent(corrected, answer_type, len(indexed) + len(other), len(years))
        grade = _GRADE_WORD.search(corrected) if intent == "list" else None
        extreme = _EXTREME.search(corrected) or _GOOD_AT.search(corrected)
        if _GOOD_AT.search(corrected) and intent in ("other", "improvements"):
            intent = "grade"
        overall = bool(_OVERALL.search(corrected)) and not _WHEN_PUBLISHED.search(corrected)
        if answer_type == "evaluation" and (
            intent in ("other", "grade", "improvements")
            or (
                intent == "trend"
                and not _GRADES_ASKED.search(corrected)
                and not _OVER_TIME.search(question)
            )
        ):
            intent, overall = "other", False  # "is it working?": the frame is no topic
            topic = _topic(EVALUATION_FRAME.sub(" ", corrected))
        elif intent == "reasons":  # "why that one? what dragged it down?": the frame is no topic
            topic = (
                "" if overall else _topic(_RELATIVE_YEAR.sub(" ", _WHY_FRAME.sub(" ", corrected)))
            )
        else:
            topic = "" if overall else _topic(_RELATIVE_YEAR.sub(" ", corrected))
        if answer_type == "evaluation" and intent != "other":
            answer_type = None
        return Query(
            text=question,
            corrected=corrected,
            forces=tuple(indexed),
            unindexed_forces=tuple(other),
            years=years,
            pillars=pillars,
            places=places,
            future=bool(_FUTURE.search(corrected)),
            current=bool(_CURRENT.search(corrected)),
            intent=intent,
            answer_type=answer_type,
            grade_named=_GRADE_NAMES[grade.group(1).lower()] if grade else None,
            extreme=("worst" if extreme.group(1).lower() in _WORST else "best" if extreme else None)
            if extreme
            else None,
            topic=topic,
            overall=overall,
            counted=_counted(corrected) if answer_type == "number" else None,
            named=named_kind(corrected),
            every_grade=bool(_ALL_GRADES.search(corrected)),
        )

    def _search_texts(self, query: Query) -> tuple[str, str, str, str]:
        """(text to embed, text for the keyword index), then the same with the topic
        talked about beside the question's words, for a second ranking ("" when none)."""
        base = self.force_names.normalise(query.text)
        if (query.forces or query.unindexed_forces) and query.intent not in STRUCTURAL:
            # A force named is the scope, not the topic: searching with its name would
            # promote passages for merely containing it ("Lancashire Constabulary has ...").
            # A grade question keeps it: the force's own statement of its grade is the
            # passage that answers it (measured: see README "Direct answers").
            _, _, rest = self.forces_in(query.text)
            rest = re.sub(r"\s+(?=[’'],?s\b)|(?<=\s)[’']s\b", "", rest).strip()
            if len(re.findall(r"[A-Za-z]{3,}", rest)) >= 2:
                base = rest
        if query.corrected != query.text:  # keep the question's own words, add corrections
            fixes = [
                w
                for w in re.findall(r"[A-Za-z]+", query.corrected)
                if w.lower() not in query.text.lower()
            ]
            if fixes:
                base = f"{base} ({' '.join(fixes)})"
        if query.followup and query.previous is not None and query.previous.topic:
            switched = query.forces and query.forces != query.previous.forces
            if not query.has_topic or (query.topic == query.previous.topic and switched):
                # "what about Cumbria?" after Lancashire: the previous answer's passages,
                # which a follow-up prefers (qa/followup.py), are out of scope; the topic
                # talked about is searched for instead
                talked = unique([*query.context, query.previous.topic])
                base = f"{base} ({' '.join(talked)})"
            elif query.intent == "grade" and query.topic == query.graded != query.previous.topic:
                base = f"{base} ({query.graded})"  # the grade for what was graded before
        own_topic = query.has_topic and query.topic not in query.context
        beside = ""
        points = _POINTS_TO_TOPIC.search(query.text) or _names_definite_thing(query)
        if own_topic and query.context and points:
            # "is any of them struggling?", "how bad is the backlog there?": the thing
            # pointed at is the topic talked about, searched for beside the question's own
            base = f"{base} ({query.context[-1]})"
        elif query.context or (query.followup and query.previous is not None):
            # "why?", "how many did they get wrong?", "and what about foreign nationals?",
            # "does every officer get their own one?": ranked as asked and, apart, with the
            # topic talked about beside its words
            beside = query.context[-1] if query.context else query.previous.topic
            if beside and beside.lower() in base.lower():
                beside = ""
        dense, keywords = self._searched(base, query)
        if not beside:
            return dense, keywords, "", ""
        return dense, keywords, *self._searched(f"{base} ({beside})", query)

    def _searched(self, base: str, query: Query) -> tuple[str, str]:
        """(text to embed, text for the keyword index): ``base`` with its acronyms spelt
        out and the report terms of the question's everyday words."""
        expanded = expand(base, self.acronyms)
        keywords = expanded.keywords
        if query.answer_type == "percentage":
            # "what share of ... records": the frame is no keyword ("The constabulary
            # shares information ..." is not about it)
            keywords = _SHARE_FRAME.sub(" ", keywords)
        extra = report_terms(query.corrected)
        if not extra:
            return expanded.dense, keywords
        addition = " ".join(extra)
        return f"{expanded.dense} ({addition})", f"{keywords} {addition}"

    def warm(self) -> None:
        """Embed the intent examples and read the English word list now, not at the first
        question that needs them (a server that forks workers does this once, before the
        fork, and the workers share the pages)."""
        if self.encoder is not None:
            self._example_vectors()
        _english()

    def _intent_by_meaning(self, vector: np.ndarray) -> str:
        names, matrix = self._example_vectors()
        sims = matrix @ vector
        scores: dict[str, float] = {}
        for intent in set(names):
            own = np.sort(sims[[i for i, n in enumerate(names) if n == intent]])[::-1]
            scores[intent] = float(own[:3].mean())
        best = max(scores, key=lambda k: scores[k])
        if best != "other" and scores[best] - scores["other"] >= PROTOTYPE_MARGIN:
            return best
        return "other"

    def _example_vectors(self) -> tuple[list[str], np.ndarray]:
        if self._examples is None:
            names, texts = [], []
            for intent, examples in _intent_examples().items():
                names.extend([intent] * len(examples))
                texts.extend(examples)
            self._examples = (names, self.encoder.encode(texts))
        return self._examples


# The report named as where to look, not a grade asked for: "according to the 2017
# assessment", "in its 2016 assessment", "by the time of the 2015 assessment"
_REPORT_NAMED = re.compile(
    r"\b(?:in|from|according to|per|as described in|by the time of|at the time of|during|"
    r"for|of|since)\s+(?:(?:the|its|their|this|that|[\w-]+[’']s)\s+)?(?:(?:19|20)\d\d(?:\s*[/–-]"
    r"\s*(?:20)?\d\d)?\s+)?(?:peel\s+)?(?:assessments?|inspections?|reports?)\b",
    re.IGNORECASE,
)


def _intent(text: str, answer_type: str | None, forces_named: int, years_named: int) -> str:
    text = _REPORT_NAMED.sub(" ", text)
    if _REASONS.search(text):
        return "reasons"
    if _LIST.search(text):
        return "list"
    if (_TREND.search(text) or (years_named >= 2 and _CHANGE.search(text))) and not (
        answer_type in NUMERIC_TYPES and not _GRADES_ASKED.search(text)
    ):
        return "trend"  # but "how many more officers now the precept has gone up?" counts
    if _COMPARE.search(text) and (forces_named >= 2 or _GRADE.search(text) or "compar" in text):
        return "compare"
    if forces_named >= 2 and (_GRADE.search(text) or re.search(r"\bor\b", text)):
        return "compare"
    if answer_type in NUMERIC_TYPES:
        return "figure"
    if _IMPROVE.search(text) and not _WHO_WHICH.search(text):
        return "improvements"  # not "who chairs the board of the plan to improve ...?"
    if _GRADE.search(text) and not _WHEN_PUBLISHED.search(text):
        return "grade"
    return "other"


# "When will the grades be published?", "when was the overall verdict due out?": the date
# the page gives, not the grades
_WHEN_PUBLISHED = re.compile(
    r"(?:^|[.:;?!])\W*when\b.*\b(?:publish\w*|released?|due|come out|came out|out)\b",
    re.IGNORECASE,
)


_NAMES_REPORT = re.compile(
    r"(?:peel|reports?|inspections?|effectiveness|efficiency|legitimacy|assessments?|grades?|"
    r"ratings?|results?|judgements?|verdicts?|review)\b",
    re.IGNORECASE,
)
_MONTH = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december)$",
    re.IGNORECASE,
)


def _of_topic(match: re.Match) -> bool:
    """A year that is part of the topic, not the report asked about: "after the 2019
    council tax precept increase", "between December 2016 and ..."."""
    text = match.string
    before = text[: match.start()].rstrip()
    after = text[match.end() :].lstrip()
    if _MONTH.search(before):
        return True
    return bool(
        re.search(r"\b(?:the|a|an|its|their)$", before, re.IGNORECASE)
        and re.match(r"[a-z]", after, re.IGNORECASE)
        and not _NAMES_REPORT.match(after)
    )


def _answer_type(text: str) -> str | None:
    if asks_evaluation(text):
        return "evaluation"  # "is it working?", "has it made a difference?"
    if _YESNO.search(text) and not re.match(r"^\s*(?:is|are|was|were) (?:the|there) ", text):
        return "yesno"  # "does it keep track of how often ...": yes or no, not a figure
    for name, pattern in (
        ("person", _PERSON),
        ("percentage", _PERCENT),
        ("duration", _DURATION),
        ("amount", _AMOUNT),
        ("number", _NUMBER),
        ("unit", _UNIT),
        ("yesno", _YESNO),
    ):
        if pattern.search(text):
            return name
    return None


# Words between "how many" and the thing counted ("how many separate bits", "how many of
# these assessments"), and the words after it that end its name ("how many phone calls
# did ...").
_COUNT_MODIFIERS = frozenset(
    "more extra new additional of the fewer different other separate individual distinct "
    "actual total these those such whole specific main key major big small local "
    "particular further".split()
)
_COUNT_ENDS = frozenset(
    "were are was is have has had did do does will would can could should there they it "
    "in of for to at on by with that which who from across over under per as and or "
    "than since during now then today still currently altogether exactly roughly "
    "approximately about around in total".split()
)
_TOO_GENERAL = frozenset(
    "people persons times ones them cases things parts bits aspects elements sides types kinds "
    "sorts ways".split()
)


def _counted(text: str) -> str | None:
    """What a "how many" question counts: the last word of the thing's name ("how many
    separate phone calls did ..." -> "calls"), and the reports' word for it where the
    glossary has one ("how many extra bobbies" -> "bobbies officers")."""
    match = re.search(r"\bhow many\b((?:\s+[a-z0-9][\w-]*){1,8})", text, re.IGNORECASE)
    if not match:
        return None
    words = [w.lower() for w in match.group(1).split()]
    while words and (words[0] in _COUNT_MODIFIERS or words[0].isdigit()):
        words.pop(0)
    name: list[str] = []
    for word in words[:3]:
        if word in _COUNT_ENDS:
            break
        name.append(word)
    if not name or name[-1] in _TOO_GENERAL:
        return None  # too general to look for next to the figure
    head = name[-1]
    terms = report_terms(head)
    return f"{head} {terms[0].split()[-1]}" if terms else head


def _topic(text: str) -> str:
    words = _NOT_TOPIC.sub(" ", text)
    words = _GRADE_WORD.sub(" ", words)
    words = _YEAR.sub(" ", words)
    words = re.sub(r"[^\w’'-]+", " ", words)
    kept = [w.strip("-'’") for w in words.split()]
    return " ".join(w for w in kept if len(w) > 1 and w.lower() not in ("s", "re", "ve", "ll"))


def _leans_on(query: Query) -> bool:
    """A question that needs the conversation: it opens with a connective, asks why, or
    points back with "they"/"it" without naming a topic or force of its own."""
    if query.intent == "reasons" and not query.has_topic:
        return True
    if _CONNECTIVE.match(query.text):
        return not (query.forces and query.has_topic)
    if not query.has_topic and not query.forces:
        return True
    if _COUNTS_UNNAMED.search(query.text) and not query.forces:
        return True
    words = len(query.text.split())
    if (
        words <= MAX_BARE_WORDS
        and not query.forces
        and not query.unindexed_forces
        and not _names_definite_thing(query)  # "how big is the backlog?": see `_in_topic`
    ):
        return True  # "how much more likely?", "what proportion have been done?"
    # short, and points back at a thing: "did they look at it in detail this time?"
    short = words <= MAX_FOLLOWUP_WORDS
    return short and not query.forces and bool(_POINTS_AT_THING.search(query.text))


def _names_definite_thing(query: Query) -> bool:
    """A short question about "the" thing, which it does not otherwise describe: "how big
    is the backlog?", "how long is the wait?" point back at what was talked about."""
    words = query.topic.split()
    # counted without an opening "and what about Cumbria, ...": "how long is the wait there?"
    asked = re.findall(r"[A-Za-z’'-]+", _CONNECTIVE.sub(" ", query.corrected, count=1))
    return bool(
        1 <= len(words) <= 2
        and len(asked) <= MAX_DEFINITE_WORDS
        and re.search(rf"\bthe {re.escape(words[-1])}\b", query.text, re.IGNORECASE)
    )


def _in_conversation(query: Query, previous: Query, about: Query | None = None) -> Query:
    """A question read after ``previous`` (itself read in the light of the turns before
    it, so that what a conversation is about carries through all of it): a follow-up
    takes what it does not name from it; a question that stands alone but points back
    ("how much did they spend on ...?") keeps the force, year and pillar talked about,
    from ``about``, the last turn that had a force, even across a turn that named none."""
    if _RESUMES.search(query.text) and previous.resume is not None:
        previous = previous.resume  # "back to the investigations": past the aside
    about = previous if previous.forces or previous.unindexed_forces else about
    if _ASIDE.match(query.text):
        # about something else: the force talked about still holds, the topic does not,
        # and the turn before is what a later "back to ..." returns to
        resume = previous.resume or previous
        return _replace(_of_force_talked_about(query, about), resume=resume)
    query = _in_topic(query, previous, about)
    if query.resume is None and previous.resume is not None and query.followup:
        query = _replace(query, resume=previous.resume)  # a follow-up of the aside
    return query


def _of_force_talked_about(query: Query, about: Query | None) -> Query:
    """A question that names no force, asked of the force (and year) talked about first;
    ``alone`` is it read alone, asked when that force's reports don't answer it."""
    if about is None or not about.forces or query.forces or query.unindexed_forces:
        return query
    return _replace(query, forces=about.forces, years=query.years or about.years, alone=query)


def _in_topic(query: Query, previous: Query, about: Query | None) -> Query:
    """``query`` read after ``previous``, which it may lean on (see `_in_conversation`)."""
    graded = previous.graded
    if previous.intent in ("grade", "reasons", "improvements") and previous.topic:
        graded = previous.topic
    if _leans_on(query):
        own_topic = query.has_topic
        query = _inherit(query, previous)
        if not own_topic and query.intent == "grade" and graded:
            # "what grade did they get for it?" after a figure about something graded
            # earlier: the grade of what was graded, not of the figure's topic
            query = _replace(query, topic=graded)
    elif not (
        (
            (not query.forces and not query.unindexed_forces and _POINTS_BACK.search(query.text))
            # "and what about Cumbria, how long is the wait there?": the wait talked about
            or _names_definite_thing(query)
        )
        and query.intent not in ("list", "compare")
    ):
        if query.intent in ("list", "compare", "trend", "gradelist") or query.grade_named:
            return query  # asked of every force
        return _of_force_talked_about(query, about)
    # a follow-up's own words ("how did they manage to get it down?") say little without
    # what it followed up: the two together are what it talked about
    talked = previous.talked_about if previous.followup else previous.topic
    context = tuple(unique([*previous.context, talked])) if previous.topic else ()
    query = _replace(
        query, context=previous.context if not previous.topic else context, graded=graded
    )
    if about is not None and not query.forces and not query.unindexed_forces:
        # "they" is still the force talked about
        query = _replace(
            query,
            forces=about.forces,
            unindexed_forces=about.unindexed_forces,
            years=query.years or about.years,
            pillars=query.pillars or about.pillars,
        )
    step = _RELATIVE_YEAR.search(query.text)
    if step and about is not None and about.years and not _YEAR.search(query.text):
        # "the year after", "the previous year": from the year talked about
        later = step.group(1) is not None
        query = _replace(query, years=(about.years[-1] + (1 if later else -1),))
    return query


_RELATIVE_YEAR = re.compile(
    r"\b(?:(?:the|a) (?:year|inspection) (after|later)|(the following) (?:year|inspection)|"
    r"(a year later)|(?:the|a) (?:year|inspection) before|the previous (?:year|inspection)|"
    r"a year earlier)\b",
    re.IGNORECASE,
)


# the words that ask why in other words ("what dragged it down?", "what earned them ...")
_WHY_FRAME = re.compile(
    # "why so low?", "why such a harsh grade?": how the grade struck the asker is no topic
    r"\bwhy (?:so|such an?) (?:low|high|bad|badly|poor|poorly|good|well|harsh|harshly|"
    r"critical|negative|positive|generous|disappointing|mediocre)\b|"
    r"\b(?:dragged|drag|pulled|pull|held|hold|let|brought|bring|earned|earn|won|win|cost|lost|"
    r"lose|down|deserved?|managed?|secured?|landed|land)\b",
    re.IGNORECASE,
)
_OWN_ASK = re.compile(
    r"[,?;:–—-]\s*(?:(?:and|so|but)\s+)?(?:do|does|did|is|are|was|were|can|could|have|has|how|what|"
    r"who|which|where|when|why)\b\s+\w+",
    re.IGNORECASE,
)


def asks_reasons(text: str) -> bool:
    """The question asks why, in any of the wordings read as a reasons question."""
    return bool(_REASONS.search(text))


def _inherit(query: Query, previous: Query) -> Query:
    """A follow-up takes the force, year and pillar it does not name from the turn before;
    without a topic of its own it takes that turn's topic too."""
    changes: dict = {"followup": True, "previous": previous}
    if not query.forces and not query.unindexed_forces:
        changes["forces"] = previous.forces
        changes["unindexed_forces"] = previous.unindexed_forces
    if not query.years:
        changes["years"] = previous.years
    if not query.pillars:
        changes["pillars"] = previous.pillars
    if not query.has_topic:
        changes["topic"] = previous.topic
    # "what about X?" asks the same of X, but not "what about X, do police and partners
    # deal with that together?", which asks a question of its own
    same_ask = re.match(r"^\s*(?:and|what about|how about|same for)\b", query.text, re.I) and not (
        _OWN_ASK.search(query.text)
    )
    if query.intent == "other" and previous.intent in ("grade", "improvements", "compare"):
        # "and for Cumbria?", "what about how it treats its staff?" after a grade question
        # asks for the same kind of answer
        if same_ask:
            changes["intent"] = previous.intent
    elif (
        query.intent == "other"
        and previous.intent == "trend"
        and same_ask
        and (query.years or _RELATIVE_YEAR.search(query.text))
    ):
        # "and the year before?" after how a grade moved: that year's grade
        changes["intent"] = "grade"
    if (
        same_ask
        and not query.has_topic
        and query.intent == "other"
        and query.answer_type in (None, "yesno")
        and (previous.answer_type or previous.named)
    ):  # "what about Cumbria?" after a figure: the same figure of Cumbria
        changes.update(
            intent=previous.intent,
            answer_type=previous.answer_type,
            counted=previous.counted,
            named=previous.named,
        )
    return _replace(query, **changes)


def _replace(query: Query, **changes) -> Query:
    return replace(query, **changes)


def unique(items: Iterable[str]) -> list[str]:
    """The items in their first order, each once (a scope may hold a thousand reports)."""
    return list(dict.fromkeys(items))


# A key of pyspellchecker's word list, en.json.gz: {"word": count, ...}
_LISTED_WORD = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')


@lru_cache(maxsize=1)
def _english() -> np.ndarray:
    """English words (pyspellchecker's frequency list, lower-cased as its SpellChecker
    does), so that a word the reports never use is not taken for a misspelling of one they
    do ("recipe" is not "receipt"); as the sorted hashes of the words.

    A frozenset of the words themselves held 18 MB in every server process, and making it
    (through SpellChecker, which also keeps a dict of them) took 33 MB more for a moment;
    the hashes are 2.6 MB, read from the list one word at a time. Python's string hash is
    64 bits: a word outside the list matches one in it by chance about once in 10^13."""
    import gzip
    import pkgutil

    text = gzip.decompress(pkgutil.get_data("spellchecker", "resources/en.json.gz") or b"")
    words = (
        (json.loads(f'"{key}"') if "\\" in key else key).lower()
        for key in _LISTED_WORD.findall(text.decode("utf-8"))
    )
    return np.unique(np.fromiter(map(hash, words), dtype=np.int64))


def _is_english(word: str) -> bool:
    hashes = _english()
    at = int(np.searchsorted(hashes, hash(word)))
    return bool(at < len(hashes) and hashes[at] == hash(word))
