from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kgbuild.namespaces import SDG, SDGO
from kgbuild import project
from kgbuild.sdg import sdg_reference_graph


def as_graph(triples) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def test_official_goals_targets_indicators():
    graph = as_graph(sdg_reference_graph(project.current().sdg_rows))
    assert len(set(graph.subjects(RDF.type, SDGO.Goal))) == 17
    assert len(set(graph.subjects(RDF.type, SDGO.Target))) == 169
    assert len(set(graph.subjects(RDF.type, SDGO.Indicator))) == 232
    assert (SDG["5.2"], SDGO.isTargetOf, SDG["5"]) in graph
    assert (SDG["5.2"], SKOS.broader, SDG["5"]) in graph
    assert (SDG["C050201"], SDGO.isIndicatorOf, SDG["5.2"]) in graph
    assert (SDG["5.2"], SKOS.notation, Literal("5.2", datatype=SDGO.SDGCodeCompact)) in graph
    label = graph.value(SDG["5.2"], SKOS.prefLabel)
    assert label.language == "en" and str(label).startswith("Eliminate all forms of violence against all women")


def test_an_indicator_under_three_targets_is_one_resource():
    graph = as_graph(sdg_reference_graph(project.current().sdg_rows))
    disasters = URIRef("http://metadata.un.org/sdg/C200303")
    assert set(graph.objects(disasters, SDGO.isIndicatorOf)) == {SDG["1.5"], SDG["11.5"], SDG["13.1"]}
    notations = {str(n) for n in graph.objects(disasters, SKOS.notation)}
    assert {"1.5.1", "11.5.1", "13.1.1", "C200303"} == notations


def test_no_sdg_iri_is_minted_outside_the_official_namespace():
    graph = as_graph(sdg_reference_graph(project.current().sdg_rows))
    for s in set(graph.subjects(RDF.type, SKOS.Concept)):
        assert str(s).startswith("http://metadata.un.org/sdg/")
