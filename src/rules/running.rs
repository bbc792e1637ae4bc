//! Which rule is running on this thread, so that a panic can be reported
//! as an internal error of that rule (see [`crate::lint::isolate`]).
//!
//! Testing the path: in debug builds only, `ACTLINT_INTERNAL_PANIC_TEST=CODE`
//! makes the rule with that code panic on every model, and
//! `ACTLINT_INTERNAL_PANIC_TEST=CODE:TEXT` only in files whose path contains
//! `TEXT` (see `docs/robustness.md`). Release builds do not contain the
//! trigger.

use std::cell::Cell;
#[cfg(debug_assertions)]
use std::cell::RefCell;

use super::RuleMeta;

thread_local! {
    /// The rule being called on this thread, while one is.
    static RULE: Cell<Option<&'static RuleMeta>> = const { Cell::new(None) };
    /// The file being linted, for the test trigger.
    #[cfg(debug_assertions)]
    static FILE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Called by the rule engine before each call into a rule.
pub fn enter_rule(meta: &'static RuleMeta) {
    RULE.with(|r| r.set(Some(meta)));
    #[cfg(debug_assertions)]
    test_trigger(meta.code);
}

/// Called by the rule engine when it is done with the rules.
pub fn leave_rules() {
    RULE.with(|r| r.set(None));
}

/// Sets the rule recorded as running, returning the one that was.
pub fn replace(rule: Option<&'static RuleMeta>) -> Option<&'static RuleMeta> {
    RULE.with(|r| r.replace(rule))
}

/// Records the file being linted on this thread (for the test trigger).
pub fn linting_file(path: &str) {
    #[cfg(debug_assertions)]
    FILE.with(|p| path.clone_into(&mut p.borrow_mut()));
    #[cfg(not(debug_assertions))]
    let _ = path;
}

/// The environment variable that makes a rule panic, in debug builds.
pub const PANIC_TEST_VAR: &str = "ACTLINT_INTERNAL_PANIC_TEST";

#[cfg(debug_assertions)]
fn test_trigger(code: &str) {
    static CODE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let requested = CODE.get_or_init(|| std::env::var(PANIC_TEST_VAR).ok());
    let Some(requested) = requested.as_deref() else {
        return;
    };
    let (wanted, in_path) = match requested.split_once(':') {
        Some((c, p)) => (c, Some(p)),
        None => (requested, None),
    };
    let file_matches = in_path.is_none_or(|p| FILE.with(|f| f.borrow().contains(p)));
    if wanted == code && file_matches {
        panic!("{PANIC_TEST_VAR} asked rule {code} to panic");
    }
}
