//! Parse + lint throughput (MB/s) of the JSON front end, the YAML front end
//! and the whole pipeline, on the largest Keras application config of the
//! shared corpus and on generated 20,000-layer models.
//!
//! Run with `cargo bench --bench throughput` (add `-- --quick` for a short
//! run); criterion prints the time per file and the throughput. Not part
//! of `cargo test`.
//!
//! - `json_front_end`: JSON text -> spanned tree -> model IR.
//! - `yaml_front_end`: YAML text -> spanned tree -> model IR.
//! - `pipeline`: file bytes -> diagnostics -> `--format json` output, as the
//!   command line does it for one file (`lint::lint_bytes` and the renderer).
//!
//! Inputs:
//! - `app-<Name>.json`: the largest `keras3/applications/*.json` of the
//!   corpus, as Keras wrote it (one line); `app-<Name>.yaml`: the same
//!   config written as block YAML.
//! - `seq20k.json`: a Keras 3 Sequential of 20,000 Dense layers, in the
//!   shape `model.to_json()` writes; `simple20k.yaml`: the same model in the
//!   simple authoring format.
//!
//! `python`: Python source.
//! - `script300`: a generated 300-line training script (data preparation,
//!   a block helper called in a loop, a functional model, compile, fit),
//!   bytes -> diagnostics -> `--format json`, as for one file named on the
//!   command line.
//!   `script300_parse` is its tree-sitter parse alone, `script300_lower`
//!   the parse and the static evaluation (no rules, no output).
//! - `real_largest`: the longest `.py` program of the Python benchmark
//!   (`fixtures/python-bench/files/`, real code written by others), bytes ->
//!   diagnostics -> `--format json`; `real_all`: every program of that
//!   benchmark (scripts and notebooks) linted in turn, throughput over their
//!   bytes.
//! - `scan16M`: the byte scan a directory walk does on a `.py` file before
//!   parsing it (`lint::read::mentions_keras`), on 16 MiB of Python that
//!   never mentions Keras: the cost of skipping a repository's other files.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use actlint::ir::{self, Detected};
use actlint::lint::{lint_bytes, Options};
use actlint::render;
use actlint::tree::{self, Limits, Node, Value};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// Layers in the generated models.
const LAYERS: usize = 20_000;

struct Input {
    name: String,
    text: String,
}

fn corpus_applications() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/keras3/applications")
}

/// The largest application config of the corpus, by file size.
fn largest_application() -> Option<(String, String)> {
    let dir = corpus_applications();
    let entries = std::fs::read_dir(&dir).ok()?;
    let largest = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| Some((e.metadata().ok()?.len(), e.path())))
        .max()?;
    let name = largest.1.file_stem()?.to_string_lossy().into_owned();
    let text = std::fs::read_to_string(&largest.1).ok()?;
    Some((name, text))
}

/// A Keras 3 Sequential of `n` Dense(relu, he_normal) layers and a 1-unit
/// sigmoid head, compiled with binary crossentropy, written the way
/// `model.to_json()` writes it (one line, `", "` and `": "` separators).
fn keras_sequential(n: usize) -> String {
    let dtype = r#"{"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}"#;
    let init = |class: &str| {
        format!(
            r#"{{"module": "keras.initializers", "class_name": "{class}", "config": {{"seed": null}}, "registered_name": null}}"#
        )
    };
    let dense = |name: &str, units: u32, activation: &str, kernel: &str| {
        format!(
            r#"{{"module": "keras.layers", "class_name": "Dense", "config": {{"name": "{name}", "trainable": true, "dtype": {dtype}, "units": {units}, "activation": "{activation}", "use_bias": true, "kernel_initializer": {}, "bias_initializer": {}, "kernel_regularizer": null, "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null, "quantization_config": null}}, "registered_name": null, "build_config": {{"input_shape": [null, 32]}}}}"#,
            init(kernel),
            init("Zeros")
        )
    };
    let mut layers = vec![
        r#"{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 32], "dtype": "float32", "sparse": false, "ragged": false, "name": "input_layer"}, "registered_name": null}"#.to_string(),
    ];
    for i in 0..n {
        layers.push(dense(&format!("dense_{i}"), 32, "relu", "HeNormal"));
    }
    layers.push(dense("output", 1, "sigmoid", "GlorotUniform"));
    format!(
        r#"{{"module": "keras", "class_name": "Sequential", "config": {{"name": "deep", "trainable": true, "dtype": {dtype}, "layers": [{}]}}, "registered_name": null, "build_config": {{"input_shape": [null, 32]}}, "compile_config": {{"optimizer": "adam", "loss": "binary_crossentropy", "loss_weights": null, "metrics": ["accuracy"], "weighted_metrics": null, "run_eagerly": false, "steps_per_execution": 1, "jit_compile": true}}}}"#,
        layers.join(", ")
    )
}

/// The same model in the simple authoring format.
fn simple_yaml(n: usize) -> String {
    let mut out = String::from("name: deep\ntask: binary\ninput:\n  shape: [32]\nlayers:\n");
    for i in 0..n {
        out.push_str(&format!(
            "  - type: Dense\n    name: dense_{i}\n    units: 32\n    activation: relu\n    kernel_initializer: he_normal\n"
        ));
    }
    out.push_str("  - type: Dense\n    units: 1\n    activation: sigmoid\n");
    out.push_str("loss: binary_crossentropy\nmetrics: [accuracy]\noptimizer: adam\n");
    out
}

/// A parsed document written as block YAML (strings double-quoted, lists
/// of scalars in flow style), for the YAML front end on a real config.
fn to_yaml(node: &Node) -> String {
    fn scalar(node: &Node) -> Option<String> {
        Some(match &node.value {
            // Only Python source has values not known statically.
            Value::Null | Value::Unknown => "null".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => match n.int {
                Some(i) => i.to_string(),
                None if n.value.is_nan() => ".nan".to_string(),
                None if n.value.is_infinite() => {
                    if n.value > 0.0 { ".inf" } else { "-.inf" }.to_string()
                }
                None => format!("{:?}", n.value),
            },
            Value::String(s) => serde_json::to_string(s.as_str()).expect("a string serializes"),
            Value::Array(items) if items.is_empty() => "[]".to_string(),
            Value::Object(entries) if entries.is_empty() => "{}".to_string(),
            Value::Array(items) => {
                let flat: Option<Vec<String>> = items
                    .iter()
                    .map(|i| match i.value {
                        Value::Array(_) | Value::Object(_) => None,
                        _ => scalar(i),
                    })
                    .collect();
                format!("[{}]", flat?.join(", "))
            }
            Value::Object(_) => return None,
        })
    }
    /// Writes `node` as the value after `key:` or `- ` at `indent`.
    fn value(node: &Node, indent: usize, out: &mut String) {
        if let Some(s) = scalar(node) {
            out.push(' ');
            out.push_str(&s);
            out.push('\n');
            return;
        }
        out.push('\n');
        block(node, indent, out);
    }
    fn block(node: &Node, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match &node.value {
            Value::Array(items) => {
                for item in items {
                    out.push_str(&pad);
                    out.push('-');
                    value(item, indent + 2, out);
                }
            }
            Value::Object(entries) => {
                for e in entries {
                    out.push_str(&pad);
                    out.push_str(
                        &serde_json::to_string(e.key.as_str()).expect("a string serializes"),
                    );
                    out.push(':');
                    value(&e.value, indent + 2, out);
                }
            }
            _ => unreachable!("scalars are written inline"),
        }
    }
    let mut out = String::new();
    block(node, 0, &mut out);
    out
}

fn inputs() -> (Vec<Input>, Vec<Input>) {
    let mut json = Vec::new();
    let mut yaml = Vec::new();
    match largest_application() {
        Some((name, text)) => {
            let tree = tree::json::parse(&text, Limits::default()).expect("corpus JSON parses");
            yaml.push(Input {
                name: format!("app-{name}.yaml"),
                text: to_yaml(&tree),
            });
            json.push(Input {
                name: format!("app-{name}.json"),
                text,
            });
        }
        None => eprintln!(
            "note: no corpus at {}: benchmarking the generated models only",
            corpus_applications().display()
        ),
    }
    json.push(Input {
        name: "seq20k.json".to_string(),
        text: keras_sequential(LAYERS),
    });
    yaml.push(Input {
        name: "simple20k.yaml".to_string(),
        text: simple_yaml(LAYERS),
    });
    (json, yaml)
}

/// Checks once that an input is what it claims: a model with the expected
/// layers and no parse error.
fn check(input: &Input) {
    let report = lint_bytes(&input.name, input.text.as_bytes(), &Options::default());
    assert!(
        !report.diagnostics.iter().any(|d| d.code == "ACT000"),
        "{}: {:?}",
        input.name,
        report.diagnostics.first()
    );
    assert!(
        matches!(report.status, actlint::lint::Status::Linted { models: 1 }),
        "{}: {:?}",
        input.name,
        report.status
    );
}

fn layers_of(detected: Detected) -> usize {
    match detected {
        Detected::Model(m) => m.layers.len(),
        _ => 0,
    }
}

fn front_ends(c: &mut Criterion) {
    let (json, yaml) = inputs();
    for input in json.iter().chain(&yaml) {
        check(input);
    }
    let mut group = c.benchmark_group("json_front_end");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    for input in &json {
        group.throughput(Throughput::Bytes(input.text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(&input.name), input, |b, i| {
            b.iter(|| {
                let root = tree::json::parse(black_box(&i.text), Limits::default()).unwrap();
                layers_of(ir::build(&root))
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("yaml_front_end");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    for input in &yaml {
        group.throughput(Throughput::Bytes(input.text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(&input.name), input, |b, i| {
            b.iter(|| {
                let docs = tree::yaml::parse(black_box(&i.text), Limits::default()).unwrap();
                docs.iter().map(|d| layers_of(ir::build(d))).sum::<usize>()
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("pipeline");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    let options = Options::default();
    for input in json.iter().chain(&yaml) {
        group.throughput(Throughput::Bytes(input.text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(&input.name), input, |b, i| {
            b.iter(|| {
                let report = lint_bytes(&i.name, black_box(i.text.as_bytes()), &options);
                render::json::render(std::slice::from_ref(&report)).len()
            })
        });
    }
    group.finish();
}

/// A training script of about 300 lines, in the style of the Keras examples.
fn training_script() -> String {
    let mut s = String::from(
        "import os\nimport numpy as np\nimport tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n\nNUM_CLASSES = 10\nINPUT_SHAPE = (32, 32, 3)\nBATCH_SIZE = 64\nEPOCHS = 20\n\n",
    );
    for i in 0..120 {
        s.push_str(&format!(
            "x_part_{i} = np.load(os.path.join(\"data\", \"part_{i}.npy\")).astype(\"float32\") / 255.0\n"
        ));
    }
    s.push_str("\n\ndef conv_block(x, filters, name):\n    x = layers.Conv2D(filters, 3, padding=\"same\", kernel_initializer=\"he_normal\", name=name + \"_conv\")(x)\n    x = layers.BatchNormalization(name=name + \"_bn\")(x)\n    x = layers.Activation(\"relu\", name=name + \"_relu\")(x)\n    return x\n\n\n");
    s.push_str("inputs = keras.Input(shape=INPUT_SHAPE)\nx = inputs\n");
    s.push_str("for i, filters in enumerate([32, 64, 128, 256]):\n    x = conv_block(x, filters, name=\"block\" + str(i))\n    x = layers.MaxPooling2D()(x)\n");
    s.push_str("x = layers.GlobalAveragePooling2D()(x)\nx = layers.Dropout(0.3)(x)\noutputs = layers.Dense(NUM_CLASSES, activation=\"softmax\")(x)\nmodel = keras.Model(inputs, outputs, name=\"cnn\")\n");
    s.push_str("model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=\"sparse_categorical_crossentropy\", metrics=[\"accuracy\"])\n\n");
    while s.lines().count() < 300 {
        let n = s.lines().count();
        s.push_str(&format!(
            "history_{n} = model.fit(x_part_{}, np.zeros(10), batch_size=BATCH_SIZE, epochs=EPOCHS, verbose=0)\nprint(\"loss\", history_{n}.history[\"loss\"][-1])\n",
            n % 120
        ));
    }
    s
}

/// The programs of the Python benchmark (real scripts and notebooks), in
/// name order.
fn python_bench_programs() -> Vec<Input> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/python-bench/files");
    let mut programs: Vec<Input> = std::fs::read_dir(dir)
        .expect("fixtures/python-bench/files")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "py" || e == "ipynb"))
        .map(|p| Input {
            name: p.file_name().unwrap().to_string_lossy().into_owned(),
            text: std::fs::read_to_string(&p).expect("a UTF-8 program"),
        })
        .collect();
    programs.sort_by(|a, b| a.name.cmp(&b.name));
    programs
}

/// 16 MiB of Python that never mentions Keras.
fn plain_python() -> Vec<u8> {
    let line = b"def helper(values, scale=2.0):\n    return [v * scale for v in values if v is not None]\n";
    let mut out = Vec::with_capacity(16 << 20);
    while out.len() + line.len() <= 16 << 20 {
        out.extend_from_slice(line);
    }
    out
}

fn python(c: &mut Criterion) {
    let script = Input {
        name: "script300.py".to_string(),
        text: training_script(),
    };
    check(&script);
    let plain = plain_python();
    assert!(!actlint::lint::read::mentions_keras(&plain));
    let mut group = c.benchmark_group("python");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    let options = Options::default();
    group.throughput(Throughput::Bytes(script.text.len() as u64));
    group.bench_function("script300", |b| {
        b.iter(|| {
            let report = lint_bytes(&script.name, black_box(script.text.as_bytes()), &options);
            render::json::render(std::slice::from_ref(&report)).len()
        })
    });
    // Where that time goes: the tree-sitter parse, then the static
    // evaluation and lowering into the Keras config tree.
    group.bench_function("script300_parse", |b| {
        b.iter(|| ir::python::parse(black_box(&script.text)).is_ok())
    });
    group.bench_function("script300_lower", |b| {
        b.iter(|| ir::python::lower(black_box(&script.text)).map(|l| l.docs.len()))
    });
    let programs = python_bench_programs();
    if let Some(largest) = programs
        .iter()
        .filter(|p| p.name.ends_with(".py"))
        .max_by_key(|p| p.text.lines().count())
    {
        group.throughput(Throughput::Bytes(largest.text.len() as u64));
        group.bench_function("real_largest", |b| {
            b.iter(|| {
                let report =
                    lint_bytes(&largest.name, black_box(largest.text.as_bytes()), &options);
                render::json::render(std::slice::from_ref(&report)).len()
            })
        });
    }
    let total: usize = programs.iter().map(|p| p.text.len()).sum();
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("real_all", |b| {
        b.iter(|| {
            programs
                .iter()
                .map(|p| {
                    let report = lint_bytes(&p.name, black_box(p.text.as_bytes()), &options);
                    render::json::render(std::slice::from_ref(&report)).len()
                })
                .sum::<usize>()
        })
    });
    group.throughput(Throughput::Bytes(plain.len() as u64));
    group.bench_function("scan16M", |b| {
        b.iter(|| actlint::lint::read::mentions_keras(black_box(&plain)))
    });
    group.finish();
}

criterion_group!(benches, front_ends, python);
criterion_main!(benches);
