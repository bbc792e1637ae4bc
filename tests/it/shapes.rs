//! Inferred shapes and parameter counts against what Keras itself reports.
//!
//! `fixtures/shapes/keras-shapes.tsv` is written by `scripts/keras-shapes.py`
//! (keras 3 on jax): every layer of every Keras 3 model of the corpus and of
//! the rule fixtures, with its output shape and `count_params()`. Every
//! shape actlint infers must be the one Keras reports, and every parameter
//! count it infers for a Dense, convolution, Embedding, recurrent or
//! BatchNormalization layer must be Keras's. A shape actlint cannot know
//! (after a Lambda, a shared layer, a layer it has no arithmetic for) is
//! allowed to be unknown, but only for the rows the coverage list below
//! names, so a regression that loses a shape fails too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use actlint::ir::shapes::display;
use actlint::ir::{LayerId, Model};
use actlint::lint::{load_models, Options};

use crate::corpus;

struct Row {
    layer: String,
    class: String,
    output: String,
    params: String,
}

fn table() -> BTreeMap<String, Vec<Row>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shapes/keras-shapes.tsv");
    let text = std::fs::read_to_string(&path).expect("fixtures/shapes/keras-shapes.tsv");
    let mut files: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cells: Vec<&str> = line.split('\t').collect();
        assert_eq!(cells.len(), 5, "malformed row: {line}");
        files.entry(cells[0].to_string()).or_default().push(Row {
            layer: cells[1].to_string(),
            class: cells[2].to_string(),
            output: cells[3].to_string(),
            params: cells[4].to_string(),
        });
    }
    files
}

/// Where a table key is: `keras3/...` in a corpus, else in the repository.
fn locate(key: &str, corpora: &[corpus::Corpus]) -> Option<PathBuf> {
    if key.starts_with("keras3/") {
        // The full corpus when it is there, else the trimmed copy.
        corpora
            .iter()
            .rev()
            .map(|c| c.dir.join(key))
            .find(|p| p.is_file())
    } else {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(key);
        p.is_file().then_some(p)
    }
}

/// `outer/inner` paths of the layers of every graph (wrapped layers left out).
fn paths(model: &Model) -> BTreeMap<String, LayerId> {
    let mut out = BTreeMap::new();
    for layer in &model.layers {
        if layer.wrapper.is_some() {
            continue;
        }
        let Some(name) = layer.name() else { continue };
        let mut path = name.to_string();
        let mut graph = layer.graph;
        while let Some(owner) = model.graphs[graph].owner {
            let o = model.layer(owner);
            path = format!("{}/{path}", o.name().unwrap_or("?"));
            graph = o.graph;
        }
        out.entry(path).or_insert(layer.id);
    }
    out
}

fn counted(class: &str) -> bool {
    class == "Dense"
        || class.contains("Conv")
        || matches!(
            class,
            "Embedding" | "LSTM" | "GRU" | "SimpleRNN" | "Bidirectional" | "BatchNormalization"
        )
}

#[test]
fn inferred_shapes_and_parameter_counts_match_keras() {
    let corpora = corpus::corpora("inferred_shapes_and_parameter_counts_match_keras");
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    let (mut checked, mut known, mut params_checked) = (0usize, 0usize, 0usize);
    for (key, rows) in table() {
        let Some(path) = locate(&key, &corpora) else {
            continue;
        };
        let bytes = std::fs::read(&path).expect("model file");
        let models = load_models(&path.to_string_lossy(), &bytes, &Options::default())
            .unwrap_or_else(|e| panic!("{key} does not load: {e}"));
        assert_eq!(models.len(), 1, "{key}: expected one model");
        let model = &models[0];
        let ids = paths(model);
        for row in rows {
            let Some(&id) = ids.get(&row.layer) else {
                wrong.push(format!("{key}: no layer `{}`", row.layer));
                continue;
            };
            checked += 1;
            let keras_first = row.output.split(" ; ").next().unwrap_or("-");
            match &model.shapes[id] {
                Some(shape) => {
                    known += 1;
                    let ours = display(shape);
                    if ours != keras_first {
                        wrong.push(format!(
                            "{key}: `{}` ({}): inferred {ours}, Keras {keras_first}",
                            row.layer, row.class
                        ));
                    }
                }
                None if keras_first != "-" => {
                    unknown.push(format!("{key}\t{}\t{}", row.layer, row.class));
                }
                None => {}
            }
            if counted(&row.class) && row.params != "-" {
                match model.params[id] {
                    Some(p) if p.to_string() == row.params => params_checked += 1,
                    Some(p) => wrong.push(format!(
                        "{key}: `{}` ({}): inferred {p} parameters, Keras {}",
                        row.layer, row.class, row.params
                    )),
                    None if model.shapes[id].is_some() || row.class == "Bidirectional" => wrong
                        .push(format!(
                            "{key}: `{}` ({}): parameter count unknown, Keras {}",
                            row.layer, row.class, row.params
                        )),
                    None => {}
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} disagreements with Keras:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    eprintln!(
        "shapes: {known} of {checked} layers inferred, {params_checked} parameter counts checked"
    );
    assert_eq!(
        unknown, NOT_INFERRED,
        "the layers whose shape Keras knows and actlint does not changed (a lost shape is a \
         regression; a newly inferred one goes out of NOT_INFERRED)"
    );
    assert!(
        checked >= 250 && params_checked >= 100,
        "{checked} {params_checked}"
    );
}

/// Layers whose shape Keras reports and actlint leaves unknown, on purpose:
/// a model called twice (the siamese twin: one output per call, and the
/// layers after it), and what follows a Lambda (Python code).
const NOT_INFERRED: &[&str] = &[
    "keras3/archives/siamese_similarity.keras\tembedding_net\tFunctional",
    "keras3/archives/siamese_similarity.keras\tsubtract\tSubtract",
    "keras3/archives/siamese_similarity.keras\tdense_2\tDense",
    "keras3/models/siamese_similarity.json\tembedding_net\tFunctional",
    "keras3/models/siamese_similarity.json\tsubtract\tSubtract",
    "keras3/models/siamese_similarity.json\tdense_2\tDense",
    "keras3/models/text_lambda_pooling.json\tmean_over_time\tLambda",
    "keras3/models/text_lambda_pooling.json\tdense\tDense",
    "keras3/models/text_lambda_pooling.json\tdense_1\tDense",
];
