"""The built graph: counts, provenance, named graphs, determinism, export round trips."""
from __future__ import annotations


import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import ORG, PROV, RDF, XSD

from conftest import MANAGEMENT_RESPONSES, SOURCES
from kgbuild.build import build, class_counts
from kgbuild.export import FORMATS, serialize
from kgbuild.mapping import map_document
from kgbuild.namespaces import KGB, OA, graph_iri
from kgbuild.readers import read_document
from kgbuild.vocab import scheme


def test_class_counts(mr_build):
    counts = class_counts(mr_build.kg)
    assert counts["Evaluation"] == 4
    assert counts["Recommendation"] == 26
    assert counts["ManagementResponse"] == 26
    assert counts["KeyAction"] == 72
    assert counts["Finding"] == 15
    assert not mr_build.errors


def test_key_action_fields_as_rdf(mr_build):
    rows = list(mr_build.kg.query("""
        SELECT ?deadline ?status ?text WHERE {
          ?a a kgb:KeyAction ; kgb:deadline ?deadline ; kgb:status ?status ; kgb:responsibleText ?text ;
             dcterms:description ?d .
          FILTER(STRSTARTS(?d, "Conduct Self-Assessment Exercise"))
        }"""))
    assert len(rows) == 1
    deadline, status, text = rows[0]
    assert deadline.datatype == XSD.gYearMonth and str(deadline) == "2022-12"
    assert scheme("key-action-status").pref_label(status) == "Overdue-Not Initiated"
    assert str(text) == "Country Office"


def test_every_extracted_resource_has_document_and_line_span(mr_build):
    kg = mr_build.kg
    for cls in (KGB.Evaluation, KGB.Recommendation, KGB.ManagementResponse, KGB.KeyAction, KGB.Finding):
        for resource in set(kg.dataset.subjects(RDF.type, cls)):
            doc = kg.dataset.value(resource, PROV.wasDerivedFrom)
            span = kg.dataset.value(resource, KGB.sourceSpan)
            assert doc is not None and span is not None, resource
            assert kg.dataset.value(span, OA.hasSource) == doc
            start, end = kg.dataset.value(span, KGB.startLine), kg.dataset.value(span, KGB.endLine)
            assert 1 <= start.toPython() <= end.toPython()
            selector = kg.dataset.value(span, OA.hasSelector)
            assert str(kg.dataset.value(selector, RDF.value)) == f"line={start.toPython() - 1},{end.toPython()}"


def test_the_span_points_at_the_row_in_the_file(mr_build):
    (row,) = mr_build.kg.query("""
        SELECT ?line ?docid WHERE {
          ?a a kgb:KeyAction ; kgb:responsibleText "M&E Assoacite" ; kgb:sourceSpan/kgb:endLine ?line ;
             prov:wasDerivedFrom/dcterms:identifier ?docid }""")
    lines = (SOURCES / f"{row[1]}.txt").read_text(encoding="utf-8").split("\n")
    assert lines[int(row[0]) - 1].startswith("M&E Assoacite 2019/12 Completed")


def test_responsible_parties_resolve_to_agencies_offices_and_posts(mr_build):
    kg = mr_build.kg
    agencies = scheme("un-entity")
    (row,) = kg.query("""SELECT (GROUP_CONCAT(STR(?p); separator=" ") AS ?ps) WHERE {
        ?a kgb:responsibleText "UN Women, IOM and ILO" ; kgb:responsibleParty ?p }""")
    assert set(str(row[0]).split()) == {str(agencies.lookup(n)) for n in ("UN Women", "IOM", "ILO")}
    offices = {str(o) for (o,) in kg.query("""SELECT DISTINCT ?o WHERE {
        ?a kgb:responsibleText "Country Office" ; kgb:responsibleParty ?o }""")}
    (office,) = offices
    assert office.endswith("/org/un-women/kaz-co")
    assert (URIRef(office), ORG.unitOf, agencies.lookup("UN Women")) in kg.dataset
    typo = set(kg.query("""SELECT ?p WHERE { ?a kgb:responsibleText "M&E Assoacite" ; kgb:responsibleParty ?p }"""))
    right = set(kg.query("""SELECT ?p WHERE { ?a kgb:responsibleText "M&E Associate" ; kgb:responsibleParty ?p }"""))
    assert typo == right and len(typo) == 1


def test_named_graphs_keep_sources_apart(mr_build):
    names = set(mr_build.kg.graph_names())
    assert graph_iri("ontology") in names and graph_iri("reference", "sdg") in names
    for name in MANAGEMENT_RESPONSES:
        assert graph_iri("source", name.removesuffix(".txt")) in names
    sdg_graph = mr_build.kg.graph(graph_iri("reference", "sdg"))
    assert not set(sdg_graph.subjects(RDF.type, KGB.KeyAction))


def test_a_document_maps_to_the_same_triples_alone_or_in_the_build(mr_build):
    name = "unwomen-gate-mr-kyrgyzstan-gpi-pbf-migration-2018-2022"
    alone = map_document(read_document(SOURCES / f"{name}.txt"))
    in_build = mr_build.kg.graph(graph_iri("source", name))
    assert set(alone) == set(in_build)


def test_two_builds_are_byte_identical(mr_sources, tmp_path):
    first = build(mr_sources, tmp_path / "a", reason=False, validate=False)
    second = build(mr_sources, tmp_path / "b", reason=False, validate=False)
    a = (tmp_path / "a" / "kgbuild.nq").read_bytes()
    assert a == (tmp_path / "b" / "kgbuild.nq").read_bytes()
    assert a.decode().splitlines() == sorted(a.decode().splitlines())
    source_lines = [line for line in a.decode().splitlines() if "/graph/source/" in line]
    assert source_lines and not any("_:" in line for line in source_lines)   # extracted data has no blank nodes
    assert len(first.kg) == len(second.kg)


def test_base_iri_is_configurable(mr_sources, tmp_path, monkeypatch):
    monkeypatch.setenv("KGBUILD_BASE", "http://example.org/kg/")
    result = build(mr_sources, tmp_path, write=False, align=False, reason=False, validate=False)
    subjects = {str(s) for s in result.kg.dataset.subjects(RDF.type, KGB.KeyAction)}
    assert subjects and all(s.startswith("http://example.org/kg/evaluation/") for s in subjects)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_export_format_parses_back_to_the_built_graph(mr_build, fmt):
    text = serialize(mr_build.kg, fmt)
    rdflib_format, quads, _ = FORMATS[fmt]
    if quads:
        parsed = Dataset()
        parsed.parse(data=text, format=rdflib_format)
        for name in mr_build.kg.graph_names():
            assert isomorphic(parsed.graph(name), mr_build.kg.graph(name)), name
        parsed_names = {g.identifier for g in parsed.graphs() if len(g)}
        assert parsed_names == set(mr_build.kg.graph_names())
    else:
        parsed = Graph().parse(data=text, format=rdflib_format)
        assert isomorphic(parsed, mr_build.kg.union())


def test_build_report_lists_problems_with_file_and_line(mr_build):
    from kgbuild.build import build_report
    report = build_report(mr_build)
    assert report["classes"]["KeyAction"] == 72
    typo = [p for p in report["problems"] if "Assoacite" in p["message"]]
    assert typo == [{"severity": "warning", "file": "undp-erc-kazakhstan-international-cooperation-outcome-2018.txt",
                     "line": 338, "message": typo[0]["message"]}]
