//! `kubectl ai diagnose`: from the command line to a report and an exit code.
//!
//! Collects and analyzes offline (deterministic, never invented), then — unless
//! `--offline` or no model is configured — asks the model to rank and explain the
//! findings (findings only, redacted, quoted as data; the model can change nothing).
//! `--fix` takes each problem's suggested fix through the same preview and consent
//! as any plan. Exit 0 when healthy, 4 when problems were found, 1 when diagnosis
//! failed. After `--fix`: the code of a declined (3) or failed fix wins; 0 when
//! every problem had a fix and every fix was applied; otherwise 4.

use std::io::Write;

use serde_json::{Value, json};

use super::{DiagnoseRequest, Diagnosis, Finding, Severity, evidence, prompt, report};
use crate::config::{Config, Target};
use crate::execute::Origin;
use crate::exit::{ExitCode, UserError};
use crate::kubectl::Kubectl;
use crate::llm::settings::KeySource;
use crate::llm::{ChatClient, Message};
use crate::output::Source;
use crate::plan::validate::object_name;

pub async fn run(
    config: &Config,
    question: Option<&str>,
    target: Option<&Target>,
    fix: bool,
) -> anyhow::Result<ExitCode> {
    let target = target
        .map(|t| {
            // Only a kind diagnose reads can be said to be healthy.
            let kind = super::scope::target_kind(&t.kind).map_err(UserError::Usage)?;
            object_name(&t.name).map_err(UserError::Usage)?;
            Ok::<_, UserError>((kind.singular.to_string(), t.name.clone()))
        })
        .transpose()?;
    // The namespace is named (from the kubeconfig, without contacting anything)
    // and passed to every call, so the report says which namespace was looked at.
    let namespace = match &config.kube.namespace {
        Some(ns) => Some(ns.clone()),
        None if !config.kube.all_namespaces => {
            crate::kubectl::kubeconfig::current(&config.kube).and_then(|c| c.namespace)
        }
        None => None,
    };
    let request = DiagnoseRequest {
        namespace,
        all_namespaces: config.kube.all_namespaces,
        target,
        question: question.map(str::to_string),
    };
    if config.explain {
        // Contacts nothing: neither kubectl nor the model.
        let model = model_configured(config).then_some(config.model_settings.model.as_str());
        return super::explain::print(config, &request, model, fix);
    }
    // Collection adds its own scope (-n NS or -A) to the calls that take one.
    let kubectl = Kubectl::locate(config)?.with_namespace(None);
    let mut diagnosis = super::run(&kubectl, &request).await.map_err(|e| {
        // A namespace or target that does not exist is the person's to fix,
        // said as is; anything else is a read that failed.
        if e.downcast_ref::<UserError>().is_some() {
            e
        } else {
            e.context("diagnosis failed: the cluster could not be read")
        }
    })?;

    if model_configured(config) && !diagnosis.findings.is_empty() {
        let mut evidence = Vec::new();
        match explain(
            config,
            &kubectl,
            &request,
            &diagnosis,
            question,
            &mut evidence,
        )
        .await
        {
            Ok(explanation) => diagnosis.explanation = Some(explanation),
            Err(e) => eprintln!(
                "warning: no explanation from the model ({e:#}); the findings above are complete without it"
            ),
        }
        diagnosis.evidence = evidence;
    }

    if !config.json {
        say(&report::human_report(&diagnosis, config.color, !fix), fix)?;
    }

    // A problem no analyzer has a fix for: with a model, its proposal (validated,
    // previewed and consented like any plan); without one, what a person could do.
    // The model that proposed each fix no analyzer had, by finding index.
    let mut proposed_by: Vec<(usize, String)> = Vec::new();
    if fix {
        let unfixed: Vec<usize> = diagnosis
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.severity >= Severity::Warning && f.fix.is_none())
            .map(|(i, _)| i)
            .collect();
        for (n, index) in unfixed.into_iter().enumerate() {
            let finding = &diagnosis.findings[index];
            if !model_configured(config) || n >= MAX_PROPOSALS {
                if !config.json {
                    say(&no_fix_advice(finding, model_configured(config)), true)?;
                }
                continue;
            }
            match propose_fix(config, &kubectl, finding).await {
                Ok(Some((proposal, model))) => {
                    diagnosis.findings[index].fix = Some(proposal);
                    proposed_by.push((index, model));
                }
                Ok(None) => {}
                Err(e) => eprintln!(
                    "warning: the model proposed no fix for {} ({e:#})",
                    crate::output::sanitize(&finding.object.display())
                ),
            }
        }
    }
    // Only problems are fixed: an info finding's fix (uncordoning a node under
    // maintenance, say) is shown but never offered, even with --yes.
    let fixable: Vec<(usize, &Finding)> = diagnosis
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.severity >= Severity::Warning && f.fix.is_some())
        .collect();
    let mut fix_reports = Vec::new();
    let mut fix_error = None;
    // The summaries of the fixes the person said no to.
    let mut declined = Vec::new();
    if fix {
        if fixable.is_empty() && !config.json {
            say("\nNo suggested fix to apply.\n", false)?;
        }
        for (index, finding) in &fixable {
            let Some(fix) = &finding.fix else { continue };
            let source = match proposed_by.iter().find(|(i, _)| i == index) {
                Some((_, model)) => Source::Model {
                    model: model.clone(),
                },
                None => Source::Diagnose,
            };
            if !config.json {
                say(
                    &format!("\nFix: {}\n", crate::output::sanitize(&fix.summary)),
                    true,
                )?;
            }
            let origin = Origin {
                request: Some(fix.summary.clone()),
                source,
                usage: None,
                evidence: Vec::new(),
            };
            let (fix_report, error) =
                crate::flow::execute_plan(config, fix.plan.clone(), origin).await?;
            fix_reports.push(fix_report);
            if let Some(error) = error {
                // A declined fix does not stop the others from being offered; a failure does.
                let refused = is_declined(&error);
                fix_error = Some(error);
                if !refused {
                    break;
                }
                declined.push(crate::output::sanitize(&fix.summary));
            }
        }
    }
    let applied = fix_reports.iter().filter(|r| r.status == "ok").count();
    // Every problem had a fix, and every one of them was applied.
    let all_fixed = fix
        && !config.dry_run
        && fix_error.is_none()
        && !fixable.is_empty()
        && fixable.len() == diagnosis.problems()
        && applied == fixable.len();

    if config.json {
        let mut document = report::json(&diagnosis);
        if fix {
            document["fixes"] = Value::Array(fix_reports.iter().map(|r| json!(r)).collect());
            document["all_fixed"] = Value::Bool(all_fixed);
        }
        let mut out = std::io::stdout().lock();
        let text = crate::shown::json(serde_json::to_string_pretty(&document)?);
        writeln!(out, "{text}")?;
        out.flush()?;
    } else if fix && applied > 0 {
        // The same scope again, so the command can be pasted as is.
        let scope = if request.all_namespaces {
            " -A".to_string()
        } else {
            request
                .namespace
                .as_ref()
                .map(|ns| format!(" -n {}", crate::kubectl::quote(ns)))
                .unwrap_or_default()
        };
        let refused = if declined.is_empty() {
            String::new()
        } else {
            format!(" and declined {} ({})", declined.len(), declined.join("; "))
        };
        let line = format!(
            "\nApplied {applied} of {} suggested fix{}{refused}; run `kubectl ai diagnose{scope}` again once the rollout settles to confirm the problems are gone.\n",
            fixable.len(),
            if fixable.len() == 1 { "" } else { "es" }
        );
        // What was applied is said even when nobody reads stdout any more.
        if say(&line, false).is_err() {
            eprint!("{line}");
        }
    }
    if let Some(error) = fix_error {
        // The line above already says what was applied and what was declined:
        // a decline ends with its exit code and nothing more.
        if applied > 0 && !config.json && is_declined(&error) {
            return Ok(ExitCode::Declined);
        }
        return Err(error);
    }
    Ok(if diagnosis.exit_code() == 0 || all_fixed {
        ExitCode::Success
    } else {
        ExitCode::ProblemsFound
    })
}

/// Problems for which the model is asked to propose a fix, at most, per run.
const MAX_PROPOSALS: usize = 3;

/// Asks the model for a plan that fixes one finding, through the same path as a
/// sentence: it may read (bounded, validated, redacted) before it plans, and its
/// plan is validated here and previewed and consented like any other. `None`
/// when it proposes nothing (a question, out of scope, an answer).
async fn propose_fix(
    config: &Config,
    kubectl: &Kubectl,
    finding: &Finding,
) -> anyhow::Result<Option<(super::Fix, String)>> {
    use crate::understand::model::{ModelContext, ModelOutcome, understand_looking};
    let namespace = finding
        .object
        .namespace
        .clone()
        .or_else(|| config.kube.namespace.clone())
        .unwrap_or_else(|| "default".into());
    let request = format!(
        "Fix this problem found by diagnose, with the smallest change that fixes it (read the objects first if the fix depends on them): {} {} in namespace {namespace}: {} Likely cause: {} Evidence: {}",
        finding.object.kind,
        finding.object.name,
        finding.problem,
        finding.cause,
        finding.evidence.join(" | ")
    );
    let context = ModelContext::new(config.kube.context.clone(), namespace);
    let limits = crate::flow::settings(config).limits;
    let outcome = understand_looking(
        &request,
        &context,
        &config.model_settings,
        &limits,
        Some(kubectl),
    )
    .await?;
    match outcome {
        ModelOutcome::Plan {
            plan,
            model,
            evidence,
            ..
        } if plan.has_changes() => {
            for read in &evidence {
                eprintln!("the model read: {}", crate::output::sanitize(&read.command));
            }
            let summary = plan
                .operations
                .iter()
                .map(crate::plan::summary::summary)
                .collect::<Vec<_>>()
                .join("; ");
            let fix = super::Fix {
                summary: format!(
                    "proposed by the model {} (not by an analyzer): {summary}",
                    crate::output::sanitize(&model)
                ),
                plan,
            };
            Ok(Some((fix, model)))
        }
        ModelOutcome::Clarify(text) | ModelOutcome::OutOfScope(text) => {
            if !config.json {
                eprintln!(
                    "the model proposed no fix for {}: {}",
                    crate::output::sanitize(&finding.object.display()),
                    crate::output::sanitize(&text)
                );
            }
            Ok(None)
        }
        _ => Ok(None),
    }
}

/// What a person could do about a problem no analyzer has a fix for.
fn no_fix_advice(finding: &Finding, model: bool) -> String {
    let cause = if finding.cause.is_empty() {
        String::new()
    } else {
        format!(
            " The likely cause: {}",
            crate::output::sanitize(&finding.cause)
        )
    };
    let model = if model {
        " (the model was asked about the first few problems only)"
    } else {
        "; with a model configured, `--fix` asks it to propose one"
    };
    format!(
        "\nNo suggested fix for {}{model}.{cause} Look at `kubectl describe {}` and its events, change the object, then run diagnose again.\n",
        crate::output::sanitize(&finding.object.display()),
        crate::kubectl::quote(&finding.object.display()),
    )
}

/// Whether the person said no (or there was no terminal to ask).
fn is_declined(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|e| matches!(e.downcast_ref::<UserError>(), Some(UserError::Declined(_))))
}

/// A model is used only when one is configured: a key, or an explicit endpoint.
fn model_configured(config: &Config) -> bool {
    !config.offline
        && (config.model_settings.endpoint_configured
            || !matches!(config.model_settings.api_key, KeySource::None))
}

/// Asks the model to rank and explain the findings (structured output). The
/// model may first ask for read-only evidence, at most [`evidence::MAX_STEPS`]
/// times; what was read is pushed to `gathered` even when no explanation follows.
async fn explain(
    config: &Config,
    kubectl: &Kubectl,
    request: &DiagnoseRequest,
    diagnosis: &Diagnosis,
    question: Option<&str>,
    gathered: &mut Vec<evidence::Gathered>,
) -> anyhow::Result<prompt::Explanation> {
    let prompt = prompt::build(diagnosis, question);
    let client = ChatClient::new(&config.model_settings)?;
    let mut finding_namespaces: Vec<String> = diagnosis
        .findings
        .iter()
        .take(prompt::MAX_FINDINGS)
        .filter_map(|f| f.object.namespace.clone())
        .collect();
    finding_namespaces.sort();
    finding_namespaces.dedup();
    let scope = evidence::Scope {
        namespace: if request.all_namespaces {
            None
        } else {
            request.namespace.clone()
        },
        all_namespaces: request.all_namespaces,
        finding_namespaces,
    };
    let mut budget = evidence::MAX_TOTAL_CHARS;
    let mut messages = vec![Message::system(prompt.system), Message::user(prompt.user)];
    let schema = prompt::answer_schema();
    let instructions = format!(
        "Reply with one JSON object and nothing else, following this JSON Schema: {schema}"
    );
    let mut step = 0;
    loop {
        let shape = crate::llm::client::Shape {
            name: "diagnosis_explanation",
            schema: &schema,
            instructions: &instructions,
        };
        let completion = client.send_structured(&messages, &shape).await?;
        let content =
            crate::understand::model::usable_content(&completion, &config.model_settings)?;
        let turn = prompt::parse_turn(&content, diagnosis)?;
        if turn.requests.is_empty() {
            return Ok(turn.explanation);
        }
        if step == evidence::MAX_STEPS {
            anyhow::bail!(
                "the model still asked for evidence after {} steps, so it was stopped",
                evidence::MAX_STEPS
            );
        }
        step += 1;
        let (read, refused) = evidence::gather(
            kubectl,
            &turn.requests,
            &scope,
            step,
            &mut budget,
            &diagnosis.env_values,
        )
        .await;
        for why in &refused {
            eprintln!(
                "warning: the model asked for evidence that was refused, nothing ran for it: {}",
                crate::output::sanitize(why)
            );
        }
        messages.push(Message::assistant(turn.echo()));
        messages.push(Message::user(evidence::results_message(
            &read,
            &refused,
            step,
            step == evidence::MAX_STEPS,
        )));
        gathered.extend(read);
    }
}

/// Writes human output to stdout. While fixes are still to come (`fixing`), a
/// closed stdout stops the run (exit 141) instead of passing for success: no
/// fix is applied to a cluster nobody is watching.
fn say(text: &str, fixing: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if fixing && e.kind() == std::io::ErrorKind::BrokenPipe => {
            eprintln!("stdout was closed: no further fix was applied");
            Err(UserError::Stopped(crate::exit::Stop::StdoutClosed).into())
        }
        Err(e) => Err(e.into()),
    }
}
