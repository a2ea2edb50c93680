"""Namespaces and the minting of IRIs. Extracted resources live under one configurable base."""
from __future__ import annotations

import os
import re
import unicodedata

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

KGB = Namespace("https://w3id.org/kgbuild/ontology#")
VOCAB = "https://w3id.org/kgbuild/vocab/"
SDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
RFC5147 = URIRef("http://tools.ietf.org/rfc/rfc5147")
SDG_SCHEME = URIRef("http://metadata.un.org/sdg")

DEFAULT_BASE = "https://w3id.org/kgbuild/id/"

PREFIXES = {
    "kgb": KGB, "sdg": SDG, "sdgo": SDGO, "oa": OA, "void": VOID, "dcat": DCAT,
    "dcterms": DCTERMS, "foaf": FOAF, "org": ORG, "owl": OWL, "prov": PROV, "rdf": RDF,
    "rdfs": RDFS, "skos": SKOS, "xsd": XSD,
    "status": Namespace(VOCAB + "key-action-status/"),
    "une": Namespace(VOCAB + "un-entity/"),
}


def base_iri() -> str:
    base = os.environ.get("KGBUILD_BASE", DEFAULT_BASE)
    return base if base.endswith(("/", "#")) else base + "/"


def slug(text: str) -> str:
    """Lower-case ASCII slug: the stable, readable part of a minted IRI."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def mint(*parts: str) -> URIRef:
    return URIRef(base_iri() + "/".join(parts))


def graph_iri(kind: str, name: str | None = None) -> str:
    """Named graphs: graph/source/<doc>, graph/reference/sdg, graph/ontology, ... A plain
    string, as the store names its graphs."""
    return str(mint("graph", kind, name) if name else mint("graph", kind))
