//! Secrets stay home: the one place that decides what text looks like a credential.
//!
//! Text reaches people, logs and models from many places: a sentence can carry a
//! secret ("create secret db with password=hunter2", "set API_TOKEN=ghp_… on api"),
//! a log line or an event message can print one, an argv can hold one. [`mask`]
//! replaces every credential-looking value with `***`; the model path uses a
//! [`Redactor`], which replaces them with placeholders (`REDACTED_1`, …) and
//! [`Redactor::restore`]s the real values into the model's answer, so the plan
//! still does what was asked while the provider never sees the value. Text sent
//! back to the model later (a validation error for the repair retry) goes through
//! [`Redactor::redact_known`] so a restored value cannot leak that way either.
//! False positives cost nothing but a masked value.
//!
//! What counts as a credential: well-known key and token formats (OpenAI, GitHub,
//! GitLab, Slack, AWS, Google, Stripe-style `*_live_*` / `*_test_*` keys, JWTs, PEM
//! private keys); the value of a `key=value` / `key: value` whose key names a
//! password, token, secret, API key, access key or credential ([`is_secret_key`]);
//! the word after "password" / "token" / "api key" / "bearer"; the password of a
//! URL (`scheme://user:password@host`); and long random-looking strings (24+
//! characters mixing upper case, lower case and digits — Kubernetes names are
//! lower case, so they never match).

use serde_json::Value;

/// Replaces credential-looking values by placeholders and can put them back.
#[derive(Debug, Default)]
pub struct Redactor {
    /// (placeholder, original), in order of appearance.
    found: Vec<(String, String)>,
}

/// A secret word was seen ("password", "the secret"): what may follow it.
#[derive(Debug)]
struct Pending {
    /// Linked by `=` or `:` (or written `token:`): any word is the value.
    explicit: bool,
    /// A word such as "secret" whose value counts only after a link.
    weak: bool,
    /// The link seen since the secret word ("is", "to", "of", ":").
    linked_by: Option<&'static str>,
    /// Words still allowed before a link ("the password for user admin is …").
    gap: u8,
}

impl Pending {
    /// Whether `core` is the value: after `=`/`:` any word; after "is"/"of" any
    /// word that is not prose, and any quoted word; after "to" one that looks
    /// like a value, or any such word after a setter verb; right after a strong word one that looks
    /// like a value ("password hunter2", not "password reset").
    fn is_value(&self, core: &str, lower: &str, setter: bool, quoted: bool) -> bool {
        if core.is_empty()
            || core.starts_with("REDACTED_")
            || core == "***"
            || NOT_A_VALUE.contains(&lower)
        {
            return false;
        }
        let prose = || {
            PROSE.contains(&lower)
                || crate::plan::kinds::lookup(lower).is_some()
                || (core.chars().all(|c| c.is_ascii_lowercase())
                    && ["ed", "ing", "ly"].iter().any(|s| lower.ends_with(s)))
        };
        match self.linked_by {
            _ if self.explicit => true,
            // A quoted word is a value ("the password is 'correct horse'").
            Some(_) if quoted => true,
            Some("to") if !setter => value_like(core) && !prose(),
            Some(_) => !prose(),
            None => !self.weak && value_like(core),
        }
    }
}

/// Words whose `=`/`:` value is a credential, matched inside the key (`DB_PASSWORD`).
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "access_key",
    "access-key",
    "accesskey",
    "private_key",
    "private-key",
    "credential",
    "auth",
    "client_secret",
    "session",
    "cookie",
    "dsn",
    "connection_string",
];

/// Last words of a key that name something *about* a credential rather than the
/// credential itself (`TOKEN_TTL`, `secretName`, `PASSWORD_FILE`).
const ABOUT_A_SECRET: &[&str] = &[
    "ttl",
    "timeout",
    "expiry",
    "expires",
    "expiration",
    "lifetime",
    "length",
    "size",
    "file",
    "path",
    "dir",
    "name",
    "names",
    "ref",
    "type",
    "mode",
    "enabled",
    "disabled",
    "count",
    "interval",
    "period",
    "duration",
    "version",
    "url",
    "uri",
    "endpoint",
    "format",
];

/// Words after which the next word is the credential when it looks like one
/// ("password hunter2", "token abc123"), or whatever follows a link ("password is x").
const SECRET_WORDS: &[&str] = &[
    "bearer",
    "basic",
    "authorization",
    "password",
    "passwd",
    "passphrase",
    "passcode",
    "token",
    "apikey",
    "api-key",
    "api_key",
];

/// Words whose value counts only after a link ("the secret is x", "pwd: x",
/// "credentials = x"): on their own they are ordinary words ("create secret db").
const WEAK_WORDS: &[&str] = &["secret", "pwd", "credential", "creds", "auth"];

/// Words before `key` that make it a credential ("api key", "access key").
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "access",
    "private",
    "secret",
    "signing",
    "encryption",
    "ssh",
    "license",
    "master",
];

/// Words between a secret word and its value ("password is hunter2", "token: x",
/// "a password of x", "set the password to x").
const LINKS: &[&str] = &[
    "is", "was", "=", ":", "of", "value", "equals", "to", "bearer", "basic",
];

/// Verbs that make `to` introduce a value ("set the password to letmein"); after
/// other verbs `to` takes only a value-looking word ("add the token to web").
const SETTERS: &[&str] = &["set", "change", "update", "reset", "rotate", "make"];

/// Words after a secret word that show no value follows ("the token for api").
const NOT_A_VALUE: &[&str] = &[
    "for", "in", "on", "from", "and", "the", "a", "an", "to", "with", "key", "field", "secret",
    "env", "variable", "that", "which", "into", "at", "by", "named", "called", "of", "is",
];

/// Words after "is"/"to"/"of" that are prose, not a value ("the token is expired").
const PROSE: &[&str] = &[
    "not",
    "no",
    "wrong",
    "invalid",
    "incorrect",
    "bad",
    "good",
    "missing",
    "required",
    "empty",
    "set",
    "unset",
    "correct",
    "valid",
    "still",
    "now",
    "already",
    "also",
    "different",
    "same",
    "weak",
    "strong",
    "short",
    "long",
    "null",
    "none",
    "nil",
    "ok",
    "fine",
    "present",
    "absent",
    "known",
    "unknown",
    "there",
    "here",
    "this",
    "it",
    "my",
    "our",
    "your",
    "their",
    "its",
    "true",
    "false",
    "too",
    "very",
    "just",
    "only",
    "new",
    "old",
    "secure",
    "insecure",
    "ready",
    "available",
    "unavailable",
    "base64",
    "stale",
    "gone",
    "same",
    "be",
    "being",
    "been",
    "what",
    "where",
    "how",
    "why",
    "who",
    "when",
    "me",
    "you",
    "them",
    "him",
    "her",
    "us",
];

/// Well-known credential prefixes and the least length after which they count.
const PREFIXES: &[(&str, usize)] = &[
    ("sk-", 20),
    ("ghp_", 20),
    ("gho_", 20),
    ("ghs_", 20),
    ("ghu_", 20),
    ("ghr_", 20),
    ("github_pat_", 20),
    ("glpat-", 20),
    ("xoxb-", 15),
    ("xoxp-", 15),
    ("xoxa-", 15),
    ("xapp-", 15),
    ("AKIA", 20),
    ("ASIA", 20),
    ("AIza", 30),
    ("hf_", 30),
    ("npm_", 30),
    ("whsec_", 20),
];

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// How many values were replaced.
    pub fn count(&self) -> usize {
        self.found.len()
    }

    /// Replaces every credential-looking value in `text` with a placeholder.
    pub fn redact(&mut self, text: &str) -> String {
        if let Some(found) = text.find("-----BEGIN") {
            // A PEM block: everything from the word it starts in to the end of
            // the word its END line ends in goes (a placeholder glued to the
            // rest of a word would read as a value the next time the text is
            // masked); quotes and punctuation around it stay.
            let in_word =
                |c: char| !(c.is_whitespace() || "\"'`()[]{}<>,;!?".contains(c) || c == '.');
            let start = text[..found].trim_end_matches(in_word).len();
            // To the last END: an earlier one may belong to text that only
            // mentions the markers.
            let end = text[found..]
                .rfind("-----END")
                .and_then(|e| {
                    text[found + e + 8..]
                        .find("-----")
                        .map(|f| found + e + 8 + f + 5)
                })
                .map_or(text.len(), |end| {
                    text.len() - text[end..].trim_start_matches(in_word).len()
                });
            let placeholder = self.placeholder(&text[start..end]);
            let rest = self.redact(&text[end..]);
            return format!("{}{placeholder}{rest}", self.redact(&text[..start]));
        }
        let mut out = String::with_capacity(text.len());
        // A secret word was seen and its value may follow.
        let mut pending: Option<Pending> = None;
        // A setter verb ("set", "change"…) came earlier in this sentence.
        let mut setter = false;
        let mut previous = String::new();
        // Text up to here was already written (the rest of a quoted value).
        let mut done_to = 0;
        for piece in split_keep_whitespace(text) {
            let offset = piece.as_ptr() as usize - text.as_ptr() as usize;
            if offset + piece.len() <= done_to {
                continue;
            }
            if offset < done_to {
                out.push_str(&text[done_to..offset + piece.len()]);
                continue;
            }
            if piece.trim().is_empty() {
                out.push_str(piece);
                continue;
            }
            let (lead, core, trail) = trim_punctuation(piece);
            let lower = core.to_ascii_lowercase();
            let word = std::mem::replace(&mut previous, lower.clone());
            let bare = lower.trim_end_matches([':', '=', '"', '\'']);
            let explicit = lower.ends_with([':', '=']) || trail.ends_with([':', '=']);
            let singular = bare.strip_suffix('s').unwrap_or(bare);
            let strong = SECRET_WORDS.contains(&bare)
                || SECRET_WORDS.contains(&singular)
                || (matches!(singular, "key") && KEY_QUALIFIERS.contains(&word.as_str()))
                // Identifiers such as `DATABASE_PASSWORD`.
                || (bare.contains('_') && is_secret_key(bare) && !bare.contains(['=', ':']));
            let weak = WEAK_WORDS.contains(&bare) || WEAK_WORDS.contains(&singular);
            if strong {
                // A key after a key ("api_key client_secret: …") is no value:
                // the value is what follows the second key.
                pending = None;
            }
            if let Some(p) = pending.as_mut() {
                if let Some(link) = LINKS.iter().find(|l| **l == lower) {
                    p.explicit |= matches!(lower.as_str(), "=" | ":");
                    p.linked_by = Some(link);
                    p.gap = 0;
                    out.push_str(piece);
                    continue;
                }
                if p.gap > 0 {
                    // "the password for user admin is …": words before the link.
                    p.gap -= 1;
                    if p.gap == 0 {
                        pending = None;
                    }
                } else if p.is_value(core, &lower, setter, lead.ends_with(['"', '\'', '`'])) {
                    pending = None;
                    if let Some(quote) = lead.chars().last().filter(|q| "\"'`".contains(*q))
                        && !trail.contains(quote)
                    {
                        // A quoted value of several words: up to the closing quote.
                        let start = offset + lead.len();
                        if let Some(close) = text[start..].find(quote) {
                            let placeholder = self.placeholder(&text[start..start + close]);
                            out.push_str(lead);
                            out.push_str(&placeholder);
                            done_to = start + close;
                            continue;
                        }
                    }
                    let placeholder = self.placeholder(core);
                    out.push_str(lead);
                    out.push_str(&placeholder);
                    out.push_str(trail);
                    continue;
                } else if p.linked_by.is_none() && lower == "for"
                    || p.linked_by == Some("of") && NOT_A_VALUE.contains(&lower.as_str())
                {
                    p.gap = 3;
                    p.linked_by = None;
                    out.push_str(piece);
                    continue;
                } else {
                    pending = None;
                }
            }
            if strong || weak {
                pending = Some(Pending {
                    explicit,
                    weak: !strong,
                    linked_by: explicit.then_some(":"),
                    gap: 0,
                });
                out.push_str(piece);
                continue;
            }
            if SETTERS.contains(&lower.as_str()) {
                setter = true;
            }
            if trail.contains(['.', '!', '?', ';']) {
                setter = false;
            }
            out.push_str(lead);
            out.push_str(&self.redact_word(core));
            out.push_str(trail);
        }
        out
    }

    /// One word: the whole word if it is a credential, else the values of its
    /// `key=value` parts whose key names a credential.
    fn redact_word(&mut self, word: &str) -> String {
        if let Some((before, password, after)) = url_password(word) {
            let placeholder = self.placeholder(password);
            return format!("{before}{placeholder}{after}");
        }
        if !word.trim_end_matches('=').contains(['=', ':']) {
            return if looks_like_credential(word) {
                self.placeholder(word)
            } else {
                word.to_string()
            };
        }
        // key=value pairs, possibly several (`a=b,password=c`) or nested
        // (`--from-literal=password=c`).
        let mut out = String::new();
        let mut rest = word;
        while let Some(i) = rest.find(['=', ':']) {
            let key = &rest[..i];
            let last_key = key
                .rsplit(['=', ':', ',', ';', '&', '?'])
                .next()
                .unwrap_or(key)
                .to_ascii_lowercase();
            out.push_str(&rest[..=i]);
            rest = &rest[i + 1..];
            let end = rest.find([',', ';', '&']).unwrap_or(rest.len());
            let value = &rest[..end];
            let secret_key = is_secret_key(&last_key);
            if !value.is_empty()
                && !value.starts_with("REDACTED_")
                && (secret_key || looks_like_credential(value))
            {
                let placeholder = self.placeholder(value);
                out.push_str(&placeholder);
                rest = &rest[end..];
            }
        }
        out.push_str(rest);
        out
    }

    fn placeholder(&mut self, original: &str) -> String {
        if let Some((p, _)) = self.found.iter().find(|(_, o)| o == original) {
            return p.clone();
        }
        let placeholder = format!("REDACTED_{}", self.found.len() + 1);
        self.found.push((placeholder.clone(), original.to_string()));
        placeholder
    }

    /// Replaces the values found so far (wherever they appear) by their
    /// placeholders, then redacts anything else credential-like: for text that may
    /// contain restored values, such as a validation error sent back to the model.
    pub fn redact_known(&mut self, text: &str) -> String {
        let mut text = text.to_string();
        // Longest first, so a value containing another is replaced whole.
        let mut found = self.found.clone();
        found.sort_by_key(|(_, o)| std::cmp::Reverse(o.len()));
        for (placeholder, original) in &found {
            text = text.replace(original.as_str(), placeholder);
        }
        self.redact(&text)
    }

    /// Puts the original values back into every string of a model's answer.
    pub fn restore(&self, value: &mut Value) {
        if self.found.is_empty() {
            return;
        }
        match value {
            Value::String(s) => {
                // Highest number first, so REDACTED_1 does not eat into REDACTED_12.
                for (placeholder, original) in self.found.iter().rev() {
                    if s.contains(placeholder.as_str()) {
                        *s = s.replace(placeholder.as_str(), original);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.restore(v)),
            Value::Object(map) => map.values_mut().for_each(|v| self.restore(v)),
            _ => {}
        }
    }
}

/// Masks credential-looking values with `***` (for text that is only logged or sent
/// and never needs restoring).
pub fn mask(text: &str) -> String {
    let mut redactor = Redactor::new();
    let redacted = redactor.redact(text);
    let mut out = redacted;
    for i in (1..=redactor.count()).rev() {
        out = out.replace(&format!("REDACTED_{i}"), "***");
    }
    out
}

/// Whether the word after "password", "token", "bearer"… is a value rather than
/// prose ("password reset", "password authentication failed"): it has a digit or
/// a symbol, or mixes upper and lower case.
fn value_like(word: &str) -> bool {
    word.chars().any(|c| !c.is_alphabetic())
        || (word.chars().any(char::is_uppercase)
            && word.chars().skip(1).any(char::is_lowercase)
            && word.chars().skip(1).any(char::is_uppercase))
}

/// True for a key (`DB_PASSWORD`, `githubToken`, `AWS_SECRET_ACCESS_KEY`,
/// `api-key`) whose value is a credential. Words count whole (`tokenizer` is no
/// token), and a key about a credential is none (`TOKEN_TTL`, `secretName`).
pub fn is_secret_key(key: &str) -> bool {
    // Split into lower-case words at `_`, `-`, `.`, and camelCase humps.
    let mut words: Vec<String> = vec![String::new()];
    let mut previous_lower = false;
    for c in key.chars() {
        if matches!(c, '_' | '-' | '.' | ' ' | '/') {
            words.push(String::new());
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower {
            words.push(String::new());
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        if let Some(last) = words.last_mut() {
            last.push(c.to_ascii_lowercase());
        }
    }
    words.retain(|w| !w.is_empty());
    // `TOKEN_TTL`, `SECRET_NAME`, `PASSWORD_FILE`: about a credential, not one.
    if words.len() > 1
        && words
            .last()
            .is_some_and(|w| ABOUT_A_SECRET.contains(&w.as_str()))
    {
        return false;
    }
    let joined = words.join("_");
    SECRET_KEYS.iter().any(|k| {
        let k = k.replace('-', "_");
        let parts: Vec<&str> = k.split('_').collect();
        words.windows(parts.len()).any(|window| {
            window
                .iter()
                .zip(&parts)
                .all(|(w, p)| w == p || w.strip_suffix('s') == Some(p))
        }) || (!k.contains('_') && joined == k)
    })
}

/// `scheme://user:password@host…` split around the password.
fn url_password(word: &str) -> Option<(&str, &str, &str)> {
    let scheme_end = word.find("://")? + 3;
    let rest = &word[scheme_end..];
    let at = rest.find('@')?;
    let colon = rest[..at].find(':')?;
    let password = &rest[colon + 1..at];
    if password.is_empty() || password.starts_with("REDACTED_") {
        return None;
    }
    let start = scheme_end + colon + 1;
    Some((&word[..start], password, &word[start + password.len()..]))
}

/// True for a word that on its own looks like a credential.
pub fn looks_like_credential(word: &str) -> bool {
    if url_password(word).is_some() {
        return true;
    }
    if PREFIXES
        .iter()
        .any(|(prefix, min)| word.starts_with(prefix) && word.len() >= *min)
    {
        return true;
    }
    // Stripe-style keys and tokens: `sk_live_…`, `pk_test_…`, `tok_live_…`, `rk_live_…`.
    if word.len() >= 16
        && (word.contains("_live_") || word.contains("_test_"))
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && word.chars().filter(char::is_ascii_digit).count() >= 4
    {
        return true;
    }
    // A JWT: three base64url parts, the first starting with `eyJ` (`{"`).
    if word.starts_with("eyJ") && word.matches('.').count() == 2 && word.len() >= 30 {
        return true;
    }
    // Bearer-style or random material: long, one "word", mixed classes.
    word.len() >= 24
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=_-.".contains(c))
        && word.chars().any(|c| c.is_ascii_uppercase())
        && word.chars().any(|c| c.is_ascii_lowercase())
        && word.chars().any(|c| c.is_ascii_digit())
}

fn split_keep_whitespace(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space.is_some_and(|s| s != space) {
            pieces.push(&text[start..i]);
            start = i;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    pieces
}

/// Splits leading and trailing quotes and sentence punctuation off a word.
fn trim_punctuation(word: &str) -> (&str, &str, &str) {
    let is_punct = |c: char| "\"'`()[]{}<>,;!?".contains(c) || c == '.';
    let core_start = word.len() - word.trim_start_matches(is_punct).len();
    let rest = &word[core_start..];
    let core_len = rest.trim_end_matches(is_punct).len();
    (&word[..core_start], &rest[..core_len], &rest[core_len..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn redacted(text: &str) -> (String, Redactor) {
        let mut r = Redactor::new();
        (r.redact(text), r)
    }

    #[test]
    fn ordinary_sentences_pass_unchanged() {
        for text in [
            "scale nginx to 3",
            "create secret generic db-creds in namespace shop",
            "show pods with label app=auth-service in kube-system",
            "set image deployment/web web=nginx:1.25.3 and restart",
            "what's wrong with api? it keeps crashing",
            "delete pods -l tier=frontend,env!=prod",
            "rotate the token for api in staging",
            "apply image ghcr.io/acme/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            let (out, r) = redacted(text);
            assert_eq!(out, text);
            assert_eq!(r.count(), 0, "{text}");
        }
    }

    #[test]
    fn credentials_are_replaced_and_restored() {
        let (out, r) = redacted(
            "create secret generic db --from-literal=password=hunter2 and set API_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123 on api",
        );
        assert_eq!(
            out,
            "create secret generic db --from-literal=password=REDACTED_1 and set API_TOKEN=REDACTED_2 on api"
        );
        let mut answer = json!({"set": [{"key": "password", "value": "REDACTED_1"}], "env": "API_TOKEN=REDACTED_2"});
        r.restore(&mut answer);
        assert_eq!(answer["set"][0]["value"], "hunter2");
        assert_eq!(
            answer["env"],
            "API_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123"
        );
    }

    #[test]
    fn each_kind_of_credential_is_caught() {
        for (text, secret) in [
            (
                "use key sk-proj-AbCdEf0123456789xyzXYZ please",
                "sk-proj-AbCdEf0123456789xyzXYZ",
            ),
            ("the password is 'c0rrect horse'", "c0rrect"),
            ("with password: s3cret!", "s3cret"),
            ("token abc123 for the bot", "abc123"),
            ("aws AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
            (
                "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl",
                "eyJhbGciOiJIUzI1NiJ9",
            ),
            ("secret=Zm9vYmFyYmF6", "Zm9vYmFyYmF6"),
            ("DB_PASSWORD=p@ss,USER=bob", "p@ss"),
            (
                "random dGhpc0lzQVZlcnlMb25nU2VjcmV0MTIz value",
                "dGhpc0lzQVZlcnlMb25nU2VjcmV0MTIz",
            ),
            (
                "key -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- done",
                "MIIE",
            ),
            (
                "put tok_live_8c1f5e0d2a7b4f3c into api",
                "tok_live_8c1f5e0d2a7b4f3c",
            ),
            (
                "stripe sk_test_51Hc0ffee2024abcd",
                "sk_test_51Hc0ffee2024abcd",
            ),
        ] {
            let (out, r) = redacted(text);
            assert!(!out.contains(secret), "{text:?} -> {out:?}");
            assert!(r.count() >= 1, "{text}");
        }
        let (out, _) = redacted(
            "key -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- done",
        );
        assert_eq!(out, "key REDACTED_1 done");
    }

    #[test]
    fn kubernetes_names_and_env_keys_are_not_credentials() {
        for word in [
            "web-live-test-1234",
            "api_test_mode",
            "LIVE_TEST_FLAG_2024",
            "orders-5c7d9f8b6d",
        ] {
            assert!(!looks_like_credential(word), "{word}");
        }
    }

    #[test]
    fn known_values_are_redacted_again_in_later_text() {
        let (_, mut r) = redacted("set env PASSWORD=hunter2 on web");
        let error = r.redact_known("env value \"hunter2\" is not allowed");
        assert_eq!(error, "env value \"REDACTED_1\" is not allowed");
    }

    #[test]
    fn placeholders_restore_without_prefix_clashes() {
        let mut r = Redactor::new();
        for i in 0..12 {
            r.placeholder(&format!("v{i}"));
        }
        let mut value = json!("REDACTED_12 REDACTED_1");
        r.restore(&mut value);
        assert_eq!(value, "v11 v0");
    }

    #[test]
    fn mask_uses_stars() {
        assert_eq!(
            mask("OPENAI_API_KEY=sk-abcdefghijklmnopqrstu"),
            "OPENAI_API_KEY=***"
        );
    }
    /// Every way people phrase a secret in a sentence: the value never survives,
    /// and the model's placeholder restores to it.
    #[test]
    fn secrets_in_any_phrasing_are_replaced_and_restored() {
        for (text, secret) in [
            ("create secret db with password=hunter2 in shop", "hunter2"),
            ("the db password is hunter2-Prod", "hunter2-Prod"),
            ("use token: abc123def456", "abc123def456"),
            (
                "create secret db-x with passwd=Sup3rS3cret in shop",
                "Sup3rS3cret",
            ),
            ("set the password to hunter2 on secret db", "hunter2"),
            ("set the admin password to letmein", "letmein"),
            ("change the admin password to Tr0ub4dor", "Tr0ub4dor"),
            ("my api key is AbC123xyz", "AbC123xyz"),
            ("api key: 9f8e7d6c", "9f8e7d6c"),
            ("apikey=abc123", "abc123"),
            ("pwd: letmein99", "letmein99"),
            ("my pwd is letmein", "letmein"),
            ("the secret is s3cr3tval", "s3cr3tval"),
            ("client secret: zyxwvut", "zyxwvut"),
            ("credentials = user1:pa55word", "pa55word"),
            ("auth: dXNlcjpwYXNz", "dXNlcjpwYXNz"),
            ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
            ("create secret db with a password of hunter", "hunter"),
            ("the password for user admin is hunter2", "hunter2"),
            ("the password of the db is opensesame", "opensesame"),
            ("set env DB_PASSWORD to hunter2 on api", "hunter2"),
            ("the password is \"correct horse battery\"", "horse battery"),
            ("the password is 'c0rrect horse', use it", "horse"),
            ("export MY_TOKEN=abc", "abc"),
            ("connect with postgres://app:hunter2@db:5432/x", "hunter2"),
            ("password hunter2!", "hunter2"),
            ("token=ghp_abcdefghijklmnopqrstuvwxyz0123", "ghp_abcdef"),
            ("my access key is wJalrXUtnFEMI", "wJalrXUtnFEMI"),
            ("the passphrase is open-sesame-42", "open-sesame-42"),
            ("with passwd=Pa55", "Pa55"),
        ] {
            let (out, r) = redacted(text);
            assert!(!out.contains(secret), "{text:?} -> {out:?}");
            assert!(r.count() >= 1, "{text:?} -> {out:?}");
            let mut back = json!(out);
            r.restore(&mut back);
            assert_eq!(back, text, "the placeholder restores to the value");
            assert_eq!(
                mask(&mask(text)),
                mask(text),
                "masking is idempotent: {text}"
            );
        }
    }

    #[test]
    fn sentences_about_secrets_without_a_value_pass_unchanged() {
        for text in [
            "scale web to 3",
            "show secrets in shop",
            "create secret db in shop",
            "set token-ttl to 5m",
            "set env TOKEN_TTL=5m on api",
            "rotate the token for api in staging",
            "add the api key to secret web-keys",
            "add the token to web",
            "restart the auth deployment in shop",
            "the token expired, restart api",
            "password reset for user42",
            "delete secret api-credentials in shop",
            "set env LOG_LEVEL=debug on api",
            "describe the secret named db-creds",
            "scale token-service to 2",
            "why is the password wrong for api?",
            "mount secret db as a volume on web",
        ] {
            let (out, r) = redacted(text);
            assert_eq!(out, text);
            assert_eq!(r.count(), 0, "{text}");
        }
    }

    #[test]
    fn keys_about_a_credential_are_not_credentials() {
        for key in ["TOKEN_TTL", "secretName", "PASSWORD_FILE", "token-ttl"] {
            assert!(!is_secret_key(key), "{key}");
        }
        for key in ["DB_PASSWORD", "apiToken", "client_secret", "password"] {
            assert!(is_secret_key(key), "{key}");
        }
    }
}
