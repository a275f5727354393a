"""The course environment files agree: lock, environment.yml and pyproject ranges."""

import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from lock_to_conda import lock_requirements, render  # noqa: E402


def test_environment_yml_is_derived_from_the_lock():
    expected = render(lock_requirements(ROOT / "requirements.lock"))
    actual = (ROOT / "environment.yml").read_text()
    assert actual == expected, (
        "environment.yml drifted from requirements.lock: run `make environment`"
    )


def test_environment_yml_pins_the_lock_for_pip():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_section[:-1] == lock_requirements(ROOT / "requirements.lock")
    assert pip_section[-1] == "-e ."


def _locked_versions():
    versions = {}
    for line in lock_requirements(ROOT / "requirements.lock"):
        req = Requirement(line)
        assert len(req.specifier) == 1 and next(iter(req.specifier)).operator == "==", line
        versions[req.name.lower().replace("_", "-")] = next(iter(req.specifier)).version
    return versions


def test_every_lock_line_is_an_exact_pin():
    assert len(_locked_versions()) > 50


def test_pyproject_ranges_admit_the_locked_versions():
    tomllib = pytest.importorskip("tomllib")  # standard library from Python 3.11
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locked = _locked_versions()
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += [d for d in extra if not d.startswith("dlhelpers")]
    for line in declared:
        req = Requirement(line)
        name = req.name.lower().replace("_", "-")
        if req.marker and not req.marker.evaluate({"sys_platform": "linux"}):
            continue
        assert name in locked, f"{name} is declared in pyproject.toml but missing from the lock"
        assert req.specifier.contains(locked[name]), (
            f"lock has {name}=={locked[name]}, outside {req}"
        )
