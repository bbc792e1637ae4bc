"""The Python API on the repository's fixtures: lint_file, lint_text,
lint_model and check_model with stand-in models."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import actlint
from conftest import FakeModel

RAINFALL_YAML = """\
name: rainfall_forecaster
layers:
  - type: LSTM
    units: 50
    activation: relu
  - type: Dense
    units: 1
    activation: sigmoid
loss: mse
"""

GOOD_YAML = """\
layers:
  - type: Dense
    units: 32
    activation: relu
    kernel_initializer: he_normal
  - type: Dense
    units: 1
    activation: sigmoid
loss: binary_crossentropy
"""


def codes(findings: list[actlint.Finding]) -> list[str]:
    return [f.code for f in findings]


def test_lint_file_finds_the_forum_case(fixtures: Path) -> None:
    path = fixtures / "forum" / "rainfall_lstm.yaml"
    findings = actlint.lint_file(path)
    assert codes(findings) == ["ACT301", "ACT103"]
    lstm, head = findings
    assert (lstm.name, lstm.severity) == ("non-saturating-recurrent-activation", "warning")
    assert "relu" in lstm.message
    assert lstm.help and "tanh" in lstm.help
    # The labels sit on the exact values: `activation: relu` (line 7) and
    # `activation: sigmoid` (line 15), with a secondary label on `loss: mse`.
    assert (lstm.line, lstm.column, lstm.end_line, lstm.end_column) == (7, 17, 7, 21)
    assert (head.name, head.severity) == ("classification-output-with-regression-loss", "warning")
    assert (head.line, head.column) == (15, 17)
    assert "mse" in head.message
    assert [(label.line, label.primary) for label in head.labels] == [(15, True), (16, False)]
    assert all(f.file == str(path) for f in findings)
    assert str(head) == (
        f"{path}:15:17: warning[ACT103] {head.message} (classification-output-with-regression-loss)"
    )


def test_lint_file_accepts_str_paths_and_directories(fixtures: Path) -> None:
    findings = actlint.lint_file(str(fixtures / "forum"))
    by_file = sorted({(Path(f.file).name, f.code) for f in findings})
    assert by_file == [
        ("rainfall_lstm.keras.json", "ACT103"),
        ("rainfall_lstm.keras.json", "ACT301"),
        ("rainfall_lstm.yaml", "ACT103"),
        ("rainfall_lstm.yaml", "ACT301"),
    ]
    # Keras JSON names its layers.
    keras_layers = {f.code: f.layer for f in findings if f.file.endswith(".keras.json")}
    assert keras_layers == {"ACT301": "lstm", "ACT103": "dense_1"}


def test_lint_file_on_a_good_model_finds_nothing(fixtures: Path) -> None:
    assert actlint.lint_file(fixtures / "ok" / "binary_classifier.keras.json") == []


def test_lint_file_reports_a_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model.yaml"
    with pytest.raises(actlint.ActlintRunError) as error:
        actlint.lint_file(missing)
    assert error.value.returncode == 2
    assert "no-such-model.yaml" in str(error.value)
    assert "no such file" in error.value.stderr


def test_lint_file_treats_odd_names_as_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `rules` is also a subcommand, `-m.yaml` looks like an option.
    monkeypatch.chdir(tmp_path)
    Path("rules").write_text(RAINFALL_YAML, encoding="utf-8")
    Path("-m.yaml").write_text(RAINFALL_YAML, encoding="utf-8")
    # A file named on the command line is read whatever its extension.
    assert codes(actlint.lint_file("rules")) == ["ACT301", "ACT103"]
    assert codes(actlint.lint_file("-m.yaml")) == ["ACT301", "ACT103"]


def test_lint_text_yaml() -> None:
    findings = actlint.lint_text(RAINFALL_YAML, "forecaster.yaml")
    assert codes(findings) == ["ACT301", "ACT103"]
    assert {f.file for f in findings} == {"forecaster.yaml"}
    assert findings[0].line == 5


def test_lint_text_accepts_bytes_and_json(fixtures: Path) -> None:
    data = (fixtures / "forum" / "rainfall_lstm.keras.json").read_bytes()
    assert codes(actlint.lint_text(data, "model.json")) == ["ACT301", "ACT103"]


def test_lint_text_good_model_and_non_model_text() -> None:
    assert actlint.lint_text(GOOD_YAML, "good.yaml") == []
    # Valid YAML that is not a model config is skipped, not an error.
    assert actlint.lint_text("replicas: 2\n", "deploy.yaml") == []


def test_rule_selection_options() -> None:
    assert codes(actlint.lint_text(RAINFALL_YAML, "m.yaml", ignore="ACT301")) == ["ACT103"]
    assert codes(actlint.lint_text(RAINFALL_YAML, "m.yaml", select=["ACT103"])) == ["ACT103"]
    assert codes(actlint.lint_text(RAINFALL_YAML, "m.yaml", select="recurrent")) == ["ACT301"]
    assert codes(
        actlint.lint_text(RAINFALL_YAML, "m.yaml", select="ACT301", extend_select=["ACT1"])
    ) == ["ACT301", "ACT103"]
    with pytest.raises(actlint.ActlintRunError, match="unknown rule `ACT999x`"):
        actlint.lint_text(RAINFALL_YAML, "m.yaml", select="ACT999x")
    with pytest.raises(ValueError):
        actlint.lint_text(RAINFALL_YAML, "m.yaml", ignore=[])


def test_configuration_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    config = project / "actlint.toml"
    config.write_text('ignore = ["ACT301"]\n', encoding="utf-8")
    # Discovered from the stdin file name's directory (here the current one).
    assert codes(actlint.lint_text(RAINFALL_YAML, "m.yaml")) == ["ACT103"]
    assert codes(actlint.lint_text(RAINFALL_YAML, "m.yaml", isolated=True)) == ["ACT301", "ACT103"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert codes(actlint.lint_text(RAINFALL_YAML, "m.yaml")) == ["ACT301", "ACT103"]
    assert codes(actlint.lint_text(RAINFALL_YAML, "m.yaml", config=config)) == ["ACT103"]


def test_lint_model_serializes_with_to_json(rainfall_model: FakeModel) -> None:
    findings = actlint.lint_model(rainfall_model)
    assert codes(findings) == ["ACT301", "ACT103"]
    assert [f.layer for f in findings] == ["lstm", "dense_1"]
    assert {f.file for f in findings} == {"rainfall_forecaster.json"}
    assert {f.file for f in actlint.lint_model(rainfall_model, filename="m.json")} == {"m.json"}


def test_lint_model_accepts_a_serialized_config(rainfall_model: FakeModel) -> None:
    import json

    config = json.loads(rainfall_model.to_json())
    assert codes(actlint.lint_model(config)) == ["ACT301", "ACT103"]


def test_lint_model_rejects_what_is_not_a_model() -> None:
    with pytest.raises(TypeError, match="lint_text"):
        actlint.lint_model("layers: []")
    with pytest.raises(TypeError, match="to_json"):
        actlint.lint_model(42)
    with pytest.raises(actlint.ActlintRunError, match="did not recognise"):
        actlint.lint_model(FakeModel('{"replicas": 2}'))


def test_check_model_raises_with_the_findings(rainfall_model: FakeModel) -> None:
    with pytest.raises(actlint.ActlintError) as error:
        actlint.check_model(rainfall_model)
    assert codes(list(error.value.findings)) == ["ACT301", "ACT103"]
    assert error.value.fail_on == "warning"
    message = str(error.value)
    assert message.startswith(
        "actlint found 2 problems (2 warnings) in model `rainfall_forecaster`:"
    )
    assert (
        "warning[ACT103] classification-output-with-regression-loss in layer `dense_1`" in message
    )
    assert "help: for classification train the sigmoid output" in message


def test_check_model_threshold(rainfall_model: FakeModel) -> None:
    # Warnings only: fail_on="error" does not raise, and returns them.
    assert codes(actlint.check_model(rainfall_model, fail_on="error")) == ["ACT301", "ACT103"]
    assert codes(actlint.check_model(rainfall_model, fail_on="never")) == ["ACT301", "ACT103"]
    with pytest.raises(actlint.ActlintError):
        actlint.check_model(rainfall_model, fail_on="info")
    # Options apply: with ACT301 and ACT103 ignored nothing is left.
    assert actlint.check_model(rainfall_model, ignore=["ACT301", "ACT103"]) == []
    with pytest.raises(ValueError, match="fail_on"):
        actlint.check_model(rainfall_model, fail_on="warn")


def test_importing_actlint_does_not_import_keras() -> None:
    code = (
        "import sys, actlint\n"
        "frameworks = {'keras', 'tensorflow', 'jax', 'torch'}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in frameworks)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
