"""kgbuild: one validated, queryable RDF knowledge graph of UN development-cooperation evidence."""

__version__ = "0.1.0"
