//! From a typed sentence to clean tokens: quotes grouped (`'app'`, "app" and
//! `` `app` `` alike), contractions expanded, punctuation and politeness removed,
//! and the places where one clause ends and another starts kept as a [`BREAK`].
//!
//! Nothing typed is refused here for looking like shell syntax: no value from a
//! sentence ever reaches a shell (there is none), and every value the grammar takes
//! is validated later. A `;`, `|` or `&&` only separates clauses.
//!
//! Every later stage sees a list of [`Tok`]s whose `low` form is matched against the
//! grammar and whose `raw` form keeps the spelling a value was typed with (env keys,
//! service types, images). Nothing here decides meaning.

/// One word of the sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tok {
    /// As typed, quotes and trailing punctuation removed.
    pub raw: String,
    /// Lowercased `raw`, for matching the grammar.
    pub low: String,
    /// Was written inside quotes: always a value, never a grammar word.
    pub quoted: bool,
}

impl Tok {
    fn new(raw: &str, quoted: bool) -> Tok {
        Tok {
            raw: raw.to_string(),
            low: raw.to_lowercase(),
            quoted,
        }
    }
}

/// The token that stands between two clauses: a sentence's end (`.`, `?`, `!`
/// before more words), `;`, `|` or `&&`.
pub(crate) const BREAK: &str = ";";

/// Splits a sentence into tokens: whitespace separates words except inside quotes;
/// a comma is its own token; contractions are expanded; trailing sentence
/// punctuation and possessive `'s` are removed; clause ends become [`BREAK`].
pub(crate) fn tokenize(sentence: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut quote: Option<char> = None;
    let mut chars = sentence.chars().peekable();
    while let Some(c) = chars.next() {
        let c = match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            other => other,
        };
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else {
                word.push(c);
            }
            continue;
        }
        let starts_value = word.is_empty() || word.ends_with('=');
        if (c == '"' || c == '`' || (c == '\'' && starts_value))
            && !word.ends_with(char::is_alphanumeric)
        {
            quote = Some(c);
            quoted = true;
            continue;
        }
        if c.is_whitespace() {
            flush(&mut out, &mut word, &mut quoted);
        } else if c == ';' || c == '|' || (c == '&' && chars.peek() == Some(&'&')) {
            if c == '&' {
                chars.next();
            }
            flush(&mut out, &mut word, &mut quoted);
            out.push(Tok::new(BREAK, false));
        } else if c == ',' && chars.peek().is_none_or(|n| n.is_whitespace()) {
            flush(&mut out, &mut word, &mut quoted);
            out.push(Tok::new(",", false));
        } else {
            word.push(c);
        }
    }
    flush(&mut out, &mut word, &mut quoted);
    out
}

fn flush(out: &mut Vec<Tok>, word: &mut String, quoted: &mut bool) {
    if *quoted {
        out.push(Tok::new(word, true));
    } else {
        // "namespace? Please fix it": a sentence ends here.
        let ends_sentence = word.len() > 1
            && word.ends_with(['.', '?', '!'])
            && !word.ends_with("..")
            && word.chars().any(char::is_alphanumeric);
        let trimmed = word
            .trim_end_matches(['.', '?', '!', ':', ','])
            .trim_start_matches(['"', '\'', '(']);
        let trimmed = trimmed
            .strip_suffix(')')
            .filter(|t| !t.contains('('))
            .unwrap_or(trimmed);
        if !trimmed.is_empty() {
            push_word(out, trimmed);
        } else if word.starts_with('-') || word.chars().any(char::is_alphanumeric) {
            out.push(Tok::new(word, false));
        }
        if ends_sentence {
            out.push(Tok::new(BREAK, false));
        }
    }
    word.clear();
    *quoted = false;
}

fn push_word(out: &mut Vec<Tok>, word: &str) {
    let low = word.to_lowercase();
    let expansion: &[&str] = match low.as_str() {
        "what's" | "whats" => &["what", "is"],
        "that's" => &["that", "is"],
        "it's" => &["it", "is"],
        "there's" => &["there", "is"],
        "here's" => &["here", "is"],
        "who's" => &["who", "is"],
        "isn't" | "isnt" => &["is", "not"],
        "aren't" | "arent" => &["are", "not"],
        "don't" | "dont" => &["do", "not"],
        "doesn't" | "doesnt" => &["does", "not"],
        "can't" | "cant" | "cannot" => &["can", "not"],
        "won't" => &["will", "not"],
        "i'm" | "im" => &["i", "am"],
        "i'd" => &["i", "would"],
        "i've" => &["i", "have"],
        "we're" => &["we", "are"],
        "let's" | "lets" => &["let", "us"],
        "wanna" => &["want", "to"],
        _ => &[],
    };
    if !expansion.is_empty() {
        out.extend(expansion.iter().map(|w| Tok::new(w, false)));
        return;
    }
    let word = word
        .strip_suffix("'s")
        .or_else(|| word.strip_suffix("s'").map(|_| &word[..word.len() - 1]))
        .filter(|w| !w.is_empty())
        .unwrap_or(word);
    out.push(Tok::new(word, false));
}

/// Words of politeness and hedging that carry no meaning for the plan.
const LEADING: &[&[&str]] = &[
    &["kubectl", "ai"],
    &["kubectl"],
    &["please"],
    &["pls"],
    &["plz"],
    &["kindly"],
    &["hey"],
    &["hi"],
    &["hello"],
    &["ok"],
    &["okay"],
    &["alright"],
    &["so"],
    &["now"],
    &["then"],
    &["also"],
    &["just"],
    &["quickly"],
    &["go", "ahead", "and"],
    &["can", "you"],
    &["could", "you"],
    &["would", "you"],
    &["will", "you"],
    &["can", "u"],
    &["could", "u"],
    &["would", "you", "mind"],
    &["i", "want", "you", "to"],
    &["i", "would", "like", "you", "to"],
    &["i", "need", "you", "to"],
    &["i", "want", "to"],
    &["i", "need", "to"],
    &["i", "would", "like", "to"],
    &["i", "would", "like"],
    &["i", "want"],
    &["i", "need"],
    &["we", "need", "to"],
    &["we", "want", "to"],
    &["help", "me"],
    &["let", "us"],
    &["try", "to"],
    &["can", "i"],
    &["could", "i"],
    &["may", "i"],
    &["let", "me"],
    &["do", "a"],
    &["perform", "a"],
    &["trigger", "a"],
];

const TRAILING: &[&[&str]] = &[
    &["please"],
    &["pls"],
    &["plz"],
    &["thanks"],
    &["thx"],
    &["thank", "you"],
    &["for", "me"],
    &["right", "now"],
    &["now"],
    &["asap"],
    &["real", "quick"],
    &["quickly"],
    &[","],
];

const ANYWHERE: &[&str] = &["please", "pls", "plz", "kindly", "quickly"];

fn starts_with(toks: &[Tok], words: &[&str]) -> bool {
    toks.len() >= words.len()
        && toks
            .iter()
            .zip(words)
            .all(|(t, w)| !t.quoted && t.low == *w)
}

fn ends_with(toks: &[Tok], words: &[&str]) -> bool {
    toks.len() >= words.len() && starts_with(&toks[toks.len() - words.len()..], words)
}

/// Splits the tokens into clauses at each [`BREAK`], politeness removed from each;
/// empty clauses are dropped.
pub(crate) fn clauses(toks: &[Tok]) -> Vec<Vec<Tok>> {
    toks.split(|t| !t.quoted && t.low == BREAK)
        .map(|c| {
            let mut c = c.to_vec();
            strip_fillers(&mut c);
            c
        })
        .filter(|c| !c.is_empty())
        .collect()
}

/// Removes politeness and hedging: "could you please …", "… for me, thanks".
pub(crate) fn strip_fillers(toks: &mut Vec<Tok>) {
    toks.retain(|t| t.quoted || !ANYWHERE.contains(&t.low.as_str()));
    loop {
        let before = toks.len();
        if let Some(words) = LEADING
            .iter()
            .filter(|w| starts_with(toks, w))
            .max_by_key(|w| w.len())
        {
            toks.drain(..words.len());
        }
        if let Some(words) = TRAILING.iter().find(|w| ends_with(toks, w)) {
            toks.truncate(toks.len() - words.len());
        }
        while toks
            .first()
            .is_some_and(|t| !t.quoted && (t.low == "," || t.low == BREAK))
        {
            toks.remove(0);
        }
        while toks.last().is_some_and(|t| !t.quoted && t.low == BREAK) {
            toks.pop();
        }
        if toks.len() == before {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lows(s: &str) -> Vec<String> {
        let mut t = tokenize(s);
        strip_fillers(&mut t);
        t.into_iter().map(|t| t.low).collect()
    }

    #[test]
    fn shell_characters_only_separate_clauses() {
        let split = |s: &str| -> Vec<Vec<String>> {
            clauses(&tokenize(s))
                .into_iter()
                .map(|c| c.into_iter().map(|t| t.low).collect())
                .collect()
        };
        assert_eq!(
            split("get pods; rm -rf /"),
            [vec!["get", "pods"], vec!["rm", "-rf", "/"]]
        );
        assert_eq!(split("show pods | grep x").len(), 2);
        assert_eq!(split("get pods && reboot").len(), 2);
        assert_eq!(split("pods & services"), [vec!["pods", "&", "services"]]);
        assert_eq!(
            split("Why can't I list pods in rbac namespace? Please fix it."),
            [
                vec![
                    "why",
                    "can",
                    "not",
                    "i",
                    "list",
                    "pods",
                    "in",
                    "rbac",
                    "namespace"
                ],
                vec!["fix", "it"]
            ]
        );
        let t = tokenize("fix the `app` deployment");
        assert!(t[2].quoted && t[2].raw == "app");
        let t = tokenize("resize the volume in `resize-pv` namespace");
        assert!(t[4].quoted && t[4].raw == "resize-pv");
    }

    #[test]
    fn punctuation_quotes_and_contractions() {
        assert_eq!(
            lows("What's the current context?"),
            ["what", "is", "the", "current", "context"]
        );
        assert_eq!(lows("restart web's pods."), ["restart", "web", "pods"]);
        assert_eq!(
            lows("get pods, services and nodes"),
            ["get", "pods", ",", "services", "and", "nodes"]
        );
        let t = tokenize("set env MSG=\"hello world\" on web");
        assert_eq!(t[2].raw, "MSG=hello world");
        assert_eq!(tokenize("describe pod 'web-1'")[2].raw, "web-1");
        assert!(tokenize("describe pod 'web-1'")[2].quoted);
    }

    #[test]
    fn politeness_is_removed() {
        assert_eq!(
            lows("Could you please scale web to 3 for me, thanks"),
            ["scale", "web", "to", "3"]
        );
        assert_eq!(
            lows("can you show me the pods"),
            ["show", "me", "the", "pods"]
        );
        assert_eq!(lows("I want to restart api please"), ["restart", "api"]);
        assert_eq!(
            lows("kubectl get pods -n shop"),
            ["get", "pods", "-n", "shop"]
        );
    }
}
