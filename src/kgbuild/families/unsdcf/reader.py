"""UN Sustainable Development Cooperation Frameworks (UNSDCF), as converted from Word.

Narrative part: thematic areas ('2.4.1. Thematic Area 1: …'), the People / Peace /
Prosperity and Planet grouping, result groups, and per outcome ('Cooperation Framework
Outcome 1.1. …') its 'Global SDG targets:' and 'Crosscutting:' lists, target citations in
parentheses in its narrative, 'LNOB:', 'Contributing UN Agencies:' and a 'Partnerships:'
paragraph. Annex 1, the results matrix: a Word table whose cells start with a tab; per
outcome a header (priorities, targets, LNOB, agencies) then rows of four cells: results
(empty after the first row), indicator with baseline and target, source and responsible
agency, partners.
"""
from __future__ import annotations

import re

from ...partners import extract_partners, split_partner_list
from ...records import Document, Framework, Measurement, Outcome, ResultIndicator, Span, TargetLink, ThematicArea
from ...sdgcodes import find_target_codes
from ...vocab import normalize_label, scheme
from ..text import country_codes, last_text_index, problem, split_outside_brackets

MARKUP = re.compile(r"\[bookmark:[^\]]*\]|\[footnoteRef:\d+\]")
FOOTNOTE_TEXT = re.compile(r"\[\d+:\s[^\]]*\]?\s*$")
AREA_HEADING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?Thematic Area\s+(\d)\s*:\s*(.+?)\s*$")
OUTCOME_HEADING = re.compile(r"^\s*Cooperation Framework Outcome\s+(\d\.\d)\.?\s*:?\s*(.+?)\s*$")
SECTION_HEADING = re.compile(r"^\s*(?:\d+\.){1,3}\d*\s+[A-Z]|^\s*Annex\s+\d")
TARGETS_LABEL = re.compile(r"Global SDG targets?\s*:", re.IGNORECASE)
CROSSCUTTING = re.compile(r"^\s*Cross-?cutting\s*:?\s*(.*)$", re.IGNORECASE)
LNOB = re.compile(r"^\s*LNOB\s*:\s*(.*)$")
AGENCIES = re.compile(r"^\s*Contributing UN Agencies\s*:\s*(.*)$", re.IGNORECASE)
PARTNERSHIPS = re.compile(r"^\s*Partnerships\s*:\s*(.*)$", re.IGNORECASE)
CITATION = re.compile(r"\(([^()]*\d[^()]*)\)")
CITATION_CONTENT = re.compile(r"^\s*(?:SDGs?\s*)?[\d\s.,;:a-d]+(?:\s*(?:and|&)\s*[\d\s.,;a-d]+)*\s*$", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
MATRIX_START = re.compile(r"^\s*Annex\s+1\s*:.*Results Matrix", re.IGNORECASE)
ANNEX = re.compile(r"^\s*Annex\s+\d+\s*:", re.IGNORECASE)
MATRIX_OUTCOME = re.compile(r"^\s*Outcomes?\s+(\d\.\d)")
MATRIX_CELLS = ("indicator", "source and agency", "partners")     # of a row, after its results cell
RESULT_GROUPS = re.compile(r"([A-Z][a-z]+)\s*\(\s*(Outcome\s+\d\.\d\.?(?:\s*(?:and|,)\s*Outcome\s+\d\.\d\.?)*)\s*\)")

# indicator cell
INDICATOR_CODE = re.compile(
    r"^\s*(?:SDG\s+)?(?P<code>\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2})\.?\s*(?:\((?P<kind>[A-Z]{1,3})\))?\s*")
PROXY = re.compile(r"\(?\s*link to\s+(?:(?P<pre>G|N)\s+)?(?:SDG\s+)?(?P<code>\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2})\.?\s*(?:\((?P<kind>G|N)\))?\s*\)?", re.I)
SUB_INDICATOR = re.compile(r"^\s*(?P<letter>[a-h])\)\s*(?P<label>.+)$|^\s*Additional\s*:\s*(?P<extra>.+)$")
MEASURE = re.compile(r"^\s*(?P<kind>Baseline|Target)s?\s*(?P<when>\([^)]*\))?\s*:?\s*(?P<value>.*)$", re.IGNORECASE)


class UnsdcfReader:
    name = "unsdcf"
    description = "UN Sustainable Development Cooperation Framework"

    def accepts(self, lines: list[str]) -> bool:
        return any(OUTCOME_HEADING.match(MARKUP.sub("", line)) for line in lines) and any(
            AGENCIES.match(line) for line in lines)

    def scan(self, lines: list[str]) -> dict[str, int]:
        """Outcomes: the distinct numbers of the narrative's outcome headings and of the
        results matrix's outcome cells. Indicators: the rows of the matrix, each the first
        filled cell after an outcome cell or after an empty cell (the results column, empty
        after a block's first row)."""
        text = [MARKUP.sub("", line) for line in lines]
        matrix_at = next((i for i, line in enumerate(text) if MATRIX_START.match(line)), len(text))
        outcomes = {m.group(1) for line in text[:matrix_at] if (m := OUTCOME_HEADING.match(line))}
        rows, in_block, row_starts = 0, False, False
        for line in text[matrix_at + 1:]:
            if ANNEX.match(line):
                break
            if not line.startswith("\t"):
                continue
            cell = line.strip()
            named = MATRIX_OUTCOME.match(cell)
            if named:
                outcomes.add(named.group(1))
                in_block = row_starts = True
            elif cell.upper() == "RESULTS":
                in_block = row_starts = False
            elif not cell:
                row_starts = in_block
            elif row_starts:
                rows, row_starts = rows + 1, False
        return {"outcomes": len(outcomes), "indicators": rows}

    def read(self, doc: Document, lines: list[str]) -> None:
        text = [MARKUP.sub("", line) for line in lines]
        matrix_at = next((i for i, line in enumerate(text) if MATRIX_START.match(line)), len(text))
        framework = Framework(span=Span(1, max(1, doc.line_count)))
        doc.framework = framework
        self._identity(framework, text[:matrix_at])
        self._areas(doc, framework, text[:matrix_at])
        self._outcomes(doc, framework, text[:matrix_at])
        if matrix_at == len(text):
            problem(doc, "warning", len(text), "no results matrix (Annex 1) found")
        else:
            matrix_end = next((i for i in range(matrix_at + 1, len(text)) if ANNEX.match(text[i])), len(text))
            matrix = _Matrix(doc, framework, text, matrix_at + 1, matrix_end)
            matrix.read()
            if matrix_end == len(text) and (where := matrix.cut_end()):
                problem(doc, "warning", last_text_index(text) + 1,
                        f"the document ends inside the results matrix, {where} (truncated?); what is there is kept")
            for outcome in framework.outcomes:
                if not outcome.indicators:
                    problem(doc, "warning", outcome.span.start, f"outcome {outcome.number} has no indicators in "
                            "the results matrix")
        for outcome in framework.outcomes:
            for kind in ("primary", "crosscutting"):
                if not any(t.kind == kind for t in outcome.targets):
                    problem(doc, "warning", outcome.span.start, f"outcome {outcome.number} has no {kind} SDG targets")
            if not outcome.lnob:
                problem(doc, "warning", outcome.span.start, f"outcome {outcome.number} has no LNOB line")
            if not outcome.agencies:
                problem(doc, "warning", outcome.span.start, f"outcome {outcome.number} has no contributing UN agencies")

    # -- identity, thematic areas ---------------------------------------------------------

    def _identity(self, framework: Framework, text: list[str]) -> None:
        for line in text:
            m = re.search(r"(?:UNSDCF|Cooperation Framework)\s+(?:for\s+\w+\s+)?((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})", line)
            if m:
                framework.period_start, framework.period_end = int(m.group(1)), int(m.group(2))
                break
        for line in text:
            m = re.search(r"United Nations (?:system )?in ([A-Z][a-z]+)", line)
            if m and country_codes(m.group(1)):
                framework.countries = country_codes(m.group(1))
                break
        if framework.countries and framework.period_start:
            framework.title = (f"United Nations Sustainable Development Cooperation Framework, "
                               f"{m.group(1)} {framework.period_start}-{framework.period_end}")

    def _areas(self, doc: Document, framework: Framework, text: list[str]) -> None:
        for i, line in enumerate(text):
            m = AREA_HEADING.match(line)
            if m and not any(a.number == int(m.group(1)) for a in framework.thematic_areas):
                framework.thematic_areas.append(ThematicArea(int(m.group(1)), Span(i + 1, i + 1), m.group(2).strip()))
        if not framework.thematic_areas:
            problem(doc, "warning", 1, "no thematic area headings ('Thematic Area N: name') found")
            return
        # "… organized under three Thematic Areas:" then the pillar names, then the area names.
        intro = next((i for i, line in enumerate(text) if re.search(r"organized under .*Thematic Areas\s*:", line)), None)
        if intro is not None:
            blocks, current = [], []
            for i in range(intro + 1, min(intro + 20, len(text))):
                item = text[i].strip()
                if OUTCOME_HEADING.match(text[i]) or item.startswith("Outcome"):
                    break
                if item:
                    current.append((i + 1, item))
                elif current:
                    blocks.append(current)
                    current = []
            if current:
                blocks.append(current)
            if len(blocks) >= 2 and len(blocks[0]) == len(blocks[1]):
                for (_, pillar), (line_no, name) in zip(blocks[0], blocks[1]):
                    area = _area_named(framework, name)
                    if area is None:
                        problem(doc, "warning", line_no, f"thematic area {name!r} matches no 'Thematic Area N' heading")
                    else:
                        area.pillar = pillar
        for line in text:
            if "Result Group" in line:
                groups = RESULT_GROUPS.findall(line)
                if len(groups) >= 2:
                    for name, outcomes in groups:
                        numbers = re.findall(r"\d\.\d", outcomes)
                        area_numbers = {int(n[0]) for n in numbers}
                        for area in framework.thematic_areas:
                            if area.number in area_numbers:
                                area.result_groups.append((name, numbers))
                    break

    # -- outcomes in the narrative --------------------------------------------------------

    def _outcomes(self, doc: Document, framework: Framework, text: list[str]) -> None:
        heads = [i for i, line in enumerate(text) if OUTCOME_HEADING.match(line)]
        for k, start in enumerate(heads):
            stop = heads[k + 1] if k + 1 < len(heads) else len(text)
            for i in range(start + 1, stop):
                if AREA_HEADING.match(text[i]) or SECTION_HEADING.match(text[i]):
                    stop = i
                    break
            m = OUTCOME_HEADING.match(text[start])
            number = m.group(1)
            if any(o.number == number for o in framework.outcomes):
                problem(doc, "warning", start + 1, f"outcome {number} appears twice; the second is ignored")
                continue
            last = max(i + 1 for i in range(start, stop) if text[i].strip() or i == start)
            outcome = Outcome(number, Span(start + 1, last), m.group(2).strip(), thematic_area=int(number[0]))
            framework.outcomes.append(outcome)
            self._outcome_lines(doc, outcome, text, start + 1, stop)

    def _outcome_lines(self, doc: Document, outcome: Outcome, text: list[str], start: int, stop: int) -> None:
        in_partnerships = False
        for i in range(start, stop):
            line, line_no = text[i], i + 1
            if not line.strip():
                continue
            label = TARGETS_LABEL.search(line)
            if label:
                self._citations(doc, outcome, line[:label.start()], line_no)
                self._target_list(doc, outcome, line[label.end():], "primary", line_no)
                continue
            cross = CROSSCUTTING.match(line)
            if cross and find_target_codes(cross.group(1)):
                self._target_list(doc, outcome, cross.group(1), "crosscutting", line_no)
                continue
            lnob = LNOB.match(line)
            if lnob:
                outcome.lnob.extend((group, line_no) for group in split_groups(lnob.group(1)))
                continue
            agencies = AGENCIES.match(line)
            if agencies:
                outcome.agencies.extend((a.strip(), line_no) for a in agencies.group(1).split(",") if a.strip())
                continue
            partnerships = PARTNERSHIPS.match(line)
            if partnerships:
                in_partnerships = True
                line = partnerships.group(1)
            if in_partnerships:
                clean = FOOTNOTE_TEXT.sub("", line)
                for name in extract_partners(clean):
                    if name not in [p for p, _ in outcome.partners]:
                        outcome.partners.append((name, line_no))
                continue
            self._citations(doc, outcome, line, line_no)

    def _target_list(self, doc, outcome: Outcome, text: str, kind: str, line_no: int) -> None:
        seen = {t.code for t in outcome.targets if t.kind == kind}
        for code in find_target_codes(text):
            if not code.official:
                problem(doc, "warning", line_no, f"SDG target {code.written!r} of outcome {outcome.number} does not "
                        "exist in the official list; not linked")
                continue
            if code.code in seen:
                continue   # a target listed twice is linked once
            seen.add(code.code)
            outcome.targets.append(TargetLink(code.code, code.written, kind, line_no))

    def _citations(self, doc, outcome: Outcome, line: str, line_no: int) -> None:
        """'… victims of sexual violence (SDG 5.2)': a weaker link, with its sentence."""
        for m in CITATION.finditer(line):
            content = m.group(1)
            if not CITATION_CONTENT.match(content) or not re.search(r"\d\.", content + "."):
                continue
            sentence = _sentence_around(line, m.start())
            for code in find_target_codes(content):
                if not code.official:
                    problem(doc, "warning", line_no, f"SDG target {code.written!r} cited for outcome "
                            f"{outcome.number} does not exist in the official list; not linked")
                    continue
                if not any(t.kind == "cited" and t.code == code.code and t.evidence == sentence for t in outcome.targets):
                    outcome.targets.append(TargetLink(code.code, code.written, "cited", line_no, sentence))


class _Matrix:
    """The results matrix: cells of a Word table, per outcome a header and rows."""

    def __init__(self, doc: Document, framework: Framework, text: list[str], start: int, stop: int):
        self.doc, self.framework, self.text = doc, framework, text
        self.cells = self._cells(start, stop)

    def _cells(self, start: int, stop: int) -> list[tuple[int, int, list[str]]]:
        """(first line, last line, lines) of each cell; a cell starts at a line with a tab."""
        cells: list[tuple[int, int, list[str]]] = []
        for i in range(start, stop):
            line = self.text[i]
            if line.startswith("\t"):
                cells.append((i + 1, i + 1, [line.strip()]))
            elif cells and line.strip():
                first, _, content = cells[-1]
                cells[-1] = (first, i + 1, content + [line.strip()])
        return cells

    def read(self) -> None:
        blocks = [k for k, (_, _, c) in enumerate(self.cells) if _joined(c).upper() == "RESULTS"]
        if not blocks:
            problem(self.doc, "warning", self.cells[0][0] if self.cells else 1, "results matrix has no RESULTS header")
        for b, k in enumerate(blocks):
            end = blocks[b + 1] if b + 1 < len(blocks) else len(self.cells)
            self._block(self.cells[k:end])

    def cut_end(self) -> str | None:
        """Where the matrix's cells stop, said when the last row or block is incomplete:
        the document ends there. None when its last indicator row has all its cells."""
        if not self.cells:
            return "before its first cell"
        blocks = [k for k, (_, _, c) in enumerate(self.cells) if _joined(c).upper() == "RESULTS"]
        last_block = self.cells[blocks[-1] if blocks else 0:]
        outcome_at = next((k for k, (_, _, c) in enumerate(last_block) if MATRIX_OUTCOME.match(_joined(c))), None)
        if outcome_at is None:
            return f"in the header of a block (line {last_block[0][0]}), before it names its outcome"
        number = MATRIX_OUTCOME.match(_joined(last_block[outcome_at][2])).group(1)
        after = last_block[outcome_at + 1:]
        if not after:
            return f"after outcome {number}'s cell, before its first indicator row"
        if not _joined(after[-1][2]):
            return f"in outcome {number}'s indicator rows, after a row's empty results cell and before the row"
        empties = [k for k, (_, _, c) in enumerate(after) if not _joined(c)]
        row = after[empties[-1] + 1 if empties else 0:]
        if len(row) < len(MATRIX_CELLS):
            return (f"inside an indicator row of outcome {number} (line {row[0][0]}), which has only its "
                    f"{' and '.join(MATRIX_CELLS[:len(row)])} cell{'s' if len(row) > 1 else ''}")
        return None

    def _block(self, cells) -> None:
        outcome_at = next((k for k, (_, _, c) in enumerate(cells) if MATRIX_OUTCOME.match(_joined(c))), None)
        if outcome_at is None:
            problem(self.doc, "warning", cells[0][0], "results matrix block names no outcome; its rows are skipped")
            return
        number = MATRIX_OUTCOME.match(_joined(cells[outcome_at][2])).group(1)
        outcome = next((o for o in self.framework.outcomes if o.number == number), None)
        if outcome is None:
            problem(self.doc, "warning", cells[outcome_at][0], f"results matrix names outcome {number}, "
                    "which the narrative does not define; its rows are skipped")
            return
        self._header(outcome, cells[:outcome_at])
        rows, current = [], []
        for cell in cells[outcome_at + 1:]:
            if not _joined(cell[2]):
                if current:
                    rows.append(current)
                current = []
            else:
                current.append(cell)
        if current:
            rows.append(current)
        for row in rows:
            self._row(outcome, row)

    def _header(self, outcome: Outcome, cells) -> None:
        """Compare the block's target list with the narrative's; report what differs."""
        for k, (_, _, content) in enumerate(cells):
            if _joined(content).startswith("Related Global SDG Target") and k + 1 < len(cells):
                line_no = cells[k + 1][0]
                codes = find_target_codes(cells[k + 1][2][0])
                for code in codes:
                    if not code.official:
                        problem(self.doc, "warning", line_no, f"SDG target {code.written!r} in the results matrix "
                                f"for outcome {outcome.number} does not exist in the official list; not linked")
                narrative = {t.code for t in outcome.targets if t.kind == "primary"}
                matrix = {c.code for c in codes if c.official}
                if narrative and matrix != narrative:
                    only_n, only_m = sorted(narrative - matrix), sorted(matrix - narrative)
                    problem(self.doc, "warning", line_no, f"the results matrix lists other targets for outcome "
                            f"{outcome.number} than its narrative (only in narrative: {', '.join(only_n) or '-'}; "
                            f"only in matrix: {', '.join(only_m) or '-'}); the narrative's list is used")

    def _row(self, outcome: Outcome, row) -> None:
        first_line, last_line = row[0][0], row[-1][1]
        if len(row) < 3:
            problem(self.doc, "warning", first_line, f"results matrix row has {len(row)} of 4 cells "
                    "(truncated?); what is there is kept")
        if len(row) > 3:
            problem(self.doc, "warning", row[3][0], "results matrix row has more cells than expected; "
                    "the extra cells are read as partners")
        indicator = self._indicator(outcome, row[0])
        indicator.span = Span(first_line, last_line)
        if len(row) > 1:
            self._source(indicator, row[1][2])
        for cell in row[2:]:
            for line in cell[2]:
                for name in split_partner_list(line):
                    if name not in indicator.partners:
                        indicator.partners.append(name)
        outcome.indicators.append(indicator)

    def _indicator(self, outcome: Outcome, cell) -> ResultIndicator:
        first, _, lines = cell
        head = lines[0]
        indicator = ResultIndicator(len(outcome.indicators) + 1, Span(first, first), head)
        m = INDICATOR_CODE.match(head)
        if m:
            indicator.code, indicator.code_kind = m.group("code"), m.group("kind")
            indicator.code_written = m.group(0).strip()
            indicator.label = head[m.end():].strip()
        body = lines[1:]
        if not indicator.label and body:   # "12.5.1 (N) " with the label on the next line
            indicator.label, body = body[0], body[1:]
        proxy = PROXY.search(indicator.label)
        if proxy:
            indicator.proxy_of = proxy.group("code")
            indicator.proxy_kind = proxy.group("kind") or proxy.group("pre")
        current = indicator
        pending: tuple[str, str, str | None] | None = None   # a 'Baseline:' whose value is on the next lines
        for line in body:
            sub = SUB_INDICATOR.match(line)
            measure = MEASURE.match(line)
            if measure:
                self._flush(current, pending)
                kind, when, value = measure.group("kind").lower(), measure.group("when"), measure.group("value").strip()
                pending = (kind, value, when)
                continue
            if sub and not (pending and not pending[1]):
                self._flush(current, pending)
                pending = None
                part = ResultIndicator(len(indicator.parts) + 1, indicator.span,
                                       (sub.group("label") or sub.group("extra")).strip(), letter=sub.group("letter"))
                indicator.parts.append(part)
                current = part
                continue
            if pending is not None:
                kind, value, when = pending
                pending = (kind, f"{value}\n{line}".strip(), when)
            elif current is indicator and not indicator.baselines and not indicator.parts:
                indicator.label = f"{indicator.label} {line}".strip()
        self._flush(current, pending)
        if not any([indicator.baselines, indicator.targets, *[p.baselines for p in indicator.parts]]):
            problem(self.doc, "warning", first, f"indicator {indicator.label[:50]!r} has no baseline")
        return indicator

    @staticmethod
    def _flush(indicator: ResultIndicator, pending) -> None:
        if pending is None:
            return
        kind, value, when = pending
        written = f"{when} {value}".strip() if when else value
        measurement = parse_measurement(written)
        (indicator.baselines if kind == "baseline" else indicator.targets).append(measurement)

    def _source(self, indicator: ResultIndicator, lines: list[str]) -> None:
        """Data sources with their frequency, and the responsible UN agency on lines of their own."""
        agencies = scheme("un-entity")
        for line in lines:
            name = line.strip().rstrip(",;")
            if agencies.lookup(name) is not None:
                indicator.agencies.append(name)
            elif name:
                indicator.sources.append(name)


def parse_measurement(text: str) -> Measurement:
    """Read a baseline or target as written: '21,7% (2019)' -> 21.7 percent in 2019;
    '825.000 children 2019' -> 825000 children; '20% of the estimated number of PWID by
    2025' stays text (relative), with its year."""
    flat = " ".join(text.split())
    measurement = Measurement(flat)
    part = re.match(r"^\(([a-z])\)\s*", flat)
    if part:
        measurement.part = part.group(1)
        flat = flat[part.end():]
    if "=" in flat or flat.count("%") > 1:
        return measurement      # several values in one ("men - 42.4 %, women – 37.1 %"): text only
    by = re.search(r"\bby\s+((?:19|20)\d{2})\b", flat)
    paren = list(re.finditer(r"\(\s*(?:[^()]*?\b)?((?:19|20)\d{2})(?:\s*[-–]\s*((?:19|20)\d{2}))?\s*\)", flat))
    trailing = re.search(r"\b((?:19|20)\d{2})\s*\)?\s*[,;]?\s*$", flat)
    when = by or (paren[-1] if paren else None) or trailing
    if when:
        measurement.year = int(when.group(1))
        if when is not by and when.lastindex and when.lastindex >= 2 and when.group(2):
            measurement.year_end = int(when.group(2))
    cut = min([m.start() for m in (by, *(paren[-1:]), trailing) if m is not None], default=len(flat))
    value_text = flat[:cut]
    if ";" in value_text.strip(" ;"):
        return measurement
    number = re.search(r"(?P<cmp>≤|≥|<|>|at least|at most|up to|about|not less than|not more than)?\s*"
                       r"(?P<pre>KZT|USD|US\$|\$|EUR)?\s*"
                       r"(?P<num>\d{1,3}(?: \d{3})+(?:[.,]\d+)?(?!\d)|\d[\d.,]*\d|\d)\s*(?P<pct>%|percent)?", value_text, re.IGNORECASE)
    if number is None or re.match(r"\s*(?:of\b|per cent of\b)", value_text[number.end():]) and number.group("pct"):
        return measurement      # not a number, or relative ("20% of the estimated number")
    value = _decimal(number.group("num").replace(" ", ""))
    if value is None:
        return measurement
    measurement.value = value
    measurement.comparator = number.group("cmp")
    if number.group("pre"):
        measurement.unit = number.group("pre")
    elif number.group("pct"):
        measurement.unit = "percent"
    else:
        rest = value_text[number.end():].strip(" ;,")
        unit = re.match(r"^([A-Za-z][A-Za-z ,0-9/-]*?)\s*(?:\(|$|;)", rest)
        if unit and unit.group(1).strip() and len(unit.group(1).split()) <= 6:
            measurement.unit = unit.group(1).strip()
    return measurement


def _decimal(written: str) -> str | None:
    """'860,000' and '825.000' are thousands; '21,7', '0.14' and '5.711' decimals. A comma
    before exactly three digits groups thousands; a dot does only before '000' (a decimal
    is not written with three trailing zeros, a thousands group often is)."""
    if "," in written and "." in written:
        return written.replace(",", "")
    for sep in (",", "."):
        if sep in written:
            parts = written.split(sep)
            thousands = len(parts[1]) == 3 and parts[0] != "0" and (sep == "," or parts[1] == "000")
            if len(parts) > 2 or thousands:
                return "".join(parts) if all(p.isdigit() for p in parts) else None
            return f"{parts[0]}.{parts[1]}" if parts[0].isdigit() and parts[1].isdigit() else None
    return written if written.isdigit() else None


def split_groups(text: str) -> list[str]:
    """LNOB groups: ';' separates groups; ',' too, outside brackets, unless the
    whole segment is one known group ('women, children, adolescents living in rural …')."""
    groups = []
    lnob = scheme("lnob-group")
    for segment in text.split(";"):
        segment = segment.strip().rstrip(".")
        if not segment:
            continue
        if lnob.lookup(_without_acronym(segment)) is not None or lnob.lookup(segment) is not None:
            groups.append(segment)
            continue
        groups.extend(split_outside_brackets(segment))
    return groups


def _without_acronym(text: str) -> str:
    return re.sub(r"\s*\([A-Za-z]{1,6}\)\s*$", "", text).strip()


def _joined(lines: list[str]) -> str:
    return " ".join(line.strip() for line in lines).strip()


def _sentence_around(line: str, pos: int) -> str:
    starts = [0] + [m.end() for m in SENTENCE_END.finditer(line) if m.end() <= pos]
    start = starts[-1]
    end_match = next((m for m in SENTENCE_END.finditer(line) if m.start() > pos), None)
    end = end_match.start() if end_match else len(line)
    return line[start:end].strip()


def _area_named(framework: Framework, name: str):
    words = set(normalize_label(name).replace(",", "").split())
    for area in framework.thematic_areas:
        if set(normalize_label(area.name).replace(",", "").split()) == words:
            return area
    return None
