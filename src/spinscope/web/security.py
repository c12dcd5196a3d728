"""ASGI middleware guarding the web app: request body size, cross-site writes, and security headers.

Written as plain ASGI (not `BaseHTTPMiddleware`) so the body limit sees the raw byte stream: a request is refused
with 413 when its Content-Length is too big, and also when a body without one (chunked) grows past the limit while
it streams in, before the app reads any of it.
"""

from __future__ import annotations

import json
from typing import Awaitable, Callable
from urllib.parse import urlsplit

Scope = dict
Message = dict
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


async def send_json(send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"error": message}).encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"), *headers]})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """Refuse request bodies larger than `max_bytes` with 413 {"error": ...}; the app gets the body replayed."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    def _too_big(self) -> str:
        return (f"request body is larger than the {self.max_bytes:,} bytes this server accepts; "
                "send a shorter article")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await send_json(send, 400, "invalid Content-Length header")
                    return
        if declared is not None and declared > self.max_bytes:
            await send_json(send, 413, self._too_big())
            return
        chunks, total = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client went away; nobody is waiting for an answer
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_bytes:
                await send_json(send, 413, self._too_big())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class HeadAsGetMiddleware:
    """Answer HEAD like GET without the body (uptime monitors and link checkers send HEAD; the routes are GET)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


class HostGuardMiddleware:
    """Answer requests whose Host header is not one of `allowed_hosts` with 400 {"error": ...} (DNS rebinding):
    Starlette's TrustedHostMiddleware does the same in plain text, and every error here is JSON."""

    def __init__(self, app, allowed_hosts: list[str]):
        self.app = app
        self.exact = {h.lower() for h in allowed_hosts if not h.startswith("*.")}
        self.suffixes = tuple(h[1:].lower() for h in allowed_hosts if h.startswith("*."))  # "*.x.org" -> ".x.org"

    def allows(self, host: str) -> bool:
        host = host.strip().lower()
        if host.startswith("["):  # [::1]:8000
            host = host[:host.find("]") + 1] if "]" in host else host
        elif host.count(":") == 1:
            host = host.split(":", 1)[0]
        return host in self.exact or (bool(self.suffixes) and host.endswith(self.suffixes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
            if not self.allows(host):
                await send_json(send, 400, "invalid Host header: this server answers only to its own names")
                return
        await self.app(scope, receive, send)


class OriginGuardMiddleware:
    """Refuse writes (POST/PUT/PATCH/DELETE) sent by a browser from another site.

    Browsers attach an Origin header to such requests; when it names another host (or is "null", an opaque
    origin) the request is a cross-site one and is refused with 403. Clients without an Origin (curl, scripts)
    are not affected.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            headers = dict(scope.get("headers", []))
            origin = headers.get(b"origin")
            if origin is not None:
                host = headers.get(b"host", b"").decode("latin-1").lower()
                origin_text = origin.decode("latin-1").strip().lower()
                origin_host = urlsplit(origin_text).netloc if origin_text != "null" else None
                if origin_host != host:
                    await send_json(send, 403, "cross-site request refused: send it from this site's own pages "
                                               "or without an Origin header")
                    return
        await self.app(scope, receive, send)


class SecurityHeadersMiddleware:
    """Add CSP and other protective headers to every response (a response may set its own CSP first)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [
                    (b"content-security-policy", PAGE_POLICY.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    # same-origin: our own form posts keep their Origin header, other sites see nothing
                    (b"referrer-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                headers += [(name, value) for name, value in extra if name not in present]
                message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)
