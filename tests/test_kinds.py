"""The kinds of question beyond grades, without a model: why, how many, who/what/which,
"is it working?", a conversation's force carried through every turn, and a force named
as the scope of the search rather than its topic."""

from __future__ import annotations

import pytest

from qa.evaluation import asks_evaluation, judges
from qa.figures import counted_stems, figures_in, said_of_counted
from qa.named import asked_word, named_kind
from qa.overall import grade_question, grades_asked
from qa.query import QueryReader
from qa.reasons import polarity, restates_grade
from qa.request import Turn
from qa.scope import resolve
from tests.test_query import REPORTS, VOCABULARY


@pytest.fixture(scope="module")
def reader() -> QueryReader:
    return QueryReader(
        forces=["Lancashire", "Cumbria", "Durham"], vocabulary=VOCABULARY, acronyms={}
    )


@pytest.mark.parametrize(
    "question",
    [
        "why?",
        "what was that grade based on?",
        "what is going wrong with investigations in Lancashire?",
        "what are they doing right on protecting vulnerable people?",
        "how come Cumbria got that for investigating crime",
    ],
)
def test_every_wording_of_why_is_a_reasons_question(reader, question):
    assert reader.read(question).intent == "reasons"


@pytest.mark.parametrize(
    "sentence",
    [
        "Lancashire Constabulary requires improvement in investigating crime.",
        "The constabulary is good at protecting vulnerable people.",
        "In 2017, we judged the constabulary as good at tackling serious and organised crime.",
        "We set out our detailed findings below.",
    ],
)
def test_the_grade_said_again_is_no_reason(sentence):
    assert restates_grade(sentence)


def test_a_finding_is_a_reason_with_its_leaning():
    shortcoming = "Frontline supervisors are not providing effective supervision of investigations."
    strength = "Officers respond to calls in time to protect people and record them well."
    assert not restates_grade(shortcoming) and not restates_grade(strength)
    assert polarity(shortcoming) == -1 and polarity(strength) == 1


def test_figures_include_number_words_and_fractions_but_not_years():
    def found(sentence):
        return [m.group(0).strip() for m in figures_in(sentence)]

    assert found("In 2018, only 31 of 60 cases had effective supervision.") == ["31", "60"]
    assert found("Fifty digital media investigators give support.") == ["Fifty"]
    assert found("About a third of victims were not contacted.") == ["third"]
    assert found("The force was inspected in 2017.") == []
    assert "case" in counted_stems("files")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("which operation tackles organised crime in the communities?", "operation"),
        ("who provides the victim support service?", "provider"),
        ("who does the force work with to solve problems?", "partner"),
        ("what team deals with domestic abuse?", "unit"),
        ("who chairs the monthly governance meeting?", "group"),
        ("what software do the neighbourhood teams use?", "system"),
        ("how good is Lancashire at investigating crime?", None),
    ],
)
def test_the_kind_of_thing_asked_to_be_named(question, kind):
    assert named_kind(question) == kind


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("is it working?", True),
        ("has it helped?", True),
        ("does it make a difference?", True),
        ("has the problem-solving scheme been evaluated?", True),
        ("does the force work with partners?", False),
        ("has the offender management scheme reduced reoffending?", True),
        ("has the pilot been a success?", True),
        ("did the problem-solving plans work in 2017?", True),
        ("is the dashboard any good?", True),
        ("how effective is the force at investigating crime?", False),
        ("has Lancashire reduced the number of neighbourhood officers?", False),
        ("do officers work shifts?", False),
        ("is Lancashire effective at investigating crime?", False),
        ("is the force working hard to recruit?", False),
    ],
)
def test_is_it_working_questions(question, asks):
    assert asks_evaluation(question) is asks


def test_is_it_working_takes_the_topic_of_the_conversation(reader):
    history = (Turn("what is the PowerBI dashboard the neighbourhood teams have?"),)
    query = reader.read("is it working?", history)
    assert query.answer_type == "evaluation" and query.intent == "other"
    assert query.followup and "PowerBI" in query.topic


def test_the_force_carries_through_the_whole_conversation(reader):
    history = (
        Turn("how good is Cumbria at investigating crime in 2018?"),
        Turn("how many of their officers were trained to use the kiosks?"),
    )
    third = reader.read("how much did they spend on digital forensics?", history)
    assert third.forces == ("Cumbria",) and third.years == (2018,)
    history = history + (Turn("why?"),)
    assert reader.read("and what about their response times?", history).forces == ("Cumbria",)
    # a question naming another force changes it
    named = reader.read("how much did Durham spend on vetting?", history)
    assert named.forces == ("Durham",)


def test_the_grade_for_it_is_of_what_was_graded_before(reader):
    history = (
        Turn("how good was Lancashire at preventing crime in 2017?"),
        Turn("how much of their time did neighbourhood officers spend on response work?"),
    )
    query = reader.read("what grade did they get for it the year after?", history)
    assert query.intent == "grade" and query.topic == "preventing crime"
    assert query.forces == ("Lancashire",) and query.years == (2018,)
    assert "preventing crime" in query.dense


def test_a_question_that_stands_alone_is_asked_of_the_force_in_play_first(reader):
    history = (Turn("how good is Cumbria at investigating crime?"),)
    query = reader.read("how many digital media investigators support the districts?", history)
    assert query.forces == ("Cumbria",) and not query.followup
    # read alone, for when Cumbria's reports don't answer it
    assert query.alone is not None and query.alone.forces == ()
    assert reader.read("how many digital media investigators support the districts?").alone is None


def _last_answer(client, *questions):
    """The answer (or message) to the last of ``questions``, each asked with the ones
    before it as the conversation."""
    history, data = [], {}
    for question in questions:
        data = client.post("/api/ask", json={"question": question, "history": history})
        data = data.get_json()
        history.append({"question": question, "passage_ids": [p["id"] for p in data["passages"]]})
    return data


def test_the_force_in_play_answers_unless_its_reports_cannot(multi_app):
    client = multi_app.test_client()
    # Cumbria has its own digital media investigators: Cumbria's count, not Lancashire's
    answer = _last_answer(
        client,
        "How good is Cumbria at investigating crime?",
        "How many digital media investigators support the districts?",
    )["answer"]
    assert answer["citation"]["force"] == "Cumbria"
    # Durham's report (legitimacy) has no digital forensics: the question is asked alone
    answer = _last_answer(
        client,
        "How good is Durham at treating the public fairly?",
        "How long do digital forensic examinations take?",
    )["answer"]
    assert answer is not None and answer["citation"]["force"] != "Durham"


def test_a_follow_up_is_searched_as_asked_and_beside_the_topic_talked_about(reader):
    history = (Turn("how good is Cumbria at investigating crime?"),)
    why = reader.read("why?", history)
    # two rankings, fused: "why?" alone, and "why?" beside what was talked about
    assert "investigating crime" not in why.dense
    assert "investigating crime" in why.beside_dense
    assert "investigating crime" in why.beside_keywords
    # a question that stands alone is searched once, as asked
    alone = reader.read("how good is Durham at treating the public fairly?", history)
    assert not alone.followup and alone.beside_dense == ""
    # "is it working?" as well: alone its words say too little to find what was talked about
    working = reader.read("is it working?", history)
    assert "investigating crime" not in working.dense
    assert "investigating crime" in working.beside_dense


def test_a_count_of_something_unnamed_leans_on_the_conversation(reader):
    history = (Turn("how does Cumbria keep an eye on sex offenders?"),)
    each = reader.read("how many is each officer looking after?", history)
    assert each.followup and each.forces == ("Cumbria",)
    assert "sex offenders" in each.beside_dense
    # a count that names what it counts stands alone (asked of Cumbria first)
    named = reader.read("how many officers does each district have?", history)
    assert not named.followup and named.alone is not None


def test_a_short_question_about_the_thing_points_back_at_it(reader):
    history = (Turn("does Durham have a problem with vetting its staff?"),)
    backlog = reader.read("how big is the backlog?", history)
    # Durham's vetting backlog: not every force's backlog of anything
    assert backlog.forces == ("Durham",) and backlog.alone is None
    assert "vetting" in backlog.dense
    # a question that says which backlog it means stands alone
    described = reader.read("how big is the backlog of crimes awaiting a quality check?", history)
    assert described.alone is not None and "vetting" not in described.dense


def test_a_question_about_now_is_answered_from_the_latest_report(reader):
    def years(question, history=()):
        scope = resolve(reader.read(question, history), REPORTS)
        return sorted(r.year for r in scope.reports if r.force == "Lancashire")

    assert years("how long is the wait for digital forensics in Lancashire now?") == ["2018"]
    assert years("how long is the wait for digital forensics in Lancashire?") == ["2017", "2018"]
    history = (Turn("how good is Lancashire at tackling serious and organised crime?"),)
    assert years("did they look at it in detail this time?", history) == ["2018"]
    # a year named, or a change over time, keeps its reports
    assert years("what was the wait in Lancashire in 2017?") == ["2017"]
    assert years("has the wait in Lancashire got better since 2017 until now?") == ["2017", "2018"]


def test_a_follow_up_finds_what_the_topic_talked_about_answers(multi_app):
    client = multi_app.test_client()

    def passages(first, followup):
        data = client.post("/api/ask", json={"question": first}).get_json()
        history = [{"question": first, "passage_ids": [p["id"] for p in data["passages"]]}]
        body = {"question": followup, "history": history}
        return [p["text"] for p in client.post("/api/ask", json=body).get_json()["passages"]]

    vetting = "640 officers and staff did not have up-to-date vetting clearance"
    for followup in ("How many are not?", "how long is the wait?"):
        top = passages("Are Durham's officers and staff properly vetted?", followup)
        assert any(vetting in text for text in top[:5]), followup


def test_a_named_force_is_the_scope_not_the_search_words(reader):
    query = reader.read("how does lancashire police use the PowerBI dashboard in 2018?")
    assert query.forces == ("Lancashire",)
    assert "lancashire" not in query.dense.lower()
    assert "lancashire" not in query.keywords.lower()
    assert "PowerBI" in query.dense


def test_a_question_filter_applies_to_the_direct_answer(client):
    """Without the filter the grade is the pillar's (Good); a question_number filter makes it
    that question's, as it makes the passages."""
    body = {"question": "what grade did Lancashire get in 2018?"}
    whole = client.post("/api/ask", json=body).get_json()["answer"]
    assert whole["kind"] == "grade" and whole["citation"]["question_number"] is None
    filtered = client.post("/api/ask", json={**body, "filters": {"question_number": 2}})
    answer = filtered.get_json()["answer"]
    assert answer["kind"] == "grade" and answer["grade"] == "Requires improvement"
    assert answer["citation"]["question_number"] == 2


BELOW_GOOD = {"Adequate", "Requires improvement", "Inadequate"}


@pytest.mark.parametrize(
    ("question", "grades"),
    [
        ("which of their questions were rated good?", {"Good"}),
        (
            "which were rated requires improvement or inadequate?",
            {"Requires improvement", "Inadequate"},
        ),
        ("which of its questions were below good?", BELOW_GOOD),
        (
            "which questions got requires improvement or worse?",
            {"Requires improvement", "Inadequate"},
        ),
        ("which questions were judged good or better?", {"Good", "Outstanding"}),
        ("which areas were at least good?", {"Good", "Outstanding"}),
        ("where did they fall short?", BELOW_GOOD),
        ("what did they do well on?", {"Good", "Outstanding"}),
        ("list the good-rated questions", {"Good"}),
        ("which areas of good practice did inspectors find?", set()),
        ("is there adequate training for call handlers?", set()),
    ],
)
def test_the_grades_a_list_question_asks_for(question, grades):
    assert grades_asked(question) == grades


@pytest.mark.parametrize(
    "question",
    [
        "Which of Durham's questions fell short?",
        "In 2017, which of Lancashire's questions were rated requires improvement or inadequate?",
        "Was anything rated outstanding for Cumbria?",
        "Did Durham get an inadequate for anything?",
        "Which of Cumbria's areas need improving?",
        "What did Lancashire do well on in 2018?",
    ],
)
def test_which_of_a_forces_units_got_a_grade_is_a_list(reader, question):
    query = grade_question(reader.read(question))
    assert query.intent == "list" and query.grades_wanted and len(query.forces) == 1


@pytest.mark.parametrize(
    "question",
    [
        "Which areas of good practice did the inspectors find in Lancashire?",
        "Why did Durham fall short on treating its workforce fairly?",
        "What does Lancashire need to improve?",
    ],
)
def test_a_question_about_findings_is_not_a_grade_list(reader, question):
    assert not grade_question(reader.read(question)).grades_wanted


@pytest.mark.parametrize(
    "question",
    [
        "How well is Cumbria's new triage car scheme going?",
        "Is the street triage team – a nurse and an officer together – actually working?",
        "Is the triage car working in Cumbria?",
        "Has the 24-hour helpline for officers got any better?",
        "Is Cumbria getting on top of its backlog of risk assessments?",
        "Did that change to the training improve anything?",
        "How effective is Lancashire's team that targets online abuse images?",
    ],
)
def test_more_wordings_of_is_it_working(reader, question):
    query = reader.read(question)
    assert query.answer_type == "evaluation" and query.intent == "other"


@pytest.mark.parametrize(
    ("sentence", "judging"),
    [
        ("This pilot scheme has been evaluated and found to be meeting its objectives.", True),
        ("The constabulary predicts that caseloads will reduce to around 35 per officer.", False),
        ("It is too early to tell whether the changes will reduce demand.", True),
        ("Officers refer children so that safeguarding measures can be in place.", False),
        # what may happen, or was arranged, judges nothing either
        ("This approach can improve the quality of life of those they work with.", False),
        ("It is spending money raised from a council tax increase on more officers.", False),
        ("It has made sure that it has enough people with the right skills.", False),
        ("At many incidents there is a child present or a potential impact on a child.", False),
        ("Consequently, devices can be examined quickly and effectively.", True),
    ],
)
def test_a_forecast_is_no_judgement(sentence, judging):
    assert judges(sentence) is judging


@pytest.mark.parametrize(
    "question",
    [
        "Who is Cumbria working with to recruit detectives?",
        "Which organisation is helping Durham with vetting?",
        "Which force is Lancashire working with in the region on armed policing?",
    ],
)
def test_who_they_work_with_asks_for_a_name_not_whether_it_works(question):
    assert not asks_evaluation(question)


@pytest.mark.parametrize(
    "question",
    [
        "What let Cumbria down on protecting vulnerable people?",
        "What went wrong for Lancashire on investigations?",
        "What did Cumbria do well to earn a good grade for investigating crime?",
        "What did Durham get right to be graded good on fairness?",
        "How did Cumbria manage a good grade for investigations?",
        "What earned Durham a good for treating the public fairly?",
        "What did Cumbria get marked down for on protecting vulnerable people?",
        "Lancashire got requires improvement for investigations. What's behind that?",
        "On what grounds was Cumbria rated good overall for effectiveness?",
    ],
)
def test_more_wordings_of_why(reader, question):
    assert grade_question(reader.read(question)).intent == "reasons"


def test_a_deadline_set_is_no_figure_found_unless_asked_for(multi_app):
    """Durham's grievances take 190 days; its area for improvement says "Within six months,
    the constabulary should review its grievance procedure"."""
    client = multi_app.test_client()

    def answer(question):
        return client.post("/api/ask", json={"question": question}).get_json()["answer"]

    found = answer("On average, how long does it take Durham to resolve a grievance?")
    assert "190 days" in found["text"]
    deadline = answer("Within how long should Durham review its grievance procedure?")
    assert "six months" in deadline["text"]


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("How many more officers is Cumbria taking on now the precept has gone up?", "figure"),
        ("how has Lancashire's grade changed since 2017?", "trend"),
        ("Who chairs the board overseeing Lancashire's plan to improve investigations?", "other"),
        ("which areas does Lancashire need to improve?", "improvements"),
    ],
)
def test_a_count_or_a_name_is_asked_for_even_beside_change_or_improve(reader, question, intent):
    assert reader.read(question).intent == intent


def test_what_used_to_be_comes_with_what_is_now(multi_app):
    """Lancashire's firearms training: "Until recently, ... had joint arrangements ...
    Lancashire Constabulary now provides standalone arrangements ..."."""
    client = multi_app.test_client()
    question = "Are Lancashire's firearms officers still trained jointly with neighbouring forces?"
    answer = client.post("/api/ask", json={"question": question}).get_json()["answer"]
    assert "Until recently" in answer["text"]
    assert "now provides standalone arrangements" in answer["text"]


@pytest.mark.parametrize(
    "sentence",
    [
        "There was a backlog of about 900 referrals awaiting assessment.",
        "Many staff do not trust the grievance process.",
        "Many of those who had done one said the process was a tick-box exercise.",
        "Members of the public we spoke to valued their visible presence in town centres.",
    ],
)
def test_a_finding_of_how_it_goes_judges_it(sentence):
    assert judges(sentence)
    assert not judges(sentence, findings=False)  # said of a whole question in a summary


@pytest.mark.parametrize(
    "question",
    [
        "Are Cumbria's sergeants overseeing investigations properly?",
        "Is the unit that checks crime reports keeping up?",
        "How well were the safeguarding hubs coping with referrals in 2017?",
        "When police deal with a crime over the phone, does that work out OK for victims?",
        "How well does the new tasking app work for response officers?",
        "How well are Durham's supervisors keeping on top of appraisals?",
        "Has bringing the two hubs together improved referrals?",
        "Is the waiting list for phone examinations coming down?",
        "And are the waits getting any shorter?",
        "How's the new crime recording system bedding in?",
    ],
)
def test_is_it_going_well_is_is_it_working(question):
    assert asks_evaluation(question)


def test_a_judgement_in_the_next_paragraph_is_supported_by_the_one_it_goes_on_about(multi_app):
    """ "This pilot scheme has been evaluated ..." names neither Psynergy nor West division;
    the paragraph before it does, and that is what the question's words are checked in."""
    client = multi_app.test_client()
    question = "Is the Psynergy pilot in West division actually working?"
    data = client.post("/api/ask", json={"question": question}).get_json()
    assert data["answer"] is not None, data["message"]
    assert "has been evaluated" in data["answer"]["text"]


@pytest.mark.parametrize(
    "question",
    ["How well is Lancashire investigating crime?", "How well are the police protecting people?"],
)
def test_how_well_a_force_does_is_still_a_grade_question(question):
    assert not asks_evaluation(question)


def test_a_grade_then_a_finding_is_a_reason():
    sentence = (
        "Lancashire Constabulary is good at protecting vulnerable people and has made "
        "significant improvements since our last inspection."
    )
    assert not restates_grade(sentence)


@pytest.mark.parametrize("question", ["how fast?", "is the backlog coming down?"])
def test_a_bare_follow_up_keeps_the_force_talked_about(reader, question):
    history = (Turn("How good is Cumbria at protecting vulnerable people?"),)
    query = reader.read(question, history)
    assert query.forces == ("Cumbria",)
    assert query.alone is None  # not asked of every force when Cumbria's reports don't say


def test_why_that_one_after_a_grade_gives_its_reasons(multi_app):
    client = multi_app.test_client()
    first = "What grade did Lancashire get for investigating crime?"
    data = client.post("/api/ask", json={"question": first}).get_json()
    history = [{"question": first, "passage_ids": [p["id"] for p in data["passages"]]}]
    question = "Why that one? What pulled it down?"
    data = client.post("/api/ask", json={"question": question, "history": history}).get_json()
    answer = data["answer"]
    assert answer is not None, data["message"]
    assert answer["kind"] == "reasons" and answer["citation"]["question_number"] == 2


def test_a_force_in_no_year_is_answered_from_its_latest_report(multi_app):
    """Both of Lancashire's reports name Operation Genga; with no year asked, the 2018 one
    answers, and "in 2017" still gets the 2017 one."""
    client = multi_app.test_client()

    def answer(question):
        return client.post("/api/ask", json={"question": question}).get_json()["answer"]

    latest = answer("What is the operation Lancashire police run with partners against gangs?")
    assert "Operation Genga" in latest["text"] and latest["citation"]["year"] == "2018"
    earlier = answer("In 2017, what was the operation Lancashire ran with partners against gangs?")
    assert "Operation Genga" in earlier["text"] and earlier["citation"]["year"] == "2017"


def test_which_university_is_answered_by_a_university(multi_app):
    client = multi_app.test_client()
    question = "Which university is Cumbria working with to train new investigators?"
    answer = client.post("/api/ask", json={"question": question}).get_json()["answer"]
    assert "University of Central Cumbria" in answer["text"]


def test_a_scheme_described_but_never_judged_is_said_to_be_unjudged(multi_app):
    client = multi_app.test_client()
    question = "Is Operation Encompass making a difference for children in Lancashire?"
    data = client.post("/api/ask", json={"question": question}).get_json()
    assert data["answer"] is None and "don't judge" in data["message"]


@pytest.mark.parametrize(
    "question",
    [
        "What sort of money has Durham put aside for vetting?",
        "How much has Cumbria invested in digital forensics?",
    ],
)
def test_what_sort_of_money_asks_for_an_amount(reader, question):
    assert reader.read(question).answer_type == "amount"


def test_an_aside_keeps_the_force_but_not_the_topic(reader):
    history = (Turn("Is Durham fair when it stops and searches people?"),)
    aside = reader.read("Different question: do officers there get appraisals?", history)
    assert aside.forces == ("Durham",) and aside.context == () and not aside.followup


def test_back_to_returns_to_the_topic_before_the_aside(reader):
    history = (
        Turn("Is Durham fair when it stops and searches people?"),
        Turn("Side question - do their officers get appraisals?"),
    )
    query = reader.read("ok, going back to that: how many records had proper grounds?", history)
    assert query.forces == ("Durham",)
    assert any("searches" in topic for topic in query.context)
    assert not any("appraisals" in topic for topic in query.context)
    # without the aside marker, the turn before is the one talked about
    plain = (history[0], Turn("do their officers get appraisals?"))
    assert any("appraisals" in t for t in reader.read("how many had grounds?", plain).context)


def test_back_to_after_an_aside_answers_from_the_topic_returned_to(multi_app):
    data = _last_answer(
        multi_app.test_client(),
        "How fairly does Durham use stop and search?",
        "Separate thing - are Durham's staff vetted properly?",
        "Coming back to stop and search: what share of the records showed reasonable grounds?",
    )
    assert data["answer"] is not None, data["message"]
    assert "92 percent" in data["answer"]["text"]


def test_a_part_of_the_whole_answers_in_how_many(multi_app):
    data = _last_answer(
        multi_app.test_client(),
        "Lancashire 2017: how did officers deal with domestic abuse?",
        "In how many of the files the inspectors read was the risk assessment incomplete?",
    )
    assert data["answer"] is not None, data["message"]
    assert "19 of them" in data["answer"]["text"]


def test_and_the_year_before_after_a_change_of_grade_is_that_years_grade(reader):
    history = (
        Turn("What grade did Lancashire get for protecting vulnerable people in 2018?"),
        Turn("what got better?"),
    )
    query = reader.read("and the year before?", history)
    assert query.intent == "grade" and query.years == (2017,)
    assert query.topic == "protecting vulnerable people"


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Does the ethics panel actually achieve anything?", True),
        ("Are the appraisals just box-ticking?", True),
        ("Were the extra PCSOs worth having?", True),
        ("Is the ethics panel doing its job?", True),
        ("Is the new triage model effective or a waste of money?", True),
        ("Does the helpline actually work for people in crisis?", True),
        ("What did the inspectors make of the triage car?", True),
        ("What's the verdict on the new crime recording system?", True),
        ("Has the hub been any use to victims?", True),
        ("Are victims better off since the unit started?", True),
        ("Is the investment in forensics showing results?", True),
        ("Were the inspectors impressed by the new safeguarding hub?", True),
        ("What was the verdict on Durham's legitimacy?", False),
        ("What did the inspectors make of Lancashire's effectiveness?", False),
        ("What does the scheme deliver?", False),
        ("Does Durham do anything to tackle hate crime?", False),
        ("Do they do much about cyber crime?", False),
    ],
)
def test_whether_it_does_any_good_asks_if_it_works(question, asks):
    assert asks_evaluation(question) is asks


def test_a_named_force_with_the_thing_talked_about_gets_that_forces_figure(multi_app):
    data = _last_answer(
        multi_app.test_client(),
        "How long did Lancashire take to examine phones and laptops in 2018?",
        "And what about Cumbria, how long is the wait there?",
    )
    assert data["answer"] is not None, data["message"]
    assert data["answer"]["citation"]["force"] == "Cumbria"
    assert "six weeks" in data["answer"]["text"]


def test_a_question_pointing_back_is_ranked_beside_the_topic_talked_about(multi_app):
    data = _last_answer(
        multi_app.test_client(),
        "How does Lancashire deal with domestic abuse?",
        "Unrelated, but do Lancashire's officers have body cameras?",
        "Does each of them get their own?",
    )
    assert any("personal issue" in p["text"] for p in data["passages"][:3])


def test_a_scheme_named_twice_over_is_still_unjudged(multi_app):
    # "children" and "kids" are one word of the topic, so a passage on other children's
    # work is not taken for it
    question = (
        "Has bringing Lancashire's three children's safeguarding boards together helped kids?"
    )
    data = multi_app.test_client().post("/api/ask", json={"question": question}).get_json()
    assert data["answer"] is None and "don't judge" in data["message"]


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("do Durham's officers get yearly appraisals?", "performance development review"),
        ("are police and immigration staff in the same office?", "co-located"),
        ("do the bosses check the files?", "supervisors"),
    ],
)
def test_everyday_words_for_report_terms(reader, question, term):
    assert term in reader.read(question).dense


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Does the triage car actually help reduce detentions?", True),
        ("Has the new unit made the streets any safer?", True),
        ("Was the extra funding money well spent?", True),
        ("Does the app work though?", True),
        ("Has the hub improved things, or is it still patchy?", True),
        ("Has the new rota freed up officers, or just moved the problem?", True),
        ("Is there any better way to report crime?", False),
        ("Did Kent do any better in 2016?", False),
        ("Is it Lancashire or just Cumbria?", False),
        ("What help is available to victims?", False),
    ],
)
def test_more_everyday_ways_of_asking_whether_it_works(question, asks):
    assert asks_evaluation(question) is asks


@pytest.mark.parametrize(
    "sentence",
    [
        "Safety plans are not routinely completed for high-risk victims.",
        "Of the 20 files we looked at, only 9 had a supervisor's note.",
    ],
)
def test_a_practice_not_done_judges_how_it_goes(sentence):
    assert judges(sentence)


def test_does_it_help_get_convictions_is_answered_by_the_finding(multi_app):
    question = (
        "does filming with body cams at domestic incidents in Lancashire help get convictions?"
    )
    data = multi_app.test_client().post("/api/ask", json={"question": question}).get_json()
    assert data["answer"] is not None, data["message"]
    assert "prosecuted successfully" in data["answer"]["text"]


def test_a_judgement_far_from_the_scheme_asked_about_does_not_judge_it(multi_app):
    # the passage on the retraining is much closer to the question than the body-worn
    # video finding ("prosecuted successfully") that shares its words about victims
    question = (
        "Lancashire asked domestic abuse victims what mattered to them and then retrained "
        "its frontline officers. Has that helped victims?"
    )
    data = multi_app.test_client().post("/api/ask", json={"question": question}).get_json()
    assert data["answer"] is None and "don't judge" in data["message"]


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("is there a round the clock helpline for officers?", "24-hour"),
        ("how are complaints from staff handled in Durham?", "grievances"),
        ("do they keep track of offenders from abroad?", "foreign national offenders"),
        ("do missing children get follow-up chats?", "return interviews"),
    ],
)
def test_more_everyday_words_for_report_terms(reader, question, term):
    assert term in reader.read(question).dense


def test_who_after_a_lead_in_asks_for_a_name_not_improvements(reader):
    query = reader.read("Back to vetting in Durham - who should they send corruption cases to?")
    assert query.intent != "improvements"


def test_that_whole_area_is_no_topic(reader):
    assert "whole" not in reader.read("So what rating did they get for that whole area?").topic


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("has it made things easier?", True),
        ("Has the new system made life simpler for officers?", True),
        ("what makes it easier for victims to report a crime?", False),
    ],
)
def test_made_it_easier_asks_whether_it_works(question, asks):
    assert asks_evaluation(question) is asks


def test_a_bare_question_leans_on_the_conversation(reader):
    history = (Turn("Does Lancashire keep proper tabs on registered sex offenders?"),)
    share = reader.read("what proportion have been done?", history)
    assert share.followup and share.forces == ("Lancashire",)
    assert "sex offenders" in share.talked_about
    # as short, but naming a force: a question of its own
    assert not reader.read("what proportion in Durham?", history).followup


def test_a_topic_taken_over_keeps_the_one_before_it(reader):
    history = (
        Turn("were missing children in Lancashire handled properly?"),
        Turn("are the children talked to when they come home?"),
    )
    query = reader.read("how many of them were?", history)
    assert "missing children" in query.talked_about


def test_how_the_grade_struck_the_asker_is_no_topic(reader):
    history = (Turn("what grade did Lancashire get for investigating crime?"),)
    why = reader.read("why so low?", history)
    assert why.intent == "reasons" and "low" not in why.topic
    assert "investigating crime" in why.topic
    ended = reader.read("what grade did they end up with for that section?", history)
    assert "end" not in ended.topic.split() and "section" not in ended.topic


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("who should those cases be sent to outside the force?", "organisation"),
        ("who do they refer the worst cases to?", "organisation"),
        ("who decides which ones to chase first?", "role"),
    ],
)
def test_where_cases_go_and_who_decides_are_names(question, kind):
    assert named_kind(question) == kind


@pytest.mark.parametrize(
    ("sentence", "judging"),
    [
        ("However, not all officers and staff know how to use it properly.", True),
        ("Some officers lack the knowledge to use basic filters within the system.", True),
        ("However, there is limited partnership working to manage these offenders.", True),
        ("There is no effective management of compliance with the victims’ code.", True),
        ("In our crime file review 49 of 60 cases had effective supervision.", True),
        ("Staff work well with embedded partners such as children’s services.", True),
        # the inspection's name and what was asked for before are no judgement
        (
            "In our 2017 effectiveness inspection, we concluded that the constabulary "
            "needed to improve the quality of information that officers recorded.",
            False,
        ),
    ],
)
def test_the_inspectors_words_for_how_it_goes(sentence, judging):
    assert judges(sentence) is judging


@pytest.mark.parametrize(
    ("sentence", "judging"),
    [
        # the words real pages judge in (tests/data/judging-real), said here in our own
        ("Call handlers deal well with people in crisis and show empathy.", True),
        ("The force has a good understanding of the demand it faces at weekends.", True),
        ("Staff have a detailed knowledge of the offenders they manage.", True),
        ("The unit responds quickly enough to keep missing children safe.", True),
        ("The force has got better at recording crime since 2017.", True),
        ("Case files we examined were completed to a high standard.", True),
        ("I remain concerned about how the force records crime.", True),
        ("We have serious concerns about the backlog of cases.", True),
        ("We found that 72 percent of the forms had been completed.", True),
        ("We found no record of any supervision on the files.", True),
        ("The force has partly complied with this recommendation.", True),
        ("The quality of its victim care is impressive.", True),
        # what the inspection is and asks, descriptions and aims are not
        ("PEEL: Police effectiveness, efficiency and legitimacy 2018/19 - Kent Police", False),
        ("How well does the force protect vulnerable people from harm?", False),
        ("The review assesses how effectively the force is meeting demand.", False),
        ("There are clear guidelines for officers attending these incidents.", False),
        ("The scrutiny panel meets every quarter and is chaired by a magistrate.", False),
        ("The constabulary should improve how well it supervises investigations.", False),
    ],
)
def test_the_words_real_pages_judge_in(sentence, judging):
    assert judges(sentence) is judging


def test_how_a_thing_within_a_graded_question_goes_is_its_finding(multi_app):
    client = multi_app.test_client()
    # a grade in other words ("how is ... doing"), of a thing the graded question's title never
    # names: the finding on the thing itself, not the grade of protecting vulnerable people
    thing = "how is Lancashire doing with its mental health advice line for officers?"
    data = client.post("/api/ask", json={"question": thing}).get_json()
    assert data["answer"] is not None and data["answer"]["kind"] == "sentence"
    assert "improvement in this service" in data["answer"]["text"]
    # asked for its grade outright, it has the grade of the question it sits in
    graded = "what grade did Lancashire get for its mental health helpline?"
    data = client.post("/api/ask", json={"question": graded}).get_json()
    assert data["answer"]["kind"] == "grade" and data["answer"]["grade"] == "Good"


@pytest.mark.parametrize(
    "question",
    [
        # blind writers' wordings over real pages (tests/data/round11), in our own words
        "Does having nurses in the control room actually improve how calls are handled?",
        "Kent set up hubs with the council. Have they actually cut the workload?",
        "Was the partnership with Essex actually saving money?",
        "Bedfordshire reviews its demand every year. Was that review any use?",
        "Has the force done anything useful with its complaints data?",
        "Are victims in Cumbria getting a decent service from the police?",
        "Are officers writing down a good enough reason for each search?",
        "Did the inspection say whether the cadets scheme does any good?",
    ],
)
def test_more_everyday_ways_to_ask_whether_it_works(question):
    assert asks_evaluation(question)


@pytest.mark.parametrize(
    "question",
    [
        "Is there any use of Taser recorded by Kent?",
        "What use does the force make of drones?",
        "Do they actually record how many officers they have?",
    ],
)
def test_use_and_actually_alone_do_not_ask_whether_it_works(question):
    assert not asks_evaluation(question)


def test_the_words_of_any_use_or_good_enough_are_no_topic(reader):
    query = reader.read("Was Lancashire's demand review in 2018 actually any use?", [])
    assert query.answer_type == "evaluation"
    assert "use" not in query.topic.split() and "review" in query.topic
    found = reader.read("What did the 2018 inspection find about stop and search?", [])
    assert "find" not in found.topic.split() and "search" in found.topic


@pytest.mark.parametrize(
    ("sentence", "judging"),
    [
        ("This means call handlers make better decisions about risk.", True),
        ("Officers wait up to six weeks for a referral to be seen.", True),
        ("The force has made good progress with a plan to recruit more detectives.", True),
        ("The force plans to recruit more detectives next year.", False),
    ],
)
def test_effects_waits_and_progress_judge(sentence, judging):
    assert judges(sentence, findings=True) is judging


def test_is_it_working_is_answered_from_a_real_summary(fragment_app):
    # a real 2018 summary says what the scheme does, then its effect ("This means ..."): the
    # old words found no judgement of it and the service answered nothing
    client = fragment_app.test_client()
    question = (
        "In 2018, did the safeguarding officers in Cumbria's control room make any difference?"
    )
    answer = client.post("/api/ask", json={"question": question}).get_json()["answer"]
    assert answer["kind"] == "sentence", answer
    assert answer["text"].startswith("This means call takers and officers make better quality")
    assert answer["citation"]["force"] == "Cumbria" and answer["citation"]["year"] == "2018"


# Round 13: figure, named-thing and fact questions on real pages, in the askers' words.


def test_hundreds_thousands_and_dozens_are_figures():
    def found(sentence):
        return [m.group(0).strip() for m in figures_in(sentence)]

    assert found("It analyses thousands of calls so that it can improve.") == ["thousands"]
    assert found("Dozens of officers and hundreds of staff were trained.") == ["Dozens", "hundreds"]


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("how many phone calls did Durham go through?", "calls"),
        ("how many separate strands does the strategy have?", "strands"),
        ("how many of these PEEL assessments had there been by then?", "assessments"),
        ("how many extra bobbies has Cumbria taken on?", "bobbies officers"),
        # words for a part of something say nothing of what is counted
        ("how many separate bits of policing did they look at?", None),
        ("how many different parts of policing were assessed?", None),
    ],
)
def test_what_a_count_counts_is_the_last_word_of_its_name(reader, question, counted):
    assert reader.read(question).counted == counted


@pytest.mark.parametrize(
    ("question", "grade"),
    [
        ("How does Durham tackle organised crime gangs, according to its 2016 assessment?", False),
        ("What had Cumbria done with its budget by the time of the 2017 assessment?", False),
        ("What did Durham get in its 2016 assessment?", True),
        ("how did durham do in the 2016 assessment", True),
    ],
)
def test_the_report_named_as_where_to_look_is_no_grade_question(reader, question, grade):
    assert (reader.read(question).intent == "grade") is grade


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("When was the verdict on the new hub published?", False),
        ("When did the triage car start working?", False),
        ("When a crime is passed on, does the new triage actually work?", True),
    ],
)
def test_a_when_question_asks_for_a_date_not_whether_it_works(question, asks):
    assert asks_evaluation(question) is asks


@pytest.mark.parametrize(
    ("sentence", "judging"),
    [
        ("This helps it to plan where money must be spent.", False),
        ("This helps it ensure it takes every opportunity to attach bail conditions.", False),
        ("This helps to reassure the public that it is fair.", False),
        ("The triage car helps victims get support sooner.", True),
    ],
)
def test_what_a_thing_is_for_is_no_judgement_of_it(sentence, judging):
    assert judges(sentence) is judging


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("who personally leads the work on problem solving?", "role"),
        ("who actually runs the victims' helpline?", "provider"),
        ("who directly handles complaints about officers?", "unit"),
    ],
)
def test_who_with_an_adverb_still_asks_for_a_name(question, kind):
    assert named_kind(question) == kind


def test_deal_with_is_how_a_question_is_put_not_its_topic(reader):
    assert reader.read("How well does Durham deal with complaints?").topic == "complaints"


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("are Lancashire's background checks on new staff up to date?", "vetting"),
        ("can Durham cope with its workload?", "demand"),
    ],
)
def test_everyday_words_for_vetting_and_demand(reader, question, term):
    assert term in reader.read(question).dense


@pytest.mark.parametrize(
    ("question", "force", "year", "words"),
    [
        # a number word in the plural ("thousands of calls"), the thing counted in the
        # asker's words
        (
            "About how many calls did Lancashire look through to learn what the public "
            "wants, 2018 efficiency?",
            "Lancashire",
            "2018",
            "analysing thousands of calls",
        ),
        # "parts of policing" counts the report's "areas"
        (
            "Across how many separate parts of policing was Durham assessed in its 2021/22 "
            "inspection?",
            "Durham",
            "2021/22",
            "in 12 areas of policing",
        ),
        # no graded question matches: how it does with them, not a grade
        (
            "How good was West Midlands Police with people in mental health crisis in 2017?",
            "West Midlands",
            "2017",
            "the way it deals with those in mental health crisis",
        ),
        # the role named in the first passage's last sentence
        (
            "Who personally leads Durham's problem-solving approach (2015)?",
            "Durham",
            "2015",
            "The chief constable takes a personal lead",
        ),
    ],
)
def test_real_pages_answer_in_the_askers_words(fragment_app, question, force, year, words):
    client = fragment_app.test_client()
    answer = client.post("/api/ask", json={"question": question}).get_json()["answer"]
    assert answer is not None and answer["kind"] == "sentence", question
    assert words in answer["text"], answer["text"]
    assert (answer["citation"]["force"], answer["citation"]["year"]) == (force, year)


def test_who_asks_is_not_what_is_asked_on_a_real_page(fragment_app):
    # "according to its 2016 assessment" names the report; "Journalist here." the asker
    client = fragment_app.test_client()
    question = (
        "Journalist here. How does Durham Constabulary tackle serious organised crime, "
        "according to its 2016 assessment?"
    )
    answer = client.post("/api/ask", json={"question": question}).get_json()["answer"]
    assert answer is not None and answer["kind"] == "sentence"
    assert "serious and organised crime" in answer["text"]
    assert (answer["citation"]["force"], answer["citation"]["year"]) == ("Durham", "2016")


# Stop 34: what a count says of the things it counts, ordinals, places, and the year
# before a force's name.


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("PEEL 2018/19: An inspection of the constabulary", []),
        ("Our 2023-25 inspection found 14 cases", ["14"]),
        ("In 2021–22 it recruited 300 officers", ["300"]),
    ],
)
def test_the_end_of_a_span_of_years_is_no_figure(sentence, figures):
    assert [m.group(0).strip() for m in figures_in(sentence)] == figures


def test_ordinals_are_figures_only_for_a_count_of_occasions():
    sentence = "This is the fifth assessment of the force."
    assert figures_in(sentence) == []
    assert [m.group(0) for m in figures_in(sentence, ordinals=True)] == ["fifth"]


@pytest.mark.parametrize(
    ("question", "counted", "said"),
    [
        ("how many of the areas were actually given a grade?", "areas", {"grade"}),
        ("how many officers were trained in first aid?", "officers", {"train", "first", "aid"}),
        ("how many calls were there in 2018, and what did they find?", "calls", set()),
    ],
)
def test_what_a_count_says_of_the_things_counted(question, counted, said):
    assert said_of_counted(question, counted) == said


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which towns does the force cover?", "place"),
        ("What counties are in the force area?", "place"),
        ("Which areas of policing were graded?", None),
    ],
)
def test_which_towns_asks_for_places(question, kind):
    assert named_kind(question) == kind


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("what did the 2018 durham inspection say about vetting?", (2018,)),
        ("In the 2023-25 Cumbria Constabulary report, who leads on vetting?", (2023,)),
        ("What changed in Durham after the 2019 council tax precept increase?", ()),
    ],
)
def test_a_year_before_a_forces_name_is_the_reports(reader, question, years):
    assert reader.read(question).years == years


@pytest.mark.parametrize(
    ("sentence", "judging"),
    [
        ("Cadet schemes in schools help to build trust with young people.", True),
        ("It uses cadet schemes to help to build trust with young people.", False),
        ("Cadet schemes will help to build trust with young people.", False),
    ],
)
def test_what_a_scheme_helps_to_do_judges_it(sentence, judging):
    assert judges(sentence) is judging


@pytest.mark.parametrize(
    ("question", "force", "year", "words"),
    [
        # the figure sentence that holds what the count says ("graded"), not the closer
        # "in 13 areas of policing"
        (
            "Merseyside's 2021/22 PEEL report: of everything looked at, how many areas were "
            "actually graded?",
            "Merseyside",
            "2021/22",
            "graded judgments in 11 of these 13",
        ),
        # an ordinal counts the assessments
        (
            "By 2017, how many times had Northumbria Police been through a PEEL assessment?",
            "Northumbria",
            "2017",
            "fourth PEEL",
        ),
        # the places named, in the question's own word for them
        (
            "What cities are covered by Avon and Somerset Constabulary, 2014?",
            "Avon and Somerset",
            "2014",
            "the cities of Bristol and Bath",
        ),
    ],
)
def test_counts_ordinals_and_places_on_real_pages(fragment_app, question, force, year, words):
    client = fragment_app.test_client()
    answer = client.post("/api/ask", json={"question": question}).get_json()["answer"]
    assert answer is not None and answer["kind"] == "sentence", question
    assert words in answer["text"], answer["text"]
    assert (answer["citation"]["force"], answer["citation"]["year"]) == (force, year)


@pytest.mark.parametrize(
    ("question", "grade"),
    [
        ("When will Kent's overall assessment be published?", False),
        ("Durham 2016: when are the effectiveness grades due out?", False),
        ("what grade did Kent get when the report came out?", True),
    ],
)
def test_when_the_grades_are_published_asks_a_date(reader, question, grade):
    query = reader.read(question)
    assert (query.intent == "grade") is grade
    assert not query.overall or grade


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("Which cities does the force cover?", "cities"),
        ("Which university trains its recruits?", "university"),
        ("Which force shares its firearms unit with Durham?", None),
    ],
)
def test_the_questions_own_word_for_a_place_or_body(question, word):
    assert asked_word(question, named_kind(question)) == word
