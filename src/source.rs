//! Source text and positions in it: reading a file's bytes into text
//! (UTF-8 with or without BOM, format sniffing, `config.json` out of `.keras`
//! archives, the model attributes of HDF5 files as JSON, see
//! [`hdf5`]), the byte [`Span`] every later stage speaks, and the one
//! [`LineIndex`] that turns byte offsets into lines and columns.
//!
//! Binary files that are clearly not models (a Python pickle, a NumPy
//! array, by their signature; TensorFlow.js weights, a `.bin` that is not
//! text) are told apart from broken model files: see
//! [`DecodeError::NotAModelFile`].
//!
//! Everything read here is bounded by [`ReadLimits`]: a text file larger
//! than the file size limit is not parsed, an archive that lists too many
//! entries is not opened, and `config.json` is read through a cap, because
//! the sizes in zip headers can lie (a zip bomb declares a small size and
//! inflates to gigabytes).

pub mod hdf5;
pub mod pickle;

use std::io::{Read, Seek, SeekFrom};

/// How the text should be parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
    /// Python source (`.py`, `.pyw`): the models it builds with Keras.
    Python,
    /// A Jupyter notebook (`.ipynb`): its code cells, read as Python.
    Notebook,
}

impl Syntax {
    /// Python code (a source file or a notebook's cells), whose models are
    /// built by evaluating it rather than read from a saved config.
    pub fn is_python(self) -> bool {
        match self {
            Syntax::Python | Syntax::Notebook => true,
            Syntax::Json | Syntax::Yaml => false,
        }
    }
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// Largest text file (JSON or YAML, standard input included) read, in
    /// bytes. `.keras` archives read from disk are not read whole: for them
    /// the two archive limits apply.
    pub max_file_size: u64,
    /// Most entries a `.keras` archive may list.
    pub max_archive_entries: usize,
    /// Largest `config.json` read out of a `.keras` archive, uncompressed.
    pub max_archive_member_size: u64,
    /// Largest Python source or notebook parsed, in bytes: a script that
    /// builds a model is kilobytes; a generated file of megabytes is not
    /// parsed and evaluated.
    pub max_python_size: u64,
}

/// 8 MiB.
pub const DEFAULT_MAX_PYTHON_SIZE: u64 = 8 * 1024 * 1024;

/// 64 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_archive_entries: 10_000,
            max_archive_member_size: DEFAULT_MAX_FILE_SIZE,
            max_python_size: DEFAULT_MAX_PYTHON_SIZE,
        }
    }
}

/// Why a file could not be turned into text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not valid UTF-8 at this byte offset.
    NotUtf8 {
        byte: usize,
        hint: &'static str,
    },
    /// Over the file size limit; `size` is `None` when the file was read
    /// through the cap and its full size is unknown.
    TooLarge {
        size: Option<u64>,
        limit: u64,
    },
    /// The archive lists more entries than the limit.
    TooManyEntries {
        entries: u64,
        limit: usize,
    },
    /// `config.json` inflates past the member size limit.
    MemberTooLarge {
        limit: u64,
    },
    /// Python source or a notebook over the Python size limit.
    PythonTooLarge {
        size: u64,
        limit: u64,
    },
    Archive(String),
    /// An HDF5 file that cannot be read (see [`hdf5`]).
    Hdf5(hdf5::Hdf5Error),
    /// A file that is readable but holds no model: an HDF5 file without
    /// `model_config` (weights). Skipped, not an error.
    NoModel(String),
    /// A binary file of a kind that is never a model (a Python pickle, a
    /// NumPy array, TensorFlow.js weights): what it looks like. Named on
    /// the command line it is an error ([`NOT_A_MODEL_FILE`]); found by a
    /// directory walk it is skipped.
    NotAModelFile(&'static str),
}

/// How the message about a binary file that is not a model starts.
pub const NOT_A_MODEL_FILE: &str = "not a model file";

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::NotUtf8 { byte, hint } => {
                write!(f, "file is not UTF-8 (invalid byte at offset {byte}){hint}")
            }
            DecodeError::TooLarge { size, limit } => {
                match size {
                    Some(size) => write!(f, "file is {}, over", bytes(*size))?,
                    None => f.write_str("file is larger than")?,
                }
                write!(
                    f,
                    " the file size limit of {} (`max-file-size`); it was not read",
                    bytes(*limit)
                )
            }
            DecodeError::TooManyEntries { entries, limit } => write!(
                f,
                "archive lists {entries} entries, over the limit of {limit} (`max-archive-entries`); it was not read"
            ),
            DecodeError::MemberTooLarge { limit } => write!(
                f,
                "`config.json` in the archive inflates to more than {}, over the limit (`max-archive-member-size`); it was not read",
                bytes(*limit)
            ),
            DecodeError::PythonTooLarge { size, limit } => write!(
                f,
                "Python source is {}, over the Python size limit of {} (`max-python-size`); it was not read",
                bytes(*size),
                bytes(*limit)
            ),
            DecodeError::Archive(msg) => write!(f, "{msg}"),
            DecodeError::Hdf5(e) => write!(f, "{e}"),
            DecodeError::NoModel(reason) => f.write_str(reason),
            DecodeError::NotAModelFile(what) => write!(f, "{NOT_A_MODEL_FILE}: {what}"),
        }
    }
}

/// A byte count for messages: `67108864 bytes (64 MiB)`, `1500 bytes`.
pub fn bytes(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    const KIB: u64 = 1024;
    let unit = if n >= MIB && n.trailing_zeros() >= 20 {
        format!(" ({} MiB)", n / MIB)
    } else if n >= MIB {
        format!(" ({:.1} MiB)", n as f64 / MIB as f64)
    } else if n >= KIB && n.trailing_zeros() >= 10 {
        format!(" ({} KiB)", n / KIB)
    } else {
        String::new()
    };
    format!("{n} bytes{unit}")
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: &[u8] = b"PK\x05\x06";
const HDF5_MAGIC: &[u8] = hdf5::MAGIC;

/// Whether a file is read as a `.keras` (zip) archive: by its name, or by
/// the zip signature at its start.
pub fn is_archive(path: &str, head: &[u8]) -> bool {
    head.starts_with(ZIP_MAGIC)
        || head.starts_with(EMPTY_ZIP_MAGIC)
        || path.to_ascii_lowercase().ends_with(".keras")
}

/// Turns a file's bytes into parseable text.
pub fn decode(path: &str, bytes: &[u8], limits: ReadLimits) -> Result<Source, DecodeError> {
    if let Some(source) = pickled_json(bytes, limits) {
        return Ok(source);
    }
    if let Some(what) = binary_not_a_model(bytes) {
        return Err(DecodeError::NotAModelFile(what));
    }
    let too_large = bytes.len() as u64 > limits.max_file_size;
    if bytes.starts_with(HDF5_MAGIC) && !too_large {
        return decode_hdf5(bytes);
    }
    if is_archive(path, bytes) && !bytes.starts_with(HDF5_MAGIC) {
        return decode_archive(std::io::Cursor::new(bytes), limits);
    }
    if too_large {
        return Err(DecodeError::TooLarge {
            size: Some(bytes.len() as u64),
            limit: limits.max_file_size,
        });
    }
    if python_syntax(path).is_some() && bytes.len() as u64 > limits.max_python_size {
        return Err(DecodeError::PythonTooLarge {
            size: bytes.len() as u64,
            limit: limits.max_python_size,
        });
    }
    let (text, bom) = match to_text(bytes) {
        Err(DecodeError::NotUtf8 { .. }) if is_weights_shard(path) => {
            return Err(DecodeError::NotAModelFile(
                "binary data, as in TensorFlow.js weights (`.bin`): the model is in the `model.json` beside it",
            ))
        }
        decoded => decoded?,
    };
    Ok(Source {
        syntax: sniff(path, &text),
        text,
        member: None,
        bom,
    })
}

/// An HDF5 file (already read through the file size limit): the JSON text
/// of its model attributes (see [`hdf5`]).
fn decode_hdf5(bytes: &[u8]) -> Result<Source, DecodeError> {
    match hdf5::to_json(bytes) {
        Ok(hdf5::Hdf5::Model(text)) => Ok(Source {
            text,
            member: Some(hdf5::MEMBER.to_string()),
            syntax: Syntax::Json,
            bom: false,
        }),
        Ok(hdf5::Hdf5::NotAModel(reason)) => Err(DecodeError::NoModel(reason)),
        Err(e) => Err(DecodeError::Hdf5(e)),
    }
}

/// `pickle.dump(model.to_json(), f)`: a pickle holding nothing but the
/// JSON text of a model, read as that text (see [`pickle`]).
fn pickled_json(bytes: &[u8], limits: ReadLimits) -> Option<Source> {
    if bytes.len() as u64 > limits.max_file_size {
        return None;
    }
    let text = pickle::single_string(bytes)?;
    text.trim_start().starts_with('{').then(|| Source {
        text: text.to_string(),
        member: Some(pickle::MEMBER.to_string()),
        syntax: Syntax::Json,
        bom: false,
    })
}

/// Binary formats that are never a model, by their signature: neither can
/// start a UTF-8 text, so no JSON or YAML file is mistaken for one.
fn binary_not_a_model(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        // Pickle protocols 2 to 5 start with PROTO (0x80) and the version.
        [0x80, 2..=5, ..] => Some("it looks like a Python pickle"),
        [0x93, b'N', b'U', b'M', b'P', b'Y', ..] => Some("it looks like a NumPy array (`.npy`)"),
        _ => None,
    }
}

/// Python source and notebooks, by their name.
pub fn python_syntax(path: &str) -> Option<Syntax> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".py") || lower.ends_with(".pyw") {
        Some(Syntax::Python)
    } else if lower.ends_with(".ipynb") {
        Some(Syntax::Notebook)
    } else {
        None
    }
}

/// `.bin`: TensorFlow.js weights shards (`group1-shard1of1.bin`).
fn is_weights_shard(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".bin")
}

/// Reads at most `limit + 1` bytes: more than `limit` means "too large",
/// without reading (or allocating) the rest. `size` is the expected length
/// (0 when unknown): the buffer starts that large, so that the reader is
/// asked once rather than for a series of growing chunks.
pub fn read_capped(reader: impl Read, limit: u64, size: u64) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::with_capacity(usize::try_from(size.min(limit)).map_or(0, |n| n + 1));
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut data)?;
    Ok(data)
}

fn to_text(bytes: &[u8]) -> Result<(String, bool), DecodeError> {
    let (body, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    match std::str::from_utf8(body) {
        // NUL is valid UTF-8 but allowed by neither JSON nor YAML: here it
        // is UTF-16 without a BOM (ASCII text with a zero byte beside each
        // character) or binary data.
        Ok(s) if s.contains('\0') => Err(DecodeError::NotUtf8 {
            byte: body.iter().position(|&b| b == 0).unwrap_or(0) + usize::from(bom) * 3,
            hint: if looks_like_utf16(body) {
                "; it looks like UTF-16: save it as UTF-8"
            } else {
                "; it looks like a binary file"
            },
        }),
        Ok(s) => Ok((s.to_string(), bom)),
        Err(e) => {
            let hint = if body.starts_with(b"\xFF\xFE")
                || body.starts_with(b"\xFE\xFF")
                || looks_like_utf16(body)
            {
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

/// UTF-16 text without a BOM: ASCII characters with a zero byte beside
/// each, in the first 64 bytes.
fn looks_like_utf16(body: &[u8]) -> bool {
    let head = &body[..body.len().min(64) & !1];
    if head.len() < 4 {
        return false;
    }
    let pairs = head.chunks_exact(2);
    let n = pairs.len();
    let le = pairs.clone().filter(|p| p[0] != 0 && p[1] == 0).count();
    let be = pairs.filter(|p| p[0] == 0 && p[1] != 0).count();
    le == n || be == n
}

/// JSON when it looks like JSON (first significant character `{` or `[`)
/// or the file says so; YAML otherwise.
fn sniff(path: &str, text: &str) -> Syntax {
    if let Some(syntax) = python_syntax(path) {
        return syntax;
    }
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

/// Reads `config.json` out of a `.keras` archive. Only the central
/// directory and that one member are read, so a file on disk is never read
/// whole (the weights stay where they are).
pub fn decode_archive<R: Read + Seek>(
    mut reader: R,
    limits: ReadLimits,
) -> Result<Source, DecodeError> {
    // The entry count is checked before the zip reader allocates a record
    // for every entry the central directory claims to have.
    if let Some(entries) = declared_entries(&mut reader) {
        if entries > limits.max_archive_entries as u64 {
            return Err(DecodeError::TooManyEntries {
                entries,
                limit: limits.max_archive_entries,
            });
        }
    }
    if let Some(name) = duplicate_entry(&mut reader) {
        return Err(DecodeError::Archive(format!(
            "the archive lists `{}` more than once: zip readers disagree about which entry counts, so what Keras loads may not be what is checked here",
            name.chars().take(100).collect::<String>()
        )));
    }
    let _ = reader.seek(SeekFrom::Start(0));
    let mut archive = zip::ZipArchive::new(reader)
        .map_err(|e| DecodeError::Archive(format!("not a readable .keras (zip) archive: {e}")))?;
    if archive.len() > limits.max_archive_entries {
        return Err(DecodeError::TooManyEntries {
            entries: archive.len() as u64,
            limit: limits.max_archive_entries,
        });
    }
    let member = archive.by_name("config.json").map_err(|e| match e {
        zip::result::ZipError::FileNotFound => DecodeError::Archive(
            "archive has no `config.json`: is it a Keras `.keras` file?".to_string(),
        ),
        e => DecodeError::Archive(format!("cannot read `config.json` from the archive: {e}")),
    })?;
    // Read through a cap: the sizes in zip headers can lie.
    let data = read_capped(member, limits.max_archive_member_size, 0).map_err(|e| {
        DecodeError::Archive(format!("cannot read `config.json` from the archive: {e}"))
    })?;
    if data.len() as u64 > limits.max_archive_member_size {
        return Err(DecodeError::MemberTooLarge {
            limit: limits.max_archive_member_size,
        });
    }
    let (text, bom) = to_text(&data)?;
    Ok(Source {
        text,
        member: Some("config.json".to_string()),
        syntax: Syntax::Json,
        bom,
    })
}

/// An entry name the central directory lists twice (the zip reader keeps
/// only one of them). Read from the end-of-central-directory record and the
/// directory it points to; `None` when there is no duplicate, or the
/// directory cannot be read this way (zip64; the zip reader reports a
/// broken one).
fn duplicate_entry<R: Read + Seek>(reader: &mut R) -> Option<String> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const HEADER: &[u8] = b"PK\x01\x02";
    let len = reader.seek(SeekFrom::End(0)).ok()?;
    let tail_len = len.min(22 + 65_535);
    reader.seek(SeekFrom::Start(len - tail_len)).ok()?;
    let mut tail = Vec::new();
    reader.take(tail_len).read_to_end(&mut tail).ok()?;
    let at = tail.windows(4).rposition(|w| w == EOCD)?;
    let record = tail.get(at..at + 22)?;
    let size = u32::from_le_bytes(record[12..16].try_into().ok()?);
    let offset = u32::from_le_bytes(record[16..20].try_into().ok()?);
    if size == u32::MAX || offset == u32::MAX || u64::from(offset) + u64::from(size) > len {
        return None;
    }
    reader.seek(SeekFrom::Start(u64::from(offset))).ok()?;
    let mut dir = Vec::new();
    reader.take(u64::from(size)).read_to_end(&mut dir).ok()?;
    let mut seen = std::collections::HashSet::new();
    let mut at = 0;
    while let Some(header) = dir.get(at..at + 46) {
        if &header[..4] != HEADER {
            return None;
        }
        let field = |i: usize| usize::from(u16::from_le_bytes([header[i], header[i + 1]]));
        let (name_len, extra_len, comment_len) = (field(28), field(30), field(32));
        let name = dir.get(at + 46..at + 46 + name_len)?;
        if !seen.insert(name) {
            return Some(String::from_utf8_lossy(name).into_owned());
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    None
}

/// The entry count in the end-of-central-directory record, when one is
/// found in the last 64 KiB; `u64::MAX` for a zip64 marker (more than
/// 65,534 entries).
fn declared_entries<R: Read + Seek>(reader: &mut R) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let len = reader.seek(SeekFrom::End(0)).ok()?;
    let tail_len = len.min(22 + 65_535);
    reader.seek(SeekFrom::Start(len - tail_len)).ok()?;
    let mut tail = Vec::new();
    reader.take(tail_len).read_to_end(&mut tail).ok()?;
    let at = tail.windows(4).rposition(|w| w == EOCD)?;
    let record = tail.get(at..at + 22)?;
    let total = u16::from_le_bytes([record[10], record[11]]);
    let classic = if total == u16::MAX {
        u64::MAX
    } else {
        u64::from(total)
    };
    // A zip64 end record (found through its locator, just before the
    // classic record) is what zip readers believe: its count may be far
    // larger than the classic record's.
    Some(classic.max(zip64_entries(reader, &tail, at).unwrap_or(0)))
}

/// The entry count of the zip64 end-of-central-directory record, when the
/// classic record at `at` in `tail` has a zip64 locator before it.
fn zip64_entries<R: Read + Seek>(reader: &mut R, tail: &[u8], at: usize) -> Option<u64> {
    const LOCATOR: &[u8] = b"PK\x06\x07";
    const RECORD: &[u8] = b"PK\x06\x06";
    let locator = tail.get(at.checked_sub(20)?..at)?;
    if &locator[..4] != LOCATOR {
        return None;
    }
    let offset = u64::from_le_bytes(locator[8..16].try_into().ok()?);
    reader.seek(SeekFrom::Start(offset)).ok()?;
    let mut record = [0u8; 56];
    reader.read_exact(&mut record).ok()?;
    if &record[..4] != RECORD {
        return None;
    }
    Some(u64::from_le_bytes(record[32..40].try_into().ok()?))
}

/// A byte range `[start, end)` into a source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub const fn empty(at: usize) -> Self {
        Span { start: at, end: at }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// Line starts of a text, for turning byte offsets into positions and back.
///
/// Lines end at `\n`, `\r\n` or a lone `\r`, as the Language Server Protocol
/// says, so the command line and the editor agree on every file. Columns
/// come in three units: bytes, characters (what people count, used by the
/// text formats) and UTF-16 code units (SARIF's and the protocol's unit).
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// All ASCII: columns are byte distances.
    ascii: bool,
    /// For other text, every `CHECKPOINT` bytes (at a char boundary): the
    /// byte offset and the characters and UTF-16 units before it, so that a
    /// column costs at most `CHECKPOINT` bytes of counting however long
    /// the line (Keras writes a whole model on one line).
    checkpoints: Vec<Checkpoint>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Checkpoint {
    byte: usize,
    chars: usize,
    utf16: usize,
}

const CHECKPOINT: usize = 4096;

/// A 1-based line and column; the column counts Unicode characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        if memchr::memchr(b'\r', bytes).is_none() {
            starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        } else {
            for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                // The `\r` of a `\r\n` ends nothing: its `\n` does.
                if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                    starts.push(i + 1);
                }
            }
        }
        let ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        if !ascii {
            let mut here = Checkpoint::default();
            checkpoints.push(here);
            while here.byte + CHECKPOINT < text.len() {
                let next = clamp_boundary(text, here.byte + CHECKPOINT);
                let chunk = &text[here.byte..next];
                here = Checkpoint {
                    byte: next,
                    chars: here.chars + chunk.chars().count(),
                    utf16: here.utf16 + chunk.encode_utf16().count(),
                };
                checkpoints.push(here);
            }
        }
        LineIndex {
            text,
            starts,
            ascii,
            checkpoints,
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Characters and UTF-16 units in the text before `offset` (a char
    /// boundary).
    fn counts_before(&self, offset: usize) -> (usize, usize) {
        if self.ascii {
            return (offset, offset);
        }
        let k = self.checkpoints.partition_point(|c| c.byte <= offset) - 1;
        let c = self.checkpoints[k];
        let rest = &self.text[c.byte..offset];
        (
            c.chars + rest.chars().count(),
            c.utf16 + rest.encode_utf16().count(),
        )
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Number of lines (a text ending in a line break has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Where a 0-based line starts; a line past the last is the last.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line.min(self.starts.len() - 1)]
    }

    /// End of a line's content: before its `\n`, `\r\n` or `\r`.
    pub fn line_end(&self, line: usize) -> usize {
        let Some(&next) = self.starts.get(line + 1) else {
            return self.text.len();
        };
        let bytes = self.text.as_bytes();
        let start = self.line_start(line);
        let mut end = next - 1;
        if bytes[end] == b'\n' && end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        end
    }

    /// The 1-based line and character column of a byte offset. An offset
    /// past the end is the end; one inside a character counts as its start.
    pub fn position(&self, offset: usize) -> Position {
        let offset = clamp_boundary(self.text, offset);
        let line = self.line_of(offset);
        // Keras writes a model on one line: counting characters from the
        // line start would make every position cost the file's length.
        let column = self.counts_before(offset).0 - self.counts_before(self.starts[line]).0 + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The 1-based column of `offset` in UTF-16 code units (SARIF's unit).
    pub fn utf16_column(&self, offset: usize) -> usize {
        let offset = clamp_boundary(self.text, offset);
        let start = self.starts[self.line_of(offset)];
        self.counts_before(offset).1 - self.counts_before(start).1 + 1
    }

    /// The 0-based line and UTF-16 character of a byte offset, as the
    /// Language Server Protocol counts them. The `\n` of a `\r\n` is the end
    /// of its line too.
    pub fn utf16_position(&self, offset: usize) -> (usize, usize) {
        let offset = clamp_boundary(self.text, offset);
        let line = self.line_of(offset);
        let offset = offset.min(self.line_end(line));
        let character = self.counts_before(offset).1 - self.counts_before(self.starts[line]).1;
        (line, character)
    }

    /// The byte offset of a 0-based line and UTF-16 character. A character
    /// past the end of its line is the line's end, a line past the last one
    /// is the end of the text, and a position inside a surrogate pair counts
    /// as the start of its character.
    pub fn utf16_offset(&self, line: usize, character: usize) -> usize {
        if line >= self.starts.len() {
            return self.text.len();
        }
        let start = self.line_start(line);
        let end = self.line_end(line);
        let mut units = 0usize;
        for (i, c) in self.text[start..end].char_indices() {
            let next = units + c.len_utf16();
            if next > character {
                return start + i;
            }
            units = next;
        }
        end
    }
}

/// The nearest char boundary at or before `offset`, within the text.
pub fn clamp_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A zip64 end record that claims many entries while the classic record
    /// claims one: the count zip readers believe is the one checked.
    #[test]
    fn a_zip64_record_cannot_understate_the_entry_count() {
        let mut bytes = zip_with(&[("config.json", b"{}")]);
        let eocd = bytes.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
        let classic = bytes.split_off(eocd);
        let record_at = bytes.len() as u64;
        // zip64 end of central directory record: signature, size of the
        // rest (44), versions, disk numbers, entries on this disk and in
        // total, directory size and offset (copied from the classic record).
        bytes.extend_from_slice(b"PK\x06\x06");
        bytes.extend_from_slice(&44u64.to_le_bytes());
        bytes.extend_from_slice(&[45, 0, 45, 0]);
        bytes.extend_from_slice(&[0; 8]);
        bytes.extend_from_slice(&1_000_000_000u64.to_le_bytes());
        bytes.extend_from_slice(&1_000_000_000u64.to_le_bytes());
        let dir_size = u32::from_le_bytes(classic[12..16].try_into().unwrap());
        let dir_offset = u32::from_le_bytes(classic[16..20].try_into().unwrap());
        bytes.extend_from_slice(&u64::from(dir_size).to_le_bytes());
        bytes.extend_from_slice(&u64::from(dir_offset).to_le_bytes());
        // The locator: signature, disk, the record's offset, disk count.
        bytes.extend_from_slice(b"PK\x06\x07");
        bytes.extend_from_slice(&[0; 4]);
        bytes.extend_from_slice(&record_at.to_le_bytes());
        bytes.extend_from_slice(&1u32.to_le_bytes());
        bytes.extend_from_slice(&classic);
        match decode("m.keras", &bytes, ReadLimits::default()) {
            Err(DecodeError::TooManyEntries { entries, .. }) => assert_eq!(entries, 1_000_000_000),
            other => panic!("{other:?}"),
        }
    }

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn bom_is_removed_and_remembered() {
        let s = decode("m.yaml", b"\xEF\xBB\xBFlayers: []\n", ReadLimits::default()).unwrap();
        assert_eq!(s.text, "layers: []\n");
        assert!(s.bom);
    }

    #[test]
    fn encodings_other_than_utf8_name_the_byte() {
        let latin1 = decode("m.yaml", b"name: mod\xe8le\n", ReadLimits::default()).unwrap_err();
        assert_eq!(
            latin1.to_string(),
            "file is not UTF-8 (invalid byte at offset 9); save it as UTF-8"
        );
        let utf16: Vec<u8> = "layers: []"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let e = decode("m.yaml", &utf16, ReadLimits::default()).unwrap_err();
        assert!(e.to_string().contains("UTF-16"), "{e}");
        let mut with_bom = vec![0xFF, 0xFE];
        with_bom.extend(&utf16);
        let e = decode("m.yaml", &with_bom, ReadLimits::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "file is not UTF-8 (invalid byte at offset 0); it looks like UTF-16: save it as UTF-8"
        );
        let e = decode("m.json", b"{\"a\": \x00\x01\xff}", ReadLimits::default()).unwrap_err();
        assert!(e.to_string().contains("binary"), "{e}");
        // The offset counts the BOM.
        let e = decode("m.yaml", b"\xEF\xBB\xBFab\xff", ReadLimits::default()).unwrap_err();
        assert!(e.to_string().contains("offset 5"), "{e}");
    }

    #[test]
    fn text_over_the_size_limit_is_not_decoded() {
        let limits = ReadLimits {
            max_file_size: 10,
            ..ReadLimits::default()
        };
        let e = decode("m.yaml", b"layers: [1, 2, 3]", limits).unwrap_err();
        assert_eq!(
            e.to_string(),
            "file is 17 bytes, over the file size limit of 10 bytes (`max-file-size`); it was not read"
        );
        assert_eq!(
            DecodeError::TooLarge { size: None, limit: 64 << 20 }.to_string(),
            "file is larger than the file size limit of 67108864 bytes (64 MiB) (`max-file-size`); it was not read"
        );
    }

    #[test]
    fn archive_member_is_read_through_a_cap() {
        let big = vec![b' '; 100_000];
        let zip = zip_with(&[("config.json", &big)]);
        assert!(zip.len() < 2_000, "deflate makes it small: {}", zip.len());
        let limits = ReadLimits {
            max_archive_member_size: 50_000,
            ..ReadLimits::default()
        };
        let e = decode("m.keras", &zip, limits).unwrap_err();
        assert_eq!(e, DecodeError::MemberTooLarge { limit: 50_000 });
        assert!(decode("m.keras", &zip, ReadLimits::default()).is_ok());
    }

    #[test]
    fn archive_entry_count_is_checked_before_opening() {
        let names: Vec<String> = (0..20).map(|i| format!("f{i}")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        let zip = zip_with(&entries);
        let limits = ReadLimits {
            max_archive_entries: 5,
            ..ReadLimits::default()
        };
        let e = decode("m.keras", &zip, limits).unwrap_err();
        assert_eq!(
            e,
            DecodeError::TooManyEntries {
                entries: 20,
                limit: 5
            }
        );
        let e = decode("m.keras", &zip, ReadLimits::default()).unwrap_err();
        assert!(e.to_string().contains("no `config.json`"), "{e}");
    }

    #[test]
    fn archives_are_recognised_by_name_or_signature() {
        assert!(is_archive("model.KERAS", b"{}"));
        assert!(is_archive("model.json", b"PK\x03\x04rest"));
        assert!(!is_archive("model.json", b"{}"));
        let e = decode("m.keras", b"not a zip", ReadLimits::default()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("not a readable .keras (zip) archive"),
            "{e}"
        );
    }

    #[test]
    fn binaries_that_are_never_models_are_named() {
        let limits = ReadLimits::default();
        let e = decode("m.json", b"\x80\x04\x95\x00", limits).unwrap_err();
        assert_eq!(
            e.to_string(),
            "not a model file: it looks like a Python pickle"
        );
        let e = decode("m.npy", b"\x93NUMPY\x01\x00", limits).unwrap_err();
        assert!(matches!(e, DecodeError::NotAModelFile(_)), "{e}");
        let e = decode("group1-shard1of1.bin", b"\x00\x00\x80\x3f", limits).unwrap_err();
        assert!(e.to_string().contains("TensorFlow.js weights"), "{e}");
        // Elsewhere, binary data is a file that is not UTF-8.
        let e = decode("m.json", b"\x00\x00\x80\x3f", limits).unwrap_err();
        assert!(matches!(e, DecodeError::NotUtf8 { .. }), "{e}");
        // A `.bin` that is text is read as usual.
        assert!(decode("m.bin", b"layers: []", limits).is_ok());
    }

    #[test]
    fn hdf5_files_become_the_json_of_their_attributes() {
        let limits = ReadLimits::default();
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/formats/h5/compiled_cce_softmax3.h5"
        ))
        .unwrap();
        // Under any name, `.keras` included.
        for name in ["m.h5", "m.keras", "m"] {
            let s = decode(name, &bytes, limits).unwrap();
            assert_eq!(s.member.as_deref(), Some(hdf5::MEMBER));
            assert_eq!(s.syntax, Syntax::Json);
            assert!(
                s.text.starts_with("{\n  \"model_config\": {\n"),
                "{}",
                s.text
            );
            assert!(
                s.text.contains("\n  \"keras_version\": \"2.19.0\""),
                "{}",
                s.text
            );
        }
        // The file size limit applies as to any file.
        let small = ReadLimits {
            max_file_size: 1000,
            ..limits
        };
        assert!(matches!(
            decode("m.h5", &bytes, small),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn byte_counts_read_well() {
        assert_eq!(bytes(10), "10 bytes");
        assert_eq!(bytes(2048), "2048 bytes (2 KiB)");
        assert_eq!(bytes(64 << 20), "67108864 bytes (64 MiB)");
        assert_eq!(bytes(3 * 1024 * 1024 / 2), "1572864 bytes (1.5 MiB)");
    }

    #[test]
    fn columns_on_long_non_ascii_lines_match_counting() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(&format!("é日{i}😀,"));
            if i % 997 == 0 {
                text.push('\n');
            }
        }
        let index = LineIndex::new(&text);
        for offset in (0..text.len()).step_by(331).chain([text.len()]) {
            let offset = clamp_boundary(&text, offset);
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let before = &text[line_start..offset];
            let p = index.position(offset);
            assert_eq!(p.column, before.chars().count() + 1, "at {offset}");
            assert_eq!(p.line, text[..offset].matches('\n').count() + 1);
            assert_eq!(
                index.utf16_column(offset),
                before.encode_utf16().count() + 1
            );
        }
    }

    #[test]
    fn ascii_offsets_are_columns() {
        let ix = LineIndex::new("ab\ncd\n");
        assert_eq!(ix.utf16_position(0), (0, 0));
        assert_eq!(ix.utf16_position(4), (1, 1));
        assert_eq!(ix.utf16_position(6), (2, 0));
        assert_eq!(ix.utf16_offset(1, 1), 4);
        assert_eq!(ix.position(4), Position { line: 2, column: 2 });
    }

    #[test]
    fn non_ascii_text_before_the_span_counts_in_utf16_units() {
        // `é` is 2 bytes and 1 UTF-16 unit; `🙂` is 4 bytes and 2 units.
        let text = "# café 🙂\nactivation: relu # ünïcode\n";
        let ix = LineIndex::new(text);
        let relu = text.find("relu").unwrap();
        assert_eq!(ix.utf16_position(relu), (1, 12));
        let after_emoji = text.find('\n').unwrap();
        // "# café " is 7 units, the emoji 2.
        assert_eq!(ix.utf16_position(after_emoji), (0, 9));
        let same_line = "x: \"😀😀\" # ok\ny: relu";
        let ix = LineIndex::new(same_line);
        let hash = same_line.find('#').unwrap();
        // `x: "` is 4 units, each emoji 2, then `" `.
        assert_eq!(ix.utf16_position(hash), (0, 10));
        // And back.
        assert_eq!(ix.utf16_offset(0, 10), hash);
        let relu = same_line.find("relu").unwrap();
        let (line, character) = ix.utf16_position(relu);
        assert_eq!(ix.utf16_offset(line, character), relu);
    }

    #[test]
    fn every_character_boundary_round_trips() {
        let text = "a\u{e9}\u{1F642}b\r\nz\u{3b1}\rq\n\u{10348}";
        let ix = LineIndex::new(text);
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            if text[..i].ends_with('\r') && text[i..].starts_with('\n') {
                // Between `\r` and `\n` is not a position.
                continue;
            }
            let (line, character) = ix.utf16_position(i);
            assert_eq!(ix.utf16_offset(line, character), i, "offset {i}");
        }
    }

    #[test]
    fn line_breaks_are_lf_crlf_and_cr() {
        let ix = LineIndex::new("a\r\nb\rc\nd");
        assert_eq!(ix.utf16_position(3), (1, 0));
        assert_eq!(ix.utf16_position(5), (2, 0));
        assert_eq!(ix.utf16_position(7), (3, 0));
        assert_eq!(ix.position(5), Position { line: 3, column: 1 });
        assert_eq!(ix.line_count(), 4);
        assert_eq!(ix.line_end(0), 1);
        assert_eq!(ix.line_end(1), 4);
        assert_eq!(ix.line_end(3), 8);
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let ix = LineIndex::new("ab\ncd");
        assert_eq!(ix.utf16_offset(0, 99), 2);
        assert_eq!(ix.utf16_offset(7, 0), 5);
        assert_eq!(ix.utf16_position(99), (1, 2));
        // Inside a surrogate pair: the start of the character.
        let ix = LineIndex::new("\u{1F642}x");
        assert_eq!(ix.utf16_offset(0, 1), 0);
        assert_eq!(ix.utf16_offset(0, 2), 4);
        // Inside a multi-byte character: its start.
        assert_eq!(ix.utf16_position(2), (0, 0));
    }
}
