"""Organization names in prose: the partners a partnership paragraph names.

A name is a run of capitalised words joined by 'of', 'and', 'for', 'on', 'with', 'the',
'under' …, that contains an organization head word (Ministry, Centre, University,
Network, Committee … see data/vocab/partner-heads.txt). 'and the' or ', Ministry' start a
new name; a comma part without a head word continues the name before it ('Ministry of
Ecology, Geology and Natural Resources'). Quoted NGO names ('NGO "QazVolunteers"') and
single CamelCase names ('KazakhTourism') count too.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import project

JOINERS = {"of", "and", "for", "on", "with", "the", "under", "&", "in"}
WORD = re.compile(r"[“\"«][^”\"»]+[”\"»]|[\w’'&/]+(?:[.-][\w’'&/]+)*|\S")
QUOTED_NGO = re.compile(r"\bNGO\s+[“\"«]([^”\"»]+)[”\"»]")
CAMEL = re.compile(r"^[A-Z][a-z]+[A-Z][a-zA-Z]+$")
APPOSITIVE = re.compile(r"\b([A-Z][\w’'-]+)\s+[–—-]\s+(?:network|platform|initiative|movement|association)\b")
DASHES = {"-", "–", "—"}


@lru_cache(maxsize=1)
def heads() -> frozenset[str]:
    path = project.current().vocab_dir / "partner-heads.txt"
    words = [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return frozenset(w for w in words if w)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or word[:1] in "“\"«" or (word[:1].isdigit() and len(word) <= 3)


def _spans(tokens: list[str]) -> list[tuple[int, int]]:
    """(start, end) token ranges of capitalised runs with their joiners."""
    head_words = heads()
    spans, start = [], None
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        prev = tokens[i - 1] if i else ""
        if _capitalised(token):
            if start is None:
                start = i
            continue
        if start is not None and i - 1 == start and CAMEL.match(tokens[start]):
            pass   # 'KazakhTourism and …': a CamelCase name stands alone
        elif start is not None and (token.lower() in JOINERS or token in DASHES):
            run_has_head = any(t in head_words for t in tokens[start:i])
            ahead = []
            for t in tokens[i + 1:]:
                if _capitalised(t) or t.lower() in JOINERS:
                    ahead.append(t)
                else:
                    break
            # 'X Ministry and the Ministry of Y', 'Ministry of A and Ministry of B': two names.
            starts_new = token.lower() == "and" and (nxt.lower() == "the" or (
                run_has_head and any(t in head_words for t in ahead) and nxt in head_words))
            joins_dash = token in DASHES and _capitalised(prev) and _capitalised(nxt)
            if (token in DASHES and joins_dash) or (
                    token not in DASHES and not starts_new and (_capitalised(nxt) or nxt.lower() == "the")):
                continue
        if start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(tokens)))
    return spans


def extract_partners(text: str) -> list[str]:
    """Organization names in order of first appearance."""
    head_words = heads()
    names: list[str] = [f"NGO “{m.group(1).strip()}”" for m in QUOTED_NGO.finditer(text)]
    text = QUOTED_NGO.sub(" ; ", text)
    appositives = {m.group(1) for m in APPOSITIVE.finditer(text)}
    names.extend(sorted(appositives, key=text.index))
    tokens = WORD.findall(text)
    last_name_end = None      # token index where the last accepted name ended
    for start, end in _spans(tokens):
        words = tokens[start:end]
        while words and (words[-1].lower() in JOINERS or words[-1] in DASHES):
            words, end = words[:-1], end - 1
        if not words:
            continue
        # A parenthesis right after a name that opens with a capital describes that name
        # ("… Mechanism (Coordinating council under …)"); names inside it are not partners.
        # One that opens in lower case is running text ("( in cooperation with the …)").
        paren_at = max((i for i, t in enumerate(tokens[:start]) if t == "("), default=None)
        if (paren_at is not None and ")" not in tokens[paren_at:start]
                and last_name_end is not None and paren_at == last_name_end
                and _capitalised(tokens[paren_at + 1])):
            continue
        words = _after_weak_joiner(words, head_words)
        name = _strip_article(" ".join(words))
        if name in appositives:
            continue
        if any(w.strip("“”\"") in head_words for w in words):
            names.append(name)
            last_name_end = end
        elif (last_name_end is not None and tokens[last_name_end:start] == [","]
              and len(words) >= 2 and not CAMEL.match(name) and names):
            names[-1] = f"{names[-1]}, {name}"        # 'Ministry of Ecology, Geology and Natural Resources'
            last_name_end = end
        elif len(words) == 1 and CAMEL.match(name):
            names.append(name)
            last_name_end = end
    seen: list[str] = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return seen


def _after_weak_joiner(words: list[str], head_words) -> list[str]:
    """'Collaboration with the SDG Coordination Council' -> 'SDG Coordination Council': a
    'with', 'in' or 'the' before the first head word ends a sentence's opening, not a name."""
    first_head = next((i for i, w in enumerate(words) if w.strip("“”\"") in head_words), None)
    if first_head is None:
        return words
    cut = max((i for i in range(first_head) if words[i] in ("with", "in", "the")), default=None)
    return words[cut + 1:] if cut is not None else words


def _strip_article(name: str) -> str:
    return re.sub(r"^(?:The|the)\s+", "", name)


def split_partner_list(line: str) -> list[str]:
    """A cell line listing partners: ';' separates names; ',' too, except before a part
    that has no organization head word and continues a name that has one ('Ministry of
    Ecology, Geology and Natural Resources')."""
    head_words = {w.lower() for w in heads()}
    names: list[str] = []
    for chunk in line.split(";"):
        for part in chunk.split(","):
            part = part.strip().rstrip(".")
            if not part:
                continue
            words = part.split()
            has_head = any(w.lower().strip("“”\"()") in head_words for w in words)
            previous_has_head = bool(names) and any(w.lower().strip("“”\"()") in head_words for w in names[-1].split())
            if not has_head and len(words) >= 2 and previous_has_head and not part[:1].isdigit():
                names[-1] = f"{names[-1]}, {part}"
            else:
                names.append(part)
    return names
