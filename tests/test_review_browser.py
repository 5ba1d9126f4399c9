"""The review page in a real headless browser: Debian's chromium driven by Playwright.

Skips (with the reason) when chromium or Playwright is missing; ``scripts/install_browser.sh``
installs both (CI runs it before the tests). Playwright only drives the system chromium: it
never downloads a browser of its own.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_review import seed_record, span

from extractor.review.page import collect_evidence, write_review

# Debian's /usr/bin/chromium is a launcher script around this binary. Driven directly: the
# launcher's /dev/shm probe fails in containers with a "[: ...: unexpected operator" line on
# the terminal, and its flags are either not wanted here or in CHROMIUM_FLAGS.
DEBIAN_CHROMIUM_BINARY = Path("/usr/lib/chromium/chromium")


def chromium_executable() -> str:
    """EXTRACTOR_CHROMIUM, else Debian's chromium binary, else whatever ``chromium`` is."""
    if os.environ.get("EXTRACTOR_CHROMIUM"):
        return os.environ["EXTRACTOR_CHROMIUM"]
    if DEBIAN_CHROMIUM_BINARY.is_file():
        return str(DEBIAN_CHROMIUM_BINARY)
    return shutil.which("chromium") or "/usr/bin/chromium"


CHROMIUM = chromium_executable()
# Headless as root in a container, with nothing that would reach the network; shared memory in
# /tmp (what the launcher adds when /dev/shm is small).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1280, "height": 800}
MIN_SCREENSHOT_BYTES = 20_000  # a rendered page of text and tables; a blank one is ~5 kB
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
def test_the_browser_is_driven_without_a_launcher_script():
    """A launcher script writes to the terminal whatever it fails at (a stray error line in
    `./dev test`); the binary does not run one."""
    with Path(CHROMIUM).open("rb") as executable:
        assert executable.read(2) != b"#!", f"{CHROMIUM} is a script"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (run scripts/install_browser.sh)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (run scripts/install_browser.sh)")
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh --user-data-dir
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            viewport=VIEWPORT)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def review_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """Two records of the Kingston seed; the first has a span crossing the payment quote."""
    rec, text = seed_record()
    rec.spans["remedy_kinds"] = span(text, "distress caused and made some service improvements")
    other = rec.model_copy(deep=True, update={"reference": "25 000 002"})
    path = tmp_path_factory.mktemp("review") / "review.html"
    write_review(path, [rec, other], [text, text])
    return path, [rec, other]


@pytest.fixture
def page(browser, review_file):
    path, _ = review_file
    tab = browser.new_page()
    tab.requests, tab.errors = [], []
    tab.on("request", lambda r: tab.requests.append(r.url))
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.goto(path.as_uri())
    yield tab
    assert tab.errors == [], "JavaScript errors on the page"
    tab.close()


def sid_of(record, index: int) -> str:
    """The page id of evidence ``index`` of record 0 (ids follow collect_evidence order)."""
    assert 0 <= index < len(collect_evidence(record))
    return f"r0-s{index}"


def evidence_index(record, field: str) -> int:
    return next(n for n, e in enumerate(collect_evidence(record)) if e.field == field)


def in_view(tab, sid: str) -> bool:
    """Whether the element with id ``sid`` is inside its scroll container's visible box."""
    return tab.evaluate("""id => { const el = document.getElementById(id);
        const box = el.closest('.right').getBoundingClientRect(), r = el.getBoundingClientRect();
        return r.top >= box.top && r.bottom <= box.bottom && r.bottom <= innerHeight; }""", sid)


def test_page_renders_offline(page, review_file):
    _, records = review_file
    assert page.title() == "extractor review"
    assert page.locator("section.record.shown").count() == 1
    assert page.locator("#r0 table.fields tbody tr").count() >= 15
    assert page.locator("#r0 mark").count() >= len(collect_evidence(records[0]))
    assert page.locator("nav li").count() == 2
    assert page.requests == [page.url]                       # the file itself, nothing else


def test_clicking_a_field_scrolls_to_and_marks_its_span(page, review_file):
    _, records = review_file
    sid = sid_of(records[0], evidence_index(records[0], "reasons"))
    assert not in_view(page, sid)                             # the quote is near the end
    page.click("#r0-f-reasons th")
    assert page.evaluate("location.hash") == f"#{sid}"
    assert "active" in page.get_attribute(f"#{sid}", "class")
    assert "active" in page.get_attribute("#r0-f-reasons", "class")
    page.wait_for_function("id => { const r = document.getElementById(id).getBoundingClientRect();"
                           " return r.top >= 0 && r.bottom <= innerHeight; }", arg=sid)
    assert in_view(page, sid)


def test_clicking_one_citation_marks_only_that_span(page, review_file):
    _, records = review_file
    first = evidence_index(records[0], "citations")
    page.click(f'#r0-f-citations a.ev[data-span="r0-s{first + 1}"]')
    active = page.eval_on_selector_all("mark.active", "els => els.map(e => e.dataset.span)")
    assert active == [f"r0-s{first + 1}"]
    assert page.text_content(f"#r0-s{first + 1}") == "section 34(B)"


def test_every_highlight_selects_exactly_its_quote(page, review_file):
    _, records = review_file
    _, text = seed_record()
    for n, ev in enumerate(collect_evidence(records[0])):
        assert text[ev.start:ev.end] == ev.quote                 # the offsets, in Python
        shown = page.eval_on_selector_all(f'#r0 mark[data-span="r0-s{n}"]',
                                          "els => els.map(e => e.textContent).join('')")
        assert shown == ev.quote, ev.label                       # the highlight, in the browser
    crossing = evidence_index(records[0], "remedy_kinds")
    assert page.locator(f'mark[data-span="r0-s{crossing}"]').count() == 2  # split in two


def test_nav_moves_between_records(page):
    assert page.is_visible("#r0") and not page.is_visible("#r1")
    page.click('nav a[data-record="r1"]')
    page.wait_for_selector("#r1.shown")
    assert not page.is_visible("#r0")
    assert "current" in page.get_attribute('nav a[data-record="r1"]', "class")


def test_a_span_link_opens_its_record(browser, review_file):
    path, _ = review_file
    tab = browser.new_page()
    tab.goto(path.as_uri() + "#r1-s0")
    assert tab.is_visible("#r1") and not tab.is_visible("#r0")
    assert "active" in tab.get_attribute("#r1-s0", "class")
    tab.close()


def test_screenshot(page, tmp_path_factory):
    page.click("#r0-f-payments th")
    shot = tmp_path_factory.mktemp("shots") / "review.png"
    data = page.screenshot(path=str(shot))
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > MIN_SCREENSHOT_BYTES
    assert shot.stat().st_size == len(data)
