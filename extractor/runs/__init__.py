"""Bulk runs: the batch runner, its SQLite store and migrations, results and summaries."""
