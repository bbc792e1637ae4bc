//! Keras 3 and Keras 2 model JSON into the IR.

use super::Detected;
use crate::tree::Node;

/// A Keras model: `{class_name, config}` at the top level (or HDF5 root
/// attributes with `model_config`).
pub fn looks_like_keras(root: &Node) -> bool {
    root.get("class_name").is_some() && root.get("config").is_some()
        || root.get("model_config").is_some()
}

pub fn build(_root: &Node) -> Detected {
    Detected::NotAModel("Keras model JSON is not supported yet")
}
