"""Facts: everything a rule can settle, each value with its span (extract composes the field
families: patterns, citations, parties, outcome, reasons, remedies, taxonomy, provisions).
Deterministic: imports nothing from the model side."""
