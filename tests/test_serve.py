"""`kgbuild serve` on the seed build: the SPARQL 1.1 Protocol, content negotiation, the
limits that keep the endpoint read-only and bounded, dereferenceable IRIs, the saved
queries, and a real server answering every saved query as the local store does."""
from __future__ import annotations

import csv
import io
import json
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
from conftest import serving
from starlette.testclient import TestClient  # noqa: E402

from kgbuild.namespaces import KGB, OA, base_iri  # noqa: E402
from kgbuild.store import OxigraphStore  # noqa: E402

SD = "http://www.w3.org/ns/sparql-service-description#"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def client(store_dir):
    from kgbuild.serve import create_app
    return TestClient(create_app(store_dir, timeout=10, max_rows=10_000, max_body=5_000))


def served_path(iri: str) -> str:
    """Where the server describes an IRI under the base: the base IRI's path + the rest."""
    base = base_iri()
    return urlsplit(base).path + iri[len(base):]


@pytest.fixture(scope="module")
def key_action(store) -> str:
    rows = store.select("SELECT ?a WHERE { ?a a kgb:KeyAction ; kgb:sourceSpan [] } ORDER BY ?a LIMIT 1").rows
    return str(rows[0][0])


# -- protocol ------------------------------------------------------------------------------

def test_get_and_post_give_the_same_json_results(client, store):
    query = "SELECT ?s WHERE { ?s a kgb:KeyAction } ORDER BY ?s"
    expected = [str(row[0]) for row in store.select(query)]
    answers = [client.get("/sparql", params={"query": query}),
               client.post("/sparql", data={"query": query}),
               client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})]
    for response in answers:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/sparql-results+json")
        values = [b["s"]["value"] for b in response.json()["results"]["bindings"]]
        assert values == expected and len(values) > 10


def test_result_formats_follow_accept(client):
    query = "SELECT ?s ?label WHERE { ?s a kgb:KeyAction ; rdfs:label ?label } ORDER BY ?s LIMIT 3"
    as_csv = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(as_csv.text)))
    assert table[0] == ["s", "label"] and len(table) == 4
    as_tsv = client.get("/sparql", params={"query": query}, headers={"Accept": "text/tab-separated-values"})
    lines = as_tsv.text.splitlines()
    assert lines[0] == "?s\t?label" and lines[1].startswith("<") and len(lines) == 4
    as_xml = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+xml"})
    import xml.etree.ElementTree as ET
    root = ET.fromstring(as_xml.content)
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [b.find("r:uri", ns).text for b in root.iterfind(".//r:binding[@name='s']", ns)] == [row[0] for row in table[1:]]
    refused = client.get("/sparql", params={"query": query}, headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "text/csv" in refused.text


def test_ask_and_graph_results(client, key_action):
    ask = client.get("/sparql", params={"query": f"ASK {{ <{key_action}> a kgb:KeyAction }}"})
    assert ask.json() == {"head": {}, "boolean": True}
    construct = f"CONSTRUCT {{ <{key_action}> ?p ?o }} WHERE {{ <{key_action}> ?p ?o }}"
    graphs = {}
    for media, syntax in (("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")):
        response = client.get("/sparql", params={"query": construct}, headers={"Accept": media})
        assert response.status_code == 200 and response.headers["content-type"].startswith(media)
        graphs[syntax] = set(Graph().parse(data=response.text, format=syntax))
    assert graphs["turtle"] == graphs["nt"] == graphs["json-ld"]
    assert (URIRef(key_action), URIRef(str(KGB.sourceSpan)), URIRef(key_action + "/span")) in graphs["nt"]
    default = client.get("/sparql", params={"query": construct})
    assert default.headers["content-type"].startswith("text/turtle")


def test_the_default_graph_is_the_union_unless_the_query_names_one(client, store):
    count = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"
    union = client.get("/sparql", params={"query": count.format("")}).json()
    assert int(union["results"]["bindings"][0]["n"]["value"]) == len(store)
    graph = store.graph_names()[0]
    one = client.get("/sparql", params={"query": count.format(f"FROM <{graph}>")}).json()
    assert int(one["results"]["bindings"][0]["n"]["value"]) == store.count(graph)
    by_parameter = client.get("/sparql", params={"query": count.format(""), "default-graph-uri": graph}).json()
    assert by_parameter == one


def test_service_description_lists_the_named_graphs(client, store):
    response = client.get("/sparql")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    description = Graph().parse(data=response.text, format="turtle")
    endpoint = URIRef("http://testserver/sparql")
    assert (endpoint, URIRef(SD + "endpoint"), endpoint) in description
    names = {str(o) for o in description.objects(None, URIRef(SD + "name"))}
    assert names == set(store.graph_names())


def test_void_is_the_description_graph(client, store):
    from kgbuild.describe import description_graph
    response = client.get("/.well-known/void")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    served = Graph().parse(data=response.text, format="turtle")
    assert len(served) == len(store.triples(description_graph())) > 0
    assert (None, None, URIRef("http://rdfs.org/ns/void#Dataset")) in served


# -- read-only and bounded ---------------------------------------------------------------------

def test_updates_are_refused_and_the_store_is_unchanged(client, store_dir):
    before = OxigraphStore(store_dir, read_only=True).count()
    update = "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }"
    answers = [client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"}),
               client.post("/sparql", data={"update": update}),
               client.get("/sparql", params={"query": update}),
               client.post("/sparql", data={"query": "CLEAR ALL"})]
    for response in answers:
        assert response.status_code == 400 and "read-only" in response.text
        assert "Traceback" not in response.text
    assert OxigraphStore(store_dir, read_only=True).count() == before
    assert client.get("/sparql", params={"query": "ASK { <urn:a> ?p ?o }"}).json()["boolean"] is False


def test_service_is_refused(client):
    response = client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})
    assert response.status_code == 400 and "SERVICE" in response.text


def test_syntax_errors_and_large_bodies_are_plain_4xx(client):
    broken = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p"})
    assert broken.status_code == 400 and broken.headers["content-type"].startswith("text/plain")
    assert "Traceback" not in broken.text
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 6000
    assert client.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"}).status_code == 413
    assert client.post("/sparql", data={"query": big}).status_code == 413


def test_a_runaway_query_is_stopped_within_the_timeout(store_dir):
    from kgbuild.serve import create_app
    client = TestClient(create_app(store_dir, timeout=2))
    started = time.monotonic()
    response = client.get("/sparql", params={"query": RUNAWAY})
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and "2 s" in response.text
    assert elapsed < 3
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def test_more_rows_than_the_limit_is_an_error_not_a_cut(store_dir):
    from kgbuild.serve import create_app
    client = TestClient(create_app(store_dir, max_rows=5))
    over = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 6"})
    assert over.status_code == 400 and "more than 5 rows" in over.text
    at = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
    assert at.status_code == 200 and len(at.json()["results"]["bindings"]) == 5
    triples = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 6"})
    assert triples.status_code == 400


# -- dereferenceable IRIs ----------------------------------------------------------------------------

def test_a_key_action_as_turtle_has_its_triples_and_source_lines(client, store, key_action):
    response = client.get(served_path(key_action), headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.text, format="turtle")
    subject = URIRef(key_action)
    stored = {(p, o) for p, o in store.select(f"SELECT DISTINCT ?p ?o WHERE {{ <{key_action}> ?p ?o }}")}
    assert set(graph.predicate_objects(subject)) == stored
    span = graph.value(subject, URIRef(str(KGB.sourceSpan)))
    lines = store.select(f"SELECT ?a ?b ?doc WHERE {{ <{span}> kgb:startLine ?a ; kgb:endLine ?b ; oa:hasSource ?doc }}").rows
    start, end, document = lines[0]
    assert graph.value(span, URIRef(str(KGB.startLine))) == Literal(int(start))
    assert graph.value(span, URIRef(str(KGB.endLine))) == Literal(int(end))
    assert graph.value(span, URIRef(str(OA.hasSource))) == document


def test_a_resource_comes_with_the_labels_of_what_it_links_to(client, store, key_action):
    response = client.get(served_path(key_action), headers={"Accept": "application/n-triples"})
    graph = Graph().parse(data=response.text, format="nt")
    linked = {o for _, o in graph.predicate_objects(URIRef(key_action)) if isinstance(o, URIRef)}
    expected = {(URIRef(x), URIRef(p), label) for x, p, label in store.select(f"""
        SELECT DISTINCT ?x ?p ?label WHERE {{ <{key_action}> ?q ?x . FILTER(isIRI(?x))
          ?x ?p ?label FILTER(?p IN (rdfs:label, skos:prefLabel)) }}""").rows}
    assert {x for x, _, _ in expected} & linked, "the key action links to nothing labelled: the test proves nothing"
    assert expected <= set(graph)


def test_resource_syntaxes_agree(client, key_action):
    graphs = []
    for media, syntax in (("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")):
        response = client.get(served_path(key_action), headers={"Accept": media})
        assert response.headers["content-type"].startswith(media)
        graphs.append(set(Graph().parse(data=response.text, format=syntax)))
    assert graphs[0] == graphs[1] == graphs[2]
    by_name = client.get(served_path(key_action), params={"format": "ntriples"})
    assert set(Graph().parse(data=by_name.text, format="nt")) == graphs[1]


def test_a_key_action_as_html_links_to_served_resources(client, store, key_action):
    response = client.get(served_path(key_action), headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    response_iri = str(store.objects(key_action, str(KGB.keyActionOf))[0])
    assert f'href="{served_path(response_iri)}"' in page
    assert "lines " in page
    followed = client.get(served_path(response_iri), headers={"Accept": "text/html"})
    assert followed.status_code == 200 and "<h1>" in followed.text


def test_an_iri_without_triples_is_404(client):
    response = client.get(served_path(base_iri() + "evaluation/no-such-thing"))
    assert response.status_code == 404 and "no triples" in response.text
    assert client.get("/resource", params={"iri": "http://metadata.un.org/sdg/5.2"}).status_code == 200


def test_base_url_moves_the_served_path(store_dir, key_action):
    from kgbuild.serve import create_app
    client = TestClient(create_app(store_dir, base_url="https://kg.example.org/data/"))
    rest = key_action[len(base_iri()):]
    assert client.get("/data/" + rest).status_code == 200
    page = client.get("/data/" + rest, headers={"Accept": "text/html"}).text
    assert 'href="/data/' in page and f'href="{served_path(key_action)}"' not in page
    description = Graph().parse(data=client.get("/sparql").text, format="turtle")
    assert (URIRef("https://kg.example.org/sparql"), URIRef(SD + "endpoint"), None) in description


# -- saved queries ------------------------------------------------------------------------------

def test_queries_list_as_json_and_html(client):
    from kgbuild.queries import catalog
    listed = client.get("/queries").json()
    assert [entry["name"] for entry in listed] == list(catalog())
    cq01 = next(entry for entry in listed if entry["name"].startswith("cq01"))
    assert cq01["parameters"][0]["name"] == "sdg"
    page = client.get("/queries", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html") and cq01["title"] in page.text


def test_a_saved_query_runs_with_its_parameters(client, store):
    from kgbuild.queries import answer, get
    name = "cq01-actions-supporting-target"
    expected = answer(store, get(name), {"sdg": "5.2"}, "csv").text
    as_csv = client.get(f"/queries/{name}", params={"sdg": "5.2", "format": "csv"})
    assert as_csv.status_code == 200 and as_csv.text == expected
    by_accept = client.get(f"/queries/{name}", params={"sdg": "5.2"}, headers={"Accept": "text/csv"})
    assert by_accept.text == expected
    as_json = client.get(f"/queries/{name}", params={"sdg": "5.2"})
    assert len(as_json.json()["results"]["bindings"]) == len(expected.splitlines()) - 1 > 0
    table = client.get(f"/queries/{name}", params={"sdg": "5.2", "format": "table"})
    assert table.headers["content-type"].startswith("text/html") and "<table>" in table.text
    assert client.get(f"/queries/{name}", params={"sdg": "99.9"}).status_code == 400
    assert client.get(f"/queries/{name}", params={"format": "turtle"}).status_code == 400
    assert client.get("/queries/no-such-query").status_code == 404


# -- a real server --------------------------------------------------------------------------------

def test_a_real_server_answers_every_saved_query_as_the_local_store(store_dir, store):
    from kgbuild.queries import bindings, catalog
    from kgbuild.remote import RemoteStore
    with serving(store_dir) as address:
        endpoint = f"{address}/sparql"
        with urllib.request.urlopen(endpoint, timeout=5) as reply:
            assert b"sd:Service" in reply.read()
        remote = RemoteStore(endpoint)
        assert remote.graph_names() == store.graph_names()
        for query in catalog().values():
            values = bindings(query, {})
            local = store.select(query.text, values)
            served = remote.select(query.text, values)
            assert served.columns == local.columns, query.name
            assert sorted(map(repr, served.rows)) == sorted(map(repr, local.rows)), query.name
        # the server's own formats, without FROM clauses
        with urllib.request.urlopen(endpoint + "?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", timeout=10) as reply:
            assert json.loads(reply.read())["boolean"] is True


def test_answers_keep_every_term_in_every_format_and_stop_past_the_limit():
    """serialize_answer writes through TSV or N-Triples and re-reads: line breaks, tabs,
    quotes, languages, datatypes and blank nodes must come through, and the count is exact."""
    import pyoxigraph as ox

    from kgbuild.store import SOLUTION_FORMATS, TRIPLE_FORMATS, TooManyRows, serialize_answer
    store = ox.Store()
    store.load(b'<urn:a> <urn:p> "two\\nlines,\\ta tab and \\"quotes\\"" .\n<urn:a> <urn:p> "oui"@fr .\n'
               b'<urn:a> <urn:p> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .\n_:b <urn:p> <urn:c> .\n',
               format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:g"))
    select = "SELECT ?s ?o WHERE { ?s <urn:p> ?o }"

    def same_terms(rows):   # blank node labels are the writer's own
        return sorted(tuple("_:" if isinstance(t, ox.BlankNode) else str(t) for t in row) for row in rows)
    expected = same_terms(store.query(select, use_default_graph_as_union=True))
    for fmt in SOLUTION_FORMATS:
        body, count = serialize_answer(store.query(select, use_default_graph_as_union=True), fmt, max_rows=4)
        assert count == 4, fmt
        if fmt == "csv":   # plain values only, as SPARQL 1.1 CSV has them
            rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
            assert rows[0] == ["s", "o"] and sorted(r[1] for r in rows[1:]) == sorted(
                ["two\nlines,\ta tab and \"quotes\"", "oui", "3", "urn:c"])
            continue
        parsed = ox.parse_query_results(body, format=getattr(ox.QueryResultsFormat, SOLUTION_FORMATS[fmt]))
        assert same_terms(parsed) == expected, fmt
    with pytest.raises(TooManyRows, match="more than 3 rows"):
        serialize_answer(store.query(select, use_default_graph_as_union=True), "json", max_rows=3)
    construct = "CONSTRUCT WHERE { ?s <urn:p> ?o }"
    triples = Graph().parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode("urn:g")).decode(),
                            format="nt")
    for fmt, syntax in zip(TRIPLE_FORMATS, ("turtle", "nt", "json-ld")):
        body, count = serialize_answer(store.query(construct, use_default_graph_as_union=True), fmt, max_rows=4)
        assert count == 4 and isomorphic(Graph().parse(data=body.decode("utf-8"), format=syntax), triples), fmt
    with pytest.raises(TooManyRows):
        serialize_answer(store.query(construct, use_default_graph_as_union=True), "turtle", max_rows=3)


def test_workers_stay_for_the_next_call_and_a_stopped_one_is_replaced():
    import os
    import signal

    from kgbuild.worker import TimedOut, WorkerError, WorkerPool
    pool = WorkerPool()
    try:
        first = pool.run(os.getpid, (), 10)
        assert first != os.getpid() and pool.run(os.getpid, (), 10) == first   # no fork per call
        with pytest.raises(TimedOut, match="after 0.5 s"):
            pool.run(time.sleep, (10,), 0.5)
        with pytest.raises(WorkerError, match="ZeroDivisionError"):   # reported; the child lives on
            pool.run(divmod, (1, 0), 10)
        second = pool.run(os.getpid, (), 10)
        assert second != first and pool.run(os.getpid, (), 10) == second
        os.kill(second, signal.SIGKILL)   # an idle child killed from outside is replaced
        time.sleep(0.2)
        assert pool.run(os.getpid, (), 10) not in (first, second)
    finally:
        pool.close()


def test_a_rebuilt_store_is_served_at_once(tmp_path):
    """Workers keep the store open between queries, yet a build that swaps in a new store
    folder is what the next query reads."""
    from kgbuild.serve import create_app

    def store_with(triples: int, folder: Path) -> Path:
        store = OxigraphStore(folder)
        store.add_to_graph("urn:x-test:g", "".join(f"<urn:s{i}> <urn:p> <urn:o> .\n" for i in range(triples)))
        store.close()
        return folder
    served = store_with(1, tmp_path / "store")
    client = TestClient(create_app(served, workers=1))
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def counted() -> int:
        return int(client.get("/sparql", params={"query": count}).json()["results"]["bindings"][0]["n"]["value"])
    assert counted() == 1 and counted() == 1
    fresh = store_with(3, tmp_path / ".store-new")
    served.rename(tmp_path / ".store-old")
    fresh.rename(served)
    assert counted() == 3
