"""Baton's web app (Starlette): the front page, the health check and the intro pages."""
from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import metrics
from clock import clock
from intros import flow
from store.messages import queue_health
from web.pages import Pages

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # tokens are in the path: never hand them to another site
    "X-Content-Type-Options": "nosniff",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response


def _health_routes(engine: Engine) -> list[Route]:
    """/healthz and /metrics: the web role serves them on its port, every role on BATON_METRICS_PORT."""
    async def healthz(request: Request) -> JSONResponse:
        try:  # in a thread: never block the loop that also serves SMTP
            health = await asyncio.to_thread(queue_health, engine, now=clock.now())
        except Exception:
            return JSONResponse({"database": "unreachable"}, status_code=503)
        return JSONResponse({"database": "ok", **health})

    async def metrics_page(request: Request) -> Response:
        try:  # the queue gauges are read at scrape time, from the database every process shares
            health = await asyncio.to_thread(queue_health, engine, now=clock.now())
            metrics.QUEUE_DEPTH.set(health["queue_depth"])
            metrics.QUEUE_AGE.set(health["oldest_unprocessed_seconds"])
            metrics.OUTBOX_PENDING.set(health["outbox_pending"])
        except Exception:
            pass  # counters still answer; /healthz says the database is down
        page, content_type = metrics.exposition()
        return Response(page, media_type=content_type)

    return [Route("/healthz", healthz), Route("/metrics", metrics_page)]


def create_metrics_app(engine: Engine) -> Starlette:
    """Only /healthz and /metrics: counters live in the process that counts (smtp, worker), so
    with split roles each process is scraped on its own port."""
    return Starlette(routes=_health_routes(engine), middleware=[Middleware(SecurityHeaders)])


def create_app(engine: Engine, *, secret: str, ctx: flow.Context,
               on_queued: Callable[[], None] = lambda: None) -> Starlette:
    pages = Pages(engine, secret, ctx, on_queued)
    return Starlette(routes=[Route("/", pages.home), *_health_routes(engine), *pages.routes()],
                     middleware=[Middleware(SecurityHeaders)])
