"""Document families: one per kind of document, found through the entry-point group
`kgbuild.families`, chosen by the document's content.

A family is an object with
  name         a short name, recorded on the document (`Document.reader`, `kgb:documentFamily`)
  description  one line for `kgbuild readers` and for the message when no family accepts a document
  accepts(lines) -> bool   a cheap look at the content, never the file name
  read(doc, lines)         fills the records of `records.py` and reports what it could not
                           read in `doc.problems`
  map(doc) -> str          the document's named graph as sorted N-Triples text
  summary(doc) -> str      the counts the build prints for the document (one line, or more
                           lines indented under it)
and, optionally,
  scan(lines) -> dict[str, int]
                           what the document announces, counted with simple patterns that do
                           not depend on `read` (recommendation headings, lines that end like
                           a key-action row, outcome headings, indicator rows); keys are names
                           of READ_COUNTS. The build compares each count with what `read`
                           produced: fewer read than scanned is an error, so a reader that
                           silently drops part of a document is caught. A scan counts only
                           what it is sure of (a lower bound), so it never accuses a reader of
                           losing what is not there.

The core (build, CLI) only ever calls these, so a family in another package needs no change
here: it names its family object in its own `kgbuild.families` entry point. Entry points
are loaded on first use (so `kgbuild --help` stays fast) and once per process.
"""
from __future__ import annotations

import hashlib
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Protocol

from ..records import Document, Problem

GROUP = "kgbuild.families"
METHODS = ("accepts", "read", "map", "summary")
PROTOCOL = ("name", "description", *METHODS)
OPTIONAL = ("scan",)
# What a scan may count, and how the records of a read document hold that count.
READ_COUNTS = {
    "recommendations": lambda doc: len(doc.evaluation.recommendations) if doc.evaluation else 0,
    "key_actions": lambda doc: sum(len(r.response.key_actions) for r in doc.evaluation.recommendations
                                   if r.response) if doc.evaluation else 0,
    "findings": lambda doc: len(doc.evaluation.findings) if doc.evaluation else 0,
    "outcomes": lambda doc: len(doc.framework.outcomes) if doc.framework else 0,
    "indicators": lambda doc: sum(len(o.indicators) for o in doc.framework.outcomes) if doc.framework else 0,
}


class Family(Protocol):
    name: str
    description: str

    def accepts(self, lines: list[str]) -> bool: ...
    def read(self, doc: Document, lines: list[str]) -> None: ...
    def map(self, doc: Document) -> str: ...
    def summary(self, doc: Document) -> str: ...


class ReaderError(Exception):
    """A document cannot be read at all: no family accepts it, or it is not text."""

    def __init__(self, message: str, path: Path | None = None, line: int = 1):
        super().__init__(f"{path}:{line}: {message}" if path else message)
        self.path, self.line, self.message = path, line, message


class FamilyError(Exception):
    """The installed families cannot be used: an entry point does not load, does not name a
    family, or two of them share a name. A fault of the installation, not of a document."""


_FAMILIES: dict[str, Family] | None = None


def _entry_point_text(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    origin = f" (distribution {dist.name} {dist.version})" if dist is not None else ""
    return f"entry point {ep.name} = {ep.value} of group {GROUP}{origin}"


def registered_entry_points() -> list[EntryPoint]:
    """The group's entry points, without loading them, in a stable order."""
    return sorted(entry_points(group=GROUP), key=lambda ep: (ep.name, ep.value))


def families() -> dict[str, Family]:
    """Every registered family by name, loaded once per process."""
    global _FAMILIES
    if _FAMILIES is None:
        found: dict[str, Family] = {}
        origin: dict[str, EntryPoint] = {}
        for ep in registered_entry_points():
            try:
                family = ep.load()
            except Exception as exc:  # noqa: BLE001 - any failure of third-party code is reported by name
                raise FamilyError(f"{_entry_point_text(ep)} cannot be loaded: {type(exc).__name__}: {exc}") from None
            missing = [attr for attr in PROTOCOL if not hasattr(family, attr)]
            if missing:
                raise FamilyError(f"{_entry_point_text(ep)} does not name a document family: "
                                  f"it lacks {', '.join(missing)}")
            not_callable = [attr for attr in (*METHODS, *OPTIONAL)
                            if hasattr(family, attr) and not callable(getattr(family, attr))]
            if not_callable:
                raise FamilyError(f"{_entry_point_text(ep)} does not name a document family: "
                                  f"{', '.join(not_callable)} is not callable")
            if family.name in found:
                raise FamilyError(f"two families are named {family.name!r}: {_entry_point_text(origin[family.name])} "
                                  f"and {_entry_point_text(ep)}")
            found[family.name], origin[family.name] = family, ep
        if not found:
            raise FamilyError(f"no document family is registered in the entry-point group {GROUP}; "
                              "is kgbuild installed (pip install -e .)?")
        _FAMILIES = dict(sorted(found.items()))
    return _FAMILIES


def get_family(name: str) -> Family:
    available = families()
    if name not in available:
        raise ReaderError(f"unknown reader {name!r}; valid readers: {', '.join(available)}")
    return available[name]


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them (only \\n ends a line; \\r before it is dropped)."""
    return [line.rstrip("\r") for line in text.split("\n")]


def detect(path: Path, lines: list[str]) -> Family:
    accepted = [f for f in families().values() if f.accepts(lines)]
    if not accepted:
        from .page import describe_first_lines
        raise ReaderError(
            "no reader accepts this document: no evaluation title, recommendation or management response "
            f"found; first lines look like {describe_first_lines(lines)}; readers: "
            + "; ".join(f"{f.name} ({f.description})" for f in families().values()), path)
    if len(accepted) > 1:
        raise ReaderError(
            f"several readers accept this document ({', '.join(f.name for f in accepted)})", path)
    return accepted[0]


def read_document(path: Path, reader_name: str | None = None) -> Document:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ReaderError(f"not UTF-8 text ({exc.reason})", path, line) from exc
    lines = split_lines(text)
    family = get_family(reader_name) if reader_name else detect(path, lines)
    doc = Document(path=path, reader=family.name, sha256=hashlib.sha256(data).hexdigest(),
                   line_count=len(lines) - (1 if lines and lines[-1] == "" else 0))
    family.read(doc, lines)
    return doc


def map_document(doc: Document) -> str:
    """The document's named graph as sorted N-Triples text, by the family that read it."""
    return get_family(doc.reader).map(doc)


def summarize(doc: Document) -> str:
    """What the build prints for the document, by the family that read it."""
    return get_family(doc.reader).summary(doc)


def compare_scan(doc: Document) -> dict[str, tuple[int, int]]:
    """(scanned, read) per count of the family's `scan`, empty when the family has none.
    A shortfall (fewer read than scanned) is an error in `doc.problems` naming both counts;
    what was read is kept. The scan looks at the document's text again, not at what the
    reader made of it."""
    scan = getattr(get_family(doc.reader), "scan", None)
    if scan is None:
        return {}
    lines = split_lines(doc.path.read_bytes().decode("utf-8-sig", errors="replace"))
    compared = {}
    for name, scanned in sorted(scan(lines).items()):
        if name not in READ_COUNTS:
            raise FamilyError(f"the scan of family {doc.reader!r} counts {name!r}, which no read record holds; "
                              f"it may count {', '.join(READ_COUNTS)}")
        read = READ_COUNTS[name](doc)
        compared[name] = (scanned, read)
        if read < scanned:
            what = name.replace("_", " ")
            doc.problems.append(Problem(
                "error", str(doc.path), 1, f"scanning the document finds {scanned} {what} but {read} were read "
                f"({scanned - read} not read)"))
    return compared
