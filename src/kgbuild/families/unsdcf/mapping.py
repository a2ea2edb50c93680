"""Map a cooperation framework (UNSDCF) to RDF: thematic areas, result groups, outcomes with
their qualified target links, LNOB groups, agencies, partners and the results matrix."""
from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS, XSD

from ...mapping import DocumentMapper, _decimal, _short
from ...namespaces import KGB, mint, slug
from ...records import Framework, Measurement, Outcome, ResultIndicator
from ...sdgcodes import indicator_iri, target_iri
from ...vocab import concept_in, concepts_for, scheme

# "(annually)", "(next data in 2022)", "(data collected every three years)" at the end of a source
FREQUENCY = re.compile(r"\(((?:annually|quarterly|monthly|biannually|every [^()]*|next data[^()]*|data collected [^()]*))\)\s*$",
                       re.IGNORECASE)
TARGET_PROPERTY = {"primary": KGB.primaryTarget, "crosscutting": KGB.crosscuttingTarget, "cited": KGB.citedTarget}
INDICATOR_PROPERTY = {"global": KGB.globalIndicator, "national": KGB.nationalIndicatorOf, "proxy": KGB.proxyFor}


def partner_iri(name: str) -> URIRef:
    """One resource per partner name, whatever its case or a leading 'The'."""
    return mint("org", "partner", slug(re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)))


class FrameworkMapper(DocumentMapper):
    def map(self) -> str:
        super().map()
        self.framework(self.doc.framework)
        return self.ntriples()

    def framework(self, fw: Framework) -> None:
        iri = mint("framework", self.doc.key)
        self.fw_iri = iri
        self.add(iri, RDF.type, KGB.CooperationFramework)
        self.provenance(iri, fw.span)
        self.text(iri, RDFS.label, fw.title)
        for code in fw.countries:
            self.text(iri, KGB.country, code)
        self.typed(iri, KGB.periodStart, fw.period_start, XSD.gYear)
        self.typed(iri, KGB.periodEnd, fw.period_end, XSD.gYear)
        areas_scheme = URIRef(f"{iri}/thematic-areas")
        self.add(areas_scheme, RDF.type, SKOS.ConceptScheme)
        self.add(areas_scheme, SKOS.prefLabel, Literal("Thematic areas", lang="en"))
        outcome_iris = {o.number: URIRef(f"{iri}/outcome/{o.number}") for o in fw.outcomes}
        for area in fw.thematic_areas:
            a_iri = URIRef(f"{iri}/thematic-area/{area.number}")
            self.add(iri, KGB.hasThematicArea, a_iri)
            self.add(a_iri, RDF.type, KGB.ThematicArea)
            self.add(a_iri, RDF.type, SKOS.Concept)
            self.add(a_iri, SKOS.inScheme, areas_scheme)
            self.add(a_iri, SKOS.topConceptOf, areas_scheme)
            self.add(a_iri, SKOS.notation, Literal(str(area.number)))
            self.add(a_iri, SKOS.prefLabel, Literal(area.name, lang="en"))
            self.text(a_iri, RDFS.label, f"Thematic Area {area.number}: {area.name}")
            self.text(a_iri, KGB.pillar, area.pillar)
            self.provenance(a_iri, area.span)
            for group, numbers in area.result_groups:
                g_iri = URIRef(f"{iri}/result-group/{slug(group)}")
                self.add(a_iri, KGB.hasResultGroup, g_iri)
                self.add(g_iri, RDF.type, KGB.ResultGroup)
                self.text(g_iri, RDFS.label, f"Result Group {group}")
                self.add(g_iri, SKOS.prefLabel, Literal(group, lang="en"))
                for number in numbers:
                    self.add(g_iri, KGB.coversOutcome, outcome_iris.get(number))
        for outcome in fw.outcomes:
            self.outcome(iri, outcome_iris[outcome.number], outcome)

    def outcome(self, fw_iri: URIRef, iri: URIRef, outcome: Outcome) -> None:
        self.add(fw_iri, KGB.hasOutcome, iri)
        self.add(iri, RDF.type, KGB.Outcome)
        self.provenance(iri, outcome.span)
        self.add(iri, SKOS.notation, Literal(outcome.number))
        self.text(iri, RDFS.label, f"Outcome {outcome.number}: {_short(outcome.statement)}")
        self.text(iri, DCTERMS.description, outcome.statement)
        if outcome.thematic_area is not None:
            self.add(iri, KGB.thematicArea, URIRef(f"{fw_iri}/thematic-area/{outcome.thematic_area}"))
        counters: dict[tuple[str, str], int] = {}
        for link in outcome.targets:
            target = target_iri(link.code)
            key = (link.kind, link.code)
            counters[key] = counters.get(key, 0) + 1
            suffix = f"/{counters[key]}" if link.kind == "cited" else ""
            l_iri = URIRef(f"{iri}/target-link/{link.kind}/{link.code}{suffix}")
            self.add(iri, TARGET_PROPERTY[link.kind], target)
            self.add(iri, KGB.targetLink, l_iri)
            self.add(l_iri, RDF.type, KGB.TargetLink)
            self.add(l_iri, KGB.linkedTarget, target)
            self.add(l_iri, KGB.linkKind, concept_in("link-kind", link.kind))
            self.text(l_iri, KGB.writtenAs, link.written)
            self.text(l_iri, KGB.evidenceText, link.evidence)
            self.provenance(l_iri, type(outcome.span)(link.line, link.line))
        for group, line in outcome.lnob:
            concepts = concepts_for("lnob-group", group)
            if not concepts:
                concepts = [self.concept("lnob-group", group, line)]
            for concept in concepts:
                self.add(iri, KGB.lnobGroup, concept)
        for name, line in outcome.agencies:
            agency = scheme("un-entity").lookup(name)
            if agency is None:
                self.warn(line, f"contributing agency {name!r} is not in the UN entity list; kept as text")
                self.text(iri, KGB.agencyText, name)
            else:
                self.add(iri, KGB.contributingAgency, agency)
        for name, _ in outcome.partners:
            self.add(iri, KGB.partner, self.partner(name))
        for indicator in outcome.indicators:
            i_iri = URIRef(f"{iri}/indicator/{indicator.ordinal}")
            self.add(iri, KGB.hasIndicator, i_iri)
            self.indicator(i_iri, indicator)

    def partner(self, name: str) -> URIRef:
        agency = scheme("un-entity").lookup(name)
        if agency is not None:
            return agency
        p_iri = partner_iri(name)
        self.add(p_iri, RDF.type, ORG.Organization)
        self.text(p_iri, RDFS.label, name)
        self.add(p_iri, SKOS.prefLabel, Literal(name, lang="en"))
        return p_iri

    def indicator(self, iri: URIRef, ind: ResultIndicator) -> None:
        self.add(iri, RDF.type, KGB.ResultIndicator)
        self.provenance(iri, ind.span)
        self.typed(iri, KGB.ordinal, ind.ordinal, XSD.integer)
        self.text(iri, RDFS.label, _short(ind.label))
        self.text(iri, DCTERMS.description, ind.label)
        if ind.code:
            self.text(iri, KGB.indicatorCode, f"{ind.code} ({ind.code_kind})" if ind.code_kind else ind.code)
            self.text(iri, KGB.writtenAs, ind.code_written)
            kind = "global" if ind.code_kind == "G" else "national"
            self.indicator_link(iri, ind.code, kind, ind.span.start)
        if ind.proxy_of and ind.proxy_of != ind.code:
            self.indicator_link(iri, ind.proxy_of, "proxy", ind.span.start)
        for n, m in enumerate(ind.baselines, 1):
            self.add(iri, KGB.baseline, self.measurement(URIRef(f"{iri}/baseline/{n}"), m, ind))
        for n, m in enumerate(ind.targets, 1):
            self.add(iri, KGB.targetValue, self.measurement(URIRef(f"{iri}/target/{n}"), m, ind))
        for source in ind.sources:
            self.text(iri, KGB.dataSource, source)
            frequency = FREQUENCY.search(source)
            if frequency:
                self.text(iri, KGB.dataFrequency, frequency.group(1))
        for name in ind.agencies:
            self.add(iri, KGB.responsibleAgency, scheme("un-entity").lookup(name))
        for name in ind.partners:
            self.add(iri, KGB.partner, self.partner(name))
        for part in ind.parts:
            p_iri = URIRef(f"{iri}/part/{part.letter or part.ordinal}")
            self.add(p_iri, KGB.subIndicatorOf, iri)
            self.text(p_iri, KGB.numberAsWritten, part.letter)
            self.indicator(p_iri, part)

    def indicator_link(self, iri: URIRef, code: str, kind: str, line: int) -> None:
        official = indicator_iri(code)
        if official is None:
            self.warn(line, f"indicator code {code} is not an official SDG indicator; not linked")
            return
        self.add(iri, INDICATOR_PROPERTY[kind], official)

    def measurement(self, iri: URIRef, m: Measurement, ind: ResultIndicator) -> URIRef:
        self.add(iri, RDF.type, KGB.Measurement)
        self.provenance(iri, ind.span)
        self.text(iri, KGB.valueText, m.text)
        self.typed(iri, KGB.numericValue, _decimal(m.value), XSD.decimal)
        self.text(iri, KGB.unit, m.unit)
        self.text(iri, KGB.comparator, m.comparator)
        self.typed(iri, KGB.year, m.year, XSD.gYear)
        self.typed(iri, KGB.yearEnd, m.year_end, XSD.gYear)
        self.text(iri, KGB.partLabel, m.part)
        return iri
