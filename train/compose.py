"""Compose LGSCO-style decisions with their labels, by construction (no corpus text).

``compose(rng)`` returns a ``Composed``: the decision text and what it states — the reason
code of each reason sentence, the remedy kind of each remedy sentence, payments (amount,
status, purpose), investigated / fault found and the sentence that shows them. Outcomes:
closed after initial enquiries, upheld (investigated or at assessment), not upheld. Formats:
full header, header-less, mirror-like start; numbered, dashed or bare paragraphs; straight or
curly apostrophes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from types import ModuleType

from train import phrases as ph

BODIES = ["Anytown Borough Council", "Northshire County Council", "Riverside District Council",
          "London Borough of Eastfield", "Westvale City Council", "Hillside Metropolitan "
          "Borough Council"]
PEOPLE = ["Mr X", "Mrs X", "Ms X", "Miss X", "Mr B", "Mrs C", "Ms D", "Mr F"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
OUTCOMES = ("closed_after_initial_enquiries", "upheld", "not_upheld")
HEADER_OF = {"closed_after_initial_enquiries": "Closed after initial enquiries",
             "upheld": "Upheld", "not_upheld": "Not upheld"}


@dataclass
class Composed:
    text: str
    outcome: str
    investigated: bool
    fault_found: bool | None
    status_sentence: str
    reasons: list[tuple[str, str]] = field(default_factory=list)      # (sentence, code)
    remedies: list[tuple[str, str]] = field(default_factory=list)     # (sentence, kind)
    payments: list[tuple[str, float, str, str]] = field(default_factory=list)
    page: dict[str, object] = field(default_factory=dict)  # what _page printed (for gold rows)


@dataclass
class Ctx:
    rng: random.Random
    p: str
    b: str
    t: str
    bank: ModuleType = ph

    def fill(self, template: str) -> str:
        text = template.format(p=self.p, b=self.b, t=self.t, amt="{amt}")
        return text[0].upper() + text[1:]


def compose(rng: random.Random, bank: ModuleType = ph) -> Composed:
    """A decision and its labels; ``bank`` is the phrase module (``train.phrases`` for
    training, ``train.phrases_unseen`` for measuring on wordings never trained on)."""
    outcome = rng.choices(OUTCOMES, weights=(5, 3, 2))[0]
    top, sub, topic = rng.choice(bank.TOPICS)
    ctx = Ctx(rng, rng.choice(PEOPLE), "the Council", "", bank)
    ctx.t = topic.format(p=ctx.p, b=ctx.b)
    build = {"closed_after_initial_enquiries": _closed, "upheld": _upheld,
             "not_upheld": _not_upheld}[outcome]
    composed, sections, citations = build(ctx)
    composed.text, composed.page = _page(ctx, outcome, top, sub, sections, citations)
    return curly(composed) if rng.random() < 0.4 else composed


def curly(c: Composed) -> Composed:
    """The same decision with curly apostrophes (copied pages have them), labels included."""
    def q(s: str) -> str:
        return s.replace("'", "\u2019")

    return Composed(q(c.text), c.outcome, c.investigated, c.fault_found, q(c.status_sentence),
                    [(q(s), code) for s, code in c.reasons],
                    [(q(s), kind) for s, kind in c.remedies],
                    [(q(s), a, st, pu) for s, a, st, pu in c.payments], c.page)


def _closed(ctx: Ctx) -> tuple[Composed, list[tuple[str, list[str]]], list[str]]:
    rng = ctx.rng
    codes = rng.sample(sorted(ctx.bank.REASONS), k=rng.choice((1, 1, 2)))
    said = [(ctx.fill(rng.choice(ctx.bank.REASONS[c])), c) for c in codes]
    lead = ctx.fill(rng.choice(ctx.bank.CLOSE_LEADS).replace("{t}", ctx.t))
    summary = [lead] + ([said[0][0]] if rng.random() < 0.6 else [])
    assessment = _mix(rng, [s for s, _ in said], _background(ctx, 2))
    final = [ctx.fill("We will not investigate {p}'s complaint.")]
    bank = ctx.bank
    citations = sorted({bank.CITATION.get(c, bank.DISCRETION) for c in codes} | {bank.DISCRETION})
    composed = Composed("", "closed_after_initial_enquiries", False, None, lead, said)
    return composed, [("Summary", summary), ("The complaint", _background(ctx, 2)),
                      ("My assessment", assessment), ("Final decision", final)], citations


def _upheld(ctx: Ctx) -> tuple[Composed, list[tuple[str, list[str]]], list[str]]:
    rng = ctx.rng
    finding = ctx.fill(rng.choice(ctx.bank.FAULT_FOUND))
    kinds = rng.sample(sorted(ctx.bank.REMEDIES), k=rng.choice((1, 2, 2, 3)))
    remedies = [(ctx.fill(rng.choice(ctx.bank.REMEDIES[k])), k) for k in kinds]
    payments = []
    if rng.random() < 0.7:
        wording, status, purpose = rng.choice(ctx.bank.PAYMENTS)
        amount = rng.choice(ctx.bank.AMOUNTS)
        sentence = ctx.fill(wording).replace("{amt}", amount)
        value = float(amount.strip("£").replace(",", ""))
        payments.append((sentence, value, status, purpose))
        remedies.append((sentence, "payment"))
    rng.shuffle(remedies)
    summary = [finding, remedies[0][0]]
    action = [s for s, _ in remedies]
    final = [ctx.fill("I have completed my investigation. There was fault by {b} which "
                      "caused injustice.")]
    composed = Composed("", "upheld", True, True, finding, reasons=[], remedies=remedies,
                        payments=payments)
    citations = ["(Local Government Act 1974, sections 26(1) and 26A(1), as amended)"]
    return composed, [("Summary", summary), ("The complaint", _background(ctx, 2)),
                      ("What I found", _mix(rng, [finding], _background(ctx, 2))),
                      ("Agreed action", action), ("Final decision", final)], citations


def _not_upheld(ctx: Ctx) -> tuple[Composed, list[tuple[str, list[str]]], list[str]]:
    rng = ctx.rng
    finding = ctx.fill(rng.choice(ctx.bank.NO_FAULT).replace("{t}", ctx.t))
    summary = [ctx.fill("{p} complained about " + ctx.t + "."), finding]
    final = [ctx.fill("I have completed my investigation. {b} was not at fault.")]
    composed = Composed("", "not_upheld", True, False, finding)
    citations = ["(Local Government Act 1974, sections 26(1) and 26A(1), as amended)"]
    return composed, [("Summary", summary), ("The complaint", _background(ctx, 2)),
                      ("What I found", _background(ctx, 3)), ("Final decision", final)], \
        citations


def _background(ctx: Ctx, n: int) -> list[str]:
    return [ctx.fill(s.replace("{t}", ctx.t)) for s in ctx.rng.sample(ctx.bank.BACKGROUND, k=n)]


def _mix(rng: random.Random, labelled: list[str], other: list[str]) -> list[str]:
    out = other + labelled
    rng.shuffle(out)
    return out


def _page(ctx: Ctx, outcome: str, top: str, sub: str, sections: list[tuple[str, list[str]]],
          citations: list[str]) -> tuple[str, dict[str, object]]:
    """The page text, and what its header showed (style, reference, body, category, date)."""
    rng = ctx.rng
    year = rng.randint(21, 25)
    ref = f"{year} {rng.randint(1, 24):03d} {rng.randint(0, 999):03d}"
    date = f"{rng.randint(1, 28):02d} {rng.choice(MONTHS[4:])} {2000 + year}"
    style = rng.choice(("full", "full", "headerless", "mirror"))
    lines = []
    page: dict[str, object] = {"style": style, "reference": ref, "complainant": ctx.p,
                               "date": f"{2000 + year}-{MONTHS.index(date.split()[1]) + 1:02d}"
                                       f"-{date.split()[0]}"}
    if style != "mirror":
        page["body"] = rng.choice(BODIES)
        lines.append(f"{page['body']} ({ref})")
    if style == "full":
        lines += [f"Category : {top} > {sub}", f"Decision : {HEADER_OF[outcome]}",
                  f"Decision date : {date}"]
    lines.append("The Ombudsman's final decision:")
    bullet = rng.choice(("num", "dash", "bare"))
    n = 0
    for name, sentences in sections:
        if name == "Summary":
            lines.append("Summary: " + " ".join(sentences))
            lines += ["The Ombudsman's role and powers",
                      "We investigate complaints about 'maladministration' and 'service "
                      "failure'. " + " ".join(citations)]
            continue
        lines.append(name)
        for sentence in sentences:
            n += 1
            mark = {"num": f"{n}. ", "dash": "- ", "bare": ""}[bullet]
            lines.append(mark + sentence)
    lines.append("Investigator's decision on behalf of the Ombudsman")
    return "\n".join(lines) + "\n", page
