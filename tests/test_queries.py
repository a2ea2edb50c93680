"""The saved queries of queries/: catalog, parameters bound as RDF terms, golden results on
the built graph (tests/golden/queries/*.tsv, checked by hand against the documents), and
the *-violation checks."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from conftest import run_cli
from kgbuild.namespaces import SDG
from kgbuild.queries import QueryError, answer, bindings, catalog, format_table, get, parse_query_file, run
from kgbuild.store import nt_term

GOLDEN = Path(__file__).parent / "golden" / "queries"
QUERIES = catalog()
QUESTIONS = sorted(name for name in QUERIES if name.startswith("cq"))
CHECKS = sorted(name for name, q in QUERIES.items() if q.is_check)


def test_one_query_per_competency_question():
    assert len(QUESTIONS) == 15
    assert [name[:4] for name in QUESTIONS] == [f"cq{n:02d}" for n in range(1, 16)]
    for name in QUESTIONS:
        assert QUERIES[name].title and QUERIES[name].description
    # Each says which graphs it reads: the union, made explicit with FROM on a server.
    assert all("union of the build's named graphs" in q.dataset for q in QUERIES.values())
    assert len(CHECKS) >= 5


def plain(cell: str) -> str:
    """A SPARQL TSV cell (a term in Turtle syntax) as its plain value."""
    if not cell:
        return ""
    if cell.startswith("<"):
        return cell[1:-1]
    import pyoxigraph as ox
    triple = next(iter(ox.parse(f"<x:s> <x:p> {cell} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    return triple.object.value


def rows_of(text: str) -> list[list[str]]:
    """SPARQL 1.1 TSV as rows of plain values, the header without its '?'s."""
    lines = text.rstrip("\n").split("\n")
    return [[h.removeprefix("?") for h in lines[0].split("\t")]] + [[plain(c) for c in line.split("\t")]
                                                                     for line in lines[1:]]


def golden_tsv(table) -> list[str]:
    """A result as the golden files hold it: TSV lines with every term in N-Triples syntax."""
    lines = ["\t".join(f"?{name}" for name in table.columns)]
    lines += ["\t".join("" if term is None else nt_term(term).replace("\t", "\\t") for term in row)
              for row in table.rows]
    return lines + [""]


@pytest.mark.parametrize("name", QUESTIONS)
def test_saved_query_matches_its_golden_result(full_build, name):
    table = run(full_build.store, QUERIES[name])
    actual = golden_tsv(table)
    expected = (GOLDEN / f"{name}.tsv").read_text(encoding="utf-8").split("\n")
    assert actual[0] == expected[0]
    assert actual[1:] == expected[1:], f"{name}: result differs from tests/golden/queries/{name}.tsv"


@pytest.mark.parametrize("name", CHECKS)
def test_violation_checks_return_no_rows(full_build, name):
    assert run(full_build.store, QUERIES[name]).rows == []


def test_golden_answers_hold_the_facts_checked_by_hand():
    def column(name, col):
        rows = rows_of((GOLDEN / f"{name}.tsv").read_text(encoding="utf-8"))
        index = rows[0].index(col)
        return [r[index] for r in rows[1:]]
    # CQ1: the EVAW prevalence-study action and the campaign actions support 5.2
    supporting = column("cq01-actions-supporting-target", "actionText")
    assert any(t.startswith("Provide technical and expert support to the Government in the pilot of the EVAW") for t in supporting)
    assert "Develop broad campaign for dealing with gender stereotypes in society" in supporting
    # CQ6 on 2022-06-30: only the EVAW pilot (deadline 2022/03, Overdue-Initiated) is overdue
    assert column("cq06-overdue-actions", "deadline") == ["2022-03"]
    # CQ7: the ERC responses were derived from the text: 2 accepted, 3 partially, 1 without text
    categories = list(zip(column("cq07-response-categories", "evaluationTitle"), column("cq07-response-categories", "category"),
                          column("cq07-response-categories", "responses")))
    assert ("International Cooperation", "Partially Accepted", "3") in categories
    # CQ8: CPE recommendations 4, 5, 7, 8 have no completed action
    assert column("cq08-recommendations-without-completed-action", "number") == ["4", "5", "7", "8"]
    # CQ9: migrants are named by five outcomes
    assert column("cq09-lnob-groups-across-outcomes", "outcomeNumbers")[0] == "1.1, 2.1, 2.2, 3.1, 3.2"
    # CQ14: "Gender equality" classifies 9 recommendations
    assert len(column("cq14-recommendations-by-criterion", "number")) == 9


def test_parameters_are_bound_as_rdf_terms():
    cq01, cq06, cq03 = get("cq01-actions-supporting-target"), get("cq06-overdue-actions"), get("cq03-lnob-groups-by-agency")
    assert bindings(cq01, {}) == {"sdg": SDG["5.2"]}
    assert bindings(cq01, {"sdg": "5"}) == {"sdg": SDG["5"]}
    assert bindings(cq06, {"date": "2023-01-01"}) == {"date": Literal("2023-01-01", datatype=XSD.date)}
    assert bindings(cq03, {"agency": "UN-Habitat"})["agency"] == URIRef("https://w3id.org/kgbuild/vocab/un-entity/un-habitat")
    # a value that would break a pasted-in query is just a literal here
    assert bindings(get("cq14-recommendations-by-criterion"), {"concept": '" } ; DROP ALL #'})["concept"] == \
        Literal('" } ; DROP ALL #')


def test_bad_parameters_name_what_is_valid():
    with pytest.raises(QueryError, match="its parameters: sdg"):
        bindings(get("cq01-actions-supporting-target"), {"target": "5.2"})
    with pytest.raises(QueryError, match="no official SDG target or goal"):
        bindings(get("cq01-actions-supporting-target"), {"sdg": "3.2.a"})
    with pytest.raises(QueryError, match="not a date"):
        bindings(get("cq06-overdue-actions"), {"date": "June 2022"})
    with pytest.raises(QueryError, match="saved queries: .*cq01"):
        get("cq99-nothing")


def test_goal_parameter_rolls_targets_up(full_build):
    by_target = {str(r[0]) for r in run(full_build.store, get("cq01-actions-supporting-target"), {"sdg": "5.2"}).rows}
    by_goal = {str(r[0]) for r in run(full_build.store, get("cq01-actions-supporting-target"), {"sdg": "5"}).rows}
    assert by_target and by_target < by_goal


def test_query_header_errors_name_the_line(tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text("# title: Bad\n# param: x (colour) = red\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match=r"bad.rq:2:"):
        parse_query_file(path)


def test_cli_lists_and_runs_queries(full_build, tmp_path):
    graph = str(full_build.outputs[0])
    listing = run_cli("queries")
    assert listing.returncode == 0 and "cq06-overdue-actions" in listing.stdout and "--param date=" in listing.stdout
    overdue = run_cli("query", "cq06-overdue-actions", "-p", "date=2023-01-01", "-f", "csv", "--input", graph)
    assert overdue.returncode == 0, overdue.stderr
    rows = list(csv.reader(overdue.stdout.splitlines()))
    assert rows[0] == ["action", "actionText", "deadline", "status", "responsible"] and len(rows) == 10
    by_short_name = run_cli("query", "cq06", "-p", "date=2023-01-01", "-f", "csv", "--input", graph)
    assert by_short_name.returncode == 0 and by_short_name.stdout == overdue.stdout
    as_json = run_cli("query", "cq13-units-with-open-actions", "-f", "json", "--input", graph)
    assert '"bindings"' in as_json.stdout
    custom = tmp_path / "count.rq"
    custom.write_text("# title: Count actions\nPREFIX kgb: <https://w3id.org/kgbuild/ontology#>\n"
                      "SELECT (COUNT(?a) AS ?n) WHERE { ?a a kgb:KeyAction }\n", encoding="utf-8")
    counted = run_cli("query", "--file", str(custom), "--input", graph)
    assert counted.returncode == 0 and "72" in counted.stdout


def test_cli_query_errors_exit_2(full_build):
    graph = str(full_build.outputs[0])
    unknown = run_cli("query", "no-such-query", "--input", graph)
    assert unknown.returncode == 2 and "cq01-actions-supporting-target" in unknown.stderr
    bad = run_cli("query", "cq06-overdue-actions", "-p", "day=2023-01-01", "--input", graph)
    assert bad.returncode == 2 and "date (date" in bad.stderr


def test_a_short_name_must_name_one_query(tmp_path):
    for name in ("cq1-first", "cq1-second", "cq2-only"):
        (tmp_path / f"{name}.rq").write_text(f"# title: {name}\nSELECT ?s WHERE {{ ?s ?p ?o }}\n", encoding="utf-8")
    assert get("cq2", tmp_path, short=True).name == "cq2-only"
    with pytest.raises(QueryError, match="names several saved queries: cq1-first, cq1-second"):
        get("cq1", tmp_path, short=True)
    with pytest.raises(QueryError, match="unknown query 'cq2'"):   # the library and the server take full names
        get("cq2", tmp_path)
    with pytest.raises(QueryError, match="unknown query 'cq2-o'"):   # a prefix stops at a hyphen
        get("cq2-o", tmp_path, short=True)


def test_the_catalog_is_read_again_when_a_file_changes(tmp_path):
    """The catalog is kept between calls (a server asks for it on every request), but any
    edit shows at once, even one that keeps the file's size, and so do added and removed files."""
    query = tmp_path / "q1-one.rq"
    query.write_text("# title: First\nSELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    assert get("q1-one", tmp_path).title == "First"
    query.write_text("# title: Other\nSELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    assert get("q1-one", tmp_path).title == "Other"
    (tmp_path / "q2-two.rq").write_text("# title: Two\nSELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    assert sorted(catalog(tmp_path)) == ["q1-one", "q2-two"]
    query.unlink()
    assert sorted(catalog(tmp_path)) == ["q2-two"]


def test_cli_failing_check_exits_1(full_build, tmp_path):
    check = tmp_path / "always-violation.rq"
    check.write_text("# title: Always fails\nPREFIX kgb: <https://w3id.org/kgbuild/ontology#>\n"
                     "SELECT ?a WHERE { ?a a kgb:Outcome }\n", encoding="utf-8")
    result = run_cli("query", "--file", str(check), "--input", str(full_build.outputs[0]))
    assert result.returncode == 1 and "6 rows" in result.stderr


def test_violation_checks_report_what_was_broken(full_build):
    """The checks are written for speed (MINUS, scans joined by hashing) and return no rows on
    the built graph; on a copy broken on purpose each must report exactly what was broken."""
    from kgbuild.namespaces import KGB
    from kgbuild.store import OxigraphStore
    store = OxigraphStore()
    store.load(full_build.outputs[0])

    def first(sparql: str) -> tuple:
        return store.select(sparql + " ORDER BY ?x LIMIT 1").rows[0]

    test_graph = "<https://w3id.org/kgbuild/id/graph/test/broken>"
    action, = first("SELECT ?x WHERE { ?x a kgb:KeyAction ; prov:wasDerivedFrom [] }")
    store.update(f"DELETE WHERE {{ GRAPH ?g {{ <{action}> prov:wasDerivedFrom ?d }} }}")
    missing, = first("SELECT ?x WHERE { ?x a kgb:Alignment ; kgb:confidence [] }")
    store.update(f"DELETE WHERE {{ GRAPH ?g {{ <{missing}> kgb:confidence ?c }} }}")
    too_high, = first(f"SELECT ?x WHERE {{ ?x a kgb:Alignment ; kgb:confidence [] FILTER (?x != <{missing}>) }}")
    store.update(f"DELETE WHERE {{ GRAPH ?g {{ <{too_high}> kgb:confidence ?c }} }} ;"
                 f"INSERT DATA {{ GRAPH {test_graph} {{ <{too_high}> kgb:confidence 1.5, 0.5 }} }}")
    supporter, target = first("SELECT ?x ?t WHERE { ?x kgb:supportsTarget ?t }")
    store.update(f"DELETE WHERE {{ GRAPH ?g {{ ?a kgb:alignmentOf <{supporter}> ; kgb:alignedTo <{target}> }} }}")
    store.update(f"INSERT DATA {{ GRAPH {test_graph} {{ <{action}> kgb:supportsTarget <{SDG}99.9> }} }}")
    overdue, = first("SELECT ?x WHERE { ?x kgb:status status:overdue-initiated ; kgb:deadline [] }")
    store.update(f"DELETE WHERE {{ GRAPH ?g {{ <{overdue}> kgb:deadline ?d }} }}")

    def found(name: str) -> set:
        return set(run(store, QUERIES[name]).rows)

    status = URIRef("https://w3id.org/kgbuild/vocab/key-action-status/overdue-initiated")
    assert found("extracted-without-provenance-violation") == {(action, KGB.KeyAction)}
    assert found("alignment-confidence-violation") == {(missing, None), (too_high, Literal("1.5", datatype=XSD.decimal))}
    assert found("support-without-alignment-violation") == {(supporter, target), (action, URIRef(f"{SDG}99.9"))}
    assert found("unofficial-sdg-target-violation") == {(action, URIRef(f"{SDG}99.9"))}
    assert found("overdue-without-deadline-violation") == {(overdue, status)}


def test_sort_keys_made_in_memory_keep_the_order(full_build):
    """cq05 and cq13 sort on CONCAT("~", …) copies of names and IRIs (for speed on disk):
    the rows must still come in the order of the values themselves."""
    cq05 = [tuple(str(t) for t in row[:3]) for row in run(full_build.store, QUERIES["cq05-action-status-counts"]).rows]
    assert len(cq05) > 10 and cq05 == sorted(cq05)
    cq13 = [(-int(row[2]), str(row[0])) for row in run(full_build.store, QUERIES["cq13-units-with-open-actions"]).rows]
    assert cq13 and cq13 == sorted(cq13)


def test_provenance_check_wants_a_source_document(full_build):
    """A resource whose only derivation is its span (the reasoner entails that one) lacks
    a source document and is reported."""
    from kgbuild.store import OxigraphStore
    store = OxigraphStore()
    store.load(full_build.outputs[0])
    (action,), = store.select("SELECT ?x WHERE { ?x a kgb:KeyAction ; kgb:sourceSpan [] } ORDER BY ?x LIMIT 1").rows
    store.update(f"DELETE {{ GRAPH ?g {{ <{action}> prov:wasDerivedFrom ?d }} }} "
                 f"WHERE {{ GRAPH ?g {{ <{action}> prov:wasDerivedFrom ?d }} GRAPH ?h {{ ?d a kgb:SourceDocument }} }}")
    assert store.ask(f"ASK {{ <{action}> prov:wasDerivedFrom ?d }}")   # the span's link is left
    assert {row[0] for row in run(store, QUERIES["extracted-without-provenance-violation"]).rows} == {action}


def test_result_formats_keep_their_columns_whatever_the_rows(full_build):
    """CSV and TSV are the SPARQL 1.1 formats: the header is the query's variables, with
    no label columns that come and go with the rows; TSV writes terms in Turtle syntax."""
    none = {"date": "1900-01-01"}
    assert run(full_build.store, QUERIES["cq06-overdue-actions"], none).rows == []
    assert answer(full_build.store, QUERIES["cq06-overdue-actions"], none, "csv").text == \
        "action,actionText,deadline,status,responsible\r\n"
    assert answer(full_build.store, QUERIES["cq06-overdue-actions"], none, "tsv").text == \
        "?action\t?actionText\t?deadline\t?status\t?responsible\n"
    tsv = answer(full_build.store, QUERIES["cq13-units-with-open-actions"], {}, "tsv").text.split("\n")
    cells = tsv[1].split("\t")
    assert cells[0].startswith("<https://") and cells[2].isdigit()   # Turtle syntax: an integer written bare


def test_table_shows_each_iri_with_its_least_label(full_build):
    """The table format puts beside each IRI its least rdfs:label, else its least
    skos:prefLabel, looked up for the whole result at once: here compared with a lookup
    per cell, on results holding parties and SDG targets (rdfs:label) and LNOB groups
    (skos:prefLabel only)."""
    from rdflib.namespace import RDFS, SKOS
    store = full_build.store
    kinds = set()
    for name in ("cq01-actions-supporting-target", "cq13-units-with-open-actions", "cq03-lnob-groups-by-agency"):
        table = run(store, QUERIES[name])
        lines = format_table(store, table).split("\n")[2:-1]
        assert len(lines) == len(table.rows) > 0
        for line, row in zip(lines, table.rows):
            for term in row:
                if not isinstance(term, URIRef):
                    continue
                for prop in (RDFS.label, SKOS.prefLabel):
                    labels = sorted(str(v) for v in store.objects(term, prop))
                    if labels:
                        kinds.add(prop)
                        shown = f"{labels[0]} <{term}>"
                        assert (shown if len(shown) <= 90 else shown[:89] + "…") in line, (name, term)
                        break
                else:
                    assert str(term)[:89] in line
    assert kinds == {RDFS.label, SKOS.prefLabel}, "both kinds of label must be exercised"


def test_dates_and_iris_are_validated_as_such():
    with pytest.raises(QueryError, match="date: '2023-13-45' is not a date"):
        bindings(get("cq06-overdue-actions"), {"date": "2023-13-45"})
    with pytest.raises(QueryError, match="not a date"):
        bindings(get("cq06-overdue-actions"), {"date": "2023-02-30"})
    with pytest.raises(QueryError, match="is not an IRI"):
        bindings(get("cq15-action-chain"), {"action": "two words"})


def test_a_broken_saved_query_is_named_and_the_rest_still_work(tmp_path):
    from kgbuild.queries import load_catalog
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "good.rq").write_text("# title: Good\nSELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    (folder / "untitled.rq").write_text("SELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    (folder / "typo.rq").write_text("# title: Typo\nSELECT ?s WHERE {\n  ?s ?p }\n", encoding="utf-8")
    (folder / "latin1.rq").write_bytes("# title: Caf\xe9\nSELECT * WHERE { ?s ?p ?o }\n".encode("latin-1"))
    (folder / "update.rq").write_text("# title: Wipe\nDELETE WHERE { ?s ?p ?o }\n", encoding="utf-8")
    good, broken = load_catalog(folder)
    assert list(good) == ["good"]
    assert any(re.search(r"typo\.rq:\d+:\d+: expected ", m) for m in broken)
    assert any("latin1.rq:1:13: not UTF-8" in m for m in broken)
    assert any("untitled.rq:1:1: saved query has no '# title:' line" in m for m in broken)
    assert any("update.rq: a SPARQL update" in m for m in broken)
    assert len(broken) == 4


def test_query_forms_and_refusals_through_the_cli(full_build, tmp_path):
    graph = str(full_build.outputs[0])
    ask = tmp_path / "ask.rq"
    ask.write_text("PREFIX kgb: <https://w3id.org/kgbuild/ontology#>\nASK { ?a a kgb:KeyAction }\n", encoding="utf-8")
    asked = run_cli("query", "--file", str(ask), "--input", graph)
    assert asked.returncode == 0 and asked.stdout == "true\n", asked.stderr
    construct = tmp_path / "outcomes.rq"
    construct.write_text("PREFIX kgb: <https://w3id.org/kgbuild/ontology#>\n"
                         "CONSTRUCT { ?o a kgb:Outcome } WHERE { ?o a kgb:Outcome }\n", encoding="utf-8")
    built = run_cli("query", "--file", str(construct), "-f", "ntriples", "--input", graph)
    assert built.returncode == 0 and built.stdout.count(" .\n") == 6, built.stderr
    as_csv = run_cli("query", "--file", str(construct), "-f", "csv", "--input", graph)
    assert as_csv.returncode == 2 and "gives a graph" in as_csv.stderr
    update = tmp_path / "wipe.rq"
    update.write_text("DELETE WHERE { ?s ?p ?o }\n", encoding="utf-8")
    refused = run_cli("query", "--file", str(update), "--input", graph)
    assert refused.returncode == 2 and "a SPARQL update" in refused.stderr
    service = tmp_path / "remote.rq"
    service.write_text("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }\n", encoding="utf-8")
    called = run_cli("query", "--file", str(service), "--input", graph)
    assert called.returncode == 2 and "--allow-service" in called.stderr
    syntax = tmp_path / "typo.rq"
    syntax.write_text("SELECT * WHERE {\n ?s ?p }\n", encoding="utf-8")
    typo = run_cli("query", "--file", str(syntax), "--input", graph)
    assert typo.returncode == 2 and re.search(r"typo\.rq:\d+:\d+: expected", typo.stderr)
    for result in (asked, built, as_csv, refused, called, typo):
        assert "Traceback" not in result.stderr


def test_runaway_queries_are_stopped(full_build, tmp_path):
    graph = str(full_build.outputs[0])
    runaway = tmp_path / "runaway.rq"
    runaway.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n", encoding="utf-8")
    stopped = run_cli("query", "--file", str(runaway), "--timeout", "1", "--input", graph)
    assert stopped.returncode == 2 and "stopped after 1 s" in stopped.stderr
    many = run_cli("query", "cq02-outcome-targets", "--max-rows", "5", "--input", graph)
    assert many.returncode == 2 and "more than 5 rows" in many.stderr


def test_ctrl_c_stops_a_query_with_exit_130(full_build, tmp_path):
    import signal
    import subprocess
    import sys
    import time
    runaway = tmp_path / "runaway.rq"
    runaway.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "kgbuild.cli", "query", "--file", str(runaway),
                                "--input", str(full_build.outputs[0])], stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130 and "interrupted" in stderr and "Traceback" not in stderr


def test_an_empty_graph_file_is_an_error_not_an_empty_answer(tmp_path):
    empty = tmp_path / "empty.nq"
    empty.write_text("", encoding="utf-8")
    for command in (("query", "cq05-action-status-counts"), ("validate",), ("stats",)):
        result = run_cli(*command, "--input", str(empty))
        assert result.returncode == 2 and "holds no triples" in result.stderr, command
