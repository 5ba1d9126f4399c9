"""The embedded server's entry point: llama-cpp-python's server, with greedy grammar sampling
checked lazily (``lazy_grammar.py``: the same tokens, a fraction of the work).

``local_server.py`` runs ``python -m extractor.model.serve`` with llama-cpp-python's own
server arguments; the first line of its log says whether the lazy check is on (it stays off,
and the server runs as llama-cpp-python ships it, on a version whose internals differ).
"""

from __future__ import annotations

import sys

from extractor.model import lazy_grammar


def main() -> None:
    on = lazy_grammar.install()
    print(f"extractor: lazy grammar check {'on' if on else 'off (llama-cpp-python differs)'}",
          file=sys.stderr, flush=True)
    from llama_cpp.server.__main__ import main as serve

    serve()


if __name__ == "__main__":
    main()
