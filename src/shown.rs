//! How values from outside are shown back: in error messages and in JSON on stdout.
//!
//! An error names the bad value, but a value may be 100,000 characters long or
//! carry escape sequences; [`value`] quotes it with every control character
//! escaped (so what is shown is what was given, not a cleaned copy that looks
//! valid) and cuts it to a readable length. JSON on stdout may be read at a
//! terminal: serde_json escapes only the C0 controls, so [`json`] also escapes
//! the C1 controls (`\u009b` is a CSI on many terminals), DEL and the Unicode
//! controls that reorder or hide text, keeping the document's meaning.

/// The longest value quoted whole in a message, in characters.
pub const MAX_SHOWN_CHARS: usize = 120;

/// `value` quoted for a message: control characters escaped, and when longer
/// than [`MAX_SHOWN_CHARS`] cut, marked, and its length given.
pub fn value(value: &str) -> String {
    let count = value.chars().count();
    if count <= MAX_SHOWN_CHARS {
        return format!("{value:?}");
    }
    let head: String = value.chars().take(MAX_SHOWN_CHARS).collect();
    format!("{head:?}… ({count} characters)")
}

/// Characters JSON may carry raw that a terminal could act on.
fn needs_escape(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A serialized JSON document with the characters above written as `\uXXXX`.
/// They can only occur inside strings, where the escape means the same thing.
pub fn json(text: String) -> String {
    // Every document bound for stdout passes here: main then prints no second one.
    crate::output::mark_document_written();
    if !text.chars().any(needs_escape) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_quoted_with_controls_escaped() {
        assert_eq!(value("web"), "\"web\"");
        assert_eq!(value("a\u{1b}[31m"), "\"a\\u{1b}[31m\"");
    }

    #[test]
    fn long_values_are_cut_and_measured() {
        let shown = value(&"x".repeat(100_000));
        assert!(shown.ends_with("… (100000 characters)"), "{shown}");
        assert!(shown.chars().count() < MAX_SHOWN_CHARS + 30, "{shown}");
    }

    #[test]
    fn json_escapes_c1_and_bidi_controls_without_changing_the_value() {
        let original = serde_json::json!({"a": "x\u{9b}1m\u{202e}y\u{7f}", "b": "plain ü"});
        let text = json(serde_json::to_string(&original).unwrap());
        assert!(
            !text.contains('\u{9b}') && !text.contains('\u{202e}'),
            "{text}"
        );
        assert!(
            text.contains("\\u009b") && text.contains("\\u202e"),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, original);
    }
}
