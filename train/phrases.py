"""Phrase banks for composed decisions, written for the project in the LGSCO house styles
(DOMAIN.md §4-§6). Every sentence that states a label is keyed by that label, so the labels of
a composed decision hold by construction. ``{p}`` is the complainant ("Mr X"), ``{b}`` the
body's label ("the Council"); wordings range from the template phrases the rules know to
atypical ones the rules miss (the sentences the model pass is asked about).
"""

from __future__ import annotations

# Citation bracket per reason code (grounds of provisions.REASON_GROUNDS, as decisions print them).
DISCRETION = "(Local Government Act 1974, section 24A(6), as amended)"
CITATION = {
    "tribunal_appeal_available": "(Local Government Act 1974, section 26(6)(a), as amended)",
    "minister_appeal_available": "(Local Government Act 1974, section 26(6)(b), as amended)",
    "court_remedy_available": "(Local Government Act 1974, section 26(6)(c), as amended)",
    "court_remedy_used": "(Local Government Act 1974, section 26(6)(c), as amended)",
    "court_proceedings_matter": "(Local Government Act 1974, Schedule 5, paragraph 1, as amended)",
    "late_complaint": "(Local Government Act 1974, sections 26B and 34D, as amended)",
    "body_out_of_jurisdiction": "(Local Government Act 1974, sections 25 and 34(1), as amended)",
    "school_internal_matter": "(Local Government Act 1974, Schedule 5, paragraph 5(b), as amended)",
    "social_housing_landlord": "(Local Government Act 1974, Schedule 5, paragraph 5A, as "
                               "amended)",
    "commercial_matter": "(Local Government Act 1974, Schedule 5, paragraph 3, as amended)",
    "crime_police_matter": "(Local Government Act 1974, Schedule 5, paragraph 2, as amended)",
}

# Reason sentences: the Ombudsman's own reason, typical and atypical wordings.
REASONS: dict[str, list[str]] = {
    "no_evidence_of_fault": [
        "There is not enough evidence of fault by {b} to justify an investigation.",
        "I have seen nothing to suggest {b} acted with fault in how it dealt with this.",
        "The records show {b} followed its procedures, so we are unlikely to find fault.",
        "There is no sign of fault in the way {b} reached its decision.",
    ],
    "no_injustice_from_fault": [
        "Even if there was some fault, it did not cause {p} an injustice that needs a remedy.",
        "Any delay by {b} made no difference to {p}, so there is no injustice to remedy.",
        "I cannot see that the error has left {p} worse off, so any fault caused no injustice.",
    ],
    "injustice_not_significant": [
        "The injustice {p} describes is not significant enough to justify our involvement.",
        "Any inconvenience caused to {p} is too small to warrant an investigation.",
        "The impact on {p} is not serious enough for us to use public money investigating.",
    ],
    "cannot_add_to_previous_investigation": [
        "{b} has already investigated the complaint and we could not add anything to it.",
        "An investigation by us would not add to the thorough response {b} has already given.",
    ],
    "no_different_outcome": [
        "Investigating further would not lead to a different outcome for {p}.",
        "Even if we looked at this again, the result for {p} would be no different outcome.",
    ],
    "cannot_achieve_outcome_sought": [
        "We cannot achieve the outcome {p} wants, which is for the officer to be disciplined.",
        "We could not order {b} to reverse a decision it was entitled to make.",
        "{p} wants compensation for the loss of the sale, which we cannot provide.",
    ],
    "no_worthwhile_outcome": [
        "There is no worthwhile outcome we could achieve by investigating.",
        "An investigation would not achieve anything worthwhile for {p} now.",
    ],
    "other_body_better_placed": [
        "The Information Commissioner's Office is better placed to consider data protection "
        "complaints.",
        "The Housing Ombudsman is the appropriate body to look at this part of the complaint.",
        "This is a matter the Parliamentary and Health Service Ombudsman is better suited to "
        "consider.",
    ],
    "use_review_or_appeal_first": [
        "It is reasonable to expect {p} to ask {b} for a review of its decision first.",
        "{p} can appeal against the decision to {b}'s own appeal panel before coming to us.",
        "It would be reasonable for {p} to request a suitability review before we consider it.",
    ],
    "complaint_handling_only": [
        "We do not investigate complaint handling on its own when we are not looking at the "
        "main issue.",
        "As we will not look at the substantive matter, we will not consider {b}'s complaints "
        "process either.",
    ],
    "satisfied_with_remedy": [
        "{b} has already apologised and offered £150, which is a fair remedy.",
        "We could not achieve more than {b} has already done to put things right.",
        "{b} has remedied the injustice by refunding the charge, so we will not investigate.",
    ],
    "tribunal_appeal_available": [
        "{p} could appeal to the Valuation Tribunal and it is reasonable to expect {p} to do so.",
        "The Traffic Penalty Tribunal can decide whether the penalty charge should be cancelled.",
        "{p} has a right of appeal to the First-tier Tribunal about the contents of the plan.",
    ],
    "minister_appeal_available": [
        "{p} can appeal to the Planning Inspector against the refusal of permission.",
        "There is a right of appeal to the Secretary of State, which it is reasonable to use.",
    ],
    "court_remedy_available": [
        "{p} can take legal action in the county court if {p} believes {b} is liable.",
        "It is reasonable to expect {p} to go to court, as only a court can decide negligence.",
        "The courts are the right place to decide whether {b} breached the contract.",
    ],
    "court_remedy_used": [
        "{p} has already started court proceedings about the same matter.",
        "As {p} has gone to court about this, the law says we cannot investigate it.",
    ],
    "court_proceedings_matter": [
        "The complaint is about what happened in court, which we cannot investigate.",
        "We cannot look at reports {b} prepared for the court proceedings.",
    ],
    "late_complaint": [
        "{p} complained to us more than 12 months after becoming aware of the matter.",
        "The complaint is late and I see no good reason why {p} could not have come to us "
        "sooner.",
        "These events took place in 2019, well over twelve months before {p} contacted us.",
    ],
    "body_out_of_jurisdiction": [
        "The school is an academy and we have no jurisdiction over academies.",
        "The housing association is not a body within our jurisdiction.",
    ],
    "school_internal_matter": [
        "The law says we cannot investigate what happens in schools.",
        "How the school dealt with the bullying is a matter internal to the school.",
    ],
    "social_housing_landlord": [
        "This is about {b} acting as a social landlord, which is for the Housing Ombudsman.",
        "Repairs to a council tenancy are a landlord matter outside our remit.",
    ],
    "commercial_matter": [
        "The dispute concerns a commercial contract between {p} and {b}.",
        "This is a contractual matter about the lease of commercial premises.",
    ],
    "crime_police_matter": [
        "The complaint is about the police investigation of a crime, which we cannot consider.",
        "Allegations of criminal behaviour are a matter for the police.",
    ],
}

# Neutral sentences: background and the complainant's own claims (never a reason or remedy).
TOPICS = [
    ("Housing", "Homelessness", "how {b} dealt with {p}'s homelessness application"),
    ("Benefits and tax", "Council tax", "the council tax bill {b} sent to {p}"),
    ("Transport and highways", "Parking and other penalties", "a penalty charge notice"),
    ("Planning", "Planning applications", "{b}'s decision on a neighbour's extension"),
    ("Adult care services", "Charging", "the charges for {p}'s mother's care"),
    ("Education", "Special educational needs", "the support in {p}'s son's EHC plan"),
    ("Environment and regulation", "Noise", "how {b} handled reports of noise nuisance"),
    ("Children's care services", "Child protection", "the social worker's assessment"),
    ("Other Categories", "Commercial and contracts", "the lease of a market stall"),
    ("Environment and regulation", "Refuse and recycling", "missed bin collections"),
]
BACKGROUND = [
    "{p} says {b} ignored the evidence {p} sent.",
    "{p} wants {b} to apologise and pay compensation.",
    "{b} wrote to {p} in March explaining its decision.",
    "{p} says the matter has caused stress and worry.",
    "{b} replied to the complaint at the final stage of its procedure.",
    "{p} is unhappy with the response and feels {b} did not listen.",
    "{p} told us that officers were rude on the telephone.",
]
CLOSE_LEADS = [
    "We will not investigate {p}'s complaint about {t}.",
    "We will not investigate this complaint about {t}.",
    "{p} complained about {t}. We will not investigate.",
    "We have decided not to look into {p}'s complaint about {t}.",
]

# Remedy sentences of an upheld decision: kind, wording (status cue in every one).
REMEDIES: dict[str, list[str]] = {
    "apology": [
        "{b} has agreed to apologise to {p} for the delay.",
        "Within one month {b} will write to {p} to say sorry for the distress caused.",
        "{b} should send {p} a written apology.",
    ],
    "service_improvement": [
        "Within three months {b} will remind staff of the time limits for reviews.",
        "{b} has agreed to review its procedure for handling missed collections.",
        "{b} should give training to officers on recording assessments properly.",
    ],
    "reassessment_or_review": [
        "{b} will carry out a new assessment of {p}'s care needs.",
        "{b} has agreed to reconsider the application and make a fresh decision.",
        "{b} should arrange a fresh appeal hearing for {p}.",
    ],
    "refund_or_waiver": [
        "{b} has agreed to refund the fees {p} paid.",
        "{b} will waive the outstanding charge on {p}'s account.",
        "{b} should write off the arrears that built up during the delay.",
    ],
}
# Payment sentences: wording with {amt}, status, purpose (two to five words of the sentence).
PAYMENTS = [
    ("{b} has agreed to pay {p} {amt} for the distress caused.", "agreed", "distress"),
    ("Within one month {b} will pay {p} {amt} for time and trouble.", "agreed",
     "time and trouble"),
    ("{b} should pay {p} {amt} to recognise the uncertainty.", "recommended", "uncertainty"),
    ("We recommend {b} pays {p} {amt} for the lost opportunity.", "recommended",
     "lost opportunity"),
    ("{b} had already offered {p} {amt} for the inconvenience.", "offered_by_body",
     "inconvenience"),
]
AMOUNTS = ["£100", "£150", "£200", "£250", "£300", "£350", "£400", "£500", "£750", "£1,000"]
FAULT_FOUND = [
    "We found fault by {b} which caused {p} distress.",
    "There was fault in how {b} handled {t}.",
    "{b} was at fault for the delay, which caused {p} uncertainty.",
    "The failure to reply within the time limit amounts to fault.",
]
NO_FAULT = [
    "We found no fault in how {b} dealt with {t}.",
    "{b} was not at fault; it followed the law and its policy.",
    "I have completed my investigation and do not find fault.",
    "There was no fault in the way {b} made its decision.",
]
