#!/usr/bin/env python3
"""Start and stop the SPARQL servers the tests publish to: on loopback only, each in a
folder of its own, stopped by the process id written there.

    python scripts/servers.py start oxigraph --dir DIR [--port N]
    python scripts/servers.py start virtuoso --dir DIR [--port N]
    python scripts/servers.py stop --dir DIR

`start` prints one JSON line: the process id and the server's query, update and graph
store URLs (and the login, for Virtuoso, whose writes need one). Oxigraph comes from PyPI
(`oxigraph`, in the test extra); Virtuoso from Debian (`virtuoso-opensource`), which
`scripts/install-virtuoso` installs where apt-get is allowed.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"
PID_FILE = "server.pid"
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _wait_http(url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"server exited with {process.returncode}; see {log}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return          # it answers, even if not 200
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise ServerError(f"server did not answer {url} within {seconds:.0f} s; see {log}")


def _spawn(command: list[str], folder: Path) -> subprocess.Popen:
    log = folder / "server.log"
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=folder,
                                   start_new_session=True)
    (folder / PID_FILE).write_text(str(process.pid), encoding="utf-8")
    return process


def start_oxigraph(folder: Path, port: int) -> dict:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(binary).exists():
        raise ServerError("the Oxigraph server is not installed (pip install oxigraph)")
    # No --union-default-graph: the saved queries must work on a server's plain default graph.
    process = _spawn([binary, "serve", "--location", str(folder / "data"), "--bind", f"{HOST}:{port}"], folder)
    base = f"http://{HOST}:{port}"
    _wait_http(f"{base}/query?query=ASK%7B%7D", process, 30, folder / "server.log")
    return {"server": "oxigraph", "pid": process.pid, "query": f"{base}/query", "update": f"{base}/update",
            "graph_store": f"{base}/store"}


def start_virtuoso(folder: Path, port: int) -> dict:
    binary = shutil.which("virtuoso-t")
    if binary is None or not VIRTUOSO_INI.exists():
        raise ServerError("Virtuoso is not installed (Debian package virtuoso-opensource; "
                          "scripts/install-virtuoso)")
    sql_port = free_port()
    ini = VIRTUOSO_INI.read_text(encoding="utf-8")
    db = folder / "db"
    db.mkdir(parents=True, exist_ok=True)
    replacements = {
        "/var/lib/virtuoso-opensource-7/db/": f"{db}/",
        "ServerPort               = 1111": f"ServerPort               = {HOST}:{sql_port}",
        "ServerPort                  = 8890": f"ServerPort                  = {HOST}:{port}",
    }
    for old, new in replacements.items():
        if old not in ini:
            raise ServerError(f"{VIRTUOSO_INI}: expected {old!r}; cannot make a loopback configuration")
        ini = ini.replace(old, new)
    (folder / "virtuoso.ini").write_text(ini, encoding="utf-8")
    process = _spawn([binary, "+configfile", str(folder / "virtuoso.ini"), "+foreground", "+wait"], folder)
    base = f"http://{HOST}:{port}"
    _wait_http(f"{base}/sparql?query=ASK%7B%7D", process, 90, folder / "server.log")
    return {"server": "virtuoso", "pid": process.pid, "query": f"{base}/sparql", "update": f"{base}/sparql-auth",
            "graph_store": f"{base}/sparql-graph-crud-auth", "user": "dba", "password": "dba"}


def stop(folder: Path) -> bool:
    """Stop the server started in `folder`, by its process id; False if none was running."""
    pid_file = folder / PID_FILE
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text(encoding="utf-8"))
    try:
        os.killpg(pid, signal.SIGTERM)
        for _ in range(50):
            os.kill(pid, 0)
            time.sleep(0.1)
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    pid_file.unlink(missing_ok=True)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start")
    start.add_argument("server", choices=["oxigraph", "virtuoso"])
    start.add_argument("--dir", type=Path, required=True)
    start.add_argument("--port", type=int)
    halt = sub.add_parser("stop")
    halt.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    try:
        if args.command == "stop":
            print("stopped" if stop(args.dir) else "no server running")
            return 0
        starter = start_oxigraph if args.server == "oxigraph" else start_virtuoso
        print(json.dumps(starter(args.dir.resolve(), args.port or free_port())))
        return 0
    except ServerError as exc:
        print(f"servers: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
