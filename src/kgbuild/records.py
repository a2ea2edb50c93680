"""Typed records a reader extracts from a document, before any RDF.

Every record carries the 1-based, inclusive line span it was read from. Values are
kept as the document writes them; a field the document leaves blank stays None.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .namespaces import document_name


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def __post_init__(self):
        if not 1 <= self.start <= self.end:
            raise ValueError(f"bad line span {self.start}-{self.end}")


@dataclass(frozen=True)
class Problem:
    """Something a reader could not read, or read with doubt. Errors mean a value was
    lost or could not be separated from its neighbours; warnings mean it was kept but
    deserves a look."""
    severity: str  # "error" | "warning"
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}: {self.severity}: {self.message}"


def display_path(path) -> str:
    """A path relative to the working directory when it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass
class KeyAction:
    ordinal: int
    span: Span
    text: str
    number: str | None = None
    responsible: str | None = None
    deadline: str | None = None          # "YYYY-MM", as stated
    deadline_note: str | None = None     # "No due date", as written
    deadline_text: str | None = None     # a year or year range in the deadline field ("2019-2020"), as written
    status_text: str | None = None
    justification: str | None = None
    comment: str | None = None
    added: str | None = None             # "YYYY-MM-DD"
    updated: str | None = None
    unread: str | None = None            # text that could not be assigned to a field


@dataclass
class ManagementResponse:
    span: Span
    text: str | None = None
    category_text: str | None = None     # the category field as written (may be blank)
    added: str | None = None
    updated: str | None = None
    key_actions: list[KeyAction] = field(default_factory=list)


@dataclass
class Recommendation:
    ordinal: int
    span: Span
    text: str
    number: str | None = None
    description: str | None = None
    thematic_areas: list[str] = field(default_factory=list)
    operating_principles: list[str] = field(default_factory=list)
    organizational_priorities: list[str] = field(default_factory=list)
    uneg_criteria: list[str] = field(default_factory=list)
    response: ManagementResponse | None = None


@dataclass
class Finding:
    ordinal: int
    span: Span
    text: str
    number: str | None = None
    section: str | None = None
    tag_text: str | None = None


@dataclass
class Evaluation:
    span: Span
    title: str | None = None
    agency: str | None = None            # acronym of the commissioning UN entity
    office: str | None = None            # evaluated office as written, e.g. "Kazakhstan (CO)"
    countries: list[str] = field(default_factory=list)   # ISO 3166-1 alpha-3
    period_start: int | None = None
    period_end: int | None = None
    evaluation_type: str | None = None
    status: str | None = None
    completion_date: str | None = None   # "YYYY-MM"
    planned_end_date: str | None = None
    budget_usd: str | None = None        # decimal as text, "20000"
    expenditure_usd: str | None = None
    funding_source: str | None = None
    joint_programme: bool | None = None
    joint_evaluation: bool | None = None
    gef_evaluation: bool | None = None
    project_numbers: list[str] = field(default_factory=list)
    response_approval: str | None = None
    overall_response: str | None = None
    recommendations: list[Recommendation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Document:
    """One source document: what it is, which reader read it, what came out."""
    path: Path
    reader: str
    sha256: str
    line_count: int
    evaluation: Evaluation | None = None
    framework: "Framework | None" = None
    problems: list[Problem] = field(default_factory=list)
    identity: str | None = None     # from the document's own title, country, period (its family says)

    @property
    def name(self) -> str:
        """The slug of the file name (see `document_name`): how reports name the file."""
        return document_name(self.path)

    @property
    def key(self) -> str:
        """What its IRIs are minted from: its own identity, so that renaming the file or
        editing text above a passage keeps them; the file name only when it has none."""
        return self.identity or self.name


# -- cooperation framework (UNSDCF) ---------------------------------------------------------

@dataclass
class TargetLink:
    """An SDG target named for an outcome: in its target list ('primary'), its
    crosscutting list ('crosscutting'), or cited in its narrative ('cited')."""
    code: str                   # normalized, e.g. "11.b"
    written: str                # as in the document, e.g. "11. b"
    kind: str                   # "primary" | "crosscutting" | "cited"
    line: int
    evidence: str | None = None  # the sentence of a citation


@dataclass
class Measurement:
    """A baseline or target value exactly as written, and what could be read from it."""
    text: str
    value: str | None = None     # decimal as text, e.g. "21.7"
    unit: str | None = None      # "percent", "children", "per 100,000 population"
    comparator: str | None = None  # "<", "≤", "at least" ...
    year: int | None = None
    year_end: int | None = None  # a period "2015-2016"
    part: str | None = None      # "(a)" when the value belongs to part of the indicator


@dataclass
class ResultIndicator:
    ordinal: int
    span: Span
    label: str
    code: str | None = None          # as written, e.g. "1.3.1", "1.b.1"
    code_kind: str | None = None     # as written: "G", "N", "NA"
    code_written: str | None = None  # the code exactly as written, e.g. "1.3.1.(N)", "SDG 1.b.1 (G)"
    proxy_of: str | None = None      # "link to 3.4.2 (G)" -> "3.4.2"
    proxy_kind: str | None = None
    letter: str | None = None        # "a" for a sub-indicator "a) ..."
    baselines: list[Measurement] = field(default_factory=list)
    targets: list[Measurement] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)     # data sources with frequency, as written
    agencies: list[str] = field(default_factory=list)    # responsible UN agencies, as written
    partners: list[str] = field(default_factory=list)
    parts: list["ResultIndicator"] = field(default_factory=list)


@dataclass
class Outcome:
    number: str                  # "1.1"
    span: Span
    statement: str
    thematic_area: int | None = None
    targets: list[TargetLink] = field(default_factory=list)
    lnob: list[tuple[str, int]] = field(default_factory=list)        # (group as written, line)
    agencies: list[tuple[str, int]] = field(default_factory=list)    # (agency as written, line)
    partners: list[tuple[str, int]] = field(default_factory=list)    # partnership paragraph
    indicators: list[ResultIndicator] = field(default_factory=list)


@dataclass
class ThematicArea:
    number: int
    span: Span
    name: str
    pillar: str | None = None            # "People", "Peace", "Prosperity and Planet"
    result_groups: list[tuple[str, list[str]]] = field(default_factory=list)  # (group, outcome numbers)


@dataclass
class Framework:
    span: Span
    title: str | None = None
    countries: list[str] = field(default_factory=list)
    period_start: int | None = None
    period_end: int | None = None
    thematic_areas: list[ThematicArea] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
