"""The summary graph (graph/inferred/summary, src/kgbuild/summary.py) and the saved
queries that read it, on a synthetic corpus: each such query gives the very rows, in the
same order, as its live formulation over the facts themselves (kept here, as the queries
were written before the summary); the summary is the same on every build of the same
documents, and an incremental rebuild after one changed document gives the summary of a full
build of the changed corpus. Its terms are declared in the ontology and constrained by shapes.
"""
from __future__ import annotations

import pytest

from kgbuild import synth
from kgbuild.build import build
from kgbuild.namespaces import graph_iri
from kgbuild.queries import bindings, catalog, run
from kgbuild.validate import shapes_graph, validate
from test_model import CLASS_TYPES, PROPERTY_TYPES, constrained, listing, undeclared

DOCUMENTS, SEED = 30, 7
SUMMARY = graph_iri("inferred", "summary")
PREFIXES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in (
    ("kgb", "https://w3id.org/kgbuild/ontology#"), ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"), ("dcterms", "http://purl.org/dc/terms/")))

# The saved queries as they were before the summary: joins and sorts over the facts read.
# Where their ORDER BY left ties (two evaluations of one title), ?recommendation breaks them,
# as the summary-based queries do.
LIVE = {
    "cq05-action-status-counts": """
SELECT ?scope ?name ?status ?actions
WHERE {
  {
    SELECT ?scope ?name ?status (COUNT(DISTINCT ?action) AS ?actions) WHERE {
      {
        BIND ("evaluation" AS ?scope)
        { SELECT ?evaluation ?recommendation WHERE { ?evaluation kgb:hasRecommendation ?recommendation } }
        { SELECT ?recommendation ?response WHERE { ?recommendation kgb:hasManagementResponse ?response } }
        { SELECT ?response ?action WHERE { ?response kgb:hasKeyAction ?action } }
        OPTIONAL { SELECT ?action ?statusName WHERE {
          { SELECT ?action ?statusConcept WHERE { ?action kgb:status ?statusConcept } }
          { SELECT ?statusConcept ?statusName WHERE {
              { SELECT DISTINCT ?statusConcept WHERE { [] kgb:status ?statusConcept } }
              ?statusConcept skos:prefLabel ?statusLabel BIND (STR(?statusLabel) AS ?statusName) } } } }
        { SELECT ?evaluation ?name WHERE { ?evaluation dcterms:title ?title BIND (STR(?title) AS ?name) } }
      } UNION {
        BIND ("responsible" AS ?scope)
        { SELECT ?response ?action WHERE { ?response kgb:hasKeyAction ?action } }
        OPTIONAL { SELECT ?action ?statusName WHERE {
          { SELECT ?action ?statusConcept WHERE { ?action kgb:status ?statusConcept } }
          { SELECT ?statusConcept ?statusName WHERE {
              { SELECT DISTINCT ?statusConcept WHERE { [] kgb:status ?statusConcept } }
              ?statusConcept skos:prefLabel ?statusLabel BIND (STR(?statusLabel) AS ?statusName) } } } }
        { SELECT ?action ?party WHERE { ?action kgb:responsibleParty ?party } }
        { SELECT ?party ?name WHERE {
            { SELECT DISTINCT ?party WHERE { [] kgb:responsibleParty ?party } }
            ?party rdfs:label ?partyLabel
            # STR only where needed: most labels are plain strings, and STR reads each from disk.
            BIND (IF(LANG(?partyLabel) = "", ?partyLabel, STR(?partyLabel)) AS ?name) } }
      }
      BIND (COALESCE(?statusName, "(no status)") AS ?status)
    }
    GROUP BY ?scope ?name ?status
  }
  BIND (CONCAT("~", ?name) AS ?nameKey)
}
ORDER BY ?scope ?nameKey ?status
""",
    "cq06-overdue-actions": """
SELECT ?action ?actionText ?deadline ?status ?responsible
WHERE {
  # Deadlines first (one scan, filtered), then whole-index scans joined by hashing (each
  # pattern its own subquery) and MINUS for closed actions: per-action lookups, and a
  # NOT EXISTS walk per action, made this grow with the graph.
  { SELECT ?action ?deadline WHERE {
      ?action kgb:deadline ?deadline .
      FILTER (STR(?deadline) < SUBSTR(STR(?date), 1, 7)) } }
  { SELECT ?action WHERE { ?action a kgb:KeyAction } }
  MINUS {
    { SELECT ?action ?closing WHERE { ?action kgb:status ?closing } }
    { SELECT ?closing WHERE { ?closing kgb:closesAction true } }
  }
  { SELECT ?action ?actionText WHERE { ?action dcterms:description ?actionText } }
  OPTIONAL { SELECT ?action ?responsible WHERE { ?action kgb:responsibleText ?responsible } }
  OPTIONAL { SELECT ?action ?statusLabel WHERE {
      { SELECT ?action ?statusConcept WHERE { ?action kgb:status ?statusConcept } }
      { SELECT ?statusConcept ?statusLabel WHERE {
          { SELECT DISTINCT ?statusConcept WHERE { [] kgb:status ?statusConcept } }
          ?statusConcept skos:prefLabel ?statusLabel } } } }
  BIND (COALESCE(STR(?statusLabel), "(no status)") AS ?status)
}
ORDER BY ?deadline ?action
""",
    "cq07-response-categories": """
SELECT ?evaluationTitle ?category ?method (COUNT(DISTINCT ?response) AS ?responses)
WHERE {
  # Whole-index scans joined by hashing (each pattern its own subquery); the labels looked
  # up once per distinct concept: per-response lookups made this grow with the graph.
  { SELECT ?evaluation ?evaluationTitle WHERE { ?evaluation dcterms:title ?evaluationTitle } }
  { SELECT ?evaluation ?recommendation WHERE { ?evaluation kgb:hasRecommendation ?recommendation } }
  { SELECT ?recommendation ?response WHERE { ?recommendation kgb:hasManagementResponse ?response } }
  OPTIONAL { SELECT ?response ?categoryLabel WHERE {
      { SELECT ?response ?categoryConcept WHERE { ?response kgb:responseCategory ?categoryConcept } }
      { SELECT ?categoryConcept ?categoryLabel WHERE {
          { SELECT DISTINCT ?categoryConcept WHERE { [] kgb:responseCategory ?categoryConcept } }
          ?categoryConcept skos:prefLabel ?categoryLabel } } } }
  OPTIONAL { SELECT ?response ?methodLabel WHERE {
      { SELECT ?response ?methodConcept WHERE { ?response kgb:responseCategoryMethod ?methodConcept } }
      { SELECT ?methodConcept ?methodLabel WHERE {
          { SELECT DISTINCT ?methodConcept WHERE { [] kgb:responseCategoryMethod ?methodConcept } }
          ?methodConcept skos:prefLabel ?methodLabel } } } }
  BIND (COALESCE(STR(?categoryLabel), "(none)") AS ?category)
  BIND (COALESCE(STR(?methodLabel), "-") AS ?method)
}
GROUP BY ?evaluationTitle ?category ?method
ORDER BY ?evaluationTitle ?category ?method
""",
    "cq08-recommendations-without-completed-action": """
SELECT ?recommendation ?evaluationTitle ?number (COUNT(DISTINCT ?action) AS ?actions)
WHERE {
  # Whole-index scans joined by hashing (each pattern its own subquery), and MINUS for the
  # recommendations with a completed action, found from the completed status (one scan)
  # instead of a FILTER NOT EXISTS walk per recommendation.
  { SELECT ?evaluation ?evaluationTitle WHERE { ?evaluation dcterms:title ?evaluationTitle } }
  { SELECT ?evaluation ?recommendation WHERE { ?evaluation kgb:hasRecommendation ?recommendation } }
  { SELECT ?recommendation ?number WHERE { ?recommendation kgb:ordinal ?number } }
  MINUS {
    { SELECT ?recommendation ?response WHERE { ?recommendation kgb:hasManagementResponse ?response } }
    { SELECT ?response ?completed WHERE { ?response kgb:hasKeyAction ?completed } }
    { SELECT ?completed WHERE { ?completed kgb:status <https://w3id.org/kgbuild/vocab/key-action-status/completed> } }
  }
  OPTIONAL {
    SELECT ?recommendation ?action WHERE {
      { SELECT ?recommendation ?response WHERE { ?recommendation kgb:hasManagementResponse ?response } }
      { SELECT ?response ?action WHERE { ?response kgb:hasKeyAction ?action } }
    }
  }
}
GROUP BY ?recommendation ?evaluationTitle ?number
ORDER BY ?evaluationTitle ?number ?recommendation
""",
    "cq13-units-with-open-actions": """
SELECT ?party ?partyLabel ?openActions
WHERE {
  {
    SELECT ?party (MIN(?label) AS ?partyLabel) (MIN(?open) AS ?openActions)
    WHERE {
      {
        SELECT ?party (COUNT(DISTINCT ?action) AS ?open) WHERE {
          { SELECT ?action ?party WHERE { ?action kgb:responsibleParty ?party } }
          { SELECT ?action WHERE { ?action a kgb:KeyAction } }
          MINUS {
            { SELECT ?status WHERE { ?status kgb:closesAction true } }
            { SELECT ?action ?status WHERE { ?action kgb:status ?status } }
          }
        }
        GROUP BY ?party
      }
      ?party rdfs:label ?label
    }
    GROUP BY ?party
  }
  BIND (CONCAT("~", STR(?party)) AS ?partyKey)
}
ORDER BY DESC(?openActions) ?partyKey
""",
    "cq14-recommendations-by-criterion": """
SELECT ?recommendation ?evaluationTitle ?number ?classifiedAs
WHERE {
  # Anchored on the few concepts in use whose label matches, then walked back to their
  # recommendations, instead of testing the label of every classification of every one.
  {
    SELECT ?c ?classifiedAs WHERE {
      { SELECT DISTINCT ?c WHERE { [] kgb:unegCriterion|kgb:thematicArea ?c } }
      ?c skos:prefLabel ?classifiedAs .
      FILTER (LCASE(STR(?classifiedAs)) = LCASE(STR(?concept)))
    }
  }
  ?recommendation kgb:unegCriterion|kgb:thematicArea ?c .
  # OPTIONAL then BOUND is the join, evaluated per recommendation: as plain patterns Oxigraph
  # hashes every ordinal and title of the graph instead.
  OPTIONAL { ?recommendation kgb:ordinal ?number }
  OPTIONAL { ?evaluation kgb:hasRecommendation ?recommendation . ?evaluation dcterms:title ?evaluationTitle }
  FILTER (BOUND(?number) && BOUND(?evaluationTitle))
}
ORDER BY ?evaluationTitle ?number ?recommendation
""",
}
# Other parameter values than the defaults, so a filter that stays in the query is tested too.
PARAMETERS = {"cq06-overdue-actions": [{}, {"date": "2019-01-31"}, {"date": "2030-12-31"}],
              "cq14-recommendations-by-criterion": [{}, {"concept": "Effectiveness"}, {"concept": "relevance"}]}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    sources = tmp_path_factory.mktemp("summary") / "sources"
    synth.generate(sources, DOCUMENTS, seed=SEED)
    return sources


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("summary-build")
    return build(corpus, out, validate=False), out


def summary_lines(store) -> list[bytes]:
    return store.sorted_lines([SUMMARY])


@pytest.mark.parametrize("name", sorted(LIVE))
def test_summary_queries_give_the_rows_of_their_live_formulation(built, name):
    result, _ = built
    query = catalog()[name]
    assert "kgb:" in query.text and any(term in query.text for term in ("Rank", "Count", "tally", "shownLabel"))
    for given in PARAMETERS.get(name, [{}]):
        summarized = run(result.store, query, given)
        live = result.store.select(PREFIXES + LIVE[name], bindings(query, given))
        assert summarized.columns == live.columns
        assert summarized.rows == live.rows, f"{name} {given}: differs from its live formulation"
        assert summarized.rows or given, f"{name}: no rows on the synthetic corpus, nothing compared"


def test_summary_is_the_same_on_every_build(built, corpus, tmp_path):
    result, _ = built
    again = build(corpus, tmp_path / "again", validate=False, incremental=False)
    lines = summary_lines(result.store)
    assert lines and lines == summary_lines(again.store)


def test_incremental_rebuild_after_one_change_gives_the_full_build_summary(corpus, tmp_path):
    import shutil
    sources = tmp_path / "sources"
    shutil.copytree(corpus, sources)
    out = tmp_path / "incremental"
    before = summary_lines(build(sources, out, validate=False).store)
    changed = sorted(sources.glob("*unwomen-gate*.txt"))[0]
    text = changed.read_text(encoding="utf-8")
    assert "Completed" in text
    changed.write_text(text.replace("Completed", "Initiated"), encoding="utf-8")
    incremental = build(sources, out, validate=False)
    assert incremental.reread == 1
    full = build(sources, tmp_path / "full", validate=False, incremental=False)
    after = summary_lines(incremental.store)
    assert after == summary_lines(full.store)
    assert after != before, "the change did not reach the summary: the test proves nothing"


def test_summary_terms_are_declared_and_constrained(built):
    result, _ = built
    store = result.store
    predicates = {row[0] for row in store.select("SELECT DISTINCT ?p WHERE { ?s ?p ?o }", graphs=[SUMMARY])}
    classes = {row[0] for row in store.select("SELECT DISTINCT ?c WHERE { ?s a ?c }", graphs=[SUMMARY])}
    from rdflib import Graph
    from rdflib.namespace import RDF
    predicates.discard(RDF.type)
    assert len(predicates) >= 10 and len(classes) == 2
    ontology = Graph().parse(data=store.dump("ntriples", graph_iri("ontology")), format="nt")
    missing = listing(undeclared(classes, ontology, CLASS_TYPES), undeclared(predicates, ontology, PROPERTY_TYPES))
    assert not missing, "summary terms not declared in the ontology:\n" + "\n".join(missing)
    properties, shaped = constrained(shapes_graph())
    missing = listing(classes - shaped, predicates - properties)
    assert not missing, "summary terms constrained by no shape:\n" + "\n".join(missing)


def test_the_summary_conforms_and_a_wrong_count_is_caught(built):
    result, _ = built
    from test_validation import copy_store
    store = copy_store(result.store)
    summary_shapes = ("status tally", "response tally", "key action summary", "responsible party summary",
                      "ranked responsible party",
                      "recommendation summary", "evaluation title rank")
    assert not [r for r in validate(store).results if r.shape in summary_shapes]
    store.update(f"""PREFIX kgb: <https://w3id.org/kgbuild/ontology#>
        DELETE {{ GRAPH <{SUMMARY}> {{ ?r kgb:completedKeyActionCount ?n }} }}
        INSERT {{ GRAPH <{SUMMARY}> {{ ?r kgb:completedKeyActionCount 99 }} }}
        WHERE {{ GRAPH <{SUMMARY}> {{ ?r kgb:completedKeyActionCount ?n }} }}""")
    caught = {r.shape for r in validate(store).results if r.severity == "Violation"}
    assert "recommendation summary" in caught


def test_checks_never_read_the_summary():
    """A check must test the facts themselves, not what was derived from them."""
    terms = ("tally", "Rank", "KeyActionCount", "shownLabel", "keyActionCount", "responseCount")
    for name, query in catalog().items():
        if query.is_check:
            assert not any(term in query.text for term in terms), name
