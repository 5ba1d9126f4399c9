"""A second phrase bank, for measuring only: wordings never used for training.

Same keys and labels as ``train.phrases``, but every sentence that states a label is worded
afresh (written for the project in the LGSCO house styles of DOMAIN.md §4-§6, never copied
from the dev corpus), so ``train.unseen`` can compose decisions whose wordings neither the
adapter nor the rules were built on. Topics, citations and page layout are shared: they are not
what the model pass is asked about.
"""

from __future__ import annotations

from train.phrases import CITATION, DISCRETION, TOPICS

__all__ = ["AMOUNTS", "BACKGROUND", "CITATION", "CLOSE_LEADS", "DISCRETION", "FAULT_FOUND",
           "NO_FAULT", "PAYMENTS", "REASONS", "REMEDIES", "TOPICS"]

REASONS: dict[str, list[str]] = {
    "no_evidence_of_fault": [
        "Nothing in what {p} has sent us indicates fault in the way {b} acted.",
        "{b} considered the relevant information before deciding, and we would be unlikely "
        "to find it at fault.",
    ],
    "no_injustice_from_fault": [
        "Whatever {b} got wrong, it has not caused {p} any injustice.",
        "{p} has not lost out because of how {b} dealt with this, so there is no injustice "
        "caused by any fault.",
    ],
    "injustice_not_significant": [
        "The frustration {p} feels is understandable but is not a significant enough "
        "injustice for us to pursue.",
        "We do not consider the effect on {p} serious enough to warrant our involvement.",
    ],
    "cannot_add_to_previous_investigation": [
        "{b}'s own investigation was detailed, and we could add nothing further to it.",
    ],
    "no_different_outcome": [
        "Even if we found fault, it is unlikely the outcome for {p} would be any different.",
    ],
    "cannot_achieve_outcome_sought": [
        "We have no power to make {b} dismiss the member of staff, as {p} wants.",
        "The refund {p} is asking for is not something we could achieve for {p}.",
    ],
    "no_worthwhile_outcome": [
        "Looking into this now would not bring about a worthwhile result.",
    ],
    "other_body_better_placed": [
        "Complaints about how personal data was handled are better placed with the "
        "Information Commissioner.",
        "The Planning Inspectorate is better placed than we are to deal with this.",
    ],
    "use_review_or_appeal_first": [
        "{p} has not yet asked {b} to review its decision, which we would expect first.",
        "The appeal process {b} offers is open to {p} and should be used before we become "
        "involved.",
    ],
    "complaint_handling_only": [
        "Since we are not investigating the main complaint, we will not look at how {b} "
        "handled the complaint on its own.",
    ],
    "satisfied_with_remedy": [
        "The apology and payment {b} has already offered are a suitable remedy for what went "
        "wrong.",
        "{b} has already put things right by cancelling the invoice.",
    ],
    "tribunal_appeal_available": [
        "{p} is able to appeal to the SEND Tribunal, and it would be reasonable to do so.",
        "An appeal to the tribunal is the proper route for {p} to challenge the decision.",
    ],
    "minister_appeal_available": [
        "{p} has a right of appeal to the Planning Inspector, which we expect {p} to use.",
    ],
    "court_remedy_available": [
        "Whether {b} is liable for the damage is something only a court can decide.",
        "It would be reasonable for {p} to make a claim in the courts.",
    ],
    "court_remedy_used": [
        "{p} has already taken legal action against {b} about these events.",
    ],
    "court_proceedings_matter": [
        "What {b}'s officers said during the court hearing is outside what we can look at.",
    ],
    "late_complaint": [
        "{p} knew about these events in 2020 but did not come to us until this year, which "
        "is too late.",
        "We see no good reason why {p} waited more than 12 months to complain to us.",
    ],
    "body_out_of_jurisdiction": [
        "The trust that runs the school is an academy, and academies are outside our "
        "jurisdiction.",
    ],
    "school_internal_matter": [
        "Matters of discipline inside a school are something the law prevents us from "
        "investigating.",
    ],
    "social_housing_landlord": [
        "{b}'s role as {p}'s landlord is a matter for the Housing Ombudsman.",
    ],
    "commercial_matter": [
        "This concerns a commercial arrangement between {p}'s business and {b}.",
    ],
    "crime_police_matter": [
        "Investigating a possible crime is a matter for the police, not us.",
    ],
}

BACKGROUND = [
    "{p} says {b} did not take account of the medical evidence.",
    "{p} would like {b} to admit it was wrong.",
    "{b} sent {p} its stage two response in June.",
    "{p} says the situation has affected the whole family.",
    "{p} feels {b} has treated {p} unfairly compared with others.",
    "{b} says it followed its published policy.",
]
CLOSE_LEADS = [
    "We will not investigate {p}'s complaint about {t}.",
    "{p} complains about {t}. We will not investigate this complaint.",
    "We have decided not to investigate {p}'s complaint about {t}.",
]

REMEDIES: dict[str, list[str]] = {
    "apology": [
        "{b} will apologise to {p} in writing within four weeks.",
        "We recommend {b} apologises to {p} for the confusion it caused.",
    ],
    "service_improvement": [
        "{b} has agreed to update its guidance so officers record home visits properly.",
        "{b} should remind its staff to reply to complaints within the published times.",
    ],
    "reassessment_or_review": [
        "{b} will reassess {p}'s eligibility for the grant within six weeks.",
        "{b} has agreed to look again at {p}'s application and reconsider it.",
    ],
    "refund_or_waiver": [
        "{b} will reimburse the charges {p} was wrongly billed.",
        "{b} has agreed to cancel the penalty and waive the fee.",
    ],
}
PAYMENTS = [
    ("{b} will pay {p} {amt} in recognition of the distress caused.", "agreed", "distress"),
    ("{b} has agreed to make a payment of {amt} to {p} for the time and trouble.", "agreed",
     "time and trouble"),
    ("We recommend that {b} pays {p} {amt} for the loss of service.", "recommended",
     "loss of service"),
    ("Before we became involved, {b} offered {p} {amt} for the delay.", "offered_by_body",
     "delay"),
]
AMOUNTS = ["£125", "£175", "£225", "£275", "£450", "£600", "£800", "£1,200"]
FAULT_FOUND = [
    "{b} failed to follow its own procedure, and that was fault.",
    "{b} did not review the plan on time, which was fault.",
    "We found {b} at fault for not replying to {p}'s letters.",
]
NO_FAULT = [
    "{b} considered {p}'s case properly and there was no fault.",
    "We did not find fault with how {b} dealt with {t}.",
    "{b} acted in line with the guidance, so we cannot say it was at fault.",
]
