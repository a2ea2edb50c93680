#!/usr/bin/env python3
"""Load on `kgbuild serve`: N concurrent clients for T seconds on one saved query.

    .venv/bin/python bench/serve_bench.py [--clients 8] [--seconds 30] [--store DIR]
        [--query cq01-actions-supporting-target] [--param sdg=5.2]

Starts `kgbuild serve` on a free loopback port over the store (default: the last build's
data/build/store), runs the clients, stops the server by its process id, and prints
requests per second, p50/p99 latency and errors. The baseline, in this same process, is
the same saved query run directly on the embedded store one at a time; the ratio says what
serving (HTTP, a worker process per query, formatting) adds.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def baseline(store_dir: Path, name: str, given: dict[str, str], runs: int = 30) -> list[float]:
    from kgbuild.queries import answer, get
    from kgbuild.store import OxigraphStore
    store = OxigraphStore(store_dir, read_only=True)
    query = get(name)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        answer(store, query, given, "json")
        times.append((time.perf_counter() - started) * 1000)
    store.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--store", type=Path, default=ROOT / "data" / "build" / "store")
    parser.add_argument("--query", default="cq01-actions-supporting-target")
    parser.add_argument("--param", action="append", default=None, metavar="NAME=VALUE",
                        help="a parameter of the query (repeatable; default sdg=5.2 for the default query)")
    args = parser.parse_args()
    if args.param is None:
        args.param = ["sdg=5.2"] if args.query == parser.get_default("query") else []
    given = dict(item.split("=", 1) for item in args.param)
    if not args.store.is_dir():
        sys.exit(f"{args.store}: no store; run `kgbuild build` first")

    direct = baseline(args.store, args.query, given)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "kgbuild.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--input", str(args.store)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}/queries/{args.query}?{urllib.parse.urlencode({**given, 'format': 'json'})}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url, timeout=10).read()
                break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit(f"kgbuild serve did not start: {server.stderr.read().decode()[-500:] if server.stderr else ''}")
                time.sleep(0.2)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds

        def client():
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(url, timeout=60) as response:
                        response.read()
                    with lock:
                        latencies.append((time.perf_counter() - started) * 1000)
                except (urllib.error.URLError, OSError) as exc:
                    with lock:
                        errors.append(str(getattr(exc, "code", exc)))

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print(f"machine: {os.cpu_count()} cores; store {args.store}; query {args.query} {given}")
    print(f"direct on the embedded store, one at a time ({len(direct)} runs): "
          f"p50 {statistics.median(direct):.1f} ms, p99 {percentile(direct, 0.99):.1f} ms")
    if latencies:
        p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
        print(f"served, {args.clients} clients for {args.seconds:.0f} s: {len(latencies)} answers, "
              f"{len(latencies) / wall:.1f} requests/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, {len(errors)} errors"
              + (f" ({', '.join(sorted(set(errors))[:5])})" if errors else ""))
        print(f"ratio served p50 / direct p50: {p50 / statistics.median(direct):.1f}x")
    else:
        print(f"served: no answer in {args.seconds:.0f} s; {len(errors)} errors")


if __name__ == "__main__":
    main()
