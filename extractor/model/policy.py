"""The trust policy: how far the merge trusts a backend's answers, field by field.

Three modes, chosen per field by ``extractor calibrate`` on labelled decisions (``calibrate.py``):

- ``rules``: today's merge: the rules win; the model fills gaps only where the vocabulary's
  support cues agree with its sentence (referred_to: where a referral phrase does).
- ``grounded``: the model's additions are taken when they name an offered sentence and pass
  the answer's validation, with no word-list gate; the rules' values stay.
- ``model``: the model is asked the field even where the rules found a value, and its answer
  wins; a rule value it drops or changes stays visible as a ``model_overrides`` issue.

Whatever the mode, the answers are validated (``answers.py``: numbers not offered, codes the
citations contradict, amounts not in the text, statuses the header outcome contradicts are
re-asked) and the deterministic checks run on the merged record (``rules/``).

A policy file is JSON: ``{"modes": {field: mode}, ...}`` plus what calibration measured. Its
hash (of the modes alone) names it in each record's ``meta.policy``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import ConfigError

MODES = ("rules", "grounded", "model")
# The fields a policy sets (outcome_wording: measured, always the rules': it is not asked).
FIELDS = ("reasons", "referred_to", "remedy_kinds", "payment_status", "payment_purpose",
          "investigated", "fault_found", "outcome_wording")
POLICIES_DIR = Path(__file__).resolve().parent / "policies"
DEFAULT_LOCAL_POLICY = POLICIES_DIR / "local.json"  # the embedded default's own calibration


@dataclass(frozen=True)
class Policy:
    """A mode per field; ``source`` says where it came from (a path, or ``built-in``)."""

    modes: dict[str, str] = field(default_factory=dict)
    source: str = "built-in"

    def mode(self, name: str) -> str:
        return self.modes.get(name, "rules")

    @property
    def sha(self) -> str:
        canon = json.dumps({f: self.mode(f) for f in FIELDS}, sort_keys=True)
        return hashlib.sha256(canon.encode()).hexdigest()[:16]

    def trusts(self, name: str, mode: str) -> bool:
        return self.mode(name) == mode

    @classmethod
    def uniform(cls, mode: str) -> Policy:
        """Every field in ``mode`` (``outcome_wording`` stays ``rules``)."""
        return cls({f: mode if f != "outcome_wording" else "rules" for f in FIELDS},
                   source=f"all {mode}")


RULES = Policy(Policy.uniform("rules").modes, source="built-in (rules)")


def load_policy(path: str | Path) -> Policy:
    """A policy file (as ``extractor calibrate`` writes it); a bad one is a ConfigError."""
    p = Path(path)
    try:
        data: Any = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read policy {p}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"policy {p} is not JSON: {exc.msg} (line {exc.lineno})") from None
    modes = data.get("modes") if isinstance(data, dict) else None
    if not isinstance(modes, dict):
        raise ConfigError(f"policy {p} has no \"modes\" object (write one with "
                          "extractor calibrate)")
    for name, mode in modes.items():
        if name not in FIELDS:
            raise ConfigError(f"policy {p}: unknown field {name!r} (fields: {', '.join(FIELDS)})")
        if mode not in MODES:
            raise ConfigError(f"policy {p}: field {name} has mode {mode!r} (modes: "
                              f"{', '.join(MODES)})")
    return Policy(dict(modes), source=str(p))


def calibrate_hint(backend: str, model: str | None) -> str:
    """The one line a backend without a policy prints (once per command)."""
    named = f" --model {model}" if model else ""
    return (f"note: no trust policy for backend {backend}{named}: running `rules` (the model "
            f"only fills gaps its sentence supports). Measure one on your labels with "
            f"`extractor calibrate --backend {backend}{named} --gold G.jsonl --docs DIR --out "
            f"policy.json`, then pass --policy policy.json (or EXTRACTOR_POLICY).")


def resolve_policy(path: str | None, backend: str, model: str | None, default_local: bool,
                   warn: Any = None) -> Policy:
    """The policy of a command: ``--policy`` / ``EXTRACTOR_POLICY``; else the embedded default's
    own calibration (the packaged model and adapter); else ``rules``, with the hint on ``warn``."""
    if path:
        return load_policy(path)
    if backend == "local" and default_local and DEFAULT_LOCAL_POLICY.is_file():
        return load_policy(DEFAULT_LOCAL_POLICY)
    if warn is not None:
        warn(calibrate_hint(backend, model))
    return RULES
