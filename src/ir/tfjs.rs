//! TensorFlow.js `model.json` into the IR.
//!
//! A layers model (`format: "layers-model"`) wraps a Keras config:
//! `{modelTopology, weightsManifest, format, generatedBy, convertedBy}` and,
//! when saved by TensorFlow.js itself, a top-level `trainingConfig`. Two shapes
//! of `modelTopology`:
//! - the converter's (`tensorflowjs_converter --input_format keras`):
//!   `{keras_version, backend, model_config, training_config}`;
//! - TensorFlow.js `model.save()`: `modelTopology` is the model config itself
//!   (`{class_name, config, keras_version, backend}`), the compile settings
//!   are the top-level `trainingConfig`.
//!
//! A graph model (`format: "graph-model"`) holds a GraphDef, no Keras config:
//! it is not a model for the Keras rules. The weights files are never read.

use super::{keras, BuildError, Detected, Format};
use crate::tree::Node;

/// A TensorFlow.js `model.json`: a mapping with `modelTopology`, or with
/// `weightsManifest` and a TensorFlow.js `format`.
pub fn looks_like_tfjs(root: &Node) -> bool {
    if root.as_object().is_none() {
        return false;
    }
    root.get("modelTopology").is_some()
        || (root.get("weightsManifest").is_some()
            && matches!(
                root.get("format").and_then(Node::as_str),
                Some("layers-model" | "graph-model")
            ))
}

pub fn build(root: &Node) -> Detected {
    let format = root.get("format").and_then(Node::as_str);
    if format == Some("graph-model") {
        return Detected::NotAModel(
            "a TensorFlow.js graph model (`format: graph-model`) holds a GraphDef, not a Keras layers model",
        );
    }
    let Some(topology) = root.get_some("modelTopology") else {
        return Detected::Malformed(vec![BuildError::new(
            "TensorFlow.js model without `modelTopology`: no Keras model config to read",
            root.span,
        )]);
    };
    if topology.as_object().is_none() {
        return Detected::Malformed(vec![BuildError::new(
            "TensorFlow.js `modelTopology` must be a mapping holding the Keras model config",
            topology.span,
        )]);
    }
    // The converter's shape: the model under `model_config`.
    let (entry, nested_training) = match topology.get("model_config") {
        Some(config) => (config, topology.get("training_config")),
        None => (topology, None),
    };
    if !super::detect::is_model_entry(entry) {
        let what = if std::ptr::eq(entry, topology) {
            "`modelTopology`"
        } else {
            "`modelTopology.model_config`"
        };
        if topology.get("node").is_some() || topology.get("versions").is_some() {
            return Detected::NotAModel(
                "a TensorFlow.js graph model (`modelTopology` is a GraphDef), not a Keras layers model",
            );
        }
        return Detected::Malformed(vec![BuildError::new(
            format!("{what} is not a Keras model: it needs a model `class_name` and a `config` with `layers`"),
            entry.span,
        )]);
    }
    let training = nested_training
        .filter(|t| !t.is_null())
        .or_else(|| root.get("trainingConfig"))
        .or_else(|| root.get("training_config"));
    keras::build_parts(root.span, entry, training, true, Format::TfjsLayers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{json, Limits};

    const DENSE: &str = r#"{"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "Dense", "config": {"name": "out", "units": 1, "activation": "sigmoid"}}]}}"#;

    fn detected(text: &str) -> Detected {
        let root = json::parse(text, Limits::default()).unwrap();
        assert!(looks_like_tfjs(&root));
        super::super::build(&root)
    }

    fn loss_of(d: Detected) -> Option<String> {
        match d {
            Detected::Model(m) => {
                assert_eq!(m.format, Format::TfjsLayers);
                m.heads
                    .first()
                    .and_then(|h| h.loss.as_ref())
                    .map(|l| l.name.clone())
            }
            _ => panic!("not a model"),
        }
    }

    #[test]
    fn both_shapes_of_model_topology() {
        let converted = format!(
            r#"{{"format": "layers-model", "modelTopology": {{"model_config": {DENSE},
                "training_config": {{"loss": "mse"}}}}, "weightsManifest": []}}"#
        );
        assert_eq!(loss_of(detected(&converted)).as_deref(), Some("mse"));
        let saved = format!(
            r#"{{"format": "layers-model", "modelTopology": {DENSE}, "weightsManifest": [],
                "trainingConfig": {{"loss": "binary_crossentropy"}}}}"#
        );
        assert_eq!(
            loss_of(detected(&saved)).as_deref(),
            Some("binary_crossentropy")
        );
    }

    #[test]
    fn a_graph_model_is_not_a_keras_model() {
        let graph = r#"{"format": "graph-model", "modelTopology": {"node": [], "versions": {}},
            "weightsManifest": []}"#;
        assert!(matches!(detected(graph), Detected::NotAModel(_)));
    }
}
