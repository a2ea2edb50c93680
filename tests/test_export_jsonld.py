"""The JSON-LD export: compact keys from the shipped context, the same bytes for the same
store, and the same quads when read back by Oxigraph and by rdflib."""
from __future__ import annotations

import json

import pytest
from conftest import ROOT
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from kgbuild.export import JsonLdTerms, jsonld, serialize, shipped_context
from kgbuild.store import OxigraphStore


def graphs_of(store) -> dict[str, Graph]:
    graphs: dict[str, Graph] = {}
    for s, p, o, g in store.quads():
        graphs.setdefault(str(g), Graph()).add((s, p, o))
    return graphs


def assert_same_quads(expected: dict[str, Graph], actual: dict[str, Graph]) -> None:
    assert sorted(actual) == sorted(expected)
    for name, graph in expected.items():   # isomorphic: a parser names blank nodes anew
        assert len(actual[name]) == len(graph) and isomorphic(actual[name], graph), name


@pytest.fixture(scope="module")
def exported(full_build) -> str:
    return serialize(full_build.store, "jsonld").decode("utf-8")


def test_the_same_store_gives_the_same_bytes(full_build, exported):
    copy = OxigraphStore()
    copy.add_to_graph("urn:x-test:unused", "")
    for name in reversed(full_build.store.graph_names()):   # another load order
        copy.replace_graph(name, full_build.store.dump("ntriples", name))
    assert jsonld(copy) == exported


def test_oxigraph_reads_back_the_same_quads(full_build, exported):
    import pyoxigraph as ox
    parsed = OxigraphStore()
    parsed._store.load(input=exported.encode("utf-8"), format=ox.RdfFormat.JSON_LD)
    assert_same_quads(graphs_of(full_build.store), graphs_of(parsed))


def test_rdflib_reads_back_the_same_quads(full_build, exported):
    dataset = Dataset()
    dataset.parse(data=exported, format="json-ld")
    parsed = {str(g.identifier): Graph() for g in dataset.graphs() if len(g)}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        parsed[str(g.identifier if hasattr(g, "identifier") else g)].add((s, p, o))
    assert_same_quads(graphs_of(full_build.store), parsed)


def test_keys_are_the_context_terms(exported):
    document = json.loads(exported)
    assert document["@context"] == shipped_context()
    nodes = [node for graph in document["@graph"] for node in graph["@graph"]]
    action = next(node for node in nodes if node.get("@type") == "KeyAction")
    assert {"deadline", "description", "wasDerivedFrom", "sourceSpan"} <= set(action)
    assert action["deadline"]["@type"] == "xsd:gYearMonth"
    assert isinstance(action["sourceSpan"], str)   # an IRI term: the IRI as a plain string
    supports = next(node["supportsTarget"] for node in nodes if "supportsTarget" in node)
    assert all(value.startswith("sdg:") for value in ([supports] if isinstance(supports, str) else supports))


def test_a_literal_under_an_iri_term_keeps_its_value():
    """A term whose values are IRIs ("@type": "@id") never takes a literal: the literal goes
    under the compact IRI, so it is not read back as an IRI."""
    context = {"ex": "http://example.org/ns#", "link": {"@id": "ex:link", "@type": "@id"}, "Thing": "ex:Thing"}
    store = OxigraphStore()
    store.replace_graph("http://example.org/g", """
        <http://example.org/a> <http://example.org/ns#link> <http://example.org/ns#b> .
        <http://example.org/a> <http://example.org/ns#link> "not an IRI" .
        <http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/ns#Thing> .
        <http://example.org/a> <http://example.org/ns#n> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .
        <http://example.org/a> <http://example.org/ns#t> "tekst"@nl .
        <http://example.org/a> <http://example.org/ns#p> _:b1 .
        _:b1 <http://example.org/ns#q> "x" .
        """)
    text = jsonld(store, context)
    (node, _) = json.loads(text)["@graph"][0]["@graph"]
    assert node["link"] == "ex:b" and node["ex:link"] == "not an IRI" and node["@type"] == "Thing"
    parsed = Dataset().parse(data=text, format="json-ld")
    assert isomorphic(Graph() + parsed.graph(URIRef("http://example.org/g")),
                      Graph().parse(data=store.dump("ntriples", "http://example.org/g"), format="nt"))


def test_the_context_names_every_term_the_ontology_declares():
    """The shipped context stays in step with the ontology: every declared class and
    property has a term or a prefix to be written with, and every term names a declared one."""
    ontology = Graph().parse(ROOT / "ontology" / "kgbuild.ttl")
    declared = {str(s) for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                for s in ontology.subjects(RDF.type, kind)}
    terms = JsonLdTerms(shipped_context())
    named = set(terms.terms) | set(terms.iri_terms)
    assert named <= declared, sorted(named - declared)
    unnamed = {iri for iri in declared - named if terms.compact(iri) == iri}
    assert not unnamed, sorted(unnamed)
    kgb = {iri for iri in declared if iri.startswith("https://w3id.org/kgbuild/ontology#")}
    assert kgb <= named, sorted(kgb - named)
