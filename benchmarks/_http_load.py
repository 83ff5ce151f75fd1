"""A lean HTTP/1.1 keep-alive client for load generation (what ``benchmarks.serve`` drives the server with).

httpx costs 3–4 ms of CPU per request; on a machine whose cores the server shares, the load
generator would then measure itself. This client does only what a benchmark needs: GET on
a kept-alive connection, the answer's status, and a body read by its Content-Length or
chunks, the body kept compressed as sent (about 0.2 ms per request).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


class HttpError(Exception):
    """The connection failed or the answer could not be read."""


@dataclass(slots=True)
class Answer:
    status: int
    body: bytes
    cache: str = ""  # the server's x-kabar-cache header: "hit", "miss" or absent


class Connection:
    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None) -> None:
        self.host, self.port = host, port
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self._head = f"Host: {host}:{port}\r\n{extra}\r\n".encode("latin-1")
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> Answer:
        """One GET; a connection the server closed is opened again once."""
        for attempt in (1, 2):
            fresh = self._reader is None
            try:
                return await self._get(path)
            except (OSError, asyncio.IncompleteReadError, HttpError) as exc:
                self.close()
                if fresh or attempt == 2:  # a new connection failing is a real error
                    raise HttpError(f"{path}: {exc!r}") from exc
        raise AssertionError("unreachable")

    async def _get(self, path: str) -> Answer:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        self._writer.write(b"GET " + path.encode("utf-8") + b" HTTP/1.1\r\n" + self._head)
        head = await self._reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise HttpError(f"bad status line {lines[0][:80]!r}")
        status = int(parts[1])
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip()
        if b"content-length" in fields:
            body = await self._reader.readexactly(int(fields[b"content-length"]))
        elif fields.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = await self._chunks()
        elif status in (204, 304):
            body = b""
        else:  # to the end of the connection
            body = await self._reader.read()
            self.close()
        if fields.get(b"connection", b"").lower() == b"close":
            self.close()
        return Answer(status, body, fields.get(b"x-kabar-cache", b"").decode("latin-1"))

    async def _chunks(self) -> bytes:
        assert self._reader is not None
        out: list[bytes] = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self._reader.readuntil(b"\r\n")
                return b"".join(out)
            out.append(await self._reader.readexactly(size))
            await self._reader.readexactly(2)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None
