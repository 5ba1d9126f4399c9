"""Stage 4, facts: every field a rule can settle, each with its evidence span (no model code).

The patterns run on the cleaned text; every span and quoted string is mapped back through
``Cleaned.to_source`` and read from ``doc.text``, so ``doc.text[start:end] == text`` always.
Unknown stays ``None`` / ``[]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.facts import outcome as wording
from extractor.facts import patterns as p
from extractor.facts.citations import find_citations
from extractor.facts.parties import find_bodies, find_complainant
from extractor.facts.reasons import find_reasons, find_referrals
from extractor.facts.remedies import find_payments, has_money
from extractor.facts.remedy_kinds import find_remedy_kinds
from extractor.facts.taxonomy import TOP_BY_SLUG, slugify, sub_for_slug
from extractor.models import Category, Citation, Decision, Payment, Reason, Span
from extractor.read.clean import Cleaned
from extractor.read.load import Document
from extractor.read.segment import Segmented

# Header decision values (matched at the start, so "Upheld: ..." variants still map).
HEADER_OUTCOMES = (("not upheld", "not_upheld"), ("upheld", "upheld"),
                   ("closed after initial enquiries", "closed_after_initial_enquiries"))
# Where the reasons, referrals and remedies are read (never the role-and-powers boilerplate).
REASON_SECTIONS = ("assessment", "final_decision")
# Where an investigated decision says which parts it did not investigate, and why.
PART_SECTIONS = ("what_investigated", "not_investigated_parts")
REMEDY_SECTIONS = ("assessment", "agreed_action", "final_decision")
PAYMENT_EXCLUDED_SECTIONS = ("complaint", "role_and_powers", "how_considered",
                             "what_investigated", "signoff")
COMPLAINANT_SECTIONS = ("complaint", "what_investigated")
# Sections that are lists of remedies (each line an action).
LISTED_SECTIONS = ("agreed_action",)
# Sections whose remedies are lists under one "has agreed to:" / "should:" lead-in.
CARRY_CUE_SECTIONS = ("agreed_action", "final_decision")


@dataclass
class Context:
    """The three views of one document and the mapping between them."""

    doc: Document
    cleaned: Cleaned
    seg: Segmented
    _sentences: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)
    _named_sentences: dict[tuple[str, ...], list[tuple[int, int]]] = field(default_factory=dict)
    _view: p.TextView | None = None

    @property
    def text(self) -> str:
        return self.cleaned.text

    @property
    def view(self) -> p.TextView:
        """The cleaned text as every field family reads it (lowered once, needles found once,
        a sentence index per list of sentences)."""
        if self._view is None:
            self._view = p.TextView(self.text)
        return self._view

    def span(self, start: int, end: int) -> Span:
        s, e = self.cleaned.to_source(start, end)
        return Span(text=self.doc.text[s:e], start=s, end=e)

    def ranges(self, *names: str, name_order: bool = False) -> list[tuple[int, int]]:
        """(start, end) of the summary (when named) and of the named sections (in document
        order, or with ``name_order`` in the order of ``names``). A page with neither a summary
        nor a section (an older summary page) is all summary after its header lines."""
        if "summary" in names and "summary" not in self.seg.header and not self.seg.sections:
            body = max((f.end for f in self.seg.header.values()), default=0)
            return [(body, len(self.text))]
        return self.seg.ranges(*names, name_order=name_order)

    def source_span(self, text: str) -> Span | None:
        """The source span of a string of the cleaned text (None when it is not in it)."""
        found = self.cleaned.find_source(text)
        if found is None:
            return None
        s, e = found
        return Span(text=self.doc.text[s:e], start=s, end=e)

    def sentences(self, *names: str) -> list[tuple[int, int]]:
        """The sentences of the summary / named sections (listed once per names: the field
        families ask for the Summary's five times)."""
        found = self._named_sentences.get(names)
        if found is None:
            found = self._named_sentences[names] = [
                s for start, end in self.ranges(*names) for s in self.sentences_in(start, end)]
        return found

    def sentences_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """The sentences of ``text[start:end]`` (computed once per range)."""
        if (start, end) not in self._sentences:
            self._sentences[start, end] = list(p.iter_sentences(self.text, start, end))
        return self._sentences[start, end]

    def preamble(self) -> tuple[int, int]:
        return 0, self.seg.body_start()


def extract_facts(ctx: Context) -> Decision:
    """The deterministic record of one document; spans index ``ctx.doc.text``."""
    rec = Decision()
    url = p.parse_decision_url(ctx.doc.url)
    _reference(ctx, rec, url)
    _bodies(ctx, rec)
    _category(ctx, rec, url)
    _decision_date(ctx, rec)
    _complainant(ctx, rec)
    _summary(ctx, rec)
    _citations(ctx, rec)
    _other_acts(ctx, rec)
    _outcome(ctx, rec)
    _reasons(ctx, rec)
    _remedies(ctx, rec)
    return rec


def _set(ctx: Context, rec: Decision, name: str, value: object, start: int, end: int) -> None:
    setattr(rec, name, value)
    rec.spans[name] = ctx.span(start, end)


# --- header fields --------------------------------------------------------------------------

def _reference(ctx: Context, rec: Decision, url: p.UrlFacts) -> None:
    for key in ("ref", "mirror_ref"):
        f = ctx.seg.header.get(key)
        ref = p.normalise_ref(f.value) if f else None
        if ref:
            _set(ctx, rec, "reference", ref, f.start, f.end)
            return
    start, end = ctx.preamble()
    m = p.DISPLAY_REF_REGEX.search(ctx.text, start, end) or p.COMPACT_REF_REGEX.search(
        ctx.text, start, end)
    if m:
        _set(ctx, rec, "reference", p.format_ref(m), m.start("yy"), m.end())
    elif url.reference:
        rec.reference = url.reference


def _bodies(ctx: Context, rec: Decision) -> None:
    org = ctx.seg.header.get("org")
    title = (org.value.strip(), org.start, org.end) if org else None
    found = find_bodies(ctx.text, title, ctx.preamble(), ctx.sentences("summary"),
                        ctx.sentences("summary", "complaint"))
    rec.bodies = [name for name, _s, _e in found]
    if found:
        rec.spans["bodies"] = ctx.span(found[0][1], found[0][2])


def _category(ctx: Context, rec: Decision, url: p.UrlFacts) -> None:
    f = ctx.seg.header.get("category")
    if f and f.value.strip():
        top, _, sub = f.value.partition(">")
        _set(ctx, rec, "category", Category(top=top.strip(), sub=sub.strip() or None),
             f.start, f.end)
        return
    if url.top_slug and url.top_slug in TOP_BY_SLUG:
        top = TOP_BY_SLUG[url.top_slug]
        rec.category = Category(top=top, sub=sub_for_slug(top, url.sub_slug or "")
                                or _unslug(url.sub_slug))
        return
    start, end = ctx.preamble()
    m = p.MIRROR_META_REGEX.search(ctx.text, start, end)
    if m and m["top"]:
        top = TOP_BY_SLUG.get(slugify(m["top"]))
        if top:
            sub = sub_for_slug(top, slugify(m["sub"] or "")) or (m["sub"] and m["sub"].capitalize())
            _set(ctx, rec, "category", Category(top=top, sub=sub or None),
                 m.start("top"), m.end("sub") if m["sub"] else m.end("top"))


def _unslug(slug: str | None) -> str | None:
    if not slug:
        return None
    text = " ".join(w for w in slug.split("-") if w)
    return text[:1].upper() + text[1:]


def _decision_date(ctx: Context, rec: Decision) -> None:
    f = ctx.seg.header.get("decision_date")
    found = p.find_date(f.value) if f else None
    if f and found:
        _set(ctx, rec, "decision_date", found[0], f.start + found[1], f.start + found[2])
        return
    start, end = ctx.preamble()
    m = p.DECIDED_REGEX.search(ctx.text, start, end)
    found = p.find_date(ctx.text[m.end():m.end() + 40]) if m else None
    if m and found and found[1] == 0:
        _set(ctx, rec, "decision_date", found[0], m.end(), m.end() + found[2])
        return
    m = p.LISTING_LINE_REGEX.search(ctx.text, start, end)
    iso = p.parse_date(m["date"]) if m else None
    if m and iso:
        _set(ctx, rec, "decision_date", iso, *m.span("date"))


def _complainant(ctx: Context, rec: Decision) -> None:
    zones = [ctx.ranges(*COMPLAINANT_SECTIONS), ctx.ranges("summary"),
             ctx.ranges("final_decision", "assessment", "what_found")]
    found = find_complainant(ctx.text, zones)
    if found:
        _set(ctx, rec, "complainant", *found)


def _summary(ctx: Context, rec: Decision) -> None:
    f = ctx.seg.header.get("summary")
    if f and f.value.strip():
        span = ctx.span(f.start, f.end)
        rec.summary = span.text
        rec.spans["summary"] = span


# --- citations and Acts ---------------------------------------------------------------------

def _citations(ctx: Context, rec: Decision) -> None:
    for f in find_citations(ctx.text):
        span = ctx.span(f.start, f.end)
        rec.citations.append(Citation(canonical=f.canonical, text=span.text, start=span.start,
                                      end=span.end))


def _other_acts(ctx: Context, rec: Decision) -> None:
    seen: set[str] = set()
    for name, _start, _end in p.find_other_acts(ctx.text):
        if name.lower() not in seen:
            seen.add(name.lower())
            rec.other_acts.append(name)


# --- outcome and the wording signals -------------------------------------------------------

def _outcome(ctx: Context, rec: Decision) -> None:
    lowered = ctx.view.lowered
    w = wording.read_wording(ctx.text, ctx.sentences("summary"), lowered)
    if not w.any:
        w = wording.read_wording(ctx.text, ctx.sentences("final_decision"), lowered)
    _set_outcome(ctx, rec, w)
    investigated = wording.investigated_from(w, rec.outcome)
    if investigated is None:
        return
    rec.investigated = investigated[0]
    _signal_span(ctx, rec, "investigated", investigated[1])
    fault = wording.fault_from(w, rec.outcome) if rec.investigated else None
    if fault is not None:
        rec.fault_found = fault[0]
        _signal_span(ctx, rec, "fault_found", fault[1])


def _signal_span(ctx: Context, rec: Decision, name: str, sentence: tuple[int, int] | None
                 ) -> None:
    """The sentence a signal was read from; else the outcome it follows from."""
    if sentence:
        rec.spans[name] = ctx.span(*sentence)
    elif "outcome" in rec.spans:
        rec.spans[name] = rec.spans["outcome"]


def _set_outcome(ctx: Context, rec: Decision, w: wording.Wording) -> None:
    """The "Decision :" header, else a listing line, else the wording, else an "Agreed action"
    section (DOMAIN §5.2: it implies Upheld)."""
    f = ctx.seg.header.get("decision")
    value = " ".join(f.value.lower().split()) if f else ""
    header = next((code for label, code in HEADER_OUTCOMES if value.startswith(label)), None)
    listing = p.LISTING_LINE_REGEX.search(ctx.text, *ctx.preamble())
    judged = wording.outcome_from(w)
    agreed = ctx.seg.section("agreed_action")
    if header:
        _set(ctx, rec, "outcome", header, f.start, f.end)
    elif listing:
        code = next(c for label, c in HEADER_OUTCOMES if listing["decision"].lower() == label)
        _set(ctx, rec, "outcome", code, *listing.span("decision"))
    elif judged:
        _set(ctx, rec, "outcome", judged[0], *judged[1])
    elif agreed:
        end = ctx.text.find("\n", agreed.heading_start)
        _set(ctx, rec, "outcome", "upheld", agreed.heading_start,
             end if end != -1 else len(ctx.text))


def _reasons(ctx: Context, rec: Decision) -> None:
    """Reasons and referrals, for decisions not investigated (or discontinued)."""
    if rec.investigated and rec.outcome != "closed_after_initial_enquiries":
        _part_referrals(ctx, rec)
        return
    sentences = ctx.sentences("summary", *REASON_SECTIONS)
    cited = [c.canonical for c in rec.citations]
    hits = find_reasons(ctx.text, sentences, cited, ctx.view)
    for hit in hits:
        span = ctx.span(hit.start, hit.end)
        rec.reasons.append(Reason(code=hit.code, evidence=span.text, start=span.start,
                                  end=span.end))
    rec.referred_to = [h.code for h in find_referrals(ctx.text, sentences, hits, ctx.view)]


def _part_referrals(ctx: Context, rec: Decision) -> None:
    """An investigated decision may still point the person elsewhere for a part it did not
    investigate ("a negligence claim, which can be pursued in the courts"): the bodies named
    in a sentence that gives a reason, in the sections on what was not investigated."""
    sentences = ctx.sentences(*PART_SECTIONS)
    hits = find_reasons(ctx.text, sentences, (), ctx.view)
    reasoned = {(h.start, h.end) for h in hits}
    rec.referred_to = [h.code for h in find_referrals(ctx.text, sentences, hits, ctx.view)
                       if (h.start, h.end) in reasoned]


def _remedies(ctx: Context, rec: Decision) -> None:
    groups = [(ctx.sentences("summary"), True)] + [
        (ctx.sentences_in(s.start, s.end), s.name in CARRY_CUE_SECTIONS)
        for s in ctx.seg.sections if s.name not in PAYMENT_EXCLUDED_SECTIONS
        and has_money(ctx.text, s.start, s.end)]  # no payment, no sentence splitting
    for hit in find_payments(ctx.text, groups):
        span = ctx.span(hit.start, hit.end)
        rec.payments.append(Payment(amount_gbp=hit.amount, status=hit.status,
                                    purpose=hit.purpose, evidence=span.text, start=span.start,
                                    end=span.end))
    parts = [(ctx.sentences("summary"), False)] + [
        (ctx.sentences_in(s.start, s.end), s.name in LISTED_SECTIONS)
        for s in ctx.seg.sections if s.name in REMEDY_SECTIONS]
    expected = bool(rec.fault_found) or rec.outcome == "upheld"
    accepted = any(r.code == "satisfied_with_remedy" for r in rec.reasons)
    found = find_remedy_kinds(ctx.text, parts, expected=expected, accepted=accepted,
                             view=ctx.view)
    rec.remedy_kinds = [k for k, _s, _e in found]
