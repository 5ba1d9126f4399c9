"""Batch inputs: expand INPUT... (files, folders, globs, JSON Lines, ``-``) into documents.

Each document comes as an ``Item`` with a stable key for resuming: the record's ``id`` when it
has one, else its ``url``, else where it was read (absolute path, plus the line of a JSONL file).
JSON Lines files are streamed one line at a time (the size limit applies per record, so a
backfill file may be large); an unreadable file or line is an ``Item`` carrying its
``InputError``, so the batch records it as a failed document instead of dropping it. So is a
file found in a folder whose format is not read (a PDF, an image): it is counted and named,
never skipped in silence. Hidden files and folders (".name") are skipped.
"""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from extractor.errors import InputError
from extractor.read.load import DEFAULT_MAX_BYTES, Document, decode_bytes, json_record, load_path

# The formats read from a folder (a file named explicitly is read as text whatever it is).
FOLDER_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl")
GLOB_CHARS = "*?["
STDIN = "-"


@dataclass(frozen=True)
class Item:
    """A document to run, or the reason an input could not be read (``error``)."""

    key: str
    sha256: str
    source: str
    doc: Document | None = None
    error: InputError | None = None


class Unsupported(str):
    """A file found in a folder whose format is not read: kept in the list of paths so the
    run counts it and stores it as a failed document with the reason."""


def document_key(doc: Document, where: str) -> str:
    if doc.id:
        return f"id:{doc.id}"
    return f"url:{doc.url}" if doc.url else f"src:{where}"


def expand(inputs: Iterable[str]) -> list[str]:
    """Every file path named by ``inputs``, in a stable order (unmatched names kept as given;
    folder files of a format not read as ``Unsupported``)."""
    paths: list[str] = []
    for name in inputs:
        matches = sorted(glob.glob(name, recursive=True)) if _is_glob(name) else [name]
        for match in matches or [name]:
            paths.extend(_folder_files(match) if os.path.isdir(match) else [match])
    return paths


def _is_glob(name: str) -> bool:
    return name != STDIN and any(c in name for c in GLOB_CHARS) and not os.path.exists(name)


def _folder_files(folder: str) -> list[str]:
    root = Path(folder)
    found = (p for p in root.rglob("*") if p.is_file())
    visible = sorted(str(p) for p in found if not any(part.startswith(".")
                                                      for part in p.relative_to(root).parts))
    return [p if Path(p).suffix.lower() in FOLDER_SUFFIXES else Unsupported(p) for p in visible]


def formats_read(command: str) -> str:
    """What ``command`` (extract, batch, eval) reads, for its messages."""
    return f"{command} reads {' '.join(FOLDER_SUFFIXES)} files and folders of them"


def unsupported_error(path: str) -> InputError:
    suffix = Path(path).suffix.lower()
    kind = f"a {suffix} file" if suffix else "a file without a suffix"
    return InputError(f"{path}: {kind} in a folder is not read (from folders: "
                      f"{' '.join(FOLDER_SUFFIXES)})")


def count(paths: Iterable[str]) -> int:
    """How many documents ``paths`` hold (JSONL: non-blank lines); for progress only."""
    return sum(_count_lines(p) if _is_jsonl(p) else 1 for p in paths)


def _count_lines(path: str) -> int:
    try:
        with open(path, "rb") as fh:
            return sum(1 for line in fh if line.strip())
    except OSError:
        return 1


def iter_items(paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """Every document of ``paths`` (from ``expand``), read lazily, one ``Item`` each."""
    for path in paths:
        if isinstance(path, Unsupported):
            yield failed(path, unsupported_error(path))
        elif _is_glob(path):
            yield failed(path, InputError(f"{path}: no files match"))
        elif _is_jsonl(path):
            yield from _jsonl_items(path, max_bytes)
        else:
            yield from _file_items(path, max_bytes)


def _is_jsonl(path: str) -> bool:
    return path.lower().endswith(".jsonl") and os.path.isfile(path)


def _file_items(path: str, max_bytes: int) -> Iterator[Item]:
    where = path if path == STDIN else os.path.abspath(path)
    try:
        loaded = load_path(path, max_bytes)
    except InputError as exc:
        loaded = [exc]
    for n, entry in enumerate(loaded, start=1):
        place = where if len(loaded) == 1 else f"{where}:{n}"
        if isinstance(entry, InputError):
            yield failed(path if len(loaded) == 1 else f"{path}:{n}", entry, place)
        else:
            yield ok(entry, place)


def _jsonl_items(path: str, max_bytes: int) -> Iterator[Item]:
    try:
        with open(path, "rb") as fh:
            yield from _jsonl_lines(fh, path, max_bytes)
    except OSError as exc:
        yield failed(path, InputError(f"{path}: cannot read ({exc.strerror})"))


def _jsonl_lines(fh: BinaryIO, path: str, max_bytes: int) -> Iterator[Item]:
    where = os.path.abspath(path)
    for lineno, raw in _lines(fh, max_bytes):
        source = f"{path}:{lineno}"
        try:
            if len(raw) > max_bytes:
                raise InputError(f"{source}: record is over the limit of {max_bytes:,} "
                                 "bytes (raise it with --max-bytes)")
            text, notes = decode_bytes(raw, source)
            yield ok(json_record(text, source, notes), f"{where}:{lineno}")
        except InputError as exc:
            yield failed(source, exc, f"{where}:{lineno}")


def _lines(fh: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines with their numbers; a line over ``max_bytes`` is cut (and then refused)
    without ever holding more than ``max_bytes + 1`` bytes of it."""
    lineno = 0
    while line := fh.readline(max_bytes + 1):
        lineno += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
        if line.strip():
            yield lineno, line


def ok(doc: Document, where: str) -> Item:
    return Item(document_key(doc, where), doc.sha256, doc.source, doc=doc)


def failed(source: str, error: InputError, where: str | None = None) -> Item:
    """An unreadable input, keyed by its place and (as ``sha256``) by the reason."""
    digest = hashlib.sha256(f"input-error:{error}".encode()).hexdigest()
    place = where or (source if source == STDIN else os.path.abspath(source))
    return Item(f"src:{place}", digest, source, error=error)
