"""End-to-end tests of `actlint server`, driven by a real LSP client
(pytest-lsp) the way an editor drives it.

Run with the binary built:

    cargo build
    pip install -r tests/lsp/requirements.txt
    pytest tests/lsp

`ACTLINT_BIN` names the binary to test (default: target/debug/actlint).
Without pytest-lsp the tests are skipped, unless ACTLINT_REQUIRE_EXTERNAL=1
(as in CI), where they fail.
"""

from __future__ import annotations

import asyncio
import os
import pathlib

import pytest

REQUIRE = os.environ.get("ACTLINT_REQUIRE_EXTERNAL") == "1"
REPO = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("ACTLINT_BIN", REPO / "target" / "debug" / "actlint"))

try:
    import pytest_lsp
    from lsprotocol import types
    from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
except ImportError:
    if REQUIRE:
        raise
    pytest.skip(
        "pytest-lsp is not installed, so the language server end-to-end tests are skipped "
        "(pip install -r tests/lsp/requirements.txt)",
        allow_module_level=True,
    )

if not BINARY.is_file():
    if REQUIRE:
        raise FileNotFoundError(f"{BINARY} does not exist: run `cargo build` first")
    pytest.skip(f"{BINARY} does not exist: run `cargo build` first", allow_module_level=True)

# A guard against a stuck server, not a performance requirement.
STUCK = 60


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[str(BINARY), "server"]))
async def client(lsp_client: LanguageClient):
    # Visual Studio Code's capabilities: dynamic registration of file
    # watchers included, so the server registers its configuration watcher.
    lsp_client.registrations = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        lsp_client.registrations.extend(params.registrations)

    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=REPO.as_uri(),
    )
    result = await lsp_client.initialize_session(params)
    assert result.server_info.name == "actlint"
    yield
    await lsp_client.shutdown_session()
    # `shutdown` then `exit`: a clean exit.
    assert lsp_client._server.returncode == 0


class Doc:
    """An open document and the text the client holds for it."""

    def __init__(self, client: LanguageClient, path: pathlib.Path, text: str, language: str = "yaml"):
        self.client = client
        self.uri = path.as_uri()
        self.text = text
        self.version = 1
        client.diagnostics.pop(self.uri, None)
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=self.uri, language_id=language, version=1, text=text
                )
            )
        )

    async def diagnostics(self) -> list:
        """The next diagnostics published for the document."""

        async def wait():
            while self.uri not in self.client.diagnostics:
                await asyncio.sleep(0.02)
            return self.client.diagnostics.pop(self.uri)

        return list(await asyncio.wait_for(wait(), STUCK))

    def change(self, edits: list) -> None:
        """Applies text edits here and sends them as an incremental change."""
        self.version += 1
        self.client.diagnostics.pop(self.uri, None)
        changes = []
        # Last first, so that earlier positions stay valid.
        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            self.text = apply_edit(self.text, e)
            changes.append(
                types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
            )
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=changes,
            )
        )

    def replace_all(self, text: str) -> None:
        self.version += 1
        self.text = text
        self.client.diagnostics.pop(self.uri, None)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    async def actions(self, diagnostic) -> list:
        result = await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=self.uri),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic]),
            )
        )
        return list(result or [])

    def apply(self, action) -> None:
        self.change(action.edit.changes[self.uri])


def offset(text: str, position) -> int:
    """The string index of an LSP position (UTF-16 code units)."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= position.character:
            return start + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return start + len(line)


def apply_edit(text: str, edit) -> str:
    return text[: offset(text, edit.range.start)] + edit.new_text + text[offset(text, edit.range.end) :]


def utf16_column(line: str, needle: str) -> int:
    return len(line[: line.index(needle)].encode("utf-16-le")) // 2


# A binary classifier whose output layer applies softmax to one unit (always
# 1.0), with non-ASCII text before the value: on the line above (a comment)
# and on the same line (a layer name with a character outside the BMP).
SOFTMAX_ONE_UNIT = (
    "# Modèle — prévision de pluie 🌧\n"
    "task: binary\n"
    "layers:\n"
    '  - {type: Dense, name: "entrée_🌧", units: 1, activation: softmax}\n'
    "loss: binary_crossentropy\n"
)


async def test_diagnostics_at_utf16_ranges_and_a_quick_fix_clears_them(client: LanguageClient, tmp_path):
    doc = Doc(client, tmp_path / "model.yaml", SOFTMAX_ONE_UNIT)
    diagnostics = await doc.diagnostics()
    assert [d.code for d in diagnostics] == ["ACT101"]
    d = diagnostics[0]
    line = SOFTMAX_ONE_UNIT.split("\n")[3]
    # UTF-16 units, not bytes (62) or code points (58): the emoji is two units.
    assert utf16_column(line, "softmax") == 59
    assert d.range == types.Range(start=types.Position(line=3, character=59), end=types.Position(line=3, character=66))
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.source == "actlint"
    assert d.message.startswith("softmax over a single unit always outputs 1.0")
    assert "help: " in d.message
    # The other side of the conflict: the one unit.
    [related] = d.related_information
    assert related.message == "only one unit"
    assert related.location.uri == doc.uri
    assert related.location.range.start == types.Position(line=3, character=44)
    assert d.data["name"] == "softmax-single-unit"
    assert d.data["documentation"]

    actions = await doc.actions(d)
    titles = [a.title for a in actions]
    assert titles == [
        "replace `softmax` with `sigmoid` (ACT101, unsafe fix: changes what the model computes)",
        "Suppress ACT101 (softmax-single-unit) on this line",
    ]
    fix = actions[0]
    assert fix.kind == types.CodeActionKind.QuickFix
    assert not fix.is_preferred  # unsafe: never the preferred fix
    doc.apply(fix)
    assert 'activation: sigmoid}' in doc.text
    assert await doc.diagnostics() == []


async def test_a_safe_fix_is_preferred(client: LanguageClient, tmp_path):
    text = "task: regression\nlayers:\n  - type: Dense\n    units: 1\n    activation: lineer  # ½\nloss: mse\n"
    doc = Doc(client, tmp_path / "typo.yaml", text)
    [d] = await doc.diagnostics()
    assert d.code == "ACT001"
    actions = await doc.actions(d)
    preferred = [a for a in actions if a.is_preferred]
    assert [a.title for a in preferred] == ["replace `lineer` with `linear` (ACT001)"]
    doc.apply(preferred[0])
    assert "activation: linear  # ½" in doc.text
    assert await doc.diagnostics() == []


async def test_suppressing_on_the_line_clears_the_finding(client: LanguageClient, tmp_path):
    doc = Doc(client, tmp_path / "model.yaml", SOFTMAX_ONE_UNIT)
    [d] = await doc.diagnostics()
    [suppress] = [a for a in await doc.actions(d) if a.title.startswith("Suppress")]
    doc.apply(suppress)
    assert doc.text.split("\n")[3].endswith("activation: softmax}  # actlint: ignore[ACT101]")
    # Suppressed, and the suppression is used (no ACT006).
    assert await doc.diagnostics() == []


async def test_a_document_that_is_not_a_model_gets_no_diagnostics(client: LanguageClient, tmp_path):
    doc = Doc(client, tmp_path / "docker-compose.yaml", "services:\n  web:\n    image: nginx\n")
    assert await doc.diagnostics() == []
    doc = Doc(client, tmp_path / "package.json", '{"name": "x", "version": "1.0.0"}', language="json")
    assert await doc.diagnostics() == []


async def test_a_malformed_document_is_reported_and_the_server_stays_up(client: LanguageClient, tmp_path):
    doc = Doc(client, tmp_path / "broken.json", '{"class_name": "Sequential", "config": {"layers": [', language="json")
    [d] = await doc.diagnostics()
    assert d.code == "ACT000"
    assert d.message.startswith("invalid JSON")
    assert d.severity == types.DiagnosticSeverity.Error
    # Still answering, and linting.
    doc = Doc(client, tmp_path / "model.yaml", SOFTMAX_ONE_UNIT)
    assert [d.code for d in await doc.diagnostics()] == ["ACT101"]


async def test_typing_is_linted_after_the_changes(client: LanguageClient, tmp_path):
    doc = Doc(client, tmp_path / "model.yaml", SOFTMAX_ONE_UNIT)
    assert [d.code for d in await doc.diagnostics()] == ["ACT101"]
    # Several changes in a row; the diagnostics published describe the last.
    for word in ["s", "si", "sig", "sigmoid"]:
        doc.replace_all(SOFTMAX_ONE_UNIT.replace("softmax", word))
    while True:
        diagnostics = await doc.diagnostics()
        if not any(d.code == "ACT001" for d in diagnostics):
            break
    assert diagnostics == []


async def test_hover_explains_activations_initializers_and_losses(client: LanguageClient, tmp_path):
    text = "layers:\n  - type: Dense\n    units: 8\n    activation: relu\n    kernel_initializer: glorot_uniform\n  - {type: Dense, units: 1}\nloss: mse\n"
    doc = Doc(client, tmp_path / "model.yaml", text)
    await doc.diagnostics()

    async def hover(line: int, character: int) -> str | None:
        result = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=doc.uri),
                position=types.Position(line=line, character=character),
            )
        )
        return result.contents.value if result else None

    relu = await hover(3, 18)
    assert relu.startswith("**`relu`** — activation, ReLU family")
    assert "He initialization" in relu
    assert "ACT401" in relu
    glorot = await hover(4, 26)
    assert glorot.startswith("**`glorot_uniform`** — initializer, Glorot (Xavier) family")
    # Over the finding too: what its rule does.
    assert "**ACT401** `relu-without-he-init`" in glorot
    assert (await hover(6, 7)).startswith("**`mse`** — loss, regression")
    assert await hover(2, 5) is None


async def test_configuration_files_and_editor_settings_are_honoured(client: LanguageClient, tmp_path):
    doc = Doc(client, tmp_path / "model.yaml", SOFTMAX_ONE_UNIT)
    assert [d.code for d in await doc.diagnostics()] == ["ACT101"]
    # The server asked to hear about configuration files.
    [watch] = client.registrations
    assert watch.method == "workspace/didChangeWatchedFiles"
    assert watch.register_options["watchers"] == [
        {"globPattern": "**/{.actlint.toml,actlint.toml,pyproject.toml}"}
    ]

    # A configuration file appears next to the model: the server reads it
    # when told that it changed.
    config = tmp_path / "actlint.toml"
    config.write_text('ignore = ["ACT101"]\n')
    client.diagnostics.pop(doc.uri, None)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    assert await doc.diagnostics() == []

    # The configuration file goes away again; the editor's settings ignore
    # the rule instead, then stop doing so.
    config.unlink()
    client.diagnostics.pop(doc.uri, None)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"actlint": {"ignore": ["softmax-single-unit"]}})
    )
    assert await doc.diagnostics() == []
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"actlint": {}})
    )
    assert [d.code for d in await doc.diagnostics()] == ["ACT101"]


async def test_closing_a_document_clears_its_diagnostics(client: LanguageClient, tmp_path):
    doc = Doc(client, tmp_path / "model.yaml", SOFTMAX_ONE_UNIT)
    assert await doc.diagnostics()
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=doc.uri))
    )
    assert await doc.diagnostics() == []


async def wait_for(client: LanguageClient, uri: str) -> list:
    """The next diagnostics published for `uri`."""

    async def wait():
        while uri not in client.diagnostics:
            await asyncio.sleep(0.02)
        return client.diagnostics.pop(uri)

    return list(await asyncio.wait_for(wait(), STUCK))


async def test_a_notebook_is_linted_cell_by_cell(client: LanguageClient, tmp_path):
    # As VS Code sends a Jupyter notebook: the notebook, then each cell a
    # text document of its own. The imports of one cell reach the next.
    notebook = (tmp_path / "explore.ipynb").as_uri()
    cells = [
        (types.NotebookCellKind.Markup, "markdown", "# Rain\n"),
        (types.NotebookCellKind.Code, "python", "import keras\nfrom keras import layers\n"),
        (
            types.NotebookCellKind.Code,
            "python",
            'model = keras.Sequential([\n    layers.Dense(1, activation="rleu"),\n])\n',
        ),
    ]
    uris = [f"vscode-notebook-cell:{tmp_path / 'explore.ipynb'}#W{i}" for i in range(len(cells))]
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=notebook,
                notebook_type="jupyter-notebook",
                version=1,
                cells=[types.NotebookCell(kind=k, document=u) for (k, _, _), u in zip(cells, uris)],
            ),
            cell_text_documents=[
                types.TextDocumentItem(uri=u, language_id=lang, version=1, text=text)
                for (_, lang, text), u in zip(cells, uris)
            ],
        )
    )
    assert await wait_for(client, uris[1]) == []
    [d] = [d for d in await wait_for(client, uris[2]) if d.code == "ACT001"]
    # `"rleu"` in the cell's own text.
    assert d.range == types.Range(start=types.Position(line=1, character=31), end=types.Position(line=1, character=37))
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uris[2]),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    [edit] = result[0].edit.changes[uris[2]]
    assert (edit.range, edit.new_text) == (d.range, '"relu"')
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uris[2]),
            position=types.Position(line=1, character=33),
        )
    )
    assert "`rleu`" in hover.contents.value
    # The fix typed into the cell clears the finding.
    client.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(uri=notebook, version=2),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    text_content=[
                        types.NotebookDocumentCellContentChanges(
                            document=types.VersionedTextDocumentIdentifier(uri=uris[2], version=2),
                            changes=[types.TextDocumentContentChangePartial(range=d.range, text='"relu"')],
                        )
                    ]
                )
            ),
        )
    )
    assert [d for d in await wait_for(client, uris[2]) if d.code == "ACT001"] == []
    client.notebook_document_did_close(
        types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=notebook),
            cell_text_documents=[types.TextDocumentIdentifier(uri=u) for u in uris],
        )
    )
    assert await wait_for(client, uris[2]) == []
