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
    Err(if root.as_object().is_some() {
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

/// A mapping with a `layers` key and no Keras `class_name`/`config` pair.
fn looks_like_simple(root: &Node) -> bool {
    root.as_object().is_some() && root.get("layers").is_some() && root.get("class_name").is_none()
}
