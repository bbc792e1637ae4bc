//! Every file of the Keras corpus (real Keras 2 and 3 output) loads with the
//! layer and output counts its manifest lists, and produces no parse (ACT000)
//! or unresolved-reference (ACT004) diagnostic.
//!
//! The trimmed copy in `fixtures/corpus` is always checked. The full corpus
//! (`../shared/corpus`, beside the checkout) is checked too when it is there;
//! without it that part is skipped with a message, unless
//! ACTLINT_REQUIRE_EXTERNAL=1 (set by `.ci/run`) makes it a failure.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use actlint::ir::{Format, Head, Model};
use actlint::lint::{lint_bytes, load_models, Options, Status};

use crate::external;

/// A copy of the corpus and what it must at least hold.
pub struct Corpus {
    pub dir: PathBuf,
    /// Rows in its two manifests.
    min_rows: usize,
    /// Model files (`.json` and `.keras`) under it.
    min_models: usize,
}

/// The trimmed copy in the repository (see fixtures/corpus/README.md).
pub fn in_repo() -> Corpus {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus");
    assert!(
        dir.join("keras3/MANIFEST.tsv").is_file() && dir.join("keras2/MANIFEST.tsv").is_file(),
        "the trimmed Keras corpus is missing: expected {} with keras2/ and keras3/ and their MANIFEST.tsv",
        dir.display()
    );
    Corpus {
        dir,
        min_rows: 88,
        min_models: 85,
    }
}

/// The full corpus beside the checkout, or `None` after saying that the
/// part of `test` that needs it is skipped (a failure when
/// ACTLINT_REQUIRE_EXTERNAL=1).
pub fn full(test: &str) -> Option<Corpus> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !dir.is_dir() {
        if external::required() {
            panic!(
                "{test}: the full Keras corpus is missing at {}, and {}=1 requires it",
                dir.display(),
                external::REQUIRE_ENV
            );
        }
        // Written to the standard error itself, not through `eprintln!`,
        // which the test harness captures for tests that pass.
        let _ = writeln!(
            std::io::stderr(),
            "{test}: skipped the full Keras corpus (not found at {}); checked the trimmed copy in fixtures/corpus only",
            dir.display()
        );
        return None;
    }
    assert!(
        dir.join("keras3/MANIFEST.tsv").is_file() && dir.join("keras2/MANIFEST.tsv").is_file(),
        "the Keras corpus is incomplete: expected {} with keras2/ and keras3/ and their MANIFEST.tsv",
        dir.display()
    );
    Some(Corpus {
        dir,
        min_rows: 101,
        min_models: 115,
    })
}

/// The copy in the repository, then the full corpus when it is there.
pub fn corpora(test: &str) -> Vec<Corpus> {
    let mut all = vec![in_repo()];
    all.extend(full(test));
    all
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// One row of a MANIFEST.tsv.
#[derive(Debug)]
struct Row {
    file: String,
    layers: usize,
    layers_nested: usize,
    /// Outputs implied by the loss summary: a `{...}` or `[...]` loss has one
    /// entry per output; a single loss or none means one output.
    outputs: usize,
    /// The manifest lists a compile loss.
    compiled: bool,
}

/// Entries of a loss summary like `{a: x, b: Y(k=v)}` or `[X(), y]`, split
/// at top-level commas.
fn loss_entries(summary: &str) -> usize {
    let inner = match summary.as_bytes().first() {
        Some(b'{' | b'[') => &summary[1..summary.len() - 1],
        _ => return 1,
    };
    let mut depth = 0i32;
    let mut n = 1;
    for c in inner.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => n += 1,
            _ => {}
        }
    }
    n
}

/// Rows keyed by path relative to the corpus directory.
fn manifest(corpus: &Corpus) -> BTreeMap<String, Row> {
    let dir = &corpus.dir;
    let mut rows = BTreeMap::new();
    for generation in ["keras3", "keras2"] {
        let path = dir.join(generation).join("MANIFEST.tsv");
        let text = std::fs::read_to_string(&path).expect("manifest");
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().expect("manifest header").split('\t').collect();
        let col = |name: &str| {
            header
                .iter()
                .position(|h| *h == name)
                .unwrap_or_else(|| panic!("{} has no `{name}` column", path.display()))
        };
        let (file, layers, nested, loss) = (
            col("file"),
            col("layers"),
            col("layers_nested"),
            col("loss"),
        );
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let cells: Vec<&str> = line.split('\t').collect();
            let key = format!("{generation}/{}", cells[file]);
            let number = |i: usize| -> usize {
                cells[i]
                    .parse()
                    .unwrap_or_else(|_| panic!("{key}: `{}` is not a count", cells[i]))
            };
            let row = Row {
                file: key.clone(),
                layers: number(layers),
                layers_nested: number(nested),
                outputs: loss_entries(cells[loss]),
                compiled: cells[loss] != "-",
            };
            rows.insert(key, row);
        }
    }
    assert!(
        rows.len() >= corpus.min_rows,
        "the manifests of {} list only {} files",
        dir.display(),
        rows.len()
    );
    rows
}

fn read(dir: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

/// The single model of a file of the corpus copy in the repository.
fn model(rel: &str) -> Model {
    let dir = in_repo().dir;
    let mut models = load_models(rel, &read(&dir, rel), &Options::default())
        .unwrap_or_else(|e| panic!("{rel} does not load: {e}"));
    assert_eq!(models.len(), 1, "{rel}: expected one model");
    models.remove(0)
}

fn head<'m>(model: &'m Model, name: &str) -> &'m Head {
    model
        .heads
        .iter()
        .find(|h| h.name == name)
        .unwrap_or_else(|| {
            let names: Vec<&str> = model.heads.iter().map(|h| h.name.as_str()).collect();
            panic!("no head `{name}`; heads are {names:?}")
        })
}

fn activation(model: &Model, head: &Head) -> (String, String) {
    let a = head.activation.as_ref().expect("head activation");
    let layer = model.layer(a.layer);
    (
        a.activation.name.clone(),
        layer.name().unwrap_or("?").to_string(),
    )
}

fn loss(head: &Head) -> (String, bool) {
    let l = head
        .loss
        .as_ref()
        .unwrap_or_else(|| panic!("head `{}` has no loss", head.name));
    (l.name.clone(), l.from_logits())
}

#[test]
fn every_corpus_file_lints_without_parse_or_reference_errors() {
    for corpus in corpora("every_corpus_file_lints_without_parse_or_reference_errors") {
        lints_without_parse_or_reference_errors(&corpus);
    }
}

fn lints_without_parse_or_reference_errors(corpus: &Corpus) {
    let dir = &corpus.dir;
    let rows = manifest(corpus);
    let mut files = Vec::new();
    files_under(dir, &mut files);
    let mut failures = Vec::new();
    let mut linted = 0;
    for path in &files {
        let rel = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(path).unwrap();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext {
            "json" | "keras" => {
                let report = lint_bytes(&rel, &bytes, &Options::default());
                let name = path.file_name().unwrap().to_string_lossy();
                if name == "VERSIONS.json" {
                    if !matches!(report.status, Status::Skipped { .. }) {
                        failures.push(format!("{rel}: not a model, but {:?}", report.status));
                    }
                    continue;
                }
                if !rows.contains_key(&rel) {
                    failures.push(format!("{rel}: not listed in the manifest"));
                }
                if report.status != (Status::Linted { models: 1 }) {
                    failures.push(format!("{rel}: {:?}", report.status));
                }
                for d in &report.diagnostics {
                    if d.code == "ACT000" || d.code == "ACT004" {
                        failures.push(format!("{rel}: {} {}", d.code, d.message));
                    }
                }
                linted += 1;
            }
            "h5" => {
                // Read through the HDF5 root attributes (tests/formats.rs
                // compares the findings with the `.h5.attrs.json` twins).
                let report = lint_bytes(&rel, &bytes, &Options::default());
                if report.status != (Status::Linted { models: 1 }) {
                    failures.push(format!("{rel}: {:?}", report.status));
                }
                for d in &report.diagnostics {
                    if d.code == "ACT000" || d.code == "ACT004" {
                        failures.push(format!("{rel}: {} {}", d.code, d.message));
                    }
                }
            }
            _ => {}
        }
    }
    assert!(
        linted >= corpus.min_models,
        "only {linted} model files found under {}",
        dir.display()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn layer_and_output_counts_match_the_manifest() {
    for corpus in corpora("layer_and_output_counts_match_the_manifest") {
        counts_match_the_manifest(&corpus);
    }
}

fn counts_match_the_manifest(corpus: &Corpus) {
    let dir = &corpus.dir;
    let rows = manifest(corpus);
    let mut failures = Vec::new();
    for row in rows.values() {
        let bytes = read(dir, &row.file);
        let models = match load_models(&row.file, &bytes, &Options::default()) {
            Ok(m) if m.len() == 1 => m,
            Ok(m) => {
                failures.push(format!("{}: {} models", row.file, m.len()));
                continue;
            }
            Err(e) => {
                failures.push(format!("{}: {e}", row.file));
                continue;
            }
        };
        let model = &models[0];
        let top = model.graphs[0].layers.len();
        // Layer entries of every model's `layers` list; wrapped layers (the
        // LSTM inside a Bidirectional) are in the arena but in no list.
        let all: usize = model.graphs.iter().map(|g| g.layers.len()).sum();
        let wrapped = model.layers.iter().filter(|l| l.wrapper.is_some()).count();
        if top != row.layers || all != row.layers_nested {
            failures.push(format!(
                "{}: {top} top-level / {all} layers, manifest says {} / {}",
                row.file, row.layers, row.layers_nested
            ));
        }
        if model.layers.len() != all + wrapped {
            failures.push(format!(
                "{}: {} layers in the arena, {all} listed and {wrapped} wrapped",
                row.file,
                model.layers.len()
            ));
        }
        if model.heads.len() != row.outputs || model.graphs[0].outputs.len() != row.outputs {
            failures.push(format!(
                "{}: {} heads, expected {}",
                row.file,
                model.heads.len(),
                row.outputs
            ));
        }
        let nested = model.graphs.len() > 1;
        if nested != (row.layers_nested > row.layers) {
            failures.push(format!("{}: {} graphs", row.file, model.graphs.len()));
        }
        // A loss is known exactly when the model was compiled and the file
        // keeps compile settings (Keras 2 `to_json()` drops them).
        let keeps_compile =
            !row.file.starts_with("keras2/models/") || row.file.ends_with(".keras-config.json");
        if model.compiled != (row.compiled && keeps_compile) {
            failures.push(format!("{}: compiled = {}", row.file, model.compiled));
        }
        if model.compiled && model.heads.iter().any(|h| h.loss.is_none()) {
            failures.push(format!("{}: a head has no loss", row.file));
        }
        let expected_format = if row.file.starts_with("keras3/") {
            Format::Keras3
        } else {
            Format::Keras2
        };
        if model.format != expected_format {
            failures.push(format!("{}: format {:?}", row.file, model.format));
        }
        if !model.unresolved.is_empty() || !model.problems.is_empty() {
            failures.push(format!(
                "{}: unresolved {:?}, problems {:?}",
                row.file, model.unresolved, model.problems
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The layer of a model with this name (the first, in arena order).
fn layer_named<'m>(model: &'m Model, name: &str) -> &'m actlint::ir::Layer {
    model
        .layers
        .iter()
        .find(|l| l.name() == Some(name))
        .unwrap_or_else(|| panic!("no layer `{name}`"))
}

fn input_names(model: &Model, name: &str) -> Vec<String> {
    layer_named(model, name)
        .inputs
        .iter()
        .map(|&i| model.layer(i).name().unwrap_or("?").to_string())
        .collect()
}

fn metric_names(head: &Head) -> Vec<&str> {
    head.metrics.iter().map(|m| m.name.as_str()).collect()
}

#[test]
fn dict_outputs_take_losses_and_metrics_by_name() {
    for rel in [
        "keras3/models/product_multi_output_dict.json",
        "keras3/archives/product_multi_output_dict.keras",
    ] {
        let m = model(rel);
        let names: Vec<&str> = m.heads.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["category", "price"], "{rel}");
        let category = head(&m, "category");
        assert_eq!(
            activation(&m, category),
            ("softmax".into(), "category".into())
        );
        assert_eq!(category.units(), Some(5));
        assert_eq!(
            loss(category),
            ("sparse_categorical_crossentropy".into(), false)
        );
        assert_eq!(metric_names(category), ["accuracy"]);
        let price = head(&m, "price");
        assert_eq!(activation(&m, price), ("linear".into(), "price".into()));
        assert_eq!(price.units(), Some(1));
        assert_eq!(loss(price), ("mse".into(), false));
        assert_eq!(metric_names(price), ["mae"]);
        assert_eq!(m.optimizer.as_ref().map(|o| o.value.as_str()), Some("Adam"));
    }
}

#[test]
fn dict_loss_objects_keep_from_logits() {
    for rel in [
        "keras3/models/ticket_triage_multi_io.json",
        "keras2/models/ticket_triage_multi_io.keras-config.json",
        "keras2/h5/ticket_triage_multi_io.h5.attrs.json",
    ] {
        let m = model(rel);
        assert_eq!(m.graphs[0].inputs.len(), 3, "{rel}");
        let priority = head(&m, "priority");
        assert_eq!(
            activation(&m, priority),
            ("linear".into(), "priority".into()),
            "{rel}"
        );
        assert_eq!(priority.units(), Some(1));
        assert_eq!(loss(priority), ("BinaryCrossentropy".into(), true), "{rel}");
        let department = head(&m, "department");
        assert_eq!(department.units(), Some(4));
        assert_eq!(
            loss(department),
            ("CategoricalCrossentropy".into(), true),
            "{rel}"
        );
    }
    // The HDF5 training config wraps metrics per output in MeanMetricWrapper.
    let m = model("keras2/h5/ticket_triage_multi_io.h5.attrs.json");
    assert_eq!(metric_names(head(&m, "priority")), ["binary_accuracy"]);
    assert_eq!(
        metric_names(head(&m, "department")),
        ["categorical_accuracy"]
    );
    // Keras 2 `to_json()` keeps no compile settings.
    let m = model("keras2/models/ticket_triage_multi_io.json");
    assert!(!m.compiled);
    assert!(m.heads.iter().all(|h| h.loss.is_none()));
}

#[test]
fn list_losses_go_by_output_order() {
    let m = model("keras3/models/detector_multi_output_list.json");
    let names: Vec<&str> = m.heads.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["class_logits", "bbox"]);
    assert_eq!(
        loss(&m.heads[0]),
        ("SparseCategoricalCrossentropy".into(), true)
    );
    assert_eq!(activation(&m, &m.heads[0]).0, "linear");
    assert_eq!(metric_names(&m.heads[0]), ["accuracy"]);
    assert_eq!(loss(&m.heads[1]), ("MeanSquaredError".into(), false));
    assert_eq!(activation(&m, &m.heads[1]).0, "sigmoid");
    assert_eq!(metric_names(&m.heads[1]), ["mse"]);

    let m = model("keras2/models/detector_multi_output_list.keras-config.json");
    let names: Vec<&str> = m.heads.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["class_probs", "bbox"]);
    assert_eq!(
        loss(&m.heads[0]),
        ("sparse_categorical_crossentropy".into(), false)
    );
    assert_eq!(loss(&m.heads[1]), ("MeanSquaredError".into(), false));
}

#[test]
fn head_resolves_into_a_nested_functional_output() {
    let m = model("keras3/models/export_wrapper_nested_output.json");
    assert_eq!(m.heads.len(), 1);
    let h = &m.heads[0];
    assert_eq!(h.name, "core");
    assert_eq!(m.layer(h.output_layer).class(), "Functional");
    let producer = m.layer(h.producer.expect("producer"));
    assert_eq!(
        (producer.class(), producer.name()),
        ("Dense", Some("dense_1"))
    );
    assert_ne!(producer.graph, 0, "the producer is inside the nested model");
    assert_eq!(m.graphs[producer.graph].name.as_deref(), Some("core"));
    assert_eq!(activation(&m, h), ("softmax".into(), "dense_1".into()));
    assert_eq!(h.units(), Some(3));
    assert_eq!(loss(h), ("sparse_categorical_crossentropy".into(), false));
}

#[test]
fn time_distributed_head_is_its_wrapped_dense() {
    // Keras 3 writes the backward layer of a Bidirectional; tf-keras does not.
    for (rel, bidirectional_children) in [
        ("keras3/models/ner_bilstm_tagger.json", 2),
        ("keras2/models/ner_bilstm_tagger.keras-config.json", 1),
    ] {
        let m = model(rel);
        let h = &m.heads[0];
        let out = m.layer(h.output_layer);
        assert_eq!(out.class(), "TimeDistributed", "{rel}");
        let producer = m.layer(h.producer.expect("producer"));
        assert_eq!(producer.class(), "Dense");
        assert_eq!(producer.wrapper, Some(h.output_layer));
        assert_eq!(h.activation.as_ref().unwrap().activation.name, "softmax");
        assert_eq!(h.units(), Some(9));
        // The Bidirectional wraps an LSTM and has a backward LSTM too.
        let bi = m
            .layers
            .iter()
            .find(|l| l.class() == "Bidirectional")
            .unwrap();
        let inner = m.layer(bi.wrapped.expect("wrapped"));
        assert_eq!(inner.class(), "LSTM");
        let wrapped_by_bi = m.layers.iter().filter(|l| l.wrapper == Some(bi.id)).count();
        assert_eq!(wrapped_by_bi, bidirectional_children, "{rel}");
        assert_eq!(bi.units, inner.units);
        assert_eq!(
            bi.activation.as_ref().map(|a| a.name.as_str()),
            Some("tanh")
        );
    }
}

#[test]
fn head_activation_comes_from_a_float32_activation_layer() {
    let m = model("keras3/models/mixed_precision_cnn.json");
    let h = &m.heads[0];
    let a = h.activation.as_ref().unwrap();
    assert_eq!(a.activation.name, "softmax");
    assert_eq!(m.layer(a.layer).class(), "Activation");
    let producer = m.layer(h.producer.expect("producer"));
    assert_eq!(producer.class(), "Dense");
    assert_eq!(producer.activation.as_ref().unwrap().name, "linear");
    assert_eq!(h.units(), Some(10));
}

#[test]
fn transfer_model_keeps_the_nested_application() {
    let m = model("keras3/models/transfer_mobilenetv2.json");
    let base = layer_named(&m, "mobilenetv2_1.00_96");
    let g = &m.graphs[base.nested.expect("nested graph")];
    assert_eq!(g.owner, Some(base.id));
    assert_eq!(g.layers.len(), 154);
    assert_eq!(g.outputs.len(), 1);
    assert_eq!(m.layer(g.outputs[0].layer).name(), Some("out_relu"));
    assert_eq!(
        input_names(&m, "global_average_pooling2d"),
        ["mobilenetv2_1.00_96"]
    );
    let h = &m.heads[0];
    assert_eq!(activation(&m, h), ("linear".into(), "dense".into()));
    assert_eq!(h.units(), Some(1));
    assert_eq!(loss(h), ("BinaryCrossentropy".into(), true));
}

#[test]
fn graph_edges_follow_args_kwargs_and_shared_models() {
    // A shared nested model called twice feeds one layer: one deduplicated edge.
    let m = model("keras3/models/siamese_similarity.json");
    assert_eq!(input_names(&m, "subtract"), ["embedding_net"]);
    assert_eq!(input_names(&m, "absolute"), ["subtract"]);
    assert_eq!(m.graphs[0].inputs.len(), 2);
    // Tensors in kwargs (initial_state) are inputs too.
    let m = model("keras3/models/seq2seq_attention.json");
    assert_eq!(input_names(&m, "lstm_1"), ["embedding_1", "lstm"]);
    assert_eq!(input_names(&m, "attention"), ["lstm_1", "lstm"]);
    // The auto-inserted mask op feeds the wrappers through their `mask` kwarg.
    let m = model("keras3/models/ner_bilstm_tagger.json");
    assert_eq!(input_names(&m, "not_equal"), ["tokens"]);
    assert_eq!(input_names(&m, "bidirectional"), ["embedding", "not_equal"]);
    // Keras 2: kwargs tensors are 3-item lists; TFOpLambda nodes are one level less.
    let m = model("keras2/models/transformer_block_classifier.json");
    assert_eq!(input_names(&m, "multi_head_attention"), ["embedding"]);
    let m = model("keras2/models/siamese_tfop_lambda.json");
    assert_eq!(input_names(&m, "tf.math.subtract"), ["embedding_net"]);
    assert_eq!(input_names(&m, "tf.math.abs"), ["tf.math.subtract"]);
    assert_eq!(input_names(&m, "l1_distance"), ["tf.math.abs"]);
}

#[test]
fn nested_sequential_models_are_graphs() {
    let m = model("keras3/models/dcgan_combined.json");
    assert_eq!(m.graphs.len(), 3);
    let disc = layer_named(&m, "discriminator");
    let g = &m.graphs[disc.nested.unwrap()];
    assert_eq!(g.layers.len(), 7);
    let h = &m.heads[0];
    assert_eq!(h.output_layer, disc.id);
    assert_eq!(m.layer(h.producer.unwrap()).graph, disc.nested.unwrap());
    assert_eq!(loss(h), ("BinaryCrossentropy".into(), true));
}

#[test]
fn hdf5_attributes_carry_the_training_config() {
    let m = model("keras2/h5/mnist_cnn.h5.attrs.json");
    assert_eq!(m.format, Format::Keras2);
    let h = &m.heads[0];
    assert_eq!(h.activation.as_ref().unwrap().activation.name, "softmax");
    assert_eq!(loss(h), ("categorical_crossentropy".into(), false));
    assert_eq!(metric_names(h), ["categorical_accuracy"]);
    assert_eq!(m.optimizer.as_ref().map(|o| o.value.as_str()), Some("Adam"));
}

#[test]
fn applications_load_with_their_single_head() {
    for (rel, units) in [
        ("keras3/applications/ResNet50.json", 1000),
        ("keras3/applications/NASNetMobile.json", 1000),
        ("keras2/applications/InceptionV3.json", 1000),
    ] {
        let m = model(rel);
        assert!(!m.compiled);
        let h = &m.heads[0];
        assert_eq!(h.units(), Some(units), "{rel}");
        assert_eq!(
            h.activation.as_ref().unwrap().activation.name,
            "softmax",
            "{rel}"
        );
    }
}

#[test]
fn the_copy_in_the_repository_matches_the_full_corpus() {
    let Some(full) = full("the_copy_in_the_repository_matches_the_full_corpus") else {
        return;
    };
    let copy = in_repo();
    let mut files = Vec::new();
    files_under(&copy.dir, &mut files);
    let mut failures = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(&copy.dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "README.md" {
            continue;
        }
        let original = full.dir.join(&rel);
        let Ok(original_bytes) = std::fs::read(&original) else {
            failures.push(format!("{rel}: not in the full corpus"));
            continue;
        };
        if rel.ends_with("MANIFEST.tsv") {
            // The rows of the files kept, as the full manifest has them.
            let text = std::fs::read_to_string(path).unwrap();
            let original_text = String::from_utf8(original_bytes).unwrap();
            let original_lines: Vec<&str> = original_text.lines().collect();
            let mut lines = text.lines();
            if lines.next() != original_lines.first().copied() {
                failures.push(format!("{rel}: header differs from the full manifest"));
            }
            for line in lines {
                if !original_lines[1..].contains(&line) {
                    failures.push(format!("{rel}: row not in the full manifest: {line}"));
                }
            }
        } else if std::fs::read(path).unwrap() != original_bytes {
            failures.push(format!("{rel}: differs from {}", original.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
