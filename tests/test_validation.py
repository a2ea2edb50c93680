"""SHACL validation: the built graph conforms; every shape catches what it is for, and the
report names the source document and line. Violations are planted in a copy of the built
graph (each shape's violating fixture); the built graph itself is the conforming one."""
from __future__ import annotations

import pytest

from conftest import key_of, run_cli
from kgbuild.namespaces import SDG, base_iri, graph_iri
from kgbuild.store import OxigraphStore
from kgbuild.validate import shapes_graph, validate

FILES = ("unwomen-gate-mr-kazakhstan-cpe-2016-2020", "unwomen-gate-mr-kazakhstan-mco-portfolio-2014-2015",
         "unwomen-gate-mr-kyrgyzstan-gpi-pbf-migration-2018-2022",
         "undp-erc-kazakhstan-international-cooperation-outcome-2018", "unsdcf-kazakhstan-2021-2025")
# The seed documents by the names their IRIs are minted from; FILE gives each its file.
CPE, MCO, KGZ, ERC, FW = (key_of(stem) for stem in FILES)
FILE = {key_of(stem): f"{stem}.txt" for stem in FILES}


def iri(path: str) -> str:
    return f"<{base_iri()}{path}>"


def source(name: str) -> str:
    return f"<{graph_iri('source', name)}>"


def copy_store(store) -> OxigraphStore:
    """An in-memory copy, graph by graph, to corrupt without touching the shared build."""
    copy = OxigraphStore()
    for name in store.graph_names():
        copy.replace_graph(name, store.dump("ntriples", name))
    return copy


def test_built_graph_conforms_with_the_known_warnings(full_build):
    report = full_build.validation
    assert report.violations == 0
    warnings = [(r.file, r.line, r.message) for r in report.results if r.severity == "Warning"]
    assert warnings == [
        (FILE[ERC], 391, "the management response has no category, stated or derivable"),
        (FILE[ERC], 391, "the management response has no text"),
    ]


def test_every_shape_has_focus_nodes_in_the_built_graph(full_build):
    """The conforming fixture exercises each shape: each targets something real."""
    from rdflib.namespace import RDF, SH
    shapes = shapes_graph()
    store = full_build.store
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        classes = list(shapes.objects(shape, SH.targetClass))
        subjects_of = list(shapes.objects(shape, SH.targetSubjectsOf))
        if not classes and not subjects_of:
            continue   # used through sh:node only
        found = any(store.ask(f"ASK {{ ?s a <{c}> }}") for c in classes) or \
            any(store.ask(f"ASK {{ ?s <{p}> ?o }}") for p in subjects_of)
        assert found, f"shape {shape} targets nothing in the built graph"


PLANTED = {   # shape label -> (message part, file, line) of the violation `plant` makes
    "key action": ("an overdue status needs a deadline", FILE[CPE], 25),
    "recommendation": ("a recommendation has at most one text", FILE[MCO], 43),
    "management response": ("a category needs its method", FILE[KGZ], 12),
    "evaluation": ("not an ISO 3166-1 alpha-3 code", FILE[ERC], 1),
    "outcome": ("official SDG targets", FILE[FW], 398),
    "target link": ("a cited target needs the sentence", FILE[FW], 237),
    "result indicator": ("", FILE[FW], 753),
    "measurement": ("", FILE[FW], 953),
    "finding": ("", FILE[ERC], 72),
    "extracted resource": ("no source document", FILE[ERC], 81),
    "source document": ("", FILE[KGZ], 1),
    "alignment": ("confidence in [0, 1]", FILE[CPE], 25),
    "asserted support": ("no alignment behind it", FILE[CPE], 40),
}


def plant(store) -> dict[str, tuple[str, str, int]]:
    """Plant one violation per shape with SPARQL Update; return PLANTED."""
    alignment = graph_iri("inferred", "alignment")
    store.update(f"""
        DELETE WHERE {{ GRAPH {source(CPE)} {{ {iri(f"evaluation/{CPE}/recommendation/2/response/action/1")} kgb:deadline ?d }} }} ;
        INSERT DATA {{ GRAPH {source(MCO)} {{ {iri(f"evaluation/{MCO}/recommendation/3")} dcterms:description "a second text" }} }} ;
        DELETE WHERE {{ GRAPH {source(KGZ)} {{ {iri(f"evaluation/{KGZ}/recommendation/1/response")} kgb:responseCategoryMethod ?m }} }} ;
        INSERT DATA {{ GRAPH {source(ERC)} {{ {iri(f"evaluation/{ERC}")} kgb:country "Kazakhstan" }} }} ;
        INSERT DATA {{ GRAPH {source(FW)} {{ {iri(f"framework/{FW}/outcome/3.2")} kgb:primaryTarget <{SDG}3.2.a> }} }} ;
        DELETE WHERE {{ GRAPH {source(FW)} {{ {iri(f"framework/{FW}/outcome/1.1/target-link/cited/5.2/1")} kgb:evidenceText ?t }} }} ;
        INSERT DATA {{ GRAPH {source(FW)} {{ {iri(f"framework/{FW}/outcome/1.2/indicator/1")} dcterms:description "a second text" }} }} ;
        INSERT DATA {{ GRAPH {source(FW)} {{ {iri(f"framework/{FW}/outcome/2.1/indicator/3/baseline/1")} kgb:numericValue "B" }} }} ;
        INSERT DATA {{ GRAPH {source(ERC)} {{ {iri(f"evaluation/{ERC}/finding/3")} kgb:tag <https://w3id.org/kgbuild/vocab/uneg-criterion/impact> }} }} ;
        DELETE WHERE {{ GRAPH {source(ERC)} {{ {iri(f"evaluation/{ERC}/finding/4")} prov:wasDerivedFrom ?d }} }} ;
        DELETE WHERE {{ GRAPH {source(KGZ)} {{ {iri(f"source/{KGZ}")} kgb:sha256 ?h }} }} ;
        INSERT DATA {{ GRAPH {source(KGZ)} {{ {iri(f"source/{KGZ}")} kgb:sha256 "not-a-digest" }} }} ;
        DELETE WHERE {{ GRAPH <{alignment}> {{
            {iri(f"evaluation/{CPE}/recommendation/2/response/action/1/alignment/target/5.2")} kgb:confidence ?c }} }} ;
        INSERT DATA {{ GRAPH <{alignment}> {{
            {iri(f"evaluation/{CPE}/recommendation/2/response/action/1/alignment/target/5.2")} kgb:confidence 1.5 }} }} ;
        INSERT DATA {{ GRAPH <{alignment}> {{
            {iri(f"evaluation/{CPE}/recommendation/3/response/action/3")} kgb:supportsTarget <{SDG}17.18> }} }}
    """)
    return PLANTED


@pytest.fixture(scope="module")
def corrupted(full_build):
    store = copy_store(full_build.store)
    planted = plant(store)
    return store, planted, validate(store)


def test_each_shape_reports_its_planted_violation_with_file_and_line(corrupted):
    _, planted, report = corrupted
    violations = [r for r in report.results if r.severity == "Violation"]
    for shape, (message, file, line) in planted.items():
        hits = [r for r in violations if r.shape == shape and message in r.message]
        assert hits, f"no violation from shape {shape!r}"
        assert (hits[0].file, hits[0].line) == (file, line), f"shape {shape!r}: {hits[0]}"
    assert report.violations == len(planted)


def test_corrupted_copy_fails_validation_on_the_command_line(corrupted, tmp_path):
    store, planted, _ = corrupted
    path = tmp_path / "corrupted.nq"
    store.dump_nquads(path)
    result = run_cli("validate", "--input", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    for shape, (message, file, line) in planted.items():
        assert any(f" {file}:{line}: " in out and message in out for out in lines), shape
    assert f"{len(planted)} violations" in result.stdout
    assert (tmp_path / "validation-report.ttl").is_file()


def test_clean_graph_validates_on_the_command_line(full_build):
    result = run_cli("validate", "--input", str(full_build.outputs[0]), "--report", str(full_build.outputs[0].parent / "r.ttl"))
    assert result.returncode == 0 and "0 violations, 2 warnings" in result.stdout
    assert "validate:" not in result.stderr   # the progress line is for a terminal only


def test_a_doubtful_deadline_is_a_warning_as_declared_never_a_violation(full_build):
    """The rule "deadline earlier than the response" is declared a Warning in shapes/;
    it was reported as a Violation while its severity sat on the SPARQL constraint."""
    store = copy_store(full_build.store)
    action = iri(f"evaluation/{ERC}/recommendation/1/response/action/1")
    store.update(f"""DELETE {{ GRAPH {source(ERC)} {{ {action} kgb:deadline ?d }} }}
                     INSERT {{ GRAPH {source(ERC)} {{ {action} kgb:deadline "2001-01"^^xsd:gYearMonth }} }}
                     WHERE {{ GRAPH {source(ERC)} {{ {action} kgb:deadline ?d }} }}""")
    for engine in ("sparql", "pyshacl"):
        report = validate(store, engine=engine)
        found = [r for r in report.results if r.message == "the deadline is earlier than the month the response was added"]
        assert [r.severity for r in found] == ["Warning"], engine
        assert report.violations == 0, engine
