"""Properties of query files and parameter values: whatever a user writes, kgbuild answers or
says what is wrong (naming the file and line, or the parameter), never with a traceback.

Query files are drawn from plausible headers (title, description, param lines with odd
names, types and defaults), bodies of every form (SELECT, ASK, CONSTRUCT, DESCRIBE,
updates, SERVICE, SPARQL-ish noise, nothing) and encodings (UTF-8, BOM, Latin-1, stray
bytes). Parameter values are any text for each type. In-process checks run many examples;
the CLI (`kgbuild query --file`, `kgbuild queries` on a folder) runs a few, on the seed build.
Examples are derandomized with no example database, so CI is deterministic.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import ROOT, run_cli
from kgbuild.queries import TYPES, Param, QueryError, SavedQuery, bindings, parse_query_file

FAST = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
CLI = settings(FAST, max_examples=8)

# -- parameter values --------------------------------------------------------------------------

PLAUSIBLE = {
    "sdg": ["5.2", "SDG 5", "5", "17.b", "11. b", "3.2.a", "18.7", "0", "5.", ".2", "SDG"],
    "agency": ["UNDP", "UN Women", "unicef", "World Health Organization", "WHO?", "U N D P"],
    "resource": ["https://w3id.org/kgbuild/id/x", "x/y", "/x", "urn:a:b", "mailto:a@b", "http://a b", "<x>",
                 "%zz", "a#b#c", "http://[::1", "a\x01b", "a\x7fb", " "],
    "date": ["2023-01-01", "2023-02-30", "2023-1-1", "01/01/2023", "2023-01-01T00:00", "٢٠٢٣-٠١-٠١"],
    "integer": ["0", "-5", "10000000000000000000000", "1.5", "1e3", "٣", "+3", " 3", "9" * 5000],
    "string": ["", "a\"b", "a\\b", "line\nbreak", "'''", "\"\"\"", "?x", "} DROP ALL {"],
}
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


def value_for(kind: str):
    return st.one_of(st.sampled_from(PLAUSIBLE[kind]), ANY_TEXT)


@settings(FAST, max_examples=150)
@given(st.sampled_from(TYPES).flatmap(lambda kind: st.tuples(st.just(kind), value_for(kind))))
def test_a_value_of_any_type_is_bound_or_refused_by_name(typed):
    kind, value = typed
    query = SavedQuery("q", Path("q.rq"), "Q", "", [Param("theValue", kind, "", "")],
                       "SELECT ?x WHERE { ?x ?p ?theValue }")
    try:
        term = bindings(query, {"theValue": value})["theValue"]
    except QueryError as exc:
        assert str(exc).startswith("theValue: "), exc
        return
    from kgbuild.store import nt_term, substitute
    # The bound term must make a query that still parses: its text is SPARQL-safe.
    import pyoxigraph as ox
    ox.Store().query(substitute(query.text, {"theValue": term}))
    assert nt_term(term)


# -- query files -------------------------------------------------------------------------------

NAMES = st.one_of(st.sampled_from(["target", "date", "x", "agency", "a_b", "é", "1st", ""]),
                  st.text(st.characters(whitelist_categories=("Ll", "Nd", "Pc")), max_size=8))
PARAM_TYPES = st.one_of(st.sampled_from(TYPES), st.sampled_from(["colour", "", "SDG", "int", "Date"]))


@st.composite
def header_line(draw):
    kind = draw(st.sampled_from(["title", "description", "param", "param", "comment", "blank"]))
    if kind == "param":
        name, ptype = draw(NAMES), draw(PARAM_TYPES)
        default = draw(value_for(ptype) if ptype in TYPES else ANY_TEXT).replace("\n", " ").replace("\r", " ")
        doc = draw(st.sampled_from(["", " -- what it is", " --", " -- a -- b"]))
        space = draw(st.sampled_from([" ", "", "  "]))
        return f"#{space}param:{space}{name} ({ptype}) = {default}{doc}"
    if kind == "comment":
        return "# " + draw(ANY_TEXT).replace("\n", " ").replace("\r", " ")
    if kind == "blank":
        return ""
    return f"# {kind}: " + draw(ANY_TEXT).replace("\n", " ").replace("\r", " ")


BODIES = [
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3",
    "PREFIX kgb: <https://w3id.org/kgbuild/ontology#>\nSELECT (COUNT(?a) AS ?n) WHERE { ?a a kgb:KeyAction }",
    "SELECT ?x WHERE { ?x ?p ?target } LIMIT 2",
    "SELECT ?date WHERE { BIND(?date AS ?d) }",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2",
    "DESCRIBE <https://w3id.org/kgbuild/id/nothing>",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/x>",
    "CLEAR ALL",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT ?s WHERE { ?s ?p }",
    "SELECT WHERE",
    "# SELECT only in a comment",
    "\"SELECT\"",
    "",
]
SPARQLISH = st.lists(st.sampled_from(["SELECT", "ASK", "CONSTRUCT", "WHERE", "{", "}", "?s", "?p", "?o", ".",
                                      "<urn:x>", "\"lit\"", "FILTER", "(", ")", "OPTIONAL", "UNION", "GRAPH",
                                      "SERVICE", "INSERT", "LIMIT", "1", "#", "\n", "PREFIX", "x:", "'", "\\"]),
                     max_size=25).map(" ".join)


@st.composite
def query_file(draw) -> bytes:
    header = draw(st.lists(header_line(), max_size=6))
    body = draw(st.one_of(st.sampled_from(BODIES), SPARQLISH))
    text = "\n".join(header + [body]) + draw(st.sampled_from(["", "\n", "\r\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "stray", "empty"]))
    if encoding == "empty":
        return b""
    if encoding == "latin-1":
        return text.encode("latin-1", "replace") + b"# caf\xe9\n"
    data = text.encode("utf-8" if encoding == "stray" else encoding)
    if encoding == "stray":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x80\x80", b"\x00"])) + data[at:]
    return data


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("query-files")


@FAST
@given(query_file())
def test_a_query_file_parses_or_is_refused_with_its_location(folder, data):
    path = folder / "random.rq"
    path.write_bytes(data)
    for require_title in (True, False):
        try:
            query = parse_query_file(path, require_title=require_title)
        except QueryError as exc:
            assert str(exc).startswith(f"{path}:"), exc
            located = re.match(re.escape(str(path)) + r":(\d+):(\d+): ", str(exc))
            if located:
                assert 1 <= int(located.group(1)) <= data.count(b"\n") + 1, exc
            continue
        assert query.form in ("select", "ask", "construct", "describe")
        for param in query.params:
            assert param.type in TYPES and re.fullmatch(r"\w+", param.name)


@pytest.fixture(scope="module")
def graph(full_build) -> str:
    """The seed build's store folder (or its N-Quads when no store was written)."""
    nquads = full_build.outputs[0]
    store = nquads.parent / "store"
    return str(store if store.is_dir() else nquads)


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.returncode in (0, 1, 2), (result.returncode, result.stderr)


@CLI
@given(query_file(), st.lists(st.tuples(NAMES, ANY_TEXT.filter(lambda v: "\x00" not in v)), max_size=2))
def test_the_cli_runs_any_query_file_without_a_traceback(folder, graph, data, params):
    path = folder / "cli.rq"
    path.write_bytes(data)
    options = [option for name, value in params for option in ("-p", f"{name}={value}")]
    result = run_cli("query", "--file", str(path), "--input", graph, "--timeout", "20", *options)
    assert_no_traceback(result)
    try:
        parse_query_file(path, require_title=False)
    except QueryError as exc:
        assert result.returncode == 2 and str(exc) in result.stderr, result.stderr


@CLI
@given(st.sampled_from(TYPES).flatmap(lambda kind: st.tuples(st.just(kind), value_for(kind).filter(
    lambda v: "\x00" not in v))))
def test_the_cli_binds_a_value_or_names_the_parameter(folder, graph, typed):
    kind, value = typed
    path = folder / f"typed-{kind}.rq"
    path.write_text(f"# title: One {kind}\n# param: theValue ({kind}) = {PLAUSIBLE[kind][0]} -- any\n"
                    "SELECT ?x WHERE { ?x ?p ?theValue } LIMIT 1\n", encoding="utf-8")
    result = run_cli("query", "--file", str(path), "--input", graph, "-p", f"theValue={value}")
    assert_no_traceback(result)
    query = parse_query_file(path)
    try:
        bindings(query, {"theValue": value})
    except QueryError:
        assert result.returncode == 2 and "theValue" in result.stderr, result.stderr
    else:
        assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory) -> Path:
    """A project folder of its own (the marker ontology file and a queries folder), so that
    `kgbuild queries` lists a folder the test fills."""
    root = tmp_path_factory.mktemp("project")
    (root / "ontology").mkdir()
    shutil.copy(ROOT / "ontology" / "kgbuild.ttl", root / "ontology" / "kgbuild.ttl")
    (root / "queries").mkdir()
    return root


@CLI
@given(st.lists(query_file(), min_size=1, max_size=4))
def test_the_cli_lists_a_folder_of_any_query_files(project_copy, files):
    queries = project_copy / "queries"
    for old in queries.iterdir():
        old.unlink()
    for k, data in enumerate(files):
        (queries / f"q{k} [draft] é.rq").write_bytes(data)
    result = subprocess.run([sys.executable, "-m", "kgbuild.cli", "queries"], cwd=project_copy,
                            env={**os.environ, "KGBUILD_ROOT": str(project_copy)},
                            capture_output=True, text=True, timeout=120)
    assert_no_traceback(result)
    broken = 0
    for path in sorted(queries.iterdir()):
        try:
            query = parse_query_file(path)
        except QueryError as exc:
            broken += 1
            assert f"broken: {exc}" in result.stderr, result.stderr
        else:
            assert f"{query.name}  [" in result.stdout
    assert result.returncode == (1 if broken else 0), result.stderr
