"""The deadline / status / comment tail of a key-action row, shared by the readers.

    ... <deadline> <status> [Justification: ...] <comment>
A deadline is YYYY/MM or a phrase of the deadline-note scheme ("No due date"); a status
is a label of the key-action-status scheme. Both schemes are Turtle files, so new
spellings need no code change.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..vocab import normalize_label, scheme

DEADLINE = re.compile(r"(?<![\d/])(\d{4})\s?/\s?(\d{1,2})(?![\d/])")
JUSTIFICATION = re.compile(r"^\[\s*Justification\s*:\s*(.*?)\s*\]\s*", re.IGNORECASE | re.DOTALL)


@dataclass
class Tail:
    """What was read after the party: every field as written, and what went wrong."""
    deadline: str | None = None        # "YYYY-MM"
    deadline_note: str | None = None
    status_text: str | None = None
    justification: str | None = None
    comment: str | None = None
    unread: str | None = None
    errors: list[str] = None
    warnings: list[str] = None

    def __post_init__(self):
        self.errors = self.errors or []
        self.warnings = self.warnings or []


def find_deadline(text: str) -> tuple[int, int, str | None, str | None] | None:
    """(start, end, 'YYYY-MM' or None, note or None) of the row's deadline field.

    Of several YYYY/MM in a row, the deadline is the first one followed by a known
    status; failing that, the last one. A deadline note counts where no date does."""
    statuses = scheme("key-action-status")
    dates = list(DEADLINE.finditer(text))
    for m in dates:
        if statuses.match_at(text, _skip_space(text, m.end())):
            return m.start(), m.end(), _month(m), None
    notes = scheme("deadline-note").search(text)
    if notes and (not dates or statuses.match_at(text, _skip_space(text, notes.end))):
        return notes.start, notes.end, None, notes.text
    if dates:
        m = dates[-1]
        return m.start(), m.end(), _month(m), None
    return None


def _month(m: re.Match) -> str:
    return f"{m.group(1)}-{int(m.group(2)):02d}"


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def read_tail(text: str, deadline: str | None, note: str | None) -> Tail:
    """Read the status, justification and comment that follow the deadline."""
    tail = Tail(deadline=deadline, deadline_note=note)
    if deadline and not 1 <= int(deadline[5:]) <= 12:
        tail.errors.append(f"deadline {deadline} is not a month; kept as unread text")
        tail.unread = deadline
        tail.deadline = None
    rest = text.strip()
    if rest.endswith(" History") or rest == "History":
        rest = rest[: -len("History")].rstrip()   # ERC link label, not part of the comment
    if not rest:
        tail.warnings.append("no status after the deadline")
        return tail
    statuses = scheme("key-action-status")
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
    rest = rest[match.end:].strip()
    just = JUSTIFICATION.match(rest)
    if just:
        tail.justification = just.group(1) or None
        rest = rest[just.end():].strip()
    tail.comment = rest or None
    return tail


def _is_truncated_status(text: str) -> bool:
    if " " in text.strip() and len(text) > 30:
        return False
    written = normalize_label(text)
    labels = scheme("key-action-status")._by_label
    return any(label.startswith(written) and label != written for label in labels)
