"""Key-action tables whose cells the page separates: '|' or tab between cells, one cell per
line (a table pasted from a word processor), or one 'Label: value' line per field (an
older administration page). The column header names each cell, so no field is guessed
from its words; a row that does not fit the header is kept and reported.
"""
from __future__ import annotations

import re

from ...records import Document, KeyAction, Span
from ..text import (ENDS_BEFORE_STATUS, action_with_tail, cut_deadline_warning, cut_status_warnings, last_text_index,
                    may_be_cut_month, problem)
from ..fields import read_deadline_cell, read_tail

# Column headers as the pages write them, by the key-action field they hold.
COLUMN_NAMES = {
    "text": ("key action", "key actions", "action", "actions", "key action(s)"),
    "responsible": ("responsible", "responsible unit", "responsible units", "responsible unit(s)",
                    "responsible party", "responsible parties", "responsibility", "responsible office"),
    "deadline": ("due date", "duedate", "deadline", "time frame", "timeframe", "timeline", "completion date"),
    "status": ("status", "implementation status"),
    "comment": ("comments", "comment", "remarks", "progress", "tracking comments"),
    "documents": ("documents", "document", "history"),
}
_FIELD_OF = {name: field for field, names in COLUMN_NAMES.items() for name in names}
LABELLED_FIELD = re.compile(
    r"^\s*(?P<label>" + "|".join(sorted((re.escape(n) for n in _FIELD_OF), key=len, reverse=True))
    + r")\s*:\s*(?P<value>.*)$", re.IGNORECASE)
LABELLED_ACTION = re.compile(r"^\s*Key Action\s*:", re.IGNORECASE)


def column_field(cell: str) -> str | None:
    return _FIELD_OF.get(re.sub(r"\s+", " ", cell.strip().rstrip(":")).lower())


def split_cells(line: str) -> list[str] | None:
    """Cells of a '|'- or tab-separated row; None for a line with no separator."""
    if "\t" in line.strip():
        return [cell.strip() for cell in line.strip().split("\t")]
    if "|" in line:
        cells = [cell.strip() for cell in line.strip().split("|")]
        if cells and not cells[0]:
            cells = cells[1:]
        if cells and not cells[-1]:
            cells = cells[:-1]
        return cells
    return None


def header_fields(cells: list[str]) -> list[str] | None:
    """The fields of a column header row, or None when the cells are not a header."""
    fields = [column_field(cell) for cell in cells]
    if fields and fields[0] == "text" and None not in fields and len(fields) >= 3 and (
            "deadline" in fields or "status" in fields):
        return fields
    return None


DEFAULT_FIELDS = ["text", "responsible", "deadline", "status", "comment"]


def action_from_fields(doc: Document, ordinal: int, span: Span, values: dict[str, tuple[int, str]],
                       document_end: str | None = None) -> KeyAction:
    """A key action from its fields, each (line, text as written). `document_end`: the
    document's last line when the row reaches it. The cell the document ends with may be
    cut: a deadline 'YYYY/M' there is kept as unread text (it may be cut from 'YYYY/MM'),
    and a missing status or a status that begins a longer one is said to be where the
    document ends, as in the three-line rows (text.key_action_from_row)."""
    def value(field):
        return values.get(field, (span.end, ""))

    written = [field for field, (_, cell) in values.items() if cell.strip()]   # in the row's order

    def ends_the_document(field):
        return document_end is not None and written[-1:] == [field] and document_end.endswith(value(field)[1].strip())
    text_line, text = value("text")
    if not text.strip():
        problem(doc, "warning", text_line, "key action has no text")
    responsible_line, responsible = value("responsible")
    if not responsible.strip():
        problem(doc, "warning", responsible_line, "key action has no responsible party")
    deadline_line, deadline_cell = value("deadline")
    found, error = read_deadline_cell(deadline_cell)
    unread = None
    cut_deadline = bool(found and found.month and ends_the_document("deadline") and may_be_cut_month(deadline_cell))
    if cut_deadline:
        problem(doc, "warning", deadline_line, cut_deadline_warning(deadline_cell.strip()))
        found, unread = None, deadline_cell.strip()
    elif error:
        problem(doc, "error", deadline_line, error)
        unread = deadline_cell.strip()
    elif found is None:
        problem(doc, "warning", deadline_line, "key action has no deadline")
    elif found.text:
        problem(doc, "warning", deadline_line, f"deadline {found.text!r} is a year, not a month; kept as written")
    status_line, status_cell = value("status")
    month, note, year_text = (found.month, found.note, found.text) if found else (None, None, None)
    if status_cell.strip():
        tail = read_tail(status_cell, month, note, year_text)
        if ends_the_document("status") and tail.status_text and not tail.comment and not tail.justification:
            tail.warnings.extend(cut_status_warnings(tail.status_text))
    else:
        tail = read_tail("", month, note, year_text)
        tail.warnings = [] if cut_deadline else \
            [ENDS_BEFORE_STATUS if ends_the_document("deadline") else "key action has no status"]
    for message in tail.errors:
        problem(doc, "error", status_line, message)
    for message in tail.warnings:
        problem(doc, "warning", status_line, message)
    comment = " ".join(filter(None, [tail.comment, value("comment")[1].strip()])) or None
    tail.comment = comment
    tail.unread = " ".join(filter(None, [unread, tail.unread])) or None
    return action_with_tail(ordinal, span, text.strip(), responsible.strip() or None, tail)


def _row_values(doc: Document, line_no: int, cells: list[str], fields: list[str]) -> dict[str, tuple[int, str]]:
    if len(cells) != len(fields):
        problem(doc, "warning", line_no, f"row has {len(cells)} cells where the header has {len(fields)}; "
                + ("the extra cells are kept in the comment" if len(cells) > len(fields)
                   else "the missing cells are read as blank"))
    values: dict[str, tuple[int, str]] = {}
    for field, cell in zip(fields, cells):
        if field != "documents":
            values[field] = (line_no, cell)
    if len(cells) > len(fields):
        extra = " | ".join(cell for cell in cells[len(fields):] if cell)
        comment = " | ".join(filter(None, [values.get("comment", (line_no, ""))[1], extra]))
        values["comment"] = (line_no, comment)
    return values


def read_cell_rows(doc: Document, lines: list[str], start: int, stop: int) -> list[KeyAction]:
    """Rows of '|' or tab separated cells; a line without separators continues the last
    cell of the row above it (a wrapped comment)."""
    fields = None
    rows: list[tuple[int, int, list[str]]] = []    # (first index, last index, cells)
    for i in range(start, stop):
        text = lines[i].strip()
        if not text:
            continue
        cells = split_cells(lines[i])
        if cells is None or len(cells) < 2:
            if rows:
                first, _, row_cells = rows[-1]
                row_cells[-1] = f"{row_cells[-1]} {text}".strip()
                rows[-1] = (first, i, row_cells)
            elif not re.match(r"^\s*Key Actions?\s*:?\s*$", text, re.IGNORECASE):
                problem(doc, "warning", i + 1, f"line before the key-action table kept nowhere: {text[:60]!r}")
            continue
        header = header_fields(cells)
        if header:
            fields = header
            continue
        rows.append((i, i, cells))
    if rows and fields is None:
        problem(doc, "warning", rows[0][0] + 1, "key-action table has no column header; cells read as "
                "action, responsible, deadline, status, comment")
    actions = []
    for first, last, cells in rows:
        values = _row_values(doc, first + 1, cells, fields or DEFAULT_FIELDS)
        actions.append(action_from_fields(doc, len(actions) + 1, Span(first + 1, last + 1), values,
                                          _document_end(lines, last)))
    return actions


def _document_end(lines: list[str], last_index: int) -> str | None:
    """The document's last line, stripped, when the row ending at `last_index` reaches it."""
    return lines[last_index].strip() if last_index == last_text_index(lines) else None


def line_table_header(lines: list[str], i: int, stop: int) -> list[str] | None:
    """Fields of a header written one column name per line, starting at line index i."""
    fields: list[str] = []
    for j in range(i, stop):
        field = column_field(lines[j]) if lines[j].strip() else None
        if field is None or field in fields:
            break
        fields.append(field)
    return header_fields([lines[i + k] for k in range(len(fields))])


def read_line_table(doc: Document, lines: list[str], start: int, stop: int) -> list[KeyAction]:
    """A table with one cell per line. Rows are found by their deadline (or status) cell:
    the cells before it in the header's order start the row, so a row missing its
    trailing comment still reads."""
    header_at = next(i for i in range(start, stop) if line_table_header(lines, i, stop))
    fields = line_table_header(lines, header_at, stop)
    for i in range(start, header_at):
        if lines[i].strip() and not re.match(r"^\s*Key Actions?\s*:?\s*$", lines[i], re.IGNORECASE):
            problem(doc, "warning", i + 1, f"line before the key-action table kept nowhere: {lines[i].strip()[:60]!r}")
    cells = [(i, lines[i].strip()) for i in range(header_at + len(fields), stop) if lines[i].strip()]
    anchor_field = "deadline" if "deadline" in fields else "status"
    offset = fields.index(anchor_field)
    starts: list[int] = []
    for k, (_, text) in enumerate(cells):
        if _is_anchor(anchor_field, text) and (not starts or k - offset > starts[-1] + offset):
            starts.append(k - offset)
    if not starts:
        if cells:
            problem(doc, "error", cells[0][0] + 1, f"no {anchor_field} cell found in the key-action table; "
                    "its cells are kept as the action text")
            return [KeyAction(1, Span(cells[0][0] + 1, cells[-1][0] + 1), " ".join(t for _, t in cells))]
        return []
    if starts[0] > 0:
        lost = cells[:starts[0]]
        problem(doc, "warning", lost[0][0] + 1, "cells before the first key-action row kept nowhere: "
                + repr(" ".join(t for _, t in lost)[:60]))
    actions = []
    for n, begin in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(cells)
        row, row_fields = cells[max(begin, 0):end], fields[max(0, -begin):]
        if begin < 0:
            problem(doc, "warning", row[0][0] + 1, f"the first row lacks its first {-begin} cell(s); read as blank")
        values = _row_values(doc, row[0][0] + 1, [t for _, t in row], row_fields)
        for (line_index, _), field in zip(row, row_fields):
            if field in values:
                values[field] = (line_index + 1, values[field][1])
        actions.append(action_from_fields(doc, len(actions) + 1, Span(row[0][0] + 1, row[-1][0] + 1), values,
                                          _document_end(lines, row[-1][0])))
    return actions


def _is_anchor(field: str, text: str) -> bool:
    if field == "deadline":
        found, error = read_deadline_cell(text)
        return found is not None and error is None
    tail = read_tail(text, None, None)
    return tail.status_text is not None and tail.comment is None and not tail.errors


def read_labelled_actions(doc: Document, lines: list[str], start: int, stop: int) -> list[KeyAction]:
    """'Key Action: …', 'Responsible Unit: …', 'Time Frame: …', 'Status: …' lines; a label
    with no value takes the next line; other lines continue the field above them."""
    blocks: list[dict[str, tuple[int, str]]] = []
    spans: list[list[int]] = []
    field = None
    for i in range(start, stop):
        text = lines[i].strip()
        if not text:
            continue
        m = LABELLED_FIELD.match(text)
        if m:
            field = column_field(m.group("label"))
            if LABELLED_ACTION.match(text) or not blocks or field in blocks[-1]:
                if not LABELLED_ACTION.match(text):
                    problem(doc, "warning", i + 1, f"{m.group('label')!r} starts a key action that has no "
                            "'Key Action:' line")
                blocks.append({})
                spans.append([i + 1, i + 1])
            blocks[-1][field] = (i + 1, m.group("value").strip())
            spans[-1][1] = i + 1
        elif field is not None and blocks:
            line_no, value = blocks[-1][field]
            blocks[-1][field] = (line_no if value else i + 1, f"{value} {text}".strip())
            spans[-1][1] = i + 1
        elif not re.match(r"^\s*Key Actions?\s*:?\s*$", text, re.IGNORECASE):
            problem(doc, "warning", i + 1, f"line before the first 'Key Action:' kept nowhere: {text[:60]!r}")
    actions = []
    for block, (first, last) in zip(blocks, spans):
        block.pop("documents", None)
        actions.append(action_from_fields(doc, len(actions) + 1, Span(first, last), block,
                                          _document_end(lines, last - 1)))
    return actions
