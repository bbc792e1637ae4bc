"""actlint: a fast linter for Keras model configurations.

The ``actlint`` command line is installed with this package. This module is
its Python API, for training scripts, notebooks and tests::

    import actlint

    model.compile(optimizer="adam", loss="mse")
    for finding in actlint.lint_model(model):
        print(finding)                      # file:line:col: warning[ACT103] ...

    actlint.check_model(model)              # raises actlint.ActlintError

    actlint.lint_file("models/")            # files and directories
    actlint.lint_text(yaml_text, "model.yaml")

    actlint.graph(model)                    # the layer graph as SVG (inline in Jupyter)

Keras is never imported by this package: :func:`lint_model` uses the given
model's own ``to_json()``.
"""

from __future__ import annotations

from actlint._api import (
    SEVERITIES,
    ActlintError,
    ActlintRunError,
    Finding,
    Graph,
    Label,
    check_model,
    graph,
    lint_file,
    lint_model,
    lint_text,
)
from actlint._binary import find_actlint_bin

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__: str = version("actlint")
except PackageNotFoundError:  # imported from a source tree, not installed
    __version__ = "0+unknown"

__all__ = [
    "SEVERITIES",
    "ActlintError",
    "ActlintRunError",
    "Finding",
    "Graph",
    "Label",
    "__version__",
    "check_model",
    "find_actlint_bin",
    "graph",
    "lint_file",
    "lint_model",
    "lint_text",
]
