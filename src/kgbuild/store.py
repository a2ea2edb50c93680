"""The store boundary: one small protocol, and embedded Oxigraph (pyoxigraph) behind it.

Stages talk to the store only through `Store`: named graphs in (N-Triples / N-Quads text,
or files) and out (sorted N-Quads), SELECT / CONSTRUCT / ASK, SPARQL Update, graph names
and counts. What crosses the boundary is plain Python: strings, tuples, and rdflib terms
(`URIRef`, `Literal`, `BNode` — immutable `str` subclasses) as the values of solutions. No
library graph, dataset or result object leaves this module, so a SPARQL server over HTTP
can implement the same protocol.

Oxigraph stores literals by value: derived integer types become `xsd:integer` and numbers
are kept in canonical form (`"191.0"^^xsd:decimal` is `"191"`). The model therefore uses
only datatypes a store keeps as they are (see ontology/kgbuild.ttl).
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Protocol, Sequence

from rdflib import BNode, Literal, URIRef

from .namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
FORMATS = {   # our format names -> pyoxigraph RdfFormat attribute
    "nquads": "N_QUADS", "ntriples": "N_TRIPLES", "nt": "N_TRIPLES", "turtle": "TURTLE", "trig": "TRIG",
    "xml": "RDF_XML", "jsonld": "JSON_LD",
}
SUFFIX_FORMATS = {".nq": "nquads", ".nt": "ntriples", ".ttl": "turtle", ".trig": "trig", ".rdf": "xml",
                  ".owl": "xml", ".jsonld": "jsonld", ".json": "jsonld"}


class StoreError(RuntimeError):
    """The store could not be opened, read or written; the message says why."""


@dataclass
class Rows:
    """The solutions of a SELECT: column names and one tuple of terms (or None) per row."""
    columns: list[str]
    rows: list[tuple]

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


class TooManyRows(StoreError):
    """A query gave more solutions than the caller accepts."""

    @classmethod
    def beyond(cls, max_rows: int) -> "TooManyRows":
        return cls(f"the result has more than {max_rows} rows; narrow the query or raise --max-rows")


class Store(Protocol):
    """What every stage needs of a quad store."""

    def replace_graph(self, graph: str, data: str | bytes, fmt: str = "ntriples") -> None:
        """Replace a named graph by the triples of `data`."""

    def load(self, path: Path, fmt: str | None = None, graph: str | None = None) -> int:
        """Add a file's quads (or its triples to `graph`); returns how many quads it held."""

    def dump_nquads(self, path: Path, graphs: Sequence[str] | None = None) -> int:
        """Write sorted N-Quads (same store, same bytes); returns the number of lines."""

    def select(self, sparql: str, bindings: dict | None = None, graphs: Sequence[str] | None = None,
               max_rows: int | None = None) -> Rows:
        """Solutions of a SELECT; the default graph is the union of `graphs` (all by default);
        `bindings` replace variables by terms everywhere in the query text (`substitute`).
        More than `max_rows` solutions raise TooManyRows as soon as one more is seen."""

    def select_as(self, sparql: str, bindings: dict | None = None, fmt: str = "json",
                  graphs: Sequence[str] | None = None, max_rows: int | None = None) -> tuple[bytes, int]:
        """A SELECT's solutions written in a SPARQL 1.1 results format (a key of
        SOLUTION_FORMATS) by Oxigraph's writers, and how many there are; more than
        `max_rows` raise TooManyRows."""

    def construct(self, sparql: str, bindings: dict | None = None,
                  graphs: Sequence[str] | None = None) -> list[tuple]: ...

    def ask(self, sparql: str, bindings: dict | None = None, graphs: Sequence[str] | None = None) -> bool: ...

    def update(self, sparql: str) -> None: ...

    def graph_names(self) -> list[str]: ...

    def count(self, graph: str | None = None) -> int: ...

    def remove_graph(self, graph: str) -> None: ...

    def add_to_graph(self, graph: str, data: str | bytes, fmt: str = "ntriples") -> None:
        """Add triples to a named graph (created on first use)."""


class OxigraphStore:
    """Embedded Oxigraph: in memory (path None) or persisted in a folder (RocksDB).

    Queries see the union of the named graphs as their default graph, as the saved
    queries expect."""

    def __init__(self, path: Path | None = None, read_only: bool = False):
        import pyoxigraph as ox
        self._ox = ox
        self.path = path
        self.read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                if not (path / "CURRENT").is_file():   # what every Oxigraph (RocksDB) folder holds
                    raise StoreError(f"{path}: neither a store folder nor a build folder (`kgbuild build --out DIR` writes DIR/store)")
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"{path}: cannot open the store ({exc})") from exc
        self._prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}

    # -- writing --------------------------------------------------------------------------

    def replace_graph(self, graph: str, data: str | bytes, fmt: str = "ntriples") -> None:
        self.remove_graph(graph)
        self.add_to_graph(graph, data, fmt)

    def add_to_graph(self, graph: str, data: str | bytes, fmt: str = "ntriples") -> None:
        ox = self._ox
        payload = data.encode("utf-8") if isinstance(data, str) else data
        if not payload.strip():
            return
        name = ox.NamedNode(graph)
        rdf_format = getattr(ox.RdfFormat, FORMATS[fmt])
        try:
            if b"_:" in payload:
                # Keep blank node labels as given (they are canonical), so output is stable.
                quads = [ox.Quad(q.subject, q.predicate, q.object, name)
                         for q in ox.parse(payload, format=rdf_format, rename_blank_nodes=False)]
                self._store.extend(quads)
            else:
                self._store.load(input=payload, format=rdf_format, to_graph=name)
        except SyntaxError as exc:
            raise StoreError(f"graph <{graph}>: invalid {fmt}: {exc}") from exc

    def load(self, path: Path, fmt: str | None = None, graph: str | None = None) -> int:
        ox = self._ox
        fmt = fmt or SUFFIX_FORMATS.get(path.suffix.lower())
        if fmt not in FORMATS:
            raise StoreError(f"{path}: unknown RDF format; give one of {', '.join(sorted(FORMATS))}")
        before = len(self._store)
        try:
            self._store.bulk_load(path=str(path), format=getattr(ox.RdfFormat, FORMATS[fmt]),
                                  to_graph=ox.NamedNode(graph) if graph else None)
        except SyntaxError as exc:
            raise StoreError(f"{path}: not valid {fmt}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"{path}: cannot read ({exc})") from exc
        return len(self._store) - before

    def remove_graph(self, graph: str) -> None:
        name = self._ox.NamedNode(graph)
        if self._store.contains_named_graph(name):
            self._store.remove_graph(name)

    def update(self, sparql: str) -> None:
        self._store.update(sparql, prefixes=self._prefixes)

    def optimize(self) -> None:
        """Compact the on-disk store: fewer files to read from makes the queries that read
        thousands of values back from disk up to twice as fast."""
        if self.path is not None:
            self._store.optimize()

    def flush(self) -> None:
        if self.path is not None and not self.read_only:   # a read-only store has nothing to write
            self._store.flush()

    # -- reading --------------------------------------------------------------------------

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, self._ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._store)
        (row,) = self._store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(row[0].value)

    def counts(self) -> dict[str, int]:
        """Quads per named graph, in one pass."""
        rows = self._store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return dict(sorted((row[0].value, int(row[1].value)) for row in rows))

    def __len__(self) -> int:
        return len(self._store)

    def _run(self, sparql: str, bindings: dict | None, graphs: Sequence[str] | None):
        """`graphs` None: the default graph is the union of all named graphs; else the
        union of the graphs listed. `bindings` are written into the text by `substitute`."""
        ox = self._ox
        if bindings:
            sparql = substitute(sparql, bindings)
        if graphs is None:
            return self._store.query(sparql, prefixes=self._prefixes, use_default_graph_as_union=True)
        return self._store.query(sparql, prefixes=self._prefixes, default_graph=[ox.NamedNode(g) for g in graphs])

    def select(self, sparql: str, bindings: dict | None = None, graphs: Sequence[str] | None = None,
               max_rows: int | None = None) -> Rows:
        solutions = self._run(sparql, bindings, graphs)
        columns = [v.value for v in solutions.variables]
        terms: dict = {}   # a term repeats across rows: convert it once per result

        def term(value):
            if value is None:
                return None
            converted = terms.get(value)
            if converted is None:
                converted = terms[value] = from_ox(value)
            return converted
        rows = []
        for solution in solutions:
            if max_rows is not None and len(rows) == max_rows:
                raise TooManyRows.beyond(max_rows)
            rows.append(tuple(term(t) for t in solution))
        return Rows(columns, rows)

    def select_as(self, sparql: str, bindings: dict | None = None, fmt: str = "json",
                  graphs: Sequence[str] | None = None, max_rows: int | None = None) -> tuple[bytes, int]:
        results_format(fmt)   # refuses a triple format before the query runs
        return serialize_answer(self._run(sparql, bindings, graphs), fmt, max_rows)

    def construct(self, sparql: str, bindings: dict | None = None,
                  graphs: Sequence[str] | None = None) -> list[tuple]:
        return [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object))
                for t in self._run(sparql, bindings, graphs)]

    def ask(self, sparql: str, bindings: dict | None = None, graphs: Sequence[str] | None = None) -> bool:
        return bool(self._run(sparql, bindings, graphs))

    def objects(self, subject: str, predicate: str) -> list:
        """Objects of (subject, predicate) across all graphs, sorted."""
        ox = self._ox
        return sorted({from_ox(q.object) for q in self._store.quads_for_pattern(
            ox.NamedNode(subject), ox.NamedNode(predicate), None, None)})

    def quads(self) -> Iterator[tuple]:
        """Every quad as (s, p, o, graph) terms; blank nodes keep their labels."""
        for q in self._store.quads_for_pattern(None, None, None, None):
            if isinstance(q.graph_name, self._ox.NamedNode):
                yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), URIRef(q.graph_name.value)

    def triples(self, graph: str) -> list[tuple]:
        """The triples of one named graph as term tuples."""
        ox = self._ox
        return [(from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
                for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]

    # -- files ----------------------------------------------------------------------------

    def dump(self, fmt: str = "nquads", graph: str | None = None) -> bytes:
        ox = self._ox
        rdf_format = getattr(ox.RdfFormat, FORMATS[fmt])
        if graph is not None:
            return self._store.dump(format=rdf_format, from_graph=ox.NamedNode(graph))
        return self._store.dump(format=rdf_format)

    def dump_file(self, path: Path, graph: str | None = None) -> None:
        """Stream the store (N-Quads) or one graph (N-Triples) to a file, unsorted: for
        handing large parts to another store without holding them in memory."""
        ox = self._ox
        if graph is None:
            self._store.dump(output=str(path), format=ox.RdfFormat.N_QUADS)
        else:
            self._store.dump(output=str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))

    def load_file(self, path: Path, graph: str | None = None) -> None:
        """Bulk-load a file written by `dump_file`. Its few blank-node lines (the ontology's
        OWL lists) are loaded through the parser that keeps their canonical labels, since the
        bulk loader renames blank nodes."""
        ox = self._ox
        fmt = ox.RdfFormat.N_QUADS if graph is None else ox.RdfFormat.N_TRIPLES
        target = ox.NamedNode(graph) if graph is not None else None
        with path.open("rb") as handle:
            with_blank = b"".join(line for line in handle if b"_:" in line)
        if not with_blank:
            self._store.bulk_load(path=str(path), format=fmt, to_graph=target, lenient=True)
            return
        plain = path.with_name(path.name + ".plain")
        with path.open("rb") as source, plain.open("wb") as out:
            out.writelines(line for line in source if b"_:" not in line)
        self._store.bulk_load(path=str(plain), format=fmt, to_graph=target, lenient=True)
        plain.unlink()
        quads = ox.parse(with_blank, format=fmt, rename_blank_nodes=False)
        self._store.extend([ox.Quad(q.subject, q.predicate, q.object, target) if target is not None else q
                            for q in quads])

    def sorted_lines(self, graphs: Sequence[str] | None = None, fmt: str = "nquads") -> list[bytes]:
        """N-Quads (or N-Triples of the union) as sorted lines: same store, same bytes."""
        if graphs is None and fmt == "nquads":
            # Through a file, read in chunks: a dump held whole beside its split lines
            # was the build's peak of memory (3.2 GB at 2.5M quads, 0.7 GB of it the dump).
            with tempfile.TemporaryDirectory(prefix="kgbuild-dump-") as folder:
                path = Path(folder) / "all.nq"
                self.dump_file(path)
                lines, rest = [], b""
                with path.open("rb") as handle:
                    while chunk := handle.read(1 << 26):
                        parts = (rest + chunk).split(b"\n")
                        rest = parts.pop()
                        lines.extend(parts)
                lines.append(rest)
        else:
            lines = []
            for graph in graphs if graphs is not None else self.graph_names():
                part = self.dump("ntriples", graph).splitlines()
                suffix = f" <{graph}> .".encode() if fmt == "nquads" else b" ."
                lines.extend(line[:-2].rstrip() + suffix for line in part if line.strip())
        lines = [line for line in lines if line.strip()]
        lines.sort()
        if fmt != "nquads":   # a triple in several graphs is one triple of the union
            lines = [line for i, line in enumerate(lines) if i == 0 or line != lines[i - 1]]
        return lines

    def dump_nquads(self, path: Path, graphs: Sequence[str] | None = None) -> int:
        """Write sorted N-Quads to `path` (through a temporary file and a rename); returns
        the number of quads. Lines are written one by one, never joined in memory."""
        lines = self.sorted_lines(graphs)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        try:
            with tmp.open("wb") as handle:
                for line in lines:
                    handle.write(line)
                    handle.write(b"\n")
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()
        return len(lines)

    @property
    def engine(self):
        """The pyoxigraph Store itself, for a caller that needs the engine's own query
        options (the SPARQL protocol's dataset) or writers."""
        return self._store

    def close(self) -> None:
        self.flush()
        self._store = None


# What a variable may not be confused with: IRIs, strings (short and long) and comments.
SPARQL_TOKENS = re.compile(
    r'(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)|(?P<long>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\')'
    r'|(?P<string>"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')|(?P<comment>#[^\n]*)'
    r'|(?P<var>[?$](?P<name>[A-Za-z_][A-Za-z0-9_]*))'
    r'|(?P<keyword>(?i:\bSELECT\b|\bWHERE\b|\bGROUP\s+BY\b|\bORDER\s+BY\b|\bHAVING\b|\bLIMIT\b|\bOFFSET\b)|[{}])')


def substitute(sparql: str, terms: dict[str, object]) -> str:
    """The query with each parameter variable replaced by its term, written in SPARQL
    syntax by `nt_term`: the value reaches every scope (subqueries, FILTERs) the same way
    on every engine, and no text of the value is ever read as SPARQL. Where a variable
    must stay a variable or an expression, the term becomes one: `(term AS ?v)` in a
    projection, `(term)` in GROUP BY, ORDER BY and HAVING."""
    clause = "pattern"

    def replace(match: re.Match) -> str:
        nonlocal clause
        keyword = match.group("keyword")
        if keyword is not None:
            word = " ".join(keyword.upper().split())
            clause = {"SELECT": "projection", "GROUP BY": "modifier", "ORDER BY": "modifier",
                      "HAVING": "modifier"}.get(word, "pattern")
            return keyword
        name = match.group("name")
        if name is None or name not in terms:
            return match.group(0)
        term = nt_term(terms[name])
        if clause == "projection":
            return f"({term} AS ?{name})"
        return f"({term})" if clause == "modifier" else term
    return SPARQL_TOKENS.sub(replace, sparql)


def turtle(triples: Iterable[tuple], prefixes: dict[str, str]) -> bytes:
    """Triples (rdflib terms) as Turtle, written by Oxigraph in sorted order with the
    prefixes sorted: the same triples give the same bytes, in linear time."""
    import pyoxigraph as ox
    data = ntriples(triples).encode("utf-8")
    return sorted_prefix_lines(ox.serialize(ox.parse(data, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False),
                                            format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes)))


def sorted_prefix_lines(body: bytes) -> bytes:
    """Turtle or TriG from Oxigraph with its @prefix lines sorted (it writes them in the
    order of its own table, not the order given)."""
    lines = body.split(b"\n")
    head = 0
    while head < len(lines) and lines[head].startswith(b"@prefix"):
        head += 1
    return b"\n".join(sorted(lines[:head]) + lines[head:])


# The formats Oxigraph writes query answers in, by the names the commands and the server use.
SOLUTION_FORMATS = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}
TRIPLE_FORMATS = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "jsonld": "JSON_LD"}


def results_format(fmt: str):
    """The pyoxigraph QueryResultsFormat of a SOLUTION_FORMATS name; StoreError for another."""
    import pyoxigraph as ox
    if fmt not in SOLUTION_FORMATS:
        raise StoreError(f"no result format {fmt!r}; formats: {', '.join(SOLUTION_FORMATS)}")
    return getattr(ox.QueryResultsFormat, SOLUTION_FORMATS[fmt])


class _LineLimit:
    """A binary sink that keeps what is written and stops the writer (TooManyRows, naming
    `max_rows`) once it has seen more than `limit` line ends."""

    def __init__(self, limit: int | None, max_rows: int | None):
        self.parts: list[bytes] = []
        self.lines = 0
        self.limit, self.max_rows = limit, max_rows

    def write(self, chunk) -> int:
        chunk = bytes(chunk)
        self.lines += chunk.count(b"\n")
        if self.limit is not None and self.lines > self.limit:
            raise TooManyRows.beyond(self.max_rows)
        self.parts.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        pass


def serialize_answer(result, fmt: str, max_rows: int | None = None,
                     prefixes: dict[str, str] | None = None) -> tuple[bytes, int]:
    """A pyoxigraph SELECT result (fmt in SOLUTION_FORMATS) or CONSTRUCT/DESCRIBE result
    (fmt in TRIPLE_FORMATS) written by Oxigraph's own writers, with the number of solutions
    or triples. It is first written one answer per line (TSV for solutions, N-Triples for
    triples; both escape line breaks) and counted as it is written, so that an answer of
    more than max_rows stops the engine there (TooManyRows) rather than after it is whole
    in memory; then re-read and written in `fmt`, in Rust throughout."""
    import pyoxigraph as ox
    solutions = fmt in SOLUTION_FORMATS
    if not solutions and fmt not in TRIPLE_FORMATS:
        raise StoreError(f"no answer format {fmt!r}; formats: {', '.join([*SOLUTION_FORMATS, *TRIPLE_FORMATS])}")
    header = 1 if solutions else 0
    sink = _LineLimit(None if max_rows is None else max_rows + header, max_rows)
    if solutions:
        result.serialize(sink, format=ox.QueryResultsFormat.TSV)
    else:
        result.serialize(sink, format=ox.RdfFormat.N_TRIPLES)
    lines, count = b"".join(sink.parts), sink.lines - header
    if fmt in ("tsv", "ntriples"):
        return lines, count
    if solutions:
        return ox.parse_query_results(lines, format=ox.QueryResultsFormat.TSV).serialize(
            format=results_format(fmt)), count
    body = ox.serialize(ox.parse(lines, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False),
                        format=getattr(ox.RdfFormat, TRIPLE_FORMATS[fmt]),
                        prefixes=dict(prefixes or {}) if fmt == "turtle" else None)
    return (sorted_prefix_lines(body) if fmt == "turtle" else body), count


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: a failed write never
    destroys the last good file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


# -- terms ----------------------------------------------------------------------------------

def from_ox(term):
    """An Oxigraph term as an rdflib term (None stays None)."""
    if term is None:
        return None
    kind = type(term).__name__
    if kind == "NamedNode":
        return URIRef(term.value)
    if kind == "Literal":
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    if kind == "BlankNode":
        return BNode(term.value)
    raise StoreError(f"unsupported term {term!r}")


def nt_string(text: str) -> str:
    """A string as an N-Triples literal (quoted, escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def nt_term(term) -> str:
    """One term in N-Triples syntax."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = nt_string(str(term))
        if term.language:
            return f'{text}@{term.language}'
        if term.datatype is not None and str(term.datatype) != XSD_STRING:
            return f'{text}^^<{term.datatype}>'
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    raise StoreError(f"not an RDF term: {term!r}")


def ntriples(triples: Iterable[tuple]) -> str:
    """Triples as sorted, de-duplicated N-Triples text: the plain value stages exchange."""
    return "".join(sorted({f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in triples}))
