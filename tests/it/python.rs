//! Python source and notebooks as a user meets them: the real binary on
//! `.py` and `.ipynb` files, named and found by a directory walk.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::TempDir;

fn actlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_actlint"))
        .arg("--isolated")
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .output()
        .expect("actlint runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A script with one ACT101 error (a one-unit softmax).
const SCRIPT: &str = r#"import tensorflow as tf
from tensorflow.keras import layers

model = tf.keras.Sequential([
    layers.Dense(16, activation="relu", kernel_initializer="he_normal"),
    layers.Dense(1, activation="softmax"),
])
model.compile(optimizer="adam", loss="binary_crossentropy")
"#;

#[test]
fn a_script_is_linted_with_positions_in_the_script() {
    let dir = TempDir::new("py-script");
    dir.write("train.py", SCRIPT.as_bytes());
    let out = actlint(dir.path(), &["--format", "concise", "train.py"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "train.py:6:32: error[ACT101] softmax over a single unit always outputs 1.0 (layer 2 (`Dense`)) (softmax-single-unit)\nno fixes available with `--fix` (1 hidden fix can be enabled with `--unsafe-fixes`)\n1 problem (1 error) in 1 file\n"
    );
    // JSON output points at the same argument.
    let out = actlint(dir.path(), &["--format", "json", "train.py"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "ACT101");
    assert_eq!((&d["line"], &d["column"]), (&6.into(), &32.into()), "{d}");
}

#[test]
fn a_comment_on_the_line_suppresses_a_finding() {
    let dir = TempDir::new("py-suppress");
    let text = SCRIPT.replace(
        "activation=\"softmax\"),",
        "activation=\"softmax\"),  # actlint: ignore[ACT101] the head is replaced later",
    );
    dir.write("train.py", text.as_bytes());
    let out = actlint(dir.path(), &["--format", "concise", "train.py"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // On the line above, by name.
    let text = SCRIPT.replace(
        "    layers.Dense(1, activation=\"softmax\"),",
        "    # actlint: ignore[softmax-single-unit]\n    layers.Dense(1, activation=\"softmax\"),",
    );
    dir.write("train.py", text.as_bytes());
    let out = actlint(dir.path(), &["--format", "concise", "train.py"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn values_not_known_statically_report_nothing() {
    let dir = TempDir::new("py-unknown");
    let text = r#"import keras
from keras import layers
import config

def head_activation():
    return config.ACTIVATION

model = keras.Sequential()
model.add(layers.Dense(64, activation=config.HIDDEN, input_shape=(8,)))
model.add(layers.Dense(config.N_CLASSES, activation=head_activation()))
model.compile(loss=config.LOSS, metrics=["accuracy"])
"#;
    dir.write("train.py", text.as_bytes());
    let out = actlint(dir.path(), &["--format", "concise", "train.py"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "no problems in 1 file\n");
}

#[test]
fn a_syntax_error_is_one_located_parse_error() {
    let dir = TempDir::new("py-syntax");
    dir.write(
        "broken.py",
        b"import keras\nmodel = keras.Sequential([\n    keras.layers.Dense(1)\n",
    );
    let out = actlint(dir.path(), &["--format", "concise", "broken.py"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.matches("ACT000").count(), 1, "{text}");
    // Where Python would say: the bracket that is never closed.
    assert!(
        text.starts_with("broken.py:2:26: error[ACT000] invalid Python: `[` is never closed"),
        "{text}"
    );
}

/// A notebook: code cells in order, magics blanked, positions in the
/// notebook file.
#[test]
fn notebook_code_cells_are_read_in_order() {
    let dir = TempDir::new("py-notebook");
    let nb = serde_json::json!({
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# A model\n"]},
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
             "source": ["%pip install keras\n", "!nvidia-smi\n", "import keras\n", "from keras import layers"]},
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 2,
             "source": ["model = keras.Sequential([\n", "    layers.Dense(1, activation=\"softmax\"),\n", "])\n", "model.compile(loss=\"binary_crossentropy\")"]}
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5
    });
    let text = serde_json::to_string_pretty(&nb).unwrap();
    dir.write("explore.ipynb", text.as_bytes());
    let out = actlint(dir.path(), &["--format", "concise", "explore.ipynb"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = stdout(&out);
    assert!(report.contains("error[ACT101]"), "{report}");
    // The message says where that is in the cells.
    assert!(report.contains("(cell 3, line 2, column 32)"), "{report}");
    // The line and column are those of `"softmax"` in the notebook's JSON.
    let (line, col) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("\\\"softmax").map(|c| (i + 1, c + 1)))
        .unwrap();
    assert!(
        report.starts_with(&format!("explore.ipynb:{line}:{col}: error[ACT101]")),
        "{report}"
    );
    // A syntax error names its cell.
    let broken = text.replace("model = keras.Sequential([", "model = keras.Sequential((");
    dir.write("explore.ipynb", broken.as_bytes());
    let out = actlint(dir.path(), &["--format", "concise", "explore.ipynb"]);
    assert!(stdout(&out).contains("in cell 3:"), "{}", stdout(&out));
}

#[test]
fn a_walk_reads_python_that_mentions_keras_and_skips_the_rest() {
    let dir = TempDir::new("py-walk");
    dir.write("actlint.toml", b"");
    dir.write("src/train.py", SCRIPT.as_bytes());
    dir.write("src/util.py", b"def helper(:\n    return 1\n");
    dir.write("src/plain.py", b"print('no models here')\n");
    let out = Command::new(env!("CARGO_BIN_EXE_actlint"))
        .args(["--format", "json", "-v", "src"])
        .current_dir(dir.path())
        .output()
        .expect("actlint runs");
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let files: Vec<(&str, &str)> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["file"].as_str().unwrap(), f["status"].as_str().unwrap()))
        .collect();
    // The file with a syntax error never mentions Keras: it is skipped
    // unparsed, as is the plain script.
    assert_eq!(
        files,
        [
            ("src/plain.py", "skipped"),
            ("src/train.py", "linted"),
            ("src/util.py", "skipped")
        ],
        "{}",
        stderr(&out)
    );
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["ACT101"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("never mentions `keras` or `tensorflow`"),
        "{}",
        stderr(&out)
    );
    // Named on the command line, a file is read whatever it mentions.
    let out = actlint(dir.path(), &["--format", "concise", "src/util.py"]);
    assert!(stdout(&out).contains("ACT000"), "{}", stdout(&out));
}

#[test]
fn a_large_python_file_hits_the_python_size_limit() {
    let dir = TempDir::new("py-large");
    let mut text = String::from("import keras\n");
    while text.len() < 2000 {
        text.push_str("x = 1\n");
    }
    dir.write("gen.py", text.as_bytes());
    let out = actlint(
        dir.path(),
        &[
            "--format",
            "concise",
            "--limit",
            "max-python-size=1KiB",
            "gen.py",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out)
            .contains("over the Python size limit of 1024 bytes (1 KiB) (`max-python-size`)"),
        "{}",
        stdout(&out)
    );
}

/// Fixes edit the call's arguments in place: a literal replaced keeping
/// its quotes, a keyword argument added before the closing parenthesis
/// keeping the call's layout.
#[test]
fn fixes_edit_call_arguments_in_place() {
    let dir = TempDir::new("py-fix");
    let before = r#"from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Dense(64, activation='rleu', input_shape=(8,)),
    layers.Dense(
        32,
        activation="relu",
    ),
    layers.Dense(1, activation="softmax"),
])
model.compile(loss="binary_crossentropy")
"#;
    dir.write("train.py", before.as_bytes());
    let out = actlint(dir.path(), &["--fix", "--unsafe-fixes", "train.py"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let after = std::fs::read_to_string(dir.path().join("train.py")).unwrap();
    assert_eq!(
        after,
        r#"from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Dense(64, activation='relu', input_shape=(8,), kernel_initializer="he_normal"),
    layers.Dense(
        32,
        activation="relu",
        kernel_initializer="he_normal",
    ),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy")
"#
    );
    // A value read through a name is not rewritten at the call.
    let named = "import keras\nact = 'softmax'\nm = keras.Sequential([keras.layers.Dense(1, activation=act)])\n";
    dir.write("named.py", named.as_bytes());
    let out = actlint(dir.path(), &["--fix", "--unsafe-fixes", "named.py"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("named.py")).unwrap(),
        named
    );
}
