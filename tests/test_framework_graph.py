"""The cooperation framework in the built graph, next to the management responses."""
from __future__ import annotations

from kgbuild.namespaces import SDG
from kgbuild.vocab import scheme


def test_full_build_is_clean(full_build):
    assert not full_build.errors
    assert len(full_build.documents) == 5


def test_one_agency_resource_across_documents(full_build):
    un_women = scheme("un-entity").lookup("UN Women")
    rows = list(full_build.store.select("""
        SELECT DISTINCT ?agency WHERE {
          ?action a kgb:KeyAction ; kgb:responsibleParty ?agency .
          ?outcome a kgb:Outcome ; kgb:contributingAgency ?agency .
        }"""))
    assert (un_women,) in [tuple(r) for r in rows]
    habitat = list(full_build.store.select("""
        SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o kgb:contributingAgency ?a . ?a skos:prefLabel "UN-Habitat"@en }"""))
    assert int(habitat[0][0]) == 2   # "UN Habitat" (2.2) and "UN-Habitat" (3.2) are one entity


def test_primary_and_crosscutting_targets_as_rdf(full_build):
    rows = full_build.store.select("""
        SELECT ?kind (COUNT(?t) AS ?n) WHERE {
          ?o a kgb:Outcome ; skos:notation "3.1" ; ?p ?t .
          VALUES (?p ?kind) { (kgb:primaryTarget "primary") (kgb:crosscuttingTarget "crosscutting") }
        } GROUP BY ?kind""")
    assert {str(k): int(n) for k, n in rows} == {"primary": 18, "crosscutting": 5}
    (link,) = full_build.store.select("""
        SELECT ?written ?line WHERE {
          ?o skos:notation "2.2" ; kgb:targetLink ?l .
          ?l kgb:linkedTarget sdg:11.b ; kgb:linkKind ?k ; kgb:writtenAs ?written ; kgb:sourceSpan/kgb:startLine ?line .
          ?k skos:prefLabel "primary"@en }""")
    assert (str(link[0]), int(link[1])) == ("11. b", 328)


def test_cited_target_has_sentence_evidence(full_build):
    rows = list(full_build.store.select("""
        SELECT ?evidence WHERE { ?o skos:notation "1.1" ; kgb:targetLink ?l .
          ?l kgb:linkedTarget ?t ; kgb:evidenceText ?evidence . FILTER(?t = ?target) }""",
        {"target": SDG["5.2"]}))
    assert rows and "gender-based violence" in str(rows[0][0])


def test_indicator_code_as_written_and_data_frequency(full_build):
    rows = {(str(c), str(w), str(f)) for c, w, f in full_build.store.select("""
        SELECT ?code ?written ?frequency WHERE {
          ?i kgb:indicatorCode ?code ; kgb:writtenAs ?written ; kgb:dataFrequency ?frequency }""")}
    assert ("1.3.1 (N)", "1.3.1.(N)", "annually") in rows
    assert ("3.7.1 (N)", "3.7.1. (N)", "next data in 2022") in rows


def test_indicator_values_are_typed(full_build):
    (row,) = full_build.store.select("""
        SELECT ?value ?year WHERE {
          ?o skos:notation "1.1" ; kgb:hasIndicator/^kgb:subIndicatorOf ?i .
          ?i dcterms:description ?d ; kgb:baseline ?b . ?b kgb:numericValue ?value ; kgb:year ?year .
          FILTER(STRSTARTS(?d, "Number of children (0-18)")) }""")
    assert row[0].toPython() == 825000 and str(row[1]) == "2019"
