//! The krew manifest, validated the way krew's validator does, and the
//! packaging step that fills in a real sha256 for the host's archive.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{Sandbox, bin, root};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Plugin {
    api_version: String,
    kind: String,
    metadata: Metadata,
    spec: Spec,
}

#[derive(Debug, Deserialize)]
struct Metadata {
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Spec {
    version: String,
    homepage: Option<String>,
    short_description: String,
    description: Option<String>,
    caveats: Option<String>,
    platforms: Vec<Platform>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Platform {
    selector: Option<Selector>,
    uri: String,
    sha256: String,
    files: Option<Vec<FileOp>>,
    bin: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Selector {
    match_labels: Option<BTreeMap<String, String>>,
    match_expressions: Option<Vec<serde_yaml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOp {
    from: String,
    to: String,
}

fn is_semver_with_v(v: &str) -> bool {
    let Some(rest) = v.strip_prefix('v') else {
        return false;
    };
    let core = rest.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn is_placeholder(s: &str) -> bool {
    s.strip_prefix("SHA256_").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    })
}

/// krew's `ValidatePlugin`, plus this project's rules (one os/arch selector
/// per platform, `.exe` and `.zip` on Windows, the binary and LICENSE shipped).
fn validate(text: &str, allow_placeholder: bool) -> Result<Plugin, String> {
    let p: Plugin = serde_yaml::from_str(text).map_err(|e| format!("not a Plugin: {e}"))?;
    if p.api_version != "krew.googlecontainertools.github.com/v1alpha2" {
        return Err(format!("apiVersion {:?}", p.api_version));
    }
    if p.kind != "Plugin" {
        return Err(format!("kind {:?}", p.kind));
    }
    let name = &p.metadata.name;
    let forbidden = ["CON", "PRN", "AUX", "NUL", "COM1", "LPT1"];
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        || forbidden.iter().any(|f| f.eq_ignore_ascii_case(name))
    {
        return Err(format!("plugin name {name:?} not allowed"));
    }
    if p.spec.short_description.is_empty() || p.spec.short_description.contains(['\r', '\n']) {
        return Err("shortDescription must be one non-empty line".into());
    }
    if !is_semver_with_v(&p.spec.version) {
        return Err(format!(
            "version {:?} is not semver with a leading v",
            p.spec.version
        ));
    }
    if p.spec.platforms.is_empty() {
        return Err("no platforms".into());
    }
    let mut seen = BTreeSet::new();
    for pl in &p.spec.platforms {
        let ctx = |m: &str| format!("platform {}: {m}", pl.uri);
        if pl.uri.is_empty() {
            return Err(ctx("uri has to be set"));
        }
        if !(is_sha256(&pl.sha256) || allow_placeholder && is_placeholder(&pl.sha256)) {
            return Err(ctx(&format!("sha256 {:?} is not valid", pl.sha256)));
        }
        if pl.bin.is_empty() {
            return Err(ctx("bin has to be set"));
        }
        if let Some(files) = &pl.files {
            if files.is_empty() {
                return Err(ctx("files has to be unspecified or non-empty"));
            }
            if files.iter().any(|f| f.from.is_empty() || f.to.is_empty()) {
                return Err(ctx("files need from and to"));
            }
            for needed in [pl.bin.as_str(), "LICENSE"] {
                if !files.iter().any(|f| f.from == needed) {
                    return Err(ctx(&format!("{needed} is not installed")));
                }
            }
        }
        let sel = pl.selector.as_ref().ok_or_else(|| ctx("nil selector"))?;
        if sel.match_expressions.is_some() {
            return Err(ctx("use matchLabels os/arch only"));
        }
        let labels = sel
            .match_labels
            .as_ref()
            .ok_or_else(|| ctx("empty selector"))?;
        let keys: Vec<&str> = labels.keys().map(String::as_str).collect();
        if keys != ["arch", "os"] {
            return Err(ctx(&format!(
                "selector keys {keys:?}, want exactly os and arch"
            )));
        }
        let (os, arch) = (&labels["os"], &labels["arch"]);
        if !seen.insert((os.clone(), arch.clone())) {
            return Err(ctx("duplicate os/arch"));
        }
        if os == "windows" {
            if !pl.bin.ends_with(".exe") || !pl.uri.ends_with(".zip") {
                return Err(ctx("windows needs a .exe bin in a .zip"));
            }
        } else if pl.bin.ends_with(".exe") || !pl.uri.ends_with(".tar.gz") {
            return Err(ctx("needs a plain bin in a .tar.gz"));
        }
    }
    Ok(p)
}

#[test]
fn template_manifest_is_valid() {
    let text = std::fs::read_to_string(root().join("krew-manifest.yaml")).unwrap();
    let p = validate(&text, true).unwrap_or_else(|e| panic!("krew-manifest.yaml: {e}"));
    assert_eq!(p.metadata.name, "ai");
    assert_eq!(p.spec.version, format!("v{}", env!("CARGO_PKG_VERSION")));
    assert!(p.spec.homepage.is_some() && p.spec.description.is_some());
    assert!(
        p.spec
            .caveats
            .unwrap_or_default()
            .contains("kubectl_complete-ai")
    );
    let platforms: BTreeSet<(String, String)> = p
        .spec
        .platforms
        .iter()
        .map(|pl| {
            let l = pl.selector.as_ref().unwrap().match_labels.as_ref().unwrap();
            (l["os"].clone(), l["arch"].clone())
        })
        .collect();
    for want in [
        ("linux", "amd64"),
        ("linux", "arm64"),
        ("darwin", "amd64"),
        ("darwin", "arm64"),
        ("windows", "amd64"),
    ] {
        assert!(
            platforms.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} missing"
        );
    }
    // Placeholders are fine in the template, not in a packaged manifest.
    assert!(validate(&text, false).is_err());
}

#[test]
fn validator_rejects_what_krew_rejects() {
    let text = std::fs::read_to_string(root().join("krew-manifest.yaml")).unwrap();
    let bad = [
        text.replace("version: v0.1.0", "version: 0.1.0"),
        text.replace("kind: Plugin", "kind: Plug"),
        text.replace("bin: kubectl-ai.exe", "bin: kubectl-ai"),
        text.replacen(
            "        arch: amd64",
            "        arch: amd64\n        libc: gnu",
            1,
        ),
        text.replacen("sha256: SHA256_LINUX_AMD64", "sha256: ABC", 1),
        text.replacen("shortDescription: Ask", "shortDecsription: Ask", 1),
    ];
    for (i, text) in bad.iter().enumerate() {
        assert!(validate(text, true).is_err(), "case {i} should be rejected");
    }
}

fn sha256_of(path: &Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

#[test]
fn packaging_writes_a_manifest_with_the_real_sha256() {
    let out_dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::new();
    let out = sandbox
        .command("bash")
        .arg(root().join(".ci/package"))
        .arg("--binary")
        .arg(bin())
        .arg("--out")
        .arg(out_dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(out_dir.path().join("ai.yaml")).unwrap();
    let p = validate(&text, false).unwrap_or_else(|e| panic!("packaged manifest: {e}\n{text}"));
    assert_eq!(p.spec.platforms.len(), 1);
    let archive = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .expect("an archive");
    assert_eq!(p.spec.platforms[0].sha256, sha256_of(&archive));
    let listing = std::process::Command::new("tar")
        .arg("tzf")
        .arg(&archive)
        .output()
        .unwrap();
    let listing = String::from_utf8(listing.stdout).unwrap();
    let mut names: Vec<&str> = listing.lines().collect();
    names.sort();
    assert_eq!(names, ["LICENSE", "kubectl-ai", "kubectl_complete-ai"]);
}
