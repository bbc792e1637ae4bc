"""actlint.graph: the layer graph with the findings on it, from a file or a
live model, and its inline rendering in Jupyter."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import actlint
from conftest import FakeModel

SVG = "{http://www.w3.org/2000/svg}"


def marked(svg: str) -> dict[str, str]:
    """The boxes with findings: layer name (the first line) -> codes."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    boxes = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "node" and g.get("data-codes"):
            boxes[g.find(f"{SVG}text").text] = g.get("data-codes")
    return boxes


def test_graph_of_a_file_is_svg_with_the_findings(fixtures: Path) -> None:
    picture = actlint.graph(fixtures / "forum" / "rainfall_lstm.keras.json")
    assert isinstance(picture, str)
    assert picture.format == "svg"
    assert marked(picture) == {"lstm": "ACT301", "dense_1": "ACT103"}
    # Jupyter shows it inline.
    assert picture._repr_svg_() == str(picture)


def test_graph_formats(fixtures: Path) -> None:
    path = str(fixtures / "forum" / "rainfall_lstm.yaml")
    mermaid = actlint.graph(path, "mermaid")
    assert mermaid.startswith("flowchart TB\n")
    assert mermaid._repr_svg_() is None
    assert mermaid._repr_markdown_().startswith("```mermaid\nflowchart TB")
    dot = actlint.graph(path, format="dot")
    assert dot.startswith("digraph model {")
    with pytest.raises(ValueError, match="format must be one of"):
        actlint.graph(path, "png")


def test_graph_of_a_live_model(rainfall_model: FakeModel) -> None:
    picture = actlint.graph(rainfall_model)
    assert marked(picture) == {"lstm": "ACT301", "dense_1": "ACT103"}


def test_graph_collapse(fixtures: Path) -> None:
    path = fixtures / "corpus" / "keras3" / "models" / "augment_nested_sequential.json"
    assert 'class="cluster"' in actlint.graph(path)
    assert 'class="cluster"' not in actlint.graph(path, collapse=True)


def test_graph_of_a_file_without_a_model_raises(tmp_path: Path) -> None:
    path = tmp_path / "notes.yaml"
    path.write_text("just: notes\n", encoding="utf-8")
    with pytest.raises(actlint.ActlintRunError, match="nothing to draw"):
        actlint.graph(path)
