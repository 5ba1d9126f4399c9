"""Bulk runs: the batch runner, the rows it stores, what a person sees of the work (terminal
progress and summaries) and the HTML run report."""
