//! Reading a file or a stream within the file size limit, then linting it.

use std::io::{Read, Seek};

use super::{isolated, lint_bytes, report, FileReport, Options};
use crate::source;

/// Lints a file on disk, reading no more than the limits allow: a text file
/// over the file size limit is reported without being read, and of a
/// `.keras` archive only the central directory and `config.json` are read.
/// `display` is the path as reports show it. The error is an I/O error
/// (the file cannot be opened or read, or it vanished) for the caller to
/// report.
pub fn lint_path(
    path: &std::path::Path,
    display: &str,
    options: &Options,
) -> std::io::Result<FileReport> {
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let limits = options.read_limits;
    let mut head = Vec::with_capacity(8);
    (&mut file).take(8).read_to_end(&mut head)?;
    if meta.is_file() && source::is_archive(display, &head) && !head.starts_with(b"\x89HDF") {
        file.seek(std::io::SeekFrom::Start(0))?;
        let reader = std::io::BufReader::new(file);
        return Ok(isolated(display, || {
            report(display, source::decode_archive(reader, limits), options)
        }));
    }
    if meta.is_file() && meta.len() > limits.max_file_size {
        let e = source::DecodeError::TooLarge {
            size: Some(meta.len()),
            limit: limits.max_file_size,
        };
        return Ok(report(display, Err(e), options));
    }
    // A regular file is read into a buffer of its size: in one read, not a
    // series of growing ones.
    let size = if meta.is_file() { meta.len() } else { 0 };
    read_and_lint(display, head.as_slice().chain(file), size, options)
}

/// Lints a file a directory walk found: as [`lint_path`], except that
/// Python source and notebooks that never mention `keras` or `tensorflow`
/// are skipped after a byte scan, without being parsed (a repository's
/// other Python files cost the time of reading them).
pub fn lint_walked_path(
    path: &std::path::Path,
    display: &str,
    options: &Options,
) -> std::io::Result<FileReport> {
    if source::python_syntax(display).is_none() {
        return lint_path(path, display, options);
    }
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let limit = options.read_limits.max_file_size;
    if meta.is_file() && meta.len() > limit {
        let e = source::DecodeError::TooLarge {
            size: Some(meta.len()),
            limit,
        };
        return Ok(report(display, Err(e), options));
    }
    let size = if meta.is_file() { meta.len() } else { 0 };
    let bytes = source::read_capped(file, limit, size)?;
    if bytes.len() as u64 > limit {
        let e = source::DecodeError::TooLarge { size: None, limit };
        return Ok(report(display, Err(e), options));
    }
    if let Some(skipped) = skip_unrelated_python(display, &bytes) {
        return Ok(skipped);
    }
    Ok(lint_bytes(display, &bytes, options))
}

/// The report of a Python file found by a walk that never mentions Keras:
/// skipped, unparsed. `None` for other files.
pub fn skip_unrelated_python(display: &str, bytes: &[u8]) -> Option<FileReport> {
    if source::python_syntax(display).is_none() || mentions_keras(bytes) {
        return None;
    }
    Some(FileReport {
        path: display.to_string(),
        source: None,
        status: super::Status::Skipped {
            reason: "Python source that never mentions `keras` or `tensorflow`".to_string(),
        },
        diagnostics: Vec::new(),
        layers: Vec::new(),
        models: Vec::new(),
    })
}

/// Whether the bytes mention `keras` or `tensorflow` anywhere (a SIMD
/// substring search, no parsing).
pub fn mentions_keras(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"keras").is_some()
        || memchr::memmem::find(bytes, b"tensorflow").is_some()
}

/// Lints what a reader yields (standard input), read through the file size
/// limit.
pub fn lint_reader(
    display: &str,
    reader: impl std::io::Read,
    options: &Options,
) -> std::io::Result<FileReport> {
    read_and_lint(display, reader, 0, options)
}

/// Reads through the file size limit (`size`: the expected length, 0 when
/// unknown) and lints what was read.
fn read_and_lint(
    display: &str,
    reader: impl std::io::Read,
    size: u64,
    options: &Options,
) -> std::io::Result<FileReport> {
    let limit = options.read_limits.max_file_size;
    let bytes = source::read_capped(reader, limit, size)?;
    if bytes.len() as u64 > limit {
        let e = source::DecodeError::TooLarge { size: None, limit };
        return Ok(report(display, Err(e), options));
    }
    Ok(lint_bytes(display, &bytes, options))
}
