"""The dataset description: what a linked-data portal harvests to know the graph.

One stage of the build, after reasoning, writes the named graph graph/description (and
`description.ttl` beside the N-Quads):
- VoID: the dataset's counts (triples, entities, classes, properties, distinct subjects and
  objects) with a partition per class and per property, one subset per named graph, one
  linkset per predicate that links our resources to the UN SDG KOS, the export files as
  data dumps, the base IRI as URI space, the vocabularies used and, only when
  data/dataset.toml names one, the SPARQL endpoint;
- DCAT: title, description, keywords, licence and publisher (data/dataset.toml), the span
  of the documents' periods and deadlines, their countries, the newest date the documents
  record, and one distribution per export format;
- PROV: the build as an activity that used the source documents, run by kgbuild.

The description describes every other named graph; it does not count itself (its counts
would change as they are written). Counts are over the union of those graphs: a triple held
by two graphs is one triple of the dataset (so the subsets' triples may add up to more).
Nothing in it depends on the clock or the machine, so the same graphs give the same bytes.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, XSD

from . import __version__, project
from .namespaces import (
    DCAT,
    KGB,
    PREFIXES,
    SDG,
    SDG_SCHEME,
    SDGO,
    VOCAB,
    VOID,
    base_iri,
    graph_iri,
)
from .project import SettingsError
from .stage import StageResult
from .store import ntriples, turtle, write_atomically

SETTINGS = Path("data") / "dataset.toml"
DESCRIPTION_FILE = "description.ttl"
REQUIRED = ("title", "description", "license", "publisher")
# dcterms:temporal spans these values of the source graphs (periods and deadlines).
TEMPORAL = (KGB.periodStart, KGB.periodEnd, KGB.deadline)
SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_.]+$")


def description_graph() -> str:
    return graph_iri("description")


def describe(store, settings: dict | None = None) -> StageResult:
    """Replace graph/description by the description of the store's other graphs."""
    settings = settings if settings is not None else project.current().settings(SETTINGS)
    check_settings(settings)
    graph = description_graph()
    store.remove_graph(graph)
    triples = Describer(store, settings).triples()
    store.replace_graph(graph, ntriples(triples))
    counts = {"triples": store.count(graph)}
    return StageResult("describe", f"{counts['triples']} triples of VoID, DCAT and PROV", counts)


def check_settings(settings: dict) -> None:
    missing = [key for key in REQUIRED if not settings.get(key)]
    missing += [f"publisher.{key}" for key in ("name", "iri") if not (settings.get("publisher") or {}).get(key)]
    if missing:
        raise SettingsError(f"{SETTINGS}: missing {', '.join(missing)} (the dataset description needs them)")


def write_description(store, path: Path) -> None:
    """graph/description as Turtle, sorted: the same description gives the same bytes."""
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    write_atomically(path, turtle(store.triples(description_graph()), prefixes))


def term_key(iri: str) -> str:
    """A readable, unique IRI segment for a class or property: prefix-local (`kgb-KeyAction`)
    for a known namespace, else a digest of the IRI."""
    namespaces = sorted(((str(ns), prefix) for prefix, ns in PREFIXES.items() if iri.startswith(str(ns))),
                        key=lambda pair: -len(pair[0]))
    for namespace, prefix in namespaces:
        local = iri[len(namespace):]
        if SAFE_LOCAL.match(local):
            return f"{prefix}-{local}"
    return "iri-" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


def vocabulary_of(iri: str) -> str | None:
    """The namespace of a known vocabulary a term belongs to (not the instance namespaces
    of SDG concepts or kgbuild's own concept schemes)."""
    candidates = [str(ns) for ns in PREFIXES.values()
                  if iri.startswith(str(ns)) and str(ns) != str(SDG) and not str(ns).startswith(VOCAB)]
    return max(candidates, key=len) if candidates else None


class Describer:
    def __init__(self, store, settings: dict):
        self.store, self.settings = store, settings
        self.base = base_iri()
        self.dataset = URIRef(self.base + "dataset")
        self.exclude = f"FILTER(?g != <{description_graph()}>)"
        self.out: list[tuple] = []

    def add(self, s, p, o) -> None:
        self.out.append((s, p, o))

    def count(self, s, p, n: int) -> None:
        self.add(s, p, Literal(n, datatype=XSD.integer))

    def text(self, s, p, value: str) -> None:
        self.add(s, p, Literal(value, lang=self.settings.get("language") or None))

    def triples(self) -> list[tuple]:
        self.void()
        self.dcat()
        self.provenance()
        vocabularies = {vocabulary_of(str(t)) for t in self.used_terms()} - {None}
        for namespace in sorted(vocabularies):
            self.add(self.dataset, VOID.vocabulary, URIRef(namespace))
        return self.out

    # -- VoID -------------------------------------------------------------------------------

    def void(self) -> None:
        ds = self.dataset
        self.add(ds, RDF.type, VOID.Dataset)
        self.add(ds, VOID.uriSpace, Literal(self.base))
        properties = self.select_counts(f"""
            SELECT ?p (COUNT(*) AS ?n) WHERE {{
              {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self.exclude} }} }}
            }} GROUP BY ?p""")
        classes = self.select_counts(f"""
            SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?c }} {self.exclude} }} GROUP BY ?c""")
        (row,) = self.store.select(f"""
            SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
                   (COUNT(DISTINCT ?entity) AS ?entities) WHERE {{
              GRAPH ?g {{ ?s ?p ?o }} {self.exclude}
              BIND(IF(isIRI(?s) && STRSTARTS(STR(?s), "{self.base}"), ?s, ?none) AS ?entity)
            }}""")
        self.count(ds, VOID.triples, sum(properties.values()))
        self.count(ds, VOID.entities, int(row[2]))
        self.count(ds, VOID.classes, len(classes))
        self.count(ds, VOID.properties, len(properties))
        self.count(ds, VOID.distinctSubjects, int(row[0]))
        self.count(ds, VOID.distinctObjects, int(row[1]))
        for iri, n in sorted(classes.items()):
            partition = URIRef(f"{self.base}dataset/class/{term_key(iri)}")
            self.add(ds, VOID.classPartition, partition)
            self.add(partition, VOID["class"], URIRef(iri))
            self.count(partition, VOID.entities, n)
        for iri, n in sorted(properties.items()):
            partition = URIRef(f"{self.base}dataset/property/{term_key(iri)}")
            self.add(ds, VOID.propertyPartition, partition)
            self.add(partition, VOID.property, URIRef(iri))
            self.count(partition, VOID.triples, n)
        self.used = set(classes) | set(properties)
        for graph, n in sorted(self.store.counts().items()):
            if graph != description_graph():
                self.add(ds, VOID.subset, URIRef(graph))
                self.add(URIRef(graph), RDF.type, VOID.Dataset)
                self.count(URIRef(graph), VOID.triples, n)
        self.sdg_linksets()
        endpoint = self.settings.get("sparql_endpoint")
        if endpoint:
            self.add(ds, VOID.sparqlEndpoint, URIRef(endpoint))

    def sdg_linksets(self) -> None:
        """One linkset per predicate linking a resource of ours to an SDG goal, target or
        indicator of the UN SDG KOS: the extracted target links (kgb:primaryTarget, …), the
        indicator links, the aligner's kgb:supportsTarget and what reasoning entails from
        them (kgb:addressesTarget, kgb:sdgIndicator). Types and the SDG ontology's own
        terms are not links."""
        links = self.select_counts(f"""
            SELECT ?p (COUNT(*) AS ?n) WHERE {{
              {{ SELECT DISTINCT ?s ?p ?o WHERE {{
                   GRAPH ?g {{ ?s ?p ?o }} {self.exclude}
                   FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{self.base}") && isIRI(?o) && ?p != rdf:type
                          && STRSTARTS(STR(?o), "{SDG}") && !STRSTARTS(STR(?o), "{SDGO}"))
              }} }}
            }} GROUP BY ?p""")
        for iri, n in sorted(links.items()):
            linkset = URIRef(f"{self.base}dataset/linkset/sdg/{term_key(iri)}")
            self.add(self.dataset, VOID.subset, linkset)
            self.add(linkset, RDF.type, VOID.Dataset)
            self.add(linkset, RDF.type, VOID.Linkset)
            self.add(linkset, VOID.subjectsTarget, self.dataset)
            self.add(linkset, VOID.objectsTarget, SDG_SCHEME)
            self.add(linkset, VOID.linkPredicate, URIRef(iri))
            self.count(linkset, VOID.triples, n)

    def select_counts(self, sparql: str) -> dict[str, int]:
        return {str(row[0]): int(row[1]) for row in self.store.select(sparql)}

    # -- DCAT -------------------------------------------------------------------------------

    def dcat(self) -> None:
        from .export import FORMATS, MEDIA_TYPES
        ds, settings = self.dataset, self.settings
        self.add(ds, RDF.type, DCAT.Dataset)
        self.text(ds, DCTERMS.title, settings["title"])
        self.text(ds, DCTERMS.description, " ".join(settings["description"].split()))
        for keyword in settings.get("keywords", []):
            self.text(ds, DCAT.keyword, keyword)
        self.add(ds, DCTERMS.license, URIRef(settings["license"]))
        publisher = URIRef(settings["publisher"]["iri"])
        self.add(ds, DCTERMS.publisher, publisher)
        self.add(publisher, RDF.type, FOAF.Agent)
        self.add(publisher, FOAF.name, Literal(settings["publisher"]["name"]))
        for fmt, (_, _, suffix) in sorted(FORMATS.items()):
            distribution = URIRef(f"{self.base}dataset/distribution/{fmt}")
            download = URIRef(f"{self.base}{settings.get('downloads', '')}kgbuild{suffix}")
            self.add(ds, DCAT.distribution, distribution)
            self.add(ds, VOID.dataDump, download)
            self.add(distribution, RDF.type, DCAT.Distribution)
            self.add(distribution, DCTERMS.title, Literal(f"kgbuild{suffix}"))
            self.add(distribution, DCAT.mediaType, URIRef(MEDIA_TYPES[fmt]))
            self.add(distribution, DCAT.downloadURL, download)
            self.add(distribution, DCAT.accessURL, download)
        self.temporal()
        self.spatial()
        newest = self.source_values((DCTERMS.modified, DCTERMS.created), XSD.date)
        if newest:
            self.add(ds, DCTERMS.modified, max(newest, key=str))

    def source_values(self, predicates, *datatypes) -> list[Literal]:
        """The values of `predicates` in the source graphs (what the documents say), of the
        given datatypes."""
        values = " ".join(f"<{p}>" for p in predicates)
        rows = self.store.select(f"""
            SELECT DISTINCT ?v WHERE {{
              GRAPH ?g {{ ?s ?p ?v }} VALUES ?p {{ {values} }}
              FILTER(STRSTARTS(STR(?g), "{graph_iri('source', '')}"))
            }}""")
        return sorted((row[0] for row in rows if isinstance(row[0], Literal)
                       and (not datatypes or row[0].datatype in datatypes)), key=str)

    def temporal(self) -> None:
        """The span from the earliest to the latest period bound or deadline, each kept as
        written (a year or a month)."""
        values = self.source_values(TEMPORAL, XSD.gYear, XSD.gYearMonth, XSD.date)
        dated = [(when, value) for value in values if (when := month_span(str(value))) is not None]
        if not dated:
            return
        start = min(dated, key=lambda pair: (pair[0][0], str(pair[1])))[1]
        end = max(dated, key=lambda pair: (pair[0][1], str(pair[1])))[1]
        period = URIRef(self.base + "dataset/period")
        self.add(self.dataset, DCTERMS.temporal, period)
        self.add(period, RDF.type, DCTERMS.PeriodOfTime)
        self.add(period, DCAT.startDate, start)
        self.add(period, DCAT.endDate, end)

    def spatial(self) -> None:
        authority = self.settings.get("country_authority")
        if not authority:
            return
        for code in self.source_values((KGB.country,)):
            if re.fullmatch(r"[A-Z]{3}", str(code)):
                self.add(self.dataset, DCTERMS.spatial, URIRef(authority + str(code)))

    # -- PROV -------------------------------------------------------------------------------

    def provenance(self) -> None:
        activity = URIRef(self.base + "dataset/build")
        agent = URIRef(self.base + "dataset/software/kgbuild")
        self.add(self.dataset, PROV.wasGeneratedBy, activity)
        self.add(activity, RDF.type, PROV.Activity)
        self.add(activity, RDFS.label, Literal("kgbuild build"))
        self.add(activity, PROV.wasAssociatedWith, agent)
        self.add(agent, RDF.type, PROV.SoftwareAgent)
        self.add(agent, RDFS.label, Literal("kgbuild"))
        self.add(agent, DCAT.version, Literal(__version__))
        rows = self.store.select(f"""
            SELECT DISTINCT ?d WHERE {{ GRAPH ?g {{ ?d a <{KGB.SourceDocument}> }} {self.exclude} }}""")
        for document in sorted(row[0] for row in rows):
            self.add(activity, PROV.used, document)

    def used_terms(self) -> set[str]:
        """The classes and properties of the dataset and of the description itself."""
        own = {str(p) for _, p, _ in self.out} | {str(o) for _, p, o in self.out if p == RDF.type}
        return self.used | own


def month_span(value: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The first and last month an xsd:gYear, gYearMonth or date value covers."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-\d{2})?", value)
    if not match:
        return None
    year = int(match.group(1))
    if match.group(2):
        month = int(match.group(2))
        return (year, month), (year, month)
    return (year, 1), (year, 12)
