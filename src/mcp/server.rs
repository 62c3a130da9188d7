//! The MCP server: tool calls in, typed operations through the plugin's own engine, results out.
//!
//! Each call is logged with a request id ([`super::log`]). Arguments become plan
//! types ([`super::tools`]) and are validated like a plan file; reads run as
//! kubectl argv in the pinned context and come back redacted and capped
//! ([`super::reads`]); `diagnose` returns its `--json` document; `preview` keeps
//! the previewed plan under an id ([`super::plans`]); `apply` (only with
//! `--allow-changes`) sends exactly that preview and journals the run with the
//! source `mcp`. Bad input is a tool error naming the field and value, never a crash.

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, GetPromptRequestParams,
    GetPromptResponse, GetPromptResult, Implementation, ListPromptsResult, ListResourcesResult,
    ListToolsResult, PaginatedRequestParams, Prompt, PromptArgument, PromptMessage,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Value, json};
use tracing::Instrument;

use super::log::Call;
use super::plans::PlanStore;
use super::reads;
use super::tools::{self, ApplyArgs, DiagnoseArgs};
use crate::config::Config;
use crate::diagnose::DiagnoseRequest;
use crate::execute::secret_reads::SecretReads;
use crate::execute::{self, Origin, Settings, staged};
use crate::kubectl::Kubectl;
use crate::output::{Source, Status, error_text};
use crate::plan::validate::{namespace_name, object_name, validate};
use crate::plan::{Operation, Plan};

/// The largest tool arguments accepted, serialized (a plan holds at most 20 operations).
pub const MAX_ARGUMENTS: usize = 1024 * 1024;

/// A tool call's failure, said to the client as a tool error.
type Refusal = String;

/// The server; cheap to clone (one per HTTP session shares the same state).
#[derive(Clone)]
pub struct McpServer {
    shared: Arc<Shared>,
}

struct Shared {
    config: Config,
    allow_changes: bool,
    plans: PlanStore,
    /// Held while an apply runs: applies go one at a time, and the server waits
    /// for the one in flight before it exits (so its journal entry is written).
    applying: Arc<tokio::sync::Mutex<()>>,
    /// Ends the apply in flight, when the server is stopped ([`McpServer::finish_applies`]).
    in_flight: std::sync::Mutex<Option<tokio::task::AbortHandle>>,
}

/// How long a stopped server waits for the apply in flight before it ends it:
/// short enough that the journal is written before a host that stopped the
/// server kills it (the official SDKs kill 2 s after SIGTERM).
pub const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

impl McpServer {
    pub fn new(config: Config, allow_changes: bool) -> McpServer {
        McpServer {
            shared: Arc::new(Shared {
                config,
                allow_changes,
                plans: PlanStore::default(),
                applying: Arc::new(tokio::sync::Mutex::new(())),
                in_flight: std::sync::Mutex::new(None),
            }),
        }
    }

    /// Waits until no apply is running: a client that went away leaves the
    /// apply in flight to finish and be journaled. Once the process is asked to
    /// stop (SIGTERM, Ctrl-C, SIGHUP), the apply gets `grace` to finish, then is
    /// ended: its kubectl call (in a process group of its own, which a Ctrl-C
    /// sent to the server's group never reaches) is killed with everything it
    /// started, no later operation starts, and the run stays in the journal as
    /// written ahead: `unknown`, each change "may or may not have been applied".
    pub async fn finish_applies(&self, grace: std::time::Duration) {
        use std::time::Duration;
        while crate::execute::interrupt::raised().is_none() {
            let lock = self.shared.applying.lock();
            if tokio::time::timeout(Duration::from_millis(100), lock)
                .await
                .is_ok()
            {
                return;
            }
        }
        if tokio::time::timeout(grace, self.shared.applying.lock())
            .await
            .is_ok()
        {
            return;
        }
        let handle = self
            .shared
            .in_flight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(handle) = handle {
            tracing::warn!("the server was stopped during an apply: ending it");
            handle.abort();
        }
        let _ = self.shared.applying.lock().await;
    }

    fn config(&self) -> &Config {
        &self.shared.config
    }

    /// The engine's settings for a tool call: no terminal, nothing printed, no consent asked here.
    fn settings(&self) -> Settings {
        let mut settings = crate::flow::settings(self.config());
        settings.yes = false;
        settings.dry_run = false;
        settings.json = true;
        settings.quiet = true;
        settings.color = false;
        settings.interactive = false;
        settings.terminal = false;
        settings.secret_reads = SecretReads::for_plan(&Source::Mcp, false);
        settings
    }

    fn origin() -> Origin {
        Origin {
            request: None,
            source: Source::Mcp,
            usage: None,
            evidence: Vec::new(),
        }
    }

    fn kubectl(&self) -> Result<Kubectl, Refusal> {
        Kubectl::locate(self.config()).map_err(|e| error_text(&e))
    }

    /// Where every call goes, for the client to see.
    fn context(&self) -> Option<String> {
        let flags = self.config().pin.apply(&self.config().kube);
        crate::kubectl::kubeconfig::current(&flags).map(|c| c.name)
    }

    async fn dispatch(&self, call: &Call, request: &CallToolRequestParams) -> CallToolResult {
        let arguments = request.arguments.as_ref();
        let size = arguments
            .map(|a| serde_json::to_vec(a).map_or(usize::MAX, |v| v.len()))
            .unwrap_or(0);
        if size > MAX_ARGUMENTS {
            return refusal(
                call,
                format!(
                    "the arguments of {} are {size} bytes, more than the {} KiB accepted; nothing was run. \
                     Send a smaller request (one read at a time, at most 20 operations a plan)",
                    request.name,
                    MAX_ARGUMENTS / 1024
                ),
            );
        }
        let name = request.name.as_ref();
        let result = if tools::is_read(name) {
            match tools::read_operation(name, arguments) {
                Ok(op) => self.read(op).await,
                Err(e) => Err(e),
            }
        } else {
            match name {
                tools::DIAGNOSE => match tools::arguments::<DiagnoseArgs>(name, arguments) {
                    Ok(args) => self.diagnose(args).await,
                    Err(e) => Err(e),
                },
                tools::PREVIEW => match tools::arguments::<Plan>(name, arguments) {
                    Ok(plan) => self.preview(plan).await,
                    Err(e) => Err(e),
                },
                tools::APPLY => match tools::arguments::<ApplyArgs>(name, arguments) {
                    Ok(args) => self.apply(args).await,
                    Err(e) => Err(e),
                },
                _ => Err(format!("unknown tool {name:?}")),
            }
        };
        match result {
            Ok(mut result) => {
                let failed = result.is_error == Some(true);
                call.end(if failed { "error" } else { "ok" }, "");
                if let Some(Value::Object(map)) = &mut result.structured_content {
                    map.insert("request_id".into(), Value::String(call.id.clone()));
                }
                result
            }
            Err(message) => refusal(call, message),
        }
    }

    /// One read of the vocabulary, run through the engine and made safe to return.
    async fn read(&self, op: Operation) -> Result<CallToolResult, Refusal> {
        if crate::plan::interactive::needs_terminal(&op) {
            return Err(
                "follow is not offered here: it streams until someone stops it, and a tool call must end; ask for the last lines with tail, or a window with since"
                    .into(),
            );
        }
        let plan = Plan::single(op.clone());
        let settings = self.settings();
        validate(&plan, &settings.limits).map_err(|e| e.message)?;
        let kubectl = self.kubectl()?;
        let outcome = execute::run(&kubectl, &plan, Self::origin(), &settings)
            .await
            .map_err(|e| error_text(&e))?;
        let entry = &outcome.report.operations[0];
        let stdout = entry.stdout.as_deref().unwrap_or("");
        let output = reads::cap(reads::redact_output(&op, stdout), reads::how_to_narrow(&op));
        let stderr = entry
            .stderr
            .as_deref()
            .map(|s| crate::output::sanitize(&crate::redact::mask(s.trim())))
            .unwrap_or_default();
        if let Some(error) = outcome.error {
            let mut text = format!("$ {}\n{}", entry.equivalent_command, error_text(&error));
            if !stderr.is_empty() && !text.contains(&stderr) {
                text.push_str(&format!("\nkubectl said: {stderr}"));
            }
            return Ok(CallToolResult::error(vec![ContentBlock::text(text)]));
        }
        let mut text = format!("$ {}\n{output}", entry.equivalent_command);
        if matches!(op, Operation::Contexts { .. })
            && let Some(context) = self.context()
        {
            // kubectl prints the kubeconfig's current context; the server's may differ.
            text.push_str(&format!(
                "\n(this server works in context {context}, pinned when it started, whatever the kubeconfig's current context is)\n"
            ));
        }
        if !stderr.is_empty() {
            text.push_str(&format!("\n(stderr) {stderr}\n"));
        }
        Ok(CallToolResult::success(vec![ContentBlock::text(text)]))
    }

    /// The findings of diagnose, as its `--json` document.
    async fn diagnose(&self, args: DiagnoseArgs) -> Result<CallToolResult, Refusal> {
        if let Some(ns) = &args.namespace {
            namespace_name(ns).map_err(|e| format!("namespace: {e}"))?;
            if args.all_namespaces {
                return Err("give either namespace or all_namespaces, not both".to_string());
            }
        }
        let target = match &args.target {
            None => None,
            Some(text) => {
                let Some((kind, name)) = text.split_once('/') else {
                    return Err(format!(
                        "target {:?} is not KIND/NAME, e.g. deployment/web",
                        crate::shown::value(text)
                    ));
                };
                let kind = crate::diagnose::scope::target_kind(kind)
                    .map_err(|e| format!("target: {e}"))?;
                object_name(name).map_err(|e| format!("target: {e}"))?;
                Some((kind.singular.to_string(), name.to_string()))
            }
        };
        if let Some(question) = &args.question
            && question.len() > 2000
        {
            return Err(format!(
                "question is {} bytes; keep it under 2000",
                question.len()
            ));
        }
        let config = self.config();
        // `-A` on the server's command line makes every namespace the default.
        let all_namespaces =
            args.all_namespaces || (args.namespace.is_none() && config.kube.all_namespaces);
        let namespace = match (&args.namespace, all_namespaces) {
            (Some(ns), _) => Some(ns.clone()),
            (None, true) => None,
            (None, false) => config.kube.namespace.clone().or_else(|| {
                let flags = config.pin.apply(&config.kube);
                crate::kubectl::kubeconfig::current(&flags).and_then(|c| c.namespace)
            }),
        };
        let request = DiagnoseRequest {
            namespace,
            all_namespaces,
            target,
            question: args.question.as_deref().map(crate::redact::mask),
        };
        let kubectl = self.kubectl()?.with_namespace(None);
        let diagnosis = crate::diagnose::run(&kubectl, &request)
            .await
            .map_err(|e| error_text(&e))?;
        let mut document = crate::diagnose::report::json(&diagnosis);
        document["context"] = json!(self.context());
        let text = serde_json::to_string_pretty(&document).unwrap_or_default();
        let text = reads::cap(
            crate::output::sanitize(&text),
            "diagnose one object with target, or one namespace",
        );
        let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
        result.structured_content = Some(document);
        Ok(result)
    }

    /// Previews a plan of changes and keeps it under a plan id.
    async fn preview(&self, plan: Plan) -> Result<CallToolResult, Refusal> {
        if plan.operations.is_empty() {
            return Err(
                "the plan has no operations; send {\"operations\": [{\"op\": \"scale\", \"name\": \"web\", \"replicas\": {\"to\": 3}}]}"
                    .into(),
            );
        }
        for (index, op) in plan.operations.iter().enumerate() {
            if crate::plan::interactive::hands_off(op) {
                return Err(format!(
                    "operation {} ({}) is not offered: it hands a terminal to kubectl (a command run inside a container, a port-forward), which a tool call has none of, and its effect cannot be previewed; run it with kubectl ai at a terminal",
                    index + 1,
                    op.verb()
                ));
            }
            if matches!(op, Operation::UseNamespace { .. }) {
                return Err(format!(
                    "operation {} (use_namespace) is not offered: it edits your kubeconfig, and this server works in the context and namespace it was started with; pass namespace in each call instead",
                    index + 1
                ));
            }
            if !op.is_change() {
                return Err(format!(
                    "operation {} ({}) is a read: call the {} tool for it; preview takes changes only",
                    index + 1,
                    op.verb(),
                    op.verb()
                ));
            }
            if matches!(op, Operation::Restore(_)) {
                return Err(format!(
                    "operation {} (restore) is not offered: it is how `kubectl ai undo` puts back a journaled run; send the change itself (apply, patch…)",
                    index + 1
                ));
            }
            if matches!(op, Operation::UseContext { .. }) {
                return Err(format!(
                    "operation {} (use_context) is not offered: this server works in the context it was started with ({}); start another server for another context",
                    index + 1,
                    self.context().unwrap_or_else(|| "the kubeconfig's".into())
                ));
            }
        }
        let settings = self.settings();
        validate(&plan, &settings.limits).map_err(|e| e.message)?;
        let kubectl = self.kubectl()?;
        let staged = match staged::preview(&kubectl, &plan, Self::origin(), &settings).await {
            Ok(staged) => staged,
            Err((error, report)) => {
                let mut text = format!("nothing was changed: {}", error_text(&error));
                if let Some(report) = report {
                    for (index, op) in report.operations.iter().enumerate() {
                        if op.status == Status::Failed {
                            text.push_str(&format!(
                                "\noperation {}: {}",
                                index + 1,
                                op.equivalent_command
                            ));
                        }
                    }
                }
                return Err(crate::output::sanitize(&text));
            }
        };
        let report = &staged.report;
        let mut text = String::new();
        let mut changes = Vec::new();
        for (index, op) in report.operations.iter().enumerate() {
            text.push_str(&crate::output::human_preview(index, op, false, false));
            let diffs: Vec<Value> = op
                .preview
                .iter()
                .flatten()
                .map(|p| {
                    json!({
                        "object": p.object,
                        "namespace": p.namespace,
                        "diff": reads::cap(crate::output::sanitize(&p.diff), "preview fewer objects at a time"),
                        "changes": !p.is_no_change(),
                    })
                })
                .collect();
            changes.push(json!({
                "summary": op.summary,
                "equivalent_command": op.equivalent_command,
                "status": op.status,
                "diffs": diffs,
                "note": op.preview_text,
            }));
        }
        let mut document = json!({
            "status": report.status,
            "context": report.context,
            "namespace": report.namespace,
            "changes": changes,
        });
        if staged.changes_anything() {
            let id = self.shared.plans.insert(staged);
            let next = if self.shared.allow_changes {
                format!(
                    "Nothing was changed. To make exactly this change, show the diff to the person and, once they agree, call apply with plan_id {id}."
                )
            } else {
                "Nothing was changed. This server was started without --allow-changes, so it cannot apply: the person can run the equivalent commands, or start it with --allow-changes.".to_string()
            };
            text.push_str(&format!("\nplan_id: {id}\n{next}\n"));
            document["plan_id"] = json!(id);
            document["next"] = json!(next);
        } else {
            text.push_str("\nno change: the cluster already looks like this; nothing to apply.\n");
        }
        let text = reads::cap(text, "preview fewer operations at a time");
        let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
        result.structured_content = Some(document);
        Ok(result)
    }

    /// Applies a previewed plan exactly as previewed, and journals it.
    async fn apply(&self, args: ApplyArgs) -> Result<CallToolResult, Refusal> {
        let Some(staged) = self.shared.plans.take(&args.plan_id) else {
            return Err(format!(
                "unknown plan_id {:?}: this server holds no such preview (never issued, already applied, or from before a restart); call preview again",
                crate::shown::value(&args.plan_id)
            ));
        };
        let held = self.shared.applying.clone().lock_owned().await;
        let config = self.config().clone();
        let settings = self.settings();
        // Its own task: a client that goes away mid-apply does not cut the
        // apply short, and the journal is written either way.
        let task = tokio::spawn(
            async move {
                let _held = held;
                // A stop (SIGTERM, Ctrl-C) is the server's to act on: see finish_applies.
                let _shield = crate::execute::interrupt::shield();
                let kubectl = Kubectl::locate(&config)?;
                // Journaled before anything is sent: a server killed mid-apply
                // still leaves in `history` what may have changed.
                let pending = crate::journal::begin(&staged.report, config.journal.as_deref());
                let outcome = staged::apply(&kubectl, staged, &settings).await;
                pending.finish(&outcome.report);
                Ok::<_, anyhow::Error>(outcome)
            }
            .instrument(tracing::Span::current()),
        );
        *self
            .shared
            .in_flight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(task.abort_handle());
        let outcome = match task.await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(error)) => return Err(error_text(&error)),
            Err(error) if error.is_cancelled() => {
                return Err(format!(
                    "the server was stopped during the apply and ended it; {}",
                    crate::journal::CUT_OFF
                ));
            }
            Err(error) => return Err(format!("the apply stopped unexpectedly: {error}")),
        };
        let mut text = String::new();
        if let Some(error) = &outcome.error {
            text.push_str(&format!("error: {}\n", error_text(error)));
        }
        for (index, op) in outcome.report.operations.iter().enumerate() {
            text.push_str(&crate::output::human_outcome(index, op, false));
        }
        let text = crate::output::sanitize(&text);
        let document = serde_json::to_value(&outcome.report).unwrap_or(Value::Null);
        let mut result = if outcome.error.is_some() {
            CallToolResult::error(vec![ContentBlock::text(text)])
        } else {
            CallToolResult::success(vec![ContentBlock::text(text)])
        };
        result.structured_content = Some(document);
        Ok(result)
    }
}

/// A tool error the client shows to the model: what was wrong and what to do.
fn refusal(call: &Call, message: String) -> CallToolResult {
    call.end("refused", &message);
    let message = crate::output::sanitize(&message);
    CallToolResult::error(vec![ContentBlock::text(message)])
}

const INSTRUCTIONS: &str = "kubectl-ai: typed, validated Kubernetes reads, diagnose, and previewed \
changes. Every call goes to the one context this server was started with. To look: use the read \
tools or diagnose. To change something: call preview with a plan (typed operations), show the \
person the diff, and only after they agree call apply with the plan_id (apply is offered only when \
the server was started with --allow-changes). Secret values and env values are masked (***).";

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(Implementation::new("kubectl-ai", env!("CARGO_PKG_VERSION")))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools::list(
            self.shared.allow_changes,
        )))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.as_ref();
        let known = tools::is_read(name)
            || [tools::DIAGNOSE, tools::PREVIEW].contains(&name)
            || (name == tools::APPLY && self.shared.allow_changes);
        if !known {
            let hint = if name == tools::APPLY {
                "this server was started without --allow-changes, so it has no apply tool and changes nothing"
                    .to_string()
            } else {
                "list the tools to see what this server offers".to_string()
            };
            tracing::debug!(tool = %crate::redact::mask(name), "unknown tool");
            return Err(ErrorData::invalid_params(
                format!(
                    "unknown tool {:?}: {hint}",
                    crate::shown::value(&crate::output::sanitize(name))
                ),
                None,
            ));
        }
        let call = Call::start(name, &context.id.to_string());
        // Every log line of the call (the kubectl commands it ran) carries its request id.
        let span = tracing::debug_span!("mcp", request_id = %call.id);
        Ok(self.dispatch(&call, &request).instrument(span).await.into())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let mut context = Resource::new(CONTEXT_URI, "context");
        context.description =
            Some("The context and default namespace every call of this server goes to.".into());
        context.mime_type = Some("application/json".into());
        let mut namespaces = Resource::new(NAMESPACES_URI, "namespaces");
        namespaces.description = Some("The namespaces of the cluster (names only).".into());
        namespaces.mime_type = Some("text/plain".into());
        Ok(ListResourcesResult::with_all_items(vec![
            context, namespaces,
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let text = match request.uri.as_str() {
            CONTEXT_URI => {
                let config = self.config();
                let flags = config.pin.apply(&config.kube);
                let current = crate::kubectl::kubeconfig::current(&flags);
                json!({
                    "context": current.as_ref().map(|c| c.name.clone()),
                    "namespace": config.kube.namespace.clone()
                        .or_else(|| current.and_then(|c| c.namespace))
                        .unwrap_or_else(|| "default".into()),
                    "changes_allowed": self.shared.allow_changes,
                })
                .to_string()
            }
            NAMESPACES_URI => {
                let kubectl = self
                    .kubectl()
                    .map_err(|e| ErrorData::internal_error(e, None))?;
                let argv: Vec<String> =
                    ["get", "namespaces", "-o", "name"].map(String::from).into();
                let captured = kubectl
                    .with_namespace(None)
                    .run_checked(&argv, None)
                    .await
                    .map_err(|e| ErrorData::internal_error(error_text(&e), None))?;
                let names = String::from_utf8_lossy(&captured.stdout)
                    .lines()
                    .map(|l| l.trim_start_matches("namespace/").to_string())
                    .collect::<Vec<_>>()
                    .join("\n");
                reads::cap(crate::output::sanitize(&names), "use the get tool")
            }
            other => {
                return Err(ErrorData::invalid_params(
                    format!(
                        "unknown resource {:?}; the resources are {CONTEXT_URI} and {NAMESPACES_URI}",
                        crate::shown::value(other)
                    ),
                    None,
                ));
            }
        };
        Ok(ReadResourceResult::new(vec![ResourceContents::text(text, request.uri)]).into())
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(ListPromptsResult::with_all_items(vec![Prompt::new(
            DIAGNOSE_PROMPT,
            Some("Diagnose a namespace: what is broken, why, and how to fix it."),
            Some(vec![PromptArgument::new("namespace").with_description(
                "The namespace to look at (default: the server's namespace).",
            )]),
        )]))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        if request.name != DIAGNOSE_PROMPT {
            return Err(ErrorData::invalid_params(
                format!("unknown prompt; the prompt is {DIAGNOSE_PROMPT}"),
                None,
            ));
        }
        let namespace = request
            .arguments
            .as_ref()
            .and_then(|a| a.get("namespace"))
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(ns) = &namespace {
            namespace_name(ns).map_err(|e| ErrorData::invalid_params(e, None))?;
        }
        let scope = match &namespace {
            Some(ns) => format!("the namespace {ns} (diagnose with namespace \"{ns}\")"),
            None => "the current namespace (diagnose with no arguments)".to_string(),
        };
        let text = format!(
            "Diagnose {scope}. Explain each problem found, most severe first, with its evidence. \
             For a problem with a suggested fix, preview the fix and show me the diff; change nothing \
             unless I say so."
        );
        Ok(
            GetPromptResult::new(vec![PromptMessage::new_text(rmcp::model::Role::User, text)])
                .with_description("Diagnose a namespace")
                .into(),
        )
    }
}

const CONTEXT_URI: &str = "kubectl-ai://context";
const NAMESPACES_URI: &str = "kubectl-ai://namespaces";
const DIAGNOSE_PROMPT: &str = "diagnose_namespace";
