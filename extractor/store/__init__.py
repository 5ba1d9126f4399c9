"""The run store: one SQLite file with its append-only migrations, the tidy tables kept current
inside it, their data dictionary and the export of those tables (CSV, Parquet, JSON Lines)."""
