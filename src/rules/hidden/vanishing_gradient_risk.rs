//! ACT203 `vanishing-gradient-risk`: a deep stack of sigmoid/tanh layers with no normalization or residual connections.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::ir::{LayerId, Model};
use crate::rules::walk::{self, Effective, Step};
use crate::rules::{Context, OptionType, OptionValue, Rule, RuleOption};

crate::declare_rule! {
    /// a deep stack of sigmoid/tanh layers with no normalization or residual connections.
    pub struct VanishingGradientRisk {
        code: "ACT203",
        name: "vanishing-gradient-risk",
        category: Hidden,
        severity: Warning,
        concerns: [Activation(Sigmoid), Activation(Tanh)],
        options: [DEPTH],
    }
}

/// `depth`: how many stacked saturating layers count as deep (ACT204 reports
/// shorter stacks layer by layer).
pub static DEPTH: RuleOption = RuleOption {
    key: "depth",
    kind: OptionType::Integer { min: 2, max: 1000 },
    default: OptionValue::Integer(5),
    doc: "how many consecutive sigmoid/tanh hidden layers make a deep stack",
    expected: "a whole number of layers, at least 2",
    default_means: "five stacked sigmoid/tanh layers",
};

/// The configured `depth`.
pub fn depth(cx: &Context<'_>) -> usize {
    cx.options.integer(&DEPTH) as usize
}

/// A hidden weight layer whose effective activation saturates (sigmoid or
/// tanh family), other than a multiplicative gate.
pub fn saturating_hidden(model: &Model, id: LayerId) -> Option<Effective<'_>> {
    let layer = &model.layers[id];
    if !layer.is_weight_layer() || layer.custom {
        return None;
    }
    let eff = walk::effective_activation(model, id)?;
    if !eff.family().is_some_and(|f| f.is_saturating()) {
        return None;
    }
    if !walk::is_hidden(model, id) || walk::is_gate(model, id) {
        return None;
    }
    Some(eff)
}

/// Runs of consecutive saturating hidden weight layers, each at least
/// `depth` long, in data-flow order. Consecutive means: the only consumer
/// chain from one layer's activation reaches the next weight layer through
/// dropout, reshape and pooling layers only, and the next layer's activation
/// is not preceded by normalization. A merge (a residual `Add`, a
/// `Concatenate`), normalization, a branch or an output ends a run.
pub fn saturating_stacks(model: &Model, depth: usize) -> Vec<Vec<LayerId>> {
    let candidates: BTreeMap<LayerId, Effective<'_>> = model
        .layers
        .iter()
        .filter_map(|l| saturating_hidden(model, l.id).map(|e| (l.id, e)))
        .collect();
    let mut link: HashMap<LayerId, LayerId> = HashMap::new();
    let mut linked_to: HashSet<LayerId> = HashSet::new();
    for (&id, eff) in &candidates {
        let reach = walk::follow(model, eff.layer, |l| {
            walk::is_value_preserving(l) || walk::is_pooling(l)
        });
        let Step::Layer(next) = reach.step else {
            continue;
        };
        if walk::is_merge(model, next) {
            continue;
        }
        let next = walk::content(model, next).id;
        match candidates.get(&next) {
            Some(n) if !n.normalized && !linked_to.contains(&next) => {
                link.insert(id, next);
                linked_to.insert(next);
            }
            _ => {}
        }
    }
    let mut stacks = Vec::new();
    for &start in candidates.keys().filter(|id| !linked_to.contains(id)) {
        let mut stack = vec![start];
        let mut cur = start;
        while let Some(&n) = link.get(&cur) {
            if stack.contains(&n) {
                break;
            }
            stack.push(n);
            cur = n;
        }
        if stack.len() >= depth.max(2) {
            stacks.push(stack);
        }
    }
    stacks
}

impl Rule for VanishingGradientRisk {
    fn check_model(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for stack in saturating_stacks(model, depth(cx)) {
            let acts: Vec<Effective<'_>> = stack
                .iter()
                .filter_map(|&id| walk::effective_activation(model, id))
                .collect();
            let (Some(first), Some(&last_id)) = (acts.first(), stack.last()) else {
                continue;
            };
            let mut names: Vec<&str> = acts.iter().map(|e| e.activation.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            let n = stack.len();
            let mut d = META
                .diag(format!(
                    "{n} stacked {} layers with no normalization or residual connection, from {} to {}: gradients shrink through every one of them",
                    names.join("/"),
                    model.describe_layer(stack[0]),
                    model.describe_layer(last_id),
                ))
                .at(
                    first.activation.span,
                    format!("`{}`, the first of {n} saturating layers in a row", first.activation.name),
                );
            for (i, (eff, &id)) in acts.iter().zip(&stack).enumerate().skip(1) {
                // Keras writes JSON on one line: name the layer where it has a name.
                let of = model.layers[id]
                    .name()
                    .map(|name| format!(" (`{name}`)"))
                    .unwrap_or_default();
                d = d.label(
                    eff.activation.span,
                    format!("saturating layer {} of {n}{of}", i + 1),
                );
            }
            out.push(
                d.help("use ReLU-family activations with `kernel_initializer: he_normal` in hidden layers, or put BatchNormalization or residual (`Add`) connections between them")
                    .layer(model.layers[stack[0]].name()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{codes, codes_with, functional, INPUT};

    fn tanh_stack(n: usize, between: &str) -> String {
        let mut yaml = String::from("task: binary\nlayers:\n");
        for i in 0..n {
            if i > 0 {
                yaml.push_str(between);
            }
            yaml.push_str("  - {type: Dense, units: 16, activation: tanh}\n");
        }
        yaml.push_str(
            "  - {type: Dense, units: 1, activation: sigmoid}\nloss: binary_crossentropy\n",
        );
        yaml
    }

    #[test]
    fn one_warning_per_stack_instead_of_infos() {
        assert_eq!(codes("m.yaml", &tanh_stack(5, "")), ["ACT203"]);
        assert_eq!(
            codes("m.yaml", &tanh_stack(6, "  - {type: Dropout, rate: 0.1}\n")),
            ["ACT203"]
        );
        // Four are not deep: one info per layer.
        assert_eq!(codes("m.yaml", &tanh_stack(4, "")), ["ACT204"; 4]);
    }

    #[test]
    fn depth_is_configurable() {
        let select = ["ACT203", "ACT204"];
        assert_eq!(
            codes_with("m.yaml", &tanh_stack(3, ""), &select, 3),
            ["ACT203"]
        );
        assert_eq!(
            codes_with("m.yaml", &tanh_stack(3, ""), &select, 4),
            ["ACT204"; 3]
        );
    }

    #[test]
    fn normalization_breaks_the_stack() {
        let yaml = tanh_stack(6, "  - {type: BatchNormalization}\n");
        assert_eq!(codes("m.yaml", &yaml), ["ACT204"; 6]);
    }

    #[test]
    fn a_residual_add_breaks_the_stack() {
        let dense = r#""units": 8, "activation": "tanh""#;
        let json = functional(
            &[
                ("InputLayer", "x", INPUT, &[]),
                ("Dense", "t1", dense, &["x"]),
                ("Dense", "t2", dense, &["t1"]),
                ("Dense", "t3", dense, &["t2"]),
                ("Add", "res", "", &["t3", "t1"]),
                ("Dense", "t4", dense, &["res"]),
                ("Dense", "t5", dense, &["t4"]),
                (
                    "Dense",
                    "out",
                    r#""units": 1, "activation": "sigmoid""#,
                    &["t5"],
                ),
            ],
            "binary_crossentropy",
        );
        assert_eq!(codes("m.json", &json), ["ACT204"; 5]);
    }
}
