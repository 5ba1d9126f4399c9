"""The vocabulary: every code has every part its stages need, or says why not; the prompt
files are rendered from it; the facts, merge and rules read it rather than copies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractor.facts import provisions, reasons, remedy_kinds
from extractor.model import merge, prompt
from extractor.vocab import (
    PROMPT_FILES,
    REASON,
    REASONS,
    REFERRAL_FROM_REASON,
    REFERRALS,
    REMEDIES,
    render_prompt_file,
    route_of,
)

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"


def reason_parts(r):
    return {"description": r.description, "phrases": r.phrases, "support": r.support,
            "grounds": r.grounds}


@pytest.mark.parametrize("entry", REASONS, ids=[r.code for r in REASONS])
def test_reason_code_has_every_part_or_says_why(entry):
    absent = [name for name, value in reason_parts(entry).items() if not value]
    assert not absent or entry.missing, f"{entry.code} lacks {absent} and says not why"
    assert bool(entry.phrases) == bool(entry.needles), "phrases need fast-path needles"
    if entry.support_unless is not None:
        assert entry.support is not None


@pytest.mark.parametrize("entry", REMEDIES, ids=[r.kind for r in REMEDIES])
def test_remedy_kind_has_every_part_or_says_why(entry):
    absent = [n for n, v in (("pattern", entry.pattern), ("support", entry.support)) if not v]
    assert entry.description
    assert not absent or entry.missing, f"{entry.kind} lacks {absent} and says not why"
    assert bool(entry.pattern) == bool(entry.needles)
    assert all(ph.needles for ph in entry.more), "further phrases need needles of their own"


@pytest.mark.parametrize("entry", REFERRALS, ids=[r.code for r in REFERRALS])
def test_referral_code_is_found_somehow(entry):
    assert entry.phrases or entry.from_reasons, f"{entry.code}: no phrase and no reason"
    assert entry.phrases or entry.missing
    assert all(code in REASON for code in entry.from_reasons)


@pytest.mark.parametrize("name", sorted(PROMPT_FILES))
def test_prompt_file_is_rendered_from_the_vocabulary(name):
    assert (PROMPTS / name).read_text(encoding="utf-8") == render_prompt_file(name), \
        f"prompts/{name} is stale: run python -m extractor.vocab"


def test_model_is_offered_only_codes_it_can_be_held_to():
    """Every code in the reasons prompt has a support cue (the merge can check it) or is the
    catch-all; the offered codes are exactly the vocabulary's described ones."""
    offered = prompt.guidance("reason_codes.txt")
    assert list(offered) == [r.code for r in REASONS if r.description]
    assert all(REASON[c].support or c == "other" for c in offered)


# (code, sentence a model might quote, supported?) — the merge reads the vocabulary's cues
SUPPORT = [
    ("late_complaint", "Mrs B complained late, more than 12 months after she knew.", True),
    ("late_complaint", "The Council replied to Mrs B within a week.", False),
    ("tribunal_appeal_used", "Mr C has already appealed to the tribunal.", True),
    ("tribunal_appeal_used", "It would have been reasonable for Mr C to have appealed.", False),
    ("other", "Another reason entirely.", False),
]


@pytest.mark.parametrize(("code", "sentence", "supported"), SUPPORT)
def test_merge_support_reads_the_vocabulary(code, sentence, supported):
    assert merge.supports_reason(code, sentence) is supported


def test_stages_derive_their_tables_from_the_vocabulary():
    assert {r.code for r in reasons.REASON_RULES} == {r.code for r in REASONS if r.phrases}
    assert set(remedy_kinds.REMEDY_KIND_REGEXES) == {r.kind for r in REMEDIES if r.pattern}
    assert REFERRAL_FROM_REASON["tribunal_appeal_available"] == "tribunal"
    assert reasons.ROUTE_BY_CITATION == {
        "LGA1974 s26(6)(a)": "tribunal_appeal_available",
        "LGA1974 s26(6)(b)": "minister_appeal_available",
        "LGA1974 s26(6)(c)": "court_remedy_available"}
    assert route_of("court_remedy_used") == {"court_remedy_available", "court_remedy_used",
                                             "court_proceedings_matter"}
    assert route_of("late_complaint") == frozenset()


# (code, cited canonical citations, ungrounded provisions or None)
GROUNDING = [
    ("tribunal_appeal_available", {"LGA1974 s26(6)(a)"}, None),
    ("tribunal_appeal_available", {"LGA1974 s26(6)"}, None),  # less specific still covers
    ("tribunal_appeal_available", {"LGA1974 s26(6)(c)"}, ("s26(6)(a)",)),
    ("late_complaint", {"LGA1974 s26B"}, None),
    ("late_complaint", {"LGA1974 s24A(6)"}, ("s26B", "s34D")),
    ("other", {"LGA1974 s24A(6)"}, None),  # no grounds, nothing to contradict
]


@pytest.mark.parametrize(("code", "cited", "expected"), GROUNDING)
def test_one_grounding_check_for_rules_and_model(code, cited, expected):
    assert provisions.ungrounded(code, cited) == expected


# --- phrase patterns compiled when first used (start-up) ------------------------------------

LAZY_CASES = [
    # (method, args): the lazy pattern answers as the compiled one
    ("search", ("The Council AGREED to apologise",)),
    ("match", ("agreed to pay",)),
    ("fullmatch", ("apologise",)),
    ("findall", ("apologise, then agreed; Apologise",)),
    ("sub", ("-", "agreed and apologise")),
    ("split", ("x agreed y apologise z",)),
]


@pytest.mark.parametrize(("method", "args"), LAZY_CASES)
def test_lazy_pattern_answers_as_the_compiled_one(method, args):
    from extractor.vocab.phrases import FLAGS, LazyPattern

    source = r"\bagreed\b|\bapologise\b"
    compiled, lazy = re.compile(source, FLAGS), LazyPattern(source, FLAGS)
    def as_plain(value):
        return value.group() if isinstance(value, re.Match) else value
    assert as_plain(getattr(lazy, method)(*args)) == as_plain(getattr(compiled, method)(*args))
    assert as_plain(getattr(lazy, method)(*args)) == as_plain(getattr(compiled, method)(*args))


def test_lazy_pattern_compiles_once_on_first_use():
    from extractor.vocab.phrases import LazyPattern

    lazy = LazyPattern(r"fault")
    assert "search" not in vars(lazy)
    assert [m.span() for m in lazy.finditer("no fault, fault")] == [(3, 8), (10, 15)]
    assert vars(lazy)["search"].__self__ is vars(lazy)["finditer"].__self__  # one compiled
