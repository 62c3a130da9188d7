//! Making cluster text safe to show and to send: redaction and sanitizing.
//!
//! Event messages, status messages and especially log lines come from the
//! cluster's workloads, so they may carry credentials and terminal escape
//! sequences. Every piece of cluster text that becomes evidence goes through
//! [`clean`]: credential-looking values are masked with `***` (secrets stay home,
//! also in a model prompt) and control characters are removed (no escape sequence
//! from outside ever reaches the terminal), and it is cut to a bounded length.

const MASK: &str = "***";

/// The longest single piece of evidence kept, in characters.
pub const MAX_EVIDENCE_CHARS: usize = 400;

/// Redacts, sanitizes and truncates one line of cluster text.
pub fn clean(text: &str) -> String {
    truncate(&redact(&sanitize(text)), MAX_EVIDENCE_CHARS)
}

/// Removes terminal escape sequences and control characters; newlines become spaces.
pub fn sanitize(text: &str) -> String {
    crate::output::sanitize(text)
        .replace(['\n', '\t'], " ")
        .trim_end()
        .to_string()
}

/// Cuts text to at most `max` characters, marking the cut.
pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Env values shorter than this are not scrubbed from text unless their name
/// says they are secret (masking "info" or "true" everywhere would ruin evidence).
const MIN_SCRUBBED_VALUE: usize = 6;

/// The literal env values of these containers that must never leave the cluster
/// through evidence: long enough to be specific, or named like a secret.
pub fn env_values<'c>(
    containers: impl IntoIterator<Item = &'c super::objects::Container>,
) -> Vec<String> {
    let mut values: Vec<String> = containers
        .into_iter()
        .flat_map(|c| &c.env)
        .filter_map(|e| {
            let v = e.value.as_deref()?.trim();
            let name = e.name.to_ascii_lowercase();
            let secret_name = crate::redact::is_secret_key(&name);
            (v.chars().count() >= MIN_SCRUBBED_VALUE || (secret_name && v.len() >= 3))
                .then(|| v.to_string())
        })
        .collect();
    // Longest first, so a value containing another is masked whole.
    values.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    values.dedup();
    values
}

/// Masks every occurrence of these literal values.
pub fn scrub(text: &str, values: &[String]) -> String {
    let mut out = text.to_string();
    for v in values {
        if out.contains(v.as_str()) {
            out = out.replace(v.as_str(), MASK);
        }
    }
    out
}

/// Masks anything that looks like a credential (see [`crate::redact`]).
pub fn redact(text: &str) -> String {
    crate::redact::mask(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_after_a_key_word_and_known_token_formats_are_masked() {
        assert_eq!(
            redact("ERROR token tok_live_8c1f5e0d2a7b4f3c expired"),
            "ERROR token *** expired"
        );
        assert_eq!(
            redact("DATABASE_PASSWORD is s3cr3t-value1, retrying"),
            "DATABASE_PASSWORD is ***, retrying"
        );
        assert_eq!(redact("the token expired"), "the token expired");
        assert_eq!(
            redact("password reset for user42"),
            "password reset for user42"
        );
        assert_eq!(redact("using tok_live_8c1f5e0d2a7b4f3c"), "using ***");
        assert_eq!(
            redact("key ghp_0123456789abcdefABCDEF0123 leaked"),
            "key *** leaked"
        );
    }

    #[test]
    fn literal_env_values_are_scrubbed() {
        let c: crate::diagnose::objects::Container = serde_json::from_value(serde_json::json!({
            "name": "api",
            "env": [{"name": "DATABASE_PASSWORD", "value": "s3cr3t-value"},
                    {"name": "LOG_LEVEL", "value": "info"},
                    {"name": "DB_PASS", "value": "abc"},
                    {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "x", "key": "token"}}}]
        }))
        .unwrap();
        let values = env_values([&c]);
        assert_eq!(
            values,
            ["s3cr3t-value"],
            "short, non-secret-named values stay"
        );
        assert_eq!(
            scrub("env DATABASE_PASSWORD is s3cr3t-value at info", &values),
            "env DATABASE_PASSWORD is *** at info"
        );
    }

    #[test]
    fn key_values_are_masked() {
        assert_eq!(
            redact("connecting with password=hunter2 to db"),
            "connecting with password=*** to db"
        );
        assert_eq!(
            redact(r#"{"token": "abc123", "user": "bob"}"#),
            r#"{"token": "***", "user": "bob"}"#
        );
        assert_eq!(redact("DB_PASSWORD: s3cr3t"), "DB_PASSWORD: ***");
        assert_eq!(redact("api-key = 12345"), "api-key = ***");
        assert_eq!(redact("tokenizer=fast"), "tokenizer=fast");
        assert_eq!(
            redact("no secrets here: just text"),
            "no secrets here: just text"
        );
    }

    #[test]
    fn bearer_basic_and_url_credentials_are_masked() {
        assert_eq!(
            redact("Authorization: Bearer abcdef123456.xyz"),
            "Authorization: Bearer ***"
        );
        assert_eq!(
            redact("dial postgres://app:pa55word@db:5432/shop failed"),
            "dial postgres://app:***@db:5432/shop failed"
        );
        assert_eq!(
            redact("header Basic dXNlcjpwYXNzd29yZA=="),
            "header Basic ***"
        );
    }

    #[test]
    fn cloud_keys_and_jwts_are_masked() {
        assert_eq!(
            redact("using key AKIAIOSFODNN7EXAMPLE for s3"),
            "using key *** for s3"
        );
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(redact(&format!("jwt {jwt} rejected")), "jwt *** rejected");
        let digest =
            "image@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assert_eq!(redact(digest), digest);
    }

    #[test]
    fn escape_sequences_and_controls_are_removed() {
        assert_eq!(sanitize("\u{1b}[31mred\u{1b}[0m text"), "red text");
        assert_eq!(sanitize("title\u{1b}]0;pwned\u{7} ok"), "title ok");
        assert_eq!(sanitize("a\nb\u{0}c\u{202e}d"), "a bcd");
    }

    #[test]
    fn long_text_is_cut() {
        let long = "x ".repeat(500);
        let cleaned = clean(&long);
        assert!(cleaned.chars().count() <= MAX_EVIDENCE_CHARS + 1);
        assert!(cleaned.ends_with('…'));
    }
}
