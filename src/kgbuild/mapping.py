"""Map the records of one document to RDF triples: what every family shares (the source
document, provenance, concepts) in `DocumentMapper`, and the evaluation, recommendations,
management responses and key actions that both evaluation families read in `EvaluationMapper`.

Every extracted resource gets prov:wasDerivedFrom its document and a kgb:sourceSpan: an
oa:SpecificResource whose oa:FragmentSelector is an RFC 5147 line range. No blank nodes:
every node has a minted IRI, so sorted N-Quads are byte-identical from build to build.
"""
from __future__ import annotations

import pycountry
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from . import response_category
from .namespaces import KGB, OA, RFC5147, VOCAB, base_iri, mint, slug
from .parties import parse_party
from .store import nt_string, nt_term
from .records import Document, Evaluation, KeyAction, ManagementResponse, Problem, Recommendation, Span
from .vocab import concept_in, normalize_label, scheme

OFFICE_KINDS = {"CO": "Country Office", "MCO": "Multi-Country Office", "RO": "Regional Office"}
LIST_SCHEMES = [
    ("thematic_areas", KGB.thematicArea, "thematic-area"),
    ("operating_principles", KGB.operatingPrinciple, "operating-principle"),
    ("organizational_priorities", KGB.organizationalPriority, "organizational-priority"),
    ("uneg_criteria", KGB.unegCriterion, "uneg-criterion"),
]


def document_iri(name: str) -> URIRef:
    return mint("source", name)


def evaluation_iri(name: str) -> URIRef:
    return mint("evaluation", name)


def evaluation_identity(doc: Document) -> str | None:
    """An evaluation named by its agency, countries, period and the first words of its
    title, as its own page gives them; None without a title."""
    ev = doc.evaluation
    if ev is None or not ev.title or slug(ev.title) == "x":
        return None
    period = "-".join(str(y) for y in dict.fromkeys((ev.period_start, ev.period_end)) if y)
    parts = [slug(ev.agency) if ev.agency else "", "-".join(c.lower() for c in ev.countries), period,
             "-".join(slug(ev.title).split("-")[:8])]
    return "-".join(p for p in parts if p)


def agency_iri(name: str | None) -> URIRef | None:
    return scheme("un-entity").lookup(name) if name else None


class DocumentMapper:
    """The source document and its provenance; a family's mapper extends `map` with what
    its records hold."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.lines: set[str] = set()     # the graph as N-Triples lines: a plain value, cheap to pass on
        self.doc_iri = document_iri(doc.key)

    # -- helpers --------------------------------------------------------------------------

    def add(self, s, p, o) -> None:
        if o is not None:
            self.lines.add(f"<{s}> <{p}> {nt_term(o)} .\n")

    def text(self, s, p, value: str | None) -> None:
        if value is not None and str(value).strip():
            self.lines.add(f"<{s}> <{p}> {nt_string(str(value))} .\n")

    def typed(self, s, p, value, datatype) -> None:
        if value is not None:
            self.lines.add(f"<{s}> <{p}> {nt_string(str(value))}^^<{datatype}> .\n")

    def ntriples(self) -> str:
        return "".join(sorted(self.lines))

    def warn(self, line: int, message: str, severity: str = "warning") -> None:
        self.doc.problems.append(Problem(severity, str(self.doc.path), line, message))

    def provenance(self, resource: URIRef, span: Span) -> None:
        # Named after the resource, not its lines: text inserted above keeps every IRI.
        span_iri = URIRef(f"{resource}/span")
        selector = URIRef(f"{span_iri}/selector")
        self.add(resource, PROV.wasDerivedFrom, self.doc_iri)
        self.add(resource, KGB.sourceSpan, span_iri)
        self.add(span_iri, RDF.type, OA.SpecificResource)
        self.add(span_iri, OA.hasSource, self.doc_iri)
        self.add(span_iri, OA.hasSelector, selector)
        self.typed(span_iri, KGB.startLine, span.start, XSD.integer)
        self.typed(span_iri, KGB.endLine, span.end, XSD.integer)
        self.add(selector, RDF.type, OA.FragmentSelector)
        self.add(selector, DCTERMS.conformsTo, RFC5147)
        # RFC 5147 counts line positions from 0: lines a..b are "line=(a-1),b".
        self.text(selector, RDF.value, f"line={span.start - 1},{span.end}")

    def concept(self, scheme_name: str, label: str, line: int) -> URIRef:
        """The concept a label names; a label the scheme lacks becomes a new concept."""
        found = scheme(scheme_name).lookup(label)
        if found is not None:
            return found
        iri = URIRef(f"{VOCAB}{scheme_name}/{slug(label)}")
        scheme_iri = URIRef(VOCAB + scheme_name)
        self.add(iri, RDF.type, SKOS.Concept)
        self.add(iri, SKOS.inScheme, scheme_iri)
        self.add(iri, SKOS.prefLabel, Literal(label, lang="en"))
        self.warn(line, f"{label!r} is not in the {scheme_name} scheme; added as a new concept")
        return iri

    def map(self) -> str:
        doc = self.doc
        self.add(self.doc_iri, RDF.type, KGB.SourceDocument)
        self.text(self.doc_iri, DCTERMS.identifier, doc.name)
        self.text(self.doc_iri, DCTERMS.title, doc.path.name)
        self.text(self.doc_iri, DCTERMS["format"], "text/plain")
        self.text(self.doc_iri, KGB.documentFamily, doc.reader)
        self.text(self.doc_iri, KGB.sha256, doc.sha256)
        self.typed(self.doc_iri, KGB.lineCount, doc.line_count, XSD.integer)
        return self.ntriples()


class EvaluationMapper(DocumentMapper):
    """An evaluation with its findings, recommendations, management responses and key
    actions (`doc.evaluation`), whichever family read it."""

    tag_scheme: str | None = None      # the SKOS scheme of the family's finding tags, if it has one

    def __init__(self, doc: Document):
        super().__init__(doc)
        self.office: URIRef | None = None
        self.agency: URIRef | None = None

    def map(self) -> str:
        super().map()
        self.evaluation(self.doc.evaluation)
        return self.ntriples()

    def evaluation(self, ev: Evaluation) -> None:
        iri = evaluation_iri(self.doc.key)
        self.add(iri, RDF.type, KGB.Evaluation)
        self.provenance(iri, ev.span)
        self.text(iri, DCTERMS.title, ev.title)
        self.text(iri, RDFS.label, ev.title)
        self.text(iri, KGB.evaluationType, ev.evaluation_type)
        for code in ev.countries:
            self.text(iri, KGB.country, code)
        self.typed(iri, KGB.periodStart, ev.period_start, XSD.gYear)
        self.typed(iri, KGB.periodEnd, ev.period_end, XSD.gYear)
        self.typed(iri, KGB.completionDate, ev.completion_date, XSD.gYearMonth)
        self.typed(iri, KGB.plannedEndDate, ev.planned_end_date, XSD.gYearMonth)
        self.typed(iri, KGB.budgetUSD, _decimal(ev.budget_usd), XSD.decimal)
        self.typed(iri, KGB.expenditureUSD, _decimal(ev.expenditure_usd), XSD.decimal)
        self.text(iri, KGB.evaluationStatus, ev.status)
        self.text(iri, KGB.fundingSource, ev.funding_source)
        for prop, value in ((KGB.jointProgramme, ev.joint_programme), (KGB.jointEvaluation, ev.joint_evaluation),
                            (KGB.gefEvaluation, ev.gef_evaluation)):
            if value is not None:
                self.add(iri, prop, Literal(value))
        for number in ev.project_numbers:
            self.text(iri, KGB.projectNumber, number)
        self.text(iri, KGB.managementResponseApproval, ev.response_approval)
        self.text(iri, KGB.overallResponse, ev.overall_response)
        agency = agency_iri(ev.agency)
        self.add(iri, KGB.commissionedBy, agency)
        self.office = self.office_unit(ev, agency)
        self.agency = agency
        self.add(iri, KGB.evaluatedOffice, self.office)
        for rec in ev.recommendations:
            self.add(iri, KGB.hasRecommendation, self.recommendation(iri, rec))
        for finding in ev.findings:
            f_iri = URIRef(f"{iri}/finding/{finding.ordinal}")
            self.add(iri, KGB.hasFinding, f_iri)
            self.numbered_item(f_iri, KGB.Finding, finding, f"Finding {finding.number or finding.ordinal}")
            self.text(f_iri, KGB.section, finding.section)
            self.text(f_iri, KGB.tagText, finding.tag_text)
            for tag in self.split_tags(finding.tag_text, finding.span.end):
                self.add(f_iri, KGB.tag, tag)

    def office_unit(self, ev: Evaluation, agency: URIRef | None) -> URIRef | None:
        """The evaluated office: agency + country + kind ("Kazakhstan (CO)" -> CO)."""
        if agency is None or not ev.countries or not ev.office:
            return None
        written = ev.office
        kind = next((k for k, name in OFFICE_KINDS.items()
                     if f"({k})" in written or normalize_label(name) in normalize_label(written)), None)
        if kind is None:
            return None
        return self.country_office(agency, ev.countries[0], kind)

    def country_office(self, agency: URIRef, code: str, kind: str) -> URIRef:
        """The office of `agency` in a country (ISO alpha-3) of a kind (CO, MCO, RO)."""
        iri = mint("org", slug(str(scheme("un-entity").pref_label(agency))), f"{code.lower()}-{kind.lower()}")
        country = pycountry.countries.get(alpha_3=code)
        label = f"{scheme('un-entity').pref_label(agency)} {country.name if country else code} {OFFICE_KINDS[kind]}"
        self.add(iri, RDF.type, ORG.OrganizationalUnit)
        self.add(iri, ORG.unitOf, agency)
        self.add(agency, ORG.hasUnit, iri)
        self.text(iri, RDFS.label, label)
        self.add(iri, SKOS.prefLabel, Literal(label, lang="en"))
        self.text(iri, KGB.country, code)
        return iri

    def split_tags(self, text: str | None, line: int) -> list[URIRef]:
        """Tag lines run tags together with spaces: split by the longest labels of the
        family's tag scheme; a run no label covers becomes a new concept of it."""
        if not text or self.tag_scheme is None:
            return []
        tags, pos, unknown = [], 0, []
        tag_scheme = scheme(self.tag_scheme)
        while pos < len(text):
            if text[pos].isspace():
                pos += 1
                continue
            match = tag_scheme.match_at(text, pos)
            if match:
                if unknown:
                    tags.append(self.concept(self.tag_scheme, " ".join(unknown), line))
                    unknown = []
                tags.append(match.concept)
                pos = match.end
            else:
                end = pos
                while end < len(text) and not text[end].isspace():
                    end += 1
                unknown.append(text[pos:end])
                pos = end
        if unknown:
            tags.append(self.concept(self.tag_scheme, " ".join(unknown), line))
        return list(dict.fromkeys(tags))

    # -- recommendation, response, key action ---------------------------------------------

    def numbered_item(self, iri: URIRef, rdf_type: URIRef, record, label: str) -> None:
        """What findings, recommendations and key actions share: type, provenance,
        position, number as written, label and text."""
        self.add(iri, RDF.type, rdf_type)
        self.provenance(iri, record.span)
        self.typed(iri, KGB.ordinal, record.ordinal, XSD.integer)
        self.text(iri, KGB.numberAsWritten, record.number)
        self.text(iri, RDFS.label, label)
        self.text(iri, DCTERMS.description, record.text)

    def recommendation(self, eval_iri: URIRef, rec: Recommendation) -> URIRef:
        iri = URIRef(f"{eval_iri}/recommendation/{rec.ordinal}")
        self.numbered_item(iri, KGB.Recommendation, rec, f"Recommendation {rec.number or rec.ordinal}: {_short(rec.text)}")
        self.text(iri, KGB.rationale, rec.description)
        for attr, prop, scheme_name in LIST_SCHEMES:
            for label in getattr(rec, attr):
                self.add(iri, prop, self.concept(scheme_name, label, rec.span.start))
        if rec.response is not None:
            self.add(iri, KGB.hasManagementResponse, self.response(iri, rec.response))
        return iri

    def response(self, rec_iri: URIRef, resp: ManagementResponse) -> URIRef:
        iri = URIRef(f"{rec_iri}/response")
        self.add(iri, RDF.type, KGB.ManagementResponse)
        self.provenance(iri, resp.span)
        self.text(iri, RDFS.label, f"Management response: {_short(resp.text or '')}")
        self.text(iri, DCTERMS.description, resp.text)
        self.typed(iri, DCTERMS.created, resp.added, XSD.date)
        self.typed(iri, DCTERMS.modified, resp.updated, XSD.date)
        self.text(iri, KGB.responseCategoryText, resp.category_text)
        stated = response_category.from_field(resp.category_text)
        if stated is not None:
            self.add(iri, KGB.responseCategory, stated)
            self.add(iri, KGB.responseCategoryMethod, concept_in("extraction-method", "stated"))
        else:
            if resp.category_text and resp.category_text.strip():
                self.warn(resp.span.start, f"response category {resp.category_text!r} is not in the "
                          "response-category scheme; deriving it from the response text instead")
            derived = response_category.derive(resp.text)
            if derived is not None:
                concept, evidence = derived
                self.add(iri, KGB.responseCategory, concept)
                self.add(iri, KGB.responseCategoryMethod, concept_in("extraction-method", "derived-from-text"))
                self.text(iri, KGB.responseCategoryEvidence, evidence)
            else:
                self.warn(resp.span.start, "no response category stated and none can be read from the response "
                          "text; left without a category")
        for action in resp.key_actions:
            self.add(iri, KGB.hasKeyAction, self.key_action(iri, action))
        return iri

    def key_action(self, resp_iri: URIRef, action: KeyAction) -> URIRef:
        iri = URIRef(f"{resp_iri}/action/{action.ordinal}")
        self.numbered_item(iri, KGB.KeyAction, action, _short(action.text))
        self.text(iri, KGB.responsibleText, action.responsible)
        lead, supporting = self.parties(action)
        for party in lead + supporting:
            self.add(iri, KGB.responsibleParty, party)
        for party in supporting:
            self.add(iri, KGB.supportingParty, party)
        self.typed(iri, KGB.deadline, action.deadline, XSD.gYearMonth)
        self.text(iri, KGB.deadlineText, getattr(action, "deadline_text", None))
        if action.deadline_note:
            self.add(iri, KGB.deadlineNote, scheme("deadline-note").lookup(action.deadline_note))
        self.text(iri, KGB.statusText, action.status_text)
        if action.status_text:
            self.add(iri, KGB.status, scheme("key-action-status").lookup(action.status_text))
        self.text(iri, KGB.statusJustification, action.justification)
        self.text(iri, KGB.progressComment, action.comment)
        self.typed(iri, DCTERMS.created, action.added, XSD.date)
        self.typed(iri, DCTERMS.modified, action.updated, XSD.date)
        self.text(iri, KGB.unreadText, action.unread)
        return iri

    def parties(self, action: KeyAction) -> tuple[list[URIRef], list[URIRef]]:
        """(lead, supporting) party IRIs; what names no party is a located warning, the
        responsible text keeps it as written."""
        if not action.responsible:
            return [], []
        party = parse_party(action.responsible)
        line = action.span.end
        for written, read in party.corrections:
            self.warn(line, f"responsible party word {written!r} read as {read!r}; "
                      "the responsible text keeps it as written")
        if party.problem:
            self.warn(line, f"responsible party {action.responsible!r}: {party.problem}; kept as text only")
        else:
            for piece in party.unread:
                self.warn(line, f"responsible party text {piece.text!r} {piece.reason}; kept as text only")
        lead: list[URIRef] = []
        supporting: list[URIRef] = []
        for unit in party.units:
            if not unit.recognised:
                self.warn(line, f"responsible party {unit.text!r} is not in the party lexicon "
                          "(data/vocab/responsible-parties.toml); read as a unit of the office")
            iri = self.party_iri(unit)
            if iri is not None:
                (supporting if unit.role == "supporting" else lead).append(iri)
        lead = list(dict.fromkeys(lead))
        return lead, [i for i in dict.fromkeys(supporting) if i not in lead]

    def party_iri(self, unit) -> URIRef | None:
        owner = self.office or self.agency
        if unit.kind == "agency":
            return unit.agency
        if unit.kind == "office":
            own_country = self.doc.evaluation.countries[:1] if self.doc.evaluation else []
            if unit.country and unit.country not in own_country and (unit.agency or self.agency) is not None:
                # Another country's office: its own resource, never the document's office.
                kind = next((k for k in OFFICE_KINDS if k.lower() in unit.label.lower().split()), "CO")
                return self.country_office(unit.agency or self.agency, unit.country, kind)
            if self.office is not None:
                return self.office
        if unit.kind == "organization":
            return self.organization(unit.label, unit.acronym)
        if unit.kind == "entity-unit" and self.agency is not None:
            return self.sub_unit(self.agency, "unit", unit.label, ORG.OrganizationalUnit)
        if owner is not None and unit.kind in ("post", "unit", "office"):
            kind = "post" if unit.kind == "post" else "unit"
            return self.sub_unit(owner, kind, unit.label, ORG.Post if kind == "post" else ORG.OrganizationalUnit)
        return None

    def organization(self, label: str, acronym: str | None) -> URIRef:
        """An organization outside the UN (a ministry, commission, NGO, donor): one resource
        per name across documents, never a unit of a UN office."""
        iri = mint("org", "party", slug(label))
        self.add(iri, RDF.type, ORG.FormalOrganization)
        self.text(iri, RDFS.label, label)
        self.add(iri, SKOS.prefLabel, Literal(label, lang="en"))
        if acronym:
            self.add(iri, SKOS.altLabel, Literal(acronym, lang="en"))
        return iri

    def sub_unit(self, owner: URIRef, kind: str, label: str, rdf_type: URIRef) -> URIRef:
        """A post or unit of an office (minted under it) or of an agency (whose IRI is a
        vocabulary IRI: minted under org/<agency> of the base instead)."""
        if str(owner).startswith(base_iri()):
            iri = URIRef(f"{owner}/{kind}/{slug(label)}")
        else:
            iri = mint("org", slug(str(owner).rsplit("/", 1)[-1]), kind, slug(label))
        self.add(iri, RDF.type, rdf_type)
        self.text(iri, RDFS.label, label)
        self.add(iri, SKOS.prefLabel, Literal(label, lang="en"))
        if rdf_type == ORG.Post:
            self.add(iri, ORG.postIn, owner)
        else:
            self.add(iri, ORG.unitOf, owner)
        return iri


def _decimal(value: str | None) -> str | None:
    """Canonical xsd:decimal lexical form, with a point: 20000 -> 20000.0 (a bare 20000
    written in Turtle would read back as an integer)."""
    if value is None:
        return None
    return value if "." in value else f"{value}.0"


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def evaluation_summary(doc: Document) -> str:
    """The counts the build prints for an evaluation document."""
    ev = doc.evaluation
    responses = [r.response for r in ev.recommendations if r.response is not None]
    actions = sum(len(r.key_actions) for r in responses)
    parts = [f"{len(ev.recommendations)} recommendations", f"{len(responses)} responses", f"{actions} key actions"]
    if ev.findings:
        parts.append(f"{len(ev.findings)} findings")
    return ", ".join(parts)


class EvaluationFamily:
    """What the evaluation families (GATE, ERC) share beside their readers: the mapping,
    the summary and the identity; a family names its mapper."""
    mapper = EvaluationMapper

    def map(self, doc: Document) -> str:
        return self.mapper(doc).map()

    def summary(self, doc: Document) -> str:
        return evaluation_summary(doc)

    def identity(self, doc: Document) -> str | None:
        return evaluation_identity(doc)
