//! The command line as typed: clap definitions, help text and examples.
//!
//! This module says *what was typed* and nothing more; [`crate::config`] turns
//! it into *what it means*. The shape is the user-facing contract:
//!
//! ```text
//! kubectl ai [FLAGS] <sentence words...>
//! kubectl ai diagnose [FLAGS] [QUESTION...]
//! kubectl ai history [RUN] / kubectl ai undo [RUN]
//! kubectl ai completion <SHELL>
//! ```
//!
//! kubectl hands a plugin everything after `ai` verbatim and sets no plugin
//! variables, so kubectl's own global flags (`-n`, `--context`, ...) are parsed
//! here and later forwarded to every kubectl the plugin runs. Flags may stand
//! anywhere among the sentence words; a word like `-1` is a sentence word
//! (validation rejects it later with a clear message), not a flag. Only the
//! *first* word can name a subcommand: `show diagnose logs` is a sentence.

use std::path::PathBuf;

use std::ffi::OsString;

use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
pub use clap_complete::Shell;

/// The executable's name; kubectl discovers `kubectl-ai` on PATH as `kubectl ai`.
pub const BIN_NAME: &str = "kubectl-ai";

/// Printed on stderr (exit 2) when `kubectl ai` is run without a request.
pub const SHORT_USAGE: &str = "\
Usage: kubectl ai [FLAGS] <sentence...>
       kubectl ai diagnose [FLAGS] [QUESTION...]

Examples:
  kubectl ai --explain \"scale web to 3\"   show the plan and kubectl commands, touch nothing
  kubectl ai scale web to 3 -n shop        preview the change as a diff, ask, then apply
  kubectl ai diagnose -n shop              find what is broken and why

Run 'kubectl ai --help' for every flag.";

const SHORT_AFTER_HELP: &str = "\
Examples:
  kubectl ai --explain \"scale web to 3\"
  kubectl ai scale web to 3 -n shop
  kubectl ai diagnose -n shop

Nothing changes without a yes at the prompt (default No) or --yes.
Run 'kubectl ai --help' for examples, the safety model and exit codes.";

const LONG_AFTER_HELP: &str = "\
Examples:
  kubectl ai --explain \"scale web to 3\"
      Print the plan and the equivalent kubectl commands; contacts no cluster.
  kubectl ai scale deployment web to 3 -n shop
      Preview the change (a diff from a server-side dry run), ask, apply.
  kubectl ai \"restart the api deployment\" --context staging --yes
      Apply without asking (for scripts).
  kubectl ai --json --dry-run \"set image of web to nginx:1.27\"
      Preview only; one JSON document on stdout.
  kubectl ai --save-plan scale.json \"scale web to 3\" --explain
  kubectl ai --plan scale.json
      Save a plan, review it, run it later exactly as saved.
  kubectl ai diagnose -n shop
      Find failing pods, bad rollouts and other problems in a namespace.

Safety:
  - Nothing changes without consent: a yes at the prompt (default No) or --yes.
    Without a terminal and without --yes, nothing is applied (exit 3).
  - Every change is first shown as a diff from a server-side dry run, and what
    was previewed is what is applied. --dry-run stops after the preview.
  - A model, if used, only picks typed operations from a closed list;
    kubectl-ai builds the kubectl command lines itself and never runs a shell.
  - Secret values are never sent to a model, logged, journaled or shown in diffs
    (masked as ***). A read that would print them (get secret -o yaml) masks them
    unless you add --show-secrets; a model's plan never reads them.
  - --offline never contacts a model; --explain never contacts the cluster.

Exit codes:
  0 success, 1 failure (kubectl, cluster, model, network), 2 usage or a request
  that can't be understood, 3 declined, 4 diagnose found problems, 130 interrupted.

Environment:
  KUBECTL_PATH        the kubectl to run (default: kubectl on PATH)
  OPENAI_API_KEY      key for the model; without it only offline rules are used
  OPENAI_BASE_URL     any OpenAI-compatible server (default: OpenAI)
  KUBECTL_AI_MODEL    model name (overridden by --model)
  KUBECTL_AI_TIMEOUT  seconds one kubectl call may take (default: 60)
  KUBECTL_AI_LOG      log filter, e.g. debug (logs go to stderr)
  NO_COLOR            disable color (--color=always still wins)";

/// `kubectl ai`: the whole command line.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "kubectl-ai",
    bin_name = "kubectl ai",
    version,
    about = "Ask kubectl in plain English: see the plan, preview the diff, consent, apply.",
    long_about = "Ask kubectl in plain English.\n\n\
        kubectl ai understands a sentence as a typed plan (offline rules, or an \
        OpenAI-compatible model), turns it into ordinary kubectl commands, shows a \
        diff from a server-side dry run before any change, asks before applying, \
        and reports to people or to scripts (--json). 'kubectl ai diagnose' finds \
        what is broken.",
    after_help = SHORT_AFTER_HELP,
    after_long_help = LONG_AFTER_HELP,
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true,
    max_term_width = 100
)]
pub struct Cli {
    /// What to do, in plain English; quoted or not ("scale web to 3").
    #[arg(value_name = "SENTENCE", allow_negative_numbers = true)]
    pub words: Vec<String>,

    #[command(subcommand)]
    pub command: Option<Sub>,

    #[command(flatten)]
    pub opts: OwnArgs,

    #[command(flatten)]
    pub kube: KubeArgs,
}

/// kubectl's global flags: parsed here, forwarded to every kubectl call.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Kubernetes flags (passed on to kubectl)")]
pub struct KubeArgs {
    /// Namespace to work in (a plan may name its own).
    #[arg(short = 'n', long, value_name = "NAMESPACE", global = true)]
    pub namespace: Option<String>,

    /// Look across all namespaces (for reads and diagnose).
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,

    /// The kubeconfig context to use.
    #[arg(long, value_name = "CONTEXT", global = true)]
    pub context: Option<String>,

    /// Path to the kubeconfig file.
    #[arg(long, value_name = "FILE", global = true)]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig cluster to use.
    #[arg(long, value_name = "CLUSTER", global = true)]
    pub cluster: Option<String>,

    /// The kubeconfig user to use.
    #[arg(long, value_name = "USER", global = true)]
    pub user: Option<String>,

    /// Impersonate this user for every request.
    #[arg(long = "as", value_name = "USER", global = true)]
    pub as_user: Option<String>,

    /// kubectl's per-request timeout (e.g. 10s, 1m; 0 = none).
    #[arg(long, value_name = "DURATION", global = true)]
    pub request_timeout: Option<String>,
}

/// kubectl-ai's own flags.
#[derive(Debug, Clone, Default, Args)]
pub struct OwnArgs {
    /// Apply without asking (scripts, CI). The preview is still shown.
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    /// Preview the changes (server-side dry run), never apply.
    #[arg(long, global = true)]
    pub dry_run: bool,

    /// Print the plan and the equivalent kubectl commands; contact no cluster.
    #[arg(long, global = true)]
    pub explain: bool,

    /// Write one JSON document on stdout instead of human output.
    #[arg(long, global = true)]
    pub json: bool,

    /// Never contact a model; use the built-in rules only.
    #[arg(long, global = true)]
    pub offline: bool,

    /// The model to ask (any name your OpenAI-compatible server knows).
    #[arg(long, value_name = "NAME", global = true)]
    pub model: Option<String>,

    /// Run a saved plan instead of a sentence.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,

    /// Save the plan understood from the sentence to FILE (a new file; see --force).
    #[arg(long, value_name = "FILE")]
    pub save_plan: Option<PathBuf>,

    /// With --save-plan: replace FILE if it exists (written whole, then renamed into place).
    #[arg(long, requires = "save_plan")]
    pub force: bool,

    /// Show Secret values in reads that print them (get secret -o yaml…); masked as *** otherwise. Never for a model's plan.
    #[arg(long)]
    pub show_secrets: bool,

    /// More logging on stderr (-v: debug, -vv: trace).
    #[arg(short = 'v', long = "verbose", action = ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Print only results and errors.
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,

    /// When to use color (NO_COLOR is honoured under auto).
    #[arg(
        long,
        value_enum,
        value_name = "WHEN",
        default_value_t = ColorWhen::Auto,
        global = true
    )]
    pub color: ColorWhen,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Color when stdout is a terminal and NO_COLOR is unset.
    #[default]
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// Subcommands. Only the first word can name one.
#[derive(Debug, Clone, Subcommand)]
pub enum Sub {
    /// Find what is broken in a namespace (or the cluster with -A), why, and how to fix it.
    #[command(after_help = "\
Examples:
  kubectl ai diagnose -n shop
  kubectl ai diagnose why is checkout crashing -n shop
  kubectl ai diagnose --target deployment/web -n shop --fix

Exit codes: 0 nothing wrong found, 4 problems found, 1 failure.")]
    Diagnose(DiagnoseArgs),

    /// The runs that applied changes, newest first; `history N` shows one with its diffs.
    #[command(after_help = "\
Examples:
  kubectl ai history                  the last 20 runs that changed something
  kubectl ai history -n shop --limit 5
  kubectl ai history 12               run 12: what it changed, as diffs
  kubectl ai history --json

The journal is KUBECTL_AI_JOURNAL, or kubectl-ai/journal.jsonl in your state folder.")]
    History(HistoryArgs),

    /// Take a run back: restore what it changed, previewed and confirmed like any change.
    #[command(after_help = "\
Examples:
  kubectl ai undo                     the last run in the current context
  kubectl ai undo 12 --dry-run        preview taking run 12 back
  kubectl ai undo 12 --yes

Refused, naming the object, when something changed it since the run, or when the
run cannot be taken back (secret values, a drain's evicted pods, a namespace's contents).")]
    Undo(UndoArgs),
    /// Serve the typed reads, diagnose and previewed changes to AI assistants over MCP (stdio).
    #[command(after_help = "\
Examples:
  kubectl ai mcp --context staging
      Reads, diagnose and previews only; nothing can change.
  kubectl ai mcp --allow-changes
      Also offer the apply tool (for clients that ask before every tool call).
  kubectl ai mcp --http 127.0.0.1:8765
      Streamable HTTP on loopback instead of stdio.

Client configuration: \"command\": \"kubectl-ai\", \"args\": [\"mcp\"] (see README).")]
    Mcp(McpArgs),

    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = "\
Example (bash):
  kubectl-ai completion bash > ~/.local/share/bash-completion/completions/kubectl-ai

For 'kubectl ai <TAB>', install completions/kubectl_complete-ai on PATH (see README).")]
    Completion {
        /// The shell to print the script for.
        #[arg(value_enum, value_name = "SHELL")]
        shell: Shell,
    },
}

/// `kubectl ai history` arguments.
#[derive(Debug, Clone, Default, Args)]
pub struct HistoryArgs {
    /// Show this run (its number in the list) with its diffs.
    #[arg(value_name = "RUN")]
    pub run: Option<u64>,

    /// Show at most this many runs.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
}

/// `kubectl ai undo` arguments.
#[derive(Debug, Clone, Default, Args)]
pub struct UndoArgs {
    /// The run to take back (default: the last run in the current context).
    #[arg(value_name = "RUN")]
    pub run: Option<u64>,
}

/// `kubectl ai diagnose` flags.
#[derive(Debug, Clone, Default, Args)]
pub struct DiagnoseArgs {
    /// Look at one object only, e.g. deployment/web.
    #[arg(long, value_name = "KIND/NAME")]
    pub target: Option<String>,

    /// Offer fixes as plans (previewed and confirmed like any change).
    #[arg(long)]
    pub fix: bool,

    /// Optional question, e.g. "why is checkout crashing".
    #[arg(value_name = "QUESTION", allow_negative_numbers = true)]
    pub question: Vec<String>,
}

/// `kubectl ai mcp` flags.
#[derive(Debug, Clone, Default, Args)]
pub struct McpArgs {
    /// Serve MCP over streamable HTTP at ADDR (host:port, loopback unless --allow-remote) instead of stdio.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<String>,

    /// Offer the apply tool: the client's approval of that call is the consent.
    #[arg(long)]
    pub allow_changes: bool,

    /// With --http: allow an address that is not loopback (anyone who can reach it can call the tools).
    #[arg(long, requires = "http")]
    pub allow_remote: bool,
}

impl Cli {
    /// Parse `std::env::args_os()`. Help and version requests come back as the
    /// errors clap uses for them (`use_stderr()` false: print and exit 0); bad
    /// usage as clap's error (exit 2), for the caller to print.
    pub fn parse_args() -> Result<Cli, clap::Error> {
        Cli::try_parse_argv(std::env::args_os())
    }

    /// Parse an explicit argv (`argv[0]` is the program), like [`Cli::parse_args`]
    /// but returning clap's error instead of exiting.
    pub fn try_parse_argv<I, T>(argv: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
    {
        let mut cmd = Cli::command();
        let argv = subcommand_first(&cmd, argv.into_iter().map(Into::into).collect());
        let argv = options_of_the_sentence(&cmd, argv);
        let matches = cmd.try_get_matches_from_mut(argv)?;
        Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut cmd))
    }

    /// The clap command, with the name used for generated completions.
    pub fn command_for_completion() -> clap::Command {
        Cli::command().bin_name(BIN_NAME)
    }
}

/// Whether `--json` was typed (before any `--`), read from the raw argv so that
/// an error found while parsing it can still be reported as a JSON document.
pub fn json_requested<I, T>(argv: I) -> bool
where
    I: IntoIterator<Item = T>,
    T: AsRef<std::ffi::OsStr>,
{
    argv.into_iter()
        .skip(1)
        .map(|arg| arg.as_ref().to_owned())
        .take_while(|arg| arg != "--")
        .any(|arg| arg == "--json")
}

/// When the first *word* (not a flag or a flag's value) names a subcommand,
/// move the flags typed before it to after it: `-n shop diagnose` becomes
/// `diagnose -n shop`. Clap is told that arguments conflict with subcommands
/// (so a later `diagnose` in a sentence stays a sentence word); this keeps
/// flags-before-the-subcommand working too.
pub fn subcommand_first(cmd: &clap::Command, mut argv: Vec<OsString>) -> Vec<OsString> {
    let takes_value = |arg: &clap::Arg| arg.get_action().takes_values();
    let long_with_value: Vec<&str> = cmd
        .get_arguments()
        .filter(|a| takes_value(a))
        .filter_map(|a| a.get_long())
        .collect();
    let short_with_value: Vec<char> = cmd
        .get_arguments()
        .filter(|a| takes_value(a))
        .filter_map(|a| a.get_short())
        .collect();

    let mut i = 1;
    while i < argv.len() {
        let Some(word) = argv[i].to_str() else {
            return argv;
        };
        if word == "--" {
            return argv;
        }
        let is_flag = word.len() > 1 && word.starts_with('-') && word.parse::<f64>().is_err();
        if !is_flag {
            if i > 1 && cmd.find_subcommand(word).is_some() {
                let sub = argv.remove(i);
                argv.insert(1, sub);
            }
            return argv;
        }
        let skip_value = if let Some(long) = word.strip_prefix("--") {
            !long.contains('=') && long_with_value.contains(&long)
        } else {
            // A cluster like -vn takes the next word when its last letter does.
            word[1..]
                .chars()
                .last()
                .is_some_and(|c| short_with_value.contains(&c))
                && word[1..]
                    .chars()
                    .all(|c| cmd.get_arguments().any(|a| a.get_short() == Some(c)))
        };
        i += if skip_value { 2 } else { 1 };
    }
    argv
}

/// kubectl habits typed among the sentence words (`get pods -o wide`, `-l app=web`,
/// `-c sidecar`, `--previous`, `--tail 20`): a word starting with `-` that is not
/// one of the plugin's own flags (nor kubectl's global flags it forwards) belongs
/// to the sentence, in the place it was typed; the grammar reads it (or refuses it,
/// naming it). The plugin's own flags are parsed wherever they stand. A subcommand
/// line is left as typed.
pub fn options_of_the_sentence(cmd: &clap::Command, argv: Vec<OsString>) -> Vec<OsString> {
    let first_is_subcommand = argv
        .get(1)
        .and_then(|a| a.to_str())
        .is_some_and(|w| cmd.find_subcommand(w).is_some());
    if first_is_subcommand || argv.len() < 2 {
        return argv;
    }
    let arg_of_long = |long: &str| {
        cmd.get_arguments()
            .find(|a| a.get_long() == Some(long))
            .map(|a| a.get_action().takes_values())
            .or_else(|| matches!(long, "help" | "version").then_some(false))
    };
    let arg_of_short = |c: char| {
        cmd.get_arguments()
            .find(|a| a.get_short() == Some(c))
            .map(|a| a.get_action().takes_values())
            .or_else(|| matches!(c, 'h' | 'V').then_some(false))
    };
    let mut own: Vec<OsString> = vec![argv[0].clone()];
    let mut words: Vec<OsString> = vec![];
    let mut rest = argv.into_iter().skip(1).peekable();
    while let Some(arg) = rest.next() {
        let Some(word) = arg.to_str() else {
            words.push(arg);
            continue;
        };
        if word == "--" {
            // `exec POD -- ls /`: kubectl's own separator before a container's command.
            if words.first().and_then(|w| w.to_str()) == Some("exec") {
                words.push(arg);
            }
            words.extend(rest.by_ref());
            break;
        }
        let is_flag = word.len() > 1 && word.starts_with('-') && word.parse::<f64>().is_err();
        if !is_flag {
            words.push(arg);
            continue;
        }
        // Some(takes a value from the next word) for the plugin's own flags.
        let known: Option<bool> = if let Some(long) = word.strip_prefix("--") {
            match long.split_once('=') {
                Some((name, _)) => arg_of_long(name).map(|_| false),
                None => arg_of_long(long),
            }
        } else {
            let shorts: Vec<char> = word[1..].chars().collect();
            match shorts.iter().position(|&c| arg_of_short(c) != Some(false)) {
                // "-vy": every letter a switch.
                None => Some(false),
                // "-vn shop" / "-nshop": a value-taking letter, its value next or attached.
                Some(i) if arg_of_short(shorts[i]) == Some(true) => Some(i + 1 == shorts.len()),
                Some(_) => None,
            }
        };
        match known {
            Some(takes_next) => {
                own.push(arg);
                if takes_next && let Some(value) = rest.next() {
                    own.push(value);
                }
            }
            None => words.push(arg),
        }
    }
    if !words.is_empty() {
        own.push("--".into());
        own.extend(words);
    }
    own
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_options_among_the_words_belong_to_the_sentence() {
        let cli = parse(&["get", "pods", "-o", "wide", "-n", "shop", "--yes"]);
        assert_eq!(cli.words, ["get", "pods", "-o", "wide"]);
        assert_eq!(cli.kube.namespace.as_deref(), Some("shop"));
        assert!(cli.opts.yes);
        let cli = parse(&["logs", "api", "-c", "sidecar", "--previous", "--tail", "20"]);
        assert_eq!(
            cli.words,
            ["logs", "api", "-c", "sidecar", "--previous", "--tail", "20"]
        );
        let cli = parse(&["get", "pods", "-l", "app=web", "--json", "--tail=5", "-vv"]);
        assert_eq!(cli.words, ["get", "pods", "-l", "app=web", "--tail=5"]);
        assert!(cli.opts.json);
        assert_eq!(cli.opts.verbose, 2);
        let cli = parse(&["-nshop", "get", "pods", "-A"]);
        assert_eq!(cli.kube.namespace.as_deref(), Some("shop"));
        assert!(cli.kube.all_namespaces);
        assert_eq!(cli.words, ["get", "pods"]);
        let cli = parse(&["diagnose", "--fix"]);
        assert!(matches!(cli.command, Some(Sub::Diagnose(ref d)) if d.fix));
        // kubectl's exec keeps its `--`: what follows is the container's command.
        let cli = parse(&[
            "exec", "-it", "api", "-n", "shop", "--", "ls", "-la", "--yes",
        ]);
        assert_eq!(
            cli.words,
            ["exec", "-it", "api", "--", "ls", "-la", "--yes"]
        );
        assert_eq!(cli.kube.namespace.as_deref(), Some("shop"));
        assert!(!cli.opts.yes);
        let cli = parse(&["--", "get", "pods"]);
        assert_eq!(cli.words, ["get", "pods"]);
    }

    fn parse(args: &[&str]) -> Cli {
        let mut argv = vec!["kubectl-ai"];
        argv.extend_from_slice(args);
        Cli::try_parse_argv(argv).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn flags_anywhere_among_words() {
        let cli = parse(&["scale", "web", "-n", "prod", "to", "3", "--yes"]);
        assert_eq!(cli.words, ["scale", "web", "to", "3"]);
        assert_eq!(cli.kube.namespace.as_deref(), Some("prod"));
        assert!(cli.opts.yes);
    }

    #[test]
    fn negative_numbers_are_words() {
        let cli = parse(&["scale", "web", "to", "-1", "-n", "prod"]);
        assert_eq!(cli.words.join(" "), "scale web to -1");
        let cli = parse(&["-5"]);
        assert_eq!(cli.words, ["-5"]);
    }

    #[test]
    fn only_the_first_word_is_a_subcommand() {
        let cli = parse(&["diagnose", "why", "is", "web", "down"]);
        assert!(matches!(cli.command, Some(Sub::Diagnose(ref d)) if d.question.len() == 4));
        let cli = parse(&["explain", "diagnose"]);
        assert!(cli.command.is_none());
        assert_eq!(cli.words, ["explain", "diagnose"]);
        let cli = parse(&["-n", "x", "diagnose", "--fix"]);
        assert!(matches!(cli.command, Some(Sub::Diagnose(ref d)) if d.fix));
        assert_eq!(cli.kube.namespace.as_deref(), Some("x"));
        let cli = parse(&["-vn", "x", "--context=c", "diagnose"]);
        assert!(matches!(cli.command, Some(Sub::Diagnose(_))));
        let cli = parse(&["-n", "diagnose", "show", "pods"]);
        assert!(cli.command.is_none());
        assert_eq!(cli.kube.namespace.as_deref(), Some("diagnose"));
        let cli = parse(&["scale", "-n", "x", "diagnose"]);
        assert_eq!(cli.words, ["scale", "diagnose"]);
        let cli = parse(&["--color", "never", "completion", "bash"]);
        assert!(matches!(
            cli.command,
            Some(Sub::Completion { shell: Shell::Bash })
        ));
    }

    #[test]
    fn global_flags_after_subcommand() {
        let cli = parse(&["diagnose", "-A", "--json", "--context", "c", "-vv"]);
        assert!(cli.kube.all_namespaces && cli.opts.json);
        assert_eq!(cli.kube.context.as_deref(), Some("c"));
        assert_eq!(cli.opts.verbose, 2);
    }

    #[test]
    fn json_is_seen_in_an_argv_that_does_not_parse() {
        assert!(json_requested(["kubectl-ai", "--bogus", "--json"]));
        assert!(json_requested(["kubectl-ai", "diagnose", "--json", "-n"]));
        assert!(!json_requested(["kubectl-ai", "scale", "--", "--json"]));
        assert!(!json_requested(["--json"]), "argv[0] is the program");
        assert!(!json_requested(["kubectl-ai", "--jsonx"]));
    }

    #[test]
    fn double_dash_ends_flags() {
        let cli = parse(&["--", "delete", "pod", "-x"]);
        assert_eq!(cli.words, ["delete", "pod", "-x"]);
    }
}
