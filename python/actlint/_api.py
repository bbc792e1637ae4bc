"""The Python API: lint live Keras models, files and text with the bundled
``actlint`` executable and get structured findings back."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

from actlint._binary import find_actlint_bin

__all__ = [
    "SEVERITIES",
    "ActlintError",
    "ActlintRunError",
    "Finding",
    "Label",
    "Graph",
    "check_model",
    "graph",
    "lint_file",
    "lint_model",
    "lint_text",
]

StrPath = Union[str, "os.PathLike[str]"]
Rules = Union[str, Iterable[str]]

#: The severities of findings, lowest first.
SEVERITIES: tuple[str, ...] = ("info", "warning", "error")
_FAIL_ON = ("info", "warning", "error", "never")
_OUTPUT_VERSION = 2


@dataclass(frozen=True)
class Label:
    """A labelled place in the linted text: the offending value (the
    primary label) or the other side of a conflict (a secondary label).

    Lines and columns are 1-based; columns count characters; the end is
    exclusive."""

    message: str | None
    line: int
    column: int
    end_line: int
    end_column: int
    primary: bool


@dataclass(frozen=True)
class Finding:
    """One problem actlint found.

    Attributes:
        code: The rule's code, such as ``"ACT103"``.
        name: The rule's name, such as
            ``"classification-output-with-regression-loss"``.
        severity: ``"error"``, ``"warning"`` or ``"info"``.
        message: What is wrong and why.
        help: What to do about it, where the rule says.
        layer: The name of the layer the finding is about, where there is one.
        file: The file as given (for :func:`lint_model` and
            :func:`lint_text`, the ``filename`` argument).
        line: 1-based line of the offending value (``None`` when the text
            could not be decoded at all).
        column: 1-based column (in characters) of the offending value.
        end_line: Line of the end of the offending value.
        end_column: Column just after the offending value.
        labels: Every labelled place, the primary one first.
    """

    code: str
    name: str
    severity: str
    message: str
    help: str | None
    layer: str | None
    file: str
    line: int | None
    column: int | None
    end_line: int | None = None
    end_column: int | None = None
    labels: tuple[Label, ...] = ()

    @classmethod
    def from_json(cls, diagnostic: Mapping[str, Any]) -> Finding:
        """Build a finding from one entry of the ``diagnostics`` array of
        ``actlint --format json`` (see ``docs/actlint-output.schema.json``)."""
        return cls(
            code=diagnostic["code"],
            name=diagnostic["name"],
            severity=diagnostic["severity"],
            message=diagnostic["message"],
            help=diagnostic.get("help"),
            layer=diagnostic.get("layer"),
            file=diagnostic["file"],
            line=diagnostic.get("line"),
            column=diagnostic.get("column"),
            end_line=diagnostic.get("end_line"),
            end_column=diagnostic.get("end_column"),
            labels=tuple(
                Label(
                    message=label.get("message"),
                    line=label["line"],
                    column=label["column"],
                    end_line=label["end_line"],
                    end_column=label["end_column"],
                    primary=label["primary"],
                )
                for label in diagnostic.get("labels") or ()
            ),
        )

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}:{self.column}"
        layer = f" (layer `{self.layer}`)" if self.layer else ""
        return f"{place}: {self.severity}[{self.code}] {self.message} ({self.name}){layer}"


class ActlintError(Exception):
    """Raised by :func:`check_model` when findings at or above the fail
    threshold were found.

    Attributes:
        findings: The findings at or above the threshold.
        fail_on: The threshold (``"error"``, ``"warning"`` or ``"info"``).
    """

    def __init__(self, findings: Sequence[Finding], fail_on: str, subject: str) -> None:
        self.findings: tuple[Finding, ...] = tuple(findings)
        self.fail_on = fail_on
        counts = ", ".join(
            f"{n} {severity}{'s' if n != 1 else ''}"
            for severity in reversed(SEVERITIES)
            if (n := sum(f.severity == severity for f in self.findings))
        )
        problems = "problem" if len(self.findings) == 1 else "problems"
        lines = [f"actlint found {len(self.findings)} {problems} ({counts}) in {subject}:"]
        for f in self.findings:
            layer = f" in layer `{f.layer}`" if f.layer else ""
            lines.append(f"  {f.severity}[{f.code}] {f.name}{layer}: {f.message}")
            if f.help:
                lines.append(f"    help: {f.help}")
        super().__init__("\n".join(lines))


class ActlintRunError(RuntimeError):
    """The ``actlint`` executable could not lint: it is missing, a path
    does not exist, an option or a configuration file is invalid (exit
    code 2), or its output could not be read.

    Attributes:
        returncode: The executable's exit code, if it ran.
        stderr: What it wrote on standard error.
    """

    def __init__(self, message: str, returncode: int | None = None, stderr: str = "") -> None:
        self.returncode = returncode
        self.stderr = stderr
        super().__init__(message)


def _rules(option: str, rules: Rules | None) -> list[str]:
    if rules is None:
        return []
    if isinstance(rules, str):
        value = rules
    else:
        value = ",".join(rules)
    if not value:
        raise ValueError(f"`{option}` needs at least one rule")
    return [f"--{option}", value]


def _options(
    select: Rules | None,
    extend_select: Rules | None,
    ignore: Rules | None,
    config: StrPath | None,
    isolated: bool,
    baseline: StrPath | None,
) -> list[str]:
    args = [
        *_rules("select", select),
        *_rules("extend-select", extend_select),
        *_rules("ignore", ignore),
    ]
    if config is not None:
        args += ["--config", os.fspath(config)]
    if isolated:
        args.append("--isolated")
    if baseline is not None:
        args += ["--baseline", os.fspath(baseline)]
    return args


def _execute(args: list[str], stdin: bytes | None) -> tuple[bytes, str]:
    """Run the actlint executable; its standard output and standard error.
    Any exit code but 0 is an :class:`ActlintRunError`."""
    try:
        executable = find_actlint_bin()
    except FileNotFoundError as e:
        raise ActlintRunError(str(e)) from e
    proc = subprocess.run(
        [executable, *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
    stderr = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        raise ActlintRunError(
            f"actlint exited with code {proc.returncode}: {stderr or '(no message)'}",
            proc.returncode,
            stderr,
        )
    return proc.stdout, stderr


def _run(args: list[str], stdin: bytes | None) -> dict[str, Any]:
    """Run actlint with ``--format json`` and return the parsed report."""
    # --exit-zero: the findings are in the report; exit code 2 still means
    # actlint could not do its work.
    stdout, stderr = _execute(
        ["--format", "json", "--color", "never", "--exit-zero", *args], stdin
    )
    try:
        report = json.loads(stdout)
    except ValueError as e:
        raise ActlintRunError(f"actlint wrote output that is not JSON: {e}", 0, stderr) from e
    if not isinstance(report, dict) or report.get("version") != _OUTPUT_VERSION:
        version = report.get("version") if isinstance(report, dict) else None
        raise ActlintRunError(
            f"actlint wrote JSON output version {version!r}; this package reads "
            f"version {_OUTPUT_VERSION} (reinstall the package so both match)",
            0,
            stderr,
        )
    return report


def _findings(report: Mapping[str, Any]) -> list[Finding]:
    return [Finding.from_json(d) for d in report.get("diagnostics", ())]


def lint_text(
    text: str | bytes,
    filename: str = "model.yaml",
    *,
    select: Rules | None = None,
    extend_select: Rules | None = None,
    ignore: Rules | None = None,
    config: StrPath | None = None,
    isolated: bool = False,
    baseline: StrPath | None = None,
) -> list[Finding]:
    """Lint a model configuration given as text.

    Args:
        text: The configuration: the simple authoring format (YAML or JSON),
            or Keras ``model.to_json()`` output; or Python source or a
            notebook that builds Keras models, with a ``filename`` ending in
            ``.py`` or ``.ipynb``. ``str`` is encoded as UTF-8; ``bytes``
            are passed unchanged.
        filename: The name reported for the text (``Finding.file``); its
            extension helps detect the format, and its directory is where
            configuration files are looked for.
        select: Rules to check, replacing the configuration's selection:
            codes (``"ACT401"``), names (``"relu-without-he-init"``), code
            prefixes (``"ACT4"``), categories (``"initialization"``) or
            ``"ALL"``; a comma-separated string or an iterable.
        extend_select: Rules to check in addition to the selected ones.
        ignore: Rules not to check.
        config: A configuration file (``actlint.toml``, ``.actlint.toml`` or
            ``pyproject.toml``) to use instead of discovering one.
        isolated: Ignore all configuration files.
        baseline: Report only findings beyond the counts recorded in this
            baseline file (written by ``actlint --write-baseline``).

    Returns:
        The findings, sorted by position. Text that is valid JSON or YAML
        but not a model configuration gives no findings.

    Raises:
        ActlintRunError: actlint could not run or rejected an option.
    """
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    args = _options(select, extend_select, ignore, config, isolated, baseline)
    report = _run([*args, "--stdin-filename", filename, "-"], data)
    return _findings(report)


def lint_file(
    path: StrPath,
    *,
    select: Rules | None = None,
    extend_select: Rules | None = None,
    ignore: Rules | None = None,
    config: StrPath | None = None,
    isolated: bool = False,
    baseline: StrPath | None = None,
) -> list[Finding]:
    """Lint a model configuration file (``.yaml``, ``.json``, ``.keras``, ``.h5``), or
    every such file under a directory.

    Takes the same keyword options as :func:`lint_text`.

    Returns:
        The findings, sorted by file and position.

    Raises:
        ActlintRunError: the path does not exist or cannot be read, or an
            option or configuration file is invalid.
    """
    args = _options(select, extend_select, ignore, config, isolated, baseline)
    # `--` so that a path such as `rules` or `-x.yaml` is never read as a
    # subcommand or an option.
    report = _run([*args, "--", os.fspath(path)], None)
    return _findings(report)


def _model_json(model: Any) -> str:
    """Serialize a Keras model (or a serialized model config) to JSON."""
    if isinstance(model, (str, bytes)):
        raise TypeError("lint_model takes a Keras model; lint JSON or YAML text with lint_text")
    if isinstance(model, Mapping):
        return json.dumps(model)
    to_json = getattr(model, "to_json", None)
    if not callable(to_json):
        raise TypeError(
            f"lint_model takes a Keras model (an object with a to_json() method), "
            f"not {type(model).__name__}"
        )
    text = to_json()
    if not isinstance(text, str):
        raise TypeError(f"{type(model).__name__}.to_json() returned {type(text).__name__}, not str")
    # Keras 3 writes the compile settings (loss, metrics) into to_json();
    # Keras 2 (tf.keras) does not, but can report them: add them where its
    # .keras archives put them, so that the loss rules can run.
    get_compile_config = getattr(model, "get_compile_config", None)
    if '"compile_config"' not in text and callable(get_compile_config):
        try:
            compile_config = get_compile_config()
            if compile_config:
                document = json.loads(text)
                if isinstance(document, dict) and "compile_config" not in document:
                    document["compile_config"] = compile_config
                    text = json.dumps(document)
        except Exception:
            pass
    return text


def lint_model(
    model: Any,
    *,
    filename: str | None = None,
    select: Rules | None = None,
    extend_select: Rules | None = None,
    ignore: Rules | None = None,
    config: StrPath | None = None,
    isolated: bool = False,
    baseline: StrPath | None = None,
) -> list[Finding]:
    """Lint a live Keras model.

    The model is serialized with ``model.to_json()``; once the model is
    compiled that includes its loss and metrics, so the output-head and
    loss rules run too (before ``compile()`` they are silent). Keras is not
    imported by this package: the model's own methods are used.

    Args:
        model: A Keras model (``keras.Sequential``, a functional
            ``keras.Model``, ...), or a dict holding a serialized model
            config (``keras.saving.serialize_keras_object(model)``).
        filename: The name reported in ``Finding.file`` (default: the
            model's name with ``.json``); configuration files are looked for
            from its directory (by default, the current directory).
        select, extend_select, ignore, config, isolated, baseline: as for
            :func:`lint_text`.

    Returns:
        The findings, sorted by position. ``Finding.layer`` names the layer
        each finding is about.

    Raises:
        TypeError: ``model`` is not a Keras model.
        ActlintRunError: actlint could not run, rejected an option, or did
            not recognise the serialized model.

    Example:
        >>> model.compile(optimizer="adam", loss="mse")  # doctest: +SKIP
        >>> for finding in actlint.lint_model(model):  # doctest: +SKIP
        ...     print(finding.code, finding.layer, finding.message)
    """
    text = _model_json(model)
    if filename is None:
        name = getattr(model, "name", None)
        if not isinstance(name, str) or not name or "/" in name or "\\" in name:
            name = "model"
        filename = f"{name}.json"
    args = _options(select, extend_select, ignore, config, isolated, baseline)
    report = _run([*args, "--stdin-filename", filename, "-"], text.encode("utf-8"))
    for file in report.get("files", ()):
        if file.get("status") == "skipped":
            raise ActlintRunError(
                f"actlint did not recognise the serialized {type(model).__name__} as a "
                f"model: {file.get('reason', 'no reason given')}",
                0,
            )
    return _findings(report)


def _at_or_above(findings: Iterable[Finding], fail_on: str) -> list[Finding]:
    if fail_on not in _FAIL_ON:
        raise ValueError(f"fail_on must be one of {', '.join(_FAIL_ON)}, not {fail_on!r}")
    if fail_on == "never":
        return []
    threshold = SEVERITIES.index(fail_on)
    return [f for f in findings if SEVERITIES.index(f.severity) >= threshold]


def check_model(
    model: Any,
    fail_on: str = "warning",
    *,
    filename: str | None = None,
    select: Rules | None = None,
    extend_select: Rules | None = None,
    ignore: Rules | None = None,
    config: StrPath | None = None,
    isolated: bool = False,
    baseline: StrPath | None = None,
) -> list[Finding]:
    """Lint a live Keras model and raise if anything at or above ``fail_on``
    was found: for training scripts and tests.

    Args:
        model: As for :func:`lint_model`.
        fail_on: The lowest severity that raises: ``"error"``,
            ``"warning"`` (the default, like the command line's), ``"info"``,
            or ``"never"``.
        filename, select, extend_select, ignore, config, isolated, baseline:
            as for :func:`lint_model`.

    Returns:
        All findings, when none is at or above ``fail_on`` (findings below
        the threshold, such as ``info``, are returned, not raised).

    Raises:
        ActlintError: findings at or above ``fail_on``; the message lists
            them, and ``ActlintError.findings`` holds them.
        ActlintRunError: as for :func:`lint_model`.

    Example:
        >>> model.compile(optimizer="adam", loss="binary_crossentropy")  # doctest: +SKIP
        >>> actlint.check_model(model)  # raises ActlintError on problems  # doctest: +SKIP
    """
    if fail_on not in _FAIL_ON:
        raise ValueError(f"fail_on must be one of {', '.join(_FAIL_ON)}, not {fail_on!r}")
    findings = lint_model(
        model,
        filename=filename,
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        config=config,
        isolated=isolated,
        baseline=baseline,
    )
    failing = _at_or_above(findings, fail_on)
    if failing:
        name = getattr(model, "name", None)
        subject = f"model `{name}`" if isinstance(name, str) and name else "the model"
        raise ActlintError(failing, fail_on, subject)
    return findings


_GRAPH_FORMATS = ("svg", "mermaid", "dot")


class Graph(str):
    """The picture :func:`graph` drew: the text itself (a ``str``), with
    its ``format``. An SVG picture shows inline in Jupyter and IPython
    (``_repr_svg_``)."""

    format: str

    def __new__(cls, text: str, format: str) -> Graph:
        self = super().__new__(cls, text)
        self.format = format
        return self

    def _repr_svg_(self) -> str | None:
        return str(self) if self.format == "svg" else None

    def _repr_markdown_(self) -> str | None:
        if self.format == "mermaid":
            return f"```mermaid\n{self}```\n"
        return None


def graph(
    path_or_model: Any,
    format: str = "svg",
    *,
    collapse: bool = False,
    filename: str | None = None,
) -> Graph:
    """Draw a model's layer graph with actlint's findings on it.

    Args:
        path_or_model: A model file (JSON, YAML, ``.keras``, HDF5), or a
            live Keras model (serialized with its ``to_json()``, as
            :func:`lint_model` does).
        format: ``"svg"`` (the default), ``"mermaid"`` or ``"dot"``.
        collapse: Draw each nested model as one box.
        filename: For a live model, the name used to find the
            configuration and to detect the format (default: the model's
            name with ``.json``).

    Returns:
        The picture as text (a ``str``); in Jupyter an SVG picture renders
        inline.

    Raises:
        ValueError: ``format`` is not one of the three.
        ActlintRunError: actlint could not read the file or found no model
            in it.

    Example:
        >>> actlint.graph("model.keras")  # doctest: +SKIP
        >>> open("model.mmd", "w").write(actlint.graph(model, "mermaid"))  # doctest: +SKIP
    """
    if format not in _GRAPH_FORMATS:
        raise ValueError(f"format must be one of {', '.join(_GRAPH_FORMATS)}, not {format!r}")
    args = ["graph", "--format", format]
    if collapse:
        args.append("--collapse")
    if isinstance(path_or_model, (str, os.PathLike)):
        args += ["--", os.fspath(path_or_model)]
        stdin = None
    else:
        text = _model_json(path_or_model)
        if filename is None:
            name = getattr(path_or_model, "name", None)
            if not isinstance(name, str) or not name or "/" in name or "\\" in name:
                name = "model"
            filename = f"{name}.json"
        args += ["--stdin-filename", filename, "-"]
        stdin = text.encode("utf-8")
    stdout, _ = _execute(args, stdin)
    return Graph(stdout.decode("utf-8"), format)
