"""Reasons of jurisdiction: a route elsewhere (tribunal, minister, court) open or already
taken, time limits, and the legal bars (matters and bodies outside jurisdiction), plus the
administrative closures and the catch-all."""

from __future__ import annotations

import re

from extractor.vocab.phrases import (
    APPEAL_AVAILABLE,
    APPEAL_USED,
    BEST_PLACE,
    COURT_WORDS,
    FLAGS,
    MINISTER_WORDS,
    OPEN_MODAL,
    PERSON,
    ROUTE_VERBS,
    TRIBUNAL_WORDS,
    WN,
    Phrase,
    any_of,
    cue,
)
from extractor.vocab.phrases import W as _W
from extractor.vocab.reason_code import ReasonCode

# Fast-path strings of the tribunal route words (an abbreviation such as "TPT" included).
TRIBUNAL_NEEDLES = ("tribunal", "panel", "adjudicator", "tpt", "sendist", "ftt", "vte", "chamber",
                    "first-tier")

JURISDICTIONAL: tuple[ReasonCode, ...] = (
    ReasonCode(
        "tribunal_appeal_available", "the person can appeal to a tribunal",
        phrases=(Phrase(any_of(rf"(?:{APPEAL_AVAILABLE}) {_W}{{0,8}}(?:{TRIBUNAL_WORDS})",
                               rf"(?:{OPEN_MODAL}) {WN}{{0,3}}(?:{ROUTE_VERBS}) {_W}{{0,8}}"
                               rf"(?:{TRIBUNAL_WORDS})",
                               rf"(?:{TRIBUNAL_WORDS})\b[^.;]{{0,80}}(?:{APPEAL_AVAILABLE})",
                               rf"\b(?:{TRIBUNAL_WORDS}) {BEST_PLACE}"),
                        unless=re.compile(APPEAL_USED, FLAGS)),),
        needles=TRIBUNAL_NEEDLES,
        support=cue(r"\btribunal|\bappeal panel"),
        grounds=("s26(6)(a)",), route="appeal"),
    ReasonCode(
        "tribunal_appeal_used", "the person has already appealed to a tribunal",
        phrases=(Phrase(any_of(
            rf"(?:{APPEAL_USED}) {_W}{{0,6}}(?:{TRIBUNAL_WORDS})", rf"(?:{TRIBUNAL_WORDS}) "
            rf"{_W}{{0,3}}(?:(?:has|have) (?:already )?)?(?:decided|considered|dismissed|upheld"
            rf"|heard|refused|rejected)\b")),),
        needles=TRIBUNAL_NEEDLES,
        support=cue(r"\b(?:has|have|had) (?:already )?appealed"),
        support_unless=cue(r"\b(?:expect\w*|reasonabl\w*|could|should) (?:\w+ ){0,4}"
                           r"(?:have )?appealed"),
        grounds=("s26(6)(a)",), route="appeal", legal_bar=True),
    ReasonCode(
        "minister_appeal_available",
        "the person can appeal to a minister or the Planning Inspector",
        phrases=(Phrase(any_of(
            rf"(?:{APPEAL_AVAILABLE}|\b(?:can|could|may) {_W}{{0,3}}(?:object|make "
            rf"{_W}{{0,2}}objections?|refer)) {_W}{{0,8}}(?:{MINISTER_WORDS})",
            rf"(?:{MINISTER_WORDS})\b[^.;]{{0,80}}(?:{APPEAL_AVAILABLE})",
            rf"\bmatter for the (?:{MINISTER_WORDS})"),
            unless=re.compile(APPEAL_USED, FLAGS)),),
        needles=("secretary of state", "inspector", "minister"),
        support=cue(r"\bSecretary of State|\bPlanning Inspector|\bminister"),
        grounds=("s26(6)(b)",), route="appeal"),
    ReasonCode(
        "court_remedy_available", "the person can go to court",
        phrases=(Phrase(any_of(
            # an open route: "could take the matter to court", "reasonable to expect her to use
            # the remedies available at court", "a claim which can be pursued in the courts"
            rf"(?:{OPEN_MODAL}) {WN}{{0,3}}(?:{ROUTE_VERBS}) {_W}{{0,8}}(?:{COURT_WORDS})\b",
            # "a court would need to decide", "only the courts can decide", "a matter for the
            # courts", "the court is better placed"
            r"\b(?:court|courts) (?:would|will|can|could|may|must|is able to) (?:need to |have to"
            r" |be able to )?(?:decide|determine|rule|resolve|consider|settle|award|order)",
            r"\b(?:matter|one|issue|question|dispute)s? for (?:the |a )?courts?\b",
            r"\bfor (?:the |a )?courts? to (?:decide|determine|consider|resolve)",
            rf"\b(?:court|courts|magistrates'? court|county court) {BEST_PLACE}",
            # a remedy that exists there: "there is a civil remedy through the courts"
            r"\b(?:there is|there was|there would be|(?:he|she|they) (?:has|have|had)) (?:a |an )?"
            r"(?:civil |legal |private )?(?:remedy|route|claim|right of action) "
            r"(?:[\w'’]+ ){0,8}?(?:through|in|at|via|before) (?:the |a )?(?:\w+ )?courts?\b"),
            # not a route already taken, one unreasonable to expect, or the body's own route
            # ("the Council can take enforcement action through the courts")
            unless=re.compile(
                r"\b(?:has|have|had) (?:already )?(?:started|taken|gone)\b"
                # a case already before the court: "it now has her application before it"
                r"|\b(?:before|with) (?:it|the court)\b(?! (?:can|could|is|would))|\bpending\b"
                r"|\b(?:unreasonable|not (?:\w+ ){0,4}reasonable) (?:\w+ ){0,3}(?:to|for)\b"
                r"|\bthe (?:Council|Authority|Trust|Provider|landlord|care home|enforcement "
                r"agents?) (?:can|could|may|might|would|will|is able to|was able to)\b",
                FLAGS)),),
        needles=("court", "magistrates", "judicial", "legal", "insur"),
        support=cue(r"\bcourts?\b|\blegal action|\bjudicial review"),
        grounds=("s26(6)(c)",), route="court"),
    ReasonCode(
        "court_remedy_used", "the person has already gone to court",
        phrases=(Phrase(any_of(
            rf"\b(?:has|have|had) (?:already )?(?:started|taken|issued|begun|commenced|brought"
            rf"|lodged) {_W}{{0,2}}(?:court|legal|judicial review) (?:action|proceedings|case"
            rf"|claim)",
            r"\b(?:has|have|had) (?:already )?(?:taken|gone) (?:the matter |this |it )?to "
            r"court",
            # "the complainant appealed to the court", "Mr X took the Council to court"
            rf"(?:{APPEAL_USED}) {_W}{{0,6}}(?:court|courts|magistrates)\b",
            rf"{PERSON} (?:already |then |later |also )?(?:took|has taken|brought|has brought)"
            rf" {_W}{{0,3}}to (?:the )?(?:\w+ )?court")),),
        needles=("court", "legal", "judicial"),
        support=cue(r"\b(?:has|have|had) (?:already )?(?:\w+ )?(?:court|legal) "
                    r"(?:action|proceedings)|\b(?:has|have|had) gone to court"),
        grounds=("s26(6)(c)",), route="court", legal_bar=True),
    ReasonCode(
        "court_proceedings_matter",
        "it is about court proceedings or what happened in court",
        phrases=(Phrase(any_of(
            r"\bcourt reports?\b", r"\bwhat happen(?:s|ed) in court",
            rf"\b(?:because|as|since) (?:a |the )?court {_W}{{0,2}}(?:dealt|considered|decided"
            rf"|made)", r"\bused in (?:the )?court proceedings",
            r"\b(?:start|starting|conduct) of (?:court|legal) (?:action|proceedings)",
            rf"\b(?:about|concerns?|concerning|relat\w+ to) {_W}{{0,4}}(?:court|care) "
            rf"proceedings",
            # what a court already decided, and reports written for one
            r"\b(?:the )?court (?:has |had )?(?:already )?(?:decided|considered|dealt with"
            r"|ruled on|made (?:a |an )?(?:decision|order|ruling))\b",
            r"\breports? (?:\w+ ){0,5}for (?:the )?(?:family |county |youth )?court\b")),),
        needles=("court", "proceedings"),
        support=cue(r"\bcourt (?:proceedings|reports?|hearing)|\bin court\b"),
        grounds=("Sch5 para1", "Sch5A para3"), route="court", legal_bar=True),
    ReasonCode(
        "late_complaint", "the complaint is late (more than 12 months)",
        phrases=(Phrase(any_of(
            r"\blate complaints?\b",
            r"\b(?:is|was|are|were|also|too|complained) late\b(?! (?:father|mother|husband|wife"
            r"|son|daughter|partner|brother|sister|parent|grand\w+|aunt|uncle|relative))",
            r"\b(?:more than|over) (?:12|twelve) months (?:after|before|to complain|later|ago)",
            r"\b(?:more than|over) a year (?:after|before|later)",
            r"\boutside the (?:permitted |normal )?(?:12|twelve)[- ]month")),),
        needles=("late", "month", "year"),
        support=cue(r"\blate\b|\b(?:12|twelve) months"),
        grounds=("s26B", "s34D")),
    ReasonCode(
        "premature", "the body has not yet had the chance to respond",
        phrases=(Phrase(any_of(
            r"\bpremature(?:ly)?\b",
            rf"\bnot (?:yet )?(?:completed|finished|been through|exhausted|used) (?:the |its "
            rf"|their )?{_W}{{0,2}}complaints? (?:procedure|process)",
            rf"\bnot (?:yet )?{_W}{{0,2}}(?:had|given) {_W}{{0,2}}(?:chance|opportunity) to "
            rf"{_W}{{0,2}}(?:respond|investigate|consider|reply)",
            # "Mr X should first complain to the Council", "it needs a chance to respond before
            # we can consider it"
            r"\b(?:should|must|needs? to|has to|have to|will need to) first\b"
            r"|\bfirst (?:needs? to|has to|have to|should|must)\b",
            r"\bbefore (?:we|the Ombudsman) (?:can|could|will|would) (?:consider|investigate"
            r"|look at)")),),
        needles=("premature", "chance", "opportunity", "procedure", "process", "first",
                 "before"),
        support=cue(r"\bpremature|\bchance to (?:respond|reply|investigate)"
                    r"|\b(?:not|yet to|before) (?:\w+ ){0,4}(?:complet|finish|exhaust|us)\w* "
                    r"(?:[\w'’]+ ){0,3}complaints? (?:procedure|process)"),
        grounds=("s26(5)", "s34B(6)"), unpublished=True),
    ReasonCode(
        "affects_all_or_most", "the matter affects all or most people in the area",
        phrases=(Phrase(any_of(r"\ball or most (?:\w+ ){0,3}(?:people|residents|inhabitants"
                               r"|of the)")),),
        needles=("all or most",),
        support=cue(r"\ball or most\b"),
        grounds=("s26(7)",), legal_bar=True),
    ReasonCode(
        "public_body_complainant", "the complainant is a public body",
        phrases=(Phrase(any_of(r"\bcomplaints? from (?:a |an )?(?:public bod(?:y|ies)"
                               r"|town council|parish council)")),),
        needles=("public bod", "town council", "parish council"),
        support=cue(r"\bpublic bod(?:y|ies)|\b(?:town|parish) council"),
        grounds=("s27(1)(a)",), legal_bar=True),
    ReasonCode(
        "no_consent_or_unsuitable_rep", None,
        grounds=("s26A(1)(b)", "s26A(2)", "s34C"), unpublished=True,
        missing="a closure for want of consent or a suitable representative: rarely "
                "published, so no phrase rule and no model option yet"),
    ReasonCode(
        "body_out_of_jurisdiction", "the body is outside the Ombudsman's jurisdiction",
        phrases=(Phrase(any_of(
            rf"\b(?:cannot|can ?not|no (?:legal )?power to|not able to) investigate "
            rf"{_W}{{0,2}}(?:the )?(?:actions?|decisions?|complaints? about) "
            rf"(?:of |by )?(?:an? |the )?(?:academ(?:y|ies)|free school|parish council"
            rf"|town council|private (?:company|firm|landlord)|housing association)")),),
        needles=("investigate",),
        support=cue(r"\bjurisdiction|\bacadem(?:y|ies)\b"),
        grounds=("s25", "s34(1)", "s34A"), legal_bar=True),
    ReasonCode(
        "personnel_matter", "it is an employment or personnel matter",
        phrases=(Phrase(any_of(r"\bpersonnel (?:matters?|issues?)\b")),),
        needles=("personnel",),
        support=cue(r"\bpersonnel|\bemployment"),
        grounds=("Sch5 para4", "Sch5A para4"), legal_bar=True, unpublished=True),
    ReasonCode(
        "school_internal_matter", "it is about what happens inside a school",
        phrases=(Phrase(any_of(
            r"\bwhat happens in (?:a |the )?schools?\b",
            rf"\bcannot investigate {_W}{{0,2}}(?:the )?(?:actions?|decisions?|conduct"
            rf"|complaints? about) (?:of |by )?(?:an? |the )?(?:school|schools|head ?teachers?"
            rf"|governors)\b",
            r"\b(?:internal|inside) (?:management|matters|affairs) of (?:a |the )?school",
            r"\bschool'?s? internal (?:management|matters|affairs|decisions)")),),
        needles=("school",),
        support=cue(r"\b(?:in|inside|within|internal to) (?:a |the )?schools?\b"
                    r"|\bschools?'?s? (?:own )?internal"),
        grounds=("Sch5 para5",), legal_bar=True),
    ReasonCode(
        "social_housing_landlord", "it is about the council as a social landlord",
        phrases=(Phrase(any_of(
            r"\bHousing Ombudsman", r"\b(?:as|in its (?:role|capacity) as) (?:a |the |its )?"
            r"(?:social )?landlord\b")),),
        needles=("housing ombudsman", "landlord"),
        support=cue(r"\blandlord|\bHousing Ombudsman"),
        grounds=("Sch5 para5A", "Sch5 para5B"), legal_bar=True),
    ReasonCode(
        "commercial_matter", "it is a commercial or contractual matter",
        phrases=(Phrase(any_of(r"\bcommercial (?:matters?|transactions?|decisions?)\b",
                               r"\bcontractual (?:matters?|disputes?)\b")),),
        needles=("commercial", "contractual"),
        support=cue(r"\bcommercial|\bcontract"),
        grounds=("Sch5 para3",)),
    ReasonCode(
        "crime_police_matter", "it is about policing or crime",
        support=cue(r"\bpolice|\bcrim(?:e|inal)"),
        grounds=("Sch5 para2",),
        missing="no phrase rule: decisions name the police mostly as a body the person was "
                "pointed to (referred_to police), rarely as the reason itself"),
    ReasonCode(
        "previously_decided", None, unpublished=True,
        missing="an administrative closure (already decided); rarely published"),
    ReasonCode(
        "insufficient_information", None, unpublished=True,
        missing="an administrative closure (the person did not send what was asked for); "
                "rarely published"),
    ReasonCode(
        "other", "another reason",
        missing="the catch-all: no phrase, cue or grounding can state it"),
)
