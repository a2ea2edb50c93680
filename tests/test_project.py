"""The project object: folders found once, settings and the SDG list parsed once, and a
broken settings file reported by name and line, not as a traceback."""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT, run_cli
from kgbuild import project


def test_sdg_list_is_parsed_once_for_every_stage():
    from kgbuild.align import _official_texts
    from kgbuild.sdgcodes import target_iri
    rows = project.current().sdg_rows
    assert project.current().sdg_rows is rows
    # Goals, targets and indicators of the official list, every row the same object each time.
    kinds = {row["kind"] for row in rows}
    assert kinds == {"goal", "target", "indicator"}
    texts, by_goal = _official_texts()
    assert len(texts) == sum(row["kind"] == "target" for row in rows)
    assert target_iri("5.2") is not None and "5.2" in by_goal["5"]


def test_settings_are_read_once_and_name_the_file(tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text("threshold = 0.5\n", encoding="utf-8")
    first = project.current().settings(settings)
    assert first == {"threshold": 0.5} and project.current().settings(settings) is first
    broken = tmp_path / "broken.toml"
    broken.write_text("a = 1\nthreshold = = 0.5\n", encoding="utf-8")
    with pytest.raises(project.SettingsError, match=r"broken\.toml: .*line 2"):
        project.current().settings(broken)
    with pytest.raises(project.SettingsError, match="missing"):
        project.current().settings(tmp_path / "absent.toml")


def test_cli_reports_a_broken_settings_file_without_a_traceback(tmp_path):
    copy = tmp_path / "project"
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, copy / folder)
    for folder in ("align", "reference", "vocab"):
        shutil.copytree(ROOT / "data" / folder, copy / "data" / folder)
    (copy / "data" / "sources").mkdir()
    shutil.copy(ROOT / "data" / "sources" / "undp-erc-kazakhstan-international-cooperation-outcome-2018.txt",
                copy / "data" / "sources")
    settings = copy / "data" / "align" / "settings.toml"
    settings.write_text("record_threshold = = 0.5\n" + settings.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("build", "--quiet", cwd=copy)
    assert result.returncode == 2, result.stderr
    assert "settings.toml" in result.stderr and "line 1" in result.stderr
    assert "Traceback" not in result.stderr
