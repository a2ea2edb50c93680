"""The aligner: signals, data files, thresholds, the inferred graph and the evaluation harness."""
from __future__ import annotations

import re
import shutil

import pytest
from conftest import ROOT, SOURCES, key_of
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from kgbuild import align_graph
from kgbuild.align import (
    EXPLICIT_GOAL,
    EXPLICIT_TARGET,
    Aligner,
    Evidence,
    goal_ranking,
)
from kgbuild.align_eval import cited_sentences, outcomes, run, strip_citations
from kgbuild.align_graph import align
from kgbuild.namespaces import KGB, SDG, graph_iri
from kgbuild.store import OxigraphStore, ntriples
from kgbuild.vocab import concept_in, scheme

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
    # no labelled item writes a code, so the learned model sees it only through the noisy-OR
    assert top.target == "5.2" and "explicit-code" in top.methods and top.confidence >= aligner.assert_threshold


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
    # the phrase is the only clue: the confidence is what the learned model makes of it
    assert top.target == "16.5" and top.evidence[0].confidence == 0.7 and top.evidence[0].method == "thesaurus"


def test_bad_thesaurus_line_names_file_and_line(tmp_path):
    folder = copy_align_dir(tmp_path)
    lines = (folder / "thesaurus.tsv").read_text(encoding="utf-8").splitlines()
    (folder / "thesaurus.tsv").write_text("\n".join(lines + ["99.9\tno such target"]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"thesaurus.tsv:{len(lines) + 1}:"):
        Aligner(folder)


def test_threshold_comes_from_the_settings_file(mr_build, tmp_path):
    folder = copy_align_dir(tmp_path)
    settings = (folder / "settings.toml").read_text(encoding="utf-8")
    strict_settings = re.sub(r"(?m)^assert_threshold = [0-9.]+$", "assert_threshold = 0.99", settings, count=1)
    assert strict_settings != settings
    (folder / "settings.toml").write_text(strict_settings, encoding="utf-8")
    store = align_input(mr_build.store)
    strict = align(store, Aligner(folder))
    strict_links = count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?i kgb:supportsTarget ?t }")
    default = align(store, Aligner())
    default_links = count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?i kgb:supportsTarget ?t }")
    assert strict_links < default_links
    assert strict.counts["supportsTarget"] == strict_links and default.counts["supportsTarget"] == default_links
    assert strict.counts["alignments"] == default.counts["alignments"] == count(
        store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kgb:Alignment }")


def test_goal_ranking_adds_up_weak_clues_into_one_goal(aligner):
    proposals = aligner.combine([
        *aligner.text_evidence("maternal mortality"), *aligner.text_evidence("universal health coverage")])
    assert goal_ranking(proposals)[0][0] == "3"
    assert goal_ranking(proposals)[0][1] > max(p.confidence for p in proposals)


def query_actions(store, code):
    return {str(label): float(conf) for label, conf in store.select("""
        SELECT ?label ?conf WHERE {
          ?a a kgb:KeyAction ; kgb:supportsTarget ?t ; dcterms:description ?label .
          ?al kgb:alignmentOf ?a ; kgb:alignedTo ?t ; kgb:confidence ?conf .
        }""", {"t": SDG[code]})}


def test_actions_supporting_5_2(full_build):
    supporting = query_actions(full_build.store, "5.2")
    assert any(label.startswith("Provide technical and expert support to the Government in the pilot of the EVAW Prevalence Study")
               for label in supporting)
    assert "Develop broad campaign for dealing with gender stereotypes in society" in supporting
    # an awareness campaign on gender equality is labelled 5.1 in data/align/dev-set.tsv
    assert "Conduct public awareness campaigns and other joint advocacy actions on GEWE." not in supporting
    assert all(0.5 <= conf <= 1 for conf in supporting.values())


def test_administrative_action_gets_no_target(full_build):
    rows = list(full_build.store.select("""
        SELECT ?t WHERE { ?a dcterms:description "Conduct Self-Assessment Exercise" ; kgb:supportsTarget ?t }"""))
    assert rows == []


def test_alignments_carry_confidence_methods_and_evidence(full_build):
    store = full_build.store
    inferred = [str(graph_iri("inferred", "alignment"))]
    methods = scheme("alignment-method")
    rows = store.select("""
        SELECT ?node ?confidence (COUNT(DISTINCT ?evidence) AS ?clues) (GROUP_CONCAT(DISTINCT STR(?method)) AS ?methods)
        WHERE { ?node a kgb:Alignment ; kgb:confidence ?confidence ; kgb:evidenceText ?evidence ;
                      kgb:alignmentMethod ?method }
        GROUP BY ?node ?confidence""", graphs=inferred)
    assert len(rows) == count(store, "SELECT (COUNT(?a) AS ?n) WHERE { ?a a kgb:Alignment }", inferred) > 0
    for node, confidence, clues, found in rows:
        assert 0 <= float(confidence) <= 1 and int(clues) >= 1
        assert all(URIRef(m) in methods for m in str(found).split())
    # nothing inferred is mixed with what was read
    for name in store.graph_names():
        if "/graph/source/" in name:
            assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?i kgb:supportsTarget ?t }", [name]) == 0


def test_outcome_alignment_only_where_country_and_time_overlap(full_build):
    rows = list(full_build.store.select("""
        SELECT DISTINCT ?eval WHERE { ?eval kgb:hasRecommendation ?rec . ?rec kgb:hasManagementResponse/kgb:hasKeyAction ?a .
          ?a kgb:supportsOutcome ?o }"""))
    assert [str(r[0]).rsplit("/", 1)[-1] for r in rows] == [key_of("unwomen-gate-mr-kazakhstan-cpe-2016-2020")]


def test_outcomes_of_the_same_number_in_two_frameworks_get_two_alignments(aligner):
    # Two frameworks of one country whose periods both meet the evaluation's years, each
    # with an outcome 1.1: an IRI made of the number alone merged the two alignments into
    # one node with two targets and two confidences.
    from kgbuild.namespaces import mint
    statement = "Women and girls live free from gender-based violence and have access to justice"
    outcomes_ = [align_graph.OutcomeInfo(URIRef(f"{mint('framework', key)}/outcome/1.1"), "1.1", statement,
                                         {"5.2"}, {"KAZ"}, years)
                 for key, years in (("unsdcf-kaz-2016-2020", (2016, 2020)), ("unsdcf-kaz-2021-2025", (2021, 2025)))]
    item = align_graph.Item(mint("evaluation", "e", "recommendation", "1"), "recommendation",
                            "End violence against women and girls and widen their access to justice",
                            countries={"KAZ"}, years=(2019, 2022))
    text, _, _, _ = align_graph._align_chunk(aligner, [item], outcomes_)
    aligned = {}
    for line in text.splitlines():
        subject, predicate, obj = line.split(" ", 2)
        if predicate == f"<{KGB.alignedTo}>" and "/outcome/" in obj:
            aligned.setdefault(subject, []).append(obj)
    assert len(aligned) == 2 and all(len(objects) == 1 for objects in aligned.values())
    assert sorted(o for objects in aligned.values() for o in objects) == sorted(f"<{o.iri}> ." for o in outcomes_)


def test_cited_sentences_never_show_the_citation():
    cited = cited_sentences(SOURCES / "unsdcf-kazakhstan-2021-2025.txt")
    assert len(cited) >= 40
    for item in cited:
        assert "(SDG" not in item.text and item.split == "cited"
        for code in item.targets:
            assert f"({code}" not in item.text
    assert strip_citations("Help victims of sexual violence (SDG 5.2) and others (3.1;3.2).") == \
        "Help victims of sexual violence and others."


def test_scores_on_the_cited_sentences_are_rates(aligner):
    cited = cited_sentences(SOURCES / "unsdcf-kazakhstan-2021-2025.txt")
    found = outcomes(run(aligner, cited), aligner.assert_threshold)
    assert len(found["target_p1"]) == len(cited) and found["unaligned"] == []
    assert all(v in (0.0, 1.0) for v in found["target_p1"] + found["goal_p1"])
    assert sum(found["goal_hit3"]) >= sum(found["target_hit3"]) > 0


# -- scale: the batched stage against the aligner as it was, item by item ---------------------

ALIGNMENT = str(graph_iri("inferred", "alignment"))


def count(store, sparql, graphs=None) -> int:
    (row,) = store.select(sparql, graphs=graphs)
    return int(row[0])


def align_input(built) -> OxigraphStore:
    """A store holding what the align stage reads: a build's graphs but the inferred ones."""
    store = OxigraphStore()
    for name in built.graph_names():
        if "/graph/inferred/" not in name:
            store.replace_graph(name, built.dump("ntriples", name))
    return store


def alignment_lines(store) -> set[bytes]:
    return set(store.sorted_lines([ALIGNMENT], fmt="ntriples"))


class ReferenceAligner:
    """The aligner before batching, kept as the oracle: each text read alone, every phrase
    regex tried, one scikit-learn transform and product per text, per-item combination."""

    def __init__(self, aligner: Aligner):
        self.a, self.s, self.cache = aligner, aligner.settings, {}

    def text_evidence(self, text, source="text"):
        if not text or not text.strip():
            return []
        if text not in self.cache:
            self.cache[text] = self._read(text)
        return [e._replace(source=source) for e in self.cache[text]]

    def _read(self, text):
        from sklearn.metrics.pairwise import linear_kernel
        a, s, found = self.a, self.s["signals"], []
        for m in EXPLICIT_TARGET.finditer(text):
            if m.group(1) in a.targets:
                found.append(Evidence(m.group(1), s["explicit_code"], "explicit-code", f'code "{m.group(0)}"'))
        for m in EXPLICIT_GOAL.finditer(text):
            for code in a.goals.get(m.group(1), []):
                found.append(Evidence(code, s["explicit_goal"], "explicit-goal", f'goal "{m.group(0)}"'))
        for phrase in a.phrases:
            if phrase.pattern.search(text):
                found.append(Evidence(phrase.target, phrase.weight, "thesaurus", f'phrase "{phrase.text}"'))
        vector = a._vectorizer.transform([text])
        if vector.nnz:
            scores = linear_kernel(vector, a._target_matrix).ravel()
            for i in sorted(range(len(scores)), key=lambda i: (-scores[i], i))[: s["similarity_top"]]:
                if scores[i] >= s["similarity_floor"]:
                    found.append(Evidence(a._target_codes[i], min(s["similarity_cap"], s["similarity_scale"] * float(scores[i])),
                                          "text-similarity", f"similar to the target's official texts and phrases (cosine {scores[i]:.2f})"))
        return found

    def propose(self, text, tags=(), context=(), context_tags=()):
        scaled = lambda e, f: e._replace(confidence=round(e.confidence * f, 4))
        evidence = self.text_evidence(text) + self.a.tag_evidence(list(tags))
        for source, context_text, factor in context:
            evidence += [scaled(e, factor) for e in self.text_evidence(context_text, source)]
        evidence += [scaled(e, self.s["context"]["inherited"]) for e in self.a.tag_evidence(list(context_tags), "recommendation tags")]
        # The batching under test is in gathering evidence; the combination is the aligner's own.
        return self.a.combine(evidence, text)

    def cosine(self, item, outcome):
        from sklearn.metrics.pairwise import linear_kernel
        vectors = self.a._vectorizer.transform([align_graph._outcome_text(item), outcome.statement])
        return float(linear_kernel(vectors[0], vectors[1])[0, 0])


OLD_ITEMS = {"recommendation": """
    SELECT ?rec ?text ?rationale ?respText ?start ?end (GROUP_CONCAT(?country) AS ?countries) WHERE {
      ?eval kgb:hasRecommendation ?rec . ?rec dcterms:description ?text .
      OPTIONAL { ?rec kgb:rationale ?rationale }
      OPTIONAL { ?rec kgb:hasManagementResponse/dcterms:description ?respText }
      OPTIONAL { ?eval kgb:periodStart ?start ; kgb:periodEnd ?end }
      OPTIONAL { ?eval kgb:country ?country }
    } GROUP BY ?rec ?text ?rationale ?respText ?start ?end""", "action": """
    SELECT ?action ?text ?comment ?recText ?respText ?rec ?deadline ?start ?end (GROUP_CONCAT(?country) AS ?countries) WHERE {
      ?eval kgb:hasRecommendation ?rec . ?rec kgb:hasManagementResponse ?resp . ?resp kgb:hasKeyAction ?action .
      ?action dcterms:description ?text . ?rec dcterms:description ?recText .
      OPTIONAL { ?action kgb:progressComment ?comment }
      OPTIONAL { ?resp dcterms:description ?respText }
      OPTIONAL { ?action kgb:deadline ?deadline }
      OPTIONAL { ?eval kgb:periodStart ?start ; kgb:periodEnd ?end }
      OPTIONAL { ?eval kgb:country ?country }
    } GROUP BY ?action ?text ?comment ?recText ?respText ?rec ?deadline ?start ?end"""}


def reference_items(store, settings):
    """The items as the one-query-per-kind GROUP BY of the unbatched stage read them."""
    inherited, comment = settings["context"]["inherited"], settings["context"]["comment"]
    tags = {}
    for rec, concept in store.select("""SELECT ?rec ?c WHERE {
            VALUES ?p { kgb:thematicArea kgb:operatingPrinciple kgb:organizationalPriority kgb:unegCriterion } ?rec ?p ?c }"""):
        for scheme_iri in store.objects(concept, str(SKOS.inScheme)):
            for label in store.objects(concept, str(SKOS.prefLabel)):
                tags.setdefault(rec, set()).add((str(scheme_iri).rstrip("/").rsplit("/", 1)[-1], str(label)))
    found = []
    for rec, text, rationale, response, start, end, countries in store.select(OLD_ITEMS["recommendation"]):
        found.append(align_graph.Item(rec, "recommendation", " ".join(filter(None, [str(text), str(rationale or "")])),
                                      [("response", str(response), inherited)] if response else [],
                                      sorted(tags.get(rec, [])), [], set(str(countries or "").split()),
                                      (int(str(start)), int(str(end))) if start else None))
    for action, text, com, rec_text, response, rec, deadline, start, end, countries in store.select(OLD_ITEMS["action"]):
        context = [("recommendation", str(rec_text), inherited)] + ([("response", str(response), inherited)] if response else []) \
            + ([("progress comment", str(com), comment)] if com else [])
        years = (int(str(deadline)[:4]),) * 2 if deadline else ((int(str(start)), int(str(end))) if start else None)
        found.append(align_graph.Item(action, "action", str(text), context, [], sorted(tags.get(rec, [])),
                                      set(str(countries or "").split()), years))
    return found


def reference_alignment(store) -> set[bytes]:
    """The alignment graph as the unbatched stage made it, item by item, as N-Triples lines
    of an Oxigraph store (which keeps literals by value)."""
    aligner = Aligner()
    ref = ReferenceAligner(aligner)
    candidates = align_graph.outcomes(store)
    triples = []

    def alignment(node, item, to, confidence, evidence):
        triples.extend([(node, RDF.type, KGB.Alignment), (node, KGB.alignmentOf, item), (node, KGB.alignedTo, to),
                        (node, PROV.wasDerivedFrom, item),
                        (node, KGB.confidence, Literal(f"{confidence:.3f}", datatype=XSD.decimal)),
                        (node, RDFS.label, Literal(f"alignment to {str(to).rsplit('/', 1)[-1]} ({confidence:.3f})"))])
        inherited = {"inherited"} if any(e.source != "text" for e in evidence) else set()
        triples.extend((node, KGB.alignmentMethod, concept_in("alignment-method", m))
                       for m in sorted({e.method for e in evidence} | inherited))
        triples.extend((node, KGB.evidenceText, Literal(f"{e.detail}{'' if e.source == 'text' else f' in the {e.source}'} "
                                                        f"({e.confidence:.2f})")) for e in evidence)

    for item in reference_items(store, aligner.settings):
        proposals = ref.propose(item.text, item.tags, item.context, item.context_tags)
        for p in proposals:
            alignment(URIRef(align_graph.alignment_iri(item.iri, target=p.target)), item.iri, SDG[p.target], p.confidence, p.evidence)
            if p.confidence >= aligner.assert_threshold:
                triples.append((item.iri, KGB.supportsTarget, SDG[p.target]))
        for outcome, confidence, evidence in align_graph.outcome_proposals(aligner, item, proposals, candidates, ref.cosine):
            alignment(URIRef(align_graph.alignment_iri(item.iri, outcome=outcome.iri)), item.iri, outcome.iri, confidence, evidence)
            if confidence >= aligner.outcome_assert_threshold:
                triples.append((item.iri, KGB.supportsOutcome, outcome.iri))
    out = OxigraphStore()
    out.replace_graph(ALIGNMENT, ntriples(triples))
    return alignment_lines(out)


@pytest.fixture(scope="module")
def seed_input(full_build):
    return align_input(full_build.store)


def test_stage_gives_the_graph_of_the_unbatched_aligner(seed_input):
    expected = reference_alignment(seed_input)
    result = align(seed_input)
    got = alignment_lines(seed_input)
    assert len(expected) > 1000 and got == expected
    assert result.counts["alignments"] == count(seed_input, "SELECT (COUNT(?a) AS ?n) WHERE { ?a a kgb:Alignment }")
    assert result.counts["supportsOutcome"] == count(seed_input, "SELECT (COUNT(*) AS ?n) WHERE { ?i kgb:supportsOutcome ?o }")
    assert result.summary.startswith(f"{result.counts['alignments']} alignments; {result.counts['supportsTarget']} supportsTarget")


def test_chunks_in_worker_processes_give_the_same_graph(seed_input, monkeypatch):
    align(seed_input, workers=1)
    serial = alignment_lines(seed_input)
    monkeypatch.setattr(align_graph, "PARALLEL_FROM", 1)
    monkeypatch.setattr(align_graph, "CHUNK_ITEMS", 7)
    for workers in (1, 2):
        result = align(seed_input, workers=workers)
        assert result.detail["chunks"] > 2 and result.detail["workers"] == workers
        assert alignment_lines(seed_input) == serial


def corpus_texts(store) -> list[str]:
    texts = {str(t) for (t,) in store.select(
        "SELECT ?t WHERE { ?x dcterms:description|kgb:rationale|kgb:progressComment|skos:prefLabel ?t }")}
    tricky = ["ſtatistics on ſexual violence", "KELVIN Kelvin", "İnclusion of migrants", "EVAWs and evaws",
              "women’s economic empowerment", "gender-based  violence", "South–South cooperation", "GBV-related",
              "UNSCR 1325", "data disaggregated by sex", "", "   ", "the of and", "SDG 5.2, Goal 16 and target 3.c"]
    return sorted(texts) + tricky


def test_batched_signals_equal_reading_each_text_alone(seed_input):
    """TF-IDF rows equal scikit-learn's transform bit for bit; the thesaurus index finds
    every phrase a full scan finds; the evidence of each text is the unbatched one."""
    import numpy as np
    texts = corpus_texts(seed_input)
    aligner = Aligner()
    ours, sklearn = aligner.tfidf(texts), aligner._vectorizer.transform(texts)
    assert np.array_equal(ours.indptr, sklearn.indptr) and np.array_equal(ours.indices, sklearn.indices)
    assert np.array_equal(ours.data, sklearn.data) and ours.nnz > 1000
    for text in texts:
        assert [i for i in aligner._phrase_candidates(text) if aligner.phrases[i].pattern.search(text)] == \
            [i for i, p in enumerate(aligner.phrases) if p.pattern.search(text)], text
    aligner.read_texts(texts)
    ref = ReferenceAligner(aligner)
    assert all(aligner.text_evidence(t) == ref.text_evidence(t) for t in texts)
    assert any(e.method == "thesaurus" for t in texts for e in aligner.text_evidence(t))


def test_eval_scores_equal_the_unbatched_aligner():
    cited = cited_sentences(SOURCES / "unsdcf-kazakhstan-2021-2025.txt")
    aligner = Aligner()
    ref = ReferenceAligner(aligner)
    inherited = aligner.settings["context"]["inherited"]
    for item in cited:
        context = [("outcome", item.context, inherited)]
        assert aligner.propose(item.text, context=context) == ref.propose(item.text, context=context)
