//! Keras 3 and Keras 2 model JSON into the IR.
//!
//! Accepted shapes (see the corpus README for real examples):
//! - Keras 3 `to_json()` and `.keras` `config.json`: every object is
//!   `{module, class_name, config, registered_name}`; a Functional layer's
//!   `inbound_nodes` are call records `{args, kwargs}` whose tensors are
//!   `{class_name: "__keras_tensor__", config: {keras_history: [layer, node, tensor]}}`.
//! - Keras 2 (tf.keras / tf-keras) `to_json()` and `.keras` `config.json`:
//!   `inbound_nodes` are nested lists of `[layer, node, tensor, kwargs]`;
//!   old releases write a Sequential's `config` as the layer list itself.
//! - The root attributes of a legacy HDF5 file: `{model_config, training_config}`.
//!
//! Nested models become graphs of their own, wrapped layers (the LSTM inside
//! a `Bidirectional`) become layers that are not part of any graph's layer
//! list. Dangling references become [`Unresolved`] entries, malformed
//! structure becomes [`BuildError`]s.

mod compile;
mod graph;
mod layer;
#[cfg(test)]
mod tests;

use super::detect::is_model_entry;
use super::layer::describe;
use super::{BuildError, Detected, Format, Model};
use crate::ir::{heads, keras1};
use crate::source::Span;
use crate::tree::Node;

/// Models nested deeper than this are not built (the tree depth limit keeps
/// real recursion far below it; this bounds it independently).
const MAX_NESTING: usize = 32;

/// How `initializer` objects are written in Keras configs, for messages.
const OBJECT_FORM: &str = "a `{class_name: ..., config: ...}` object";

/// Builds a Keras model; `h5` when the document is the root attributes of
/// a legacy HDF5 file rather than a model entry (see [`super::detect`]).
pub fn build(root: &Node, h5: bool) -> Detected {
    let (entry, compile) = if h5 {
        let Some(config) = root.get("model_config") else {
            return Detected::NotAModel(
                "no Keras model (`class_name` + `config`) at the top level",
            );
        };
        if config.as_str().is_some() {
            return Detected::Malformed(vec![BuildError::new(
                "`model_config` is a JSON string, not a mapping",
                config.span,
            )
            .help("parse the HDF5 attribute first: `json.loads(f.attrs['model_config'])`")]);
        }
        if !is_model_entry(config) {
            let message = match config.as_object() {
                Some(_) => "`model_config` is not a Keras model: it needs a model `class_name` and a `config` with `layers`".to_string(),
                None => format!(
                    "`model_config` must be a Keras model (`class_name` + `config`), found {}",
                    describe(config)
                ),
            };
            return Detected::Malformed(vec![BuildError::new(message, config.span)]);
        }
        (config, root.get("training_config"))
    } else {
        (root, root.get("compile_config"))
    };

    build_parts(
        root.span,
        entry,
        compile,
        h5,
        detect_format(root, entry, h5),
    )
}

/// Builds the model `entry` (a model `{class_name, config}`) with its compile
/// settings `compile` (`training_config` when `training`, else
/// `compile_config`), for this and the front ends that wrap a Keras config.
pub fn build_parts(
    span: Span,
    entry: &Node,
    compile: Option<&Node>,
    training: bool,
    format: Format,
) -> Detected {
    let h5 = training;
    let mut b = Builder {
        model: Model::empty(format, span),
        suggestion_budget: SUGGESTION_BUDGET,
    };
    if let Err(e) = b.graph(entry, None, 0) {
        return Detected::Malformed(vec![e]);
    }
    b.model.name = entry
        .get("config")
        .and_then(|c| c.get("name"))
        .and_then(heads::spanned_str);
    let (loss, metrics) = b.compile_settings(compile, h5);
    let mut model = b.model;
    heads::finish(&mut model, loss, metrics);
    Detected::Model(Box::new(model))
}

/// Keras 3 or Keras 2, from what the file carries: `keras_version` decides;
/// then a `tf_keras` module; then what the layers look like (call records and
/// `DTypePolicy` objects are Keras 3, nested lists and plain dtype strings
/// Keras 2); then the HDF5 shape (legacy, so Keras 2) or the `module` key.
fn detect_format(root: &Node, entry: &Node, h5: bool) -> Format {
    if let Some(format) = root
        .get("keras_version")
        .and_then(Node::as_str)
        .and_then(version_format)
    {
        return format;
    }
    let module = entry.get("module").and_then(Node::as_str);
    if module.is_some_and(|m| m.starts_with("tf_keras") || m.starts_with("tensorflow")) {
        return Format::Keras2;
    }
    let layers = match entry.get("config") {
        Some(c) if c.as_array().is_some() => c.as_array(),
        Some(c) => c.get("layers").and_then(Node::as_array),
        None => None,
    };
    let layers = layers.unwrap_or_default();
    if layers.iter().any(has_keras1_keys) {
        return Format::Keras1;
    }
    if let Some(format) = layers.iter().find_map(layer_format) {
        return format;
    }
    if module.is_some() && !h5 {
        Format::Keras3
    } else {
        Format::Keras2
    }
}

/// The format a `keras_version` names by its major version.
fn version_format(version: &str) -> Option<Format> {
    if version.starts_with('3') {
        Some(Format::Keras3)
    } else if version.starts_with('2') {
        Some(Format::Keras2)
    } else if version.starts_with('1') {
        Some(Format::Keras1)
    } else {
        None
    }
}

/// Keras 1 keys (`init`, `output_dim`, `p`, ...) in a layer's config.
fn has_keras1_keys(layer: &Node) -> bool {
    layer
        .get("config")
        .and_then(Node::as_object)
        .is_some_and(|c| c.iter().any(|e| keras1::is_keras1_only_key(&e.key)))
}

/// Keras 3 or Keras 2 from what one layer entry looks like, when it shows:
/// its first inbound node (a call record or a list), its `dtype` (a
/// `DTypePolicy` object or a plain string), its batch shape key.
fn layer_format(layer: &Node) -> Option<Format> {
    if let Some(first) = layer
        .get("inbound_nodes")
        .and_then(Node::as_array)
        .and_then(|n| n.first())
    {
        return Some(if first.as_object().is_some() {
            Format::Keras3
        } else {
            Format::Keras2
        });
    }
    let config = layer.get("config")?;
    match config.get("dtype") {
        Some(d) if d.as_object().is_some() => {
            let class = d.get("class_name").and_then(Node::as_str).unwrap_or("");
            if class.ends_with("DTypePolicy") {
                return Some(Format::Keras3);
            }
            return Some(Format::Keras2);
        }
        Some(d)
            if d.as_str().is_some()
                && layer.get("class_name").and_then(Node::as_str) != Some("InputLayer") =>
        {
            return Some(Format::Keras2);
        }
        _ => {}
    }
    if config.get("batch_shape").is_some() {
        return Some(Format::Keras3);
    }
    if config.get("batch_input_shape").is_some() {
        return Some(Format::Keras2);
    }
    None
}

struct Builder {
    model: Model,
    /// Name comparisons left for did-you-mean suggestions.
    suggestion_budget: usize,
}

/// Name comparisons spent on did-you-mean suggestions per file at most.
const SUGGESTION_BUDGET: usize = 2_000_000;

impl Builder {
    fn problem(&mut self, message: impl Into<String>, span: Span, help: Option<&str>) {
        let mut e = BuildError::new(message, span);
        if let Some(h) = help {
            e = e.help(h);
        }
        self.model.problems.push(e);
    }
}
