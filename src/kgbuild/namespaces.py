"""Namespaces and the minting of IRIs. Extracted resources live under one configurable base."""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import PurePath

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


class BaseIRIError(ValueError):
    """The base IRI given (`--base`, $KGBUILD_BASE) cannot start the IRIs of a graph."""


SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:.")
# Characters RFC 3987 allows nowhere in an IRI (besides controls and spaces).
NOT_IN_IRI = '<>"{}|\\^`'


@lru_cache(maxsize=8)
def check_base(base: str) -> str:
    """The base as minted IRIs start: an absolute IRI ending with / or # (a / is added
    otherwise). Checked once, before any work, because a bad base otherwise surfaces as an
    unparseable graph half-way through a build, or as N-Quads no other tool reads."""
    def refuse(reason: str):
        raise BaseIRIError(f"base IRI {base!r} is not an absolute IRI: {reason}")
    if not SCHEME.match(base):
        refuse("it has no scheme (give one such as https://example.org/kg/)")
    for char in base:
        if char == " ":
            refuse("it contains a space")
        if ord(char) < 0x20 or 0x7f <= ord(char) <= 0x9f:
            refuse(f"it contains the control character U+{ord(char):04X}")
        if char in NOT_IN_IRI:
            refuse(f"it contains {char!r}, which no IRI may hold")
    if re.search(r"%(?![0-9A-Fa-f]{2})", base):
        refuse("a % is not followed by two hexadecimal digits")
    return base if base.endswith(("/", "#")) else base + "/"


def base_iri() -> str:
    return check_base(os.environ.get("KGBUILD_BASE", DEFAULT_BASE))


def slug(text: str) -> str:
    """Lower-case ASCII slug: the stable, readable part of a minted IRI."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def document_name(path) -> str:
    """The name a document's IRIs are minted from: the slug of its file name, so that
    spaces, accents, brackets and dashes in a file name make valid IRIs. A name in a script
    the slug cannot spell (Cyrillic) keeps a short digest of the name, so that two such
    files do not become one document."""
    stem = PurePath(path).stem
    name = slug(stem)
    if any(char.isalpha() and not unicodedata.normalize("NFKD", char).encode("ascii", "ignore") for char in stem):
        digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()[:8]
        name = digest if name == "x" else f"{name}-{digest}"
    return name


def mint(*parts: str) -> URIRef:
    return URIRef(base_iri() + "/".join(parts))


def graph_iri(kind: str, name: str | None = None) -> str:
    """Named graphs: graph/source/<doc>, graph/reference/sdg, graph/ontology, ... A plain
    string, as the store names its graphs."""
    return str(mint("graph", kind, name) if name else mint("graph", kind))
