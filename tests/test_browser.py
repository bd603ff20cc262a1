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


# The message named the contact "Carla Diaz"; the referrer corrects it to another first name, so
# every later greeting and sentence shows whether it follows the review page or the first draft.
CORRECTED = "Marta Diaz"


async def _review_in_browser(page, url: str, *, shoot: Path | None) -> None:
    """The referrer corrects the contact's name, fills what the request lacks, and sends."""
    await page.goto(url)
    await page.get_by_label("The contact (who is asked to help): name").fill(CORRECTED)
    ask = page.locator("textarea#ask")
    await ask.fill("a 20-minute call about Vertex's security team, and whether it is hiring senior engineers "
                   "this winter or in the spring")
    # The field grew with its text (CSS field-sizing, no script): taller than one line.
    assert (await ask.bounding_box())["height"] > 60
    if shoot:
        await page.screenshot(path=str(shoot / "1-review.png"), full_page=True)
    await page.get_by_role("button", name="Send opt-in requests").click()
    await page.get_by_role("heading", name="Requests sent").wait_for()


async def test_review_corrects_a_name_the_pins_note_reaches_the_referrer_and_an_introduction_follows(
        make_settings, browser, db_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    shoot = SHOTS if db_url.startswith("sqlite") else None  # one set of pictures is enough
    s = make_settings()
    async with Running(s, web=True) as baton:
        url = await review_link(baton, s)
        page = await browser.new_page(viewport={"width": 900, "height": 1100})
        await _review_in_browser(page, url, shoot=shoot)
        await wait_for(lambda: mail_to(s, "carla.diaz@vertex.example") and mail_to(s, "felix.adams@mail.example"))

        (request,) = mail_to(s, "carla.diaz@vertex.example")
        text = request.get_body(("plain",)).get_content()
        assert text.startswith("Hi Marta,") and CORRECTED in request["Subject"]  # the corrected name
        assert "Carla" not in text and "Carla" not in request["Subject"]
        assert "The ask: A 20-minute call about Vertex" in text
        (contact_url,) = links(request)
        await page.goto(contact_url)
        assert "The ask: A 20-minute call" in await page.content()
        await page.get_by_label("If yes: how and when to reach you", exact=False).fill("Mornings, by phone")
        if shoot:
            await page.screenshot(path=str(shoot / "2-contact-opt-in.png"), full_page=True)
        await page.get_by_role("button", name="Yes", exact=True).click()
        await page.get_by_text("Your answer: Yes").wait_for()

        (pin_url,) = links(mail_to(s, "felix.adams@mail.example")[0])
        phone = await browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        await phone.goto(pin_url)
        pin_page = await phone.content()
        assert "Marta" in pin_page and "Carla" not in pin_page  # told after the yes, by the corrected name
        assert "Marta Diaz, who has said yes." in pin_page and "is asking" not in pin_page
        assert "Your answers go into" not in pin_page  # no questions here, so no answers to speak of
        await phone.get_by_label("A note for Diane", exact=False).fill("Thank you, Diane!")
        if shoot:
            await phone.screenshot(path=str(shoot / "3-pin-opt-in-phone.png"), full_page=True)
        await phone.get_by_role("button", name="Yes", exact=True).click()
        await phone.get_by_text("Your answer: Yes").wait_for()

        note = await wait_for(lambda: [m for m in mail_to(s, "diane@wu.example") if m["Subject"].startswith("A note")])
        intro = await wait_for(lambda: [m for m in maildir(s) if m["Subject"].startswith("Introduction")])
    assert "Thank you, Diane!" in note[0].get_body(("plain",)).get_content()
    first = intro[0]
    assert {a.addr_spec for a in first["To"].addresses} == {"carla.diaz@vertex.example", "felix.adams@mail.example"}
    assert [a.addr_spec for a in first["Cc"].addresses] == ["diane@wu.example"]
    body = first.get_body(("plain",)).get_content()
    assert body.startswith("Marta, meet Felix Adams. Felix, meet Marta Diaz.") and "Mornings, by phone" in body
    for m in mail_to(s, "felix.adams@mail.example") + [first]:
        assert "Carla" not in m.get_body(("plain",)).get_content(), m["Subject"]
    assert state(s) == "connected"


async def test_the_contact_says_no_in_a_real_browser_and_the_pin_learns_nothing_of_who(make_settings, browser):
    s = make_settings()
    async with Running(s, web=True) as baton:
        url = await review_link(baton, s)
        page = await browser.new_page(viewport={"width": 900, "height": 1100})
        await _review_in_browser(page, url, shoot=None)
        await wait_for(lambda: mail_to(s, "carla.diaz@vertex.example") and mail_to(s, "felix.adams@mail.example"))
        (pin_url,) = links(mail_to(s, "felix.adams@mail.example")[0])
        await page.goto(pin_url)
        assert "Carla" not in await page.content() and "Marta" not in await page.content()
        (contact_url,) = links(mail_to(s, "carla.diaz@vertex.example")[0])
        await page.goto(contact_url)
        assert "won't learn that you were asked" in await page.content()
        await page.get_by_role("button", name="No", exact=True).click()
        await page.get_by_text("Your answer: No").wait_for()
        told = await wait_for(lambda: [m for m in mail_to(s, "diane@wu.example") if m["Subject"].startswith("Your intro")])
        await page.goto(pin_url)
        closed = await page.content()
    assert told and state(s) == "declined"
    assert "This intro is closed" in closed and "Carla" not in closed and "Marta" not in closed
    for m in mail_to(s, "felix.adams@mail.example"):
        assert "Carla" not in m.as_string() and "Marta" not in m.as_string() and "vertex.example" not in m.as_string()
