//! From a sentence to the right path: the offline rules, a model, or diagnose.
//!
//! If the rules understand the whole sentence, their plan runs and no model is
//! asked (unless `--model` forces one). A health question or a request to fix
//! something goes to `diagnose`, in the scope the sentence names. Anything else
//! goes to the model — never under `--offline`, which instead says the sentence
//! needs one and shows what works offline. The model is told names only, from one
//! kubectl call, and none under `--explain`.

use std::io::Write;

use crate::config::Config;
use crate::execute::{self, Origin};
use crate::exit::{ExitCode, UserError};
use crate::flow::{run_plan, settings};
use crate::kubectl::Kubectl;
use crate::output::{Source, Usage, sanitize};

/// Everyday requests the offline rules answer, shown when a sentence needs a model.
const OFFLINE_EXAMPLES: &str = "  kubectl ai \"get pods in shop\"\n  kubectl ai \"scale web to 3\"\n  kubectl ai \"restart deployment api\"\n  kubectl ai \"logs of api-5c4 --previous\"\n  kubectl ai \"are my pods healthy in shop?\"";

/// `kubectl ai <sentence>`: the rules when they understand the whole sentence
/// (unless `--model` forces the model), else the model (unless `--offline`);
/// health questions and requests to fix something go to diagnose.
pub async fn run_sentence(config: &Config, sentence: &str) -> anyhow::Result<ExitCode> {
    use crate::understand::rules::{self, Understood};

    let origin = |source: Source, usage: Option<Usage>| Origin {
        request: Some(sentence.to_string()),
        source,
        usage,
        evidence: Vec::new(),
    };
    if !config.model_forced {
        // "restart everything in shop", "logs of web", "update web to nginx 1.27":
        // one read of the cluster says what the plan is (not under --explain,
        // which contacts nothing).
        if let Some(pending) = rules::needs_cluster(sentence) {
            match resolve_with_the_cluster(config, sentence, &pending).await? {
                Some(rules::Resolved::Plan(plan)) => {
                    agree_on_namespace(config, plan_namespaces(&plan))?;
                    return run_plan(config, plan, origin(Source::Rules, None)).await;
                }
                Some(rules::Resolved::Refused(message)) => {
                    return Err(UserError::Usage(format!("{message}; nothing was run")).into());
                }
                Some(rules::Resolved::NeedsModel) | None => {}
            }
        }
        match rules::understand(sentence) {
            Understood::Plan(plan) => {
                agree_on_namespace(config, plan_namespaces(&plan))?;
                return run_plan(config, plan, origin(Source::Rules, None)).await;
            }
            Understood::Invalid(message) => return Err(UserError::Usage(message).into()),
            Understood::NeedsModel => {}
        }
        if let Some(question) = rules::health_question(sentence) {
            return run_diagnose(config, sentence, question).await;
        }
    }
    if config.offline {
        return Err(UserError::Usage(format!(
            "{} needs a model to understand, and --offline never contacts one; \
             drop --offline (and set OPENAI_API_KEY or OPENAI_BASE_URL), or ask in a form the \
             offline rules know, such as:\n{OFFLINE_EXAMPLES}",
            crate::shown::value(sentence)
        ))
        .into());
    }
    // Say "no model is configured" before doing anything else.
    crate::llm::ChatClient::check_configured(&config.model_settings)?;
    let context = model_context(config).await;
    let settings = settings(config);
    // The model may read before it answers, in the context the names came from;
    // under --explain nothing is contacted, so it may not.
    let reader = if config.explain {
        None
    } else {
        let mut pinned = config.clone();
        if pinned.kube.context.is_none() {
            pinned.kube.context = context.context.clone();
        }
        Kubectl::locate(&pinned).ok()
    };
    let outcome = crate::understand::model::understand_looking(
        sentence,
        &context,
        &config.model_settings,
        &settings.limits,
        reader.as_ref(),
    )
    .await?;
    use crate::understand::model::ModelOutcome;
    match outcome {
        ModelOutcome::Plan {
            plan,
            model,
            usage,
            request_id,
            evidence,
        } => {
            tracing::info!(?request_id, prompt_tokens = usage.prompt_tokens, completion_tokens = usage.completion_tokens, "model answered");
            if !config.json && !config.quiet && !config.explain {
                eprintln!(
                    "the model {} planned this ({} prompt + {} completion tokens)",
                    sanitize(&model),
                    usage.prompt_tokens,
                    usage.completion_tokens
                );
                say_what_was_read(&evidence);
            }
            agree_on_namespace(config, plan_namespaces(&plan))?;
            let mut origin = origin(Source::Model { model }, Some(usage));
            origin.evidence = evidence;
            run_plan(config, plan, origin).await
        }
        ModelOutcome::Answer {
            text,
            model,
            usage,
            evidence,
        } => answer(config, sentence, &text, &model, usage, &evidence),
        ModelOutcome::Clarify(question) => Err(UserError::Usage(format!(
            "the model needs more detail before it can plan anything: {}\nnothing was changed; ask again with the detail",
            sanitize(&question)
        ))
        .into()),
        ModelOutcome::OutOfScope(reason) => Err(UserError::Usage(format!(
            "this is not something kubectl ai can do: {}\nnothing was changed",
            sanitize(&reason)
        ))
        .into()),
        ModelOutcome::Diagnose {
            question: _,
            namespace,
            fix,
        } => {
            let question = crate::understand::rules::HealthQuestion {
                namespace,
                fix,
                ..Default::default()
            };
            run_diagnose(config, sentence, question).await
        }
    }
}

/// Every read the model asked for, on stderr: a person sees what it looked at.
fn say_what_was_read(evidence: &[crate::diagnose::evidence::Gathered]) {
    for read in evidence {
        eprintln!(
            "the model read: {}{}",
            sanitize(&read.command),
            if read.ok { "" } else { " (failed)" }
        );
    }
}

/// The model's answer to a question about the cluster: the text (stdout) and the
/// reads it came from; nothing else ran and nothing changed.
fn answer(
    config: &Config,
    sentence: &str,
    text: &str,
    model: &str,
    usage: crate::llm::Usage,
    evidence: &[crate::diagnose::evidence::Gathered],
) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if config.json {
        let document = serde_json::json!({
            "schema_version": crate::output::SCHEMA_VERSION,
            "request": crate::redact::mask(sentence),
            "source": Source::Model { model: model.to_string() },
            "status": "answered",
            "answer": text,
            "evidence": evidence,
            "usage": usage,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&document)?)?;
    } else {
        if !config.quiet {
            say_what_was_read(evidence);
        }
        writeln!(out, "{}", sanitize(text))?;
    }
    Ok(ExitCode::Success)
}

/// The one read a request needs before it can be planned, and what its answer
/// makes of the request. `None` under `--explain` (nothing is contacted; a
/// request the rules also understand alone is explained as they read it, any
/// other is refused, naming the read).
async fn resolve_with_the_cluster(
    config: &Config,
    sentence: &str,
    pending: &crate::understand::rules::Pending,
) -> anyhow::Result<Option<crate::understand::rules::Resolved>> {
    use crate::understand::rules::{Understood, understand};
    let args = pending.read_args();
    if config.explain {
        if matches!(understand(sentence), Understood::Plan(_)) {
            return Ok(None);
        }
        return Err(UserError::Usage(format!(
            "this request is planned from one read of the cluster (kubectl {}), and --explain \
             contacts no cluster; use --dry-run to see the plan and its preview without \
             applying anything",
            args.join(" ")
        ))
        .into());
    }
    agree_on_namespace(config, pending.namespace())?;
    let kubectl = Kubectl::locate(config)?;
    let captured = kubectl.run_checked(&args, None).await?;
    Ok(Some(pending.resolve(&captured.stdout_str())))
}

/// A health question or a request to fix something, from the rules or the model:
/// `diagnose` (with `--fix`) in the namespace the sentence names, if any. Under
/// `--explain` nothing is contacted: the diagnosis that would run is described.
async fn run_diagnose(
    config: &Config,
    sentence: &str,
    question: crate::understand::rules::HealthQuestion,
) -> anyhow::Result<ExitCode> {
    crate::flow::no_plan_to_save(config)?;
    let crate::understand::rules::HealthQuestion {
        namespace,
        all_namespaces,
        fix,
        target,
    } = question;
    let target = target.map(|(kind, name)| crate::config::Target { kind, name });
    if let Some(target) = &target {
        crate::plan::validate::object_name(&target.name)
            .map_err(|e| UserError::Usage(format!("{e}; nothing was run")))?;
    }
    agree_on_namespace(config, namespace.as_deref())?;
    let mut scoped = config.clone();
    if let Some(namespace) = namespace {
        crate::plan::validate::namespace_name(&namespace)
            .map_err(|e| UserError::Usage(format!("{e}; nothing was run")))?;
        scoped.kube.namespace = Some(namespace);
    }
    if all_namespaces && scoped.kube.namespace.is_none() {
        scoped.kube.all_namespaces = true;
    }
    if all_namespaces && target.is_some() {
        scoped.kube.all_namespaces = false;
    }
    if config.explain {
        return explain_diagnose(&scoped, sentence, target.as_ref(), fix);
    }
    crate::app::diagnose(&scoped, Some(sentence), target.as_ref(), fix).await
}

/// A namespace the sentence names and `-n` on the command line must agree:
/// neither silently beats the other. Checked before anything runs; the same
/// namespace in both is fine.
fn agree_on_namespace<'a>(
    config: &Config,
    named: impl IntoIterator<Item = &'a str>,
) -> Result<(), UserError> {
    let Some(flag) = config.kube.namespace.as_deref() else {
        return Ok(());
    };
    match named.into_iter().find(|ns| *ns != flag) {
        None => Ok(()),
        Some(sentence) => Err(UserError::Usage(format!(
            "the sentence says namespace {} but -n says {}; give the namespace once (or the \
             same in both); nothing was run",
            crate::shown::value(sentence),
            crate::shown::value(flag)
        ))),
    }
}

/// Every namespace a plan names itself, including those of the objects an
/// `apply` carries.
fn plan_namespaces(plan: &crate::plan::Plan) -> Vec<&str> {
    let mut namespaces = Vec::new();
    for op in &plan.operations {
        namespaces.extend(op.namespace());
        if let crate::plan::Operation::Apply { objects, .. } = op {
            namespaces.extend(
                objects
                    .iter()
                    .filter_map(|o| o["metadata"]["namespace"].as_str()),
            );
        }
    }
    namespaces
}

/// `--explain` for a sentence that goes to diagnose: what would run, nothing contacted.
fn explain_diagnose(
    config: &Config,
    sentence: &str,
    target: Option<&crate::config::Target>,
    fix: bool,
) -> anyhow::Result<ExitCode> {
    let mut command = vec!["kubectl ai diagnose".to_string()];
    if let Some(target) = target {
        command.push(format!("--target {}/{}", target.kind, target.name));
    }
    if config.kube.all_namespaces {
        command.push("--all-namespaces".into());
    } else if let Some(namespace) = &config.kube.namespace {
        command.push(format!("--namespace {namespace}"));
    }
    if fix {
        command.push("--fix".into());
    }
    let command = command.join(" ");
    let mut out = std::io::stdout().lock();
    if config.json {
        let report = serde_json::json!({
            "schema_version": crate::output::SCHEMA_VERSION,
            "request": sentence,
            "source": {"kind": "diagnose"},
            "context": null,
            "namespace": config.kube.namespace,
            "all_namespaces": config.kube.all_namespaces,
            "dry_run": config.dry_run,
            "status": "explained",
            "fix": fix,
            "target": target.map(|t| format!("{}/{}", t.kind, t.name)),
            "equivalent_command": command,
            "operations": [],
        });
        writeln!(
            out,
            "{}",
            crate::shown::json(serde_json::to_string_pretty(&report)?)
        )?;
    } else {
        writeln!(
            out,
            "A health question: diagnose would look at {}{}{}, not run:\n   {command}",
            target
                .map(|t| format!("{}/{} in ", t.kind, t.name))
                .unwrap_or_default(),
            if config.kube.all_namespaces {
                "every namespace".to_string()
            } else {
                match config.kube.namespace.as_deref() {
                    Some(namespace) => format!("namespace {namespace}"),
                    None => "the current namespace".to_string(),
                }
            },
            if fix {
                " and offer its fixes (each previewed, and applied only with consent)"
            } else {
                ""
            },
        )?;
    }
    out.flush()?;
    Ok(ExitCode::Success)
}

/// What the model is told about where it works: context, namespace and names only.
/// `--explain` contacts no cluster, so it sends no names.
async fn model_context(config: &Config) -> crate::understand::model_context::ModelContext {
    use crate::understand::model_context::{ModelContext, parse_names};
    let fallback = || {
        ModelContext::new(
            config.kube.context.clone(),
            config
                .kube
                .namespace
                .clone()
                .unwrap_or_else(|| "default".into()),
        )
    };
    if config.explain {
        return fallback();
    }
    let Ok(kubectl) = Kubectl::locate(config) else {
        return fallback();
    };
    let current = execute::current_context(&kubectl).await;
    let namespace = config
        .kube
        .namespace
        .clone()
        .or_else(|| current.as_ref().and_then(|c| c.namespace.clone()))
        .unwrap_or_else(|| "default".into());
    let context = ModelContext::new(
        current
            .map(|c| c.name)
            .or_else(|| config.kube.context.clone()),
        namespace,
    );
    match kubectl.run_checked(&context.names_args(), None).await {
        Ok(captured) => {
            let (workloads, services) = parse_names(&captured.stdout_str());
            context.with_names(workloads, services)
        }
        Err(e) => {
            tracing::warn!("could not list names for the model: {e:#}");
            context
        }
    }
}
