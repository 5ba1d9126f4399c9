"""What a reason code for not investigating (DOMAIN.md §4) holds, for every stage:

- ``description``: the line the model is offered (``prompts/reason_codes.txt`` is rendered
  from it); None for codes the model is not offered, ``missing`` says why.
- ``phrases``: the facts' phrase rules (precision over recall; the first sentence matching a
  phrase, in phrase order, is the evidence). ``needles``: lower-case strings one of which any
  match of the phrases contains (a fast path: a block without any is skipped).
- ``support`` / ``support_unless``: what a model's sentence must (and must not) say for the
  merge to accept the code, looser than the phrases but specific to the code.
- ``grounds``: LGA 1974 provisions that ground the code (any one cited is enough).
- ``route``: codes reading the same aspect of a decision (the route the person should take
  instead); when the rules found one, the model may not add another of its route.
- ``legal_bar``: no discretion, so not a reason of an investigated case; ``unpublished``:
  closures normally not published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.vocab.phrases import Phrase

DISCRETION = ("s24A(6)", "s34B(8)")  # the general discretion (Part III, Part 3A)


@dataclass(frozen=True)
class ReasonCode:
    code: str
    description: str | None
    phrases: tuple[Phrase, ...] = ()
    needles: tuple[str, ...] = ()
    support: re.Pattern[str] | None = None
    support_unless: re.Pattern[str] | None = None
    grounds: tuple[str, ...] = ()
    route: str | None = None
    legal_bar: bool = False
    unpublished: bool = False
    missing: str = ""  # why a part a code would normally have is absent
