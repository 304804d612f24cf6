"""The architecture's two rules are import-linter contracts (pyproject.toml, run by `make lint`): the
domain imports no adapter and no AWS, and a handler imports nothing of ours but the wiring module.
Each test lints a copy of the tree, clean and then with one bad import, so a contract that could never
fail would be seen here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def copy_of_the_tree(to: Path) -> Path:
    shutil.copytree(ROOT / "layers" / "esja" / "esja", to / "esja", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "functions", to / "functions", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", to / "pyproject.toml")
    return to


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}  # the copy's esja, not the installed one
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, check=False
    )


def add_import(module: Path, line: str) -> None:
    module.write_text(module.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("module", "bad_import", "broken"),
    [
        ("esja/alerts/plan.py", "from esja.store.tenders import TenderStore", "esja.alerts.plan -> esja.store.tenders"),
        ("esja/ingest/changes.py", "import botocore.exceptions", "esja.ingest.changes -> botocore"),
        ("esja/matching/rules.py", "import esja.mail.mailer", "esja.matching.rules -> esja.mail.mailer"),
        ("functions/send_alerts/app.py", "from esja.alerts.service import AlertService", "-> esja.alerts.service"),
    ],
)
def test_an_import_across_the_edges_breaks_a_contract(
    tmp_path: Path, module: str, bad_import: str, broken: str
) -> None:
    tree = copy_of_the_tree(tmp_path)
    clean = lint_imports(tree)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    add_import(tree / module, bad_import)
    linted = lint_imports(tree)

    assert linted.returncode == 1
    assert "BROKEN" in linted.stdout and broken in linted.stdout


def test_every_module_of_the_package_is_on_one_side_of_the_edge() -> None:
    """A new module is named in the contract, as domain or as adapter, or this fails: none escapes the rule."""
    [domain] = [
        c
        for c in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
        if "esja.model" in c["source_modules"]
    ]
    sides = {*domain["source_modules"], *(m for m in domain["forbidden_modules"] if m.startswith("esja."))}
    package = ROOT / "layers" / "esja" / "esja"
    modules = {f"esja.{p.stem}" for p in package.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}

    assert modules - {"esja.__init__"} == sides


def test_importing_the_domain_loads_no_aws_sdk_and_no_adapter() -> None:
    """At run time too: every module of the domain's packages imported, in a fresh interpreter."""
    probe = """
import importlib, pkgutil, sys
import esja
for package in ("sources", "geo", "matching", "alerts", "pledges", "digest", "ingest", "people", "signin", "audit",
                "console", "enterprise_space", "signatory_space"):
    root = importlib.import_module(f"esja.{package}")
    for module in pkgutil.walk_packages(root.__path__, f"esja.{package}."):
        importlib.import_module(module.name)
outside = ("botocore", "boto3", "esja.store", "esja.mail")
print(sorted(m for m in sys.modules if m.startswith(outside)))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "layers" / "esja")}
    loaded = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)

    assert loaded.stdout.strip() == "[]"
