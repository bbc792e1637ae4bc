//! What the formats for CI and code review (SARIF, GitHub, GitLab) share:
//! repository-relative paths, where a diagnostic is, and fingerprints that
//! stay the same when lines move.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::lint::FileReport;
use crate::source::Span;
use crate::source::{clamp_boundary, LineIndex, Position};

/// How the paths of reports (as given on the command line) become paths
/// relative to the repository root, which is what code-scanning services
/// and annotations expect.
#[derive(Clone, Debug)]
pub struct Paths {
    /// The directory relative paths were given from, and the root they are
    /// made relative to; `None` keeps paths as given (normalized).
    base: Option<(PathBuf, PathBuf)>,
}

/// A report's path for a CI format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RelPath {
    /// Relative to the root, with `/` separators and no `.` or `..`.
    Relative(String),
    /// Outside the root: absolute, with `/` separators.
    Absolute(String),
}

impl RelPath {
    /// The path as text (`/` separators).
    pub fn as_str(&self) -> &str {
        match self {
            RelPath::Relative(p) | RelPath::Absolute(p) => p,
        }
    }
}

impl Paths {
    /// Paths as given, only normalized (`./a\b` -> `a/b` on Windows, `./a` -> `a`).
    pub fn as_given() -> Paths {
        Paths { base: None }
    }

    /// Paths relative to `root`, for paths given from `cwd`.
    pub fn relative_to(cwd: PathBuf, root: PathBuf) -> Paths {
        Paths {
            base: Some((cwd, root)),
        }
    }

    /// Paths relative to the repository that contains `cwd` (its nearest
    /// ancestor with a `.git` entry), or to `cwd` outside a repository.
    pub fn detect(cwd: PathBuf) -> Paths {
        let root = repository_root(&cwd).unwrap_or_else(|| cwd.clone());
        Paths::relative_to(cwd, root)
    }

    pub fn resolve(&self, path: &str) -> RelPath {
        let given = Path::new(path);
        let Some((cwd, root)) = &self.base else {
            let joined = join_slash(&normalize(given));
            return if given.has_root() {
                RelPath::Absolute(joined)
            } else {
                RelPath::Relative(joined)
            };
        };
        let absolute = normalize(&cwd.join(given));
        let root = normalize(root);
        match absolute.strip_prefix(&root) {
            Ok(rel) if !rel.as_os_str().is_empty() => RelPath::Relative(join_slash(rel)),
            _ => RelPath::Absolute(join_slash(&absolute)),
        }
    }
}

/// The nearest ancestor of `dir` (itself included) holding `.git`.
pub fn repository_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Removes `.` and resolves `..` lexically (symlinks are not followed: the
/// path is reported, not opened).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let popped =
                    matches!(out.components().next_back(), Some(Component::Normal(_))) && out.pop();
                if !popped && !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Joins the components of a path with `/`, whatever the platform.
fn join_slash(path: &Path) -> String {
    let mut out = String::new();
    for c in path.components() {
        match c {
            Component::Prefix(p) => out.push_str(&p.as_os_str().to_string_lossy()),
            Component::RootDir => out.push('/'),
            other => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

/// A URI reference for a path: relative ones percent-encoded as they are,
/// absolute ones as `file://` URIs.
pub fn uri(path: &RelPath) -> String {
    match path {
        RelPath::Relative(p) => percent_encode(p),
        RelPath::Absolute(p) if p.starts_with('/') => format!("file://{}", percent_encode(p)),
        RelPath::Absolute(p) => format!("file:///{}", percent_encode(p)),
    }
}

/// Percent-encodes everything but unreserved characters, `/` and the
/// sub-delimiters that are safe in a path. `:` is encoded so that a first
/// segment is never read as a scheme.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where a diagnostic or label is: 1-based lines and columns, the end
/// exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub start: Position,
    pub end: Position,
}

/// How columns are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Columns {
    /// Unicode characters (as `--format json` and the human output).
    Chars,
    /// UTF-16 code units (SARIF's default, and what JavaScript-based
    /// viewers count).
    Utf16,
}

/// Positions in one report's text, for the renderers here.
pub struct Locator<'a> {
    text: &'a str,
    index: LineIndex<'a>,
    /// The archive member the text came from (`config.json` of a `.keras`):
    /// positions are inside it, not inside the file.
    pub member: Option<&'a str>,
}

impl<'a> Locator<'a> {
    /// `None` when the report has no text (the file could not be decoded).
    pub fn of(report: &'a FileReport) -> Option<Locator<'a>> {
        let source = report.source.as_ref()?;
        Some(Locator {
            text: &source.text,
            index: LineIndex::new(&source.text),
            member: source.member.as_deref(),
        })
    }

    pub fn position(&self, offset: usize, columns: Columns) -> Position {
        match columns {
            Columns::Chars => self.index.position(offset),
            Columns::Utf16 => {
                let offset = clamp_boundary(self.text, offset);
                let line = self.index.line_of(offset);
                Position {
                    line: line + 1,
                    column: self.index.utf16_column(offset),
                }
            }
        }
    }

    pub fn region(&self, span: Span, columns: Columns) -> Region {
        Region {
            start: self.position(span.start, columns),
            end: self.position(span.end, columns),
        }
    }
}

/// Where a diagnostic is, in the file itself: `None` when it has no place or
/// the place is inside an archive member (a `.keras` zip has no lines).
pub fn file_region(
    locator: Option<&Locator<'_>>,
    d: &Diagnostic,
    columns: Columns,
) -> Option<Region> {
    let locator = locator.filter(|l| l.member.is_none())?;
    let span = d.primary.as_ref()?.span;
    Some(locator.region(span, columns))
}

/// For a diagnostic inside an archive member, where it is in the member:
/// ` (in config.json, line 1, column 345)`; empty otherwise.
pub fn member_note(locator: Option<&Locator<'_>>, d: &Diagnostic) -> String {
    let Some(locator) = locator else {
        return String::new();
    };
    let Some(member) = locator.member else {
        return String::new();
    };
    match &d.primary {
        Some(label) => {
            let p = locator.position(label.span.start, Columns::Chars);
            format!(" (in {member}, line {}, column {})", p.line, p.column)
        }
        None => format!(" (in {member})"),
    }
}

/// A fingerprint for every diagnostic of every report (same shape as the
/// input): a hash of the rule, the repository-relative path, the layer name
/// and the message, plus a counter for identical findings in one file. Line
/// and column are left out, so a finding keeps its fingerprint when lines
/// are added above it.
pub fn fingerprints(reports: &[FileReport], paths: &Paths) -> Vec<Vec<String>> {
    let mut seen: HashMap<(String, &str, &str, &str), usize> = HashMap::new();
    reports
        .iter()
        .map(|r| {
            let path = paths.resolve(&r.path).as_str().to_string();
            r.diagnostics
                .iter()
                .map(|d| {
                    let key = (
                        path.clone(),
                        d.code,
                        d.layer.as_deref().unwrap_or(""),
                        d.message.as_str(),
                    );
                    let n = seen.entry(key).or_insert(0);
                    let occurrence = *n;
                    *n += 1;
                    let mut h = Fnv128::new();
                    for part in [
                        d.code,
                        path.as_str(),
                        d.layer.as_deref().unwrap_or(""),
                        d.message.as_str(),
                    ] {
                        h.write(part.as_bytes());
                        h.write(&[0]);
                    }
                    h.write(occurrence.to_string().as_bytes());
                    format!("{:032x}", h.finish())
                })
                .collect()
        })
        .collect()
}

/// FNV-1a, 128 bits: small, stable across platforms and releases, and
/// wide enough that fingerprints of one repository do not collide.
struct Fnv128(u128);

impl Fnv128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;

    fn new() -> Self {
        Fnv128(Self::OFFSET)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    fn finish(&self) -> u128 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(cwd: &str, root: &str, path: &str) -> RelPath {
        Paths::relative_to(PathBuf::from(cwd), PathBuf::from(root)).resolve(path)
    }

    #[test]
    fn paths_become_relative_to_the_root() {
        assert_eq!(
            rel("/repo", "/repo", "models/a.yaml"),
            RelPath::Relative("models/a.yaml".into())
        );
        assert_eq!(
            rel("/repo/sub", "/repo", "./a.yaml"),
            RelPath::Relative("sub/a.yaml".into())
        );
        assert_eq!(
            rel("/repo/sub", "/repo", "../b/c.json"),
            RelPath::Relative("b/c.json".into())
        );
        assert_eq!(
            rel("/elsewhere", "/repo", "/repo/x/m.keras"),
            RelPath::Relative("x/m.keras".into())
        );
        assert_eq!(
            rel("/repo", "/repo", "/tmp/m.json"),
            RelPath::Absolute("/tmp/m.json".into())
        );
        assert_eq!(
            rel("/repo", "/repo", "../other/m.json"),
            RelPath::Absolute("/other/m.json".into())
        );
        // A root that shares a prefix is not an ancestor.
        assert_eq!(
            rel("/repo2", "/repo", "m.json"),
            RelPath::Absolute("/repo2/m.json".into())
        );
    }

    #[test]
    fn paths_as_given_are_only_normalized() {
        let p = Paths::as_given();
        assert_eq!(p.resolve("./a/./b.yaml").as_str(), "a/b.yaml");
        assert_eq!(p.resolve("../a.yaml").as_str(), "../a.yaml");
        assert_eq!(p.resolve("-").as_str(), "-");
        assert!(matches!(p.resolve("/x/y.json"), RelPath::Absolute(_)));
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            uri(&RelPath::Relative("my models/a b#1.yaml".into())),
            "my%20models/a%20b%231.yaml"
        );
        assert_eq!(uri(&RelPath::Relative("c:x.yaml".into())), "c%3Ax.yaml");
        assert_eq!(
            uri(&RelPath::Relative("modèle.yaml".into())),
            "mod%C3%A8le.yaml"
        );
        assert_eq!(
            uri(&RelPath::Absolute("/tmp/m.json".into())),
            "file:///tmp/m.json"
        );
    }

    #[test]
    fn fnv128_matches_the_reference_values() {
        // FNV-1a 128 of "" is the offset basis; of "a" a published test vector.
        assert_eq!(Fnv128::new().finish(), Fnv128::OFFSET);
        let mut h = Fnv128::new();
        h.write(b"a");
        assert_eq!(h.finish(), 0xd228cb696f1a8caf78912b704e4a8964);
    }
}
