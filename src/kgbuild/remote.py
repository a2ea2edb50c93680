"""A SPARQL 1.1 server behind the store protocol's query side, through SPARQLWrapper.

A server's default graph is often not the union of its named graphs (Oxigraph server,
Fuseki, GraphDB), while the saved queries read the union. Every query sent here therefore
gets a dataset clause, `FROM <g>` for each of the build's named graphs on the server, so
the answers are the same whatever the server's default graph is.
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence

from rdflib import BNode, Literal, URIRef

from .namespaces import graph_iri
from .queries import without_comments
from .store import Rows, StoreError, TooManyRows, results_format, substitute


class RemoteError(StoreError):
    """The server could not be reached or refused the request; the message says which."""


def _wrapper(endpoint: str, user: str | None, password: str | None, method: str = "GET"):
    from SPARQLWrapper import DIGEST, JSON, POST, SPARQLWrapper
    client = SPARQLWrapper(endpoint)
    client.setReturnFormat(JSON)
    client.setTimeout(120)
    if method == "POST":
        client.setMethod(POST)
    if user:
        client.setHTTPAuth(DIGEST)
        client.setCredentials(user, password or "")
    return client


def run_sparql(endpoint: str, sparql: str, user: str | None = None, password: str | None = None) -> dict:
    """SPARQL JSON results of a query; errors as RemoteError, never carrying the password."""
    import urllib.error

    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException
    client = _wrapper(endpoint, user, password, "POST")
    # SPARQLWrapper guesses a query's form from its words: 'dropped' in a comment made an update.
    client.setQuery(without_comments(sparql))
    try:
        return client.queryAndConvert()
    except SPARQLWrapperException as exc:
        raise RemoteError(f"{endpoint}: the server refused the query: {_first_line(exc)}") from None
    except urllib.error.HTTPError as exc:
        raise RemoteError(f"{endpoint}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise RemoteError(f"{endpoint}: cannot reach the server ({getattr(exc, 'reason', exc)})") from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__


def _term(binding: dict | None):
    if binding is None:
        return None
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    return Literal(value, datatype=binding.get("datatype"))


def with_dataset(sparql: str, graphs: Sequence[str]) -> str:
    """`sparql` with `FROM <g>` for each graph before its outermost WHERE (or its first
    group, the WHERE keyword being optional): the default graph becomes the merge of
    `graphs` on any server. A CONSTRUCT template's braces are skipped."""
    from .queries import code_only
    code = code_only(sparql)
    depth, at, previous = 0, None, ""
    for token in re.finditer(r"[{}]|[A-Za-z_]+", code):
        word = token.group(0)
        if word == "{":
            if depth == 0 and previous.upper() != "CONSTRUCT":
                at = token.start()
                break
            depth += 1
        elif word == "}":
            depth -= 1
        elif depth == 0 and word.upper() == "WHERE":
            at = token.start()
            break
        previous = word
    clause = "".join(f"FROM <{g}>\n" for g in graphs)
    if at is None:            # DESCRIBE <x> with no pattern
        return f"{sparql.rstrip()}\n{clause}"
    return sparql[:at] + clause + sparql[at:]


class RemoteStore:
    """The query side of the store protocol on a SPARQL server."""

    def __init__(self, endpoint: str, user: str | None = None, password: str | None = None):
        self.endpoint, self._user, self._password = endpoint, user, password
        self._graphs: list[str] | None = None

    def _query(self, sparql: str) -> dict:
        return run_sparql(self.endpoint, sparql, self._user, self._password)

    def graph_names(self) -> list[str]:
        """The build's named graphs on the server (not the server's own system graphs)."""
        if self._graphs is None:
            prefix = graph_iri("x").rsplit("x", 1)[0]
            result = self._query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            self._graphs = sorted(b["g"]["value"] for b in result["results"]["bindings"]
                                  if b["g"]["value"].startswith(prefix))
        return self._graphs

    def counts(self) -> dict[str, int]:
        result = self._query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        names = set(self.graph_names())
        return dict(sorted((b["g"]["value"], int(b["n"]["value"])) for b in result["results"]["bindings"]
                           if b["g"]["value"] in names))

    def _prepared(self, sparql: str, bindings: dict | None, graphs: Sequence[str] | None) -> str:
        text = substitute(sparql, bindings) if bindings else sparql
        return with_dataset(text, list(graphs) if graphs is not None else self.graph_names())

    def select(self, sparql: str, bindings: dict | None = None, graphs: Sequence[str] | None = None,
               max_rows: int | None = None) -> Rows:
        result = self._query(self._prepared(sparql, bindings, graphs))
        columns = result["head"]["vars"]
        rows = [tuple(_term(b.get(c)) for c in columns) for b in result["results"]["bindings"]]
        if max_rows is not None and len(rows) > max_rows:
            raise TooManyRows.beyond(max_rows)
        return Rows(columns, rows)

    def select_as(self, sparql: str, bindings: dict | None = None, fmt: str = "json",
                  graphs: Sequence[str] | None = None, max_rows: int | None = None) -> tuple[bytes, int]:
        """The server's SPARQL JSON results re-written by Oxigraph's writers, as the
        embedded store writes its own."""
        import pyoxigraph as ox
        wanted = results_format(fmt)
        result = self._query(self._prepared(sparql, bindings, graphs))
        count = len(result["results"]["bindings"])
        if max_rows is not None and count > max_rows:
            raise TooManyRows.beyond(max_rows)
        parsed = ox.parse_query_results(json.dumps(result).encode("utf-8"), format=ox.QueryResultsFormat.JSON)
        return parsed.serialize(format=wanted), count

    def ask(self, sparql: str, bindings: dict | None = None, graphs: Sequence[str] | None = None) -> bool:
        return bool(self._query(self._prepared(sparql, bindings, graphs))["boolean"])

    def construct(self, sparql: str, bindings: dict | None = None,
                  graphs: Sequence[str] | None = None) -> list[tuple]:
        # As SELECT of the template's triples would need rewriting; ask for N-Triples instead.
        from rdflib import Graph
        from SPARQLWrapper import N3, POST, SPARQLWrapper
        client = SPARQLWrapper(self.endpoint)
        client.setMethod(POST)
        client.setReturnFormat(N3)
        client.setQuery(without_comments(self._prepared(sparql, bindings, graphs)))
        try:
            data = client.query().convert()
        except Exception as exc:  # noqa: BLE001 - any transport error becomes one line
            raise RemoteError(f"{self.endpoint}: {_first_line(exc)}") from None
        graph = data if isinstance(data, Graph) else Graph().parse(data=data, format="turtle")
        return sorted(graph)

    def objects(self, subject: str, predicate: str) -> list:
        rows = self.select(f"SELECT DISTINCT ?o WHERE {{ <{subject}> <{predicate}> ?o }}")
        return sorted(r[0] for r in rows.rows)
