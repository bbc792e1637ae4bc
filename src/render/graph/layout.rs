//! Where the boxes of a [`Picture`] go, for the SVG writer.
//!
//! Each frame (the model, then each expanded nested model) is laid out on
//! its own by `rust-sugiyama` (a layered layout in pure Rust: ranks,
//! crossing reduction, coordinates; why this crate: docs/graph.md),
//! children first: a nested model is one box of its
//! frame's size in the frame around it, so frames never overlap. An edge is
//! drawn in the innermost frame holding both of its ends (an edge into a
//! nested model ends at its frame).
//!
//! Text is measured as monospace (the SVG writer draws it so), at
//! [`CHAR_WIDTH`] per character.

use super::Picture;

pub const FONT_SIZE: f64 = 12.0;
pub const CHAR_WIDTH: f64 = 7.3;
pub const LINE_HEIGHT: f64 = 16.0;
/// Space between a box's border and its text.
pub const PAD: f64 = 8.0;
/// A frame's title bar.
pub const HEADER: f64 = 24.0;
/// Space around the picture.
pub const MARGIN: f64 = 12.0;
/// Label lines are cut to this many characters (the SVG's tooltip has them whole).
pub const MAX_CHARS: usize = 40;
/// Frames with more boxes than this are laid out in plain layers, in model
/// order, instead of by `rust-sugiyama` (whose crossing reduction grows
/// faster than linearly).
pub const LAYERED_LIMIT: usize = 2500;
/// Space between boxes side by side, and between ranks.
const GAP_X: f64 = 24.0;
const GAP_Y: f64 = 36.0;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// A cubic Bézier path: the start, then (control 1, control 2, end) per segment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Path {
    pub start: (f64, f64),
    pub segments: Vec<[(f64, f64); 3]>,
}

/// The picture's geometry, in SVG user units, from its top-left corner.
#[derive(Clone, Debug, Default)]
pub struct Geometry {
    pub boxes: Vec<Rect>,
    /// Frames of the clusters; cluster 0 (the model) is the whole picture.
    pub clusters: Vec<Rect>,
    /// One path per edge of the picture, in its order.
    pub edges: Vec<Path>,
    pub width: f64,
    pub height: f64,
}

/// A label line as drawn: cut to [`MAX_CHARS`] characters.
pub fn clip(line: &str) -> String {
    if line.chars().count() <= MAX_CHARS {
        return line.to_string();
    }
    let mut s: String = line.chars().take(MAX_CHARS - 1).collect();
    s.push('…');
    s
}

/// The size of a box holding these lines.
pub fn box_size(lines: &[String]) -> (f64, f64) {
    let widest = lines
        .iter()
        .map(|l| clip(l).chars().count())
        .max()
        .unwrap_or(0);
    (
        (widest as f64 * CHAR_WIDTH + 2.0 * PAD).max(60.0),
        lines.len() as f64 * LINE_HEIGHT + PAD,
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Item {
    Box(usize),
    Cluster(usize),
}

/// One frame's layout, relative to its content's top-left corner.
#[derive(Default)]
struct Local {
    items: Vec<(Item, Rect)>,
    edges: Vec<(usize, Path)>,
    width: f64,
    height: f64,
}

pub fn layout(picture: &Picture) -> Geometry {
    let (items, edges) = frame_items(picture);
    let frames = layout_frames(picture, &items, &edges);
    place(picture, frames)
}

/// What each frame holds: its boxes and child frames, and the edges drawn
/// in it (with their ends there).
type FrameItems = (Vec<Vec<Item>>, Vec<Vec<(usize, Item, Item)>>);

/// The items and edges of each frame of a picture.
fn frame_items(picture: &Picture) -> FrameItems {
    let n = picture.clusters.len();
    let mut items: Vec<Vec<Item>> = vec![Vec::new(); n];
    for (i, b) in picture.boxes.iter().enumerate() {
        if b.cluster < n {
            items[b.cluster].push(Item::Box(i));
        }
    }
    for (i, c) in picture.clusters.iter().enumerate().skip(1) {
        if let Some(p) = c.parent.filter(|&p| p < i) {
            items[p].push(Item::Cluster(i));
        }
    }
    let mut edges: Vec<Vec<(usize, Item, Item)>> = vec![Vec::new(); n];
    for (e, &(a, b)) in picture.edges.iter().enumerate() {
        if let Some((frame, ia, ib)) = lift(picture, a, b) {
            edges[frame].push((e, ia, ib));
        }
    }
    (items, edges)
}

/// The frames laid out on their own: each one's layout, its size with
/// title and padding, and the width of its content.
struct Frames {
    locals: Vec<Local>,
    sizes: Vec<(f64, f64)>,
    content: Vec<f64>,
}

/// Lays out each frame on its own, children before parents (a child
/// frame's index is above its parent's, and its size is needed first).
fn layout_frames(
    picture: &Picture,
    items: &[Vec<Item>],
    edges: &[Vec<(usize, Item, Item)>],
) -> Frames {
    let n = picture.clusters.len();
    let mut locals: Vec<Local> = (0..n).map(|_| Local::default()).collect();
    let mut sizes: Vec<(f64, f64)> = vec![(0.0, 0.0); n];
    let mut content = vec![0.0f64; n];
    for c in (0..n).rev() {
        let size_of = |item: &Item| match *item {
            Item::Box(b) => box_size(&picture.boxes[b].lines()),
            Item::Cluster(k) => sizes[k],
        };
        let local = layout_frame(&items[c], &edges[c], size_of);
        sizes[c] = if c == 0 {
            (local.width, local.height)
        } else {
            let label = clip(&picture.clusters[c].label).chars().count() as f64 * CHAR_WIDTH;
            (
                (local.width + 2.0 * PAD).max(label + 2.0 * PAD),
                local.height + HEADER + PAD,
            )
        };
        content[c] = local.width;
        locals[c] = local;
    }
    Frames {
        locals,
        sizes,
        content,
    }
}

/// The picture's geometry: parents before children, each frame's content
/// placed at its rect.
fn place(picture: &Picture, frames: Frames) -> Geometry {
    let Frames {
        mut locals,
        sizes,
        content,
    } = frames;
    let n = picture.clusters.len();
    let mut geometry = Geometry {
        boxes: vec![Rect::default(); picture.boxes.len()],
        clusters: vec![Rect::default(); n],
        edges: vec![Path::default(); picture.edges.len()],
        width: (sizes[0].0 + 2.0 * MARGIN).max(120.0),
        height: (sizes[0].1 + 2.0 * MARGIN).max(40.0),
    };
    geometry.clusters[0] = Rect {
        x: 0.0,
        y: 0.0,
        w: geometry.width,
        h: geometry.height,
    };
    let mut origin = vec![(0.0, 0.0); n];
    origin[0] = (MARGIN, MARGIN);
    for c in 0..n {
        let (ox, oy) = origin[c];
        let local = std::mem::take(&mut locals[c]);
        for (item, r) in local.items {
            let rect = Rect {
                x: r.x + ox,
                y: r.y + oy,
                ..r
            };
            match item {
                Item::Box(b) => geometry.boxes[b] = rect,
                Item::Cluster(k) => {
                    geometry.clusters[k] = rect;
                    // Centre the content when the title is wider than it.
                    let slack = (rect.w - 2.0 * PAD - content[k]).max(0.0);
                    origin[k] = (rect.x + PAD + slack / 2.0, rect.y + HEADER);
                }
            }
        }
        for (e, mut path) in local.edges {
            let shift = |p: (f64, f64)| (p.0 + ox, p.1 + oy);
            path.start = shift(path.start);
            for seg in &mut path.segments {
                for p in seg.iter_mut() {
                    *p = shift(*p);
                }
            }
            geometry.edges[e] = path;
        }
    }
    geometry
}

/// The frame an edge is drawn in, and its ends there.
fn lift(picture: &Picture, a: usize, b: usize) -> Option<(usize, Item, Item)> {
    let chain = |b: usize| {
        let mut chain = vec![picture.boxes[b].cluster];
        while let Some(p) = picture.clusters[*chain.last()?].parent {
            if chain.len() > picture.clusters.len() {
                break;
            }
            chain.push(p);
        }
        Some(chain)
    };
    let (ca, cb) = (chain(a)?, chain(b)?);
    let frame = *ca.iter().find(|c| cb.contains(c))?;
    let item = |chain: &[usize], b: usize| {
        if chain[0] == frame {
            Item::Box(b)
        } else {
            let i = chain.iter().position(|&c| c == frame).unwrap_or(1);
            Item::Cluster(chain[i.saturating_sub(1)])
        }
    };
    let (ia, ib) = (item(&ca, a), item(&cb, b));
    (ia != ib).then_some((frame, ia, ib))
}

fn layout_frame(
    items: &[Item],
    edges: &[(usize, Item, Item)],
    size_of: impl Fn(&Item) -> (f64, f64),
) -> Local {
    if items.is_empty() {
        return Local::default();
    }
    let sizes: Vec<(f64, f64)> = items.iter().map(&size_of).collect();
    let index: std::collections::HashMap<Item, usize> =
        items.iter().enumerate().map(|(i, it)| (*it, i)).collect();
    let pairs: Vec<(usize, usize, usize)> = edges
        .iter()
        .filter_map(|&(e, a, b)| Some((e, *index.get(&a)?, *index.get(&b)?)))
        .collect();
    let placed = if items.len() > LAYERED_LIMIT {
        None
    } else {
        // The layout crate unwraps what it does not expect; a picture is
        // never worth a crash, so a failure falls back to plain layers
        // (caught quietly, as a rule's panic is).
        crate::lint::isolate::catch(|| sugiyama(&sizes, &pairs)).ok()
    };
    let (rects, paths) = placed.unwrap_or_else(|| layered(&sizes, &pairs));
    normalize(items, rects, paths)
}

/// Moves a frame's layout to start at (0, 0) and records its size.
fn normalize(items: &[Item], rects: Vec<Rect>, paths: Vec<(usize, Path)>) -> Local {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut grow = |x: f64, y: f64| {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    };
    for r in &rects {
        grow(r.x, r.y);
        grow(r.x + r.w, r.y + r.h);
    }
    if x0 > x1 {
        return Local::default();
    }
    let shift = |p: (f64, f64)| (p.0 - x0, p.1 - y0);
    let items = items
        .iter()
        .zip(rects)
        .map(|(it, r)| {
            (
                *it,
                Rect {
                    x: r.x - x0,
                    y: r.y - y0,
                    ..r
                },
            )
        })
        .collect();
    let edges = paths
        .into_iter()
        .map(|(e, mut p)| {
            p.start = shift(p.start);
            for seg in &mut p.segments {
                for q in seg.iter_mut() {
                    *q = shift(*q);
                }
            }
            (e, p)
        })
        .collect();
    Local {
        items,
        edges,
        width: x1 - x0,
        height: y1 - y0,
    }
}

/// Plain layers: each item one rank below its lowest predecessor listed
/// before it (the model's order is its call order), left to right in that
/// order; straight edges.
fn layered(
    sizes: &[(f64, f64)],
    pairs: &[(usize, usize, usize)],
) -> (Vec<Rect>, Vec<(usize, Path)>) {
    let n = sizes.len();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(_, a, b) in pairs {
        if a < b {
            preds[b].push(a);
        }
    }
    let mut rank = vec![0usize; n];
    for i in 0..n {
        rank[i] = preds[i].iter().map(|&p| rank[p] + 1).max().unwrap_or(0);
    }
    let ranks = rank.iter().max().map_or(0, |r| r + 1);
    let mut row_height = vec![0.0f64; ranks];
    for i in 0..n {
        row_height[rank[i]] = row_height[rank[i]].max(sizes[i].1);
    }
    let mut row_y = vec![0.0f64; ranks];
    for r in 1..ranks {
        row_y[r] = row_y[r - 1] + row_height[r - 1] + GAP_Y;
    }
    let mut next_x = vec![0.0f64; ranks];
    let mut rects = Vec::with_capacity(n);
    for i in 0..n {
        let r = rank[i];
        rects.push(Rect {
            x: next_x[r],
            y: row_y[r],
            w: sizes[i].0,
            h: sizes[i].1,
        });
        next_x[r] += sizes[i].0 + GAP_X;
    }
    let paths = pairs
        .iter()
        .map(|&(e, a, b)| (e, curve(rects[a], rects[b])))
        .collect();
    (rects, paths)
}

/// The layout by `rust-sugiyama`: network-simplex ranks, crossing
/// reduction, Brandes–Köpf coordinates. It places boxes (centres) but does
/// not route edges: an edge is a vertical S-curve from the bottom of one
/// box to the top of the other. Disconnected parts sit side by side.
fn sugiyama(
    sizes: &[(f64, f64)],
    pairs: &[(usize, usize, usize)],
) -> (Vec<Rect>, Vec<(usize, Path)>) {
    let vertices: Vec<(u32, (f64, f64))> = sizes
        .iter()
        .enumerate()
        .map(|(i, &s)| (i as u32, s))
        .collect();
    let edges: Vec<(u32, u32)> = pairs
        .iter()
        .filter(|&&(_, a, b)| a != b)
        .map(|&(_, a, b)| (a as u32, b as u32))
        .collect();
    let config = rust_sugiyama::configure::Config {
        vertex_spacing: GAP_X,
        ..Default::default()
    };
    let mut rects: Vec<Option<Rect>> = vec![None; sizes.len()];
    let mut x_offset = 0.0;
    for (coords, width, _) in rust_sugiyama::from_vertices_and_edges(&vertices, &edges, &config) {
        let left = coords
            .iter()
            .filter_map(|&(id, (x, _))| Some(x - sizes.get(id)?.0 / 2.0))
            .fold(f64::MAX, f64::min);
        let mut right = x_offset;
        for (id, (x, y)) in coords {
            let Some(&(w, h)) = sizes.get(id) else {
                continue;
            };
            let r = Rect {
                x: x - w / 2.0 - left + x_offset,
                y: y - h / 2.0,
                w,
                h,
            };
            right = f64::max(right, r.x + r.w);
            rects[id] = Some(r);
        }
        x_offset = right.max(x_offset + width) + GAP_X;
    }
    let rects = place_left_out(rects, sizes);
    let paths = pairs
        .iter()
        .map(|&(e, a, b)| (e, curve(rects[a], rects[b])))
        .collect();
    (rects, paths)
}

/// The boxes' rects, a box the layout left out (it should not) placed on
/// a row of its own below the others.
fn place_left_out(rects: Vec<Option<Rect>>, sizes: &[(f64, f64)]) -> Vec<Rect> {
    let bottom = rects
        .iter()
        .flatten()
        .map(|r| r.y + r.h)
        .fold(0.0, f64::max);
    let mut x = 0.0;
    rects
        .into_iter()
        .zip(sizes)
        .map(|(r, &(w, h))| {
            r.unwrap_or_else(|| {
                let r = Rect {
                    x,
                    y: bottom + GAP_Y,
                    w,
                    h,
                };
                x += w + GAP_X;
                r
            })
        })
        .collect()
}

/// An edge from the bottom of `a` to the top of `b`, leaving and entering
/// vertically.
fn curve(a: Rect, b: Rect) -> Path {
    let from = (a.x + a.w / 2.0, a.y + a.h);
    let to = (b.x + b.w / 2.0, b.y);
    let bend = ((to.1 - from.1).abs() / 2.0).max(GAP_Y / 2.0);
    Path {
        start: from,
        segments: vec![[(from.0, from.1 + bend), (to.0, to.1 - bend), to]],
    }
}
