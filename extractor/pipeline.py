"""The pipeline: load -> clean -> segment -> facts -> model pass -> merge -> check -> record."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from extractor.facts.extract import Context, extract_facts
from extractor.model.policy import RULES, Policy
from extractor.models import Decision, Issue
from extractor.read.clean import clean_text
from extractor.read.inputs import Item, expand, iter_items
from extractor.read.load import DEFAULT_MAX_BYTES, Document
from extractor.read.segment import segment
from extractor.rules import check_decision
from extractor.rules.policy import INPUT_DECODING, NOTED_SEVERITY

if TYPE_CHECKING:  # the model stage's client code (openai, instructor) loads only when used
    from extractor.model.llm import ModelPass


def deterministic_pass(doc: Document) -> tuple[Decision, Context]:
    """The facts of a document, and the context (its cleaned text and sections) that the
    model stage reads it in: one Context through the pipeline."""
    cleaned = clean_text(doc.text)
    ctx = Context(doc, cleaned, segment(cleaned.text))
    return extract_facts(ctx), ctx


def run_one(doc: Document, model_pass: ModelPass | None = None) -> Decision:
    """Extract one document into a checked record. Never raises for bad content."""
    started = time.perf_counter()
    record, ctx = deterministic_pass(doc)
    if model_pass is not None:
        record = model_stage(record, ctx, model_pass)
    finish(record, doc, started)
    return record


def run_many(inputs: Iterable[str], model_pass: ModelPass | None = None,
             max_bytes: int = DEFAULT_MAX_BYTES,
             starting: Callable[[Item], None] | None = None
             ) -> Iterator[tuple[Item, Decision | None]]:
    """Every document named by ``inputs`` (files, folders, globs, JSON Lines, ``-``: the one
    input path of ``extract``, ``eval`` and ``batch``) with its record, in order; an unreadable
    input comes with ``None`` and its ``item.error``. ``starting`` is told of each document
    before it runs (progress)."""
    for item in iter_items(expand(inputs), max_bytes):
        if item.doc is None:
            yield item, None
            continue
        if starting is not None:
            starting(item)
        yield item, run_one(item.doc, model_pass)


def model_stage(record: Decision, ctx: Context, model_pass: ModelPass) -> Decision:
    """The model stage on a deterministic record (the batch runner calls it in a worker):
    plan the questions the rules leave open, ask them, merge the supported answers. (Its
    modules load with the first model decision: a run without a model never needs them.)"""
    from extractor.model.merge import merge
    from extractor.model.prompt import plan_questions

    settings = model_pass.settings
    policy = policy_of(model_pass)
    questions = plan_questions(record, ctx, settings.model_scope, settings.max_tokens, policy)
    asked = model_pass.ask_all(record, ctx.doc, questions)
    refined = merge(record, ctx, asked.answers, asked.failures, policy)
    asked.stamp(refined)
    refined.meta.questions += len(questions)
    stamp_backend(refined, model_pass)
    return refined


def question_kinds(record: Decision, ctx: Context, model_pass: ModelPass) -> tuple[str, ...]:
    """The kinds of question the model stage will ask about this record, in order."""
    from extractor.model.prompt import plan_questions

    settings = model_pass.settings
    return tuple(q.name for q in plan_questions(record, ctx, settings.model_scope,
                                                settings.max_tokens, policy_of(model_pass)))


def policy_of(model_pass: ModelPass) -> Policy:
    """The pass's trust policy (``rules`` for a pass that has none)."""
    return getattr(model_pass, "policy", RULES)


def stamp_backend(record: Decision, model_pass: ModelPass) -> None:
    from extractor.model.prices import cost_usd

    record.meta.backend = model_pass.name
    record.meta.model = model_pass.model
    record.meta.prompt_sha = model_pass.prompt_sha
    record.meta.policy = policy_of(model_pass).sha
    usage = record.meta.usage
    record.meta.cost_usd = cost_usd(model_pass.name, model_pass.model, usage.prompt_tokens,
                                    usage.completion_tokens)


def finish(record: Decision, doc: Document, started: float) -> Decision:
    """Fill ``meta`` and run the rules (also used by the batch runner)."""
    record.meta.source = doc.source
    record.meta.url = doc.url
    record.meta.id = doc.id
    record.meta.source_sha256 = doc.sha256
    record.issues.extend(Issue(rule=INPUT_DECODING, severity=NOTED_SEVERITY[INPUT_DECODING],
                                 field=None, message=n)
                         for n in doc.notes)
    record.issues.extend(check_decision(record, doc.text))
    record.meta.seconds = round(time.perf_counter() - started, 4)
    return record
