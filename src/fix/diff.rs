//! `--diff`: a unified diff of what fixing would change.

use similar::TextDiff;

use crate::escape;

/// The unified diff from `old` to `new`, with `a/` and `b/` headers naming
/// `path`; empty when the texts are equal. Lines that could forge a CI
/// command or hold control characters are escaped ([`escape::diff`]).
pub fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let path = escape::text(path);
    escape::diff(
        TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn shows_the_changed_line_with_context() {
        let d = super::unified("m.yaml", "a: 1\nb: relu\nc: 3\n", "a: 1\nb: tanh\nc: 3\n");
        assert_eq!(
            d,
            "--- a/m.yaml\n+++ b/m.yaml\n@@ -1,3 +1,3 @@\n a: 1\n-b: relu\n+b: tanh\n c: 3\n"
        );
        assert_eq!(super::unified("m.yaml", "x", "x"), "");
    }
}
