"""Limits that keep the explorer server safe to run: body size, deadlines, uploads in memory.

The explorer runs on the user's machine and answers whatever a browser sends it. This module
holds everything that bounds one request, in one place:

:class:`ServerSettings`
    The configurable limits (upload size, rows x columns, request deadline, uploads held),
    read from ``MUTINFO_EXPLORER_*`` environment variables by :meth:`ServerSettings.from_env`
    or passed to :func:`mutinfo.explorer.app.create_app`.
:class:`GuardMiddleware`
    A pure ASGI middleware around the whole application. It

    * rejects a request whose ``Content-Length`` is malformed (400) or larger than the body
      limit (413) before reading a byte of the body, and counts the bytes of a body sent
      without a length (chunked), answering 413 and closing the connection as soon as the
      count passes the limit, so an oversized upload is never read to its end;
    * lets at most ``max_concurrent`` ``/api/`` requests compute at once (first come, first
      served); the others wait without holding a worker thread, so the page and its static
      files stay quick under load;
    * gives every request a deadline: the endpoint keeps running in its worker thread, but
      when the deadline passes the client gets 504 with a JSON ``detail`` that says the
      computation timed out, and the server goes on serving; while too many timed-out
      computations are still finishing, new requests get 503 (so orphaned threads cannot
      exhaust the worker pool); a request still waiting for its turn at the deadline gets 504
      and is never started;
    * logs every 4xx/5xx answer (method, path without the query string, status and the
      answer's message; not the request body) on the ``mutinfo.explorer`` logger.
:func:`read_upload`
    Streams a ``multipart/form-data`` body through a parser into memory, enforcing the file's
    size limit chunk by chunk. Starlette's own form parsing spools files larger than 1 MB to a
    temporary file on disk; the explorer promises to write nothing, so uploads go through this.

A Python thread cannot be killed: a computation that passed its deadline still runs to its
end. The parameter bounds that every endpoint declares (FastAPI ``Query(ge=..., le=...)``,
checked by ``tests/explorer/test_server_limits.py``) are what keep that end near.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import math
import os
import warnings
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field, fields
from typing import Any

import mutinfo as mi

__all__ = [
    "BODY_OVERHEAD_BYTES",
    "DEFAULT_MAX_COLUMNS",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_MAX_UPLOADS",
    "DEFAULT_MAX_UPLOAD_BYTES",
    "ENV_PREFIX",
    "ExposedServerWarning",
    "GuardMiddleware",
    "ServerSettings",
    "UploadError",
    "byte_size",
    "is_loopback",
    "read_upload",
    "warn_if_exposed",
]

logger = logging.getLogger("mutinfo.explorer")

#: Prefix of the environment variables read by :meth:`ServerSettings.from_env`.
ENV_PREFIX = "MUTINFO_EXPLORER_"
#: Room for the multipart framing (boundaries, part headers) on top of the file itself.
BODY_OVERHEAD_BYTES = 64 * 1024

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ExposedServerWarning(mi.MutinfoWarning):
    """The explorer was asked to listen on an interface other than this machine's loopback."""


#: Built-in limits (the "your data" route exposes them as ``MAX_BYTES``, ``MAX_ROWS``, ...).
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 50_000
DEFAULT_MAX_COLUMNS = 30
DEFAULT_MAX_UPLOADS = 32


@dataclass(frozen=True)
class ServerSettings:
    """Limits of one explorer application.

    A table limit left at None means the built-in default (:data:`DEFAULT_MAX_UPLOAD_BYTES`
    = 20 MiB, :data:`DEFAULT_MAX_ROWS` = 50 000, :data:`DEFAULT_MAX_COLUMNS` = 30,
    :data:`DEFAULT_MAX_UPLOADS` = 32), as held by :mod:`mutinfo.explorer.routes.yourdata`.

    Parameters
    ----------
    max_upload_bytes : int, optional
        Largest CSV upload, in bytes. The request body may be at most this plus
        :data:`BODY_OVERHEAD_BYTES` (multipart framing). Environment:
        ``MUTINFO_EXPLORER_MAX_UPLOAD_BYTES``.
    max_rows : int, optional
        Most data rows of an uploaded table (``MUTINFO_EXPLORER_MAX_ROWS``).
    max_columns : int, optional
        Most columns of an uploaded table, at least 2 (``MUTINFO_EXPLORER_MAX_COLUMNS``).
    max_uploads : int, optional
        Uploads held in memory at once; the oldest is dropped first
        (``MUTINFO_EXPLORER_MAX_UPLOADS``).
    request_timeout_s : float, default 30
        Deadline of one request, in seconds, after which the client gets 504
        (``MUTINFO_EXPLORER_REQUEST_TIMEOUT_S``).
    max_abandoned : int, default 4
        How many timed-out computations may still be running before new requests to
        ``/api/`` get 503 (``MUTINFO_EXPLORER_MAX_ABANDONED``).
    max_concurrent : int, default: the number of CPUs, within 2..8
        How many ``/api/`` requests (other than ``/api/meta``) run at once; the others wait
        their turn in order, holding no worker thread, and the wait counts toward their
        deadline. The computations are CPU-bound, so running more at once than there are
        cores only makes each slower (and a started one cannot be stopped); queueing also
        keeps worker threads free for the page and its static files under load
        (``MUTINFO_EXPLORER_MAX_CONCURRENT``).

    Raises
    ------
    ValueError
        A limit that is not a positive number (integers for counts and bytes).
    """

    max_upload_bytes: int | None = None
    max_rows: int | None = None
    max_columns: int | None = None
    max_uploads: int | None = None
    request_timeout_s: float = 30.0
    max_abandoned: int = 4
    max_concurrent: int = field(default_factory=lambda: max(2, min(8, os.cpu_count() or 2)))

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None and f.name in ("max_upload_bytes", "max_rows", "max_columns", "max_uploads"):
                continue
            if f.name == "request_timeout_s":
                ok = (
                    isinstance(value, (int, float))
                    and not isinstance(value, bool)
                    and math.isfinite(value)
                    and value > 0
                )
                rule = "a finite number of seconds > 0"
            else:
                ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
                rule = "an integer >= 1"
            if not ok:
                raise ValueError(f"`{f.name}` must be {rule}; got {value!r}.")
        if self.max_columns is not None and self.max_columns < 2:
            raise ValueError(
                f"`max_columns` must be >= 2 (a target and a feature); got {self.max_columns!r}."
            )

    @property
    def max_body_bytes(self) -> int:
        """Largest request body accepted, in bytes (the upload plus its framing)."""
        upload = DEFAULT_MAX_UPLOAD_BYTES if self.max_upload_bytes is None else self.max_upload_bytes
        return upload + BODY_OVERHEAD_BYTES

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerSettings:
        """Settings from ``MUTINFO_EXPLORER_<FIELD>`` variables; unset ones keep the defaults.

        Parameters
        ----------
        environ : mapping, optional
            Where to read the variables (default ``os.environ``).

        Raises
        ------
        ValueError
            A variable that does not parse as the field's type, or is out of range; the
            message names the variable and its value.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = ENV_PREFIX + f.name.upper()
            raw = env.get(name)
            if raw is None or raw.strip() == "":
                continue
            kind = float if f.name == "request_timeout_s" else int
            try:
                values[f.name] = kind(raw.strip())
            except ValueError:
                raise ValueError(
                    f"environment variable {name} must be {'a number' if kind is float else 'an integer'}; "
                    f"got {raw!r}."
                ) from None
        try:
            return cls(**values)
        except ValueError as exc:
            raise ValueError(f"{exc} (from the {ENV_PREFIX}* environment variables)") from None


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (``localhost``, ``127.0.0.0/8``, ``::1``)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def warn_if_exposed(host: str) -> bool:
    """Warn (typed warning and a log line) when ``host`` is not a loopback interface.

    Returns
    -------
    bool
        True when a warning was issued.
    """
    if is_loopback(host):
        return False
    message = (
        f"the explorer will listen on {host!r}, which is reachable from other machines; anyone "
        "who can reach it can upload data and use this computer's CPU. Use 127.0.0.1 unless "
        "you mean to share it on a trusted network."
    )
    logger.warning(message)
    warnings.warn(message, ExposedServerWarning, stacklevel=3)
    return True


def _json_response(status: int, detail: str, *, close: bool = False) -> tuple[Message, Message]:
    body = json.dumps({"detail": detail}).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    start = {"type": "http.response.start", "status": status, "headers": headers}
    return start, {"type": "http.response.body", "body": body, "more_body": False}


class GuardMiddleware:
    """ASGI middleware: body-size limit while streaming, request deadline, error logging.

    Parameters
    ----------
    app : ASGI application
        The wrapped application.
    settings : ServerSettings
        The limits (``max_body_bytes``, ``request_timeout_s``, ``max_abandoned``).
    """

    def __init__(self, app: ASGIApp, settings: ServerSettings) -> None:
        self.app = app
        self.settings = settings
        #: Requests whose client got 504 while their computation still runs.
        self.abandoned: set[asyncio.Task[None]] = set()
        #: Turns for ``/api/`` requests (FIFO): at most ``max_concurrent`` run at once.
        self.turns = asyncio.Semaphore(settings.max_concurrent)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope.get("method", "?"), scope.get("path", "?")
        limit = self.settings.max_body_bytes
        state = {"started": False, "done": False, "status": 0, "logged": False, "received": 0}
        has_body = _has_body(scope)

        async def reply(status: int, detail: str, *, close: bool = False) -> None:
            # mark the request answered first, so that a late send from the app is dropped
            state.update(done=True, started=True, status=status, logged=True)
            start, body = _json_response(status, detail, close=close)
            _log_answer(method, path, status, body["body"])
            await send(start)
            await send(body)

        async def guarded_send(message: Message) -> None:
            if state["done"]:
                return  # the client already has an answer (413/504); drop the late one
            if message["type"] == "http.response.start":
                state["started"] = True
                state["status"] = int(message["status"])
                unread = has_body and not state.get("body_complete", False)
                if (
                    state["status"] >= 400
                    and unread
                    and not any(k.lower() == b"connection" for k, _ in message.get("headers", []))
                ):
                    # an error before the body was read (413, a malformed upload): close the
                    # connection after the answer, so the rest of the body is never read
                    message = {**message, "headers": [*message["headers"], (b"connection", b"close")]}
            elif message["type"] == "http.response.body" and state["status"] >= 400 and not state["logged"]:
                state["logged"] = True
                _log_answer(method, path, state["status"], message.get("body", b""))
            await send(message)

        length = _content_length(scope)
        if length == -1:
            await reply(400, "`Content-Length` must be a single non-negative integer.", close=True)
            return
        if length is not None and length > limit:
            await reply(
                413,
                f"the request body is {length} bytes; the limit is {limit} bytes "
                "(the upload plus its multipart framing). Nothing was read.",
                close=True,
            )
            return

        async def counted_receive() -> Message:
            if state["done"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                state["body_complete"] = not message.get("more_body", False)
                if state["received"] > limit:
                    # answer now and tell the app the client is gone: the rest is never read
                    if not state["started"]:
                        await reply(
                            413,
                            f"the request body passed the {limit}-byte limit (the upload plus its "
                            "multipart framing); reading stopped.",
                            close=True,
                        )
                    state["done"] = True
                    return {"type": "http.disconnect"}
            return message

        if self.abandoned and len(self.abandoned) >= self.settings.max_abandoned and path.startswith("/api/"):
            await reply(
                503,
                f"the server is busy: {len(self.abandoned)} computations that timed out are still "
                "finishing; try again in a few seconds.",
            )
            return

        gated = path.startswith("/api/") and not path.startswith("/api/meta")
        task = asyncio.ensure_future(self._run(scope, counted_receive, guarded_send, state, gated))
        try:
            done, _ = await asyncio.wait({task}, timeout=self.settings.request_timeout_s)
            while not done and state["started"]:
                # the answer is already streaming; a deadline can no longer replace it
                done, _ = await asyncio.wait({task}, timeout=self.settings.request_timeout_s)
        except asyncio.CancelledError:
            task.cancel()
            raise
        if done:
            task.result()
            return
        limit_s = self.settings.request_timeout_s
        if not state.get("running"):
            task.cancel()  # still waiting for its turn: it never starts
            await reply(
                504,
                f"timed out: the server was busy with other computations for the whole {limit_s:g} s "
                "limit and did not start this one; try again in a moment.",
            )
            return
        self.abandoned.add(task)
        task.add_done_callback(self._finished)
        await reply(
            504,
            f"timed out: the computation took longer than the server's {limit_s:g} s "
            "limit. Try a smaller sample or fewer resamples; the server is still running.",
        )

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, state: dict[str, Any], gated: bool
    ) -> None:
        from starlette.requests import ClientDisconnect

        try:
            if gated:
                async with self.turns:
                    state["running"] = True
                    await self.app(scope, receive, send)
            else:
                state["running"] = True
                await self.app(scope, receive, send)
        except ClientDisconnect:
            logger.info("%s %s: the client disconnected before sending the whole request", *_where(scope))
        except Exception:
            if not state["done"]:
                raise
            # the client already has its answer (413 or 504); the app's reaction to the
            # disconnect it was shown (e.g. starlette's ClientDisconnect) is expected
            logger.debug("request ended after its answer was sent", exc_info=True)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.abandoned.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        logger.warning(
            "a computation that timed out has now finished%s",
            f" with {type(exc).__name__}: {exc}" if exc else "",
        )


def _where(scope: Scope) -> tuple[str, str]:
    return scope.get("method", "?"), scope.get("path", "?")


def byte_size(n: int) -> str:
    """``n`` bytes in words: "20 MB" for whole mebibytes, else "1234 bytes"."""
    return f"{n // 1048576} MB" if n % 1048576 == 0 else f"{n} bytes"


def _has_body(scope: Scope) -> bool:
    """Whether the request announces a body (a non-zero length or a transfer encoding)."""
    for key, value in scope.get("headers", []):
        name = key.lower()
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() not in (b"0", b"")):
            return True
    return False


def _content_length(scope: Scope) -> int | None:
    """The declared body length; None when absent, -1 when malformed or repeated."""
    values = [v for k, v in scope.get("headers", []) if k.lower() == b"content-length"]
    if not values:
        return None
    if len(values) > 1 or not values[0].strip().isdigit():
        return -1
    return int(values[0])


def _log_answer(method: str, path: str, status: int, body: bytes) -> None:
    try:
        detail = json.loads(body).get("detail", "")
    except (ValueError, AttributeError):
        detail = body[:200].decode("utf-8", "replace")
    text = detail if isinstance(detail, str) else json.dumps(detail)[:500]
    level = logging.ERROR if status >= 500 and status not in (503, 504) else logging.WARNING
    logger.log(level, "%s %s -> %d: %s", method, path, status, text[:500])


class UploadError(ValueError):
    """A malformed or oversized upload; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def read_upload(
    headers: Mapping[str, str],
    stream: Any,
    *,
    field: str = "file",
    max_bytes: int,
) -> tuple[str, bytes]:
    """Read one file field of a ``multipart/form-data`` body into memory.

    Parameters
    ----------
    headers : mapping
        The request headers (``content-type`` must be ``multipart/form-data`` with a boundary).
    stream : async iterable of bytes
        The request body, e.g. ``request.stream()``.
    field : str, default "file"
        Name of the form field holding the file; other fields are ignored.
    max_bytes : int
        Largest file accepted, in bytes; reading stops as soon as the file passes it.

    Returns
    -------
    (str, bytes)
        The file name the browser sent and the file's bytes.

    Raises
    ------
    UploadError
        415 when the body is not multipart, 400 when it is malformed or has no ``field``
        file, 413 when the file is larger than ``max_bytes``.
    """
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import MultipartParser, parse_options_header

    kind, params = parse_options_header(headers.get("content-type", ""))
    if kind != b"multipart/form-data":
        raise UploadError(
            415,
            f"the upload must be sent as multipart/form-data with a `{field}` field; "
            f"got content type {kind.decode('latin-1')!r}.",
        )
    boundary = params.get(b"boundary")
    if not boundary:
        raise UploadError(400, "the multipart upload has no boundary.")

    part: dict[str, Any] = {}
    found: dict[str, Any] = {}
    header_name, header_value = bytearray(), bytearray()

    def on_part_begin() -> None:
        part.clear()
        part.update(headers={}, chunks=[], size=0, name=None, filename=None, header_bytes=0)

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_name.extend(data[start:end])
        _count_header(end - start)

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])
        _count_header(end - start)

    def _count_header(n: int) -> None:
        part["header_bytes"] += n
        if part["header_bytes"] > 8192:
            raise UploadError(400, "a multipart part has more than 8 KiB of headers.")

    def on_header_end() -> None:
        part["headers"][bytes(header_name).lower()] = bytes(header_value)
        header_name.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        _, options = parse_options_header(part["headers"].get(b"content-disposition", b""))
        part["name"] = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        part["filename"] = None if filename is None else filename.decode("utf-8", "replace")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if part["name"] != field or part["filename"] is None:
            return  # not the file: ignore (its bytes still count toward the body limit)
        part["size"] += end - start
        if part["size"] > max_bytes:
            raise UploadError(
                413, f"`{field}` is larger than the {byte_size(max_bytes)} limit; reading stopped."
            )
        part["chunks"].append(bytes(data[start:end]))

    def on_end() -> None:
        found["complete"] = True

    def on_part_end() -> None:
        if part["name"] == field and part["filename"] is not None and "data" not in found:
            found.update(filename=part["filename"], data=b"".join(part["chunks"]))
        part["chunks"] = []

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_end": on_end,
        },
    )
    try:
        async for chunk in stream:
            parser.write(chunk)
        parser.finalize()
    except FormParserError as exc:
        raise UploadError(400, f"the multipart upload is malformed: {exc}") from None
    if not found.get("complete"):
        raise UploadError(400, "the multipart upload is malformed: it ends before its closing boundary.")
    if "data" not in found:
        raise UploadError(400, f"the upload has no file in a form field named `{field}`.")
    return found["filename"], found["data"]
