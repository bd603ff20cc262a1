"""The optional LLM, tested against a real chat-completions server on 127.0.0.1.

The openai SDK 3.x talks through httpx2, which respx-style mocks don't intercept, so each
test points `base_url` at a stdlib HTTP server running in a thread (LIBRARIES.md, "Traps").
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from composer.draft import Handoff
from composer.draft import build_draft as _build
from composer.llm import MAX_TOKENS, LLMConfig, config_from
from composer.llm import improve as _improve
from model import Analysis


def build_draft(analysis: dict):
    return _build(Analysis.from_json(analysis))


def improve(analysis: dict, text: str, cfg):
    """The fixtures are analyses as JSON (the contract); the composer reads the typed value."""
    return _improve(Analysis.from_json(analysis), text, cfg)


def request_of(d: Handoff):
    from composer.request import render
    return render(referrer=d.referrer, pin=d.pin, contact=d.contact, facts=d.facts, attachment=d.attachment)

# "Felix -> Carla", as in the handoffs fixture intro-request-complete, with some gaps.
ANALYSIS: dict = {
    "message_id": "<felix.1@mail.example>",
    "subject": "Intro request: Felix -> Carla",
    "kind": "intro_request",
    "forwarded": False,
    "auto_generated": False,
    "participants": [
        {"name": "Diane Wu", "email": "diane@wu.example", "role": "referrer", "source": "from"},
        {"name": None, "email": "felix.adams@mail.example", "role": "pin", "source": "cc"},
        {"name": None, "email": "carla.diaz@vertex.example", "role": "contact", "source": "body"},
        {"name": None, "email": "intro@baton.example", "role": "assistant", "source": "to"},
    ],
    "referrer": {"name": "Diane Wu", "email": "diane@wu.example"},
    "pin": {"name": None, "email": "felix.adams@mail.example"},
    "contact": {"name": None, "email": "carla.diaz@vertex.example"},
    "flags": [{"code": "no_opt_in", "evidence": "Please help me introduce Felix Adams"},
              {"code": "no_resume", "evidence": "Felix is a security engineer"}],
    "reply_to": "diane@wu.example",
}
NEW_TEXT = ("Please help me introduce Felix Adams (cc'd), my old teammate from Umbrella Corp, to "
            "Carla Diaz (carla.diaz@vertex.example). Felix is a security engineer looking for a "
            "staff role in Austin or remote, starting in January, around $200k. He'd like "
            "Carla's view on Vertex's security team and whether it's hiring.\n\nDiane")
EXTRACTION = {
    "referrer_name": "Diane Wu", "pin_name": "Felix Adams", "contact_name": "Carla Diaz",
    "referrer_email": "diane@wu.example", "pin_email": "felix.adams@mail.example",
    "contact_email": "carla.diaz@vertex.example",
    "relationship": "my old teammate from Umbrella Corp",
    "goal": "a staff security engineering role",
    "targets": None,
    "ask": "a 20-minute call about Vertex's security team and whether it's hiring",
    "why_contact": "you know Vertex's security team from the inside",
    "timeline": "starting in January",
    "requirements": "Austin or remote, around $200k",
    "resume_url": "https://cv.example/felix",   # not in the message: must be dropped
}


class ChatServer:
    """A tiny /v1/chat/completions server whose behaviour each test chooses."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.respond: Callable[[dict], tuple[int, Any]] = lambda req: (500, {"error": "unset"})
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(body)
                status, payload = outer.respond(body)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> ChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def completion(content: str) -> dict:
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "test",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def answer_well(req: dict) -> tuple[int, dict]:
    return 200, completion(json.dumps(EXTRACTION))


@pytest.fixture
def server():
    with ChatServer() as s:
        yield s


def config(server: ChatServer, timeout: float = 5.0) -> LLMConfig:
    return LLMConfig(api_key="test-key", model="test-model", base_url=server.base_url,
                     timeout=timeout)


def test_off_without_a_key_sends_nothing():
    assert config_from(None, "http://127.0.0.1:9/v1", "m") is None
    draft, used = improve(ANALYSIS, NEW_TEXT, None)
    assert used is False and draft == build_draft(ANALYSIS)


def test_answers_well_fills_names_and_says_the_facts_in_short_words(server):
    server.respond = answer_well
    draft, used = improve(ANALYSIS, NEW_TEXT, config(server))
    assert used is True and isinstance(draft, Handoff)
    assert draft.pin.name == "Felix Adams" and draft.contact.name == "Carla Diaz"
    request = request_of(draft)
    assert request.subject == "Intro? Felix Adams → Carla Diaz" and request.blanks == ()
    assert draft.facts["relationship"] == "my old teammate from Umbrella Corp"
    assert "resume" not in draft.facts             # the link was not in the message (and it is flagged)
    assert "How we know each other: My old teammate from Umbrella Corp." in request.body
    assert len(request.body.split()) <= 120
    assert len(server.requests) == 1               # one question: the request is rendered, not written
    # Structured output was asked for, and only the newest text was sent.
    first = server.requests[0]
    assert first["response_format"]["type"] == "json_schema"
    assert first["model"] == "test-model"
    sent = json.loads(first["messages"][-1]["content"])
    assert sent["email"] == NEW_TEXT


def test_falls_back_to_json_object_when_json_schema_is_refused(server):
    def respond(req: dict) -> tuple[int, dict]:
        if req["response_format"]["type"] == "json_schema":
            return 400, {"error": {"message": "response_format json_schema not supported"}}
        return answer_well(req)
    server.respond = respond
    draft, used = improve(ANALYSIS, NEW_TEXT, config(server))
    assert used is True and draft.pin.name == "Felix Adams"
    assert [r["response_format"]["type"] for r in server.requests] == ["json_schema", "json_object"]


def test_malformed_json_falls_back_to_the_rules(server, caplog):
    server.respond = lambda req: (200, completion("{\"pin_name\": \"Felix"))
    with caplog.at_level(logging.WARNING, logger="baton.composer.llm"):
        draft, used = improve(ANALYSIS, NEW_TEXT, config(server))
    assert used is False and draft == build_draft(ANALYSIS)
    assert "JSONDecodeError" in caplog.text
    assert all(len(r.getMessage().splitlines()) == 1 for r in caplog.records)


def test_schema_mismatch_falls_back_to_the_rules(server):
    wrong = {**EXTRACTION, "pin_name": 42, "surprise": "extra key"}
    server.respond = lambda req: (200, completion(json.dumps(wrong)))
    draft, used = improve(ANALYSIS, NEW_TEXT, config(server))
    assert used is False and draft == build_draft(ANALYSIS)


def test_server_error_500_falls_back_to_the_rules(server, caplog):
    server.respond = lambda req: (500, {"error": {"message": "boom"}})
    with caplog.at_level(logging.WARNING, logger="baton.composer.llm"):
        draft, used = improve(ANALYSIS, NEW_TEXT, config(server))
    assert used is False and draft == build_draft(ANALYSIS)
    assert "InternalServerError 500" in caplog.text
    # No retries: json_schema and then json_object (a 500 may be llama.cpp's refusal).
    assert [r["response_format"]["type"] for r in server.requests] == ["json_schema", "json_object"]


def test_hanging_server_times_out_and_the_rules_win(server, caplog):
    def hang(req: dict) -> tuple[int, dict]:
        time.sleep(3)
        return answer_well(req)
    server.respond = hang
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="baton.composer.llm"):
        draft, used = improve(ANALYSIS, NEW_TEXT, config(server, timeout=1.0))
    elapsed = time.monotonic() - started
    assert used is False and draft == build_draft(ANALYSIS)
    assert elapsed < 2.5            # one timeout, not one per step or per retry
    assert len(server.requests) == 1
    assert "APITimeoutError" in caplog.text


def test_model_cannot_add_or_swap_an_address(server):
    evil = {**EXTRACTION,
            "pin_email": "attacker@evil.example",        # not in the message
            "contact_email": "diane@wu.example",         # in the message, but the referrer's
            "referrer_email": "someone@else.example",
            "why_contact": "write to boss@evil.example for details"}
    analysis = {**ANALYSIS, "pin": {"name": None, "email": None},
                "contact": {"name": None, "email": None}}
    server.respond = lambda req: (200, completion(json.dumps(evil)))
    draft, used = improve(analysis, NEW_TEXT, config(server))
    assert used is True and isinstance(draft, Handoff)
    assert draft.pin.email is None and draft.contact.email is None
    assert draft.referrer.email == "diane@wu.example"
    assert "why_contact" not in draft.facts
    assert "evil.example" not in repr(draft)


def test_model_may_fill_a_missing_address_that_the_message_has(server):
    server.respond = answer_well
    analysis = {**ANALYSIS, "contact": {"name": "Carla Diaz", "email": None}}
    draft, _ = improve(analysis, NEW_TEXT, config(server))
    assert draft.contact.email == "carla.diaz@vertex.example"   # a participant's address


def test_flagged_gaps_stay_blank_whatever_the_model_says(server):
    server.respond = answer_well
    analysis = {**ANALYSIS, "flags": ANALYSIS["flags"] + [
        {"code": "no_relationship", "evidence": "Please help me introduce Felix Adams"}]}
    draft, _ = improve(analysis, NEW_TEXT, config(server))
    assert "relationship" not in draft.facts and "relationship" in request_of(draft).blanks
    assert draft.facts["goal"] == "a staff security engineering role"


@pytest.mark.parametrize("field,value", [
    ("ask", "see https://evil.example/x"),          # a link the message never had
    ("goal", "write to boss@evil.example"),          # an address the message never had
    ("why_contact", "[[blank]] games"),              # a placeholder
])
def test_a_fact_with_a_link_an_address_or_a_blank_is_dropped(server, field, value):
    server.respond = lambda req: (200, completion(json.dumps({**EXTRACTION, field: value})))
    draft, used = improve(ANALYSIS, NEW_TEXT, config(server))
    assert used is True and field not in draft.facts
    assert "evil.example" not in request_of(draft).body


def test_auto_generated_and_none_kinds_never_call_the_model(server):
    server.respond = answer_well
    assert improve({**ANALYSIS, "auto_generated": True, "reply_to": None}, NEW_TEXT,
                   config(server)) == (None, False)
    note, used = improve({**ANALYSIS, "kind": "none"}, NEW_TEXT, config(server))
    assert used is False and type(note).__name__ == "AboutNote"
    assert server.requests == []


def test_unreachable_base_url_is_a_warning_not_an_error():
    cfg = LLMConfig(api_key="k", model="m", base_url="http://127.0.0.1:9/v1", timeout=1.0)
    draft, used = improve(ANALYSIS, NEW_TEXT, cfg)
    assert used is False and draft == build_draft(ANALYSIS)


def test_improved_draft_renders_like_any_other(server):
    from composer.render import render_reply
    server.respond = answer_well
    draft, used = improve(ANALYSIS, NEW_TEXT, config(server))
    msg = render_reply(draft, analysis=Analysis.from_json(ANALYSIS), references=[], key="llm1",
                       assistant="intro@baton.example", assistant_name="Baton", review_url=None)
    text = msg.get_body(("plain",)).get_content()
    assert used and "The ask: A 20-minute call about Vertex's security team" in text
    assert msg["To"] == "Diane Wu <diane@wu.example>"


# --- the OpenAI-compatible servers people run locally -------------------------------------------
# Each emulates the behaviour that matters to Baton; `answer_well` stands in for the model.

def llama_cpp(req: dict) -> tuple[int, dict]:
    """An older llama.cpp server: json_schema is refused with HTTP 500 (not 400), and without
    max_tokens it generates until its context is full, long after the client gave up."""
    if req.get("response_format", {}).get("type") == "json_schema":
        return 500, {"error": {"code": 500, "message": "Unsupported response_format type", "type": "server_error"}}
    if "max_tokens" not in req:
        time.sleep(3)
    return answer_well(req)


def vllm(req: dict, context: int = 4096) -> tuple[int, dict]:
    """vLLM: json_schema drives guided decoding; a request whose prompt plus max_tokens exceeds
    the model's context is refused with 400 (without max_tokens it fills the context)."""
    prompt = sum(len(m["content"]) for m in req["messages"]) // 3  # a generous token estimate
    wanted = req.get("max_tokens", context - prompt)
    if prompt + wanted > context:
        return 400, {"object": "error", "type": "BadRequestError", "code": 400,
                     "message": f"This model's maximum context length is {context} tokens."}
    return answer_well(req)


def ollama(req: dict) -> tuple[int, dict]:
    """Ollama builds that accept json_schema without enforcing it: the model answers as the
    prompt asks, often inside a Markdown code fence."""
    status, payload = answer_well(req)
    content = payload["choices"][0]["message"]["content"]
    payload["choices"][0]["message"]["content"] = f"```json\n{content}\n```"
    return status, payload


def test_llama_cpp_500_on_json_schema_falls_back_to_json_object_with_max_tokens(server):
    server.respond = llama_cpp
    draft, used = improve(ANALYSIS, NEW_TEXT, config(server, timeout=2.0))
    assert used is True and draft.pin.name == "Felix Adams"
    assert [r["response_format"]["type"] for r in server.requests] == ["json_schema", "json_object"]
    assert all(r["max_tokens"] == MAX_TOKENS for r in server.requests)


def test_vllm_takes_the_longest_input_within_a_small_context(server):
    server.respond = vllm
    long_text = (NEW_TEXT + " ") * 40  # cut to MAX_INPUT_CHARS before it is sent
    draft, used = improve(ANALYSIS, long_text, config(server))
    assert used is True and draft.pin.name == "Felix Adams"
    assert [r["response_format"]["type"] for r in server.requests] == ["json_schema"]


def test_ollama_fenced_json_is_read(server):
    server.respond = ollama
    draft, used = improve(ANALYSIS, NEW_TEXT, config(server))
    assert used is True and draft.contact.name == "Carla Diaz" and draft.facts["timeline"] == "starting in January"


def test_every_string_field_is_bounded_in_the_schema_sent(server):
    server.respond = answer_well
    improve(ANALYSIS, NEW_TEXT, config(server))
    for request in server.requests:
        schema = request["response_format"]["json_schema"]["schema"]
        lengths = {k: v.get("maxLength") for k, v in schema["properties"].items()}
        assert all(isinstance(n, int) and 0 < n <= 2000 for n in lengths.values()), lengths
    extraction = server.requests[0]["response_format"]["json_schema"]["schema"]["properties"]
    assert extraction["pin_name"]["maxLength"] == 200 and extraction["goal"]["maxLength"] == 300


def test_without_the_bound_a_llama_cpp_server_would_outlast_the_timeout(server):
    """The emulation is honest: the same server, asked without max_tokens, is too slow."""
    import openai
    server.respond = llama_cpp
    client = openai.OpenAI(api_key="k", base_url=server.base_url, timeout=1.0, max_retries=0)
    with pytest.raises(openai.APITimeoutError):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "{}"}],
                                       response_format={"type": "json_object"})
