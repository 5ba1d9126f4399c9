"""Looking at results: the review page, saved records re-checked, and eval against labels."""
