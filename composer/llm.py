"""Optional LLM help: names the rules missed, and the facts in short plain words, never a new
recipient.

Off unless an API key is configured. Only the newest part of the message is sent (the caller
passes it: no quoted history, no attachments). Every answer is JSON checked against a
schema, then merged under rules that the model cannot bend:
- an email address absent from the Analysis is dropped, and no role's address is replaced;
- a fact may only reword one the rules found: a fact the rules flagged as missing stays a
  [[blank]] (see `composer.draft.build_draft`), and a fact carries no link or address;
- the request itself is rendered from the facts (composer/request.py), so the model writes no
  sentence that reaches anyone unchecked.
Any failure (timeout, HTTP error, malformed or mismatching JSON) logs one warning line and
the rules' draft goes out unchanged: `improve` never raises.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from composer.cleaning import BLANK, EMAIL, URL, clean, clean_email
from composer.draft import AboutNote, Handoff, build_draft
from model import Analysis, Flag, Person, Role

if TYPE_CHECKING:  # the SDK takes a second to import: only when the LLM is on (see `improve`)
    import openai

log = logging.getLogger("baton.composer.llm")

MAX_INPUT_CHARS = 6000   # the newest part of a hand-off is short; more is quoted noise
MAX_FIELD_CHARS = 300
# Every answer is bounded twice: each string field carries maxLength in the schema (servers that
# constrain decoding by the schema, llama.cpp and vLLM, stop a field there), and the request carries
# max_tokens. Without it llama.cpp generates until its context is full, long after Baton's timeout,
# and the next requests queue behind it. An extraction with every field at its maximum is about
# 4,000 characters (~1,000 tokens); a wording answer at most 2,000. 1,200 tokens also fits a small
# model's 4,096-token context with the longest input (vLLM refuses a request that would not).
MAX_TOKENS = 1200
ROLES = (Role.REFERRER, Role.PIN, Role.CONTACT)  # the schema's fields are "<role>_name", "<role>_email"
FACT_FIELDS = ("relationship", "goal", "targets", "ask", "why_contact", "timeline",
               "requirements", "resume_url")


@dataclass(frozen=True)
class LLMConfig:
    api_key: str
    model: str
    base_url: str | None = None
    timeout: float = 30.0
    max_retries: int = 0  # the SDK retries timeouts too; one slow server must not cost minutes


def config_from(api_key: str | None, base_url: str | None, model: str | None,
                timeout: float = 30.0) -> LLMConfig | None:
    """The LLM settings, or None (LLM off) when no key or model is set."""
    if not api_key or not model:
        return None
    return LLMConfig(api_key=api_key, model=model, base_url=base_url or None, timeout=timeout)


class Extraction(BaseModel):
    """What the model may tell us about the hand-off; every field may be null."""
    model_config = ConfigDict(extra="forbid", strict=True)
    referrer_name: str | None = Field(max_length=200)
    pin_name: str | None = Field(max_length=200)
    contact_name: str | None = Field(max_length=200)
    referrer_email: str | None = Field(max_length=254)
    pin_email: str | None = Field(max_length=254)
    contact_email: str | None = Field(max_length=254)
    relationship: str | None = Field(max_length=MAX_FIELD_CHARS)
    goal: str | None = Field(max_length=MAX_FIELD_CHARS)
    targets: str | None = Field(max_length=MAX_FIELD_CHARS)
    ask: str | None = Field(max_length=MAX_FIELD_CHARS)
    why_contact: str | None = Field(max_length=MAX_FIELD_CHARS)
    timeline: str | None = Field(max_length=MAX_FIELD_CHARS)
    requirements: str | None = Field(max_length=MAX_FIELD_CHARS)
    resume_url: str | None = Field(max_length=500)


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    # Strict structured output wants every property required and nullable ones typed as such.
    props = {}
    for name, field in model.model_fields.items():
        nullable = field.annotation is not str
        props[name] = {"type": ["string", "null"] if nullable else "string"}
    return {"type": "object", "properties": props, "required": list(props),
            "additionalProperties": False}


EXTRACTION_SCHEMA = _schema(Extraction)

EXTRACT_PROMPT = """You read one email about a networking hand-off: a referrer passes a person \
in need (the PIN) to a contact who might help. Answer with one JSON object matching this schema, \
and nothing else: {schema}
Use null whenever the email does not say. Copy email addresses and links exactly as they appear \
in the email; never invent one. Write the other fields as short phrases:
- relationship: how the referrer knows the PIN ("my old teammate at Acme")
- goal: the PIN's direction ("a staff security engineering role")
- targets: roles or companies named
- ask: one concrete request completing "would you be open to helping them with one thing: ..."
- why_contact: why this contact can help
- timeline, requirements (salary, location, remote), resume_url"""

def improve(analysis: Analysis, new_text: str,
            config: LLMConfig | None) -> tuple[Handoff | AboutNote | None, bool]:
    """The draft for `analysis`, improved by the LLM when configured; (draft, used_llm)."""
    draft = build_draft(analysis)
    if config is None or not isinstance(draft, Handoff):
        return draft, False
    msg_id = clean(analysis.message_id, 120) or "-"
    import openai  # here, not at the top: the command line and a server without an LLM never pay for it

    try:
        client = openai.OpenAI(api_key=config.api_key, base_url=config.base_url,
                               timeout=config.timeout, max_retries=config.max_retries)
    except Exception as e:  # a bad base_url must not stop the reply
        log.warning("llm off for %s: %s", msg_id, type(e).__name__)
        return draft, False
    try:
        raw = _ask(client, config, EXTRACT_PROMPT.format(schema=json.dumps(EXTRACTION_SCHEMA)),
                   _extraction_input(analysis, new_text), "extraction", EXTRACTION_SCHEMA)
        extraction = Extraction.model_validate(raw)
        merged, facts = merge(analysis, extraction, new_text)
        better = build_draft(merged, facts)
        if isinstance(better, Handoff):
            return better, True
    except _Unreachable as e:
        log.warning("llm extraction failed for %s: %s", msg_id, e)
    except Exception as e:
        log.warning("llm extraction failed for %s: %s", msg_id, _why(e))
    return draft, False


def merge(analysis: Analysis, x: Extraction, new_text: str) -> tuple[Analysis, dict[str, str | None]]:
    """The Analysis with names (and only already-known addresses) filled in, plus the facts' words."""
    known = known_addresses(analysis)
    taken = {p.email.lower() for r in ROLES if (p := analysis.person(r)) and p.email}
    people: dict[Role, Person | None] = {}
    for role in ROLES:
        person = analysis.person(role) or Person()
        name = _name(getattr(x, f"{role}_name"))
        if name and not clean(person.name) and not (role is Role.REFERRER and analysis.has(Flag.UNKNOWN_REFERRER)):
            person = replace(person, name=name)
        email = clean_email(getattr(x, f"{role}_email"))
        # Never a new address, and never one already playing another role.
        if email and not person.email and email.lower() in known and email.lower() not in taken:
            person = replace(person, email=email)
            taken.add(email.lower())
        people[role] = person if person.known else analysis.person(role)
    facts: dict[str, str | None] = {f: _fact(getattr(x, f), known) for f in FACT_FIELDS if f != "resume_url"}
    url = (x.resume_url or "").strip()
    # A link is kept only when the message itself contains it, character for character.
    facts["resume"] = url if url and URL.fullmatch(url) and url in new_text else None
    merged = replace(analysis, referrer=people[Role.REFERRER], pin=people[Role.PIN], contact=people[Role.CONTACT])
    return merged, facts


def known_addresses(analysis: Analysis) -> set[str]:
    """Every address the analysis found in the message, lower-cased."""
    found = {analysis.reply_to}
    found |= {p.email for p in analysis.participants}
    found |= {p.email for r in ROLES if (p := analysis.person(r))}
    return {e.lower() for e in found if isinstance(e, str) and clean_email(e)}


class _Unreachable(Exception):
    """The server timed out or could not be reached: don't try it again for this message."""


def _ask(client: openai.OpenAI, config: LLMConfig, system: str, user: str, name: str,
         schema: dict[str, Any]) -> Any:
    """One structured answer. OpenAI-compatible servers differ in `json_schema` support: vLLM and
    recent llama.cpp and Ollama honour it; older llama.cpp answers it with HTTP 500, others with
    400 or 422. So any refusal (4xx/5xx) of the schema is asked again with `json_object`, whose
    prompt carries the schema too; what comes back is validated by the caller either way."""
    import openai  # already loaded by `improve`

    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    formats = [{"type": "json_schema", "json_schema": {"name": name, "schema": _bounded(schema),
                                                       "strict": True}},
               {"type": "json_object"}]
    for i, fmt in enumerate(formats):
        try:
            completion = client.chat.completions.create(  # type: ignore[call-overload]
                model=config.model, messages=messages, response_format=fmt, temperature=0,
                max_tokens=MAX_TOKENS)
        except openai.APIStatusError:
            if i + 1 < len(formats):
                continue
            raise
        except (openai.APITimeoutError, openai.APIConnectionError) as e:
            raise _Unreachable(type(e).__name__) from e
        content = completion.choices[0].message.content
        if not content:
            raise ValueError("empty answer")
        # A server that accepts json_schema without enforcing it (some Ollama builds) may wrap
        # the object in a Markdown code fence: the object inside is still the answer.
        fenced = _FENCE.fullmatch(content.strip())
        return json.loads(fenced.group(1) if fenced else content)
    raise AssertionError("unreachable")


_FENCE = re.compile(r"```(?:json)?\s*(.*?)\s*```", re.S)
# Each string field's bound, as the pydantic models above declare it (names: 200, facts: 300...).
_MAX_LENGTHS = {name: next((m.max_length for m in field.metadata if hasattr(m, "max_length")), None)
                for model in (Extraction,) for name, field in model.model_fields.items()}


def _bounded(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with maxLength on every string property (JSON Schema 6.3.1)."""
    props = {k: {**v, **({"maxLength": n} if (n := _MAX_LENGTHS.get(k)) else {})}
             for k, v in schema["properties"].items()}
    return {**schema, "properties": props}


def _extraction_input(analysis: Analysis, new_text: str) -> str:
    people = {r.value: (p.to_json() if (p := analysis.person(r)) else {"name": None, "email": None}) for r in ROLES}
    return json.dumps({"known_people": people, "subject": analysis.subject,
                       "email": new_text[:MAX_INPUT_CHARS]}, ensure_ascii=False)


def _name(value: str | None) -> str | None:
    name = clean(value, 80)
    if not name or "@" in name or URL.search(name) or BLANK.search(name):
        return None
    return name


def _fact(value: str | None, known: set[str]) -> str | None:
    text = clean(value, MAX_FIELD_CHARS)
    if not text or URL.search(text) or BLANK.search(text) or "[[" in text:
        return None
    if any(e.lower() not in known for e in EMAIL.findall(text)):
        return None
    return text


def _why(e: Exception) -> str:
    # One line, no bodies or addresses: the exception's type, and the HTTP status if any.
    status = getattr(e, "status_code", None)
    return f"{type(e).__name__}{f' {status}' if status else ''}"
