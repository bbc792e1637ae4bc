//! How long the pictures of a large model take: NASNetLarge (1,041 layers,
//! the largest Keras application) from the shared corpus beside the
//! checkout, else NASNetMobile (771 layers) from `fixtures/corpus`.
//!
//! Run with `cargo bench --bench graph` (add `-- --quick` for a short run).
//! Not part of `cargo test`.
//!
//! - `picture`: the model IR and the file's findings -> boxes and edges.
//! - `svg`: the picture -> laid out (`rust-sugiyama`) -> SVG text.
//! - `mermaid`, `dot`: the picture -> text.
//! - `html`: the whole `--format html` page of the file (the model built
//!   again from the text, the picture, the layout, the findings).

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use actlint::lint::{lint_bytes, Options};
use actlint::render::graph::{self, Picture};
use criterion::{criterion_group, criterion_main, Criterion};

fn input() -> (String, Vec<u8>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for path in [
        root.join("../shared/corpus/keras3/applications/NASNetLarge.json"),
        root.join("fixtures/corpus/keras3/applications/NASNetMobile.json"),
    ] {
        if let Ok(bytes) = std::fs::read(&path) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            return (name, bytes);
        }
    }
    panic!("neither NASNetLarge nor NASNetMobile is there");
}

fn bench(c: &mut Criterion) {
    let (name, bytes) = input();
    let options = Options::default();
    let report = lint_bytes(&name, &bytes, &options);
    let models = report.models.clone();
    assert_eq!(models.len(), 1);
    let picture = Picture::of_file(&report, &models, graph::Options::default());
    eprintln!(
        "{name}: {} layers, {} boxes, {} edges",
        models[0].layers.len(),
        picture.boxes.len(),
        picture.edges.len()
    );

    let mut group = c.benchmark_group(format!("graph/{name}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("picture", |b| {
        b.iter(|| Picture::of_file(black_box(&report), &models, graph::Options::default()))
    });
    group.bench_function("svg", |b| {
        b.iter(|| graph::render(black_box(&picture), graph::Format::Svg))
    });
    group.bench_function("mermaid", |b| {
        b.iter(|| graph::render(black_box(&picture), graph::Format::Mermaid))
    });
    group.bench_function("dot", |b| {
        b.iter(|| graph::render(black_box(&picture), graph::Format::Dot))
    });
    let reports = [report.clone()];
    group.bench_function("html", |b| {
        b.iter(|| actlint::render::html::render(black_box(&reports), 1))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
