"""The opt-in as people live it, in headless Chromium (Debian's package, driven by Playwright).

The referrer opens the review link from the draft in the Maildir, fills the blanks and sends;
the contact clicks Yes; the PIN answers the questions and clicks Yes; the introduction arrives.
Screenshots of each page go to docs/screenshots/ (the README shows them).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from tests.service_helpers import Running, maildir, wait_for
from tests.test_optin import links, mail_to, review_link, state

CHROMIUM = os.environ.get("BATON_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# Without the networking flags, Chromium tries to reach Google's hosts at every start.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture
async def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (`make test` installs Debian's chromium package)")
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        await b.close()


async def test_referrer_reviews_contact_and_pin_say_yes_in_a_real_browser(make_settings, browser, db_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    shoot = db_url.startswith("sqlite")  # one set of pictures is enough
    s = make_settings()
    async with Running(s, web=True) as baton:
        url = await review_link(baton, s)
        page = await browser.new_page(viewport={"width": 900, "height": 1100})

        await page.goto(url)
        blanks = page.locator('input[name="blank"]')
        for i in range(await blanks.count()):
            await blanks.nth(i).fill(["a 20-minute call about Vertex's security team", "we worked together at Umbrella Corp",
                                      "staff security engineering roles", "by January", "you built that team",
                                      "https://example.com/felix-resume.pdf"][i % 6])
        if shoot:
            await page.screenshot(path=str(SHOTS / "1-review.png"), full_page=True)
        await page.get_by_role("button", name="Send opt-in requests").click()
        await page.get_by_role("heading", name="Requests sent").wait_for()
        await wait_for(lambda: mail_to(s, "carla.diaz@vertex.example") and mail_to(s, "felix.adams@mail.example"))

        (contact_url,) = links(mail_to(s, "carla.diaz@vertex.example")[0])
        await page.goto(contact_url)
        assert "a 20-minute call" in await page.content()
        if shoot:
            await page.screenshot(path=str(SHOTS / "2-contact-opt-in.png"), full_page=True)
        await page.get_by_role("button", name="Yes", exact=True).click()
        await page.get_by_text("Your answer: Yes").wait_for()

        (pin_url,) = links(mail_to(s, "felix.adams@mail.example")[0])
        phone = await browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        await phone.goto(pin_url)
        await phone.get_by_label("Goal", exact=False).first.fill("A staff security engineering role")
        if shoot:
            await phone.screenshot(path=str(SHOTS / "3-pin-opt-in-phone.png"), full_page=True)
        await phone.get_by_role("button", name="Yes", exact=True).click()
        await phone.get_by_text("Your answer: Yes").wait_for()

        intro = await wait_for(lambda: [m for m in maildir(s) if m["Subject"].startswith("Introduction")])
    first = intro[0]
    assert {a.addr_spec for a in first["To"].addresses} == {"carla.diaz@vertex.example", "felix.adams@mail.example"}
    assert [a.addr_spec for a in first["Cc"].addresses] == ["diane@wu.example"]
    assert "A staff security engineering role" in first.get_body(("plain",)).get_content()
    assert state(s) == "connected"
