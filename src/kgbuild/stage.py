"""What every pipeline stage returns: its counts, seconds and problems, as plain values.

The CLI prints it, the build report stores it and the benchmark reads it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .records import Problem


@dataclass
class StageResult:
    name: str
    summary: str = ""                       # one line for people, e.g. "3061 triples entailed"
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    detail: object | None = None            # a stage's own result object (e.g. the validation report)

    def as_dict(self) -> dict:
        return {"summary": self.summary, "counts": dict(self.counts), "seconds": round(self.seconds, 3),
                "problems": len(self.problems)}
