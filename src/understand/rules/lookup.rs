//! Requests whose plan depends on what is in the cluster, read once at plan time:
//! "restart everything in shop", "scale all deployments in shop to 0", "delete the
//! failed pods", "logs of web" (web a pod, or a deployment?), "annotate web with
//! owner=me" (which kind is web?), "update web to nginx 1.27" (which repository,
//! which container?).
//!
//! The grammar says what to read ([`Pending::read_args`]: one typed, read-only
//! `kubectl get`), and [`Pending::resolve`] turns kubectl's answer into
//! operations: one per listed name (previewed and applied like any plan, each
//! with its own precondition), or the kind and container the cluster says. When
//! the answer is ambiguous (two objects named web, two nginx containers), the
//! request goes to the model; when it lists nothing, the person is told so.

use crate::plan::validate::{Limits, validate};
use crate::plan::{Operation, Plan, ReplicaChange};

use super::Verb;
use super::lex;
use super::phrases;
use super::slots::{Slots, topic};

/// A request waiting for one read of the cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    read: Read,
    then: Then,
}

#[derive(Debug, Clone, PartialEq)]
enum Read {
    /// `kubectl get RESOURCE [-n NS] [--field-selector F] -o name`
    List {
        resource: &'static str,
        namespace: Option<String>,
        field_selector: Option<String>,
    },
    /// `kubectl get R1/NAME R2/NAME … [-n NS] --ignore-not-found -o name`
    Which {
        name: String,
        namespace: Option<String>,
        resources: &'static [&'static str],
    },
    /// `kubectl get RESOURCE NAME [-n NS] -o json`
    Object {
        resource: &'static str,
        name: String,
        namespace: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Then {
    Restart {
        kind: String,
    },
    Scale {
        kind: String,
        replicas: ReplicaChange,
    },
    Delete {
        kind: String,
        what: String,
    },
    /// The operation, its `kind` set to the one kind the read found.
    KindOf(Operation),
    /// `set image` of the one container whose repository is `repository` (any
    /// container when `None`, if there is exactly one), to `tag`.
    Image {
        kind: String,
        repository: Option<String>,
        tag: String,
    },
}

/// What the read's answer made of the request.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// The plan, validated.
    Plan(Plan),
    /// The answer leaves the meaning open: ask a model.
    NeedsModel,
    /// Nothing to do, or a value refused: the message says which.
    Refused(String),
}

/// The workload kinds whose pods `kubectl logs KIND/NAME` reads.
const LOG_KINDS: &[&str] = &["pods", "deployments", "statefulsets", "daemonsets", "jobs"];
/// The kinds a bare name in a label or annotation request may be.
const META_KINDS: &[&str] = &[
    "deployments",
    "statefulsets",
    "daemonsets",
    "services",
    "pods",
    "configmaps",
    "cronjobs",
    "jobs",
];

/// The request, when its plan needs one read of the cluster first; `None` for
/// anything else (the offline rules, a model or diagnose handle it).
pub fn needs_cluster(sentence: &str) -> Option<Pending> {
    if sentence.len() > 1000 {
        return None;
    }
    let toks = lex::tokenize(sentence);
    let [toks] = lex::clauses(&toks).try_into().ok()?;
    // "open a shell in api", "forward port 8080 to web": which kind is it?
    if let Some(super::interactive::Recognized::Unkinded {
        op,
        name,
        namespace,
        kinds,
    }) = super::interactive::recognize(&toks)
    {
        let pending = Pending {
            read: which(name, namespace, kinds),
            then: Then::KindOf(*op),
        };
        return pending.valid().then_some(pending);
    }
    let (verb, used) = super::verb(&toks)?;
    let slots = phrases::parse(&toks[used..], verb, used == 0).ok()??;
    let pending = pending(verb, slots)?;
    pending.valid().then_some(pending)
}

fn pending(verb: Verb, mut s: Slots) -> Option<Pending> {
    let (read, then) = match verb {
        Verb::Restart => {
            s.take_topic(topic::ROLLOUT);
            let resource = every_workload(&mut s)?;
            let namespace = s.take_namespace()?;
            (
                list(resource, namespace, None),
                Then::Restart {
                    kind: singular(resource),
                },
            )
        }
        Verb::Scale | Verb::Set if s.has(topic::REPLICAS) || s.to_num.is_some() => {
            s.take_topic(topic::REPLICAS);
            let replicas = super::scale::change(&mut s, 1, false)?;
            let resource = every_workload(&mut s)?;
            let namespace = s.take_namespace()?;
            (
                list(resource, namespace, None),
                Then::Scale {
                    kind: singular(resource),
                    replicas,
                },
            )
        }
        Verb::Remove => {
            // "delete the failed pods", "remove completed pods in batch".
            let obj = single(&mut s)?;
            if obj.0 != "pods" || !obj.1.is_empty() || s.fields.len() != 1 {
                return None;
            }
            let field = s.fields.remove(0);
            let phase = field.strip_prefix("status.phase=")?.to_string();
            let namespace = s.take_namespace()?;
            (
                list("pods", namespace, Some(field)),
                Then::Delete {
                    kind: "pod".into(),
                    what: format!("pods in phase {phase}"),
                },
            )
        }
        Verb::Get | Verb::Logs | Verb::Tail | Verb::Follow
            if s.has(topic::LOGS) || verb == Verb::Logs =>
        {
            s.topics |= topic::LOGS;
            if verb == Verb::Follow {
                s.follow = true;
            }
            let name = unkinded_name(&s)?;
            let namespace = s.namespace.clone();
            // "tail the logs" (follow) stays what the rules make of it: the model's.
            let read = if verb == Verb::Tail {
                Verb::Tail
            } else {
                Verb::Get
            };
            let op = super::observe::build(read, &mut s)?;
            (
                which(name, namespace, LOG_KINDS),
                Then::KindOf(only(op, &s)?),
            )
        }
        Verb::Annotate | Verb::Label | Verb::Add | Verb::Set
            if s.has(topic::ANNOTATION)
                || s.has(topic::LABEL)
                || verb == Verb::Annotate
                || verb == Verb::Label =>
        {
            let name = unkinded_name(&s)?;
            let namespace = s.namespace.clone();
            // Build with a stand-in kind; the read says the real one.
            for o in &mut s.objs {
                o.kind = crate::plan::kinds::lookup("deployment");
            }
            let annotation = verb == Verb::Annotate || s.has(topic::ANNOTATION);
            let op = match verb {
                Verb::Add => super::metadata::add(&mut s)?,
                _ => super::metadata::edit(&mut s, annotation)?,
            };
            (
                which(name, namespace, META_KINDS),
                Then::KindOf(only(op, &s)?),
            )
        }
        Verb::Set => {
            // "update web to nginx 1.27", "upgrade web to 1.27".
            let (repository, tag) = match (s.to_value.take(), s.version.take()) {
                (Some(repo), Some(tag)) => (Some(repo), tag),
                (Some(tag), None) if version_like(&tag) => (None, tag),
                _ => return None,
            };
            s.take_topic(topic::IMAGE);
            let (kind, name) = s.take_one("deployment")?;
            let info = crate::plan::kinds::lookup(&kind)?;
            let namespace = s.take_namespace()?;
            (
                Read::Object {
                    resource: info.resource,
                    name,
                    namespace,
                },
                Then::Image {
                    kind: info.singular.to_string(),
                    repository,
                    tag,
                },
            )
        }
        _ => return None,
    };
    if !s.spent() {
        return None;
    }
    Some(Pending { read, then })
}

fn list(resource: &'static str, namespace: Option<String>, field_selector: Option<String>) -> Read {
    Read::List {
        resource,
        namespace,
        field_selector,
    }
}

fn which(name: String, namespace: Option<String>, resources: &'static [&'static str]) -> Read {
    Read::Which {
        name,
        namespace,
        resources,
    }
}

fn singular(resource: &str) -> String {
    crate::plan::kinds::lookup(resource).map_or(resource.to_string(), |k| k.singular.to_string())
}

/// The one object phrase of the sentence: its resource and names.
fn single(s: &mut Slots) -> Option<(&'static str, Vec<String>)> {
    let (kind, names) = s.take_target()?;
    Some((kind?.resource, names))
}

/// "all deployments", "the statefulsets", "everything": every workload of one kind.
fn every_workload(s: &mut Slots) -> Option<&'static str> {
    if std::mem::take(&mut s.everything) {
        if !s.objs.is_empty() {
            return None;
        }
        return Some("deployments");
    }
    let [obj] = s.objs.as_slice() else {
        return None;
    };
    let resource = obj.kind?.resource;
    if !obj.plural
        || !obj.names.is_empty()
        || s.called.is_some()
        || !matches!(resource, "deployments" | "statefulsets" | "daemonsets")
    {
        return None;
    }
    s.objs.clear();
    Some(resource)
}

/// The one name the sentence gives, said without a kind ("logs of web").
fn unkinded_name(s: &Slots) -> Option<String> {
    let [obj] = s.objs.as_slice() else {
        return None;
    };
    if obj.kind.is_some() || s.called.is_some() {
        return None;
    }
    let [name] = obj.names.as_slice() else {
        return None;
    };
    Some(name.clone())
}

fn only(mut ops: Vec<Operation>, s: &Slots) -> Option<Operation> {
    (ops.len() == 1 && s.spent()).then(|| ops.remove(0))
}

/// "1.27", "v2.3.1", "1.27-alpine": a tag people say after a repository.
pub(crate) fn version_like(w: &str) -> bool {
    let core = w.strip_prefix('v').unwrap_or(w);
    core.starts_with(|c: char| c.is_ascii_digit())
        && core.contains('.')
        && core
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

impl Pending {
    /// Every value of the read is a valid name (the read is refused otherwise:
    /// the sentence goes on to the model or the validator's refusal).
    fn valid(&self) -> bool {
        use crate::plan::validate::{namespace_name, object_name};
        let (name, namespace) = match &self.read {
            Read::List { namespace, .. } => (None, namespace),
            Read::Which {
                name, namespace, ..
            }
            | Read::Object {
                name, namespace, ..
            } => (Some(name), namespace),
        };
        name.is_none_or(|n| object_name(n).is_ok())
            && namespace
                .as_deref()
                .is_none_or(|n| namespace_name(n).is_ok())
    }

    /// The namespace the sentence names, if any.
    pub fn namespace(&self) -> Option<&str> {
        match &self.read {
            Read::List { namespace, .. }
            | Read::Which { namespace, .. }
            | Read::Object { namespace, .. } => namespace.as_deref(),
        }
    }

    /// The read-only kubectl arguments of the one read.
    pub fn read_args(&self) -> Vec<String> {
        let mut args = vec!["get".to_string()];
        let namespace = match &self.read {
            Read::List {
                resource,
                namespace,
                field_selector,
            } => {
                args.push(resource.to_string());
                if let Some(f) = field_selector {
                    args.push(format!("--field-selector={f}"));
                }
                args.push("-o=name".into());
                namespace
            }
            Read::Which {
                name,
                namespace,
                resources,
            } => {
                args.extend(resources.iter().map(|r| format!("{r}/{name}")));
                args.push("--ignore-not-found".into());
                args.push("-o=name".into());
                namespace
            }
            Read::Object {
                resource,
                name,
                namespace,
            } => {
                args.push(resource.to_string());
                args.push(name.clone());
                args.push("-o=json".into());
                namespace
            }
        };
        if let Some(ns) = namespace {
            args.push(format!("--namespace={ns}"));
        }
        args
    }

    /// The plan the read's output (kubectl's stdout) makes of the request.
    pub fn resolve(&self, stdout: &str) -> Resolved {
        // `-o name` lines: "deployment.apps/web", "pod/web-1".
        let listed: Vec<(String, String)> = stdout
            .lines()
            .filter_map(|l| l.trim().split_once('/'))
            .map(|(k, n)| (k.split('.').next().unwrap_or(k).to_string(), n.to_string()))
            .collect();
        let namespace = self.namespace().map(str::to_string);
        let where_ = || match &namespace {
            Some(ns) => format!("namespace {ns}"),
            None => "the current namespace".to_string(),
        };
        let operations: Vec<Operation> = match &self.then {
            Then::Restart { kind } | Then::Scale { kind, .. } | Then::Delete { kind, .. } => {
                if listed.is_empty() {
                    let what = match &self.then {
                        Then::Delete { what, .. } => what.clone(),
                        _ => format!("{kind}s"),
                    };
                    return Resolved::Refused(format!(
                        "there are no {what} in {}; nothing to do",
                        where_()
                    ));
                }
                listed
                    .into_iter()
                    .map(|(_, name)| {
                        let kind = kind.clone();
                        let namespace = namespace.clone();
                        match &self.then {
                            Then::Restart { .. } => Operation::RolloutRestart {
                                kind,
                                name,
                                namespace,
                            },
                            Then::Scale { replicas, .. } => Operation::Scale {
                                kind,
                                name,
                                namespace,
                                replicas: *replicas,
                            },
                            _ => Operation::Delete {
                                kind,
                                name: Some(name),
                                namespace,
                                selector: None,
                            },
                        }
                    })
                    .collect()
            }
            Then::KindOf(op) => {
                // A port-forward to a name that is a service and a workload goes to
                // the service: the name the network knows it by.
                let listed = match op {
                    Operation::PortForward(_) if listed.iter().any(|(k, _)| k == "service") => {
                        listed
                            .iter()
                            .filter(|(k, _)| k == "service")
                            .cloned()
                            .collect()
                    }
                    _ => listed,
                };
                let [(kind, _)] = listed.as_slice() else {
                    return if listed.is_empty() {
                        let name = match &self.read {
                            Read::Which { name, .. } => name.as_str(),
                            _ => "",
                        };
                        Resolved::Refused(format!(
                            "nothing is named {} in {}",
                            crate::shown::value(name),
                            where_()
                        ))
                    } else {
                        Resolved::NeedsModel
                    };
                };
                let mut op = op.clone();
                match &mut op {
                    Operation::Logs { kind: k, .. } => *k = kind.clone(),
                    Operation::Label(edit) | Operation::Annotate(edit) => edit.kind = kind.clone(),
                    Operation::PortForward(forward) => forward.kind = kind.clone(),
                    Operation::Exec(exec) => exec.kind = kind.clone(),
                    _ => return Resolved::NeedsModel,
                }
                vec![op]
            }
            Then::Image {
                kind,
                repository,
                tag,
            } => {
                let Ok(object) = serde_json::from_str::<serde_json::Value>(stdout) else {
                    return Resolved::NeedsModel;
                };
                let containers = object["spec"]["template"]["spec"]["containers"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let matching: Vec<(String, String)> = containers
                    .iter()
                    .filter_map(|c| {
                        let name = c["name"].as_str()?.to_string();
                        let repo = image_repository(c["image"].as_str()?).to_string();
                        let last = repo.rsplit('/').next().unwrap_or(&repo);
                        repository
                            .as_deref()
                            .is_none_or(|r| r.eq_ignore_ascii_case(last) || r == repo)
                            .then_some((name, repo))
                    })
                    .collect();
                let [(container, repo)] = matching.as_slice() else {
                    return Resolved::NeedsModel;
                };
                let name = object["metadata"]["name"].as_str().unwrap_or_default();
                vec![Operation::SetImage {
                    kind: kind.clone(),
                    name: name.to_string(),
                    namespace,
                    container: Some(container.clone()),
                    image: format!("{repo}:{tag}"),
                }]
            }
        };
        let plan = Plan::new(operations);
        match validate(&plan, &Limits::default()) {
            Ok(()) => Resolved::Plan(plan),
            Err(e) => Resolved::Refused(e.message),
        }
    }
}

/// "docker.io/library/nginx:1.25" → "docker.io/library/nginx"; a digest or a
/// tag after the last '/' goes, a registry's port stays.
fn image_repository(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    let slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[slash..].find(':') {
        Some(colon) => &image[..slash + colon],
        None => image,
    }
}
