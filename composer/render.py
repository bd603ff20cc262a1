"""Turn a draft into the email Baton sends: text and HTML alternatives, threaded headers.

Every header value that comes from mail goes through `composer.text.clean` and
`email.headerregistry.Address`: on Python 3.11.7 the header registry still decodes a literal
encoded word in a display name (`=?UTF-8?Q?=0A?=` becomes a real line break in the output),
so cleaning first is what keeps a hostile name from adding a header.
"""
from __future__ import annotations

import re
import secrets
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from composer import i18n
from composer.blocks import Body
from composer.cast import cast_from
from composer.cleaning import BLANK, clean, clean_email
from composer.draft import AboutNote, Handoff
from composer.wording import about_body, reply_body
from model import Analysis

# Marks Baton's own mail so the analysis never answers it (a loop breaker beside RFC 3834).
LOOP_HEADER = "X-Baton-Loop"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"
KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# RFC 5322 msg-id, loosely: printable ASCII without angle brackets or spaces.
MSG_ID = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]{1,250}>")
# Reply prefixes in a few languages (Re, German AW, Scandinavian SV, Dutch Antw).
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|antw)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
MAX_REFERENCES = 20
WRAP = 74


def _random_token() -> str:
    return secrets.token_hex(8)


def render_reply(draft: Handoff, *, analysis: Analysis, references: list[str], key: str,
                 assistant: str, assistant_name: str, review_url: str | None,
                 now: datetime | None = None,
                 make_token: Callable[[], str] = _random_token) -> EmailMessage:
    """The reply to `analysis.reply_to` carrying the draft, threaded under the original, in the
    message's language."""
    with i18n.use(draft.language):
        body = reply_body(draft, review_url=review_url, reply_address=_reply_address(assistant, key),
                          assistant=assistant, assistant_name=assistant_name,
                          subject=clean(analysis.subject, 250) or "")
        return _message(body, analysis=analysis, references=references, key=key, assistant=assistant,
                        assistant_name=assistant_name, now=now, make_token=make_token)


def render_about(note: AboutNote, *, analysis: Analysis, references: list[str], key: str,
                 assistant: str, assistant_name: str, now: datetime | None = None,
                 make_token: Callable[[], str] = _random_token) -> EmailMessage:
    """The short "what Baton does" reply for mail that is not a hand-off."""
    with i18n.use(note.language):
        body = about_body(note, assistant=assistant, assistant_name=assistant_name)
        return _message(body, analysis=analysis, references=references, key=key, assistant=assistant,
                        assistant_name=assistant_name, now=now, make_token=make_token)


def render_body(body: Body, subject: str) -> tuple[str, str]:
    """The text and HTML parts of `body`, in the current language."""
    env = environment()
    ctx = {"body": body, "subject": subject, "lang": i18n.language()}
    return env.get_template("mail.txt").render(ctx), env.get_template("mail.html").render(ctx)


def reply_subject(subject: object) -> str:
    """`Re: <subject>`, without stacking Re: Re:."""
    base = _REPLY_PREFIX.sub("", clean(subject, 250) or "").strip()
    return f"Re: {base}" if base else "Re: your message"


def message_id(key: str, domain: str, token: str) -> str:
    return f"<{key}.{token}@{domain}>"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    i18n.install(env)
    env.filters["wrap"] = _wrap
    env.filters["quoted"] = lambda text: "\n".join("> " + line if line else ">" for line in str(text).split("\n"))
    env.filters["paras"] = _paras
    env.filters["marked"] = lambda text: _mark(escape(text))
    return env


def _message(body: Body, *, analysis: Analysis, references: list[str], key: str,
             assistant: str, assistant_name: str, now: datetime | None,
             make_token: Callable[[], str]) -> EmailMessage:
    if not KEY.fullmatch(key):
        raise ValueError("key must be 1-64 letters, digits, '-' or '_'")
    to = clean_email(analysis.reply_to)
    sender = clean_email(assistant)
    if not to or not sender:
        raise ValueError("no valid reply_to or assistant address")
    token = make_token()
    if not KEY.fullmatch(token):
        raise ValueError("token must be letters, digits, '-' or '_'")
    subject = reply_subject(analysis.subject)
    text, html = render_body(body, subject)
    cast = cast_from(analysis)
    return build_message(
        text=text, html=html, to=[(cast.reader_person.name, to)], subject=subject,
        key=key, token=token, assistant=sender, assistant_name=assistant_name, now=now,
        parent=_msg_id(analysis.message_id), references=references, auto_submitted="auto-replied")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def build_message(*, text: str, html: str, to: list[tuple[str | None, str]], subject: str, key: str, token: str,
                  assistant: str, assistant_name: str, now: datetime | None,
                  cc: tuple[tuple[str | None, str], ...] | list[tuple[str | None, str]] = (),
                  parent: str | None = None, references: tuple[str, ...] | list[str] = (),
                  auto_submitted: str = "auto-generated", headers: Mapping[str, str] | None = None,
                  attachments: tuple[Attachment, ...] = ()) -> EmailMessage:
    """A text + HTML message from Baton with the headers every Baton message carries.

    Names and addresses pass through `clean`/`clean_email` and `Address`, so nothing taken
    from mail can add a header.
    """
    local, _, domain = assistant.rpartition("@")
    display = clean(assistant_name, 60) or "Baton"
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = Address(display_name=display, addr_spec=assistant)
    msg["To"] = [_address(name, addr) for name, addr in to]
    if cc:
        msg["Cc"] = [_address(name, addr) for name, addr in cc]
    msg["Reply-To"] = Address(display_name=display, username=f"{local}+{key}", domain=domain)
    msg["Subject"] = clean(subject, 250) or "(no subject)"
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    msg["Message-ID"] = message_id(key, domain, token)
    if parent:
        # RFC 5322 3.6.4: the parent's References followed by the parent's Message-ID.
        msg["In-Reply-To"] = parent
        msg["References"] = " ".join(_chain(list(references), parent))
    # RFC 3834 5: mark Baton's mail as automatic so other robots don't answer it.
    msg["Auto-Submitted"] = auto_submitted
    msg["X-Auto-Response-Suppress"] = "All"
    msg[LOOP_HEADER] = assistant
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(text, cte="quoted-printable")
    msg.add_alternative(html, subtype="html", cte="quoted-printable")
    for a in attachments:
        maintype, _, subtype = (a.content_type if "/" in a.content_type else "application/octet-stream").partition("/")
        msg.add_attachment(a.data, maintype=maintype, subtype=subtype, filename=clean(a.filename, 120) or "attachment")
    # "=_" never occurs in quoted-printable text, so this boundary cannot collide with a body,
    # and a fixed key and token give byte-identical output (the golden tests rely on it).
    msg.set_boundary(f"=_baton_{key}.{token}")
    return msg


def _address(name: str | None, addr: str) -> Address:
    clean_addr = clean_email(addr)
    if not clean_addr:
        raise ValueError("not a valid address")
    return Address(display_name=clean(name, 80) or "", addr_spec=clean_addr)


def _reply_address(assistant: str, key: str) -> str:
    local, _, domain = assistant.rpartition("@")
    return f"{local}+{key}@{domain}"


def _msg_id(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value and not value.startswith("<"):
        value = f"<{value}>"
    return value if MSG_ID.fullmatch(value) else None


def _chain(references: list[str], parent: str) -> list[str]:
    ids = [i for i in (_msg_id(r) for r in references or []) if i and i != parent]
    ids = list(dict.fromkeys(ids))
    if len(ids) >= MAX_REFERENCES:
        # RFC 5322 suggests keeping the thread's first id when trimming a long chain.
        ids = ids[:1] + ids[-(MAX_REFERENCES - 2):]
    return ids + [parent]


def _wrap(text: str, indent: str = "", first: str | None = None) -> str:
    """Prose wrapped for plain-text readers; [[blanks]] are never split across lines."""
    protected = BLANK.sub(lambda m: m.group(0).replace(" ", "\x00"), text)
    lines = textwrap.fill(protected, WRAP, initial_indent=indent if first is None else first,
                          subsequent_indent=indent, break_long_words=False,
                          break_on_hyphens=False)
    return lines.replace("\x00", " ")


def _paras(text: str) -> Markup:
    """Escaped paragraphs for HTML, keeping line breaks and highlighting [[blanks]]."""
    out = []
    for para in str(text).split("\n\n"):
        lines = [_mark(escape(line)) for line in para.split("\n")]
        out.append(Markup('<p style="margin:0 0 12px 0">') + Markup("<br>").join(lines)
                   + Markup("</p>"))
    return Markup("\n").join(out)


def _mark(escaped: Markup) -> Markup:
    return Markup(BLANK.sub(
        lambda m: f'<mark style="background:#fff3b0;padding:0 2px">{m.group(0)}</mark>',
        str(escaped)))
