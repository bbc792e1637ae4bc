//! The `.keras` reader: any bytes as an archive, and any bytes as the
//! `config.json` of a well-formed archive (stored or deflated). Never
//! panics, and never returns more text than the limit allows.
#![no_main]

use std::io::Write;

use actlint::source::{decode, ReadLimits};
use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let small = ReadLimits {
        max_file_size: 1 << 20,
        max_archive_entries: 8,
        max_archive_member_size: 4096,
        max_python_size: 4096,
    };
    let limits = if mode & 1 == 0 {
        ReadLimits::default()
    } else {
        small
    };
    let bytes = if mode & 2 == 0 {
        rest.to_vec()
    } else {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let method = if mode & 4 == 0 {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let name = if mode & 8 == 0 {
            "config.json"
        } else {
            "metadata.json"
        };
        zip.start_file(
            name,
            SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        zip.write_all(rest).unwrap();
        zip.finish().unwrap().into_inner()
    };
    if let Ok(source) = decode("model.keras", &bytes, limits) {
        assert!(source.text.len() as u64 <= limits.max_archive_member_size);
        let _ = actlint::lint::lint_bytes(
            "model.keras",
            &bytes,
            &actlint::lint::Options {
                read_limits: limits,
                ..Default::default()
            },
        );
    }
});
