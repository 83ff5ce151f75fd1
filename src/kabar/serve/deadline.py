"""A run-time limit per request: a handler that has not begun its answer in time gets a 503.

The request deadline in :mod:`kabar.serve.server` bounds how long a client may take to send
a request; this bounds how long the server may take to answer one (a search over a huge
archive, a storage stall, an ingest queued behind others). The handler runs as its own task;
if it has not started its response when the limit passes, the client gets a 503 with
``Retry-After`` (JSON under /api, the Indonesian page elsewhere, with the security headers
of every other answer) and whatever the handler sends later is dropped.

A handler cannot always be stopped where it is: one waiting on a thread (the synchronous
routes, an ingest in its guard worker) ends when that thread does, and only then is its
result thrown away. An ingest answered 503 so may still have been stored; it was stored
whole or not at all, and the client sending it again is answered "already in the archive".
A response that has begun (a long feed being streamed) is let finish.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kabar.serve.errors import clip, error_response

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Answer:
    started: bool = False  # the handler has sent its response's start
    abandoned: bool = False  # the deadline answered instead; the handler's messages are dropped


def _retrieve(task: asyncio.Future[None]) -> None:
    # An abandoned handler's own ending (cancelled, or an error after the 503) is no news.
    if not task.cancelled():
        task.exception()


class DeadlineMiddleware:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        if seconds <= 0:
            raise ValueError("the handler time limit must be positive")
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answer = _Answer()

        async def send_in_time(message: Message) -> None:
            if answer.abandoned:
                return
            if message["type"] == "http.response.start":
                answer.started = True
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, send_in_time))
        try:
            await asyncio.wait({task}, timeout=self.seconds)
        except asyncio.CancelledError:  # the server is stopping: the handler stops with it
            task.cancel()
            raise
        if task.done() or answer.started:
            await task  # its result, or its exception for the error handlers outside
            return
        answer.abandoned = True
        task.cancel()
        task.add_done_callback(_retrieve)
        request = Request(scope)
        log.warning(
            "%s %s: no answer within %g s; answered 503", request.method, clip(request.url.path), self.seconds
        )
        message = f"the request took longer than {self.seconds:g} s to answer; try again later"
        headers = {"Retry-After": str(max(1, math.ceil(self.seconds)))}
        await error_response(request, 503, message, headers=headers)(scope, receive, send)


__all__ = ["DeadlineMiddleware"]
