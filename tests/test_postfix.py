"""The production recipe with Debian's Postfix in front of Baton (issue 14), on this machine.

A private Postfix instance runs the files in deploy/postfix/ (the ones docs/deploy.md shows)
from its own config, queue and data directories under a temporary directory, on free loopback
ports, changing only the settings in OVERRIDES and MASTER_OVERRIDES (docs/deploy.md lists them):
where it listens, where its directories are, where "the internet" is (a sink that refuses one
address), where Baton listens, and where the verifier milter listens. OpenDKIM and OpenDMARC
cannot verify anything without DNS, so tests/fake_milter.py stands in for them: the test's own
trusted hop, adding Authentication-Results with the MX's authserv-id. Nothing outside the
temporary directory is changed, and the instance is stopped at the end.
"""
from __future__ import annotations

import asyncio
import email
import os
import shutil
import smtplib
import subprocess
import tempfile
import threading
import time
from email import policy
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller

import settings as settings_mod
from outbound.sendfile import to_crlf
from store import messages, outbox
from store import migrate as store_migrate
from store.db import make_engine
from tests.conftest import free_port
from tests.fake_milter import FakeVerifier
from tests.service_helpers import HANDOFFS, Running, wait_for
from tests.test_optin import fill_review, links

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy" / "postfix"
FILES = ("main.cf", "master.cf", "header_checks", "relay_recipients")
POSTFIX = shutil.which("postfix") or ("/usr/sbin/postfix" if os.path.exists("/usr/sbin/postfix") else None)
INSTALL = "apt-get install -y postfix"
AUTHSERV_ID = "mx.example.com"  # main.cf's myhostname, the id the milters write and Baton trusts
ASSISTANT = "intro@example.com"


def overrides(tmp: Path, ports: dict[str, int]) -> dict[str, str]:
    """main.cf settings the test changes (postconf -e), and nothing else."""
    return {
        "queue_directory": str(tmp / "queue"),       # a private queue, not /var/spool/postfix
        "data_directory": str(tmp / "data"),
        "maillog_file": str(tmp / "maillog"),        # the test reads the log on failure
        "maillog_file_prefixes": str(tmp),
        "inet_protocols": "ipv4",                    # loopback only here
        "relay_transport": f"smtp:[127.0.0.1]:{ports['baton']}",     # Baton's SMTP listener
        "default_transport": f"smtp:[127.0.0.1]:{ports['internet']}",  # "the internet": a sink
        "smtpd_milters": f"inet:127.0.0.1:{ports['milter']}",        # the stand-in verifier
    }


def master_overrides(ports: dict[str, int]) -> dict[str, str]:
    """master.cf fields the test changes (postconf -F -e): the two smtpd services' addresses."""
    return {"smtp/inet/service": f"127.0.0.1:{ports['mx']}",
            "10025/inet/service": f"127.0.0.1:{ports['relay']}"}


def postconf(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["postconf", "-c", str(config), *args], capture_output=True, text=True, timeout=30)


def need_postfix() -> None:
    if not POSTFIX or not shutil.which("postconf"):
        pytest.fail(f"Debian's postfix is not installed: run `{INSTALL}`", pytrace=False)


class Internet:
    """Every other mail server in the world: takes mail for anyone but one unknown address."""

    UNKNOWN = "carla.diaz@vertex.example"

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.lower() == self.UNKNOWN:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self.lock:
            return [m for _, rcpts, m in self.received if address in rcpts]


class Instance:
    def __init__(self, tmp: Path, ports: dict[str, int], internet: Internet, verifier: FakeVerifier) -> None:
        self.tmp, self.ports, self.internet, self.verifier = tmp, ports, internet, verifier
        self.config = tmp / "etc"

    def log(self) -> str:
        path = self.tmp / "maillog"
        return path.read_text(errors="replace")[-4000:] if path.exists() else "(no maillog)"


def _verdict(domain: str) -> str:
    """What OpenDKIM and OpenDMARC would write: wu.example signs (and publishes no DMARC
    record); everyone else fails."""
    if domain == "wu.example":
        return ("dkim=pass header.d=wu.example header.s=s1; spf=none smtp.mailfrom=wu.example;"
                " dmarc=none (p=none) header.from=wu.example")
    return f"spf=fail smtp.mailfrom={domain}; dkim=none; dmarc=fail (p=reject) header.from={domain}"


def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    loop.run_forever()


@pytest.fixture(scope="module")
def postfix():
    need_postfix()
    tmp = Path(tempfile.mkdtemp(prefix="baton-postfix-"))
    tmp.chmod(0o755)  # the postfix user must reach its queue
    ports = {name: free_port() for name in ("mx", "relay", "baton", "internet", "milter")}
    config = tmp / "etc"
    (config / "tls").mkdir(parents=True)
    for name in FILES:
        shutil.copy(DEPLOY / name, config / name)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    f"/CN={AUTHSERV_ID}", "-keyout", str(config / "tls" / "mx.key"),
                    "-out", str(config / "tls" / "mx.crt")], check=True, capture_output=True, timeout=60)
    for name in ("queue", "data"):
        (tmp / name).mkdir()
    shutil.chown(tmp / "data", "postfix")
    for key, value in overrides(tmp, ports).items():
        assert postconf(config, "-e", f"{key}={value}").returncode == 0
    for key, value in master_overrides(ports).items():
        done = postconf(config, "-F", "-e", f"{key}={value}")
        assert done.returncode == 0, done.stderr

    internet = Internet()
    sink = Controller(internet, hostname="127.0.0.1", port=ports["internet"], server_hostname="mx.vertex.example")
    sink.start()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=_run_loop, args=(loop,), daemon=True)
    thread.start()
    verifier = asyncio.run_coroutine_threadsafe(
        FakeVerifier(AUTHSERV_ID, _verdict).start(ports["milter"]), loop).result(10)

    instance = Instance(tmp, ports, internet, verifier)
    started = subprocess.run([POSTFIX, "-c", str(config), "start"], capture_output=True, text=True, timeout=60)
    assert started.returncode == 0, instance.log()
    deadline = time.monotonic() + 20
    while True:
        try:
            smtplib.SMTP("127.0.0.1", ports["mx"], timeout=5).quit()
            break
        except OSError:
            assert time.monotonic() < deadline, instance.log()
            time.sleep(0.1)
    try:
        yield instance
    finally:
        subprocess.run([POSTFIX, "-c", str(config), "stop"], capture_output=True, timeout=60)
        asyncio.run_coroutine_threadsafe(verifier.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        sink.stop()
        deadline = time.monotonic() + 20
        while (tmp / "data" / "master.lock").exists() and _locked(tmp) and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.rmtree(tmp, ignore_errors=True)


def _locked(tmp: Path) -> bool:
    pid = (tmp / "queue" / "pid" / "master.pid")
    try:
        os.kill(int(pid.read_text().split()[0]), 0)
        return True
    except (OSError, ValueError):
        return False


# --- the files as shipped -------------------------------------------------------------------------

def test_the_shipped_files_parse_and_the_milter_line_is_two_milters(tmp_path):
    """No trailing comment can sneak into a value (main.cf has none: a "#" after a value is part of
    it, and `# OpenDKIM, OpenDMARC` would be a third, broken milter)."""
    need_postfix()
    for name in FILES:
        shutil.copy(DEPLOY / name, tmp_path / name)
    for name in ("main.cf", "relay_recipients"):
        for line in (DEPLOY / name).read_text().splitlines():
            assert line.startswith("#") or "#" not in line, f"{name}: a comment after a value: {line}"
    milters = postconf(tmp_path, "-h", "smtpd_milters")
    assert milters.stdout.strip() == "inet:opendkim:8891, inet:opendmarc:8893"
    assert [m.strip() for m in milters.stdout.split(",")] == ["inet:opendkim:8891", "inet:opendmarc:8893"]
    every = postconf(tmp_path, "-n")
    assert every.returncode == 0 and "warning" not in every.stderr, every.stderr
    services = postconf(tmp_path, "-M").stdout
    assert "smtp       inet" in services and "10025      inet" in services
    assert postconf(tmp_path, "-hx", "relay_recipient_maps").stdout.strip() == f"texthash:{tmp_path}/relay_recipients"


# --- relaying ---------------------------------------------------------------------------------------

def rcpt(port: int, sender: str, recipient: str) -> tuple[int, str]:
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as c:
        c.ehlo("client.example")
        c.mail(sender)
        code, text = c.rcpt(recipient)
        return code, text.decode()


def test_only_the_assistant_and_its_key_forms_are_accepted_and_nothing_is_relayed(postfix):
    mx = postfix.ports["mx"]
    for address in (ASSISTANT, "intro+3f9a@example.com", "intro+bounce-0a1b2c@example.com", "postmaster@example.com"):
        assert rcpt(mx, "dana@wu.example", address)[0] == 250, (address, postfix.log())
    code, text = rcpt(mx, "dana@wu.example", "ceo@example.com")  # the domain's other people: not here
    assert (code, text[:5]) == (550, "5.1.1") and "User unknown" in text
    code, text = rcpt(mx, "dana@wu.example", "someone@elsewhere.example")  # no open relay, not even from 127.0.0.1
    assert (code, text[:5]) == (554, "5.7.1") and "Relay access denied" in text
    # Baton's own port relays anywhere, for mynetworks (here 127.0.0.0/8)
    assert rcpt(postfix.ports["relay"], "intro+bounce-x@example.com", "someone@elsewhere.example")[0] == 250
    with smtplib.SMTP("127.0.0.1", mx, timeout=20) as c:
        c.ehlo("client.example")
        assert c.has_extn("starttls")  # TLS for the public MX, from main.cf's chain file


# --- Baton behind it ----------------------------------------------------------------------------------

def send_to_mx(port: int, raw: bytes, sender: str) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as c:
        c.sendmail(sender, [ASSISTANT], raw)


def stored(engine) -> list[dict]:
    return list(reversed(messages.recent(engine)))


FORGED = (b"From: Mallory <mallory@evil.example>\r\nTo: intro@example.com\r\n"
          b"Authentication-Results: mx.example.com; dkim=pass header.d=evil.example; dmarc=pass header.from=evil.example\r\n"
          b"Authentication-Results: (planted) MX.Example.com 1; spf=pass smtp.mailfrom=evil.example\r\n"
          b"Subject: Intro: Bob and Carla\r\nMessage-ID: <forged.1@evil.example>\r\n\r\n"
          b"Carla, meet Bob (bob@evil.example). Bob, meet Carla (carla@example.net).\r\n")


async def test_baton_behind_postfix_answers_through_it_and_a_later_dsn_suppresses(postfix, tmp_path):
    internet = postfix.internet
    db = f"sqlite:///{tmp_path / 'baton.db'}"
    store_migrate.upgrade(db)
    web_port = free_port()
    s = settings_mod.load(
        assistant_address=ASSISTANT, database_url=db, smtp_port=postfix.ports["baton"], web_port=web_port,
        public_url=f"http://127.0.0.1:{web_port}", var_dir=tmp_path / "var", secret_key="postfix-test",
        outbound=f"smtp://127.0.0.1:{postfix.ports['relay']}?starttls=false", sender_policy="aligned",
        trusted_authserv_id=AUTHSERV_ID, worker_poll_seconds=0.1)
    engine = make_engine(db)
    async with Running(s, web=True):
        # 1. A forged verdict is stripped by header_checks; the milter's own verdict is what Baton reads.
        await asyncio.to_thread(send_to_mx, postfix.ports["mx"], FORGED, "mallory@evil.example")
        assert await wait_for(lambda: [m["status"] for m in stored(engine)] == ["processed"], timeout=20), \
            postfix.log()
        (forged,) = stored(engine)
        results = [line for line in forged["raw"].split(b"\r\n") if line.lower().startswith(b"authentication-results")]
        assert results == [b"Authentication-Results: mx.example.com; spf=fail smtp.mailfrom=evil.example; "
                           b"dkim=none; dmarc=fail (p=reject) header.from=evil.example"]
        assert forged["analysis"]["outcome"] == "untrusted_sender"
        assert "DMARC fail for evil.example" in forged["analysis"]["sender_check"]

        # 2. A hand-off from a sender whose domain signs (and has no DMARC record): answered via Postfix.
        # Addressed to this test's assistant (the fixture names intro@baton.example, a stranger here:
        # Diane's "please help me introduce" would be read as asking that person).
        raw = to_crlf((HANDOFFS / "intro-request-complete.eml").read_bytes()).replace(b"intro@baton.example",
                                                                                        ASSISTANT.encode())
        await asyncio.to_thread(send_to_mx, postfix.ports["mx"], raw, "diane@wu.example")
        drafts = await wait_for(lambda: internet.to("diane@wu.example"), timeout=20)
        assert drafts, ({k: stored(engine)[-1]["analysis"].get(k) for k in ("outcome", "sender_check", "answered")},
                        postfix.log())
        (draft,) = drafts
        sender = next(f for f, rcpts, m in internet.received if m is draft)
        assert sender.startswith("intro+bounce-") and sender.endswith("@example.com")
        assert "by mx.example.com (Postfix)" in str(draft["Received"])  # it went out through Postfix
        assert stored(engine)[-1]["analysis"]["outcome"] == "handoff"

        # 3. Diane approves on the review page; Carla's server refuses her address after Postfix
        #    accepted the mail, so Postfix sends a DSN to intro+bounce-KEY@, which it relays to Baton.
        (url,) = links(draft)
        async with httpx.AsyncClient(timeout=20) as client:
            page = await client.get(url)
            done = await client.post(url, data=fill_review(page.text))
            assert "Requests sent" in done.text, done.text[-2000:]
        told = await wait_for(lambda: [m for m in internet.to("diane@wu.example")
                                       if m["Subject"] == "Carla Diaz couldn't be reached"], timeout=30)
        assert told, (postfix.log(), outbox.rows(engine))
        assert internet.to("felix.adams@mail.example")  # the PIN's questions were delivered
        assert "5.1.1" in told[0].get_body(("plain",)).get_content()

    (carla,) = [r for r in outbox.rows(engine) if r["recipient"] == "carla.diaz@vertex.example"]
    assert carla["status"] == "bounced"
    assert outbox.is_suppressed(engine, "carla.diaz@vertex.example")
    (dsn_message,) = [m for m in stored(engine) if m["analysis"]["outcome"] == "bounce"]
    assert dsn_message["mail_from"] == "" and dsn_message["rcpt_tos"] == [f"intro+bounce-{carla['bounce_key']}@example.com"]
    # Nothing went to the report's sender, to the forger, or to Carla after the bounce.
    addressed = {r for _, rcpts, _ in internet.received for r in rcpts}
    assert addressed == {"diane@wu.example", "felix.adams@mail.example"}
    assert len(internet.to("diane@wu.example")) == 2  # the draft and the one note
