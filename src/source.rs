//! Reading a file's bytes into text: UTF-8 (with or without BOM) checks,
//! format sniffing, and `config.json` out of `.keras` archives.
//!
//! Everything read here is bounded by [`ReadLimits`]: a text file larger
//! than the file size limit is not parsed, an archive that lists too many
//! entries is not opened, and `config.json` is read through a cap, because
//! the sizes in zip headers can lie (a zip bomb declares a small size and
//! inflates to gigabytes).

use std::io::{Read, Seek, SeekFrom};

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
}

/// 64 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_archive_entries: 10_000,
            max_archive_member_size: DEFAULT_MAX_FILE_SIZE,
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
    Archive(String),
    Hdf5,
}

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
            DecodeError::Archive(msg) => write!(f, "{msg}"),
            DecodeError::Hdf5 => f.write_str(
                "HDF5 (.h5) model files are not supported yet: save the model as `.keras` or export `model.to_json()`",
            ),
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
const HDF5_MAGIC: &[u8] = b"\x89HDF\r\n\x1a\n";

/// Whether a file is read as a `.keras` (zip) archive: by its name, or by
/// the zip signature at its start.
pub fn is_archive(path: &str, head: &[u8]) -> bool {
    head.starts_with(ZIP_MAGIC)
        || head.starts_with(EMPTY_ZIP_MAGIC)
        || path.to_ascii_lowercase().ends_with(".keras")
}

/// Turns a file's bytes into parseable text.
pub fn decode(path: &str, bytes: &[u8], limits: ReadLimits) -> Result<Source, DecodeError> {
    if bytes.starts_with(HDF5_MAGIC) {
        return Err(DecodeError::Hdf5);
    }
    if is_archive(path, bytes) {
        return decode_archive(std::io::Cursor::new(bytes), limits);
    }
    if bytes.len() as u64 > limits.max_file_size {
        return Err(DecodeError::TooLarge {
            size: Some(bytes.len() as u64),
            limit: limits.max_file_size,
        });
    }
    let (text, bom) = to_text(bytes)?;
    Ok(Source {
        syntax: sniff(path, &text),
        text,
        member: None,
        bom,
    })
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
    Some(if total == u16::MAX {
        u64::MAX
    } else {
        u64::from(total)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

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
    fn byte_counts_read_well() {
        assert_eq!(bytes(10), "10 bytes");
        assert_eq!(bytes(2048), "2048 bytes (2 KiB)");
        assert_eq!(bytes(64 << 20), "67108864 bytes (64 MiB)");
        assert_eq!(bytes(3 * 1024 * 1024 / 2), "1572864 bytes (1.5 MiB)");
    }
}
