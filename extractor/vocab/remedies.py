"""Remedy kinds (DOMAIN.md §5.1): every kind defined once, with what each stage needs of it.

- ``description``: the line the model is offered (``prompts/remedy_kinds.txt``).
- ``pattern`` / ``needles``: the facts' phrase rule and its fast-path strings; ``more``: further
  phrase rules, each with fast-path strings of its own (read only in sentences holding one).
- ``support`` / ``support_unless``: what a model's sentence must (and must not) say for the
  merge to accept the kind: the remedy named as something done to or for the person, not a
  word that merely occurs ("the EHC plan review" is no reassessment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.vocab.phrases import TITLE, Phrase, cue, phrase
from extractor.vocab.phrases import W as _W


@dataclass(frozen=True)
class RemedyKind:
    kind: str
    description: str
    pattern: re.Pattern[str] | None = None
    needles: tuple[str, ...] = ()
    more: tuple[Phrase, ...] = ()
    support: re.Pattern[str] | None = None
    support_unless: re.Pattern[str] | None = None
    item_verbs: tuple[str, ...] = ()  # "other": verbs that start an agreed action
    missing: str = ""  # why a part a kind would normally have is absent


REMEDIES: tuple[RemedyKind, ...] = (
    RemedyKind(
        "apology", "an apology to the person",
        pattern=phrase(r"\bapologi[sz](?:e|ed|es|ing)\b|\bapolog(?:y|ies)\b"
                           r"|\bsay(?:s|ing)? sorry\b"),
        needles=("apolog", "sorry"),
        support=cue(r"\bapolog")),
    RemedyKind(
        "payment", "a payment of money to the person (symbolic or for loss)",
        pattern=phrase(
            rf"\b(?:symbolic|financial|remedy|redress|time and trouble|compensat\w+|ex gratia"
            rf"|goodwill|distress) payments?\b|\bfinancial (?:remedy|redress)"
            rf"|\bpay(?:s|ing)? {_W}{{0,4}}(?:£|redress|compensation|a sum|an amount|remedy"
            rf"|the sum|the amount)|\bpay(?:s|ing)? (?:him|her|them|{TITLE} \w)\b"
            rf"|\b(?:make|makes|made|making) {_W}{{0,2}}payments?\b|\bpayment of £"
            rf"|\bcompensat(?:e|ion)\b|\b(?:offer|award|give|gave|pay)\w* (?:\w+ ){{0,2}}£\s?\d"
            rf"|£[\d,]+ (?:payment|to (?:{TITLE} [A-Z]\b(?!['’]s)|him|her"
            rf"|them)|for (?:the|his|her|their) (?:distress|time|trouble|uncertainty"
            rf"|frustration|inconvenience|injustice|lost))"),
        needles=("pay", "financial", "£", "compensat", "redress"),
        more=(
            # a payment named by what it is for, without an amount: "a payment to Mrs B for
            # her time and trouble"
            Phrase(phrase(
                r"\b(?:a|the) payment (?:to (?:him|her|them|Mr|Mrs|Ms|Miss|Mx|Dr)\b|for (?:the "
                r"|his |her |their )?(?:distress|time|trouble|uncertainty|frustration"
                r"|inconvenience|injustice|lost|loss|avoidable)|in recognition|to (?:recognise"
                r"|acknowledge|reflect|remedy|compensate))"),
                needles=("a payment", "the payment")),
            # costs met: "meet part of the costs of the move", "make good the loss"
            Phrase(phrase(
                rf"\b(?:meet|cover|pay (?:for|towards)|contribut\w* (?:to|towards))"
                rf" (?:[\w'’]+ ){{0,5}}(?:costs?|expenses|fees|bills?)\b"
                rf"|\bmake good {_W}{{0,3}}loss"),
                needles=("meet", "cover", "pay for", "pay towards", "contribut", "make good"))),
        # the paying itself; an amount alone may be a refund, a credit or the sum in dispute
        support=cue(r"\b(?:pay|pays|paid|paying|payments?)\b|\bcompensat"
                    r"|\b(?:financial|symbolic) (?:remedy|award)"
                    r"|\b(?:offer|award|giv|gave)\w* (?:\w+ ){0,3}£\s?\d"
                    # "meet part of the outstanding costs", "contribute towards his fees"
                    r"|\b(?:meet|cover|contribut\w* (?:to|towards)) (?:[\w'’]+ ){0,5}"
                    r"(?:costs?|expenses|fees)\b")),
    RemedyKind(
        "service_improvement",
        "changes for the future: procedures, policy, staff training or reminders",
        pattern=phrase(
            rf"\bservice improvements?|\bremind\w* {_W}{{0,3}}(?:staff|officers|workers"
            rf"|employees|colleagues|teams?|managers|carers)"
            rf"|\b(?:staff|officer) (?:training|guidance|reminders?|briefings?)"
            rf"|\bbrief {_W}{{0,2}}staff|\btrain(?:s|ing)? (?:\w+ ){{0,2}}(?:staff|officers"
            rf"|employees|workers|carers)|\bshare {_W}{{0,2}}learning|\bprovide {_W}{{0,3}}training"
            rf"|\btraining (?:to|for) {_W}{{0,2}}(?:staff|officers)|\bguidance (?:to|for) "
            rf"{_W}{{0,2}}staff"
            rf"|\b(?:review|amend|update|change|improve|revis|rewrit|chang)\w* {_W}{{0,2}}(?:(?:its"
            rf"|their|the|future) )?{_W}{{0,2}}(?:procedures?|polic(?:y|ies)|process(?:es)?"
            rf"|practices?|guidance|literature|website|services?|leaflets?|information|rules"
            rf"|criteria|forms|letters|templates|systems?|arrangements|scheme)\b"
            rf"|\b(?:changes? to|improvements? to) {_W}{{0,3}}(?:procedures?|polic(?:y|ies)"
            rf"|process(?:es)?|practices?|guidance)\b|\baction plan\b"
            rf"|\breview how (?:it|they)\b|\bwrite to (?:other|all|any) |\bsteps to (?:prevent"
            rf"|avoid)|\bprevent {_W}{{0,2}}(?:recurrence|future|similar|happening again)"
            rf"|\blearn(?:ed|t)? lessons|\blessons (?:have been |were )?learn"
            rf"|\bimplement {_W}{{0,3}}(?:policy|procedure|guidance|process|system|scheme)"
            rf"|\bidentify {_W}{{0,6}}(?:affected|in the same position)"
            # "ensure these failures cannot be repeated", "make sure this does not happen again"
            rf"|\b(?:ensure|make sure) {_W}{{0,4}}(?:cannot|can ?not|do not|does not|will not"
            rf"|won't|are not|is not|don't) (?:be )?(?:happen|repeated|recur|reoccur)"
            rf"|\bin (?:the )?future\b|\b(?:ensure|make sure) {_W}{{0,3}}(?:staff|officers"
            rf"|employees|workers|teams?) (?:are|is|understand|know|follow)\b"
            rf"|\bmake {_W}{{0,3}}(?:staff|officers|employees|workers) aware\b"),
        needles=("service improvement", "remind", "training", "train", "guidance", "review",
                 "brief", "share", "amend", "update", "chang", "improve", "revis", "rewrit",
                 "action plan", "steps to", "prevent", "lesson", "learn", "write to",
                 "implement", "identify", "ensure", "make sure", "future"),
        more=(
            # the decision shared with the people who do the work
            Phrase(phrase(
                rf"\bshare {_W}{{0,4}}(?:with|among|across) {_W}{{0,3}}(?:staff|officers|teams?"
                rf"|employees|colleagues|managers|workers|practitioners|social workers)\b"),
                needles=("share",)),
            # a change that stops it recurring
            Phrase(phrase(
                rf"\b(?:stop|prevent|avoid) {_W}{{0,4}}(?:happening again|recurr\w*|reoccurr\w*"
                rf"|being repeated)|\bdoes not happen again\b"
                rf"|\b(?:consider|look at|decide|explain) how (?:it|they) (?:can|could|will"
                rf"|might|should|would) (?:improve|prevent|avoid|ensure|change|stop)\b"),
                needles=("happening again", "recur", "reoccur", "repeated", "happen again",
                         "how it", "how they")),
            # training arranged, an audit of other cases
            Phrase(phrase(
                rf"\b(?:arrange|deliver|organi[sz]e|hold|run|complete|undertake)\w* {_W}{{0,3}}"
                rf"training\b|\b(?:carry out|undertake|complete|conduct)\w* (?:an? )?audit\b"),
                needles=("training", "audit")),
            # a service improved, a system put in place
            Phrase(phrase(
                rf"\bimprov\w* (?:its|their|the) {_W}{{0,3}}?(?:handling|communication|record[- ]"
                rf"keeping|response times|monitoring|oversight)\b"
                rf"|\b(?:introduc|develop|establish|adopt|put in place)\w* {_W}{{0,3}}(?:system"
                rf"|process|procedure|checks?|polic(?:y|ies)|protocol|guidance|checklist)s?\b"),
                needles=("improv", "introduc", "develop", "establish", "adopt",
                         "put in place"))),
        # a change for the future: staff reminded or trained, or a procedure changed or reviewed
        support=cue(r"\b(?:remind\w*|training|train|lessons|improve\w*)\b"
                    r"|\b(?:review|chang|updat|amend|revis|rewrit)\w* (?:\w+ ){0,3}"
                    r"(?:procedures?|polic(?:y|ies)|practices?|guidance|processes)\b")),
    RemedyKind(
        "reassessment_or_review", "a new assessment, review, hearing or decision for the person",
        pattern=phrase(
            rf"\bre-?assess(?:ed|es|ment|ing)?\b|\bre-?consider(?:s|ed|ing|ation)?\b"
            rf"|\bre-?calculat\w+|\bre-?determin\w+"
            rf"|\b(?:carry out|carries out|complete|completes|undertake|arrange|conduct|do|hold)"
            rf" {_W}{{0,2}}(?:new|fresh|further|updated|another|early) {_W}{{0,2}}(?:assessment"
            rf"|review|hearing)\b|\b(?:complete|carry out|undertake) (?:a |an )?(?:review|"
            rf"{_W}{{0,2}}assessment) of (?:its|the|his|her|their)\b(?! (?:\w+ )?(?:procedures?"
            rf"|polic(?:y|ies)|practices?|guidance|process))|\b(?:fresh|new) (?:appeal|hearing"
            rf"|decision)\b|\b(?:a|an) (?:fresh|new|further|updated) {_W}?(?:assessment|review"
            rf"|investigation)\b|\breview(?:s|ed|ing)? {_W}{{0,2}}(?:its|the|his|her|their) "
            rf"(?:\w+ )?(?:decision|assessment|case|needs|care|plan|application|eligibility"
            rf"|banding|priority|award|entitlement|claim)\b|\b(?:invite|offer|allow) "
            rf"{_W}{{0,3}}(?:to )?(?:a |an )?(?:new |fresh |further )?appeal\b|\boffer "
            rf"{_W}{{0,5}}(?:assessment|review)\b"
            # the statutory children's procedure: "consider the complaint at stage two"
            rf"|\b(?:consider|escalat|progress|take|put)\w* {_W}{{0,4}}(?:complaint|it) (?:at|to"
            rf"|through) stag(?:e|es) (?:2|3|two|three)\b"),
        needles=("assess", "review", "hearing", "reconsider", "re-consider", "appeal",
                 "investigation", "calculat", "determin", "decision", "stage"),
        more=(
            # a fresh look at the person's own case: an appeal answered, a decision looked at
            # again, a new decision on a remedy ("now consider a financial remedy")
            Phrase(phrase(
                rf"\b(?:respond to|consider|hear|decide|determine|deal with)\b {_W}{{0,3}}appeal\b"
                rf"|\blook again at\b|\btake a fresh look\b|\bafresh\b"
                rf"|\bconsider (?:a|an|making a) (?:\w+ )?(?:remedy|payment|award)\b"),
                needles=("appeal", "look again", "fresh", "consider a", "consider making")),
            # an assessment of the person carried out, what is owed worked out
            Phrase(phrase(
                rf"\b(?:carry out|carries out|complete|completes|undertake|arrange|conduct)\b"
                rf" (?:a|an|the|his|her|their|(?:Mr|Mrs|Ms|Miss|Mx|Dr) [A-Z]['’]s) {_W}{{0,2}}"
                rf"(?:re)?assessment\b(?! of (?:its|the|their) (?:\w+ )?(?:procedures?"
                rf"|polic(?:y|ies)|practices?|guidance|process))"
                rf"|\bcalculat(?:e|es)\b {_W}{{0,8}}(?:allowances?|entitlement|benefits?|awards?"
                rf"|contributions?|charges?|payments?|arrears|fees|budget|personal budget)\b"),
                needles=("assessment", "calculat"))),
        # a fresh look at the person's own case: reviewing as a verb, or a new
        # assessment / decision
        support=cue(r"\bre-?assess\w*|\bre-?consider\w*"
                    r"|\b(?:to|will|should|would|must|and) (?:\w+ ){0,2}review\b"
                    r"|\ba (?:fresh |new |further )?review of\b"
                    r"|\b(?:fresh|new) (?:assessment|decision|hearing|appeal)"),
        # reviewing a procedure improves a service; it does not re-decide the person's case
        support_unless=cue(r"\breview\w* (?:\w+ ){0,2}(?:procedures?|polic(?:y|ies)"
                           r"|practices?|guidance|processes|how)\b")),
    RemedyKind(
        "refund_or_waiver", "money refunded, reimbursed, waived, credited or written off",
        pattern=phrase(
            rf"\brefund\w*|\breimburs\w*|\bwaiv(?:e|ed|es|ing)\b|\bwrit(?:e|es|ten) off\b"
            rf"|\bcredit(?:s|ed|ing)?\b"
            rf"|\bdeduct (?:the|this|any|an?) {_W}{{0,3}}(?:fees?|charges?|costs?)\b"
            rf"|\bcancel\w* {_W}{{0,3}}(?:fees?|charges?|invoices?|debt|arrears|penalty|PCNs?"
            rf"|fines?)|\bremov(?:e|al|ed) (?:of )?{_W}{{0,4}}(?:fees?|charges?|costs?)\b"
            rf"|\breduc(?:e|ed|tion)\w* {_W}{{0,4}}(?:invoice|bill|fees?|charges?|debt|arrears)"),
        needles=("refund", "reimburs", "waiv", "write off", "writes off", "written off",
                 "credit", "deduct", "cancel", "remov", "reduc"),
        support=cue(r"\brefund\w*|\breimburs\w*|\bwaiv\w*|\bwr[io]t\w* off|\bcredit")),
    RemedyKind(
        "other", "another remedy",
        # an agreed or recommended action that none of the kinds above names ("explain what
        # further action it has taken", "arrange alternative accommodation", "offer a meeting")
        item_verbs=("explain", "arrange", "offer", "meet", "communicate", "provide", "issue",
                    "contact", "discuss", "liaise", "tell", "inform", "give", "allow", "find",
                    "secure", "fund", "repair", "remove", "correct", "delete", "add", "record",
                    "place", "move", "appoint", "allocate", "complete", "produce", "prepare",
                    "draw", "send", "register", "restore", "reinstate", "assist", "help",
                    "support", "install", "carry", "agree", "set", "amend", "update", "publish",
                    "investigate", "consult", "visit", "obtain", "seek", "refer", "enforce",
                    "advise", "notify", "confirm", "reply", "respond", "pass",
                    "forward", "transfer", "decide", "check", "clarify", "resolve", "finalise",
                    "process", "approve", "attach", "return", "share"),
        missing="the catch-all: no phrase or cue can state it; the facts read it as an agreed "
                "action whose verb (item_verbs) no other kind names"),
)
