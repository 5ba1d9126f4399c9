"""The data dictionary of the tidy tables: field, type, meaning and vocabulary of every column.

Columns and types are read from the store's schema (so the dictionary cannot miss a column a
migration added: a test fails when a column has no meaning here); vocabularies come from the
same constants the extractor and its rules use.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from extractor.facts.taxonomy import CATEGORIES
from extractor.models import OUTCOMES, PAYMENT_STATUSES, SEVERITIES
from extractor.rules.policy import ISSUE_IDS
from extractor.store.tidy import PURPOSE_KIND_NAMES, RECORD_STATUSES, TIDY_TABLES
from extractor.vocab import REASON_CODES, REFERRED_TO_CODES, REMEDY_KINDS

# SQLite declared type -> the type named in the dictionary and used by the exports.
TYPES = {"INTEGER": "integer", "REAL": "number", "TEXT": "string", "BOOLEAN": "boolean"}
# Text columns that hold an ISO date (YYYY-MM-DD): type "date" (a date in Parquet).
DATE_COLUMNS = {("decisions", "decision_date")}

KEYS = {
    "result_id": "the stored result (results.id) this decision comes from; joins every table",
    "position": "the item's index in the record's list (0 = first)",
    "span_start": "start offset of the quote in the loaded input text",
    "span_end": "end offset (exclusive) of the quote in the loaded input text",
}
QUOTE = "the sentence of the decision the item rests on (a quote of the source)"
ORIGIN = "who found the item: rule (deterministic pass) or model (a grounded model answer)"

MEANINGS: dict[str, dict[str, str]] = {
    "decisions": {
        "run_id": "the run that wrote the result", "document_id": "documents.id of the input",
        "doc_key": "the input's identity (id:, url: or src:); one decision per key and "
                   "configuration", "config_sha": "hash of backend, model, prompt and schema",
        "status": "ok (no rule found an error or warning) or issues",
        "reference": "LGSCO case reference, YY SSS SSS[x]",
        "category_top": "top-level category of the decision page",
        "category_sub": "sub-category of the decision page",
        "outcome": "the decision as headed on the page", "decision_date": "the date of the "
        "decision: YYYY-MM-DD text in CSV and JSON Lines, a date in Parquet (null there when "
        "the page's date is not a real one: see the decision_date_invalid issue)",
        "decision_year": "the year of decision_date", "complainant": "the pseudonym (Mr X, …)",
        "investigated": "whether the Ombudsman investigated: true, false or null (not "
        "stated); a nullable boolean (pandas reads the Parquet file as its boolean dtype)",
        "fault_found": "whether fault was found: true, false or null (not decided or not "
        "stated); a nullable boolean like investigated",
        "summary": "the decision's own summary paragraph",
        "backend": "none, local or openai", "model": "the model that answered, if any",
        "prompt_sha": "hash of the prompt files", "schema_version": "record schema version",
        "questions": "questions put to the model", "attempts": "model answers received, "
        "re-asks included", "prompt_tokens": "prompt tokens spent",
        "completion_tokens": "completion tokens spent",
        "seconds": "seconds spent on the document", "source": "the input file or record",
        "url": "the decision page's URL, when given", "ext_id": "the input record's id",
        "source_sha256": "SHA-256 of the loaded input text",
    },
    "bodies": {"body": "a body complained about, as named on the page"},
    "reasons": {"code": "why the Ombudsman did not investigate (or stopped)",
                "evidence": QUOTE, "origin": ORIGIN},
    "referred_to": {"code": "a body the complainant is pointed to"},
    "payments": {"amount_gbp": "the sum in pounds as a decimal number, pence after the point "
                 "(a float64 in Parquet: 150.5 is £150.50)",
                 "status": "agreed, offered by the body, or recommended",
                 "purpose": "what the payment is for, as worded",
                 "purpose_kind": "purpose grouped by keywords (tidy.PURPOSE_KINDS)",
                 "evidence": QUOTE, "origin": ORIGIN},
    "remedy_kinds": {"kind": "a kind of remedy agreed or recommended"},
    "citations": {"canonical": "the provision cited, canonical form (LGA1974 s26(6)(c))",
                  "text": "the citation as written"},
    "other_acts": {"act": "another Act cited, as 'Name Year'"},
    "issues": {"id": "the issue's row id", "rule": "the rule (or model check) that fired",
               "severity": "error, warning or info", "field": "the record field concerned",
               "message": "what is wrong, in words"},
}

VOCABULARIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("decisions", "status"): RECORD_STATUSES,
    ("decisions", "category_top"): tuple(CATEGORIES),
    ("decisions", "outcome"): OUTCOMES,
    ("decisions", "backend"): ("none", "local", "openai"),
    ("reasons", "code"): REASON_CODES,
    ("reasons", "origin"): ("rule", "model"),
    ("payments", "status"): PAYMENT_STATUSES,
    ("payments", "purpose_kind"): PURPOSE_KIND_NAMES,
    ("payments", "origin"): ("rule", "model"),
    ("referred_to", "code"): REFERRED_TO_CODES,
    ("remedy_kinds", "kind"): REMEDY_KINDS,
    ("issues", "rule"): ISSUE_IDS,
    ("issues", "severity"): SEVERITIES,
}


@dataclass(frozen=True)
class Field:
    table: str
    field: str
    type: str
    meaning: str
    vocabulary: tuple[str, ...] = ()

    def as_row(self) -> dict[str, str]:
        return {"table": self.table, "field": self.field, "type": self.type,
                "meaning": self.meaning, "vocabulary": " | ".join(self.vocabulary)}


def columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """(name, dictionary type) of each column of ``table``, in table order."""
    return [(name, "date" if (table, name) in DATE_COLUMNS else TYPES.get(decl.upper(), "string"))
            for _, name, decl, *_ in conn.execute(f"PRAGMA table_info({table})")]


def meaning(table: str, name: str) -> str:
    return MEANINGS.get(table, {}).get(name) or KEYS.get(name, "")


def dictionary(conn: sqlite3.Connection) -> list[Field]:
    """Every column of every tidy table, described."""
    return [Field(table, name, kind, meaning(table, name), VOCABULARIES.get((table, name), ()))
            for table in TIDY_TABLES for name, kind in columns(conn, table)]


def markdown(fields: list[Field]) -> str:
    """The dictionary as a Markdown page, one table per tidy table."""
    lines = ["# Data dictionary", "", "Generated by `extractor export` from the store's schema."]
    for table in dict.fromkeys(f.table for f in fields):
        lines += ["", f"## {table}", "", "| field | type | meaning | vocabulary |",
                  "|---|---|---|---|"]
        lines += ["| " + " | ".join(_cell(v) for v in (f.field, f.type, f.meaning, ", ".join(
            f.vocabulary))) + " |" for f in fields if f.table == table]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
