"""The compiled SHACL engine (kgbuild.shacl_sparql) against the reference (pySHACL).

Equivalence is the set of (focus node, path, value, severity, source shape) both engines
report: on the built graph, on the built graph with one planted violation per shape, and
on small cases in tests/shacl_cases/, written in the style of the W3C SHACL core tests
(data, shapes and the expected report in one Turtle file), one or more per component the
project's shapes use. Both engines must also give the expected report of each case.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from kgbuild.namespaces import graph_iri
from kgbuild.shacl_sparql import UnsupportedShapeError, class_closure, compile_shapes, not_exists_as_minus
from kgbuild.store import OxigraphStore, ntriples
from kgbuild.validate import (ENGINES, LOCATE_BATCH, data_graph_names, locate_all, path_text, shapes_graph,
                              validate)
from test_validation import copy_store, plant

CASES = sorted((Path(__file__).parent / "shacl_cases").glob("*.ttl"))
# Cases where pySHACL departs from SHACL 1.0 (each file says how): the compiled engine only.
SPEC_ONLY = sorted((Path(__file__).parent / "shacl_cases" / "spec-only").glob("*.ttl"))
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
EX = Namespace("http://example.org/ns#")
BLANK = "(a blank node)"


def comparable(shapes: Graph, focus, path, value, severity, shape, component) -> tuple:
    """A result as comparable values: blank nodes (values, paths) are compared by what they
    are, literals by value (the store keeps `1.0` as the decimal `1`)."""
    return (focus, path_text(shapes, path) if path is not None else None, _value(value), severity, shape, component)


def _value(term):
    if isinstance(term, BNode):
        return BLANK
    if isinstance(term, Literal):
        return ("literal", str(term.datatype), term.language, str(term) if term.ill_typed else term.toPython())
    return term


def keys(report, shapes: Graph) -> set[tuple]:
    return {comparable(shapes, r.focus, r.path, r.value, r.severity, r.shape, r.component)
            for r in report.shape_results}


def case_store(graph: Graph) -> OxigraphStore:
    """The case file as one data graph, as the W3C tests use it (data and shapes together)."""
    store = OxigraphStore()
    store.replace_graph(str(graph_iri("source", "case")), ntriples(graph))
    return store


def expected_results(graph: Graph) -> tuple[set[tuple], dict[tuple, str]]:
    (report,) = graph.objects(None, MF.result)
    expected, messages = set(), {}
    for node in graph.objects(report, SH.result):
        key = comparable(graph, *(graph.value(node, p) for p in (
            SH.focusNode, SH.resultPath, SH.value, SH.resultSeverity, SH.sourceShape, SH.sourceConstraintComponent)))
        expected.add(key)
        if graph.value(node, SH.resultMessage) is not None:
            messages[key] = str(graph.value(node, SH.resultMessage))
    return expected, messages


@pytest.mark.parametrize("case, engine", [(c, e) for c in CASES for e in ENGINES] + [(c, "sparql") for c in SPEC_ONLY],
                         ids=[f"{e}-{c.stem}" for c in CASES for e in ENGINES] + [f"sparql-{c.stem}" for c in SPEC_ONLY])
def test_constructed_case_gives_the_expected_report(case, engine):
    graph = Graph().parse(case, format="turtle", publicID="urn:case:" + case.stem)
    expected, messages = expected_results(graph)
    assert expected, f"{case.name} expects no result: a case must be able to fail"
    report = validate(case_store(graph), engine=engine, shapes=graph)
    assert keys(report, graph) == expected
    if engine == "sparql":
        found = {comparable(graph, r.focus, r.path, r.value, r.severity, r.shape, r.component): r.message
                 for r in report.shape_results}
        for key, message in messages.items():
            assert found[key] == message


def test_cases_cover_every_component_the_project_shapes_use():
    """Each constraint parameter and target kind of shapes/ appears in some constructed case."""
    used = {p for p in shapes_graph().predicates() if str(p).startswith(str(SH))}
    covered = set()
    for case in CASES:
        covered |= {p for p in Graph().parse(case, format="turtle").predicates() if str(p).startswith(str(SH))}
    structural = {SH.declare, SH.prefix, SH.namespace, SH.prefixes, SH.select, SH.property, SH.path}
    assert used - structural <= covered, sorted(used - covered)


def test_subclass_axioms_come_from_the_ontology_graph_and_reasoning_output_is_not_data():
    """sh:class and sh:targetClass use rdfs:subClassOf from graph/ontology; triples in
    graph/inferred/reasoning are neither focus nodes nor values."""
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/ns#> .
        ex:S a sh:NodeShape ; sh:targetClass ex:Agent ; sh:property ex:S-boss .
        ex:S-boss sh:path ex:boss ; sh:class ex:Agent .""", format="turtle")
    store = OxigraphStore()
    ex = "http://example.org/ns#"
    store.replace_graph(str(graph_iri("ontology")), f"<{ex}Person> <{RDF}type> <http://www.w3.org/2002/07/owl#Class> ."
                        f"\n<{ex}Person> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{ex}Agent> .\n")
    store.replace_graph(str(graph_iri("source", "people")),
                        f"<{ex}ann> <{RDF}type> <{ex}Person> .\n<{ex}ann> <{ex}boss> <{ex}bob> .\n"
                        f"<{ex}bob> <{RDF}type> <{ex}Person> .\n<{ex}bob> <{ex}boss> <{ex}cat> .\n")
    store.replace_graph(str(graph_iri("inferred", "reasoning")),
                        f"<{ex}cat> <{RDF}type> <{ex}Agent> .\n<{ex}dan> <{RDF}type> <{ex}Agent> .\n")
    for engine in ENGINES:
        report = validate(store, engine=engine, shapes=shapes)
        assert {(r.focus, r.value) for r in report.shape_results} == {(EX.bob, EX.cat)}, engine


@pytest.mark.parametrize("shapes_text, named", [
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .", "http://example.org/ns#S"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:T ] .\n"
     "ex:T a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:qualifiedValueShape ex:U ; sh:qualifiedMinCount 1 ] .",
     "http://example.org/ns#T"),
])
def test_compiler_refuses_an_unsupported_component_naming_the_shape(shapes_text, named):
    shapes = Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/ns#> .\n"
                           + shapes_text, format="turtle")
    store = OxigraphStore()
    store.replace_graph(str(graph_iri("source", "x")), "<http://example.org/ns#a> "
                        f"<{RDF}type> <http://example.org/ns#C> .\n")
    with pytest.raises(UnsupportedShapeError) as error:
        validate(store, shapes=shapes)
    assert named in str(error.value) and "not supported" in str(error.value)


def test_every_constraint_of_the_project_shapes_compiles_to_one_query():
    compiled = compile_shapes(shapes_graph())
    assert len(compiled.constraints) >= 100
    assert all(c.sparql.lstrip().startswith(("SELECT", "PREFIX")) for c in compiled.constraints)


@pytest.mark.parametrize("select, rewritten", [
    (("SELECT ?this ?value WHERE { { ?this ex:s ?value } UNION { ?this ex:b ?value } "
      "FILTER NOT EXISTS { ?a ex:of ?this ; ex:to ?value } }"), True),
    ("SELECT ?this WHERE { ?this ex:s ?v . FILTER (?v > 1) FILTER NOT EXISTS { ?this ex:o ?x . ?x a ex:C } }", True),
    ("SELECT ?this WHERE { ?this a ex:C . FILTER NOT EXISTS { ?a a ex:Audit ; ex:covers ?x } }", False),  # no shared variable
    ("SELECT ?this WHERE { ?this ex:c ?d . FILTER NOT EXISTS { ?r ex:of ?this ; ex:on ?e FILTER(?e > ?d) } }", False),
    ("SELECT ?this WHERE { OPTIONAL { ?this ex:s ?v } FILTER NOT EXISTS { ?this ex:o ?x . ?x a ex:C } }", False),
    ("SELECT ?this WHERE { ?this ex:s ?v FILTER NOT EXISTS { ?this ex:o ?x . ?x a ex:C } ?this ex:t ?w }", False),
])
def test_not_exists_becomes_minus_only_where_equivalent(select, rewritten):
    """Oxigraph runs a NOT EXISTS of several patterns over the whole graph per solution; the
    compiler makes it a MINUS where every solution binds a variable of it, and only there."""
    result = not_exists_as_minus(select)
    assert ("NOT EXISTS" not in result and "MINUS" in result) if rewritten else result == select


def test_the_project_rules_need_no_not_exists():
    """The project's SPARQL constraints all qualify: none keeps a NOT EXISTS (the "asserted
    support" rule took 8.5 s of the 15 s of validation at 700k quads with one)."""
    compiled = compile_shapes(shapes_graph())
    rules = [c.sparql for c in compiled.constraints if c.constraint is not None]
    assert any("MINUS" in sparql for sparql in rules)
    assert not any("NOT EXISTS" in sparql for sparql in rules)


@pytest.fixture(scope="module")
def seed_store(full_build):
    return full_build.store


@pytest.fixture(scope="module")
def planted_store(seed_store):
    store = copy_store(seed_store)
    plant(store)
    return store


@pytest.mark.parametrize("which", ["seed", "planted"])
def test_both_engines_report_the_same_results_on_the_built_graph(which, seed_store, planted_store):
    store = seed_store if which == "seed" else planted_store
    shapes = shapes_graph()
    compiled, reference = (validate(store, engine=engine, shapes=shapes) for engine in ("sparql", "pyshacl"))
    assert keys(compiled, shapes) == keys(reference, shapes)
    assert [(r.severity, r.shape, r.focus, r.file, r.line) for r in compiled.results] == \
        [(r.severity, r.shape, r.focus, r.file, r.line) for r in reference.results]
    if which == "planted":
        assert compiled.violations > 0


class CountingStore:
    """A store that counts its SELECTs (the constraint queries run in threads)."""

    def __init__(self, store):
        self.store, self.selects, self.lock = store, 0, threading.Lock()

    def select(self, *args, **kwargs):
        with self.lock:
            self.selects += 1
        return self.store.select(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.store, name)


def test_query_count_does_not_grow_with_the_results(seed_store, planted_store):
    """One query per constraint, and one locating query per LOCATE_BATCH results, however
    many focus nodes or results there are."""
    compiled = compile_shapes(shapes_graph(), class_closure(seed_store, seed_store.graph_names()))
    runs = []
    for store in (seed_store, planted_store):
        counting = CountingStore(store)
        results = compiled.run(counting, data_graph_names(store))
        queried = counting.selects
        located = locate_all(counting, data_graph_names(store), {r.focus for r in results})
        runs.append((queried, counting.selects - queried, len(results), len(located)))
    assert runs[0][2] < runs[1][2] and runs[1][3] > 0
    assert runs[0][0] == runs[1][0] == len(compiled.constraints)
    assert all(locating == -(-found // LOCATE_BATCH) for _, locating, found, _ in runs)


def test_report_file_is_a_deterministic_shacl_report(planted_store, tmp_path):
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    report = validate(planted_store)
    report.write(first)
    validate(planted_store).write(second)
    assert first.read_bytes() == second.read_bytes()
    graph = Graph().parse(first, format="turtle")
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert len(list(graph.objects(node, SH.result))) == len(report.shape_results)
    assert str(graph.value(node, SH.conforms)) == "false"
    for result in graph.objects(node, SH.result):   # a blank source shape travels with its description
        shape = graph.value(result, SH.sourceShape)
        assert isinstance(shape, URIRef) or graph.value(shape, SH.path) is not None
