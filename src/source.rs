//! Reading a file's bytes into text: UTF-8 (with or without BOM) checks,
//! format sniffing, and `config.json` out of `.keras` archives.

use std::io::Read;

/// How the text should be parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
}

/// Decoded source text, ready for a parser.
#[derive(Clone, Debug)]
pub struct Source {
    /// The text (BOM removed).
    pub text: String,
    /// For archives, the member the text came from (`config.json`).
    pub member: Option<String>,
    pub syntax: Syntax,
    /// How many bytes were removed from the front (a UTF-8 BOM), so that
    /// positions can be reported against the original file.
    pub bom: bool,
}

/// Bounds on what is read from one file.
#[derive(Clone, Copy, Debug)]
pub struct ReadLimits {
    /// Largest file (or archive member) read, in bytes.
    pub max_file_size: u64,
    /// Most entries a `.keras` archive may list.
    pub max_archive_entries: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_file_size: 64 * 1024 * 1024,
            max_archive_entries: 10_000,
        }
    }
}

/// Why a file could not be turned into text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not valid UTF-8 at this byte offset.
    NotUtf8 { byte: usize, hint: &'static str },
    TooLarge { size: u64, limit: u64 },
    Archive(String),
    Hdf5,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::NotUtf8 { byte, hint } => {
                write!(f, "file is not UTF-8 (invalid byte at offset {byte}){hint}")
            }
            DecodeError::TooLarge { size, limit } => write!(
                f,
                "file is {size} bytes, over the {limit}-byte file size limit"
            ),
            DecodeError::Archive(msg) => write!(f, "{msg}"),
            DecodeError::Hdf5 => f.write_str(
                "HDF5 (.h5) model files are not supported yet: save the model as `.keras` or export `model.to_json()`",
            ),
        }
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: &[u8] = b"PK\x05\x06";
const HDF5_MAGIC: &[u8] = b"\x89HDF\r\n\x1a\n";

/// Turns a file's bytes into parseable text.
pub fn decode(path: &str, bytes: &[u8], limits: ReadLimits) -> Result<Source, DecodeError> {
    if bytes.len() as u64 > limits.max_file_size {
        return Err(DecodeError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_file_size,
        });
    }
    if bytes.starts_with(HDF5_MAGIC) {
        return Err(DecodeError::Hdf5);
    }
    let is_keras = path.ends_with(".keras");
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(EMPTY_ZIP_MAGIC) || is_keras {
        return read_archive(bytes, limits);
    }
    let (text, bom) = to_text(bytes)?;
    Ok(Source {
        syntax: sniff(path, &text),
        text,
        member: None,
        bom,
    })
}

fn to_text(bytes: &[u8]) -> Result<(String, bool), DecodeError> {
    let (body, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    match std::str::from_utf8(body) {
        Ok(s) => Ok((s.to_string(), bom)),
        Err(e) => {
            let hint = if body.starts_with(b"\xFF\xFE") || body.starts_with(b"\xFE\xFF") {
                "; it looks like UTF-16: save it as UTF-8"
            } else if body.contains(&0) {
                "; it looks like a binary file"
            } else {
                "; save it as UTF-8"
            };
            Err(DecodeError::NotUtf8 {
                byte: e.valid_up_to() + usize::from(bom) * 3,
                hint,
            })
        }
    }
}

/// JSON when it looks like JSON (first significant character `{` or `[`)
/// or the file says so; YAML otherwise.
fn sniff(path: &str, text: &str) -> Syntax {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        // JSON is nearly YAML, but Python's NaN/Infinity are not: a .yaml
        // file that holds JSON is still parsed as JSON first (see lint.rs).
        return match text.trim_start().as_bytes().first() {
            Some(b'{' | b'[') => Syntax::Json,
            _ => Syntax::Yaml,
        };
    }
    if lower.ends_with(".json") {
        return Syntax::Json;
    }
    match text.trim_start().as_bytes().first() {
        Some(b'{' | b'[') => Syntax::Json,
        _ => Syntax::Yaml,
    }
}

fn read_archive(bytes: &[u8], limits: ReadLimits) -> Result<Source, DecodeError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        DecodeError::Archive(format!("not a readable .keras (zip) archive: {e}"))
    })?;
    if archive.len() > limits.max_archive_entries {
        return Err(DecodeError::Archive(format!(
            "archive lists {} entries, over the limit of {}",
            archive.len(),
            limits.max_archive_entries
        )));
    }
    let mut member = archive.by_name("config.json").map_err(|_| {
        DecodeError::Archive(
            "archive has no `config.json`: is it a Keras `.keras` file?".to_string(),
        )
    })?;
    // Read through a cap: the sizes in zip headers can lie.
    let mut data = Vec::new();
    (&mut member)
        .take(limits.max_file_size + 1)
        .read_to_end(&mut data)
        .map_err(|e| DecodeError::Archive(format!("cannot read `config.json` from the archive: {e}")))?;
    if data.len() as u64 > limits.max_file_size {
        return Err(DecodeError::Archive(format!(
            "`config.json` in the archive is larger than the {}-byte limit",
            limits.max_file_size
        )));
    }
    let (text, bom) = to_text(&data)?;
    Ok(Source {
        text,
        member: Some("config.json".to_string()),
        syntax: Syntax::Json,
        bom,
    })
}
