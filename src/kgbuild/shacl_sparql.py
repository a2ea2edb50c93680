"""SHACL compiled to whole-graph SPARQL: one SELECT per constraint, run once on the store.

pySHACL evaluates each constraint focus node by focus node, and each SHACL-SPARQL
constraint as one query per focus node; on a million triples that never ends. Here every
constraint of every shape (read from shapes/*.ttl, the single definition) becomes one
SELECT whose solutions are the constraint's results for *all* focus nodes at once:

    SELECT DISTINCT ?this ?value WHERE {
      { SELECT DISTINCT ?this WHERE { <targets of the shape> } }
      <the constraint's violation pattern for ?this>
    }

Nested shapes (sh:node, sh:not, sh:and, sh:or, sh:xone) become joins with (or MINUS of)
the set of value nodes that do not conform; that set's path tests read the whole graph
rather than repeat the value domain, whose every copy costs a scan and a hash join.
Class tests (sh:class, sh:targetClass) use the rdfs:subClassOf closure read from the
ontology and data graphs, given as VALUES, so the queries read the data graphs only. Only components this module knows are compiled;
any other SHACL parameter raises `UnsupportedShapeError` naming the shape, so a shape is
never silently skipped.

Shaped for Oxigraph 0.5: all target classes of a shape in one VALUES (a UNION per class is
a scan per class); a SPARQL constraint's FILTER NOT EXISTS becomes MINUS where equivalent
(`not_exists_as_minus`); the queries run in two threads.

Semantics follow SHACL 1.0 Core and SHACL-SPARQL as pySHACL implements them (the reference
engine, see tests/test_shacl_engine.py): severity and sh:message are read from the shape;
a SPARQL constraint's own sh:message is used when its shape has none, with {?var}
substitution; in a node shape's SPARQL constraint the value is ?value if bound, else the
focus node.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from .reason import reachable
from .store import nt_term

# Parameters that carry no constraint of their own (descriptive, or read with another one).
NON_CONSTRAINT = {RDF.type, RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, SH.name,
                  SH.description, SH.order, SH.group, SH.defaultValue, SH.message, SH.severity,
                  SH.deactivated, SH.path, SH.flags, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
                  SH.targetObjectsOf, SH.declare, SH.prefixes}
OWN_NAMESPACES = (str(RDF), str(RDFS), str(OWL))

COMPONENT = {   # parameter -> SHACL constraint component IRI
    SH["class"]: SH.ClassConstraintComponent, SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent, SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent, SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent, SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH["in"]: SH.InConstraintComponent, SH.hasValue: SH.HasValueConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent, SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.node: SH.NodeConstraintComponent, SH["not"]: SH.NotConstraintComponent,
    SH["and"]: SH.AndConstraintComponent, SH["or"]: SH.OrConstraintComponent,
    SH.xone: SH.XoneConstraintComponent, SH.sparql: SH.SPARQLConstraintComponent,
}

# Lexical forms of the XSD datatypes a well-formed literal must match (sh:datatype also
# rejects ill-typed literals such as "abc"^^xsd:integer, which stores keep as they are).
_INT = r"[+-]?[0-9]+"
_TZ = r"(Z|[+-][0-9]{2}:[0-9]{2})?"
LEXICAL = {
    XSD.integer: _INT, XSD.int: _INT, XSD.long: _INT, XSD.short: _INT, XSD.byte: _INT,
    XSD.nonNegativeInteger: r"[+]?[0-9]+", XSD.positiveInteger: r"[+]?0*[1-9][0-9]*",
    XSD.decimal: r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)",
    XSD.double: r"[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|INF)|NaN",
    XSD.float: r"[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|INF)|NaN",
    XSD.boolean: r"true|false|1|0",
    XSD.date: r"-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])" + _TZ,
    XSD.dateTime: r"-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-4]):[0-5][0-9]:"
                  r"[0-5][0-9](\.[0-9]+)?" + _TZ,
    XSD.gYear: r"-?[0-9]{4,}" + _TZ,
    XSD.gYearMonth: r"-?[0-9]{4,}-(0[1-9]|1[0-2])" + _TZ,
}
NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))", SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
COMPARISONS = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
PAIR_COMPARISONS = {SH.lessThan: "<", SH.lessThanOrEquals: "<="}
MAX_DEPTH = 20   # nesting of sh:node / logical shapes; deeper means a cycle
# Constraint queries run at once. Two threads saved about a third of validation time at
# 1.1M quads but raised the build's peak memory from 1.7 to 2.1 GB (each query holds its
# intermediate results), over the 2 GB the build must fit in at that size: so one.
QUERY_THREADS = 1


class UnsupportedShapeError(ValueError):
    """A shape uses a SHACL feature this compiler does not implement (or uses one wrongly)."""


@dataclass(frozen=True)
class CompiledConstraint:
    """One constraint as one whole-graph SELECT: columns ?this, ?value (if any), ?path (SPARQL
    constraints), and the variables its message template names."""
    shape: URIRef | BNode            # the source shape (a node or property shape)
    component: URIRef                # sh:…ConstraintComponent
    severity: URIRef
    path: object | None              # the shape's sh:path node, None for node shapes
    messages: tuple[str, ...]        # templates; {?var} / {$var} substituted per solution
    sparql: str
    constraint: BNode | URIRef | None = None   # the sh:sparql node of a SPARQL constraint
    value_is_focus: bool = False     # node shape SPARQL constraint: value defaults to the focus


@dataclass(frozen=True)
class ShapeResult:
    """One validation result, as SHACL defines it."""
    focus: object
    path: object | None
    value: object | None
    severity: URIRef
    shape: object
    component: URIRef
    message: str
    constraint: object | None = None

    def key(self) -> tuple:
        """What two engines must agree on."""
        return self.focus, self.path, self.value, self.severity, self.shape


@dataclass
class CompiledShapes:
    constraints: list[CompiledConstraint]
    notes: list[str] = field(default_factory=list)   # shape oddities that do not stop compilation

    def run(self, store, graphs: Sequence[str] | None,
            progress: Callable[[str], None] | None = None, workers: int = QUERY_THREADS) -> list[ShapeResult]:
        """Run every constraint once over the union of `graphs` (None: of every graph);
        results sorted for stable output. The queries are independent and pyoxigraph
        evaluates them outside the GIL, so `workers` threads run them side by side."""
        view = list(graphs) if graphs is not None else None
        results: list[ShapeResult] = []

        def answer(constraint: CompiledConstraint):
            return store.select(constraint.sparql, graphs=view)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for number, (constraint, rows) in enumerate(
                    zip(self.constraints, pool.map(answer, self.constraints)), 1):
                results.extend(_results(constraint, rows))
                if progress is not None and (number % 25 == 0 or number == len(self.constraints)):
                    progress(f"validate: {number}/{len(self.constraints)} constraints")
        results = list(dict.fromkeys(results))
        results.sort(key=lambda r: tuple(_sort_text(x) for x in (r.shape, r.focus, r.path, r.value, r.message)))
        return results


def _sort_text(term) -> str:
    return "" if term is None else f"{type(term).__name__}:{term}"


def _results(constraint: CompiledConstraint, rows) -> Iterable[ShapeResult]:
    columns = rows.columns
    for row in rows:
        bound = dict(zip(columns, row))
        value = bound.get("value")
        if value is None and constraint.value_is_focus:
            value = bound["this"]
        path = bound.get("path") if constraint.constraint is not None and bound.get("path") is not None \
            else constraint.path
        yield ShapeResult(bound["this"], path, value, constraint.severity, constraint.shape, constraint.component,
                          "; ".join(_substitute(m, bound) for m in constraint.messages) or "constraint not met",
                          constraint.constraint)


def _substitute(template: str, bound: Mapping[str, object]) -> str:
    def term(match: re.Match) -> str:
        value = bound.get(match.group(1))
        return str(value) if value is not None else match.group(0)
    return re.sub(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}", term, template)


# -- the class hierarchy -------------------------------------------------------------------

def class_closure(store, graphs: Sequence[str]) -> dict[URIRef, frozenset]:
    """Each class -> itself and all its subclasses (rdfs:subClassOf*), from `graphs`."""
    rows = store.select("SELECT DISTINCT ?sub ?super WHERE { ?sub <%s> ?super }" % RDFS.subClassOf,
                        graphs=list(graphs))
    children: dict = {}
    for sub, sup in rows:
        children.setdefault(sup, set()).add(sub)
    return {cls: frozenset(reachable(cls, children)) for cls in children}


# -- compiling ------------------------------------------------------------------------------

def compile_shapes(shapes: Graph, subclasses: Mapping[URIRef, frozenset] | None = None) -> CompiledShapes:
    """Every constraint of every targeted shape as one whole-graph SELECT.

    `subclasses` maps a class to itself and its subclasses (see `class_closure`)."""
    compiler = _Compiler(shapes, subclasses or {})
    constraints = []
    for shape in compiler.shape_nodes():
        _check_parameters(shapes, shape)
        targets = compiler.targets(shape)
        if targets is None or compiler.deactivated(shape):
            continue
        constraints.extend(compiler.top_level(shape, targets))
        for prop in sorted(shapes.objects(shape, SH.property), key=_sort_text):
            if not compiler.deactivated(prop):
                constraints.extend(compiler.top_level(prop, targets))
    constraints.sort(key=lambda c: (_sort_text(c.shape), str(c.component), c.sparql))
    return CompiledShapes(constraints, compiler.notes)


def _check_parameters(shapes: Graph, shape) -> None:
    """Refuse any SHACL parameter the compiler does not know, naming the shape."""
    for predicate in set(shapes.predicates(shape)):
        if predicate in NON_CONSTRAINT or predicate in COMPONENT or predicate == SH.property:
            continue
        if str(predicate).startswith(str(SH)):
            raise UnsupportedShapeError(f"shape {_name(shapes, shape)}: {_curie(predicate)} is not supported by the "
                                        "compiled SHACL engine (use engine='pyshacl', or extend kgbuild.shacl_sparql)")


def _name(shapes: Graph, shape) -> str:
    if isinstance(shape, URIRef):
        return f"<{shape}>"
    for parent in shapes.subjects(SH.property, shape):
        path = shapes.value(shape, SH.path)
        return f"{_name(shapes, parent)} (property {_curie(path) if path is not None else '?'})"
    for parent, _ in shapes.subject_predicates(shape):
        return f"[] within {_name(shapes, parent)}"
    return f"_:{shape}"


def _curie(term) -> str:
    text = str(term)
    return "sh:" + text[len(str(SH)):] if text.startswith(str(SH)) else f"<{text}>"


def sparql_term(term) -> str:
    """A term in SPARQL (N-Triples) syntax; blank nodes cannot be named in a query."""
    if isinstance(term, BNode):
        raise UnsupportedShapeError(f"cannot write {term!r} into a query (blank nodes are not supported here)")
    return nt_term(term)


def _string(text: str) -> str:
    return sparql_term(Literal(text))


class _Vars:
    """Fresh variable names within one query."""

    def __init__(self):
        self.count = 0

    def new(self, stem: str) -> str:
        self.count += 1
        return f"?{stem}{self.count}"


class _Compiler:
    def __init__(self, shapes: Graph, subclasses: Mapping[URIRef, frozenset]):
        self.g = shapes
        self.subclasses = subclasses
        self.notes: list[str] = []

    # shapes and targets

    def shape_nodes(self) -> list:
        """Node and property shapes that may have targets (typed, or carrying a target)."""
        nodes = set(self.g.subjects(RDF.type, SH.NodeShape)) | set(self.g.subjects(RDF.type, SH.PropertyShape))
        for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            nodes |= set(self.g.subjects(target, None))
        return sorted(nodes, key=_sort_text)

    def deactivated(self, shape) -> bool:
        return any(value.toPython() is True for value in self.g.objects(shape, SH.deactivated))

    def targets(self, shape) -> str | None:
        """A pattern binding ?this to the shape's focus nodes, None if it has no target."""
        parts = []
        classes = set(self.g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in self.g or (shape, RDF.type, OWL.Class) in self.g:
            classes.add(shape)   # implicit class target
        if classes:   # one scan for all target classes: a UNION per class costs a scan each
            types = set().union(*(self.subclasses.get(cls, {cls}) | {cls} for cls in classes))
            parts.append(f"?this a ?targetType . VALUES ?targetType {{ "
                         f"{' '.join(sparql_term(c) for c in sorted(types, key=str))} }}")
        nodes = sorted(self.g.objects(shape, SH.targetNode), key=_sort_text)
        if nodes:
            parts.append(f"VALUES ?this {{ {' '.join(sparql_term(n) for n in nodes)} }}")
        for prop in sorted(self.g.objects(shape, SH.targetSubjectsOf), key=_sort_text):
            parts.append(f"?this {sparql_term(prop)} ?targetObject .")
        for prop in sorted(self.g.objects(shape, SH.targetObjectsOf), key=_sort_text):
            parts.append(f"?targetSubject {sparql_term(prop)} ?this .")
        if not parts:
            return None
        return " UNION ".join(f"{{ {part} }}" for part in parts)

    def class_values(self, cls) -> str:
        return " ".join(sparql_term(c) for c in sorted(self.subclasses.get(cls, {cls}) | {cls}, key=str))

    # paths

    def path(self, node) -> str:
        """A SHACL property path as a SPARQL property path."""
        g = self.g
        if isinstance(node, URIRef):
            return sparql_term(node)
        if (node, RDF.first, None) in g:
            return "(" + "/".join(self.path(step) for step in Collection(g, node)) + ")"
        for predicate, template in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
                                    (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
            inner = g.value(node, predicate)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(step) for step in Collection(g, alternatives)) + ")"
        raise UnsupportedShapeError(f"unsupported property path {node!r}")

    def may_be_empty(self, node) -> bool:
        """Whether the path can have length zero (then it relates any node to itself)."""
        g = self.g
        if isinstance(node, URIRef):
            return False
        if (node, RDF.first, None) in g:
            return all(self.may_be_empty(step) for step in Collection(g, node))
        if g.value(node, SH.zeroOrMorePath) is not None or g.value(node, SH.zeroOrOnePath) is not None:
            return True
        for predicate in (SH.inversePath, SH.oneOrMorePath):
            if g.value(node, predicate) is not None:
                return self.may_be_empty(g.value(node, predicate))
        alternatives = g.value(node, SH.alternativePath)
        return alternatives is not None and any(self.may_be_empty(step) for step in Collection(g, alternatives))

    # constraints

    def top_level(self, shape, targets: str) -> list[CompiledConstraint]:
        """One query per constraint parameter of `shape` over the focus nodes `targets`."""
        g = self.g
        severity = g.value(shape, SH.severity) or SH.Violation
        path_node = g.value(shape, SH.path)
        messages = tuple(sorted(str(m) for m in g.objects(shape, SH.message)))
        focus = f"{{ SELECT DISTINCT ?this WHERE {{ {targets} }} }}"
        compiled = []
        for parameter in sorted(set(g.predicates(shape)) & set(COMPONENT), key=str):
            if parameter == SH.sparql:
                for node in sorted(g.objects(shape, SH.sparql), key=_sort_text):
                    compiled.append(self.sparql_constraint(shape, node, focus, severity, messages))
                continue
            for argument in sorted(g.objects(shape, parameter), key=_sort_text):
                pattern, value = self.violation(shape, parameter, argument, "?this", focus, _Vars(), depth=0)
                bind = f"\n  BIND({value} AS ?value)" if value not in (None, "?value") else ""
                columns = "?this ?value" if value else "?this"
                sparql = f"SELECT DISTINCT {columns} WHERE {{\n  {pattern}{bind}\n}}"
                compiled.append(CompiledConstraint(shape, COMPONENT[parameter], severity, path_node,
                                                   messages or (self.default_message(parameter, argument),),
                                                   sparql))
        return compiled

    def violation(self, shape, parameter, argument, focus: str, domain: str, names: _Vars,
                  depth: int, loose: bool = False) -> tuple[str, str | None]:
        """A self-contained group pattern whose solutions are the violations of one constraint
        by the focus nodes `domain` binds to `focus`, and the variable of the result's value
        node (None for results without one). Set operations only (joins, MINUS, OPTIONAL,
        GROUP BY), never a correlated EXISTS, so an engine can evaluate it in one pass.

        `loose`: the solutions may also hold nodes outside `domain` (the caller joins them
        with, or subtracts them from, the domain). Then a test of the values of a path reads
        the path alone: whether a node conforms does not depend on the domain, and each
        repeat of a nested domain in a query costs a scan and a hash join of its own."""
        g = self.g
        path_node = g.value(shape, SH.path)
        path = self.path(path_node) if path_node is not None else None
        if parameter in (SH.minCount, SH.maxCount):
            if path is None:
                raise UnsupportedShapeError(f"shape {_name(g, shape)}: {_curie(parameter)} needs sh:path")
            return self.count_violation(parameter, int(argument), focus,
                                        "" if loose and parameter == SH.maxCount else domain, path, names), None
        if parameter == SH.hasValue and path is not None:
            return f"{domain} MINUS {{ {focus} {path} {sparql_term(argument)} }}", None
        if path is None:
            v, values = focus, domain
        else:
            v = names.new("v")
            # A path that may have length zero binds every node of the graph when unbound.
            free = loose and not self.may_be_empty(path_node)
            values = f"{'' if free else domain} {focus} {path} {v} ."
        if parameter in (SH.node, SH["not"], SH["and"], SH["or"], SH.xone):
            value_domain = f"{{ SELECT DISTINCT {v} WHERE {{ {values} }} }}"
            return f"{values} {self.logical_test(parameter, argument, v, value_domain, names, depth)}", v
        return f"{values} {self.value_test(shape, parameter, argument, focus, v, names)}", v

    def count_violation(self, parameter, limit: int, focus: str, domain: str, path: str, names: _Vars) -> str:
        """Fewer than `limit` (sh:minCount) or more than `limit` (sh:maxCount) distinct values."""
        n = names.new("n")
        if parameter == SH.minCount:
            if limit <= 0:
                return f"{domain} FILTER(false)"
            if limit == 1:
                return f"{domain} MINUS {{ {focus} {path} {n} }}"
            count = names.new("count")
            return (f"{domain} OPTIONAL {{ SELECT {focus} (COUNT(DISTINCT {n}) AS {count}) WHERE {{ {domain} "
                    f"{focus} {path} {n} }} GROUP BY {focus} }} FILTER(COALESCE({count}, 0) < {limit})")
        return (f"{{ SELECT {focus} WHERE {{ {domain} {focus} {path} {n} }} GROUP BY {focus} "
                f"HAVING (COUNT(DISTINCT {n}) > {limit}) }}")

    def value_test(self, shape, parameter, argument, focus: str, v: str, names: _Vars) -> str:
        """What keeps the value nodes `v` that violate the constraint."""
        g = self.g
        if parameter == SH["class"]:
            t = names.new("type")
            return f"MINUS {{ {v} a {t} . VALUES {t} {{ {self.class_values(argument)} }} }}"
        if parameter == SH.datatype:
            test = f"isLiteral({v}) && DATATYPE({v}) = {sparql_term(argument)}"
            if argument in LEXICAL:
                test += f" && REGEX(STR({v}), {_string('^(' + LEXICAL[argument] + ')$')})"
            return f"FILTER(!COALESCE({test}, false))"
        if parameter == SH.nodeKind:
            if argument not in NODE_KINDS:
                raise UnsupportedShapeError(f"shape {_name(g, shape)}: unknown sh:nodeKind {argument}")
            return f"FILTER(!{NODE_KINDS[argument].format(v=v)})"
        if parameter in COMPARISONS:
            return f"FILTER(!COALESCE({v} {COMPARISONS[parameter]} {sparql_term(argument)}, false))"
        if parameter in (SH.minLength, SH.maxLength):
            op = ">=" if parameter == SH.minLength else "<="
            return f"FILTER(isBlank({v}) || !COALESCE(STRLEN(STR({v})) {op} {int(argument)}, false))"
        if parameter == SH.pattern:
            flags = g.value(shape, SH.flags)
            extra = f", {_string(str(flags))}" if flags is not None else ""
            return f"FILTER(isBlank({v}) || !REGEX(STR({v}), {_string(str(argument))}{extra}))"
        if parameter == SH["in"]:
            members = list(Collection(g, argument))
            if not members:
                return ""
            return "FILTER(!(" + " || ".join(f"sameTerm({v}, {sparql_term(m)})" for m in members) + "))"
        if parameter == SH.hasValue:   # node shape: the focus node itself must be the value
            return f"FILTER(!sameTerm({v}, {sparql_term(argument)}))"
        if parameter == SH.disjoint:
            return f"{focus} {sparql_term(argument)} {v} ."
        if parameter in PAIR_COMPARISONS:
            other = names.new("other")
            return f"{focus} {sparql_term(argument)} {other} . " \
                   f"FILTER(!COALESCE({v} {PAIR_COMPARISONS[parameter]} {other}, false))"
        raise UnsupportedShapeError(f"shape {_name(g, shape)}: {_curie(parameter)} is not supported")

    def logical_test(self, parameter, argument, v: str, value_domain: str, names: _Vars, depth: int) -> str:
        """sh:node / sh:not / sh:and / sh:or / sh:xone over the value nodes `v` (bound by
        `value_domain`), by joining with or subtracting the sets of non-conforming nodes."""
        def failing(shape) -> str:
            return f"{{ SELECT DISTINCT {v} WHERE {{ {self.nonconformance(shape, v, value_domain, names, depth + 1)} }} }}"
        if parameter == SH.node:
            return failing(argument)
        if parameter == SH["not"]:
            return f"MINUS {failing(argument)}"
        members = list(Collection(self.g, argument))
        if parameter == SH["and"]:
            return f"{{ SELECT DISTINCT {v} WHERE {{ {' UNION '.join(failing(m) for m in members)} }} }}" \
                if members else "FILTER(false)"
        if parameter == SH["or"]:
            return " ".join(failing(m) for m in members)    # no member conforms
        flags = []
        parts = []
        for member in members:
            flag = names.new("fails")
            flags.append(flag)
            inner = self.nonconformance(member, v, value_domain, names, depth + 1)
            parts.append(f"OPTIONAL {{ SELECT DISTINCT {v} ({_string('yes')} AS {flag}) WHERE {{ {inner} }} }}")
        conforming = " + ".join(f"IF(BOUND({f}), 0, 1)" for f in flags) or "0"
        return " ".join(parts) + f" FILTER(({conforming}) != 1)"

    def nonconformance(self, shape, node: str, domain: str, names: _Vars, depth: int) -> str:
        """A self-contained pattern binding `node` to each node of `domain` that does not
        conform to `shape` (any constraint of it or of its property shapes fails)."""
        g = self.g
        if depth > MAX_DEPTH:
            raise UnsupportedShapeError(f"shape {_name(g, shape)}: nesting deeper than {MAX_DEPTH} (a cycle?)")
        _check_parameters(g, shape)
        if self.deactivated(shape):
            return f"{domain} FILTER(false)"
        alternatives = []
        for member in [shape] + sorted(g.objects(shape, SH.property), key=_sort_text):
            if member is not shape:
                _check_parameters(g, member)
                if self.deactivated(member):
                    continue
            for parameter in sorted(set(g.predicates(member)) & set(COMPONENT), key=str):
                if parameter == SH.sparql:
                    raise UnsupportedShapeError(f"shape {_name(g, member)}: sh:sparql in a shape used through "
                                                "sh:node / sh:or / sh:and / sh:not / sh:xone is not supported")
                for argument in sorted(g.objects(member, parameter), key=_sort_text):
                    pattern, _ = self.violation(member, parameter, argument, node, domain, names, depth, loose=True)
                    alternatives.append(f"{{ SELECT DISTINCT {node} WHERE {{ {pattern} }} }}")
        if not alternatives:
            return f"{domain} FILTER(false)"
        return " UNION ".join(alternatives)

    def sparql_constraint(self, shape, node, focus: str, severity, messages) -> CompiledConstraint:
        """sh:sparql: the constraint's SELECT, run once for all focus nodes and joined with them."""
        g = self.g
        if g.value(shape, SH.path) is not None:
            raise UnsupportedShapeError(f"shape {_name(g, shape)}: sh:sparql on a property shape is not supported")
        select = g.value(node, SH.select)
        if select is None:
            raise UnsupportedShapeError(f"shape {_name(g, shape)}: a SPARQL constraint without sh:select")
        for parameter in set(g.predicates(node)) - {RDF.type, SH.select, SH.message, SH.prefixes, SH.deactivated,
                                                    SH.severity, RDFS.comment, RDFS.label}:
            if str(parameter).startswith(str(SH)):
                raise UnsupportedShapeError(f"shape {_name(g, shape)}: {_curie(parameter)} in a SPARQL constraint")
        if g.value(node, SH.severity) is not None:
            self.notes.append(f"shape {_name(g, shape)}: sh:severity on a SPARQL constraint is ignored (SHACL reads "
                              "severity from the shape); results have the shape's severity")
        text = str(select)
        for reserved in ("$currentShape", "$shapesGraph", "?currentShape", "?shapesGraph", "?failure", "$PATH"):
            if reserved in text:
                raise UnsupportedShapeError(f"shape {_name(g, shape)}: {reserved} in a SPARQL constraint")
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.prefixes(node))
        body = not_exists_as_minus(text.replace("$this", "?this"))
        sparql = f"{prefixes}SELECT DISTINCT * WHERE {{\n  {focus}\n  {{ {body} }}\n}}"
        own = tuple(sorted(str(m) for m in g.objects(node, SH.message)))
        return CompiledConstraint(shape, SH.SPARQLConstraintComponent, severity, None,
                                  messages or own or ("SPARQL constraint not met",), sparql, node,
                                  value_is_focus=True)

    def prefixes(self, constraint) -> list[tuple[str, str]]:
        declared = {}
        for owner in self.g.objects(constraint, SH.prefixes):
            for declaration in self.g.objects(owner, SH.declare):
                prefix, namespace = self.g.value(declaration, SH.prefix), self.g.value(declaration, SH.namespace)
                if prefix is None or namespace is None:
                    raise UnsupportedShapeError(f"sh:declare of <{owner}> lacks sh:prefix or sh:namespace")
                declared[str(prefix)] = str(namespace)
        return sorted(declared.items())

    def default_message(self, parameter, argument) -> str:
        name = _curie(parameter)
        if isinstance(argument, (URIRef, Literal)) and (argument, RDF.first, None) not in self.g:
            return f"{name} {argument} not met"
        return f"{name} not met"

# -- SPARQL constraints: FILTER NOT EXISTS as MINUS ----------------------------------------

_TOKEN = re.compile(
    r'(?P<comment>#[^\n]*)|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"'
    r'|\'(?:[^\'\\\n]|\\.)*\')|(?P<var>[?$][A-Za-z_][A-Za-z0-9_]*)|(?P<word>[A-Za-z_][A-Za-z0-9_\-.:]*[A-Za-z0-9_\-:]|[A-Za-z_])'
    r'|(?P<space>\s+)|(?P<other>.)', re.DOTALL)
# What may not stand in a group that is rewritten: anything but triples, FILTERs and UNIONs
# of plain triple blocks (their bindings are then known without a SPARQL parser).
_GROUP_KEYWORDS = {"OPTIONAL", "MINUS", "BIND", "VALUES", "GRAPH", "SERVICE", "SELECT", "EXISTS", "NOT", "FILTER",
                   "UNION", "GROUP", "ORDER", "HAVING", "LIMIT", "OFFSET", "WHERE"}


def _tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, text, start, end) of each significant token; comments and spaces dropped."""
    return [(m.lastgroup, m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)
            if m.lastgroup not in ("comment", "space")]


def _close(tokens, index: int, opening: str, closing: str) -> int:
    """The index of the token closing the bracket opened at `index`."""
    depth = 0
    for i in range(index, len(tokens)):
        if tokens[i][0] == "other" and tokens[i][1] == opening:
            depth += 1
        elif tokens[i][0] == "other" and tokens[i][1] == closing:
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced")


def _plain_triples(tokens) -> set[str] | None:
    """The variables of a block of triple patterns, None if it holds anything else."""
    if any(k == "other" and t in "{}" or k == "word" and t.upper() in _GROUP_KEYWORDS for k, t, _, _ in tokens):
        return None
    return {t[1:] for k, t, _, _ in tokens if k == "var"}


def not_exists_as_minus(select: str) -> str:
    """`FILTER NOT EXISTS { Q }` in the WHERE group of a SPARQL constraint's SELECT, as
    `MINUS { Q }` where the two are equivalent; otherwise the text unchanged.

    Oxigraph evaluates a NOT EXISTS of two or more patterns over the whole graph for every
    solution (8 s for 14k rows at 700k quads); MINUS is one hashed anti-join. They agree on
    every solution that binds a variable of Q, so the rewrite is made only when: Q is a plain
    block of triple patterns (no FILTER inside, which could see the outer solution), and
    the rest of the group is triple patterns, FILTERs and UNIONs of triple blocks, which
    between them bind in every solution a variable of Q."""
    tokens = _tokens(select)
    try:
        where = next(i for i, (k, t, _, _) in enumerate(tokens) if k == "other" and t == "{")
        end = _close(tokens, where, "{", "}")
        bound: set[str] = set()
        candidates = []          # (first token, last token, variables) of each FILTER NOT EXISTS
        i = where + 1
        while i < end:
            kind, text, _, _ = tokens[i]
            upper = text.upper() if kind == "word" else ""
            if upper == "FILTER":
                following = [t[1].upper() for t in tokens[i + 1:i + 3]]
                if following == ["NOT", "EXISTS"] and tokens[i + 3][1] == "{":
                    last = _close(tokens, i + 3, "{", "}")
                    variables = _plain_triples(tokens[i + 4:last])
                    if variables is not None:
                        candidates.append((i, last, variables))
                    i = last + 1
                    continue
                if following[:1] == ["EXISTS"] and tokens[i + 2][1] == "{":
                    i = _close(tokens, i + 2, "{", "}") + 1
                    continue
                opening = i + 1 if tokens[i + 1][1] == "(" else i + 2   # FILTER(…) or FILTER fn(…)
                if tokens[opening][1] != "(":
                    return select
                i = _close(tokens, opening, "(", ")") + 1
                continue
            if kind == "other" and text == "{":                       # { … } UNION { … } …
                branches = []
                while True:
                    last = _close(tokens, i, "{", "}")
                    branch = _plain_triples(tokens[i + 1:last])
                    if branch is None:
                        return select
                    branches.append(branch)
                    i = last + 1
                    if i < end and tokens[i][0] == "word" and tokens[i][1].upper() == "UNION" \
                            and tokens[i + 1][1] == "{":
                        i += 1
                        continue
                    break
                bound |= set.intersection(*branches)
                continue
            if kind == "word" and upper in _GROUP_KEYWORDS or kind == "other" and text == "}":
                return select
            if kind == "var":
                bound.add(text[1:])
            i += 1
    except (StopIteration, ValueError, IndexError):
        return select
    rewritten = [c for c in candidates if c[2] & bound]
    if not rewritten:
        return select
    for first, last, _ in rewritten:   # a block between triples without a "." cannot simply go
        after = tokens[last + 1]
        if not (after[1] in ("}", "{", ".") or after[0] == "word" and after[1].upper() == "FILTER") \
                and tokens[first - 1][1] != ".":
            return select
    out, position = [], 0
    minus = []
    for first, last, _ in rewritten:
        out.append(select[position:tokens[first][2]])
        minus.append("MINUS " + select[tokens[first + 3][2]:tokens[last][3]])
        position = tokens[last][3]
    closing = tokens[end][2]
    out.append(select[position:closing].rstrip() + "\n" + " ".join(minus) + " ")
    out.append(select[closing:])
    return "".join(out)
