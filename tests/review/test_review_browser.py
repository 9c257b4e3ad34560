"""The review page in a real browser: Debian's headless Chromium driven by Playwright.

Goes through the sample orders as an owner would: by keyboard from card to card, edits a
personal line and watches the proof change, holds one card, approves the rest and prints;
then opens the written cards.pdf. Screenshots go to ``tmp/review-browser/`` (or
``$NOTECARDS_ARTEFACTS``) to be looked at.
"""

from __future__ import annotations

import io
import os
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Browser, Page, expect, sync_playwright

from notecards import workspace
from notecards.planning.batch import make_settings
from notecards.review import Review
from notecards.review.web import ReviewServer
from tests.conftest import ROOT, TODAY
from tests.pdfcheck import page_texts

CHROMIUM = os.environ.get("NOTECARDS_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(os.environ.get("NOTECARDS_ARTEFACTS", ROOT / "tmp"))
EDITED = "Written on the desk for you, Ada."


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} not found: apt-get install -y chromium (see .ci/run), "
        "or point NOTECARDS_CHROMIUM at a Chromium binary."
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[ReviewServer, Path]]:
    settings = make_settings(ledger_path=tmp_path / "ledger.sqlite")
    out = tmp_path / "out"
    review = Review([workspace.sample_orders_path()], settings, today=TODAY, out_dir=out)
    server = ReviewServer(review)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, out
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    assert errors == [], errors


def shot(page: Page, name: str) -> None:
    folder = ARTEFACTS / "review-browser"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def current_card(page: Page) -> int:
    return int(page.locator("#cards li.current").get_attribute("data-card") or 0)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        data: bytes = response.read()
    return data


def test_review_by_keyboard_edit_hold_approve_and_print(
    page: Page, served: tuple[ReviewServer, Path]
):
    server, out = served
    base = server.url.split("/?")[0]
    page.goto(server.url)
    expect(page.locator("#cards li")).to_have_count(12)
    expect(page.locator("#counts")).to_contain_text("12 to review")
    expect(page.locator("#proof-inside")).to_have_js_property("complete", True)
    shot(page, "01-opened")

    # Card to card by keyboard.
    assert current_card(page) == 1
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator("#cards li.current")).to_have_attribute("data-card", "3")
    page.keyboard.press("k")
    expect(page.locator("#cards li.current")).to_have_attribute("data-card", "2")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#cards li.current")).to_have_attribute("data-card", "3")
    expect(page.locator(".card-head h1")).to_have_text("№ 3 · Ada Whitfield")

    # Edit the personal line (e, type, Ctrl+Enter) and see the proof change.
    before_src = page.locator("#proof-inside").get_attribute("src") or ""
    before = Image.open(io.BytesIO(fetch(base + before_src))).convert("RGB")
    page.keyboard.press("e")
    expect(page.locator("#personal-line")).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.type(EDITED)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#cards li.current .chip.edited")).to_be_visible()
    expect(page.locator("#proof-inside")).not_to_have_attribute("src", before_src)
    expect(page.locator("#proof-inside")).to_have_js_property("complete", True)
    after_src = page.locator("#proof-inside").get_attribute("src") or ""
    assert page.locator("#proof-inside").evaluate("img => img.naturalWidth") > 500
    after = Image.open(io.BytesIO(fetch(base + after_src))).convert("RGB")
    changed = ImageChops.difference(before, after).getbbox()
    assert changed is not None
    assert changed[0] > before.width // 2  # the message is on the right-hand panel
    shot(page, "02-edited")

    # Filters: the edited card alone, then all again.
    page.check("#f-edited")
    expect(page.locator("#cards li")).to_have_count(1)
    page.uncheck("#f-edited")
    page.select_option("#f-occasion", "birthday")
    expect(page.locator("#cards li")).to_have_count(1)
    expect(page.locator("#cards li .who")).to_have_text("Helen Park")
    page.select_option("#f-occasion", "")
    expect(page.locator("#cards li")).to_have_count(12)

    # Back to the top; approve 1-3, hold 4 (Marcus Bell), approve the rest.
    page.locator("#cards li[data-card='1']").click()
    for key in ["a", "a", "a", "h"] + ["a"] * 8:
        page.keyboard.press(key)
    expect(page.locator("#counts")).to_contain_text("11 approved · 1 held", timeout=60_000)
    page.check("#f-held")
    expect(page.locator("#cards li")).to_have_count(1)
    expect(page.locator("#cards li .who")).to_have_text("Marcus Bell")
    page.uncheck("#f-held")
    shot(page, "03-reviewed")

    # Print approved cards: the summary links to the written files.
    page.keyboard.press("p")
    expect(page.locator("#summary")).to_be_visible(timeout=120_000)
    expect(page.locator("#summary-line")).to_contain_text("11 new cards")
    link = page.locator("#summary-files a", has_text="cards.pdf")
    expect(link).to_be_visible()
    for name in ("envelopes.pdf", "manifest.csv", "job.txt"):
        expect(page.locator("#summary-files a", has_text=name)).to_be_visible()
    shot(page, "04-printed")
    assert fetch(base + (link.get_attribute("href") or "")) == (out / "cards.pdf").read_bytes()

    # The written cards.pdf: the edited line on card 3's inside, no held card anywhere.
    texts = [" ".join(t.split()) for t in page_texts(out / "cards.pdf")]
    assert len(texts) == 22
    assert "1003" in texts[4] and EDITED in texts[5]
    assert not any("Marcus" in t or "1004" in t for t in texts)

    # The desk now holds only the held card, for the next review.
    page.locator("#summary-close").click()
    expect(page.locator("#cards li")).to_have_count(1)
    expect(page.locator("#cards li .chip.held")).to_be_visible()
    shot(page, "05-after-print")


def test_a_rejected_row_is_fixed_on_the_page(page: Page, served: tuple[ReviewServer, Path]):
    server, _ = served
    page.goto(server.url)
    expect(page.locator("#cards li")).to_have_count(12)
    # s skips the card with a reason typed into the prompt; u puts it back to review.
    page.once("dialog", lambda dialog: dialog.accept("moved away"))
    page.keyboard.press("s")
    expect(page.locator("#cards li[data-card='1'] .chip.skipped")).to_be_visible()
    expect(page.locator("#counts")).to_contain_text("1 skipped")
    page.locator("#cards li[data-card='1']").click()
    expect(page.locator(".facts")).to_contain_text("moved away")
    page.keyboard.press("u")
    expect(page.locator("#counts")).to_contain_text("0 skipped · 12 to review")
    page.locator("#reject-list li").click()
    expect(page.locator(".card-head h1")).to_contain_text("row 15")
    page.fill("input[data-name='address_line1']", "12 Pike Street")
    page.fill("input[data-name='postal_code']", "98101")
    shot(page, "06-fix-form")
    page.get_by_role("button", name="Save fix and plan again").click()
    expect(page.locator("#notice")).to_contain_text("Fix kept")
    expect(page.locator("#cards li")).to_have_count(13)
    expect(page.locator("#rejects")).to_be_hidden()
    page.locator("#cards li[data-card='13']").click()
    expect(page.locator(".card-head h1")).to_have_text("№ 13 · Grace Liu")
    expect(page.locator(".facts")).to_contain_text("12 Pike Street")
