"""The command line, run in a subprocess as a user runs it: output and exit codes."""
from __future__ import annotations

import shutil

from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import SOURCES, run_cli


def test_help_lists_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("build", "export", "stats", "readers"):
        assert command in result.stdout


def test_build_clean_sources_exit_0_and_prints_counts(mr_sources, tmp_path):
    result = run_cli("build", "--sources", str(mr_sources), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "6 recommendations, 6 responses, 26 key actions" in result.stdout
    assert "26 Recommendation" in result.stdout and "72 KeyAction" in result.stdout
    assert (tmp_path / "kgbuild.nq").is_file() and (tmp_path / "build-report.json").is_file()
    assert "Assoacite" in result.stderr   # warnings are shown, and do not fail the build


def test_build_with_an_unreadable_document_exits_1_and_keeps_the_rest(mr_sources, tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(mr_sources, sources)
    (sources / "notes.txt").write_text("Just some notes.\n", encoding="utf-8")
    result = run_cli("build", "--sources", str(sources), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "notes.txt:1: error: no reader accepts this document" in result.stderr
    assert "72 KeyAction" in result.stdout


def test_build_with_a_missing_folder_exits_2(tmp_path):
    result = run_cli("build", "--sources", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "nowhere" in result.stderr and "Traceback" not in result.stderr


def test_export_and_stats(mr_sources, tmp_path):
    assert run_cli("build", "--sources", str(mr_sources), "--out", str(tmp_path)).returncode == 0
    nquads = tmp_path / "kgbuild.nq"
    out = tmp_path / "graph.ttl"
    result = run_cli("export", "--format", "turtle", "--input", str(nquads), "-o", str(out))
    assert result.returncode == 0, result.stderr
    nt = run_cli("export", "--format", "nt", "--input", str(nquads))
    assert nt.returncode == 0
    assert isomorphic(Graph().parse(out, format="turtle"), Graph().parse(data=nt.stdout, format="nt"))
    stats = run_cli("stats", "--input", str(nquads))
    assert stats.returncode == 0 and "47  Completed" in stats.stdout


def test_export_without_a_build_exits_2(tmp_path):
    result = run_cli("export", "--format", "turtle", "--input", str(tmp_path / "missing.nq"))
    assert result.returncode == 2 and "kgbuild build" in result.stderr


def test_unknown_format_exits_2():
    result = run_cli("export", "--format", "yaml")
    assert result.returncode == 2 and "turtle" in result.stderr


def test_readers_are_listed_by_name():
    result = run_cli("readers")
    assert result.returncode == 0
    assert "unwomen-gate" in result.stdout and "undp-erc" in result.stdout


def test_eval_align_prints_the_table():
    result = run_cli("eval-align")
    assert result.returncode == 0, result.stderr
    assert "| all signals |" in result.stdout and "| without thesaurus |" in result.stdout
