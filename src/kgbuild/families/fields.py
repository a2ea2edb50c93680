"""The deadline / status / comment tail of a key-action row, shared by the readers.

    ... <deadline> <status> [Justification: ...] <comment>
A deadline is YYYY/MM or a phrase of the deadline-note scheme ("No due date"); a status
is a label of the key-action-status scheme. Both schemes are Turtle files, so new
spellings need no code change. A year or a year range ("2019-2020") in the deadline place
is not a month: it is kept as written (deadline text), never turned into a month.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from ..vocab import normalize_label, scheme

DEADLINE = re.compile(r"(?<![\d/])(\d{4})\s?/\s?(\d{1,2})(?![\d/])")
YEARS = re.compile(r"(?<![\d/])(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?(?![\d/])")
NOTE_AFTER_STATUS = re.compile(r"\s*[/,;–-]\s*")
HISTORY_LINK = re.compile(r"(?:^|\s+)History$")   # ERC link label, not part of the comment (any space before it)
NO_STATUS = "no status after the deadline"
JUSTIFICATION = re.compile(r"^\[\s*Justification\s*:\s*(.*?)\s*\]\s*", re.IGNORECASE | re.DOTALL)


@dataclass
class Tail:
    """What was read after the party: every field as written, and what went wrong."""
    deadline: str | None = None        # "YYYY-MM"
    deadline_note: str | None = None
    deadline_text: str | None = None   # a year or year range, as written
    status_text: str | None = None
    justification: str | None = None
    comment: str | None = None
    unread: str | None = None
    errors: list[str] = None
    warnings: list[str] = None

    def __post_init__(self):
        self.errors = self.errors or []
        self.warnings = self.warnings or []


class Deadline(NamedTuple):
    """Where a row's deadline field is and what it says: a month, a note, or a year text."""
    start: int
    end: int
    month: str | None = None      # "YYYY-MM"
    note: str | None = None       # a label of the deadline-note scheme, as written
    text: str | None = None       # a year or year range, as written


def find_deadline(text: str) -> Deadline | None:
    """The row's deadline field.

    Of several YYYY/MM in a row, the deadline is the first one followed by a known
    status; failing that, a deadline note; failing that, a year or year range followed by
    a known status; failing that, the last YYYY/MM."""
    statuses = scheme("key-action-status")
    dates = list(DEADLINE.finditer(text))
    for m in dates:
        if statuses.match_at(text, _skip_space(text, m.end())):
            return Deadline(m.start(), m.end(), month=_month(m))
    notes = scheme("deadline-note").search(text)
    if notes and (not dates or statuses.match_at(text, _skip_space(text, notes.end))):
        return Deadline(_status_before(text, notes.start), notes.end, note=notes.text)
    for m in YEARS.finditer(text):
        if statuses.match_at(text, _skip_space(text, m.end())):
            return Deadline(m.start(), m.end(), text=m.group(0))
    if dates:
        m = dates[-1]
        return Deadline(m.start(), m.end(), month=_month(m))
    return None


def looks_like_row_end(line: str) -> bool:
    """A line holding a deadline (YYYY/MM, or a deadline note) followed by a status word:
    how a key-action row ends, whatever comes before it. The families' scans count such
    lines without reading the row. A deadline alone at a line's end is not enough: header
    fields end so too ("Completion Date: 2022/03")."""
    statuses = scheme("key-action-status")
    if any(statuses.match_at(line, _skip_cell_separators(line, m.end())) for m in DEADLINE.finditer(line)):
        return True
    note = scheme("deadline-note").search(line)
    return note is not None and statuses.match_at(line, _skip_cell_separators(line, note.end)) is not None


def _skip_cell_separators(text: str, pos: int) -> int:
    while pos < len(text) and (text[pos].isspace() or text[pos] == "|"):
        pos += 1
    return pos


def _status_before(text: str, note_start: int) -> int:
    """Where 'Ongoing / no deadline' begins when a status word is written with the note:
    the pair is one deadline field, not a status."""
    head = text[:note_start]
    separator = re.search(r"\s*[/,;–-]\s*$", head)
    if not separator:
        return note_start
    words = list(re.finditer(r"\S+", head[:separator.start()]))
    statuses = scheme("key-action-status")
    for count in range(min(3, len(words)), 0, -1):
        first = words[-count]
        if statuses.lookup(head[first.start():separator.start()]):
            return first.start()
    return note_start


def read_deadline_cell(cell: str) -> tuple[Deadline | None, str | None]:
    """A deadline written alone in a table cell: (what it says, error or None)."""
    cell = cell.strip()
    if not cell:
        return None, None
    m = DEADLINE.fullmatch(cell)
    if m:
        return Deadline(0, len(cell), month=_month(m)), None
    note = scheme("deadline-note").search(cell)
    if note and not cell[note.end:].strip() and _status_before(cell, note.start) in (0, note.start) \
            and not cell[:_status_before(cell, note.start)].strip():
        return Deadline(0, len(cell), note=note.text), None
    if YEARS.fullmatch(cell):
        return Deadline(0, len(cell), text=cell), None
    return None, f"deadline {cell!r} is neither YYYY/MM, a year, nor a deadline note; kept as unread text"


def _month(m: re.Match) -> str:
    return f"{m.group(1)}-{int(m.group(2)):02d}"


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def read_tail(text: str, deadline: str | None, note: str | None, deadline_text: str | None = None) -> Tail:
    """Read the status, justification and comment that follow the deadline."""
    tail = Tail(deadline=deadline, deadline_note=note, deadline_text=deadline_text)
    if deadline and not 1 <= int(deadline[5:]) <= 12:
        tail.errors.append(f"deadline {deadline} is not a month; kept as unread text")
        tail.unread = deadline
        tail.deadline = None
    rest = HISTORY_LINK.sub("", text.strip())
    if not rest:
        tail.warnings.append(NO_STATUS)
        return tail
    statuses = scheme("key-action-status")
    if _deadline_words_as_status(tail, rest):
        return tail
    match = statuses.match_at(rest)
    if match is None:
        if _is_truncated_status(rest):
            tail.status_text = rest
            tail.warnings.append(f"status {rest!r} is cut off (truncated row); no status concept linked")
            return tail
        tail.errors.append(f"unknown status at {rest[:40]!r}; status and comment kept as unread text")
        tail.unread = " ".join(filter(None, [tail.unread, rest]))
        return tail
    tail.status_text = match.text
    _justification_and_comment(tail, rest[match.end:])
    return tail


def _justification_and_comment(tail: Tail, rest: str) -> None:
    """What follows the status: an optional [Justification: …], then the comment."""
    rest = rest.strip()
    just = JUSTIFICATION.match(rest)
    if just:
        tail.justification = just.group(1) or None
        rest = rest[just.end():].strip()
    tail.comment = rest or None


def _deadline_words_as_status(tail: Tail, rest: str) -> bool:
    """A status field that states a deadline ("No deadline established", "Ongoing / no
    deadline") is a deadline note, not a status. True when `rest` was read so."""
    notes = scheme("deadline-note")
    note = notes.match_at(rest)
    if note is None:
        status = scheme("key-action-status").match_at(rest)
        separator = NOTE_AFTER_STATUS.match(rest, status.end) if status else None
        note = notes.match_at(rest, separator.end()) if separator else None
    if note is None:
        return False
    written = rest[:note.end]
    if tail.deadline_note and normalize_label(tail.deadline_note) != normalize_label(note.text):
        tail.warnings.append(f"status field {written!r} states a deadline although the deadline field "
                             f"says {tail.deadline_note!r}; the deadline field is kept")
    else:
        tail.deadline_note = note.text
        tail.warnings.append(f"status field {written!r} states a deadline, not a status: read as the "
                             "deadline note; no status")
    _justification_and_comment(tail, rest[note.end:])
    return True


def longer_status_labels(text: str) -> list[str]:
    """Status labels that begin with the whole of `text` and go on with more words
    ("overdue initiated" for "Overdue"): what a status cut at a word end could have been."""
    written = normalize_label(text)
    return sorted(label for label in scheme("key-action-status")._by_label if label.startswith(written + " "))


def _is_truncated_status(text: str) -> bool:
    if " " in text.strip() and len(text) > 30:
        return False
    written = normalize_label(text)
    labels = scheme("key-action-status")._by_label
    return any(label.startswith(written) and label != written for label in labels)
