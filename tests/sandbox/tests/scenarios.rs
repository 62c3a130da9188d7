//! Consistency of the embedded scenarios: they load, combine without
//! collisions, reference each other correctly, and each broken one contains
//! the finding it exists for.

use std::collections::{BTreeMap, BTreeSet};

use kube_sandbox::scenario;
use serde_json::Value;

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_str().unwrap_or("")
}

fn kind(v: &Value) -> &str {
    s(v, &["kind"])
}

fn ns(v: &Value) -> &str {
    s(v, &["metadata", "namespace"])
}

fn name(v: &Value) -> &str {
    s(v, &["metadata", "name"])
}

fn of_kind<'a>(objs: &'a [Value], k: &str) -> Vec<&'a Value> {
    objs.iter().filter(|o| kind(o) == k).collect()
}

fn find<'a>(objs: &'a [Value], k: &str, namespace: &str, n: &str) -> Option<&'a Value> {
    objs.iter()
        .find(|o| kind(o) == k && ns(o) == namespace && name(o) == n)
}

fn labels_match(selector: &Value, labels: &Value) -> bool {
    selector
        .as_object()
        .is_some_and(|sel| !sel.is_empty() && sel.iter().all(|(k, v)| labels.get(k) == Some(v)))
}

fn is_ready(pod: &Value) -> bool {
    pod["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

fn all() -> Vec<Value> {
    scenario::load_all(scenario::names()).expect("all scenarios load")
}

fn warnings(objs: &[Value]) -> Vec<&Value> {
    of_kind(objs, "Event")
        .into_iter()
        .filter(|e| e["type"] == "Warning")
        .collect()
}

#[test]
fn every_scenario_loads_with_a_header() {
    assert_eq!(scenario::names()[0], "healthy");
    assert_eq!(scenario::names().len(), 12);
    for n in scenario::names() {
        let objs = scenario::load(n).unwrap();
        assert!(!objs.is_empty(), "{n}");
        assert!(
            scenario::source(n)
                .unwrap()
                .starts_with(&format!("# {n}: "))
        );
        assert!(scenario::description(n).unwrap().len() > 20);
        for o in &objs {
            assert!(!s(o, &["apiVersion"]).is_empty(), "{n}: {o}");
            assert!(!kind(o).is_empty(), "{n}: {o}");
            assert!(!name(o).is_empty(), "{n}: {o}");
            assert!(
                o["metadata"].get("uid").is_none(),
                "{n}: uids are assigned by the store"
            );
        }
    }
}

#[test]
fn unknown_scenario_lists_known_names() {
    let err = scenario::load("nope").unwrap_err().to_string();
    assert!(err.contains("nope"), "{err}");
    for n in scenario::names() {
        assert!(err.contains(n), "{err}");
    }
}

#[test]
fn scenarios_combine_without_collisions() {
    let mut seen: BTreeMap<(String, String, String, String), Value> = BTreeMap::new();
    for o in all() {
        let key = (
            s(&o, &["apiVersion"]).to_string(),
            kind(&o).to_string(),
            ns(&o).to_string(),
            name(&o).to_string(),
        );
        if let Some(prev) = seen.get(&key) {
            assert!(
                kind(&o) == "Namespace" && *prev == o,
                "duplicate {key:?} differs"
            );
        }
        seen.insert(key, o);
    }
}

#[test]
fn broken_scenarios_live_in_their_own_namespace() {
    for n in &scenario::names()[1..] {
        let objs = scenario::load(n).unwrap();
        assert!(
            find(&objs, "Namespace", "", n).is_some(),
            "{n} has its Namespace"
        );
        for o in &objs {
            let allowed = ns(o).is_empty()
                || ns(o) == *n
                || (ns(o) == "default"
                    && kind(o) == "Event"
                    && o["involvedObject"]["kind"] == "Node");
            assert!(allowed, "{n}: {} {}/{}", kind(o), ns(o), name(o));
        }
    }
}

#[test]
fn references_resolve() {
    let objs = all();
    for o in &objs {
        for r in o["metadata"]["ownerReferences"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let k = s(r, &["kind"]);
            let n = s(r, &["name"]);
            assert!(
                find(&objs, k, ns(o), n).is_some(),
                "owner {k}/{n} of {}",
                name(o)
            );
            assert!(r.get("uid").is_none());
        }
        match kind(o) {
            "Event" => {
                let inv = &o["involvedObject"];
                let target = find(
                    &objs,
                    s(inv, &["kind"]),
                    s(inv, &["namespace"]),
                    s(inv, &["name"]),
                );
                assert!(target.is_some(), "event {} about a missing object", name(o));
            }
            "PodLogs" | "PodMetrics" => {
                let pod = find(&objs, "Pod", ns(o), name(o))
                    .unwrap_or_else(|| panic!("{} for missing pod {}", kind(o), name(o)));
                let containers: BTreeSet<&str> = pod["spec"]["containers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| s(c, &["name"]))
                    .collect();
                let named: BTreeSet<&str> = if kind(o) == "PodLogs" {
                    o["containers"]
                        .as_object()
                        .unwrap()
                        .keys()
                        .map(String::as_str)
                        .collect()
                } else {
                    o["containers"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|c| s(c, &["name"]))
                        .collect()
                };
                assert_eq!(named, containers, "{} {}", kind(o), name(o));
            }
            "NodeMetrics" => assert!(find(&objs, "Node", "", name(o)).is_some()),
            "Pod" => {
                for (vol, claim) in o["spec"]["volumes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| Some((v, v["persistentVolumeClaim"]["claimName"].as_str()?)))
                {
                    assert!(
                        find(&objs, "PersistentVolumeClaim", ns(o), claim).is_some(),
                        "{vol}"
                    );
                }
            }
            _ => {}
        }
    }
}

#[test]
fn workloads_are_consistent() {
    let objs = all();
    for rs in of_kind(&objs, "ReplicaSet") {
        let sel = &rs["spec"]["selector"]["matchLabels"];
        assert!(labels_match(
            sel,
            &rs["spec"]["template"]["metadata"]["labels"]
        ));
        assert!(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"].is_string());
        let hash = s(rs, &["metadata", "labels", "pod-template-hash"]);
        assert!(name(rs).ends_with(&format!("-{hash}")), "{}", name(rs));
        let deploy = find(
            &objs,
            "Deployment",
            ns(rs),
            s(&rs["metadata"]["ownerReferences"][0], &["name"]),
        )
        .unwrap();
        assert!(labels_match(
            &deploy["spec"]["selector"]["matchLabels"],
            &rs["metadata"]["labels"]
        ));
        let pods: Vec<_> = of_kind(&objs, "Pod")
            .into_iter()
            .filter(|p| {
                ns(p) == ns(rs) && s(&p["metadata"]["ownerReferences"][0], &["name"]) == name(rs)
            })
            .collect();
        assert_eq!(
            pods.len() as u64,
            rs["spec"]["replicas"].as_u64().unwrap(),
            "{}",
            name(rs)
        );
        for p in pods {
            assert!(labels_match(sel, &p["metadata"]["labels"]), "{}", name(p));
            assert!(name(p).starts_with(&format!("{}-", name(rs))));
        }
    }
    for svc in of_kind(&objs, "Service") {
        let ep = find(&objs, "Endpoints", ns(svc), name(svc))
            .unwrap_or_else(|| panic!("endpoints {}", name(svc)));
        let Some(sel) = svc["spec"].get("selector") else {
            continue;
        };
        let matching: Vec<_> = of_kind(&objs, "Pod")
            .into_iter()
            .filter(|p| {
                ns(p) == ns(svc)
                    && labels_match(sel, &p["metadata"]["labels"])
                    && p["status"]["podIP"].is_string()
            })
            .collect();
        let ips = |key: &str| -> BTreeSet<String> {
            ep["subsets"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|ss| ss[key].as_array().cloned().unwrap_or_default())
                .map(|a| s(&a, &["ip"]).to_string())
                .collect()
        };
        let ready: BTreeSet<String> = matching
            .iter()
            .filter(|p| is_ready(p))
            .map(|p| s(p, &["status", "podIP"]).to_string())
            .collect();
        let unready: BTreeSet<String> = matching
            .iter()
            .filter(|p| !is_ready(p))
            .map(|p| s(p, &["status", "podIP"]).to_string())
            .collect();
        assert_eq!(ips("addresses"), ready, "service {}/{}", ns(svc), name(svc));
        assert_eq!(
            ips("notReadyAddresses"),
            unready,
            "service {}/{}",
            ns(svc),
            name(svc)
        );
    }
    let mut pod_ips = BTreeSet::new();
    for p in of_kind(&objs, "Pod") {
        if let Some(ip) = p["status"]["podIP"].as_str() {
            assert!(pod_ips.insert(ip.to_string()), "duplicate pod IP {ip}");
        }
    }
}

#[test]
fn timestamps_are_fixed() {
    fn walk(v: &Value, key: &str) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, v)| walk(v, k)),
            Value::Array(a) => a.iter().for_each(|v| walk(v, key)),
            Value::String(text)
                if key.ends_with("Timestamp")
                    || key.ends_with("Time")
                    || key.ends_with("At")
                    || key == "timestamp"
                    || key == "timeAdded" =>
            {
                assert!(
                    text.starts_with("2026-1") && text.ends_with('Z'),
                    "{key}: {text}"
                );
            }
            _ => {}
        }
    }
    for o in all() {
        walk(&o, "");
    }
}

#[test]
fn healthy_has_nothing_to_diagnose() {
    let objs = scenario::load("healthy").unwrap();
    assert!(warnings(&objs).is_empty());
    let nodes = of_kind(&objs, "Node");
    assert_eq!(
        nodes.iter().map(|n| name(n)).collect::<Vec<_>>(),
        ["worker-1", "worker-2"]
    );
    for n in &nodes {
        for c in n["status"]["conditions"].as_array().unwrap() {
            let want = if c["type"] == "Ready" {
                "True"
            } else {
                "False"
            };
            assert_eq!(c["status"], want, "{}", name(n));
        }
        assert!(n["spec"].get("taints").is_none());
        assert!(find(&objs, "NodeMetrics", "", name(n)).is_some());
    }
    let pods = of_kind(&objs, "Pod");
    assert_eq!(pods.len(), 10);
    for p in &pods {
        assert!(is_ready(p), "{}", name(p));
        assert_eq!(p["status"]["phase"], "Running");
        for cs in p["status"]["containerStatuses"].as_array().unwrap() {
            assert_eq!(cs["restartCount"], 0);
            assert_eq!(cs["ready"], true);
        }
        assert!(
            find(&objs, "PodMetrics", ns(p), name(p)).is_some(),
            "{}",
            name(p)
        );
        assert!(
            find(&objs, "PodLogs", ns(p), name(p)).is_some(),
            "{}",
            name(p)
        );
    }
    for d in of_kind(&objs, "Deployment") {
        assert_eq!(
            d["status"]["readyReplicas"],
            d["spec"]["replicas"],
            "{}",
            name(d)
        );
        assert!(d["status"].get("unavailableReplicas").is_none());
    }
    for svc in of_kind(&objs, "Service") {
        let ep = find(&objs, "Endpoints", ns(svc), name(svc)).unwrap();
        assert!(
            ep["subsets"][0]["addresses"]
                .as_array()
                .is_some_and(|a| !a.is_empty()),
            "{}",
            name(svc)
        );
    }
    for namespace in ["default", "shop"] {
        for d in ["web", "api"] {
            assert!(find(&objs, "Deployment", namespace, d).is_some());
            assert!(find(&objs, "Service", namespace, d).is_some());
        }
        let api = find(&objs, "Deployment", namespace, "api").unwrap();
        let containers = api["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap();
        assert_eq!(containers[1]["name"], "sidecar");
        let env = containers[0]["env"].to_string();
        assert!(env.contains("LOG_LEVEL") && env.contains("s3cr3t-value"));
        let secret = find(&objs, "Secret", namespace, "api-credentials").unwrap();
        assert!(secret["data"]["password"].is_string());
        assert!(find(&objs, "ConfigMap", namespace, "api-config").is_some());
    }
}

#[test]
fn secret_values_appear_only_base64_encoded_in_secrets() {
    for n in scenario::names() {
        let text = scenario::source(n).unwrap();
        assert!(!text.contains("Pa55w0rd-sandbox-9f3a"), "{n}");
        assert!(!text.contains("tok_live_8c1f5e0d2a7b4f3c"), "{n}");
    }
    let encoded = "UGE1NXcwcmQtc2FuZGJveC05ZjNh"; // base64 of the password
    for o in all() {
        if o.to_string().contains(encoded) {
            assert_eq!(kind(&o), "Secret", "{}", name(&o));
        }
    }
}

fn waiting_reasons(objs: &[Value]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for p in of_kind(objs, "Pod") {
        for cs in p["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(r) = cs["state"]["waiting"]["reason"].as_str() {
                out.insert(name(p).to_string(), r.to_string());
            }
        }
    }
    out
}

fn logs_of<'a>(objs: &'a [Value], pod: &str, container: &str, which: &str) -> &'a str {
    let l = objs
        .iter()
        .find(|o| kind(o) == "PodLogs" && name(o) == pod)
        .expect("logs");
    s(&l["containers"][container], &[which])
}

#[test]
fn each_broken_scenario_has_its_finding() {
    // crashloop
    let o = scenario::load("crashloop").unwrap();
    let p = of_kind(&o, "Pod")[0];
    let cs = &p["status"]["containerStatuses"][0];
    assert_eq!(cs["state"]["waiting"]["reason"], "CrashLoopBackOff");
    assert_eq!(cs["lastState"]["terminated"]["exitCode"], 1);
    assert_eq!(cs["restartCount"], 7);
    assert!(logs_of(&o, name(p), "orders", "previous").contains("ECONNREFUSED 10.0.0.12:5432"));
    assert!(warnings(&o).iter().any(|e| e["reason"] == "BackOff"));

    // imagepull
    let o = scenario::load("imagepull").unwrap();
    let reasons: BTreeSet<String> = waiting_reasons(&o).into_values().collect();
    assert_eq!(
        reasons,
        BTreeSet::from(["ErrImagePull".to_string(), "ImagePullBackOff".to_string()])
    );
    assert!(
        warnings(&o)
            .iter()
            .any(|e| s(e, &["message"]).contains("nginx:1.255: not found"))
    );
    assert!(
        warnings(&o)
            .iter()
            .any(|e| s(e, &["message"]).contains("no such host"))
    );

    // oomkilled
    let o = scenario::load("oomkilled").unwrap();
    let pods = of_kind(&o, "Pod");
    assert_eq!(pods.len(), 2);
    for p in &pods {
        assert_eq!(
            p["status"]["containerStatuses"][0]["lastState"]["terminated"]["reason"],
            "OOMKilled"
        );
        assert_eq!(
            p["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"],
            137
        );
    }
    assert!(pods[0]["status"]["containerStatuses"][0]["state"]["running"].is_object());
    assert_eq!(
        pods[0]["spec"]["containers"][0]["resources"]["limits"]["memory"],
        "128Mi"
    );
    assert_eq!(
        pods[1]["status"]["containerStatuses"][0]["state"]["waiting"]["reason"],
        "CrashLoopBackOff"
    );

    // pending
    let o = scenario::load("pending").unwrap();
    let p = of_kind(&o, "Pod")[0];
    assert_eq!(p["status"]["phase"], "Pending");
    assert_eq!(p["status"]["conditions"][0]["reason"], "Unschedulable");
    assert!(
        s(&p["status"]["conditions"][0], &["message"])
            .starts_with("0/2 nodes are available: 2 Insufficient cpu.")
    );
    assert!(
        warnings(&o)
            .iter()
            .any(|e| e["reason"] == "FailedScheduling")
    );

    // readiness
    let o = scenario::load("readiness").unwrap();
    let p = of_kind(&o, "Pod")[0];
    assert!(!is_ready(p) && p["status"]["phase"] == "Running");
    assert!(p["spec"]["containers"][0]["readinessProbe"].is_object());
    assert!(
        warnings(&o)
            .iter()
            .any(|e| e["message"]
                == "Readiness probe failed: HTTP probe failed with statuscode: 503")
    );

    // selector
    let o = scenario::load("selector").unwrap();
    let svc = find(&o, "Service", "selector", "frontend").unwrap();
    assert!(
        of_kind(&o, "Pod").iter().all(|p| !labels_match(
            &svc["spec"]["selector"],
            &p["metadata"]["labels"]
        ) && is_ready(p))
    );
    assert!(
        find(&o, "Endpoints", "selector", "frontend")
            .unwrap()
            .get("subsets")
            .is_none()
    );

    // pvc
    let o = scenario::load("pvc").unwrap();
    assert_eq!(
        find(&o, "PersistentVolumeClaim", "pvc", "postgres-data").unwrap()["status"]["phase"],
        "Pending"
    );
    assert!(
        warnings(&o)
            .iter()
            .any(|e| e["reason"] == "ProvisioningFailed"
                && s(e, &["message"]).contains("\"fast-ssd\" not found"))
    );
    assert_eq!(of_kind(&o, "Pod")[0]["status"]["phase"], "Pending");

    // nodenotready
    let o = scenario::load("nodenotready").unwrap();
    let n = find(&o, "Node", "", "worker-3").unwrap();
    let conds = n["status"]["conditions"].as_array().unwrap();
    assert!(
        conds
            .iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "Unknown")
    );
    assert!(
        conds
            .iter()
            .any(|c| c["type"] == "MemoryPressure" && c["status"] == "True")
    );
    assert!(
        n["spec"]["taints"]
            .to_string()
            .contains("node.kubernetes.io/unreachable")
    );

    // job
    let o = scenario::load("job").unwrap();
    let j = find(&o, "Job", "job", "db-migrate").unwrap();
    assert_eq!(j["status"]["failed"], 6);
    assert!(
        j["status"]["conditions"]
            .to_string()
            .contains("BackoffLimitExceeded")
    );
    let pods = of_kind(&o, "Pod");
    assert_eq!(pods.len(), 6);
    assert!(pods.iter().all(|p| p["status"]["phase"] == "Failed"));
    assert!(
        logs_of(&o, name(pods[0]), "migrate", "current")
            .contains("relation \"orders\" does not exist")
    );

    // hpa
    let o = scenario::load("hpa").unwrap();
    let h = find(&o, "HorizontalPodAutoscaler", "hpa", "search").unwrap();
    assert!(
        find(
            &o,
            "Deployment",
            "hpa",
            s(h, &["spec", "scaleTargetRef", "name"])
        )
        .is_some()
    );
    assert!(
        h["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "ScalingActive"
                && c["status"] == "False"
                && c["reason"] == "FailedGetResourceMetric")
    );
    assert!(
        warnings(&o)
            .iter()
            .any(|e| e["reason"] == "FailedGetResourceMetric")
    );

    // progressdeadline
    let o = scenario::load("progressdeadline").unwrap();
    let d = find(&o, "Deployment", "progressdeadline", "pay").unwrap();
    assert!(
        d["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["reason"] == "ProgressDeadlineExceeded" && c["status"] == "False")
    );
    assert_eq!(d["status"]["unavailableReplicas"], 1);
    let revs: BTreeMap<String, String> = of_kind(&o, "ReplicaSet")
        .iter()
        .map(|rs| {
            (
                s(
                    rs,
                    &[
                        "metadata",
                        "annotations",
                        "deployment.kubernetes.io/revision",
                    ],
                )
                .to_string(),
                s(&rs["spec"]["template"]["spec"]["containers"][0], &["image"]).to_string(),
            )
        })
        .collect();
    assert_eq!(revs["3"], "ghcr.io/acme/pay:2.0.0-bad");
    assert_eq!(revs["2"], "ghcr.io/acme/pay:1.9.3");
    assert_eq!(
        waiting_reasons(&o).into_values().collect::<Vec<_>>(),
        ["CrashLoopBackOff"]
    );
}
