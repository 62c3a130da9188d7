//! Ingresses: backends that name a missing service (or a port the service does
//! not have), and TLS secrets that do not exist (only their names are read).

use super::index::Index;
use super::objects::{IngressBackend, Object};
use super::{Finding, ObjectKey, Severity};

pub fn analyze(index: &Index) -> Vec<Finding> {
    let mut out = Vec::new();
    for ing in &index.c.ingresses {
        let ns = ing.namespace();
        let backends: Vec<(String, &IngressBackend)> = ing
            .spec
            .default_backend
            .iter()
            .map(|b| ("default backend".to_string(), b))
            .chain(ing.spec.rules.iter().flat_map(|r| {
                r.http.iter().flat_map(move |h| {
                    h.paths.iter().map(move |p| {
                        let host = if r.host.is_empty() {
                            "*"
                        } else {
                            r.host.as_str()
                        };
                        (format!("{host}{}", p.path), &p.backend)
                    })
                })
            }))
            .collect();
        let mut missing = Vec::new();
        let mut bad_port = Vec::new();
        for (route, backend) in backends {
            let Some(svc_ref) = &backend.service else {
                continue;
            };
            match index.find("Service", ns, &svc_ref.name) {
                None => missing.push(format!("{route} → service {} (not found)", svc_ref.name)),
                Some(svc)
                    if !port_exists(svc, svc_ref.port.number, svc_ref.port.name.as_deref()) =>
                {
                    bad_port.push(format!(
                        "{route} → service {} port {}",
                        svc_ref.name,
                        svc_ref
                            .port
                            .number
                            .map(|n| n.to_string())
                            .or(svc_ref.port.name.clone())
                            .unwrap_or_default()
                    ));
                }
                Some(_) => {}
            }
        }
        if !missing.is_empty() {
            let mut f = Finding::new(
                "ingress.missing_service",
                Severity::Critical,
                ObjectKey::of(ing),
                format!("routes to a service that does not exist ({})", missing.len()),
            )
            .cause("the backend service was renamed or deleted, or is in another namespace: requests get 503");
            for m in missing {
                f.push_evidence(m);
            }
            out.push(f);
        }
        if !bad_port.is_empty() {
            let mut f = Finding::new(
                "ingress.service_port",
                Severity::Warning,
                ObjectKey::of(ing),
                "routes to a port its service does not have",
            )
            .cause("the ingress names a service port that is not in the service's spec.ports");
            for m in bad_port {
                f.push_evidence(m);
            }
            out.push(f);
        }
        if let Some(secrets) = &index.c.secret_names {
            let absent: Vec<&str> = ing
                .spec
                .tls
                .iter()
                .filter_map(|t| t.secret_name.as_deref())
                .filter(|s| !secrets.contains(&(ns.to_string(), s.to_string())))
                .collect();
            if !absent.is_empty() {
                out.push(
                    Finding::new(
                        "ingress.missing_tls_secret",
                        Severity::Warning,
                        ObjectKey::of(ing),
                        format!("TLS secret {} does not exist", absent.join(", ")),
                    )
                    .evidence(format!("spec.tls names secret(s): {}", absent.join(", ")))
                    .cause("without the secret the ingress controller serves its default certificate: create the TLS secret (or let cert-manager issue it)"),
                );
            }
        }
    }
    out
}

fn port_exists(svc: &Object, number: Option<i64>, name: Option<&str>) -> bool {
    match (number, name) {
        (Some(n), _) => svc.spec.ports.iter().any(|p| p.port == n),
        (None, Some(name)) => svc.spec.ports.iter().any(|p| p.name == name),
        (None, None) => true,
    }
}
