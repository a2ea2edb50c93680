"""Outputs that cannot be written, and inputs that hold nothing to check, are clear errors
before any work; a rule has one severity wherever it is reported."""
from __future__ import annotations

from conftest import run_cli
from pages import gate_page


def test_unwritable_outputs_are_refused_before_any_work(full_build, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")      # a file where a folder should be: unwritable, even for root
    graph = str(full_build.outputs[0])
    exported = run_cli("export", "-f", "turtle", "-o", str(blocker / "graph.ttl"), "--input", graph)
    assert exported.returncode == 2 and "output folder is not writable" in exported.stderr
    validated = run_cli("validate", "--report", str(blocker / "report.ttl"), "--input", graph)
    assert validated.returncode == 2 and "output folder is not writable" in validated.stderr
    for result in (exported, validated):
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_validating_a_triple_export_is_refused_not_passed(full_build, tmp_path):
    exported = tmp_path / "graph.nt"
    assert run_cli("export", "-f", "nt", "-o", str(exported), "--input", str(full_build.outputs[0])).returncode == 0
    result = run_cli("validate", "--input", str(exported), "--report", str(tmp_path / "report.ttl"))
    assert result.returncode == 2 and "holds no named graphs" in result.stderr


def test_a_recommendation_without_text_is_a_warning_in_reader_and_validation(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    page = gate_page("Key Actions", "Responsible Deadline Status Comments",
                     "Review the partnership plan UN Women 2021/06 Completed Done.")
    (sources / "gate.txt").write_text(page.replace("Recommendation: Strengthen partnerships with civil society.",
                                                   "Recommendation:"), encoding="utf-8")
    result = run_cli("build", "--sources", str(sources), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "gate.txt:7: warning: recommendation with no text" in result.stderr
    assert "0 violations, 1 warnings" in result.stdout + result.stderr


def test_a_build_into_an_unwritable_folder_stops_before_reading(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    result = run_cli("build", "--out", str(blocker / "out"))
    assert result.returncode == 2 and "output folder is not writable" in result.stderr
    assert "read " not in result.stdout and "Traceback" not in result.stderr


def test_the_tools_own_exports_can_be_queried(full_build, tmp_path):
    graph = str(full_build.outputs[0])
    on_store = run_cli("query", "cq13-units-with-open-actions", "-f", "csv", "--input", graph)
    assert on_store.returncode == 0
    for fmt, suffix in (("trig", "trig"), ("turtle", "ttl"), ("jsonld", "jsonld"), ("nt", "nt")):
        exported = tmp_path / f"graph.{suffix}"
        assert run_cli("export", "-f", fmt, "-o", str(exported), "--input", graph).returncode == 0
        answered = run_cli("query", "cq13-units-with-open-actions", "-f", "csv", "--input", str(exported))
        assert answered.returncode == 0, (fmt, answered.stderr)
        assert answered.stdout == on_store.stdout, fmt


def test_a_store_opened_read_only_closes_cleanly(full_build):
    from kgbuild.store import OxigraphStore
    store = OxigraphStore(full_build.outputs[0].parent / "store", read_only=True)
    assert store.count() > 0
    store.close()      # nothing to write: no error


def test_a_server_address_that_is_no_url_is_named(full_build):
    published = run_cli("publish", "--endpoint", "notaurl", "--input", str(full_build.outputs[0]))
    assert published.returncode == 2 and "--endpoint 'notaurl': not an http(s) URL" in published.stderr
    queried = run_cli("query", "cq05-action-status-counts", "--endpoint", "ftp://example.org/q")
    assert queried.returncode == 2 and "not an http(s) URL" in queried.stderr
    for result in (published, queried):
        assert "internal error" not in result.stderr


def test_a_store_built_under_other_queries_or_code_is_named_stale(full_build, tmp_path):
    """A store keeps what the saved queries' answers depended on when it was built; opened
    under other code, queries or data it still answers, with a note to rebuild it (a summary
    term today's queries read may be missing, and their answers short without an error)."""
    import json
    import shutil
    copy = tmp_path / "store"
    shutil.copytree(full_build.outputs[0].parent / "store", copy)
    current = run_cli("query", "cq05", "-f", "csv", "--input", str(copy))
    assert current.returncode == 0 and "rebuild" not in current.stderr
    state_file = copy / "kgbuild-state.json"
    state = json.loads(state_file.read_text(encoding="utf-8"))
    state["answers"] = "0" * 64
    state_file.write_text(json.dumps(state), encoding="utf-8")
    for args in (("query", "cq05", "-f", "csv"), ("stats",)):
        stale = run_cli(*args, "--input", str(copy))
        assert stale.returncode == 0 and f"{copy} was built by another version" in stale.stderr, args
    assert run_cli("query", "cq05", "-f", "csv", "--input", str(copy)).stdout == current.stdout
