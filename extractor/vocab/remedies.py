"""Remedy kinds (DOMAIN.md §6): every kind defined once, with what each stage needs of it.

- ``description``: the line the model is offered (``prompts/remedy_kinds.txt``).
- ``pattern`` / ``needles``: the facts' phrase rule and its fast-path strings.
- ``support`` / ``support_unless``: what a model's sentence must (and must not) say for the
  merge to accept the kind: the remedy named as something done to or for the person, not a
  word that merely occurs ("the EHC plan review" is no reassessment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.vocab.phrases import FLAGS, cue
from extractor.vocab.phrases import W as _W


@dataclass(frozen=True)
class RemedyKind:
    kind: str
    description: str
    pattern: re.Pattern[str] | None = None
    needles: tuple[str, ...] = ()
    support: re.Pattern[str] | None = None
    support_unless: re.Pattern[str] | None = None
    missing: str = ""  # why a part a kind would normally have is absent


REMEDIES: tuple[RemedyKind, ...] = (
    RemedyKind(
        "apology", "an apology to the person",
        pattern=re.compile(r"\bapologi[sz](?:e|ed|es|ing)\b|\bapolog(?:y|ies)\b", FLAGS),
        needles=("apolog",),
        support=cue(r"\bapolog")),
    RemedyKind(
        "payment", "a payment of money to the person (symbolic or for loss)",
        pattern=re.compile(
            rf"\b(?:symbolic|financial|remedy|time and trouble) payments?\b|\bfinancial remedy"
            rf"|\bpay {_W}{{0,3}}£|\bpay (?:him|her|them|Mr \w|Mrs \w|Ms \w|Miss \w|Dr \w)\b"
            rf"|\b(?:make|made|making) {_W}{{0,2}}payments?\b|\bpayment of £"
            rf"|\bpay {_W}{{0,3}}(?:redress"
            rf"|compensation|a sum|an amount|remedy)\b|£[\d,]+ (?:payment|to (?:Mr|Mrs|Ms"
            rf"|Miss|Dr|him|her|them))", FLAGS),
        needles=("pay", "financial remedy", "£"),
        # the paying itself; an amount alone may be a refund, a credit or the sum in dispute
        support=cue(r"\b(?:pay|pays|paid|paying|payments?)\b|\bcompensat"
                    r"|\b(?:financial|symbolic) (?:remedy|award)"
                    r"|\b(?:offer|award|giv|gave)\w* (?:\w+ ){0,3}£\s?\d")),
    RemedyKind(
        "service_improvement",
        "changes for the future: procedures, policy, staff training or reminders",
        pattern=re.compile(
            rf"\bservice improvements?|\bremind {_W}{{0,3}}(?:staff|officers|workers|employees)"
            rf"|\b(?:staff|officer) (?:training|guidance|reminders?|briefings?)"
            rf"|\bbrief {_W}{{0,2}}staff"
            rf"|\bshare {_W}{{0,2}}learning|\bprovide {_W}{{0,3}}training"
            rf"|\btraining (?:to|for) "
            rf"{_W}{{0,2}}(?:staff|officers)|\bguidance (?:to|for) {_W}{{0,2}}staff"
            rf"|\b(?:review|amend|update|change|improve|changes? to) {_W}{{0,2}}(?:(?:its|their"
            rf"|the|future) )?{_W}{{0,2}}(?:procedures?|polic(?:y|ies)|process(?:es)?|practices?"
            rf"|guidance|literature|website|services?|leaflets?|information)\b|\baction plan\b"
            rf"|\breview how (?:it|they)\b|\bwrite to (?:other|all) "
            rf"|\bsteps to (?:prevent|avoid)|\bprevent {_W}{{0,2}}(?:recurrence|future|similar"
            rf"|happening again)|\blearn(?:ed|t)? lessons|\blessons (?:have been |were )?learn",
            FLAGS),
        needles=("service improvement", "remind", "training", "guidance", "review", "brief",
                 "share", "amend", "update", "change", "improve", "action plan", "steps to",
                 "prevent", "lesson", "learn", "write to"),
        # a change for the future: staff reminded or trained, or a procedure changed or reviewed
        support=cue(r"\b(?:remind\w*|training|train|lessons|improve\w*)\b"
                    r"|\b(?:review|chang|updat|amend|revis|rewrit)\w* (?:\w+ ){0,3}"
                    r"(?:procedures?|polic(?:y|ies)|practices?|guidance|processes)\b")),
    RemedyKind(
        "reassessment_or_review", "a new assessment, review, hearing or decision for the person",
        pattern=re.compile(
            rf"\bre-?assess(?:ed|es|ment|ing)?\b|\b(?:carry out|complete|completes|undertake"
            rf"|arrange|conduct|do|hold) {_W}{{0,2}}(?:new|fresh|further|updated|another|early)"
            rf" {_W}{{0,2}}(?:assessment|review|hearing)\b|\b(?:complete|carry out|undertake) "
            rf"(?:a |an )?review of (?:its|the|his|her|their)\b|\b(?:fresh|new) (?:appeal"
            rf"|hearing)\b|\breconsider(?:s|ed|ing)? (?:its|the|his|her|their)\b|\b(?:a|an) "
            rf"(?:fresh|new|further|updated) {_W}?(?:assessment|review|investigation)\b"
            rf"|\breview {_W}{{0,2}}(?:its|the|his|her|their) (?:decision|assessment|case|needs"
            rf"|care|plan|application|eligibility|banding|priority)|\b(?:invite|offer|allow) "
            rf"{_W}{{0,3}}(?:to )?(?:a |an )?(?:new |fresh |further )?appeal\b|\boffer "
            rf"{_W}{{0,5}}(?:assessment|review)\b", FLAGS),
        needles=("assess", "review", "hearing", "reconsider", "appeal", "investigation"),
        # a fresh look at the person's own case: reviewing as a verb, or a new
        # assessment / decision
        support=cue(r"\bre-?assess\w*|\breconsider\w*"
                    r"|\b(?:to|will|should|would|must|and) (?:\w+ ){0,2}review\b"
                    r"|\ba (?:fresh |new |further )?review of\b"
                    r"|\b(?:fresh|new) (?:assessment|decision|hearing|appeal)"),
        # reviewing a procedure improves a service; it does not re-decide the person's case
        support_unless=cue(r"\breview\w* (?:\w+ ){0,2}(?:procedures?|polic(?:y|ies)"
                           r"|practices?|guidance|processes|how)\b")),
    RemedyKind(
        "refund_or_waiver", "money refunded, reimbursed, waived, credited or written off",
        pattern=re.compile(
            rf"\brefund\w*|\breimburs\w*|\bwaiv(?:e|ed|es|ing)\b|\bwrit(?:e|ten) off\b|\bcredit\b"
            rf"|\bdeduct (?:the|this|any|an?) {_W}{{0,3}}(?:fees?|charges?|costs?)\b"
            rf"|\bcancel\w* {_W}{{0,3}}(?:fees?|charges?|invoices?|debt|arrears"
            rf"|penalty)|\bremov(?:e|al|ed) (?:of )?{_W}{{0,4}}(?:fees?|charges?|costs?)\b"
            rf"|\breduc(?:e|ed|tion)\w* {_W}{{0,4}}(?:invoice|bill|fees?|charges?|debt|arrears)",
            FLAGS),
        needles=("refund", "reimburs", "waiv", "write off", "written off", "credit", "deduct",
                 "cancel", "remov", "reduc"),
        support=cue(r"\brefund\w*|\breimburs\w*|\bwaiv\w*|\bwr[io]t\w* off|\bcredit")),
    RemedyKind(
        "other", "another remedy",
        missing="the catch-all: no phrase or cue can state it"),
)
