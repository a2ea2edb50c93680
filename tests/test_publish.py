"""Publishing to real SPARQL servers, started on loopback by scripts/servers.py and stopped
by it: the Oxigraph server (default graph NOT the union of the named graphs) and Virtuoso 7.
Per-graph counts equal the local store's, publishing again changes nothing, and every
saved query gives the same answers there as on the embedded store."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal

from conftest import ROOT, run_cli
from kgbuild.queries import bindings, catalog
from kgbuild.remote import RemoteStore

SERVERS = ROOT / "scripts" / "servers.py"
# Other values than the defaults for every parameterised query.
OTHER_VALUES = {"sdg": ["5", "16.1"], "date": ["2019-12-31"], "concept": ["Effectiveness"],
                "action": ["evaluation/un-women-kaz-2016-2020-kazakhstan-country-office-country-portfolio-evaluation-2016-2020/recommendation/4/response/action/1"]}


def _start(kind: str, folder: Path) -> dict:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([sys.executable, str(SERVERS), "start", kind, "--dir", str(folder)],
                          capture_output=True, text=True, env=env, timeout=180)
    if done.returncode != 0:
        if kind == "virtuoso" and shutil.which("virtuoso-t") is None:
            pytest.skip("Virtuoso is not installed here (scripts/install-virtuoso needs root and apt-get)")
        pytest.fail(f"{kind} did not start: {done.stderr}")
    return json.loads(done.stdout)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    info = _start(request.param, folder)
    yield info
    subprocess.run([sys.executable, str(SERVERS), "stop", "--dir", str(folder)], timeout=60)


def _publish(server: dict, store_dir: Path, *extra: str):
    login = ["--user", server["user"], "--password-env", "KGBUILD_TEST_PASSWORD"] if "user" in server else []
    env_password = server.get("password", "")
    os.environ["KGBUILD_TEST_PASSWORD"] = env_password
    return run_cli("publish", "--endpoint", server["query"], "--graph-store", server["graph_store"],
                   "--input", str(store_dir), *login, *extra)


def _norm(term):
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return ("number", Decimal(str(value)).normalize())
        return ("literal", str(term), term.language)
    return None if term is None else ("term", str(term))


def _rows(table) -> list[tuple]:
    return [tuple(_norm(t) for t in row) for row in table.rows]


def test_publish_then_every_saved_query_answers_the_same(server, full_build):
    store_dir = full_build.outputs[0].parent / "store"
    first = _publish(server, store_dir)
    assert first.returncode == 0, first.stderr
    assert "every graph's count on the server equals the local store's" in first.stdout
    if server.get("password"):
        assert server["password"] not in first.stdout + first.stderr
    again = _publish(server, store_dir)
    assert again.returncode == 0 and again.stdout.splitlines()[-1] == first.stdout.splitlines()[-1]
    remote = RemoteStore(server["query"])
    assert remote.counts() == full_build.store.counts()
    compared = 0
    for name, query in catalog().items():
        values = [{}] + [{p.name: v} for p in query.params for v in OTHER_VALUES.get(p.name, [])]
        for given in values:
            terms = bindings(query, given)
            local = full_build.store.select(query.text, terms)
            there = remote.select(query.text, terms)
            assert there.columns == local.columns, name
            assert _rows(there) == _rows(local), f"{name} {given}"
            compared += 1
    assert compared >= 25


def test_a_saved_query_through_the_cli_on_the_server(server, full_build):
    store_dir = full_build.outputs[0].parent / "store"
    assert _publish(server, store_dir).returncode == 0
    here = run_cli("query", "cq05-action-status-counts", "-f", "csv", "--input", str(store_dir))
    there = run_cli("query", "cq05-action-status-counts", "-f", "csv", "--endpoint", server["query"])
    assert there.returncode == 0, there.stderr
    assert there.stdout == here.stdout


def test_failed_validation_blocks_publishing(server, full_build, tmp_path):
    copy = tmp_path / "build"
    shutil.copytree(full_build.outputs[0].parent / "store", copy / "store")
    report = json.loads((full_build.outputs[0].parent / "build-report.json").read_text(encoding="utf-8"))
    report["stages"]["validate"]["counts"]["violations"] = 3
    (copy / "build-report.json").write_text(json.dumps(report), encoding="utf-8")
    blocked = _publish(server, copy / "store")
    assert blocked.returncode == 2 and "3 SHACL violations" in blocked.stderr
    forced = _publish(server, copy / "store", "--force")
    assert forced.returncode == 0, forced.stderr


def test_unreachable_refused_and_broken_servers_are_clear_errors(full_build):
    store_dir = str(full_build.outputs[0].parent / "store")
    with socket.socket() as s:     # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    nobody = run_cli("publish", "--endpoint", f"http://127.0.0.1:{port}/q", "--graph-store",
                     f"http://127.0.0.1:{port}/s", "--input", store_dir)
    assert nobody.returncode == 2 and "cannot reach the server" in nobody.stderr

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def hang_up():   # accepts, reads a little of the upload, closes: a server dying mid-upload
        for _ in range(3):
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.recv(1024)
            connection.close()
    threading.Thread(target=hang_up, daemon=True).start()
    port = listener.getsockname()[1]
    dropped = run_cli("publish", "--endpoint", f"http://127.0.0.1:{port}/q", "--graph-store",
                      f"http://127.0.0.1:{port}/s", "--input", store_dir)
    listener.close()
    assert dropped.returncode == 2, dropped.stderr
    for result in (nobody, dropped):
        assert "Traceback" not in result.stderr


def test_a_refused_login_is_a_clear_error(server, full_build):
    if "user" not in server:
        pytest.skip(f"{server['server']} asks for no login")
    os.environ["KGBUILD_WRONG_PASSWORD"] = "not-the-password"
    refused = run_cli("publish", "--endpoint", server["query"], "--graph-store", server["graph_store"],
                      "--user", server["user"], "--password-env", "KGBUILD_WRONG_PASSWORD",
                      "--input", str(full_build.outputs[0].parent / "store"))
    assert refused.returncode == 2 and "401" in refused.stderr
    assert "not-the-password" not in refused.stdout + refused.stderr


def test_without_a_graph_store_sparql_update_is_used(server, full_build):
    if server["server"] != "oxigraph":
        pytest.skip("one server suffices for the update path")
    store_dir = str(full_build.outputs[0].parent / "store")
    result = run_cli("publish", "--endpoint", server["query"], "--update", server["update"], "--input", store_dir)
    assert result.returncode == 0, result.stderr
    assert "by update" in result.stdout and "equals the local store's" in result.stdout
    assert RemoteStore(server["query"]).counts() == full_build.store.counts()
