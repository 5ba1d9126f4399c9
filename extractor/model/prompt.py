"""What to ask the model about one document, and the messages that ask it.

``plan_questions(facts, ctx, scope)`` returns the questions the rules leave open:
``"gaps"``, fields the rules left empty; ``"codes"`` (the settings' default), those plus the list
questions the rules answered only in part (reasons and remedy kinds they may have missed; the
reasons question then offers only the sentences no rule reason came from); ``"all"``, every
question that applies (to compare the model with the rules). Each question carries its prompt
(a file in ``prompts/`` filled with the deterministic facts and the document's own sentences,
numbered from 1), its answer model (``answers.py``: the model answers with sentence numbers and
codes, never with document text) and the validation context. Only the parts that matter are
sent: the Summary, My assessment / What I found, Agreed action and Final decision, a bounded
number of sentences within a character budget. ``prompt_sha()`` hashes the ``prompts/`` files;
every record carries it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

from pydantic import BaseModel

from extractor.errors import ConfigError
from extractor.facts.extract import Context
from extractor.facts.patterns import find_amounts, iter_sentences
from extractor.model import answers
from extractor.model.policy import RULES, Policy
from extractor.models import Decision
from extractor.read.clean import Cleaned
from extractor.vocab.referrals import REFERRALS

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
SCOPES = ("gaps", "codes", "all")
# Where each question looks, in the order sentences are offered (Summary first).
REASON_PARTS = ("summary", "final_decision", "assessment")
REMEDY_PARTS = ("summary", "agreed_action", "final_decision", "assessment", "what_found")
STATUS_PARTS = ("summary", "final_decision")
MAX_SENTENCES = 8
MAX_CHARS = 1400          # sentence budget per question (the prompt stays short)
# A field the policy trusts to the model is asked with more of the decision, and more items.
TRUSTED_MAX_SENTENCES, TRUSTED_MAX_CHARS = 14, 3000
TRUSTED_MAX_ITEMS = {"reasons": 4, "remedies": 6, "referrals": 3}
MIN_SENTENCE_CHARS = 15
# Completion tokens per listed item (a sentence number and a code), and for the JSON around.
TOKENS_PER_ITEM, TOKENS_OVERHEAD = 40, 30


@dataclass(frozen=True)
class Question:
    """One request to the model: which fields, what to send, how to check the answer."""

    name: str
    response_model: type[BaseModel]
    messages: list[dict[str, str]]
    context: dict[str, Any]
    max_tokens: int
    sentences: tuple[str, ...] = field(default=())


@cache
def load_prompt(name: str) -> str:
    path = PROMPTS_DIR / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        raise ConfigError(f"prompt file {path} is missing (prompts/ ships with the "
                          "project; reinstall it)") from None


def prompt_sha() -> str:
    """Hash of every file in ``prompts/`` (names and contents): the prompt version."""
    digest = hashlib.sha256()
    for path in sorted(PROMPTS_DIR.glob("*")):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def guidance(name: str) -> dict[str, str]:
    """``code: guidance`` lines of a prompts/ file, in file order."""
    lines = (ln.partition(":") for ln in load_prompt(name).splitlines() if ":" in ln)
    return {code.strip(): text.strip() for code, _, text in lines}


def candidate_sentences(ctx: Context, parts: tuple[str, ...],
                        max_sentences: int = MAX_SENTENCES, max_chars: int = MAX_CHARS
                        ) -> tuple[str, ...]:
    """Distinct sentences of the named parts, in part order, within the budgets."""
    out: list[str] = []
    used = 0
    for start, end in ctx.ranges(*parts, name_order=True):
        for s, e in iter_sentences(ctx.text, start, end):
            sentence = _clip(ctx.text[s:e])
            if len(sentence) < MIN_SENTENCE_CHARS or sentence in out:
                continue
            if len(out) >= max_sentences or used + len(sentence) > max_chars:
                return tuple(out)
            out.append(sentence)
            used += len(sentence)
    return tuple(out)


def _clip(sentence: str) -> str:
    """A long sentence cut at a word boundary (still a substring of the text)."""
    if len(sentence) <= answers.MAX_SENTENCE_CHARS:
        return sentence
    return sentence[:answers.MAX_SENTENCE_CHARS].rsplit(" ", 1)[0]


# The facts each prompt is given: only what bears on its question (fewer tokens to read).
FACT_LINES = {"reasons.txt": ("outcome", "status", "cited", "reasons"),
              "referrals.txt": ("outcome", "status", "cited", "reasons"),
              "remedies.txt": ("outcome", "status", "remedies", "payments"),
              "payments.txt": ("outcome", "remedies", "payments"),
              "status.txt": ("outcome", "status", "cited")}
ALL_FACTS = ("outcome", "status", "cited", "reasons", "remedies", "payments")


def facts_summary(facts: Decision, lines: tuple[str, ...] = ALL_FACTS) -> str:
    """The deterministic facts the model is given, one line each (``lines``: which)."""
    def yn(value: bool | None) -> str:
        return "unknown" if value is None else "yes" if value else "no"

    known = {"outcome": f"- outcome: {(facts.outcome or 'unknown').replace('_', ' ')}",
             "status": f"- investigated: {yn(facts.investigated)}; fault found: "
                       f"{yn(facts.fault_found)}",
             "cited": f"- cited: {', '.join(c.canonical for c in facts.citations) or 'none found'}",
             "reasons": f"- reasons found: {', '.join(r.code for r in facts.reasons) or 'none'}",
             "remedies": f"- remedies found: {', '.join(facts.remedy_kinds) or 'none'}"}
    if facts.payments:
        known["payments"] = "- payments found: " + ", ".join(
            f"£{p.amount_gbp:g} ({p.status or 'status unknown'})" for p in facts.payments)
    return "\n".join(known[name] for name in lines if name in known)


def render(template: str, facts: Decision, sentences: tuple[str, ...],
           options: dict[str, str] | None = None, max_items: int = 0) -> list[dict[str, str]]:
    """One user message (template-less servers drop system messages). Static text first,
    then the document's facts and sentences, so consecutive questions of one kind share their
    prompt's start and the embedded server evaluates only what follows it."""
    text = Template(load_prompt(template)).substitute(
        facts=facts_summary(facts, FACT_LINES.get(template, ALL_FACTS)),
        sentences=numbered(sentences), max_items=max_items,
        options="\n".join(f"- {k}: {v}" for k, v in (options or {}).items()))
    return [{"role": "user", "content": text.strip()}]


def numbered(sentences: tuple[str, ...]) -> str:
    """The offered sentences as the model sees them: ``1. ...``, one a line (the numbers are
    what it answers with)."""
    return "\n".join(f"{n}. {s}" for n, s in enumerate(sentences, 1))


def validation_context(facts: Decision, cleaned: Cleaned) -> dict[str, Any]:
    return {"cited": frozenset(c.canonical for c in facts.citations),
            "amounts": frozenset(a for a, _s, _e in find_amounts(cleaned.text)),
            "outcome": facts.outcome}


@dataclass(frozen=True)
class Doc:
    """One document as the planners see it."""

    facts: Decision
    ctx: Context
    scope: str = "gaps"
    max_tokens: int = 512
    policy: Policy = RULES

    def trusted(self, name: str) -> bool:
        """The policy trusts the model's answer for this field (mode ``model``)."""
        return self.policy.trusts(name, "model")

    def sentences(self, parts: tuple[str, ...], trusted: bool = False) -> tuple[str, ...]:
        if trusted:
            return candidate_sentences(self.ctx, parts, TRUSTED_MAX_SENTENCES,
                                       TRUSTED_MAX_CHARS)
        return candidate_sentences(self.ctx, parts)

    def rule_reason_in(self, sentence: str) -> bool:
        """Whether a reason the rules found was read from this sentence."""
        found = self.ctx.cleaned.find_source(sentence)
        return found is not None and self.facts.rule_reason_at(*found) is not None

    def question(self, name: str, model: type[BaseModel], messages: list[dict[str, str]],
                 items: int, sentences: tuple[str, ...], per_item: int = TOKENS_PER_ITEM
                 ) -> Question:
        budget = min(self.max_tokens, TOKENS_OVERHEAD + items * per_item)
        return Question(name, model, messages, validation_context(self.facts, self.ctx.cleaned),
                        budget, sentences)


def plan_questions(facts: Decision, ctx: Context, scope: str = "gaps",
                   max_tokens: int = 512, policy: Policy = RULES) -> list[Question]:
    """The questions to ask for this document (none when the rules settled everything). A
    field the policy puts in mode ``model`` is asked whatever the rules found."""
    if scope not in SCOPES:
        raise ConfigError(f"unknown model scope {scope!r}; choose one of {', '.join(SCOPES)}")
    doc = Doc(facts, ctx, scope, max_tokens, policy)
    planned = (reasons_question(doc), referrals_question(doc), remedies_question(doc),
               payments_question(doc), status_question(doc))
    return [q for q in planned if q is not None]


def reasons_question(doc: Doc, max_items: int = 2) -> Question | None:
    f = doc.facts
    trusted = doc.trusted("reasons")
    if trusted:  # asked unless the decision was investigated
        max_items = TRUSTED_MAX_ITEMS["reasons"]
        if f.investigated and f.outcome != "closed_after_initial_enquiries":
            return None
    elif not (f.investigated is False or f.outcome == "closed_after_initial_enquiries"):
        return None
    sentences = doc.sentences(REASON_PARTS, trusted)
    if doc.scope == "codes" and not trusted:
        sentences = tuple(s for s in sentences if not doc.rule_reason_in(s))
    if not sentences or (doc.scope == "gaps" and f.reasons and not trusted):
        return None
    cited = {c.canonical for c in f.citations}
    codes = {code: text for code, text in guidance("reason_codes.txt").items()
             if trusted or not (cited and answers.citation_conflict(code, cited))}
    model = answers.reasons_model(sentences, tuple(codes), max_items)
    question = doc.question("reasons", model, render("reasons.txt", f, sentences, codes,
                                                     max_items), max_items, sentences)
    if trusted:  # a trusted answer the citations contradict is kept with an issue (merge.py)
        return replace(question, context={**question.context, "cited": frozenset()})
    return question


def referrals_question(doc: Doc, max_items: int = 2) -> Question | None:
    """The bodies the complainant is pointed to: asked only when the policy takes the model's
    answers for ``referred_to`` beyond the rules (``grounded`` or ``model``)."""
    mode = doc.policy.mode("referred_to")
    if mode == "rules":
        return None
    trusted = mode == "model"
    max_items = TRUSTED_MAX_ITEMS["referrals"] if trusted else max_items
    sentences = doc.sentences(REASON_PARTS, trusted)
    if not sentences:
        return None
    codes = {r.code: r.description for r in REFERRALS}
    model = answers.referrals_model(sentences, tuple(codes), max_items)
    return doc.question("referrals", model, render("referrals.txt", doc.facts, sentences, codes,
                                                   max_items), max_items, sentences)


def remedies_question(doc: Doc, max_items: int = 3) -> Question | None:
    f = doc.facts
    trusted = doc.trusted("remedy_kinds")  # asked of every decision
    if trusted:
        max_items = TRUSTED_MAX_ITEMS["remedies"]
    elif not (f.outcome == "upheld" or doc.ctx.seg.section("agreed_action")):
        return None
    sentences = doc.sentences(REMEDY_PARTS, trusted)
    if not sentences or (doc.scope == "gaps" and f.remedy_kinds and not trusted):
        return None
    kinds = guidance("remedy_kinds.txt")
    model = answers.remedies_model(sentences, tuple(kinds), max_items)
    return doc.question("remedies", model, render("remedies.txt", f, sentences, kinds,
                                                  max_items), max_items, sentences)


def payments_question(doc: Doc, max_items: int = 3) -> Question | None:
    """Status and purpose of the amounts the rules found (the model never adds amounts)."""
    f = doc.facts
    open_ = [p for p in f.payments if p.status is None or p.purpose is None]
    every = doc.scope == "all" or doc.trusted("payment_status") or doc.trusted("payment_purpose")
    if not f.payments or (not every and not open_):
        return None
    sentences = tuple(s for s in doc.sentences(REMEDY_PARTS) if "£" in s)
    if not sentences:
        return None
    amounts = tuple(sorted({a for a, _s, _e in find_amounts(" ".join(sentences))}))
    return doc.question("payments", answers.payments_model(amounts, max_items),
                        render("payments.txt", f, sentences), max_items, sentences,
                        per_item=40)


def status_question(doc: Doc) -> Question | None:
    f = doc.facts
    ask = tuple(name for name, value in (("investigated", f.investigated),
                                         ("fault_found", f.fault_found))
                if doc.scope == "all" or value is None or doc.trusted(name))
    if f.investigated is False and doc.scope != "all" and not doc.trusted("fault_found"):
        ask = tuple(a for a in ask if a != "fault_found")  # not investigated: no finding
    sentences = doc.sentences(STATUS_PARTS)
    if not ask or not sentences:
        return None
    return doc.question("status", answers.status_model(sentences, ask),
                        render("status.txt", f, sentences), 1, sentences)
