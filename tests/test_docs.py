"""The README and docs/ hold together: every relative link resolves (file and anchor), every
``DOMAIN §N`` the code and tests cite is a section of docs/DOMAIN.md, every issue id a record
can carry is in the rules table, and the README stays short."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractor.rules.policy import NOTED_SEVERITY, SEVERITY

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE_REGEX = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
# [text](target) outside code; the target up to a space or the closing bracket
LINK_REGEX = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s]+)\)")
HEADING_REGEX = re.compile(r"^#{1,6} (?P<title>.+?)\s*$", re.MULTILINE)
EXTERNAL = ("http://", "https://", "mailto:")
# "DOMAIN §2.2", "DOMAIN.md §3.1-3.2", "DOMAIN §2.3-§5", "DOMAIN.md §4-§6", "DOMAIN §3, §4"
CITE_REGEX = re.compile(r"DOMAIN(?:\.md)?\s*(?P<refs>§\s?\d+(?:\.\d+)?(?:\s*(?:-|,|and)\s*§?\s?"
                        r"\d+(?:\.\d+)?)*)")
SECTION_NUMBER_REGEX = re.compile(r"\d+(?:\.\d+)?")
# The project's own files (not the git-ignored hidden folders, such as train/.venv and
# train/.work, which a training run fills while the tests run).
CITING = [p for folder in ("extractor", "tests", "bench", "train", "scripts")
          for p in sorted((ROOT / folder).rglob("*")) if p.suffix in (".py", ".md", ".sh")
          and not any(part.startswith(".") for part in p.relative_to(ROOT).parts)]


def anchor(title: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE_REGEX.sub("", page.read_text(encoding="utf-8"))
    return {anchor(m["title"]) for m in HEADING_REGEX.finditer(text)}


def links(page: Path) -> list[str]:
    text = FENCE_REGEX.sub("", page.read_text(encoding="utf-8"))
    return [m["target"] for m in LINK_REGEX.finditer(text)
            if not m["target"].startswith(EXTERNAL)]


RELATIVE = [(page, target) for page in PAGES for target in links(page)]


def test_the_pages_have_links_to_check():
    assert len(RELATIVE) > 20 and {p.name for p, _ in RELATIVE} >= {"README.md", "rules.md"}


@pytest.mark.parametrize(("page", "target"), RELATIVE,
                         ids=[f"{p.name}->{t}" for p, t in RELATIVE])
def test_every_relative_link_resolves(page, target):
    path, _, fragment = target.partition("#")
    resolved = (page.parent / path).resolve() if path else page
    assert resolved.exists(), f"{page.name}: {target} names no file"
    if fragment and resolved.suffix == ".md":
        assert fragment in anchors(resolved), f"{page.name}: {target}: no such heading"


def domain_sections() -> set[str]:
    return {m.group(0) for title in HEADING_REGEX.findall(
        (ROOT / "docs" / "DOMAIN.md").read_text(encoding="utf-8"))
        if (m := re.match(r"\d+(?:\.\d+)?", title))}


CITES = [(path, m["refs"]) for path in CITING
         for m in CITE_REGEX.finditer(path.read_text(encoding="utf-8"))]


def test_the_code_cites_the_domain_notes():
    assert len(CITES) > 30


@pytest.mark.parametrize(("path", "refs"), CITES,
                         ids=[f"{p.relative_to(ROOT)}:{r}" for p, r in CITES])
def test_every_domain_citation_names_a_section_of_the_notes(path, refs):
    missing = set(SECTION_NUMBER_REGEX.findall(refs)) - domain_sections()
    assert not missing, f"{path.relative_to(ROOT)} cites DOMAIN §{missing}, not in docs/DOMAIN.md"


def test_architecture_cited_by_the_code_is_in_the_repository():
    cited = [p for p in CITING if "ARCHITECTURE.md" in p.read_text(encoding="utf-8")]
    assert cited and (ROOT / "docs" / "ARCHITECTURE.md").is_file()


def test_the_rules_page_lists_every_issue_id_with_its_severity():
    rows = re.findall(r"^\| (\w+) \| (error|warning|info) \|", (ROOT / "docs" / "rules.md")
                      .read_text(encoding="utf-8"), re.MULTILINE)
    assert dict(rows) == {**SEVERITY, **NOTED_SEVERITY} and len(rows) == len(dict(rows))


def test_the_readme_reads_in_five_minutes():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 250
