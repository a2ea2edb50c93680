"""ERC pages map as every evaluation does; their findings carry tags of the ERC tag scheme."""
from __future__ import annotations

from ...mapping import EvaluationMapper


class ErcMapper(EvaluationMapper):
    tag_scheme = "erc-tag"
