"""Truncation and shortfall never pass silently.

Each family scans its document with simple patterns of its own (recommendation headings,
lines that end like a key-action row, outcome headings, results-matrix rows); the build
compares what was scanned with what was read, and a shortfall is an error. A document cut
inside a row, a recommendation or the results matrix says so at the line where it ends.
The documents are the real seed documents, whole, cut at chosen points or with one line
changed, and the synthetic corpus with its ground truth."""
from __future__ import annotations

import json

import pytest

from conftest import FAST, MANAGEMENT_RESPONSES, SOURCES, run_cli
from kgbuild import synth
from kgbuild.families import FamilyError, compare_scan, read_document, split_lines

CPE = "unwomen-gate-mr-kazakhstan-cpe-2016-2020.txt"
ERC = "undp-erc-kazakhstan-international-cooperation-outcome-2018.txt"
FRAMEWORK = "unsdcf-kazakhstan-2021-2025.txt"


def seed_lines(name: str) -> list[str]:
    return split_lines((SOURCES / name).read_text(encoding="utf-8"))


def write(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def cut(tmp_path, name: str, last_line: int, keep: int | None = None):
    """The seed document up to its line `last_line` (1-based), that line cut to `keep`
    characters; read, with its scan compared."""
    lines = seed_lines(name)[:last_line]
    if keep is not None:
        lines[-1] = lines[-1][:keep]
    doc = read_document(write(tmp_path, name, lines))
    return doc, compare_scan(doc)


def line_of(name: str, text: str, after: int = 0) -> int:
    """1-based number of the first line after line `after` holding `text`."""
    return next(i + 1 for i, line in enumerate(seed_lines(name)) if i >= after and text in line)


def messages(doc, severity: str) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in doc.problems if p.severity == severity]


def key_actions(doc) -> list:
    return [a for r in doc.evaluation.recommendations if r.response for a in r.response.key_actions]


# -- the scan counts what is there ------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(MANAGEMENT_RESPONSES))
def test_seed_evaluations_scan_as_many_as_are_read(name):
    recommendations, actions = MANAGEMENT_RESPONSES[name]
    doc = read_document(SOURCES / name)
    assert compare_scan(doc) == {"recommendations": (recommendations, recommendations),
                                 "key_actions": (actions, actions)}
    assert not [p for p in doc.problems if p.severity == "error"]


def test_seed_framework_scans_as_many_as_are_read():
    doc = read_document(SOURCES / FRAMEWORK)
    assert compare_scan(doc) == {"outcomes": (6, 6), "indicators": (82, 82)}
    assert not [p for p in doc.problems if p.severity == "error"]


def test_synthetic_corpus_scans_its_ground_truth(tmp_path):
    """The size tests/test_synth.py uses: every layout the generator writes."""
    summary = synth.generate(tmp_path / "sources", 12, seed=7)
    truth = synth.load_truth(summary.truth_dir)
    families = set()
    for name, record in truth.items():
        doc = read_document(tmp_path / "sources" / name)
        families.add(doc.reader)
        if record.get("framework"):
            outcomes = record["framework"]["outcomes"]
            expected = {"outcomes": len(outcomes), "indicators": sum(len(o["indicators"]) for o in outcomes)}
        else:
            recs = record["recommendations"]
            expected = {"recommendations": len(recs), "key_actions": sum(len(r["key_actions"]) for r in recs)}
        assert compare_scan(doc) == {key: (count, count) for key, count in expected.items()}, name
        assert not [p for p in doc.problems if p.severity == "error"], name
    assert families == {"unwomen-gate", "undp-erc", "unsdcf"}


def test_build_report_shows_scanned_and_read_per_document(full_build):
    report = json.loads(full_build.outputs[1].read_text(encoding="utf-8"))
    documents = report["documents"]
    assert documents[CPE]["scanned"] == documents[CPE]["read"] == {"recommendations": 8, "key_actions": 29}
    assert documents[FRAMEWORK]["scanned"] == documents[FRAMEWORK]["read"] == {"outcomes": 6, "indicators": 82}
    assert all(d["scanned"] == d["read"] and d["scanned"] for d in documents.values())


# -- a shortfall is an error ------------------------------------------------------------------

def test_rows_the_reader_drops_are_a_shortfall_error(tmp_path):
    """Without its first 'Recommendation:' heading, the CPE response's first three rows
    fall into the page header, where the reader reads no rows."""
    lines = seed_lines(CPE)
    first = line_of(CPE, "Recommendation:")
    doc = read_document(write(tmp_path, CPE, lines[:first - 1] + lines[first:]))
    assert compare_scan(doc) == {"recommendations": (7, 7), "key_actions": (29, 26)}
    assert ("error", 1, "scanning the document finds 29 key actions but 26 were read (3 not read)") in [
        (p.severity, p.line, p.message) for p in doc.problems]
    assert len(key_actions(doc)) == 26     # what was read is kept


def test_matrix_rows_of_an_outcome_the_narrative_lacks_are_a_shortfall_error(tmp_path):
    lines = seed_lines(FRAMEWORK)
    cell = matrix_line("Outcome 3.2. By 2025")
    lines[cell - 1] = lines[cell - 1].replace("Outcome 3.2.", "Outcome 3.3.")
    doc = read_document(write(tmp_path, FRAMEWORK, lines))
    seed = read_document(SOURCES / FRAMEWORK)
    lost = len(next(o for o in seed.framework.outcomes if o.number == "3.2").indicators)
    assert compare_scan(doc) == {"outcomes": (7, 6), "indicators": (82, 82 - lost)}
    errors = messages(doc, "error")
    assert (1, "scanning the document finds 7 outcomes but 6 were read (1 not read)") in errors
    assert (1, f"scanning the document finds 82 indicators but {82 - lost} were read ({lost} not read)") in errors


def test_build_with_a_shortfall_exits_1_keeps_the_rest_and_reports_both_counts(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    lines = seed_lines(CPE)
    first = line_of(CPE, "Recommendation:")
    write(sources, CPE, lines[:first - 1] + lines[first:])
    other = "unwomen-gate-mr-kyrgyzstan-gpi-pbf-migration-2018-2022.txt"
    (sources / other).write_bytes((SOURCES / other).read_bytes())
    result = run_cli("build", "--sources", str(sources), "--out", str(tmp_path / "out"), "--no-align", *FAST)
    assert result.returncode == 1, result.stderr
    assert f"{CPE}:1: error: scanning the document finds 29 key actions but 26 were read" in result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert report["documents"][CPE]["scanned"] == {"recommendations": 7, "key_actions": 29}
    assert report["documents"][CPE]["read"] == {"recommendations": 7, "key_actions": 26}
    assert report["documents"][other]["scanned"] == report["documents"][other]["read"]
    assert report["classes"]["KeyAction"] == 26 + 6


def test_a_scan_counting_what_no_record_holds_is_a_family_error(tmp_path, monkeypatch):
    from kgbuild.families import get_family
    gate = get_family("unwomen-gate")
    monkeypatch.setattr(type(gate), "scan", lambda self, lines: {"paragraphs": 3})
    doc = read_document(SOURCES / CPE)
    with pytest.raises(FamilyError, match="'paragraphs'"):
        compare_scan(doc)


# -- GATE: a document cut inside a row or a recommendation ------------------------------------

def test_row_cut_before_its_deadline_says_so_not_that_it_has_none(tmp_path):
    row = line_of(CPE, "Develop the UN Women Country Office new Strategic Note")
    doc, _ = cut(tmp_path, CPE, row, keep=60)
    (error,) = [(p.line, p.message) for p in doc.problems if p.severity == "error"]
    assert error[0] == row and "row ends before its deadline" in error[1] and "truncated" in error[1]
    assert "has no deadline" not in error[1]
    assert key_actions(doc)[-1].text == seed_lines(CPE)[row - 1][:60]


def test_row_cut_inside_its_deadline_is_not_read_as_another_month(tmp_path):
    row = line_of(CPE, "Develop the UN Women Country Office new Strategic Note")
    keep = seed_lines(CPE)[row - 1].index("2021/12") + len("2021/1")
    doc, _ = cut(tmp_path, CPE, row, keep)
    action = key_actions(doc)[-1]
    assert action.deadline is None and action.unread == "2021/1"      # not January
    assert any(line == row and "ends inside its deadline" in m for line, m in messages(doc, "warning"))


def test_row_cut_after_its_deadline_says_the_status_is_cut_off(tmp_path):
    row = line_of(CPE, "Develop the UN Women Country Office new Strategic Note")
    keep = seed_lines(CPE)[row - 1].index("2021/12") + len("2021/12")
    doc, _ = cut(tmp_path, CPE, row, keep)
    assert key_actions(doc)[-1].deadline == "2021-12"
    warnings = [m for line, m in messages(doc, "warning") if line == row]
    assert any("ends after its deadline, before its status" in m for m in warnings)
    assert "no status after the deadline" not in warnings


def test_row_cut_right_after_the_start_of_a_longer_status_says_so(tmp_path):
    row = line_of(CPE, "Overdue-Initiated")
    keep = seed_lines(CPE)[row - 1].index("Overdue-Initiated") + len("Overdue")
    doc, _ = cut(tmp_path, CPE, row, keep)
    assert key_actions(doc)[-1].status_text == "Overdue"
    assert any(line == row and "ends right after the status 'Overdue'" in m for line, m in messages(doc, "warning"))


def test_a_complete_last_row_says_nothing(tmp_path):
    """The Kyrgyzstan response ends with a complete row whose status has no comment."""
    doc = read_document(SOURCES / "unwomen-gate-mr-kyrgyzstan-gpi-pbf-migration-2018-2022.txt")
    assert doc.problems == []


def test_document_cut_inside_a_recommendation_before_its_response(tmp_path):
    second = line_of(CPE, "Recommendation:", after=line_of(CPE, "Recommendation:"))
    doc, counts = cut(tmp_path, CPE, second)
    assert counts == {"recommendations": (2, 2), "key_actions": (3, 3)}
    assert (second, f"the document ends inside recommendation 2 (line {second}), before its management response "
                    "(truncated?)") in messages(doc, "warning")


def test_document_cut_after_a_key_action_table_header(tmp_path):
    header = line_of(CPE, "Responsible Deadline Status Comments")
    doc, _ = cut(tmp_path, CPE, header)
    assert any(line == header and "after the key-action table's header, before its first row" in m
               for line, m in messages(doc, "warning"))


def test_recommendation_without_its_response_mid_document_is_a_gap(tmp_path):
    lines = seed_lines(CPE)
    second = line_of(CPE, "Recommendation:", after=line_of(CPE, "Recommendation:"))
    third = line_of(CPE, "Recommendation:", after=second)
    doc = read_document(write(tmp_path, CPE, lines[:second] + lines[third - 1:]))
    assert (second, "recommendation has no management response") in messages(doc, "warning")
    assert not any("ends inside" in m for _, m in messages(doc, "warning"))


# -- ERC ---------------------------------------------------------------------------------------

def test_erc_page_cut_inside_a_recommendation_before_its_response(tmp_path):
    head = line_of(ERC, "6. Recommendation:")
    doc, _ = cut(tmp_path, ERC, head + 2)
    assert any(line == head + 2 and m.startswith(f"the document ends inside recommendation 6 (line {head}), "
                                                  "before its management response")
               for line, m in messages(doc, "warning"))


def test_erc_row_cut_before_its_deadline(tmp_path):
    row = line_of(ERC, "CO management team 2019/12 Completed")
    doc, _ = cut(tmp_path, ERC, row, keep=len("CO management team"))
    assert any(line == row and "row ends before its deadline" in m for line, m in messages(doc, "error"))


def test_erc_evaluation_detail_page_has_no_response_by_nature(tmp_path):
    """The seed page up to its first response section, with the site footer: the
    recommendation list alone, as an evaluation-detail page shows it."""
    lines = seed_lines(ERC)
    first = line_of(ERC, "1. Recommendation:")
    doc = read_document(write(tmp_path, ERC, lines[:first - 1] + ["Latest Evaluations", "Contact us"]))
    assert compare_scan(doc) == {"recommendations": (6, 6), "key_actions": (0, 0)}
    assert all(r.response is None for r in doc.evaluation.recommendations)
    assert not [m for _, m in messages(doc, "warning") if "response" in m or "truncated" in m]


# -- UNSDCF: a document cut inside its results matrix -----------------------------------------

def matrix_line(text: str) -> int:
    return line_of(FRAMEWORK, text, after=line_of(FRAMEWORK, "Annex 1:"))


def test_framework_cut_inside_an_indicator_row(tmp_path):
    row = matrix_line("Gender pay gap (link to 8.5.1 (G))")
    doc, counts = cut(tmp_path, FRAMEWORK, row)
    assert counts["outcomes"] == (6, 6) and counts["indicators"][0] == counts["indicators"][1]
    warnings = messages(doc, "warning")
    assert any(line == row and f"the document ends inside the results matrix, inside an indicator row of outcome "
               f"3.1 (line {row})" in m for line, m in warnings)
    narrative_32 = line_of(FRAMEWORK, "Cooperation Framework Outcome 3.2")
    assert (narrative_32, "outcome 3.2 has no indicators in the results matrix") in warnings
    assert not any("outcome 3.1 has no indicators" in m for _, m in warnings)


def test_framework_cut_between_two_indicator_rows(tmp_path):
    row = matrix_line("Gender pay gap (link to 8.5.1 (G))")
    doc, _ = cut(tmp_path, FRAMEWORK, row - 1)     # ends on the row's empty results cell
    assert any("the document ends inside the results matrix, in outcome 3.1's indicator rows" in m
               for _, m in messages(doc, "warning"))


def test_framework_cut_in_a_block_header_leaves_outcomes_without_indicators(tmp_path):
    results = [i + 1 for i, line in enumerate(seed_lines(FRAMEWORK)) if line.strip() == "RESULTS"]
    block = results[-2]                              # the block of outcome 3.1
    doc, _ = cut(tmp_path, FRAMEWORK, block + 5)
    warnings = messages(doc, "warning")
    assert any(f"in the header of a block (line {block}), before it names its outcome" in m for _, m in warnings)
    for outcome in ("3.1", "3.2"):
        assert any(m == f"outcome {outcome} has no indicators in the results matrix" for _, m in warnings)


def test_a_family_whose_scan_is_not_callable_is_an_error_naming_its_entry_point(tmp_path):
    from test_families import install, kgbuild
    plugin = install(tmp_path / "site", "kgbuild-odd", {"odd": "odd_family:family"},
                     {"odd_family": "class Odd:\n    name = 'odd'\n    description = 'a scan that is a number'\n"
                                    "    scan = 3\n"
                                    "    def accepts(self, lines): return False\n"
                                    "    def read(self, doc, lines): pass\n"
                                    "    def map(self, doc): return ''\n"
                                    "    def summary(self, doc): return ''\nfamily = Odd()\n"})
    result = kgbuild("readers", path=[plugin])
    assert result.returncode == 2
    assert "entry point odd = odd_family:family" in result.stderr and "scan is not callable" in result.stderr
