"""The UNDP Evaluation Resource Centre family: its reader, and the evaluation mapping it
shares with the other evaluation families, with the ERC tag scheme for its findings."""
from __future__ import annotations

from ...mapping import evaluation_identity, evaluation_summary
from ...records import Document
from .mapping import ErcMapper
from .reader import ErcReader


class ErcFamily(ErcReader):
    def map(self, doc: Document) -> str:
        return ErcMapper(doc).map()

    def summary(self, doc: Document) -> str:
        return evaluation_summary(doc)

    def identity(self, doc: Document) -> str | None:
        return evaluation_identity(doc)


family = ErcFamily()
