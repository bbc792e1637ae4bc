//! What a dotted name in Python source denotes in Keras: imports and aliases
//! resolve to a canonical path (`keras.layers.Dense`, `tf.nn.relu`), and a
//! path is classified by the Keras module it lives in.
//!
//! Every spelling of the same object reaches the same path:
//! `tensorflow.keras.layers.Dense`, `tf.keras.layers.Dense`,
//! `tf_keras.layers.Dense`, `keras.src.layers.Dense` and the standalone
//! Keras 1/2 module paths (`keras.layers.core.Dense`) all denote the class
//! `Dense` of `keras.layers`.

/// The canonical form of a module path: Keras under any of its packages is
/// `keras`, the rest of TensorFlow is `tf`; other packages keep their name.
pub fn canonical(path: &str) -> String {
    const KERAS_PREFIXES: &[&str] = &[
        "tensorflow.python.keras",
        "tensorflow.compat.v1.keras",
        "tensorflow.compat.v2.keras",
        "tensorflow.keras",
        "tf.keras",
        "tf_keras",
        "keras.src",
        "keras._tf_keras.keras",
    ];
    for prefix in KERAS_PREFIXES {
        if let Some(rest) = strip_module(path, prefix) {
            return format!("keras{rest}");
        }
    }
    if let Some(rest) = strip_module(path, "tensorflow") {
        return format!("tf{rest}");
    }
    path.to_string()
}

/// `path` without the module `prefix` (`""` or `.rest`), when it is in it.
fn strip_module<'p>(path: &'p str, prefix: &str) -> Option<&'p str> {
    let rest = path.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('.')).then_some(rest)
}

/// A canonical path in Keras or TensorFlow (anything else is foreign code
/// whose result is not known).
pub fn is_keras(path: &str) -> bool {
    strip_module(path, "keras").is_some() || strip_module(path, "tf").is_some()
}

/// The last component of a dotted path.
pub fn last(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

fn has_segment(path: &str, segment: &str) -> bool {
    path.split('.').any(|s| s == segment)
}

/// What calling (or naming) a canonical path makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sequential,
    /// `keras.Model`, `keras.models.Model`: the functional API.
    Model,
    Input,
    /// A layer class (`keras.layers.Dense`).
    Layer,
    /// A merge function of the functional API (`keras.layers.concatenate`).
    Merge(&'static str),
    /// An activation function (`keras.activations.relu`, `tf.nn.relu`).
    Activation,
    /// An initializer, loss, metric, optimizer, regularizer or constraint
    /// class or function: an object passed as an argument.
    Object,
    /// A Keras model of `keras.applications` (whose layers are not in the file).
    Application,
    /// Anything else.
    Other,
}

/// Classifies a canonical path.
pub fn kind(path: &str) -> Kind {
    if !is_keras(path) {
        return Kind::Other;
    }
    let name = last(path);
    let upper = name.starts_with(|c: char| c.is_ascii_uppercase());
    if has_segment(path, "applications") {
        return if upper {
            Kind::Application
        } else {
            Kind::Other
        };
    }
    match name {
        "Sequential" if path.starts_with("keras") => return Kind::Sequential,
        "Model" | "Functional"
            if path == "keras.Model"
                || has_segment(path, "models")
                || has_segment(path, "engine")
                || has_segment(path, "training") =>
        {
            return Kind::Model
        }
        "Input" if path.starts_with("keras") => return Kind::Input,
        _ => {}
    }
    if has_segment(path, "layers") {
        if upper {
            return Kind::Layer;
        }
        if let Some(class) = merge_class(name) {
            return Kind::Merge(class);
        }
        return Kind::Other;
    }
    if has_segment(path, "activations") {
        return Kind::Activation;
    }
    if [
        "initializers",
        "losses",
        "metrics",
        "optimizers",
        "regularizers",
        "constraints",
    ]
    .iter()
    .any(|m| has_segment(path, m))
    {
        return Kind::Object;
    }
    // `tf.nn.relu`, `tf.math.sigmoid`, `tf.tanh`.
    if path.starts_with("tf.") && crate::ir::catalog::activation(name).is_some() {
        return Kind::Activation;
    }
    Kind::Other
}

/// The layer class of a functional merge helper (`concatenate` -> `Concatenate`).
fn merge_class(name: &str) -> Option<&'static str> {
    Some(match name {
        "concatenate" => "Concatenate",
        "add" => "Add",
        "subtract" => "Subtract",
        "multiply" => "Multiply",
        "average" => "Average",
        "maximum" => "Maximum",
        "minimum" => "Minimum",
        "dot" => "Dot",
        _ => return None,
    })
}

/// Keras's automatic layer name stem for a class: `Conv2D` -> `conv2d`,
/// `BatchNormalization` -> `batch_normalization`.
pub fn snake(class: &str) -> String {
    let mut out = String::with_capacity(class.len() + 4);
    let chars: Vec<char> = class.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower = i > 0 && (chars[i - 1].is_ascii_lowercase());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_reaches_one_path() {
        for p in [
            "tensorflow.keras.layers.Dense",
            "tf.keras.layers.Dense",
            "tf_keras.layers.Dense",
            "keras.src.layers.Dense",
            "keras.layers.Dense",
        ] {
            assert_eq!(canonical(p), "keras.layers.Dense", "{p}");
        }
        assert_eq!(canonical("tensorflow.nn.relu"), "tf.nn.relu");
        assert_eq!(canonical("numpy.zeros"), "numpy.zeros");
        assert_eq!(canonical("kerasx.layers"), "kerasx.layers");
    }

    #[test]
    fn kinds() {
        assert_eq!(kind("keras.layers.core.Dense"), Kind::Layer);
        assert_eq!(kind("keras.models.Sequential"), Kind::Sequential);
        assert_eq!(kind("keras.Sequential"), Kind::Sequential);
        assert_eq!(kind("keras.models.Model"), Kind::Model);
        assert_eq!(kind("keras.layers.Input"), Kind::Input);
        assert_eq!(kind("keras.layers.concatenate"), Kind::Merge("Concatenate"));
        assert_eq!(kind("keras.activations.relu"), Kind::Activation);
        assert_eq!(kind("tf.nn.relu"), Kind::Activation);
        assert_eq!(kind("keras.initializers.HeNormal"), Kind::Object);
        assert_eq!(kind("keras.losses.BinaryCrossentropy"), Kind::Object);
        assert_eq!(kind("keras.applications.ResNet50"), Kind::Application);
        assert_eq!(kind("numpy.array"), Kind::Other);
        assert_eq!(kind("mylib.layers.Dense"), Kind::Other);
    }

    #[test]
    fn keras_names_layers_in_snake_case() {
        assert_eq!(snake("Dense"), "dense");
        assert_eq!(snake("Conv2D"), "conv2d");
        assert_eq!(snake("BatchNormalization"), "batch_normalization");
        assert_eq!(snake("LSTM"), "lstm");
        assert_eq!(snake("GRU"), "gru");
    }
}
