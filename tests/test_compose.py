"""The composed decisions behind training and the unseen test corpus (train/): labels hold by
construction, and the unseen phrase bank shares no labelled wording with the training bank."""

from __future__ import annotations

import json
import random
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT))  # train/ is a folder of the repository, not of the package

from train import phrases, phrases_unseen  # noqa: E402
from train.compose import compose  # noqa: E402
from train.unseen import gold_of, write_corpus  # noqa: E402

BANKS = [pytest.param(phrases, id="train"), pytest.param(phrases_unseen, id="unseen")]


def _labelled(bank: object) -> set[str]:
    """Every template that states a label (reason, remedy, payment, fault finding)."""
    out: set[str] = set()
    for table in (bank.REASONS, bank.REMEDIES):  # type: ignore[attr-defined]
        out |= {s for wordings in table.values() for s in wordings}
    out |= {s for s, _, _ in bank.PAYMENTS}  # type: ignore[attr-defined]
    return out | set(bank.FAULT_FOUND) | set(bank.NO_FAULT)  # type: ignore[attr-defined]


def test_the_unseen_bank_shares_no_labelled_wording_with_the_training_bank() -> None:
    assert not _labelled(phrases) & _labelled(phrases_unseen)


def test_the_unseen_bank_covers_every_code_and_kind_of_the_training_bank() -> None:
    assert set(phrases_unseen.REASONS) == set(phrases.REASONS)
    assert set(phrases_unseen.REMEDIES) == set(phrases.REMEDIES)
    assert {s for _, s, _ in phrases_unseen.PAYMENTS} == {s for _, s, _ in phrases.PAYMENTS}


@pytest.mark.parametrize("bank", BANKS)
@pytest.mark.parametrize("seed", range(12))
def test_every_labelled_sentence_is_in_the_composed_text(bank: object, seed: int) -> None:
    c = compose(random.Random(seed), bank)  # type: ignore[arg-type]
    labelled = [s for s, _ in c.reasons] + [s for s, _ in c.remedies] + [c.status_sentence]
    assert all(s in c.text for s in labelled)
    assert all(f"£{a:,.0f}" in s for s, a, _, _ in c.payments)
    assert c.page["complainant"] in c.text
    assert (str(c.page["reference"]) in c.text) == (c.page["style"] != "mirror")


@pytest.mark.parametrize("seed", range(12))
def test_gold_rows_follow_what_the_page_shows(seed: int) -> None:
    c = compose(random.Random(seed), phrases_unseen)
    row = gold_of(c, "x.json", "Housing", "Homelessness")
    full = c.page["style"] == "full"
    assert (row["decision_date"] is not None) == full == (row["category_top"] is not None)
    assert row["outcome_source"] == ("header" if full else "wording")
    assert row["investigated"] == (c.outcome != "closed_after_initial_enquiries")
    assert row["reasons"] == sorted({code for _, code in c.reasons})
    if full:
        day, month, year = c.text.split("Decision date : ")[1].split()[:3]
        assert row["decision_date"].endswith(f"-{day}") and row["decision_date"][:4] == year


def test_write_corpus_writes_one_doc_per_gold_row(tmp_path: object) -> None:
    out = tmp_path / "unseen"  # type: ignore[operator]
    assert write_corpus(5, 2027, out) == 5
    rows = [json.loads(line) for line in (out / "gold.jsonl").read_text().splitlines()]
    assert sorted(r["file"] for r in rows) == sorted(p.name for p in (out / "docs").iterdir())
    for r in rows:
        doc = json.loads((out / "docs" / r["file"]).read_text())
        assert doc["url"].endswith(r["ref"].replace(" ", "-"))
