//! Making new things: deployments, pods, namespaces, config maps, secrets, services
//! (expose) — "create …", "deploy …", "run …", "expose …".

use crate::plan::kinds::KindInfo;
use crate::plan::{Operation, ServiceType};

use super::slots::{Obj, Slots, topic};

/// The name and the word before the kind ("an nginx pod called web": pre = nginx).
struct Named {
    kind: &'static KindInfo,
    /// Names after the kind, without a kind, or given with "called".
    name: Option<String>,
    /// A name written before the kind.
    pre: Option<String>,
}

fn named(s: &mut Slots) -> Option<Named> {
    let objs = std::mem::take(&mut s.objs);
    let kind = objs.iter().find_map(|o| o.kind)?;
    let mut after = Vec::new();
    let mut pre = Vec::new();
    for o in objs {
        if o.kind.is_some_and(|k| k != kind) {
            return None;
        }
        if o.before {
            pre.extend(o.names)
        } else {
            after.extend(o.names)
        }
    }
    after.extend(s.called.take());
    if after.len() > 1 || pre.len() > 1 {
        return None;
    }
    Some(Named {
        kind,
        name: after.pop(),
        pre: pre.pop(),
    })
}

/// "create a deployment called api with image nginx", "create namespace staging".
pub(super) fn create(s: &mut Slots) -> Option<Vec<Operation>> {
    if s.has(topic::AUTOSCALE) {
        return super::scale::autoscale(s);
    }
    let first = s.objs.iter().find_map(|o| o.kind)?;
    if first.resource == "services" {
        return service(s);
    }
    let Named { kind, name, pre } = named(s)?;
    // "an nginx pod called web": the word before the kind is the image when a name
    // is given; otherwise it is the name ("the staging namespace").
    let (name, image_word) = match (name, pre) {
        (Some(n), p) => (n, p),
        (None, Some(p)) => (p, None),
        (None, None) => return None,
    };
    let image = match (s.image.take(), image_word) {
        (Some(i), None) | (None, Some(i)) => Some(i),
        (None, None) => None,
        _ => return None,
    };
    let namespace = s.take_namespace()?;
    match kind.resource {
        "deployments" => Some(vec![Operation::CreateDeployment {
            name,
            namespace,
            image: image?,
            replicas: replicas(s)?,
            port: s.port.take(),
        }]),
        "pods" => pod(s, name, namespace, image?),
        "namespaces" if image.is_none() && namespace.is_none() => {
            Some(vec![Operation::CreateNamespace { name }])
        }
        "configmaps" if image.is_none() => Some(vec![Operation::CreateConfigMap {
            name,
            namespace,
            data: s.take_pairs(),
        }]),
        "secrets" if image.is_none() => Some(vec![Operation::CreateSecret {
            name,
            namespace,
            data: s.take_pairs(),
        }]),
        _ => None,
    }
}

/// "with 3 replicas", "--replicas=3"; never both.
fn replicas(s: &mut Slots) -> Option<Option<i64>> {
    s.take_topic(topic::REPLICAS);
    match (s.count.take(), s.to_num.take()) {
        (Some(n), None) | (None, Some(n)) => Some(Some(n)),
        (None, None) => Some(None),
        _ => None,
    }
}

fn pod(
    s: &mut Slots,
    name: String,
    namespace: Option<String>,
    image: String,
) -> Option<Vec<Operation>> {
    let env = if s.take_topic(topic::ENV) {
        s.take_pairs()
    } else {
        vec![]
    };
    let labels = std::mem::take(&mut s.selector)
        .iter()
        .flat_map(|sel| sel.split(','))
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            crate::plan::KeyValue::new(k, v)
        })
        .collect();
    Some(vec![Operation::RunPod {
        name,
        namespace,
        image,
        port: s.port.take(),
        labels,
        env,
    }])
}

/// "deploy nginx:1.27 as web with 3 replicas".
pub(super) fn deploy(s: &mut Slots) -> Option<Vec<Operation>> {
    let name = s.called.take()?;
    let objs = std::mem::take(&mut s.objs);
    let mut image = s.image.take();
    for o in objs {
        match o.kind.map(|k| k.resource) {
            None | Some("deployments") if o.names.len() <= 1 => {
                for n in o.names {
                    if image.replace(n).is_some() {
                        return None;
                    }
                }
            }
            _ => return None,
        }
    }
    Some(vec![Operation::CreateDeployment {
        name,
        namespace: s.take_namespace()?,
        image: image?,
        replicas: replicas(s)?,
        port: s.port.take(),
    }])
}

/// "run nginx as a pod called web", "run a pod called test with image busybox",
/// and "run 3 replicas of web" (a scale).
pub(super) fn run(s: &mut Slots) -> Option<Vec<Operation>> {
    if s.has(topic::REPLICAS) || s.count.is_some() {
        return super::scale::scale(s, 1);
    }
    let objs = std::mem::take(&mut s.objs);
    let mut bare = Vec::new();
    for o in objs {
        match o.kind.map(|k| k.resource) {
            None | Some("pods") => bare.extend(o.names),
            _ => return None,
        }
    }
    let (name, image) = match (s.called.take(), s.image.take(), bare.len()) {
        (Some(n), Some(i), 0) => (n, i),
        (Some(n), None, 1) => (n, bare.remove(0)),
        (None, Some(i), 1) => (bare.remove(0), i),
        // "run nginx", "run a busybox pod": kubectl's own habit, a pod named after
        // its image (a plain image name only: "nginx:1.27" names no pod).
        (None, None, 1) if !bare[0].contains([':', '/', '@', '.']) => {
            let one = bare.remove(0);
            (one.clone(), one)
        }
        _ => return None,
    };
    let namespace = s.take_namespace()?;
    pod(s, name, namespace, image)
}

/// "expose deployment web on port 80", "expose api on port 8080 as a LoadBalancer".
pub(super) fn expose(s: &mut Slots) -> Option<Vec<Operation>> {
    s.take_topic(topic::SERVICE);
    let service_name = s.called.take();
    // "as a service": the word "service" is what is made, not the target.
    let mut objs = std::mem::take(&mut s.objs);
    if objs.len() > 1 {
        objs.retain(|o| !(o.kind.is_some_and(|k| k.resource == "services") && o.names.is_empty()));
    }
    s.objs = objs;
    expose_target(s, service_name)
}

fn expose_target(s: &mut Slots, service_name: Option<String>) -> Option<Vec<Operation>> {
    let (kind, name) = s.take_one("deployment")?;
    let port = match (s.port.take(), s.to_num.take()) {
        (Some(p), None) | (None, Some(p)) => p,
        _ => return None,
    };
    Some(vec![Operation::Expose {
        kind,
        name,
        namespace: s.take_namespace()?,
        port,
        target_port: s.target_port.take(),
        service_type: s.service_type.take(),
        service_name,
    }])
}

/// "create a service for deployment web on port 80", "create a NodePort service called web-np for web".
fn service(s: &mut Slots) -> Option<Vec<Operation>> {
    let objs = std::mem::take(&mut s.objs);
    let (services, targets): (Vec<Obj>, Vec<Obj>) = objs
        .into_iter()
        .partition(|o| o.kind.is_some_and(|k| k.resource == "services"));
    let mut service_name = s.called.take();
    for o in services {
        for n in o.names {
            if service_name.replace(n).is_some() {
                return None;
            }
        }
    }
    if targets.is_empty() {
        return None;
    }
    s.objs = targets;
    if s.service_type.is_none() {
        s.service_type = None::<ServiceType>;
    }
    expose_target(s, service_name)
}
