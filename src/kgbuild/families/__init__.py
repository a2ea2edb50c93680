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
  identity(doc) -> str | None
                           a slug naming the document by its own identity (agency, country,
                           period, title): the document's IRIs are minted from it, so renaming
                           the file or editing text above a passage keeps every IRI. None, or no
                           such member: the IRIs follow the file name (with a warning when the
                           family has the member but the document lacks what it needs).
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

import codecs
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
    text, decoding_problems = decode_text(path, data)
    lines = split_lines(text)
    family = get_family(reader_name) if reader_name else detect(path, lines)
    doc = Document(path=path, reader=family.name, sha256=hashlib.sha256(data).hexdigest(),
                   line_count=len(lines) - (1 if lines and lines[-1] == "" else 0))
    doc.problems.extend(decoding_problems)
    family.read(doc, lines)
    identity = getattr(family, "identity", None)
    if callable(identity):
        doc.identity = identity(doc)
        if doc.identity is None:
            doc.problems.append(Problem("warning", str(path), 1, "no title, country or period to name the document "
                                        "by: its IRIs follow the file name, so renaming the file changes them"))
    return doc


# Checked in this order: a UTF-32 LE mark starts like a UTF-16 LE one.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)
# Files given by mistake instead of their text rendering, by their first bytes.
BINARY_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (a .docx or .xlsx file is one)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office 97-2003 document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)
SHOWN_INVALID_BYTES = 8


def decode_text(path: Path, data: bytes) -> tuple[str, list[Problem]]:
    """The document's text and what decoding it cost. A byte-order mark decides the
    encoding; text without one is UTF-8, or UTF-16 when every other byte is NUL. Invalid
    bytes become U+FFFD with a warning at their line, so one stray byte never costs the
    rest of the document; a binary file (a PDF, an archive) is refused."""
    for mark, codec, label in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return _decode(path, data[len(mark):], codec, label)
    for signature, kind in BINARY_SIGNATURES:
        if data.startswith(signature):
            raise ReaderError(f"not a text document: {kind}; give its plain-text rendering", path)
    utf16 = _utf16_without_mark(data)
    if utf16:
        text, problems = _decode(path, data, *utf16)
        note = Problem("warning", str(path), 1, f"no byte-order mark; read as {utf16[1]} "
                       "(every other byte is NUL)")
        return text, [note, *problems]
    if data[:8192].count(0) > len(data[:8192]) // 100:     # a stray NUL is kept as text
        raise ReaderError(f"not a text document: binary data (NUL bytes from offset {data.index(0)}); "
                          "give its plain-text rendering", path)
    return _decode(path, data, "utf-8", "UTF-8")


def _utf16_without_mark(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text with no byte-order mark: Latin text has a NUL in one byte of many
    characters and almost never in the other."""
    sample = data[:8192]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if nul_odd >= 0.2 and nul_even < 0.01:
        return "utf-16-le", "UTF-16 LE"
    if nul_even >= 0.2 and nul_odd < 0.01:
        return "utf-16-be", "UTF-16 BE"
    return None


def _decode(path: Path, data: bytes, codec: str, label: str) -> tuple[str, list[Problem]]:
    try:
        return data.decode(codec), []
    except UnicodeDecodeError:
        pass
    if codec == "utf-8":     # line by line: a UTF-8 sequence never holds a newline byte
        lines, problems = [], []
        for number, raw in enumerate(data.split(b"\n"), 1):
            try:
                lines.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                lines.append(raw.decode("utf-8", errors="replace"))
                problems.append(Problem("warning", str(path), number,
                                        f"invalid UTF-8 bytes replaced ({_invalid_utf8_bytes(raw)})"))
        return "\n".join(lines), problems
    text = data.decode(codec, errors="replace")
    return text, [Problem("warning", str(path), number, f"invalid {label} bytes replaced")
                  for number, line in enumerate(text.split("\n"), 1) if "\ufffd" in line]


def _invalid_utf8_bytes(raw: bytes) -> str:
    """The invalid bytes of a line in hex, the first few of them."""
    found, start = b"", 0
    while len(found) <= SHOWN_INVALID_BYTES:
        try:
            raw[start:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            found += raw[start + exc.start:start + exc.end]
            start += exc.end
    shown = " ".join(f"{byte:02x}" for byte in found[:SHOWN_INVALID_BYTES])
    return shown + (" …" if len(found) > SHOWN_INVALID_BYTES else "")


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
