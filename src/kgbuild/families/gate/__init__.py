"""The UN Women GATE management-response family: its reader, and the evaluation mapping it
shares with the other evaluation families."""
from __future__ import annotations

from ...mapping import EvaluationFamily
from .reader import GateReader


class GateFamily(EvaluationFamily, GateReader):
    pass


family = GateFamily()
