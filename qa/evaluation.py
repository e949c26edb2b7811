"""Evaluation questions: "is it working?", "has it helped?", "does it make a difference?".

The answer is a sentence that judges the topic, in the passages about it: that it "has
been evaluated", "is meeting its objectives", that it is "too early to tell", that it
"reduced" something, or that there is "no evidence" it works. When none of the passages
about the topic judges it, the answer says so rather than offering a sentence that only
describes the scheme.
"""

from __future__ import annotations

import re

import numpy as np

from corpus.records import AFI_SECTIONS, OVERVIEW, RECOMMENDATION_SECTIONS
from index.keyword import tokenize
from qa.figures import Pick
from qa.glossary import report_terms
from qa.reasons import restates_grade

_END = (
    r"(?=\s*(?:[?.!,;]|$|\s+(?:at all|so far|yet|well|much|out|in practice|or not|there|"
    r"in \d{4}|or|though|then|anyway|really|properly|in the end)\b))"
)
# "is the triage car working in Cumbria?", "is it working for victims?": a place or whom it
# is for may follow "working", "helped" (not "work": "does the force work with partners?")
_END_PLACE = (
    r"(?=\s*(?:[?.!,;]|$|\s+(?:at all|so far|yet|well|much|out|in practice|or not|there|"
    r"in \d{4}|though|then|anyway|really|properly|in the end)\b|"
    r"\s+(?:in|for|at|across)\b[^?.!]{0,40}(?:[?.!]|$)))"
)
ASKS = re.compile(
    r"\b(?:is|are|was|were|has|have|had|did|does|do)\s+(?:[\w’',–—-]+\s+){0,20}?"
    r"(?:actually |really |even |ever |been |now |already |at all )*"
    r"(?:working|worked|helped|help|helping|succeeded|succeeding|paid off|paying off)"
    rf"\b{_END_PLACE}|"
    r"\b(?:it|that|this|they|these|those|scheme|approach|programme|pilot|initiative|project|"
    r"plan|pathway|system|strategy|changes?|tool|app|dashboard|arrangements?|model|process|"
    rf"team|unit|hub|panel|course|training) (?:actually |really |even )?work\b{_END}|"
    r"\b(?:make|made|making|makes) (?:a|any|much|the|some) (?:real |big |positive )?difference\b|"
    r"\b(?:had|having|have|has) (?:an?|any|much) (?:real |positive )?(?:effect|impact)\b|"
    r"\b(?:is|are|was|were) (?:it|that|this|they|these|those) (?:actually |really )?"
    rf"(?:effective|successful|a success|any good)\b{_END}|"
    r"\bany (?:evidence|sign|proof) (?:that )?(?:it|this|that|they)\b|"
    r"\bwhat (?:difference|impact|effect) (?:has|did|does|is|have)\b|"
    r"\b(?:has|have|was|were) (?:it|that|this|they|[\w’'-]+(?: [\w’'-]+){0,4}) "
    r"(?:been )?evaluated\b|\bworth (?:it|having|keeping|doing|the (?:money|effort|cost))\b|"
    # "do the appraisals actually do anything, or is it box-ticking?"
    r"\b(?:do|does|did) (?:[\w’'-]+ ){1,8}?(?:actually |really |even )?(?:do|achieve|accomplish) "
    r"(?:anything|much|any good)\b(?!\s+(?:to|about|for|with|on|against|when|if)\b)|"
    r"\b(?:doing|do|does|did) (?:its|their) job\b|\bup to the job\b|"
    # "has the triage car been any use?", "are victims better off?", "has it paid dividends?"
    r"\bbeen (?:of )?(?:any|much|a|a real|a big) (?:use|help)\b|\bbetter off\b|"
    # a yes/no question of what it actually did: "does having specialists in the control
    # room actually improve how calls are handled?", "have they actually cut down the
    # workload?", "was that partnership actually saving money?"
    r"(?:^|[.?!:;–—]\s+)\W*(?:(?:and|so|but)\W+)?(?:is|are|was|were|has|have|had|did|does|do)"
    r"\b[^?.!]{0,140}?"
    r"\b(?:actually|really)\b (?:[\w’'-]+ ){0,2}?(?:improv|reduc|cut|sav|help|chang|achiev|"
    r"lower|stop|prevent|speed|deliver|mak|made|result|boost|rais|increas|fix)\w*|"
    # "was that exercise any use?", "done anything useful with it?", "a decent service",
    # "a good enough reason", "doing a proper job"
    r"\b(?:any|much|of|no) use\b(?! of\b)|\banything useful\b|\b(?:a )?decent (?:service|job)\b|"
    r"\bgood enough\b|\b(?:do|does|doing|did) a (?:proper|good|decent) job\b|"
    r"\bpa(?:y|id|ying) dividends\b|\bmak(?:e|es|ing|ed) (?:a|any|much of a|a real) dent\b|"
    r"\b(?:things|it|they) (?:have |has )?(?:got|gotten|become|became) (?:any |much )?better\b|"
    r"\b(?:is|are|was|were) [^?.!]{1,60}? delivering\W*$|"
    r"\bdeliver(?:s|ed|ing)? (?:any |real |the |good )?(?:results|benefits|improvements|"
    r"outcomes)\b|\bshowing (?:any |real |some )?(?:results|benefits|improvements?|signs)\b|"
    r"\bany (?:results|success|impact|effect|benefits?) (?:from|of)\b|"
    r"\b(?:is|are|was|were) (?:[\w’'-]+ ){1,6}?an improvement\W*$|"
    r"\b(?:is|was|are|were) (?:it|that|this|they) (?:good )?value for money\b|"
    r"\b(?:inspectors?|hmicfrs|they) (?:were |was )?impressed\b|"
    r"\b(?:think|thought|find|found|judge|judged|consider|considered) (?:that )?"
    r"(?!(?:the force|the constabulary|the police|they)\b)(?:the|its|their|this|that) "
    r"(?:[\w’'-]+ ){1,6}?(?:was|were|is|are|to be) (?:effective|working|successful|a success)\b|"
    # "what did the inspectors make of ...?", "verdict on ...": of a scheme, not of a pillar
    r"(?:\bwhat (?:did|do|does) (?:the )?(?:inspectors?|hmicfrs|inspection|they) (?:make|think) "
    r"of|\bverdict on)\b(?![^?.!]{0,80}\b(?:effective(?:ness)?|efficien\w*|legitima\w*|"
    r"overall|grades?|rating|the force|the constabulary)\b)|"
    rf"\b(?:did|does|do) (?:[\w’'-]+ ){{1,8}}?(?:actually |really )?work{_END_PLACE}|"
    # "does filming on body cams actually help get abusers convicted?"
    r"\b(?:do|does|did|has|have|is|are|was|were)\b[^?.!]{1,100}?\bhelp(?:ed|ing|s)? (?:to )?"
    r"(?:get|reduce|cut|stop|prevent|keep|protect|catch|convict|bring|improve|make|solve|"
    r"speed|lower|tackle)\b|"
    # "has that made communities any safer?", "were victims treated any better?"; not how a
    # force did against a year or a grade ("did Kent do any better in 2016?")
    r"(?<!\bdo )(?<!\bdid )(?<!\bdoing )(?<!\bdone )(?<!\bscore )(?<!\bscored )"
    r"\bany (?:better|worse|safer|quicker|faster|easier|shorter|happier|more (?:effective|"
    r"efficient|confident|likely))\b(?! (?:way|option|place|alternative|choice|idea)s?\b)"
    r"(?!\s+(?:than|in \d{4}|this time|last time|next time|since (?:the|its|their) "
    r"(?:last|previous)|at|on|for (?:effectiveness|efficiency|legitimacy))\b)|"
    r"\bwell spent\b|"  # "money well spent?", "was the investment well spent?"
    # "has it got better, or is it still patchy?", "has that freed them up, or just left
    # them short?": a question that offers how it may have gone instead
    r"^\W*(?:(?:and|so|but)\W+)?(?:has|have|did|does|do|is|are|was|were)\b[^?]{3,160}?, "
    r"or (?:(?:is|are|has|have|did|does) (?:it|that|this|they) )?(?:just|simply|merely|"
    r"still)\b|"
    r"\b(?:box[- ]ticking|tick[- ]box|paper exercise|lip service|"
    r"just for show|window dressing)\b|"
    r"\b(?:helped|helping)\b|"
    r"\b(?:whether|if) .{0,60}\b(?:works|working|worked|helps|helped|effective)\b"
    rf"{_END}|"
    r"\b(?:used|working|run|done|managed|delivered|implemented|embedded) "
    r"(?:effectively|well|successfully|properly)\b|"
    r"\b(?:meeting|met|meet|achieving|achieved|achieve) (?:its|their|the) "
    r"(?:objectives|aims|targets|goals)\b|"
    r"\b(?:has|have|had|did|does|do|is|are|was|were) "
    r"(?!(?:the force|the constabulary|the police)\b)(?:the|its|their|this|that|[\w-]+[’']s|"
    r"[\w-]+ing) (?:[\w’'-]+ ){0,12}?(?:reduced|reducing|cut|cutting|lowered|improved|improving|"
    r"got (?:any )?better|getting (?:any )?better|"
    r"changed anything|made (?:things|it|them) better|led to (?:any )?improvements?|"
    r"achieved|achieve|get results|got results|getting results)\b|"
    r"\b(?:been|be) (?:a )?(?:success|successful|worthwhile)\b|\bpa(?:y|id) off\b|"
    r"\b(?:did|does|do) (?:it|that|this|they|these|those|the [\w-]+(?: [\w-]+){0,3}) "
    r"(?:actually |really )?(?:improve|reduce|cut|lower|change|help)\b|"
    r"\b(?:getting|got|get|keeping|kept|staying) on top of\b|\bkeep(?:ing)? up(?: with)?\b|"
    # "is the feedback making their referrals any better?"
    # "has it made things easier?"
    r"\b(?:making|made|make|makes) [^?.!]{1,80}? (?:any |much |a lot |no )?(?:better|worse|"
    r"easier|simpler|harder|quicker|faster|safer|smoother)\b|"
    # "is the backlog coming down?", "are the waits getting shorter?"
    r"\b(?:is|are|was|were|has|have)\b[^?.!]{1,60}?\b(?:(?:coming|going|gone|come) down|"
    r"getting (?:any |much )?(?:smaller|shorter|better|worse|quicker|faster)|"
    r"(?:falling|dropping|shrinking)(?! short))\b|"
    r"\b(?:coping|cope|managing) with\b|\bhow (?:well )?(?:were|was|are|is) [^?.!]{1,80}? coping\b|"
    r"\b(?:is|are|was|were) [^?.!]{1,80}? (?:properly|well enough)\W*$|\bwork(?:s|ed)? out "
    r"(?:ok|okay|well|all right)\b|"
    r"\b(?:making|made) (?:any |much |real |good )?(?:progress|headway)\b|"
    r"\bhow(?: well)?(?:[’']s| is| are| has| have) [^?.!]{1,160}? (?:going|gone|bedded in|"
    r"bedding in|settling in|settled in|shaping up|working out|worked out|turned out|"
    r"turning out)\b|"
    r"\bhow (?:effective|successful|well) (?:is|are|was|were|has|have) (?:the |its |their |"
    r"this |that |[\w-]+[’']s )?(?:new |[\w-]+ ){0,4}?(?:scheme|approach|programme|pilot|"
    r"initiative|project|plan|pathway|system|strategy|tool|app|dashboard|model|process|team|"
    r"unit|hub|panel|course|training|service|line|helpline|partnership|operation)s?\b|"
    rf"\b(?:did|does|do) (?:[\w’'-]+ ){{1,8}}?work{_END}|"
    r"\b(?:is|are|was|were) (?:[\w’'-]+ ){1,8}?any good\b|"
    r"\b(?:do|does|did|doing|done) (?:any|much) good\b|"
    r"\bhow (?:effective|successful) (?:is|are|was|were|has|have) "
    r"(?!(?:the force|the constabulary|the police)\b)(?:the|its|their|this|that|[\w-]+[’']s) |"
    # "how well are Cumbria's sergeants keeping an eye on ...?", "how well does the PowerBI
    # dashboard work for ...?": a thing or people within the force, not the force itself
    r"\bhow (?:well|effectively) (?:is|are|was|were|has|have|does|do|did) "
    r"(?!(?:the force|the constabulary|the police)\b)(?:the|its|their|this|that|[\w-]+[’']s) "
    r"(?!(?:police|force|constabulary|officers and staff|workforce)\b)|"
    r"\bhow (?:well|effectively) (?:is|are|was|were) (?!(?:the force|the constabulary|the police|"
    r"it|they)\b)(?-i:[a-z][\w’'-]* ){1,4}?[\w-]+ing\b|"
    rf"\bhow (?:well|effectively) (?:does|do|did) [^?.!]{{1,100}}? work{_END_PLACE}|"
    r"\b(?:evidence|sign|proof) (?:that )?.{0,60}\b(?:works?|working|helps?|helped|effective)\b|"
    r"\b(?:is|are|was|were) (?!(?:the force|the constabulary|the police|they)\b)"
    r"(?:[\w’'-]+ ){1,8}?(?:effective|successful|a success)\b"
    rf"{_END}",
    re.IGNORECASE,
)
# Only the last part of such a question: the words that say "is it working" are no topic.
FRAME = re.compile(
    r"\b(?:(?:money|cash) well spent|well spent|value for money|anything useful|useful|on top of|"
    r"keep(?:ing)? up with|"
    r"good enough|(?:a )?(?:proper|decent) (?:job|service)|decent|(?:any|much|of|no) use\b(?! of)|"
    r"any (?:better|worse|safer|quicker|faster|easier|shorter|happier)|patchy|hit and miss|"
    r"real|big|positive|lasting|though|actually|really|working|worked|work|works|helped|help|"
    r"helping|helps|difference|"
    r"succeeded|succeeding|successful|effective|paid|pay|paying|off|impact|effect|evidence|"
    r"sign|proof|evaluated|evaluation|worth|yet|made|make|making|had|having|success|"
    r"worthwhile|good|doing|done|achieved|achieve|anything|changed|things|better|results|coming|"
    r"going|down|smaller|shorter|worse|getting|falling|dropping|shrinking|bedding|bedded|quicker|"
    r"faster|easier|simpler|harder|safer|smoother|"
    r"settling|settled|shaping)\b",
    re.IGNORECASE,
)
_JUDGES = re.compile(
    r"\b(?:evaluat\w*|objectives?|too early|early days|no evidence|evidence (?:that|of|to)|"
    r"(?<!potential )impact|reduc\w*|success\w*|effectiveness|effectively|"
    r"ineffective|manageable|"
    r"(?:is|are|was|were|be|been|being|not|more|less|very|highly|as) effective|"
    r"(?:more|fewer|less) \w+(?: \w+)? (?:are|is|were) now|"
    r"outcomes?|results? (?:in|show|are)|benefit\w*|difference|made a|decrease[ds]|"
    r"increase[ds]|(?:an|the) (?:de|in)crease in|fewer|improv(?:ed|ement|ements|ing)|positive|"
    r"working well|works well|"
    r"not (?:yet )?(?:working|effective|clear)|assess(?:ed|ing) (?:the|its|whether)|"
    r"monitor(?:s|ed|ing)|measur(?:ed|ing)\b|understand (?:the|its) (?:impact|effect)|"
    r"helped|helping|prevented|\d+ (?:percent|per cent|%) (?:less|more|fewer|lower|higher)|"
    r"(?:less|more) likely|(?:less|more) (?:frequently|often) than|used well|mixed|"
    r"in (?:its|their) infancy|not yet|early stages?|limited (?:use|impact|evidence)|"
    # "it helps victims", not what it is for ("This helps it to plan ...")
    r"(?<!\bto )improves?|deter\w*|helps(?!\s+(?:it|them|the force|the constabulary|to)\b)|"
    # "Schemes such as the mini-police in schools help to improve understanding": what a
    # thing does, not what it is for ("helps it to plan")
    r"(?<!\bto )help(?:s|ed)? to (?:improve|reduce|increase|prevent|protect|build|raise|keep)|"
    r"(?:more|less) time|as a result|consequently|"
    r"(?:this|which) means (?:that )?[^.;]{0,100}\b(?:better|worse|more|fewer|less|quicker|"
    r"faster|improved|not)\b|"
    r"(?:changes?|it|this|they) (?:has|have|had) "
    r"(?:given|made(?! sure)|led|freed|allowed|enabled))\b",
    re.IGNORECASE,
)
_STRONG = re.compile(
    r"\b(?:evaluat\w*|objectives?|too early|early days|no evidence|(?<!potential )impact|reduc\w*|"
    r"success\w*|outcomes?|benefit\w*|difference|as a result)\b",
    re.IGNORECASE,
)
_ASKS_FOR = re.compile(r"\b(?:should|must|needs? to)\b", re.IGNORECASE)
# "has the skills it needs to be effective" asks for nothing
_HAS_WHAT_IT_NEEDS = re.compile(
    r"\b(?:skills|resources|tools|information|training|support|capacity|capabilit(?:y|ies)|"
    r"powers|equipment|people|staff|officers|time|everything|all) (?:that |which )?"
    r"(?:it|they|he|she|we|you|officers|staff) (?:needs?|needed) to\b",
    re.IGNORECASE,
)
# the inspectors' own finding of how well something is done: "We found turnaround times
# for indecent image referrals to be good"
_FOUND = re.compile(
    r"\bwe (?:found|saw)\b.{0,100}?\b(?:to be|was|were|is|are) (?:generally |consistently |"
    r"very |mostly |not )?(?:good|effective|timely|prompt|poor|inconsistent|thorough|"
    r"appropriate|inadequate|limited|strong|weak)\b",
    re.IGNORECASE,
)
# a forecast ("predicts that ... will reduce") is no judgement of what has happened, unless
# it says it is too early to tell
_FORECAST = re.compile(
    r"\b(?:will|would|(?:can|could|may|might) (?:also |potentially |help (?:to )?)?(?:improve|"
    r"reduce|help|lead|make|benefit|increase|prevent|support|enable|deter|cut|mean)|"
    r"predicts?|predicted|expects?|expected to|"
    r"anticipat\w*|(?<!\ba )(?<!\bthe )(?<!\bits )(?<!\btheir )plans? to|"
    r"intends? to|aims? to|hopes? to|is due to)\b",
    re.IGNORECASE,
)
_VERDICT = re.compile(r"\b(?:too early|early days|no evidence|evaluat\w*)\b", re.IGNORECASE)
# a paragraph that goes on about the one before: "This pilot scheme has been evaluated ..."
_GOES_ON = re.compile(
    r"^\W*(?:(?:this|these|such|the)(?: new)? (?:[\w-]+ ){0,2}?(?:scheme|pilot|approach|"
    r"programme|initiative|project|team|unit|service|system|process|model|partnership|"
    r"arrangement|work|change|tool|hub|panel|pathway|operation|training)s?|it|they|this|these)\b",
    re.IGNORECASE,
)
SUMMARY_DISCOUNT = 0.1  # a summary's own words for how it goes, against a finding
GOES_ON_DISCOUNT = 0.03  # a judgement in the next paragraph, against one in the passage
STRONG_BONUS = 0.08
RANK_PENALTY = 0.02
MARGIN = 0.12
OWN_WEIGHT = 0.3
PASSAGES = 5
CLOSE_ENOUGH = 0.6  # the first passage found is about the topic, in whatever words, when a
# sentence of it is this close to the question ("logging reported crimes": "recording crime")
NEARLY_CLOSE = 0.5  # or this close, and the passage holds one of the topic's words
NOT_JUDGED = (
    "The indexed reports don't judge whether this works; they describe it only. "
    "The nearest passages follow."
)


_COUNTS = re.compile(
    r"\b(?:how (?:much|many|long|often|quickly|soon)|"
    r"what (?:percentage|proportion|share|number))\b",
    re.IGNORECASE,
)


# "who is Cumbria working with ...?", "which organisation is helping ...?": a name is asked for
_ASKS_NAME = re.compile(
    r"^\W*(?:(?:and|so|but|ok(?:ay)?)\W+)?(?:who|whom|whose|which|what(?! (?:difference|effect|"
    r"impact|evidence|results?|outcomes?)\b|(?:'s|’s| is| was| were) (?:the )?"
    r"(?:inspectors?[’']? )?verdict\b| (?:did|do|does) (?:the )?(?:inspectors?|hmicfrs|"
    r"inspection|they) (?:make|think) of\b))\b",
    re.IGNORECASE,
)


# "when was the verdict on ... to be published?": a date is asked for
_ASKS_WHEN = re.compile(
    r"^\W*(?:(?:and|so|but)\W+)?when (?:was|were|is|are|did|does|do|will|would|has|have|had)\b",
    re.IGNORECASE,
)


def asks_evaluation(question: str) -> bool:
    """ "is it working?", but not "how much of their time did they spend on response work?",
    "who is Cumbria working with to recruit detectives?" nor "when did it start working?"."""
    return (
        bool(ASKS.search(question))
        and not _COUNTS.search(question)
        and not _ASKS_NAME.search(question)
        and not _ASKS_WHEN.search(question)
    )


# how it is going, in the reports' words for shortcomings and strengths: "a backlog of about
# 900 referrals", "staff do not trust the process", "a tick-box exercise", "valued their
# visible presence", "good victim care"
_VERDICT_WORDS = re.compile(
    r"\b(?:backlogs?|delays?|struggl\w*|insufficient|inconsisten\w*|poor(?:ly)?|too (?:long|slow|"
    r"few|many)|(?:do|does|did) not (?:trust|work|use|understand|know)|tick-box|mixed|unaware|"
    r"confus\w*|valued?|appropriate|well received|welcomed?|praised?|good (?:victim care|"
    r"quality|use|work|practice)|timely|prompt(?:ly)?|only \d+ (?:percent|per cent|%|of)|"
    r"(?:is|are|was|were) (?:not )?(?:being )?used (?:well|widely|effectively|little|rarely)|"
    r"(?:is|are|was|were) working (?:well|effectively)|not (?:always|consistently)|"
    # "Return interviews are not carried out for many children", "only 12 showed that ..."
    r"(?:is|are|was|were|has|have|had) not (?:been )?(?:routinely |always |consistently )?"
    r"(?:carried out|done|completed|recorded|followed|taking place|taken place|happening)|"
    r"only \d+ (?:[\w-]+ ){0,3}?(?:showed|had|were|was|did|received)|"
    # "not all officers know how to use it", "some ... but others had little or no
    # awareness", "officers lack the knowledge", "limited partnership working", "there is no
    # effective management", "49 of 60 cases"
    r"not all|little or no|lack(?:s|ed|ing)?|limited|no effective|not enough|"
    r"too (?:large|big|high|low|much)|\d+ of (?:the )?\d+|"
    r"(?:work|works|working) well with|(?:is|are|was|were) (?:an? )?effective)\b|"
    # the quality the inspectors found, in the words real pages use: "manages well the
    # risk", "communicate well", "a good understanding of", "quickly enough", "to a high
    # standard", "I am concerned about", "has got better at"
    r"\b[a-z]+ (?:(?:very|really|particularly|generally|consistently) )?"
    r"(?:well|badly|effectively)\b(?! (?:as|known|placed|established|before|after)\b)|"
    r"\b(?:a |an )?(?:good|strong|thorough|comprehensive|detailed|sound|excellent|"
    r"impressive|weak) (?:understanding|awareness|knowledge|grasp|"
    r"record|standard|service|progress|capability|arrangements?)\b|"
    r"\b(?:is|are|was|were) (?:not )?(?:very |really |consistently )?(?:good|poor|better|worse|"
    r"adept|skilled) at\b|\b(?:got|become|becoming|getting) (?:better|worse)\b|"
    r"\b(?:quickly|fast|well) enough\b|\bhigh (?:standard|quality)\b|"
    r"\b(?:am|is|are|were|was|been|remain|remains) (?:still |very |particularly )?(?:concerned|"
    r"pleased|impressed|encouraged|reassured|disappointed) (?:with|by|about|that)\b|"
    r"\b(?:have|has|had) (?:serious |some |continuing )?concerns\b|"
    # how long people wait is how it performs: "officers wait up to eight weeks"
    r"\bwait(?:s|ed|ing)? (?:up to |over |more than |for |as long as |about |around )?(?:\d+|one|"
    r"two|three|four|five|six|seven|eight|nine|ten|twelve|several|many) (?:hours|days|weeks|"
    r"months|years)\b|"
    # what the inspectors counted or looked for: "We found that 86 percent of those records
    # ...", "found no obvious mention of ...", "has partly complied with this recommendation"
    r"\bwe found (?:that )?(?:only )?\d+ (?:percent|per cent|%|of|out of)\b|\bfound no\b|"
    r"\b(?:partly |partially |fully |not |has |have )complied with\b|\bhas declined\b(?! to)|"
    r"\b(?:is|are|was|were) (?:very |particularly |generally )?(?:impressive|good|excellent|"
    r"weak|inadequate)(?=[.;]|,? (?:and|but|as)\b|$)",
    re.IGNORECASE,
)
# the inspection's name and what it asks are no verdict: "PEEL (police effectiveness,
# efficiency and legitimacy)", "our 2017 effectiveness inspection", "we assess how well
# forces ...", "how effectively the force is meeting demand"
_NOT_VERDICT = re.compile(
    r"\b(?:police )?(?:effectiveness|efficiency|legitimacy)(?:,? (?:and )?(?:effectiveness|"
    r"efficiency|legitimacy)){2}\b|\beffectiveness inspections?\b|"
    r"\bhow (?:well|effectively|effective|efficiently|legitimately)\b",
    re.IGNORECASE,
)
_CONTRAST = re.compile(r"[,;]\s*(?:but|however|although|though|yet)\b", re.IGNORECASE)


def judges(sentence: str, findings: bool = True) -> bool:
    """A sentence that says how well something works, not what must change or the grade;
    "The constabulary is aware that it needs to reduce them, but the number has not yet
    started to fall" judges in its second half."""
    if restates_grade(sentence) or sentence.rstrip().endswith("?"):
        return False  # a grade, or a question heading ("How well does the force ...?")
    sentence = _NOT_VERDICT.sub(" ", sentence)
    parts = [sentence] + [sentence[m.end() :] for m in _CONTRAST.finditer(sentence)]
    return any(
        (_JUDGES.search(part) or _FOUND.search(part) or (findings and _VERDICT_WORDS.search(part)))
        and not _ASKS_FOR.search(_HAS_WHAT_IT_NEEDS.sub(" ", part))
        and (not _FORECAST.search(part) or _VERDICT.search(part))
        for part in parts
    )


def _sentences(index, row: int) -> list[str]:
    text = index.passages.text(row)
    start, end = int(index.sentence_offsets[row]), int(index.sentence_offsets[row + 1])
    return [text[int(a) : int(b)] for a, b in index.sentence_spans[start:end]]


def _goes_on(index, row: int) -> int | None:
    """The row of the paragraph after this one when it goes on about the same thing, same
    report, unit and section: it opens with "This pilot scheme ...", "It ...", or names
    in its first words a thing this one named ("The PowerBI dashboard had been launched
    ..." after a paragraph on "software called PowerBI")."""
    following = row + 1
    if following >= len(index.passages):
        return None
    here, there = index.passages[row], index.passages[following]
    if (there.report, there.unit, there.section) != (here.report, here.unit, here.section):
        return None
    if there.paragraph != here.paragraph + 1:
        return None
    first = _sentences(index, following)[:1]
    if not first:
        return None
    if _GOES_ON.search(first[0]):
        return following
    opening = re.match(r"^\W*the ((?:[\w-]+ ){1,3})", first[0], re.IGNORECASE)
    named = set(_NAMES.findall(opening.group(1))) if opening else set()
    return following if named & set(_NAMES.findall(index.passages.text(row))) else None


# a name in a report's words: a capitalised word not at a sentence start, or an acronym
_NAMES = re.compile(r"\b[A-Z][\w-]*[A-Z][\w-]*\b|(?<=[a-z,] )[A-Z][a-z]{3,}\b")


def _topic_words(topic: str, vocabulary=None) -> list[set[str]]:
    """Each word of the topic as the stems that say it: its own, and those of the
    reports' terms for it where the glossary has them. With the index's ``vocabulary``, a
    word no report uses ("apparently", "tip off") is left out: no passage could hold it."""
    out = []
    for word in re.findall(r"[\w’'-]+", topic):
        stems = set(tokenize([word])[0])
        if not stems:
            continue
        for term in report_terms(word):
            stems |= set(tokenize([term])[0])
        same = next((known for known in out if known & stems), None)
        if same is None:
            out.append(stems)
        else:  # "mental health ... mental health calls", "children ... kids": one word
            same |= stems
    if vocabulary is not None:
        known = [stems for stems in out if any(t in vocabulary for t in stems)]
        return known or out
    return out


# what must improve is no judgement of whether it works; a cause of concern opens on one
# ("Grievances take too long to resolve, staff do not trust the process")
_ASKS_CHANGE = frozenset(AFI_SECTIONS + RECOMMENDATION_SECTIONS)


def _shared(topic: list[set[str]], words: str) -> int:
    """How many of the topic's words are in these words; a word inside a longer one counts
    ("phone" in "telephone")."""
    held = set(tokenize([words])[0])

    def said(stems: set[str]) -> bool:
        return any(t in held or (len(t) >= 5 and any(t[:-1] in w for w in held)) for t in stems)

    return sum(1 for stems in topic if said(stems))


def _about_topic(topic: list[set[str]], words: str) -> bool:
    """Half the topic's words (three of a long topic's) are in these words."""
    return _shared(topic, words) >= max(1, min(3, len(topic) / 2))


def _close(topic: list[set[str]], rank: int, sims, words: str) -> bool:
    """The first passage found is about the topic, in whatever words, when one of its
    sentences is close to the question, or nearly as close and it holds one of the
    topic's words ("a review of digital investigations" for "reviewed how it handles
    cases involving phones and computers")."""
    if rank != 0 or len(sims) == 0:
        return False
    best = float(max(sims))
    return best >= CLOSE_ENOUGH or (best >= NEARLY_CLOSE and _shared(topic, words) >= 1)


def _judged_text(index, row: int, following: int | None) -> str:
    """A passage's words with those of the paragraph that goes on about it (``following``,
    from ``_goes_on``)."""
    text = index.passages.text(row)
    return text + (" " + index.passages.text(following) if following is not None else "")


def topic_found(index, query, results) -> bool:
    """One of the passages found is about the topic (see ``pick_judgement``): the reports
    describe it, whether or not they judge it (the first passage, close to the question, is
    about it in whatever words, as there). Words no report uses are left out here only:
    in ``pick_judgement`` fewer words would let a passage next to the topic count as it."""
    topic = _topic_words(query.talked_about, index.keyword.vocabulary)
    if not topic:
        return False
    for rank, found in enumerate(results[:PASSAGES]):
        if index.passages[found.row].section in _ASKS_CHANGE:
            continue
        words = _judged_text(index, found.row, _goes_on(index, found.row))
        if _about_topic(topic, words) or _close(topic, rank, found.sentence_similarities, words):
            return True
    return False


COMMON = 0.2  # a word in more than this share of the passages says little of a topic


def _telling(index, topic: list[set[str]]) -> list[set[str]]:
    """The topic's words that tell its passages apart: not those in a fifth of all
    passages ("people" in "people who complain"), unless every word is."""
    most = COMMON * max(1, len(index.passages))
    rare = [s for s in topic if min(index.keyword.frequency_of(t) for t in s) <= most]
    return rare or topic


def pick_judgement(index, query, results) -> Pick | None:
    """The sentence that judges the topic in the passages about it (half its words, or
    three of a long topic's), or None."""
    if not results:
        return None
    top = results[:PASSAGES]
    topic = _telling(index, _topic_words(query.talked_about))
    # a follow-up's own words ("are the waits getting shorter?") name the topic as well
    own = _topic_words(query.topic) if query.context and query.topic else []
    best_sim = max(max(s.sentence_similarities, default=-1.0) for s in top)
    # the best judgement of a passage that names the topic, and of one only close to the
    # question: a passage in the topic's words wins over one that is merely close
    choices: dict[bool, tuple[float, Pick]] = {}

    def consider(score: float, pick: Pick, worded: bool) -> None:
        if worded not in choices or score > choices[worded][0]:
            choices[worded] = (score, pick)

    for rank, scored in enumerate(top):
        passage = index.passages[scored.row]
        if passage.section in _ASKS_CHANGE:
            continue  # what must improve is no judgement of whether it works
        sims = scored.sentence_similarities
        following = _goes_on(index, scored.row)
        # a scheme described in one paragraph and judged in the next is about the topic
        # when the two together name it
        judged = _judged_text(index, scored.row, following)
        # the first passage, close to the question in other words, is about it: what it
        # judges answers, whether or not it holds the question's words
        close = _close(topic, rank, sims, judged)
        worded = _about_topic(topic, judged) or bool(own and _about_topic(own, judged))
        if topic and not (close or worded):
            continue  # a passage about something else
        # A passage is about the topic when one of its sentences is close to the question;
        # the sentence that judges it rarely repeats the topic ("It may wish to examine
        # whether these are being used effectively"), so it is scored mostly by its passage.
        # Reports describe a scheme, then judge it: the judging sentence is the one that
        # names the topic or one after it, not an earlier one about something else.
        if len(sims) == 0 or max(sims) < best_sim - MARGIN:
            continue
        first = int(np.argmax(sims))
        topical = float(sims[first])
        sentences = _sentences(index, scored.row)
        # a summary's shortcomings and strengths are of a whole question, not of the scheme
        findings = passage.unit != OVERVIEW
        for j in range(first, len(sims)):
            sim = sims[j]
            sentence = sentences[j]
            # a summary's sentence that names the topic itself judges it with findings words,
            # after any finding of the detailed pages that judges it as well
            judging = judges(sentence, findings)
            summarised = not findings and not judging
            if summarised and (j == first or (topic and _about_topic(topic, sentence))):
                judging = judges(sentence)
            if not judging:
                continue  # the grade of the whole question does not judge the scheme
            score = float(topical) - RANK_PENALTY * rank + OWN_WEIGHT * float(sim - topical)
            score -= SUMMARY_DISCOUNT if summarised else 0.0
            if _STRONG.search(sentence):
                score += STRONG_BONUS
            # the passage's topic sentence is what supports the answer
            consider(score, Pick(scored.row, j, topical, asked=not worded), worded)
        # the paragraph after it may judge what this one describes
        if following is not None and index.passages[following].section not in _ASKS_CHANGE:
            for j, sentence in enumerate(_sentences(index, following)):
                if not judges(sentence):
                    continue
                score = float(topical) - RANK_PENALTY * rank - GOES_ON_DISCOUNT
                if _STRONG.search(sentence):
                    score += STRONG_BONUS
                pick = Pick(following, j, topical, about=scored.row, asked=not worded)
                consider(score, pick, worded)
    if not choices:
        return None
    pick = choices.get(True, choices.get(False))[1]
    # the judging sentences either side of it ("This pilot scheme has been evaluated ...
    # It has reduced the need ...") answer with it
    sentences = _sentences(index, pick.row)
    findings = index.passages[pick.row].unit != OVERVIEW
    also = tuple(
        j
        for j in (pick.sentence - 1, pick.sentence + 1)
        if 0 <= j < len(sentences) and judges(sentences[j], findings)
    )
    return Pick(pick.row, pick.sentence, pick.similarity, also, pick.about, asked=pick.asked)
