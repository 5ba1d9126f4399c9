"""Sentence labels of real decisions (train/labels/) and the training examples built from them
(train/real.py): labels name real sentences of the corpus by offsets, agree with the
decision-level hand labels, never touch the held-out decisions, and become answers that point at
the labelled sentence by its number."""

from __future__ import annotations

import json
import sys
from collections import defaultdict

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT))  # train/ is a folder of the repository, not of the package

from extractor.models import PaymentStatus  # noqa: E402
from extractor.pipeline import deterministic_pass  # noqa: E402
from extractor.read.load import Document  # noqa: E402
from extractor.vocab import REASON_CODES, REMEDY_KINDS  # noqa: E402
from train import real  # noqa: E402

LABELS = real.load_labels()
CORPUS = real.CORPUS / "train"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not beside")
VALID = {"reasons": set(REASON_CODES), "remedy_kinds": set(REMEDY_KINDS)}


def test_every_label_has_a_known_field_and_value() -> None:
    statuses = set(PaymentStatus.__args__)  # type: ignore[attr-defined]
    for lab in LABELS:
        if lab.field in VALID:
            assert lab.value in VALID[lab.field], lab
        elif lab.field == "payments":
            amount, status, purpose = lab.value
            assert amount > 0 and status in statuses and isinstance(purpose, str), lab
        else:
            assert lab.field == "status", lab
            assert set(lab.value) <= {"investigated", "fault_found"}, lab
            assert set(lab.value.values()) <= {"yes", "no"}, lab


def test_no_held_out_decision_is_labelled() -> None:
    assert len(real.heldout()) == 15
    assert not {lab.file for lab in LABELS} & real.heldout()


@needs_corpus
def test_the_held_out_decisions_are_every_fifth_file() -> None:
    files = sorted(p.name for p in CORPUS.glob("*.json"))
    assert real.heldout() == set(files[4::5])


@needs_corpus
def test_each_label_spans_one_sentence_the_model_pass_may_offer() -> None:
    spans: dict[str, set[tuple[int, int]]] = {}
    for lab in LABELS:
        if lab.file not in spans:
            doc = real.load_doc(lab.file)
            spans[lab.file] = {(s, e) for _p, s, e, _t in real.part_sentences(doc)}
        assert (lab.start, lab.end) in spans[lab.file], lab


@needs_corpus
def test_labels_agree_with_the_decision_level_hand_labels() -> None:
    gold = {g["file"]: g for g in map(json.loads, real.GOLD.read_text().splitlines())}
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for lab in LABELS:
        if lab.field in VALID:
            seen[(lab.file, lab.field)].add(lab.value)
        elif lab.field == "status":
            want = gold[lab.file]["investigated"]
            assert lab.value["investigated"] == ("yes" if want else "no"), lab
    for (file, field), values in seen.items():
        assert values <= set(gold[file][field]), (file, field)


@needs_corpus
def test_examples_name_the_labelled_sentences_by_number() -> None:
    case = real.cases(LABELS, real.heldout())[0]
    pairs = real.pairs_of(case)
    assert pairs
    for q, answer in pairs:
        for item in answer.get("items", [answer] if "sentence" in answer else []):
            if "sentence" in item:
                sentence = q.sentences[item["sentence"] - 1]
                assert case.values_in(sentence, {"reasons": "reasons", "remedies":
                                                 "remedy_kinds", "status": "status"}[q.name])


PAGE = ("Decision : Upheld\nDecision date : 2 March 2025\n\n"
        "Summary: Mrs K complained the Council delayed her housing application. We found fault "
        "by the Council. The Council has agreed to apologise to Mrs K and pay her £200.\n\n"
        "The complaint\nMrs K says the delay caused her distress.\n")


@pytest.mark.parametrize("labelled", [
    "The Council has agreed to apologise to Mrs K and pay her £200.",
    "We found fault by the Council.",
    None,
])
def test_an_offered_sentence_gets_the_values_labelled_on_it(labelled: str | None) -> None:
    doc = Document(PAGE, "page.txt")
    facts, ctx = deterministic_pass(doc)
    start = PAGE.index(labelled) if labelled else 0
    labels = [real.Label("page.txt", start, start + len(labelled), "remedy_kinds", kind)
              for kind in ("apology", "payment")] if labelled else []
    case = real.Labelled(doc, facts, ctx, labels, {})
    q = real.remedies_question(case.ask(remedy_kinds=[]))
    assert q is not None
    items = real.listed(q, case, "remedy_kinds", "kind")["items"]
    if labelled is None:
        assert items == []
    else:
        number = q.sentences.index(labelled) + 1
        assert items == [{"sentence": number, "kind": "apology"},
                         {"sentence": number, "kind": "payment"}]


@pytest.mark.parametrize(("answers", "share", "kept"), [
    (["[1]", "[]", "[]", "[2]", "[]"], 1.0, ["[1]", "[]", "[]", "[2]", "[]"]),
    (["[1]", "[]", "[]", "[2]", "[]"], 0.5, ["[1]", "[]", "[2]", "[]"]),    # every 2nd empty
    (["[]", "[]", "[]", "[]", "[3]"], 0.34, ["[]", "[]", "[3]"]),            # every 3rd empty
    (["[]", "[1]", "[]"], 0.0, ["[1]"]),                                      # none of them
])
def test_thinning_keeps_a_share_of_empty_answers_and_every_other(answers, share, kept) -> None:
    rows = [{"question": "reasons", "answer": '{"items": ' + a + "}"} for a in answers]
    out = real.thinned(rows, share)
    assert [r["answer"][len('{"items": '):-1] for r in out] == kept
