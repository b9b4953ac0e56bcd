"""Print what a flood of junk /oauth/token requests costs the server (issue #10).

Run: ``make bench`` or ``.venv/bin/python bench/token_flood.py [SECONDS]``. The real app runs
under gunicorn, configured by environment variables as in the README's production section,
on a fresh SQLite database: ``--workers 4 --threads 8`` (gthread), and for reference the
default sync workers. The server's resident memory (gunicorn's master and workers, summed,
sampled every 20 ms; growth over the idle server) and the latency of the public page
``GET /verify`` are recorded for:

- **idle**: the page alone (the reference);
- **bursts**: 32 junk requests sent at once, 20 times, the page asked while each is in
  flight; the junk is half unknown client ids, half wrong secrets of a client stored as a
  SHA-256 digest, with the rate limits lifted (as from a botnet of many addresses: the worst
  case). Beside it, bursts of 32 page requests (the floor: any 32 requests queue so);
- **sustained**: 32 threads sending junk without pause for SECONDS (default 5);
- **Argon2 client**: bursts of wrong secrets of a client still stored under Argon2, as every
  client was before digests (what the flood cost before);
- **sync**: the digest bursts and the floor under gunicorn's default sync workers;
- **default limits**: the sustained flood from one address with the shipped rate limits.

Targets (issue #10), for the digest bursts: memory growth at most 100 MiB, the page at most
200 ms. A report: it exits 0 and prints OVER BUDGET when one is missed.
"""

from __future__ import annotations

import base64
import http.client
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from issuer import create_app, migrate  # noqa: E402
from issuer.db import db  # noqa: E402
from issuer.settings import Settings  # noqa: E402
from tests.factories import Factories  # noqa: E402

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
THREADS = 32
BURSTS = 20
WORKERS = 4  # the README's gunicorn command
LIFTED = "100000 per minute"
MEMORY_BUDGET_MIB = 100
PAGE_BUDGET_MS = 200
HOST = "127.0.0.1"
THREADED = ["--threads", "8"]  # gthread workers: a request is not queued behind a worker's others
SYNC: list[str] = []  # the default sync workers: one request at a time per worker


def PAGES(n: int) -> dict[str, str]:  # noqa: N802 - a marker: the burst is 32 page requests
    return {}


@dataclass(frozen=True)
class Row:
    name: str
    requests: int  # junk requests answered
    statuses: str  # e.g. "401x812"
    growth_mib: float  # peak RSS minus the idle RSS of the same server
    page_ms: list[float]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def _rss_kib(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, in KiB."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except FileNotFoundError:
            continue
        total += next(int(line.split()[1]) for line in status.splitlines() if line[:6] == "VmRSS:")
        pending.extend(int(child) for child in children)
    return total


def _seed(database: str, master_key: str) -> tuple[str, str, str]:
    """A migrated database with two API clients: (digest client id, Argon2 client id, secret)."""
    settings = Settings(
        secret_key="bench-secret-" + "x" * 32,
        database_url=database,
        public_url="http://127.0.0.1:5000",
        master_keys=(master_key,),
    )
    app = create_app(settings)
    migrate.upgrade(db.state(app).engine)
    factories = Factories(app)
    tenant = factories.tenant()
    digest, argon2 = factories.client(tenant), factories.client(tenant)  # stored under Argon2
    with app.test_client() as client:  # a first successful use turns a secret into its digest
        response = client.post("/oauth/token", data=_form(digest.client_id, digest.secret))
        assert response.status_code == 200, response.json
    db.state(app).engine.dispose()
    return digest.client_id, argon2.client_id, digest.secret


def _form(client_id: str, secret: str) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}


@contextmanager
def gunicorn(
    database: str, master_key: str, token_limit: str, extra: list[str]
) -> Iterator[tuple[int, int]]:
    """Serve wsgi:app under gunicorn; yield (port, master pid) once it answers."""
    port = _free_port()
    env = os.environ | {
        "DATABASE_URL": database,
        "SECRET_KEY": "bench-secret-" + "x" * 32,
        "CERTIFIKATION_MASTER_KEY": master_key,
        "CERTIFIKATION_PUBLIC_URL": f"http://{HOST}:{port}",
        "CERTIFIKATION_TOKEN_RATE_LIMIT": token_limit,
        "CERTIFIKATION_LOGIN_RATE_LIMIT": token_limit,
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "wsgi:app",
        "--workers",
        str(WORKERS),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        *extra,
    ]
    log = tempfile.TemporaryFile()  # the app logs every refused request at INFO
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(port, "/verify")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                log.seek(0)
                raise SystemExit("gunicorn did not start:\n" + log.read().decode()[-2000:])
            time.sleep(0.2)
        for _ in range(WORKERS * 4):  # every worker has imported and served once
            _get(port, "/verify")
        yield port, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _get(port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000
    finally:
        connection.close()


def _post_token(port: int, form: dict[str, str], basic: bool) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if basic:
        pair = f"{form.pop('client_id')}:{form.pop('client_secret')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    try:
        connection.request("POST", "/oauth/token", urlencode(form), headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def measure(
    name: str,
    port: int,
    pid: int,
    idle_kib: int,
    junk: Callable[[int], dict[str, str]] | None,
    *,
    sustained: bool = False,
) -> Row:
    """Send THREADS junk requests at once, BURSTS times, the page asked for while each burst
    is in flight; or, `sustained`, keep THREADS threads sending for SECONDS. No junk: idle."""
    stop = threading.Event()
    statuses: list[int] = []
    peak = [idle_kib]
    page_ms: list[float] = []

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_kib(pid))
            time.sleep(0.02)

    def send(n: int) -> None:
        assert junk is not None
        if junk is PAGES:
            statuses.append(_get(port, "/verify")[0])
        else:
            statuses.append(_post_token(port, junk(n), basic=n % 2 == 0))

    sampler = threading.Thread(target=sample)
    sampler.start()
    if junk is None:
        for _ in range(BURSTS):
            page_ms.append(_get(port, "/verify")[1])
            time.sleep(0.1)
    elif sustained:

        def flood(thread: int) -> None:
            n = 0
            while not stop.is_set():
                send(thread * 1_000_000 + n)
                n += 1

        flooders = [threading.Thread(target=flood, args=(t,)) for t in range(THREADS)]
        for thread in flooders:
            thread.start()
        time.sleep(0.5)  # let the flood build up first
        end = time.monotonic() + SECONDS
        while time.monotonic() < end:
            page_ms.append(_get(port, "/verify")[1])
            time.sleep(0.1)
        stop.set()
        for thread in flooders:
            thread.join()
    else:
        for burst in range(BURSTS):
            start = threading.Barrier(THREADS + 1)

            def fire(n: int, start: threading.Barrier = start) -> None:
                start.wait()
                send(n)

            senders = [
                threading.Thread(target=fire, args=(burst * THREADS + t,)) for t in range(THREADS)
            ]
            for thread in senders:
                thread.start()
            start.wait()
            time.sleep(0.005)  # the 32 are sent: the page queues behind them
            page_ms.append(_get(port, "/verify")[1])
            for thread in senders:
                thread.join()
    stop.set()
    sampler.join()
    counts = {code: statuses.count(code) for code in sorted(set(statuses))}
    summary = " ".join(f"{code}x{count}" for code, count in counts.items()) or "-"
    return Row(name, len(statuses), summary, (peak[0] - idle_kib) / 1024, page_ms)


def _print(rows: list[Row]) -> None:
    print(
        f"{'':24} {'junk req':>8} {'statuses':>20} {'RSS +MiB':>9} "
        f"{'page med ms':>11} {'p90':>7} {'max':>7}"
    )
    for row in rows:
        ms = sorted(row.page_ms)
        p90 = ms[int(0.9 * (len(ms) - 1))]
        print(
            f"{row.name:24} {row.requests:8d} {row.statuses:>20} {row.growth_mib:9.1f} "
            f"{statistics.median(ms):11.1f} {p90:7.1f} {ms[-1]:7.1f}"
        )


def main() -> None:
    logging.disable(logging.INFO)
    master_key = Fernet.generate_key().decode()
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite:///{tmp}/flood.sqlite3"
        digest_id, argon2_id, _secret = _seed(database, master_key)

        def digest_junk(n: int) -> dict[str, str]:  # half unknown ids, half wrong secrets
            return _form(f"ck_junk{n}" if n % 2 else digest_id, f"wrong-{n}")

        def argon2_junk(n: int) -> dict[str, str]:
            return _form(argon2_id, f"wrong-{n}")

        rows = []
        with gunicorn(database, master_key, LIFTED, THREADED) as (port, pid):
            idle_kib = _rss_kib(pid)
            print(
                f"gunicorn --workers {WORKERS} (--threads 8 unless 'sync'), idle RSS "
                f"{idle_kib / 1024:.0f} MiB; bursts: {THREADS} junk requests at once x{BURSTS}, "
                f"the page asked during each; sustained: {THREADS} threads for {SECONDS:g} s; "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
            )
            rows.append(measure("idle (reference)", port, pid, idle_kib, None))
            rows.append(measure("bursts, digests", port, pid, idle_kib, digest_junk))
            rows.append(measure("bursts of pages (floor)", port, pid, idle_kib, PAGES))
            rows.append(
                measure("sustained, digests", port, pid, idle_kib, digest_junk, sustained=True)
            )
            rows.append(measure("bursts, Argon2 client", port, pid, _rss_kib(pid), argon2_junk))
        with gunicorn(database, master_key, LIFTED, SYNC) as (port, pid):
            idle_kib = _rss_kib(pid)
            rows.append(measure("sync: bursts, digests", port, pid, idle_kib, digest_junk))
            rows.append(measure("sync: bursts of pages", port, pid, idle_kib, PAGES))
        with gunicorn(database, master_key, Settings.token_rate_limit, THREADED) as (port, pid):
            idle_kib = _rss_kib(pid)
            rows.append(
                measure(
                    "sustained, default limits", port, pid, idle_kib, digest_junk, sustained=True
                )
            )
    _print(rows)
    burst = rows[1]
    slowest = max(burst.page_ms)
    verdict = burst.growth_mib <= MEMORY_BUDGET_MIB and slowest <= PAGE_BUDGET_MS
    print(
        f"32 concurrent junk requests: RSS +{burst.growth_mib:.1f} MiB (budget "
        f"{MEMORY_BUDGET_MIB}), page median {statistics.median(burst.page_ms):.1f} ms, slowest "
        f"{slowest:.1f} ms (budget {PAGE_BUDGET_MS}): " + ("PASS" if verdict else "OVER BUDGET")
    )


if __name__ == "__main__":
    main()
