"""`kgbuild serve`: the built store as a read-only SPARQL 1.1 endpoint with dereferenceable IRIs.

Endpoints (all GET unless said):
  /                    the query page: an editor, the saved queries as examples, results as a
                       table linking to the resource pages and as a bar chart for counts.
  /static/…            the page's script and style, and CodeMirror 5 (vendored, MIT).
  /sparql              SPARQL 1.1 Protocol query (GET ?query=, POST form or
                       application/sparql-query); without a query, the Service Description.
  /.well-known/void    the dataset description (graph/description) as Turtle.
  /queries, /queries/NAME?param=…   the saved queries, and one run with its parameters.
  <base path>/REST     the resource <base IRI>REST: its triples, provenance and linked labels.
  /resource?iri=IRI    the same for any IRI (SDG targets, vocabulary concepts).

The base path is the path of --base-url when given (the public address the base IRI is
redirected to, e.g. by w3id.org), else the path of the base IRI itself: with the default
base https://w3id.org/kgbuild/id/, GET /kgbuild/id/evaluation/x describes
<https://w3id.org/kgbuild/id/evaluation/x>.

Every store access runs in one of a few forked worker processes (`worker.WorkerPool`),
each with the store open read-only, so a query past the timeout is stopped (its worker
killed and later replaced) and nothing is written.
Starlette and uvicorn are imported only here, inside functions: the rest of kgbuild
works without the `serve` extra.
"""
from __future__ import annotations

import contextlib
import html
import json
import re
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from rdflib import BNode, URIRef

from .namespaces import PREFIXES, base_iri

MAX_BODY = 1_000_000   # bytes of a POSTed query
WORKERS = 4            # queries running at once; more wait for a free worker

RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"
CSV, TSV = "text/csv", "text/tab-separated-values"
TURTLE, NTRIPLES, JSONLD = "text/turtle", "application/n-triples", "application/ld+json"
HTML, JSON, TEXT = "text/html", "application/json", "text/plain"
SELECT_TYPES = [RESULTS_JSON, JSON, CSV, TSV, RESULTS_XML]
ASK_TYPES = [RESULTS_JSON, JSON, RESULTS_XML]
GRAPH_TYPES = [TURTLE, NTRIPLES, JSONLD]
# Each media type as the answer format of store.serialize_answer.
ANSWER_FORMATS = {RESULTS_JSON: "json", JSON: "json", CSV: "csv", TSV: "tsv", RESULTS_XML: "xml",
                  TURTLE: "turtle", NTRIPLES: "ntriples", JSONLD: "jsonld"}
RESOURCE_TYPES = [TURTLE, NTRIPLES, JSONLD, HTML]
SAVED_FORMATS = {"json": RESULTS_JSON, "csv": CSV, "tsv": TSV, "table": HTML,
                 "turtle": TURTLE, "ntriples": NTRIPLES}
PREFIX_MAP = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
STATIC = Path(__file__).parent / "static"
LABELS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel")


class Refused(Exception):
    """A request the endpoint answers with an error status and a plain message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class Reply:
    """What a worker sends back: a status, a media type and the body."""
    status: int
    media_type: str
    body: bytes


# -- content negotiation ------------------------------------------------------------------

def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (the first offered on a tie or
    without a header); None when it accepts none of them."""
    if not accept or not accept.strip():
        return offered[0]
    best, best_q = None, 0.0
    for rank, media in enumerate(offered):
        quality = 0.0
        for part in accept.split(","):
            fields = [f.strip() for f in part.split(";")]
            pattern, q = fields[0].lower(), 1.0
            for field in fields[1:]:
                if field.startswith("q="):
                    try:
                        q = float(field[2:])
                    except ValueError:
                        q = 0.0
            kind = media.split("/")[0]
            if pattern in (media, f"{kind}/*", "*/*", "*"):
                specificity = 2 if pattern == media else 1 if pattern.endswith("/*") and pattern != "*/*" else 0
                quality = max(quality, q - (2 - specificity) * 1e-6)   # exact beats wildcard
        if quality > best_q:
            best, best_q = media, quality
    return best


# -- in the worker: results -------------------------------------------------------------------

_OPEN: dict = {}   # in a worker: store folder -> (what it was when opened, the open store)


def _open(store_dir: Path):
    """The store, opened read-only once per worker process and kept while the folder is the
    same: a rebuild swaps in a new folder (another inode) and writes a new CURRENT, and the
    next call opens that. The process id is part of the key, so a child never uses a store
    its parent opened before forking."""
    import os

    from .store import OxigraphStore
    folder = os.stat(store_dir)
    identity = (os.getpid(), folder.st_dev, folder.st_ino, os.stat(store_dir / "CURRENT").st_mtime_ns)
    known = _OPEN.get(store_dir)
    if known is None or known[0] != identity:
        _OPEN[store_dir] = known = (identity, OxigraphStore(store_dir, read_only=True))
    return known[1]


def format_triples(triples: list[tuple], media: str) -> bytes:
    from .store import ntriples, turtle
    if media == NTRIPLES:
        return ntriples(triples).encode("utf-8")
    if media == JSONLD:
        import pyoxigraph as ox
        data = ntriples(triples).encode("utf-8")
        return ox.serialize(ox.parse(data, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.JSON_LD)
    return turtle(triples, PREFIX_MAP)


def run_protocol_query(store_dir: Path, sparql: str, form: str, media: str, max_rows: int,
                       default_graphs: list[str], named_graphs: list[str]) -> Reply:
    """In the worker: one protocol query. The default graph is the union of the named
    graphs, unless the query has its own dataset clause (FROM) or the request names one
    (default-graph-uri, named-graph-uri)."""
    import pyoxigraph as ox

    from .queries import code_only
    from .store import TooManyRows, results_format, serialize_answer
    try:
        engine = _open(store_dir).engine
        options: dict = {"prefixes": PREFIX_MAP}
        if default_graphs or named_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
            if named_graphs:
                options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        elif not re.search(r"\bFROM\b", code_only(sparql), re.IGNORECASE):
            options["use_default_graph_as_union"] = True
        result = engine.query(sparql, **options)
        if form == "ask":
            return Reply(200, media, result.serialize(format=results_format(ANSWER_FORMATS[media])))
        body, _ = serialize_answer(result, ANSWER_FORMATS[media], max_rows, PREFIX_MAP)
        return Reply(200, media, body)
    except TooManyRows:
        return _too_many(max_rows)
    except SyntaxError as exc:
        return Reply(400, TEXT, f"query syntax error: {exc}\n".encode("utf-8"))
    except (OSError, ValueError) as exc:
        return Reply(500, TEXT, f"{exc}\n".encode("utf-8"))


def _too_many(max_rows: int) -> Reply:
    return Reply(400, TEXT, f"the result has more than {max_rows} rows (the server's limit); narrow the "
                            f"query or add a LIMIT\n".encode("utf-8"))


def service_description(store_dir: Path, endpoint: str) -> Reply:
    """In the worker: the SPARQL 1.1 Service Description of the endpoint, in Turtle."""
    from .store import turtle
    graphs = _open(store_dir).graph_names()
    sd = lambda name: URIRef(SD + name)   # noqa: E731 - a local shorthand
    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service, dataset, default = URIRef(endpoint), BNode("dataset"), BNode("default")
    triples = [(service, rdf_type, sd("Service")), (service, sd("endpoint"), service),
               (service, sd("supportedLanguage"), sd("SPARQL11Query")),
               (service, sd("feature"), sd("UnionDefaultGraph")),
               (service, sd("defaultDataset"), dataset), (dataset, rdf_type, sd("Dataset")),
               (dataset, sd("defaultGraph"), default), (default, rdf_type, sd("Graph"))]
    triples += [(service, sd("resultFormat"), URIRef(FORMATS_NS + name))
                for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                             "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD")]
    for number, graph in enumerate(graphs):
        node = BNode(f"g{number}")
        triples += [(dataset, sd("namedGraph"), node), (node, sd("name"), URIRef(graph))]
    return Reply(200, TURTLE, turtle(triples, {"sd": SD}))


def void_description(store_dir: Path) -> Reply:
    """In the worker: the graph/description named graph as Turtle."""
    from .describe import description_graph
    from .store import turtle
    triples = _open(store_dir).triples(description_graph())
    if not triples:
        return Reply(404, TEXT, b"this build has no dataset description (graph/description)\n")
    return Reply(200, TURTLE, turtle(triples, PREFIX_MAP))


# -- in the worker: resources -------------------------------------------------------------

def resource_triples(store, iri: str) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """(own, provenance, labels) triples of one resource across all graphs: its triples as
    subject (with the blank nodes they lead to), its source spans and their selectors,
    and the labels of the resources it links to. `own` rows carry the graph as a 4th term."""
    from .store import nt_term
    subject = nt_term(URIRef(iri))
    own = store.select(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {subject} ?p ?o }} }}").rows
    own = sorted({(URIRef(iri), p, o, g) for p, o, g in own}, key=lambda t: tuple(map(str, t)))
    blanks = store.select(f"SELECT DISTINCT ?b ?p ?o WHERE {{ {subject} ?q ?b . FILTER(isBlank(?b)) ?b ?p ?o }}").rows
    provenance = store.select(f"""SELECT DISTINCT ?s ?p ?o WHERE {{
        {{ {subject} kgb:sourceSpan ?s }} UNION {{ {subject} kgb:sourceSpan/oa:hasSelector ?s }}
        ?s ?p ?o }}""").rows
    # The linked IRIs first, then each label property by name: with the property a variable
    # (VALUES ?p) Oxigraph scanned every triple of the store, 1.7 s a page at 1M quads.
    labels = store.select(f"""SELECT DISTINCT ?x ?p ?label WHERE {{
        {{ SELECT DISTINCT ?x WHERE {{
            {{ {subject} ?x [] }} UNION {{ {subject} ?q ?x }} UNION {{ {subject} kgb:sourceSpan/oa:hasSource ?x }}
            FILTER(isIRI(?x)) }} }}
        {{ ?x rdfs:label ?label BIND (rdfs:label AS ?p) }} UNION {{ ?x skos:prefLabel ?label BIND (skos:prefLabel AS ?p) }}
        }}""").rows
    return own, list(blanks) + list(provenance), list(labels)


def describe_resource(store_dir: Path, iri: str, media: str, links: "Links") -> Reply:
    """In the worker: one resource in the negotiated syntax, or 404."""
    store = _open(store_dir)
    own, provenance, labels = resource_triples(store, iri)
    if not own:
        return Reply(404, TEXT, f"no triples about <{iri}> in this graph\n".encode("utf-8"))
    if media == HTML:
        return Reply(200, HTML, resource_page(iri, own, provenance, labels, links).encode("utf-8"))
    triples = sorted({t[:3] for t in own} | set(provenance) | set(labels))
    return Reply(200, media, format_triples(triples, media))


@dataclass(frozen=True)
class Links:
    """Where the HTML pages link to: a resource under the base IRI to its served path,
    any other IRI the graph describes to /resource?iri=…, the rest to itself."""
    base: str
    mount: str | None   # the served path of the base IRI; None when its IRIs are no paths

    def path_of(self, iri: str) -> str | None:
        if self.mount is not None and iri.startswith(self.base):
            return self.mount + quote(iri[len(self.base):], safe="/:@!$&'()*+,;=-._~")
        return None

    def href(self, iri: str, described: bool) -> str:
        served = self.path_of(iri)
        if served is not None:
            return served
        return "/resource?" + urlencode({"iri": iri}) if described else iri


def _term_html(term, labels: dict[str, str], links: Links) -> str:
    if isinstance(term, URIRef):
        iri = str(term)
        label = labels.get(iri)
        text = html.escape(label) + f' <small>&lt;{html.escape(iri)}&gt;</small>' if label else html.escape(iri)
        href = links.href(iri, iri in labels)
        return f'<a href="{html.escape(href)}">{text}</a>'
    if isinstance(term, BNode):
        return f"_:{html.escape(str(term))}"
    suffix = f" @{term.language}" if term.language else (
        f" <small>{html.escape(_short(str(term.datatype)))}</small>" if term.datatype else "")
    return html.escape(str(term)) + suffix


def _short(iri: str) -> str:
    for prefix, ns in sorted(PREFIX_MAP.items(), key=lambda item: -len(item[1])):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def resource_page(iri: str, own: list[tuple], provenance: list[tuple], labels: list[tuple], links: Links) -> str:
    """An HTML page: the resource's properties (with the graph each is in), its source
    spans with their document and lines, every IRI a link to follow."""
    names = {}
    for x, _, label in sorted(labels, key=lambda t: (str(t[0]), str(t[1]) != LABELS[0], str(t[2]))):
        names.setdefault(str(x), str(label))
    title = names.get(iri) or next((str(o) for _, p, o, _ in own if str(p) in LABELS), iri)
    rows = [f"<tr><td>{_term_html(p, names, links)}</td><td>{_term_html(o, names, links)}</td>"
            f"<td><small>{html.escape(_short(str(g)))}</small></td></tr>" for _, p, o, g in own]
    spans = {}
    for s, p, o in provenance:
        spans.setdefault(str(s), {})[_short(str(p))] = o
    source = [f"<li>{_term_html(v.get('oa:hasSource'), names, links)}, lines {html.escape(str(v['kgb:startLine']))}"
              f"–{html.escape(str(v['kgb:endLine']))}</li>"
              for v in spans.values() if "kgb:startLine" in v and "kgb:endLine" in v and v.get("oa:hasSource")]
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        '<style>body{font-family:sans-serif;margin:2em}td{vertical-align:top;padding:.2em .6em}</style>',
        "</head><body>", f"<h1>{html.escape(title)}</h1>", f"<p><code>{html.escape(iri)}</code></p>",
        "<h2>Source</h2><ul>" + "".join(source) + "</ul>" if source else "",
        "<h2>Properties</h2>", "<table><tr><th>property</th><th>value</th><th>graph</th></tr>",
        *rows, "</table>",
        "<p>Also as <a href=\"?format=turtle\">Turtle</a>, <a href=\"?format=ntriples\">N-Triples</a>, "
        "<a href=\"?format=jsonld\">JSON-LD</a>; <a href=\"/sparql\">SPARQL endpoint</a>, "
        "<a href=\"/queries\">saved queries</a>, <a href=\"/\">query page</a>.</p>",
        "</body></html>", ""])


# -- in the worker: saved queries ---------------------------------------------------------------

def run_saved(store_dir: Path, name: str, given: dict[str, str], fmt: str, max_rows: int,
              links: Links) -> Reply:
    """In the worker: one saved query through queries.answer; `table` is an HTML table."""
    from .queries import QueryError, answer, get
    from .store import StoreError
    try:
        saved = get(name)
    except QueryError as exc:
        return Reply(404, TEXT, f"{exc}\n".encode("utf-8"))
    try:
        store = _open(store_dir)
        result = answer(store, saved, given, "json" if fmt == "table" else fmt, max_rows=max_rows)
    except QueryError as exc:
        return Reply(400, TEXT, f"{exc}\n".encode("utf-8"))
    except StoreError as exc:
        return Reply(400 if "more than" in str(exc) else 500, TEXT, f"{exc}\n".encode("utf-8"))
    if fmt != "table":
        return Reply(200, SAVED_FORMATS[fmt], result.text.encode("utf-8"))
    return Reply(200, HTML, _results_page(saved, json.loads(result.text), links).encode("utf-8"))


def _results_page(saved, results: dict, links: Links) -> str:
    if "boolean" in results:
        body = f"<p>{str(results['boolean']).lower()}</p>"
    else:
        columns = results["head"]["vars"]
        cells = []
        for binding in results["results"]["bindings"]:
            row = []
            for name in columns:
                value = binding.get(name)
                if value is None:
                    row.append("<td></td>")
                elif value["type"] == "uri":
                    href = links.href(value["value"], True)
                    row.append(f'<td><a href="{html.escape(href)}">{html.escape(value["value"])}</a></td>')
                else:
                    row.append(f"<td>{html.escape(value['value'])}</td>")
            cells.append("<tr>" + "".join(row) + "</tr>")
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        body = f"<table><tr>{head}</tr>{''.join(cells)}</table><p>{len(cells)} rows</p>"
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(saved.title)}</title>'
            f"</head><body><h1>{html.escape(saved.title)}</h1><p>{html.escape(saved.description)}</p>"
            f'{body}<p><a href="/queries">all saved queries</a></p></body></html>\n')


def catalog_entries() -> list[dict]:
    from .queries import catalog
    return [{"name": q.name, "title": q.title, "description": q.description, "form": q.form,
             "check": q.is_check, "sparql": q.text, "parameters": [{"name": p.name, "type": p.type, "default": p.default,
                                                  "description": p.doc} for p in q.params]}
            for q in catalog().values()]


def catalog_page(entries: list[dict]) -> str:
    items = []
    for entry in entries:
        fields = "".join(f'<label>{html.escape(p["name"])} ({html.escape(p["type"])}) '
                         f'<input name="{html.escape(p["name"])}" value="{html.escape(p["default"])}" size="60"></label> '
                         for p in entry["parameters"])
        items.append(f'<li><form action="/queries/{quote(entry["name"])}"><b>{html.escape(entry["title"])}</b> '
                     f'<code>{html.escape(entry["name"])}</code><br>{html.escape(entry["description"])}<br>'
                     f'{fields}<input type="hidden" name="format" value="table"><button>run</button></form></li>')
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Saved queries</title></head>'
            f'<body><h1>Saved queries</h1><p>Also on the <a href="/">query page</a>.</p>'
            f'<ul>{"".join(items)}</ul></body></html>\n')


def query_page(links: Links) -> str:
    """The query page (static/query.html) told the base IRI and its served path, so its
    script links result IRIs to the resource pages as the server's own pages do."""
    page = (STATIC / "query.html").read_text(encoding="utf-8")
    return (page.replace("__BASE__", html.escape(links.base))
            .replace("__MOUNT__", html.escape(links.mount or "")))


# -- the app ---------------------------------------------------------------------------------

def create_app(store_dir: Path, timeout: float = 10, max_rows: int = 10_000, base_url: str | None = None,
               max_body: int = MAX_BODY, workers: int = WORKERS):
    """The Starlette app serving the store folder `store_dir` (read-only, from worker processes)."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from . import queries as _queries   # noqa: F401 - imported before forking, not in each child
    from .store import StoreError
    from .store import OxigraphStore
    from .worker import TimedOut, WorkerError, WorkerPool

    store_dir = Path(store_dir)
    # Fails now, with the store's message, if the folder is no store; closed before any fork.
    OxigraphStore(store_dir, read_only=True).close()
    base = base_iri()
    public = base_url or base
    mount = urlsplit(public).path or "/"
    links = Links(base, mount if base.endswith("/") else None)
    slots = threading.BoundedSemaphore(workers)
    pool = WorkerPool()

    def plain(status: int, message: str) -> Response:
        return Response(message.rstrip("\n") + "\n", status_code=status, media_type=TEXT)

    async def in_worker(function, *args) -> Response:
        def limited():
            if not slots.acquire(timeout=timeout):
                raise Refused(503, f"the server is busy ({workers} queries running); try again")
            try:
                return pool.run(function, args, timeout, "the server's timeout")
            finally:
                slots.release()
        try:
            reply = await run_in_threadpool(limited)
        except TimedOut as exc:
            return plain(503, str(exc))
        except WorkerError as exc:
            return plain(500, str(exc))
        except Refused as exc:
            return plain(exc.status, str(exc))
        return Response(reply.body, status_code=reply.status, media_type=reply.media_type,
                        headers={"Vary": "Accept"})

    def choose(request: Request, offered: list[str]) -> str:
        media = negotiate(request.headers.get("accept"), offered)
        if media is None:
            raise Refused(406, f"cannot answer in {request.headers.get('accept')}; available: {', '.join(offered)}")
        return media

    async def read_body(request: Request) -> bytes:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > max_body:
            raise Refused(413, f"request body over {max_body} bytes")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body:
                raise Refused(413, f"request body over {max_body} bytes")
        return body

    async def sparql(request: Request) -> Response:
        from .queries import query_form, uses_service
        params = request.query_params
        text = params.get("query")
        default_graphs = params.getlist("default-graph-uri")
        named_graphs = params.getlist("named-graph-uri")
        if request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body = await read_body(request)
            if content_type == "application/sparql-update":
                raise Refused(400, "this endpoint is read-only: SPARQL updates are refused")
            if content_type == "application/sparql-query":
                text = body.decode("utf-8", errors="replace")
            elif content_type == "application/x-www-form-urlencoded":
                from urllib.parse import parse_qs
                form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
                if "update" in form:
                    raise Refused(400, "this endpoint is read-only: SPARQL updates are refused")
                text = (form.get("query") or [None])[0]
                default_graphs += form.get("default-graph-uri", [])
                named_graphs += form.get("named-graph-uri", [])
            else:
                raise Refused(415, "POST a query as application/sparql-query or as the form field query=")
        elif "update" in params:
            raise Refused(400, "this endpoint is read-only: SPARQL updates are refused")
        if text is None:
            host = urlsplit(public) if base_url else urlsplit(str(request.base_url))
            endpoint = f"{host.scheme}://{host.netloc}/sparql"
            return await in_worker(service_description, store_dir, endpoint)
        form = query_form(text)
        if form is None:
            raise Refused(400, "no SELECT, ASK, CONSTRUCT or DESCRIBE query found")
        if form == "update":
            raise Refused(400, "this endpoint is read-only: SPARQL updates are refused")
        if uses_service(text):
            raise Refused(400, "SERVICE (a call to another server) is not allowed here")
        offered = {"select": SELECT_TYPES, "ask": ASK_TYPES}.get(form, GRAPH_TYPES)
        media = choose(request, offered)
        return await in_worker(run_protocol_query, store_dir, text, form, media, max_rows,
                               default_graphs, named_graphs)

    async def void(request: Request) -> Response:
        return await in_worker(void_description, store_dir)

    def resource_media(request: Request) -> str:
        fmt = request.query_params.get("format")
        named = {"turtle": TURTLE, "ntriples": NTRIPLES, "jsonld": JSONLD, "html": HTML}
        if fmt is not None:
            if fmt not in named:
                raise Refused(400, f"format {fmt!r}: give one of {', '.join(named)}")
            return named[fmt]
        return choose(request, RESOURCE_TYPES)

    async def resource(request: Request) -> Response:
        path = request.scope["path"]   # percent-decoded, as the IRI is written
        if not path.startswith(mount):
            raise Refused(404, f"nothing at {path}; resources are under {mount}")
        iri = base + path[len(mount):]
        return await in_worker(describe_resource, store_dir, iri, resource_media(request), links)

    async def any_resource(request: Request) -> Response:
        iri = request.query_params.get("iri")
        if not iri:
            raise Refused(400, "give the resource as ?iri=")
        return await in_worker(describe_resource, store_dir, iri, resource_media(request), links)

    async def query_list(request: Request) -> Response:
        entries = catalog_entries()
        if choose(request, [JSON, HTML]) == HTML:
            return Response(catalog_page(entries), media_type=HTML)
        return Response(json.dumps(entries, indent=2, ensure_ascii=False) + "\n", media_type=JSON)

    async def saved_query(request: Request) -> Response:
        from .queries import FORMATS, QueryError, get
        name = request.path_params["name"]
        try:
            form = get(name).form
        except QueryError as exc:
            raise Refused(404, str(exc)) from None
        formats = FORMATS[form]
        given = {k: v for k, v in request.query_params.items() if k != "format"}
        fmt = request.query_params.get("format")
        if fmt is None:
            preferred = ("json", "turtle", "csv", "tsv", "ntriples", "table")   # the first is the default
            media = choose(request, [SAVED_FORMATS[f] for f in preferred if f in formats])
            fmt = next(f for f in formats if SAVED_FORMATS[f] == media)
        elif fmt not in formats:
            raise Refused(400, f"format {fmt!r}: a {form.upper()} query gives {', '.join(formats)}")
        return await in_worker(run_saved, store_dir, name, given, fmt, max_rows, links)

    async def refused(request: Request, exc: Refused) -> Response:
        return plain(exc.status, str(exc))

    async def failed(request: Request, exc: Exception) -> Response:
        if isinstance(exc, StoreError):
            return plain(500, str(exc))
        return plain(500, f"internal error: {type(exc).__name__}")

    page = query_page(links)

    async def front(request: Request) -> Response:
        return Response(page, media_type=HTML)

    routes = [Route("/", front),
              Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
              Route("/sparql", sparql, methods=["GET", "POST"]),
              Route("/.well-known/void", void),
              Route("/queries", query_list),
              Route("/queries/{name}", saved_query),
              Route("/resource", any_resource)]
    if links.mount is not None:
        routes.append(Route(mount.rstrip("/") + "/{rest:path}", resource))
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        pool.close()

    app = Starlette(routes=routes, exception_handlers={Refused: refused, Exception: failed}, lifespan=lifespan)
    weakref.finalize(app, pool.close)   # also for an app used without its lifespan (a test client)
    return app


def serve(store_dir: Path, host: str, port: int, timeout: float, max_rows: int, base_url: str | None) -> None:
    """Run the app with uvicorn until interrupted."""
    import uvicorn
    uvicorn.run(create_app(store_dir, timeout=timeout, max_rows=max_rows, base_url=base_url),
                host=host, port=port, log_level="warning")
