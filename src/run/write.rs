//! Fixing files for the command line: `--fix`, `--unsafe-fixes`, `--diff`
//! and `--fix-only`.
//!
//! A file is read once, fixed in memory (see [`crate::fix::run`]), and written
//! back atomically: the new text goes to a temporary file in the same
//! directory, which takes the file's permissions and then replaces it by a
//! rename. Right before the rename the file is read again: if it changed
//! since it was read (an editor saved it meanwhile), it is not overwritten
//! and the run reports it. Read-only files are reported and left alone, and
//! `.keras` archives are never modified. Standard input is fixed to
//! standard output.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::discover::{IoProblem, Target};
use super::pool;
use crate::diagnostic::Applicability;
use crate::lint::{FileReport, Options};
use crate::source;

/// What the fix flags ask for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mode {
    /// `--fix` or `--fix-only`: write the fixes.
    pub write: bool,
    /// `--diff`: show the fixes as a diff, write nothing.
    pub diff: bool,
    /// `--unsafe-fixes`: unsafe fixes count too.
    pub unsafe_fixes: bool,
    /// `--fix-only`: no report of what remains.
    pub only: bool,
}

impl Mode {
    /// The mode for the command-line flags; `--diff` wins over `--fix`.
    pub fn from_flags(fix: bool, unsafe_fixes: bool, diff: bool, fix_only: bool) -> Mode {
        Mode {
            write: (fix || fix_only) && !diff,
            diff,
            unsafe_fixes,
            only: fix_only || diff,
        }
    }

    /// Whether files are fixed (written or diffed) at all.
    pub fn fixing(&self) -> bool {
        self.write || self.diff
    }
}

/// What fixing did to one file.
#[derive(Debug, Default)]
pub struct FileFix {
    pub path: String,
    /// Fixes applied (or, with `--diff`, that would be), by rule code.
    pub applied: BTreeMap<&'static str, usize>,
    /// `--diff`: the diff of the file.
    pub diff: String,
    /// Standard input: the fixed text, to print.
    pub stdout: Option<Vec<u8>>,
    /// Why the fixes were not written (read-only, changed meanwhile, an
    /// archive); the file is left as it was.
    pub problem: Option<String>,
}

/// One run's fixing: lints or fixes each target and remembers what was done.
#[derive(Debug, Default)]
pub struct Session {
    pub mode: Mode,
    done: Mutex<Vec<FileFix>>,
    /// The real paths of the files fixed so far: a file reached under two
    /// names is fixed once.
    claimed: Mutex<std::collections::HashSet<PathBuf>>,
    /// The real paths of the directories given on the command line: a file
    /// a walk reached through a link to elsewhere is not written.
    roots: Vec<PathBuf>,
}

impl Session {
    pub fn new(mode: Mode) -> Session {
        Session {
            mode,
            ..Session::default()
        }
    }

    /// The paths given on the command line: files found by walking a
    /// directory are written only inside it.
    pub fn within(mut self, paths: &[PathBuf]) -> Session {
        self.roots = paths
            .iter()
            .filter_map(|p| fs::canonicalize(p).ok())
            .filter(|p| p.is_dir())
            .collect();
        self
    }

    /// Why a target is linted but not fixed: outside the directories
    /// walked (`Some(reason)`, a problem), or already fixed under another
    /// name (`Some(None)`: nothing to report, the file is fixed once).
    fn not_writable(&self, target: &Target) -> Option<Option<String>> {
        if target.stdin {
            return None;
        }
        let real = fs::canonicalize(&target.path).ok()?;
        if target.walked
            && !self.roots.is_empty()
            && !self.roots.iter().any(|r| real.starts_with(r))
        {
            return Some(Some(format!(
                "reached through a link to `{}`, outside the directories given: fixes not written",
                real.display()
            )));
        }
        let mut claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        (!claimed.insert(real)).then_some(None)
    }

    /// Lints a target and, when the mode fixes, fixes it; the report is what
    /// remains in the file afterwards.
    pub fn lint(&self, target: &Target, options: &Options) -> Result<FileReport, IoProblem> {
        if !self.mode.fixing() {
            return pool::lint_target(target, options);
        }
        if let Some(why) = self.not_writable(target) {
            let report = pool::lint_target(target, options)?;
            let fix = FileFix {
                path: target.display.clone(),
                problem: why.filter(|_| count_fixable(&report, self.mode.unsafe_fixes) > 0),
                ..FileFix::default()
            };
            if let Ok(mut done) = self.done.lock() {
                done.push(fix);
            }
            return Ok(report);
        }
        let (report, fix) = fix_target(target, options, &self.mode)?;
        if let Ok(mut done) = self.done.lock() {
            done.push(fix);
        }
        Ok(report)
    }

    /// What was done to each file, sorted by path.
    pub fn outcomes(&self) -> Vec<FileFix> {
        let mut done = self
            .done
            .lock()
            .map(|mut d| std::mem::take(&mut *d))
            .unwrap_or_default();
        done.sort_by(|a, b| a.path.cmp(&b.path));
        done
    }
}

fn problem(target: &Target, message: impl Into<String>) -> IoProblem {
    IoProblem {
        path: target.display.clone(),
        message: message.into(),
    }
}

fn count_fixable(report: &FileReport, unsafe_fixes: bool) -> usize {
    report
        .diagnostics
        .iter()
        .filter(|d| crate::fix::apply::wanted(d, unsafe_fixes))
        .count()
}

/// Lints and fixes one target.
pub fn fix_target(
    target: &Target,
    options: &Options,
    mode: &Mode,
) -> Result<(FileReport, FileFix), IoProblem> {
    let mut fix = FileFix {
        path: target.display.clone(),
        ..FileFix::default()
    };
    let (bytes, meta) = match read_input(target, options, mode, &mut fix)? {
        Input::Read(bytes, meta) => (bytes, meta),
        Input::Linted(report) => return Ok((report, fix)),
    };
    if target.walked {
        if let Some(report) = crate::lint::read::skip_unrelated_python(&target.display, &bytes) {
            return Ok((report, fix));
        }
    }
    let src = match fixable_text(target, &bytes, options, mode, &mut fix) {
        Ok(src) => src,
        Err(report) => return Ok((*report, fix)),
    };
    let fixed = crate::fix::run(
        &target.display,
        &src.text,
        src.bom,
        options,
        mode.unsafe_fixes,
    );
    Ok(deliver(target, &src, &bytes, meta, fixed, mode, fix))
}

/// A target's bytes, or its report when it is linted without being fixed.
enum Input {
    /// The bytes, and the file's metadata (`None` for standard input).
    Read(Vec<u8>, Option<fs::Metadata>),
    Linted(FileReport),
}

/// Reads a target to fix it. Archives, and files too large to read, are
/// linted as usual (a `.keras` archive with fixable findings says why they
/// are not fixed).
fn read_input(
    target: &Target,
    options: &Options,
    mode: &Mode,
    fix: &mut FileFix,
) -> Result<Input, IoProblem> {
    let limits = options.read_limits;
    if target.stdin {
        let bytes = source::read_capped(std::io::stdin().lock(), limits.max_file_size, 0)
            .map_err(|e| problem(target, format!("cannot read standard input: {e}")))?;
        return Ok(Input::Read(bytes, None));
    }
    let meta = fs::metadata(&target.path)
        .map_err(|e| problem(target, format!("cannot read file: {e}")))?;
    let mut head = Vec::new();
    let opened = fs::File::open(&target.path).and_then(|f| f.take(8).read_to_end(&mut head));
    if opened.is_err()
        || !meta.is_file()
        || source::is_archive(&target.display, &head)
        || meta.len() > limits.max_file_size
    {
        let report = pool::lint_target(target, options)?;
        if count_fixable(&report, mode.unsafe_fixes) > 0 {
            fix.problem = Some(
                "fixes are not applicable to `.keras` archives: fix the model in Python and save it again"
                    .to_string(),
            );
        }
        return Ok(Input::Linted(report));
    }
    let bytes =
        fs::read(&target.path).map_err(|e| problem(target, format!("cannot read file: {e}")))?;
    Ok(Input::Read(bytes, Some(meta)))
}

/// The text to fix, or the report of a file that is not fixed: an archive
/// read from standard input or an HDF5 file (whose reports carry no fixes:
/// see `lint_source`), or bytes that do not decode.
fn fixable_text(
    target: &Target,
    bytes: &[u8],
    options: &Options,
    mode: &Mode,
    fix: &mut FileFix,
) -> Result<source::Source, Box<FileReport>> {
    match source::decode(&target.display, bytes, options.read_limits) {
        Ok(s) if s.member.is_none() => Ok(s),
        Ok(_) => {
            let report = crate::lint::lint_bytes(&target.display, bytes, options);
            if count_fixable(&report, mode.unsafe_fixes) > 0 {
                fix.problem = Some("fixes are not applicable to `.keras` archives".to_string());
            }
            fix.stdout = target.stdin.then(|| bytes.to_vec());
            Err(Box::new(report))
        }
        Err(_) => {
            let mut report = crate::lint::lint_bytes(&target.display, bytes, options);
            if target.walked {
                report = report.found_by_walk();
            }
            fix.stdout = target.stdin.then(|| bytes.to_vec());
            Err(Box::new(report))
        }
    }
}

/// What becomes of the fixed text: a diff (`--diff`), standard output, or
/// the file written atomically. The report is what remains in the file (the
/// original findings when nothing was written).
fn deliver(
    target: &Target,
    src: &source::Source,
    bytes: &[u8],
    meta: Option<fs::Metadata>,
    fixed: crate::fix::apply::Fixed,
    mode: &Mode,
    mut fix: FileFix,
) -> (FileReport, FileFix) {
    if mode.diff {
        fix.diff = crate::fix::diff::unified(&target.display, &src.text, &fixed.text);
        fix.applied = fixed.applied;
        return (fixed.original, fix);
    }
    let mut new_bytes = Vec::with_capacity(fixed.text.len() + 3);
    if src.bom {
        new_bytes.extend_from_slice(b"\xEF\xBB\xBF");
    }
    new_bytes.extend_from_slice(fixed.text.as_bytes());
    if target.stdin {
        fix.stdout = Some(new_bytes);
        fix.applied = fixed.applied;
        return (fixed.report, fix);
    }
    let Some(meta) = meta.filter(|_| fixed.text != src.text) else {
        return (fixed.report, fix);
    };
    match write_atomic(&target.path, bytes, &new_bytes, &meta) {
        Ok(()) => {
            fix.applied = fixed.applied;
            (fixed.report, fix)
        }
        Err(message) => {
            fix.problem = Some(message);
            (fixed.original, fix)
        }
    }
}

/// Replaces `path`'s content `original` with `new`, atomically: a temporary
/// file in the same directory renamed over it. Fails, leaving the file
/// alone, when it is read-only or no longer holds `original`.
pub fn write_atomic(
    path: &Path,
    original: &[u8],
    new: &[u8],
    meta: &fs::Metadata,
) -> Result<(), String> {
    refuse_to_replace(meta)?;
    // Write through a symbolic link to the file it points at.
    let real: PathBuf = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let tmp = temporary_beside(&real);
    let cleanup = |e: String| {
        let _ = fs::remove_file(&tmp);
        Err(e)
    };
    if let Err(e) = write_temporary(&tmp, new, meta) {
        return cleanup(format!(
            "cannot write the fixed file next to it: {e}; fixes not written"
        ));
    }
    // Right before the rename: is the file still what was read?
    if !still_as_read(&real, original, meta) {
        return cleanup(
            "the file changed while it was being fixed: not overwritten (run again)".to_string(),
        );
    }
    if let Err(e) = fs::rename(&tmp, &real) {
        return cleanup(format!("cannot replace the file: {e}; fixes not written"));
    }
    Ok(())
}

/// Why a file must not be replaced: it is read-only, or (on Unix) it has
/// other names, which would keep the old text.
fn refuse_to_replace(meta: &fs::Metadata) -> Result<(), String> {
    if meta.permissions().readonly() {
        return Err("the file is read-only: fixes not written".to_string());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(format!(
                "the file has {} hard links: replacing it would break them; fixes not written",
                meta.nlink()
            ));
        }
    }
    Ok(())
}

/// A temporary file name in the file's directory, unique per process and
/// per write: two threads fixing files of one name (or one file reached
/// under two names) never share a temporary.
fn temporary_beside(real: &Path) -> PathBuf {
    let dir = match real.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    dir.join(format!(".{name}.actlint-{}-{n}.tmp", std::process::id()))
}

/// Writes the new text to a new temporary file with the old file's
/// permissions, owner and group, and syncs it.
fn write_temporary(tmp: &Path, new: &[u8], meta: &fs::Metadata) -> std::io::Result<()> {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)?;
    f.write_all(new)?;
    f.set_permissions(meta.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // The new file keeps the old one's owner and group (a run as root
        // would otherwise hand the file to root).
        let mine = f.metadata()?;
        if (mine.uid(), mine.gid()) != (meta.uid(), meta.gid()) {
            std::os::unix::fs::fchown(&f, Some(meta.uid()), Some(meta.gid()))?;
        }
    }
    f.sync_all()
}

/// Whether the file still holds what was read, with the same modification
/// time.
fn still_as_read(real: &Path, original: &[u8], meta: &fs::Metadata) -> bool {
    let now = fs::read(real);
    let same_time = fs::metadata(real)
        .ok()
        .and_then(|m| m.modified().ok())
        .zip(meta.modified().ok())
        .is_none_or(|(a, b)| a == b);
    now.is_ok_and(|b| b == original) && same_time
}

/// What the command line prints and returns after a fixing run.
#[derive(Debug, Default)]
pub struct Finished {
    /// Replaces the rendered report on standard output.
    pub stdout: Vec<u8>,
    /// The rendered report when it goes to standard error instead (standard
    /// input fixed to standard output), and the fix summary.
    pub stderr: String,
    /// Files whose fixes could not be written.
    pub problems: Vec<IoProblem>,
    /// Fixes applied (or, with `--diff`, that would be).
    pub applied: usize,
}

impl Session {
    /// Puts together the output of a fixing run: `rendered` is the report
    /// of what remains, `summary` whether summary lines are wanted.
    pub fn finish(&self, rendered: String, summary: bool) -> Finished {
        let outcomes = self.outcomes();
        let mut out = Finished::default();
        let mut stdin_text = None;
        for o in &outcomes {
            out.applied += o.applied.values().sum::<usize>();
            if let Some(p) = &o.problem {
                out.problems.push(IoProblem {
                    path: o.path.clone(),
                    message: p.clone(),
                });
            }
            if let Some(text) = &o.stdout {
                stdin_text = Some(text.clone());
            }
            out.stdout.extend_from_slice(o.diff.as_bytes());
        }
        let report_to_stderr = stdin_text.is_some();
        if let Some(text) = stdin_text {
            out.stdout.extend_from_slice(&text);
        }
        if !self.mode.only {
            if report_to_stderr {
                out.stderr.push_str(&rendered);
            } else if !self.mode.diff {
                out.stdout.extend_from_slice(rendered.as_bytes());
            }
        }
        if summary {
            let n = out.applied;
            let s = if n == 1 { "" } else { "s" };
            if self.mode.diff {
                out.stderr.push_str(&format!("would fix {n} problem{s}\n"));
            } else {
                out.stderr.push_str(&format!("fixed {n} problem{s}\n"));
            }
        }
        out
    }
}

/// The summary's note on fixes: how many findings `--fix` would fix, and
/// how many more `--unsafe-fixes` would; `None` when there are none.
pub fn fixable_note(reports: &[FileReport], unsafe_fixes: bool) -> Option<String> {
    let (mut safe, mut unsafe_) = (0, 0);
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        match d.fix.as_ref().map(|f| f.applicability) {
            Some(Applicability::Safe) => safe += 1,
            Some(Applicability::Unsafe) => unsafe_ += 1,
            None => {}
        }
    }
    let fixes = |n: usize| if n == 1 { "fix" } else { "fixes" };
    match (unsafe_fixes, safe, unsafe_) {
        (_, 0, 0) => None,
        (true, s, u) => Some(format!("[*] {} fixable with `--fix --unsafe-fixes`", s + u)),
        (false, 0, u) => Some(format!(
            "no fixes available with `--fix` ({u} hidden {} can be enabled with `--unsafe-fixes`)",
            fixes(u)
        )),
        (false, s, 0) => Some(format!("[*] {s} fixable with `--fix`")),
        (false, s, u) => Some(format!(
            "[*] {s} fixable with `--fix` ({u} hidden {} can be enabled with `--unsafe-fixes`)",
            fixes(u)
        )),
    }
}
