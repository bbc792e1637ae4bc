//! ACT004 `unresolved-reference`: a graph edge, an output or a loss key that
//! names something the model does not have, or a cycle in the layer graph.

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// a graph edge, output or loss key names a layer or output that does not exist, or the graph has a cycle.
    pub struct UnresolvedReference {
        code: "ACT004",
        name: "unresolved-reference",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for UnresolvedReference {
    fn check_model(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // The front ends record what did not resolve while building the graph.
        for u in &cx.model.unresolved {
            let mut d = META.diag(u.message.clone()).at(u.span, "does not resolve");
            d.help = u.help.clone();
            out.push(d);
        }
    }
}
