//! Reading the constructor arguments every front end shares: activations,
//! initializers, units and rates, with Keras's defaults where a key is absent.

use super::read;
use super::{Layer, Spanned};
use crate::catalog;
use crate::tree::{Node, Span};

/// A layer with only its identity filled in; `fill` reads the rest.
pub fn new_layer(
    id: usize,
    graph: usize,
    class: Spanned<String>,
    name: Option<Spanned<String>>,
    span: Span,
    config: Option<&Node>,
) -> Layer {
    let custom = class.value.contains('>');
    let mut layer = Layer {
        id,
        graph,
        class,
        name,
        span,
        config: config.cloned(),
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
        custom,
    };
    if !custom {
        fill(&mut layer);
    }
    layer
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

fn fill(layer: &mut Layer) {
    let class = layer.class.value.clone();
    let class_span = layer.class.span;
    let config = layer.config.clone();
    let get = |key: &str| config.as_ref().and_then(|c| c.get(key));

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
            None => Some(read::default_activation("sigmoid", class_span)),
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
}
