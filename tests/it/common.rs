//! Helpers shared by the integration tests: a temporary directory, and the
//! diagnostics of a report as text.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use actlint::lint::FileReport;
use actlint::source::LineIndex;

/// A fresh directory under the system temp dir, walkable by any user (the
/// robustness tests run the binary unprivileged), removed on drop even when
/// a test made parts of it read-only.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "actlint-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir can be created");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("chmod");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `bytes` at `rel`, creating its directories.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().expect("a file has a parent")).expect("mkdir");
        fs::write(&path, bytes).expect("write");
        path
    }

    /// Copies the file `from` to `rel`, creating its directories.
    pub fn copy(&self, from: &Path, rel: &str) -> PathBuf {
        let to = self.0.join(rel);
        fs::create_dir_all(to.parent().expect("a file has a parent")).expect("mkdir");
        fs::copy(from, &to).expect("copy");
        to
    }

    /// The names in the directory, sorted.
    pub fn entries(&self) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(&self.0)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        make_writable(&self.0);
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Gives back write permission under `dir` (tests lock files and
/// directories), so that it can be removed.
fn make_writable(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o755));
    for e in entries.flatten() {
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            make_writable(&e.path());
        } else if t.is_file() {
            let _ = fs::set_permissions(e.path(), fs::Permissions::from_mode(0o644));
        }
    }
}

/// The diagnostics of a report, one per line, each after `indent`:
/// `CODE name at line:column: message`, or `(none)`.
pub fn describe(report: &FileReport, indent: &str) -> String {
    let index = report.source.as_ref().map(|s| LineIndex::new(&s.text));
    let mut out = String::new();
    for d in &report.diagnostics {
        let at = match (&d.primary, &index) {
            (Some(label), Some(ix)) => {
                let p = ix.position(label.span.start);
                format!("{}:{}", p.line, p.column)
            }
            _ => "-".to_string(),
        };
        let _ = writeln!(out, "{indent}{} {} at {at}: {}", d.code, d.name, d.message);
    }
    if out.is_empty() {
        let _ = writeln!(out, "{indent}(none)");
    }
    out
}
