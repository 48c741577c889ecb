"""Malformed input and client faults: each answered 4xx with a message and logged; no crash.

* Uploads that are not a clean UTF-8 CSV (broken quoting, ragged rows, latin-1, UTF-16 and
  UTF-32, NUL bytes, binary files, empty files, repeated or missing names, ...) get 400/413
  with a message naming ``file``, and one log line on the ``mutinfo.explorer`` logger.
* Formula-like cells (``=``, ``+``, ``-``, ``@``, tab, carriage return) are escaped in the only
  CSV download that carries user text (``/api/yourdata/download``, the ranking's feature
  names); the other download (``/api/yourdata/example``) is the shipped weather data.
* Path traversal in the file-like parts of the URL space (``/static/...``, the section
  fragments, the vendor script, dataset names) never reaches a file outside ``static/``.
* Clients that disconnect mid-upload, mid-computation or mid-headers leave the server healthy:
  the next request succeeds and the upload store does not grow.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import socket
import threading
import time

import numpy as np
import pytest

pytest.importorskip("fastapi")
import httpx
from fastapi.testclient import TestClient

from mutinfo.explorer.app import create_app
from mutinfo.explorer.limits import ServerSettings
from mutinfo.explorer.routes import yourdata
from mutinfo.explorer.server import BackgroundServer

pytestmark = pytest.mark.xdist_group("server")

GOOD = "a,b,c\n" + "\n".join(f"{i},{i % 3},{(i * 7) % 5}" for i in range(40)) + "\n"
_RNG = np.random.default_rng(20261126)

#: name -> (bytes, status, words the message must contain)
MALFORMED: dict[str, tuple[bytes, int, tuple[str, ...]]] = {
    "unbalanced quote": (b'a,b\n1,"2\n3,4\n' + b"5,6\n" * 20, 400, ("could not be read as CSV",)),
    "ragged rows": (b"a,b\n1,2\n" + b"1,2,3,4\n" * 20, 400, ("could not be read as CSV", "fields")),
    "every row longer than header": (b"a,b\n" + b"1,2,3\n" * 20, 400, ("more fields than its header",)),
    "latin-1": ("température,b\n".encode("latin-1") + b"1,2\n" * 20, 400, ("UTF-8", "byte 4")),
    "cp1252 quotes": ("\u201ca\u201d,b\n".encode("cp1252") + b"1,2\n" * 20, 400, ("UTF-8",)),
    "UTF-16 with BOM": (GOOD.encode("utf-16"), 400, ("UTF-8",)),
    "UTF-16-LE without BOM": (GOOD.encode("utf-16-le"), 400, ("NUL bytes", "UTF-16")),
    "UTF-32": (GOOD.encode("utf-32"), 400, ("UTF-8",)),
    "NUL byte in a cell": (GOOD.encode().replace(b"\n1,", b"\n1\x00,"), 400, ("NUL bytes",)),
    "PNG image": (b"\x89PNG\r\n\x1a\n" + _RNG.bytes(5000), 400, ("UTF-8",)),
    "random bytes": (_RNG.bytes(20000), 400, ("UTF-8",)),
    "gzip of a CSV": (gzip.compress(GOOD.encode()), 400, ("UTF-8",)),
    "zip header": (b"PK\x03\x04" + _RNG.bytes(3000), 400, ("UTF-8",)),
    "empty": (b"", 400, ("empty",)),
    "whitespace only": (b"  \n\n \t\n", 400, ("empty",)),
    "header only": (b"a,b\n", 400, ("at least 10 data rows",)),
    "one column": (b"only\n" + b"1\n" * 20, 400, ("at least 2 columns",)),
    "HTML page": (b"<html><body><p>not a table</p></body></html>", 400, ("2 columns",)),
    "one 1 MB field": (b"a" * 1_000_000, 400, ("header row",)),
    "repeated names": (b"a,b,a\n" + b"1,2,3\n" * 20, 400, ("repeated column names", "'a'")),
    "too many columns": ((",".join(f"c{i}" for i in range(5000)) + "\n").encode() * 2, 413, ("columns",)),
    "too many rows": (b"a,b\n" + b"1,2\n" * 50_001, 413, ("rows",)),
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def _upload(client, content: bytes, name: str = "d.csv"):
    return client.post("/api/yourdata/upload", files={"file": (name, content, "text/csv")})


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_upload_is_4xx_with_a_message_and_logged(client, caplog, case):
    content, status, words = MALFORMED[case]
    before = len(yourdata._STORE)
    with caplog.at_level(logging.WARNING, logger="mutinfo.explorer"):
        r = _upload(client, content)
    assert r.status_code == status, (case, r.status_code, r.text[:300])
    detail = r.json()["detail"]
    assert "`file`" in detail, detail
    for word in words:
        assert word in detail, (case, detail)
    logged = [rec.getMessage() for rec in caplog.records if rec.name == "mutinfo.explorer"]
    assert any(f"-> {status}" in m and "/api/yourdata/upload" in m for m in logged), logged
    assert len(yourdata._STORE) == before  # nothing kept from a refused upload


def test_legal_oddities_are_accepted(client):
    # a UTF-8 BOM, old Mac line endings, semicolons, quoted cells: all legal CSV
    for text in (
        b"\xef\xbb\xbf" + GOOD.encode(),
        GOOD.replace("\n", "\r").encode(),
        GOOD.replace(",", ";").encode(),
        b'"a","b"\n' + b'"1","x"\n' * 20,
    ):
        r = _upload(client, text)
        assert r.status_code == 200, (text[:30], r.text[:300])
        assert len(r.json()["columns"]) >= 2


def test_non_finite_cells_are_refused_at_analysis(client):
    text = b"a,b\n" + b"".join(f"{i},{'1e400' if i == 2 else i % 4}\n".encode() for i in range(30))
    token = _upload(client, text).json()["token"]
    r = client.get("/api/yourdata/analyze", params={"token": token, "target": "b", "n_resamples": 19})
    assert r.status_code == 422 and "finite" in r.json()["detail"] and "row 2" in r.json()["detail"]


FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)", "\tTAB", '=HYPERLINK("http://x")']


def test_formula_injection_escaped_in_the_csv_download(client):
    names = [*FORMULAS, "plain", "target"]
    rows = [names] + [[str((i * (j + 2)) % 5) for j in range(len(names))] for i in range(60)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    up = _upload(client, buffer.getvalue().encode())
    assert up.status_code == 200, up.text
    assert [c["name"] for c in up.json()["columns"]] == names
    r = client.get(
        "/api/yourdata/download",
        params={"token": up.json()["token"], "target": "=evil()", "n_resamples": 19},
    )
    assert r.status_code == 422  # not a column: refused, no file
    r = client.get(
        "/api/yourdata/download",
        params={"token": up.json()["token"], "target": "target", "n_resamples": 19},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(r.text)))
    features = [row[0] for row in table[1:]]
    assert sorted(features) == sorted(["'" + f for f in FORMULAS] + ["plain"])
    for row in table[1:]:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(cell)  # only numbers (e.g. a negative estimate) may start with a sign
    # the target's name only reaches the file name, reduced to letters, digits and "_"
    up2 = _upload(client, buffer.getvalue().replace("target", "../../x=1").encode())
    r = client.get(
        "/api/yourdata/download",
        params={"token": up2.json()["token"], "target": "../../x=1", "n_resamples": 19},
    )
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="mi_ranking_______x_1.csv"'


# ------------------------------------------------------------------ path traversal

TRAVERSALS = [
    "/static/../pyproject.toml",
    "/static/../app.py",
    "/static/..%2fapp.py",
    "/static/%2e%2e/%2e%2e/limits.py",
    "/static/%2e%2e%2f%2e%2e%2fapp.py",
    "/static/js/../../app.py",
    "/static/js/..%2f..%2f..%2fexplorer%2fapp.py",
    "/static/..%5c..%5capp.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/index.html%00.py",
    "/static/....//....//app.py",
    "/sections/..%2f..%2fapp.html",
    "/sections/../app.py.html",
    "/sections/%2e%2e%2fmanifest.html",
    "/vendor/../app.py",
    "/vendor/..%2fplotly.min.js",
    "/api/trees/view?data=../../etc/passwd",
    "/api/realworld/weather?month=..%2f..",
    "/api/meta/tex?latex=%5Cinput%7B%2Fetc%2Fpasswd%7D",
]


def _raw_get(port: int, target: str) -> tuple[int, bytes]:
    """GET with the request target exactly as written (no client-side normalisation)."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        sock.settimeout(10)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data.partition(b"\r\n\r\n")[2]


@pytest.fixture(scope="module")
def server():
    with BackgroundServer(settings=ServerSettings(max_upload_bytes=1_000_000)) as live:
        yield live


def test_path_traversal_never_leaves_static(server):
    secrets = (b"[build-system]", b"import ", b"root:", b"def create_app", b"__all__")
    answers = {}
    for target in TRAVERSALS:
        status, body = _raw_get(server.port, target)
        answers[target] = status
        assert not any(s in body for s in secrets), (target, body[:200])
        if target.startswith("/api/meta/tex"):
            assert status == 200 and b"passwd" in body  # rendered as text, never opened
            continue
        assert 400 <= status < 500, (target, status, body[:200])
        assert body.strip(), target  # every refusal carries a message
    # the same machinery serves the real files
    assert _raw_get(server.port, "/static/css/style.css")[0] == 200
    assert _raw_get(server.port, "/sections/intro.html")[0] == 200


# ------------------------------------------------------------------ client faults


def _csv_body(rows: int) -> tuple[bytes, bytes]:
    data = ("a,b,c\n" + "".join(f"{i},{i % 7},{(i * 13) % 11}\n" for i in range(rows))).encode()
    boundary = b"faultboundary"
    body = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="f.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + data + b"\r\n--" + boundary + b"--\r\n"
    )
    return boundary, body


def _healthy(server) -> None:
    assert httpx.get(server.url + "/api/meta", timeout=30).status_code == 200
    _, body = _csv_body(50)
    r = httpx.post(server.url + "/api/yourdata/upload", files={"file": ("ok.csv", body[100:400])}, timeout=30)
    assert r.status_code in (200, 400), r.text  # answered either way (a fragment may not parse)


def test_disconnect_mid_upload_leaves_server_healthy(server):
    boundary, body = _csv_body(20_000)  # ~200 kB
    store_before = set(yourdata._STORE)
    for cut in (10, 200, 5_000, 60_000, len(body) // 2, len(body) - 5):
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            head = (
                f"POST /api/yourdata/upload HTTP/1.1\r\nHost: t\r\nContent-Length: {len(body)}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary.decode()}\r\n\r\n"
            ).encode()
            sock.sendall(head + body[:cut])
            time.sleep(0.05)
        # closed here with the body unfinished
    # chunked upload abandoned mid-stream, and a connection closed mid-headers
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(
            b"POST /api/yourdata/upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: multipart/form-data; boundary=" + boundary + b"\r\n\r\n"
            b"%x\r\n" % 4000 + body[:4000] + b"\r\n"
        )
        time.sleep(0.05)
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"POST /api/yourdata/upload HTTP/1.1\r\nHost: t\r\nContent-Le")
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + _RNG.bytes(200))  # a TLS hello
        sock.settimeout(5)
        assert sock.recv(100).startswith(b"HTTP/1.1 400")
    time.sleep(0.2)
    assert set(yourdata._STORE) == store_before  # nothing half-uploaded was kept
    _healthy(server)
    r = httpx.post(
        server.url + "/api/yourdata/upload",
        content=body,
        timeout=30,
        headers={"content-type": f"multipart/form-data; boundary={boundary.decode()}"},
    )
    assert r.status_code == 200 and r.json()["rows"] == 20_000


def test_disconnect_mid_computation_leaves_server_healthy(server):
    boundary, body = _csv_body(600)
    up = httpx.post(
        server.url + "/api/yourdata/upload",
        content=body,
        timeout=30,
        headers={"content-type": f"multipart/form-data; boundary={boundary.decode()}"},
    )
    token = up.json()["token"]
    store_before = len(yourdata._STORE)
    threads_before = threading.active_count()
    targets = [
        f"/api/yourdata/analyze?token={token}&target=c&n_resamples=19&seed={seed}" for seed in range(2)
    ] + ["/api/intro/parabola?seed=5"]
    for target in targets:
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
            time.sleep(0.05)  # the computation has started; the client goes away
    _healthy(server)
    r = httpx.get(
        server.url + "/api/yourdata/analyze",
        params={"token": token, "target": "c", "n_resamples": 19, "stage": "estimate"},
        timeout=60,
    )
    assert r.status_code == 200 and len(r.json()["ranking"]) == 2
    assert len(yourdata._STORE) == store_before
    # the worker threads that ran the abandoned computations are reused, not leaked
    deadline = time.monotonic() + 60
    while threading.active_count() > threads_before + 8 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert threading.active_count() <= threads_before + 8
