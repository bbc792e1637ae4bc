//! Pictures of a model: its layer graph with the findings on it.
//!
//! [`Picture::build`] turns a model's IR and the diagnostics of its file
//! into boxes (one per layer, a wrapper and what it wraps being one box),
//! clusters (nested models) and edges; the writers draw it as SVG (laid out
//! by `layout-rs`, see [`layout`]), Mermaid and DOT. Every name in a picture
//! comes from the model file and is escaped by the writer that prints it.

pub mod dot;
pub mod layout;
pub mod mermaid;
pub mod svg;

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::{GraphId, LayerId, Model};
use crate::lint::FileReport;

/// One finding shown on a box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub code: &'static str,
    pub severity: Severity,
    /// The diagnostic's index in the file's list.
    pub diagnostic: usize,
    /// Whether this is the layer the finding points at (not one its
    /// other labels name).
    pub primary: bool,
}

/// One box: a layer (with the layer it wraps), or a collapsed nested model.
#[derive(Clone, Debug)]
pub struct Node {
    /// The layer of the model (the wrapper, for a wrapped layer).
    pub layer: LayerId,
    /// `Dense`, or `Bidirectional(LSTM)` for a wrapper.
    pub class: String,
    pub name: Option<String>,
    pub activation: Option<String>,
    /// Units or filters.
    pub units: Option<u64>,
    /// The layer's output shape, once the IR knows it (`(None, 64)`). No
    /// front end fills it yet; the writers print it when it is there.
    pub shape: Option<String>,
    /// The model outputs this box produces (their names).
    pub outputs: Vec<String>,
    /// The cluster the box is drawn in (0: the model itself).
    pub cluster: usize,
    /// For a collapsed nested model: how many layers it holds.
    pub hidden: Option<usize>,
    /// How many identical layers in a row this box stands for (1: itself;
    /// see [`Options::collapse_runs`]).
    pub repeat: usize,
    /// The findings on this layer (and, when collapsed, inside it), in the
    /// order of the file's diagnostics.
    pub marks: Vec<Mark>,
}

impl Node {
    /// The most severe finding on the box.
    pub fn severity(&self) -> Option<Severity> {
        self.marks.iter().map(|m| m.severity).max()
    }

    /// The rule codes on the box, each once, in first-seen order.
    pub fn codes(&self) -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = Vec::new();
        for m in &self.marks {
            if !codes.contains(&m.code) {
                codes.push(m.code);
            }
        }
        codes
    }

    /// The detail line: `relu · 64 units` (`32 filters` for a convolution).
    pub fn detail(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(a) = &self.activation {
            parts.push(a.clone());
        }
        if let Some(u) = self.units {
            // Convolutions have filters; the IR calls both units.
            let word = if self.class.contains("Conv") {
                "filter"
            } else {
                "unit"
            };
            parts.push(format!("{u} {word}{}", if u == 1 { "" } else { "s" }));
        }
        if let Some(n) = self.hidden {
            parts.push(format!("{n} layers"));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }

    /// The lines of the box's label, unescaped: name, class, detail,
    /// shape, outputs, codes.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let class = if self.repeat > 1 {
            format!("{} ×{}", self.class, self.repeat)
        } else {
            self.class.clone()
        };
        match &self.name {
            // A run is named by its first layer: `dense … (×12)`.
            Some(n) if self.repeat > 1 => {
                lines.push(format!("{n} …"));
                lines.push(class);
            }
            Some(n) => {
                lines.push(n.clone());
                lines.push(class);
            }
            None => lines.push(class),
        }
        lines.extend(self.detail());
        if let Some(s) = &self.shape {
            lines.push(s.clone());
        }
        // Output names worth printing: not the box's own name.
        let named: Vec<&str> = self
            .outputs
            .iter()
            .map(String::as_str)
            .filter(|o| Some(*o) != self.name.as_deref() && *o != "output")
            .collect();
        if !named.is_empty() {
            lines.push(format!("→ output {}", named.join(", ")));
        } else if !self.outputs.is_empty() {
            lines.push("→ output".to_string());
        }
        let codes = self.codes();
        if !codes.is_empty() {
            lines.push(codes.join(" "));
        }
        lines
    }
}

/// A nested model drawn as a frame around its layers.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// The enclosing cluster; `None` for the model itself (cluster 0).
    pub parent: Option<usize>,
    /// `encoder (Functional)`.
    pub label: String,
    /// The layer entry that is the nested model (`None` for cluster 0).
    pub layer: Option<LayerId>,
    /// Findings on the nested model's own entry.
    pub marks: Vec<Mark>,
}

/// The text formats of `actlint graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Svg,
    Mermaid,
    Dot,
}

/// A picture in one of the text formats.
pub fn render(picture: &Picture, format: Format) -> String {
    match format {
        Format::Svg => svg::render(picture, ""),
        Format::Mermaid => mermaid::render(picture),
        Format::Dot => dot::render(picture),
    }
}

/// How much of a model to draw.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Draw nested models as one box each.
    pub collapse_nested: bool,
    /// Draw a chain of identical layers without findings (same class,
    /// activation and units, one after the other) as one box, `Dense ×12`.
    pub collapse_runs: bool,
}

/// A model as boxes, frames and edges.
#[derive(Clone, Debug)]
pub struct Picture {
    /// The model's name, or the file's.
    pub title: String,
    pub boxes: Vec<Node>,
    /// Edges between boxes (deduplicated, in model order).
    pub edges: Vec<(usize, usize)>,
    pub clusters: Vec<Cluster>,
    /// Findings of the file on no layer of this model (the loss, the file).
    pub unplaced: Vec<Mark>,
}

/// Above this many layers, nested models are collapsed even when asked not
/// to be: a picture of thousands of boxes in frames helps nobody.
pub const EXPAND_LIMIT: usize = 1500;

/// Above this many boxes, runs of identical layers are merged even when
/// not asked to be.
pub const RUNS_LIMIT: usize = 1500;

/// The shortest run of identical layers drawn as one box.
pub const MIN_RUN: usize = 3;

impl Picture {
    /// The picture of `model`, with the `diagnostics` of its file placed on
    /// the layers they point at.
    pub fn build(
        model: &Model,
        diagnostics: &[Diagnostic],
        title: &str,
        options: Options,
    ) -> Picture {
        let collapse = options.collapse_nested || model.layers.len() > EXPAND_LIMIT;
        let title = model
            .name
            .as_ref()
            .map_or_else(|| title.to_string(), |n| n.value.clone());
        let mut b = Builder {
            model,
            collapse,
            picture: Picture {
                title,
                boxes: Vec::new(),
                edges: Vec::new(),
                clusters: vec![Cluster {
                    parent: None,
                    label: String::new(),
                    layer: None,
                    marks: Vec::new(),
                }],
                unplaced: Vec::new(),
            },
            box_of: HashMap::new(),
            cluster_of: HashMap::new(),
        };
        if !model.graphs.is_empty() {
            b.add_graph(0, 0);
            b.connect();
            b.outputs();
        }
        b.place(diagnostics);
        let mut picture = b.picture;
        if options.collapse_runs || picture.boxes.len() > RUNS_LIMIT {
            picture.collapse_runs();
        }
        picture
    }

    /// Merges each chain of at least [`MIN_RUN`] identical boxes without
    /// findings, each the only successor of the one before, into its first
    /// box.
    fn collapse_runs(&mut self) {
        if let Some(head) = self.find_runs() {
            self.merge_into_heads(&head);
        }
    }

    /// Finds the runs of [`Picture::collapse_runs`] and marks each head
    /// with its length: each box's representative (itself, or the head of
    /// its run); `None` when there is no run.
    fn find_runs(&mut self) -> Option<Vec<usize>> {
        let n = self.boxes.len();
        let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut preds = vec![0usize; n];
        for &(a, b) in &self.edges {
            succ[a].push(b);
            preds[b] += 1;
        }
        let same = |a: &Node, b: &Node| {
            a.class == b.class
                && a.activation == b.activation
                && a.units == b.units
                && a.shape == b.shape
                && a.cluster == b.cluster
                && a.hidden.is_none()
                && b.hidden.is_none()
        };
        let plain = |b: &Node| b.marks.is_empty() && b.outputs.is_empty();
        let mut head: Vec<usize> = (0..n).collect();
        let mut in_run = vec![false; n];
        for start in 0..n {
            if in_run[start] || !plain(&self.boxes[start]) {
                continue;
            }
            let mut run = vec![start];
            let mut cur = start;
            while let [next] = succ[cur][..] {
                let next_box = &self.boxes[next];
                if next <= cur
                    || in_run[next]
                    || preds[next] != 1
                    || !plain(next_box)
                    || !same(&self.boxes[start], next_box)
                {
                    break;
                }
                run.push(next);
                cur = next;
            }
            if run.len() >= MIN_RUN {
                for &r in &run {
                    in_run[r] = true;
                    head[r] = start;
                }
                self.boxes[start].repeat = run.len();
            }
        }
        in_run.iter().any(|&r| r).then_some(head)
    }

    /// Keeps the boxes that are their own `head` (renumbered); edges follow
    /// their heads, each once, none from a box to itself.
    fn merge_into_heads(&mut self, head: &[usize]) {
        let mut index = vec![usize::MAX; head.len()];
        let mut kept = Vec::with_capacity(head.len());
        for (i, node) in std::mem::take(&mut self.boxes).into_iter().enumerate() {
            if head[i] == i {
                index[i] = kept.len();
                kept.push(node);
            }
        }
        self.boxes = kept;
        let mut seen = std::collections::HashSet::new();
        self.edges = std::mem::take(&mut self.edges)
            .into_iter()
            .map(|(a, b)| (index[head[a]], index[head[b]]))
            .filter(|&(a, b)| a != b && seen.insert((a, b)))
            .collect();
    }

    /// Several pictures (the models of one file) as one, each model a
    /// frame of its own; one picture stays as it is.
    pub fn merge(mut pictures: Vec<Picture>, title: &str) -> Picture {
        if pictures.len() == 1 {
            return pictures.remove(0);
        }
        let mut all = Picture {
            title: title.to_string(),
            boxes: Vec::new(),
            edges: Vec::new(),
            clusters: vec![Cluster {
                parent: None,
                label: String::new(),
                layer: None,
                marks: Vec::new(),
            }],
            unplaced: Vec::new(),
        };
        for (k, p) in pictures.into_iter().enumerate() {
            let (boxes, clusters) = (all.boxes.len(), all.clusters.len());
            for (i, mut c) in p.clusters.into_iter().enumerate() {
                if i == 0 {
                    c.parent = Some(0);
                    c.label = format!("model {}: {}", k + 1, p.title);
                } else {
                    c.parent = c.parent.map(|q| q + clusters);
                }
                all.clusters.push(c);
            }
            all.boxes.extend(p.boxes.into_iter().map(|mut b| {
                b.cluster += clusters;
                b
            }));
            all.edges
                .extend(p.edges.into_iter().map(|(a, b)| (a + boxes, b + boxes)));
            all.unplaced.extend(p.unplaced);
        }
        all.unplaced.sort_by_key(|m| m.diagnostic);
        all.unplaced.dedup();
        all
    }

    /// The picture of a file's models with the file's findings on them.
    pub fn of_file(report: &FileReport, models: &[Model], options: Options) -> Picture {
        let pictures = models
            .iter()
            .map(|m| Picture::build(m, &report.diagnostics, &report.path, options))
            .collect();
        Picture::merge(pictures, &report.path)
    }

    /// What each frame holds, by frame index: its child frames and its
    /// boxes, in order (for the writers that nest frames as text).
    pub fn frame_contents(&self) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); self.clusters.len()];
        for (i, c) in self.clusters.iter().enumerate().skip(1) {
            if let Some(p) = c.parent.filter(|&p| p < i) {
                children[p].push(i);
            }
        }
        let mut boxes: Vec<Vec<usize>> = vec![Vec::new(); self.clusters.len()];
        for (i, b) in self.boxes.iter().enumerate() {
            if let Some(list) = boxes.get_mut(b.cluster) {
                list.push(i);
            }
        }
        (children, boxes)
    }

    /// The codes of the findings on no layer (a loss, the compile
    /// settings), each once: `not on a layer: ACT105`, for a caption.
    pub fn unplaced_caption(&self) -> Option<String> {
        let mut codes: Vec<&str> = Vec::new();
        for m in &self.unplaced {
            if !codes.contains(&m.code) {
                codes.push(m.code);
            }
        }
        (!codes.is_empty()).then(|| format!("not on a layer: {}", codes.join(" ")))
    }

    /// The most severe finding on no layer.
    pub fn unplaced_severity(&self) -> Option<Severity> {
        self.unplaced.iter().map(|m| m.severity).max()
    }

    /// How many boxes carry a finding.
    pub fn marked(&self) -> usize {
        self.boxes.iter().filter(|b| !b.marks.is_empty()).count()
    }
}

struct Builder<'m> {
    model: &'m Model,
    collapse: bool,
    picture: Picture,
    /// Layer (outermost wrapper) → its box.
    box_of: HashMap<LayerId, usize>,
    /// Expanded nested-model layer → its cluster.
    cluster_of: HashMap<LayerId, usize>,
}

impl Builder<'_> {
    fn add_graph(&mut self, graph: GraphId, cluster: usize) {
        let model = self.model;
        for &id in &model.graphs[graph].layers {
            let layer = &model.layers[id];
            if let Some(nested) = layer
                .nested
                .filter(|&g| g != graph && g < model.graphs.len())
            {
                if !self.collapse && self.cluster_of.len() < model.graphs.len() {
                    let label = match layer.name() {
                        Some(n) => format!("{n} ({})", layer.class()),
                        None => layer.class().to_string(),
                    };
                    let index = self.picture.clusters.len();
                    self.picture.clusters.push(Cluster {
                        parent: Some(cluster),
                        label,
                        layer: Some(id),
                        marks: Vec::new(),
                    });
                    if self.cluster_of.insert(id, index).is_none() {
                        self.add_graph(nested, index);
                    }
                    continue;
                }
            }
            self.add_box(id, cluster);
        }
    }

    fn add_box(&mut self, id: LayerId, cluster: usize) {
        let model = self.model;
        let layer = &model.layers[id];
        // A wrapper shows what it wraps: `Bidirectional(LSTM)`, the LSTM's
        // activation and units.
        let mut class = layer.class().to_string();
        let mut inner = layer;
        let mut depth = 0;
        while let Some(w) = inner
            .wrapped
            .filter(|&w| w != inner.id && w < model.layers.len())
        {
            inner = &model.layers[w];
            class = format!("{class}({})", inner.class());
            depth += 1;
            if depth > 8 {
                break;
            }
        }
        let hidden = layer.nested.map(|g| count_layers(model, g));
        let activation = inner
            .activation
            .as_ref()
            .filter(|a| a.explicit || a.name != "linear")
            .map(|a| a.name.clone());
        let index = self.picture.boxes.len();
        self.picture.boxes.push(Node {
            layer: id,
            class,
            name: layer.name().map(str::to_string),
            activation,
            units: inner.units.as_ref().map(|u| u.value),
            shape: shape_label(model, id),
            outputs: Vec::new(),
            cluster,
            hidden,
            repeat: 1,
            marks: Vec::new(),
        });
        self.box_of.insert(id, index);
    }

    /// The boxes an edge into the layer `id` ends at: its box, or the
    /// entry boxes of its expanded nested model.
    fn entries(&self, id: LayerId, depth: usize, out: &mut Vec<usize>) {
        if let Some(&b) = self.box_of.get(&id) {
            out.push(b);
        } else if self.cluster_of.contains_key(&id) && depth < 32 {
            let Some(g) = self.model.layers[id].nested else {
                return;
            };
            for l in graph_entries(self.model, g) {
                self.entries(l, depth + 1, out);
            }
        }
    }

    /// The boxes an edge out of the layer `id` starts at.
    fn exits(&self, id: LayerId, depth: usize, out: &mut Vec<usize>) {
        if let Some(&b) = self.box_of.get(&id) {
            out.push(b);
        } else if self.cluster_of.contains_key(&id) && depth < 32 {
            let Some(g) = self.model.layers[id].nested else {
                return;
            };
            for l in graph_exits(self.model, g) {
                self.exits(l, depth + 1, out);
            }
        }
    }

    fn connect(&mut self) {
        let model = self.model;
        let mut seen = std::collections::HashSet::new();
        let mut edges = Vec::new();
        let (mut from, mut to) = (Vec::new(), Vec::new());
        let mut laid: Vec<LayerId> = self.box_of.keys().copied().collect();
        laid.extend(self.cluster_of.keys().copied());
        laid.sort_unstable();
        for id in laid {
            let preds = &model.layers[id].inputs;
            // An expanded nested model called on as many tensors as it has
            // inputs takes them in order: the k-th goes to its k-th input.
            let inputs = match (self.cluster_of.contains_key(&id), model.layers[id].nested) {
                (true, Some(g)) => graph_entries(model, g),
                _ => Vec::new(),
            };
            let in_order = inputs.len() > 1 && inputs.len() == preds.len();
            if !in_order {
                to.clear();
                self.entries(id, 0, &mut to);
            }
            for (k, &pred) in preds.iter().enumerate() {
                if pred >= model.layers.len() {
                    continue;
                }
                if in_order {
                    to.clear();
                    self.entries(inputs[k], 1, &mut to);
                }
                from.clear();
                self.exits(pred, 0, &mut from);
                for &a in &from {
                    for &b in &to {
                        if a != b && seen.insert((a, b)) {
                            edges.push((a, b));
                        }
                    }
                }
            }
        }
        self.picture.edges = edges;
    }

    /// Marks the boxes that are the model's outputs.
    fn outputs(&mut self) {
        let mut exits = Vec::new();
        for output in &self.model.root().outputs {
            if output.layer >= self.model.layers.len() {
                continue;
            }
            exits.clear();
            self.exits(self.model.outermost(output.layer), 0, &mut exits);
            for &b in &exits {
                let outputs = &mut self.picture.boxes[b].outputs;
                if !outputs.contains(&output.name) {
                    outputs.push(output.name.clone());
                }
            }
        }
    }

    /// Puts each diagnostic on the box of the layer it points at.
    fn place(&mut self, diagnostics: &[Diagnostic]) {
        let model = self.model;
        // Layers by where their text starts: the innermost layer around a
        // position is the last one starting before it, or an enclosing
        // layer of that one (layer entries nest, they never overlap).
        let mut starts: Vec<(usize, LayerId)> =
            model.layers.iter().map(|l| (l.span.start, l.id)).collect();
        starts.sort_unstable();
        let mut by_name: HashMap<&str, LayerId> = HashMap::new();
        for l in model.layers.iter().rev() {
            if let Some(n) = l.name() {
                by_name.insert(n, l.id);
            }
        }
        for (index, d) in diagnostics.iter().enumerate() {
            let mark = Mark {
                code: d.code,
                severity: d.severity,
                diagnostic: index,
                primary: true,
            };
            let at = d.primary.as_ref().map(|p| p.span.start);
            // Another document's finding (a file of several models).
            if at.is_some_and(|p| p < model.span.start || p > model.span.end) {
                continue;
            }
            let layer = at
                .and_then(|p| innermost(model, &starts, p))
                .or_else(|| d.layer.as_deref().and_then(|n| by_name.get(n).copied()));
            let primary = layer.and_then(|l| self.target(l));
            match primary {
                Some(Target::Box(b)) => self.picture.boxes[b].marks.push(mark.clone()),
                Some(Target::Cluster(c)) => self.picture.clusters[c].marks.push(mark.clone()),
                // On no layer: the loss, the compile settings, the file.
                None => self.picture.unplaced.push(mark.clone()),
            }
            // The other layers the finding names (`conv2d` and `conv2d_1`).
            for label in &d.secondary {
                let at = label.span.start;
                if at < model.span.start || at > model.span.end {
                    continue;
                }
                if let Some(Target::Box(b)) =
                    innermost(model, &starts, at).and_then(|l| self.target(l))
                {
                    let marks = &mut self.picture.boxes[b].marks;
                    if !marks.iter().any(|m| m.diagnostic == index) {
                        marks.push(Mark {
                            primary: false,
                            ..mark.clone()
                        });
                    }
                }
            }
        }
    }

    /// Where a layer is drawn: its own box, its wrapper's, the box of the
    /// collapsed model around it, or the frame of the expanded model it is.
    fn target(&self, layer: LayerId) -> Option<Target> {
        let mut cur = Some(layer);
        let mut steps = 0;
        while let Some(id) = cur {
            if let Some(&b) = self.box_of.get(&id) {
                return Some(Target::Box(b));
            }
            if let Some(&c) = self.cluster_of.get(&id) {
                return Some(Target::Cluster(c));
            }
            steps += 1;
            if steps > 10_000 {
                return None;
            }
            cur = parent(self.model, id);
        }
        None
    }
}

/// The output shape printed on a layer's box, from actlint's own shape
/// inference (per sample, the batch axis left out; `?` for a size not known
/// statically); `None` when the shape is unknown (never a guess).
fn shape_label(model: &Model, layer: LayerId) -> Option<String> {
    model
        .shapes
        .get(layer)?
        .as_deref()
        .map(crate::ir::shapes::display)
}

enum Target {
    Box(usize),
    Cluster(usize),
}

/// The layer whose entry holds a layer entry: its wrapper, or the nested
/// model whose graph it is in.
fn parent(model: &Model, id: LayerId) -> Option<LayerId> {
    let layer = &model.layers[id];
    layer
        .wrapper
        .filter(|&w| w != id)
        .or_else(|| model.graphs.get(layer.graph).and_then(|g| g.owner))
        .filter(|&p| p != id && p < model.layers.len())
}

/// The innermost layer whose entry contains the byte offset `at`.
fn innermost(model: &Model, starts: &[(usize, LayerId)], at: usize) -> Option<LayerId> {
    let i = starts.partition_point(|&(s, _)| s <= at);
    let mut cur = starts.get(i.checked_sub(1)?)?.1;
    for _ in 0..10_000 {
        let span = model.layers[cur].span;
        if span.start <= at && at < span.end.max(span.start + 1) {
            return Some(cur);
        }
        cur = parent(model, cur)?;
    }
    None
}

/// How many layers a nested model holds, its own nested models included.
fn count_layers(model: &Model, graph: GraphId) -> usize {
    let mut count = 0;
    let mut stack = vec![graph];
    let mut seen = std::collections::HashSet::new();
    while let Some(g) = stack.pop() {
        if !seen.insert(g) {
            continue;
        }
        let Some(graph) = model.graphs.get(g) else {
            continue;
        };
        for &l in &graph.layers {
            count += 1;
            stack.extend(model.layers[l].nested);
        }
    }
    count
}

/// The layers of a graph that edges from outside enter: its inputs, else
/// the layers with no predecessor.
fn graph_entries(model: &Model, graph: GraphId) -> Vec<LayerId> {
    let Some(g) = model.graphs.get(graph) else {
        return Vec::new();
    };
    if !g.inputs.is_empty() {
        return g.inputs.clone();
    }
    g.layers
        .iter()
        .copied()
        .filter(|&l| model.layers[l].inputs.is_empty())
        .collect()
}

/// The layers of a graph that edges to outside leave from: its outputs,
/// else the layers with no successor.
fn graph_exits(model: &Model, graph: GraphId) -> Vec<LayerId> {
    let Some(g) = model.graphs.get(graph) else {
        return Vec::new();
    };
    if !g.outputs.is_empty() {
        let mut out: Vec<LayerId> = g.outputs.iter().map(|o| model.outermost(o.layer)).collect();
        out.dedup();
        return out;
    }
    g.layers
        .iter()
        .copied()
        .filter(|&l| model.layers[l].outputs.is_empty())
        .collect()
}

/// The severities' colours: (fill, stroke).
pub fn colours(severity: Option<Severity>) -> (&'static str, &'static str) {
    match severity {
        Some(Severity::Error) => ("#fde2e1", "#c62828"),
        Some(Severity::Warning) => ("#fff1d6", "#b26a00"),
        Some(Severity::Info) => ("#e3effd", "#1f5fb4"),
        None => ("#ffffff", "#5f6b7a"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, shape: Option<&str>) -> Node {
        Node {
            layer: 0,
            class: "Dense".into(),
            name: Some(name.into()),
            activation: Some("relu".into()),
            units: Some(64),
            shape: shape.map(str::to_string),
            outputs: Vec::new(),
            cluster: 0,
            hidden: None,
            repeat: 1,
            marks: Vec::new(),
        }
    }

    /// The hook for output shapes: a box with a shape shows it in every
    /// format, under its detail line; a box without one shows nothing.
    #[test]
    fn a_known_shape_is_printed_in_every_format() {
        let picture = Picture {
            title: "m".into(),
            boxes: vec![node("a", Some("(None, 64)")), node("b", None)],
            edges: vec![(0, 1)],
            clusters: vec![Cluster {
                parent: None,
                label: String::new(),
                layer: None,
                marks: Vec::new(),
            }],
            unplaced: Vec::new(),
        };
        assert_eq!(
            picture.boxes[0].lines(),
            ["a", "Dense", "relu · 64 units", "(None, 64)"]
        );
        assert_eq!(picture.boxes[1].lines(), ["b", "Dense", "relu · 64 units"]);
        let svg = render(&picture, Format::Svg);
        assert_eq!(svg.matches(">(None, 64)</text>").count(), 1);
        let mermaid = render(&picture, Format::Mermaid);
        assert!(mermaid.contains("<br/>(None, 64)\"]"), "{mermaid}");
        let dot = render(&picture, Format::Dot);
        assert!(dot.contains("\\n(None, 64)\""), "{dot}");
    }
}
