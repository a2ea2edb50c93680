"""The command line, run in a subprocess as a user runs it: output and exit codes."""
from __future__ import annotations

import shutil

from rdflib import Graph

from conftest import FAST, run_cli
from kgbuild.store import OxigraphStore


def test_help_lists_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("build", "export", "stats", "readers"):
        assert command in result.stdout


def test_build_exits_0_prints_counts_and_is_deterministic(full_build, tmp_path):
    """The README's main job: the whole pipeline on data/sources, in a subprocess."""
    result = run_cli("build", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "6 recommendations, 6 responses, 26 key actions" in result.stdout
    assert "26 Recommendation" in result.stdout and "72 KeyAction" in result.stdout
    for stage in ("read", "map", "align", "reason", "validate"):
        assert f"{stage} " in result.stdout.split("times:")[1]
    assert "validate: 0 violations" in result.stdout
    for name in ("kgbuild.nq", "build-report.json", "validation-report.ttl"):
        assert (tmp_path / name).is_file()
    assert "Assoacite" in result.stderr   # warnings are shown, and do not fail the build
    # same input, same bytes: the subprocess build equals the in-process one
    assert (tmp_path / "kgbuild.nq").read_bytes() == full_build.outputs[0].read_bytes()
    assert (tmp_path / "validation-report.ttl").read_bytes() == full_build.outputs[2].read_bytes()
    # the framework's per-outcome counts
    assert "read unsdcf-kazakhstan-2021-2025.txt [unsdcf]: 3 thematic areas, 6 outcomes, 82 indicators" in result.stdout
    assert ("outcome 1.1: target links 12/2/14 (primary/crosscutting/cited), 15 LNOB groups, 8 agencies, "
            "10 partners, 8 indicators (4 sub-indicators)") in result.stdout
    assert "'3.2.a'" in result.stderr


def test_build_with_an_unreadable_document_exits_1_and_keeps_the_rest(mr_sources, tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(mr_sources, sources)
    (sources / "notes.txt").write_text("Just some notes.\n", encoding="utf-8")
    result = run_cli("build", "--sources", str(sources), "--out", str(tmp_path / "out"), *FAST)
    assert result.returncode == 1
    assert "notes.txt:1: error: no reader accepts this document" in result.stderr
    assert "72 KeyAction" in result.stdout


def test_build_with_no_documents_exits_2(tmp_path):
    (tmp_path / "INDEX.md").write_text("# nothing here\n", encoding="utf-8")
    result = run_cli("build", "--sources", str(tmp_path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "no documents to read" in result.stderr


def test_build_with_a_missing_folder_exits_2(tmp_path):
    result = run_cli("build", "--sources", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "nowhere" in result.stderr and "Traceback" not in result.stderr


def test_export_and_stats(mr_sources, tmp_path):
    assert run_cli("build", "--sources", str(mr_sources), "--out", str(tmp_path), *FAST).returncode == 0
    nquads = tmp_path / "kgbuild.nq"
    out = tmp_path / "graph.ttl"
    result = run_cli("export", "--format", "turtle", "--input", str(nquads), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"wrote {out}\n"   # its status line is for a terminal only
    nt = run_cli("export", "--format", "nt", "--input", str(nquads))
    assert nt.returncode == 0
    turtle, ntriples = OxigraphStore(), OxigraphStore()
    turtle.load(out, graph="urn:x-test:g")
    (tmp_path / "graph.nt").write_text(nt.stdout, encoding="utf-8")
    ntriples.load(tmp_path / "graph.nt", graph="urn:x-test:g")
    lines = turtle.sorted_lines(fmt="ntriples")
    assert len(lines) > 10000 and len(lines) == len(ntriples.sorted_lines(fmt="ntriples"))
    blank_free = [line for line in lines if b"_:" not in line]   # the parsers name blank nodes anew
    assert blank_free == [line for line in ntriples.sorted_lines(fmt="ntriples") if b"_:" not in line]
    stats = run_cli("stats", "--input", str(nquads))
    assert stats.returncode == 0 and "47  Completed" in stats.stdout


def test_export_without_a_build_exits_2(tmp_path):
    result = run_cli("export", "--format", "turtle", "--input", str(tmp_path / "missing.nq"))
    assert result.returncode == 2 and "kgbuild build" in result.stderr


def test_rdf_xml_refuses_a_predicate_it_cannot_name(tmp_path):
    """RDF/XML names a predicate by the XML name its IRI ends in; where there is none the
    export is refused with the predicate named, not written as broken XML."""
    graph = tmp_path / "graph.nq"
    graph.write_text('<http://example.org/s> <http://example.org/ns#name> "a" <http://example.org/g> .\n'
                     '<http://example.org/s> <http://example.org/p/> "b" <http://example.org/g> .\n', encoding="utf-8")
    refused = run_cli("export", "-f", "xml", "--input", str(graph), "-o", str(tmp_path / "graph.rdf"))
    assert refused.returncode == 2 and "<http://example.org/p/>" in refused.stderr and "turtle" in refused.stderr
    assert not (tmp_path / "graph.rdf").exists()
    graph.write_text('<http://example.org/s> <http://example.org/ns#name> "a" <http://example.org/g> .\n', encoding="utf-8")
    written = run_cli("export", "-f", "xml", "--input", str(graph))
    assert written.returncode == 0 and len(Graph().parse(data=written.stdout, format="xml")) == 1


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
    assert "| cited sentences, blind reader a (words only) | 60 |" in result.stdout


def test_query_and_stats_open_the_built_store_not_the_nquads(mr_sources, tmp_path):
    assert run_cli("build", "--sources", str(mr_sources), "--out", str(tmp_path), *FAST).returncode == 0
    (tmp_path / "kgbuild.nq").unlink()   # the persisted store alone answers
    result = run_cli("query", "cq05-action-status-counts", "-f", "csv", "--input", str(tmp_path / "store"))
    assert result.returncode == 0, result.stderr
    assert "responsible," in result.stdout and ",Completed," in result.stdout
    stats = run_cli("stats", "--input", str(tmp_path / "store"))
    assert stats.returncode == 0 and "47  Completed" in stats.stdout
    # the build's output folder names its store: the same answer
    from_folder = run_cli("query", "cq05-action-status-counts", "-f", "csv", "--input", str(tmp_path))
    assert from_folder.returncode == 0, from_folder.stderr
    assert from_folder.stdout == result.stdout


def test_synth_writes_a_corpus_with_its_ground_truth(tmp_path):
    result = run_cli("synth", "--out", str(tmp_path / "corpus"), "-n", "3", "--seed", "7")
    assert result.returncode == 0, result.stderr
    documents = sorted((tmp_path / "corpus").glob("*.txt"))
    truths = sorted((tmp_path / "corpus" / ".truth").glob("*"))
    assert len(documents) == 3 and len(truths) == 3
    assert "wrote 3 documents" in result.stdout
