"""The ``actlint-py`` pre-commit hook, run by pre-commit itself.

``pre-commit try-repo`` installs the hook from a snapshot of this
repository (``language: python``: ``pip install .``, which builds the wheel
with maturin) and runs it in a temporary git repository holding a good
model, a bad model and a YAML file that is not a model.

Skipped with a message when ``git`` or ``pre-commit`` is not on PATH, or
when the hook cannot be installed (it needs PyPI and crates.io), unless
``ACTLINT_REQUIRE_EXTERNAL=1`` (set by CI), which makes those failures.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO

REQUIRED = os.environ.get("ACTLINT_REQUIRE_EXTERNAL") == "1"


def missing(what: str) -> None:
    message = f"{what}; install it to run the actlint-py pre-commit hook test"
    if REQUIRED:
        pytest.fail(f"{message} (ACTLINT_REQUIRE_EXTERNAL=1)")
    pytest.skip(message)


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")
    }
    return subprocess.run(
        [
            "git",
            "-c",
            "user.name=actlint tests",
            "-c",
            "user.email=tests@actlint.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def snapshot_of_this_repository(into: Path) -> None:
    """This repository's files as they are now (committed or not, without
    what .gitignore excludes), committed in a new repository: try-repo
    clones the committed state only."""
    listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
    for rel in filter(None, listed.split("\0")):
        source = REPO / rel
        if source.is_file():
            target = into / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(into, "init", "-q")
    git(into, "add", "-A")
    git(into, "commit", "-q", "-m", "snapshot")


def try_repo(
    project: Path, hook_repo: Path, home: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")
    }
    env.update(
        PRE_COMMIT_HOME=str(home),
        # Building the wheel, made cheaper: compiled dependencies are kept
        # between runs (in the directory the `language: rust` hook's test
        # uses, with the same settings) and the release profile is not
        # optimised. What is tested is the hook, not the optimiser.
        CARGO_TARGET_DIR=str(REPO / "target" / "precommit-hook"),
        CARGO_PROFILE_RELEASE_OPT_LEVEL="0",
        CARGO_PROFILE_RELEASE_DEBUG="false",
        CARGO_PROFILE_RELEASE_LTO="false",
        CARGO_PROFILE_RELEASE_CODEGEN_UNITS="256",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    run = subprocess.run(
        ["pre-commit", "try-repo", "--color=never", str(hook_repo), "actlint-py", *args],
        check=False,
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    if run.returncode == 3:  # pre-commit's "unexpected error": installing the hook failed
        log = home / "pre-commit.log"
        run.stdout += "\n--- pre-commit.log ---\n" + (log.read_text() if log.is_file() else "")
    return run


def test_actlint_py_hook_fails_on_a_bad_model_and_passes_a_good_one(tmp_path: Path) -> None:
    for tool in ("git", "pre-commit"):
        if shutil.which(tool) is None:
            missing(f"`{tool}` is not on PATH")
    hook_repo = tmp_path / "actlint"
    project = tmp_path / "project"
    home = tmp_path / "cache"
    hook_repo.mkdir()
    project.mkdir()
    snapshot_of_this_repository(hook_repo)

    files = {
        "models/good.yaml": (FIXTURES / "ok" / "binary_classifier.yaml").read_bytes(),
        "models/forecaster.json": (FIXTURES / "forum" / "rainfall_lstm.keras.json").read_bytes(),
        "deploy/settings.yaml": b"replicas: 2\nimage: registry.example/app:1.0\n",
    }
    for rel, data in files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_bytes(data)
    git(project, "init", "-q")
    git(project, "add", "-A")

    good = try_repo(project, hook_repo, home, "--files", "models/good.yaml", "deploy/settings.yaml")
    output = good.stdout + good.stderr
    if good.returncode == 3 and not REQUIRED:
        pytest.skip(
            f"pre-commit could not install the hook (it needs PyPI and crates.io):\n{output}"
        )
    assert good.returncode == 0, output
    assert "Passed" in output

    bad = try_repo(project, hook_repo, home, "--all-files")
    output = bad.stdout + bad.stderr
    assert bad.returncode == 1, output
    assert "Failed" in output
    for expected in (
        "models/forecaster.json",
        "ACT301 non-saturating-recurrent-activation",
        "ACT103 classification-output-with-regression-loss",
        "2 problems (2 warnings) in 1 file",
    ):
        assert expected in output, f"`{expected}` in:\n{output}"
    for quiet in ("models/good.yaml", "settings.yaml"):
        assert quiet not in output, output
