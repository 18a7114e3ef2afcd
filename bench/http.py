"""The HTTP service under a mass event, a slowloris attack and readers, on the demo county.

    .venv/bin/python bench/http.py --database-url postgresql://postgres@127.0.0.1:5432/cc_demo

The URL is an administrator's (the owner's) and names a database holding the demo county
(`command-center demo seed`); the run works on a copy (``<name>_http``, made from it as a
template and dropped afterwards). The server is ``command-center serve`` in a process of its
own with its default limits (``api/limits.py``), on 127.0.0.1; the clients run in this one.

1. 200 clients at once (threads released together) each POST a request at the same point with
   the same key, as in a mass event: ``posts_ok`` (answered 201), ``p95_ms``, ``duplicates``
   (request ids given twice, or rows beyond one per 201);
2. 1,000 slow clients open connections and send half a request's headers, then a header line
   now and then; while they hold their sockets, the same 200 POSTs: ``slowloris_ok`` is true
   when all 1,000 were connected, the 200 were all 201 without duplicates within the same p95
   target (500 ms); ``slow_p95_ms``, and ``slow_dropped`` (slow sockets the server had closed
   ``request_timeout`` seconds later);
3. ``GET requests.json`` answering 1,000 requests (the last 90 days, the default page), 50 times
   one after another: ``get_p95_ms``.

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

# run as a script, this file's folder comes first on the path, and its name hides the
# standard library's http package: the folder goes, the project's root comes
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import http.client  # noqa: E402 (the standard library's, now that it is not hidden)

CLIENTS = 200
SLOW = 1000
GETS = 50
TARGET_P95_MS = 500


def _copy(admin_url: str, name: str) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    from command_center.db.engine import libpq_url

    source = make_url(admin_url).database
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop(admin_url: str, name: str) -> None:
    import psycopg

    from command_center.db.engine import libpq_url

    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _key(url: str) -> str:
    from command_center.db.engine import make_engine, make_session_factory
    from command_center.services import open311_api
    from command_center.services.audit import Actor

    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return open311_api.create_api_key(session, Actor(None, "bench"), "bench", None)
    finally:
        engine.dispose()


def _point(url: str) -> tuple[float, float]:
    import psycopg

    from command_center.db.engine import libpq_url

    with psycopg.connect(libpq_url(url)) as conn:
        row = conn.execute(
            "SELECT label_lat, label_lon FROM admin_areas WHERE level = 'grid' "
            "AND valid_to IS NULL ORDER BY id LIMIT 1"
        ).fetchone()
    assert row is not None
    return float(row[0]), float(row[1])


def _serve(url: str, log: Any) -> tuple[subprocess.Popen[bytes], str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "command_center.cli", "serve", "--port", "0",
         "--database-url", url],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(log.name, encoding="utf-8") as f:
            first = f.readline()
        if first.startswith("Open311 GeoReport v2: "):
            return proc, first.split(": ", 1)[1].strip().rsplit("/", 1)[0]
        if proc.poll() is not None:
            with open(log.name, encoding="utf-8") as f:
                raise RuntimeError("the server did not start:\n" + f.read())
        time.sleep(0.1)
    raise RuntimeError("the server did not start within a minute")


def _request(base: str, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        conn.request(method, u.path + path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _mass_event(base: str, key: str, lat: float, lon: float, tag: str) -> dict[str, Any]:
    form = urlencode(
        {"api_key": key, "service_code": "030302", "lat": str(lat), "long": str(lon),
         "description": f"井盖缺失，行人易跌落（{tag}）"}
    ).encode()  # fmt: skip
    start = threading.Barrier(CLIENTS)
    results: list[tuple[int, float, str | None]] = []
    lock = threading.Lock()

    def client() -> None:
        start.wait()
        t0 = time.perf_counter()
        try:
            status, body = _request(base, "POST", "/requests.json", form)
            number = json.loads(body)[0].get("service_request_id") if status == 201 else None
        except Exception as exc:  # a reset, a timeout: counted as not 201
            status, number = 0, type(exc).__name__
        with lock:
            results.append((status, (time.perf_counter() - t0) * 1000, number))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = [r for r in results if r[0] == 201]
    numbers = [r[2] for r in ok]
    times = sorted(r[1] for r in results)
    return {
        "ok": len(ok),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "duplicates": len(numbers) - len(set(numbers)),
        "statuses": sorted({r[0] for r in results}),
        "numbers": set(numbers),
    }


def _slow_clients(base: str) -> list[socket.socket]:
    u = urlsplit(base)
    out = []
    for i in range(SLOW):
        s = socket.create_connection((u.hostname, u.port), timeout=10)
        s.sendall(f"POST {u.path}/requests.json HTTP/1.1\r\nHost: x\r\nX-Slow-{i}: ".encode())
        out.append(s)
    return out


def _still_open(sockets: list[socket.socket]) -> int:
    n = 0
    for s in sockets:
        try:
            s.sendall(b"a")  # one more byte of a header that never ends
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    continue  # closed by the server
            except BlockingIOError:
                pass
            n += 1
        except OSError:
            pass
    return n


def _rows(url: str) -> int:
    import psycopg

    from command_center.db.engine import libpq_url

    with psycopg.connect(libpq_url(url)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM incidents WHERE external_source = 'open311-api'"
        ).fetchone()
    return int(row[0]) if row else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--database-url", required=True, help="the owner's URL of a seeded county")
    args = p.parse_args()
    from sqlalchemy.engine import make_url

    name = f"{make_url(args.database_url).database}_http"
    url = _copy(args.database_url, name)
    log = tempfile.NamedTemporaryFile("w+b", prefix="cc-http-bench-", suffix=".log")  # noqa: SIM115
    proc = None
    try:
        key = _key(url)
        lat, lon = _point(url)
        rows_before = _rows(url)  # POSTed requests already in the county (earlier runs)
        proc, base = _serve(url, log)
        _request(base, "GET", "/services.json")  # warm: the first answers load the gazetteer
        first = _mass_event(base, key, lat, lon, "A")
        rows_first = _rows(url)
        time.sleep(5)  # the key's bucket refills
        slow = _slow_clients(base)
        second = _mass_event(base, key, lat, lon, "B")
        held = _still_open(slow)
        time.sleep(12)  # past request_timeout
        dropped = SLOW - _still_open(slow)
        for s in slow:
            s.close()
        rows = _rows(url)
        status, body = _request(base, "GET", "/requests.json")
        listed = len(json.loads(body)) if status == 200 else 0
        times = []
        for _ in range(GETS):
            t0 = time.perf_counter()
            status, body = _request(base, "GET", "/requests.json")
            times.append((time.perf_counter() - t0) * 1000)
            assert status == 200
        times.sort()
        both = first["numbers"] | second["numbers"]
        out = {
            "posts_ok": first["ok"],
            "p95_ms": first["p95_ms"],
            "duplicates": first["duplicates"] + (rows_first - rows_before - first["ok"]),
            "statuses": first["statuses"],
            "slowloris_ok": held == SLOW
            and second["ok"] == CLIENTS
            and second["duplicates"] == 0
            and rows - rows_first == CLIENTS
            and second["p95_ms"] <= TARGET_P95_MS,
            "slow_held": held,
            "slow_posts_ok": second["ok"],
            "slow_p95_ms": second["p95_ms"],
            "slow_dropped": dropped,
            "rows": rows - rows_before,
            "distinct_ids": len(both),
            "get_requests": listed,
            "get_p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "get_p50_ms": round(statistics.median(times), 1),
            "cpus": os.cpu_count(),
        }
        print(json.dumps(out), flush=True)
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(15)
        log.close()
        _drop(args.database_url, name)


if __name__ == "__main__":
    raise SystemExit(main())
