"""The run report in a real headless browser (the review page's set-up: Debian's chromium
driven by Playwright; skipped with the reason when either is missing)."""

from __future__ import annotations

import re

import pytest
from test_review_browser import MIN_SCREENSHOT_BYTES, PNG_SIGNATURE, browser  # noqa: F401
from tidy_records import write_sample

from extractor.runs.runreport import FIGURES, write_report
from extractor.store.store import Store

MIN_CHART_PX = 80        # a drawn chart is taller than this; an empty <svg> is 0
# A hover title: "<row>: <number>[%] [series]".
TIP_REGEX = re.compile(r"^.+: [\d,.]+%?( .+)?$")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    with Store(":memory:") as store:
        write_report(store, write_sample(store), path)
    return path


@pytest.fixture
def page(browser, report):  # noqa: F811 - the fixture imported above
    tab = browser.new_page()
    tab.requests, tab.errors = [], []
    tab.on("request", lambda r: tab.requests.append(r.url))
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.goto(report.as_uri())
    yield tab
    assert tab.errors == [], "errors in the console"
    tab.close()


def test_every_chart_is_rendered_offline(page):
    assert page.title() == "extractor run 1 report"
    sections = page.locator("section[data-chart]")
    assert sections.count() == len(FIGURES)
    for n in range(sections.count()):
        section = sections.nth(n)
        box = section.locator("svg.chart").bounding_box()
        assert box is not None and box["height"] > MIN_CHART_PX, section.get_attribute("id")
        assert section.locator("svg.chart g > title").count() > 0
        assert section.locator(".numbers tbody tr").count() > 0
    assert page.requests == [page.url]                       # the file itself, nothing else


def test_bars_carry_their_numbers_on_hover(page):
    tips = page.eval_on_selector_all("svg.chart g > title", "els => els.map(e => e.textContent)")
    assert tips and all(TIP_REGEX.match(t) for t in tips), [t for t in tips
                                                            if not TIP_REGEX.match(t)][:3]
    assert "Anytown Council: 67%" in tips
    bar = page.locator("#bodies svg.chart g:has(> title)").first
    bar.hover()                                                 # a real bar under the mouse
    assert bar.bounding_box()["width"] > 0


def test_nav_links_reach_each_chart(page):
    page.click('nav a[href="#payments"]')
    assert page.evaluate("location.hash") == "#payments"
    top = page.evaluate("document.getElementById('payments').getBoundingClientRect().top")
    assert abs(top) < 5


def test_screenshot(page, tmp_path_factory):
    shot = tmp_path_factory.mktemp("shots") / "report.png"
    data = page.screenshot(path=str(shot), full_page=True)
    assert data.startswith(PNG_SIGNATURE) and len(data) > MIN_SCREENSHOT_BYTES
