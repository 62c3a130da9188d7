//! Making cluster text safe to show and to send: redaction and sanitizing.
//!
//! Event messages, status messages and especially log lines come from the
//! cluster's workloads, so they may carry credentials and terminal escape
//! sequences. Every piece of cluster text that becomes evidence goes through
//! [`clean`]: credential-looking values are masked with `***` (secrets stay home,
//! also in a model prompt) and control characters are removed (no escape sequence
//! from outside ever reaches the terminal), and it is cut to a bounded length.

/// Words that announce a secret value when followed by `=` or `:`.
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "access_key",
    "access-key",
    "accesskey",
    "secret_key",
    "private_key",
    "client_secret",
    "credential",
    "credentials",
    "authorization",
    "auth",
    "session",
    "cookie",
];

const MASK: &str = "***";

/// The longest single piece of evidence kept, in characters.
pub const MAX_EVIDENCE_CHARS: usize = 400;

/// Redacts, sanitizes and truncates one line of cluster text.
pub fn clean(text: &str) -> String {
    truncate(&redact(&sanitize(text)), MAX_EVIDENCE_CHARS)
}

/// Removes terminal escape sequences and control characters; newlines become spaces.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.peek() {
                // CSI: ESC [ parameters... final byte in @..~
                Some('[') => {
                    chars.next();
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC, DCS, PM, APC, SOS: until BEL or ESC \
                Some(']' | 'P' | '^' | '_' | 'X') => {
                    chars.next();
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' {
                            break;
                        }
                        if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                _ => {
                    chars.next();
                }
            },
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            // The C1 control block and bidirectional overrides can also reorder or hide text.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
    let trimmed = out.trim_end();
    trimmed.to_string()
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
            let secret_name = SECRET_KEYS.iter().any(|k| name.contains(k));
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

/// Masks anything that looks like a credential.
pub fn redact(text: &str) -> String {
    let text = redact_key_values(text);
    let text = redact_schemes(&text);
    let text = redact_url_passwords(&text);
    redact_tokens(&text)
}

fn is_value_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '"' | '\'' | ',' | ';' | '&' | ')' | ']' | '}' | '>')
}

/// `password=hunter2`, `"token": "abc"`, `DB_PASSWORD: x`, `api-key = x`.
fn redact_key_values(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let Some(key) = SECRET_KEYS.iter().find(|k| {
            lower.as_bytes()[i..].starts_with(k.as_bytes()) && word_end(bytes, i + k.len())
        }) else {
            i += 1;
            continue;
        };
        let mut j = i + key.len();
        // closing quote of a JSON key
        if j < bytes.len() && matches!(bytes[j], b'"' | b'\'') {
            j += 1;
        }
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        if j >= bytes.len() || !matches!(bytes[j], b'=' | b':') {
            // `token tok_live_8c1f…`, `password is Pa55w0rd-x`: a credential-looking
            // word right after the key (or after "is") is masked too; "token expired" is not.
            let mut k = j;
            if text[k..].starts_with("is ") {
                k += 3;
            }
            let word_len: usize = text[k..]
                .chars()
                .take_while(|c| is_value_char(*c))
                .map(char::len_utf8)
                .sum();
            let word = &text[k..k + word_len];
            if k > i + key.len() && credential_like(word) {
                out.push_str(&text[copied..k]);
                out.push_str(MASK);
                copied = k + word_len;
                i = copied;
            } else {
                i += key.len();
            }
            continue;
        }
        j += 1;
        while j < bytes.len() && matches!(bytes[j], b' ' | b'"' | b'\'') {
            j += 1;
        }
        // `Authorization: Bearer xyz` is left to the scheme rule, which keeps the scheme.
        let rest = &text[j..];
        if starts_with_scheme(rest) {
            i = j;
            continue;
        }
        let value_len: usize = rest
            .chars()
            .take_while(|c| is_value_char(*c))
            .map(char::len_utf8)
            .sum();
        if value_len == 0 {
            i = j;
            continue;
        }
        out.push_str(&text[copied..j]);
        out.push_str(MASK);
        copied = j + value_len;
        i = copied;
    }
    out.push_str(&text[copied..]);
    out
}

/// True when position `end` is not inside a longer identifier (`tokens=` still counts as a key
/// only through the list; `tokenizer=` does not).
fn word_end(bytes: &[u8], end: usize) -> bool {
    end >= bytes.len() || !bytes[end].is_ascii_alphanumeric()
}

fn starts_with_scheme(rest: &str) -> bool {
    let lower = rest.get(..7).unwrap_or(rest).to_ascii_lowercase();
    lower.starts_with("bearer ") || lower.starts_with("basic ")
}

/// `Bearer abc.def`, `Basic dXNlcjpwYXNz`.
fn redact_schemes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let lower = rest.to_ascii_lowercase();
        let found = ["bearer ", "basic "]
            .iter()
            .filter_map(|s| lower.find(s).map(|at| (at, s.len())))
            .min();
        let Some((at, len)) = found else {
            out.push_str(rest);
            return out;
        };
        let start = at + len;
        let value_len: usize = rest[start..]
            .chars()
            .take_while(|c| is_value_char(*c))
            .map(char::len_utf8)
            .sum();
        out.push_str(&rest[..start]);
        if value_len >= 8 {
            out.push_str(MASK);
        } else {
            out.push_str(&rest[start..start + value_len]);
        }
        rest = &rest[start + value_len..];
    }
}

/// `postgres://user:secret@db:5432` keeps the user, masks the password.
fn redact_url_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let start = at + 3;
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let authority_len = rest
            .find(|c: char| c == '/' || c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(rest.len());
        let authority = &rest[..authority_len];
        if let Some(at_sign) = authority.rfind('@')
            && let Some(colon) = authority[..at_sign].find(':')
        {
            out.push_str(&authority[..=colon]);
            out.push_str(MASK);
            out.push_str(&authority[at_sign..]);
            rest = &rest[authority_len..];
        }
    }
    out.push_str(rest);
    out
}

/// AWS access key ids, JWTs, and long high-entropy tokens.
fn redact_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let is_token_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '+' | '/' | '=');
    let mut iter = text.char_indices().peekable();
    while let Some((start, c)) = iter.next() {
        if !is_token_char(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, c)) = iter.peek() {
            if !is_token_char(c) {
                break;
            }
            end = i + c.len_utf8();
            iter.next();
        }
        let word = &text[start..end];
        if looks_secret(word, &text[..start]) {
            out.push_str(&text[last..start]);
            out.push_str(MASK);
            last = end;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// A word that reads like a credential rather than prose: long enough, with
/// letters and digits.
fn credential_like(word: &str) -> bool {
    word.chars().count() >= 8
        && word.chars().any(|c| c.is_ascii_digit())
        && word.chars().any(|c| c.is_ascii_alphabetic())
}

/// Prefixes of well-known API token formats.
const TOKEN_PREFIXES: &[&str] = &[
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "pk_live_",
    "tok_live_",
    "tok_test_",
    "ghp_",
    "gho_",
    "ghs_",
    "github_pat_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "AIza",
    "sk-proj-",
];

fn looks_secret(word: &str, before: &str) -> bool {
    if word.len() >= 16 && TOKEN_PREFIXES.iter().any(|p| word.starts_with(p)) {
        return true;
    }
    let aws = |w: &str| {
        (w.starts_with("AKIA") || w.starts_with("ASIA"))
            && w.len() == 20
            && w.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    };
    if aws(word) {
        return true;
    }
    if word.starts_with("eyJ") && word.matches('.').count() >= 2 && word.len() > 30 {
        return true;
    }
    // Long random-looking tokens, but not digests (`sha256:…`), paths or dotted names.
    if word.len() >= 40 && !word.contains('/') && !word.contains('.') {
        let digest = before.ends_with(':')
            && before
                .rsplit(|c: char| !c.is_ascii_alphanumeric() && c != ':')
                .next()
                .is_some_and(|w| w.starts_with("sha"));
        let hex = word.chars().all(|c| c.is_ascii_hexdigit());
        let mixed = word.chars().any(|c| c.is_ascii_digit())
            && word.chars().any(|c| c.is_ascii_uppercase())
            && word.chars().any(|c| c.is_ascii_lowercase());
        return !digest && (mixed || hex);
    }
    false
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
