//! `actlint server` over real standard input and output, with hand-written
//! JSON-RPC: the handshake, diagnostics, and a clean shutdown. (The editor's
//! view, with a real LSP client, is in tests/lsp/.)

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

/// How long to wait for a message before calling the server stuck (a guard
/// against hanging the test run, not a performance requirement).
const STUCK: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
}

impl Client {
    fn start(env: &[(&str, &str)]) -> Client {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_actlint"));
        cmd.arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start actlint server");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("a JSON message");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
        }
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_string(&message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.next();
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(STUCK)
            .expect("the server answers")
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let m = self.next();
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn initialize(&mut self) -> Value {
        let root = format!("file://{}", env!("CARGO_MANIFEST_DIR"));
        let response = self.request(
            1,
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": {}}),
        );
        self.notify("initialized", json!({}));
        response
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn shutdown(mut self) -> i32 {
        let response = self.request(99, "shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        status.code().unwrap_or(-1)
    }
}

const SOFTMAX_ONE_UNIT: &str = "# modèle — ü🙂\ntask: binary\nlayers:\n  - type: Dense\n    units: 1\n    activation: softmax\nloss: binary_crossentropy\n";

#[test]
fn handshake_diagnostics_and_clean_shutdown() {
    let mut client = Client::start(&[]);
    let init = client.initialize();
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["hoverProvider"], true, "{init}");
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );
    // Incremental sync.
    assert_eq!(caps["textDocumentSync"]["change"], 2);
    assert_eq!(init["result"]["serverInfo"]["name"], "actlint");

    let uri = "file:///nowhere/model.yaml";
    client.open(uri, "yaml", SOFTMAX_ONE_UNIT);
    let diags = client.diagnostics(uri);
    let d = diags
        .iter()
        .find(|d| d["code"] == "ACT101")
        .unwrap_or_else(|| panic!("{diags:?}"));
    // Line 5 (0-based), after `    activation: ` (16 units); the comment
    // with non-ASCII text is on another line and does not move it.
    assert_eq!(
        d["range"],
        json!({"start": {"line": 5, "character": 16}, "end": {"line": 5, "character": 23}})
    );
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "actlint");

    // Unknown requests get an error, and the server goes on.
    let r = client.request(2, "textDocument/definition", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");

    // A document that is not a model: an empty list.
    let other = "file:///nowhere/docker-compose.yaml";
    client.open(other, "yaml", "services:\n  web:\n    image: nginx\n");
    assert_eq!(client.diagnostics(other), Vec::<Value>::new());

    assert_eq!(client.shutdown(), 0);
}

#[test]
fn utf16_ranges_on_a_line_with_non_ascii_text_before_the_value() {
    let mut client = Client::start(&[]);
    client.initialize();
    let uri = "file:///nowhere/model.yaml";
    let text = "task: binary\nlayers:\n  - {type: Dense, name: \"ünï🙂\", units: 1, activation: softmax}\nloss: binary_crossentropy\n";
    client.open(uri, "yaml", text);
    let diags = client.diagnostics(uri);
    let d = diags.iter().find(|d| d["code"] == "ACT101").unwrap();
    // `  - {type: Dense, name: "` is 25 units, `ünï🙂` 5 (the emoji is a
    // surrogate pair), then `", units: 1, activation: ` 25. (In bytes the
    // value starts at byte 59 of the line, character 54.)
    assert_eq!(
        d["range"],
        json!({"start": {"line": 2, "character": 55}, "end": {"line": 2, "character": 62}})
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let mut client = Client::start(&[]);
    client.initialize();
    client.notify("exit", Value::Null);
    assert_eq!(client.child.wait().unwrap().code(), Some(1));
}

/// A rule that panics (a bug) gives an internal-error diagnostic for that
/// document; the server stays up and lints the next one. The panic trigger
/// exists in debug builds only.
#[cfg(debug_assertions)]
#[test]
fn a_panicking_rule_does_not_kill_the_server() {
    let mut client = Client::start(&[("ACTLINT_INTERNAL_PANIC_TEST", "ACT101:crash")]);
    client.initialize();
    let crash = "file:///nowhere/crash.yaml";
    client.open(crash, "yaml", SOFTMAX_ONE_UNIT);
    let diags = client.diagnostics(crash);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "ACT000");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("internal error in rule ACT101"),
        "{diags:?}"
    );
    let fine = "file:///nowhere/fine.yaml";
    client.open(fine, "yaml", SOFTMAX_ONE_UNIT);
    let diags = client.diagnostics(fine);
    assert!(diags.iter().any(|d| d["code"] == "ACT101"), "{diags:?}");
    assert_eq!(client.shutdown(), 0);
}

/// Invalid editor settings and a broken configuration file are reported to
/// the user (`window/showMessage`), and the documents are still linted, with
/// the defaults.
#[test]
fn configuration_errors_are_shown_and_the_defaults_apply() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("server-config-errors");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("actlint.toml"),
        "ignore = [\"ACT101\"]\nselekt = []\n",
    )
    .unwrap();
    let uri = format!("file://{}/model.yaml", dir.display());

    let mut client = Client::start(&[]);
    client.initialize();
    client.open(&uri, "yaml", SOFTMAX_ONE_UNIT);
    let mut shown = None;
    let diagnostics = loop {
        let m = client.next();
        if m["method"] == "window/showMessage" {
            shown = Some(m["params"].clone());
        } else if m["method"] == "textDocument/publishDiagnostics" {
            break m["params"]["diagnostics"].clone();
        }
    };
    let shown = shown.expect("the configuration error is shown");
    assert_eq!(shown["type"], 1, "{shown}");
    let message = shown["message"].as_str().unwrap();
    assert!(
        message.contains("actlint.toml:2") && message.contains("selekt"),
        "{message}"
    );
    // The broken file's `ignore` does not apply: the defaults do.
    assert!(
        diagnostics
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "ACT101"),
        "{diagnostics}"
    );

    // Fixed on disk: once told, the server reads it again.
    std::fs::write(dir.join("actlint.toml"), "ignore = [\"ACT101\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}/actlint.toml", dir.display()), "type": 2}]}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    // Editor settings naming a rule that does not exist.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"actlint": {"select": ["ACT999"]}}}),
    );
    let shown = loop {
        let m = client.next();
        if m["method"] == "window/showMessage" {
            break m["params"].clone();
        }
    };
    let message = shown["message"].as_str().unwrap();
    assert!(
        message.contains("editor settings") && message.contains("ACT999"),
        "{message}"
    );
    // Ignored, so the configuration file still applies.
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    assert_eq!(client.shutdown(), 0);
}

impl Client {
    fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    /// The next error response with a `null` id, as its code.
    fn null_id_error(&mut self) -> i64 {
        loop {
            let m = self.next();
            if m.get("id") == Some(&Value::Null) {
                return m["error"]["code"].as_i64().expect("an error code");
            }
        }
    }
}

/// Broken or hostile framing gets a JSON-RPC error and the server keeps
/// serving: invalid JSON, a non-UTF-8 body, a batch, a header without
/// `\r\n`, a non-numeric or huge `Content-Length` (never allocated).
#[test]
fn bad_framing_is_answered_and_the_server_keeps_serving() {
    let mut client = Client::start(&[]);
    client.initialize();
    client.raw(b"Content-Length: 9\r\n\r\n{not json");
    assert_eq!(client.null_id_error(), -32700);
    client.raw(b"Content-Length: 4\r\n\r\n\xff\xfe{}");
    assert_eq!(client.null_id_error(), -32700);
    let batch = br#"[{"jsonrpc":"2.0","id":7,"method":"shutdown"}]"#;
    client.raw(format!("Content-Length: {}\r\n\r\n", batch.len()).as_bytes());
    client.raw(batch);
    assert_eq!(client.null_id_error(), -32600);
    client.raw(b"Content-Length: ten\r\n\r\n");
    assert_eq!(client.null_id_error(), -32700);
    client.raw(b"Content-Length: 99999999999999\r\n\r\n");
    assert_eq!(client.null_id_error(), -32700);
    let body = br#"{"jsonrpc":"2.0","id":5,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.yaml"},"position":{"line":0,"character":0}}}"#;
    client.raw(format!("Content-Length: {}\n\n", body.len()).as_bytes());
    client.raw(body);
    loop {
        let m = client.next();
        if m.get("id") == Some(&json!(5)) {
            break;
        }
    }
    assert_eq!(client.shutdown(), 0);
}

/// A request after `shutdown` gets an error instead of ending the server
/// silently; `exit` then ends it with code 0.
#[test]
fn a_request_after_shutdown_gets_an_error() {
    let mut client = Client::start(&[]);
    client.initialize();
    let response = client.request(2, "shutdown", Value::Null);
    assert!(response.get("error").is_none(), "{response}");
    let response = client.request(3, "textDocument/hover", json!({}));
    assert_eq!(response["error"]["code"], -32600, "{response}");
    client.notify("exit", Value::Null);
    assert_eq!(client.child.wait().unwrap().code(), Some(0));
}

#[test]
fn python_documents_are_linted() {
    let mut client = Client::start(&[]);
    client.initialize();
    let uri = "file:///nowhere/train.py";
    let text = "from tensorflow import keras\nmodel = keras.Sequential([keras.layers.Dense(1, activation=\"softmax\")])\n";
    client.open(uri, "python", text);
    let diags = client.diagnostics(uri);
    let d = diags
        .iter()
        .find(|d| d["code"] == "ACT101")
        .unwrap_or_else(|| panic!("{diags:?}"));
    // The `"softmax"` string on line 1 (0-based).
    assert_eq!(
        d["range"],
        json!({"start": {"line": 1, "character": 59}, "end": {"line": 1, "character": 68}})
    );
    // A Python file with no model: an empty list.
    let other = "file:///nowhere/util.py";
    client.open(other, "python", "def add(a, b):\n    return a + b\n");
    assert_eq!(client.diagnostics(other), Vec::<Value>::new());
    assert_eq!(client.shutdown(), 0);
}

/// A notebook opened as text (`languageId` `jupyter`, or a `.ipynb` URI):
/// findings at the argument inside the cell's JSON string, hover there, and
/// the fix as a code action whose edit is escaped as JSON.
#[test]
fn notebook_documents_are_linted_hovered_and_fixed() {
    let mut client = Client::start(&[]);
    client.initialize();
    let uri = "file:///nowhere/explore.ipynb";
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/ACT001/bad.ipynb"),
    )
    .unwrap();
    client.open(uri, "jupyter", &text);
    let diags = client.diagnostics(uri);
    let d = diags
        .iter()
        .find(|d| d["code"] == "ACT001" && d["message"].as_str().unwrap().contains("`rleu`"))
        .unwrap_or_else(|| panic!("{diags:?}"))
        .clone();
    // `\"rleu\"` on the notebook's line 48 (47 0-based), as the command line
    // reports it; the message says where it is in the cells.
    let line = text.lines().nth(47).unwrap();
    let start = line.find("\\\"rleu").unwrap() as u64;
    assert_eq!(
        d["range"],
        json!({"start": {"line": 47, "character": start}, "end": {"line": 47, "character": start + 8}})
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("(cell 3, line 6, column 38)"),
        "{d}"
    );
    let position = json!({"line": 47, "character": start + 3});
    let hover = client.request(
        2,
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position}),
    );
    let shown = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        shown.contains("`rleu`") && shown.contains("ACT001"),
        "{hover}"
    );
    let actions = client.request(
        3,
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let edits = &actions["result"][0]["edit"]["changes"][uri];
    assert_eq!(
        edits,
        &json!([{"range": d["range"], "newText": "\\\"relu\\\""}]),
        "{actions}"
    );
    // The same JSON under its language `json` is still a notebook.
    let other = "file:///nowhere/other.ipynb";
    client.open(other, "json", &text);
    assert_eq!(client.diagnostics(other).len(), diags.len());
    assert_eq!(client.shutdown(), 0);
}

/// A notebook as notebook documents (LSP 3.17): each cell a document of
/// its own. The cells are read as one program (the imports of one reach the
/// next), and each finding is published on its cell, at its place in the
/// cell's text, with its fix and hover there; an edit of a cell is linted
/// again, and closing the notebook clears its cells.
#[test]
fn notebook_documents_are_linted_cell_by_cell() {
    let mut client = Client::start(&[]);
    let init = client.initialize();
    assert_eq!(
        init["result"]["capabilities"]["notebookDocumentSync"]["notebookSelector"],
        json!([{"notebook": "jupyter-notebook", "cells": [{"language": "python"}]}]),
        "{init}"
    );
    let nb = "file:///nowhere/explore.ipynb";
    let cell = |n: u32| format!("vscode-notebook-cell:/nowhere/explore.ipynb#W{n}");
    let (intro, imports, model) = (cell(0), cell(1), cell(2));
    let model_text = "model = keras.Sequential([\n    layers.Dense(1, activation=\"rleu\"),\n])\nmodel.compile(loss=\"mse\")\n";
    client.notify(
        "notebookDocument/didOpen",
        json!({
            "notebookDocument": {"uri": nb, "notebookType": "jupyter-notebook", "version": 1, "cells": [
                {"kind": 1, "document": intro},
                {"kind": 2, "document": imports},
                {"kind": 2, "document": model},
            ]},
            "cellTextDocuments": [
                {"uri": intro, "languageId": "markdown", "version": 1, "text": "# A model\n"},
                {"uri": imports, "languageId": "python", "version": 1, "text": "%pip install keras\nimport keras\nfrom keras import layers\n"},
                {"uri": model, "languageId": "python", "version": 1, "text": model_text},
            ]
        }),
    );
    let mut published = std::collections::HashMap::new();
    while published.len() < 2 {
        let m = client.next();
        if m["method"] == "textDocument/publishDiagnostics" {
            published.insert(
                m["params"]["uri"].as_str().unwrap().to_string(),
                m["params"]["diagnostics"].clone(),
            );
        }
    }
    assert_eq!(published[&imports], json!([]));
    let diags = published[&model].as_array().unwrap().clone();
    let d = diags
        .iter()
        .find(|d| d["code"] == "ACT001")
        .unwrap_or_else(|| panic!("{diags:?}"))
        .clone();
    // `"rleu"` on the cell's line 1 (0-based), characters 31..37.
    assert_eq!(
        d["range"],
        json!({"start": {"line": 1, "character": 31}, "end": {"line": 1, "character": 37}})
    );
    let actions = client.request(
        2,
        "textDocument/codeAction",
        json!({"textDocument": {"uri": model}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    assert_eq!(
        actions["result"][0]["edit"]["changes"][&model],
        json!([{"range": d["range"], "newText": "\"relu\""}]),
        "{actions}"
    );
    let hover = client.request(
        3,
        "textDocument/hover",
        json!({"textDocument": {"uri": model}, "position": {"line": 1, "character": 33}}),
    );
    let shown = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        shown.contains("`rleu`") && shown.contains("ACT001"),
        "{hover}"
    );
    // The fix typed into the cell: linted again, and the cell is clean of ACT001.
    client.notify(
        "notebookDocument/didChange",
        json!({
            "notebookDocument": {"uri": nb, "version": 2},
            "change": {"cells": {"textContent": [{
                "document": {"uri": model, "version": 2},
                "changes": [{"range": d["range"], "text": "\"relu\""}]
            }]}}
        }),
    );
    let after = client.diagnostics(&model);
    assert!(after.iter().all(|d| d["code"] != "ACT001"), "{after:?}");
    // A cell added at the end: read after the others.
    let added = cell(3);
    client.notify(
        "notebookDocument/didChange",
        json!({
            "notebookDocument": {"uri": nb, "version": 3},
            "change": {"cells": {"structure": {
                "array": {"start": 3, "deleteCount": 0, "cells": [{"kind": 2, "document": added}]},
                "didOpen": [{"uri": added, "languageId": "python", "version": 1,
                             "text": "m2 = keras.Sequential([layers.Dense(1, activation=\"sigmod\")])\n"}]
            }}}
        }),
    );
    let diags = client.diagnostics(&added);
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "ACT001"
                && d["range"]["start"] == json!({"line": 0, "character": 50})),
        "{diags:?}"
    );
    client.notify(
        "notebookDocument/didClose",
        json!({"notebookDocument": {"uri": nb}, "cellTextDocuments": [{"uri": intro}, {"uri": imports}, {"uri": model}, {"uri": added}]}),
    );
    let mut cleared = Vec::new();
    while cleared.len() < 3 {
        let m = client.next();
        if m["method"] == "textDocument/publishDiagnostics" {
            assert_eq!(m["params"]["diagnostics"], json!([]), "{m}");
            cleared.push(m["params"]["uri"].as_str().unwrap().to_string());
        }
    }
    cleared.sort();
    assert_eq!(cleared, [imports, model, added]);
    assert_eq!(client.shutdown(), 0);
}
