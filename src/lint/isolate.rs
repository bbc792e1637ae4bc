//! Per-file isolation: a bug that panics while one file is linted becomes
//! an internal-error diagnostic for that file, naming the rule that was
//! running, and every other file is still linted and reported.
//!
//! [`catch`] runs the work for one file under `catch_unwind`. The rule
//! engine records which rule it is calling ([`running::enter_rule`]), so the report
//! can say where the panic happened. [`install_panic_hook`] (called by the
//! command line) keeps the default panic message from being printed in the
//! middle of the output while a file is being linted: the message is kept
//! and put into the diagnostic instead. Panics anywhere else still print as
//! usual.
//!
//! The debug-only trigger that makes a rule panic, for testing this path, is
//! described in [`crate::rules::running`].

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::diagnostic::Diagnostic;
use crate::rules::{parse_error, running};

pub use running::PANIC_TEST_VAR;

/// Every internal-error message starts with this.
pub const INTERNAL_ERROR: &str = "internal error";

thread_local! {
    /// How many [`catch`] calls are active on this thread.
    static GUARDED: Cell<usize> = const { Cell::new(0) };
    /// The message and place of the last panic the hook kept.
    static LAST_PANIC: RefCell<Option<(String, Option<String>)>> = const { RefCell::new(None) };
}

/// A panic caught while linting one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternalError {
    /// The rule that was running, when it was a rule.
    pub rule: Option<&'static str>,
    pub rule_name: Option<&'static str>,
    /// The panic message.
    pub message: String,
    /// `file:line:column` of the panic in actlint's source, when known.
    pub location: Option<String>,
}

impl InternalError {
    /// The ACT000 diagnostic that reports it for the file.
    pub fn diagnostic(&self) -> Diagnostic {
        let place = match (self.rule, self.rule_name) {
            (Some(code), Some(name)) => format!(" in rule {code} ({name})"),
            (Some(code), None) => format!(" in rule {code}"),
            _ => String::new(),
        };
        let at = match &self.location {
            Some(l) => format!(" (panicked at {l})"),
            None => String::new(),
        };
        let message = format!(
            "{INTERNAL_ERROR}{place} while linting this file: {}{at}",
            self.message
        );
        parse_error::META.diag(message).help(
            "this is a bug in actlint, not a problem in the file; please report it with the file attached. \
             The other files were linted as usual",
        )
    }
}

/// Whether a diagnostic reports an internal error (a caught panic).
pub fn is_internal_error(d: &Diagnostic) -> bool {
    d.code == parse_error::META.code && d.message.starts_with(INTERNAL_ERROR)
}

/// Runs the lint of the file `path`, turning a panic into an [`InternalError`].
pub fn catch_file<T>(path: &str, f: impl FnOnce() -> T) -> Result<T, InternalError> {
    running::linting_file(path);
    catch(f)
}

/// Runs `f`, turning a panic into an [`InternalError`].
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, InternalError> {
    GUARDED.with(|g| g.set(g.get() + 1));
    let outer_rule = running::replace(None);
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    let rule = running::replace(outer_rule);
    GUARDED.with(|g| g.set(g.get() - 1));
    result.map_err(|payload| {
        let kept = LAST_PANIC.with(RefCell::take);
        let from_payload = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned());
        let (message, location) = match kept {
            Some((message, location)) => (message, location),
            None => (from_payload.unwrap_or_else(|| "a panic".to_string()), None),
        };
        InternalError {
            rule: rule.map(|m| m.code),
            rule_name: rule.map(|m| m.name),
            message,
            location,
        }
    })
}

/// Installs (once) a panic hook that keeps the message of a panic inside
/// [`catch`] for the report instead of printing it; other panics go to the
/// hook that was installed before.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) == 0 {
                previous(info);
                return;
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".to_string());
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
            LAST_PANIC.with(|p| *p.borrow_mut() = Some((message, location)));
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error_naming_the_rule() {
        install_panic_hook();
        let meta = crate::rules::find("ACT401").unwrap();
        let err = catch(|| {
            running::enter_rule(meta);
            let v: Vec<u8> = Vec::new();
            v[usize::from(v.is_empty())]
        })
        .unwrap_err();
        assert_eq!(err.rule, Some("ACT401"));
        assert_eq!(err.rule_name, Some("relu-without-he-init"));
        assert!(err.message.contains("index out of bounds"), "{err:?}");
        assert!(
            err.location
                .as_deref()
                .is_some_and(|l| l.contains("isolate.rs")),
            "{err:?}"
        );
        let d = err.diagnostic();
        assert!(is_internal_error(&d));
        assert!(
            d.message.starts_with(
                "internal error in rule ACT401 (relu-without-he-init) while linting this file: index out of bounds"
            ),
            "{}",
            d.message
        );
        assert_eq!(d.code, "ACT000");
        // The rule context does not leak into the next file.
        assert_eq!(catch(|| running::replace(None).map(|m| m.code)), Ok(None));
    }

    #[test]
    fn a_panic_outside_the_rules_names_no_rule() {
        let err = catch(|| -> u8 { panic!("boom {}", 1) }).unwrap_err();
        assert_eq!(err.rule, None);
        assert!(err.message.contains("boom 1"), "{err:?}");
        assert!(err
            .diagnostic()
            .message
            .starts_with("internal error while linting this file: boom 1"));
        assert_eq!(catch(|| 7), Ok(7));
    }

    #[test]
    fn parse_errors_are_not_internal_errors() {
        assert!(!is_internal_error(
            &parse_error::META.diag("invalid JSON: internal error")
        ));
    }
}
