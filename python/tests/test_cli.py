"""The command line as installed by the wheel: ``python -m actlint`` and the
``actlint`` executable, with the exit codes of the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import actlint


def python_m_actlint(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "actlint", *args],
        check=False,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_exit_code_1_with_findings(fixtures: Path) -> None:
    run = python_m_actlint("--format", "concise", str(fixtures / "forum" / "rainfall_lstm.yaml"))
    assert run.returncode == 1, run.stderr
    assert "rainfall_lstm.yaml:7:17: warning[ACT301]" in run.stdout
    assert "rainfall_lstm.yaml:15:17: warning[ACT103]" in run.stdout


def test_exit_code_0_on_a_good_model(fixtures: Path) -> None:
    run = python_m_actlint(str(fixtures / "ok" / "binary_classifier.yaml"))
    assert run.returncode == 0, run.stdout + run.stderr


def test_exit_code_0_below_the_threshold(fixtures: Path) -> None:
    run = python_m_actlint("--fail-on", "error", str(fixtures / "forum" / "rainfall_lstm.yaml"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ACT103" in run.stdout


def test_exit_code_2_on_usage_errors(tmp_path: Path) -> None:
    run = python_m_actlint(str(tmp_path / "missing.yaml"))
    assert run.returncode == 2
    assert "missing.yaml" in run.stderr
    run = python_m_actlint("--no-such-option")
    assert run.returncode == 2


def test_standard_input_and_subcommands() -> None:
    model = "layers:\n  - {type: Dense, units: 1, activation: softmax}\n"
    run = python_m_actlint("--format", "concise", "-", "--stdin-filename", "m.yaml", stdin=model)
    assert run.returncode == 1
    assert "m.yaml:2:41: error[ACT101]" in run.stdout
    run = python_m_actlint("rule", "ACT101")
    assert run.returncode == 0
    assert run.stdout.startswith("# ACT101 softmax-single-unit")


def test_version_matches_the_package() -> None:
    run = python_m_actlint("--version")
    assert run.returncode == 0
    assert run.stdout.strip() == f"actlint {actlint.__version__}"


def test_the_executable_is_installed_in_this_environment() -> None:
    found = Path(actlint.find_actlint_bin())
    assert found.parent == Path(sysconfig.get_path("scripts"))
    # The environment's scripts directory is on PATH when it is activated
    # (or, here, when the tests are run with it on PATH).
    on_path = shutil.which("actlint")
    if on_path is not None and Path(on_path).parent == found.parent:
        assert Path(on_path).samefile(found)
