"""What a web page puts around a document, and header values read from labelled fields.

Pages of the evaluation sites come with chrome: the site banner, breadcrumbs, skip links,
cookie and notification lines. None of it is a title. Header values are read only from
the page's own labelled fields, so that a missing field is reported, never guessed.
"""
from __future__ import annotations

import re

import pycountry

CHROME = re.compile(
    r"^\s*(?:"
    r"(?:UNDP\s+)?Evaluation Resource Centre|ERC|UN\s*Women\s+GATE|GATE|"
    r"Global Accountability and Tracking of Evaluation Use|Independent Evaluation Office|"
    r"Skip to (?:main )?content|Home(?:\s*[>›»/|].*)?|Menu|Search|Log ?in|Sign ?in|Log ?out|Share|Print|"
    r"Report Cover Image|Back(?: to .*)?|.*\bcookies?\b.*|Notification\b.*|This (?:site|website) uses\b.*|"
    r"Accept(?: all)?(?: cookies)?|Close|English|Français|Español"
    r")\s*$", re.IGNORECASE)
BREADCRUMB = re.compile(r"^[^.:]{0,80}(?:\s[>›»]\s[^.:]{1,60}){1,}$")


def is_chrome(line: str) -> bool:
    """A line of the site around the document, not of the document."""
    text = line.strip()
    return bool(CHROME.match(text) or BREADCRUMB.match(text))


def country_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-3 code when the whole value names one country ("KAZAKHSTAN",
    "UNDP Kazakhstan", "Kazakhstan (CO)"); None for anything else, such as a regional
    bureau. Codes alone ("KAZ") are not accepted: three letters are too often an acronym."""
    if not value:
        return None
    name = re.sub(r"\s*\((?:M?CO|RO|HQ)\)\s*$", "", value.strip())
    name = re.sub(r"^(?:UNDP|UN\s*Women)\s+", "", name, flags=re.IGNORECASE).strip(" .,")
    if len(name) <= 3:
        return None
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return None


def country_codes_of_list(value: str | None) -> list[str]:
    """Countries of a list field ("KAZAKHSTAN, KYRGYZSTAN"); items that are not countries
    are left out."""
    codes = []
    for item in re.split(r"\s*[,;]\s*", value or ""):
        code = country_code(item)
        if code and code not in codes:
            codes.append(code)
    return codes


def describe_first_lines(lines: list[str], count: int = 3) -> str:
    """The first non-blank lines of a document, quoted and shortened, for a message."""
    shown = [line.strip()[:60] for line in lines if line.strip()][:count]
    return " / ".join(repr(text) for text in shown) if shown else "(the document is empty)"
