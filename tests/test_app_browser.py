"""The review app in a real headless browser: Debian's chromium driven by Playwright.

The walk a reviewer makes, by keyboard: use the suggestion, accept, correct with a
typed value, reject, undo, a refused value, and a bulk reject of one file's MASKED
values; after each step corrections.csv and the queue the app keeps are checked.
Skipped only when chromium cannot be had here (.ci/run installs it with apt).
"""
from __future__ import annotations

import shutil
import urllib.parse

import pytest

from app_support import (I01_003, I10_TXT, I25_PDF, I25_TXT, TXT_004, copy_out_dir, corrections, key, make_out_dir,
                         review_keys, stored)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
if not shutil.which(CHROMIUM):
    pytest.skip(f"no chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium) to run the "
                f"browser tests", allow_module_level=True)

from ecopark.app.run import ReviewServer  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return make_out_dir(tmp_path_factory.mktemp("browser"))


@pytest.fixture
def app(made, tmp_path):
    _, out = copy_out_dir(made, tmp_path)
    server = ReviewServer(out, port=0).start()
    yield server, out
    server.stop()


@pytest.fixture
def page(browser, app):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    p = context.new_page()
    p.errors = []
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    yield p
    context.close()


def _li(page, key):
    return page.locator(f'#queue li[data-key="{key}"]')


def _open(page, key):
    _li(page, key).click()
    page.wait_for_selector(f'#item article[data-key="{key}"]')


def _state(page, key, status):
    page.wait_for_function("([k, s]) => { const li = [...document.querySelectorAll('#queue li')]"
                           ".find(x => x.dataset.key === k); return li && li.classList.contains(s); }",
                           arg=[key, status])


def test_the_page_lists_the_flagged_records(page, app):
    server, out = app
    page.goto(server.url)
    page.wait_for_selector("#queue li.current")
    listed = page.eval_on_selector_all("#queue li[data-key]", "els => els.map(e => e.dataset.key)")
    assert review_keys(out)[:20] and set(review_keys(out)[:20]) <= set(listed)
    assert set(review_keys(out)) <= set(listed)
    assert page.locator("[data-count=left]").inner_text() == str(len(review_keys(out)))
    assert not page.errors


def test_a_reviewer_walks_the_queue_by_keyboard(page, app):
    server, out = app
    queue = server.queue
    page.goto(server.url)
    page.wait_for_selector("#queue li.current")

    _open(page, I10_TXT)                              # s: use the suggestion
    page.keyboard.press("s")
    _state(page, I10_TXT, "correct")
    row = corrections(out)[I10_TXT]
    assert (row["decision"], row["corrected_value"]) == ("correct", "-4.85")
    assert stored(out)[I10_TXT] == ("correct", "-4.85")
    assert queue.by_key[I10_TXT].value == -4.85 and not queue.by_key[I10_TXT].needs_review

    _open(page, I25_TXT)                              # a: accept
    page.keyboard.press("a")
    _state(page, I25_TXT, "accept")
    assert corrections(out)[I25_TXT]["decision"] == "accept" and stored(out)[I25_TXT] == ("accept", "")
    assert queue.by_key[I25_TXT].value == -9.97 and queue.by_key[I25_TXT].decision == "accept"

    _open(page, I01_003)                              # c, a typed value, Enter: correct
    page.keyboard.press("c")
    page.keyboard.type("abc")
    page.keyboard.press("Enter")
    page.wait_for_selector("#message.error")
    assert "not a number" in page.locator("#message").inner_text()
    assert corrections(out)[I01_003]["decision"] == "" and queue.by_key[I01_003].needs_review
    assert I01_003 not in stored(out)
    page.fill("#item input[name=value]", "39.13")
    page.keyboard.press("Enter")
    _state(page, I01_003, "correct")
    row = corrections(out)[I01_003]
    assert (row["decision"], row["corrected_value"]) == ("correct", "39.13")
    assert stored(out)[I01_003] == ("correct", "39.13")
    assert queue.by_key[I01_003].value == 39.13

    _open(page, I25_PDF)                              # r: reject
    page.keyboard.press("r")
    _state(page, I25_PDF, "reject")
    assert corrections(out)[I25_PDF]["decision"] == "reject" and stored(out)[I25_PDF] == ("reject", "")
    assert queue.by_key[I25_PDF].value is None and queue.by_key[I25_PDF].decision == "reject"

    page.keyboard.press("u")                          # u: undo the reject
    _state(page, I25_PDF, "left")
    assert corrections(out)[I25_PDF]["decision"] == "" and stored(out)[I25_PDF] == ("", "")
    assert queue.by_key[I25_PDF].needs_review and queue.by_key[I25_PDF].value == -9.97
    assert corrections(out)[I01_003]["decision"] == "correct"     # the earlier decisions stay
    assert page.locator("[data-count=reviewed]").inner_text() == "3"
    assert not page.errors


def test_bulk_reject_of_one_files_masked_values(page, app):
    server, out = app
    queue = server.queue
    page.goto(server.url + "&" + urllib.parse.urlencode({"flag": "MASKED", "file": TXT_004}))
    page.wait_for_selector("#queue li.current")
    keys = page.eval_on_selector_all("#queue li[data-key]", "els => els.map(e => e.dataset.key)")
    assert len(keys) > 20 and all(k.startswith(key(TXT_004, "")) for k in keys)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#bulk button[data-bulk=reject]")
    page.wait_for_selector("#message.ok")
    assert f"{len(keys)} values decided" in page.locator("#message").inner_text()
    rows = corrections(out)
    assert {k for k, row in rows.items() if row["decision"] == "reject"} == set(keys)
    assert {k for k, (d, _) in stored(out).items() if d == "reject"} == set(keys)
    assert all(not queue.by_key[k].needs_review and queue.by_key[k].value is None for k in keys)
    assert page.locator("#queue li.left").count() == 0
    page.keyboard.press("u")                          # the whole bulk action is one undo
    page.wait_for_selector("#message.ok >> text=undone")
    assert not any(row["decision"] for row in corrections(out).values())
    assert not any(d for d, _ in stored(out).values())
    assert all(queue.by_key[k].needs_review for k in keys)
    assert not page.errors


def test_the_source_page_opens_at_the_row(page, app):
    server, _ = app
    page.goto(server.url)
    page.wait_for_selector("#queue li.current")
    _open(page, I25_PDF)
    with page.context.expect_page() as opened:
        page.click("#item a.source-link")
    source = opened.value
    source.wait_for_load_state()
    source.wait_for_function("() => document.querySelector('.page img').complete")
    band = source.locator("#here").bounding_box()
    image = source.locator(".page img").bounding_box()
    assert band and image and image["y"] < band["y"] < image["y"] + image["height"]
    assert band["height"] > 5
