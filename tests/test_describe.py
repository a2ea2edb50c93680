"""The dataset description (graph/description): its counts are the store's, it conforms to
its shapes, every term it uses is declared and shaped, and it is the same for the same graphs."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD
from test_model import CLASS_TYPES, PROPERTY_TYPES, constrained, undeclared
from test_validation import copy_store

from kgbuild.describe import DESCRIPTION_FILE, describe, description_graph
from kgbuild.namespaces import DCAT, KGB, SDG_SCHEME, VOID, base_iri, graph_iri
from kgbuild.project import SettingsError, current
from kgbuild.validate import shapes_graph, validate

DATASET = URIRef(base_iri() + "dataset")


@pytest.fixture(scope="module")
def description(full_build) -> Graph:
    return Graph().parse(data=full_build.store.dump("ntriples", description_graph()), format="nt")


def count(store, pattern: str, select: str = "(COUNT(*) AS ?n)") -> int:
    """One COUNT over every graph but the description, over distinct triples."""
    (row,) = store.select(f"""SELECT {select} WHERE {{
        {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{description_graph()}>) }} }}
        {pattern} }}""")
    return int(row[0])


def integer(graph: Graph, node, predicate) -> int:
    (value,) = graph.objects(node, predicate)
    assert value.datatype == XSD.integer
    return int(value)


def test_dataset_counts_are_the_stores(full_build, description):
    store = full_build.store
    assert integer(description, DATASET, VOID.triples) == count(store, "") > 20000
    assert integer(description, DATASET, VOID.distinctSubjects) == count(store, "", "(COUNT(DISTINCT ?s) AS ?n)")
    assert integer(description, DATASET, VOID.distinctObjects) == count(store, "", "(COUNT(DISTINCT ?o) AS ?n)")
    assert integer(description, DATASET, VOID.properties) == count(store, "", "(COUNT(DISTINCT ?p) AS ?n)")
    assert integer(description, DATASET, VOID.classes) == count(store, "FILTER(?p = rdf:type)", "(COUNT(DISTINCT ?o) AS ?n)")
    assert integer(description, DATASET, VOID.entities) == count(
        store, f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base_iri()}"))', "(COUNT(DISTINCT ?s) AS ?n)")


def test_every_partition_and_subset_count_is_the_stores(full_build, description):
    store = full_build.store
    classes = list(description.objects(DATASET, VOID.classPartition))
    properties = list(description.objects(DATASET, VOID.propertyPartition))
    assert len(classes) == integer(description, DATASET, VOID.classes)
    assert len(properties) == integer(description, DATASET, VOID.properties)
    for partition in classes:
        (cls,) = description.objects(partition, VOID["class"])
        assert integer(description, partition, VOID.entities) == count(
            store, f"FILTER(?p = rdf:type && ?o = <{cls}>)", "(COUNT(DISTINCT ?s) AS ?n)"), cls
    for partition in properties:
        (prop,) = description.objects(partition, VOID.property)
        assert integer(description, partition, VOID.triples) == count(store, f"FILTER(?p = <{prop}>)"), prop
    graphs = {g for g in store.graph_names() if g != description_graph()}
    subsets = {str(s) for s in description.objects(DATASET, VOID.subset) if (s, RDF.type, VOID.Linkset) not in description}
    assert subsets == graphs
    for graph in graphs:
        assert integer(description, URIRef(graph), VOID.triples) == store.count(graph)


def test_sdg_linksets_count_the_links_to_sdg_iris(full_build, description):
    linksets = {description.value(ls, VOID.linkPredicate): ls for ls in description.subjects(RDF.type, VOID.Linkset)}
    assert {KGB.supportsTarget, KGB.primaryTarget, KGB.globalIndicator} <= set(linksets)
    for predicate, linkset in linksets.items():
        assert description.value(linkset, VOID.objectsTarget) == SDG_SCHEME
        assert description.value(linkset, VOID.subjectsTarget) == DATASET
        assert integer(description, linkset, VOID.triples) == count(
            full_build.store, f'FILTER(?p = <{predicate}> && STRSTARTS(STR(?s), "{base_iri()}") '
            f'&& STRSTARTS(STR(?o), "http://metadata.un.org/sdg/"))') > 0, predicate


def test_dcat_and_prov_come_from_the_settings_and_the_documents(full_build, description):
    settings = current().settings(current().root / "data" / "dataset.toml")
    assert description.value(DATASET, DCTERMS.license) == URIRef(settings["license"])
    assert (DATASET, DCTERMS.title, Literal(settings["title"], lang="en")) in description
    assert description.value(DATASET, VOID.sparqlEndpoint) is None   # none configured
    from kgbuild.export import FORMATS
    assert len(list(description.objects(DATASET, DCAT.distribution))) == len(FORMATS)
    store = full_build.store
    documents = {row[0] for row in store.select("SELECT ?d WHERE { ?d a kgb:SourceDocument }")}
    activity = description.value(DATASET, PROV.wasGeneratedBy)
    assert set(description.objects(activity, PROV.used)) == documents and len(documents) == 5
    countries = {str(row[0]) for row in store.select("SELECT DISTINCT ?c WHERE { ?s kgb:country ?c }")}
    assert {str(s).rsplit("/", 1)[1] for s in description.objects(DATASET, DCTERMS.spatial)} == countries
    (newest,) = store.select("SELECT (MAX(?d) AS ?n) WHERE { ?s dcterms:modified|dcterms:created ?d "
                             "FILTER(DATATYPE(?d) = xsd:date) }")
    assert description.value(DATASET, DCTERMS.modified) == newest[0]
    period = description.value(DATASET, DCTERMS.temporal)
    years = [int(str(row[0])[:4]) for row in store.select(
        "SELECT ?v WHERE { ?s kgb:periodStart|kgb:periodEnd|kgb:deadline ?v }")]
    assert int(str(description.value(period, DCAT.startDate))[:4]) == min(years)
    assert int(str(description.value(period, DCAT.endDate))[:4]) == max(years)


def test_a_configured_endpoint_is_described_and_missing_settings_are_named(full_build):
    store = copy_store(full_build.store)
    settings = dict(current().settings(current().root / "data" / "dataset.toml"))
    describe(store, settings | {"sparql_endpoint": "https://example.org/sparql"})
    assert store.objects(str(DATASET), str(VOID.sparqlEndpoint)) == [URIRef("https://example.org/sparql")]
    with pytest.raises(SettingsError, match=r"dataset\.toml: missing license"):
        describe(store, {k: v for k, v in settings.items() if k != "license"})


def test_the_description_conforms_to_its_shapes(full_build):
    report = validate(full_build.store)
    assert report.violations == 0
    described = {str(s) for s in Graph().parse(data=full_build.store.dump("ntriples", description_graph()),
                                               format="nt").subjects()}
    assert not [r for r in report.results if str(r.focus) in described]


def test_the_shapes_catch_a_broken_description(full_build):
    store = copy_store(full_build.store)
    graph = f"<{description_graph()}>"
    store.update(f"""DELETE WHERE {{ GRAPH {graph} {{ <{DATASET}> void:triples ?n }} }} ;
        DELETE WHERE {{ GRAPH {graph} {{ <{DATASET}> dcterms:license ?l }} }} ;
        DELETE {{ GRAPH {graph} {{ ?p void:entities ?n }} }} INSERT {{ GRAPH {graph} {{ ?p void:entities -1 }} }}
          WHERE {{ GRAPH {graph} {{ ?p void:class kgb:KeyAction ; void:entities ?n }} }} ;
        INSERT DATA {{ GRAPH {graph} {{ <{base_iri()}dataset/distribution/nt> dcat:mediaType "text/plain" }} }}""")
    violations = {(r.shape, r.path) for r in validate(store).results if r.severity == "Violation"}
    assert violations == {("VoID dataset", "triples"), ("dataset description", "license"),
                          ("class partition", "entities"), ("distribution", "mediaType")}


def test_every_term_of_the_description_is_declared_and_shaped(full_build, description):
    ontology = Graph().parse(data=full_build.store.dump("ntriples", graph_iri("ontology")), format="nt")
    predicates = set(description.predicates()) - {RDF.type}
    classes = set(description.objects(None, RDF.type))
    assert not undeclared(classes, ontology, CLASS_TYPES) and not undeclared(predicates, ontology, PROPERTY_TYPES)
    shaped_properties, shaped_classes = constrained(shapes_graph())
    assert predicates - shaped_properties == set()
    assert classes - shaped_classes <= {VOID.Dataset}   # a subset's type, shaped by sh:class and void:subset


def test_two_builds_write_the_same_description(mr_sources, tmp_path):
    from kgbuild.build import build
    first = build(mr_sources, tmp_path / "a", reason=False, validate=False)
    build(mr_sources, tmp_path / "b", reason=False, validate=False)
    text = (tmp_path / "a" / DESCRIPTION_FILE).read_bytes()
    assert text == (tmp_path / "b" / DESCRIPTION_FILE).read_bytes() and b"void:triples" in text
    assert "describe" in first.stages and first.stages["describe"].counts["triples"] > 100
