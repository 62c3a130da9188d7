//! What the command line means: everything resolved once into an immutable
//! [`Config`].
//!
//! [`crate::cli`] records what was typed; this module decides what it means:
//! which command runs, which kubectl flags are forwarded, whether color is on,
//! whether a person is there to answer a prompt, and the limits that bound
//! what a plan may do. The rest of the program reads `Config` and never looks
//! at `std::env` or the raw flags again.
//!
//! Precedence is flags > environment > config file > defaults. The config file
//! layer does not exist yet (issue 5): it belongs in [`Config::resolve`], between
//! the environment and the defaults.

use std::collections::BTreeMap;
use std::fmt;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{Cli, ColorWhen, Shell, Sub};
use crate::exit::UserError;

/// Default ceiling on replica counts a plan may ask for.
pub const DEFAULT_REPLICA_CEILING: u32 = 1000;
/// Default time one kubectl call may take before it is killed.
pub const DEFAULT_KUBECTL_TIMEOUT: Duration = Duration::from_secs(60);

/// The environment variables this program reads, all in one place.
pub mod vars {
    /// Disable color under `--color auto` when set and non-empty.
    pub const NO_COLOR: &str = "NO_COLOR";
    /// The kubectl to run (newer kubectl sets it for plugins).
    pub const KUBECTL_PATH: &str = "KUBECTL_PATH";
    /// Seconds one kubectl call may take.
    pub const TIMEOUT: &str = "KUBECTL_AI_TIMEOUT";
    /// The model name when `--model` is absent.
    pub const MODEL: &str = "KUBECTL_AI_MODEL";
    /// tracing filter for logs on stderr.
    pub const LOG: &str = "KUBECTL_AI_LOG";
    /// The journal of applied changes: a file, or `off`.
    pub const JOURNAL: &str = "KUBECTL_AI_JOURNAL";
    /// kubectl's list of kubeconfig files (checked, never changed: kubectl reads it).
    pub const KUBECONFIG: &str = "KUBECONFIG";
    /// OpenAI-compatible base URL.
    pub const OPENAI_BASE_URL: &str = "OPENAI_BASE_URL";
    /// API key for the model.
    pub const OPENAI_API_KEY: &str = "OPENAI_API_KEY";
    /// Every variable [`super::Env::from_process`] captures.
    pub const ALL: &[&str] = &[
        NO_COLOR,
        KUBECTL_PATH,
        TIMEOUT,
        MODEL,
        LOG,
        JOURNAL,
        KUBECONFIG,
        OPENAI_BASE_URL,
        OPENAI_API_KEY,
        "OPENAI_API_VERSION",
        "AZURE_OPENAI_ENDPOINT",
        "AZURE_OPENAI_API_KEY",
        "AZURE_OPENAI_DEPLOYMENT",
        "AZURE_OPENAI_API_VERSION",
        "KUBECTL_AI_MODEL_TIMEOUT",
        "KUBECTL_AI_MODEL_CONNECT_TIMEOUT",
        crate::llm::settings::CONFIG_ENV,
        "TERM",
    ];
}

/// What the program does this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// A request in plain English (the words joined by single spaces).
    Sentence(String),
    /// Run a saved plan file (`--plan FILE`).
    Plan(PathBuf),
    /// `kubectl ai diagnose`.
    Diagnose {
        /// The question words joined by spaces, if any were given.
        question: Option<String>,
        /// `--target KIND/NAME`.
        target: Option<Target>,
        /// `--fix`: offer fixes as plans.
        fix: bool,
    },
    /// `kubectl ai completion SHELL`.
    Completion(Shell),
    /// `kubectl ai history [RUN] [--limit N]`.
    History { run: Option<u64>, limit: usize },
    /// `kubectl ai undo [RUN]`.
    Undo { run: Option<u64> },
    /// `kubectl ai mcp`: the MCP server.
    Mcp {
        /// `--http ADDR`: streamable HTTP instead of stdio (checked when the server starts).
        http: Option<String>,
        /// `--allow-changes`: the apply tool is offered.
        allow_changes: bool,
        /// `--allow-remote`: `--http` may listen on a non-loopback address.
        allow_remote: bool,
    },
}

/// `KIND/NAME` as given to `diagnose --target`, e.g. `deployment/web`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// As typed (`deploy`, `deployment`, `deployment.apps`, `pod`...).
    pub kind: String,
    /// The object's name.
    pub name: String,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind, self.name)
    }
}

/// kubectl's global flags as given on our command line, to be forwarded.
///
/// `-A/--all-namespaces` is *not* a kubectl global flag (only listing
/// commands accept it), so [`KubeFlags::args`] never includes it: callers add
/// [`KubeFlags::scope_args`] where the command takes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KubeFlags {
    /// `-n/--namespace`. Plans may override it per operation.
    pub namespace: Option<String>,
    /// `-A/--all-namespaces`.
    pub all_namespaces: bool,
    /// `--context`.
    pub context: Option<String>,
    /// `--kubeconfig`.
    pub kubeconfig: Option<String>,
    /// `--cluster`.
    pub cluster: Option<String>,
    /// `--user`.
    pub user: Option<String>,
    /// `--as`.
    pub as_user: Option<String>,
    /// `--request-timeout`.
    pub request_timeout: Option<String>,
}

impl KubeFlags {
    /// The argv fragment forwarded to every kubectl call: connection flags
    /// then `-n NAMESPACE` when one was given, e.g.
    /// `["--context", "x", "-n", "shop"]`.
    pub fn args(&self) -> Vec<String> {
        let mut args = self.connection_args();
        args.extend(self.namespace_args());
        args
    }

    /// The forwarded flags without the namespace (for `kubectl config ...`,
    /// cluster-scoped reads, or when a plan names its own namespace).
    pub fn connection_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        let pairs = [
            ("--kubeconfig", &self.kubeconfig),
            ("--context", &self.context),
            ("--cluster", &self.cluster),
            ("--user", &self.user),
            ("--as", &self.as_user),
            ("--request-timeout", &self.request_timeout),
        ];
        for (flag, value) in pairs {
            if let Some(value) = value {
                args.push(flag.to_string());
                args.push(value.clone());
            }
        }
        args
    }

    /// `["-n", ns]` when a namespace was given, else nothing.
    pub fn namespace_args(&self) -> Vec<String> {
        match &self.namespace {
            Some(ns) => vec!["-n".to_string(), ns.clone()],
            None => Vec::new(),
        }
    }

    /// For listing commands: `["--all-namespaces"]` with `-A`, else the
    /// namespace args.
    pub fn scope_args(&self) -> Vec<String> {
        if self.all_namespaces {
            vec!["--all-namespaces".to_string()]
        } else {
            self.namespace_args()
        }
    }

    /// A copy working in `namespace` (or the context's default with `None`).
    pub fn with_namespace(&self, namespace: Option<&str>) -> KubeFlags {
        KubeFlags {
            namespace: namespace.map(str::to_string),
            all_namespaces: false,
            ..self.clone()
        }
    }
}

/// Everything the program needs to know, resolved once.
#[derive(Debug, Clone)]
pub struct Config {
    /// What to do.
    pub command: Command,
    /// kubectl's global flags to forward, as typed.
    pub kube: KubeFlags,
    /// The context, cluster and user every kubectl call of the run goes to,
    /// resolved once when the run starts (`app::run`); empty until then.
    pub pin: crate::kubectl::kubeconfig::Pin,
    /// `-y/--yes`: apply without asking.
    pub yes: bool,
    /// `--dry-run`: preview, never apply.
    pub dry_run: bool,
    /// `--explain`: show plan and commands; contact no cluster.
    pub explain: bool,
    /// `--json`: one JSON document on stdout.
    pub json: bool,
    /// `--offline`: never contact a model.
    pub offline: bool,
    /// `--model`, else `KUBECTL_AI_MODEL`: the model name asked for.
    pub model: Option<String>,
    /// `--model` was given: sentences go to the model even when the rules understand them.
    pub model_forced: bool,
    /// Model endpoint, key source, timeouts and retries (flags > env > config file > defaults).
    pub model_settings: crate::llm::ModelSettings,
    /// Things the config file resolution wants the person to hear (printed on stderr).
    pub warnings: Vec<String>,
    /// `--plan FILE` (also in `command`).
    pub plan_file: Option<PathBuf>,
    /// `--save-plan FILE`.
    pub save_plan: Option<PathBuf>,
    /// `--force`: `--save-plan` may replace an existing file.
    pub force: bool,
    /// `--show-secrets`: reads that print Secret values show them (only ever
    /// from the command line; never for a model's plan).
    pub show_secrets: bool,
    /// 0 = quiet logs, 1 = `-v` (debug), 2+ = `-vv` (trace).
    pub verbosity: u8,
    /// `-q/--quiet`: only results and errors.
    pub quiet: bool,
    /// Color on stdout (decided from --color, NO_COLOR, TERM and the TTY).
    pub color: bool,
    /// Color on stderr (progress, prompts, logs), decided the same way.
    pub stderr_color: bool,
    /// stdin is a terminal (a person may answer prompts).
    pub stdin_is_tty: bool,
    /// stdout is a terminal.
    pub stdout_is_tty: bool,
    /// stderr is a terminal (prompts and progress are drawn there).
    pub stderr_is_tty: bool,
    /// Highest replica count a plan may ask for.
    pub replica_ceiling: u32,
    /// How long one kubectl call may take before it is killed.
    pub kubectl_timeout: Duration,
    /// `KUBECTL_PATH`, when set: the kubectl to run.
    pub kubectl_path: Option<PathBuf>,
    /// `KUBECTL_AI_LOG`, when set: a tracing filter that overrides `-v`.
    pub log_filter: Option<String>,
    /// `KUBECTL_AI_JOURNAL`, when set: where to journal applied changes, or `off`.
    pub journal: Option<String>,
    /// `KUBECONFIG`, when set and not empty: the kubeconfig files kubectl reads
    /// (unless `--kubeconfig` names one).
    pub kubeconfig_env: Option<String>,
}

/// The parts of the process environment that matter, captured once so that
/// resolution is a pure function (and testable).
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// Variables from [`vars::ALL`] that were set.
    pub vars: BTreeMap<String, String>,
    /// stdin is a terminal.
    pub stdin_is_tty: bool,
    /// stdout is a terminal.
    pub stdout_is_tty: bool,
    /// stderr is a terminal.
    pub stderr_is_tty: bool,
}

impl Env {
    /// Capture the real process environment.
    pub fn from_process() -> Env {
        let vars = vars::ALL
            .iter()
            .filter_map(|name| {
                std::env::var(name)
                    .ok()
                    .map(|value| (name.to_string(), value))
            })
            .collect();
        Env {
            vars,
            stdin_is_tty: std::io::stdin().is_terminal(),
            stdout_is_tty: std::io::stdout().is_terminal(),
            stderr_is_tty: std::io::stderr().is_terminal(),
        }
    }

    /// A variable's value when set and non-empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

impl Config {
    /// Resolve the parsed command line against the real environment.
    pub fn from_cli(cli: Cli) -> Result<Config, UserError> {
        Config::resolve(cli, &Env::from_process())
    }

    /// Parse and resolve an argv (`argv[0]` is the program) against an empty
    /// environment with no terminals: a convenient `Config` for tests.
    pub fn from_argv<I, T>(argv: I) -> anyhow::Result<Config>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString>,
    {
        let cli = Cli::try_parse_argv(argv).map_err(|e| UserError::Usage(e.to_string()))?;
        Ok(Config::resolve(cli, &Env::default())?)
    }

    /// Resolve the parsed command line against a captured environment.
    pub fn resolve(cli: Cli, env: &Env) -> Result<Config, UserError> {
        let Cli {
            kube,
            opts,
            command,
            words,
        } = cli;

        let command = match command {
            Some(Sub::Completion { shell }) => Command::Completion(shell),
            Some(Sub::History(_) | Sub::Undo(_))
                if opts.plan.is_some() || opts.save_plan.is_some() =>
            {
                return Err(usage(
                    "--plan and --save-plan do not apply to history and undo",
                ));
            }
            Some(Sub::History(h)) => Command::History {
                run: h.run,
                limit: h.limit,
            },
            Some(Sub::Undo(u)) => Command::Undo { run: u.run },
            Some(Sub::Mcp(m)) => {
                if opts.plan.is_some() || opts.save_plan.is_some() {
                    return Err(usage(
                        "--plan and --save-plan do not apply to mcp (the client sends its plans to the preview tool)",
                    ));
                }
                let refused = [
                    (
                        opts.yes,
                        "--yes",
                        "add --allow-changes to offer the apply tool",
                    ),
                    (opts.json, "--json", "stdout carries the protocol"),
                    (
                        opts.dry_run,
                        "--dry-run",
                        "without --allow-changes the server only previews",
                    ),
                    (
                        opts.explain,
                        "--explain",
                        "the preview tool shows what a plan would do",
                    ),
                ];
                if let Some((_, flag, hint)) = refused.iter().find(|(given, _, _)| *given) {
                    return Err(usage(format!("{flag} does not apply to mcp: {hint}")));
                }
                Command::Mcp {
                    http: m.http,
                    allow_changes: m.allow_changes,
                    allow_remote: m.allow_remote,
                }
            }
            Some(Sub::Diagnose(d)) => {
                if opts.plan.is_some() || opts.save_plan.is_some() {
                    return Err(usage("--plan and --save-plan do not apply to diagnose"));
                }
                let question = join_words(&d.question);
                let target = d.target.as_deref().map(parse_target).transpose()?;
                Command::Diagnose {
                    question,
                    target,
                    fix: d.fix,
                }
            }
            None => match (join_words(&words), &opts.plan) {
                (Some(_), Some(_)) => {
                    return Err(usage(
                        "give either a sentence or --plan FILE, not both \
                         (the saved plan already says what to do)",
                    ));
                }
                (Some(sentence), None) => Command::Sentence(sentence),
                (None, Some(path)) => Command::Plan(path.clone()),
                (None, None) => {
                    return Err(UserError::Usage(format!(
                        "no request given\n\n{}",
                        crate::cli::SHORT_USAGE
                    )));
                }
            },
        };

        // Before any model is asked: the plan would have nowhere to go.
        if let Some(path) = &opts.save_plan
            && !opts.force
            && path.exists()
        {
            return Err(crate::flow::save_refused(path));
        }

        let kubeconfig = match kube.kubeconfig {
            Some(path) => Some(
                path.into_os_string()
                    .into_string()
                    .map_err(|p| usage(format!("--kubeconfig {p:?} is not valid UTF-8")))?,
            ),
            None => None,
        };
        let kube = KubeFlags {
            namespace: kube.namespace,
            all_namespaces: kube.all_namespaces,
            context: kube.context,
            kubeconfig,
            cluster: kube.cluster,
            user: kube.user,
            as_user: kube.as_user,
            request_timeout: kube.request_timeout,
        };
        validate_kube_flags(&kube)?;

        let kubectl_timeout = match env.get(vars::TIMEOUT) {
            Some(raw) => match raw.trim().parse::<u64>() {
                Ok(secs) if secs > 0 => Duration::from_secs(secs),
                _ => {
                    return Err(usage(format!(
                        "{}={raw:?} is not a positive number of seconds",
                        vars::TIMEOUT
                    )));
                }
            },
            None => DEFAULT_KUBECTL_TIMEOUT,
        };
        // Never kill kubectl before its own --request-timeout could fire.
        let kubectl_timeout = match kube.request_timeout.as_deref().map(request_timeout) {
            Some(Ok(Some(request))) => {
                kubectl_timeout.max(request.saturating_add(REQUEST_TIMEOUT_GRACE))
            }
            _ => kubectl_timeout,
        };

        let model = opts
            .model
            .clone()
            .or_else(|| env.get(vars::MODEL).map(str::to_string));
        let lookup = |name: &str| env.get(name).map(str::to_string);
        let resolved = crate::llm::Settings::resolve(opts.model.as_deref(), &lookup)
            .map_err(|e| usage(format!("{e:#}")))?;
        let replica_ceiling =
            u32::try_from(resolved.limits.replica_ceiling).unwrap_or(DEFAULT_REPLICA_CEILING);
        let mut warnings = resolved.warnings;
        let kubeconfig_env = env.get(vars::KUBECONFIG).map(str::to_string);
        if !matches!(command, Command::Completion(_)) {
            let (missing, listed) = missing_kubeconfig_files(&kube, kubeconfig_env.as_deref());
            // All of them missing is an error, when the cluster is needed.
            if !missing.is_empty() && missing.len() < listed {
                warnings.push(format!(
                    "KUBECONFIG lists {}, which {} not exist; kubectl skips {} and reads the other files",
                    shown_paths(&missing),
                    if missing.len() == 1 { "does" } else { "do" },
                    if missing.len() == 1 { "it" } else { "them" },
                ));
            }
        }
        let mut model_settings = resolved.model;
        model_settings.show_progress = env.stderr_is_tty && !opts.json;

        let no_color = env.get(vars::NO_COLOR).is_some() || env.get("TERM") == Some("dumb");
        let decide = |is_tty: bool| match opts.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => is_tty && !no_color,
        };

        Ok(Config {
            command,
            kube,
            pin: Default::default(),
            yes: opts.yes,
            dry_run: opts.dry_run,
            explain: opts.explain,
            json: opts.json,
            offline: opts.offline,
            model,
            model_forced: opts.model.is_some(),
            model_settings,
            warnings,
            plan_file: opts.plan,
            save_plan: opts.save_plan,
            force: opts.force,
            show_secrets: opts.show_secrets,
            verbosity: opts.verbose,
            quiet: opts.quiet,
            color: decide(env.stdout_is_tty),
            stderr_color: decide(env.stderr_is_tty),
            stdin_is_tty: env.stdin_is_tty,
            stdout_is_tty: env.stdout_is_tty,
            stderr_is_tty: env.stderr_is_tty,
            replica_ceiling,
            kubectl_timeout,
            kubectl_path: env.get(vars::KUBECTL_PATH).map(PathBuf::from),
            log_filter: env.get(vars::LOG).map(str::to_string),
            journal: env.get(vars::JOURNAL).map(str::to_string),
            kubeconfig_env,
        })
    }

    /// When `KUBECONFIG` (not overridden by `--kubeconfig`) names no file that
    /// exists, kubectl would quietly talk to localhost:8080; say so instead. Call it
    /// where the cluster is needed, like the `--kubeconfig` check. (Some of the
    /// files missing is a warning, given when the config is resolved: kubectl skips
    /// a missing file in the list and reads the others.)
    pub fn check_kubeconfig_list(&self) -> Result<(), UserError> {
        let (missing, listed) =
            missing_kubeconfig_files(&self.kube, self.kubeconfig_env.as_deref());
        if listed == 0 || missing.len() < listed {
            return Ok(());
        }
        Err(usage(format!(
            "KUBECONFIG names no kubeconfig file that exists ({} {} not exist), so kubectl would \
             talk to localhost:8080; set KUBECONFIG to your kubeconfig file(s), unset it to use \
             ~/.kube/config, or give --kubeconfig FILE",
            shown_paths(&missing),
            if missing.len() == 1 { "does" } else { "do" },
        )))
    }

    /// Whether a person can be asked (stdin and stderr are terminals).
    pub fn can_prompt(&self) -> bool {
        self.stdin_is_tty && self.stderr_is_tty
    }

    /// The configuration as the debug log shows it: the sentence and the diagnose
    /// question (which may carry a credential, "set env DB_PASSWORD=…") masked, the
    /// API key shown as `***` (it is a `Secret`), a password in the model URL or the
    /// key command masked, everything else as it is, so the
    /// log says what the run actually uses (`max_completion_tokens: 4096`).
    pub fn for_log(&self) -> String {
        let mut shown = self.clone();
        match &mut shown.command {
            Command::Sentence(sentence) => *sentence = crate::redact::mask(sentence),
            Command::Diagnose {
                question: Some(question),
                ..
            } => *question = crate::redact::mask(question),
            _ => {}
        }
        // A URL may carry a password (`https://user:pw@host/v1`).
        match &mut shown.model_settings.endpoint {
            crate::llm::settings::Endpoint::OpenAi { base_url } => {
                *base_url = crate::redact::mask(base_url)
            }
            crate::llm::settings::Endpoint::Azure {
                endpoint: Some(endpoint),
                ..
            } => *endpoint = crate::redact::mask(endpoint),
            _ => {}
        }
        if let crate::llm::settings::KeySource::Command { argv, .. } =
            &mut shown.model_settings.api_key
        {
            argv.iter_mut().for_each(|a| *a = crate::redact::mask(a));
        }
        format!("{shown:?}")
    }
}

/// How much longer than its own `--request-timeout` a kubectl call may take
/// before it is killed.
const REQUEST_TIMEOUT_GRACE: Duration = Duration::from_secs(5);

/// The longest `--request-timeout` kubectl accepts: Go durations are 64-bit
/// nanoseconds, about 292 years (2562047h).
pub const MAX_REQUEST_TIMEOUT: Duration = Duration::from_nanos(i64::MAX as u64);

/// `--request-timeout` as kubectl reads it: digits alone are seconds, otherwise
/// numbers with units in sequence (`500ms`, `30s`, `5m`, `1h30m`). `Ok(None)` for
/// a zero duration (no timeout). Anything else, or a duration longer than kubectl
/// accepts, is the usage error to show; never a panic or an overflow.
fn request_timeout(raw: &str) -> Result<Option<Duration>, String> {
    let bad = || {
        format!(
            "--request-timeout {} is not a duration; give seconds or a number with a unit \
             (10, 10s, 2m, 1h; 0 for none)",
            crate::shown::value(raw)
        )
    };
    let too_long = || {
        format!(
            "--request-timeout {} is longer than kubectl accepts (at most 2562047h, about \
             292 years); give a shorter duration, or 0 for none",
            crate::shown::value(raw)
        )
    };
    if raw.is_empty() {
        return Err(bad());
    }
    // In nanoseconds, as kubectl counts; u128 holds any 38 digits times an hour.
    let max = MAX_REQUEST_TIMEOUT.as_nanos();
    let mut total: u128 = 0;
    let mut rest = raw;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(bad());
        }
        let (number, after) = rest.split_at(digits);
        let unit = if after.is_empty() && rest.len() == raw.len() {
            "s" // digits alone: seconds
        } else if after.starts_with("ms") {
            "ms"
        } else {
            after.get(..1).unwrap_or("")
        };
        let per_unit: u128 = match unit {
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(bad()),
        };
        // More digits than u128 holds is too long, not malformed.
        let n: u128 = number.parse().map_err(|_| too_long())?;
        total = n
            .checked_mul(per_unit)
            .and_then(|d| total.checked_add(d))
            .filter(|t| *t <= max)
            .ok_or_else(too_long)?;
        rest = after.get(unit.len().min(after.len())..).unwrap_or("");
    }
    let total = Duration::from_nanos(u64::try_from(total).map_err(|_| too_long())?);
    Ok((!total.is_zero()).then_some(total))
}

/// The files of a `KUBECONFIG` list that do not exist, and how many files it lists;
/// nothing when `--kubeconfig` names the file instead (kubectl then ignores the list).
fn missing_kubeconfig_files(kube: &KubeFlags, list: Option<&str>) -> (Vec<PathBuf>, usize) {
    let Some(list) = list.filter(|_| kube.kubeconfig.is_none()) else {
        return (Vec::new(), 0);
    };
    let listed: Vec<PathBuf> = std::env::split_paths(list)
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    let missing = listed
        .iter()
        .filter(|p| std::fs::metadata(p).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound))
        .cloned()
        .collect();
    (missing, listed.len())
}

/// `"/a"`, `"/a" and "/b"`, `"/a", "/b" and "/c"`.
fn shown_paths(paths: &[PathBuf]) -> String {
    let shown: Vec<String> = paths
        .iter()
        .map(|p| crate::shown::value(&p.display().to_string()))
        .collect();
    match shown.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => shown.join(""),
    }
}

fn usage(msg: impl Into<String>) -> UserError {
    UserError::Usage(msg.into())
}

/// Words joined by single spaces; `None` when there is nothing but blanks.
fn join_words(words: &[String]) -> Option<String> {
    let joined = words
        .iter()
        .flat_map(|w| w.split_whitespace())
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(joined)
}

fn validate_kube_flags(kube: &KubeFlags) -> Result<(), UserError> {
    if let Some(ns) = &kube.namespace {
        crate::plan::validate::namespace_name(ns).map_err(usage)?;
    }
    let values = [
        ("--context", &kube.context),
        ("--kubeconfig", &kube.kubeconfig),
        ("--cluster", &kube.cluster),
        ("--user", &kube.user),
        ("--as", &kube.as_user),
        ("--request-timeout", &kube.request_timeout),
    ];
    for (flag, value) in values {
        if let Some(value) = value
            && (value.is_empty() || value.starts_with('-'))
        {
            return Err(usage(format!(
                "{flag} needs a value that does not start with '-' (got {})",
                crate::shown::value(value)
            )));
        }
        if let Some(value) = value
            && value.chars().any(char::is_control)
        {
            return Err(usage(format!(
                "{flag} {} contains control characters (an escape sequence?); give the name \
                 as kubectl config get-contexts shows it",
                crate::shown::value(value)
            )));
        }
    }
    if let Some(timeout) = &kube.request_timeout {
        request_timeout(timeout).map_err(usage)?;
    }
    Ok(())
}

fn parse_target(raw: &str) -> Result<Target, UserError> {
    let bad = || {
        usage(format!(
            "--target {raw:?} should look like KIND/NAME, e.g. deployment/web"
        ))
    };
    let (kind, name) = raw.split_once('/').ok_or_else(bad)?;
    let kind_ok = !kind.is_empty()
        && kind
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if !kind_ok || crate::plan::validate::object_name(name).is_err() {
        return Err(bad());
    }
    Ok(Target {
        kind: kind.to_string(),
        name: name.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_with(args: &[&str], env: &Env) -> Result<Config, UserError> {
        let mut argv = vec!["kubectl-ai"];
        argv.extend_from_slice(args);
        Config::resolve(Cli::try_parse_argv(argv).expect("parses"), env)
    }

    fn resolve(args: &[&str]) -> Result<Config, UserError> {
        resolve_with(args, &Env::default())
    }

    fn env(vars: &[(&str, &str)], tty: bool) -> Env {
        Env {
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            stdin_is_tty: tty,
            stdout_is_tty: tty,
            stderr_is_tty: tty,
        }
    }

    #[test]
    fn sentence_words_are_joined() {
        let c = resolve(&["scale", "web to", "3", "-n", "shop"]).unwrap();
        assert_eq!(c.command, Command::Sentence("scale web to 3".into()));
        assert_eq!(c.kube.args(), ["-n", "shop"]);
    }

    #[test]
    fn forwarded_flags_in_order() {
        let c = resolve(&[
            "x",
            "--context",
            "prod",
            "-n",
            "shop",
            "--kubeconfig",
            "/k",
            "--as",
            "me",
            "--request-timeout",
            "5s",
            "--cluster",
            "c",
            "--user",
            "u",
            "-A",
        ])
        .unwrap();
        assert_eq!(
            c.kube.args(),
            [
                "--kubeconfig",
                "/k",
                "--context",
                "prod",
                "--cluster",
                "c",
                "--user",
                "u",
                "--as",
                "me",
                "--request-timeout",
                "5s",
                "-n",
                "shop"
            ]
        );
        assert!(c.kube.all_namespaces);
        assert_eq!(c.kube.scope_args(), ["--all-namespaces"]);
        assert_eq!(
            c.kube.with_namespace(Some("other")).namespace_args(),
            ["-n", "other"]
        );
        assert!(!c.kube.connection_args().contains(&"-n".to_string()));
    }

    #[test]
    fn no_request_is_usage() {
        let err = resolve(&["-n", "shop"]).unwrap_err();
        assert!(matches!(err, UserError::Usage(ref m) if m.contains("Examples")));
        assert!(matches!(resolve(&[""]), Err(UserError::Usage(_))));
    }

    #[test]
    fn plan_and_sentence_conflict() {
        assert!(matches!(
            resolve(&["--plan", "p.json", "scale"]),
            Err(UserError::Usage(_))
        ));
        let c = resolve(&["--plan", "p.json"]).unwrap();
        assert_eq!(c.command, Command::Plan("p.json".into()));
    }

    #[test]
    fn bad_namespace_and_hyphen_values_are_usage() {
        assert!(matches!(
            resolve(&["x", "-n", "Shop"]),
            Err(UserError::Usage(_))
        ));
        assert!(matches!(
            resolve(&["x", "--context=--evil"]),
            Err(UserError::Usage(_))
        ));
    }

    #[test]
    fn diagnose_target() {
        let c = resolve(&["diagnose", "why", "--target", "deployment/web", "--fix"]).unwrap();
        assert_eq!(
            c.command,
            Command::Diagnose {
                question: Some("why".into()),
                target: Some(Target {
                    kind: "deployment".into(),
                    name: "web".into()
                }),
                fix: true
            }
        );
        assert!(matches!(
            resolve(&["diagnose", "--target", "web"]),
            Err(UserError::Usage(_))
        ));
    }

    #[test]
    fn color_decision() {
        assert!(resolve_with(&["x"], &env(&[], true)).unwrap().color);
        assert!(!resolve_with(&["x"], &env(&[], false)).unwrap().color);
        assert!(
            !resolve_with(&["x"], &env(&[("NO_COLOR", "1")], true))
                .unwrap()
                .color
        );
        assert!(
            resolve_with(&["x", "--color=always"], &env(&[("NO_COLOR", "1")], false))
                .unwrap()
                .color
        );
        assert!(
            !resolve_with(&["x", "--color", "never"], &env(&[], true))
                .unwrap()
                .color
        );
    }

    #[test]
    fn model_settings_and_timeout() {
        let e = env(
            &[
                ("KUBECTL_AI_MODEL", "m-env"),
                ("OPENAI_BASE_URL", "http://localhost:1/v1/"),
                ("OPENAI_API_KEY", "sk-secret"),
                ("KUBECTL_AI_TIMEOUT", "5"),
            ],
            false,
        );
        let c = resolve_with(&["x"], &e).unwrap();
        assert_eq!(c.model.as_deref(), Some("m-env"));
        assert_eq!(
            c.model_settings.endpoint.chat_url().unwrap().as_str(),
            "http://localhost:1/v1/chat/completions"
        );
        assert_eq!(c.kubectl_timeout, Duration::from_secs(5));
        assert!(!format!("{c:?}").contains("sk-secret"));
        let c = resolve_with(&["x", "--model", "m-flag"], &e).unwrap();
        assert_eq!(c.model.as_deref(), Some("m-flag"));
        let c = resolve(&["x"]).unwrap();
        assert_eq!(c.kubectl_timeout, DEFAULT_KUBECTL_TIMEOUT);
        assert_eq!(c.replica_ceiling, 1000);
        assert!(matches!(
            resolve_with(&["x"], &env(&[("KUBECTL_AI_TIMEOUT", "soon")], false)),
            Err(UserError::Usage(_))
        ));
        let c = resolve(&["x", "--request-timeout", "2m"]).unwrap();
        assert_eq!(c.kubectl_timeout, Duration::from_secs(125));
        let c = resolve(&["x", "--request-timeout", "10s"]).unwrap();
        assert_eq!(c.kubectl_timeout, DEFAULT_KUBECTL_TIMEOUT);
    }

    #[test]
    fn request_timeouts_are_read_as_kubectl_reads_them() {
        let secs = |n| Ok(Some(Duration::from_secs(n)));
        assert_eq!(request_timeout("30"), secs(30));
        assert_eq!(request_timeout("30s"), secs(30));
        assert_eq!(request_timeout("2m"), secs(120));
        assert_eq!(request_timeout("1h30m"), secs(5400));
        assert_eq!(
            request_timeout("1500ms"),
            Ok(Some(Duration::from_millis(1500)))
        );
        assert_eq!(request_timeout("0"), Ok(None));
        assert_eq!(request_timeout("0s"), Ok(None));
        assert_eq!(request_timeout("2562047h"), secs(2_562_047 * 3600));
        for bad in ["", "s", "10x", "1.5h", "10s5", "-1s", "1 h", "１s", "10ns"] {
            let err = request_timeout(bad).unwrap_err();
            assert!(err.contains("is not a duration"), "{bad}: {err}");
        }
        for huge in [
            "18446744073709551615s",
            "18446744073709551615",
            "2562048h",
            "9223372037s",
            "99999999999999999999999999999999999999999h",
            "2562047h60m",
        ] {
            let err = request_timeout(huge).unwrap_err();
            assert!(
                err.starts_with(&format!(
                    "--request-timeout {huge:?} is longer than kubectl accepts"
                )),
                "{huge}: {err}"
            );
        }
    }

    #[test]
    fn an_absurd_request_timeout_is_a_usage_error_and_a_long_one_extends_the_kill() {
        let err = resolve(&["x", "--request-timeout", "18446744073709551615s"]).unwrap_err();
        assert!(
            matches!(&err, UserError::Usage(m) if m.contains("longer than kubectl accepts")),
            "{err:?}"
        );
        let c = resolve(&["x", "--request-timeout", "1h30m"]).unwrap();
        assert_eq!(c.kubectl_timeout, Duration::from_secs(5405));
        let c = resolve(&["x", "--request-timeout", "2562047h"]).unwrap();
        assert_eq!(c.kubectl_timeout, Duration::from_secs(2_562_047 * 3600 + 5));
        let c = resolve_with(
            &["x", "--request-timeout", "2562047h"],
            &env(&[("KUBECTL_AI_TIMEOUT", "18446744073709551615")], false),
        )
        .unwrap();
        assert_eq!(c.kubectl_timeout, Duration::from_secs(u64::MAX));
    }

    #[test]
    fn the_debug_log_masks_the_sentence_and_the_key_not_the_settings() {
        let e = env(
            &[
                ("OPENAI_API_KEY", "sk-proj-AbCdEf0123456789XyZ"),
                ("OPENAI_BASE_URL", "https://user:hunter2pw@proxy.example/v1"),
            ],
            false,
        );
        let c = resolve_with(&["set env DB_PASSWORD=Sup3rS3cret on api"], &e).unwrap();
        let shown = c.for_log();
        for secret in ["Sup3rS3cret", "sk-proj-AbCdEf0123456789XyZ", "hunter2pw"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("max_completion_tokens: 4096"), "{shown}");
        assert!(shown.contains("set env DB_PASSWORD=*** on api"), "{shown}");
        let c = resolve_with(&["diagnose", "why does token tok_live_8c1f5e0d2a fail"], &e).unwrap();
        assert!(
            !c.for_log().contains("tok_live_8c1f5e0d2a"),
            "{}",
            c.for_log()
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        use crate::property_tests::config;

        /// Duration-shaped text (digits and units, huge numbers, signs, dots)
        /// mixed with anything at all.
        fn duration_text() -> impl Strategy<Value = String> {
            prop_oneof![
                "[0-9]{0,45}(ms|s|m|h|us|ns|d|)",
                "([0-9]{1,22}(ms|s|m|h)){1,4}",
                "[-+ ]?[0-9.eE]{0,30}[a-z]{0,2}",
                any::<String>(),
            ]
        }

        proptest! {
            #![proptest_config(config(4_000))]

            #[test]
            fn request_timeout_never_panics_and_stays_in_range(raw in duration_text()) {
                match request_timeout(&raw) {
                    Ok(Some(d)) => prop_assert!(d > Duration::ZERO && d <= MAX_REQUEST_TIMEOUT),
                    Ok(None) => {}
                    Err(message) => prop_assert!(message.starts_with("--request-timeout ")),
                }
            }
        }

        proptest! {
            #![proptest_config(config(300))]

            /// The whole resolution, with any --request-timeout and KUBECTL_AI_TIMEOUT:
            /// a Config or a usage error, never a panic.
            #[test]
            fn resolution_never_panics_on_any_timeout(
                request in duration_text(),
                kubectl in duration_text(),
            ) {
                let dir = tempfile::tempdir().unwrap();
                let file = dir.path().join("config.toml");
                std::fs::write(&file, "").unwrap();
                let e = env(
                    &[
                        ("KUBECTL_AI_TIMEOUT", kubectl.as_str()),
                        ("KUBECTL_AI_CONFIG", file.to_str().unwrap()),
                    ],
                    false,
                );
                let flag = format!("--request-timeout={request}");
                let Ok(cli) = Cli::try_parse_argv(["kubectl-ai", "x", flag.as_str()]) else {
                    return Ok(());
                };
                match Config::resolve(cli, &e) {
                    Ok(c) => prop_assert!(c.kubectl_timeout > Duration::ZERO),
                    Err(UserError::Usage(_)) => {}
                    Err(other) => prop_assert!(false, "{other:?}"),
                }
            }
        }
    }

    #[test]
    fn from_argv_for_tests() {
        let c = Config::from_argv(["kubectl-ai", "scale", "web", "-n", "shop"]).unwrap();
        assert_eq!(c.command, Command::Sentence("scale web".into()));
        assert!(!c.color && !c.can_prompt());
        let err = Config::from_argv(["kubectl-ai", "--color", "sometimes"]).unwrap_err();
        assert_eq!(
            crate::exit::ExitCode::for_error(&err),
            crate::exit::ExitCode::Usage
        );
    }
}
