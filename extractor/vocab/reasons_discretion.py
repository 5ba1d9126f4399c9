"""Reasons of the discretionary tests (Assessment Code: fault, injustice, remedy, another
body or route first), all grounded in the general discretion, s24A(6) / s34B(8)."""

from __future__ import annotations

import re

from extractor.vocab.phrases import (
    COURT_WORDS,
    FLAGS,
    MINISTER_WORDS,
    OPEN_MODAL,
    TRIBUNAL_WORDS,
    Phrase,
    any_of,
    cue,
)
from extractor.vocab.phrases import W as _W
from extractor.vocab.reason_code import DISCRETION, ReasonCode

DISCRETIONARY: tuple[ReasonCode, ...] = (
    ReasonCode(
        "no_evidence_of_fault", "not enough evidence of fault; unlikely to find fault",
        phrases=(Phrase(any_of(
            # a negated or scant sign of fault: "not enough evidence of fault", "I have seen no
            # evidence the Council was at fault", "nothing to suggest fault"
            rf"\b(?:not enough|insufficient|no|little|not sufficient|lack of|not seen (?:any )?"
            rf"|nothing|not (?:any|much)) (?:\w+ ){{0,2}}(?:evidence|signs?|suggestions?"
            rf"|indications?|proof|to suggest|to show)\b {_W}{{0,8}}?(?:fault|wrongdoing"
            rf"|maladministration|did anything wrong|acted (?:wrongly|improperly|unlawfully))\b",
            # "we could not criticise the decision", "cannot question the merits of it"
            rf"\b(?:cannot|can ?not|could not|would not|unable to) (?:criticise|question"
            rf"|challenge) {_W}{{0,6}}?(?:decisions?|merits|outcome|judgements?|it)\b",
            # "unlikely we would find fault", "unlikely to find the Council at fault"
            rf"\bunlikely\b {_W}{{0,5}}(?:to )?(?:find|say|conclude|decide)\w* {_W}{{0,4}}?"
            rf"(?:any )?(?:fault|at fault)\b",
            rf"\b(?:would|could|can|do|does|did|have|has|will) ?not (?:be able to )?(?:find|see"
            rf"|identify|say|conclude|consider)\w* {_W}{{0,5}}?(?:any )?(?:fault|at fault)\b",
            r"\bnot persuaded (?:\w+ ){0,6}(?:fault|at fault)\b",
            r"\b(?:no|without) (?:administrative )?fault (?:in|by|with|on) (?:the|how|its|what"
            r"|their|his|her|any)\b",
            r"\b(?:no|not) (?:\w+ ){0,2}grounds? (?:for us )?to (?:investigate|criticise"
            r"|question)\b",
            r"\bthere (?:is|was|has been) no (?:evidence of )?(?:administrative )?fault\b",
            # a decision the body could make, which we cannot question: "a decision it was
            # entitled to make", "no basis for us to question it" (not the assessment's reading
            # of what the body did, "it acted in line with its policy", which supports other
            # reasons as often as this one)
            rf"\bdecisions? {_W}{{0,3}}(?:was|were|is|are) entitled to (?:make|take|reach)\b",
            r"\bno (?:basis|reason) (?:for us )?to (?:question|criticise|find fault)"),
            # "no evidence the fault caused an injustice" is about injustice
            # (not "the fault caused"; "evidence of fault causing injustice" is still fault)
            unless=re.compile(r"\b(?:the|any|this|that|its) fault (?:\w+ ){0,3}(?:has |had |did )?"
                              r"(?:not )?caused? (?:\w+ ){0,3}injustice", FLAGS)),),
        needles=("fault", "wrongdoing", "maladministration", "grounds", "wrong", "improperly",
                 "unlawfully", "criticise", "question", "challenge", "entitled"),
        support=cue(r"\b(?:evidence|sign|suggestion|indication)s? of (?:\w+ ){0,2}"
                    r"fault|\b(?:find|found|finding) (?:any |no )?fault|\bno fault"),
        support_unless=cue(r"\bfound fault\b|\bfault (?:by|in) \w+ (?:caused|led)"),
        grounds=DISCRETION),
    ReasonCode(
        "no_injustice_from_fault", "any fault did not cause the person injustice",
        phrases=(Phrase(any_of(
            rf"\b(?:has|did|does|would|had|have|could) not (?:\w+ )?(?:caus|le[ad]|result)\w* "
            rf"{_W}{{0,4}}injustice",
            rf"\b(?:insufficient|not enough|no) evidence {_W}{{0,6}}injustice caused",
            rf"\bno {_W}{{0,4}}injustice caused",
            rf"\b(?:no|insufficient|not enough) evidence (?:that )?(?:the|any|this|that|its) fault"
            rf" (?:\w+ ){{0,2}}(?:caused|led to|resulted in) {_W}{{0,4}}injustice",
            r"\bno (?:personal |significant |direct |claimed )?injustice (?:to|for|caused)",
            rf"\bnot (?:caused|suffered) {_W}{{0,2}}injustice",
            # the person is no worse off: "has not lost out", "was not disadvantaged"
            r"\b(?:has|have|had|was|were|is|are|did) not (?:been )?(?:lost out|disadvantaged"
            r"|suffer(?:ed)? (?:any |a )?(?:loss|disadvantage|detriment|financial loss))\b"),
            unless=re.compile(r"significant", FLAGS),
            needles=("injustice", "lost out", "disadvantaged", "loss", "detriment")),
            # the fault changed nothing: "we could not say it affected the outcome", "the error
            # made no difference to the decision" (not what an investigation would change)
            Phrase(any_of(
                rf"\b(?:not|unlikely|cannot say|could not say|no evidence)\b {_W}{{0,8}}?"
                rf"(?:affected|changed|altered|made (?:a |any )?difference to) (?:the|its|his|her"
                rf"|their) (?:[\w'’]+ ){{0,2}}?(?:outcome|decision|result|response)",
                r"\b(?:made|make|makes) no (?:material |real )?difference to (?:the|its|his|her"
                r"|their) (?:[\w'’]+ ){0,2}?(?:outcome|decision|result)",
                r"\bwould (?:still )?have (?:been|reached|made) the same (?:outcome|decision"
                r"|result)"),
                unless=re.compile(r"\binvestigat|\bour involvement|\bsignificant|\bwe\b"
                                  r"(?! could not say| cannot say)", FLAGS),
                needles=("affected", "changed", "altered", "difference", "the same"))),
        needles=("injustice", "lost out", "disadvantaged", "loss", "detriment", "affected",
                 "changed", "altered", "difference", "the same"),
        support=cue(r"\b(?:not|no|any) (?:\w+ ){0,4}(?:caus|le[ad]|result)\w* "
                    r"(?:\w+ ){0,3}injustice|\binjustice (?:\w+ ){0,3}caused"
                    # the fault changed nothing: "we could not say it affected the outcome"
                    r"|\bnot (?:\w+ ){0,3}affect\w* (?:the|its|his|her|their) "
                    r"(?:[\w'’]+ ){0,2}(?:outcome|decision)"),
        # a small injustice is not "no injustice"
        support_unless=cue(r"\bsignificant|\bremed(?:ies|ied)\b"),
        grounds=DISCRETION, route="injustice"),
    ReasonCode(
        "injustice_not_significant", "the injustice is not significant enough",
        phrases=(Phrase(any_of(
            rf"\b(?:not|no|insufficient|isn't) {_W}{{0,4}}significant {_W}{{0,3}}(?:injustice"
            rf"|impact|harm|loss|distress|effect|disadvantage)",
            rf"\b(?:injustice|impact) {_W}{{0,6}}(?:does|do|would|did) not (?:warrant|justify)",
            rf"\binjustice {_W}{{0,5}}(?:is|was|are|were) not {_W}{{0,2}}significant",
            r"\bnot significant enough",
            r"\bnot (?:sufficiently (?:serious|significant|great)|serious enough|great enough)",
            # a negation of the injustice, not of the fault before it ("not enough evidence of
            # fault causing significant injustice" doubts the fault)
            r"\b(?:no|not|insufficient|unlikely)\b(?:(?!fault (?:(?!(?:or|and) )\w+ ){0,5}(?:caus"
            r"|le[ad]|result))[^.\n]){0,150}\bsignificant "
            r"(?:personal )?injustice",

            rf"\binjustice {_W}{{0,4}}(?:too small|minor|limited)\b",
            # "insufficient personal injustice", "not enough impact on her to warrant ..."
            r"\b(?:insufficient|not enough|not sufficient|little) (?:\w+ ){0,2}(?:injustice"
            r"|impact|harm)\b",
            rf"\b(?:injustice|impact|harm|effect|distress|loss) {_W}{{0,5}}(?:is|was|are|were"
            rf"|would be) (?:not|too) {_W}{{0,2}}(?:significant|serious|great|small|minor)",
            r"\bnot (?:been )?significantly (?:affected|impacted|disadvantaged|harmed)")),
            # only a small effect: "caused only minor inconvenience", "any impact is slight"
            Phrase(any_of(
                r"\bonly (?:a )?(?:minor|slight|limited|small|low-level|modest) (?:inconvenience"
                r"|frustration|injustice|impact|distress|upset|effect)",
                rf"\b(?:injustice|impact|inconvenience|effect) {_W}{{0,7}}(?:is|was|are|were"
                rf"|would be) (?:only |relatively |at most )?(?:minor|slight|minimal|limited"
                rf"|modest|small)\b"),
                needles=("minor", "slight", "minimal", "limited", "modest", "small",
                         "low-level"))),
        needles=("significant", "sufficiently", "serious enough", "great enough", "injustice",
                 "impact", "harm"),
        support=cue(r"\bsignificant|\bserious enough|\btoo small"),
        grounds=DISCRETION, route="injustice"),
    ReasonCode(
        "cannot_add_to_previous_investigation",
        "could not add to the body's own investigation",
        phrases=(Phrase(any_of(
            rf"\b(?:could|can|would|will) ?not add {_W}{{0,3}}to\b",
            rf"\bunlikely {_W}{{0,3}}(?:could|would|to|can) add (?:anything |much )?"
            rf"(?:more |further )?to\b",
            rf"\b(?:add|adding) (?:little|nothing) {_W}{{0,2}}to\b")),),
        needles=("add",),
        support=cue(r"\badd (?:\w+ ){0,3}to\b"),
        grounds=DISCRETION),
    ReasonCode(
        "no_different_outcome", "investigating would not lead to a different outcome",
        phrases=(Phrase(any_of(
            rf"\b(?:not|unlikely)\b {_W}{{0,3}}(?:lead to|result in|achieve|produce|bring about"
            rf"|make|reach|come to) (?:a |any )?(?:different|more|other|further) (?:outcomes?"
            rf"|results?|decision|view|conclusion)",
            # "unlikely the outcome would have been different"
            rf"\b(?:unlikely|not|cannot say|could not say)\b {_W}{{0,8}}(?:outcome|decision"
            rf"|result) would (?:have been|be) (?:any )?different",
            # what an investigation would change: "investigating would not change the outcome"
            rf"\b(?:investigation|investigating|our involvement|further enquiries)\b {_W}{{0,6}}?"
            rf"(?:not|unlikely to|no) {_W}{{0,2}}(?:change|alter|affect|make (?:a |any )?"
            rf"difference to) (?:(?:the|its|this) (?:\w+ )?(?:outcome|decision|result|position)"
            rf"|anything|matters)")),),
        needles=("outcome", "result", "decision", "view", "conclusion", "position",
                 "change anything", "alter anything", "affect anything", "difference to anything",
                 "change matters", "alter matters", "affect matters"),
        support=cue(r"\bdifferent (?:outcome|result|decision)"),
        grounds=DISCRETION),
    ReasonCode(
        "cannot_achieve_outcome_sought", "cannot achieve the outcome the person wants",
        phrases=(Phrase(any_of(
            rf"\b(?:cannot|can ?not|could not|unable to|not able to) {_W}{{0,2}}(?:achieve"
            rf"|provide|give|deliver|secure|get) {_W}{{0,4}}(?:outcomes?|remed(?:y|ies)"
            rf"|results?) {_W}{{0,3}}(?:wants?|sought|seeks?|seeking|wanted|desired)",
            r"\boutcome (?:\w+ ){0,4}(?:wants?|seeks?|sought) is not (?:one|something) (?:we"
            r"|the Ombudsman) (?:can|could)",
            # what the Ombudsman has no power to do: order a body, award damages, discipline
            rf"\b(?:cannot|can ?not|could not|no (?:legal )?power to|not able to|unable to) "
            rf"{_W}{{0,2}}(?:order|force|require|direct|compel|make|tell|instruct) (?:the |a |an )?"
            rf"(?:Council"
            rf"|Provider|Authority|Trust|body|school|organisation|police|court|landlord)\b",
            r"\b(?:cannot|can ?not|could not|no (?:legal )?power to|not able to|unable to) "
            r"(?:award|recommend|order) (?:\w+ )?(?:damages|compensation)",
            r"\b(?:cannot|can ?not|no (?:legal )?power to) (?:\w+ )?(?:discipline|dismiss|sack"
            r"|punish)",
            # undoing a decision is not ours: "we cannot overturn the refusal"
            rf"\b(?:cannot|can ?not|could not|no (?:legal )?power to|not able to|unable to) "
            rf"{_W}{{0,1}}(?:overturn|reverse|quash|set aside|revoke|cancel|rescind)\b",
            r"\b(?:beyond|outside) (?:our|the Ombudsman['’]s) (?:legal )?powers\b"),
            # every phrase holds a negation of our power, "outcome" or "powers"
            needles=("cannot", "can not", "could not", "no power", "no legal power", "not able",
                     "unable", "outcome", "powers")),
            # the wish and the limit in one sentence: "Mr X wants the officer disciplined,
            # which is not something we can do"
            Phrase(any_of(r"\bnot (?:something|one|an outcome|a remedy|what) (?:that )?(?:we"
                          r"|the Ombudsman) (?:can|could|are able to|is able to) (?:achieve"
                          r"|do|provide|give|deliver|recommend|ask for|secure)\b",
                          r"\b(?:we|the Ombudsman) (?:cannot|can ?not|could not|are not able to"
                          r"|is not able to) (?:achieve|provide|give|deliver|secure) (?:this|that"
                          r"|what (?:he|she|they|(?:Mr|Mrs|Ms|Miss|Mx|Dr) [A-Z]) (?:wants?"
                          r"|seeks?|is seeking|asks? for|wanted))\b"), in_wish=True,
                   needles=("not something", "not one", "not an outcome", "not a remedy",
                            "not what", "cannot", "can not", "could not", "not able"))),
        needles=("cannot", "can not", "could not", "no power", "no legal power", "not able",
                 "unable", "outcome", "powers", "not something", "not one", "not what"),
        support=cue(r"\b(?:cannot|can ?not|could not|unable to) "
                    r"(?:\w+ ){0,3}(?:achieve|provide|give|get|order)"),
        grounds=DISCRETION),
    ReasonCode(
        "no_worthwhile_outcome", "no worthwhile outcome is achievable",
        phrases=(Phrase(any_of(
            r"\bno worthwhile outcome",
            rf"\b(?:not|unlikely to) {_W}{{0,2}}achieve (?:anything|a worthwhile|a meaningful|any "
            rf"(?:meaningful|worthwhile))",
            r"\b(?:no|serve no) (?:useful |worthwhile |real )?purpose\b"),
            # "would not achieve anything more": more than the body did (satisfied_with_remedy)
            unless=re.compile(r"\bthan\b|\bachieve (?:\w+ )?more\b", FLAGS)),),
        needles=("worthwhile", "achieve", "purpose"),
        support=cue(r"\bworthwhile\b"),
        grounds=DISCRETION),
    ReasonCode(
        "other_body_better_placed", "another body (for example the ICO) is better placed",
        phrases=(
            Phrase(any_of(
                r"\b(?:better|best|more appropriately|more suitably) (?:placed|suited)\b",
                r"\bmore appropriate (?:body|organisation|route|forum)",
                rf"\breasonable {_W}{{0,8}}(?:complain|refer (?:it|this|the matter)|go|raise "
                rf"{_W}{{0,3}}(?:with|to)) {_W}{{0,2}}(?:to |with )?the (?:Information "
                rf"Commissioner|ICO|Housing Ombudsman|Parliamentary|PHSO|Care Quality|CQC"
                rf"|Ofsted|police)",
                rf"\b(?:can|could|should|may) {_W}{{0,3}}(?:complain|go|refer|report|take|raise"
                rf"|be (?:made|raised|referred|sent|directed|taken)) {_W}{{0,4}}(?:to|with) the "
                rf"(?:Information Commissioner|ICO|Housing Ombudsman|Parliamentary|PHSO"
                rf"|Financial Ombudsman|Pensions Ombudsman)",
                # "a data matter which is best considered and decided by the ICO"
                rf"\b(?:best|better|more appropriately) (?:considered|dealt with|decided|handled"
                rf"|resolved|investigated|looked at) (?:and {_W})?by the (?:Information "
                rf"Commissioner|ICO|Housing Ombudsman|Parliamentary|PHSO|Financial Ombudsman"
                rf"|Pensions Ombudsman|Care Quality|CQC|Ofsted)")),
            # "the ICO is the appropriate body to ..." (a tribunal or court so named is an
            # appeal route)
            Phrase(any_of(r"\bthe (?:appropriate|right|proper|correct) (?:body|organisation"
                          r"|place|forum) (?:to|for)\b"),
                   unless=re.compile(rf"{TRIBUNAL_WORDS}|{COURT_WORDS}|{MINISTER_WORDS}",
                                     FLAGS))),
        needles=("placed", "suited", "appropriate", "reasonable", "information commissioner",
                 "ico", "ombudsman", "phso",
                 *(f"{adj} {noun}" for adj in ("right", "proper", "correct")
                   for noun in ("body", "organisation", "place", "forum"))),
        support=cue(r"\b(?:better|best|more appropriately) (?:placed|suited|considered"
                    r"|dealt with|decided|handled)|\bappropriate (?:body|organisation)"),
        grounds=DISCRETION),
    ReasonCode(
        "use_review_or_appeal_first",
        "the person should use the body's own review or appeal first",
        phrases=(Phrase(any_of(
            rf"\b(?:use|using|request|ask for|apply for) {_W}{{0,2}}(?:right of|right to "
            rf"(?:a |request a |ask for a )?)(?:statutory |suitability |formal )?review\b",
            r"\bask (?:the \w+ )?(?:for |to )(?:a )?(?:statutory |suitability )?review\b",
            r"\bright to (?:request |ask for )?(?:a |an )?(?:statutory |suitability |formal )?"
            r"review\b",
            r"\b(?:s\.?|section )202\b(?! of)", r"\bsuitability review",
            # a penalty charge: formal representations to the council come before the tribunal
            rf"(?:{OPEN_MODAL}|\b(?:make|put in|submit|send)) {_W}{{0,3}}(?:formal )?"
            rf"representations\b")),),
        needles=("review", "202", "representations"),
        support=cue(r"\breview\b|\bappeal\b"),
        # the body's own review or appeal: not a tribunal's, a court's or Parliament's
        # statutory one, not "we are not an appeal body", not an appeal the person already lost
        support_unless=cue(r"\btribunal|\bcourt|\badjudicator|\bInspector"
                           r"|\bSecretary of State|\bParliament|\bstatutory"
                           r"|\bappeal body|\bnot (?:\w+ ){0,2}(?:an|another) "
                           r"(?:\w+ )?(?:level of )?appeal\b|\bunsuccessful\b"),
        grounds=DISCRETION, route="appeal"),
    ReasonCode(
        "complaint_handling_only",
        "only complaint handling is left, which is not investigated alone",
        phrases=(Phrase(any_of(
            r"\bnot (?:a )?good use of public\b",
            rf"\bcomplaints?[- ]handling {_W}{{0,8}}(?:alone|on its own|in isolation|standalone"
            rf"|stand-alone|separately)",
            # the handling itself as what is not investigated ("we will not investigate the
            # Council's complaint handling"), not the subject of the complaint ("this complaint
            # about how the Council dealt with Mr X's complaint")
            rf"\b(?:not|no) {_W}{{0,3}}(?:investigate|look at|look into|consider) "
            rf"(?:(?:the|its|their|[\w'’]+['’]s?) )?(?:complaints?[- ]handling|complaints "
            rf"procedures?|how (?:the|it) (?:\w+ ){{0,2}}(?:handled|dealt with|responded to)"
            rf" (?:[\w'’]+ ){{0,2}}complaint)")),),
        needles=("good use of public", "complaint"),
        # the Ombudsman declining the complaint handling, not a story of the complaint's
        # progress
        support=cue(r"\bcomplaints? handling|\b(?:how|way) (?:\w+ ){0,3}"
                    r"(?:handled|dealt with|responded to) (?:\w+ ){0,3}complaint"
                    r"|\bcomplaints? (?:process|procedure) (?:on its own|alone|either)"),
        grounds=DISCRETION),
    ReasonCode(
        "satisfied_with_remedy", "the body has already put it right or offered a fair remedy",
        phrases=(Phrase(any_of(
            rf"\bachieve {_W}{{0,2}}(?:more|further|anything (?:more|further)|significantly"
            rf" more) than {_W}{{0,5}}(?:already|has|have|had)\b",
            rf"\b(?:Council|Authority|Provider|Home|Trust|organisation|it|they) (?:has|have"
            rf"|had) already {_W}{{0,3}}(?:offered|agreed|provided|apologi[sz]ed|taken|put"
            rf"|remedied|refunded|paid|cancelled|waived|done)",
            r"\b(?:suitable|appropriate|proportionate|reasonable|adequate|sufficient) remedy\b",
            r"\bsuitable (?:action|response|steps)\b",
            r"\b(?:has|have) (?:now |already |since )?taken (?:suitable|appropriate"
            r"|proportionate|reasonable|sufficient|adequate) (?:action|steps)\b",
            rf"\bremed(?:y|ies|ied) (?:the|any|this|that) {_W}{{0,2}}injustice",
            r"\bin line with what we would", r"\bsatisfied with (?:the|its|their)\b",
            r"\b(?:Council|Authority|Provider|Home|Trust|organisation|it) (?:has|have) (?:now "
            r"|since |already )?agreed to\b",
            r"\bwhat we would (?:normally |usually )?(?:recommend|ask for|expect|seek)",
            # the body's remedy judged enough: "its offer is proportionate", "the apology and
            # payment were a fair remedy"
            rf"\b(?:offer|remedy|action|apology|payment|response|steps|refund|redress)s? "
            rf"{_W}{{0,6}}(?:is|was|are|were) (?:a |an )?(?:suitable|appropriate|proportionate"
            rf"|reasonable|fair|adequate|sufficient|enough)\b",
            r"\b(?:suitable|appropriate|proportionate|adequate|sufficient|fair) (?:offer|apology"
            r"|payment|redress|response|action|steps)\b",
            # the body has put it right itself: "the Council has apologised", "it has since
            # cancelled the penalty", "already put things right"
            r"\b(?:Council|Authority|Provider|Home|Trust|organisation|it|they) (?:has|have) (?:now "
            r"|since |also )?(?:apologi[sz]ed|remedied|refunded|reimbursed|cancelled|waived)\b",
            r"\b(?:has|have|had) (?:now |already |since |also )?(?:put|set) (?:things|this|it"
            r"|matters|the matter) right\b",
            r"\bno further (?:remedy|action) (?:is |was )?(?:needed|required|necessary"
            r"|warranted)")),
            # the body gave money back or undid what was complained of, or offered to: "the
            # Council refunded the fee", "it has since withdrawn the penalty", "it cancelled the
            # invoice", "it has offered to reassess her"
            Phrase(any_of(
                rf"\b(?:Council|Authority|Provider|Home|Trust|organisation|it|they) (?:(?:had )?"
                rf"(?:now |since |also |then |later |subsequently )?(?:refunded|reimbursed"
                rf"|waived)\b|(?:has |have |had )?(?:now |since |already |also |then |later "
                rf"|subsequently |quickly |promptly )?(?:withdr[ea]w\w*|cancell?ed|revoked"
                rf"|rescinded|reversed|removed|written off|wrote off) {_W}{{0,3}}(?:penalty"
                rf"|charge|PCN|notice|invoice|bill|fees?|fines?|debt|arrears|summons|liability "
                rf"order|warrant|demand|decision|sanction|ban|warning|restriction|surcharge"
                rf"|overpayment)s?\b|(?:has |have |had )?(?:now |since |already |subsequently )?"
                rf"(?:agreed|offered|decided) to (?:apologi[sz]e|pay|refund|reimburse|waive"
                rf"|cancel|withdraw|reassess|review|reconsider|remove|correct|backdate|reinstate"
                rf"|write off)\b)"),
                needles=("refunded", "reimbursed", "waived", "withdr", "cancel", "revoked",
                         "rescinded", "reversed", "removed", "written off", "wrote off",
                         "agreed to", "offered to", "decided to")),
            # it accepted the fault and put it right: "accepted it had made an error and
            # apologised"
            Phrase(any_of(
                r"\b(?:accepted|acknowledged|admitted) (?:that )?(?:it|there) (?:was|were|had "
                r"been|had) (?:at fault|fault|an? (?:error|mistake|delay)|failings?|made (?:an? )?"
                r"(?:error|mistake))\b[^.]{0,60}\b(?:apologi[sz]ed|offered|agreed|refunded|paid)"),
                needles=("accepted", "acknowledged", "admitted")),
            # the body's offer or action is enough: "enough to acknowledge the injustice"
            Phrase(any_of(
                r"\b(?:enough|sufficient|adequate|appropriate) to (?:remedy|put (?:it|things|this"
                r"|matters) right|acknowledge|reflect|recognise|address) (?:the|any|this|that"
                r"|his|her|their|Mr|Mrs|Ms|Miss)\b"),
                needles=("enough to", "sufficient to", "adequate to", "appropriate to")),
            # nothing left to gain: "we could not achieve anything more for Mr X"
            Phrase(any_of(r"\bachieve (?:anything |something |much |significantly )?more\b"
                          r"(?! than)"), needles=("achieve",))),
        needles=("than", "already", "remed", "action", "response", "steps", "in line with",
                 "satisfied", "what we would", "agreed to", "offer", "apolog", "payment",
                 "refund", "redress", "right", "cancelled", "waived", "reimbursed"),
        support=cue(r"\b(?:already|offered|remed\w+|apologi\w+|put (?:it|things)"
                    r" right|more than)\b"),
        # DOMAIN gives s24A(7) (s30(1B)/s34H(1) after investigating); assessment statements
        # ("unlikely to achieve more than the Council has offered") cite the general s24A(6)
        grounds=("s24A(7)", "s30(1B)", "s34H(1)") + DISCRETION),
)
