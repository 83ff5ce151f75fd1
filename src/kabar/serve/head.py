"""``HEAD`` wherever ``GET`` answers: the same status and headers, no body.

FastAPI routes list only the methods they are declared with, so a ``HEAD`` that
link checkers, crawlers and uptime monitors send would be answered 405. Running it
as a ``GET`` and dropping the body keeps one definition per route (and keeps the
OpenAPI document free of a twin operation for each).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGetMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_head(message: Message) -> None:
            if message["type"] == "http.response.body":
                # The body is dropped; Content-Length still says what a GET would carry.
                message = {
                    "type": "http.response.body",
                    "body": b"",
                    "more_body": message.get("more_body", False),
                }
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_head)
