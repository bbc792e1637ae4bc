//! `actlint graph` and `--format html`: the pictures as a user gets them
//! from the binary. Snapshots of the three formats; the SVG parsed as XML;
//! names from a hostile file escaped in every format. The HTML report's
//! behaviour in a browser and the Mermaid syntax are checked by the browser
//! tests (tests/browser/, run by .ci/run).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::common::TempDir;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Two outputs; ACT401 on `conv2d` and `conv2d_1`, ACT103 on `bbox`.
const MULTI_OUTPUT: &str = "fixtures/corpus/keras3/models/detector_multi_output_list.json";
/// A Sequential model nested in a functional one.
const NESTED: &str = "fixtures/corpus/keras3/models/augment_nested_sequential.json";
/// The forum case: ACT301 on the LSTM, ACT103 on the output.
const FORUM: &str = "fixtures/forum/rainfall_lstm.yaml";
/// Bidirectional(LSTM) wrappers.
const WRAPPERS: &str = "fixtures/corpus/keras3/models/ner_bilstm_tagger.json";
/// Three inputs, two outputs.
const MULTI_IO: &str = "fixtures/corpus/keras3/models/ticket_triage_multi_io.json";
const HOSTILE: &str = "fixtures/graph/hostile_names.yaml";
/// An unknown loss (ACT003): a finding on no layer.
const LOSS_ONLY: &str = "fixtures/rules/ACT003/bad.keras.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn actlint(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_actlint"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("actlint runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn graph(file: &str, format: &str) -> String {
    let out = actlint(&["graph", "--format", format, file]);
    assert_eq!(out.code, 0, "actlint graph {file}: {}", out.stderr);
    out.stdout
}

fn snapshot_name(file: &str, format: &str) -> String {
    let path = Path::new(file);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or(file);
    // A rule's fixture is named after its rule: `ACT003_bad_keras_json`.
    let rule = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|p| p.to_str())
        .filter(|p| p.starts_with("ACT"));
    let stem = match rule {
        Some(code) => format!("{code}_{name}"),
        None => name.to_string(),
    };
    format!("{}.{format}", stem.replace('.', "_"))
}

#[test]
fn snapshots_of_svg_mermaid_and_dot() {
    for file in [FORUM, MULTI_OUTPUT, NESTED, WRAPPERS, HOSTILE, LOSS_ONLY] {
        for format in ["svg", "mermaid", "dot"] {
            insta::assert_snapshot!(snapshot_name(file, format), graph(file, format));
        }
    }
}

/// The SVG's boxes: layer name (first line) → codes, for the marked ones.
fn marked_boxes(svg: &str) -> BTreeMap<String, String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some(SVG_NS),
        "the root is in the SVG namespace"
    );
    for n in root.descendants().filter(|n| n.is_element()) {
        assert_eq!(
            n.tag_name().namespace(),
            Some(SVG_NS),
            "<{}> is an SVG element",
            n.tag_name().name()
        );
    }
    let mut marked = BTreeMap::new();
    for g in root
        .descendants()
        .filter(|n| n.has_tag_name((SVG_NS, "g")) && n.attribute("class") == Some("node"))
    {
        assert!(g.attribute("data-layer").is_some());
        let Some(codes) = g.attribute("data-codes") else {
            continue;
        };
        let name = g
            .children()
            .find(|c| c.has_tag_name((SVG_NS, "text")))
            .and_then(|t| t.text())
            .unwrap_or_default();
        marked.insert(name.to_string(), codes.to_string());
    }
    marked
}

#[test]
fn svg_is_xml_in_the_svg_namespace_with_the_findings_on_their_layers() {
    let expect = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        marked_boxes(&graph(MULTI_OUTPUT, "svg")),
        expect(&[
            ("bbox", "ACT103"),
            ("conv2d", "ACT401"),
            ("conv2d_1", "ACT401")
        ])
    );
    assert_eq!(
        marked_boxes(&graph(FORUM, "svg")),
        expect(&[("LSTM", "ACT301"), ("Dense", "ACT103")])
    );
    // Every box of a model with nested models, inputs and outputs is drawn.
    for file in [NESTED, MULTI_IO, WRAPPERS, HOSTILE] {
        marked_boxes(&graph(file, "svg"));
    }
}

#[test]
fn findings_on_no_layer_are_a_caption() {
    let svg = graph(LOSS_ONLY, "svg");
    assert!(marked_boxes(&svg).is_empty());
    assert!(
        svg.contains(r#"class="unplaced">not on a layer: ACT003</text>"#),
        "{svg}"
    );
    assert!(graph(LOSS_ONLY, "mermaid").contains("unplaced[\"not on a layer: ACT003\"]"));
    assert!(graph(LOSS_ONLY, "dot").contains("\\nnot on a layer: ACT003\""));
    assert!(!graph(FORUM, "svg").contains("not on a layer"));
}

#[test]
fn nested_models_are_frames_or_with_collapse_one_box() {
    let svg = graph(NESTED, "svg");
    assert!(svg.contains("data_augmentation (Sequential)"));
    assert_eq!(svg.matches("<g class=\"cluster\"").count(), 1);
    assert!(svg.contains(">random_flip</text>"));
    let out = actlint(&["graph", "--collapse", NESTED]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout.matches("<g class=\"cluster\"").count(), 0);
    assert!(!out.stdout.contains(">random_flip</text>"));
    assert!(out.stdout.contains("Sequential</text>"));
    assert!(out.stdout.contains("4 layers</text>"));
}

#[test]
fn multi_input_and_multi_output_models_show_every_input_and_output() {
    let mermaid = graph(MULTI_IO, "mermaid");
    assert_eq!(mermaid.matches("<br/>InputLayer").count(), 3, "{mermaid}");
    assert_eq!(mermaid.matches("#8594; output").count(), 2, "{mermaid}");
}

#[test]
fn hostile_names_are_escaped_in_every_format() {
    let svg = graph(HOSTILE, "svg");
    marked_boxes(&svg);
    assert!(
        !svg.contains("<script") && !svg.contains("<svg onload"),
        "{svg}"
    );
    assert!(!svg.contains('\u{1}'));

    // Mermaid: each label is one double-quoted string without quotes,
    // brackets or `%%` inside it.
    let mermaid = graph(HOSTILE, "mermaid");
    for line in mermaid
        .lines()
        .filter(|l| l.trim_start().starts_with('n') && l.contains("[\""))
    {
        let inner = line
            .split_once("[\"")
            .and_then(|(_, rest)| rest.strip_suffix("\"]"))
            .unwrap_or_else(|| panic!("not a quoted label: {line}"));
        for bad in ['"', '[', ']', '%', '{', '}', '`'] {
            assert!(!inner.contains(bad), "`{bad}` in {line}");
        }
        assert!(!inner.contains("-->"), "{line}");
    }

    // DOT: every string ends where it should: quotes inside are escaped.
    let dot = graph(HOSTILE, "dot");
    for line in dot.lines().filter(|l| l.contains("label=")) {
        let unescaped_quotes = line
            .replace("\\\\", "")
            .replace("\\\"", "")
            .matches('"')
            .count();
        assert_eq!(unescaped_quotes % 2, 0, "{line}");
        assert!(!line.contains('\u{1}'), "{line}");
    }
    assert!(dot.contains(r#"q\"uote\\N\\l end\"]"#), "{dot}");
}

#[test]
fn mermaid_too_large_for_github_says_so() {
    let out = actlint(&[
        "graph",
        "--format",
        "mermaid",
        "fixtures/corpus/keras3/applications/NASNetMobile.json",
    ]);
    assert_eq!(out.code, 0);
    assert!(
        out.stderr
            .contains("draws diagrams of at most 500 edges and 50000 bytes"),
        "{}",
        out.stderr
    );
    assert!(actlint(&["graph", "--format", "mermaid", FORUM])
        .stderr
        .is_empty());
}

#[test]
fn graph_of_a_file_without_a_model_fails_with_a_message() {
    let out = actlint(&["graph", "fixtures/bad/truncated_simple.json"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("nothing to draw"), "{}", out.stderr);
    let out = actlint(&["graph", "fixtures/no/such/file.json"]);
    assert_eq!(out.code, 2);
}

#[test]
fn graph_writes_the_output_file() {
    let dir = TempDir::new("graph-output");
    let path = dir.path().join("pictures/model.dot");
    let out = actlint(&[
        "graph",
        "--format",
        "dot",
        "-o",
        path.to_str().unwrap(),
        FORUM,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&path).expect("written");
    assert_eq!(written, graph(FORUM, "dot"));
}

#[test]
fn html_report_of_a_run_is_one_self_contained_page() {
    let dir = TempDir::new("html-report");
    let path = dir.path().join("report.html");
    let out = actlint(&[
        "--format",
        "html",
        "-o",
        path.to_str().unwrap(),
        MULTI_OUTPUT,
        FORUM,
        HOSTILE,
        "fixtures/ok/binary_classifier.yaml",
    ]);
    // Findings: exit 1, as with every format.
    assert_eq!(out.code, 1, "{}", out.stderr);
    let html = std::fs::read_to_string(&path).expect("written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    // Nothing is loaded: no source, link or URL anywhere.
    for reference in ["src=", "href=\"http", "<link", "url(http", "@import"] {
        assert!(!html.contains(reference), "`{reference}` in the report");
    }
    // One section and one picture per file, the clean one included.
    assert_eq!(html.matches("<section class=\"file\"").count(), 4);
    assert_eq!(html.matches("<svg xmlns").count(), 4);
    // The summary counts by rule.
    assert!(html.contains("<code>ACT401</code>"));
    // The hostile names are escaped: the page's one script is its own.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    // A finding names its layer's box; the box carries its code.
    let li = html
        .lines()
        .find(|l| l.contains("data-code=\"ACT103\""))
        .expect("an ACT103 finding");
    let node = li
        .split("data-node=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the finding names its box");
    assert!(
        html.contains(&format!("id=\"{node}\" data-node=")),
        "box {node}"
    );
    let section = html.split(&format!("id=\"{node}\"")).nth(1).unwrap();
    assert!(section
        .split("</g>")
        .next()
        .unwrap()
        .contains("data-codes=\"ACT103\""));
}

#[test]
fn the_readme_picture_is_what_actlint_draws() {
    let committed = std::fs::read_to_string(root().join("docs/img/rainfall_lstm.svg"))
        .expect("the README's picture is committed");
    assert_eq!(
        committed,
        graph("fixtures/forum/rainfall_lstm.keras.json", "svg"),
        "regenerate it: actlint graph fixtures/forum/rainfall_lstm.keras.json -o docs/img/rainfall_lstm.svg"
    );
    marked_boxes(&committed);
}

/// The layout of every corpus model: boxes do not overlap, each box lies
/// inside the frame of its nested model, frames nest, and every edge starts
/// at the bottom of its first box and ends at the top of its second.
#[test]
fn layouts_put_boxes_in_their_frames_without_overlap() {
    use actlint::render::graph::{layout, Options, Picture};
    let dir = root().join("fixtures/corpus/keras3/models");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the corpus copy")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    files.push(root().join(NESTED));
    files.push(root().join("fixtures/corpus/keras3/applications/ConvNeXtTiny.json"));
    let inside = |a: layout::Rect, b: layout::Rect| {
        a.x >= b.x - 0.01
            && a.y >= b.y - 0.01
            && a.x + a.w <= b.x + b.w + 0.01
            && a.y + a.h <= b.y + b.h + 0.01
    };
    let mut frames = 0;
    for path in files {
        let display = path.display().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let options = actlint::lint::Options::default();
        let report = actlint::lint::lint_bytes(&display, &bytes, &options);
        let picture = Picture::of_file(&report, &report.models, Options::default());
        let g = layout::layout(&picture);
        for (i, a) in g.boxes.iter().enumerate() {
            let frame = g.clusters[picture.boxes[i].cluster];
            assert!(inside(*a, frame), "{display}: box {i} outside its frame");
            for (j, b) in g.boxes.iter().enumerate().skip(i + 1) {
                let apart = a.x + a.w <= b.x + 0.01
                    || b.x + b.w <= a.x + 0.01
                    || a.y + a.h <= b.y + 0.01
                    || b.y + b.h <= a.y + 0.01;
                assert!(apart, "{display}: boxes {i} and {j} overlap");
            }
        }
        for (c, cluster) in picture.clusters.iter().enumerate().skip(1) {
            frames += 1;
            let parent = cluster.parent.unwrap();
            assert!(
                inside(g.clusters[c], g.clusters[parent]),
                "{display}: frame {c}"
            );
        }
        for (e, &(a, b)) in picture.edges.iter().enumerate() {
            let p = &g.edges[e];
            let end = p.segments.last().unwrap()[2];
            let (ra, rb) = (g.boxes[a], g.boxes[b]);
            // An edge may start or end at a frame when a nested model is
            // drawn in the frame around it.
            if picture.boxes[a].cluster == picture.boxes[b].cluster {
                assert!(
                    (p.start.1 - (ra.y + ra.h)).abs() < 0.01,
                    "{display}: edge {e} start"
                );
                assert!((end.1 - rb.y).abs() < 0.01, "{display}: edge {e} end");
            }
        }
    }
    assert!(frames >= 3, "the corpus has nested models: {frames} frames");
}

/// The DOT output read by Graphviz itself, when `dot` is installed (.ci/run
/// installs it): it parses, and the hostile names come out as written.
#[test]
fn dot_output_is_read_by_graphviz() {
    let has_dot = Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_dot {
        crate::external::missing("dot_output_is_read_by_graphviz", "Graphviz (`dot`)");
        return;
    }
    for file in [FORUM, MULTI_OUTPUT, NESTED, WRAPPERS, HOSTILE] {
        let dot = graph(file, "dot");
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("dot runs");
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(dot.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.trim().is_empty(),
            "{file}: {stderr}\n{dot}"
        );
        let svg = String::from_utf8_lossy(&out.stdout);
        if file == HOSTILE {
            // The label escapes `\N` and `\l` are text, not escapes.
            assert!(
                svg.contains(r"q&quot;uote\N\l end&quot;]; n0 &#45;&#45;&gt; n1 %%{init}%%"),
                "{svg}"
            );
        }
    }
}

#[test]
fn collapse_draws_a_run_of_identical_layers_as_one_box() {
    let dir = TempDir::new("graph-runs");
    let mut yaml = String::from("layers:\n");
    for _ in 0..30 {
        yaml.push_str(
            "  - {type: Dense, units: 64, activation: relu, kernel_initializer: he_normal}\n",
        );
    }
    // A finding in the middle of the chain keeps its layer's own box.
    yaml.push_str("  - {type: Dense, units: 64, activation: tanh}\n");
    for _ in 0..5 {
        yaml.push_str(
            "  - {type: Dense, units: 64, activation: relu, kernel_initializer: he_normal}\n",
        );
    }
    yaml.push_str("  - {type: Dense, units: 1, activation: sigmoid}\nloss: binary_crossentropy\n");
    let path = dir.write("deep.yaml", yaml.as_bytes());
    let path = path.to_str().unwrap();
    let full = actlint(&["graph", "--format", "mermaid", path]);
    assert_eq!(full.stdout.matches("[\"").count(), 37, "{}", full.stdout);
    let out = actlint(&["graph", "--collapse", "--format", "mermaid", path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let boxes: Vec<&str> = out.stdout.lines().filter(|l| l.contains("[\"")).collect();
    assert_eq!(boxes.len(), 4, "{}", out.stdout);
    assert!(
        boxes[0].contains("Dense #215;30</b><br/>relu"),
        "{}",
        boxes[0]
    );
    assert!(
        boxes[1].contains("tanh") && boxes[1].contains("ACT204"),
        "{}",
        boxes[1]
    );
    assert!(boxes[2].contains("Dense #215;5</b>"), "{}", boxes[2]);
    assert!(
        out.stdout
            .contains("n0 --> n1\n    n1 --> n2\n    n2 --> n3\n"),
        "{}",
        out.stdout
    );
}

/// The HTML report's summary and file sections (its style and script left
/// out) for the forum model, as a snapshot.
#[test]
fn html_report_snapshot() {
    let out = actlint(&["--format", "html", FORUM]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let html = &out.stdout;
    let start = html.find("<body>").expect("a body");
    let end = html.find("<script>").expect("its script");
    insta::assert_snapshot!("rainfall_lstm_yaml.html", &html[start..end]);
}

#[test]
fn a_nested_model_takes_its_tensors_in_order() {
    let mermaid = graph("fixtures/graph/nested_two_inputs.keras.json", "mermaid");
    let edges: Vec<&str> = mermaid
        .lines()
        .filter(|l| l.contains("-->"))
        .map(str::trim)
        .collect();
    // a -> x and b -> y, not every tensor on every input.
    assert_eq!(
        edges,
        [
            "n0 --> n2",
            "n1 --> n3",
            "n2 --> n4",
            "n3 --> n4",
            "n4 --> n5",
            "n5 --> n6"
        ],
        "{mermaid}"
    );
    assert!(mermaid.contains("n2[\"<b>x</b>") && mermaid.contains("n3[\"<b>y</b>"));
}

/// The HTML report draws the models the lint built, under each file's own
/// configuration: a model over the configured layer limit is reported and
/// not drawn (with `--isolated`, the same file is drawn).
#[test]
fn html_report_draws_what_the_lint_built_under_the_file_configuration() {
    let dir = TempDir::new("html-limits");
    dir.copy(
        &root().join("fixtures/ok/binary_classifier.yaml"),
        "model.yaml",
    );
    dir.write("actlint.toml", b"[limits]\nmax-layers = 1\n");
    let html = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_actlint"))
            .current_dir(dir.path())
            .args(["--format", "html"])
            .args(extra)
            .arg("model.yaml")
            .output()
            .expect("actlint runs");
        String::from_utf8(out.stdout).expect("UTF-8 output")
    };
    let limited = html(&[]);
    assert!(limited.contains("over the layer limit"), "{limited}");
    assert!(limited.contains("no model to draw"), "{limited}");
    assert_eq!(limited.matches("<svg xmlns").count(), 0);
    let isolated = html(&["--isolated"]);
    assert_eq!(isolated.matches("<svg xmlns").count(), 1, "{isolated}");
    assert!(!isolated.contains("over the layer limit"));
}
