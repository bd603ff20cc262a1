"""Baton's web pages (Starlette). For now a front page and a health check."""
from __future__ import annotations

import asyncio

from sqlalchemy import Engine, text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def create_app(engine: Engine) -> Starlette:
    async def home(request: Request) -> HTMLResponse:
        body = ("<!doctype html><html lang=en><meta charset=utf-8>"
                "<meta name=viewport content='width=device-width,initial-scale=1'>"
                "<title>Baton</title><h1>Baton is running</h1>"
                "<p>Copy the assistant address on an email to turn a hand-off into a double-opt-in intro.</p>")
        return HTMLResponse(body, headers=SECURITY_HEADERS)

    async def healthz(request: Request) -> JSONResponse:
        def ping() -> None:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))

        try:
            await asyncio.to_thread(ping)  # never block the loop that also serves SMTP
        except Exception:
            return JSONResponse({"database": "unreachable"}, status_code=503)
        return JSONResponse({"database": "ok"})

    return Starlette(routes=[Route("/", home), Route("/healthz", healthz)])
