"""The pipeline: load -> clean -> segment -> facts -> model pass -> merge -> check -> record."""

from __future__ import annotations

import time
from typing import Protocol

from extractor.clean import Cleaned, clean_text
from extractor.facts import extract_facts
from extractor.load import Document
from extractor.models import Decision, Issue
from extractor.rules import check_decision
from extractor.segment import Segmented, segment


class ModelPass(Protocol):
    """A backend that refines the deterministic record (see ``extractor.llm``)."""

    name: str
    model: str | None
    prompt_sha: str | None

    def refine(self, facts: Decision, doc: Document, cleaned: Cleaned,
               seg: Segmented) -> Decision: ...


def deterministic_pass(doc: Document) -> tuple[Decision, Cleaned, Segmented]:
    cleaned = clean_text(doc.text)
    seg = segment(cleaned.text)
    return extract_facts(doc, cleaned, seg), cleaned, seg


def run_one(doc: Document, model_pass: ModelPass | None = None) -> Decision:
    """Extract one document into a checked record. Never raises for bad content."""
    started = time.perf_counter()
    record, cleaned, seg = deterministic_pass(doc)
    if model_pass is not None:
        record = model_stage(record, doc, cleaned, seg, model_pass)
    finish(record, doc, started)
    return record


def model_stage(record: Decision, doc: Document, cleaned: Cleaned, seg: Segmented,
                model_pass: ModelPass) -> Decision:
    """The model pass on a deterministic record (the batch runner calls it in a worker)."""
    refined = model_pass.refine(record, doc, cleaned, seg)
    stamp_backend(refined, model_pass)
    return refined


def stamp_backend(record: Decision, model_pass: ModelPass) -> None:
    record.meta.backend = model_pass.name
    record.meta.model = model_pass.model
    record.meta.prompt_sha = model_pass.prompt_sha


def finish(record: Decision, doc: Document, started: float) -> Decision:
    """Fill ``meta`` and run the rules (also used by the batch runner)."""
    record.meta.source = doc.source
    record.meta.url = doc.url
    record.meta.id = doc.id
    record.meta.source_sha256 = doc.sha256
    record.issues.extend(Issue(rule="input_decoding", severity="info", field=None, message=n)
                         for n in doc.notes)
    record.issues.extend(check_decision(record, doc.text))
    record.meta.seconds = round(time.perf_counter() - started, 4)
    return record
