"""Stage 1 (load): formats, and a one-line InputError for every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.read.inputs import iter_items
from extractor.read.load import Document, html_to_text, load_path, sniff_format

DECISION = "Some Council (24 001 234)\nSummary: We will not investigate Mr X's complaint.\n"


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(p)


GOOD_INPUTS = [
    # (file name, content, expected text start, expected url)
    ("plain.txt", DECISION, "Some Council", None),
    ("bom.txt", "\ufeff" + DECISION, "Some Council", None),
    ("rec.json", json.dumps({"text": DECISION, "url": "https://x/24-001-234"}), "Some Council",
     "https://x/24-001-234"),
    ("page.html", "<html><body><nav>Home</nav><h1>Some Council (24 001 234)</h1>"
                  "<script>var a=1;</script><style>p{}</style><p>Summary: We will not "
                  "investigate.</p></body></html>", "Some Council (24 001 234)", None),
    ("noext", DECISION, "Some Council", None),
]


@pytest.mark.parametrize("name,content,start,url", GOOD_INPUTS, ids=[g[0] for g in GOOD_INPUTS])
def test_good_inputs(tmp_path, name, content, start, url):
    [doc] = load_path(write(tmp_path, name, content))
    assert isinstance(doc, Document)
    assert doc.text.startswith(start)
    assert doc.url == url
    assert doc.source.endswith(name)


def test_html_drops_scripts_styles_and_nav():
    text = html_to_text("<html><head><title>t</title><style>.a{color:red}</style></head><body>"
                        "<nav>Menu</nav><p>Kept</p><script>alert('x')</script></body></html>")
    assert text == "Kept"


def test_html_reads_only_the_decision_article_when_the_page_has_one():
    page = ("<html><body><div>We use cookies on this site.</div><main><article id=\"article\">"
            "<h1>Some Council (24 001 234)</h1><p>Summary: We will not investigate.</p>"
            "</article><aside>Related decisions</aside></main></body></html>")
    assert html_to_text(page) == "Some Council (24 001 234)\nSummary: We will not investigate."
    assert "Related decisions" in html_to_text(page.replace('id="article"', 'id="other"'))


BAD_INPUTS = [
    # (file name, content, message fragment)
    ("empty.txt", b"", "input is empty"),
    ("blank.txt", b"  \n\t \n", "input is empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("undecodable.txt", b"abc \x81\x8d\x8f text", "cannot decode"),
    ("bad.json", b"{\"text\": ", "invalid JSON"),
    ("notext.json", b"{\"url\": \"x\"}", "no 'text'"),
    ("list.json", b"[1, 2]", "must be an object"),
    ("emptytext.json", b"{\"text\": \"   \"}", "no text to extract"),
]


@pytest.mark.parametrize("name,content,fragment", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_inputs_raise_one_line(tmp_path, name, content, fragment):
    with pytest.raises(InputError) as info:
        load_path(write(tmp_path, name, content))
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message
    assert name in message


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_path(str(tmp_path / "nope.txt"))
    with pytest.raises(InputError, match="is a directory"):
        load_path(str(tmp_path))


def test_size_limit_is_checked_before_reading(tmp_path):
    path = write(tmp_path, "big.txt", "x" * 2000)
    with pytest.raises(InputError, match="over the limit of 1,000"):
        load_path(path, max_bytes=1000)


def test_cp1252_pound_signs_decode_with_a_note(tmp_path):
    [doc] = load_path(write(tmp_path, "cp.txt", "It paid \xa3250 to Mr X.".encode("cp1252")))
    assert "£250" in doc.text
    assert doc.notes and "Windows-1252" in doc.notes[0]


def test_jsonl_broken_line_fails_alone(tmp_path):
    lines = [json.dumps({"text": DECISION, "id": "a"}), "{not json", "",
             json.dumps({"text": DECISION, "id": "c"})]
    path = write(tmp_path, "recs.jsonl", "\n".join(lines))
    items = list(iter_items([path]))
    assert [i.doc is not None for i in items] == [True, False, True]
    assert items[0].source.endswith("recs.jsonl:1") and items[0].doc.id == "a"
    assert "recs.jsonl:2" in str(items[1].error)


def test_iter_items_keeps_going_after_a_bad_path(tmp_path):
    good = write(tmp_path, "good.txt", DECISION)
    items = list(iter_items([str(tmp_path / "missing.txt"), good]))
    assert isinstance(items[0].error, InputError) and isinstance(items[1].doc, Document)


SNIFF = [
    ("-", '{"text": "x"}', "json"),
    ("-", '{"text": "x"}\n{"text": "y"}', "jsonl"),
    ("-", "<!DOCTYPE html><html></html>", "html"),
    ("-", "Some Council (24 001 234)", "txt"),
    ("a.HTM", "x", "html"),
]


@pytest.mark.parametrize("path,text,fmt", SNIFF)
def test_sniff_format(path, text, fmt):
    assert sniff_format(path, text) == fmt


def test_html_inline_tags_stay_on_their_line():
    text = html_to_text("<html><body><h1>Some Council\n  (24 001 234)</h1><p><strong>Category"
                        "</strong> : Housing &gt; Allocations</p><p><b>Summary:</b> We will "
                        "<em>not</em> investigate.</p><ul><li>one</li><li>two<br>three</li>"
                        "</ul></body></html>")
    assert text.splitlines() == ["Some Council (24 001 234)", "Category : Housing > Allocations",
                                 "Summary: We will not investigate.", "one", "two", "three"]
