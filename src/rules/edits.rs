//! Keras-specific fix builders for rules: [`Change`]s made from the IR
//! (a layer's string parameter, its initializer in the model's format) and
//! the did-you-mean correction of a misspelt name.

use crate::diagnostic::{Change, NewValue};
use crate::ir::{keras1, Format, Layer};
use crate::source::Span;
use crate::tree::{Node, Value};

/// The span of a string value written under `key` in a layer's config, when
/// replacing that string changes the value: a plain string, or Keras 3's
/// serialized function `{class_name: "function", config: "relu"}`.
///
/// A Keras 1 file writes some keys under their Keras 1 names (`inner_activation`
/// for `recurrent_activation`); the key the file has is the one replaced.
pub fn string_param_span(layer: &Layer, key: &str) -> Option<Span> {
    let config = layer.config.as_ref()?;
    let node = config
        .get(key)
        .or_else(|| keras1::keras1_key(key).and_then(|k1| config.get(k1)))?;
    string_value_span(node)
}

/// The span of a string, or of the name in Keras 3's serialized function.
pub fn string_value_span(node: &Node) -> Option<Span> {
    match &node.value {
        Value::String(_) => Some(node.span),
        Value::Object(_) if node.get("class_name").and_then(Node::as_str) == Some("function") => {
            let config = node.get("config")?;
            config.as_str().map(|_| config.span)
        }
        _ => None,
    }
}

/// A change that sets a string value under `key` of a layer.
pub fn replace_param(layer: &Layer, key: &str, value: &str) -> Option<Change> {
    Some(Change::ReplaceString {
        span: string_param_span(layer, key)?,
        value: value.to_string(),
    })
}

/// An initializer to switch a kernel to.
#[derive(Clone, Copy, Debug)]
pub struct InitializerName {
    /// `he_normal`.
    pub snake: &'static str,
    /// `HeNormal`.
    pub class: &'static str,
}

pub const HE_NORMAL: InitializerName = InitializerName {
    snake: "he_normal",
    class: "HeNormal",
};
pub const GLOROT_UNIFORM: InitializerName = InitializerName {
    snake: "glorot_uniform",
    class: "GlorotUniform",
};

/// Config keys of the seeded variance-scaling initializers (`GlorotUniform`,
/// `HeNormal`, `LecunNormal`, ...): an object with only these keys can
/// change class and keep its config.
fn seeded_only(config: Option<&Node>) -> bool {
    match config {
        None => true,
        Some(c) if c.is_null() => true,
        Some(c) => c.as_object().is_some_and(|entries| {
            entries
                .iter()
                .all(|e| matches!(e.key.as_str(), "seed" | "input_axes" | "output_axes"))
        }),
    }
}

/// An initializer as the model's format writes it: a name in the simple
/// format and Keras 1, a serialized object in Keras 2 and Keras 3.
fn serialized(format: Format, to: InitializerName) -> NewValue {
    match format {
        Format::Simple | Format::Keras1 => NewValue::String(to.snake.to_string()),
        // TensorFlow.js reads Keras 2 style objects (no `module`).
        Format::Keras2 | Format::TfjsLayers => NewValue::Json(format!(
            r#"{{"class_name": "{}", "config": {{"seed": null}}}}"#,
            to.class
        )),
        Format::Keras3 => NewValue::Json(format!(
            r#"{{"module": "keras.initializers", "class_name": "{}", "config": {{"seed": null}}, "registered_name": null}}"#,
            to.class
        )),
    }
}

/// The change that sets a layer's initializer under `key` to `to`: the
/// string replaced (`glorot_uniform` -> `he_normal`, `GlorotUniform` ->
/// `HeNormal`), an object's class name replaced when its config fits the
/// new class, the whole object replaced otherwise, or the key inserted
/// where the Keras default applied. `key` is the Keras 2 name; a Keras 1
/// file gets its own (`init`, `inner_init`), which is the one Keras 1 accepts.
pub fn set_initializer(
    format: Format,
    layer: &Layer,
    key: &str,
    to: InitializerName,
) -> Option<Change> {
    let key = keras1::key(format, key);
    let config = layer.config.as_ref()?;
    config.as_object()?;
    match config.get(key) {
        Some(node) => match &node.value {
            Value::String(s) => Some(Change::ReplaceString {
                span: node.span,
                value: spelled_as(s, to).to_string(),
            }),
            Value::Object(_) => replace_initializer_object(format, node, to),
            _ => None,
        },
        None => {
            let last = config
                .as_object()?
                .last()
                .map(|e| (e.key_span, e.value.span));
            let value = serialized(format, to);
            Some(Change::InsertEntry {
                map: config.span,
                last,
                key: key.to_string(),
                value,
            })
        }
    }
}

/// `to` spelled as `written` is: the class name (`HeNormal`) for a
/// CamelCase name, else the function name (`he_normal`).
fn spelled_as(written: &str, to: InitializerName) -> &'static str {
    let camel = written
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
        && !written.contains('_');
    if camel {
        to.class
    } else {
        to.snake
    }
}

/// The change that makes an initializer object (`node`) `to`: its class
/// name replaced when its config holds at most a seed, the whole object
/// replaced otherwise.
fn replace_initializer_object(format: Format, node: &Node, to: InitializerName) -> Option<Change> {
    let class = node.get("class_name").or_else(|| node.get("type"))?;
    let name = class.as_str()?;
    let inner = if node.get("class_name").is_some() {
        node.get("config")
    } else {
        // The simple format's `{type: X, seed: 1}`: the rest is the config.
        None
    };
    let simple_extra = node.get("type").is_some()
        && node
            .as_object()?
            .iter()
            .any(|e| !matches!(e.key.as_str(), "type" | "seed"));
    if seeded_only(inner) && !simple_extra {
        Some(Change::ReplaceString {
            span: class.span,
            value: spelled_as(name, to).to_string(),
        })
    } else {
        Some(Change::ReplaceValue {
            span: node.span,
            value: serialized(format, to),
        })
    }
}
