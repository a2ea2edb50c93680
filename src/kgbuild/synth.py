"""Synthetic corpus: text documents in the three real layouts, with their ground truth.

The build must be benchmarked at sizes no real corpus of ours reaches (1,000 documents,
millions of triples), and at those sizes a test must still prove that nothing is lost.
So the generator writes plain-text documents that imitate data/sources/ line for line
(UN Women GATE management responses in their three header variants, UNDP ERC evaluation
pages, UNSDCF cooperation frameworks) and, beside each, a JSON file of what a reader must
find in it: recommendations, responses and key actions with every field as written, and
for a framework its outcomes, targets, LNOB groups, agencies and indicators.

Controlled values come from the project's own vocabularies (statuses, response
categories, deadline notes, classifications, ERC tags, UN entities, LNOB groups) and the
official SDG list (target and indicator wording, so that alignment has work to do); only
the connecting prose is templated here. Output is a pure function of (documents, seed):
the same arguments give the same bytes.

Where a reader cannot read something a real document could plausibly contain, the
generator does not write it (see UNSUPPORTED below); readers are not changed from here.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import time
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from rdflib.namespace import SKOS

GATE, ERC, UNSDCF = "unwomen-gate", "undp-erc", "unsdcf"
FAMILIES = (GATE, ERC, UNSDCF)
TRUTH_DIR_NAME = ".truth"        # hidden: the build skips hidden files and folders
TRUTH_SUFFIX = ".truth.json"
FRAMEWORK_EVERY = 40             # one cooperation framework per this many documents

# Layouts real documents of these families could contain that today's readers cannot
# read, so the generator leaves them out (reported, not worked around in the readers):
UNSUPPORTED = (
    ("unsdcf: a country named by several words ('United Nations in Bosnia and Herzegovina'): "
     "the framework identity pattern takes one capitalised word, so only one-word country "
     "names are used for frameworks"),
    ("unsdcf: a citation holding only a glued code, '(SDG 5a)' (the Kazakhstan framework has "
     "one), is not read as a citation: the reader wants a digit followed by a dot; glued codes "
     "are written in target lists and in citations with dotted codes only"),
    ("unwomen-gate: the party 'Regional Office' (an entity unit of the lexicon) at the end of a "
     "row is read as 'Office', its qualifier left in the action text; every party template is "
     "checked against the party parser (_party_ok) and those it does not read back are not used"),
    ("unwomen-gate: a classification value with a comma outside brackets ('Women, peace and "
     "security, humanitarian action and disaster risk reduction (SP 2018-2021)', a label of "
     "thematic-area.ttl) is split at the comma, so such labels are not written"),
)


# -- results --------------------------------------------------------------------------------

@dataclass
class SynthSummary:
    """What one generate() call wrote."""
    documents: dict[str, int] = field(default_factory=dict)    # per family
    recommendations: int = 0
    key_actions: int = 0
    outcomes: int = 0
    indicators: int = 0
    bytes: int = 0
    seconds: float = 0.0
    files: list[Path] = field(default_factory=list)
    truth_dir: Path | None = None

    @property
    def total_documents(self) -> int:
        return sum(self.documents.values())

    def as_dict(self) -> dict:
        return {"documents": dict(self.documents), "total_documents": self.total_documents,
                "recommendations": self.recommendations, "key_actions": self.key_actions,
                "outcomes": self.outcomes, "indicators": self.indicators, "bytes": self.bytes,
                "seconds": round(self.seconds, 3), "truth_dir": str(self.truth_dir)}


def default_truth_dir(out_dir: Path) -> Path:
    return Path(out_dir) / TRUTH_DIR_NAME


def load_truth(truth_dir: Path) -> dict[str, dict]:
    """Ground truth per document file name ('synth-00001-….txt' -> its truth record)."""
    truth = {}
    for path in sorted(Path(truth_dir).glob(f"*{TRUTH_SUFFIX}")):
        record = json.loads(path.read_text(encoding="utf-8"))
        truth[record["document"]] = record
    return truth


# -- vocabularies ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Vocab:
    statuses: tuple[tuple[str, tuple[str, ...]], ...]   # (concept slug, labels: pref first)
    categories: tuple[tuple[str, tuple[str, ...]], ...]
    deadline_notes: tuple[str, ...]
    thematic_areas: tuple[str, ...]
    operating_principles: tuple[str, ...]
    organizational_priorities: tuple[str, ...]
    uneg_criteria: tuple[str, ...]
    erc_tags: tuple[str, ...]
    agencies: tuple[str, ...]
    lnob_groups: tuple[str, ...]
    targets: tuple[tuple[str, str], ...]                # (code, official text)
    indicators: dict                                    # target code -> ((code, text), ...)


def _labels(scheme_name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    from .vocab import scheme
    sch = scheme(scheme_name)
    out = []
    for concept in sch.concepts():
        pref = [str(o) for o in sch.graph.objects(concept, SKOS.prefLabel)]
        alts = sorted(str(o) for o in sch.graph.objects(concept, SKOS.altLabel))
        out.append((str(concept).rsplit("/", 1)[-1], tuple(sorted(pref) + alts)))
    return tuple(out)


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    """The project's vocabularies, sorted so that choices depend on the seed only."""
    from .families.text import split_list
    from . import project
    prefs = lambda name: tuple(sorted(labels[0] for _, labels in _labels(name)))
    targets, indicators = [], {}
    for row in project.current().sdg_rows:
        if row["kind"] == "target":
            targets.append((row["code"], row["title"]))
        elif row["kind"] == "indicator":
            indicators.setdefault(row["parent_code"], []).append((row["code"], row["title"]))
    agencies = tuple(a for a in prefs("un-entity") if a not in {"RCO", "PBF", "World Bank"})
    listable = lambda name: tuple(l for l in prefs(name) if split_list(l) == [l])
    return Vocab(
        statuses=_labels("key-action-status"), categories=_labels("response-category"),
        deadline_notes=tuple(l for _, ls in _labels("deadline-note") for l in ls),
        thematic_areas=listable("thematic-area"), operating_principles=listable("operating-principle"),
        organizational_priorities=listable("organizational-priority"), uneg_criteria=listable("uneg-criterion"),
        erc_tags=prefs("erc-tag"), agencies=agencies,
        lnob_groups=tuple(sorted({l for _, ls in _labels("lnob-group") for l in ls[:1]})),
        targets=tuple(targets), indicators={k: tuple(v) for k, v in indicators.items()})


@lru_cache(maxsize=1)
def countries() -> tuple[tuple[str, str], ...]:
    """(name, ISO alpha-3) of countries with a one-word ASCII name that the readers'
    country lookup finds again (one-word: see UNSUPPORTED)."""
    import pycountry

    from .families.text import country_codes
    out = []
    for country in sorted(pycountry.countries, key=lambda c: c.name):
        name = country.name
        if re.fullmatch(r"[A-Z][a-z]{3,}", name) and country_codes(name) == [country.alpha_3]:
            out.append((name, country.alpha_3))
    return tuple(out)


# Statuses: how often each concept occurs, and how often it is written with an altLabel.
STATUS_WEIGHTS = {"completed": 40, "initiated": 18, "overdue-initiated": 10, "not-initiated": 8,
                  "overdue-not-initiated": 5, "no-longer-applicable": 5, "ongoing": 6, "overdue": 3}
ALT_LABEL_SHARE = 0.12
CATEGORY_WEIGHTS = {"accepted": 75, "partially-accepted": 18, "rejected": 7}


def _pick_status(rng: random.Random) -> tuple[str, str]:
    statuses = vocab().statuses
    slug, labels = rng.choices(statuses, [STATUS_WEIGHTS.get(s, 1) for s, _ in statuses])[0]
    label = rng.choice(labels[1:]) if len(labels) > 1 and rng.random() < ALT_LABEL_SHARE else labels[0]
    return slug, label


def _pick_category(rng: random.Random) -> tuple[str, str]:
    cats = vocab().categories
    slug, labels = rng.choices(cats, [CATEGORY_WEIGHTS.get(s, 1) for s, _ in cats])[0]
    label = rng.choice(labels[1:]) if len(labels) > 1 and rng.random() < ALT_LABEL_SHARE else labels[0]
    return slug, label


# -- prose ------------------------------------------------------------------------------------

TOPICS = [
    "gender-responsive budgeting", "ending violence against women", "women's economic empowerment",
    "women's political participation", "results-based management", "resource mobilization",
    "knowledge management", "disaster risk reduction", "social protection", "climate resilience",
    "access to justice", "youth engagement", "sex-disaggregated data", "migration governance",
    "local governance", "public service innovation", "South-South cooperation", "private sector engagement",
    "monitoring and evaluation", "civil society partnerships", "gender mainstreaming", "human rights",
]
PROGRAMMES = [
    "Women's Economic Empowerment Programme", "Ending Violence against Women Project",
    "Gender-Responsive Budgeting Initiative", "Women, Peace and Security Programme",
    "Local Governance Support Project", "Climate Resilience Programme", "Social Protection Reform Project",
    "Rule of Law Programme", "Inclusive Growth Programme", "Youth Employment Project",
    "Disaster Risk Reduction Programme", "Public Administration Reform Project",
    "Spotlight Initiative", "Green Economy Programme", "Access to Justice Project",
]
STAKEHOLDERS = [
    "national partners", "line ministries", "civil society organizations", "local authorities",
    "the national women's machinery", "private sector companies", "academia", "development partners",
    "the National Statistics Office", "parliamentarians", "media representatives", "youth groups",
]
# (verbs that fit, object): an action is one verb and its object, then an ending.
ACTION_OBJECTS = [
    (("Develop", "Design", "Deliver", "Pilot"), "a capacity development programme on {topic} for {stakeholders}"),
    (("Conduct", "Organize", "Facilitate", "Hold"), "a series of consultations with {stakeholders} on {topic}"),
    (("Provide", "Offer", "Mobilize"), "technical and expert support to the Government to {goal}"),
    (("Develop", "Finalize", "Update"), "the new Strategic Note {y1}-{y2} with a stronger focus on {topic}"),
    (("Launch", "Organize", "Conduct"), "a joint advocacy campaign on {topic} with {stakeholders}"),
    (("Produce", "Prepare", "Publish"), "a knowledge product on {topic} and share it with {stakeholders}"),
    (("Issue", "Develop", "Update"), "guidance for programme staff on {topic}"),
    (("Strengthen", "Expand", "Establish", "Build"), "partnerships with {stakeholders} to {goal}"),
    (("Establish", "Design", "Institutionalize"), "a monitoring framework with sex-disaggregated indicators on {topic}"),
    (("Develop", "Implement", "Update"), "a resource mobilization plan for {topic}"),
    (("Support", "Assist", "Encourage"), "{stakeholders} to {goal}"),
]
# The last word of an action text must be no party word (checked at import below), so that
# the GATE reader's party scan stops there; these endings are that word.
ACTION_ENDINGS = ["at national and local levels", "in target regions", "in line with national priorities",
                  "across the portfolio", "in close consultation with stakeholders", "for rural women and girls",
                  "within the programme cycle", "on a regular basis", "in pilot districts",
                  "with a gender lens", "as agreed with counterparts", "for the most vulnerable groups"]
COMMENTS = [
    "{stakeholders_cap} were consulted in {month} {year} and the results were shared with the programme team.",
    "The activity was included in the annual work plan for {year}; implementation is tracked quarterly.",
    "A concept note on {topic} was prepared and discussed with {stakeholders} in {month} {year}.",
    "Work was delayed by the reprioritization of funds in {year}. The team expects to complete it next year.",
    "The final report was approved in {month} {year} and disseminated to {stakeholders}.",
    "Two trainings on {topic} reached {n} participants, {pct} percent of them women.",
    "The Country Office allocated USD {money} for this action from core resources.",
    "Discussions with {stakeholders} continue; a draft plan is expected by the end of {year}.",
    "Evidence from the mid-term review on {topic} informed the new programme document.",
    "Joint work with {agency} on {topic} started in {month} {year}.",
]
JUSTIFICATIONS = ["The action is no more applicable.", "The project closed before the action could start.",
                  "Superseded by the new country programme document."]
RESPONSE_OPENINGS_GATE = {
    "accepted": ["The Country Office accepts the recommendation and will act on it.",
                 "Management agrees with the recommendation."],
    "partially-accepted": ["The Country Office partially accepts the recommendation.",
                           "Management partially agrees with the recommendation."],
    "rejected": ["The Country Office does not agree with the recommendation.",
                 "Management does not accept the recommendation as it falls outside the mandate."],
}
# A blank category field: the response opens with its category, as in the MCO portfolio file.
RESPONSE_PREFIX_BLANK = {"accepted": "Accepted.", "partially-accepted": "Partially accepted.",
                         "rejected": "Not accepted."}
RESPONSE_OPENINGS_ERC = {
    "accepted": ["The country office accepts the recommendation.", "The CO agrees with the recommendation."],
    "partially-accepted": ["The CO partially agrees with this recommendation.",
                           "The country office partially accepts the recommendations."],
    "rejected": ["The CO does not agree with the proposed recommendation as it goes beyond the scope of UNDP's role.",
                 "The country office rejects the recommendation."],
}
RESPONSE_BODIES = [
    ("The {office} will build on the lessons of the evaluation and on its partnerships with {stakeholders} to "
     "work on {topic}. This will be reflected in the next programme cycle {y1}-{y2}."),
    ("Work on {topic} has started with {stakeholders}; the {office} will strengthen it and report on progress "
     "through the annual reports. It will also {goal}."),
    ("The {office} recognises the importance of {topic} and will integrate it into its work plans, in "
     "coordination with {agency} and {stakeholders}."),
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
FINDING_SECTIONS = ["Relevance", "Effectiveness", "Efficiency", "Sustainability", "Coherence", "Impact"]
EVALUATION_TYPES_ERC = ["Outcome", "Project", "Country Programme Evaluation", "Thematic", "UNDAF"]
SOURCES_OF_FUNDING = ["UNDP", "Government of {country}", "GEF", "European Union", "UNDP/Government cost-sharing"]


# Responsible parties as GATE rows write them; {P} is the country's alpha-3 code, {A} and
# {B} are UN entities. Each one is checked against the party parser (see _gate_parties).
GATE_PARTY_TEMPLATES = [
    "Country Office", "Country and Regional Offices", "MCO Representative", "Regional Office", "HQ",
    "MCO {country} Representative, MCO and {P} Programme Specialists", "MCO {country}",
    "{P} Programme Specialist", "{P} Programme Specialists", "Programme Specialists",
    "MCO Programme Specialists (all)", "Comms/Advocacy Specialist with Programme Specialists",
    "MCO Representative and {P} Programme Specialist", "{A}", "{A}, {B} and UN Women", "UN Women and {A}",
    "Country Office and {A}", "Deputy Representative", "Operations Manager", "M&E Officer",
    "Programme Specialist and Operations Manager", "Gender Focal Point", "Country Representative",
    "Finance Associate", "Programme Analyst", "Communications Specialist", "Project Manager",
    "Country Office with {A}",
]
# Typing errors seen in real rows ("M&E Assoacite"): rare, read as the lexicon word with a warning.
TYPO_PARTIES = ["M&E Assoacite", "Operations Manger", "Programme Specialsit"]
TYPO_SHARE = 0.01
ERC_PARTIES = [
    "ARR", "RR", "DRR", "CO management team", "M&E Associate", "CO management, HUB project team",
    "Gender Focal Point, Gender task Force, Gender Specialist.", "Programme Analyst", "Project Manager",
    "Governance Unit", "Energy and Environment Unit", "Operations Manager", "Head of Unit, Programme Analyst",
    "Country Office", "Project team",
]


def _check_prose() -> None:
    """Fail at import if a template could make the GATE reader cut an action text wrongly."""
    from .parties import lexicon
    lex = lexicon()
    for ending in ACTION_ENDINGS:
        last = ending.split()[-1]
        if lex.classify(last)[0] is not None or last.lower() in lex.object_takers:
            raise ValueError(f"action ending {ending!r} ends in a party word")


@cache
def _party_ok(party: str) -> bool:
    """Does the GATE reader read exactly `party` back from a row that ends with it?"""
    from .parties import split_action_and_party
    probe = f"Conduct a review of the programme {ACTION_ENDINGS[0]}"
    return split_action_and_party(f"{probe} {party}") == (probe, party)


# -- helpers ----------------------------------------------------------------------------------

class Ctx:
    """Everything one document's prose draws on: its random stream, country, period."""

    def __init__(self, rng: random.Random, country: tuple[str, str], y1: int, y2: int):
        self.rng, (self.country, self.iso3) = rng, country
        self.y1, self.y2 = y1, y2

    def target(self) -> tuple[str, str]:
        return self.rng.choice(vocab().targets)

    def goal_phrase(self) -> tuple[str, str]:
        """An SDG target's wording as a verb phrase: 'eliminate all forms of violence …'."""
        code, text = self.target()
        text = re.sub(r"^By \d{4},\s*", "", text).rstrip(".")
        return code, text[:1].lower() + text[1:]

    def fill(self, template: str, goals: list[str] | None = None) -> str:
        rng = self.rng
        values = {"topic": rng.choice(TOPICS), "stakeholders": rng.choice(STAKEHOLDERS),
                  "y1": self.y2 + 1, "y2": self.y2 + rng.randint(3, 5), "country": self.country,
                  "month": rng.choice(MONTHS), "year": self.y2 + rng.randint(0, 3),
                  "n": rng.randint(15, 400), "pct": rng.randint(40, 95),
                  "money": f"{rng.randint(10, 900)},000", "agency": rng.choice(vocab().agencies),
                  "office": rng.choice(["Country Office", "CO", "office"])}
        values["stakeholders_cap"] = values["stakeholders"][:1].upper() + values["stakeholders"][1:]
        if "{goal}" in template:
            code, values["goal"] = self.goal_phrase()
            if goals is not None:
                goals.append(code)
        return template.format(**values)

    def deadline(self) -> tuple[str | None, str | None, str]:
        """(YYYY-MM, note, as written)."""
        if self.rng.random() < 0.03:
            note = self.rng.choice(vocab().deadline_notes)
            return None, note, note
        year, month = self.y2 + self.rng.randint(0, 3), self.rng.randint(1, 12)
        return f"{year}-{month:02d}", None, f"{year}/{month:02d}"

    def comment(self) -> str | None:
        return None if self.rng.random() < 0.08 else self.fill(self.rng.choice(COMMENTS))

    def some(self, items, low: int, high: int) -> list[str]:
        return self.rng.sample(list(items), self.rng.randint(low, min(high, len(items))))


def _action_text(ctx: Ctx, goals: list[str]) -> str:
    verbs, template = ctx.rng.choice(ACTION_OBJECTS)
    return f"{ctx.rng.choice(verbs)} {ctx.fill(template, goals)} {ctx.rng.choice(ACTION_ENDINGS)}"


def _recommendation_text(ctx: Ctx, goals: list[str]) -> str:
    rng = ctx.rng
    code, goal = ctx.goal_phrase()
    goals.append(code)
    first = rng.choice([
        f"Strengthen the programme's contribution to national efforts to {goal}.",
        f"Invest in {rng.choice(TOPICS)} and align the portfolio with national commitments to {goal}.",
        f"Build partnerships with {rng.choice(STAKEHOLDERS)} to {goal}.",
        f"Define a clear theory of change that shows how the office will help {goal}.",
    ])
    second = rng.choice([
        f"Focus on {rng.choice(TOPICS)} and on the groups most at risk of being left behind.",
        f"Use the evidence generated by the evaluation on {rng.choice(TOPICS)} in future programming.",
        f"Ensure that {rng.choice(STAKEHOLDERS)} take part in planning and monitoring.",
        "",
    ])
    return f"{first} {second}".strip()


def _truth_action(number, text, responsible, deadline, note, status_slug, status, comment,
                  justification=None, added=None, updated=None, goals=()) -> dict:
    return {"number": number, "text": text, "responsible": responsible, "deadline": deadline,
            "deadline_note": note, "status": status, "status_concept": status_slug, "comment": comment,
            "justification": justification, "added": added, "updated": updated, "sdg_targets": list(goals)}


def _unique_title(used: set[str], make) -> str:
    """Titles identify evaluations, so no two documents share one."""
    title = make()
    for attempt in range(2, 1000):
        if title not in used:
            break
        title = make() if attempt < 20 else f"{make()}, phase {attempt}"
    used.add(title)
    return title


# -- UN Women GATE -------------------------------------------------------------------------------

GATE_VARIANTS = ("cpe", "portfolio", "gpi")


def _pick_party(rng: random.Random, parties: list[str], typos: list[str]) -> str:
    return rng.choice(typos) if typos and rng.random() < TYPO_SHARE else rng.choice(parties)


def _gate_parties(ctx: Ctx) -> list[str]:
    agencies = [a for a in vocab().agencies if a != "UN Women"]
    parties = []
    for template in GATE_PARTY_TEMPLATES:
        a, b = ctx.rng.sample(agencies, 2)
        party = template.format(P=ctx.iso3, A=a, B=b, country=ctx.country)
        if _party_ok(party):
            parties.append(party)
    return parties


def gate_document(ctx: Ctx, variant: str, used_titles: set[str]) -> tuple[str, dict]:
    rng = ctx.rng
    lines: list[str] = []
    kind = "MCO" if variant == "portfolio" else "CO"
    if variant == "cpe":
        title = _unique_title(used_titles, lambda: rng.choice([
            f"{ctx.country} Country Office Country Portfolio Evaluation {ctx.y1}-{ctx.y2}",
            f"Country Portfolio Evaluation of UN Women {ctx.country} {ctx.y1}-{ctx.y2}",
            f"Mid-term Evaluation of the {rng.choice(PROGRAMMES)} in {ctx.country} {ctx.y1}-{ctx.y2}",
            f"Final Evaluation of the {rng.choice(PROGRAMMES)} in {ctx.country} {ctx.y1}-{ctx.y2}"]))
        lines += [title, f"{title} Management Response Plan", ""]
        named = re.search(r"\b(Multi-Country Office|Country Office)\b", title)
        office = named.group(1) if named else None       # the title names the evaluated office
    else:
        if variant == "portfolio":
            title = _unique_title(used_titles, lambda: rng.choice([
                f"Portfolio Evaluation of {ctx.country} Multi-Country Office Strategic Note",
                f"Portfolio Evaluation of the {ctx.country} Country Office Strategic Note",
                f"Thematic Evaluation of the {rng.choice(PROGRAMMES)} in {ctx.country}"]))
        else:
            title = _unique_title(used_titles, lambda: (
                f"GPI Evaluation of the joint {rng.choice(['PBF', 'EU', 'MPTF'])} funded project "
                f"“{rng.choice(['Empowering', 'Supporting', 'Engaging'])} women and girls "
                f"{rng.choice(['affected by migration', 'in border communities', 'in rural areas', 'in local governance'])}"
                f" for {rng.choice(['inclusive community development', 'peacebuilding', 'economic resilience', 'social cohesion'])}”"
                f" in {ctx.country}"))
        office = f"{ctx.country} ({kind})"
        overall = ctx.fill("The management appreciates the evaluation and its recommendations, which it considers "
                           "relevant, appropriate and applicable. The draft recommendations were received in time "
                           "to inform the new programme cycle {y1}-{y2}, and action on them was factored into the "
                           "new Strategic Note. The recommendations will also be applied to programming on {topic} "
                           "with {stakeholders} at the country and regional levels.")
        lines += ["Management Response", "", f": {ctx.country}", f": {ctx.y1} - {ctx.y2} , {office}",
                  f": {title}", f": {ctx.country}", "", overall, "", ": Approved"]
    truth = {"family": GATE, "variant": variant,
             "evaluation": {"title": title, "countries": [ctx.iso3], "period": [ctx.y1, ctx.y2], "office": office},
             "recommendations": []}
    parties = _gate_parties(ctx)
    typos = [p for p in TYPO_PARTIES if _party_ok(p)]
    numbered_recs = variant == "cpe" and rng.random() < 0.4
    numbered_actions = rng.random() < 0.25
    prefix_actions = variant == "portfolio" and rng.random() < 0.6
    blank_category = variant == "portfolio" and rng.random() < 0.6
    for r in range(1, rng.randint(4, 10) + 1):
        goals: list[str] = []
        text = _recommendation_text(ctx, goals)
        cat_slug, cat_label = _pick_category(rng)
        if blank_category:
            response = f"{RESPONSE_PREFIX_BLANK[cat_slug]} {ctx.fill(rng.choice(RESPONSE_BODIES), goals)}"
            category_written = None
        else:
            response = f"{rng.choice(RESPONSE_OPENINGS_GATE[cat_slug])} {ctx.fill(rng.choice(RESPONSE_BODIES), goals)}"
            category_written = cat_label
        description = ctx.fill("The evaluation found that work on {topic} with {stakeholders} was effective but "
                               "fragmented. A more consistent approach would help the office {goal}.", goals) \
            if variant == "gpi" else None
        areas = ctx.some(vocab().thematic_areas, 0, 3)
        principles = ctx.some(vocab().operating_principles, 1, 4)
        priorities = ctx.some(vocab().organizational_priorities, 1, 3)
        criteria = ctx.some(vocab().uneg_criteria, 1, 4)
        number = str(r) if numbered_recs else None
        lines.append(f"Recommendation {number}: {text}" if number else f"Recommendation: {text}")
        lines.append(f"Management Response: {response}")
        if description:
            lines.append(f"Description: {description}")
        lines.append(f"Management Response Category: {category_written}" if category_written
                     else "Management Response Category:")
        lines.append(f"Thematic Area: {', '.join(areas) or 'Not applicable'}")
        lines.append(f"Operating Principles: {', '.join(principles)}")
        lines.append(f"Organizational Priorities: {', '.join(priorities)}")
        lines.append(f"UNEG Criteria: {', '.join(criteria)}")
        lines += ["Key Actions", "Responsible Deadline Status Comments"]
        actions = []
        count = 1 if variant == "gpi" and rng.random() < 0.5 else rng.randint(2, 6)
        for k in range(1, count + 1):
            action_goals: list[str] = []
            action = _action_text(ctx, action_goals)
            if prefix_actions:
                action = f"{rng.choice([ctx.iso3, 'ALL MCO', 'MCO'])}: {action}"
            party = _pick_party(rng, parties, typos)
            deadline, note, deadline_written = ctx.deadline()
            status_slug, status = _pick_status(rng)
            comment = ctx.comment()
            action_number = f"{r}.{k}" if numbered_actions else None
            row = " ".join(filter(None, [f"{action_number}." if action_number else None, action, party,
                                         deadline_written, status, comment]))
            lines.append(row)
            actions.append(_truth_action(action_number, action, party, deadline, note, status_slug, status,
                                         comment, goals=action_goals))
        truth["recommendations"].append({
            "number": number, "text": text, "response": response, "description": description,
            "category": category_written, "category_concept": cat_slug, "thematic_areas": areas,
            "operating_principles": principles, "organizational_priorities": priorities,
            "uneg_criteria": criteria, "sdg_targets": goals, "key_actions": actions})
    return "\n".join(lines) + "\n", truth


# -- UNDP ERC ---------------------------------------------------------------------------------------

def _stamp(rng: random.Random, year: int, updated: bool = True) -> tuple[str, str, str | None]:
    added = f"{year}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}"
    last = f"{year + rng.randint(0, 1)}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}" if updated else None
    if last is not None and last < added:
        last = added
    text = f"[Added: {added}]" + (f" [Last Updated: {last}]" if last else "")
    return text, added.replace("/", "-"), last.replace("/", "-") if last else None


def erc_document(ctx: Ctx, used_titles: set[str]) -> tuple[str, dict]:
    rng = ctx.rng
    title = _unique_title(used_titles, lambda: rng.choice([
        f"{rng.choice(TOPICS).capitalize()} outcome evaluation",
        f"Final evaluation of the {rng.choice(PROGRAMMES)}",
        f"Mid-term review of the {rng.choice(PROGRAMMES)}",
        f"Evaluation of the {rng.choice(TOPICS)} portfolio",
    ]) + f" ({ctx.country}, {ctx.y2 + 1})")
    ev_type = rng.choice(EVALUATION_TYPES_ERC)
    completion = f"{rng.randint(1, 12):02d}/{ctx.y2 + 1}"
    budget = rng.randint(15, 250) * 1000
    expenditure = int(budget * rng.uniform(0.7, 1.0)) // 100 * 100
    projects = ",".join(str(rng.randint(50000, 130000)) for _ in range(rng.randint(1, 3)))
    funding = rng.choice(SOURCES_OF_FUNDING).format(country=ctx.country)
    lines = [title, "", "Report Cover Image", "Evaluation Plan:", f"{ctx.y1}-{ctx.y2}, {ctx.country}",
             "Evaluation Type:", ev_type, "Planned End Date:", completion, "Completion Date:", completion,
             "Status:", "Completed", "Management Response:", "Yes", "Evaluation Budget(US $):", f"{budget:,}",
             "", "Share", "", "Document Type Language Size Status Downloads",
             f"Download document ToR_{title[:30]}.docx tor English {rng.randint(40, 400)}.{rng.randint(10, 99)} KB Posted {rng.randint(10, 900)}",
             f"Download document {title[:40]} report.pdf report English {rng.randint(300, 4000)}.{rng.randint(10, 99)} KB Posted {rng.randint(10, 900)}",
             f"Title {title}", f"Atlas Project Number: {projects}", f"Evaluation Plan: {ctx.y1}-{ctx.y2}, {ctx.country}",
             f"Evaluation Type: {ev_type}", "Status: Completed", f"Completion Date: {completion}",
             f"Planned End Date: {completion}", "Management Response: Yes",
             "Corporate Outcome and Output (UNDP Strategic Plan 2018-2021)",
             "  • 1. " + ctx.fill("Output 1.1.1 Capacities developed across the whole of government to {goal}"),
             f"Evaluation Budget(US $): {budget:,}", f"Source of Funding: {funding}",
             f"Evaluation Expenditure(US $): {expenditure:,}", f"Joint Programme: {rng.choice(['Yes', 'No'])}",
             f"Joint Evaluation: {rng.choice(['Yes', 'No'])}", "Evaluation Team members:",
             "Name Title Email Nationality", f"GEF Evaluation: {'Yes' if funding == 'GEF' else 'No'}",
             "Key Stakeholders:", f"Countries: {ctx.country.upper()}", "Lessons", "Findings"]
    truth = {"family": ERC, "variant": "erc",
             "evaluation": {"title": title, "countries": [ctx.iso3], "period": [ctx.y1, ctx.y2],
                            "evaluation_type": ev_type, "completion_date": f"{completion[3:]}-{completion[:2]}",
                            "budget_usd": str(budget), "expenditure_usd": str(expenditure),
                            "project_numbers": projects.split(",")},
             "findings": [], "recommendations": []}
    for f in range(1, rng.randint(3, 12) + 1):
        section = f"3.{rng.randint(1, 6)} {rng.choice(FINDING_SECTIONS)}"
        goals: list[str] = []
        text = ctx.fill("The evaluation found that work on {topic} with {stakeholders} contributed to "
                        "national efforts to {goal}. Results were uneven across regions, and reporting focused on "
                        "outputs rather than outcomes, which makes the contribution of UNDP hard to assess.", goals)
        tags = " ".join(ctx.some(vocab().erc_tags, 1, 5))
        lines += [f"{f}.", "", section, text, "", "", f"Tag: {tags}", ""]
        truth["findings"].append({"number": str(f), "section": section, "text": text, "tag_text": tags,
                                  "sdg_targets": goals})
    recs = []
    for r in range(1, rng.randint(4, 10) + 1):
        goals = []
        recs.append((str(r), _recommendation_text(ctx, goals), goals))
    lines.append("Recommendations")
    for number, text, _ in recs:
        lines += [number, "", text, ""]
    for number, text, goals in recs:
        cat_slug, _ = _pick_category(rng)
        stamp, _, _ = _stamp(rng, ctx.y2 + 2)
        opening = rng.choice(RESPONSE_OPENINGS_ERC[cat_slug])
        body = ctx.fill(rng.choice(RESPONSE_BODIES), goals)
        lines += [f"{number}. Recommendation:", "", text, "", f"Management Response: {stamp}", "", opening, "",
                  body, "", "Key Actions:", "", "Key Action Responsible DueDate Status Comments Documents"]
        actions = []
        for _ in range(rng.randint(2, 6)):
            action_goals: list[str] = []
            action = _action_text(ctx, action_goals) + "."
            action_lines = [action]
            if rng.random() < 0.1:      # a long action text wrapped over two lines
                cut = action.index(" ", len(action) // 2)
                action_lines = [action[:cut], action[cut + 1:]]
            has_stamp = rng.random() > 0.05
            stamp, added, updated = _stamp(rng, ctx.y2 + 2, rng.random() > 0.1) if has_stamp else ("", None, None)
            party = None if rng.random() < 0.03 else _pick_party(rng, ERC_PARTIES, TYPO_PARTIES)
            deadline, note, deadline_written = ctx.deadline()
            status_slug, status = _pick_status(rng)
            justification = rng.choice(JUSTIFICATIONS) if status_slug == "no-longer-applicable" else None
            comment = ctx.comment()
            history_own_line = rng.random() < 0.2 or comment is None
            row = " ".join(filter(None, [party, deadline_written, status,
                                         f"[Justification: {justification}]" if justification else None,
                                         comment, None if history_own_line else "History"]))
            lines += action_lines + ([stamp] if has_stamp else []) + [row] + (["History"] if history_own_line else [])
            actions.append(_truth_action(None, action, party, deadline, note, status_slug, status, comment,
                                         justification, added, updated, action_goals))
        truth["recommendations"].append({
            "number": number, "text": text, "response": f"{opening}\n{body}", "description": None,
            "category": None, "category_concept": cat_slug, "thematic_areas": [], "operating_principles": [],
            "organizational_priorities": [], "uneg_criteria": [], "sdg_targets": goals, "key_actions": actions})
    lines += ["Latest Evaluations", "", "Contact us", "", "1 UN Plaza", "DC1-20th Floor", "New York, NY 10017",
              "erc.support@undp.org"]
    return "\n".join(lines) + "\n", truth


# -- UNSDCF ------------------------------------------------------------------------------------------

PILLARS = ["People", "Peace", "Prosperity and Planet"]
AREA_NAMES = [
    ["Human Development and Equal Participation", "Social Inclusion and Human Capital",
     "Equitable Access to Quality Social Services"],
    ["Effective Institutions, Human Rights and Gender Equality", "Good Governance and Rule of Law",
     "Accountable Institutions and Gender Equality"],
    ["Inclusive Economic Growth and Environmental Sustainability", "Green Economy and Climate Resilience",
     "Sustainable Livelihoods and Natural Resources"],
]
AREA_GOALS = [["1", "2", "3", "4"], ["5", "10", "16", "17"], ["6", "7", "8", "9", "11", "12", "13", "15"]]
MINISTRIES = ["Ministry of Health", "Ministry of Education and Science", "Ministry of Labour and Social Protection",
              "Ministry of Finance", "Ministry of National Economy", "Ministry of Justice",
              "Ministry of Ecology and Natural Resources", "Ministry of Agriculture", "Ministry of Foreign Affairs",
              "National Statistics Committee", "National Commission for Women and Family Affairs",
              "Republican Centre for Healthy Lifestyle", "National Association of Local Governments"]
DATA_SOURCES = ["National Statistics Committee (annually)", "Administrative data of the Ministry of Health (annually)",
                "Multiple Indicator Cluster Survey (MICS) (next data in {y})", "Labour Force Survey (quarterly)",
                "Household Budget Survey (annually)", "Voluntary National Review ({y})"]


def _write_code(rng: random.Random, code: str) -> str:
    """A target code as Word documents write it: '5.5', '5.5.', '11. b', '11b'."""
    goal, target = code.split(".")
    if target.isalpha():
        options = [code, f"{goal}. {target}"] + ([f"{goal}{target}"] if target in "abcd" else [])
        return rng.choice(options)
    return rng.choice([code, code, f"{code}."])


def _write_citation(rng: random.Random, code: str) -> str:
    """Like _write_code, but never the glued '5a' alone (see UNSUPPORTED)."""
    written = _write_code(rng, code)
    return written if "." in written else code


def _code_list(rng: random.Random, codes: list[str]) -> str:
    parts = [_write_code(rng, c) for c in codes]
    out = parts[0]
    for part in parts[1:]:
        sep = rng.choice(["; ", ";", ", ", "; "])
        if out.endswith(".") and sep == ",":
            sep = ", "
        out += sep + part
    return out


def _measure(rng: random.Random, year: int, target: bool) -> str:
    value = rng.choice([f"{rng.randint(5, 95)},{rng.randint(1, 9)}%", f"{rng.randint(5, 95)}.{rng.randint(1, 9)}%",
                        f"{rng.randint(100, 999)}.000 children", f"{rng.randint(10, 900)},000",
                        f"{rng.randint(1, 30)}.{rng.randint(1, 9)} per 100,000 population", f"{rng.randint(1, 99)}%"])
    if target and rng.random() < 0.2:
        value = rng.choice(["≤", "<", "at least "]) + value
    return rng.choice([f"{value} ({year})", f"{value} {year}", f"{value} ({year})"])


def unsdcf_document(ctx: Ctx) -> tuple[str, dict]:
    rng = ctx.rng
    y1, y2 = ctx.y1, ctx.y2
    areas = [(n + 1, rng.choice(AREA_NAMES[n])) for n in range(3)]
    outcomes = []           # (number, statement, area)
    for area, _ in areas:
        for k in range(1, rng.randint(1, 3) + 1):
            statement = ctx.fill(f"By {y2}, all people in {{country}}, especially the most vulnerable, benefit from "
                                 "institutions and policies that {goal}")
            outcomes.append((f"{area}.{k}", statement, area))
    lines = ["[bookmark: _Toc36571171]Executive Summary ", "",
             (f"The United Nations in {ctx.country} and the Government have defined the new Cooperation Framework "
              f"{y1}-{y2} as the lever for the achievement of the 2030 Agenda, consolidating the resources of UN "
              "agencies, ministries, civil society and the private sector."), ""]
    for _ in range(rng.randint(4, 10)):
        lines += [ctx.fill("The multifaceted agenda of the SDGs is well suited to the challenges that {country} "
                           "faces on {topic}: the Government intends to {goal}, and the UN system will support "
                           "{stakeholders} to do so through policy advice, data and joint programmes."), ""]
    lines += ["", "[bookmark: _Toc36571172]CHAPTER 1: COUNTRY PROGRESS TOWARDS THE 2030 AGENDA ", "",
              "1.1. [bookmark: _Toc36571173]Country context", ""]
    for _ in range(rng.randint(6, 16)):
        lines += [ctx.fill("In {year}, progress on {topic} remained uneven; the country needs to {goal}. "
                           "Disaggregated data on the groups at risk of being left behind remain scarce."), ""]
    lines += ["[bookmark: _Toc36571181]2.4. Cooperation Framework outcomes and partnerships", "",
              (f"{len(outcomes)} outcomes in the Cooperation Framework identified in the result of "
               "multi-stakeholder consultations are organized under three Thematic Areas: ")]
    lines += [f"\t{p}" for p in PILLARS] + [""] + [f"\t{name}" for _, name in areas] + [""]
    for number, statement, _ in outcomes:
        lines += [f"\tOutcome {number}. {statement}", ""]
    lines.append("")
    truth_outcomes = []
    for area, name in areas:
        lines += [f"\t2.4.{area}. Thematic Area {area}: {name}", "", "",
                  ctx.fill("With the outcomes under this thematic area we intend to contribute to {topic} and help "
                           "the country {goal}."), ""]
        for number, statement, _ in [o for o in outcomes if o[2] == area]:
            truth_outcomes.append(_unsdcf_outcome(ctx, lines, number, statement, area))
    lines += ["[bookmark: _Toc36571182]2.5. Synergies between Cooperation Framework outcomes", "",
              ctx.fill("The outcomes are interlinked at the target level and will be pursued in synergy on {topic}."), "",
              "CHAPTER 3: COOPERATION FRAMEWORK IMPLEMENTATION PLAN ", ""]
    groups = _result_groups(outcomes)
    lines += ["The governance structure will integrate four UNSDCF Result Groups– " + ", ".join(
        f"{g} ({' and '.join('Outcome ' + n for n in ns)})" for g, ns in groups) + ".", ""]
    lines += ["[bookmark: _Hlk38885122][bookmark: _Toc36571191]Annex 1: The Cooperation Framework Results Matrix", ""]
    for outcome in truth_outcomes:
        _unsdcf_matrix_block(ctx, lines, outcome)
    lines += ["Annex 2: The Cooperation Framework Legal Annex", ""]
    for _ in range(rng.randint(3, 8)):
        lines += [ctx.fill("Whereas the Government of {country} and the United Nations have entered into "
                           "agreements on {topic}, the Cooperation Framework will be read together with them."), ""]
    truth = {"family": UNSDCF, "variant": "unsdcf",
             "framework": {"title": f"United Nations Sustainable Development Cooperation Framework, "
                                    f"{ctx.country} {y1}-{y2}", "countries": [ctx.iso3], "period": [y1, y2],
                           "thematic_areas": [{"number": a, "name": n, "pillar": PILLARS[a - 1],
                                               "result_groups": [[g, ns] for g, ns in groups if ns[0][0] == str(a)]}
                                              for a, n in areas],
                           "outcomes": truth_outcomes},
             "recommendations": []}
    return "\n".join(lines) + "\n", truth


def _result_groups(outcomes) -> list[tuple[str, list[str]]]:
    by_area = {a: [n for n, _, area in outcomes if area == a] for a in (1, 2, 3)}
    groups = [("People", by_area[1]), ("Peace", by_area[2])]
    third = by_area[3]
    half = (len(third) + 1) // 2
    groups.append(("Prosperity", third[:half]))
    if third[half:]:
        groups.append(("Planet", third[half:]))
    return groups


def _unsdcf_outcome(ctx: Ctx, lines: list[str], number: str, statement: str, area: int) -> dict:
    rng, v = ctx.rng, vocab()
    goals = AREA_GOALS[area - 1]
    pool = [(c, t) for c, t in v.targets if c.split(".")[0] in goals]
    primary = [c for c, _ in rng.sample(pool, rng.randint(3, 9))]
    cross_pool = [(c, t) for c, t in v.targets if c not in primary and c.split(".")[0] in {"5", "10", "16", "17", "13"}]
    crosscutting = [c for c, _ in rng.sample(cross_pool, rng.randint(1, 3))]
    written_primary = list(primary)
    if rng.random() < 0.3:
        written_primary.append(rng.choice(primary))           # a target listed twice is linked once
    unofficial = []
    lines += [f"\tCooperation Framework Outcome {number}.{rng.choice([' ', ': '])}{statement}", "", ""]
    cited: list[str] = []
    text = {c: t for c, t in v.targets}
    for code in rng.sample(primary, min(len(primary), rng.randint(2, 4))):
        wording = re.sub(r"^By \d{4},\s*", "", text[code]).rstrip(".")
        lines.append(f"Under this outcome, the UN system will help {ctx.country} {wording[:1].lower() + wording[1:]} "
                     f"(SDG {_write_citation(rng, code)}).")
        cited.append(code)
    pair = rng.sample(primary, 2)
    narrative = (f"Interventions will also focus on {rng.choice(TOPICS)} (SDGs {pair[0]} and {pair[1]}) and on "
                 f"{rng.choice(TOPICS)} for the groups most at risk.")
    cited += pair
    target_list = _code_list(rng, written_primary)
    if rng.random() < 0.1:
        unofficial.append("3.2.a")
        target_list += "; 3.2.a"
    if rng.random() < 0.5:
        lines.append(f"{narrative} Global SDG targets: {target_list}")
    else:
        lines += [narrative, f"Global SDG targets: {target_list}"]
    lines.append(f"Crosscutting: {_code_list(rng, crosscutting)}")
    lines.append("")
    lnob = ctx.some(v.lnob_groups, 2, 7)
    agencies = ctx.some(v.agencies, 3, 9)
    lines.append(f"LNOB: {'; '.join(lnob)}")
    lines.append(f"Contributing UN Agencies: {', '.join(agencies)}")
    lines += ["", ctx.fill("Achievement of the results under this outcome should contribute to {topic} and help "
                           "{stakeholders} {goal}."), ""]
    partners = ctx.some(MINISTRIES, 2, 5)
    paragraph = (f"Main stakeholders under this outcome will be the {', the '.join(partners[:-1])} "
                 f"and the {partners[-1]}, as well as {rng.choice(STAKEHOLDERS)} working on {rng.choice(TOPICS)}.")
    lines += ["\tPartnerships: ", paragraph, "", ""]
    seen_cited = []
    for c in cited:
        if c not in seen_cited:
            seen_cited.append(c)
    return {"number": number, "statement": statement, "thematic_area": area, "primary_targets": primary,
            "crosscutting_targets": crosscutting, "cited_targets": sorted(seen_cited), "unofficial_codes": unofficial,
            "lnob": lnob, "agencies": agencies, "partners": partners, "indicators": []}


def _unsdcf_matrix_block(ctx: Ctx, lines: list[str], outcome: dict) -> None:
    rng, v = ctx.rng, vocab()
    area = outcome["thematic_area"]
    lines += ["\tRESULTS", "\t INDICATORS", "\tSOURCE AND RESPONSIBLE AGENCY", "\tPARTNERS", "",
              "\tNational Development Priority:", ctx.fill("\tNational Development Plan {y1}-{y2}; Concept on {topic}"), "",
              "\tRelated Global SDG Target(s):", "\t" + _code_list(rng, outcome["primary_targets"]),
              "Crosscutting: " + _code_list(rng, outcome["crosscutting_targets"]), "",
              "\tLNOB", "\t" + "; ".join(outcome["lnob"]), "", "\tUN Agencies ", "\t" + ", ".join(outcome["agencies"]),
              "", f"\tThematic Area {area}", "", "", f"\tOutcomes {outcome['number']}. {outcome['statement']}"]
    candidates = [(t, ind) for t in outcome["primary_targets"] for ind in v.indicators.get(t, ())]
    count = rng.randint(3, 10)
    for i in range(count):
        if i:
            lines.append("\t")
        _, (code, label) = rng.choice(candidates) if candidates else ("", ("", "Share of the population covered"))
        style = rng.random()
        kind = rng.choice(["G", "N"])
        if style < 0.45 and code:
            written = f"{code}.({kind})" if rng.random() < 0.3 else f"{code}. ({kind})"
            head, truth_code, proxy = f"{written} {label}", code, None
        elif style < 0.8 and code:
            written = f"SDG {code} ({kind})"
            head, truth_code, proxy = f"{written} {label}", code, None
        else:
            written, truth_code, proxy = None, None, code or None
            head = f"{label} (link to {code} ({kind}))" if code else label
        indicator = {"label": head if written is None else label, "code": truth_code,
                     "code_kind": kind if truth_code else None, "code_written": written,
                     "proxy_of": proxy, "baselines": [], "targets": [], "parts": [], "agencies": [], "sources": []}
        body = [""]
        if rng.random() < 0.25:
            for letter in "ab"[:rng.randint(1, 2)]:
                _, sub_label = rng.choice(candidates)[1] if candidates else ("", "Share of women")
                baseline, target_value = _measure(rng, ctx.y1 - 1, False), _measure(rng, ctx.y2, True)
                body += [f"{letter}) {sub_label}", f"Baseline: {baseline}", f"Target: {target_value}", ""]
                indicator["parts"].append({"letter": letter, "label": sub_label, "baselines": [baseline],
                                           "targets": [target_value]})
        else:
            baseline, target_value = _measure(rng, ctx.y1 - 1, False), _measure(rng, ctx.y2, True)
            body += [f"Baseline: {baseline}", f"Target: {target_value}", ""]
            indicator["baselines"], indicator["targets"] = [baseline], [target_value]
        sources = [rng.choice(DATA_SOURCES).format(y=ctx.y1 + 2)]
        agencies = rng.sample(outcome["agencies"], min(2, len(outcome["agencies"])))
        indicator["sources"], indicator["agencies"] = sources, agencies
        partners = ctx.some(MINISTRIES, 1, 3)
        indicator["partners"] = partners
        lines += ["\t" + head] + body
        lines += ["\t" + sources[0], ""] + [a for a in agencies] + [""]
        lines += ["\t" + partners[0]] + partners[1:] + [""]
        outcome["indicators"].append(indicator)


# -- the corpus -----------------------------------------------------------------------------------

def plan(documents: int, seed: int = 0) -> list[str]:
    """The layout of each document: frameworks spread evenly (one per FRAMEWORK_EVERY,
    at least one from 3 documents), management responses cycling through the GATE variants
    and ERC so that even a small corpus holds every layout."""
    if documents <= 0:
        return []
    frameworks = 0 if documents < 3 else max(1, round(documents / FRAMEWORK_EVERY))
    positions = {(k * documents) // frameworks + (documents // frameworks) // 2 for k in range(frameworks)}
    cycle = ["cpe", "erc", "portfolio", "erc", "gpi", "erc"]
    layouts, m = [], seed % len(cycle)
    for i in range(documents):
        if i in positions:
            layouts.append(UNSDCF)
        else:
            layouts.append(cycle[m % len(cycle)])
            m += 1
    return layouts


def _file_name(index: int, layout: str, country: str, y1: int, y2: int) -> str:
    stem = {"cpe": "unwomen-gate-mr", "portfolio": "unwomen-gate-mr", "gpi": "unwomen-gate-mr",
            "erc": "undp-erc", UNSDCF: "unsdcf"}[layout]
    kind = "" if layout in ("erc", UNSDCF) else f"-{layout}"
    return f"synth-{index:05d}-{stem}-{country.lower()}{kind}-{y1}-{y2}.txt"


def generate(out_dir: Path, documents: int, seed: int = 0, truth_dir: Path | None = None) -> SynthSummary:
    """Write `documents` text documents into out_dir and their ground truth into truth_dir
    (default out_dir/.truth, which the build skips as hidden). Same arguments, same bytes."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    truth_dir = Path(truth_dir) if truth_dir is not None else default_truth_dir(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    _check_prose()
    summary = SynthSummary(documents={f: 0 for f in FAMILIES}, truth_dir=truth_dir)
    all_countries, framework_countries = countries(), countries()
    used_titles: set[str] = set()
    for index, layout in enumerate(plan(documents, seed)):
        rng = random.Random(f"kgbuild-synth/{seed}/{index}")
        country = rng.choice(framework_countries if layout == UNSDCF else all_countries)
        y1 = rng.randint(2010, 2021)
        y2 = y1 + (4 if layout == UNSDCF else rng.randint(1, 5))
        ctx = Ctx(rng, country, y1, y2)
        if layout == UNSDCF:
            text, truth = unsdcf_document(ctx)
        elif layout == "erc":
            text, truth = erc_document(ctx, used_titles)
        else:
            text, truth = gate_document(ctx, layout, used_titles)
        name = _file_name(index + 1, layout, country[0], y1, y2)
        data = text.encode("utf-8")
        (out_dir / name).write_bytes(data)
        truth = {"document": name, "seed": seed, "index": index + 1, **truth}
        (truth_dir / (Path(name).stem + TRUTH_SUFFIX)).write_text(
            json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        family = truth["family"]
        summary.documents[family] += 1
        summary.recommendations += len(truth["recommendations"])
        summary.key_actions += sum(len(r["key_actions"]) for r in truth["recommendations"])
        if family == UNSDCF:
            outcomes = truth["framework"]["outcomes"]
            summary.outcomes += len(outcomes)
            summary.indicators += sum(len(o["indicators"]) for o in outcomes)
        summary.bytes += len(data)
        summary.files.append(out_dir / name)
    summary.seconds = time.perf_counter() - started
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic corpus with its ground truth.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("-n", "--documents", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--truth-dir", type=Path)
    args = parser.parse_args(argv)
    summary = generate(args.out_dir, args.documents, args.seed, args.truth_dir)
    print(json.dumps(summary.as_dict(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# -- checking a reader's output against the truth ---------------------------------------------

def _squash(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


def differences(doc, truth: dict) -> list[str]:
    """Every field where what a reader read (a records.Document) differs from the truth;
    empty when nothing was lost. Texts are compared after whitespace normalisation, the
    other fields exactly."""
    out: list[str] = []

    def same(where: str, read, expected, text: bool = False) -> None:
        if text:
            read, expected = _squash(read), _squash(expected)
        if read != expected:
            out.append(f"{where}: read {read!r}, expected {expected!r}")

    if truth["family"] == UNSDCF:
        return _framework_differences(doc, truth["framework"], same, out)
    ev = doc.evaluation
    if ev is None:
        return ["no evaluation read"]
    want = truth["evaluation"]
    same("title", ev.title, want["title"], text=True)
    same("countries", ev.countries, want["countries"])
    same("period", [ev.period_start, ev.period_end], want["period"])
    for key in ("office", "evaluation_type", "completion_date", "budget_usd", "expenditure_usd", "project_numbers"):
        if key in want and key != "evaluation_type" or (key == "evaluation_type" and truth["family"] == ERC):
            same(key, getattr(ev, key), want[key])
    if "findings" in truth:
        same("findings", len(ev.findings), len(truth["findings"]))
        for finding, expected in zip(ev.findings, truth["findings"]):
            where = f"finding {expected['number']}"
            same(f"{where} number", finding.number, expected["number"])
            same(f"{where} section", finding.section, expected["section"])
            same(f"{where} text", finding.text, expected["text"], text=True)
            same(f"{where} tags", finding.tag_text, expected["tag_text"])
    same("recommendations", len(ev.recommendations), len(truth["recommendations"]))
    for r, (rec, expected) in enumerate(zip(ev.recommendations, truth["recommendations"]), 1):
        where = f"recommendation {r}"
        same(f"{where} number", rec.number, expected["number"])
        same(f"{where} text", rec.text, expected["text"], text=True)
        same(f"{where} description", rec.description, expected["description"], text=True)
        for key in ("thematic_areas", "operating_principles", "organizational_priorities", "uneg_criteria"):
            same(f"{where} {key}", getattr(rec, key), expected[key])
        response = rec.response
        if response is None:
            out.append(f"{where}: no management response read")
            continue
        same(f"{where} response", response.text, expected["response"], text=True)
        same(f"{where} category", response.category_text, expected["category"])
        same(f"{where} key actions", len(response.key_actions), len(expected["key_actions"]))
        for k, (action, want_action) in enumerate(zip(response.key_actions, expected["key_actions"]), 1):
            at = f"{where} action {k}"
            same(f"{at} number", action.number, want_action["number"])
            same(f"{at} text", action.text, want_action["text"], text=True)
            for key, attr in (("responsible", "responsible"), ("deadline", "deadline"),
                              ("deadline_note", "deadline_note"), ("status", "status_text"),
                              ("justification", "justification"), ("added", "added"), ("updated", "updated")):
                same(f"{at} {key}", getattr(action, attr), want_action[key])
            same(f"{at} comment", action.comment, want_action["comment"], text=True)
            same(f"{at} unread", action.unread, None)
    return out


def _framework_differences(doc, want: dict, same, out: list[str]) -> list[str]:
    fw = doc.framework
    if fw is None:
        return ["no framework read"]
    same("title", fw.title, want["title"])
    same("countries", fw.countries, want["countries"])
    same("period", [fw.period_start, fw.period_end], want["period"])
    same("thematic areas", [(a.number, a.name, a.pillar, [[g, list(n)] for g, n in a.result_groups])
                            for a in fw.thematic_areas],
         [(a["number"], a["name"], a["pillar"], a["result_groups"]) for a in want["thematic_areas"]])
    same("outcomes", [o.number for o in fw.outcomes], [o["number"] for o in want["outcomes"]])
    for outcome, expected in zip(fw.outcomes, want["outcomes"]):
        where = f"outcome {expected['number']}"
        same(f"{where} statement", outcome.statement, expected["statement"], text=True)
        same(f"{where} area", outcome.thematic_area, expected["thematic_area"])
        for kind in ("primary", "crosscutting"):
            same(f"{where} {kind}", [t.code for t in outcome.targets if t.kind == kind], expected[f"{kind}_targets"])
        same(f"{where} cited", sorted({t.code for t in outcome.targets if t.kind == "cited"}), expected["cited_targets"])
        same(f"{where} lnob", [g for g, _ in outcome.lnob], expected["lnob"])
        same(f"{where} agencies", [a for a, _ in outcome.agencies], expected["agencies"])
        partners = [p for p, _ in outcome.partners]
        missing = [p for p in expected["partners"] if p not in partners]
        same(f"{where} partners missing", missing, [])
        same(f"{where} indicators", len(outcome.indicators), len(expected["indicators"]))
        for i, (ind, want_ind) in enumerate(zip(outcome.indicators, expected["indicators"]), 1):
            at = f"{where} indicator {i}"
            same(f"{at} label", ind.label, want_ind["label"], text=True)
            for key in ("code", "code_kind", "code_written", "proxy_of", "agencies", "sources"):
                same(f"{at} {key}", getattr(ind, key), want_ind[key])
            same(f"{at} partners missing", [p for p in want_ind["partners"] if p not in ind.partners], [])
            same(f"{at} baselines", [m.text for m in ind.baselines], want_ind["baselines"])
            same(f"{at} targets", [m.text for m in ind.targets], want_ind["targets"])
            same(f"{at} parts", [(p.letter, _squash(p.label), [m.text for m in p.baselines], [m.text for m in p.targets])
                                 for p in ind.parts],
                 [(p["letter"], _squash(p["label"]), p["baselines"], p["targets"]) for p in want_ind["parts"]])
    return out


def check_corpus(sources: Path, truth_dir: Path | None = None) -> dict:
    """Read every generated document with the registered readers and compare with the
    truth: documents read, documents with errors, differences, key actions read vs. true."""
    from .families import read_document
    truth_dir = Path(truth_dir) if truth_dir is not None else default_truth_dir(Path(sources))
    truth = load_truth(truth_dir)
    report = {"documents": 0, "documents_with_errors": 0, "documents_with_differences": 0,
              "key_actions_read": 0, "key_actions_true": 0, "errors": [], "differences": {}}
    for name, record in truth.items():
        doc = read_document(Path(sources) / name)
        report["documents"] += 1
        errors = [str(p) for p in doc.problems if p.severity == "error"]
        if errors:
            report["documents_with_errors"] += 1
            report["errors"].extend(errors)
        diffs = differences(doc, record)
        if diffs:
            report["documents_with_differences"] += 1
            report["differences"][name] = diffs
        if doc.evaluation is not None:
            report["key_actions_read"] += sum(len(r.response.key_actions) for r in doc.evaluation.recommendations
                                              if r.response is not None)
        report["key_actions_true"] += sum(len(r["key_actions"]) for r in record["recommendations"])
    return report
