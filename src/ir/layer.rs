//! Reading the constructor arguments every front end shares: activations,
//! initializers, units and rates, with Keras's defaults where a key is absent.

use super::keras1;
use super::read;
use super::{BuildError, Format, Layer, Spanned};
use crate::ir::catalog;
use crate::source::Span;
use crate::tree::{Entry, Node, Value};

/// A layer with only its identity filled in; `fill` reads the rest.
pub fn new_layer(
    id: usize,
    graph: usize,
    class: Spanned<String>,
    name: Option<Spanned<String>>,
    span: Span,
    config: Option<&Node>,
    format: Format,
) -> Layer {
    let custom = class.value.contains('>');
    let mut layer = Layer {
        id,
        graph,
        class,
        name,
        span,
        config: config.map(own_arguments),
        activation: None,
        recurrent_activation: None,
        kernel_initializer: None,
        recurrent_initializer: None,
        units: None,
        rate: None,
        wrapped: None,
        wrapper: None,
        nested: None,
        inputs: Vec::new(),
        outputs: Vec::new(),
        args: Vec::new(),
        calls: 0,
        custom,
        module: None,
    };
    if !custom {
        fill(&mut layer, config, format);
    }
    layer
}

/// A copy of a layer's constructor arguments without the `layers` lists of
/// nested models in them (a model used as a layer, or wrapped by one): those
/// layers are layers of their own in the IR, and copying them into every
/// enclosing layer's config made building a model nested N deep cost N
/// copies of it.
fn own_arguments(config: &Node) -> Node {
    let value = match &config.value {
        Value::Object(entries) => {
            // Sized up front: the filter hides the length from `collect`.
            let mut own = Vec::with_capacity(entries.len());
            own.extend(
                entries
                    .iter()
                    .filter(|e| !(e.key == "layers" && e.value.as_array().is_some()))
                    .map(|e| Entry {
                        key: e.key.clone(),
                        key_span: e.key_span,
                        value: own_arguments(&e.value),
                    }),
            );
            Value::Object(own)
        }
        Value::Array(items) => Value::Array(items.iter().map(own_arguments).collect()),
        other => other.clone(),
    };
    Node::new(value, config.span)
}

/// Keras's default activation for a layer class that takes one.
fn default_activation(class: &str) -> Option<&'static str> {
    if catalog::is_weight_layer(class) {
        return Some("linear");
    }
    match class {
        "LSTM" | "GRU" | "SimpleRNN" | "LSTMCell" | "GRUCell" | "SimpleRNNCell" | "CuDNNLSTM"
        | "CuDNNGRU" | "ConvLSTM1D" | "ConvLSTM2D" | "ConvLSTM3D" => Some("tanh"),
        _ => None,
    }
}

/// `config` is the node `layer.config` was cloned from: reading it instead
/// of cloning the clone again keeps building the IR linear in the file size.
fn fill(layer: &mut Layer, config: Option<&Node>, format: Format) {
    let class = layer.class.value.clone();
    let class_span = layer.class.span;
    // Keras 1 files write some arguments under their Keras 1 names.
    let get = |key: &str| config.and_then(|c| c.get(keras1::key(format, key)));

    // The activation: an activation layer's class, `activation`, or the default.
    if let Some(act) = catalog::activation_layer(&class) {
        let mut a = read::default_activation(act, class_span);
        // ReLU(negative_slope=0.1) is a leaky ReLU; it is still ReLU-family.
        a.explicit = true;
        layer.activation = Some(a);
    } else if let Some(node) = get("activation") {
        layer.activation = read::activation(node);
    } else if let Some(default) = default_activation(&class) {
        layer.activation = Some(read::default_activation(default, class_span));
    }

    if catalog::has_gates(&class) {
        layer.recurrent_activation = match get("recurrent_activation") {
            Some(node) => read::activation(node),
            None => Some(read::default_activation(
                keras1::default_recurrent_activation(format),
                class_span,
            )),
        };
    }

    let has_kernel = catalog::is_weight_layer(&class) || catalog::is_recurrent_layer(&class);
    if has_kernel {
        // Depthwise convolutions name their kernel initializer differently.
        let key = if class.starts_with("DepthwiseConv") {
            "depthwise_initializer"
        } else {
            "kernel_initializer"
        };
        layer.kernel_initializer = match get(key).filter(|n| !n.is_null()) {
            Some(node) => read::initializer(node),
            None => Some(read::default_initializer("glorot_uniform", class_span)),
        };
    }
    if catalog::is_recurrent_layer(&class) {
        layer.recurrent_initializer = match get("recurrent_initializer").filter(|n| !n.is_null()) {
            Some(node) => read::initializer(node),
            None => Some(read::default_initializer("orthogonal", class_span)),
        };
    }

    let units_key = if class.contains("Conv") && !class.contains("LSTM") {
        "filters"
    } else {
        "units"
    };
    if let Some(node) = get(units_key) {
        if let Some(u) = node.as_u64() {
            layer.units = Some(Spanned::new(u, node.span));
        }
    }
    if let Some(node) = get("rate") {
        if let Some(r) = node.as_f64() {
            layer.rate = Some(Spanned::new(r, node.span));
        }
    }
    forget_misspelt(layer, config, format);
}

/// A misspelt argument (`activaton: relu`) leaves the value it was meant to
/// set unknown rather than Keras's default: which value the author meant is
/// not known, so the rules that need it stay silent (ACT008 reports the key).
fn forget_misspelt(layer: &mut Layer, config: Option<&Node>, format: Format) {
    const READ: [&str; 4] = [
        "activation",
        "recurrent_activation",
        "kernel_initializer",
        "recurrent_initializer",
    ];
    let Some(entries) = config.and_then(Node::as_object) else {
        return;
    };
    let generations = catalog::layers::Generation::of(format);
    for entry in entries {
        if READ.contains(&entry.key.as_str())
            || catalog::layers::takes_argument(generations, &layer.class.value, &entry.key)
                != Some(false)
        {
            continue;
        }
        match super::suggest::closest(&entry.key, READ.into_iter()) {
            Some("activation") => layer.activation = None,
            Some("recurrent_activation") => layer.recurrent_activation = None,
            Some("kernel_initializer") => layer.kernel_initializer = None,
            Some("recurrent_initializer") => layer.recurrent_initializer = None,
            _ => {}
        }
    }
}

/// Type checks for the constructor arguments the rules read (`units`,
/// `filters`, activations, kernel initializers, `rate`): a wrong-typed value
/// becomes a problem on that value. `object_form` names how the format
/// writes an initializer object, for the message.
pub fn check_values(
    config: &Node,
    format: Format,
    object_form: &str,
    problems: &mut Vec<BuildError>,
) {
    check_counts(config, format, problems);
    check_activations(config, format, problems);
    check_initializers(config, format, object_form, problems);
    check_rate(config, format, problems);
}

/// `units` and `filters`: positive integers.
fn check_counts(config: &Node, format: Format, problems: &mut Vec<BuildError>) {
    for key in ["units", "filters"] {
        let key = keras1::key(format, key);
        if let Some(v) = config.get_some(key).filter(|v| !v.is_unknown()) {
            if v.as_u64().is_none_or(|u| u == 0) {
                problems.push(BuildError::new(
                    format!("`{key}` must be a positive integer, found {}", describe(v)),
                    v.span,
                ));
            }
        }
    }
}

/// `activation` and `recurrent_activation`: activations in a form Keras
/// writes.
fn check_activations(config: &Node, format: Format, problems: &mut Vec<BuildError>) {
    for key in ["activation", "recurrent_activation"] {
        let key = keras1::key(format, key);
        if let Some(v) = config.get(key) {
            if read::activation(v).is_none() {
                problems.push(
                    BuildError::new(
                        format!("`{key}` must be an activation name, found {}", describe(v)),
                        v.span,
                    )
                    .help("write a Keras activation name such as `relu`"),
                );
            }
        }
    }
}

/// `kernel_initializer` and `recurrent_initializer`: a name or
/// `object_form`.
fn check_initializers(
    config: &Node,
    format: Format,
    object_form: &str,
    problems: &mut Vec<BuildError>,
) {
    for key in ["kernel_initializer", "recurrent_initializer"] {
        let key = keras1::key(format, key);
        if let Some(v) = config.get_some(key) {
            if read::initializer(v).is_none() {
                problems.push(BuildError::new(
                    format!(
                        "`{key}` must be an initializer name or {object_form}, found {}",
                        describe(v)
                    ),
                    v.span,
                ));
            }
        }
    }
}

/// `rate`: a finite number.
fn check_rate(config: &Node, format: Format, problems: &mut Vec<BuildError>) {
    let rate = keras1::key(format, "rate");
    if let Some(v) = config.get_some(rate).filter(|v| !v.is_unknown()) {
        if v.as_f64().is_none_or(|r| !r.is_finite()) {
            problems.push(BuildError::new(
                format!("`{rate}` must be a number, found {}", describe(v)),
                v.span,
            ));
        }
    }
}

/// A value for messages: strings quoted, numbers as written, else the kind.
pub fn describe(node: &Node) -> String {
    match &node.value {
        Value::String(s) => format!("the string {s:?}"),
        Value::Number(n) => format!("{}", n.value),
        _ => node.kind_name().to_string(),
    }
}
