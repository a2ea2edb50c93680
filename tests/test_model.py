"""One model: the ontology declares every term the code emits, the shapes constrain each of
them, and the shapes name no term the ontology lacks.

Emitted terms are the predicates and the rdf:type classes of the graphs our code writes,
read from the seed build:
- graph/source/<document>: what the readers and mappers made of each document;
- graph/inferred/alignment: the aligner's proposals and supports. They are inferred, but
  our code asserts them, so they are held to the model like what was read.
Not counted: the reference and vocabulary graphs (curated data files, not code output),
the ontology graph itself, and graph/inferred/reasoning, whose triples are entailments of
the ontology (whatever they use, the ontology already names).

Declared means typed in the ontology graph (ontology/kgbuild.ttl and the UN SDG ontology
it imports): a class as owl:Class, a property as owl:ObjectProperty, owl:DatatypeProperty
or owl:AnnotationProperty. This holds for reused terms (DCTERMS, PROV, ORG, SKOS, OA,
rdfs:label) as for ours: the ontology restates how it uses them. Terms of the rdf:
namespace (rdf:type, rdf:value) are RDF's own and OWL 2 forbids declaring them; they are
exempt from declaration, not from shapes.

Constrained means named by a shape that applies to data: a node shape with a target, or one
reached from it through sh:property, sh:node or a logical list. A property is constrained by
such a shape's sh:path (any IRI in the path) or its sh:targetSubjectsOf / sh:targetObjectsOf;
a class by its sh:targetClass, or by the sh:class of a node shape reached through sh:node
(its instances are then validated by that shape).
"""
from __future__ import annotations

import re

import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, SH

from kgbuild.namespaces import graph_iri
from kgbuild.validate import shapes_graph, validate
from test_shacl_engine import keys
from test_validation import CPE, ERC, FW, KGZ, copy_store, iri, source

CLASS_TYPES = {OWL.Class}
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
NESTING = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
LISTS = (SH["and"], SH["or"], SH.xone)
PATH_LISTS = (SH.alternativePath,)
PATH_WRAPPERS = (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)


def is_rdf_own(term: URIRef) -> bool:
    return str(term).startswith(str(RDF))


@pytest.fixture(scope="module")
def emitted(full_build) -> tuple[set[URIRef], set[URIRef]]:
    """(predicates, classes) of the graphs the code writes (see the module's docstring)."""
    store = full_build.store
    graphs = [g for g in store.graph_names()
              if g.startswith(graph_iri("source", "")) or g == graph_iri("inferred", "alignment")]
    assert any(g.startswith(graph_iri("source", "")) for g in graphs)
    predicates = {row[0] for row in store.select("SELECT DISTINCT ?p WHERE { ?s ?p ?o }", graphs=graphs)}
    classes = {row[0] for row in store.select("SELECT DISTINCT ?c WHERE { ?s a ?c }", graphs=graphs)}
    return predicates - {RDF.type}, classes


@pytest.fixture(scope="module")
def ontology(full_build) -> Graph:
    """The ontology graph exactly as the build loaded it."""
    return Graph().parse(data=full_build.store.dump("ntriples", graph_iri("ontology")), format="nt")


def undeclared(terms, ontology: Graph, kinds: set[URIRef]) -> set[URIRef]:
    return {t for t in terms if not is_rdf_own(t) and not set(ontology.objects(t, RDF.type)) & kinds}


def listing(classes: set[URIRef], properties: set[URIRef]) -> list[str]:
    """The missing terms, one a line, for the failure message."""
    return [f"class {c}" for c in sorted(classes)] + [f"property {p}" for p in sorted(properties)]


def applied_shapes(shapes: Graph) -> set:
    """Node and property shapes that apply to data: targeted ones and all they reach."""
    todo = [s for p in TARGETS for s in shapes.subjects(p, None)]
    seen = set()
    while todo:
        shape = todo.pop()
        if shape in seen:
            continue
        seen.add(shape)
        todo += [o for p in NESTING for o in shapes.objects(shape, p)]
        todo += [m for p in LISTS for lst in shapes.objects(shape, p) for m in Collection(shapes, lst)]
    return seen


def path_iris(shapes: Graph, path) -> set[URIRef]:
    """Every predicate IRI of a SHACL property path."""
    if isinstance(path, URIRef):
        return {path}
    found = set()
    if shapes.value(path, RDF.first) is not None:
        for step in Collection(shapes, path):
            found |= path_iris(shapes, step)
    for p in PATH_LISTS:
        for lst in shapes.objects(path, p):
            for step in Collection(shapes, lst):
                found |= path_iris(shapes, step)
    for p in PATH_WRAPPERS:
        for inner in shapes.objects(path, p):
            found |= path_iris(shapes, inner)
    return found


def constrained(shapes: Graph) -> tuple[set[URIRef], set[URIRef]]:
    """(properties, classes) the applied shapes constrain (see the module's docstring)."""
    applied = applied_shapes(shapes)
    properties, classes = set(), set()
    for shape in applied:
        for path in shapes.objects(shape, SH.path):
            properties |= path_iris(shapes, path)
        properties |= set(shapes.objects(shape, SH.targetSubjectsOf)) | set(shapes.objects(shape, SH.targetObjectsOf))
        classes |= set(shapes.objects(shape, SH.targetClass))
        if shapes.value(shape, SH.path) is None and (None, SH.node, shape) in shapes:
            classes |= set(shapes.objects(shape, SH["class"]))
    return properties, classes


def sparql_terms(shapes: Graph) -> tuple[set[URIRef], set[URIRef]]:
    """(properties, classes) the SPARQL constraints name by prefixed name, resolved through
    the shapes' sh:declare; a local name with a capital initial names a class."""
    namespaces = {str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
                  for d in shapes.objects(None, SH.declare)}
    properties, classes = set(), set()
    for select in shapes.objects(None, SH.select):
        for prefix, local in re.findall(r"(?<![\w<])([A-Za-z][\w-]*):([A-Za-z_][\w-]*)", str(select)):
            if prefix in namespaces:
                (classes if local[0].isupper() else properties).add(URIRef(namespaces[prefix] + local))
    return properties, classes


def test_every_emitted_term_is_declared_in_the_ontology(emitted, ontology):
    predicates, classes = emitted
    missing = listing(undeclared(classes, ontology, CLASS_TYPES), undeclared(predicates, ontology, PROPERTY_TYPES))
    assert not missing, "emitted but not declared in the ontology:\n" + "\n".join(missing)


def test_every_emitted_term_is_constrained_by_a_shape(emitted):
    predicates, classes = emitted
    properties, shaped_classes = constrained(shapes_graph())
    missing = listing(classes - shaped_classes, predicates - properties)
    assert not missing, "emitted but constrained by no shape:\n" + "\n".join(missing)


def test_every_term_a_shape_names_is_declared_in_the_ontology(ontology):
    """Paths, targets, value classes, compared properties, and the prefixed names the SPARQL
    constraints use: a shape never constrains a term the model lacks."""
    shapes = shapes_graph()
    properties, classes = set(), set()
    for shape in set(shapes.subjects(SH.path, None)):
        for path in shapes.objects(shape, SH.path):
            properties |= path_iris(shapes, path)
    for p in (SH.targetSubjectsOf, SH.targetObjectsOf, SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint):
        properties |= set(shapes.objects(None, p))
    for p in (SH.targetClass, SH["class"]):
        classes |= set(shapes.objects(None, p))
    sparql_properties, sparql_classes = sparql_terms(shapes)
    properties |= sparql_properties
    classes |= sparql_classes
    missing = listing(undeclared(classes, ontology, CLASS_TYPES), undeclared(properties, ontology, PROPERTY_TYPES))
    assert not missing, "named by a shape but not declared in the ontology:\n" + "\n".join(missing)


def test_the_rules_catch_what_they_are_for():
    """The collectors see through the shapes' structures: a path in a sequence, a class of a
    node shape reached by sh:node, the names in a SPARQL constraint; an untargeted shape
    constrains nothing."""
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/ns#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:A a sh:NodeShape ; sh:targetClass ex:Item ;
            sh:property [ sh:path ( ex:p [ sh:inversePath ex:q ] ) ] ;
            sh:property [ sh:path ex:r ; sh:node ex:B ] ;
            sh:or ( [ sh:path ex:s ; sh:minCount 1 ] ) .
        ex:B a sh:NodeShape ; sh:class ex:Part ; sh:property [ sh:path ex:t ] .
        ex:BySubjects a sh:NodeShape ; sh:property [ sh:path ex:u ] ; sh:targetSubjectsOf ex:v .
        ex:Idle a sh:NodeShape ; sh:property [ sh:path ex:w ] .
        ex:Rules sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/ns#"^^xsd:anyURI ] .
        ex:C a sh:NodeShape ; sh:targetNode ex:x ; sh:sparql [ sh:prefixes ex:Rules ;
            sh:select "SELECT $this WHERE { $this ex:owner/a ex:Person . FILTER(STRSTARTS(STR($this), 'http://ex')) }" ] .
        """, format="turtle")
    properties, classes = constrained(shapes)
    ex = "http://example.org/ns#"
    assert {str(p) for p in properties} == {ex + n for n in ("p", "q", "r", "s", "t", "u", "v")}
    assert {str(c) for c in classes} == {ex + "Item", ex + "Part"}
    assert sparql_terms(shapes) == ({URIRef(ex + "owner")}, {URIRef(ex + "Person")})


# One violation planted per shape and constraint the model completion added: the shapes
# catch what they are for, and both engines agree on them (tests/test_shacl_engine.py plants
# one per older shape). Shape label -> (focus node, SPARQL update making it fail).
RFC_SELECTOR = f"evaluation/{ERC}/finding/11/span/selector"   # lines 143-150 of the ERC page
UNDP_OFFICE, ME_POST = "org/undp/kaz-co", "org/undp/kaz-co/post/m-e-associate"
UNDP = "https://w3id.org/kgbuild/vocab/un-entity/undp"
EXPANSION = "https://w3id.org/kgbuild/vocab/lnob-group/expansion-rural-youth-and-women"
GOAL_5 = "http://metadata.un.org/sdg/5"


def replace(graph: str, node: str, predicate: str, value: str) -> str:
    return (f"DELETE WHERE {{ GRAPH {graph} {{ {node} {predicate} ?old }} }} ; "
            f"INSERT DATA {{ GRAPH {graph} {{ {node} {predicate} {value} }} }}")


NEW_PLANTS = {
    "line selector": (iri(RFC_SELECTOR), replace(source(ERC), iri(RFC_SELECTOR), "rdf:value", '"lines 143-150"')),
    "source document": (iri(f"source/{FW}"), replace(source(FW), iri(f"source/{FW}"), "dcterms:format", '"plain text"')),
    "labelled resource": (iri(f"framework/{FW}/outcome/1.1"),
                          f'INSERT DATA {{ GRAPH {source(FW)} {{ {iri(f"framework/{FW}/outcome/1.1")} rdfs:label "again" }} }}'),
    "cooperation framework": (iri(f"framework/{FW}"), replace(source(FW), iri(f"framework/{FW}"), "kgb:country", '"Kazakhstan"')),
    "thematic area": (iri(f"framework/{FW}/thematic-area/1"),
                      f'INSERT DATA {{ GRAPH {source(FW)} {{ {iri(f"framework/{FW}/thematic-area/1")} skos:notation "9" }} }}'),
    "result group": (iri(f"framework/{FW}/result-group/peace"),
                     f'DELETE WHERE {{ GRAPH {source(FW)} {{ {iri(f"framework/{FW}/result-group/peace")} kgb:coversOutcome ?o }} }}'),
    "concept scheme": (iri(f"framework/{FW}/thematic-areas"),
                       f'DELETE WHERE {{ GRAPH {source(FW)} {{ {iri(f"framework/{FW}/thematic-areas")} skos:prefLabel ?l }} }}'),
    "organization": (f"<{UNDP}>", f"INSERT DATA {{ GRAPH {source(ERC)} {{ <{UNDP}> org:hasUnit {iri(ME_POST)} }} }}"),
    "organizational unit": (iri(UNDP_OFFICE), replace(source(ERC), iri(UNDP_OFFICE), "kgb:country", '"Kaz"')),
    "post": (iri(ME_POST), f"DELETE WHERE {{ GRAPH {source(ERC)} {{ {iri(ME_POST)} org:postIn ?o }} }}"),
    "concept": (f"<{GOAL_5}>", f"INSERT DATA {{ GRAPH {source(FW)} {{ <{GOAL_5}> skos:inScheme <{GOAL_5}> }} }}"),
    "label expansion": (f"<{EXPANSION}>", f"DELETE WHERE {{ GRAPH ?g {{ <{EXPANSION}> kgb:expandsTo "
                                           f"<https://w3id.org/kgbuild/vocab/lnob-group/rural-women> }} }}"),
    "evaluation": (iri(f"evaluation/{ERC}"), replace(source(ERC), iri(f"evaluation/{ERC}"), "kgb:jointEvaluation", '"no"')),
    "recommendation": (iri(f"evaluation/{KGZ}/recommendation/3"),
                       f'INSERT DATA {{ GRAPH {source(KGZ)} {{ {iri(f"evaluation/{KGZ}/recommendation/3")} kgb:rationale "again" }} }}'),
    "management response": (iri(f"evaluation/{CPE}/recommendation/2/response"),
                            f'INSERT DATA {{ GRAPH {source(CPE)} {{ {iri(f"evaluation/{CPE}/recommendation/2/response")} '
                            f'kgb:responseCategoryText "again" }} }}'),
    "key action": (iri(f"evaluation/{ERC}/recommendation/3/response/action/4"),
                   f'INSERT DATA {{ GRAPH {source(ERC)} {{ {iri(f"evaluation/{ERC}/recommendation/3/response/action/4")} '
                   f'kgb:statusJustification "again" }} }}'),
    "finding": (iri(f"evaluation/{ERC}/finding/2"), replace(source(ERC), iri(f"evaluation/{ERC}/finding/2"), "kgb:ordinal", "0")),
    "measurement": (iri(f"framework/{FW}/outcome/2.2/indicator/15/baseline/1"),
                    replace(source(FW), iri(f"framework/{FW}/outcome/2.2/indicator/15/baseline/1"), "kgb:partLabel", '"a)"')),
    "result indicator": (iri(f"framework/{FW}/outcome/2.1/indicator/14/part/1"),
                         replace(source(FW), iri(f"framework/{FW}/outcome/2.1/indicator/14/part/1"), "kgb:subIndicatorOf",
                                 iri(f"framework/{FW}/outcome/2.1"))),
}


@pytest.fixture(scope="module")
def planted_model_store(full_build):
    store = copy_store(full_build.store)
    store.update(" ;\n".join(update for _, update in NEW_PLANTS.values()))
    return store


def test_each_added_constraint_reports_its_planted_violation(planted_model_store):
    report = validate(planted_model_store)
    violations = [r for r in report.results if r.severity == "Violation"]
    found = {(r.shape, f"<{r.focus}>") for r in violations}
    assert {(shape, focus) for shape, (focus, _) in NEW_PLANTS.items()} <= found
    assert len(violations) == len(NEW_PLANTS), [(r.shape, r.focus, r.message) for r in violations]


def test_both_engines_agree_on_the_added_constraints(planted_model_store):
    shapes = shapes_graph()
    compiled, reference = (validate(planted_model_store, engine=engine, shapes=shapes) for engine in ("sparql", "pyshacl"))
    assert compiled.violations == len(NEW_PLANTS)
    assert keys(compiled, shapes) == keys(reference, shapes)


def test_every_constraint_says_what_is_wrong():
    """Each property shape and each SPARQL constraint carries its sh:message, so a result
    reads as a sentence about the data, not as the name of a SHACL component."""
    shapes = shapes_graph()
    silent = sorted(f"{shapes.value(shape, SH.path)} of {owner}" for shape in set(shapes.subjects(SH.path, None))
                    for owner in shapes.subjects(SH.property, shape) if shapes.value(shape, SH.message) is None)
    silent += sorted(f"SPARQL constraint of {owner}" for owner, rule in shapes.subject_objects(SH.sparql)
                     if shapes.value(rule, SH.message) is None and shapes.value(owner, SH.message) is None)
    assert not silent, "constraints without sh:message:\n" + "\n".join(silent)
