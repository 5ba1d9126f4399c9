"""Helpers for the kill tests: count rows in a store another process writes, and signal that
process once enough are there."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

POLL_SECONDS = 0.005
WAIT_SECONDS = 60


def count_rows(db: Path, table: str) -> int:
    """Rows of ``table`` (0 while the store or the table does not exist yet)."""
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def interrupt_after(proc: subprocess.Popen[bytes], db: Path, table: str, more_than: int,
                    sig: int) -> int:
    """Send ``sig`` once ``table`` holds more than ``more_than`` rows; the count then."""
    deadline = time.monotonic() + WAIT_SECONDS
    while (done := count_rows(db, table)) <= more_than and proc.poll() is None:
        assert time.monotonic() < deadline, f"the process never wrote to {table}"
        time.sleep(POLL_SECONDS)
    proc.send_signal(sig)
    proc.communicate(timeout=WAIT_SECONDS)
    return done
