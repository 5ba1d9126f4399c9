"""What the model answers: one small pydantic model per question, built for each document.

No document text ever goes into the JSON Schema (the server's grammar): the question lists the
document's sentences by number (``prompt.py``) and the model answers with the *number* of a
sentence (``"sentence": 3``, an integer ``enum`` of the numbers offered) and a code. The quote
is then the project's own copy of that sentence (``item.quote``), grounded by construction and
never copied by the model. (llama-cpp-python 0.3.36's server dies on a grammar whose string
enum holds a double quote; decisions quote letters all the time.)

The schema is as tight as the facts allow: every sentence an ``enum`` of the numbers offered,
every code an ``enum`` of the codes the facts leave possible, every list bounded (``maxItems``)
and every free string capped (``maxLength``). A grammar-constrained server (llama.cpp with a
forced tool call) cannot step outside it; any other server is held to the same rules by the
validators (a number that was not offered is an error), which read the document through
instructor's ``context``:

- ``cited``: the canonical LGA 1974 citations found by the facts; a reason whose grounding
  provisions the decision does not cite contradicts the facts;
- ``amounts``: the £ amounts in the text; a payment of any other amount is an error;
- ``outcome``: the header outcome; a status answer that contradicts it is an error.

Each error message says how to fix the answer, because instructor sends it back to the model.
Repeated list items (small models loop) are dropped, not refused.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, field_validator

from extractor.facts.provisions import ungrounded
from extractor.models import PaymentStatus

MAX_SENTENCE_CHARS = 400  # an offered sentence is cut to this (prompt.py)
MAX_PURPOSE_CHARS = 60
YesNo = Literal["yes", "no", "unclear"]
SPACE_RUN_REGEX = re.compile(r"\s+")


def squash(text: str) -> str:
    return SPACE_RUN_REGEX.sub(" ", text).strip()


def _ctx(info: ValidationInfo) -> dict[str, Any]:
    return info.context or {}


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Quoting(_Answer):
    """An answer that names one of the offered sentences by its number."""

    offered: ClassVar[tuple[str, ...]] = ()  # the sentences listed, sentence n at [n - 1]
    sentence: int

    @field_validator("sentence")
    @classmethod
    def sentence_offered(cls, value: int) -> int:
        if not 1 <= value <= len(cls.offered):
            raise ValueError(f"sentence {value} is not in the list; give the number of one "
                             f"of the listed sentences (1 to {len(cls.offered)})")
        return value

    @property
    def quote(self) -> str:
        """The listed sentence this answer names (the project's own copy of it)."""
        return self.offered[self.sentence - 1]


class ReasonItem(_Quoting):
    @field_validator("code", check_fields=False)
    @classmethod
    def code_fits_citations(cls, code: str, info: ValidationInfo) -> str:
        cited = _ctx(info).get("cited")
        problem = citation_conflict(code, cited) if cited else None
        if problem:
            raise ValueError(problem)
        return code


class RemedyItem(_Quoting):
    pass


class PaymentItem(_Answer):
    @field_validator("amount_gbp", check_fields=False)
    @classmethod
    def amount_in_source(cls, amount: float, info: ValidationInfo) -> float:
        amounts = _ctx(info).get("amounts")
        if amounts is not None and amount not in amounts:
            listed = ", ".join(f"£{a:,.2f}".replace(".00", "") for a in sorted(amounts))
            raise ValueError(f"£{amount:,.2f} does not appear in the decision; the amounts it "
                             f"mentions are: {listed or 'none'}")
        return amount


class StatusAnswer(_Quoting):
    @field_validator("investigated", check_fields=False)
    @classmethod
    def investigated_fits_outcome(cls, value: str, info: ValidationInfo) -> str:
        expected = {"closed_after_initial_enquiries": "no", "not_upheld": "yes"}
        return _fits_outcome(value, expected.get(_ctx(info).get("outcome") or ""), "investigated")

    @field_validator("fault_found", check_fields=False)
    @classmethod
    def fault_fits_outcome(cls, value: str, info: ValidationInfo) -> str:
        expected = {"upheld": "yes", "not_upheld": "no"}
        return _fits_outcome(value, expected.get(_ctx(info).get("outcome") or ""), "fault_found")


def _fits_outcome(value: str, expected: str | None, name: str) -> str:
    if expected and value not in (expected, "unclear"):
        raise ValueError(f'"{value}" contradicts the decision\'s outcome, which means '
                         f'"{name}": "{expected}"')
    return value


def citation_conflict(code: str, cited: set[str] | frozenset[str]) -> str | None:
    """Why ``code`` contradicts the cited provisions (None when it does not)."""
    grounds = ungrounded(code, cited)
    if grounds is None:
        return None
    return (f"reason {code!r} rests on LGA 1974 {' or '.join(grounds)}, which this decision "
            f"does not cite; choose a reason that the cited provisions support")


def unique(items: list[Any]) -> list[Any]:
    """Items in order without repeats (small models repeat list items until cut off)."""
    seen, out = set(), []
    for item in items:
        key = item.model_dump_json()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _number_of(sentences: tuple[str, ...]) -> Any:
    """An integer field whose schema lists the sentence numbers offered (the grammar)."""
    return (int, Field(json_schema_extra={"enum": list(range(1, len(sentences) + 1))},
                       description="the number of a listed sentence"))


def _offering(model: type[BaseModel], sentences: tuple[str, ...]) -> type[BaseModel]:
    model.offered = sentences  # type: ignore[attr-defined]
    return model


def _dedupe(cls: type[BaseModel], items: list[Any]) -> list[Any]:
    return unique(items)


def _list_of(name: str, item: type[BaseModel], max_items: int, doc: str) -> type[BaseModel]:
    """``{"items": [item, ...]}``, at most ``max_items``, repeats dropped."""
    return create_model(
        name, __base__=_Answer, __doc__=doc,
        __validators__={"dedupe": field_validator("items")(classmethod(_dedupe))},
        items=(list[item], Field(..., max_length=max_items)))


def reasons_model(sentences: tuple[str, ...], codes: tuple[str, ...],
                  max_items: int = 2) -> type[BaseModel]:
    item = create_model("Reason", __base__=ReasonItem, sentence=_number_of(sentences),
                        code=(Literal[codes], ...))  # type: ignore[valid-type]
    _offering(item, sentences)
    return _list_of("Reasons", item, max_items, "Why the Ombudsman decided not to investigate.")


def referrals_model(sentences: tuple[str, ...], codes: tuple[str, ...],
                    max_items: int = 2) -> type[BaseModel]:
    item = create_model("Referral", __base__=_Quoting, sentence=_number_of(sentences),
                        code=(Literal[codes], ...))  # type: ignore[valid-type]
    _offering(item, sentences)
    return _list_of("Referrals", item, max_items, "The bodies the complainant is pointed to.")


def remedies_model(sentences: tuple[str, ...], kinds: tuple[str, ...],
                   max_items: int = 3) -> type[BaseModel]:
    item = create_model("Remedy", __base__=RemedyItem, sentence=_number_of(sentences),
                        kind=(Literal[kinds], ...))  # type: ignore[valid-type]
    _offering(item, sentences)
    return _list_of("Remedies", item, max_items, "What the body agreed or was asked to do.")


def payments_model(amounts: tuple[float, ...] = (), max_items: int = 3) -> type[BaseModel]:
    """``amounts``: the £ amounts of the offered sentences (the schema's enum, when known)."""
    listed = {"enum": list(amounts)} if amounts else None
    item = create_model("Payment", __base__=PaymentItem,
                        amount_gbp=(float, Field(ge=0, le=1_000_000, json_schema_extra=listed)),
                        status=(PaymentStatus, ...),
                        purpose=(str, Field(max_length=MAX_PURPOSE_CHARS)))
    return _list_of("Payments", item, max_items,
                    "Money the body paid, offered, agreed or was asked to pay.")


def status_model(sentences: tuple[str, ...], ask: tuple[str, ...]) -> type[BaseModel]:
    """``ask`` names the fields wanted: ``investigated`` and / or ``fault_found``."""
    fields: dict[str, Any] = {"sentence": _number_of(sentences)}
    fields.update({name: (YesNo, ...) for name in ask})
    return _offering(create_model("Status", __base__=StatusAnswer, __doc__="Whether the "
                                  "Ombudsman investigated and found fault.", **fields), sentences)
