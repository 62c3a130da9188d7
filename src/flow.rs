//! From a plan, whatever produced it, to an exit code.
//!
//! Sentences (through the rules or a model), plan files and diagnose fixes all end
//! here: the plan is validated, saved if asked (`--save-plan`), explained without a
//! cluster (`--explain`), or run through the preview/consent/apply engine; then the
//! report is printed (one JSON document with `--json`) and the outcome picks the
//! exit code.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::config::Config;
use crate::execute::secret_reads::{self, SecretReads};
use crate::execute::{self, Origin, Settings};
use crate::exit::{ExitCode, UserError};
use crate::kubectl::Kubectl;
use crate::output::{Report, Source, sanitize};
use crate::plan::validate::{Limits, validate};
use crate::plan::{Operation, Plan};

/// `kubectl ai --plan FILE`: run a saved plan (JSON or YAML), previewing fresh diffs.
pub async fn run_plan_file(config: &Config, path: &Path) -> anyhow::Result<ExitCode> {
    let plan = read_plan(path)?;
    let origin = Origin {
        request: None,
        source: Source::PlanFile {
            path: path.display().to_string(),
        },
        usage: None,
        evidence: Vec::new(),
    };
    run_plan(config, plan, origin).await
}

/// Reads a plan file; a file that is not a plan is a usage error naming the problem.
pub fn read_plan(path: &Path) -> anyhow::Result<Plan> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read the plan file {}", path.display()))
        .map_err(|e| UserError::Usage(format!("{e:#}")))?;
    if text.trim().is_empty() {
        return Err(UserError::Usage(format!(
            "the plan file {} is empty; a plan is {{\"operations\": [{{\"op\": \"scale\", \"name\": \"web\", \"replicas\": {{\"to\": 3}}}}]}} (save one with --save-plan FILE)",
            path.display()
        ))
        .into());
    }
    let parsed = if text.trim_start().starts_with('{') {
        serde_json::from_str::<Plan>(&text).map_err(|e| e.to_string())
    } else {
        serde_yaml::from_str::<Plan>(&text).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| {
        UserError::Usage(format!(
            "{} is not a valid plan: {e}; a plan is {{\"operations\": [{{\"op\": \"scale\", \"name\": \"web\", \"replicas\": {{\"to\": 3}}}}]}} (see the README)",
            path.display()
        ))
        .into()
    })
}

/// Validates, saves, explains or runs a plan, prints the report, and picks the exit code.
pub async fn run_plan(config: &Config, plan: Plan, origin: Origin) -> anyhow::Result<ExitCode> {
    let explained = config.explain;
    let (report, error) = execute_plan(config, plan, origin).await?;
    print_report(config, &report, explained)?;
    match error {
        None => Ok(ExitCode::Success),
        Some(error) => Err(error),
    }
}

/// Runs a plan to its report without printing the report (human progress is
/// printed as it happens); the error says why the run did not fully succeed.
pub async fn execute_plan(
    config: &Config,
    mut plan: Plan,
    origin: Origin,
) -> anyhow::Result<(Report, Option<anyhow::Error>)> {
    if config.kube.all_namespaces {
        widen_to_all_namespaces(&mut plan);
    }
    let mut settings = settings(config);
    settings.secret_reads = SecretReads::for_plan(&origin.source, config.show_secrets);
    validate(&plan, &settings.limits).map_err(|e| UserError::Usage(e.message))?;
    secret_reads::check_plan(&plan, settings.secret_reads)?;
    if let Some(path) = &config.save_plan {
        save_plan(config, &plan, path)?;
    }
    if config.explain {
        let context = crate::kubectl::kubeconfig::current(&config.kube);
        return Ok((execute::explain(&plan, origin, &settings, context), None));
    }
    let kubectl = Kubectl::locate(config)?;
    let outcome = execute::run(&kubectl, &plan, origin, &settings).await?;
    // An apply was journaled ahead (status `unknown`): now say how it ended.
    if let Some(journal) = outcome.journal {
        journal.finish(&outcome.report);
    }
    Ok((outcome.report, outcome.error))
}

/// Writes the plan to `--save-plan FILE`: a new file, or with `--force` a complete
/// copy renamed over the old one (so a reader never sees half a plan). A saved
/// plan stays runnable, so it keeps the values it needs, secret ones included: the
/// file is always readable by its owner only (0600), and when an operation holds a
/// secret value the run says which, on stderr.
fn save_plan(config: &Config, plan: &Plan, path: &Path) -> anyhow::Result<()> {
    let json = serde_json::to_string_pretty(plan)? + "\n";
    let shown = path.display();
    let replaced = if config.force {
        let replaced = path.exists();
        let name = path
            .file_name()
            .map_or_else(|| "plan".into(), |n| n.to_string_lossy().into_owned());
        let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let written =
            write_private(&temporary, &json).and_then(|()| std::fs::rename(&temporary, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written.with_context(|| format!("could not write the plan to {shown}"))?;
        replaced
    } else {
        match write_private(path, &json) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(save_refused(path).into());
            }
            Err(e) => {
                return Err(e).with_context(|| format!("could not write the plan to {shown}"));
            }
        }
        false
    };
    if !config.json && !config.quiet {
        if replaced {
            eprintln!("plan saved to {shown} (it replaced the file that was there)");
        } else {
            eprintln!("plan saved to {shown}");
        }
    }
    let holders = secret_holders(plan);
    if !holders.is_empty() {
        eprintln!(
            "note: {shown} holds a secret value in clear ({}), so that the plan stays runnable; \
             it is readable by you only (0600): keep it so, and delete it once it has run",
            holders.join(", ")
        );
    }
    Ok(())
}

/// Creates `path` (it must not exist) readable and writable by its owner only, and writes `text`.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.flush()
}

/// The operations that carry a secret value (`operation 1 (create_secret)`):
/// Secret data, and values that are named like secrets or look like credentials.
pub fn secret_holders(plan: &Plan) -> Vec<String> {
    plan.operations
        .iter()
        .enumerate()
        .filter(|(_, op)| holds_secret(op))
        .map(|(index, op)| format!("operation {} ({})", index + 1, op.verb()))
        .collect()
}

fn holds_secret(op: &Operation) -> bool {
    crate::preview::mask::mask_operation(op) != *op
}

/// `--save-plan FILE` where FILE exists and `--force` was not given.
pub fn save_refused(path: &Path) -> UserError {
    UserError::Usage(format!(
        "nothing saved: {} already exists; add --force to replace it, or give --save-plan a new file",
        crate::shown::value(&path.display().to_string())
    ))
}

/// A sentence that runs diagnose has no plan to save: refuse `--save-plan` before
/// anything runs, rather than end with nothing written and exit 0.
pub fn no_plan_to_save(config: &Config) -> Result<(), UserError> {
    match &config.save_plan {
        None => Ok(()),
        Some(path) => Err(UserError::Usage(format!(
            "nothing saved to {}: a health question is not a plan; it runs diagnose, which has \
             nothing to save. Drop --save-plan, or ask for a change (such as \"scale web to 3\") \
             to save its plan",
            crate::shown::value(&path.display().to_string())
        ))),
    }
}

/// `-A` on the command line widens every read that can list across namespaces.
fn widen_to_all_namespaces(plan: &mut Plan) {
    for op in &mut plan.operations {
        match op {
            Operation::Get { all_namespaces, .. }
            | Operation::Events { all_namespaces, .. }
            | Operation::Top { all_namespaces, .. } => *all_namespaces = true,
            _ => {}
        }
    }
}

/// What the engine needs of the configuration.
pub fn settings(config: &Config) -> Settings {
    Settings {
        yes: config.yes,
        dry_run: config.dry_run,
        json: config.json,
        quiet: config.quiet,
        color: config.color,
        interactive: config.stdin_is_tty && config.stderr_is_tty,
        terminal: config.stdin_is_tty && config.stdout_is_tty,
        limits: Limits {
            replica_ceiling: i64::from(config.replica_ceiling),
            ..Limits::default()
        },
        shown_connection: config.kube.connection_args(),
        shown_namespace: config.kube.namespace_args(),
        secret_reads: if config.show_secrets {
            SecretReads::Show
        } else {
            SecretReads::Mask
        },
        journal: config.journal.clone(),
    }
}

/// Prints the report: the JSON document, or for `--explain` the plan in words.
/// (The human form of a run was printed as it happened.)
fn print_report(config: &Config, report: &Report, explained: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if config.json {
        out.write_all(crate::shown::json(report.to_json()).as_bytes())?;
    } else if explained {
        writeln!(out, "Plan (from {}), not run:", report.source.describe())?;
        for (index, op) in report.operations.iter().enumerate() {
            writeln!(out, "{}. {}", index + 1, sanitize(&op.summary))?;
            writeln!(out, "   {}", op.equivalent_command)?;
        }
        // Where it would run, as the kubeconfig says (read locally, nothing contacted).
        let own_namespaces = report.operations.iter().all(|op| {
            op.operation.namespace().is_some()
                || (op.operation.is_change() && !crate::execute::namespaced(&op.operation))
        });
        let namespace = report.namespace.as_ref().filter(|_| !own_namespaces);
        match (&report.context, namespace) {
            (Some(context), Some(namespace)) => writeln!(
                out,
                "In context {}, namespace {}.",
                sanitize(context),
                sanitize(namespace)
            )?,
            (Some(context), None) => writeln!(out, "In context {}.", sanitize(context))?,
            _ => {}
        }
    }
    out.flush()?;
    Ok(())
}
