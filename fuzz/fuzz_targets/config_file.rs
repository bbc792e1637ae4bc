//! The configuration reader: `actlint.toml` / `pyproject.toml` text through
//! `config::file::parse`, as the command line reads a configuration file.
//! Never panics; every error that points into the file carries its text and
//! a span inside it on character boundaries; errors render (quoted and
//! redacted); a configuration that reads resolves into settings for a few
//! paths, and those settings give lint options.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use actlint::config::{error, file, untrusted, Overrides, Resolver};
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &["actlint.toml", ".actlint.toml", "pyproject.toml"];

const FILES: &[&str] = &[
    "/project/model.json",
    "/project/sub/dir/model.keras",
    "/project/.venv/lib/model.yaml",
    "/elsewhere/model.json",
    "/project/notebooks/train.ipynb",
    "/project/legacy/model.h5",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    // The command line reads configuration files as UTF-8 text.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let name = NAMES[usize::from(selector) % NAMES.len()];
    let path = Path::new("/project").join(name);
    let display: Arc<str> = Arc::from(name);
    match file::parse(&path, display.clone(), text) {
        Err(errors) => {
            assert!(!errors.is_empty(), "an Err without errors");
            for e in &errors {
                if let Some(span) = &e.span {
                    let quoted = e.text.as_deref().expect("a span without text");
                    assert_eq!(quoted, text, "an error quotes another text");
                    assert!(
                        span.start <= span.end && span.end <= text.len(),
                        "span {span:?} outside the text of {} bytes",
                        text.len()
                    );
                    assert!(
                        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                        "span {span:?} not on character boundaries"
                    );
                }
            }
            let _ = error::render(&errors, selector & 1 == 1);
            let escaped: Vec<_> = errors.iter().map(untrusted::escaped).collect();
            let _ = error::render(&escaped, false);
            let redacted = untrusted::redact(errors, &display, text);
            let _ = error::render(&redacted, false);
        }
        Ok(None) => assert_eq!(
            name, "pyproject.toml",
            "only pyproject.toml may say nothing"
        ),
        Ok(Some(config)) => {
            let resolver = Resolver::with_cwd(
                Overrides {
                    isolated: true,
                    ..Overrides::default()
                },
                PathBuf::from("/project"),
            )
            .expect("no flags, no errors");
            let config = Arc::new(config);
            for f in FILES {
                let settings = resolver.settings_with(Path::new(f), Some(Arc::clone(&config)));
                let _ = settings.options();
                let _ = settings.fail_threshold();
            }
        }
    }
});
