//! The HDF5 reader: any bytes after the HDF5 signature (or, with the mode
//! byte's low bit set, exactly as given) read as a Keras HDF5 model file,
//! then the whole pipeline on them. The reader never panics (a panic inside
//! it would be caught and reported as an internal error: here it aborts, so
//! libFuzzer reports it), and the JSON text built from the attributes stays
//! within a bounded factor of the file's size.
#![no_main]

use actlint::source::hdf5::{to_json, Hdf5, Hdf5Error, MAGIC};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode & 1 == 0 && !rest.starts_with(MAGIC) {
        [MAGIC, rest].concat()
    } else {
        rest.to_vec()
    };
    match to_json(&bytes) {
        Ok(Hdf5::Model(text)) => {
            // Indentation is bounded (16 levels of two spaces a line).
            assert!(
                text.len() <= 40 * bytes.len() + 1024,
                "{} from {}",
                text.len(),
                bytes.len()
            );
        }
        Ok(Hdf5::NotAModel(_)) | Err(Hdf5Error::Corrupt(_) | Hdf5Error::NotAString(_)) => {}
        Err(e @ Hdf5Error::Internal(_)) => panic!("{e}"),
    }
    if mode & 2 != 0 {
        let report = actlint::lint::lint_bytes("model.h5", &bytes, &Default::default());
        assert!(!report.internal_error(), "{:?}", report.diagnostics);
    }
});
