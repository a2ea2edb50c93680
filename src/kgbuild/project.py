"""The project: its folders, settings files and reference data, found once and read once.

The project root is the folder holding ontology/kgbuild.ttl. It is found from $KGBUILD_ROOT,
then from the current directory upwards, then from this package's location (editable install).
Every stage asks `current()` for a folder, a settings file or the SDG list instead of
building paths or parsing files itself, so each file is parsed once per process.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from .sdg import read_sdg_rows

MARKER = Path("ontology") / "kgbuild.ttl"


class ProjectNotFound(RuntimeError):
    pass


class SettingsError(ValueError):
    """A settings file is missing or not valid TOML; the message names the file and line."""


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


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def vocab_dir(self) -> Path:
        return self.root / "data" / "vocab"

    @property
    def align_dir(self) -> Path:
        return self.root / "data" / "align"

    @property
    def sources_dir(self) -> Path:
        return self.root / "data" / "sources"

    @property
    def reference_dir(self) -> Path:
        return self.root / "data" / "reference"

    @property
    def build_dir(self) -> Path:
        return self.root / "data" / "build"

    def settings(self, path: Path) -> dict:
        """A TOML settings file of the project, parsed once."""
        return _toml(path if path.is_absolute() else self.root / path)

    @cached_property
    def sdg_rows(self) -> tuple[dict[str, str], ...]:
        """The official SDG list (goals, targets, indicators), parsed once for every stage."""
        return read_sdg_rows(self.reference_dir)


@cache
def _project(root: Path) -> Project:
    return Project(root)


def current() -> Project:
    """The project of this process (the root is looked up each time: tests switch it)."""
    return _project(project_root())


@cache
def _toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"{path}: settings file missing") from None
    except tomllib.TOMLDecodeError as err:
        # tomllib's message ends with "(at line L, column C)": keep it, prefixed by the file.
        raise SettingsError(f"{path}: {err}") from None
