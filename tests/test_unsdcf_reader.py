"""The cooperation-framework reader on the real UNSDCF and on constructed variants. The
golden file tests/golden/unsdcf-outcomes.json was checked by hand against the document:
target lists (lines 230, 266, 303, 328-329, 357-358, 402-403), LNOB and agency lines, the
partnership paragraphs and the rows of the results matrix (Annex 1)."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import SOURCES, mapped

from kgbuild.namespaces import KGB, SDG
from kgbuild.families import read_document
from kgbuild.families.unsdcf.reader import parse_measurement
from kgbuild.sdgcodes import indicator_iri
from kgbuild.vocab import concepts_for, scheme

GOLDEN = json.loads((Path(__file__).parent / "golden" / "unsdcf-outcomes.json").read_text(encoding="utf-8"))
UNSDCF = SOURCES / "unsdcf-kazakhstan-2021-2025.txt"


@pytest.fixture(scope="module")
def framework_doc():
    return read_document(UNSDCF)


def outcome(doc, number):
    return next(o for o in doc.framework.outcomes if o.number == number)


def test_reader_is_chosen_by_content(framework_doc):
    assert framework_doc.reader == "unsdcf"
    fw = framework_doc.framework
    assert (fw.countries, fw.period_start, fw.period_end) == (["KAZ"], 2021, 2025)


def test_three_thematic_areas_with_pillars_and_result_groups(framework_doc):
    areas = {a.number: a for a in framework_doc.framework.thematic_areas}
    assert sorted(areas) == [1, 2, 3]
    assert areas[1].name == "Human Development and Equal Participation" and areas[1].pillar == "People"
    assert areas[2].pillar == "Peace"
    assert areas[3].pillar == "Prosperity and Planet"
    assert areas[3].result_groups == [("Planet", ["3.2"]), ("Prosperity", ["3.1"])]


def test_six_outcomes_under_their_areas(framework_doc):
    outcomes = framework_doc.framework.outcomes
    assert [(o.number, o.thematic_area) for o in outcomes] == [
        ("1.1", 1), ("1.2", 1), ("2.1", 2), ("2.2", 2), ("3.1", 3), ("3.2", 3)]
    assert outcome(framework_doc, "2.2").statement.startswith("By 2025, state institutions at all levels")


@pytest.mark.parametrize("number", sorted(GOLDEN))
def test_outcome_matches_the_hand_checked_golden_file(framework_doc, number):
    o, golden = outcome(framework_doc, number), GOLDEN[number]
    assert [t.code for t in o.targets if t.kind == "primary"] == golden["primary"]
    assert [t.code for t in o.targets if t.kind == "crosscutting"] == golden["crosscutting"]
    concepts = sorted({str(c).rsplit("/", 1)[1] for g, _ in o.lnob for c in concepts_for("lnob-group", g)})
    assert concepts == golden["lnob"]
    assert [a for a, _ in o.agencies] == golden["agencies"]
    assert [p for p, _ in o.partners] == golden["partners"]
    assert len(o.indicators) == golden["indicators"]
    assert sum(len(i.parts) for i in o.indicators) == golden["sub_indicators"]


def test_nonexistent_target_is_reported_and_not_linked(framework_doc):
    assert "3.2" not in [t.code for t in outcome(framework_doc, "3.1").targets if t.kind == "primary"]
    messages = [(p.line, p.message) for p in framework_doc.problems]
    assert any(line == 357 and "'3.2.a'" in m and "not linked" in m for line, m in messages)
    graph = mapped(framework_doc)
    assert not [o for o in graph.objects(None, KGB.linkedTarget) if "3.2.a" in str(o)]


def test_citations_carry_their_sentence(framework_doc):
    cited = [t for t in outcome(framework_doc, "1.1").targets if t.kind == "cited" and t.code == "5.2"]
    assert cited and "victims of sexual violence (SDG 5.2)" in cited[0].evidence
    assert cited[0].line == 237


def test_every_lnob_group_resolves_to_one_concept_per_spelling():
    lnob = scheme("lnob-group")
    assert lnob.lookup("PWD") == lnob.lookup("people with disabilities") == lnob.lookup("PWDs")
    assert concepts_for("lnob-group", "people with disabilities (PWDs)") == [lnob.lookup("PWD")]
    assert concepts_for("lnob-group", "men and women who inject drugs (PWID)") == [lnob.lookup("PWID")]
    assert lnob.lookup("rural women") != lnob.lookup("women, children, adolescents living in rural and remote areas")


def test_outcome_1_1_indicators_with_typed_values(framework_doc):
    indicators = outcome(framework_doc, "1.1").indicators
    children = next(p for i in indicators for p in i.parts if p.label.startswith("Number of children (0-18)"))
    (baseline,), (target,) = children.baselines, children.targets
    assert (baseline.value, baseline.unit, baseline.year) == ("825000", "children", 2019)
    assert (target.value, target.year) == ("860000", 2025)
    spending = next(i for i in indicators if i.code == "1.b.1")
    assert (spending.code_kind, spending.code_written) == ("G", "SDG 1.b.1 (G)")
    assert indicators[0].code_written == "1.3.1.(N)"
    assert (spending.baselines[0].value, spending.baselines[0].unit, spending.baselines[0].year) == ("21.7", "percent", 2019)
    assert (spending.targets[0].value, spending.targets[0].year) == ("25", 2025)
    assert spending.agencies == ["UNDP", "UN Women"]
    assert "Ministry of Finance" in spending.partners
    suicide = next(i for i in indicators if i.label.startswith("Suicide rate"))
    assert (suicide.code, suicide.proxy_of, suicide.proxy_kind) == (None, "3.4.2", "G")


def test_indicator_links_by_kind_in_rdf(framework_doc):
    graph = mapped(framework_doc)
    assert indicator_iri("1.b.1") == SDG["C010b02"]   # the 2023 code of the revised indicator
    assert indicator_iri("1.b.1") in set(graph.objects(None, KGB.globalIndicator))
    assert indicator_iri("3.4.2") in set(graph.objects(None, KGB.proxyFor))
    assert indicator_iri("1.3.1") in set(graph.objects(None, KGB.nationalIndicatorOf))


@pytest.mark.parametrize("written, value, unit, comparator, year", [
    ("21,7% (2019)", "21.7", "percent", None, 2019),
    ("825.000 children 2019", "825000", "children", None, 2019),
    ("860,000 (2025)", "860000", None, None, 2025),
    ("≤0.14 (2025)", "0.14", None, "≤", 2025),
    ("at least 50 % (2025)", "50", "percent", "at least", 2025),
    ("12 933 100 ha (2018),", "12933100", "ha", None, 2018),
    ("5.711 m3/KZT 1000 (2017)", "5.711", "m3/KZT 1000", None, 2017),
    ("20% of the estimated number of PWID by 2025", None, None, None, 2025),
    ("men - 42.4 % (safe), women – 37.1 % (safe)", None, None, None, None),
    ("No (2020)", None, None, None, 2020),
    ("TBC (when global methodology is available)", None, None, None, None),
])
def test_measurement_reading(written, value, unit, comparator, year):
    m = parse_measurement(written)
    assert (m.value, m.unit, m.comparator, m.year) == (value, unit, comparator, year)
    assert m.text == " ".join(written.split())


FRAMEWORK = textwrap.dedent("""\
    Executive Summary
    The United Nations in Kazakhstan and the Government agreed the UNSDCF 2021-2025.
    2.4.1. Thematic Area 1: Human Development
    \tCooperation Framework Outcome 1.1. By 2025, people have services.
    Services matter (SDG 3.8) for all.Global SDG targets: {targets}
    Crosscutting: {crosscutting}
    {lnob}
    Contributing UN Agencies: UNICEF, {agency}
    \tPartnerships:
    Main partners are the Ministry of Health and the Ministry of Education.
    2.5. Synergies
    Annex 1: The Cooperation Framework Results Matrix
    \tRESULTS
    \t INDICATORS
    \tSOURCE AND RESPONSIBLE AGENCY
    \tPARTNERS
    \tRelated Global SDG Target(s):
    \t{targets}
    \tOutcomes 1.1. By 2025, people have services.
    \t3.8.1 (G) Coverage of essential health services
    Baseline: 70% (2019)
    Target: 80% (2025)
    \tMinistry of Health (annually)
    WHO
    \tMinistry of Health
    EMPTY-CELL
    \t{last_row}
    Annex 2: Legal Annex
    """)


def framework(tmp_path, targets="3.8; 1.3", crosscutting="10.2", lnob="LNOB: migrants; PWD", agency="UNDP",
              last_row="Number of clinics\nBaseline: 10 (2019)\nTarget: 12 (2025)\n\tMinistry of Health\n\tAkimats"):
    path = tmp_path / "framework.txt"
    path.write_text(FRAMEWORK.format(targets=targets, crosscutting=crosscutting, lnob=lnob, agency=agency,
                                     last_row=last_row).replace("EMPTY-CELL", "\t"), encoding="utf-8")
    return read_document(path)


def test_variant_reads_like_the_real_layout(tmp_path):
    doc = framework(tmp_path)
    assert doc.reader == "unsdcf"
    (o,) = doc.framework.outcomes
    assert [t.code for t in o.targets if t.kind == "primary"] == ["3.8", "1.3"]
    assert [t.code for t in o.targets if t.kind == "cited"] == ["3.8"]
    assert [p for p, _ in o.partners] == ["Ministry of Health", "Ministry of Education"]
    assert len(o.indicators) == 2 and o.indicators[1].partners == ["Akimats"]
    assert not [p for p in doc.problems if p.severity == "error"]


@pytest.mark.parametrize("written", ["3.8, 1.3", "3.8 / 1.3", "3.8 and 1.3", "3.8.;1.3.", "3.8 1.3"])
def test_other_separators_between_codes(tmp_path, written):
    (o,) = framework(tmp_path, targets=written).framework.outcomes
    assert [t.code for t in o.targets if t.kind == "primary"] == ["3.8", "1.3"]


def test_code_variants_and_duplicates(tmp_path):
    (o,) = framework(tmp_path, targets="11. b; 4c; 5a; 16b; 3d; 5.5.; 9.b: 4c").framework.outcomes
    assert [t.code for t in o.targets if t.kind == "primary"] == ["11.b", "4.c", "5.a", "16.b", "3.d", "5.5", "9.b"]


def test_missing_lnob_line_is_reported(tmp_path):
    doc = framework(tmp_path, lnob="")
    assert doc.framework.outcomes[0].lnob == []
    assert any("no LNOB line" in p.message and p.line == 4 for p in doc.problems)


def test_unknown_agency_acronym_is_a_warning_and_kept_as_text(tmp_path):
    doc = framework(tmp_path, agency="UNXYZ")
    graph = mapped(doc)
    assert [str(o) for o in graph.objects(None, KGB.agencyText)] == ["UNXYZ"]
    assert len(set(graph.objects(None, KGB.contributingAgency))) == 1
    assert any("UNXYZ" in p.message and p.severity == "warning" and p.line == 8 for p in doc.problems)


def test_truncated_results_matrix_keeps_what_is_there(tmp_path):
    doc = framework(tmp_path, last_row="Number of clinics\nBaseline: 10 (2")
    (o,) = doc.framework.outcomes
    assert len(o.indicators) == 2
    cut = o.indicators[1]
    assert cut.label == "Number of clinics" and cut.baselines[0].text == "10 (2"
    assert cut.baselines[0].year is None and cut.sources == []
    assert any("1 of 4 cells" in p.message for p in doc.problems)
