//! Keras 1.x constructor arguments: the keys Keras 1 wrote for the arguments
//! Keras 2 renamed, and the Keras 1 defaults that differ from Keras 2's.
//!
//! Keras 1.2.2 rejects the Keras 2 names (`kernel_initializer`, `units`,
//! `rate`, ...), so a reader of a Keras 1 file reads these keys and a fix
//! to a Keras 1 file writes them.

use super::Format;

/// `(Keras 2 key, Keras 1 key)` for the arguments the IR reads.
const ALIASES: &[(&str, &str)] = &[
    ("kernel_initializer", "init"),
    ("depthwise_initializer", "depthwise_initializer"),
    ("recurrent_initializer", "inner_init"),
    ("recurrent_activation", "inner_activation"),
    ("units", "output_dim"),
    ("filters", "nb_filter"),
    ("rate", "p"),
    ("kernel_regularizer", "W_regularizer"),
    ("bias_regularizer", "b_regularizer"),
    ("recurrent_regularizer", "U_regularizer"),
    ("kernel_constraint", "W_constraint"),
    ("bias_constraint", "b_constraint"),
    ("use_bias", "bias"),
    ("padding", "border_mode"),
    ("strides", "subsample"),
    ("dropout", "dropout_W"),
    ("recurrent_dropout", "dropout_U"),
];

/// The key a file of `format` writes for the Keras 2 argument `key`.
pub fn key(format: Format, key: &str) -> &str {
    match format {
        Format::Keras1 => keras1_key(key).unwrap_or(key),
        Format::Simple | Format::Keras2 | Format::Keras3 | Format::TfjsLayers => key,
    }
}

/// The Keras 1 name of a Keras 2 argument, where Keras 1 named it differently.
pub fn keras1_key(key: &str) -> Option<&'static str> {
    ALIASES.iter().find(|(k2, _)| *k2 == key).map(|(_, k1)| *k1)
}

/// The default gate activation of LSTM and GRU: Keras 1's is `hard_sigmoid`.
pub fn default_recurrent_activation(format: Format) -> &'static str {
    match format {
        Format::Keras1 => "hard_sigmoid",
        Format::Simple | Format::Keras2 | Format::Keras3 | Format::TfjsLayers => "sigmoid",
    }
}

/// Keys only Keras 1 wrote: a layer config with one of them is Keras 1.
/// (`output_dim` is not one: Keras 2 and 3 `Embedding` still write it.)
pub fn is_keras1_only_key(key: &str) -> bool {
    matches!(
        key,
        "init"
            | "inner_init"
            | "inner_activation"
            | "nb_filter"
            | "nb_row"
            | "nb_col"
            | "border_mode"
            | "subsample"
            | "W_regularizer"
            | "b_regularizer"
            | "input_dtype"
            | "consume_less"
            | "dropout_W"
            | "dropout_U"
            | "forget_bias_init"
    ) || key == "p"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_per_generation() {
        assert_eq!(key(Format::Keras1, "kernel_initializer"), "init");
        assert_eq!(key(Format::Keras1, "rate"), "p");
        assert_eq!(key(Format::Keras1, "activation"), "activation");
        assert_eq!(
            key(Format::Keras2, "kernel_initializer"),
            "kernel_initializer"
        );
        assert!(is_keras1_only_key("nb_filter"));
        assert!(!is_keras1_only_key("units"));
        assert!(!is_keras1_only_key("output_dim"));
    }
}
