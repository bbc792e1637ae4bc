//! Property tests: random model configs (layer lists, activations,
//! initializers, losses, functional graphs with dangling and cyclic edges),
//! written as simple-format YAML and JSON and as Keras 3 JSON.
//!
//! For every one: linting does not panic (no internal error); every label
//! lies inside the text, on character boundaries; the text under the span
//! of an activation, initializer or loss value is that value; the JSON and
//! SARIF outputs parse, and every other renderer runs.

use actlint::ir::Model;
use actlint::lint::{lint_bytes, load_models, FileReport, Options};
use actlint::render;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const ACTIVATIONS: &[&str] = &[
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
    "linear",
    "selu",
    "elu",
    "gelu",
    "swish",
    "ReLU",
    "rleu",
    "softmaks",
    "my_pkg>mish",
    "leaky_relu",
    "hard_sigmoid",
    "exponential",
    "yes",
    "null",
    "1.5",
    "a: b",
    "# not a comment",
    "ünïcödé",
    "激活",
];
const INITIALIZERS: &[&str] = &[
    "he_normal",
    "HeUniform",
    "glorot_uniform",
    "lecun_normal",
    "zeros",
    "orthogonal",
    "he_nromal",
    "RandomNormal",
    "pkg>Init",
    "VarianceScaling",
];
const LOSSES: &[&str] = &[
    "mse",
    "mae",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "BinaryCrossentropy",
    "kld",
    "hinge",
    "poisson",
    "huber",
    "msqe",
    "pkg>focal",
    "CategoricalCrossentropy",
];
const CLASSES: &[&str] = &[
    "Dense",
    "Dense",
    "Dense",
    "Conv2D",
    "LSTM",
    "GRU",
    "SimpleRNN",
    "Dropout",
    "BatchNormalization",
    "Activation",
    "Softmax",
    "ReLU",
    "Flatten",
    "Bidirectional",
    "TimeDistributed",
    "Add",
    "Lambda",
    "MyLayer",
];
const NAMES: &[&str] = &[
    "dense", "out", "hidden_1", "ünit", "层", "a b", "x\"y", "dense",
];

#[derive(Clone, Debug)]
enum Init {
    Name(&'static str),
    Scaling { scale: f64, mode: &'static str },
}

#[derive(Clone, Debug)]
struct LayerSpec {
    class: &'static str,
    name: Option<&'static str>,
    units: Option<i64>,
    activation: Option<&'static str>,
    init: Option<Init>,
    rate: Option<f64>,
    /// Functional graphs: which layers feed this one (indices, possibly
    /// later ones: cycles; or past the end: dangling names).
    inputs: Vec<usize>,
}

#[derive(Clone, Debug)]
enum LossSpec {
    None,
    Name(&'static str),
    Object(&'static str, bool),
    /// Keyed by output name (the first `n` layer names, maybe wrong).
    Dict(Vec<(usize, &'static str)>),
    List(Vec<&'static str>),
}

#[derive(Clone, Debug)]
struct ModelSpec {
    layers: Vec<LayerSpec>,
    loss: LossSpec,
    task: Option<&'static str>,
    metrics: Vec<&'static str>,
    outputs: Vec<usize>,
}

fn init_strategy() -> impl Strategy<Value = Init> {
    prop_oneof![
        3 => prop::sample::select(INITIALIZERS).prop_map(Init::Name),
        1 => (prop::sample::select(&[0.5, 1.0, 2.0][..]), prop::sample::select(&["fan_in", "fan_avg", "fan_out"][..]))
            .prop_map(|(scale, mode)| Init::Scaling { scale, mode }),
    ]
}

fn layer_strategy() -> impl Strategy<Value = LayerSpec> {
    (
        prop::sample::select(CLASSES),
        prop::option::of(prop::sample::select(NAMES)),
        prop::option::of(prop_oneof![4 => 1i64..5, 1 => -3i64..1, 1 => Just(1i64 << 40)]),
        prop::option::of(prop::sample::select(ACTIVATIONS)),
        prop::option::of(init_strategy()),
        prop::option::of(prop_oneof![
            Just(0.2),
            Just(0.7),
            Just(-1.0),
            Just(f64::NAN)
        ]),
        prop::collection::vec(0usize..10, 0..3),
    )
        .prop_map(
            |(class, name, units, activation, init, rate, inputs)| LayerSpec {
                class,
                name,
                units,
                activation,
                init,
                rate,
                inputs,
            },
        )
}

fn loss_strategy() -> impl Strategy<Value = LossSpec> {
    prop_oneof![
        1 => Just(LossSpec::None),
        4 => prop::sample::select(LOSSES).prop_map(LossSpec::Name),
        2 => (prop::sample::select(LOSSES), any::<bool>()).prop_map(|(l, f)| LossSpec::Object(l, f)),
        1 => prop::collection::vec((0usize..10, prop::sample::select(LOSSES)), 1..3).prop_map(LossSpec::Dict),
        1 => prop::collection::vec(prop::sample::select(LOSSES), 1..3).prop_map(LossSpec::List),
    ]
}

fn model_strategy() -> impl Strategy<Value = ModelSpec> {
    (
        prop::collection::vec(layer_strategy(), 1..8),
        loss_strategy(),
        prop::option::of(prop::sample::select(
            &[
                "regression",
                "binary",
                "multiclass",
                "multilabel",
                "clustering",
            ][..],
        )),
        prop::collection::vec(
            prop::sample::select(&["accuracy", "auc", "mae", "Precision"][..]),
            0..3,
        ),
        prop::collection::vec(0usize..10, 0..3),
    )
        .prop_map(|(layers, loss, task, metrics, outputs)| ModelSpec {
            layers,
            loss,
            task,
            metrics,
            outputs,
        })
}

// ---- writing the spec as files

fn layer_name(spec: &ModelSpec, i: usize) -> String {
    match spec.layers.get(i).and_then(|l| l.name) {
        Some(n) => n.to_string(),
        None => format!("layer_{i}"),
    }
}

fn init_value(init: &Init, keras: bool) -> Value {
    match (init, keras) {
        (Init::Name(n), false) => json!(n),
        (Init::Name(n), true) => {
            json!({"module": "keras.initializers", "class_name": n, "config": {"seed": null}, "registered_name": null})
        }
        (Init::Scaling { scale, mode }, false) => {
            json!({"type": "VarianceScaling", "scale": scale, "mode": mode})
        }
        (Init::Scaling { scale, mode }, true) => {
            json!({"module": "keras.initializers", "class_name": "VarianceScaling", "config": {"scale": scale, "mode": mode, "distribution": "truncated_normal", "seed": null}, "registered_name": null})
        }
    }
}

fn loss_value(loss: &LossSpec, spec: &ModelSpec, keras: bool) -> Option<Value> {
    let object = |l: &str, f: bool| {
        if keras {
            json!({"module": "keras.losses", "class_name": l, "config": {"from_logits": f, "reduction": "sum_over_batch_size"}, "registered_name": null})
        } else {
            json!({"type": l, "from_logits": f})
        }
    };
    Some(match loss {
        LossSpec::None => return None,
        LossSpec::Name(l) => json!(l),
        LossSpec::Object(l, f) => object(l, *f),
        LossSpec::Dict(entries) => {
            let mut m = Map::new();
            for (i, l) in entries {
                m.insert(layer_name(spec, *i), json!(l));
            }
            Value::Object(m)
        }
        LossSpec::List(ls) => json!(ls),
    })
}

/// The simple format, as a JSON value (written as JSON or as YAML).
fn simple(spec: &ModelSpec) -> Value {
    let mut layers = Vec::new();
    for l in &spec.layers {
        let mut m = Map::new();
        m.insert("type".into(), json!(l.class));
        if let Some(n) = l.name {
            m.insert("name".into(), json!(n));
        }
        if let Some(u) = l.units {
            m.insert("units".into(), json!(u));
        }
        if let Some(a) = l.activation {
            m.insert("activation".into(), json!(a));
        }
        if let Some(i) = &l.init {
            m.insert("kernel_initializer".into(), init_value(i, false));
        }
        if let Some(r) = l.rate {
            m.insert("rate".into(), rate_value(r));
        }
        if matches!(l.class, "Bidirectional" | "TimeDistributed") {
            m.insert(
                "layer".into(),
                json!({"type": "LSTM", "units": 4, "activation": l.activation.unwrap_or("tanh")}),
            );
        }
        layers.push(Value::Object(m));
    }
    let mut root = Map::new();
    if let Some(t) = spec.task {
        root.insert("task".into(), json!(t));
    }
    root.insert("layers".into(), Value::Array(layers));
    if let Some(l) = loss_value(&spec.loss, spec, false) {
        root.insert("loss".into(), l);
    }
    if !spec.metrics.is_empty() {
        root.insert("metrics".into(), json!(spec.metrics));
    }
    Value::Object(root)
}

/// NaN has no JSON spelling in serde_json; it is written as a string
/// placeholder and replaced by Python's `NaN` in the text.
fn rate_value(r: f64) -> Value {
    if r.is_nan() {
        json!("__NAN__")
    } else {
        json!(r)
    }
}

fn tensor(name: &str) -> Value {
    json!({"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32", "keras_history": [name, 0, 0]}})
}

/// Keras 3 `to_json()`: a Functional model with the spec's edges.
fn keras(spec: &ModelSpec) -> Value {
    let n = spec.layers.len();
    let mut layers = Vec::new();
    for (i, l) in spec.layers.iter().enumerate() {
        let mut config = Map::new();
        config.insert("name".into(), json!(layer_name(spec, i)));
        config.insert("trainable".into(), json!(true));
        if let Some(u) = l.units {
            config.insert("units".into(), json!(u));
        }
        if let Some(a) = l.activation {
            config.insert("activation".into(), json!(a));
        }
        if let Some(init) = &l.init {
            config.insert("kernel_initializer".into(), init_value(init, true));
        }
        if let Some(r) = l.rate {
            config.insert("rate".into(), rate_value(r));
        }
        if matches!(l.class, "Bidirectional" | "TimeDistributed") {
            config.insert("layer".into(), json!({"module": "keras.layers", "class_name": "LSTM", "config": {"name": format!("inner_{i}"), "units": 4, "activation": l.activation.unwrap_or("tanh")}, "registered_name": null}));
        }
        // Inputs: earlier layers mostly; a later one makes a cycle, one
        // past the end a dangling name.
        let inputs: Vec<Value> = l
            .inputs
            .iter()
            .map(|&j| {
                tensor(&if j < n + 2 {
                    layer_name(spec, j)
                } else {
                    format!("missing_{j}")
                })
            })
            .collect();
        let (module, registered) = if l.class == "MyLayer" {
            ("my_package.layers", json!("my_package>MyLayer"))
        } else {
            ("keras.layers", Value::Null)
        };
        layers.push(json!({
            "module": module,
            "class_name": l.class,
            "config": Value::Object(config),
            "registered_name": registered,
            "name": layer_name(spec, i),
            "inbound_nodes": if inputs.is_empty() { json!([]) } else { json!([{"args": inputs, "kwargs": {}}]) },
        }));
    }
    let outputs: Vec<Value> = if spec.outputs.is_empty() {
        vec![json!([layer_name(spec, n - 1), 0, 0])]
    } else {
        spec.outputs
            .iter()
            .map(|&i| json!([layer_name(spec, i), 0, 0]))
            .collect()
    };
    let mut compile = Map::new();
    if let Some(l) = loss_value(&spec.loss, spec, true) {
        compile.insert("loss".into(), l);
    }
    compile.insert("metrics".into(), json!(spec.metrics));
    json!({
        "module": "keras.src.models.functional",
        "class_name": "Functional",
        "config": {"name": "model", "trainable": true, "layers": layers, "input_layers": [[layer_name(spec, 0), 0, 0]], "output_layers": outputs},
        "registered_name": "Functional",
        "compile_config": Value::Object(compile),
    })
}

/// Keras-style JSON: one line, `", "` and `": "` separators.
fn to_json(v: &Value) -> String {
    let text = serde_json::to_string(v).expect("serializable");
    // serde_json writes `,` and `:`; Keras writes `, ` and `: `. Re-spacing
    // outside strings keeps the spans interesting without changing values.
    let mut out = String::with_capacity(text.len() * 2);
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        out.push(c);
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ',' || c == ':' {
            out.push(' ');
        }
    }
    out.replace("\"__NAN__\"", "NaN")
}

/// Block-style YAML; strings plain where YAML reads them back as the same
/// string, double-quoted otherwise.
fn to_yaml(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) => {
            for (k, val) in m {
                out.push_str(&pad);
                out.push_str(&yaml_scalar(&Value::String(k.clone())));
                out.push(':');
                write_child(val, indent, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                write_child(item, indent, out);
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&yaml_scalar(other));
            out.push('\n');
        }
    }
}

fn write_child(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            to_yaml(v, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            to_yaml(v, indent + 2, out);
        }
        Value::Object(_) => out.push_str(" {}\n"),
        Value::Array(_) => out.push_str(" []\n"),
        scalar => {
            out.push(' ');
            out.push_str(&yaml_scalar(scalar));
            out.push('\n');
        }
    }
}

fn yaml_scalar(v: &Value) -> String {
    match v {
        Value::String(s) if s == "__NAN__" => ".nan".to_string(),
        Value::String(s) => {
            let plain = s
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '>')
                && !matches!(
                    s.to_ascii_lowercase().as_str(),
                    "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
                );
            if plain {
                s.clone()
            } else {
                serde_json::to_string(s).expect("string")
            }
        }
        other => serde_json::to_string(other).expect("scalar"),
    }
}

fn yaml_text(v: &Value) -> String {
    let mut out = String::from("# generated model\n");
    to_yaml(v, 0, &mut out);
    out
}

// ---- the properties

/// The value a span's text spells: a plain YAML scalar as is, a quoted one
/// unquoted.
fn spelled(text: &str) -> String {
    if text.starts_with('"') {
        serde_json::from_str::<String>(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    } else {
        text.to_string()
    }
}

fn check_report(path: &str, text: &str, report: &FileReport) {
    assert!(
        !report.internal_error(),
        "{path}: {:#?}\n{text}",
        report.diagnostics
    );
    let source = report.source.as_ref().expect("decoded");
    assert_eq!(source.text, text);
    for d in &report.diagnostics {
        for label in d.primary.iter().chain(&d.secondary) {
            let (s, e) = (label.span.start, label.span.end);
            assert!(
                s <= e && e <= text.len(),
                "{path}: label {s}..{e} outside\n{d:#?}\n{text}"
            );
            assert!(
                text.is_char_boundary(s) && text.is_char_boundary(e),
                "{path}: label {s}..{e} not on char boundaries\n{d:#?}\n{text}"
            );
        }
    }
    let reports = std::slice::from_ref(report);
    let paths = render::ci::Paths::as_given();
    for (what, doc) in [
        ("json", render::json::render(reports)),
        ("sarif", render::sarif::render(reports, &paths)),
        ("gitlab", render::gitlab::render(reports, &paths)),
    ] {
        serde_json::from_str::<Value>(&doc)
            .unwrap_or_else(|e| panic!("{path}: {what} output does not parse: {e}\n{doc}"));
    }
    let style = render::human::Style {
        color: false,
        width: 80,
    };
    let _ = render::human::render(reports, &style);
    let _ = render::concise::render(reports);
    let _ = render::github::render(reports, &paths, true);
}

/// The text under each value's span is that value.
fn check_value_spans(path: &str, text: &str, models: &[Model]) {
    let under = |span: actlint::source::Span| spelled(&text[span.start..span.end]);
    for model in models {
        for layer in &model.layers {
            // An activation layer's activation (`Softmax`, `ReLU`) is
            // labelled on its class name.
            let own = |a: &&actlint::ir::ActivationRef| a.explicit && a.span != layer.class.span;
            if let Some(a) = layer.activation.as_ref().filter(own) {
                assert_eq!(
                    under(a.span),
                    a.name,
                    "{path}: activation of {layer:?}\n{text}"
                );
            }
            if let Some(i) = layer.kernel_initializer.as_ref().filter(|i| i.explicit) {
                assert_eq!(under(i.span), i.name, "{path}: initializer\n{text}");
            }
            assert_eq!(under(layer.class.span), layer.class.value, "{path}\n{text}");
        }
        for head in &model.heads {
            if let Some(loss) = &head.loss {
                assert_eq!(under(loss.span), loss.name, "{path}: loss\n{text}");
            }
        }
    }
}

fn check(path: &str, text: &str) {
    let report = lint_bytes(path, text.as_bytes(), &Options::default());
    check_report(path, text, &report);
    if let Ok(models) = load_models(path, text.as_bytes(), &Options::default()) {
        check_value_spans(path, text, &models);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn simple_format_as_yaml(spec in model_strategy()) {
        check("model.yaml", &yaml_text(&simple(&spec)));
    }

    #[test]
    fn simple_format_as_json(spec in model_strategy()) {
        check("model.json", &to_json(&simple(&spec)));
    }

    #[test]
    fn keras3_functional_json(spec in model_strategy()) {
        check("model.keras.json", &to_json(&keras(&spec)));
    }

    /// Cutting a valid file anywhere (a truncated write) gives a diagnostic,
    /// never a panic, with labels inside the shorter text.
    #[test]
    fn truncated_files(spec in model_strategy(), cut in 0.0f64..1.0, yaml in any::<bool>()) {
        let text = if yaml { yaml_text(&simple(&spec)) } else { to_json(&keras(&spec)) };
        let mut at = (text.len() as f64 * cut) as usize;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let path = if yaml { "model.yaml" } else { "model.json" };
        let cut_text = &text[..at];
        let report = lint_bytes(path, cut_text.as_bytes(), &Options::default());
        check_report(path, cut_text, &report);
    }

    /// The Python twins of the rule fixtures, cut anywhere (a half-typed
    /// script in an editor): a diagnostic or a pass, never a panic, with
    /// labels inside the shorter text.
    #[test]
    fn truncated_python(pick in any::<prop::sample::Index>(), cut in 0.0f64..1.0) {
        let files = python_fixtures();
        let text = &files[pick.index(files.len())];
        let mut at = (text.len() as f64 * cut) as usize;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let cut_text = &text[..at];
        let report = lint_bytes("train.py", cut_text.as_bytes(), &Options::default());
        check_report("train.py", cut_text, &report);
    }
}

/// The text of every `bad.py` / `good.py` rule fixture.
fn python_fixtures() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut out = Vec::new();
    for code in std::fs::read_dir(root).expect("fixtures/rules") {
        let dir = code.expect("entry").path();
        for name in ["bad.py", "good.py"] {
            if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
                out.push(text);
            }
        }
    }
    out.sort();
    assert!(!out.is_empty());
    out
}

#[test]
fn the_generators_write_what_the_front_ends_read() {
    let spec = ModelSpec {
        layers: vec![
            LayerSpec {
                class: "Dense",
                name: Some("层"),
                units: Some(4),
                activation: Some("a: b"),
                init: Some(Init::Name("he_normal")),
                rate: None,
                inputs: vec![],
            },
            LayerSpec {
                class: "Dense",
                name: Some("out"),
                units: Some(1),
                activation: Some("sigmoid"),
                init: None,
                rate: Some(f64::NAN),
                inputs: vec![0],
            },
        ],
        loss: LossSpec::Name("mse"),
        task: None,
        metrics: vec![],
        outputs: vec![],
    };
    for (path, text) in [
        ("m.yaml", yaml_text(&simple(&spec))),
        ("m.json", to_json(&simple(&spec))),
        ("m.keras.json", to_json(&keras(&spec))),
    ] {
        let models = load_models(path, text.as_bytes(), &Options::default())
            .unwrap_or_else(|e| panic!("{path}: {e}\n{text}"));
        assert_eq!(models.len(), 1, "{path}");
        let layers: Vec<_> = models[0]
            .layers
            .iter()
            .map(|l| l.class.value.as_str())
            .collect();
        assert_eq!(layers, ["Dense", "Dense"], "{path}\n{text}");
        let a = models[0].layers[0].activation.as_ref().unwrap();
        assert_eq!(a.name, "a: b", "{path}\n{text}");
        assert_eq!(models[0].heads.len(), 1, "{path}");
        assert_eq!(models[0].heads[0].loss.as_ref().unwrap().name, "mse");
        check_value_spans(path, &text, &models);
    }
}
