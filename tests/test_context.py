"""One Context through the pipeline: the facts, the questions and the merge read a document
through the same object, so a page without a Summary line or sections (an older summary page)
is all summary after its header for the model's questions too, as it is for the rules."""

from __future__ import annotations

from extractor.model.prompt import plan_questions
from extractor.pipeline import deterministic_pass
from extractor.read.load import Document

# An older summary page: a title and a date, then the text, with no "Summary:" and no headings.
OLD_PAGE = """Eastvale Borough Council (21 004 321)
Decision date : 05 Mar 2021
We will not investigate Mr B's complaint about the council tax band of his flat.
He can appeal to the Valuation Tribunal, which is better placed to decide the band.
"""
BODY = ["We will not investigate Mr B's complaint about the council tax band of his flat.",
        "He can appeal to the Valuation Tribunal, which is better placed to decide the band."]


def test_a_page_without_sections_offers_its_body_to_the_model():
    record, ctx = deterministic_pass(Document(OLD_PAGE, "old.txt"))
    assert not ctx.seg.sections and "summary" not in ctx.seg.header
    offered = {q.name: q.sentences for q in plan_questions(record, ctx, "all")}
    assert list(offered["status"]) == BODY


def test_the_source_span_of_an_offered_sentence_is_its_place_in_the_input():
    _record, ctx = deterministic_pass(Document(OLD_PAGE, "old.txt"))
    span = ctx.source_span(BODY[1])
    assert span is not None and OLD_PAGE[span.start:span.end] == span.text == BODY[1]
    assert ctx.source_span("A sentence the page does not hold.") is None
