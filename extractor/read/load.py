"""Stage 1, load: turn an input path into documents (deterministic; no model code).

Accepted: ``.txt``, ``.html``/``.htm`` (a saved decision page), ``.json`` (an object with
``text`` and optional ``url``/``id``), ``.jsonl`` (one such object per line) and ``-`` (stdin,
format sniffed). Anything else is read as text. Problems are ``InputError`` with a one-line
reason; in a JSONL file a broken line is reported on its own and the other lines still load.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from extractor.errors import InputError
from extractor.settings import DEFAULT_MAX_BYTES

SNIFF_BYTES = 8192
HTML_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "svg", "form",
                  "iframe", "template", "button")
# Block-level tags start and end a line; inline tags (<b>, <em>, <a>, <span>) do not.
HTML_BLOCK_TAG_REGEX = re.compile(
    r"(<(?:p|div|h[1-6]|li|ul|ol|tr|td|th|table|section|article|main|aside|blockquote|dd|dt|dl"
    r"|pre|title|header|footer|nav|figure|figcaption|address|hr)\b[^>]*>"
    r"|</(?:p|div|h[1-6]|li|ul|ol|tr|td|th|table|section|article|main|aside|blockquote|dd|dt|dl"
    r"|pre|title|header|footer|nav|figure|figcaption|address)>|<br\s*/?>)",
    re.IGNORECASE)
# Source whitespace in HTML is not layout: any run is one space, as a browser shows it.
HTML_SPACE_REGEX = re.compile(r"\s+")
# On the Ombudsman's website the decision (title, header and text) is this element; the rest
# of the page is the site's menus and footers. A page without it is read whole.
DECISION_ARTICLE = "article#article"


@dataclass
class Document:
    """One decision to extract. ``text`` is the loaded text every span indexes into."""

    text: str
    source: str
    url: str | None = None
    id: str | None = None
    fmt: str = "txt"
    notes: list[str] = field(default_factory=list)

    @cached_property
    def sha256(self) -> str:  # the batch key and meta.source_sha256: hash the text once
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def load_path(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document | InputError]:
    """Load one path (or ``-``); raise ``InputError`` when the whole input is unusable."""
    raw = _read_stdin(max_bytes) if path == "-" else _read_file(path, max_bytes)
    return load_bytes(raw, path)


def load_bytes(raw: bytes, source: str, fmt: str | None = None) -> list[Document | InputError]:
    """Load the bytes of one input named ``source`` (format sniffed from it unless given);
    raise ``InputError`` when they are unusable. Harvested pages are read this way too."""
    text, notes = decode_bytes(raw, source)
    fmt = fmt or sniff_format(source, text)
    if fmt == "jsonl":
        return list(_jsonl_documents(text, source, notes))
    if fmt == "json":
        return [json_record(text, source, notes)]
    if fmt == "html":
        text = html_to_text(text)
    return [_checked(Document(text=text, source=source, fmt=fmt, notes=notes))]


def _read_file(path: str, max_bytes: int) -> bytes:
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory (give files, or use `extractor batch`)")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(f"{path}: file is {size:,} bytes, over the limit of {max_bytes:,} "
                         "(raise it with --max-bytes)")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def _read_stdin(max_bytes: int) -> bytes:
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"-: standard input is over the limit of {max_bytes:,} bytes")
    return data


def decode_bytes(raw: bytes, path: str) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), else Windows-1252 with a note; binary is refused."""
    if not raw.strip():
        raise InputError(f"{path}: input is empty")
    if b"\x00" in raw[:SNIFF_BYTES]:
        raise InputError(f"{path}: looks like a binary file, not text")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), ["decoded as Windows-1252 (not valid UTF-8)"]
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: cannot decode as UTF-8 or Windows-1252 "
                         f"(byte {exc.start})") from None


def sniff_format(path: str, text: str) -> str:
    suffix = Path(path).suffix.lower() if path != "-" else ""
    known = {".txt": "txt", ".html": "html", ".htm": "html", ".json": "json", ".jsonl": "jsonl"}
    if suffix in known:
        return known[suffix]
    head = text.lstrip()[:200].lower()
    if head.startswith("{"):
        first_line = text.strip().splitlines()[0]
        return "json" if first_line.rstrip().endswith("{") or text.strip().count("\n{") == 0 \
            else "jsonl"
    if head.startswith(("<!doctype html", "<html", "<head", "<body", "<div", "<p")):
        return "html"
    return "txt"


def html_to_text(html: str) -> str:
    """The visible text of a saved page, one block per line; scripts, styles, nav dropped."""
    html = HTML_BLOCK_TAG_REGEX.sub(r"\n\1\n", HTML_SPACE_REGEX.sub(" ", html))
    tree = HTMLParser(html)
    tree.strip_tags(list(HTML_DROP_TAGS))
    root = tree.css_first(DECISION_ARTICLE) or tree.body or tree.root
    if root is None:
        return ""
    lines = (line.strip() for line in root.text(separator="", strip=False).split("\n"))
    return "\n".join(line for line in lines if line)


def has_decision_article(html: str) -> bool:
    """Whether a page holds the website's decision element (a harvested page must)."""
    return HTMLParser(html).css_first(DECISION_ARTICLE) is not None


def _record_document(obj: object, source: str, notes: list[str]) -> Document:
    if not isinstance(obj, dict):
        raise InputError(f"{source}: JSON record must be an object with a 'text' field")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError(f"{source}: JSON record has no 'text' string")
    url = obj.get("url") if isinstance(obj.get("url"), str) else None
    rid = obj.get("id")
    return _checked(Document(text=text, source=source, url=url,
                             id=str(rid) if rid is not None else None, fmt="json",
                             notes=list(notes)))


def jsonl_lines(text: str) -> Iterator[tuple[int, str]]:
    """The non-blank lines of a JSON Lines text with their line numbers (from 1): how every
    JSON Lines file held in memory is read (documents, records, gold labels)."""
    return ((n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip())


def _jsonl_documents(text: str, path: str, notes: list[str]) -> Iterator[Document | InputError]:
    for lineno, line in jsonl_lines(text):
        try:
            yield json_record(line, f"{path}:{lineno}", notes)
        except InputError as exc:
            yield exc


def json_record(text: str, source: str, notes: list[str]) -> Document:
    """One JSON record (a .json file or a JSONL line) as a document; also used by the batch
    runner's streaming JSONL reader."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f" at line {exc.lineno}" if "\n" in text.strip() else ""
        raise InputError(f"{source}: invalid JSON ({exc.msg}{where})") from None
    return _record_document(obj, source, notes)


def _checked(doc: Document) -> Document:
    if not doc.text.strip():
        raise InputError(f"{doc.source}: no text to extract")
    return doc
