"""Saved SPARQL queries: a catalog read from queries/*.rq and a runner that binds parameters
as RDF terms (never pasted into the query text).

Each file starts with comment lines:
    # title: …
    # description: …
    # param: NAME (TYPE) = DEFAULT -- what it is
    # dataset: the graphs it reads
Types: sdg (a target or goal code -> its official IRI), agency (a UN entity by acronym or
name -> its IRI), resource (an IRI, or a path relative to the base IRI), date (xsd:date),
integer (xsd:integer), string (plain literal).
Every saved query reads the union of the build's named graphs: the embedded store makes it
the default graph; on a server, where the default graph is often not that union, the
runner adds `FROM <g>` for each of the build's graphs (remote.with_dataset), so the text
stays standard SPARQL 1.1. Files named *-violation.rq are checks that must return no rows.
A file without a title (plain SPARQL given to `kgbuild query --file`) is named after the
file.

A broken saved query (no title, a bad parameter line, not UTF-8, not SPARQL) is reported
with its file:line:col and left out; the others keep working. Updates are refused, and so
is SERVICE (a query that calls out to another server) unless the caller allows it.
"""
from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from . import project
from .namespaces import PREFIXES, base_iri
from .store import SPARQL_TOKENS, Rows, TooManyRows, ntriples, turtle

HEADER = re.compile(r"^#\s*(title|description|dataset|param)\s*:\s*(.*)$")
PARAM = re.compile(r"^(?P<name>\w+)\s*\((?P<type>\w+)\)\s*=\s*(?P<default>.*?)\s*(?:--\s*(?P<doc>.*))?$")
TYPES = ("sdg", "agency", "resource", "date", "integer", "string")


class QueryError(ValueError):
    """Bad query name, parameter or value: the message says what is valid."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str
    doc: str


@dataclass
class SavedQuery:
    name: str
    path: Path
    title: str
    description: str
    params: list[Param] = field(default_factory=list)
    text: str = ""
    dataset: str = ""

    @property
    def is_check(self) -> bool:
        return self.name.endswith("-violation")

    @property
    def form(self) -> str | None:
        return query_form(self.text)


def parse_query_file(path: Path, require_title: bool = True) -> SavedQuery:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise QueryError(f"{path}:{line}:{col}: not UTF-8 text ({exc.reason})") from None
    meta: dict[str, str] = {}
    params: list[Param] = []
    for line_no, line in enumerate(text.splitlines(), 1):
        m = HEADER.match(line)
        if not m:
            if line.strip() and not line.startswith("#"):
                break
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            p = PARAM.match(value)
            if p is None or p.group("type") not in TYPES:
                raise QueryError(f"{path}:{line_no}:1: expected '# param: NAME (TYPE) = DEFAULT -- doc' "
                                 f"with TYPE one of {', '.join(TYPES)}")
            params.append(Param(p.group("name"), p.group("type"), p.group("default"), p.group("doc") or ""))
        else:
            meta[key] = value
    if "title" not in meta and require_title:
        raise QueryError(f"{path}:1:1: saved query has no '# title:' line")
    query = SavedQuery(path.stem, path, meta.get("title", path.name), meta.get("description", ""), params, text,
                       meta.get("dataset", ""))
    form = query_form(text)
    if form == "update":
        raise QueryError(f"{path}: a SPARQL update; kgbuild only reads the graph (SELECT, ASK, CONSTRUCT, DESCRIBE)")
    if form is None:
        raise QueryError(f"{path}:1:1: no SELECT, ASK, CONSTRUCT or DESCRIBE found")
    error = syntax_error(text)
    if error:
        raise QueryError(f"{path}:{error}")
    return query


def _not_words(match: re.Match) -> bool:
    return any(match.group(g) for g in ("iri", "long", "string", "comment"))


def code_only(text: str) -> str:
    """The query text with comments, strings and IRIs blanked out (same length), so keyword
    tests see only SPARQL words. The tokens are those `store.substitute` reads."""
    return SPARQL_TOKENS.sub(lambda m: " " * len(m.group(0)) if _not_words(m) else m.group(0), text)


def without_comments(sparql: str) -> str:
    """The query without its comments (strings and IRIs untouched)."""
    return SPARQL_TOKENS.sub(lambda m: "" if m.group("comment") else m.group(0), sparql)


FORMS = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
                   re.IGNORECASE)


def query_form(text: str) -> str | None:
    """select, ask, construct, describe, update, or None: the first form keyword of the text."""
    m = FORMS.search(code_only(text))
    if m is None:
        return None
    word = m.group(1).lower()
    return word if word in ("select", "ask", "construct", "describe") else "update"


def uses_service(text: str) -> bool:
    return re.search(r"\bSERVICE\b", code_only(text), re.IGNORECASE) is not None


def syntax_error(text: str) -> str | None:
    """'line:col: message' of a SPARQL syntax error, or None. Parsed by Oxigraph against an
    empty store; SERVICE clauses are blanked first so that parsing never calls out."""
    import pyoxigraph as ox
    checked = text
    if uses_service(text):   # GRAPH has SERVICE's syntax; padded so positions stay right
        checked = re.sub(r"\bSERVICE(\s+SILENT)?\b", lambda m: "GRAPH".ljust(len(m.group(0))), text,
                         flags=re.IGNORECASE)
    try:
        ox.Store().query(checked)
    except SyntaxError as exc:
        m = re.match(r"error at (\d+):(\d+): (.*)", str(exc))
        return f"{m.group(1)}:{m.group(2)}: {m.group(3)}" if m else f"1:1: {exc}"
    except Exception:    # noqa: BLE001 - evaluation errors on an empty store are not syntax errors
        return None
    return None


_CATALOGS: dict = {}   # folder -> (its files' names and bytes, what load_catalog found in them)


def load_catalog(folder: Path | None = None) -> tuple[dict[str, SavedQuery], list[str]]:
    """The saved queries that parse, and one located message per file that does not.
    Parsed again only when a file is added, removed or changed (compared byte for byte,
    which costs far less than parsing): a server answers each request from the catalog,
    and parsing all of it took longer than most queries."""
    folder = folder or project.current().queries_dir
    paths = sorted(folder.glob("*.rq"))
    files = []
    for path in paths:
        try:
            files.append((path.name, path.read_bytes()))
        except OSError:   # unreadable or gone since the listing: parsing reports it below
            files.append((path.name, None))
    known = _CATALOGS.get(folder)
    if known is not None and known[0] == files:
        return dict(known[1]), list(known[2])
    good: dict[str, SavedQuery] = {}
    broken: list[str] = []
    for path in paths:
        try:
            query = parse_query_file(path)
        except QueryError as exc:
            broken.append(str(exc))
            continue
        good[query.name] = query
    _CATALOGS[folder] = (files, good, broken)
    return dict(good), list(broken)


def catalog(folder: Path | None = None) -> dict[str, SavedQuery]:
    return load_catalog(folder)[0]


def get(name: str, folder: Path | None = None, short: bool = False) -> SavedQuery:
    """The saved query `name`; with `short`, also the one whose name starts with `name` up to
    a hyphen ("cq05" for cq05-action-status-counts), when exactly one does."""
    queries, broken = load_catalog(folder)
    if name not in queries and short:
        starting = [full for full in queries if full.startswith(name + "-")]
        if len(starting) > 1:
            raise QueryError(f"{name!r} names several saved queries: {', '.join(starting)}")
        name = starting[0] if starting else name
    if name not in queries:
        for message in broken:
            if Path(message.split(":", 1)[0]).stem == name:
                raise QueryError(f"saved query {name} is broken: {message}")
        raise QueryError(f"unknown query {name!r}; saved queries: {', '.join(queries)}")
    return queries[name]


def to_term(param: Param, value: str):
    """A parameter value as the RDF term the query expects."""
    if param.type == "sdg":
        from .sdgcodes import goal_iri, target_iri
        code = value.strip().removeprefix("SDG").strip()
        iri = target_iri(code) or goal_iri(code)
        if iri is None:
            raise QueryError(f"{param.name}: {value!r} is no official SDG target or goal code (e.g. 5.2 or 5)")
        return iri
    if param.type == "agency":
        from .vocab import scheme
        iri = scheme("un-entity").lookup(value)
        if iri is None:
            raise QueryError(f"{param.name}: {value!r} is not in the UN entity list (data/vocab/un-entities.ttl)")
        return iri
    if param.type == "resource":
        import pyoxigraph as ox
        iri = value.strip() if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value.strip()) else base_iri() + value.strip().lstrip("/")
        try:
            if not value.strip():
                raise ValueError("it is empty")
            ox.NamedNode(iri)    # the engine's own IRI check (RFC 3987)
        except ValueError as exc:
            raise QueryError(f"{param.name}: {value!r} is not an IRI (nor a path under the base IRI): {exc}") from None
        return URIRef(iri)
    if param.type == "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            datetime.date.fromisoformat(value)
        except ValueError:
            raise QueryError(f"{param.name}: {value!r} is not a date (YYYY-MM-DD, a real day)") from None
        return Literal(value, datatype=XSD.date)
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?[0-9]{1,4000}", value):
            raise QueryError(f"{param.name}: {value!r} is not an integer (digits 0-9, at most 4000)")
        return Literal(int(value))
    return Literal(value)


def bindings(query: SavedQuery, given: dict[str, str]) -> dict[str, object]:
    known = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(known))
    if unknown:
        valid = ", ".join(f"{p.name} ({p.type}, default {p.default})" for p in query.params) or "none"
        raise QueryError(f"query {query.name} has no parameter {', '.join(unknown)}; its parameters: {valid}")
    return {name: to_term(p, given.get(name, p.default)) for name, p in known.items()}


def run(store, query: SavedQuery, given: dict[str, str] | None = None) -> Rows:
    return store.select(query.text, bindings(query, given or {}))


LABELLED_PER_QUERY = 500   # IRIs whose labels one query asks for


def _labels(store, terms) -> dict:
    """The label shown beside each IRI among `terms`: its least rdfs:label, else its least
    skos:prefLabel (several labels are spellings of one partner: always the same one). One
    query per property and few hundred IRIs: a lookup per cell read the store twice per
    cell, 2 s for the 3,460 rows of cq06 at 1M quads, and one request per cell on a SPARQL
    server. (A variable predicate here makes Oxigraph scan every triple of each IRI.)"""
    wanted = sorted({term for term in terms if isinstance(term, URIRef)})
    labels: dict = {}
    for prop in (RDFS.label, SKOS.prefLabel):
        found: dict = {}
        for start in range(0, len(wanted), LABELLED_PER_QUERY):
            listed = " ".join(f"<{iri}>" for iri in wanted[start:start + LABELLED_PER_QUERY])
            for subject, value in store.select(f"SELECT ?s ?o WHERE {{ VALUES ?s {{ {listed} }} ?s <{prop}> ?o }}").rows:
                found.setdefault(subject, []).append(str(value))
        labels.update((subject, min(values)) for subject, values in found.items())
        wanted = [iri for iri in wanted if iri not in labels]
    return labels


def _cell(term) -> str:
    return "" if term is None else str(term)


FORMATS = {
    "select": ("table", "csv", "tsv", "json"),
    "ask": ("table", "csv", "tsv", "json"),
    "construct": ("table", "turtle", "ntriples"),
    "describe": ("table", "turtle", "ntriples"),
}


def format_table(store, table: Rows) -> str:
    """The result as aligned text, with each IRI's label beside it (the SPARQL result
    formats are the store's own writers: Store.select_as)."""
    labels = _labels(store, (t for row in table.rows for t in row))
    cells = [[f"{labels[t]} <{t}>" if isinstance(t, URIRef) and labels.get(t) else _cell(t) for t in row]
             for row in table.rows]
    cells = [[c if len(c) <= 90 else c[:89] + "…" for c in row] for row in cells]
    widths = [max([len(name)] + [len(r[i]) for r in cells]) for i, name in enumerate(table.columns)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(table.columns, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    lines.append(f"({len(cells)} rows)")
    return "\n".join(lines)


@dataclass
class Answer:
    """What a query gave, formatted: `rows` counts solutions (or triples; 1 for a true ASK)."""
    text: str
    rows: int


def answer(store, query: SavedQuery, given: dict[str, str] | None = None, fmt: str = "table",
           max_rows: int | None = None, allow_service: bool = False) -> Answer:
    """Run any read-only query form and format its result; refuses what does not fit."""
    form = query.form
    if form not in FORMATS:
        raise QueryError(f"{query.path}: only SELECT, ASK, CONSTRUCT and DESCRIBE are run")
    if fmt not in FORMATS[form]:
        raise QueryError(f"a {form.upper()} query gives {'a graph' if form in ('construct', 'describe') else 'a result table'}: "
                         f"use -f {', '.join(FORMATS[form])}")
    if uses_service(query.text) and not allow_service:
        raise QueryError(f"{query.path}: the query calls another server (SERVICE); allow it with --allow-service")
    values = bindings(query, given or {})
    if form == "ask":
        truth = store.ask(query.text, values)
        if fmt == "json":
            return Answer(json.dumps({"head": {}, "boolean": truth}) + "\n", int(truth))
        return Answer(("true" if truth else "false") + "\n", int(truth))
    if form in ("construct", "describe"):
        triples = store.construct(query.text, values)
        _check_size(len(triples), max_rows)
        if fmt == "ntriples":
            return Answer(ntriples(triples), len(triples))
        return Answer(turtle(triples, {p: str(ns) for p, ns in PREFIXES.items()}).decode("utf-8"), len(triples))
    if fmt != "table":
        data, count = store.select_as(query.text, values, fmt, max_rows=max_rows)
        return Answer(data.decode("utf-8"), count)
    table = store.select(query.text, values, max_rows=max_rows)
    return Answer(format_table(store, table), len(table.rows))


def _check_size(rows: int, max_rows: int | None) -> None:
    if max_rows is not None and rows > max_rows:
        raise TooManyRows.beyond(max_rows)
