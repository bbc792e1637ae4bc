//! The input sizes that were quadratic stay linear: each case runs actlint
//! under callgrind on an input of size n and of size 4n and asserts that the
//! instruction count (deterministic, unlike time) grows at most about four
//! times, with room for constant costs. A quadratic stage would grow it
//! sixteen times. Needs
//! valgrind: skipped with a message without it, a failure under
//! `ACTLINT_REQUIRE_EXTERNAL=1` (`.ci/run`).

use std::path::Path;
use std::process::Command;

use crate::common::TempDir;
use crate::external;

/// Instructions actlint executes for `args` in `dir`.
fn instructions(dir: &Path, args: &[&str]) -> u64 {
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(env!("CARGO_BIN_EXE_actlint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("valgrind runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no instruction count in: {stderr}"))
}

fn valgrind_missing() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .output()
        .map_or(true, |o| !o.status.success())
}

/// The ratio of the counts for inputs of size 4n and n, written by `make`
/// into a fresh directory (it returns the arguments to run).
fn quadrupling(tag: &str, n: usize, make: impl Fn(&TempDir, usize) -> Vec<String>) -> f64 {
    let count = |size: usize| {
        let dir = TempDir::new(&format!("{tag}-{size}"));
        let args = make(&dir, size);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        instructions(dir.path(), &args)
    };
    let (small, large) = (count(n), count(4 * n));
    large as f64 / small as f64
}

const MODEL: &str =
    "layers:\n  - {type: Dense, units: 1, activation: sigmoid}\nloss: binary_crossentropy\n";

#[test]
fn inputs_that_were_quadratic_cost_linear_instructions() {
    if valgrind_missing() {
        external::missing("complexity", "valgrind");
        return;
    }
    let cases: Vec<(&str, f64)> = vec![
        (
            // Many keys in one layer (shadowed keys, unknown arguments).
            "keys",
            quadrupling("cx-keys", 1000, |dir, n| {
                let keys: String = (0..n).map(|i| format!(", k{i}: {i}")).collect();
                dir.write(
                    "m.yaml",
                    format!("layers:\n  - {{type: Dense, units: 1{keys}}}\nloss: mse\n").as_bytes(),
                );
                vec!["--isolated".into(), "m.yaml".into()]
            }),
        ),
        (
            // A very long unknown name: no did-you-mean over it.
            "long-name",
            quadrupling("cx-name", 50_000, |dir, n| {
                dir.write(
                    "m.yaml",
                    format!(
                        "layers:\n  - {{type: Dense, units: 1, activation: r{}}}\nloss: mse\n",
                        "x".repeat(n)
                    )
                    .as_bytes(),
                );
                vec!["--isolated".into(), "m.yaml".into()]
            }),
        ),
        (
            // Many `[[models]]` entries: positions from one line index.
            "models",
            quadrupling("cx-models", 250, |dir, n| {
                let entries: String = (0..n)
                    .map(|i| format!("[[models]]\nfiles = [\"m{i}/*.json\"]\ntask = \"binary\"\n"))
                    .collect();
                dir.write("actlint.toml", entries.as_bytes());
                dir.write("m.yaml", MODEL.as_bytes());
                vec!["m.yaml".into()]
            }),
        ),
        (
            // Many globs, many files: matched as one set, not file × glob.
            "globs",
            quadrupling("cx-globs", 120, |dir, n| {
                let globs: String = (0..n).map(|i| format!("\"x{i}/*.json\", ")).collect();
                dir.write(
                    "actlint.toml",
                    format!("extend-exclude = [{globs}]\n").as_bytes(),
                );
                for i in 0..n / 10 {
                    dir.write(&format!("models/m{i}.yaml"), MODEL.as_bytes());
                }
                vec!["-j1".into(), "models".into()]
            }),
        ),
    ];
    let report: Vec<String> = cases
        .iter()
        .map(|(name, ratio)| format!("{name}: ×{ratio:.2}"))
        .collect();
    eprintln!("instructions for 4n over n: {}", report.join(", "));
    for (name, ratio) in &cases {
        assert!(
            *ratio < 5.5,
            "{name}: four times the input multiplied the instructions by {ratio:.2} ({report:?})"
        );
    }
}
