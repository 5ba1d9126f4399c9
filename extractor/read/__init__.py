"""Reading: input files into documents (load, inputs), cleaned text with an offset map (clean),
and the header and sections of a decision (segment). Deterministic."""
