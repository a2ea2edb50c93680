"""The `kgbuild` command: a thin click layer over the pipeline's functions.

Exit codes: 0 all clean; 1 data errors found (something in the sources could not be read,
the rest was still built); 2 failure (bad usage, missing files, a broken ontology).
Heavy modules are imported inside the commands, so `kgbuild --help` never breaks.
"""
from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

EXIT_OK, EXIT_DATA_ERRORS, EXIT_FAILURE = 0, 1, 2


class Failure(click.ClickException):
    exit_code = EXIT_FAILURE


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


@contextlib.contextmanager
def _status(first: str):
    """A one-line status on a terminal (rich), replaced by each message given to the callable
    it yields and gone at the end; nothing when standard error is not a terminal."""
    if not sys.stderr.isatty():
        yield lambda message: None
        return
    from rich.console import Console
    with Console(stderr=True).status(first) as status:
        yield status.update


def _check_urls(**urls: str | None) -> None:
    """Server addresses must be http(s) URLs: say which option is wrong before any work."""
    from urllib.parse import urlsplit
    for option, url in urls.items():
        if url is not None and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
            raise Failure(f"--{option.replace('_', '-')} {url!r}: not an http(s) URL (e.g. http://127.0.0.1:7878/query)")


def _writable_file(path: Path) -> None:
    """Fail before any work when an output file's folder cannot be written."""
    from .build import check_writable
    try:
        check_writable(path.parent)
    except OSError as exc:
        raise Failure(str(exc)) from None


def _built_graph(path: Path | None):
    """The built store, opened read-only (no re-parsing), or the graph file given with --input
    loaded into a store in memory. --input may also name a build's output folder (the --out
    of `kgbuild build`), whose store is then used."""
    from . import project
    from .build import NQUADS, STORE_DIR
    from .store import OxigraphStore, StoreError
    try:
        if path is None or (path / STORE_DIR).is_dir() or (path / NQUADS).is_file():
            build_dir = path or project.current().build_dir
            path = build_dir / STORE_DIR if (build_dir / STORE_DIR).is_dir() else build_dir / NQUADS
        if path.is_dir():
            store = OxigraphStore(path, read_only=True)
            from .build import stale_store_note
            if note := stale_store_note(path):
                _echo_err(note)
            return store
        if not path.is_file():
            raise Failure(f"{path}: no built graph; run `kgbuild build` first")
        store = OxigraphStore()
        if store.load(path) == 0:   # answering or validating nothing would look like success
            raise Failure(f"{path}: holds no triples; give a graph kgbuild built or exported")
        return store
    except StoreError as exc:
        raise Failure(str(exc)) from exc


class _Group(click.Group):
    """Any unexpected exception is a failure (exit 2), never mistaken for 'data errors' (1)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            _echo_err("kgbuild: interrupted")
            sys.exit(130)
        except BrokenPipeError:
            # The reader of our output went away (`kgbuild stats | head`): not an error of ours.
            sys.stdout = open(os.devnull, "w")
            sys.exit(EXIT_OK)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            from .families import FamilyError
            from .project import ProjectNotFound, SettingsError
            from .sdg import ReferenceError as SdgReferenceError
            if isinstance(exc, (FamilyError, ProjectNotFound, SettingsError, SdgReferenceError)):
                _echo_err(f"kgbuild: {exc}")
                sys.exit(EXIT_FAILURE)
            # A bug of ours: the user gets one line, a developer the traceback on request.
            if os.environ.get("KGBUILD_DEBUG"):
                import traceback
                traceback.print_exc()
            _echo_err(f"kgbuild: internal error: {type(exc).__name__}: {exc} "
                      "(a bug of kgbuild: please report it; KGBUILD_DEBUG=1 shows where)")
            sys.exit(EXIT_FAILURE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kgbuild")
@click.option("--base", metavar="IRI", help="Base IRI of minted resources (default: $KGBUILD_BASE or "
              "https://w3id.org/kgbuild/id/).")
def main(base: str | None) -> None:
    """Build one RDF knowledge graph from UN evaluation management responses and
    cooperation frameworks, linked to the official SDG goals, targets and indicators."""
    if base is not None:
        os.environ["KGBUILD_BASE"] = base
    if "KGBUILD_BASE" in os.environ:    # checked before any work: a bad base breaks every IRI
        from .namespaces import BaseIRIError, check_base
        try:
            check_base(os.environ["KGBUILD_BASE"])
        except BaseIRIError as exc:
            raise Failure(f"{'--base' if base is not None else '$KGBUILD_BASE'}: {exc}") from None


@main.command()
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False), help="Folder of source documents (default: data/sources).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Output folder (default: data/build).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary and problems.")
@click.option("--no-align", is_flag=True, help="Skip the alignment to SDG targets and outcomes.")
@click.option("--no-reason", is_flag=True, help="Skip OWL-RL reasoning.")
@click.option("--no-validate", is_flag=True, help="Skip the SHACL validation gate (for quick iterations only).")
@click.option("--full", is_flag=True, help="Re-read every document, even those unchanged since the last build.")
@click.option("-j", "--workers", type=click.IntRange(1, 64), default=None,
              help="Processes that read and map documents (default: one per core).")
def build(sources: Path | None, out: Path | None, quiet: bool, no_align: bool, no_reason: bool,
          no_validate: bool, full: bool, workers: int | None) -> None:
    """Read every document in the sources folder, align, reason and validate, and write the
    graph (sorted N-Quads), a JSON build report and the SHACL report to the output folder.

    Exit 1 when a document or row could not be read or the graph has SHACL violations."""
    from .build import build as run_build
    from .store import StoreError
    try:
        result = run_build(sources, out, progress=(lambda m: None) if quiet else click.echo,
                           align=not no_align, reason=not no_reason, validate=not no_validate,
                           workers=workers, incremental=not full, bar=not quiet)
    except (FileNotFoundError, OSError, ValueError, StoreError) as exc:
        raise Failure(str(exc)) from exc
    click.echo("built: " + ", ".join(f"{n} {name}" for name, n in result.counts.items()))
    click.echo(f"graphs: {len(result.store.graph_names())} named graphs, {len(result.store)} quads; "
               f"{result.reread} of {len(result.documents)} documents read, the rest unchanged")
    for path in result.outputs:
        click.echo(f"wrote {path}")
    click.echo("times: " + ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in result.timings.items()))
    for problem in result.problems:
        _echo_err(str(problem))
    click.echo(f"{len(result.errors)} errors, {len(result.warnings)} warnings")
    if result.validation is not None and result.validation.results:
        from .validate import format_report
        _echo_err(format_report(result.validation))
    violations = result.validation.violations if result.validation is not None else 0
    if violations:
        _echo_err(f"validation failed: {violations} violations (see above and the validation report)")
    sys.exit(EXIT_DATA_ERRORS if result.errors or violations else EXIT_OK)


@main.command()
@click.option("-f", "--format", "fmt", required=True,
              type=click.Choice(["turtle", "nt", "nquads", "trig", "jsonld", "xml"]),
              help="RDF syntax. turtle, nt and xml hold the union of all graphs; the others keep named graphs.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="File to write (default: standard output).")
@click.option("--input", "input_path", type=click.Path(path_type=Path),
              help="Graph file, store folder or build folder (the --out of build) to read instead of the built store (data/build/store).")
def export(fmt: str, output: Path | None, input_path: Path | None) -> None:
    """Export the built graph in a standard RDF syntax."""
    from .export import ExportError, serialize
    from .store import write_atomically
    if output:
        _writable_file(output)
    try:
        with _status("export: opening the graph") as say:
            data = serialize(_built_graph(input_path), fmt, progress=say)
    except ExportError as exc:
        raise Failure(str(exc)) from exc
    if output:
        write_atomically(output, data)
        _echo_err(f"wrote {output}")
    else:
        click.get_binary_stream("stdout").write(data)


@main.command()
@click.option("--input", "input_path", type=click.Path(path_type=Path),
              help="Graph file, store folder or build folder (the --out of build) to read instead of the built store (data/build/store).")
def stats(input_path: Path | None) -> None:
    """Summarize the built graph: graphs, classes, key-action statuses."""
    from .build import class_counts
    store = _built_graph(input_path)
    click.echo("named graphs:")
    for name, n in store.counts().items():
        click.echo(f"  {n:>7}  {name}")
    click.echo("classes:")
    for name, n in class_counts(store).items():
        click.echo(f"  {n:>7}  {name}")
    rows = store.select("""
        SELECT ?label (COUNT(?a) AS ?n) WHERE {
          ?a a kgb:KeyAction .
          OPTIONAL { SELECT ?a ?l WHERE {   # subqueries: Oxigraph hash-joins whole scans
            { SELECT ?a ?s WHERE { ?a kgb:status ?s } }
            { SELECT ?s ?l WHERE { { SELECT DISTINCT ?s WHERE { [] kgb:status ?s } } ?s skos:prefLabel ?l } } } }
          BIND(COALESCE(STR(?l), "(no status)") AS ?label)
        } GROUP BY ?label ORDER BY DESC(?n) ?label""")
    click.echo("key actions by status:")
    for label, n in rows:
        click.echo(f"  {int(n):>7}  {label}")


@main.command()
@click.option("--input", "input_path", type=click.Path(path_type=Path),
              help="Graph file, store folder or build folder (the --out of build) to validate instead of the built store (data/build/store).")
@click.option("--report", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write the SHACL validation report (Turtle; default: next to the input).")
@click.option("--engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql", show_default=True,
              help="sparql: the shapes compiled to whole-graph SPARQL on the store; pyshacl: the reference engine.")
def validate(input_path: Path | None, report: Path | None, engine: str) -> None:
    """Validate the built graph against shapes/; exit 1 on violations.

    Results are grouped by shape, each with its source document and line."""
    from . import project
    from .build import VALIDATION_REPORT
    from .validate import format_report, validate as run_validation
    report = report or (input_path.parent if input_path else project.current().build_dir) / VALIDATION_REPORT
    _writable_file(report)
    store = _built_graph(input_path)
    if not store.graph_names():
        # A Turtle or N-Triples export is the union of the graphs: ontology, vocabularies and
        # data in one, which the shapes cannot tell apart.
        raise Failure(f"{input_path}: holds no named graphs (a triple export is the union of them); validate "
                      "the build's store, or its N-Quads or TriG export")
    with _status("validate: compiling the shapes") as say:
        outcome = run_validation(store, engine=engine, progress=say)
    click.echo(format_report(outcome))
    outcome.write(report)
    _echo_err(f"wrote {report}")
    sys.exit(EXIT_DATA_ERRORS if outcome.violations else EXIT_OK)


@main.command("eval-align")
@click.option("--framework", type=click.Path(path_type=Path, dir_okay=False),
              help="Cooperation framework whose cited sentences form the second benchmark "
                   "(default: the one in data/sources).")
@click.option("--labelled", type=click.Path(path_type=Path, dir_okay=False),
              help="Labelled items with dev and test splits (default: data/align/dev-set.tsv).")
@click.option("--fit", is_flag=True,
              help="First fit the learned combination on the dev split and write data/align/model.json.")
def eval_align(framework: Path | None, labelled: Path | None, fit: bool) -> None:
    """Score the aligner on held-out labelled items and on sentences that cite SDG targets:
    precision@1 with bootstrap intervals, an ablation table, calibration and thresholds.

    Blind readings of the cited sentences (data/align/cited-readings.tsv) are scored beside
    the aligner, when they are of this framework."""
    from . import project
    from .align import Aligner
    from .align_eval import READINGS, cited_sentences, load_labelled, load_readings, report, save_model
    from .align_eval import fit as fit_model
    align_dir = project.current().align_dir
    labelled = labelled or align_dir / "dev-set.tsv"
    if not labelled.is_file():
        raise Failure(f"{labelled}: no labelled items")
    if framework is None:
        from .build import source_files
        from .families import ReaderError, read_document
        for path in source_files(project.current().sources_dir):
            try:   # the first document read as a cooperation framework, whichever family reads it
                if read_document(path).framework is not None:
                    framework = path
                    break
            except ReaderError:
                continue
        if framework is None:
            raise Failure(f"{project.current().sources_dir}: no cooperation framework to read cited sentences from")
    try:
        known_targets = set(Aligner(align_dir, learned=False).targets)
        items = load_labelled(labelled, known_targets)
        if fit:
            click.echo(f"wrote {save_model(fit_model(items, align_dir), align_dir)}")
        cited = cited_sentences(framework)
        if not cited:
            raise Failure(f"{framework}: no sentences cite SDG targets")
        readings_file = align_dir / READINGS
        readings = load_readings(readings_file, framework, cited, known_targets) if readings_file.is_file() else {}
        click.echo(report(items, cited, align_dir, readings))
    except ValueError as error:
        raise Failure(str(error)) from error


@main.command("queries")
def list_queries() -> None:
    """List the saved queries with their descriptions and parameters; broken ones last."""
    from .queries import load_catalog
    saved, broken = load_catalog()
    for query in saved.values():
        kind = "check" if query.is_check else "query"
        click.echo(f"{query.name}  [{kind}]  {query.title}")
        click.echo(f"    {query.description}")
        for p in query.params:
            click.echo(f"    --param {p.name}=…  ({p.type}, default {p.default}) {p.doc}")
    for message in broken:
        _echo_err(f"broken: {message}")
    if broken:
        sys.exit(EXIT_DATA_ERRORS)


@main.command("query")
@click.argument("name", required=False)
@click.option("--file", "query_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Run this SPARQL file (saved-query header optional) instead of a saved query.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter value (repeatable).")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "turtle", "ntriples"]),
              default="table", show_default=True,
              help="table, or a SPARQL 1.1 result format (csv, tsv, json); turtle or ntriples for CONSTRUCT/DESCRIBE.")
@click.option("--input", "input_path", type=click.Path(path_type=Path),
              help="Graph file, store folder or build folder (the --out of build) to query instead of the built store (data/build/store).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds the query may run before it is stopped.")
@click.option("--max-rows", type=click.IntRange(min=1), default=1_000_000, show_default=True,
              help="Stop with an error when the result has more rows than this.")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE clauses (they call other servers).")
@click.option("--endpoint", metavar="URL", help="Query this SPARQL server (where the graph was published) instead.")
@click.option("--user", metavar="NAME", help="Login for --endpoint, if it asks for one.")
@click.option("--password-env", metavar="VAR", help="Environment variable holding the --endpoint password.")
def query(name: str | None, query_file: Path | None, params: tuple[str, ...], fmt: str, input_path: Path | None,
          timeout: float, max_rows: int, allow_service: bool, endpoint: str | None, user: str | None,
          password_env: str | None) -> None:
    """Run a saved query by NAME (see `kgbuild queries`; its start up to a hyphen, such as cq05,
    will do), or any SPARQL file with --file.

    Parameters are bound as RDF terms. A check (*-violation) that returns rows exits 1.
    The query runs in a child process: past --timeout it is stopped (exit 2); Ctrl-C exits 130."""
    from .queries import QueryError, get, parse_query_file
    if bool(name) == bool(query_file):
        raise Failure("give a saved query NAME or --file FILE (one of them)")
    given = {}
    for item in params:
        if "=" not in item:
            raise Failure(f"--param {item!r}: expected NAME=VALUE")
        key, value = item.split("=", 1)
        given[key.strip()] = value
    try:
        saved = get(name, short=True) if name else parse_query_file(query_file, require_title=False)
    except QueryError as exc:
        raise Failure(str(exc)) from exc
    if endpoint and input_path:
        raise Failure("give --endpoint or --input, not both")
    _check_urls(endpoint=endpoint)
    if password_env and password_env not in os.environ:
        raise Failure(f"--password-env {password_env}: no such environment variable")
    remote = (endpoint, user, os.environ.get(password_env) if password_env else None) if endpoint else None
    outcome = _run_limited(_answer_query, (saved, given, fmt, input_path, max_rows, allow_service, remote), timeout)
    kind, payload = outcome
    if kind == "error":
        raise Failure(payload)
    text, rows, note = payload
    if note:
        _echo_err(note)
    click.echo(text, nl=not text.endswith("\n"))
    if saved.is_check and rows:
        _echo_err(f"check {saved.name} failed: {rows} rows")
        sys.exit(EXIT_DATA_ERRORS)


def _answer_query(saved, given, fmt, input_path, max_rows, allow_service, remote=None):
    """In the child: open the graph, answer, format. Returns ("ok", (text, rows, note)) or
    ("error", message): exceptions become messages, never tracebacks."""
    from .namespaces import graph_iri
    from .queries import QueryError, answer
    from .store import StoreError
    try:
        if remote:
            from .remote import RemoteStore
            store = RemoteStore(*remote)
        else:
            store = _built_graph(input_path)
        result = answer(store, saved, given, fmt, max_rows=max_rows, allow_service=allow_service)
        note = None
        if graph_iri("inferred", "reasoning") not in store.graph_names():
            note = ("note: this graph was built without reasoning; queries that walk entailed "
                    "inverses (e.g. cq15) return less")
        return "ok", (result.text, result.rows, note)
    except (QueryError, StoreError, click.ClickException) as exc:
        return "error", exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
    except SyntaxError as exc:
        return "error", f"{saved.path}: {exc}"
    except Exception as exc:  # noqa: BLE001 - reported in one line by the parent
        return "error", f"internal error: {type(exc).__name__}: {exc}"


def _run_limited(function, args: tuple, timeout: float):
    """function(*args) in a forked child, stopped after `timeout` seconds or on Ctrl-C."""
    from .worker import WorkerError, run_limited
    try:
        return run_limited(function, args, timeout)
    except WorkerError as exc:
        raise Failure(str(exc)) from None


@main.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder to write the documents to (their ground truth goes to OUT/.truth).")
@click.option("--documents", "-n", type=click.IntRange(1, 100000), default=10, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
def synth(out: Path, documents: int, seed: int) -> None:
    """Write a synthetic corpus in the three real layouts (GATE, ERC, UNSDCF) with its
    ground truth, for benchmarks and scale tests. Same seed, same bytes."""
    from .synth import generate
    try:
        summary = generate(out, documents, seed=seed)
    except OSError as exc:
        raise Failure(f"{out}: {exc.strerror or exc}") from exc
    families = ", ".join(f"{n} {family}" for family, n in summary.documents.items())
    click.echo(f"wrote {summary.total_documents} documents ({families}) to {out}: {summary.recommendations} "
               f"recommendations, {summary.key_actions} key actions; ground truth in {summary.truth_dir}")


@main.command()
def readers() -> None:
    """List the registered document families (entry-point group kgbuild.families)."""
    from .families import families
    for name, family in families().items():
        click.echo(f"{name}\t{family.description}")


@main.command()
@click.option("--endpoint", required=True, metavar="URL", help="The server's SPARQL query endpoint.")
@click.option("--graph-store", metavar="URL",
              help="Its Graph Store HTTP Protocol endpoint (PUT per named graph); without it, SPARQL Update is used.")
@click.option("--update", "update_endpoint", metavar="URL",
              help="Its SPARQL Update endpoint, when it differs from --endpoint (used without --graph-store).")
@click.option("--user", metavar="NAME", help="Login for writing (HTTP digest or basic).")
@click.option("--password-env", metavar="VAR", help="Environment variable holding the password (never a value on the command line).")
@click.option("--input", "input_path", type=click.Path(path_type=Path),
              help="Store folder or graph file to publish instead of the last build.")
@click.option("--force", is_flag=True, help="Publish even though the build's validation failed.")
def publish(endpoint: str, graph_store: str | None, update_endpoint: str | None, user: str | None,
            password_env: str | None, input_path: Path | None, force: bool) -> None:
    """Send every named graph of the last build to a SPARQL 1.1 server, replacing what it
    held under those names, then compare the quads per graph there with the local store.

    Exit 1 when a count differs; 2 when the server cannot be reached, refuses the login or
    stops mid-upload, or when the build's validation failed (unless --force)."""
    import json

    from . import project
    from .build import REPORT
    from .publish import publish as send
    from .remote import RemoteError
    _check_urls(endpoint=endpoint, graph_store=graph_store, update=update_endpoint)
    password = None
    if password_env:
        if password_env not in os.environ:
            raise Failure(f"--password-env {password_env}: no such environment variable")
        password = os.environ[password_env]
    if not force:
        # The build's own report: beside the store folder or graph file it wrote.
        report = (input_path.resolve().parent if input_path else project.current().build_dir) / REPORT
        if report.exists():
            violations = json.loads(report.read_text(encoding="utf-8")).get("stages", {}).get(
                "validate", {}).get("counts", {}).get("violations", 0)
            if violations:
                raise Failure(f"the last build has {violations} SHACL violations ({report}); "
                              "fix them or publish with --force")
    store = _built_graph(input_path)
    try:
        result = send(store, endpoint, graph_store, update_endpoint, user, password,
                      progress=lambda line: _echo_err(line))
    except RemoteError as exc:
        raise Failure(str(exc)) from exc
    click.echo(f"published {result.graphs} named graphs, {result.triples} triples, by {result.method}")
    for difference in result.differences:
        _echo_err(f"count differs: {difference}")
    if result.differences:
        sys.exit(EXIT_DATA_ERRORS)
    click.echo("every graph's count on the server equals the local store's")



@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds a query may run before it is stopped (answered 503).")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Results with more rows than this are an error (400), never cut short.")
@click.option("--input", "input_path", type=click.Path(path_type=Path, file_okay=False),
              help="Store folder to serve instead of the built store (data/build/store).")
@click.option("--base-url", metavar="URL", help="Public address the base IRI is served under (e.g. where "
              "w3id.org redirects to); its path is where resources are served. Default: the base IRI.")
def serve(host: str, port: int, timeout: float, max_rows: int, input_path: Path | None, base_url: str | None) -> None:
    """Serve the built store read-only: a SPARQL 1.1 endpoint (/sparql), the dataset
    description (/.well-known/void), the saved queries (/queries) and every resource
    under the base IRI's path, by content negotiation. Needs the `serve` extra."""
    from . import project
    from .build import STORE_DIR, stale_store_note
    from .store import StoreError
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise Failure("kgbuild serve needs the serve extra: pip install 'kgbuild[serve]'") from None
    from .serve import serve as run_server
    store_dir = input_path or project.current().build_dir / STORE_DIR
    if not store_dir.is_dir():
        raise Failure(f"{store_dir}: no built store; run `kgbuild build` first")
    if note := stale_store_note(store_dir):
        _echo_err(note)
    _echo_err(f"serving {store_dir} at http://{host}:{port}/sparql (Ctrl-C stops)")
    try:
        run_server(store_dir, host, port, timeout, max_rows, base_url)
    except StoreError as exc:
        raise Failure(str(exc)) from exc

if __name__ == "__main__":
    main()
