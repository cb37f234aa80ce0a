"""docker-compose.yml cannot run here (no Docker engine): check it statically against the Makefile."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))


def test_compose_services_run_existing_make_targets_on_the_mounted_project():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    targets = make_targets()
    for name, service in compose["services"].items():
        called = set(re.findall(r"\bmake ([a-z-]+)", service["command"].replace("-qq make", "")))
        assert called and called <= targets, (name, called - targets)
        assert any(volume.startswith("./:") for volume in service["volumes"]), name
        assert service["image"].startswith("python:3.11"), "the lock file is for Python 3.11"
    assert compose["services"]["airflow"]["ports"] == ["8080:8080"]


def test_readme_opens_with_the_two_commands_and_ci_calls_the_test_one():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert {"demo", "test", "airflow", "sandbox", "bench", "setup"} <= make_targets()


def test_secrets_stay_out_of_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert ".env" in ignored and "/data/" in ignored
    example = (ROOT / ".env.example").read_text()
    assert all(line.endswith("=") or "=" not in line or line.split("=", 1)[1] in {"warehouse.yml", "default"}
               for line in example.splitlines() if not line.startswith("#"))
