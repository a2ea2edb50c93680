"""The UN Women GATE management-response family: its reader, and the evaluation mapping it
shares with the other evaluation families."""
from __future__ import annotations

from ...mapping import EvaluationMapper, evaluation_identity, evaluation_summary
from ...records import Document
from .reader import GateReader


class GateFamily(GateReader):
    def map(self, doc: Document) -> str:
        return EvaluationMapper(doc).map()

    def summary(self, doc: Document) -> str:
        return evaluation_summary(doc)

    def identity(self, doc: Document) -> str | None:
        return evaluation_identity(doc)


family = GateFamily()
