"""Bodies a complainant is pointed to (``referred_to``): every code defined once.

- ``phrases`` / ``needles``: the facts' phrase rules for a body named in the reason parts of a
  decision not investigated.
- ``from_reasons``: reason codes that point the person to this body by themselves (a tribunal
  appeal open to them points to a tribunal), so ``referred_to`` and the reasons agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.vocab.phrases import FLAGS, Phrase, any_of
from extractor.vocab.phrases import W as _W


@dataclass(frozen=True)
class Referral:
    code: str
    description: str
    phrases: tuple[Phrase, ...] = ()
    needles: tuple[str, ...] = ()
    from_reasons: tuple[str, ...] = ()
    missing: str = ""  # why a part a code would normally have is absent


REFERRALS: tuple[Referral, ...] = (
    Referral(
        "information_commissioner", "the Information Commissioner's Office (ICO)",
        phrases=(Phrase(any_of(r"\bInformation Commissioner", r"\bICO\b")),),
        needles=("information commissioner", "ico")),
    Referral(
        "courts", "a court (county, magistrates', Court of Protection, judicial review)",
        from_reasons=("court_remedy_available",),
        missing="no phrase of its own: a court named as the person's route is the reason "
                "court_remedy_available, which points here"),
    Referral(
        "tribunal", "a tribunal or independent appeal panel",
        from_reasons=("tribunal_appeal_available",),
        missing="no phrase of its own: a tribunal named as the person's route is the reason "
                "tribunal_appeal_available, which points here"),
    Referral(
        "housing_ombudsman", "the Housing Ombudsman",
        phrases=(Phrase(any_of(r"\bHousing Ombudsman")),),
        needles=("housing ombudsman",),
        from_reasons=("social_housing_landlord",)),
    Referral(
        "phso", "the Parliamentary and Health Service Ombudsman",
        phrases=(Phrase(any_of(r"\bParliamentary and Health Service Ombudsman", r"\bPHSO\b",
                               r"\bHealth Service Ombudsman")),),
        needles=("ombudsman", "phso")),
    Referral(
        "planning_inspectorate", "the Planning Inspectorate",
        phrases=(Phrase(any_of(r"\bPlanning Inspector(?:ate)?\b")),),
        needles=("planning inspector",)),
    Referral(
        "police", "the police",
        phrases=(Phrase(any_of(rf"\b(?:report|refer|take|raise) {_W}{{0,4}}(?:to|with) the "
                               rf"police", r"\bmatter for the police")),),
        needles=("police",)),
    Referral(
        "regulator_other", "another regulator or ombudsman (CQC, Ofsted, ...)",
        phrases=(Phrase(any_of(
            r"\bCare Quality Commission|\bCQC\b|\bOfsted\b|\bOfcom\b|\bFinancial Ombudsman"
            r"|\bPensions Ombudsman|\bCharity Commission|\bSocial Work England|\bPublic Guardian"
            r"|\bTraffic Commissioner|\bEnvironment Agency"),
            unless=re.compile(r"\bshar(?:e|ed|ing)\b", FLAGS)),),
        needles=("care quality", "cqc", "ofsted", "ofcom", "ombudsman", "commission",
                 "social work england", "public guardian", "traffic commissioner",
                 "environment agency")),
)
