//! Helpers for tests that run real external tools (a JSON Schema validator,
//! pre-commit). A plain `cargo test` on a machine without them skips those
//! tests with a message; `.ci/run` installs the tools and sets
//! `ACTLINT_REQUIRE_EXTERNAL=1`, which turns a missing tool into a failure.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const REQUIRE_ENV: &str = "ACTLINT_REQUIRE_EXTERNAL";

/// Whether a missing tool must fail the test.
pub fn required() -> bool {
    std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1")
}

/// Reports that `tool` is missing: fails when tools are required, else
/// prints why the test is skipped. Returns so that the caller can `return`.
pub fn missing(test: &str, tool: &str) {
    if required() {
        panic!(
            "{test}: {tool} not installed, and {REQUIRE_ENV}=1 requires it (.ci/run installs it)"
        );
    }
    eprintln!("{test}: skipped: {tool} not installed (.ci/run installs it)");
}

/// The Python interpreter tests use (`python3` on `PATH`).
pub fn python() -> Command {
    Command::new("python3")
}

/// Whether `python3 -c "import <module>"` works.
pub fn python_has(module: &str) -> bool {
    python()
        .args(["-c", &format!("import {module}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Validates instances with the `jsonschema` package: the schema must be
/// valid for its own draft (`check_schema`), then each instance is checked
/// with the validator for that draft (formats included). Returns the errors
/// of each instance, in order (`json_path: message`).
const VALIDATE: &str = r#"
import json, sys
import jsonschema
with open(sys.argv[1], encoding="utf-8") as f:
    schema = json.load(f)
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
instances = json.load(sys.stdin)
report = []
for instance in instances:
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    report.append([f"{e.json_path}: {e.message[:300]}" for e in errors])
json.dump(report, sys.stdout)
"#;

pub fn validate(schema: &Path, instances: &[serde_json::Value]) -> Vec<Vec<String>> {
    let mut child = python()
        .args(["-c", VALIDATE])
        .arg(schema)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let input = serde_json::to_vec(instances).expect("instances serialize");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(&input)
        .expect("the validator reads its input");
    let out = child.wait_with_output().expect("the validator finishes");
    assert!(
        out.status.success(),
        "the validator failed on {}:\n{}",
        schema.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the validator prints its report as JSON")
}

/// A directory under the system's temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("actlint-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("temporary directory");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("parent directory");
        }
        std::fs::write(&path, bytes).expect("write file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
