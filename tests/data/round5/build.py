"""Builds the round-5 JSONL files. Gold = full sentence(s) of the report holding each `contains` fragment."""

import json
import os
import re

from check import norm, paragraphs

HERE = os.path.dirname(os.path.abspath(__file__))
L18, L17, C18, D18 = (
    ("Lancashire", "2018"),
    ("Lancashire", "2017"),
    ("Cumbria", "2018"),
    ("Durham", "2018"),
)


def sent_of(key, frag):
    f = norm(frag)
    for p in paragraphs(key):
        if f in p:
            for s in re.split(r"(?<=[.;:!?])\s+(?=[A-Z“‘])", p):
                if f in s and "SYNTHETIC" not in s:
                    return s
            return f
    raise SystemExit(f"not found {key} {frag!r}")


def item(id_, q, intent, fy, contains, pillar=None, qn="absent"):
    exp = {"force": fy[0], "year": fy[1]}
    if intent == "reasons":
        exp["pillar"] = pillar
        exp["question_number"] = qn
    exp["contains"] = contains
    gold = []
    for c in contains:
        s = sent_of(fy, c)
        if s not in gold:
            gold.append(s)
    return {"id": id_, "question": q, "intent": intent, "expect": exp, "gold": gold}


EFF, LEG = "Effectiveness", "Legitimacy"
S = {}
S["figure-dev"] = [
    (
        "fig5-d01",
        "How many extra officers is Lancashire getting out of the 2019 council tax rise?",
        L18,
        ["40 additional officers are being recruited"],
    ),
    (
        "fig5-d02",
        "How many more officers is Cumbria taking on now the police precept has gone up?",
        C18,
        ["25 additional officers are being recruited"],
    ),
    (
        "fig5-d03",
        "How much has Lancashire Constabulary invested in digital forensics?",
        L18,
        ["It has invested £3 million"],
    ),
    (
        "fig5-d04",
        "What sort of money did Cumbria put into digital forensic examination?",
        C18,
        ["It has invested £1.2 million"],
    ),
    (
        "fig5-d05",
        "If my phone gets seized by Lancashire police, how long will it take them to examine it these days?",
        L18,
        ["reduce from over 12 months to 8–10 weeks"],
    ),
    (
        "fig5-d06",
        "What's the waiting time for digital forensic examinations at Cumbria Constabulary now?",
        C18,
        ["reduce from over 12 months to six weeks"],
    ),
    (
        "fig5-d07",
        "Out of the crime files the inspectors checked in Lancashire in 2018, how many had been properly supervised?",
        L18,
        ["only 31 of 60 cases were judged to have had effective supervision"],
    ),
    (
        "fig5-d08",
        "By what percentage did MARAC referrals rise in Lancashire?",
        L18,
        ["34 percent increase in referrals"],
    ),
    (
        "fig5-d09",
        "In the 2017 report, what share of their time were Lancashire's neighbourhood officers spending covering incidents for response teams?",
        L17,
        ["38 percent of their duty time"],
    ),
    (
        "fig5-d10",
        "How many PCSOs did Lancashire have back in 2017?",
        L17,
        ["292 police community support officers"],
    ),
    (
        "fig5-d11",
        "How many organised crime groups had Lancashire police mapped at the 2017 inspection?",
        L17,
        ["mapped 94 organised crime groups"],
    ),
    (
        "fig5-d12",
        "What proportion of Durham's stop and search records actually showed reasonable grounds?",
        D18,
        ["92 percent of them recorded reasonable grounds"],
    ),
    (
        "fig5-d13",
        "In the PEEL legitimacy inspection, how long were staff grievances taking to resolve on average?",
        D18,
        ["Grievances take on average 190 days to resolve"],
    ),
    (
        "fig5-d14",
        "How many Durham officers and staff were working without current vetting clearance?",
        D18,
        ["640 officers and staff did not have up-to-date vetting clearance"],
    ),
    (
        "fig5-d15",
        "How often does Durham's stop and search scrutiny panel meet?",
        D18,
        ["meets every two months"],
    ),
    (
        "fig5-d16",
        "When Cumbria gets a referral about indecent images of children, how many days on average before a warrant or arrest?",
        C18,
        ["an average time of five days"],
    ),
]
S["figure-holdout"] = [
    (
        "fig5-h01",
        "How quickly do Lancashire police act on an indecent image referral - how many days to an arrest, on average?",
        L18,
        ["an average time of two days"],
    ),
    (
        "fig5-h02",
        "How many digital kiosks has Cumbria got and how many staff are trained on them?",
        C18,
        ["9 digital device examination kiosks", "210 staff have been trained"],
    ),
    (
        "fig5-h03",
        "How many digital media investigators are there across Lancashire's districts?",
        L18,
        ["Fifty digital media investigators"],
    ),
    (
        "fig5-h04",
        "what percentage of sex offender ARMS assessments had cumbria done",
        C18,
        ["completed 58 percent of its risk assessments"],
    ),
    (
        "fig5-h05",
        "How far behind is Lancashire's investigations management unit with checking crimes?",
        L18,
        ["the delay in the IMU was up to four weeks"],
    ),
    (
        "fig5-h06",
        "On average how many days off sick did Durham police officers have in 2018/19?",
        D18,
        ["an average of 11 working days of sickness absence"],
    ),
    (
        "fig5-h07",
        "What percentage of Durham officers and staff actually had an annual appraisal?",
        D18,
        [
            "Only 37 percent of officers and staff had completed an annual performance development review"
        ],
    ),
    (
        "fig5-h08",
        "In the 2017 effectiveness inspection, how many phones and computers were stuck in the queue for forensic examination?",
        L17,
        ["about 1,100 devices were in the queue"],
    ),
]
S["named-dev"] = [
    (
        "nam5-d01",
        "What was the name of the partnership operation Lancashire was running against organised crime gangs in 2018?",
        L18,
        ["through Operation Genga"],
    ),
    (
        "nam5-d02",
        "Which operation did Lancashire police use in 2017 to share information on organised crime groups with partners?",
        L17,
        ["Through Operation Genga"],
    ),
    (
        "nam5-d03",
        "What's the scheme that lets Lancashire officers alert a child's school after a domestic abuse call?",
        L18,
        ["Operation Encompass"],
    ),
    (
        "nam5-d04",
        "Which university is Lancashire Constabulary working with on a direct entry route for investigators?",
        L18,
        ["University of Central Lancashire (UCLan)"],
    ),
    (
        "nam5-d05",
        "Which university is Cumbria Constabulary teaming up with to create a new route into investigation?",
        C18,
        ["University of Central Cumbria (UCLan)"],
    ),
    (
        "nam5-d06",
        "Who provides the 24-hour mental health helpline that Lancashire officers can ring?",
        L18,
        ["provided by Lancashire Care Foundation Trust"],
    ),
    (
        "nam5-d07",
        "Which NHS trust runs the mental health advice line for Cumbria police?",
        C18,
        ["provided by Cumbria Care Foundation Trust"],
    ),
    (
        "nam5-d08",
        "Who is on Lancashire's Psynergy Team?",
        L18,
        ["a senior mental health nurse, a police officer and a paramedic"],
    ),
    (
        "nam5-d09",
        "What is the crime management IT system Lancashire officers were having trouble with?",
        L18,
        ["the new Connect crime management IT system"],
    ),
    (
        "nam5-d10",
        "What software do Lancashire neighbourhood teams use to pull together data from police systems?",
        L18,
        ["business intelligence software called PowerBI"],
    ),
    (
        "nam5-d11",
        "Which unit in Lancashire checks that crime reports have been filled in properly?",
        L18,
        ["investigations management unit (IMU)"],
    ),
    (
        "nam5-d12",
        "Who chairs the board overseeing Lancashire's plan to improve the quality of investigations?",
        L18,
        ["chaired by the head of crime"],
    ),
    (
        "nam5-d13",
        "Who looks at the body-worn video of stop and searches in Durham?",
        D18,
        ["An external scrutiny panel of community members"],
    ),
    (
        "nam5-d14",
        "Which watchdog had Durham failed to refer any sexual misconduct cases to?",
        D18,
        ["Independent Office for Police Conduct (IOPC)"],
    ),
    (
        "nam5-d15",
        "What problem-solving model do Lancashire neighbourhood officers use?",
        L18,
        ["SARA (scan, analyse, respond, assess)"],
    ),
    (
        "nam5-d16",
        "In Cumbria, which service gets the victim details once the IMU has checked a crime?",
        C18,
        ["uploaded to Cumbria Victim Services (LVS)"],
    ),
]
S["named-holdout"] = [
    (
        "nam5-h01",
        "Which ambulance service has Lancashire police agreed protocols with for moving mental health patients?",
        L18,
        ["North West Ambulance Service (NWAS)"],
    ),
    (
        "nam5-h02",
        "Which other force is Cumbria working with on extra armed policing arrangements?",
        C18,
        ["in conjunction with West Yorkshire Police"],
    ),
    (
        "nam5-h03",
        "what system does lancashire use for sex offender risk assessments",
        L18,
        ["Active Risk Management System (ARMS)"],
    ),
    (
        "nam5-h04",
        "In Durham, who discusses ethical dilemmas like officers taking gifts from local businesses?",
        D18,
        ["An ethics committee, which includes members of the public"],
    ),
    (
        "nam5-h05",
        "What are the teams that manage sex and violent offenders in Lancashire's districts called?",
        L18,
        ["management of sexual offenders and violent offenders (MOSOVO) teams"],
    ),
    ("nam5-h06", "Who chairs Lancashire's digital governance board?", L18, ["chaired by an ACC"]),
    (
        "nam5-h07",
        "Who did the police run their integrated offender management scheme with, according to the 2017 report?",
        L17,
        ["run jointly with the probation service"],
    ),
    (
        "nam5-h08",
        "What was set up when Cumbria's three local safeguarding boards merged?",
        C18,
        ["pan-Cumbria children’s safeguarding board"],
    ),
]
S["reasons-dev"] = [
    (
        "rea5-d01",
        "Why did Lancashire get 'requires improvement' for investigating crime in 2018?",
        L18,
        EFF,
        2,
        [
            "Frontline supervisors are not providing effective supervision of investigations",
            "there has been a steadily increasing backlog of crimes awaiting checking by the IMU",
            "many officers and supervisors are struggling with the new Connect crime management IT system",
            "There is insufficient scrutiny and governance surrounding foreign national offenders",
        ],
    ),
    (
        "rea5-d02",
        "What did Lancashire do well to earn a good grade for protecting vulnerable people?",
        L18,
        EFF,
        3,
        [
            "In 42 cases the call taker had assessed the information correctly",
            "Operation Encompass allows officers to make a direct referral to the child’s school",
            "officers are attending incidents in time to protect vulnerable people",
            "the quality of these initial risk assessments has improved",
        ],
    ),
    (
        "rea5-d03",
        "How come Cumbria only got requires improvement on protecting vulnerable people?",
        C18,
        EFF,
        3,
        [
            "In only 31 cases the call taker had assessed the information correctly",
            "In the other 13 cases the vulnerability was missed or not recorded in enough detail",
            "completed 58 percent of its risk assessments",
            "but the number has not yet started to fall",
        ],
    ),
    (
        "rea5-d04",
        "What was behind Cumbria being rated good at investigating crime?",
        C18,
        EFF,
        2,
        [
            "In our crime file review 49 of 60 cases were judged to have had effective supervision",
            "in 53 out of 60 cases all lines of enquiry had been identified and progressed",
            "Inexperienced response officers told us they get the support and guidance they need",
        ],
    ),
    (
        "rea5-d05",
        "Why was Lancashire judged inadequate at protecting vulnerable people in 2017?",
        L17,
        EFF,
        3,
        [
            "In 19 of them the risk assessment by the attending officer was missing or incomplete",
            "a backlog of about 900 referrals awaiting assessment",
            "only 12 showed that a return interview had taken place",
        ],
    ),
    (
        "rea5-d06",
        "What let Lancashire down on preventing crime and anti-social behaviour in 2017?",
        L17,
        EFF,
        1,
        [
            "neighbourhood officers spent 38 percent of their duty time",
            "planned problem-solving meetings and foot patrols were often cancelled at short notice",
            "We found little evidence that completed plans had been evaluated",
            "it issued 41 community protection notices across the whole county",
        ],
    ),
    (
        "rea5-d07",
        "Why did Durham get an inadequate for the way it treats its own staff?",
        D18,
        LEG,
        3,
        [
            "only 28 percent of respondents said they felt the constabulary treated them fairly",
            "Grievances take on average 190 days to resolve",
            "officers wait up to eight weeks for an appointment",
            "Only 37 percent of officers and staff had completed an annual performance development review",
        ],
    ),
    (
        "rea5-d08",
        "What went wrong for Durham on making sure its workforce behaves ethically and lawfully?",
        D18,
        LEG,
        2,
        [
            "640 officers and staff did not have up-to-date vetting clearance",
            "The counter-corruption unit has only two investigators",
            "has not yet recognised abuse of position for a sexual purpose as serious corruption",
        ],
    ),
    (
        "rea5-d09",
        "Why was Lancashire rated good for preventing crime in 2018?",
        L18,
        EFF,
        1,
        [
            "officers and staff in NPTs felt the changes had given them more time to do problem solving",
            "Officers and staff understand the principles of problem solving and are familiar with the SARA",
            "The constabulary is taking a novel approach to deal with cuckooing",
        ],
    ),
    (
        "rea5-d10",
        "What did Durham get right to be graded good on treating the public fairly?",
        D18,
        LEG,
        1,
        [
            "the workforce has received training in unconscious bias and effective communication",
            "92 percent of them recorded reasonable grounds for the search",
            "An external scrutiny panel of community members meets every two months",
        ],
    ),
    (
        "rea5-d11",
        "Why was Lancashire's overall effectiveness only 'requires improvement' in 2017?",
        L17,
        EFF,
        None,
        [
            "Neighbourhood officers are too often taken away from their communities to answer emergency calls",
            "Officers attending domestic abuse incidents do not always complete risk assessments properly",
            "victims wait too long for their mobile phones and computers to be examined",
        ],
    ),
    (
        "rea5-d12",
        "How did Lancashire manage a good grade for investigations back in 2017?",
        L17,
        EFF,
        2,
        [
            "51 investigations were of a good standard",
            "we found a clear record of their instructions on most of the crime files",
            "reoffended 22 percent less",
        ],
    ),
]
S["reasons-holdout"] = [
    (
        "rea5-h01",
        "What's the reasoning behind Lancashire's overall 'good' for effectiveness in 2018?",
        L18,
        EFF,
        None,
        [
            "Staff answering 999 and 101 calls are trained to identify vulnerable people",
            "The constabulary is innovative in protecting high-risk victims of domestic abuse",
            "It conducts analysis to understand problems and works with partners and communities to solve them",
            "has sufficient resources to respond to that threat",
        ],
    ),
    (
        "rea5-h02",
        "Cumbria came out good overall on effectiveness - what was that based on?",
        C18,
        EFF,
        None,
        [
            "Investigations are generally supervised well",
            "It has trained more people to cope with the rise in cyber and digital investigations",
            "The constabulary is innovative in protecting high-risk victims of domestic abuse",
        ],
    ),
    (
        "rea5-h03",
        "Why is Durham's legitimacy grade only requires improvement?",
        D18,
        LEG,
        None,
        [
            "Its vetting backlog is too large",
            "Many staff do not trust the grievance process",
            "does not understand or act on the wellbeing needs of its officers and staff",
        ],
    ),
    (
        "rea5-h04",
        "What made Lancashire good at tackling serious and organised crime in 2017?",
        L17,
        EFF,
        4,
        [
            "mapped 94 organised crime groups",
            "Each organised crime group has a lead responsible officer",
            "closing premises used for drug dealing",
        ],
    ),
    (
        "rea5-h05",
        "What did Cumbria do well on crime prevention and anti-social behaviour to get a good?",
        C18,
        EFF,
        1,
        [
            "Officers and staff understand the principles of problem solving and are familiar with the SARA",
            "The constabulary is taking a novel approach to deal with cuckooing",
            "officers and staff in NPTs felt the changes had given them more time to do problem solving",
        ],
    ),
    (
        "rea5-h06",
        "Why is Lancashire still graded good on serious and organised crime in the 2018 report?",
        L18,
        EFF,
        4,
        ["our judgment from the 2016 effectiveness inspection has been carried over"],
    ),
]
S["fact-dev"] = [
    (
        "fac5-d01",
        "Does Lancashire police use Clare's Law?",
        L18,
        ["It makes good use of the domestic violence disclosure scheme, also known as Clare’s Law"],
    ),
    (
        "fac5-d02",
        "Do Lancashire officers each have their own body-worn camera?",
        L18,
        ["officers had confidence in using body-worn video, although it is not yet personal issue"],
    ),
    (
        "fac5-d03",
        "What happens to someone whose home has been cuckooed once Lancashire police get an order?",
        L18,
        [
            "The order means that the property and the occupant receive regular visits by the authorities"
        ],
    ),
    (
        "fac5-d04",
        "What hours does the Lancashire Psynergy Team work?",
        L18,
        ["From 4pm until midnight each day"],
    ),
    (
        "fac5-d05",
        "Do Cumbria's control room staff spot vulnerability when people ring in?",
        C18,
        ["they do not always recognise vulnerability"],
    ),
    (
        "fac5-d06",
        "How does Lancashire decide which wanted suspects to chase first?",
        L18,
        ["prioritising the five highest-risk offenders wanted for arrest"],
    ),
    (
        "fac5-d07",
        "How does Durham keep track of when its officers use force?",
        D18,
        [
            "Officers record their use of force on a paper form, and the constabulary does not analyse the data"
        ],
    ),
    (
        "fac5-d08",
        "Does Durham check officers in high-risk roles for psychological trauma?",
        D18,
        ["there is no routine psychological screening for officers in high-risk roles"],
    ),
    (
        "fac5-d09",
        "How were problem-solving plans recorded in Lancashire in 2017?",
        L17,
        ["recorded on paper in some districts and on spreadsheets in others"],
    ),
    (
        "fac5-d10",
        "Were missing children getting return interviews in Lancashire in 2017?",
        L17,
        ["Return interviews are not carried out for many children reported missing"],
    ),
    (
        "fac5-d11",
        "Does Lancashire still share firearms training with the other north-west forces?",
        L18,
        ["Lancashire Constabulary now provides standalone arrangements"],
    ),
    (
        "fac5-d12",
        "What happens if Cumbria needs specialist armed officers that aren't available locally?",
        C18,
        [
            "agreements are in place to seek the assistance of officers with specialist capabilities in other forces in the North West region"
        ],
    ),
]
S["fact-holdout"] = [
    (
        "fac5-h01",
        "Who looks after high-risk domestic abuse victims in Lancashire?",
        L18,
        [
            "High-risk victims are managed by staff within district safeguarding hubs working with independent domestic violence advisers"
        ],
    ),
    (
        "fac5-h02",
        "In the legitimacy inspection, what did staff say about how people get promoted?",
        D18,
        ["promotion depends on who you know"],
    ),
    (
        "fac5-h03",
        "Can Lancashire officers keep investigating while a crime is stuck waiting for the IMU check?",
        L18,
        [
            "The constabulary expects officers to continue with investigations while crimes are awaiting the IMU check"
        ],
    ),
    (
        "fac5-h04",
        "How does Cumbria teach officers to spot digital evidence at a crime scene?",
        C18,
        ["Frontline officers use a ‘digital house’ in their training"],
    ),
    (
        "fac5-h05",
        "Did Lancashire's PCSOs get pulled away to other duties in 2017?",
        L17,
        ["who stay in their neighbourhoods and are rarely moved to other duties"],
    ),
    (
        "fac5-h06",
        "Does Durham's counter-corruption unit monitor its computer systems for misuse?",
        D18,
        ["It does not routinely monitor the constabulary’s computer systems for misuse"],
    ),
]

for name, rows in S.items():
    intent = name.split("-")[0]
    out = []
    for r in rows:
        if intent == "reasons":
            id_, q, fy, pil, qn, c = r
            out.append(item(id_, q, intent, fy, c, pil, qn))
        else:
            id_, q, fy, c = r
            out.append(item(id_, q, intent, fy, c))
    with open(os.path.join(HERE, name + ".jsonl"), "w", encoding="utf-8") as fh:
        for o in out:
            fh.write(json.dumps(o, ensure_ascii=False) + "\n")
    print(name, len(out))
