"""The one-way flow of STYLE.md 2.1, enforced by the import-linter contracts in pyproject.toml.

The second test proves the contract can fail: it plants an upward import in a copy of the
package and expects import-linter to reject it.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = [
    sys.executable,
    "-c",
    "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())",
]


def _lint(cwd: Path, src: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [*LINT, "--no-logo", "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_layering_contracts_are_kept() -> None:
    result = _lint(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward_import"),
    [
        ("core/enums.py", "import skywarden.tracking.tracker"),
        ("tracking/models.py", "import skywarden.alerting.rule_engine"),
        ("sources/base.py", "import skywarden.tracking.models"),
    ],
)
def test_layering_contract_rejects_an_upward_import(
    tmp_path: Path, module: str, upward_import: str
) -> None:
    shutil.copytree(
        ROOT / "src" / "skywarden",
        tmp_path / "src" / "skywarden",
        ignore=shutil.ignore_patterns("data", "__pycache__"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "skywarden" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{upward_import}  # planted\n")
    result = _lint(tmp_path, tmp_path / "src")
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    importer = "skywarden." + module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> {upward_import.split()[1]}" in result.stdout, result.stdout
