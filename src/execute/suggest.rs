//! "Did you mean …?" for targets that do not exist.
//!
//! A misspelt name is the most common failure of a sentence; instead of kubectl's
//! bare NotFound, the plugin lists the closest names of that kind in the namespace.

use crate::kubectl::Kubectl;

use super::scoped;

use super::request::Target;

/// A target that does not exist, and the closest names that do (best first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct NotFound {
    pub message: String,
    pub candidates: Vec<String>,
}

/// The NotFound error for a target, with the closest existing names when there are any.
pub async fn not_found(kubectl: &Kubectl, target: &Target) -> NotFound {
    // The plan's namespace, else the one given with -n, else the context's.
    let namespace = target
        .namespace
        .as_ref()
        .or(kubectl.flags().namespace.as_ref());
    let place = match namespace {
        Some(ns) if target.kind.namespaced => format!(" in namespace {ns}"),
        None if target.kind.namespaced => " in the current namespace".to_string(),
        _ => String::new(),
    };
    let mut message = format!("{} {} not found{place}", target.kind.singular, target.name);
    let mut candidates = Vec::new();
    let mut argv = vec![
        "get".to_string(),
        target.kind.resource.to_string(),
        "-o".to_string(),
        "name".to_string(),
    ];
    if let Some(ns) = &target.namespace {
        argv.extend(["-n".to_string(), ns.clone()]);
    }
    if let Ok(captured) = scoped(kubectl, &argv).run(&argv, None).await {
        let names: Vec<String> = String::from_utf8_lossy(&captured.stdout)
            .lines()
            .filter_map(|l| l.rsplit('/').next())
            .map(str::to_string)
            .collect();
        candidates = closest(&target.name, &names);
        if !candidates.is_empty() {
            message.push_str(&format!("; did you mean {}?", candidates.join(" or ")));
        } else if names.is_empty() {
            message.push_str(&format!("; there are no {} there", target.kind.resource));
        }
    }
    NotFound {
        message,
        candidates,
    }
}

/// Names within a small edit distance, or containing / contained in the wanted name; best first.
pub fn closest(wanted: &str, names: &[String]) -> Vec<String> {
    let mut scored: Vec<(usize, &String)> = names
        .iter()
        .filter_map(|name| {
            let distance = edit_distance(wanted, name);
            let related = name.contains(wanted) || wanted.contains(name.as_str());
            let limit = (wanted.len().max(name.len()) / 3).max(2);
            (distance <= limit || related)
                .then_some((if related { distance.min(1) } else { distance }, name))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, n)| n.clone()).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested_best_first() {
        let names: Vec<String> = ["nginx-web", "api", "ngin", "postgres"]
            .map(String::from)
            .into();
        assert_eq!(closest("nginx", &names), ["ngin", "nginx-web"]);
        assert!(closest("zzzzzz", &names).is_empty());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
