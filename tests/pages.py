"""Constructed pages in the real GATE and ERC layouts, for reader tests: one header each,
and the lines a test varies."""
from __future__ import annotations

GATE_HEADER = """\
Management Response

: Kazakhstan
: 2016 - 2020 , Kazakhstan (CO)
: Country Portfolio Evaluation of the Kazakhstan Country Office

Recommendation: Strengthen partnerships with civil society.
Management Response: Accepted. The office will act.
Management Response Category: Accepted
"""

ERC_HEADER = """\
International Cooperation
Evaluation Plan:
2016-2020, Kazakhstan
Evaluation Type:
Outcome
Recommendations
1

Do better.

1. Recommendation:

Do better.

Management Response: [Added: 2019/01/02] [Last Updated: 2020/11/29]

The country office accepts the recommendation.

Key Actions:

Key Action Responsible DueDate Status Comments Documents
"""


def gate_page(*lines: str) -> str:
    """A GATE management response: one recommendation and its response, then `lines`."""
    return GATE_HEADER + "".join(f"{line}\n" for line in lines)


def erc_page(*action_lines: str) -> str:
    """An ERC page with one recommendation whose key-action table holds `action_lines`."""
    return ERC_HEADER + "".join(f"{line}\n" for line in action_lines)
