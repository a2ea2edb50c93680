"""The pipeline: read -> map -> align -> validate -> reason -> summarize -> describe -> write, each stage
a function that returns a `StageResult` (counts, seconds, problems). Validation never looks at the
entailments, so it runs before reasoning adds them and needs no copy of the data graphs.

The store (embedded Oxigraph) persists in `<out>/store`, so `kgbuild query`, `stats`,
`validate` and `export` open it instead of re-parsing N-Quads; the sorted N-Quads file
stays as the portable artefact. The build is incremental: a document whose bytes (SHA-256)
are unchanged since the last build, under the same software and vocabularies, keeps its
named graph and is not re-read.

Named graphs:
  graph/ontology             ontology/kgbuild.ttl and the SDG ontology (OWL)
  graph/vocabulary           the SKOS schemes of ontology/vocabularies/
  graph/reference/sdg        SDG goals, targets, indicators (official IRIs)
  graph/reference/<list>     the curated lists of data/vocab/ (UN entities, LNOB groups)
  graph/source/<document>    what was read from one document
  graph/inferred/alignment   proposed SDG targets and outcomes of recommendations and actions
  graph/inferred/reasoning   OWL 2 RL entailments
  graph/inferred/summary     tallies, open markers and sort ranks the saved queries read
  graph/description          VoID, DCAT and PROV description of the other graphs
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__, project
from .namespaces import base_iri, document_name, graph_iri
from .records import Problem
from .stage import StageResult
from .store import OxigraphStore, ntriples, write_atomically

NQUADS = "kgbuild.nq"
REPORT = "build-report.json"
VALIDATION_REPORT = "validation-report.ttl"
STORE_DIR = "store"
STATE = "kgbuild-state.json"          # inside the store folder: what each source graph was built from
COUNTED_CLASSES = ["Evaluation", "Recommendation", "ManagementResponse", "KeyAction", "Finding",
                   "CooperationFramework", "ThematicArea", "Outcome", "ResultIndicator"]
# The modules that decide what a source graph holds (a change to them rebuilds every document);
# a family of another package counts by its entry point and version (see `fingerprint`).
SOURCE_GRAPH_CODE = ("families/", "mapping.py", "records.py", "parties.py", "partners.py", "vocab.py", "sdg",
                     "response_category.py", "namespaces.py")
PARALLEL_FROM = 8                     # documents; below this a process pool costs more than it saves
# Modules that only read a built store: a change to them leaves every store current.
READING_CODE = ("cli.py", "serve.py", "export.py", "remote.py", "publish.py", "worker.py", "align_eval.py",
                "synth.py", "static/")


@dataclass
class DocumentResult:
    """What the build keeps of one document: plain values, picklable across processes."""
    name: str
    path: str
    reader: str
    sha256: str
    summary: str
    problems: list[Problem] = field(default_factory=list)
    reused: bool = False
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)   # (scanned, read) per count


@dataclass(frozen=True)
class SkippedInput:
    """A file found but not read, and the file read in its place."""
    path: str
    kept: str
    reason: str          # "duplicate" (same bytes) | "name collision" (same document name)
    name: str            # the document name


@dataclass
class BuildResult:
    store: OxigraphStore
    documents: list[DocumentResult] = field(default_factory=list)
    skipped: list[SkippedInput] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    stages: dict[str, StageResult] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    validation: object | None = None      # validate.Report
    counts: dict[str, int] = field(default_factory=dict)   # instances per class
    reread: int = 0                       # documents read in this build (the rest reused)

    @property
    def timings(self) -> dict[str, float]:
        return {name: stage.seconds for name, stage in self.stages.items()}

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def source_files(folder: Path) -> list[Path]:
    """Every document of the folder but its Markdown notes (INDEX.md) and hidden files."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: sources folder not found")
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() != ".md")


def select_inputs(files: list[Path]) -> tuple[list[Path], list[SkippedInput], list[Problem]]:
    """The files to read: of several with the same bytes, and of several whose names give
    one document name (their graphs would merge), the first in sorted order. Each other one
    is skipped with a problem naming both files: a warning for a duplicate (nothing is
    lost), an error for a name collision (a document is not read)."""
    to_read, skipped, problems = [], [], []
    by_digest: dict[str, Path] = {}
    by_name: dict[str, Path] = {}
    for path in files:
        digest, name = hashlib.sha256(path.read_bytes()).hexdigest(), document_name(path)
        if digest in by_digest:
            first = by_digest[digest]
            skipped.append(SkippedInput(str(path), str(first), "duplicate", name))
            problems.append(Problem("warning", str(path), 1,
                                    f"not read: the same content as {first.name}, which is read once"))
        elif name in by_name:
            first = by_name[name]
            skipped.append(SkippedInput(str(path), str(first), "name collision", name))
            problems.append(Problem("error", str(path), 1, f"not read: its name gives the document name {name!r}, "
                                    f"as {first.name} (which is read) does; rename one of them"))
        else:
            by_digest[digest] = by_name[name] = path
            to_read.append(path)
    return to_read, skipped, problems


# -- reference graphs -------------------------------------------------------------------------

def _rdflib_file_triples(*files: Path) -> str:
    """Turtle files as N-Triples text, blank nodes canonically labelled (the ontology's OWL
    lists), so that the same files give the same bytes."""
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return ntriples(to_canonical_graph(graph))


def reference_graphs() -> dict[str, str]:
    """graph IRI -> N-Triples: ontology, vocabularies, the SDG list and the curated lists."""
    from .sdg import sdg_reference_graph
    graphs = {
        graph_iri("ontology"): _rdflib_file_triples(project.current().ontology_dir / "kgbuild.ttl",
                                                    project.current().reference_dir / "sdgs-ontology.ttl"),
        graph_iri("vocabulary"): _rdflib_file_triples(*sorted((project.current().ontology_dir / "vocabularies").glob("*.ttl"))),
        graph_iri("reference", "sdg"): ntriples(sdg_reference_graph(project.current().sdg_rows)),
    }
    for path in sorted(project.current().vocab_dir.glob("*.ttl")):
        graphs[graph_iri("reference", path.stem)] = _rdflib_file_triples(path)
    return graphs


def fingerprint() -> str:
    """What a source graph depends on besides its document: the software, the base IRI,
    the registered families and every vocabulary and lexicon file. A change here rebuilds
    every document."""
    from .families import registered_entry_points
    digest = hashlib.sha256(f"{__version__}\n{base_iri()}\n".encode())
    for ep in registered_entry_points():
        version = ep.dist.version if getattr(ep, "dist", None) is not None else ""
        digest.update(f"{ep.name}={ep.value} {version}\n".encode())
    _digest_files(digest, ("ontology", "data/vocab", "data/reference"),
                  lambda module: module.startswith(SOURCE_GRAPH_CODE))
    return digest.hexdigest()


def _digest_files(digest, folders: tuple[str, ...], module_counts: Callable[[str], bool]) -> None:
    """Feed `digest` every file under the project's `folders` (path and bytes) and the
    package's modules that `module_counts` (given the path inside the package) keeps."""
    root = project.current().root
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        if module_counts(path.relative_to(package).as_posix()):
            digest.update(path.read_bytes())


def answers_fingerprint() -> str:
    """What the saved queries' answers depend on besides the documents: the source graphs'
    fingerprint, the code of every stage, the aligner's data, the shapes, and the saved and
    summary queries (the summary holds what some saved queries read). A store built under
    another one may lack what today's queries read, and give short answers without error."""
    digest = hashlib.sha256(fingerprint().encode())
    _digest_files(digest, ("data/align", "shapes", "queries"), lambda module: not module.startswith(READING_CODE))
    return digest.hexdigest()


def stale_store_note(store_dir: Path) -> str | None:
    """A one-line note when the store was built by `kgbuild build` under other code, queries
    or data than these (None for a current store, or a folder no build wrote)."""
    try:
        state = json.loads((store_dir / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("answers") == answers_fingerprint():
        return None
    return (f"note: {store_dir} was built by another version of kgbuild, or from other saved queries, "
            "shapes or settings: answers may lack what these queries read; rebuild it with `kgbuild build`")


# -- read and map -----------------------------------------------------------------------------

def read_and_map(path: Path) -> tuple[DocumentResult, str, float, float]:
    """Read one document and map it to N-Triples: one unit of parallel work. Returns the
    document's summary, its graph as N-Triples text, and the read and map seconds."""
    from .families import ReaderError, compare_scan, get_family, read_document
    started = time.perf_counter()
    try:
        doc = read_document(path)
    except ReaderError as exc:
        sha = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        problem = Problem("error", str(path), exc.line, exc.message)
        return (DocumentResult(document_name(path), str(path), "", sha, f"NOT READ: {exc.message}", [problem]), "",
                time.perf_counter() - started, 0.0)
    counts = compare_scan(doc)
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    family = get_family(doc.reader)
    text = family.map(doc)
    map_seconds = time.perf_counter() - started
    summary = DocumentResult(doc.key, str(path), doc.reader, doc.sha256, family.summary(doc), list(doc.problems),
                             counts=counts)
    return summary, text, read_seconds, map_seconds


def _read_and_map_all(paths_to_read: list[Path], workers: int, on_done: Callable[[], None]):
    if len(paths_to_read) < PARALLEL_FROM or workers <= 1:
        for path in paths_to_read:
            yield read_and_map(path)
            on_done()
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for outcome in pool.map(read_and_map, paths_to_read, chunksize=4):
            yield outcome
            on_done()


def _load_state(store_dir: Path, expected: str) -> dict:
    state_path = store_dir / STATE
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if state.get("fingerprint") == expected else {}


def check_writable(out_dir: Path) -> None:
    """Fail before any work when the output folder cannot be written."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OSError(f"{out_dir}: output folder is not writable ({exc.strerror or exc})") from exc


# -- the pipeline -----------------------------------------------------------------------------

def build(sources: Path | None = None, out_dir: Path | None = None,
          progress: Callable[[str], None] = lambda message: None, write: bool = True,
          align: bool = True, reason: bool = True, validate: bool = True,
          workers: int | None = None, incremental: bool = True, bar: bool = False) -> BuildResult:
    """Run the pipeline. `write` False keeps everything in memory (tests, benchmarks);
    `bar` shows a progress bar on the terminal for the long stages."""
    sources = sources or project.current().sources_dir
    out_dir = out_dir or project.current().build_dir
    files = source_files(sources)
    if not files:
        raise FileNotFoundError(f"{sources}: no documents to read (Markdown notes and hidden files are not documents)")
    if write:
        check_writable(out_dir)
    files, skipped, input_problems = select_inputs(files)
    from .families import families
    families()      # a broken family installation fails here, before any work
    workers = workers or os.cpu_count() or 1

    store_dir = out_dir / STORE_DIR
    expected = fingerprint()
    state = _load_state(store_dir, expected) if (write and incremental) else {}
    # The build works in memory and persists the store at the end in one swap, so a build
    # that fails half-way leaves the last good store (and N-Quads) as they were.
    store = OxigraphStore()
    result = BuildResult(store, skipped=skipped, problems=input_problems)

    started = time.perf_counter()
    for name, text in reference_graphs().items():
        store.replace_graph(name, text)
    result.stages["reference"] = StageResult(
        "reference", f"{store.count(graph_iri('reference', 'sdg'))} SDG triples, "
        f"{store.count(graph_iri('ontology'))} ontology triples", seconds=time.perf_counter() - started)
    progress(f"reference: {result.stages['reference'].summary}")

    previous = OxigraphStore(store_dir, read_only=True) if state else None
    _read_and_map_stage(result, files, state.get("documents", {}), previous, workers, progress, bar)
    del previous
    # The persisted store is filled in a thread as each part of the graph is final, so that
    # writing it to disk overlaps the stages that follow (Oxigraph runs outside the GIL).
    persisting = _Persist(store_dir) if write else None
    try:
        _later_stages(result, store, persisting, out_dir, store_dir, expected, align, reason, validate, progress)
    except BaseException:
        if persisting:
            persisting.abandon()
        raise
    return result


def _later_stages(result: BuildResult, store: OxigraphStore, persisting: "_Persist | None", out_dir: Path,
                  store_dir: Path, expected: str, align: bool, reason: bool, validate: bool,
                  progress: Callable[[str], None]) -> None:
    """align -> validate -> reason -> summarize -> describe -> write, feeding the persisted store as parts are final."""
    write = persisting is not None
    if align:
        from .align_graph import align as run_alignment
        _run_stage(result, "align", lambda: run_alignment(store), progress)
    else:
        store.remove_graph(graph_iri("inferred", "alignment"))
    if persisting:
        # After alignment, which keeps both cores busy; validation and reasoning use one.
        persisting.add(store)
    if validate:
        # Validation looks at everything but the entailments, so it runs before they are
        # added: its queries then read the union of the store's graphs, with no copy.
        from .validate import validate as run_validation
        started = time.perf_counter()
        report = run_validation(store)
        result.validation = report
        result.stages["validate"] = StageResult(
            "validate", f"{report.violations} violations, {report.count('Warning')} warnings, "
            f"{report.count('Info')} infos",
            counts={"violations": report.violations, "warnings": report.count("Warning"),
                    "infos": report.count("Info")}, seconds=time.perf_counter() - started, detail=report)
        progress(f"validate: {result.stages['validate'].summary}")
    if reason:
        from .reason import reason as run_reasoning
        _run_stage(result, "reason", lambda: run_reasoning(store), progress)
    else:
        store.remove_graph(graph_iri("inferred", "reasoning"))
    if reason and persisting:
        persisting.add(store, graph_iri("inferred", "reasoning"))
    from .summary import summarize, summary_graph
    _run_stage(result, "summarize", lambda: summarize(store), progress)
    if persisting:
        persisting.add(store, summary_graph())
    from .describe import describe, description_graph
    _run_stage(result, "describe", lambda: describe(store), progress)
    if persisting:
        persisting.add(store, description_graph())
    if write:
        started = time.perf_counter()
        nquads = out_dir / NQUADS
        quads = store.dump_nquads(nquads)
        write_seconds = time.perf_counter() - started

    result.counts = class_counts(store)
    if write:
        started = time.perf_counter()
        report_path = out_dir / REPORT
        result.outputs = [nquads, report_path]
        if result.validation is not None:
            shacl_report = out_dir / VALIDATION_REPORT
            result.validation.write(shacl_report)
            result.outputs.append(shacl_report)
        from .describe import DESCRIPTION_FILE, write_description
        write_description(store, out_dir / DESCRIPTION_FILE)
        result.outputs.append(out_dir / DESCRIPTION_FILE)
        documents = {str(Path(doc.path).resolve()): {"sha256": doc.sha256, "name": doc.name, "reader": doc.reader,
                                                     "summary": doc.summary, "counts": doc.counts,
                                                     "problems": [[p.severity, p.path, p.line, p.message]
                                                                  for p in doc.problems]}
                     for doc in result.documents if doc.reader}
        state = json.dumps({"fingerprint": expected, "answers": answers_fingerprint(), "documents": documents},
                           indent=1, sort_keys=True).encode()
        persisting.finish(state)
        result.stages["write"] = StageResult("write", f"{quads} quads", {"quads": quads},
                                             write_seconds + time.perf_counter() - started)
        write_atomically(report_path, (json.dumps(build_report(result), indent=2, sort_keys=True) + "\n").encode())


class _Persist:
    """Build the store folder that `query`, `stats`, `validate` and `export` open, part by
    part in a thread, beside the old one; then swap it in: a build that fails leaves the
    last good store."""

    def __init__(self, store_dir: Path):
        import queue
        import threading
        self.store_dir = store_dir
        self.fresh = store_dir.with_name(f".{store_dir.name}-new")
        if self.fresh.exists():
            shutil.rmtree(self.fresh)
        self.parts: queue.Queue = queue.Queue()
        self.error: BaseException | None = None
        self.handed = 0
        self.thread = threading.Thread(target=self._load, name="persist-store", daemon=True)
        self.thread.start()

    def add(self, store: OxigraphStore, graph: str | None = None) -> None:
        """Hand over the whole store as it is now, or one graph of it, through a file
        (streamed out and in; nothing large is held in memory)."""
        self.handed += 1
        part = self.fresh.with_name(f"{self.fresh.name}-part{self.handed}.nq")
        store.dump_file(part, graph)
        self.parts.put((part, graph))

    def _load(self) -> None:
        disk = None
        try:
            disk = OxigraphStore(self.fresh)
            while (part := self.parts.get()) is not None:
                path, graph = part
                disk.load_file(path, graph)
                path.unlink()
            disk.optimize()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread by finish()
            self.error = exc
            while self.parts.get() is not None:
                pass
        finally:
            if disk is not None:
                disk.close()

    def abandon(self) -> None:
        """Stop the thread after a failed build; the old store stays as it was."""
        self.parts.put(None)
        self.thread.join()
        shutil.rmtree(self.fresh, ignore_errors=True)

    def finish(self, state: bytes) -> None:
        self.parts.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
        (self.fresh / STATE).write_bytes(state)
        old = self.store_dir.with_name(f".{self.store_dir.name}-old")
        if old.exists():
            shutil.rmtree(old)
        if self.store_dir.exists():
            self.store_dir.rename(old)
        self.fresh.rename(self.store_dir)
        if old.exists():
            shutil.rmtree(old)


def _run_stage(result: BuildResult, name: str, run: Callable[[], StageResult],
               progress: Callable[[str], None]) -> None:
    started = time.perf_counter()
    stage = run()
    stage.seconds = time.perf_counter() - started
    result.stages[name] = stage
    result.problems.extend(stage.problems)
    progress(f"{name}: {stage.summary}")


def _read_and_map_stage(result: BuildResult, files: list[Path], known_documents: dict,
                        previous: OxigraphStore | None, workers: int, progress: Callable[[str], None],
                        bar: bool) -> None:
    """Re-read only what changed (its graph is copied from the previous store otherwise);
    read and map in a process pool; load each document's graph."""
    store = result.store
    started = time.perf_counter()
    wanted, reused = [], []
    existing = set(previous.graph_names()) if previous is not None else set()
    for path in files:
        known = known_documents.get(str(path.resolve()))
        graph = graph_iri("source", known["name"]) if known else None
        if known and graph in existing and hashlib.sha256(path.read_bytes()).hexdigest() == known["sha256"]:
            store.replace_graph(graph, previous.dump("ntriples", graph))
            reused.append(DocumentResult(known["name"], str(path), known["reader"], known["sha256"], known["summary"],
                                         [Problem(*p) for p in known["problems"]], reused=True,
                                         counts={k: tuple(v) for k, v in known.get("counts", {}).items()}))
        else:
            wanted.append(path)

    read_seconds = map_seconds = 0.0
    done: list[DocumentResult] = []
    claimed = {doc.name: doc.path for doc in reused}
    with _progress_bar(bar, len(wanted), "read and map") as advance:
        for summary, text, read_s, map_s in _read_and_map_all(wanted, workers, advance):
            read_seconds += read_s
            map_seconds += map_s
            if summary.reader and summary.name in claimed:
                # Two files name the same document: their IRIs would merge. The first keeps them.
                summary.problems.append(Problem("error", summary.path, 1, (
                    f"not read: it names the same document ({summary.name}) as {Path(claimed[summary.name]).name}, "
                    "which is read; remove one of them")))
                summary.reader, summary.summary = "", "NOT READ: the same document as another file"
            elif summary.reader:
                claimed[summary.name] = summary.path
                store.replace_graph(graph_iri("source", summary.name), text)
            done.append(summary)
    wall = time.perf_counter() - started
    documents = sorted(done + reused, key=lambda d: d.path)
    for doc in documents:
        result.problems.extend(doc.problems)
        if doc.reader:
            note = " (unchanged, reused)" if doc.reused else ""
            progress(f"read {Path(doc.path).name} [{doc.reader}]{note}: {doc.summary}{_problem_counts(doc.problems)}")
        else:
            progress(f"read {Path(doc.path).name}: {doc.summary}")
    result.documents = [d for d in documents]
    result.reread = len(wanted)
    # Reading and mapping run together per document (one unit of parallel work); the wall
    # time is split between the two stages in proportion to their summed worker seconds.
    share = read_seconds / (read_seconds + map_seconds) if read_seconds + map_seconds else 0.5
    read_ok = sum(1 for d in done if d.reader)
    duplicates = sum(s.reason == "duplicate" for s in result.skipped)
    collisions = len(result.skipped) - duplicates
    result.stages["read"] = StageResult(
        "read", f"{read_ok} of {len(wanted)} documents read, {len(reused)} unchanged and reused"
        + (f", {duplicates} duplicate{'s' * (duplicates > 1)} skipped" if duplicates else "")
        + (f", {collisions} name collision{'s' * (collisions > 1)} not read" if collisions else ""),
        {"documents": len(files) + len(result.skipped), "read": read_ok, "reused": len(reused),
         "not_read": len(wanted) - read_ok, "duplicates": duplicates, "name_collisions": collisions},
        wall * share)
    result.stages["map"] = StageResult(
        "map", f"{len(done)} source graphs", {"graphs": read_ok}, wall * (1 - share))
    progress(f"read: {result.stages['read'].summary}")


class _progress_bar:
    """A rich progress bar on a terminal; nothing when output is not a terminal."""

    def __init__(self, enabled: bool, total: int, label: str):
        self.enabled = enabled and total > 0 and sys.stderr.isatty()
        self.total, self.label = total, label

    def __enter__(self):
        if not self.enabled:
            return lambda: None
        from rich.progress import Progress
        self._progress = Progress(transient=True)
        self._progress.start()
        task = self._progress.add_task(self.label, total=self.total)
        return lambda: self._progress.advance(task)

    def __exit__(self, *exc):
        if self.enabled:
            self._progress.stop()
        return False


def _problem_counts(problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    return f"; {errors} errors, {warnings} warnings" if problems else ""


def class_counts(store: OxigraphStore) -> dict[str, int]:
    """Instances of each kgb class across the source graphs."""
    rows = store.select("""
        SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
          { SELECT ?g WHERE { GRAPH ?g { } FILTER(CONTAINS(STR(?g), "/graph/source/")) } }
          GRAPH ?g { ?s a ?class }
          FILTER(STRSTARTS(STR(?class), STR(kgb:)))
        } GROUP BY ?class""")
    counts = {str(row[0]).split("#")[-1]: int(row[1]) for row in rows}
    names = COUNTED_CLASSES + sorted(set(counts) - set(COUNTED_CLASSES))
    return {name: counts.get(name, 0) for name in names}


def build_report(result: BuildResult) -> dict:
    return {
        "documents": {Path(doc.path).name: {"reader": doc.reader, "sha256": doc.sha256, "summary": doc.summary,
                                            "reused": doc.reused,
                                            "scanned": {k: scanned for k, (scanned, _) in doc.counts.items()},
                                            "read": {k: read for k, (_, read) in doc.counts.items()}}
                      for doc in result.documents},
        "skipped": [{"file": Path(s.path).name, "kept": Path(s.kept).name, "reason": s.reason, "name": s.name}
                    for s in result.skipped],
        "stages": {name: stage.as_dict() for name, stage in result.stages.items()},
        "classes": result.counts,
        "graphs": result.store.counts(),
        "problems": [{"severity": p.severity, "file": Path(p.path).name, "line": p.line, "message": p.message}
                     for p in result.problems],
    }
