"""The aligner: signals, data files, thresholds, the inferred graph and the evaluation harness."""
from __future__ import annotations

import shutil

import pytest
from rdflib.namespace import RDF

from conftest import ROOT, SOURCES
from kgbuild.align import Aligner, goal_ranking
from kgbuild.align_eval import dev_set, format_table, score, strip_citations
from kgbuild.align_graph import align
from kgbuild.namespaces import KGB, SDG, graph_iri
from kgbuild.vocab import scheme

ALIGN_DIR = ROOT / "data" / "align"


@pytest.fixture(scope="module")
def aligner():
    return Aligner()


def copy_align_dir(tmp_path):
    target = tmp_path / "align"
    shutil.copytree(ALIGN_DIR, target)
    return target


def test_explicit_code_wins(aligner):
    (top, *_) = aligner.propose("Report on progress towards SDG 5.2 in the annual review")
    assert top.target == "5.2" and "explicit-code" in top.methods and top.confidence >= 0.95


def test_thesaurus_phrase_and_acronym_case(aligner):
    (top, *_) = aligner.propose("Support the national EVAW prevalence study")
    assert top.target == "5.2" and "thesaurus" in top.methods
    lower = [p.target for p in aligner.propose("the evaw of something")]
    assert "5.2" not in lower     # acronyms match in capitals only


def test_context_counts_less_than_own_text(aligner):
    own = aligner.propose("Prevent violence against women")[0]
    inherited = aligner.propose("Hold a meeting", context=[("response", "Prevent violence against women", 0.5)])[0]
    assert own.target == inherited.target == "5.2"
    assert inherited.confidence < own.confidence and "inherited" in inherited.methods


def test_a_new_phrase_needs_no_code_change(tmp_path):
    folder = copy_align_dir(tmp_path)
    text = "Roll out the Blue Ribbon pledge in all regions"
    assert "16.5" not in [p.target for p in Aligner(folder).propose(text)]
    with (folder / "thesaurus.tsv").open("a", encoding="utf-8") as handle:
        handle.write("16.5\tBlue Ribbon pledge\t0.7\n")
    (top, *_) = Aligner(folder).propose(text)
    assert (top.target, top.confidence) == ("16.5", 0.7)


def test_bad_thesaurus_line_names_file_and_line(tmp_path):
    folder = copy_align_dir(tmp_path)
    lines = (folder / "thesaurus.tsv").read_text(encoding="utf-8").splitlines()
    (folder / "thesaurus.tsv").write_text("\n".join(lines + ["99.9\tno such target"]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"thesaurus.tsv:{len(lines) + 1}:"):
        Aligner(folder)


def test_threshold_comes_from_the_settings_file(mr_build, tmp_path):
    folder = copy_align_dir(tmp_path)
    settings = (folder / "settings.toml").read_text(encoding="utf-8")
    (folder / "settings.toml").write_text(settings.replace("assert_threshold = 0.5", "assert_threshold = 0.99"),
                                          encoding="utf-8")
    strict = align(mr_build.kg, Aligner(folder))
    default = align(mr_build.kg, Aligner())
    assert len(set(strict.triples((None, KGB.supportsTarget, None)))) < len(set(default.triples((None, KGB.supportsTarget, None))))
    assert len(set(strict.subjects(RDF.type, KGB.Alignment))) == len(set(default.subjects(RDF.type, KGB.Alignment)))


def test_goal_ranking_adds_up_weak_clues_into_one_goal(aligner):
    proposals = aligner.combine([
        *aligner.text_evidence("maternal mortality"), *aligner.text_evidence("universal health coverage")])
    assert goal_ranking(proposals)[0][0] == "3"
    assert goal_ranking(proposals)[0][1] > max(p.confidence for p in proposals)


def query_actions(kg, code):
    return {str(label): float(conf) for label, conf in kg.query("""
        SELECT ?label ?conf WHERE {
          ?a a kgb:KeyAction ; kgb:supportsTarget ?t ; dcterms:description ?label .
          ?al kgb:alignmentOf ?a ; kgb:alignedTo ?t ; kgb:confidence ?conf .
        }""", {"t": SDG[code]})}


def test_actions_supporting_5_2(full_build):
    supporting = query_actions(full_build.kg, "5.2")
    assert any(label.startswith("Provide technical and expert support to the Government in the pilot of the EVAW Prevalence Study")
               for label in supporting)
    assert "Develop broad campaign for dealing with gender stereotypes in society" in supporting
    assert "Conduct public awareness campaigns and other joint advocacy actions on GEWE." in supporting
    assert all(0.5 <= conf <= 1 for conf in supporting.values())


def test_administrative_action_gets_no_target(full_build):
    rows = list(full_build.kg.query("""
        SELECT ?t WHERE { ?a dcterms:description "Conduct Self-Assessment Exercise" ; kgb:supportsTarget ?t }"""))
    assert rows == []


def test_alignments_carry_confidence_methods_and_evidence(full_build):
    kg = full_build.kg
    inferred = kg.graph(graph_iri("inferred", "alignment"))
    methods = scheme("alignment-method")
    nodes = set(inferred.subjects(RDF.type, KGB.Alignment))
    assert nodes
    for node in nodes:
        confidence = float(inferred.value(node, KGB.confidence))
        assert 0 <= confidence <= 1
        assert all(m in methods for m in inferred.objects(node, KGB.alignmentMethod))
        assert list(inferred.objects(node, KGB.evidenceText))
    # nothing inferred is mixed with what was read
    for name in kg.graph_names():
        if "/graph/source/" in str(name):
            assert not set(kg.graph(name).triples((None, KGB.supportsTarget, None)))


def test_outcome_alignment_only_where_country_and_time_overlap(full_build):
    rows = list(full_build.kg.query("""
        SELECT DISTINCT ?eval WHERE { ?eval kgb:hasRecommendation ?rec . ?rec kgb:hasManagementResponse/kgb:hasKeyAction ?a .
          ?a kgb:supportsOutcome ?o }"""))
    assert [str(r[0]).rsplit("/", 1)[-1] for r in rows] == ["unwomen-gate-mr-kazakhstan-cpe-2016-2020"]


def test_dev_set_never_shows_the_citation():
    dev = dev_set(SOURCES / "unsdcf-kazakhstan-2021-2025.txt")
    assert len(dev) >= 40
    for item in dev:
        assert "(SDG" not in item.sentence
        for code in item.cited:
            assert f"({code}" not in item.sentence
    assert strip_citations("Help victims of sexual violence (SDG 5.2) and others (3.1;3.2).") == \
        "Help victims of sexual violence and others."


def test_scores_are_rates_and_the_table_prints(aligner):
    dev = dev_set(SOURCES / "unsdcf-kazakhstan-2021-2025.txt")
    metrics = score(aligner, dev)
    assert all(0 <= value <= 1 for value in metrics.values())
    assert metrics["goal_p1"] >= metrics["target_p1"]
    table = format_table([("all signals", metrics)], len(dev))
    assert "| all signals |" in table and f"{len(dev)} sentences" in table
