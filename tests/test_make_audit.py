"""`make audit`: pip-audit, pinned, in a venv of its own, over the pinned requirements (no network here)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def dry_run(target: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout


def test_make_audit_runs_pinned_pip_audit_from_its_own_venv_over_requirements_txt():
    commands = dry_run("audit")
    assert "python3 -m venv .venv-audit" in commands
    assert ".venv-audit/bin/python -m pip install --quiet pip-audit==2.10.1" in commands
    audit_line = next(line for line in commands.splitlines() if "/bin/pip-audit " in line)
    assert audit_line.startswith(".venv-audit/bin/pip-audit ")
    assert "--requirement requirements.txt" in audit_line and "--strict" in audit_line
    assert ".venv/bin" not in commands  # never the app's venv


def test_the_audit_venv_is_ignored_and_cleaned():
    assert ".venv-audit/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".venv-audit" in dry_run("clean")
