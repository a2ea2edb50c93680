"""Shared fixtures. Tests run the repository's real ontology, vocabularies and sources."""
from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "data" / "sources"
MANAGEMENT_RESPONSES = {
    "unwomen-gate-mr-kazakhstan-mco-portfolio-2014-2015.txt": (6, 26),
    "unwomen-gate-mr-kazakhstan-cpe-2016-2020.txt": (8, 29),
    "unwomen-gate-mr-kyrgyzstan-gpi-pbf-migration-2018-2022.txt": (6, 6),
    "undp-erc-kazakhstan-international-cooperation-outcome-2018.txt": (6, 11),
}


def key_of(stem: str) -> str:
    """The name a seed document's IRIs are minted from (its own identity, not its file name)."""
    return _keys()[stem]


def _keys() -> dict[str, str]:
    global _KEYS
    if _KEYS is None:
        from kgbuild.families import read_document
        _KEYS = {path.stem: read_document(path).key for path in sorted(SOURCES.glob("*.txt"))}
    return _KEYS


_KEYS: dict[str, str] | None = None


@pytest.fixture(scope="session")
def mr_sources(tmp_path_factory) -> Path:
    """A sources folder holding the four management-response documents only."""
    folder = tmp_path_factory.mktemp("mr-sources")
    for name in MANAGEMENT_RESPONSES:
        shutil.copy(SOURCES / name, folder / name)
    return folder


@pytest.fixture(scope="session")
def mr_build(mr_sources, tmp_path_factory):
    """Read, map and align the management responses (no reasoning, no validation)."""
    from kgbuild.build import build
    return build(mr_sources, tmp_path_factory.mktemp("mr-build"), reason=False, validate=False)


@pytest.fixture(scope="session")
def store_dir(full_build) -> Path:
    """The seed build's store folder, as `kgbuild build` leaves it."""
    return full_build.outputs[0].parent / "store"


@pytest.fixture(scope="session")
def store(store_dir):
    """The seed build's store, opened read-only as the query commands and the server do."""
    from kgbuild.store import OxigraphStore
    return OxigraphStore(store_dir, read_only=True)


@contextlib.contextmanager
def serving(store_dir: Path):
    """`kgbuild serve` on a free loopback port over `store_dir`, for a test: yields its
    address once it answers, and stops the process at the end."""
    import socket
    import time
    import urllib.request
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "kgbuild.cli", "serve", "--input", str(store_dir),
                                "--port", str(port), "--timeout", "60"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(address + "/sparql", timeout=5) as reply:
                    reply.read()
                break
            except OSError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the installed CLI in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "kgbuild.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="session")
def full_build(tmp_path_factory):
    """The whole pipeline on every document of data/sources/: read, map, align, reason, validate."""
    from kgbuild.build import build
    return build(SOURCES, tmp_path_factory.mktemp("full-build"))


FAST = ("--no-reason", "--no-validate")


def mapped(doc):
    """A document's mapped triples as an rdflib graph, for pattern look-ups in tests."""
    from rdflib import Graph

    from kgbuild.families import map_document
    return Graph().parse(data=map_document(doc), format="nt")
