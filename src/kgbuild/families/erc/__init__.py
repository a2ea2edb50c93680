"""The UNDP Evaluation Resource Centre family: its reader, and the evaluation mapping it
shares with the other evaluation families, with the ERC tag scheme for its findings."""
from __future__ import annotations

from ...mapping import EvaluationFamily
from .mapping import ErcMapper
from .reader import ErcReader


class ErcFamily(EvaluationFamily, ErcReader):
    mapper = ErcMapper


family = ErcFamily()
