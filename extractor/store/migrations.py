"""Append-only, named migrations of the run store (``extractor/store/store.py``).

Each migration is a function ``mNNN_name(conn)`` registered in order with ``@migration``. Applied
names are recorded in ``_extractor_migrations``; ``migrate`` runs the missing ones, each in its own
transaction. Never edit or reorder a released migration: add a new one at the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []
MIGRATIONS_TABLE = "_extractor_migrations"


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_runs(conn: sqlite3.Connection) -> None:
    conn.execute("""
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,
            finished TEXT,
            status TEXT NOT NULL,           -- running | done | interrupted | failed
            options TEXT NOT NULL,          -- JSON: inputs and command options
            backend TEXT NOT NULL,
            model TEXT,
            prompt_sha TEXT,
            schema_version TEXT NOT NULL,
            config_sha TEXT NOT NULL,       -- hash of backend, model, prompt_sha, schema_version
            totals TEXT                     -- JSON, written when the run ends
        )""")


@migration
def m002_documents(conn: sqlite3.Connection) -> None:
    conn.execute("""
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            doc_key TEXT NOT NULL,          -- id:…, url:… or src:… (see inputs.document_key)
            sha256 TEXT NOT NULL,           -- of the loaded text (of the error for bad input)
            source TEXT NOT NULL,
            url TEXT,
            ext_id TEXT,
            UNIQUE (doc_key, sha256)
        )""")


@migration
def m003_results(conn: sqlite3.Connection) -> None:
    conn.execute("""
        CREATE TABLE results (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id),
            run_id INTEGER NOT NULL REFERENCES runs(id),
            config_sha TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'issues', 'failed')),
            error TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            seconds REAL NOT NULL DEFAULT 0,
            record TEXT,                    -- the Decision as JSON (NULL when unreadable)
            created TEXT NOT NULL,
            UNIQUE (document_id, config_sha)
        )""")
    conn.execute("CREATE INDEX results_run ON results (run_id, status)")
    conn.execute("CREATE INDEX results_config ON results (config_sha)")


@migration
def m004_issues(conn: sqlite3.Connection) -> None:
    conn.execute("""
        CREATE TABLE issues (
            id INTEGER PRIMARY KEY,
            result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
            rule TEXT NOT NULL,
            severity TEXT NOT NULL,
            field TEXT,
            message TEXT NOT NULL,
            span_start INTEGER,
            span_end INTEGER
        )""")
    conn.execute("CREATE INDEX issues_result ON issues (result_id)")
    conn.execute("CREATE INDEX issues_rule ON issues (rule)")


@migration
def m005_run_process(conn: sqlite3.Connection) -> None:
    """Which process ran a run, so a run left ``running`` by a killed process shows as such."""
    conn.execute("ALTER TABLE runs ADD COLUMN pid INTEGER")
    conn.execute("ALTER TABLE runs ADD COLUMN host TEXT")


@migration
def m006_harvest(conn: sqlite3.Connection) -> None:
    """The harvester's tables (``extractor/harvest/run.py``): nights, their listing windows
    and listing pages (the checkpoints), one row per decision URL (its state), and the stored
    raw pages, one row per version."""
    conn.execute("""
        CREATE TABLE harvest_nights (
            id INTEGER PRIMARY KEY,
            site TEXT NOT NULL,
            since TEXT NOT NULL,            -- decision dates covered, both included
            until TEXT NOT NULL,
            started TEXT NOT NULL,
            finished TEXT,
            status TEXT NOT NULL,           -- running|done|incomplete|limited|interrupted|failed|blocked
            error TEXT,
            options TEXT NOT NULL,          -- JSON
            totals TEXT,                    -- JSON, written when the night ends
            pid INTEGER,
            host TEXT
        )""")  # noqa: E501 (a released migration: its SQL is never edited)
    conn.execute("""
        CREATE TABLE harvest_windows (
            id INTEGER PRIMARY KEY,
            night_id INTEGER NOT NULL REFERENCES harvest_nights(id),
            fd TEXT NOT NULL,
            td TEXT NOT NULL,
            results INTEGER,                -- the listing's "Your search has N results"
            status TEXT NOT NULL,           -- open | done | split | failed
            finished TEXT,
            UNIQUE (night_id, fd, td)
        )""")
    conn.execute("""
        CREATE TABLE harvest_listings (
            window_id INTEGER NOT NULL REFERENCES harvest_windows(id),
            page INTEGER NOT NULL,
            url TEXT NOT NULL,
            count INTEGER NOT NULL,
            entries TEXT NOT NULL,          -- JSON [[url, card_sha256], ...] in page order
            fetched TEXT NOT NULL,
            PRIMARY KEY (window_id, page)
        )""")
    conn.execute("""
        CREATE TABLE harvest_urls (
            url TEXT PRIMARY KEY,
            state TEXT NOT NULL,            -- pending|stale|failed: to fetch; stored|not_found|skipped
            listed_card TEXT,               -- sha256 of the card in the latest listing
            card_sha256 TEXT,               -- ... and when the URL was last fetched
            status INTEGER,                 -- last HTTP status
            detail TEXT,                    -- why it failed or was skipped
            attempts INTEGER NOT NULL DEFAULT 0,   -- failed fetches in a row
            tried_night INTEGER,            -- the last night that fetched (or refused) it
            first_seen TEXT NOT NULL,
            updated TEXT NOT NULL
        )""")  # noqa: E501 (a released migration: its SQL is never edited)
    conn.execute("CREATE INDEX harvest_urls_state ON harvest_urls (state)")
    conn.execute("""
        CREATE TABLE harvest_pages (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            version INTEGER NOT NULL,       -- 1, then 2 when the page changed, ...
            night_id INTEGER NOT NULL REFERENCES harvest_nights(id),
            status INTEGER NOT NULL,
            fetched TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            sha256 TEXT NOT NULL,           -- of the raw body
            text_sha256 TEXT NOT NULL,      -- of the text the loader reads (= documents.sha256)
            bytes INTEGER NOT NULL,
            body BLOB NOT NULL,             -- the raw page, as served
            UNIQUE (url, version)
        )""")


# The tidy tables (``extractor/store/tidy.py`` keeps them current): one row per decision, the
# latest result with a record (ok or issues) per document and configuration, and one child table
# per list field, keyed to it. The store's ``issues`` table is the child table of rule issues.
TIDY_CHILD_TABLES = {
    "bodies": "body TEXT NOT NULL",
    "reasons": "code TEXT NOT NULL, evidence TEXT, span_start INTEGER, span_end INTEGER, "
               "origin TEXT",
    "referred_to": "code TEXT NOT NULL",
    "payments": "amount_gbp REAL, status TEXT, purpose TEXT, purpose_kind TEXT NOT NULL, "
                "evidence TEXT, span_start INTEGER, span_end INTEGER, origin TEXT",
    "remedy_kinds": "kind TEXT NOT NULL",
    "citations": "canonical TEXT NOT NULL, text TEXT, span_start INTEGER, span_end INTEGER",
    "other_acts": "act TEXT NOT NULL",
}


@migration
def m007_tidy_tables(conn: sqlite3.Connection) -> None:
    """Tidy tables for SQL, sqlite-utils and Datasette, filled from the results already stored."""
    conn.execute("""
        CREATE TABLE decisions (
            result_id INTEGER PRIMARY KEY REFERENCES results(id) ON DELETE CASCADE,
            run_id INTEGER NOT NULL,        -- the run that wrote the result
            document_id INTEGER NOT NULL,
            doc_key TEXT NOT NULL,
            config_sha TEXT NOT NULL,
            status TEXT NOT NULL,           -- ok | issues
            reference TEXT,
            category_top TEXT,
            category_sub TEXT,
            outcome TEXT,
            decision_date TEXT,
            decision_year INTEGER,
            complainant TEXT,
            investigated BOOLEAN,
            fault_found BOOLEAN,
            summary TEXT,
            backend TEXT,
            model TEXT,
            prompt_sha TEXT,
            schema_version TEXT,
            questions INTEGER,
            attempts INTEGER,
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            seconds REAL,
            source TEXT,
            url TEXT,
            ext_id TEXT,
            source_sha256 TEXT
        )""")
    conn.execute("CREATE INDEX decisions_key ON decisions (doc_key, config_sha)")
    conn.execute("CREATE INDEX decisions_run ON decisions (run_id)")
    for table, columns in TIDY_CHILD_TABLES.items():
        conn.execute(f"CREATE TABLE {table} (result_id INTEGER NOT NULL REFERENCES "
                     f"decisions(result_id) ON DELETE CASCADE, position INTEGER NOT NULL, "
                     f"{columns}, PRIMARY KEY (result_id, position)) WITHOUT ROWID")
    from extractor.store.tidy import rebuild  # here: tidy reads the store these migrations make
    rebuild(conn)


@migration
def m008_harvest_cards(conn: sqlite3.Connection) -> None:
    """Each harvested URL keeps the header facts of its latest listing card (body, reference,
    decision, sub-category, date, summary), so a page that never downloads still has them."""
    conn.execute("ALTER TABLE harvest_urls ADD COLUMN card TEXT")  # JSON, NULL: none shown


def applied(conn: sqlite3.Connection) -> list[str]:
    conn.execute(f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} "
                 "(name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
    return [r[0] for r in conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY rowid")]


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet recorded (in autocommit mode); return the names applied."""
    done = set(applied(conn))
    ran = []
    for fn in MIGRATIONS:
        if fn.__name__ in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if fn.__name__ in set(applied(conn)):  # another process got there first
                conn.execute("ROLLBACK")
                continue
            fn(conn)
            conn.execute(f"INSERT INTO {MIGRATIONS_TABLE} (name, applied) VALUES (?, ?)",
                         (fn.__name__, datetime.now(UTC).isoformat(timespec="seconds")))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        ran.append(fn.__name__)
    return ran
