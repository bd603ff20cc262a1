"""The demo: real SMTP, real HTTP, a temporary SQLite and Maildir, and a clock moved by days.

It plays every person: it sends the hand-offs over SMTP, opens the links Baton mails, presses
the buttons a person would press, and prints each email Baton writes and each state change.
"""
from __future__ import annotations

import asyncio
import email
import re
import socket
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from email import policy
from pathlib import Path

import aiosmtplib

import service
import settings as settings_mod
from clock import clock
from outbound.sendfile import to_crlf
from store import intros as store_intros
from store import migrate
from store.db import make_engine

HERE = Path(__file__).resolve().parent
LINK = re.compile(r"https?://[^\s\"<>]+/(?:r|o|f)/[A-Za-z0-9_-]+")
FILL = ["a 20-minute call about how Vertex hires security engineers", "we worked together at Umbrella Corp",
        "staff security engineering roles", "by January", "you built the security team at Vertex",
        "https://example.com/felix-resume.pdf"]


def _text(msg: email.message.EmailMessage) -> str:
    part = msg.get_body(("plain",))
    return part.get_content() if part is not None else ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Demo:
    def __init__(self, root: Path, out: Callable[[str], None]) -> None:
        self.out = out
        web_port = _free_port()
        self.settings = settings_mod.load(
            assistant_address="intro@baton.example", database_url=f"sqlite:///{root / 'baton.db'}",
            var_dir=root / "var", outbound=f"maildir:{root / 'outbox'}", smtp_port=_free_port(), web_port=web_port,
            public_url=f"http://127.0.0.1:{web_port}", sender_policy="open", worker_poll_seconds=0.05)
        self.maildir = root / "outbox" / "new"
        self.seen: set[str] = set()
        self.events = 0

    # --- what a person does ---------------------------------------------------------------

    async def send(self, name: str) -> None:
        raw = to_crlf((HERE / name).read_bytes())
        sender = email.message_from_bytes(raw, policy=policy.default)["From"].addresses[0].addr_spec
        _, answer = await aiosmtplib.send(raw, sender=sender, recipients=[self.settings.assistant_address],
                                          hostname="127.0.0.1", port=self.settings.smtp_port)
        self.out(f"\n>>> {sender} sends {name!r} to Baton: 250 {answer}")

    async def click(self, url: str, **form: str | list[str]) -> str:
        """Opens the page (GET), then presses its button (POST) with the page's form token."""
        def go() -> str:
            page = urllib.request.urlopen(url, timeout=10).read().decode()
            found = re.search(r'name="form_token" value="([0-9a-f]+)"', page)
            assert found, "the page has no form"
            token = found.group(1)
            blanks = len(re.findall(r'name="blank"', page))
            data = {"form_token": token, **form}
            if blanks:
                data["blank"] = (FILL * 2)[:blanks]
            body = urllib.parse.urlencode(data, doseq=True).encode()
            done = urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=10).read().decode()
            title = re.search(r"<h1>(.*?)</h1>", done)
            return title.group(1) if title else done[:200]
        return await asyncio.to_thread(go)

    # --- what Baton does ------------------------------------------------------------------

    async def mail(self, count: int = 1, *, full: bool = False) -> list[email.message.EmailMessage]:
        """Waits for `count` new emails in the Maildir and prints them."""
        new: list = []
        deadline = time.monotonic() + 60  # instant on an idle machine; a loaded one (a test suite beside it) is slower
        while time.monotonic() < deadline:
            for path in sorted(self.maildir.glob("*")) if self.maildir.exists() else []:
                if path.name not in self.seen:
                    self.seen.add(path.name)
                    new.append(email.message_from_bytes(path.read_bytes(), policy=policy.default))
            if len(new) >= count:
                break
            await asyncio.sleep(0.05)
        printed: set[str] = set()
        for m in new:
            if m["Message-ID"] in printed:  # one email to several people: print it once
                continue
            printed.add(m["Message-ID"])
            to = ", ".join(sorted(x["Delivered-To"] for x in new if x["Message-ID"] == m["Message-ID"]))
            body = m.get_body(("plain",)).get_content().strip()
            if not full:
                body = "\n".join(body.splitlines()[:14]) + ("\n    [...]" if len(body.splitlines()) > 14 else "")
            indented = "\n".join("    " + line for line in body.splitlines())
            self.out(f"\n--- email to {to}  |  {m['Subject']}\n" + indented)
        self.states()
        return new

    def states(self) -> None:
        engine = make_engine(self.settings.database_url)
        lines = [line for row in store_intros.overview(engine) for line in store_intros.timeline(engine, row["id"])
                 if line[1] == "event" and "->" in line[2]]
        for _, _, detail, _ in sorted(lines, key=lambda line: line[:3])[self.events:]:
            self.out(f"    * state: {detail}")
        self.events = max(self.events, len(lines))
        engine.dispose()

    async def days(self, n: int) -> None:
        clock.advance(timedelta(days=n))
        self.out(f"\n=== {n} day{'s' if n > 1 else ''} later ===")

    # --- the story ------------------------------------------------------------------------

    async def run(self) -> None:
        out = self.out
        out("Baton demo: a temporary SQLite database and Maildir; SMTP on "
            f"{self.settings.smtp_port}, web on {self.settings.web_port}.")
        out("\n#### The essay's first bad hand-off: a voicemail-style 'so and so said I should talk to you',"
            "\n#### forwarded by the contact.")
        await self.send("voicemail.eml")
        await self.mail(full=True)
        out("\n#### The essay's second: 'my wife's sister ... is going to connect with you; can you help her"
            "\n#### find something in LA?'")
        await self.send("wifes-sister.eml")
        await self.mail(full=True)
        out("\n#### A good hand-off, all the way: Diane asks Baton to introduce Felix to Carla.")
        await self.send("good-request.eml")
        (draft,) = await self.mail()
        review = LINK.findall(_text(draft))[0]
        out(f"\n>>> Diane opens {review}, checks the request and presses 'Send opt-in requests'")
        page = await self.click(review, action="send", referrer_name="Diane Wu", contact_name="Carla Diaz",
                                contact_email="carla.diaz@vertex.example", pin_name="Felix Adams",
                                pin_email="felix.adams@mail.example", hide_contact_until_yes="1",
                                fact_ask="a 20-minute call about Vertex's security team and whether it's hiring",
                                fact_relationship="my old teammate from Umbrella Corp",
                                fact_goal="a staff security engineering role, Austin or remote",
                                fact_timeline="starting in January")
        out(f"    page: {page}")
        requests = {m["Delivered-To"]: m for m in await self.mail(2)}
        for who, answers in (("carla.diaz@vertex.example", {"reach": "Mornings are best"}),
                             ("felix.adams@mail.example", {"note": "Thank you, Diane!"})):
            url = LINK.findall(_text(requests[who]))[0]
            out(f"\n>>> {who} opens {url} and presses 'Yes'")
            out(f"    page: {await self.click(url, decision='yes', **answers)}")
        await self.mail(3, full=True)
        await self.days(1)
        await self.mail()
        await self.days(6)
        followups = {m["Delivered-To"]: m for m in await self.mail(2)}
        url = LINK.findall(_text(followups["felix.adams@mail.example"]))[0]
        out(f"\n>>> Felix opens {url} and presses 'We met'")
        out(f"    page: {await self.click(url, answer='met')}")
        await self.mail(2)
        out("\n#### The timeline (`server.py intros show 3`):")
        engine = make_engine(self.settings.database_url)
        for at, what, detail, _ in store_intros.timeline(engine, 3):
            out(f"    {at:%Y-%m-%d %H:%M}  {what:<5}  {detail}")
        engine.dispose()


async def main(out: Callable[[str], None] = print) -> None:
    with tempfile.TemporaryDirectory(prefix="baton-demo-") as tmp:
        demo = Demo(Path(tmp), out)
        migrate.upgrade(demo.settings.database_url)
        stop = asyncio.Event()
        task = asyncio.create_task(service.serve(demo.settings, stop=stop))
        for port in (demo.settings.smtp_port, demo.settings.web_port):
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    await asyncio.sleep(0.05)
        try:
            await demo.run()
        finally:
            stop.set()
            await task
            clock.offset = timedelta()
