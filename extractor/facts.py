"""Stage 4, facts: every field a rule can settle, each with its evidence span (no model code)."""

from __future__ import annotations

from extractor.clean import Cleaned
from extractor.load import Document
from extractor.models import Decision
from extractor.segment import Segmented


def extract_facts(doc: Document, cleaned: Cleaned, seg: Segmented) -> Decision:
    """The deterministic record of one document; spans index ``doc.text``."""
    return Decision()
