"""A stand-in for a strong model: an OpenAI-compatible server on loopback that answers the
project's own questions from the hand labels of the decision it is asked about.

Usage:
    python bench/stand_in_model.py --gold G.jsonl [G2.jsonl ...] --docs DIR [DIR2 ...] \
        --port 8099 [--wrong 0.3] [--miss 0.2] [--seed 0]
    extractor extract --backend openai --base-url http://127.0.0.1:8099/v1 --model stand-in ...

It reads labels in the corpus format (``../shared/corpus/LABELS.md``: one JSON object a line with
``file``, ``investigated``, ``fault_found``, ``reasons``, ``referred_to``, ``payments``,
``remedy_kinds``) and the decisions they label (``file`` found in one of the ``--docs`` folders:
a JSON record with ``text`` or a plain text file).

For each request it
- finds the question from the answer schema (the tool or ``response_format`` name:
  ``Reasons``, ``Referrals``, ``Remedies``, ``Payments``, ``Status``) and the codes its enum
  allows;
- finds the decision from the numbered sentences the prompt offers (``N. sentence`` lines): the
  labelled decision whose text contains most of them, compared as lower-case words;
- answers the labelled codes the schema allows, each with the offered sentence that states it
  best (the most words shared with the code and its description as the prompt lists it:
  ``- code: description``), as a strong model would;
- ``--miss``: leaves out that share of the right items; ``--wrong``: gives that share of the
  items a wrong but plausible code (one the schema allows that the labels do not give, drawn by
  how often the loaded labels use it), on the same sentence. Status answers flip; payment
  statuses change. Draws are seeded by ``--seed``, the decision and the question, so a run is
  reproducible whatever the order of requests.

Usage tokens are estimated (characters / 4), so a run's cost can be computed from them.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

WORD_REGEX = re.compile(r"[a-z0-9]+")
NUMBERED_REGEX = re.compile(r"^\s*(\d+)\.\s+(.*\S)\s*$")      # "3. The Council agreed ..."
OPTION_REGEX = re.compile(r"^\s*-\s*([a-z_]+):\s*(.*)$")       # "- late_complaint: the ..."
STOPWORDS = frozenset("the a an of to and or in on for is was be by it its that this with as "
                      "at from not no any has have had are were will would can could should "
                      "person body".split())
# The label field each question answers, by the answer model's name (the tool's name).
QUESTIONS = {"Reasons": "reasons", "Referrals": "referred_to", "Remedies": "remedy_kinds",
             "Payments": "payments", "Status": "status"}
PAYMENT_STATUSES = ("agreed", "offered_by_body", "recommended")
CHARS_PER_TOKEN = 4


def words(text: str) -> list[str]:
    return WORD_REGEX.findall(text.lower())


def stems(text: str) -> set[str]:
    """The first five letters of each word that is not a stop word (a crude stemmer)."""
    return {w[:5] for w in words(text) if w not in STOPWORDS and len(w) > 2}


def normalised(text: str) -> str:
    return " ".join(words(text))


@dataclass
class Labels:
    """The labelled decisions: labels by file, each decision's text as words."""

    gold: dict[str, dict[str, Any]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    usage: Counter[str] = field(default_factory=Counter)  # how often labels use each code

    @classmethod
    def load(cls, gold_paths: list[str], doc_dirs: list[str]) -> Labels:
        labels = cls()
        for path in gold_paths:
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                g = json.loads(line)
                text = read_doc(g["file"], doc_dirs)
                if text is None:
                    print(f"stand-in: {g['file']} is in no --docs folder; skipped",
                          file=sys.stderr)
                    continue
                labels.gold[g["file"]] = g
                labels.texts[g["file"]] = " " + normalised(text) + " "
                for name in ("reasons", "referred_to", "remedy_kinds"):
                    labels.usage.update(g.get(name) or [])
        return labels

    def find(self, sentences: list[str]) -> str | None:
        """The labelled decision whose text holds most of the offered sentences."""
        wanted = [" " + normalised(s) + " " for s in sentences if words(s)]
        best, hits = None, 0
        for name, text in self.texts.items():
            n = sum(1 for s in wanted if s in text)
            if n > hits:
                best, hits = name, n
        return best


def read_doc(name: str, dirs: list[str]) -> str | None:
    for d in dirs:
        path = Path(d) / name
        if path.is_file():
            raw = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".json":
                return str(json.loads(raw).get("text") or "")
            return raw
    return None


@dataclass
class Question:
    """What one request asks: the answer schema, the sentences and the options offered."""

    name: str
    schema: dict[str, Any]
    sentences: list[str]
    options: dict[str, str]

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Question | None:
        name, schema = answer_schema(body)
        if name is None:
            return None
        text = "\n".join(str(m.get("content") or "") for m in body.get("messages", [])
                         if m.get("role") in ("user", "system"))
        sentences: dict[int, str] = {}
        options: dict[str, str] = {}
        for line in text.splitlines():
            numbered, option = NUMBERED_REGEX.match(line), OPTION_REGEX.match(line)
            if numbered:
                sentences[int(numbered.group(1))] = numbered.group(2)
            elif option:
                options[option.group(1)] = option.group(2)
        return cls(name, schema, [sentences[n] for n in sorted(sentences)], options)

    def item_schema(self) -> dict[str, Any]:
        items = self.schema.get("properties", {}).get("items", {})
        ref = (items.get("items") or {}).get("$ref", "")
        return self.schema.get("$defs", {}).get(ref.rsplit("/", 1)[-1], items.get("items") or {})

    def max_items(self) -> int:
        return int(self.schema.get("properties", {}).get("items", {}).get("maxItems", 99))

    def enum(self, prop: str) -> list[Any]:
        return list(self.item_schema().get("properties", {}).get(prop, {}).get("enum") or [])

    def best_sentence(self, code: str, hint: str = "") -> int:
        """The number of the offered sentence sharing most words with the code, its
        description and ``hint`` (the first on a tie: the Summary comes first)."""
        key = stems(code.replace("_", " ") + " " + self.options.get(code, "") + " " + hint)
        scores = [len(key & stems(s)) for s in self.sentences]
        return 1 + max(range(len(scores)), key=lambda i: (scores[i], -i)) if scores else 1


def answer_schema(body: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The answer model's name and JSON Schema (a forced tool, or ``response_format``)."""
    for tool in body.get("tools") or []:
        fn = tool.get("function") or {}
        if fn.get("name") in QUESTIONS:
            return fn["name"], fn.get("parameters") or {}
    fmt = (body.get("response_format") or {}).get("json_schema") or {}
    if fmt.get("name") in QUESTIONS:
        return fmt["name"], fmt.get("schema") or {}
    text = json.dumps(body.get("messages", []))
    for name in QUESTIONS:  # JSON modes: the schema is in the messages
        if f'\\"title\\": \\"{name}\\"' in text:
            return name, {}
    return None, {}


@dataclass
class Answerer:
    labels: Labels
    wrong: float = 0.0
    miss: float = 0.0
    seed: int = 0

    def answer(self, q: Question) -> dict[str, Any]:
        doc = self.labels.find(q.sentences)
        gold = self.labels.gold.get(doc or "", {})
        rng = random.Random(f"{self.seed}:{doc}:{q.name}:{len(q.sentences)}")
        field_ = QUESTIONS[q.name]
        if field_ == "status":
            return self.status(q, gold, rng)
        if field_ == "payments":
            return {"items": self.payments(q, gold, rng)[:q.max_items()]}
        prop = "kind" if field_ == "remedy_kinds" else "code"
        return {"items": self.codes(q, gold.get(field_) or [], prop, rng)[:q.max_items()]}

    def codes(self, q: Question, labelled: list[str], prop: str, rng: random.Random
              ) -> list[dict[str, Any]]:
        allowed = q.enum(prop) or list(q.options)
        out = []
        for code in (c for c in labelled if c in allowed):
            if rng.random() < self.miss:
                continue
            sentence = q.best_sentence(code)
            if rng.random() < self.wrong:
                code = self.plausible_wrong(allowed, labelled, rng) or code
            out.append({"sentence": sentence, prop: code})
        return out

    def plausible_wrong(self, allowed: list[str], labelled: list[str], rng: random.Random
                        ) -> str | None:
        """A code the schema allows and the labels do not give, drawn by how often labels
        use it (a common code is a plausible mistake)."""
        others = [c for c in allowed if c not in labelled and c != "other"]
        if not others:
            return None
        return rng.choices(others, weights=[1 + self.labels.usage[c] for c in others])[0]

    def payments(self, q: Question, gold: dict[str, Any], rng: random.Random
                 ) -> list[dict[str, Any]]:
        amounts = q.enum("amount_gbp")
        cap = int(q.item_schema().get("properties", {}).get("purpose", {}).get("maxLength", 60))
        out = []
        for p in gold.get("payments") or []:
            amount = p.get("amount_gbp")
            if amount is None or (amounts and float(amount) not in amounts):
                continue
            if rng.random() < self.miss:
                continue
            status = p.get("status") or "agreed"
            if rng.random() < self.wrong:
                status = rng.choice([s for s in PAYMENT_STATUSES if s != status])
            out.append({"amount_gbp": float(amount), "status": status,
                        "purpose": str(p.get("purpose") or "not stated")[:cap]})
        return out

    def status(self, q: Question, gold: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        asked = [p for p in ("investigated", "fault_found")
                 if p in q.schema.get("properties", {})] or ["investigated", "fault_found"]
        out: dict[str, Any] = {"sentence": q.best_sentence(asked[0].split("_")[0],
                                                          "fault investigate decided")}
        for name in asked:
            value = gold.get(name)
            said = "unclear" if value is None else "yes" if value else "no"
            if said != "unclear" and rng.random() < self.wrong:
                said = "no" if said == "yes" else "yes"
            out[name] = said
        return out


def completion(body: dict[str, Any], name: str, answer: dict[str, Any]) -> dict[str, Any]:
    """An OpenAI chat completion carrying ``answer`` as the tool call (or the content)."""
    arguments = json.dumps(answer)
    message: dict[str, Any] = {"role": "assistant", "content": None}
    if body.get("tools"):
        message["tool_calls"] = [{"id": "call_0", "type": "function",
                                  "function": {"name": name, "arguments": arguments}}]
    else:
        message["content"] = arguments
    prompt = sum(len(str(m.get("content") or "")) for m in body.get("messages", []))
    prompt += len(json.dumps(body.get("tools") or body.get("response_format") or {}))
    return {"id": "chatcmpl-stand-in", "object": "chat.completion", "created": 0,
            "model": body.get("model") or "stand-in",
            "choices": [{"index": 0, "message": message,
                         "finish_reason": "tool_calls" if body.get("tools") else "stop"}],
            "usage": {"prompt_tokens": prompt // CHARS_PER_TOKEN,
                      "completion_tokens": max(1, len(arguments) // CHARS_PER_TOKEN),
                      "total_tokens": (prompt + len(arguments)) // CHARS_PER_TOKEN}}


def make_handler(answerer: Answerer) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def send(self, code: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            if self.path.rstrip("/").endswith("/models"):
                self.send(200, {"object": "list", "data": [{"id": "stand-in",
                                                             "object": "model"}]})
            else:
                self.send(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:  # noqa: N802
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self.send(404, {"error": {"message": "not found"}})
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            q = Question.parse(body)
            if q is None:
                self.send(400, {"error": {"message": "not a question this stand-in knows"}})
                return
            with lock:
                answer = answerer.answer(q)
            self.send(200, completion(body, q.name, answer))

    return Handler


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", nargs="+", required=True)
    ap.add_argument("--docs", nargs="+", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--wrong", type=float, default=0.0, help="share of items given a wrong code")
    ap.add_argument("--miss", type=float, default=0.0, help="share of right items left out")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    labels = Labels.load(args.gold, args.docs)
    server = ThreadingHTTPServer(("127.0.0.1", args.port),
                                 make_handler(Answerer(labels, args.wrong, args.miss, args.seed)))
    print(f"stand-in: {len(labels.gold)} labelled decisions on "
          f"http://127.0.0.1:{server.server_port}/v1 (wrong {args.wrong}, miss {args.miss}, "
          f"seed {args.seed})", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
