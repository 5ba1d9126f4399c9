"""``extract``: every document of its inputs into JSON Lines, and what to say about them on
stderr (the unreadable inputs as they come, then one line when records carry error issues)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from extractor.errors import InputError
from extractor.models import Decision
from extractor.pipeline import run_many
from extractor.read.inputs import formats_read

if TYPE_CHECKING:  # openai and instructor load only when a model is used; rich's
    # progress bars only for a display that shows them
    from extractor.model.llm import ModelPass
    from extractor.runs.report import ExtractProgress

# Rules named in the stderr line at most (the records hold all of them).
NAMED_RULES = 5


@dataclass
class Tally:
    """What one ``extract`` wrote."""

    records: int = 0
    unreadable: int = 0
    with_errors: int = 0
    error_rules: Counter[str] = field(default_factory=Counter)  # records per error rule
    kept: list[tuple[Decision, str]] = field(default_factory=list)  # for --html

    def add(self, record: Decision) -> None:
        self.records += 1
        rules = {i.rule for i in record.issues if i.severity == "error"}
        self.with_errors += bool(rules)
        self.error_rules.update(rules)

    def error_line(self) -> str | None:
        """The stderr line about records with error issues, None when there are none."""
        if not self.with_errors:
            return None
        named = ", ".join(f"{rule} {n}" for rule, n in self.error_rules.most_common(NAMED_RULES))
        more = len(self.error_rules) - NAMED_RULES
        return (f"extract: {self.with_errors} of {self.records} records with error issues "
                f"({named}{f', {more} more rules' if more > 0 else ''}); each record's "
                "\"issues\" says why (exit 3)")


def nothing_to_read(paths: Iterable[str]) -> InputError:
    """The error for inputs that name no document at all (an empty folder)."""
    return InputError(f"{' '.join(paths)}: no documents found ({formats_read('extract')})")


def extract_each(paths: list[str], max_bytes: int, model_pass: ModelPass | None, sink: TextIO,
                 progress: ExtractProgress, keep: bool, warn: Callable[[str], None]) -> Tally:
    """Extract every document of ``paths`` into ``sink``; ``warn`` gets one line per
    unreadable input; with ``keep`` the records are kept with their texts."""
    tally = Tally()
    for item, record in run_many(paths, model_pass, max_bytes,
                                 lambda i: progress.document(i.source)):
        if record is None:
            warn(f"error: {item.error}")
            tally.unreadable += 1
            continue
        tally.add(record)
        write_jsonl([record], sink)
        progress.done()
        if keep and item.doc is not None:
            tally.kept.append((record, item.doc.text))
    return tally


def write_jsonl(records: Iterable[Decision], out: TextIO) -> None:
    for record in records:
        out.write(record.model_dump_json(exclude_none=False) + "\n")
        out.flush()


@contextmanager
def output(path: Path | None) -> Iterator[TextIO]:
    """stdout, or the file ``path`` (an unwritable one is an ``InputError``)."""
    if path is None:
        yield sys.stdout
        return
    try:
        handle = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    with handle:
        yield handle
