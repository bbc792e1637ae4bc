//! ACT401 `relu-without-he-init`: ReLU-family layers without He initialization or normalization.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::diagnostic::{FixPlan, Severity};
use crate::ir::catalog::{ActFamily, InitFamily};
use crate::ir::{keras1, InitializerRef, Layer, LayerId, Model};
use crate::rules::edits;
use crate::rules::walk::{self, Effective, Step};
use crate::rules::{Context, OptionType, OptionValue, Rule, RuleOption};

crate::declare_rule! {
    /// ReLU-family layers without He initialization or normalization.
    pub struct ReluWithoutHeInit {
        code: "ACT401",
        name: "relu-without-he-init",
        category: Initialization,
        severity: Warning,
        fix: Unsafe,
        concerns: [Activation(Relu), Initializer(He), Initializer(Glorot), Initializer(Lecun), Initializer(VarianceScaling)],
        options: [DEEP_STACK_LAYERS],
    }
}

/// `deep-stack-layers`: how many trainable hidden weight layers in one plain
/// chain make a deep stack, reported as a warning; shallower ones are infos.
pub static DEEP_STACK_LAYERS: RuleOption = RuleOption {
    key: "deep-stack-layers",
    kind: OptionType::Integer { min: 1, max: 1000 },
    default: OptionValue::Integer(8),
    doc: "how many trainable hidden weight layers in one plain chain (no normalization, no merge) make a deep stack, reported as a warning; layers in shallower chains are reported as info",
    expected: "a whole number of layers, at least 1",
    default_means: "eight hidden weight layers in one plain chain",
};

/// Whether a layer's weights are frozen: `trainable: false` on the layer,
/// on a wrapper around it or on a nested model that holds it. Its
/// initializer is never used (pretrained weights are loaded into it).
pub fn frozen(model: &Model, id: LayerId) -> bool {
    let mut cur = Some(id);
    for _ in 0..=model.layers.len() {
        let Some(c) = cur else {
            return false;
        };
        let layer = &model.layers[c];
        if layer.param("trainable").and_then(|n| n.as_bool()) == Some(false) {
            return true;
        }
        cur = layer.wrapper.or_else(|| {
            model
                .graphs
                .get(layer.graph)
                .and_then(|g| g.owner)
                .filter(|&o| o != c)
        });
    }
    false
}

/// A trainable hidden weight layer that can be part of a plain ReLU chain:
/// its effective activation is ReLU-family or linear and no normalization
/// sits between it and that activation.
fn chain_member(model: &Model, layer: &Layer) -> Option<LayerId> {
    if !layer.is_weight_layer() || layer.custom || layer.wrapped.is_some() {
        return None;
    }
    let eff = walk::effective_activation(model, layer.id)?;
    if !matches!(eff.family(), Some(ActFamily::Relu | ActFamily::Linear)) || eff.normalized {
        return None;
    }
    if !walk::is_hidden(model, layer.id) || walk::is_gate(model, layer.id) {
        return None;
    }
    if frozen(model, layer.id) {
        return None;
    }
    Some(eff.layer)
}

/// For each chain member, the length of its plain chain: members linked when
/// the only consumer chain from one's activation reaches the next through
/// dropout, reshape, flatten, pooling, activation and residual `Add` layers
/// only (a normalization layer, another merge, a branch or an output ends
/// the chain).
fn chain_lengths(model: &Model) -> HashMap<LayerId, usize> {
    let members: BTreeMap<LayerId, LayerId> = model
        .layers
        .iter()
        .filter_map(|l| chain_member(model, l).map(|applier| (l.id, applier)))
        .collect();
    let mut link: HashMap<LayerId, LayerId> = HashMap::new();
    let mut linked_to: HashSet<LayerId> = HashSet::new();
    for (&id, &applier) in &members {
        // A residual `Add` does not rescale the signal: the chain goes on
        // through it (and the activation after it) along its main path.
        let reach = walk::follow(model, applier, |l| {
            walk::is_value_preserving(l)
                || walk::is_pooling(l)
                || walk::is_activation_layer(l)
                || l.class() == "Add"
        });
        let Step::Layer(next) = reach.step else {
            continue;
        };
        if walk::is_merge(model, next) {
            continue;
        }
        let next = walk::content(model, next).id;
        if members.contains_key(&next) && !linked_to.contains(&next) {
            link.insert(id, next);
            linked_to.insert(next);
        }
    }
    let mut lengths = HashMap::new();
    for &start in members.keys().filter(|id| !linked_to.contains(id)) {
        let mut chain = vec![start];
        let mut cur = start;
        while let Some(&n) = link.get(&cur) {
            if chain.contains(&n) {
                break;
            }
            chain.push(n);
            cur = n;
        }
        for &id in &chain {
            lengths.insert(id, chain.len());
        }
    }
    lengths
}

/// One hidden ReLU-family layer with a Glorot/LeCun-scaled kernel and no
/// normalization after it.
struct Offender<'m> {
    layer: &'m Layer,
    eff: Effective<'m>,
    init: InitializerRef,
    scheme: &'static str,
    /// The length of its plain chain of hidden weight layers.
    depth: usize,
}

fn offender<'m>(
    model: &'m Model,
    layer: &'m Layer,
    lengths: &HashMap<LayerId, usize>,
    deep: usize,
) -> Option<Offender<'m>> {
    if !layer.is_weight_layer() || layer.custom || frozen(model, layer.id) {
        return None;
    }
    let eff = walk::effective_activation(model, layer.id)?;
    // Conv2D -> BatchNormalization -> ReLU: normalized before the activation.
    if eff.family() != Some(ActFamily::Relu) || eff.normalized {
        return None;
    }
    let init = walk::kernel_initializer(layer)?;
    let depth = lengths.get(&layer.id).copied().unwrap_or(1);
    // Orthogonal, custom and unknown initializers are deliberate choices this
    // rule does not second-guess; so is a fixed-scale random one (DCGAN's
    // `RandomNormal(stddev=0.02)`) unless the chain is deep.
    let scheme = match walk::non_he_scaling(&init) {
        Some(scheme) => scheme,
        None if depth >= deep && init.effective_family() == Some(InitFamily::Random) => {
            "fixed-scale random"
        }
        None => return None,
    };
    if !walk::is_hidden(model, layer.id) || walk::is_gate(model, layer.id) {
        return None;
    }
    if walk::followed_by_normalization(model, eff.layer) {
        return None;
    }
    Some(Offender {
        layer,
        eff,
        init,
        scheme,
        depth,
    })
}

/// The label on one offending layer: its initializer when written, else its
/// activation (the default initializer has no text of its own).
fn label(model: &Model, o: &Offender<'_>) -> (crate::source::Span, String) {
    let act = walk::activation_name(model, &o.eff);
    let key = keras1::key(model.format, walk::kernel_initializer_key(o.layer.class()));
    // Keras writes JSON on one line: name the layer where it has a name.
    let name = o.layer.name();
    if o.init.explicit {
        let text = match name {
            Some(n) => format!("{} initialization for `{act}` in `{n}`", o.scheme),
            None => format!("{} initialization for a `{act}` layer", o.scheme),
        };
        (o.init.span, text)
    } else {
        let of = name.map(|n| format!(" of `{n}`")).unwrap_or_default();
        (
            o.eff.activation.span,
            format!("`{act}`, but `{key}`{of} defaults to {}", o.init.name),
        )
    }
}

/// He initialization on every offending layer: the initializer replaced,
/// or inserted where the default applied. No fix unless every layer can
/// take one.
fn to_he(model: &Model, offenders: &[Offender<'_>]) -> Option<FixPlan> {
    let changes = offenders
        .iter()
        .map(|o| {
            let key = walk::kernel_initializer_key(o.layer.class());
            edits::set_initializer(model.format, o.layer, key, edits::HE_NORMAL)
        })
        .collect::<Option<Vec<_>>>()?;
    let n = changes.len();
    Some(FixPlan::unsafe_(
        format!(
            "use He initialization (`he_normal`) on {n} layer{}",
            if n == 1 { "" } else { "s" }
        ),
        changes,
    ))
}

impl Rule for ReluWithoutHeInit {
    fn check_model(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let deep = cx.options.integer(&DEEP_STACK_LAYERS).max(1) as usize;
        let lengths = chain_lengths(model);
        // One diagnostic per model (the top level and each nested model) for
        // the layers of deep chains, and one info for the other layers.
        let found = walk::by_graph(model, |m, l| offender(m, l, &lengths, deep));
        for (_, offenders) in found {
            let (deep_ones, shallow): (Vec<_>, Vec<_>) =
                offenders.into_iter().partition(|o| o.depth >= deep);
            if !deep_ones.is_empty() {
                let longest = deep_ones.iter().map(|o| o.depth).max().unwrap_or(deep);
                out.push(report(
                    model,
                    deep_ones,
                    format!("in a plain chain of {longest} hidden weight layers"),
                    Severity::Warning,
                ));
            }
            if !shallow.is_empty() {
                let longest = shallow.iter().map(|o| o.depth).max().unwrap_or(1);
                out.push(report(
                    model,
                    shallow,
                    format!(
                        "in a shallow chain ({longest} hidden weight layer{}, fewer than {deep})",
                        if longest == 1 { "" } else { "s" }
                    ),
                    Severity::Info,
                ));
            }
        }
    }
}

fn report(
    model: &Model,
    mut offenders: Vec<Offender<'_>>,
    chain: String,
    severity: Severity,
) -> Diagnostic {
    offenders.sort_by_key(|o| (o.layer.span.start, o.layer.id));
    let ids: Vec<LayerId> = offenders.iter().map(|o| o.layer.id).collect();
    let mut schemes: Vec<&str> = offenders.iter().map(|o| o.scheme).collect();
    schemes.sort_unstable();
    schemes.dedup();
    let n = offenders.len();
    let (first_span, first_label) = label(model, &offenders[0]);
    let mut d = META
        .diag(format!(
            "{n} ReLU-family layer{} {} {} initialization and no normalization {chain}: {}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "uses" } else { "use" },
            schemes.join("/"),
            walk::list_layers(model, &ids, 5),
        ))
        .at(first_span, first_label);
    d.severity = severity;
    for o in &offenders[1..] {
        let (span, text) = label(model, o);
        d = d.label(span, text);
    }
    d.help(
        "Glorot and LeCun scaling keep the variance for tanh-like units; ReLU zeroes half of them, so signals shrink layer by layer: use `kernel_initializer: he_normal` (or `he_uniform`) on these layers, or add BatchNormalization after them",
    )
    .layer(offenders[0].layer.name())
    .fix_plan(to_he(model, &offenders))
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{self, codes, functional, INPUT};

    #[test]
    fn one_diagnostic_per_model_with_a_label_per_layer() {
        // The last layer of the nested model is its output, so not checked.
        let yaml = "
layers:
  - type: Sequential
    name: trunk
    layers:
      - {type: Dense, name: a, units: 8, activation: relu}
      - {type: Dense, name: b, units: 8, activation: relu}
      - {type: Dense, name: trunk_out, units: 8, activation: relu}
  - {type: Dense, name: c, units: 8, activation: relu}
  - {type: Dense, name: out, units: 1}
loss: mse
";
        let found = testing::reported("m.yaml", yaml, "ACT401");
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].message.starts_with("2 ReLU-family layers"),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].secondary.len(), 1);
        assert!(
            found[1].message.starts_with("1 ReLU-family layer uses"),
            "{}",
            found[1].message
        );
    }

    #[test]
    fn normalization_before_or_after_the_activation_counts() {
        let yaml = "
layers:
  - {type: Conv2D, filters: 8, kernel_size: 3, use_bias: false}
  - {type: BatchNormalization}
  - {type: ReLU}
  - {type: Conv2D, filters: 8, kernel_size: 3, activation: relu}
  - {type: MaxPooling2D}
  - {type: BatchNormalization}
  - {type: Flatten}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes("m.yaml", yaml), Vec::<&str>::new());
    }

    #[test]
    fn deliberate_initializers_are_left_alone() {
        for init in [
            "{type: RandomNormal, stddev: 0.02}",
            "orthogonal",
            "{type: VarianceScaling, scale: 0.5}",
            "he_uniform",
            "mypackage>MyInit",
        ] {
            let yaml = format!(
                "layers:\n  - {{type: Dense, units: 8, kernel_initializer: {init}}}\n  - {{type: LeakyReLU}}\n  - {{type: Dense, units: 1}}\nloss: mse\n"
            );
            assert_eq!(codes("m.yaml", &yaml), Vec::<&str>::new(), "{init}");
        }
        for init in [
            "glorot_normal",
            "lecun_normal",
            "{type: VarianceScaling, scale: 1.0, mode: fan_out}",
        ] {
            let yaml = format!(
                "layers:\n  - {{type: Dense, units: 8, kernel_initializer: {init}}}\n  - {{type: LeakyReLU}}\n  - {{type: Dense, units: 1}}\nloss: mse\n"
            );
            assert_eq!(codes("m.yaml", &yaml), ["ACT401"], "{init}");
        }
    }

    #[test]
    fn squeeze_and_excitation_branches_are_not_counted() {
        // MobileNetV3's squeeze convolution: default Glorot, ReLU, then the
        // excitation layer and the gate.
        let json = functional(
            &[
                ("InputLayer", "x", INPUT, &[]),
                ("GlobalAveragePooling1D", "squeeze", "", &["x"]),
                ("Dense", "reduce", r#""units": 2"#, &["squeeze"]),
                ("ReLU", "reduce_relu", "", &["reduce"]),
                (
                    "Dense",
                    "expand",
                    r#""units": 8, "activation": "hard_sigmoid""#,
                    &["reduce_relu"],
                ),
                ("Multiply", "excite", "", &["x", "expand"]),
                ("Dense", "out", r#""units": 1"#, &["excite"]),
            ],
            "mse",
        );
        assert_eq!(codes("m.json", &json), Vec::<&str>::new());
    }

    #[test]
    fn output_layers_are_not_checked() {
        let yaml = "
layers:
  - {type: Dense, units: 8, activation: relu, kernel_initializer: he_normal}
  - {type: Dense, units: 1, activation: relu}
loss: mse
";
        assert!(!codes("m.yaml", yaml).contains(&"ACT401"));
    }
}
