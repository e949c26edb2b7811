import json

L18 = ("Lancashire", "2018")
L17 = ("Lancashire", "2017")
CU = ("Cumbria", "2018")
DU = ("Durham", "2018")


def fu(i, fy, first, follow, gold, q):
    return {
        "id": i,
        "first": first,
        "followup": follow,
        "gold": [gold],
        "question_number": q,
        "force": fy[0],
        "year": fy[1],
    }


def rt(i, fy, q, gold):
    return {
        "id": i,
        "question": q,
        "kind": "everyday",
        "force": fy[0],
        "year": fy[1],
        "gold": gold if isinstance(gold, list) else [gold],
    }


fdev = [
    fu(
        "fu4-d01",
        L18,
        "How good are Lancashire police at investigating crimes?",
        "Is anyone actually checking the officers' work on those cases?",
        "Frontline supervisors are not providing effective supervision of investigations.",
        2,
    ),
    fu(
        "fu4-d02",
        L18,
        "Is there a pile-up of crime reports waiting to be checked at Lancashire police?",
        "Does that hold up help for victims?",
        "Due to the backlog, there can be up to a four-week delay in LVS receiving the data it needs.",
        2,
    ),
    fu(
        "fu4-d03",
        L18,
        "Is Lancashire Constabulary ready for crimes involving phones and computers?",
        "So how long is the wait now to get a phone looked at?",
        "waiting times for digital forensic examinations reduce from over 12 months to 8–10 weeks",
        2,
    ),
    fu(
        "fu4-d04",
        L18,
        "What do Lancashire police do when there's a child in the house at a domestic violence call-out?",
        "Does the school get told?",
        "Operation Encompass allows officers to make a direct referral to the child’s school on their handheld device",
        3,
    ),
    fu(
        "fu4-d05",
        L18,
        "Do Lancashire police send mental health nurses out with officers?",
        "has it worked?",
        "This pilot scheme has been evaluated by the agencies involved and found to be meeting its objectives",
        3,
    ),
    fu(
        "fu4-d06",
        L18,
        "How does Lancashire police keep an eye on sex offenders living locally?",
        "How many is each officer looking after?",
        "the caseload for each offender manager will reduce to around 35–40 offenders",
        3,
    ),
    fu(
        "fu4-d07",
        L18,
        "Is Lancashire police good at keeping people safe overall?",
        "What about serious organised crime?",
        "In 2017, we judged the constabulary as good at tackling serious and organised crime.",
        None,
    ),
    fu(
        "fu4-d08",
        L18,
        "Did Lancashire take officers away from neighbourhood teams?",
        "why?",
        "The review found that there weren’t enough officers on response teams to attend incidents.",
        1,
    ),
    fu(
        "fu4-d09",
        L18,
        "What is Lancashire police spending the council tax rise on?",
        "How many is that?",
        "40 additional officers are being recruited to support NPTs",
        1,
    ),
    fu(
        "fu4-d10",
        L18,
        "Does Lancashire have enough armed police?",
        "And if they need the really specialist firearms teams and don't have them?",
        "agreements are in place to seek the assistance of officers with specialist capabilities in other forces in the North West region",
        5,
    ),
    fu(
        "fu4-d11",
        L18,
        "Do Lancashire police use Clare's Law?",
        "What happens if someone breaks one of those orders?",
        "Breaches of the orders are monitored through the daily risk and threat meetings and officers are tasked with arrest enquiries.",
        3,
    ),
    fu(
        "fu4-d12",
        L18,
        "Do Lancashire's neighbourhood teams do much problem solving?",
        "Do they write down how the problems got sorted?",
        "there is variation in how and where to record how the problem was resolved",
        1,
    ),
    fu(
        "fu4-d13",
        DU,
        "Does Durham police have a problem with vetting its staff?",
        "how big is the backlog?",
        "the vetting unit had a backlog of 310 applications",
        2,
    ),
    fu(
        "fu4-d14",
        DU,
        "How long does it take police to deal with staff complaints about how they've been treated at work?",
        "So do people bother raising them?",
        "Several members of staff told us that they would not raise a grievance because they feared it would harm their career.",
        3,
    ),
    fu(
        "fu4-d15",
        L17,
        "Back in 2017, were Lancashire officers filling in risk checks properly at domestic violence incidents?",
        "What did the inspectors tell them to do about it?",
        "Within three months, the constabulary should ensure that officers attending domestic abuse incidents complete a risk assessment in every case",
        3,
    ),
    fu(
        "fu4-d16",
        CU,
        "Are Cumbria's 999 call takers good at spotting vulnerable callers?",
        "How many did they get wrong?",
        "In the other 13 cases the vulnerability was missed or not recorded in enough detail to decide on the right response.",
        3,
    ),
]
fho = [
    fu(
        "fu4-h01",
        L18,
        "What is Lancashire police doing about foreign criminals?",
        "Do they work closely with immigration?",
        "Police and immigration enforcement staff are not co-located",
        2,
    ),
    fu(
        "fu4-h02",
        L18,
        "Has Lancashire Constabulary got a team for online child abuse?",
        "how quickly do they move once they get a tip-off?",
        "average time of two days for the execution of a warrant/arrest/interview of the suspect",
        3,
    ),
    fu(
        "fu4-h03",
        L18,
        "Are the safeguarding hubs in Lancashire coping with the workload?",
        "Which one is struggling?",
        "the Lancashire County Council MASH deals with about 70 percent of the total volume of referrals",
        3,
    ),
    fu(
        "fu4-h04",
        L18,
        "Are Lancashire officers getting on with their new crime computer system?",
        "what's the force doing to sort that out?",
        "an action plan is managed through the improving the quality of investigations board (IQI)",
        2,
    ),
    fu(
        "fu4-h05",
        DU,
        "Are black people more likely to be stopped and searched by the police?",
        "what are they doing about it?",
        "The constabulary has asked its scrutiny panel to examine the reasons for this.",
        1,
    ),
    fu(
        "fu4-h06",
        L17,
        "Were Lancashire police good at solving crime in 2017?",
        "what did they need to get better at?",
        "The constabulary should reduce the time it takes to examine digital devices, so that investigations are not delayed.",
        2,
    ),
    fu(
        "fu4-h07",
        CU,
        "How many risk assessments of sex offenders has Cumbria police finished?",
        "Is the backlog there going down at least?",
        "The constabulary is aware that it needs to reduce the number of outstanding assessments, but the number has not yet started to fall.",
        3,
    ),
    fu(
        "fu4-h08",
        DU,
        "How much time off sick do police officers take?",
        "And if they need to see occupational health, how long is the wait?",
        "officers wait up to eight weeks for an appointment",
        3,
    ),
]
rdev = [
    rt(
        "rt4-d01",
        L18,
        "Do Lancashire police use court orders against nuisance neighbours and gangs as much as other forces?",
        "the constabulary uses the available powers less frequently than most other forces",
    ),
    rt(
        "rt4-d02",
        L18,
        "Will Lancashire police deal with my burglary just over the phone?",
        "Some crimes are investigated over the telephone by the initial investigations unit.",
    ),
    rt(
        "rt4-d03",
        L18,
        "Do Lancashire police keep victims updated on how their case is going?",
        "There is no effective management of compliance with the victims’ code of practice.",
    ),
    rt(
        "rt4-d04",
        L18,
        "Who goes after the most dangerous wanted people in Lancashire?",
        "prioritising the five highest-risk offenders wanted for arrest",
    ),
    rt(
        "rt4-d05",
        L18,
        "In Lancashire, can someone be prosecuted for domestic violence even if the victim won't back it?",
        [
            "Officers are recording all evidence at scenes, in case the victim does not support further action"
        ],
    ),
    rt(
        "rt4-d06",
        L18,
        "Is money trouble in the NHS making it harder for Lancashire police to deal with people with mental illness?",
        "NHS mental health services in Lancashire are facing significant financial challenges that impede partnership working.",
    ),
    rt(
        "rt4-d07",
        L18,
        "Has Lancashire police asked domestic violence victims what they think of the way officers treat them?",
        "a survey of domestic abuse victims revealed that the most important thing for victims was how they were treated by the initial attending officers",
    ),
    rt(
        "rt4-d08",
        L18,
        "Are Lancashire's armed police ready for a terror attack?",
        "Armed officers in Lancashire Constabulary are trained in tactics that take account of the types of recent terrorist attacks.",
    ),
    rt(
        "rt4-d09",
        L18,
        "How is Lancashire police getting more people to become detectives?",
        "It has also set up a detective development pathway",
    ),
    rt(
        "rt4-d10",
        L18,
        "Are fraud cases just sitting around in Lancashire without anyone working on them?",
        "we found several fraud investigations that had been on response officers’ workloads for over 18 months",
    ),
    rt(
        "rt4-d11",
        L18,
        "Are the police in Lancashire better now at writing down what's going on for families at domestic violence call-outs than they were a year earlier?",
        "We are pleased to note that the quality of these initial risk assessments has improved.",
    ),
    rt(
        "rt4-d12",
        L17,
        "In 2017 how much of their time were Lancashire's local bobbies spending on emergency calls instead of their patch?",
        "neighbourhood officers spent 38 percent of their duty time in the 12 months to March 2017",
    ),
    rt(
        "rt4-d13",
        CU,
        "How much money has Cumbria police put into getting evidence off phones and computers?",
        "It has invested £1.2 million in ensuring it has the resources and skills",
    ),
    rt(
        "rt4-d14",
        DU,
        "Do the police even know how many times their officers have used a Taser?",
        "It could not tell us how often Taser had been drawn or fired in the last year.",
    ),
    rt(
        "rt4-d15",
        DU,
        "How many Durham police staff actually get a yearly appraisal?",
        "Only 37 percent of officers and staff had completed an annual performance development review (PDR) in the last year.",
    ),
    rt(
        "rt4-d16",
        DU,
        "Is there a group that decides whether police officers can take free gifts from local shops?",
        "An ethics committee, which includes members of the public, meets every quarter",
    ),
]
rho = [
    rt(
        "rt4-h01",
        L18,
        "What are Lancashire police doing to teach kids about staying safe on the internet?",
        "NPTs work with schools to educate children on how to stay safe online",
    ),
    rt(
        "rt4-h02",
        L18,
        "Can Lancashire officers ring somebody for advice when they're dealing with someone with mental health problems?",
        "The constabulary accesses a 24-hour mental health helpline provided by Lancashire Care Foundation Trust",
    ),
    rt(
        "rt4-h03",
        L18,
        "Have the different child protection boards around Lancashire been joined together?",
        "merging of three local safeguarding boards to create a pan-Lancashire children’s safeguarding board",
    ),
    rt(
        "rt4-h04",
        L18,
        "Does Lancashire still train its gun cops together with neighbouring forces?",
        "Lancashire Constabulary now provides standalone arrangements and has invested in a significant increase in the number of officers trained as ARV officers.",
    ),
    rt(
        "rt4-h05",
        L17,
        "How many gangs did Lancashire police know about in 2017?",
        "It has mapped 94 organised crime groups",
    ),
    rt(
        "rt4-h06",
        CU,
        "How many more police is Cumbria getting from the council tax going up?",
        "25 additional officers are being recruited to support NPTs",
    ),
    rt(
        "rt4-h07",
        DU,
        "Are Durham police taking it seriously when officers use their job to get sex?",
        "The constabulary has not yet recognised abuse of position for a sexual purpose as serious corruption.",
    ),
    rt(
        "rt4-h08",
        DU,
        "Do ordinary people get to watch body camera footage of police searching people?",
        "An external scrutiny panel of community members meets every two months to review body-worn video footage",
    ),
]
for name, rows in [
    ("followups-dev", fdev),
    ("followups-holdout", fho),
    ("retrieval-dev", rdev),
    ("retrieval-holdout", rho),
]:
    with open(name + ".jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
