"""Bulk runs: the batch runner, the rows it stores, what a person sees of the work (terminal
progress and summaries) and the HTML run report."""

# The run report's upheld-rate chart shows this many bodies unless told otherwise (here, where
# the command line reads it without loading the report's modules).
DEFAULT_TOP = 15
