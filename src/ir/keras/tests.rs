//! The Keras front end on real and edited model files.

use super::*;
use crate::ir::{GraphKind, LayerId};
use crate::tree::{json, Limits};

const NESTED_OUTPUT: &str =
    include_str!("../../../fixtures/keras/keras3_export_wrapper_nested_output.json");
const DICT_OUTPUTS: &str =
    include_str!("../../../fixtures/keras/keras3_product_multi_output_dict.json");
const TFOP_SIAMESE: &str = include_str!("../../../fixtures/keras/keras2_siamese_tfop_lambda.json");
const KERAS2_ARCHIVE_CONFIG: &str =
    include_str!("../../../fixtures/keras/keras2_mnist_mlp.keras-config.json");

fn detect(text: &str) -> Detected {
    let root = json::parse(text, Limits::default()).expect("valid JSON");
    super::super::build(&root)
}

fn model(text: &str) -> Model {
    match detect(text) {
        Detected::Model(m) => *m,
        Detected::Malformed(e) => panic!("malformed: {e:?}"),
        Detected::NotAModel(r) => panic!("not a model: {r}"),
    }
}

fn malformed(text: &str) -> Vec<BuildError> {
    match detect(text) {
        Detected::Malformed(e) => e,
        Detected::Model(_) => panic!("built a model"),
        Detected::NotAModel(r) => panic!("not a model: {r}"),
    }
}

fn at(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

/// Replaces exactly one occurrence.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

fn names(m: &Model, ids: &[LayerId]) -> Vec<String> {
    ids.iter()
        .map(|&i| m.layer(i).name().unwrap_or("?").to_string())
        .collect()
}

#[test]
fn real_files_build_without_findings() {
    for text in [
        NESTED_OUTPUT,
        DICT_OUTPUTS,
        TFOP_SIAMESE,
        KERAS2_ARCHIVE_CONFIG,
    ] {
        let m = model(text);
        assert!(m.unresolved.is_empty(), "{:?}", m.unresolved);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
    }
    assert_eq!(model(NESTED_OUTPUT).format, Format::Keras3);
    assert_eq!(model(TFOP_SIAMESE).format, Format::Keras2);
    // A tf-keras `.keras` config has a `module` key but is still Keras 2.
    let m = model(KERAS2_ARCHIVE_CONFIG);
    assert_eq!(m.format, Format::Keras2);
    assert!(m.compiled);
    assert_eq!(
        m.heads[0].loss.as_ref().unwrap().name,
        "sparse_categorical_crossentropy"
    );
}

#[test]
fn single_serialized_layers_and_other_json_are_not_models() {
    for text in [
        r#"{"class_name": "Dense", "config": {"units": 3}}"#,
        r#"{"module": "keras.layers", "class_name": "LSTM", "config": {"units": 3}, "registered_name": null}"#,
        r#"{"class_name": "Adam", "config": {"learning_rate": 0.001}}"#,
        r#"{"keras_version": "3.1.0", "date_saved": "2024-01-01"}"#,
    ] {
        assert!(matches!(detect(text), Detected::NotAModel(_)), "{text}");
    }
}

#[test]
fn missing_structure_is_malformed_at_the_value() {
    let text = r#"{"class_name": "Sequential", "config": null}"#;
    let e = malformed(text);
    assert_eq!(at(text, e[0].span), "null");

    let text = r#"{"class_name": "Sequential", "config": {"name": "m", "layers": 5}}"#;
    let e = malformed(text);
    assert_eq!(at(text, e[0].span), "5");
    assert!(
        e[0].message.contains("`layers` must be a list"),
        "{}",
        e[0].message
    );

    let text = r#"{"class_name": 5, "config": {"layers": []}}"#;
    let e = malformed(text);
    assert_eq!(at(text, e[0].span), "5");

    let text = r#"{"class_name": "Functional", "config": {"name": "m"}}"#;
    let e = malformed(text);
    assert!(e[0].message.contains("no `layers`"), "{}", e[0].message);

    let text = r#"{"model_config": "{\"class_name\": \"Sequential\"}", "keras_version": "2.15.0"}"#;
    let e = malformed(text);
    assert!(e[0].message.contains("JSON string"), "{}", e[0].message);
}

#[test]
fn bad_layer_entries_are_problems_and_the_rest_still_builds() {
    let text = r#"{"class_name": "Sequential", "config": {"layers": [
        5,
        {"class_name": 7, "config": {}},
        {"config": {"name": "x"}},
        {"class_name": "Dense", "config": null},
        {"class_name": "Dense", "config": {"name": "d", "units": "ten", "activation": 3}}
    ]}}"#;
    let m = model(text);
    let spans: Vec<&str> = m.problems.iter().map(|p| at(text, p.span)).collect();
    assert_eq!(spans[0], "5");
    assert_eq!(spans[1], "7");
    assert!(spans.contains(&"null"), "{spans:?}");
    assert!(spans.contains(&"\"ten\""), "{spans:?}");
    assert!(spans.contains(&"3"), "{spans:?}");
    let units = m
        .problems
        .iter()
        .find(|p| at(text, p.span) == "\"ten\"")
        .unwrap();
    assert_eq!(
        units.message,
        "`units` must be a positive integer, found the string \"ten\""
    );
    // The two Dense entries are layers; the broken entries are skipped.
    assert_eq!(m.graphs[0].layers.len(), 2);
    assert_eq!(m.heads.len(), 1);
}

#[test]
fn dangling_keras_history_is_unresolved_on_the_name() {
    let text = edit(
        NESTED_OUTPUT,
        r#""keras_history": ["normalization", 0, 0]"#,
        r#""keras_history": ["normalizaton", 0, 0]"#,
    );
    let m = model(&text);
    assert_eq!(m.unresolved.len(), 1);
    let u = &m.unresolved[0];
    assert_eq!(at(&text, u.span), "\"normalizaton\"");
    assert_eq!(
        u.message,
        "`core` takes its input from `normalizaton`, which is not a layer of the model"
    );
    assert_eq!(u.help.as_deref(), Some("did you mean `normalization`?"));
    assert!(m.problems.is_empty());
    // The head still resolves into the nested model.
    assert_eq!(
        m.heads[0].activation.as_ref().unwrap().activation.name,
        "softmax"
    );
}

#[test]
fn references_resolve_within_their_own_model() {
    // `dense` is a layer of the nested model, not of the outer one.
    let text = edit(
        NESTED_OUTPUT,
        r#""keras_history": ["normalization", 0, 0]"#,
        r#""keras_history": ["dense", 0, 0]"#,
    );
    let m = model(&text);
    assert_eq!(m.unresolved.len(), 1);
    assert_eq!(at(&text, m.unresolved[0].span), "\"dense\"");
    // And inside the nested model, a name of the outer model is unknown.
    let text = edit(
        NESTED_OUTPUT,
        r#""keras_history": ["input_layer", 0, 0]"#,
        r#""keras_history": ["raw_features", 0, 0]"#,
    );
    let m = model(&text);
    assert_eq!(m.unresolved.len(), 1);
    assert!(
        m.unresolved[0]
            .message
            .ends_with("which is not a layer of model `core`"),
        "{}",
        m.unresolved[0].message
    );
}

#[test]
fn dict_outputs_are_named_by_their_keys_and_checked() {
    let m = model(DICT_OUTPUTS);
    let outputs: Vec<&str> = m.graphs[0]
        .outputs
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(outputs, ["category", "price"]);

    let text = edit(
        DICT_OUTPUTS,
        r#""price": ["price", 0, 0]"#,
        r#""price": ["prices", 0, 0]"#,
    );
    let m = model(&text);
    // The output, then the loss and metrics keys for the output it dropped.
    assert_eq!(m.unresolved.len(), 3, "{:?}", m.unresolved);
    let u = &m.unresolved[0];
    assert_eq!(at(&text, u.span), "\"prices\"");
    assert!(
        u.message.starts_with("`output_layers` names `prices`"),
        "{}",
        u.message
    );
    assert_eq!(u.help.as_deref(), Some("did you mean `price`?"));
    assert_eq!(m.heads.len(), 1);
}

#[test]
fn node_indices_past_the_calls_are_unresolved() {
    let text = edit(
        NESTED_OUTPUT,
        r#""output_layers": ["core", 1, 0]"#,
        r#""output_layers": ["core", 3, 0]"#,
    );
    let m = model(&text);
    assert_eq!(m.unresolved.len(), 1);
    assert_eq!(at(&text, m.unresolved[0].span), "3");
    assert!(m.unresolved[0].message.contains("`core` is called once"));
}

#[test]
fn keras2_list_nodes_with_kwargs_and_tfop_lambda() {
    let m = model(TFOP_SIAMESE);
    let sub = m
        .layers
        .iter()
        .find(|l| l.name() == Some("tf.math.subtract"))
        .unwrap();
    assert_eq!(names(&m, &sub.inputs), ["embedding_net"]);
    // A dangling name inside a kwargs tensor is reported on that name.
    let text = edit(
        TFOP_SIAMESE,
        r#"{"y": ["embedding_net", 2, 0]"#,
        r#"{"y": ["embeding_net", 2, 0]"#,
    );
    let m = model(&text);
    assert_eq!(m.unresolved.len(), 1);
    assert_eq!(at(&text, m.unresolved[0].span), "\"embeding_net\"");
    assert_eq!(
        m.unresolved[0].help.as_deref(),
        Some("did you mean `embedding_net`?")
    );
}

#[test]
fn old_keras2_sequential_with_a_layer_list_config() {
    let text = r#"{"class_name": "Sequential", "keras_version": "2.2.4", "backend": "tensorflow",
        "config": [
          {"class_name": "Dense", "config": {"name": "dense_1", "units": 64, "activation": "relu",
            "batch_input_shape": [null, 20]}},
          {"class_name": "Dense", "config": {"name": "dense_2", "units": 1, "activation": "sigmoid"}}
        ]}"#;
    let m = model(text);
    assert_eq!(m.format, Format::Keras2);
    assert_eq!(names(&m, &m.graphs[0].layers), ["dense_1", "dense_2"]);
    assert_eq!(names(&m, &m.layer(1).inputs), ["dense_1"]);
    assert_eq!(m.heads[0].units(), Some(1));
    assert!(!m.compiled);
    // Defaults apply when the config leaves them out.
    assert_eq!(
        m.layer(0).kernel_initializer.as_ref().unwrap().name,
        "glorot_uniform"
    );
}

#[test]
fn keras2_model_class_with_plain_layer_entries() {
    let text = r#"{"class_name": "Model", "config": {"name": "m",
        "layers": [
          {"name": "in", "class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 4]}, "inbound_nodes": []},
          {"name": "out", "class_name": "Dense", "config": {"name": "out", "units": 3, "activation": "softmax"},
           "inbound_nodes": [[["in", 0, 0, {}]]]}
        ],
        "input_layers": [["in", 0, 0]], "output_layers": [["out", 0, 0]]}}"#;
    let m = model(text);
    assert_eq!(m.graphs[0].kind, GraphKind::Functional);
    assert_eq!(names(&m, &m.graphs[0].inputs), ["in"]);
    assert_eq!(names(&m, &m.layer(1).inputs), ["in"]);
    assert_eq!(m.heads[0].name, "out");
    assert!(m.unresolved.is_empty() && m.problems.is_empty());
}

#[test]
fn compile_settings() {
    let base = r#"{"module": "keras", "class_name": "Sequential", "config": {"layers": [
        {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 1, "activation": "sigmoid"}}]},
        "compile_config": COMPILE}"#;
    let m = model(&base.replace("COMPILE", "{}"));
    assert!(!m.compiled);
    let m = model(&base.replace(
        "COMPILE",
        r#"{"optimizer": "adam", "loss": {"module": "keras.losses", "class_name": "BinaryCrossentropy",
            "config": {"from_logits": true}}, "metrics": ["accuracy"]}"#,
    ));
    assert!(m.compiled);
    let loss = m.heads[0].loss.as_ref().unwrap();
    assert_eq!(
        (loss.name.as_str(), loss.from_logits()),
        ("BinaryCrossentropy", true)
    );
    assert_eq!(m.heads[0].metrics[0].name, "accuracy");
    assert_eq!(m.optimizer.as_ref().unwrap().value, "adam");
    let text = base.replace("COMPILE", "5");
    let m = model(&text);
    assert_eq!(at(&text, m.problems[0].span), "5");
    let text = base.replace("COMPILE", r#"{"loss": 12}"#);
    let m = model(&text);
    assert_eq!(at(&text, m.problems[0].span), "12");
    assert!(!m.compiled);
}

#[test]
fn custom_layers_are_opaque() {
    let text = r#"{"module": "keras", "class_name": "Sequential", "config": {"layers": [
        {"module": "my_package.layers", "class_name": "Dense", "registered_name": "my_package>Dense",
         "config": {"name": "mine", "units": "auto", "activation": "relu"}}]}}"#;
    let m = model(text);
    let l = m.layer(0);
    assert!(l.custom);
    assert!(l.activation.is_none() && l.units.is_none() && l.kernel_initializer.is_none());
    assert!(m.problems.is_empty(), "{:?}", m.problems);
}

#[test]
fn rnn_wrapper_acts_as_its_cell() {
    let text = r#"{"class_name": "Sequential", "config": {"layers": [
        {"class_name": "RNN", "config": {"name": "rnn", "cell": {"class_name": "LSTMCell",
            "config": {"name": "cell", "units": 8, "activation": "relu"}}}}]}}"#;
    let m = model(text);
    let rnn = m.layer(0);
    assert_eq!(rnn.wrapped, Some(1));
    assert_eq!(m.layer(1).wrapper, Some(0));
    assert_eq!(rnn.activation.as_ref().unwrap().name, "relu");
    assert_eq!(rnn.units.as_ref().unwrap().value, 8);
    assert_eq!(m.graphs[0].layers, [0]);
}

#[test]
fn cycles_are_unresolved_not_endless() {
    let text = r#"{"class_name": "Functional", "config": {"name": "m", "layers": [
        {"name": "a", "class_name": "Dense", "config": {"name": "a", "units": 2}, "inbound_nodes": [[["b", 0, 0, {}]]]},
        {"name": "b", "class_name": "Dense", "config": {"name": "b", "units": 2}, "inbound_nodes": [[["a", 0, 0, {}]]]}
        ], "input_layers": [], "output_layers": [["b", 0, 0]]}}"#;
    let m = model(text);
    assert_eq!(m.unresolved.len(), 1);
    assert!(m.unresolved[0].message.contains("cycle"));
}

#[test]
fn deep_model_nesting_is_bounded() {
    let depth = 40;
    let mut text = r#"{"class_name": "Dense", "config": {"name": "leaf", "units": 1}}"#.to_string();
    for i in 0..depth {
        text = format!(
            r#"{{"class_name": "Sequential", "config": {{"name": "m{i}", "layers": [{text}]}}}}"#
        );
    }
    let m = model(&text);
    assert!(m.graphs.len() <= MAX_NESTING + 1);
    assert!(m
        .problems
        .iter()
        .any(|p| p.message.contains("nested more than")));
}

#[test]
fn malformed_tensor_references_are_problems() {
    let text = r#"{"class_name": "Functional", "config": {"name": "m", "layers": [
        {"name": "in", "class_name": "InputLayer", "config": {"name": "in"}, "inbound_nodes": []},
        {"name": "d", "class_name": "Dense", "config": {"name": "d", "units": 2},
         "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["in", "x", 0]}}], "kwargs": {}}]}
        ], "input_layers": ["in", 0, 0], "output_layers": 7}}"#;
    let m = model(text);
    let spans: Vec<&str> = m.problems.iter().map(|p| at(text, p.span)).collect();
    assert_eq!(spans, [r#"["in", "x", 0]"#, "7"]);
}
