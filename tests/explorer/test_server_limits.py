"""The explorer server's limits: loopback by default, bounded parameters, bodies and deadlines.

* Every numeric query parameter of every endpoint declares a minimum and a maximum, found by
  walking ``app.openapi()`` (new endpoints are covered without touching this file), and a
  value just outside either bound is refused with 422 naming the parameter.
* Request bodies are limited while they stream in: an oversized ``Content-Length`` is refused
  before a byte of the body is read, and a body sent without a length (chunked) is cut off
  with 413 and a closed connection long before the client has sent it all.
* Rows x columns of an upload are configurable (``create_app(ServerSettings(...))`` or the
  ``MUTINFO_EXPLORER_*`` environment variables).
* A request past its deadline gets 504 with a JSON message that says it timed out, and the
  server keeps answering; while too many timed-out computations still run, new ones get 503.
* Uploads live in memory only: the store drops the oldest, and an upload writes no file.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
import httpx
from fastapi.testclient import TestClient

from mutinfo.explorer import limits as server_limits
from mutinfo.explorer.app import create_app
from mutinfo.explorer.limits import ExposedServerWarning, ServerSettings
from mutinfo.explorer.routes import yourdata
from mutinfo.explorer.server import BackgroundServer

pytestmark = pytest.mark.xdist_group("server")


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture(scope="module")
def client(app) -> TestClient:
    return TestClient(app)


def _csv(rows: int, cols: int = 3) -> bytes:
    head = ",".join(f"c{j}" for j in range(cols))
    body = "\n".join(",".join(str((i * (j + 3)) % 17) for j in range(cols)) for i in range(rows))
    return (head + "\n" + body + "\n").encode()


def _upload(client, content: bytes, name: str = "d.csv"):
    return client.post("/api/yourdata/upload", files={"file": (name, content, "text/csv")})


# ------------------------------------------------------------------ binding and settings


def test_serve_binds_loopback_by_default_and_warns_otherwise(monkeypatch, caplog):
    import inspect

    import uvicorn

    from mutinfo.explorer import server

    assert inspect.signature(server.serve).parameters["host"].default == "127.0.0.1"
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    monkeypatch.setattr(server, "free_port", lambda host="127.0.0.1": 8765)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExposedServerWarning)
        server.serve(open_browser=False)  # no warning on loopback
        server.serve(host="localhost", open_browser=False)
        server.serve(host="::1", port=9000, open_browser=False)
    assert calls[0]["host"] == "127.0.0.1"
    with caplog.at_level(logging.WARNING, logger="mutinfo.explorer"):
        with pytest.warns(ExposedServerWarning, match="0.0.0.0.*reachable from other machines"):
            server.serve(host="0.0.0.0", open_browser=False)
    assert calls[-1]["host"] == "0.0.0.0"
    assert any("reachable from other machines" in r.getMessage() for r in caplog.records)
    with pytest.warns(ExposedServerWarning):
        server.serve(host="192.168.1.20", port=9000, open_browser=False)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        *[("127.0.0.1", True), ("127.8.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True)],
        *[("0.0.0.0", False), ("::", False), ("", False), ("10.0.0.5", False), ("example.org", False)],
    ],
)
def test_is_loopback(host, loopback):
    assert server_limits.is_loopback(host) is loopback


def test_settings_from_env_and_validation():
    s = ServerSettings.from_env(
        {"MUTINFO_EXPLORER_MAX_ROWS": "1000", "MUTINFO_EXPLORER_REQUEST_TIMEOUT_S": "2.5", "OTHER": "x"}
    )
    assert s.max_rows == 1000 and s.request_timeout_s == 2.5 and s.max_columns is None
    assert ServerSettings.from_env({}) == ServerSettings()
    with pytest.raises(ValueError, match=r"MUTINFO_EXPLORER_MAX_COLUMNS must be an integer; got 'ten'"):
        ServerSettings.from_env({"MUTINFO_EXPLORER_MAX_COLUMNS": "ten"})
    with pytest.raises(ValueError, match=r"`max_rows` must be an integer >= 1; got 0.*environment"):
        ServerSettings.from_env({"MUTINFO_EXPLORER_MAX_ROWS": "0"})
    with pytest.raises(ValueError, match=r"`request_timeout_s` must be a finite number"):
        ServerSettings(request_timeout_s=float("inf"))
    with pytest.raises(ValueError, match=r"`max_columns` must be >= 2"):
        ServerSettings(max_columns=1)
    with pytest.raises(ValueError, match=r"`max_upload_bytes` must be an integer >= 1; got True"):
        ServerSettings(max_upload_bytes=True)
    with pytest.raises(TypeError, match="`settings` must be a ServerSettings"):
        create_app({"max_rows": 5})


def test_rows_and_columns_limits_are_configurable(monkeypatch):
    small = TestClient(create_app(ServerSettings(max_rows=40, max_columns=3, max_upload_bytes=4000)))
    lim = small.get("/api/yourdata/limits").json()
    assert (lim["max_rows"], lim["max_columns"], lim["max_bytes"]) == (40, 3, 4000)
    assert _upload(small, _csv(40)).status_code == 200
    r = _upload(small, _csv(41))
    assert r.status_code == 413 and "at most 40 rows" in r.json()["detail"]
    r = _upload(small, _csv(20, cols=4))
    assert r.status_code == 413 and "at most 3 columns" in r.json()["detail"]
    r = _upload(small, b"a,b\n" + b"1,2\n" * 1000)
    assert r.status_code == 413 and "4000 bytes limit" in r.json()["detail"]
    # the environment is read when no settings are given
    monkeypatch.setenv("MUTINFO_EXPLORER_MAX_ROWS", "25")
    env_client = TestClient(create_app())
    assert env_client.get("/api/yourdata/limits").json()["max_rows"] == 25
    assert _upload(env_client, _csv(26)).status_code == 413


# ------------------------------------------------------------------ parameter bounds


def _types(schema: dict) -> set[str]:
    kinds = {schema.get("type")} | {a.get("type") for a in schema.get("anyOf", [])}
    return {k for k in kinds if k}


def _bounds(schema: dict) -> dict:
    out = dict(schema)
    for alt in schema.get("anyOf", []):
        out.update({k: v for k, v in alt.items() if k != "type"})
    return out


def _valid(schema: dict):
    s = _bounds(schema)
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "enum" in s:
        return s["enum"][0]
    if {"integer", "number"} & _types(schema):
        return s.get("minimum", s.get("exclusiveMinimum", 0) + 1)
    if "pattern" in s:
        match = re.match(r"^\^\(?([\w.-]+)", s["pattern"])
        return match.group(1) if match else "a"
    return "a" * max(8, s.get("minLength", 1))


def _query_operations(app):
    for path, ops in app.openapi()["paths"].items():
        for method, op in ops.items():
            params = [p for p in op.get("parameters", []) if p["in"] == "query"]
            if params:
                yield method, path, params


def test_every_numeric_parameter_is_bounded_and_enforced(app, client):
    checked, sent = 0, 0
    unbounded = []
    for method, path, params in _query_operations(app):
        assert method == "get", (method, path)
        base = {p["name"]: _valid(p["schema"]) for p in params if p.get("required")}
        for p in params:
            schema, name = p["schema"], p["name"]
            if "string" in _types(schema):
                s = _bounds(schema)
                if not ({"maxLength", "pattern", "enum"} & set(s)):
                    unbounded.append(f"{path}?{name} (string without maxLength/pattern)")
                continue
            if not {"integer", "number"} & _types(schema):
                continue
            s = _bounds(schema)
            high = s.get("maximum", s.get("exclusiveMaximum"))
            low = s.get("minimum", s.get("exclusiveMinimum"))
            if high is None or low is None:
                unbounded.append(f"{path}?{name} (min {low}, max {high})")
                continue
            checked += 1
            integer = "integer" in _types(schema)
            step = 1 if integer else max(1e-6, 1e-3 * (high - low))
            outside = [high + step, low - step] + ([] if integer else ["nan", "inf", "-inf"])
            outside += [10**12, -(10**12)]
            for value in outside:
                r = client.get(path, params={**base, name: value})
                sent += 1
                assert r.status_code == 422, (path, name, value, r.status_code, r.text[:300])
                locs = [d.get("loc", []) for d in r.json()["detail"]]
                assert ["query", name] in [list(loc)[:2] for loc in locs], (path, name, value, locs)
    assert not unbounded, unbounded
    assert checked >= 90, checked  # 94 numeric parameters when this test was written
    print(f"numeric query parameters checked: {checked}; out-of-range requests refused: {sent}")


# ------------------------------------------------------------------ bodies, while streaming


@pytest.fixture(scope="module")
def small_server():
    settings = ServerSettings(max_upload_bytes=200_000, request_timeout_s=20)
    with BackgroundServer(settings=settings) as server:
        yield server


def _read_response(sock: socket.socket, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    want = int(headers.get("content-length", "0"))
    while len(body) < want:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def _closed_by_peer(sock: socket.socket, timeout: float = 5.0) -> bool:
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_oversized_content_length_refused_before_reading(small_server):
    with socket.create_connection(("127.0.0.1", small_server.port)) as sock:
        sock.sendall(
            b"POST /api/yourdata/upload HTTP/1.1\r\nHost: t\r\n"
            b"Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 5000000000\r\n\r\n"
        )
        status, headers, body = _read_response(sock)  # no body byte was sent at all
        assert status == 413 and headers["connection"] == "close"
        assert b"5000000000 bytes" in body and b"Nothing was read" in body
        assert _closed_by_peer(sock)


@pytest.mark.parametrize("value", [b"abc", b"-5", b"1e9", b"12, 13"])
def test_malformed_content_length_is_400(small_server, value):
    with socket.create_connection(("127.0.0.1", small_server.port)) as sock:
        sock.sendall(
            b"POST /api/yourdata/upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + value + b"\r\n\r\n"
        )
        status, _, _ = _read_response(sock)
        assert status == 400


def _stream_until_answer(port: int, head: bytes, chunk: bytes, total: int) -> tuple[int, int, bytes]:
    """Send ``head`` then ``chunk`` repeatedly as chunked encoding, up to ``total`` bytes,
    stopping when the server answers or the connection breaks. Returns (sent, status, body)."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(head)
        sock.setblocking(False)
        answer = b""
        try:
            while sent < total:
                try:
                    answer += sock.recv(65536)
                except BlockingIOError:
                    pass
                if answer:
                    break
                try:
                    sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                    sent += len(chunk)
                except BlockingIOError:
                    time.sleep(0.01)  # the server is not reading: wait for its answer
                time.sleep(0.002)
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.setblocking(True)
        sock.settimeout(10)
        try:
            while b"\r\n\r\n" not in answer:
                more = sock.recv(65536)
                if not more:
                    break
                answer += more
        except (ConnectionResetError, TimeoutError):
            pass
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1") else 0
    return sent, status, answer


def test_chunked_upload_cut_off_at_the_file_limit(small_server):
    head = (
        b"POST /api/yourdata/upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: multipart/form-data; boundary=xyz\r\n\r\n"
    )
    part = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\na,b\r\n'
    total = 20 * 1024 * 1024  # what the client would send if nobody stopped it
    sent, status, answer = _stream_until_answer(
        small_server.port, head + b"%x\r\n" % len(part) + part + b"\r\n", b"1,2\n" * 4096, total
    )
    assert status == 413, answer[:300]
    assert b"200000 bytes limit; reading stopped" in answer
    assert sent < 2_000_000, sent  # cut off near the 200 kB limit, not after 20 MB


def test_chunked_body_cut_off_by_the_middleware(small_server):
    # a body that is not a file (a huge form field) is stopped by the body limit instead
    head = (
        b"POST /api/yourdata/upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: multipart/form-data; boundary=xyz\r\n\r\n"
    )
    part = b'--xyz\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
    sent, status, answer = _stream_until_answer(
        small_server.port, head + b"%x\r\n" % len(part) + part + b"\r\n", b"z" * 16384, 20 * 1024 * 1024
    )
    assert status == 413, answer[:300]
    assert b"passed the 265536-byte limit" in answer and b"connection: close" in answer.lower()
    assert sent < 2_000_000, sent


def test_upload_without_multipart_or_file_is_4xx(small_server):
    url = small_server.url + "/api/yourdata/upload"
    r = httpx.post(url, content=_csv(30), headers={"content-type": "text/csv"})
    assert r.status_code == 415 and "multipart/form-data" in r.json()["detail"]
    r = httpx.post(url, files={"other": ("d.csv", _csv(30), "text/csv")})
    assert r.status_code == 400 and "form field named `file`" in r.json()["detail"]
    r = httpx.post(url, files={"file": (None, b"a,b\n1,2")})  # a text field, not a file
    assert r.status_code == 400 and "`file`" in r.json()["detail"]
    r = httpx.post(
        url, content=b"--xyz\r\nbroken", headers={"content-type": "multipart/form-data; boundary=xyz"}
    )
    assert r.status_code == 400 and "malformed" in r.json()["detail"]
    # and an ordinary upload of the same data succeeds
    assert httpx.post(url, files={"file": ("d.csv", _csv(30), "text/csv")}).status_code == 200


# ------------------------------------------------------------------ deadlines


def test_deadline_answers_504_and_the_server_keeps_serving():
    release = threading.Event()
    app = create_app(ServerSettings(request_timeout_s=1.0, max_abandoned=2))

    @app.get("/api/testonly/wait")
    def wait() -> dict:  # a computation that outlives its deadline (released by the test)
        release.wait(timeout=10)
        return {"finished": True}

    with BackgroundServer(app) as server:
        t0 = time.monotonic()
        r = httpx.get(server.url + "/api/testonly/wait", timeout=10)
        elapsed = time.monotonic() - t0
        assert r.status_code == 504 and r.headers["content-type"] == "application/json"
        assert r.json()["detail"].startswith("timed out") and "still running" in r.json()["detail"]
        assert 1.0 <= elapsed < 4, elapsed
        assert httpx.get(server.url + "/api/meta", timeout=10).status_code == 200  # still serving
        assert httpx.get(server.url + "/api/testonly/wait", timeout=10).status_code == 504
        # two computations past their deadline are still running: new API requests get 503
        busy = httpx.get(server.url + "/api/meta", timeout=10)
        assert busy.status_code == 503 and "busy" in busy.json()["detail"]
        assert httpx.get(server.url + "/", timeout=10).status_code == 200  # the page still loads
        release.set()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if httpx.get(server.url + "/api/meta", timeout=10).status_code == 200:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the server stayed busy after the abandoned computations finished")


def test_deadline_applies_to_real_computations():
    # the yourdata analysis with 999 permutations per column takes far longer than 20 ms
    app = create_app(ServerSettings(request_timeout_s=0.02, max_abandoned=1))
    # the upload store is per process: upload through an app with the default deadline
    up = _upload(TestClient(create_app()), _csv(300, 3))
    assert up.status_code == 200, up.text
    with BackgroundServer(app) as server:
        r = httpx.get(
            server.url + "/api/yourdata/analyze",
            params={"token": up.json()["token"], "target": "c0", "n_resamples": 999},
            timeout=10,
        )
        assert r.status_code == 504 and r.json()["detail"].startswith("timed out")
        # let an abandoned analysis finish, so that it does not outlive the test
        guard = _guard(app)
        deadline = time.monotonic() + 60
        while guard.abandoned:
            assert time.monotonic() < deadline, "the abandoned analysis did not finish within 60 s"
            time.sleep(0.05)


def _guard(app) -> server_limits.GuardMiddleware:
    layer = app.middleware_stack  # built by the first request
    while not isinstance(layer, server_limits.GuardMiddleware):
        layer = layer.app
    return layer


# ------------------------------------------------------------------ nothing kept


def test_store_drops_old_uploads_and_their_results():
    client = TestClient(create_app(ServerSettings(max_uploads=3)))
    before = set(yourdata._STORE)
    tokens = [_upload(client, _csv(30 + i)).json()["token"] for i in range(5)]
    params = {"target": "c0", "n_resamples": 19, "stage": "estimate"}
    assert client.get("/api/yourdata/analyze", params={**params, "token": tokens[-1]}).status_code == 200
    assert len(yourdata._STORE) == 3 and set(yourdata._STORE) == set(tokens[2:])
    assert not (before & set(yourdata._STORE))
    for old in tokens[:2]:
        r = client.get("/api/yourdata/analyze", params={**params, "token": old})
        assert r.status_code == 404 and "memory only" in r.json()["detail"]
    assert {key[0] for key in yourdata._RESULTS} <= set(tokens[2:])


def _files_under(*roots: Path) -> set[Path]:
    return {p for root in roots for p in root.rglob("*")}


def test_upload_writes_no_file(tmp_path, monkeypatch):
    """A 3 MB upload (Starlette's form parser spools files over 1 MB to disk) opens no
    file for writing and leaves nothing in a temporary HOME, TMPDIR or working directory."""
    home, tmp, cwd = (tmp_path / d for d in ("home", "tmp", "cwd"))
    for d in (home, tmp, cwd):
        d.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.chdir(cwd)
    rows = (",".join(f"{(i * (j + 3)) % 9973}.{i % 1000:03d}" for j in range(8)) for i in range(45_000))
    data = ("\n".join([",".join(f"c{j}" for j in range(8)), *rows]) + "\n").encode()
    assert len(data) > 2 * 1024 * 1024
    writes: list[str] = []
    recording = threading.Event()

    def hook(event: str, args: tuple) -> None:
        if recording.is_set() and event == "open" and len(args) >= 3:
            path, mode, flags = args[0], args[1], args[2]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
            )
            if writing:
                writes.append(str(path))

    sys.addaudithook(hook)  # audit hooks cannot be removed; this one only records while set
    with BackgroundServer() as server:
        # positive control: the hook sees a temporary file being written
        recording.set()
        with tempfile.TemporaryFile() as f:
            f.write(b"x")
        recording.clear()
        assert writes, "the audit hook did not see a temporary file"
        writes.clear()
        before = _files_under(home, tmp, cwd)
        recording.set()
        try:
            r = httpx.post(
                server.url + "/api/yourdata/upload", files={"file": ("d.csv", data, "text/csv")}, timeout=60
            )
        finally:
            recording.clear()
        assert r.status_code == 200, r.text[:300]
        assert r.json()["bytes"] == len(data) and "nothing is written to disk" in r.json()["note"]
    assert writes == []
    assert _files_under(home, tmp, cwd) == before == set()


def test_result_cache_is_bounded(monkeypatch):
    # every seed is a new cached result; a client cycling through seeds must not grow memory
    monkeypatch.setattr(yourdata, "MAX_RESULTS", 5)
    client = TestClient(create_app())
    token = _upload(client, _csv(40)).json()["token"]
    for seed in range(9):
        params = {"token": token, "target": "c0", "seed": seed, "stage": "estimate"}
        assert client.get("/api/yourdata/analyze", params=params).status_code == 200
        assert len(yourdata._RESULTS) <= 5
    assert (token, "c0", 99, 8, False) in yourdata._RESULTS  # the newest is kept
    assert (token, "c0", 99, 0, False) not in yourdata._RESULTS  # the oldest went first


def test_api_requests_take_turns_and_the_page_stays_quick():
    release = threading.Event()
    started = []
    app = create_app(ServerSettings(request_timeout_s=1.0, max_concurrent=1, max_abandoned=4))

    @app.get("/api/testonly/hold")
    def hold(tag: str = "") -> dict:
        started.append(tag)
        release.wait(timeout=10)
        return {"tag": tag}

    with BackgroundServer(app) as server:
        with httpx.Client(base_url=server.url, timeout=10) as http:
            first = threading.Thread(
                target=http.get, args=("/api/testonly/hold",), kwargs={"params": {"tag": "a"}}
            )
            first.start()
            time.sleep(0.1)
            second = http.get("/api/testonly/hold", params={"tag": "b"})  # waits behind "a"
            assert second.status_code == 504 and "did not start this one" in second.json()["detail"]
            t0 = time.monotonic()
            assert http.get("/static/css/style.css").status_code == 200  # not an API request: no wait
            assert time.monotonic() - t0 < 0.9
            release.set()
            first.join(timeout=10)
            assert started == ["a"]  # "b" timed out in the queue and never ran
            assert http.get("/api/testonly/hold", params={"tag": "c"}).status_code == 200
            assert started == ["a", "c"]


def test_store_keeps_uploads_within_a_memory_budget(monkeypatch):
    client = TestClient(create_app())
    first = _upload(client, _csv(200, cols=6)).json()["token"]
    table_bytes = yourdata._STORE[first]["memory"]
    assert table_bytes > 0
    # a budget of two and a half such tables keeps the newest two
    monkeypatch.setattr(yourdata, "MAX_STORE_BYTES", int(2.5 * table_bytes))
    tokens = [_upload(client, _csv(200, cols=6)).json()["token"] for _ in range(3)]
    assert list(yourdata._STORE)[-2:] == tokens[1:]
    assert sum(e["memory"] for e in yourdata._STORE.values()) <= 2.5 * table_bytes
    assert first not in yourdata._STORE and tokens[0] not in yourdata._STORE
    # one upload larger than the whole budget is still kept (alone): it passed the upload limits
    monkeypatch.setattr(yourdata, "MAX_STORE_BYTES", 1)
    big = _upload(client, _csv(300, cols=6)).json()["token"]
    assert list(yourdata._STORE) == [big]


def _continuous_csv(rows: int, cols: int, seed: int = 0) -> bytes:
    import numpy as np

    values = np.random.default_rng(seed).normal(size=(rows, cols))
    head = ",".join(f"c{j}" for j in range(cols))
    return (head + "\n" + "\n".join(",".join(f"{v:.5f}" for v in row) for row in values) + "\n").encode()


def test_analysis_work_is_bounded(monkeypatch):
    """rows x MI estimates (with the permutation test's repeats) is capped, with a message
    that says how many shuffles would fit; the quick stage's cost is checked at upload."""
    client = TestClient(create_app())
    n, call = 200, yourdata.CALL_ROWS
    # 3 continuous columns: the matrix has 3 pairs, the ranking 2 features
    assert yourdata._work(yourdata._parse(_continuous_csv(n, 3), "t.csv"), "c0", 39, full=True) == (
        n + call
    ) * (3 + 2 * 40)
    monkeypatch.setattr(yourdata, "MAX_WORK", (n + call) * (3 + 2 * 20))
    token = _upload(client, _continuous_csv(n, 3)).json()["token"]
    params = {"token": token, "target": "c0", "stage": "full"}
    r = client.get("/api/yourdata/analyze", params={**params, "n_resamples": 99})
    assert r.status_code == 422
    assert (
        "`n_resamples` = 99 is too many" in r.json()["detail"]
        and "at most 19 shuffles fit" in r.json()["detail"]
    )
    assert client.get("/api/yourdata/analyze", params={**params, "n_resamples": 19}).status_code == 200
    # a table whose quick stage alone is over the budget is refused at upload
    monkeypatch.setattr(yourdata, "MAX_WORK", (n + call) * 5 - 1)
    r = _upload(client, _continuous_csv(n, 3))
    assert r.status_code == 413 and "too large to analyse here" in r.json()["detail"]
