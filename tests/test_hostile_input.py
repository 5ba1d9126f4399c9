"""Hostile and broken input through the CLI (``extract`` and ``batch``): a clear one-line
refusal for unusable input, a record for everything usable, and a batch that records each bad
document as failed with its reason while the others are done."""

from __future__ import annotations

import json
import pathlib
from collections.abc import Callable
from pathlib import Path

import pytest
from factories import LISTING
from harness import DECISION, FIXTURES, cli, facts_of, issue_rules, latest, quoted_strings

from extractor.facts.grounding import Grounder

FIFTY_MB = 50 * 1024 * 1024
POUND_TEXT = ("Mr K complained that the Council charged him \u00a3350 for a bulky waste "
              "collection and refused to refund \u00a3120 when the van did not arrive.\n")


def write_empty(path: Path) -> None:
    path.write_bytes(b"")


def write_whitespace(path: Path) -> None:
    path.write_bytes(b" \n\t\r\n  \n\x0c\n")


def write_binary(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)


def write_fifty_mb(path: Path) -> None:
    """A sparse 50 MB file: instant to make, and reading it would show in the test's time."""
    with path.open("wb") as fh:
        fh.truncate(FIFTY_MB)


UNUSABLE: list[tuple[str, Callable[[Path], None], str]] = [
    # (file name, how to make it, the reason in its one-line error)
    ("empty.txt", write_empty, "input is empty"),
    ("blank.txt", write_whitespace, "input is empty"),
    ("image.txt", write_binary, "looks like a binary file"),
    ("huge.txt", write_fifty_mb, "over the limit of 5,000,000"),
]


@pytest.fixture
def no_reading_big_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail the test if any file over the size limit is read whole (it must be refused by its
    size alone, so refusing it is quick)."""
    original = pathlib.Path.read_bytes
    read: list[str] = []

    def spy(self: pathlib.Path) -> bytes:
        if self.stat().st_size > FIFTY_MB // 2:
            read.append(str(self))
        return original(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", spy)
    return read


@pytest.mark.parametrize(("name", "make", "reason"), UNUSABLE, ids=[u[0] for u in UNUSABLE])
def test_extract_refuses_unusable_input_in_one_line(tmp_path, no_reading_big_files,
                                                    name, make, reason):
    path = tmp_path / name
    make(path)
    run = cli("extract", "--backend", "none", str(path))
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.stderr.strip() == run.error_lines[0]
    assert str(path) in run.stderr and reason in run.stderr
    assert no_reading_big_files == []


def test_batch_records_each_unusable_input_as_failed_and_does_the_rest(tmp_path,
                                                                       no_reading_big_files):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, make, _ in UNUSABLE:
        make(folder / name)
    (folder / "good.txt").write_bytes(DECISION.read_bytes())
    db = tmp_path / "runs.sqlite"
    run = cli("batch", "--backend", "none", "--db", str(db), str(folder))
    assert run.exit_code == 3, run.stderr
    results = {Path(r["source"]).name: r for r in latest(db).values()}
    assert sorted(results) == sorted([u[0] for u in UNUSABLE] + ["good.txt"])
    for name, _, reason in UNUSABLE:
        assert results[name]["status"] == "failed" and reason in results[name]["error"]
    assert results["good.txt"]["status"] != "failed"
    assert no_reading_big_files == []


def test_fifty_mb_on_stdin_is_refused_without_reading_it_all():
    run = cli("extract", "--backend", "none", "-", stdin=b"x" * FIFTY_MB)
    assert run.exit_code == 1
    assert "standard input is over the limit" in run.stderr


def test_cp1252_pound_signs_are_decoded_and_noted(tmp_path):
    path = tmp_path / "legacy.txt"
    text = DECISION.read_text(encoding="utf-8") + POUND_TEXT  # cp1252 has curly quotes
    path.write_bytes(text.encode("cp1252"))
    assert b"\xa3350" in path.read_bytes()  # a lone 0xA3: not valid UTF-8
    run = cli("extract", "--backend", "none", str(path))
    assert run.exit_code == 0, run.stderr
    [record] = run.records
    assert "input_decoding" in issue_rules(record)
    assert "\u00a3350" in cli("clean", str(path)).stdout
    assert facts_of(record) == facts_of(extract_one(DECISION))


def test_html_page_with_scripts_and_styles_gives_the_facts_of_its_text():
    page = FIXTURES / "hostile_scripts.html"
    record = extract_one(page)
    assert facts_of(record) == facts_of(extract_one(DECISION))
    cleaned = cli("clean", str(page)).stdout
    dumped = json.dumps(record, ensure_ascii=False)
    # Strings that occur only inside <script>, <style>, <noscript>, <nav>, <template>, onload:
    for planted in ("25 999 999", "Upheld", "Charging", "1 January 2020", "2 February 2022",
                    "Council of Nowhere", "dataLayer", "color", "alert(", "Not upheld"):
        assert planted not in cleaned
        assert planted not in dumped


def test_prompt_injection_changes_no_fact_and_quotes_only_the_source():
    injected = FIXTURES / "hostile_injection.txt"
    source = injected.read_text(encoding="utf-8")
    assert "ignore previous instructions" in source
    record = extract_one(injected)
    assert facts_of(record) == facts_of(extract_one(DECISION))
    assert record["outcome"] != "upheld" and record["fault_found"] is not True
    assert "ungrounded_text" not in issue_rules(record)
    grounder = Grounder(source)
    assert all(grounder.occurs(q) for q in quoted_strings(record))


def test_text_that_is_not_a_decision_still_gives_a_flagged_record():
    record = extract_one(FIXTURES / "hostile_not_a_decision.txt")
    assert "not_a_decision" in issue_rules(record)
    assert record["reference"] is None and record["outcome"] is None


def write_jsonl_with_broken_line(path: Path) -> None:
    text = DECISION.read_text(encoding="utf-8")
    lines = [json.dumps({"id": "first", "text": text}),
             '{"id": "broken", "text": "The Council failed to',  # cut off mid-record
             json.dumps({"id": "third", "url": "https://example.org/d/3", "text": text})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_extract_jsonl_with_a_broken_line(tmp_path):
    path = tmp_path / "day.jsonl"
    write_jsonl_with_broken_line(path)
    run = cli("extract", "--backend", "none", str(path))
    assert run.exit_code == 1
    assert [r["meta"]["id"] for r in run.records] == ["first", "third"]
    [line] = run.error_lines
    assert line.startswith(f"error: {path}:2: invalid JSON")


def test_batch_jsonl_with_a_broken_line(tmp_path):
    path = tmp_path / "day.jsonl"
    write_jsonl_with_broken_line(path)
    db = tmp_path / "runs.sqlite"
    run = cli("batch", "--backend", "none", "--db", str(db), str(path))
    assert run.exit_code == 3
    results = {Path(r["source"]).name: r for r in latest(db).values()}
    assert sorted(results) == ["day.jsonl:1", "day.jsonl:2", "day.jsonl:3"]
    assert results["day.jsonl:2"]["status"] == "failed"
    assert "invalid JSON" in results["day.jsonl:2"]["error"]
    assert {results[k]["status"] for k in ("day.jsonl:1", "day.jsonl:3")} <= {"ok", "issues"}


def extract_one(path: Path) -> dict:
    run = cli("extract", "--backend", "none", str(path))
    assert run.exit_code == 0, run.stderr
    [record] = run.records
    return record


def test_batch_reads_every_usable_hostile_input_like_extract(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "legacy.txt").write_bytes(
        (DECISION.read_text(encoding="utf-8") + POUND_TEXT).encode("cp1252"))
    for name in ("hostile_scripts.html", "hostile_injection.txt", "hostile_not_a_decision.txt"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    db = tmp_path / "runs.sqlite"
    run = cli("batch", "--backend", "none", "--db", str(db), str(folder))
    assert run.exit_code == 0, run.stderr
    rows = {Path(r["source"]).name: r for r in latest(db).values()}
    assert sorted(rows) == sorted(p.name for p in folder.iterdir())
    assert all(r["status"] != "failed" for r in rows.values())
    facts = facts_of(extract_one(DECISION))
    for name in ("legacy.txt", "hostile_scripts.html", "hostile_injection.txt"):
        assert facts_of(rows[name]["record"]) == facts, name
    assert "not_a_decision" in issue_rules(rows["hostile_not_a_decision.txt"]["record"])


# --- wrong input that used to pass silently ---------------------------------------------------

UPHELD_NOT_INVESTIGATED = """Eastvale Borough Council (24 011 302)
Decision : Upheld
Decision date : 02 Jun 2025
The Ombudsman's final decision
Summary: We will not investigate Mr X's complaint about the Council's handling of his {tail}
"""


def test_a_listing_page_is_flagged_as_several_decisions():
    run = cli("extract", "--backend", "none", "-", stdin=LISTING)
    assert run.exit_code == 3
    [record] = run.records
    [issue] = [i for i in record["issues"] if i["rule"] == "several_decisions"]
    assert issue["severity"] == "error" and "holds 3 decisions" in issue["message"]


@pytest.mark.parametrize("layout", ["Decision date : {date}", "Decision date :\n{date}"])
def test_an_unreal_header_date_is_an_error_quoting_it(layout):
    text = DECISION.read_text(encoding="utf-8").replace(
        "Decision date : 14 March 2025", layout.format(date="31 Feb 2025"))
    run = cli("extract", "--backend", "none", "-", stdin=text)
    assert run.exit_code == 3
    [record] = run.records
    assert record["decision_date"] is None
    [issue] = [i for i in record["issues"] if i["rule"] == "decision_date_invalid"]
    assert issue["severity"] == "error" and "'31 Feb 2025'" in issue["message"]
    assert text[issue["span"]["start"]:issue["span"]["end"]] == "31 Feb 2025"


@pytest.mark.parametrize(("tail", "warned"), [
    ("planning application.", True),
    ("planning application, because the Council has agreed to apologise to him.", False),
])
def test_upheld_over_we_will_not_investigate_is_warned_unless_remedied(tail, warned):
    run = cli("extract", "--backend", "none", "-",
              stdin=UPHELD_NOT_INVESTIGATED.format(tail=tail))
    [record] = run.records
    assert record["outcome"] == "upheld" and record["investigated"] is False
    assert ("upheld_not_investigated" in issue_rules(record)) is warned
