//! Which model to ask, where, with which key, and how patiently.
//!
//! Everything the model client needs is resolved once, here, with one precedence:
//! command-line flags > environment > config file > defaults. The environment is
//! passed in as a function so tests never read the developer's variables, and the
//! API key is never required in the file: it comes from `OPENAI_API_KEY` /
//! `AZURE_OPENAI_API_KEY` or from `api_key_command`, which runs only when a model
//! call is actually made. Nothing here fails because a key is missing; that is
//! reported by the client when (and only when) a model is needed, so `--offline`
//! runs need no model configuration at all.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::plan::validate::Limits;

/// The model used when neither `--model`, `KUBECTL_AI_MODEL` nor the config file names one.
pub const DEFAULT_MODEL: &str = "gpt-4.1-mini";
/// OpenAI's API; any OpenAI-compatible server is reached by setting `OPENAI_BASE_URL`.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
/// `{dirs::config_dir()}/kubectl-ai/config.toml` unless `KUBECTL_AI_CONFIG` says otherwise.
pub const CONFIG_ENV: &str = "KUBECTL_AI_CONFIG";

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default for a server on this machine (Ollama, llama.cpp…): on a laptop CPU
/// one answer of a small model takes from seconds to several minutes.
pub const DEFAULT_LOCAL_TIMEOUT: Duration = Duration::from_secs(600);
const DEFAULT_MAX_RETRIES: u32 = 2;
const DEFAULT_BACKOFF_BASE: Duration = Duration::from_millis(500);
const DEFAULT_BACKOFF_CAP: Duration = Duration::from_secs(8);
const DEFAULT_RETRY_AFTER_CAP: Duration = Duration::from_secs(20);
const DEFAULT_MAX_COMPLETION_TOKENS: u32 = 4096;
/// How long `api_key_command` may run unless `api_key_command_timeout_secs` says otherwise.
pub const DEFAULT_KEY_COMMAND_TIMEOUT: Duration = Duration::from_secs(10);
/// The most of a key command's stdout (and of its stderr) that is read.
const KEY_COMMAND_OUTPUT_LIMIT: u64 = 64 * 1024;

/// The config file's keys. Unknown keys are ignored here: the file is shared with
/// the rest of the program, which reads its own keys.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConfigFile {
    pub model: Option<String>,
    /// `openai` (also every OpenAI-compatible server) or `azure`.
    pub provider: Option<ProviderName>,
    pub base_url: Option<String>,
    /// Discouraged: prefer the environment or `api_key_command`.
    pub api_key: Option<String>,
    /// A program (and arguments) that prints the key, e.g. `"pass show openai"` or
    /// `["op", "read", "op://dev/openai/key"]`. Run without a shell.
    pub api_key_command: Option<KeyCommand>,
    /// How long `api_key_command` may run (default 10 s); it is then stopped.
    pub api_key_command_timeout_secs: Option<f64>,
    pub connect_timeout_secs: Option<f64>,
    pub timeout_secs: Option<f64>,
    pub max_retries: Option<u32>,
    pub retry_backoff_ms: Option<u64>,
    pub max_completion_tokens: Option<u32>,
    pub temperature: Option<f64>,
    pub replica_ceiling: Option<i64>,
    /// How the answer's shape is asked for: `auto`, `json_schema` or `json_object`.
    pub response_format: Option<ResponseFormat>,
    pub azure: Option<AzureFile>,
}

/// How a request asks for the answer's shape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseFormat {
    /// A strict JSON Schema; if the server rejects `json_schema`, `json_object` with
    /// the schema in the prompt, for the rest of the run.
    #[default]
    Auto,
    /// Always a strict JSON Schema (a server that rejects it fails the call).
    JsonSchema,
    /// Always `json_object` with the schema in the prompt (servers that take no schema).
    JsonObject,
}

impl ResponseFormat {
    /// Reads the `KUBECTL_AI_RESPONSE_FORMAT` / `response_format` spelling.
    pub fn parse(text: &str) -> Option<ResponseFormat> {
        match text.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "auto" => Some(ResponseFormat::Auto),
            "json_schema" => Some(ResponseFormat::JsonSchema),
            "json_object" => Some(ResponseFormat::JsonObject),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderName {
    Openai,
    Azure,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AzureFile {
    pub endpoint: Option<String>,
    pub deployment: Option<String>,
    pub api_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum KeyCommand {
    Line(String),
    Argv(Vec<String>),
}

impl ConfigFile {
    /// Reads the config file named by `KUBECTL_AI_CONFIG`, or the one in the
    /// platform config directory if it exists. `Ok(None)` when there is none.
    pub fn load(
        env: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Option<(PathBuf, ConfigFile)>> {
        let path = match nonempty(env(CONFIG_ENV)) {
            Some(explicit) => {
                let path = PathBuf::from(explicit);
                if !path.is_file() {
                    bail!(
                        "{CONFIG_ENV} points to {}, which is not a file; create it or unset {CONFIG_ENV}",
                        path.display()
                    );
                }
                path
            }
            None => match default_config_path() {
                Some(path) if path.is_file() => path,
                _ => return Ok(None),
            },
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the config file {}", path.display()))?;
        let file = ConfigFile::parse(&text)
            .with_context(|| format!("the config file {} is not valid", path.display()))?;
        Ok(Some((path, file)))
    }

    pub fn parse(text: &str) -> anyhow::Result<ConfigFile> {
        Ok(toml::from_str(text)?)
    }
}

/// `{config dir}/kubectl-ai/config.toml` (`~/.config` on Linux, `~/Library/Application
/// Support` on macOS, `%APPDATA%` on Windows).
pub fn default_config_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("kubectl-ai").join("config.toml"))
}

/// A value that must never be printed; `Debug` and `Display` show `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where the API key comes from; the description names it in error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    None,
    Env {
        var: &'static str,
        value: Secret,
    },
    Command {
        argv: Vec<String>,
        file: PathBuf,
        /// The command is stopped (its whole process group) after this long.
        timeout: Duration,
    },
    File {
        file: PathBuf,
        value: Secret,
    },
}

impl KeySource {
    /// Says where the key came from, e.g. "OPENAI_API_KEY".
    pub fn describe(&self) -> String {
        match self {
            KeySource::None => "no API key".into(),
            KeySource::Env { var, .. } => (*var).to_string(),
            KeySource::Command { file, .. } => format!("api_key_command in {}", file.display()),
            KeySource::File { file, .. } => format!("api_key in {}", file.display()),
        }
    }

    /// The key itself, checked to be one line of printable ASCII; runs
    /// `api_key_command` if that is the source (bounded by its timeout).
    pub async fn resolve(&self) -> anyhow::Result<Option<Secret>> {
        match self {
            KeySource::None => Ok(None),
            KeySource::Env { value, .. } | KeySource::File { value, .. } => {
                check_key(
                    value.expose(),
                    &self.describe(),
                    &format!("check {}", self.describe()),
                )?;
                Ok(Some(value.clone()))
            }
            KeySource::Command {
                argv,
                file,
                timeout,
            } => run_key_command(argv, file, *timeout).await.map(Some),
        }
    }
}

/// The command as messages show it: each argument masked if it looks like a
/// credential (`echo sk-…` is a key, not a command worth printing).
fn shown_argv(argv: &[String]) -> String {
    argv.iter()
        .map(|a| crate::redact::mask(&crate::llm::client::sanitize(a)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `api_key_command` without a shell, with no input, in its own process
/// group, for at most `timeout` (then the whole group is killed). Its stdout is
/// the key: it is never printed, and what it said on stderr is shown masked and
/// with anything it printed on stdout removed. The key is one trailing newline
/// less than the output, and must be one line of printable ASCII.
async fn run_key_command(
    argv: &[String],
    file: &Path,
    timeout: Duration,
) -> anyhow::Result<Secret> {
    use tokio::io::AsyncReadExt;

    let origin = format!(
        "api_key_command `{}` in {}",
        shown_argv(argv),
        file.display()
    );
    let (program, args) = argv
        .split_first()
        .with_context(|| format!("api_key_command in {} is empty", file.display()))?;
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    // Its own group, so that a timeout (or Ctrl-C) stops whatever it started too.
    #[cfg(unix)]
    command.process_group(0);
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot run {origin}"))?;
    let group = KillGroup(child.id());
    let read = |pipe: Option<Box<dyn tokio::io::AsyncRead + Unpin + Send>>| async move {
        let mut buf = Vec::new();
        if let Some(pipe) = pipe {
            // A reader that stops early drops the pipe, so a command printing
            // without end gets EPIPE instead of blocking.
            let _ = pipe
                .take(KEY_COMMAND_OUTPUT_LIMIT)
                .read_to_end(&mut buf)
                .await;
        }
        buf
    };
    let stdout = child
        .stdout
        .take()
        .map(|p| Box::new(p) as Box<dyn tokio::io::AsyncRead + Unpin + Send>);
    let stderr = child
        .stderr
        .take()
        .map(|p| Box::new(p) as Box<dyn tokio::io::AsyncRead + Unpin + Send>);
    let run = async { tokio::join!(read(stdout), read(stderr), child.wait()) };
    let (stdout, stderr, status) = match tokio::time::timeout(timeout, run).await {
        Ok(done) => done,
        Err(_) => bail!(
            "{origin} did not finish within {} and was stopped; it must print the key without asking anything (it gets no input and no terminal), or raise api_key_command_timeout_secs in the config file",
            shown_secs(timeout)
        ),
    };
    let status = status.with_context(|| format!("cannot wait for {origin}"))?;
    group.finished();
    let out = String::from_utf8_lossy(&stdout);
    if !status.success() {
        let said = stderr_shown(&String::from_utf8_lossy(&stderr), &out);
        bail!(
            "{origin} failed ({status}){}",
            if said.is_empty() {
                " and printed nothing on stderr".to_string()
            } else {
                format!(": {said}")
            }
        );
    }
    let key = out.strip_suffix('\n').unwrap_or(&out);
    if key.is_empty() {
        bail!("{origin} printed nothing; it must print the key on stdout");
    }
    check_key(
        key,
        &origin,
        "check the command's output: it must be the key alone, on one line",
    )?;
    Ok(Secret(key.to_string()))
}

/// What a failing key command said on stderr, safe to print: whatever it printed
/// on stdout (maybe the key) removed, credentials masked, no control
/// characters, bounded.
fn stderr_shown(stderr: &str, stdout: &str) -> String {
    let mut text = stderr.to_string();
    let mut printed: Vec<&str> = stdout
        .split_whitespace()
        .filter(|w| w.chars().count() >= 4)
        .collect();
    printed.sort_by_key(|w| std::cmp::Reverse(w.len()));
    for word in printed {
        text = text.replace(word, "***");
    }
    crate::llm::client::sanitize(&crate::redact::mask(&text))
}

/// A key is one line of printable ASCII: anything else (a trailing `\r`, an
/// escape sequence, a space, a second line) would make an invalid header or a
/// key the server rejects, so it is named here, by position, never shown.
pub fn check_key(key: &str, source: &str, hint: &str) -> anyhow::Result<()> {
    let count = key.chars().count();
    for (i, c) in key.chars().enumerate() {
        let what = if c.is_control() {
            format!("a control character (U+{:04X})", c as u32)
        } else if c.is_whitespace() {
            "a space".to_string()
        } else if !c.is_ascii() {
            "a non-ASCII character".to_string()
        } else {
            continue;
        };
        bail!(
            "the key from {source} contains {what} at position {}{}; {hint}",
            i + 1,
            if i + 1 == count { " (the last)" } else { "" }
        );
    }
    Ok(())
}

fn shown_secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// Kills a key command's process group when dropped (a timeout, an interrupted
/// run), unless the command ended by itself.
struct KillGroup(Option<u32>);

impl KillGroup {
    fn finished(mut self) {
        self.0 = None;
    }
}

impl Drop for KillGroup {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(pgid) = self
            .0
            .and_then(|id| i32::try_from(id).ok())
            .filter(|&id| id > 1)
        {
            // SAFETY: killpg takes plain integers and touches no memory of ours; the
            // group is the one created for the command, which has not been reaped.
            unsafe {
                libc::killpg(pgid, libc::SIGKILL);
            }
        }
    }
}

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// OpenAI or any OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio…):
    /// `{base_url}/chat/completions` with `Authorization: Bearer`.
    OpenAi { base_url: String },
    /// Azure OpenAI with the `api-key` header: with an `api_version`,
    /// `{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…`;
    /// without one, the v1 form `{endpoint}/openai/v1/chat/completions`.
    Azure {
        endpoint: Option<String>,
        deployment: String,
        api_version: Option<String>,
    },
}

impl Endpoint {
    /// The chat-completions URL, or what to set when it cannot be built.
    pub fn chat_url(&self) -> anyhow::Result<reqwest::Url> {
        match self {
            Endpoint::OpenAi { base_url } => {
                let url = format!("{}/chat/completions", base_url.trim_end_matches('/'));
                reqwest::Url::parse(&url).with_context(|| {
                    format!("the model base URL {base_url:?} is not a valid URL (check OPENAI_BASE_URL or base_url in the config file)")
                })
            }
            Endpoint::Azure {
                endpoint,
                deployment,
                api_version,
            } => {
                let endpoint = endpoint.as_deref().context(
                    "Azure OpenAI needs an endpoint: set AZURE_OPENAI_ENDPOINT (https://RESOURCE.openai.azure.com) or [azure] endpoint in the config file",
                )?;
                let mut url = reqwest::Url::parse(endpoint).with_context(|| {
                    format!("the Azure OpenAI endpoint {endpoint:?} is not a valid URL (check AZURE_OPENAI_ENDPOINT)")
                })?;
                {
                    let mut segments = url.path_segments_mut().map_err(|_| {
                        anyhow::anyhow!("the Azure OpenAI endpoint {endpoint:?} cannot have a path")
                    })?;
                    segments.pop_if_empty();
                    match api_version {
                        Some(_) => segments.extend(["openai", "deployments", deployment.as_str()]),
                        None => segments.extend(["openai", "v1"]),
                    };
                    segments.extend(["chat", "completions"]);
                }
                if let Some(version) = api_version {
                    url.query_pairs_mut().append_pair("api-version", version);
                }
                Ok(url)
            }
        }
    }

    pub fn is_azure(&self) -> bool {
        matches!(self, Endpoint::Azure { .. })
    }

    /// True for a server on this machine (a loopback address or `localhost`).
    pub fn is_local(&self) -> bool {
        match self {
            Endpoint::OpenAi { base_url } => {
                reqwest::Url::parse(base_url).is_ok_and(|url| is_loopback(&url))
            }
            Endpoint::Azure { .. } => false,
        }
    }

    /// True where structured output accepts only OpenAI's strict schema form (every
    /// property required): OpenAI's own API and Azure OpenAI.
    pub fn wants_strict_schema(&self) -> bool {
        self.is_openai_api() || self.is_azure()
    }

    /// True for OpenAI's own API, where a key is required.
    pub fn is_openai_api(&self) -> bool {
        match self {
            Endpoint::OpenAi { base_url } => reqwest::Url::parse(base_url)
                .ok()
                .and_then(|u| u.host_str().map(|h| h == "api.openai.com"))
                .unwrap_or(false),
            Endpoint::Azure { .. } => false,
        }
    }
}

/// Whether `url` names this machine: a loopback address or `localhost`.
pub fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Everything the model client needs, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSettings {
    /// The model (on Azure: the deployment) named in requests.
    pub model: String,
    /// Where `model` came from: `--model`, `KUBECTL_AI_MODEL`, the config file, or the default.
    pub model_source: String,
    pub endpoint: Endpoint,
    /// True when the endpoint was chosen explicitly (a base URL, an Azure endpoint or a
    /// provider), not left at the default.
    pub endpoint_configured: bool,
    pub api_key: KeySource,
    pub connect_timeout: Duration,
    /// The whole call, retries and waits included.
    pub timeout: Duration,
    /// Retries after a 429 or 5xx answer or a dropped connection (the first try not counted).
    pub max_retries: u32,
    /// The first backoff; it doubles each retry, jittered, up to `backoff_cap`.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// A server asking to wait longer than this (retry-after) is not retried.
    pub retry_after_cap: Duration,
    pub max_completion_tokens: u32,
    /// `None` leaves the model's default (reasoning models accept no other).
    pub temperature: Option<f64>,
    /// Show a spinner on stderr while waiting; the caller sets it (a TTY and no `--json`).
    pub show_progress: bool,
    pub response_format: ResponseFormat,
}

impl ModelSettings {
    /// Settings for tests and embedders: an OpenAI-compatible server at `base_url`,
    /// no key, defaults elsewhere.
    pub fn for_base_url(base_url: &str, model: &str) -> ModelSettings {
        ModelSettings {
            model: model.into(),
            model_source: "--model".into(),
            endpoint: Endpoint::OpenAi {
                base_url: base_url.into(),
            },
            endpoint_configured: true,
            api_key: KeySource::None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            backoff_base: DEFAULT_BACKOFF_BASE,
            backoff_cap: DEFAULT_BACKOFF_CAP,
            retry_after_cap: DEFAULT_RETRY_AFTER_CAP,
            max_completion_tokens: DEFAULT_MAX_COMPLETION_TOKENS,
            temperature: default_temperature(model),
            show_progress: false,
            response_format: ResponseFormat::Auto,
        }
    }
}

/// Everything resolved from flags, environment and config file.
#[derive(Debug, Clone)]
pub struct Settings {
    pub model: ModelSettings,
    pub limits: Limits,
    /// The config file that was read, if any.
    pub config_path: Option<PathBuf>,
    /// Things the person should hear about (printed by the caller on stderr).
    pub warnings: Vec<String>,
}

impl Settings {
    /// Resolves with precedence flags > environment > config file > defaults.
    /// `flag_model` is `--model`; `env` looks up an environment variable.
    pub fn resolve(
        flag_model: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Settings> {
        let file = ConfigFile::load(env)?;
        Settings::resolve_with(flag_model, env, file)
    }

    /// As [`Settings::resolve`], with the config file already read.
    pub fn resolve_with(
        flag_model: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
        file: Option<(PathBuf, ConfigFile)>,
    ) -> anyhow::Result<Settings> {
        let env = |name: &str| nonempty(env(name));
        let (path, file) = match file {
            Some((path, file)) => (Some(path), file),
            None => (None, ConfigFile::default()),
        };
        let file_label = || {
            path.as_ref()
                .map(|p| format!("the config file {}", p.display()))
                .unwrap_or_else(|| "the config file".into())
        };
        let mut warnings = Vec::new();

        let (model, model_source) = if let Some(m) = flag_model.filter(|m| !m.trim().is_empty()) {
            (m.trim().to_string(), "--model".to_string())
        } else if let Some(m) = env("KUBECTL_AI_MODEL") {
            (m, "KUBECTL_AI_MODEL".to_string())
        } else if let Some(m) = nonempty(file.model.clone()) {
            (m, file_label())
        } else {
            (DEFAULT_MODEL.to_string(), "the default".to_string())
        };

        let base_url_env = env("OPENAI_BASE_URL");
        let azure_env = env("AZURE_OPENAI_ENDPOINT");
        let file_azure = file.azure.clone().unwrap_or_default();
        let use_azure = if base_url_env.is_some() {
            false
        } else if azure_env.is_some() {
            true
        } else {
            match file.provider {
                Some(ProviderName::Azure) => true,
                Some(ProviderName::Openai) => false,
                None => file_azure.endpoint.is_some() && file.base_url.is_none(),
            }
        };
        let endpoint_configured = base_url_env.is_some()
            || azure_env.is_some()
            || file.base_url.is_some()
            || file.provider.is_some()
            || file_azure.endpoint.is_some();

        let endpoint = if use_azure {
            let endpoint = azure_env
                .or_else(|| nonempty(file_azure.endpoint.clone()))
                .map(|e| azure_base(&e));
            let deployment = flag_model
                .filter(|m| !m.trim().is_empty())
                .map(|m| m.trim().to_string())
                .or_else(|| env("AZURE_OPENAI_DEPLOYMENT"))
                .or_else(|| nonempty(file_azure.deployment.clone()))
                .unwrap_or_else(|| model.clone());
            let api_version = env("OPENAI_API_VERSION")
                .or_else(|| env("AZURE_OPENAI_API_VERSION"))
                .or_else(|| nonempty(file_azure.api_version.clone()))
                .filter(|v| v != "v1");
            Endpoint::Azure {
                endpoint,
                deployment,
                api_version,
            }
        } else {
            let base_url = base_url_env
                .or_else(|| nonempty(file.base_url.clone()))
                .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
            Endpoint::OpenAi { base_url }
        };
        // On Azure the deployment is what requests name.
        let model = match &endpoint {
            Endpoint::Azure { deployment, .. } => deployment.clone(),
            Endpoint::OpenAi { .. } => model,
        };

        let key_var = if use_azure {
            "AZURE_OPENAI_API_KEY"
        } else {
            "OPENAI_API_KEY"
        };
        let api_key = if let Some(value) = env(key_var) {
            KeySource::Env {
                var: key_var,
                value: Secret(value),
            }
        } else if let Some(command) = &file.api_key_command {
            let file_path = path.clone().unwrap_or_default();
            KeySource::Command {
                argv: split_command(command).with_context(|| {
                    format!("api_key_command in {} cannot be read", file_label())
                })?,
                file: file_path,
                timeout: timeout_setting(
                    None,
                    "",
                    file.api_key_command_timeout_secs,
                    "api_key_command_timeout_secs",
                    &file_label(),
                    DEFAULT_KEY_COMMAND_TIMEOUT,
                )?,
            }
        } else if let Some(value) = nonempty(file.api_key.clone()) {
            KeySource::File {
                file: path.clone().unwrap_or_default(),
                value: Secret(value),
            }
        } else {
            KeySource::None
        };
        if file.api_key.is_some()
            && let Some(path) = &path
            && let Some(warning) = permission_warning(path)
        {
            warnings.push(warning);
        }

        let connect_timeout = timeout_setting(
            env("KUBECTL_AI_MODEL_CONNECT_TIMEOUT"),
            "KUBECTL_AI_MODEL_CONNECT_TIMEOUT",
            file.connect_timeout_secs,
            "connect_timeout_secs",
            &file_label(),
            DEFAULT_CONNECT_TIMEOUT,
        )?;
        let timeout = timeout_setting(
            env("KUBECTL_AI_MODEL_TIMEOUT"),
            "KUBECTL_AI_MODEL_TIMEOUT",
            file.timeout_secs,
            "timeout_secs",
            &file_label(),
            if endpoint.is_local() {
                DEFAULT_LOCAL_TIMEOUT
            } else {
                DEFAULT_TIMEOUT
            },
        )?;
        let response_format = match env("KUBECTL_AI_RESPONSE_FORMAT") {
            Some(text) => ResponseFormat::parse(&text).with_context(|| {
                format!(
                    "KUBECTL_AI_RESPONSE_FORMAT must be auto, json_schema or json_object, not {text:?}"
                )
            })?,
            None => file.response_format.unwrap_or_default(),
        };
        let max_retries = file.max_retries.unwrap_or(DEFAULT_MAX_RETRIES).min(10);
        let backoff_base = file
            .retry_backoff_ms
            .map(Duration::from_millis)
            .unwrap_or(DEFAULT_BACKOFF_BASE);
        let max_completion_tokens = file
            .max_completion_tokens
            .unwrap_or(DEFAULT_MAX_COMPLETION_TOKENS)
            .max(256);
        let temperature = match file.temperature {
            Some(t) if (0.0..=2.0).contains(&t) => Some(t),
            Some(t) => bail!(
                "temperature in {} must be between 0 and 2, not {t}",
                file_label()
            ),
            None => default_temperature(&model),
        };
        let mut limits = Limits::default();
        if let Some(ceiling) = file.replica_ceiling {
            if ceiling < 1 {
                bail!(
                    "replica_ceiling in {} must be at least 1, not {ceiling}",
                    file_label()
                );
            }
            limits.replica_ceiling = ceiling;
        }

        Ok(Settings {
            model: ModelSettings {
                model,
                model_source,
                endpoint,
                endpoint_configured,
                api_key,
                connect_timeout,
                timeout,
                max_retries,
                backoff_base,
                backoff_cap: DEFAULT_BACKOFF_CAP.max(backoff_base),
                retry_after_cap: DEFAULT_RETRY_AFTER_CAP,
                max_completion_tokens,
                temperature,
                show_progress: false,
                response_format,
            },
            limits,
            config_path: path,
            warnings,
        })
    }
}

/// The shortest and longest timeouts accepted: anything outside is a mistake
/// (and a huge one would overflow the clock).
pub const TIMEOUT_RANGE: (Duration, Duration) =
    (Duration::from_millis(1), Duration::from_secs(86_400));

/// A timeout: from the environment variable `var` (a number of seconds, with an
/// optional trailing `s`) when `env_value` is set, else from `key` in the config
/// file, else `default`. Out of [`TIMEOUT_RANGE`], not a number, NaN or infinite
/// is an error naming where the value came from; never a panic.
pub fn timeout_setting(
    env_value: Option<String>,
    var: &str,
    file_value: Option<f64>,
    key: &str,
    file_label: &str,
    default: Duration,
) -> anyhow::Result<Duration> {
    let (min, max) = TIMEOUT_RANGE;
    let range = format!(
        "a number of seconds from {} to {} (a day)",
        min.as_secs_f64(),
        max.as_secs()
    );
    if let Some(text) = env_value {
        return parse_secs(&text)
            .and_then(seconds)
            .with_context(|| format!("{var}={} is not {range}", crate::shown::value(&text)));
    }
    match file_value {
        None => Ok(default),
        Some(n) => {
            seconds(n).with_context(|| format!("{key} in {file_label} must be {range}, not {n}"))
        }
    }
}

/// `30`, `2.5`, `30s` as seconds.
fn parse_secs(text: &str) -> Option<f64> {
    let text = text.trim();
    text.strip_suffix('s').unwrap_or(text).trim().parse().ok()
}

/// Seconds as a duration when within [`TIMEOUT_RANGE`].
fn seconds(n: f64) -> Option<Duration> {
    let (min, max) = TIMEOUT_RANGE;
    let d = Duration::try_from_secs_f64(n).ok()?;
    (min..=max).contains(&d).then_some(d)
}

fn nonempty(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Reasoning models (o1, o3, o4, gpt-5…) accept only their default temperature.
fn default_temperature(model: &str) -> Option<f64> {
    let m = model.to_ascii_lowercase();
    let m = m.rsplit('/').next().unwrap_or(&m);
    let reasoning = ["o1", "o3", "o4", "gpt-5"].iter().any(|p| m.starts_with(p));
    (!reasoning).then_some(0.0)
}

/// The resource endpoint without a trailing `/`, `/openai` or `/openai/v1`.
fn azure_base(endpoint: &str) -> String {
    let mut e = endpoint.trim().trim_end_matches('/');
    for suffix in ["/openai/v1", "/openai"] {
        if let Some(stripped) = e.strip_suffix(suffix) {
            e = stripped;
            break;
        }
    }
    e.to_string()
}

/// Splits `api_key_command` into argv: an array is taken as is; a string is split
/// on whitespace, with single and double quotes grouping. No shell is involved.
pub fn split_command(command: &KeyCommand) -> anyhow::Result<Vec<String>> {
    let argv = match command {
        KeyCommand::Argv(argv) => argv.clone(),
        KeyCommand::Line(line) => {
            let mut argv = Vec::new();
            let mut current = String::new();
            let mut in_word = false;
            let mut quote: Option<char> = None;
            for c in line.chars() {
                match (quote, c) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), c) => current.push(c),
                    (None, '\'' | '"') => {
                        quote = Some(c);
                        in_word = true;
                    }
                    (None, c) if c.is_whitespace() => {
                        if in_word {
                            argv.push(std::mem::take(&mut current));
                            in_word = false;
                        }
                    }
                    (None, c) => {
                        current.push(c);
                        in_word = true;
                    }
                }
            }
            if quote.is_some() {
                bail!("unbalanced quote in {line:?}");
            }
            if in_word {
                argv.push(current);
            }
            argv
        }
    };
    if argv.is_empty() || argv[0].is_empty() {
        bail!("the command is empty");
    }
    Ok(argv)
}

/// A warning when a config file holding a key can be read by others than its owner.
#[cfg(unix)]
fn permission_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "{} holds an API key and can be read by others (mode {mode:o}); run `chmod 600 {}`, or move the key to OPENAI_API_KEY or api_key_command",
            path.display(),
            path.display()
        )
    })
}

#[cfg(not(unix))]
fn permission_warning(_path: &Path) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn resolve(flag: Option<&str>, env: &[(&str, &str)], file: Option<&str>) -> Settings {
        let file = file.map(|t| {
            (
                PathBuf::from("/tmp/kubectl-ai-test.toml"),
                ConfigFile::parse(t).unwrap(),
            )
        });
        Settings::resolve_with(flag, &env_of(env), file).unwrap()
    }

    #[test]
    fn defaults_are_openai_and_the_documented_model() {
        let s = resolve(None, &[], None).model;
        assert_eq!(s.model, DEFAULT_MODEL);
        assert_eq!(s.model_source, "the default");
        assert_eq!(
            s.endpoint,
            Endpoint::OpenAi {
                base_url: DEFAULT_BASE_URL.into()
            }
        );
        assert!(!s.endpoint_configured);
        assert!(s.endpoint.is_openai_api());
        assert_eq!(s.api_key, KeySource::None);
        assert_eq!(s.temperature, Some(0.0));
        assert_eq!(s.max_retries, 2);
        assert_eq!(
            s.endpoint.chat_url().unwrap().as_str(),
            "https://api.openai.com/v1/chat/completions"
        );
    }

    #[test]
    fn a_server_on_this_machine_gets_a_longer_default_timeout() {
        for local in [
            "http://localhost:8080/v1",
            "http://127.0.0.1:11434/v1",
            "http://[::1]:8000/v1",
        ] {
            let s = resolve(None, &[("OPENAI_BASE_URL", local)], None).model;
            assert_eq!(s.timeout, DEFAULT_LOCAL_TIMEOUT, "{local}");
        }
        let remote = resolve(
            None,
            &[("OPENAI_BASE_URL", "https://llm.example.com/v1")],
            None,
        );
        assert_eq!(remote.model.timeout, DEFAULT_TIMEOUT);
        // An explicit timeout still wins.
        let s = resolve(
            None,
            &[
                ("OPENAI_BASE_URL", "http://localhost:8080/v1"),
                ("KUBECTL_AI_MODEL_TIMEOUT", "30"),
            ],
            None,
        );
        assert_eq!(s.model.timeout, Duration::from_secs(30));
    }

    #[test]
    fn the_response_format_comes_from_env_then_file_and_a_bad_one_is_named() {
        assert_eq!(
            resolve(None, &[], None).model.response_format,
            ResponseFormat::Auto
        );
        let file = "response_format = \"json_object\"\n";
        assert_eq!(
            resolve(None, &[], Some(file)).model.response_format,
            ResponseFormat::JsonObject
        );
        let env = [("KUBECTL_AI_RESPONSE_FORMAT", "json-schema")];
        assert_eq!(
            resolve(None, &env, Some(file)).model.response_format,
            ResponseFormat::JsonSchema
        );
        let err = Settings::resolve_with(
            None,
            &env_of(&[("KUBECTL_AI_RESPONSE_FORMAT", "grammar")]),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("\"grammar\"") && err.contains("json_object"),
            "{err}"
        );
        let err = ConfigFile::parse("response_format = \"xml\"\n").unwrap_err();
        assert!(format!("{err:#}").contains("xml"), "{err:#}");
    }

    #[test]
    fn flags_beat_env_beat_file() {
        let file = "model = \"from-file\"\nbase_url = \"http://file:1/v1\"\n";
        let s = resolve(
            Some("from-flag"),
            &[("KUBECTL_AI_MODEL", "from-env")],
            Some(file),
        )
        .model;
        assert_eq!(
            (s.model.as_str(), s.model_source.as_str()),
            ("from-flag", "--model")
        );
        let s = resolve(None, &[("KUBECTL_AI_MODEL", "from-env")], Some(file)).model;
        assert_eq!(s.model, "from-env");
        let s = resolve(None, &[("KUBECTL_AI_MODEL", "  ")], Some(file)).model;
        assert_eq!(s.model, "from-file");
        assert!(s.model_source.contains("config file"));
        assert_eq!(
            s.endpoint,
            Endpoint::OpenAi {
                base_url: "http://file:1/v1".into()
            }
        );
        let s = resolve(None, &[("OPENAI_BASE_URL", "http://env:2/v1/")], Some(file)).model;
        assert_eq!(
            s.endpoint.chat_url().unwrap().as_str(),
            "http://env:2/v1/chat/completions"
        );
    }

    #[test]
    fn the_key_comes_from_env_then_command_then_file() {
        let file = "api_key_command = \"pass show 'openai key'\"\napi_key = \"sk-file\"\n";
        let s = resolve(None, &[("OPENAI_API_KEY", "sk-env")], Some(file)).model;
        assert_eq!(s.api_key.describe(), "OPENAI_API_KEY");
        assert_eq!(
            block_on(s.api_key.resolve()).unwrap().unwrap().expose(),
            "sk-env"
        );
        let s = resolve(None, &[], Some(file)).model;
        match &s.api_key {
            KeySource::Command { argv, .. } => assert_eq!(argv, &["pass", "show", "openai key"]),
            other => panic!("{other:?}"),
        }
        let s = resolve(None, &[], Some("api_key = \"sk-file\"")).model;
        assert!(s.api_key.describe().starts_with("api_key in"));
        // Never printed.
        assert!(!format!("{s:?}").contains("sk-file"));
    }

    /// Runs a future to its end (the key is read asynchronously).
    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn command(argv: &[&str]) -> KeySource {
        KeySource::Command {
            argv: argv.iter().map(|a| a.to_string()).collect(),
            file: PathBuf::from("c.toml"),
            timeout: Duration::from_secs(10),
        }
    }

    /// A key command running this shell script (kept out of its argv, so that
    /// what an error shows of the output is not confused with the command).
    fn script(body: &str) -> (tempfile::TempDir, KeySource) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.sh");
        std::fs::write(&path, body).unwrap();
        let source = command(&["sh", path.to_str().unwrap()]);
        (dir, source)
    }

    #[test]
    fn the_key_command_runs_without_a_shell() {
        // `$HOME` reaches echo as is: no shell expands it. (A key is one word: the
        // key with a space this test used to expect is now refused, see below.)
        assert_eq!(
            block_on(command(&["echo", "sk-from-command-$HOME"]).resolve())
                .unwrap()
                .unwrap()
                .expose(),
            "sk-from-command-$HOME"
        );
        let err = block_on(command(&["false"]).resolve())
            .unwrap_err()
            .to_string();
        assert!(err.contains("api_key_command `false`"), "{err}");
        let missing = command(&["/nonexistent/kubectl-ai-key"]);
        assert!(format!("{:#}", block_on(missing.resolve()).unwrap_err()).contains("cannot run"));
        assert!(split_command(&KeyCommand::Line("a 'b".into())).is_err());
        assert_eq!(
            split_command(&KeyCommand::Argv(vec!["op".into(), "read".into()])).unwrap(),
            ["op", "read"]
        );
    }

    #[test]
    fn a_malformed_key_is_named_by_position_never_shown() {
        for (output, what, at) in [
            (
                "printf 'sk-abcdef\\r\\n'",
                "a control character (U+000D)",
                "position 10 (the last)",
            ),
            (
                "printf 'sk-\\033[31mabc'",
                "a control character (U+001B)",
                "position 4;",
            ),
            ("printf 'sk-abc def\\n'", "a space", "position 7;"),
            (
                "printf 'sk-abc\\nsecond line\\n'",
                "a control character (U+000A)",
                "position 7;",
            ),
            (
                "printf 'sk-abcé'",
                "a non-ASCII character",
                "position 7 (the last)",
            ),
        ] {
            let (_dir, source) = script(output);
            let err = block_on(source.resolve()).unwrap_err().to_string();
            assert!(
                err.contains(&format!("contains {what} at {at}")),
                "{output}: {err}"
            );
            assert!(err.contains("check the command's output"), "{err}");
            assert!(!err.contains("abc"), "{err}");
        }
        // One trailing newline is not part of the key.
        let key = block_on(command(&["printf", "sk-abc\\n"]).resolve()).unwrap();
        assert_eq!(key.unwrap().expose(), "sk-abc");
        let err = block_on(command(&["printf", ""]).resolve()).unwrap_err();
        assert!(err.to_string().contains("printed nothing"), "{err}");
        // A key from the environment is held to the same rule.
        let env = KeySource::Env {
            var: "OPENAI_API_KEY",
            value: Secret::new("sk-abc\u{1b}[2J"),
        };
        let err = block_on(env.resolve()).unwrap_err().to_string();
        assert!(
            err.contains("the key from OPENAI_API_KEY contains a control character (U+001B) at position 7; check OPENAI_API_KEY"),
            "{err}"
        );
    }

    #[test]
    fn a_failing_key_command_never_shows_its_stdout() {
        let (_dir, source) =
            script("echo LeakedKey42\necho 'cannot unlock LeakedKey42 vault' >&2\nexit 3\n");
        let err = block_on(source.resolve()).unwrap_err().to_string();
        assert!(!err.contains("LeakedKey42"), "{err}");
        assert!(
            err.contains("failed (exit status: 3): cannot unlock *** vault"),
            "{err}"
        );
        let (_dir, source) = script("echo hunter2hunter2\nexit 1\n");
        let err = block_on(source.resolve()).unwrap_err().to_string();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(
            err.ends_with("failed (exit status: 1) and printed nothing on stderr"),
            "{err}"
        );
        // Credentials on stderr are masked even when stdout said nothing.
        let (_dir, source) =
            script("echo 'token: ghp_abcdefghijklmnopqrstuvwxyz0123' >&2\nexit 1\n");
        let err = block_on(source.resolve()).unwrap_err().to_string();
        assert!(!err.contains("ghp_"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_hanging_key_command_is_stopped_with_its_children() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("child.pid");
        let script = format!("sleep 30 & echo $! > '{}'; wait", pid_file.display());
        let source = KeySource::Command {
            argv: vec!["sh".into(), "-c".into(), script],
            file: PathBuf::from("c.toml"),
            timeout: Duration::from_millis(300),
        };
        let started = std::time::Instant::now();
        let err = block_on(source.resolve()).unwrap_err().to_string();
        assert!(started.elapsed() < Duration::from_secs(5), "{err}");
        assert!(
            err.contains("did not finish within 0.3 s and was stopped"),
            "{err}"
        );
        assert!(err.contains("api_key_command_timeout_secs"), "{err}");
        // The grandchild (sleep) went with it: its process group was killed.
        let pid: i32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        std::thread::sleep(Duration::from_millis(100));
        let alive = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|stat| !stat.contains(") Z "))
            .unwrap_or(false);
        assert!(!alive, "sleep {pid} outlived the key command");
    }

    #[test]
    fn azure_from_env_uses_the_v1_form_or_deployments_with_a_version() {
        let s = resolve(
            None,
            &[
                ("AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com/"),
                ("AZURE_OPENAI_API_KEY", "azkey"),
                ("AZURE_OPENAI_DEPLOYMENT", "my-gpt"),
            ],
            None,
        )
        .model;
        assert!(s.endpoint.is_azure());
        assert_eq!(s.model, "my-gpt");
        assert_eq!(s.api_key.describe(), "AZURE_OPENAI_API_KEY");
        assert_eq!(
            s.endpoint.chat_url().unwrap().as_str(),
            "https://res.openai.azure.com/openai/v1/chat/completions"
        );
        let s = resolve(
            None,
            &[
                (
                    "AZURE_OPENAI_ENDPOINT",
                    "https://res.openai.azure.com/openai/v1",
                ),
                ("OPENAI_API_VERSION", "2024-10-21"),
            ],
            None,
        )
        .model;
        // Without a deployment, the model names it.
        assert_eq!(s.model, DEFAULT_MODEL);
        assert_eq!(
            s.endpoint.chat_url().unwrap().as_str(),
            "https://res.openai.azure.com/openai/deployments/gpt-4.1-mini/chat/completions?api-version=2024-10-21"
        );
        // --model names the deployment too.
        let s = resolve(
            Some("other"),
            &[
                ("AZURE_OPENAI_ENDPOINT", "https://r"),
                ("AZURE_OPENAI_DEPLOYMENT", "d"),
            ],
            None,
        )
        .model;
        assert_eq!(s.model, "other");
    }

    #[test]
    fn azure_from_the_file() {
        let file = "provider = \"azure\"\n[azure]\nendpoint = \"https://res.openai.azure.com\"\ndeployment = \"dep\"\napi_version = \"2025-01-01-preview\"\n";
        let s = resolve(None, &[], Some(file)).model;
        assert_eq!(
            s.endpoint.chat_url().unwrap().as_str(),
            "https://res.openai.azure.com/openai/deployments/dep/chat/completions?api-version=2025-01-01-preview"
        );
        // OPENAI_BASE_URL in the environment beats the file's provider.
        let s = resolve(
            None,
            &[("OPENAI_BASE_URL", "http://localhost:11434/v1")],
            Some(file),
        )
        .model;
        assert!(!s.endpoint.is_azure());
        // An Azure provider without an endpoint says what to set when used.
        let s = resolve(None, &[], Some("provider = \"azure\"")).model;
        let err = s.endpoint.chat_url().unwrap_err().to_string();
        assert!(err.contains("AZURE_OPENAI_ENDPOINT"), "{err}");
    }

    #[test]
    fn numbers_from_the_file_and_env() {
        let file = "timeout_secs = 5\nconnect_timeout_secs = 0.5\nmax_retries = 1\nretry_backoff_ms = 10\nreplica_ceiling = 50\nmax_completion_tokens = 1000\n";
        let s = resolve(None, &[("KUBECTL_AI_MODEL_TIMEOUT", "7s")], Some(file));
        assert_eq!(s.model.timeout, Duration::from_secs(7));
        assert_eq!(s.model.connect_timeout, Duration::from_millis(500));
        assert_eq!(s.model.max_retries, 1);
        assert_eq!(s.model.backoff_base, Duration::from_millis(10));
        assert_eq!(s.model.max_completion_tokens, 1000);
        assert_eq!(s.limits.replica_ceiling, 50);
        let bad = Settings::resolve_with(
            None,
            &env_of(&[]),
            Some((
                PathBuf::from("c.toml"),
                ConfigFile::parse("timeout_secs = -1").unwrap(),
            )),
        )
        .unwrap_err()
        .to_string();
        assert!(
            bad.contains("timeout_secs in the config file c.toml"),
            "{bad}"
        );
        assert!(ConfigFile::parse("model = 3").is_err());
        // Keys that belong to other parts of the program are left alone.
        ConfigFile::parse("color = \"never\"\n[kubectl]\npath = \"/bin/kubectl\"").unwrap();
    }

    #[test]
    fn timeouts_name_their_source_when_out_of_range() {
        let t = |env: Option<&str>, file: Option<f64>| {
            timeout_setting(
                env.map(str::to_string),
                "KUBECTL_AI_MODEL_TIMEOUT",
                file,
                "timeout_secs",
                "the config file c.toml",
                DEFAULT_TIMEOUT,
            )
        };
        assert_eq!(t(Some("7s"), Some(3.0)).unwrap(), Duration::from_secs(7));
        assert_eq!(t(Some(" 2.5 "), None).unwrap(), Duration::from_millis(2500));
        assert_eq!(t(None, Some(3.0)).unwrap(), Duration::from_secs(3));
        assert_eq!(t(None, None).unwrap(), DEFAULT_TIMEOUT);
        for bad in ["1e300", "inf", "NaN", "-1", "0", "soon", "86401", "1e-9"] {
            let err = format!("{:#}", t(Some(bad), None).unwrap_err());
            assert!(
                err.starts_with(&format!("KUBECTL_AI_MODEL_TIMEOUT={bad:?} is not a number of seconds from 0.001 to 86400")),
                "{err}"
            );
        }
        for bad in [1e300, f64::INFINITY, f64::NAN, -1.0, 0.0, 1e-12, 86_400.5] {
            let err = format!("{:#}", t(None, Some(bad)).unwrap_err());
            assert!(
                err.starts_with("timeout_secs in the config file c.toml must be a number of seconds from 0.001 to 86400"),
                "{err}"
            );
        }
        let s = resolve(
            None,
            &[],
            Some("api_key_command = \"pass x\"\napi_key_command_timeout_secs = 2.5\n"),
        );
        assert!(matches!(
            s.model.api_key,
            KeySource::Command { timeout, .. } if timeout == Duration::from_millis(2500)
        ));
        let s = resolve(None, &[], Some("api_key_command = \"pass x\"\n"));
        assert!(matches!(
            s.model.api_key,
            KeySource::Command { timeout, .. } if timeout == DEFAULT_KEY_COMMAND_TIMEOUT
        ));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        use crate::property_tests::config;

        fn number_text() -> impl Strategy<Value = String> {
            prop_oneof![
                "[-+ ]?[0-9]{0,40}(\\.[0-9]{0,20})?([eE][-+]?[0-9]{1,4})?s?",
                "(inf|-inf|NaN|nan|infinity|\\+inf)s?",
                any::<String>(),
            ]
        }

        fn any_seconds() -> impl Strategy<Value = f64> {
            prop_oneof![
                any::<f64>(),
                0.0..100_000.0f64,
                Just(f64::INFINITY),
                Just(f64::NAN),
                Just(f64::MAX),
                Just(-0.0),
            ]
        }

        proptest! {
            #![proptest_config(config(4_000))]

            #[test]
            fn env_timeouts_never_panic(text in number_text()) {
                match timeout_setting(Some(text), "V", None, "k", "f", DEFAULT_TIMEOUT) {
                    Ok(d) => prop_assert!((TIMEOUT_RANGE.0..=TIMEOUT_RANGE.1).contains(&d)),
                    Err(e) => prop_assert!(e.to_string().starts_with("V=")),
                }
            }

            #[test]
            fn file_timeouts_never_panic(n in any_seconds()) {
                match timeout_setting(None, "V", Some(n), "k", "f", DEFAULT_TIMEOUT) {
                    Ok(d) => prop_assert!((TIMEOUT_RANGE.0..=TIMEOUT_RANGE.1).contains(&d)),
                    Err(e) => prop_assert!(e.to_string().starts_with("k in f must be")),
                }
            }
        }

        proptest! {
            #![proptest_config(config(500))]

            /// A whole config file with any timeouts, backoff and key-command
            /// timeout, and any timeout variables: settings or an error, never a panic.
            #[test]
            fn resolution_never_panics_on_any_duration(
                connect in any_seconds(),
                timeout in any_seconds(),
                key_timeout in any_seconds(),
                backoff in any::<u64>(),
                retries in any::<u32>(),
                env_timeout in proptest::option::of(number_text()),
                env_connect in proptest::option::of(number_text()),
            ) {
                let mut file = ConfigFile::parse("api_key_command = \"pass x\"").unwrap();
                file.connect_timeout_secs = Some(connect);
                file.timeout_secs = Some(timeout);
                file.api_key_command_timeout_secs = Some(key_timeout);
                file.retry_backoff_ms = Some(backoff);
                file.max_retries = Some(retries);
                let mut vars = Vec::new();
                if let Some(t) = &env_timeout {
                    vars.push(("KUBECTL_AI_MODEL_TIMEOUT", t.as_str()));
                }
                if let Some(t) = &env_connect {
                    vars.push(("KUBECTL_AI_MODEL_CONNECT_TIMEOUT", t.as_str()));
                }
                if let Ok(s) = Settings::resolve_with(None, &env_of(&vars), Some((PathBuf::from("c.toml"), file))) {
                    let m = s.model;
                    prop_assert!(m.timeout <= TIMEOUT_RANGE.1 && m.connect_timeout <= TIMEOUT_RANGE.1);
                    prop_assert!(m.backoff_cap >= m.backoff_base);
                }
            }
        }
    }

    #[test]
    fn reasoning_models_get_no_temperature() {
        assert_eq!(default_temperature("gpt-4.1-mini"), Some(0.0));
        assert_eq!(default_temperature("o4-mini"), None);
        assert_eq!(default_temperature("gpt-5"), None);
        assert_eq!(default_temperature("openai/o3"), None);
        assert_eq!(default_temperature("llama3.1:8b"), Some(0.0));
    }

    #[cfg(unix)]
    #[test]
    fn a_key_in_a_readable_file_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "api_key = \"sk-x\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let env = env_of(&[(CONFIG_ENV, path.to_str().unwrap())]);
        let s = Settings::resolve(None, &env).unwrap();
        assert_eq!(s.config_path.as_deref(), Some(path.as_path()));
        assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
        assert!(s.warnings[0].contains("chmod 600"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(Settings::resolve(None, &env).unwrap().warnings.is_empty());
        // No key in the file: no warning whatever the mode.
        std::fs::write(&path, "model = \"m\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(Settings::resolve(None, &env).unwrap().warnings.is_empty());
    }

    #[test]
    fn a_missing_explicit_config_file_is_an_error() {
        let env = env_of(&[(CONFIG_ENV, "/nonexistent/kubectl-ai.toml")]);
        let err = Settings::resolve(None, &env).unwrap_err().to_string();
        assert!(
            err.contains("KUBECTL_AI_CONFIG points to /nonexistent/kubectl-ai.toml"),
            "{err}"
        );
    }
}
