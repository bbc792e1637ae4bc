//! Format detection, once per document: its answer decides whether the
//! model limits apply and which front end builds the model.

use super::catalog;
use crate::tree::Node;

/// The front end a document is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrontEnd {
    /// A Keras model entry (`class_name` + `config`).
    Keras,
    /// The root attributes of a legacy HDF5 file (`model_config`).
    KerasH5,
    /// The authoring format: a `layers` list.
    Simple,
    /// A TensorFlow.js `model.json` (a Keras config under `modelTopology`).
    Tfjs,
}

/// What a parsed document is; `Err` says why it is not a model.
pub fn detect(root: &Node) -> Result<FrontEnd, &'static str> {
    if super::tfjs::looks_like_tfjs(root) {
        return Ok(FrontEnd::Tfjs);
    }
    if looks_like_keras(root) {
        return Ok(if is_model_entry(root) {
            FrontEnd::Keras
        } else {
            FrontEnd::KerasH5
        });
    }
    if looks_like_simple(root) {
        return Ok(FrontEnd::Simple);
    }
    Err(if root.get("layers").is_some() {
        "`layers` is a mapping, and no model key (`task`, `loss`, `classes`) or layer entry says this is a model"
    } else if root.as_object().is_some() {
        "no `layers` list and no Keras model (`class_name` + `config`) at the top level"
    } else {
        "the document is not a mapping"
    })
}

/// A Keras model: a mapping with `class_name` and `config`, where the class
/// is a model class (`Sequential`, `Functional`, `Model`) or the config has
/// `layers`; or the root attributes of a legacy HDF5 file (`model_config`).
/// A serialized single layer (`{class_name: "Dense", config: {...}}`) is not
/// a model.
fn looks_like_keras(root: &Node) -> bool {
    is_model_entry(root) || is_h5_attributes(root)
}

pub(super) fn is_model_entry(node: &Node) -> bool {
    let (Some(class), Some(config)) = (node.get("class_name"), node.get("config")) else {
        return false;
    };
    match class.as_str() {
        Some(c) if catalog::is_model_class(c) => true,
        _ => config.get("layers").is_some(),
    }
}

fn is_h5_attributes(root: &Node) -> bool {
    let Some(config) = root.get("model_config") else {
        return false;
    };
    config.get("class_name").is_some()
        || root.get("training_config").is_some()
        || root.get("keras_version").is_some()
}

/// A mapping with no Keras `class_name` that is a model in the simple
/// format, or an attempt at one: a `layers` key (a mapping there only counts
/// with model keys or layer-like entries: other tools' configs have
/// `layers:` mappings), a misspelt `layers` key holding layer entries, or a
/// `task` of the format's vocabulary.
fn looks_like_simple(root: &Node) -> bool {
    if root.as_object().is_none() || root.get("class_name").is_some() {
        return false;
    }
    match root.get("layers") {
        Some(layers) if layers.as_object().is_some() => {
            has_model_keys(root)
                || is_layer_entry(layers)
                || layers
                    .as_object()
                    .is_some_and(|e| e.iter().any(|e| is_layer_entry(&e.value)))
        }
        Some(_) => true,
        None => misspelt_layers(root).is_some() || has_model_task(root),
    }
}

/// The simple format's own top-level keys besides `layers`.
fn has_model_keys(root: &Node) -> bool {
    has_model_task(root) || root.get("loss").is_some() || root.get("classes").is_some()
}

/// `task:` with one of the simple format's tasks.
fn has_model_task(root: &Node) -> bool {
    root.get("task")
        .and_then(Node::as_str)
        .and_then(crate::ir::Task::parse)
        .is_some()
}

/// A mapping whose `type` (or `class_name`) is a Keras layer class, or close
/// to one.
fn is_layer_entry(node: &Node) -> bool {
    let Some(class) = node
        .get("type")
        .or_else(|| node.get("class_name"))
        .and_then(Node::as_str)
    else {
        return false;
    };
    let generations = catalog::layers::Generation::of(crate::ir::Format::Simple);
    catalog::layers::layer_class(generations, class).is_some()
        || crate::ir::suggest::closest(class, catalog::layers::class_names(generations).into_iter())
            .is_some()
}

/// A top-level key that is a misspelling of `layers` (`layer`, `Layers`,
/// `layesr`) and holds a list of layer entries: the key's entry.
pub fn misspelt_layers(root: &Node) -> Option<&crate::tree::Entry> {
    root.as_object()?.iter().find(|e| {
        e.key != "layers"
            && crate::ir::suggest::closest(&e.key, ["layers"].into_iter()).is_some()
            && e.value
                .as_array()
                .is_some_and(|items| items.iter().any(is_layer_entry))
    })
}
