//! ACT205 `mixed-hidden-activations`: hidden layers of one feed-forward stack use different activations.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::ActFamily;
use crate::ir::{LayerId, Model};
use crate::rules::walk::{self, Effective, Step};
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// hidden layers of one feed-forward stack use different activations.
    pub struct MixedHiddenActivations {
        code: "ACT205",
        name: "mixed-hidden-activations",
        category: Hidden,
        severity: Info,
        default_enabled: false,
    }
}

/// How messages name a family.
fn family_name(family: ActFamily) -> &'static str {
    match family {
        ActFamily::Linear => "linear",
        ActFamily::Relu => "ReLU",
        ActFamily::Selu => "SELU",
        ActFamily::Smooth => "smooth (GELU/swish)",
        ActFamily::Sigmoid => "sigmoid",
        ActFamily::Tanh => "tanh",
        ActFamily::Softmax => "softmax",
        ActFamily::Exponential => "exponential",
        ActFamily::Other => "other",
    }
}

/// A hidden weight layer of a feed-forward stack with a non-linear
/// activation this rule compares.
fn member(model: &Model, id: LayerId) -> Option<Effective<'_>> {
    let layer = model.layer(id);
    if layer.custom || layer.wrapped.is_some() || !layer.is_weight_layer() {
        return None;
    }
    let eff = walk::effective_activation(model, id)?;
    let family = eff.family()?;
    // Linear layers are projections (ACT201's concern), softmax ACT202's.
    if matches!(family, ActFamily::Linear | ActFamily::Softmax) {
        return None;
    }
    if !walk::is_hidden(model, id) || walk::is_gate(model, id) {
        return None;
    }
    Some(eff)
}

/// The next weight layer in the stack: the single consumer chain from the
/// layer's activation, through activation, normalization, pooling,
/// reshape and dropout layers.
fn next_weight_layer(model: &Model, from: LayerId) -> Option<LayerId> {
    let reach = walk::follow(model, from, |l| {
        walk::is_value_preserving(l)
            || walk::is_activation_layer(l)
            || walk::is_normalization(l)
            || walk::is_pooling(l)
    });
    match reach.step {
        Step::Layer(next) if !walk::is_merge(model, next) => {
            let inner = walk::content(model, next);
            inner.is_weight_layer().then_some(inner.id)
        }
        _ => None,
    }
}

impl Rule for MixedHiddenActivations {
    fn check_model(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let members: HashMap<LayerId, Effective<'_>> = model
            .layers
            .iter()
            .filter_map(|l| member(model, l.id).map(|e| (l.id, e)))
            .collect();
        for chain in stacks(model, &members) {
            out.extend(mixed(model, &members, &chain));
        }
    }
}

/// The stacks of consecutive members (weight layers with a hidden
/// activation), each as its layers in order, in the order they start in
/// the file.
fn stacks(model: &Model, members: &HashMap<LayerId, Effective<'_>>) -> Vec<Vec<LayerId>> {
    // Links between consecutive members of a stack.
    let mut next: HashMap<LayerId, LayerId> = HashMap::new();
    let mut has_prev: HashSet<LayerId> = HashSet::new();
    for (&id, eff) in members {
        if let Some(n) = next_weight_layer(model, eff.layer) {
            if members.contains_key(&n) {
                next.insert(id, n);
                has_prev.insert(n);
            }
        }
    }
    let mut starts: Vec<LayerId> = members
        .keys()
        .copied()
        .filter(|id| !has_prev.contains(id))
        .collect();
    starts.sort_by_key(|&id| (model.layer(id).span.start, id));
    starts
        .into_iter()
        .map(|start| {
            let mut chain = vec![start];
            let mut cur = start;
            while let Some(&n) = next.get(&cur) {
                if chain.contains(&n) {
                    break;
                }
                chain.push(n);
                cur = n;
            }
            chain
        })
        .collect()
}

/// The finding on a stack (`chain`) whose activations are of more than one
/// family, at the first layer that changes family; `None` for one family.
fn mixed(
    model: &Model,
    members: &HashMap<LayerId, Effective<'_>>,
    chain: &[LayerId],
) -> Option<Diagnostic> {
    let families: Vec<ActFamily> = chain.iter().filter_map(|id| members[id].family()).collect();
    let first_family = families[0];
    let change = families.iter().position(|&f| f != first_family)?;
    let mut distinct: Vec<ActFamily> = Vec::new();
    for &f in &families {
        if !distinct.contains(&f) {
            distinct.push(f);
        }
    }
    let names: Vec<&str> = distinct.iter().map(|&f| family_name(f)).collect();
    let names = match names.split_last() {
        Some((last, init)) if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        _ => names.join(""),
    };
    let label_of = |i: usize| {
        let eff = &members[&chain[i]];
        (
            eff.activation.span,
            format!("`{}`", walk::activation_name(model, eff)),
        )
    };
    let (span, text) = label_of(change);
    let mut d = META
        .diag(format!(
            "the hidden layers of one stack mix {} activations: {}",
            names,
            walk::list_layers(model, chain, 6),
        ))
        .at(
            span,
            format!("{text}, after {} layers", family_name(first_family)),
        );
    for i in (0..chain.len()).filter(|&i| i != change) {
        let (span, text) = label_of(i);
        d = d.label(span, text);
    }
    Some(
        d.help(
            "use one activation family for the hidden layers of a stack unless the mix is deliberate; a mix makes the initialization (He for ReLU, Glorot for tanh, LeCun for SELU) right for only some of the layers",
        )
        .layer(model.layer(chain[change]).name()),
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{self, codes_with};

    fn codes(yaml: &str) -> Vec<&'static str> {
        codes_with("m.yaml", yaml, &["ACT205"], 5)
    }

    #[test]
    fn different_families_in_one_stack_are_reported_once() {
        let yaml = "
layers:
  - {type: Dense, units: 8, activation: relu}
  - {type: Dense, units: 8, activation: tanh}
  - {type: Dense, units: 8, activation: gelu}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes(yaml), ["ACT205"]);
    }

    #[test]
    fn one_family_and_the_output_layer_are_fine() {
        // elu and leaky_relu are ReLU-family; the sigmoid output is not hidden.
        let yaml = "
layers:
  - {type: Dense, units: 8, activation: relu}
  - {type: Dense, units: 8, activation: elu}
  - {type: Dense, units: 8}
  - {type: LeakyReLU}
  - {type: Dense, units: 1, activation: sigmoid}
loss: binary_crossentropy
";
        assert_eq!(codes(yaml), Vec::<&str>::new());
    }

    #[test]
    fn off_by_default() {
        let yaml = "
layers:
  - {type: Dense, units: 8, activation: relu, kernel_initializer: he_normal}
  - {type: Dense, units: 8, activation: gelu}
  - {type: Dense, units: 1}
loss: mse
";
        assert!(testing::reported("m.yaml", yaml, "ACT205").is_empty());
    }
}
