"""The layer's build keeps of Babel's data only ESJA's locales (layers/esja/lean_layer.py, run by its Makefile).

`make build` (sam build) needs Python 3.12 and the SAM CLI, which CI does not run: these tests run the same
step on a copy of the installed Babel, and check that the layer's Makefile runs it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import babel
import pytest

import esja
from esja import l10n
from local.resources import load_template

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "layers" / "esja"
STEP = LAYER / "lean_layer.py"
MOMENT = datetime(2026, 10, 22, 14, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A layer's python/ folder with Babel and esja, after the build step ran on it."""
    folder = tmp_path_factory.mktemp("layer") / "python"
    shutil.copytree(Path(babel.__file__).parent, folder / "babel")
    shutil.copytree(Path(esja.__file__).parent, folder / "esja", ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, str(STEP), str(folder)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return folder


def test_the_layer_is_built_by_its_makefile_which_runs_the_step() -> None:
    layer = load_template(ROOT / "template.yaml")["Resources"]["EsjaLayer"]
    commands = subprocess.run(
        ["make", "--dry-run", "-C", str(LAYER), "build-EsjaLayer", "ARTIFACTS_DIR=/artifacts"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert layer["Metadata"]["BuildMethod"] == "makefile"
    assert "-r requirements.txt" in commands and '--target "/artifacts/python"' in commands
    assert commands.index("pip install") < commands.index('lean_layer.py "/artifacts/python"')


def test_only_french_english_canadian_and_root_data_is_left(site: Path) -> None:
    left = {data.stem for data in (site / "babel" / "locale-data").glob("*.dat")}
    size = sum(f.stat().st_size for f in (site / "babel").rglob("*") if f.is_file())

    assert left == {"root", "fr", "fr_CA", "en", "en_CA"}
    assert size < 2_500_000  # of Babel's 32 MB


def test_dates_and_money_read_the_same_with_only_that_data(site: Path) -> None:
    script = (
        "import babel, sys; from datetime import datetime, UTC; from esja import l10n\n"
        f"assert babel.__file__.startswith({str(site)!r}), babel.__file__\n"
        f"moment = datetime.fromisoformat({MOMENT.isoformat()!r})\n"
        "for lang in l10n.LANGUAGES:\n"
        "    print(l10n.date_time(moment, lang), l10n.day(moment, lang), l10n.money(45990, lang),"
        " l10n.money(1234.5, lang), l10n.count(1234, lang), sep='|')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, env={"PYTHONPATH": str(site)}
    )

    expected = [
        "|".join(
            [
                l10n.date_time(MOMENT, lang),
                l10n.day(MOMENT, lang),
                l10n.money(45990, lang),
                l10n.money(1234.5, lang),
                l10n.count(1234, lang),
            ]
        )
        for lang in l10n.LANGUAGES
    ]
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == expected
