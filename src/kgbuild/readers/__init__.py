"""Readers: one per document family, registered by name and chosen by the document's content.

A reader has a `name`, a `description`, `accepts(lines) -> bool` (a cheap look at the
content, never the file name) and `read(doc, lines)` which fills `doc` and reports
what it could not read in `doc.problems`.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..records import Document

_READERS: dict[str, object] = {}


class ReaderError(Exception):
    """A document cannot be read at all: no reader accepts it, or it is not text."""

    def __init__(self, message: str, path: Path | None = None, line: int = 1):
        super().__init__(f"{path}:{line}: {message}" if path else message)
        self.path, self.line, self.message = path, line, message


def register(cls):
    instance = cls()
    if instance.name in _READERS:
        raise ValueError(f"reader {instance.name!r} registered twice")
    _READERS[instance.name] = instance
    return cls


def readers() -> dict[str, object]:
    # Imported here, not at module top, so that `kgbuild --help` stays fast; importing
    # a module twice registers it once.
    from . import erc, gate, unsdcf  # noqa: F401
    return dict(sorted(_READERS.items()))


def get_reader(name: str):
    available = readers()
    if name not in available:
        raise ReaderError(f"unknown reader {name!r}; valid readers: {', '.join(available)}")
    return available[name]


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them (only \\n ends a line; \\r before it is dropped)."""
    return [line.rstrip("\r") for line in text.split("\n")]


def detect(path: Path, lines: list[str]):
    accepted = [r for r in readers().values() if r.accepts(lines)]
    if not accepted:
        from .page import describe_first_lines
        raise ReaderError(
            "no reader accepts this document: no evaluation title, recommendation or management response "
            f"found; first lines look like {describe_first_lines(lines)}; readers: "
            + "; ".join(f"{r.name} ({r.description})" for r in readers().values()), path)
    if len(accepted) > 1:
        raise ReaderError(
            f"several readers accept this document ({', '.join(r.name for r in accepted)})", path)
    return accepted[0]


def read_document(path: Path, reader_name: str | None = None) -> Document:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ReaderError(f"not UTF-8 text ({exc.reason})", path, line) from exc
    lines = split_lines(text)
    reader = get_reader(reader_name) if reader_name else detect(path, lines)
    doc = Document(path=path, reader=reader.name, sha256=hashlib.sha256(data).hexdigest(),
                   line_count=len(lines) - (1 if lines and lines[-1] == "" else 0))
    reader.read(doc, lines)
    return doc
