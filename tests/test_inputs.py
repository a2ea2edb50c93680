"""What users actually put in a sources folder: file names with spaces, accents and
brackets, the same document twice, names that slug alike, other encodings, a PDF given by
mistake, a malformed base IRI. Nothing is lost without a word and no traceback reaches the
user. The documents are copies of the real seed documents under other names and encodings."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FAST, SOURCES, run_cli

from kgbuild.build import build
from kgbuild.families import ReaderError, read_document
from kgbuild.namespaces import BaseIRIError, check_base, document_name, graph_iri

KYRGYZSTAN = "unwomen-gate-mr-kyrgyzstan-gpi-pbf-migration-2018-2022.txt"      # 6 recommendations, 6 key actions
CPE = "unwomen-gate-mr-kazakhstan-cpe-2016-2020.txt"                           # 8 recommendations, 29 key actions
MCO = "unwomen-gate-mr-kazakhstan-mco-portfolio-2014-2015.txt"                 # 6 recommendations, 26 key actions
ODD_NAME = "UN Women – Kyrgyzstan GPI évaluation (2018).txt"


def seed_bytes(name: str = KYRGYZSTAN) -> bytes:
    return (SOURCES / name).read_bytes()


def quick_build(sources, out):
    return build(sources, out, align=False, reason=False, validate=False)


def key_action_count(result) -> int:
    return result.counts["KeyAction"]


def problems_of(result, severity: str) -> list[str]:
    return [str(p) for p in result.problems if p.severity == severity]


def make_sources(tmp_path, files: dict[str, bytes]):
    folder = tmp_path / "sources"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


# -- file names -------------------------------------------------------------------------------

def test_seed_file_names_are_already_document_names():
    """So that slugging names leaves the seed graph as it was."""
    seeds = sorted(SOURCES.glob("*.txt"))
    assert seeds
    for path in seeds:
        assert document_name(path) == path.stem


def test_a_file_name_with_spaces_accents_brackets_and_a_dash_builds(tmp_path):
    """The odd name is reported as its slug; the IRIs follow the document's own identity."""
    sources = make_sources(tmp_path, {ODD_NAME: seed_bytes()})
    result = quick_build(sources, tmp_path / "out")
    (document,) = result.documents
    assert document_name(Path(document.path)) == "un-women-kyrgyzstan-gpi-evaluation-2018"
    assert graph_iri("source", document.name) in result.store.graph_names()
    assert key_action_count(result) == 6 and not result.errors
    titles = {str(t) for (t,) in result.store.select(
        "SELECT ?t WHERE { ?d a kgb:SourceDocument ; dcterms:title ?t }")}
    assert titles == {ODD_NAME}      # the file name as given stays in the graph
    evaluations = {str(e) for (e,) in result.store.select("SELECT ?e WHERE { ?e a kgb:Evaluation }")}
    assert evaluations == {f"https://w3id.org/kgbuild/id/evaluation/{document.name}"}
    assert (tmp_path / "out" / "kgbuild.nq").is_file()


def test_names_in_a_script_without_latin_letters_stay_apart(tmp_path):
    """Slugging drops Cyrillic letters; two such names must still not become one document."""
    first, second = document_name("Отчёт 2018.txt"), document_name("Ответ 2018.txt")
    assert first != second and first.startswith("2018-") and second.startswith("2018-")
    assert document_name("Отчёт 2018.txt") == first        # stable from build to build
    sources = make_sources(tmp_path, {"Отчёт 2018.txt": seed_bytes(), "Ответ 2018.txt": seed_bytes(CPE)})
    result = quick_build(sources, tmp_path / "out")
    assert key_action_count(result) == 6 + 29 and not result.errors


def test_two_files_whose_names_slug_alike_keep_the_first_and_name_both(tmp_path):
    # sorted order: "Report 2018.txt" < "report-2018.txt"
    sources = make_sources(tmp_path, {"Report 2018.txt": seed_bytes(), "report-2018.txt": seed_bytes(CPE)})
    result = quick_build(sources, tmp_path / "out")
    assert key_action_count(result) == 6          # the first only, not merged with the second
    (error,) = problems_of(result, "error")
    assert "report-2018.txt:1: error:" in error and "Report 2018.txt" in error
    assert "report-2018" in error and "not read" in error
    report = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert report["skipped"] == [{"file": "report-2018.txt", "kept": "Report 2018.txt",
                                  "reason": "name collision", "name": "report-2018"}]
    assert list(report["documents"]) == ["Report 2018.txt"]
    assert report["stages"]["read"]["counts"]["name_collisions"] == 1


# -- the same document twice --------------------------------------------------------------------

def test_the_same_document_under_two_names_is_read_once(tmp_path):
    sources = make_sources(tmp_path, {KYRGYZSTAN: seed_bytes(), "copy of the Kyrgyzstan response.txt": seed_bytes()})
    result = quick_build(sources, tmp_path / "out")
    assert key_action_count(result) == 6           # not 12
    assert not result.errors
    (warning,) = problems_of(result, "warning")
    # sorted order: "copy of …" < "unwomen-…": the copy is read, the seed name skipped
    assert f"{KYRGYZSTAN}:1: warning:" in warning and "copy of the Kyrgyzstan response.txt" in warning
    report = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert report["skipped"] == [{"file": KYRGYZSTAN, "kept": "copy of the Kyrgyzstan response.txt",
                                  "reason": "duplicate", "name": "unwomen-gate-mr-kyrgyzstan-gpi-pbf-migration-2018-2022"}]
    assert report["stages"]["read"]["counts"]["duplicates"] == 1


def test_an_incremental_build_still_skips_the_duplicate(tmp_path):
    sources = make_sources(tmp_path, {"a.txt": seed_bytes(), "b.txt": seed_bytes()})
    quick_build(sources, tmp_path / "out")
    again = quick_build(sources, tmp_path / "out")
    assert key_action_count(again) == 6 and [d.reused for d in again.documents] == [True]
    assert any("b.txt:1: warning:" in w and "a.txt" in w for w in problems_of(again, "warning"))


# -- encodings ----------------------------------------------------------------------------------

def summary_of(doc):
    ev = doc.evaluation
    actions = [a.text for r in ev.recommendations if r.response for a in r.response.key_actions]
    return ev.title, [r.text for r in ev.recommendations], actions


@pytest.mark.parametrize("encoding, bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                           ("utf-16-be", b"\xfe\xff")])
def test_a_byte_order_mark_decides_the_encoding(tmp_path, encoding, bom):
    original = read_document(SOURCES / KYRGYZSTAN)
    path = tmp_path / KYRGYZSTAN
    path.write_bytes(bom + seed_bytes().decode("utf-8").encode(encoding))
    doc = read_document(path)
    assert summary_of(doc) == summary_of(original)
    assert doc.problems == original.problems


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_with_a_warning(tmp_path, encoding):
    original = read_document(SOURCES / KYRGYZSTAN)
    path = tmp_path / KYRGYZSTAN
    path.write_bytes(seed_bytes().decode("utf-8").encode(encoding))
    doc = read_document(path)
    assert summary_of(doc) == summary_of(original)
    (warning,) = [str(p) for p in doc.problems if p.severity == "warning"]
    assert f"{path}:1: warning:" in warning and encoding.upper().replace("-LE", " LE").replace("-BE", " BE") in warning


def with_invalid_bytes(lines_to_break: list[int]) -> bytes:
    """The seed document with a Windows-1252 quote (0x92, invalid in UTF-8) written into
    the given 1-based lines."""
    lines = seed_bytes().split(b"\n")
    for number in lines_to_break:
        before, _, after = lines[number - 1].rpartition(b" ")
        lines[number - 1] = before + b" \x92\x93" + after
    return b"\n".join(lines)


def test_invalid_utf8_bytes_are_replaced_with_one_warning_per_line(tmp_path):
    original = read_document(SOURCES / KYRGYZSTAN)
    data = with_invalid_bytes([56, 57])
    path = tmp_path / KYRGYZSTAN
    path.write_bytes(data)
    doc = read_document(path)       # one bad byte no longer drops the document
    assert len(summary_of(doc)[2]) == len(summary_of(original)[2]) == 6
    warnings = [str(p) for p in doc.problems if "invalid UTF-8" in p.message]
    assert warnings == [f"{path}:56: warning: invalid UTF-8 bytes replaced (92 93)",
                        f"{path}:57: warning: invalid UTF-8 bytes replaced (92 93)"]
    assert any("\ufffd\ufffd" in (r.description or "") for r in doc.evaluation.recommendations)
    assert any("\ufffd\ufffd" in (r.response.text or "") for r in doc.evaluation.recommendations if r.response)


def test_a_latin1_document_is_kept_with_its_line_named(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Recommendation: ok\nManagement Response: caf\xe9\n".encode("latin-1"))
    doc = read_document(path)
    assert f"{path}:2: warning: invalid UTF-8 bytes replaced (e9)" in [str(p) for p in doc.problems]


@pytest.mark.parametrize("name, data, kind", [
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
    ("report.docx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)), "ZIP"),
    ("picture.txt", b"\x00\x01\x02\x03binary\x00\xff\xfe\x00\x00\x10" * 50, "binary"),
])
def test_a_binary_file_is_rejected_with_a_clear_message(tmp_path, name, data, kind):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReaderError) as info:
        read_document(path)
    assert str(path) in str(info.value) and "not a text document" in str(info.value)
    assert kind in str(info.value)


def test_a_stray_nul_byte_in_a_text_document_is_kept(tmp_path):
    lines = seed_bytes().split(b"\n")
    lines[56] = lines[56].replace(b"The participants", b"The\x00 participants", 1)
    path = tmp_path / KYRGYZSTAN
    path.write_bytes(b"\n".join(lines))
    doc = read_document(path)
    assert len(summary_of(doc)[2]) == 6
    assert any("The\x00 participants" in (r.description or "") for r in doc.evaluation.recommendations)


# -- the base IRI -------------------------------------------------------------------------------

@pytest.mark.parametrize("given, expected", [
    ("https://w3id.org/kgbuild/id/", "https://w3id.org/kgbuild/id/"),
    ("http://example.org/kg", "http://example.org/kg/"),
    ("http://example.org/kg#", "http://example.org/kg#"),
    ("urn:example:kg:", "urn:example:kg:/"),
    ("http://example.org/é/", "http://example.org/é/"),
])
def test_a_good_base_is_kept(given, expected):
    assert check_base(given) == expected


@pytest.mark.parametrize("given, reason", [
    ("http://example.org/my base/", "space"),
    ("kg/id/", "scheme"),
    ("/kg/id/", "scheme"),
    ("", "scheme"),
    ("http://example.org/<kg>/", "'<'"),
    ('http://example.org/"kg"/', "'\"'"),
    ("http://example.org/{kg}/", "'{'"),
    ("http://example.org/kg|x/", "'|'"),
    ("http://example.org/kg\\x/", "'\\\\'"),
    ("http://example.org/kg^x/", "'^'"),
    ("http://example.org/kg`x/", "'`'"),
    ("http://example.org/kg%zz/", "%"),
    ("http://example.org/kg\tx/", "control"),
])
def test_a_bad_base_is_refused(given, reason):
    with pytest.raises(BaseIRIError) as info:
        check_base(given)
    assert reason in str(info.value) and repr(given) in str(info.value)


# -- the command line ---------------------------------------------------------------------------

def test_cli_refuses_a_bad_base_before_any_work(tmp_path):
    sources = make_sources(tmp_path, {KYRGYZSTAN: seed_bytes()})
    for base in ("http://example.org/my base/", "relative/base/"):
        result = run_cli("--base", base, "build", "--sources", str(sources), "--out", str(tmp_path / "out"), *FAST)
        assert result.returncode == 2, result.stderr
        assert "--base" in result.stderr and repr(base) in result.stderr
        assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


def test_cli_refuses_a_bad_base_from_the_environment(tmp_path):
    import os
    import subprocess
    import sys
    env = dict(os.environ, KGBUILD_BASE="kg id/")
    result = subprocess.run([sys.executable, "-m", "kgbuild.cli", "stats", "--input", str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2 and "KGBUILD_BASE" in result.stderr and "'kg id/'" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_builds_odd_inputs_and_says_what_it_skipped(tmp_path):
    data = with_invalid_bytes([57])
    sources = make_sources(tmp_path, {
        ODD_NAME: data,                                   # odd name, one invalid byte line
        "UN Women – Kyrgyzstan GPI évaluation [2018].txt": seed_bytes(MCO),   # slugs like the first
        CPE: seed_bytes(CPE),
        "cpe copy.txt": seed_bytes(CPE),                  # same bytes as the CPE document
        "scan.pdf": b"%PDF-1.4\n" + bytes(range(256)),
    })
    out = tmp_path / "out"
    result = run_cli("build", "--sources", str(sources), "--out", str(out), *FAST)
    assert result.returncode == 1, result.stderr      # the collision and the PDF are errors
    assert "Traceback" not in result.stderr
    err = result.stderr
    assert f"{ODD_NAME}:57: warning: invalid UTF-8 bytes replaced" in err
    assert "UN Women – Kyrgyzstan GPI évaluation [2018].txt:1: error:" in err and ODD_NAME in err
    assert f"{CPE}:1: warning:" in err and "cpe copy.txt" in err
    assert "scan.pdf:1: error: not a text document" in err
    assert "1 duplicate skipped, 1 name collision" in result.stdout
    assert f"{6 + 29} KeyAction" in result.stdout
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    assert sorted((s["file"], s["reason"]) for s in report["skipped"]) == sorted([
        (CPE, "duplicate"), ("UN Women – Kyrgyzstan GPI évaluation [2018].txt", "name collision")])


def test_cli_reads_a_utf16_document(tmp_path):
    sources = make_sources(tmp_path, {"response.txt": b"\xff\xfe" + seed_bytes().decode("utf-8").encode("utf-16-le")})
    result = run_cli("build", "--sources", str(sources), "--out", str(tmp_path / "out"), *FAST)
    assert result.returncode == 0, result.stderr
    assert "6 KeyAction" in result.stdout and "Traceback" not in result.stderr


def test_seed_build_is_unchanged_by_input_checks(tmp_path):
    shutil.copytree(SOURCES, tmp_path / "sources")
    result = quick_build(tmp_path / "sources", tmp_path / "out")
    report = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert report["skipped"] == [] and not result.errors
    assert len(result.documents) == 5
