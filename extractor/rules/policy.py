"""Every issue id a record can carry, with its severity: the rules' ids (``SEVERITY``, the
default policy) and the few noted outside the rules (``NOTED_SEVERITY``: the reading and the
model stage). Every other module names an issue through this one.

A caller tunes it per call (``check_decision(rec, text, severity={"category_sub_unknown":
"info"})``); ``"off"`` silences a rule.
"""

from __future__ import annotations

from collections.abc import Mapping

# DOMAIN §1.4 makes a decision before the business year of its prefix an error, but the
# business-year meaning of the prefix is inferred, not documented: a warning by default.
REF_BEFORE_BUSINESS_YEAR_SEVERITY = "warning"

# Rule id -> default severity ("error" | "warning" | "info").
SEVERITY: dict[str, str] = {
    "reference_format": "error",           # not "YY SSS SSS[x]"
    "reference_missing": "warning",        # no reference in the text or URL (the input lacks it)
    "bodies_missing": "warning",           # ... and no body named either
    "reference_prefix_range": "error",     # YY outside 13..current year
    "reference_serial_range": "warning",   # serial 0 or above a year's intake
    "reference_url_mismatch": "error",     # the URL's decision slug names another case
    "reference_date_before_business_year": REF_BEFORE_BUSINESS_YEAR_SEVERITY,
    "reference_date_lag": "warning",       # decided 3+ years after the prefix, or in its April
    "decision_date_invalid": "error",      # not a real calendar date (record or header)
    "decision_date_future": "error",
    "decision_date_too_early": "error",    # before the published scheme (1 Apr 2013)
    "category_top_unknown": "error",
    "category_top_annual_report_grouping": "error",
    "category_sub_unknown": "info",        # no list of the site's subs is complete (a note)
    "category_url_mismatch": "error",
    "outcome_invalid": "error",
    "citation_format": "error",
    "citation_unknown_provision": "error",
    "citation_unseen_subsection": "info",
    "citation_offsets": "error",           # source[start:end] is not the citation's text
    "ungrounded_text": "error",            # a quoted string that is not in the source
    "span_mismatch": "error",              # start/end do not select the quoted text
    "closed_but_investigated": "warning",  # real: discontinued investigations headed "Closed"
    "closed_with_fault_finding": "warning",
    "not_upheld_with_remedy": "warning",
    "upheld_without_fault": "warning",
    "upheld_not_investigated": "warning",  # "Upheld" over "We will not investigate", no remedy
    "reasons_missing": "warning",
    "no_discretion_reason_investigated": "warning",
    "unpublished_reason_only": "info",
    "reason_citation_disagreement": "info",
    "reason_code_unknown": "error",
    "referred_to_unknown": "error",
    "remedy_kind_unknown": "error",
    "payment_status_invalid": "error",
    "payment_amount_implausible": "warning",
    "not_a_decision": "warning",
    "several_decisions": "error",          # a listing page: one record cannot hold them all
    "rule_internal_error": "warning",      # a rule failed on this record (a bug, reported)
}
# Every rule id the rules can emit: ``records.recheck`` drops stale findings with these ids
# (issues added elsewhere, such as ``extraction_failed``, are kept).
RULE_NAMES: frozenset[str] = frozenset(SEVERITY)
SEVERITY_LEVELS = ("error", "warning", "info", "off")

# Issues noted outside the rules, each always with the severity below (not tunable).
INPUT_DECODING = "input_decoding"      # the reading: how bytes that were not UTF-8 were read
FAILED_RULE = "extraction_failed"      # a model question (or the whole model pass) failed
UNSUPPORTED_RULE = "model_unsupported"  # a model answer the text does not support: dropped
DISAGREES_RULE = "model_disagrees"     # a model answer against the rules' value: rules kept
OVERRIDES_RULE = "model_overrides"     # a trusted model answer replaced the rules' value
UNGROUNDED_RULE = "model_reason_uncited"  # a trusted reason the citations do not ground
NOTED_SEVERITY: dict[str, str] = {
    FAILED_RULE: "error",
    UNSUPPORTED_RULE: "info",
    DISAGREES_RULE: "warning",
    OVERRIDES_RULE: "warning",
    UNGROUNDED_RULE: "warning",
    INPUT_DECODING: "info",
}
# Every issue id a record can carry (the data dictionary lists these).
ISSUE_IDS: tuple[str, ...] = (*SEVERITY, *NOTED_SEVERITY)


def policy(overrides: Mapping[str, str] | None) -> dict[str, str]:
    """``SEVERITY`` with a caller's overrides; a bad override is the caller's bug (ValueError)."""
    bad = {k: v for k, v in (overrides or {}).items()
           if k not in SEVERITY or v not in SEVERITY_LEVELS}
    if bad:
        raise ValueError(f"bad severity overrides {bad}; rules: {sorted(SEVERITY)}, "
                         f"levels: {SEVERITY_LEVELS}")
    return {**SEVERITY, **(overrides or {})}
