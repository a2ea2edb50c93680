"""Where the project's files are: ontology, vocabularies, sources, reference data, build output.

The project root is the folder holding ontology/kgbuild.ttl. It is found from $KGBUILD_ROOT,
then from the current directory upwards, then from this package's location (editable install).
"""
from __future__ import annotations

import os
from pathlib import Path

MARKER = Path("ontology") / "kgbuild.ttl"


class ProjectNotFound(RuntimeError):
    pass


def project_root() -> Path:
    candidates = []
    if os.environ.get("KGBUILD_ROOT"):
        candidates.append(Path(os.environ["KGBUILD_ROOT"]))
    cwd = Path.cwd().resolve()
    candidates.extend([cwd, *cwd.parents])
    here = Path(__file__).resolve()
    candidates.extend(here.parents)
    for folder in candidates:
        if (folder / MARKER).is_file():
            return folder
    raise ProjectNotFound(
        "cannot find the kgbuild project folder (one holding ontology/kgbuild.ttl); "
        "run from inside it or set KGBUILD_ROOT"
    )


def ontology_dir() -> Path:
    return project_root() / "ontology"


def vocab_dir() -> Path:
    return project_root() / "data" / "vocab"


def sources_dir() -> Path:
    return project_root() / "data" / "sources"


def reference_dir() -> Path:
    return project_root() / "data" / "reference"


def build_dir() -> Path:
    return project_root() / "data" / "build"
