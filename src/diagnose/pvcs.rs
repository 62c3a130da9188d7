//! PersistentVolumeClaims: Pending claims (provisioning failures, a storage class
//! that does not exist, no class and no default) and lost claims.

use super::index::{Index, human_duration};
use super::{Finding, ObjectKey, Severity};

const DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";

pub fn analyze(index: &Index) -> Vec<Finding> {
    let mut out = Vec::new();
    let classes = &index.c.storage_classes;
    let has_default = classes
        .iter()
        .any(|c| c.annotation(DEFAULT_CLASS) == Some("true"));
    for pvc in &index.c.pvcs {
        let key = ObjectKey::of(pvc);
        match pvc.status.phase.as_str() {
            "Lost" => {
                out.push(
                    Finding::new("pvc.lost", Severity::Critical, key, "claim Lost: its volume is gone")
                        .evidence(format!("persistentvolumeclaim {}: phase Lost, volume {}", pvc.name(), pvc.spec.volume_name))
                        .cause("the PersistentVolume bound to this claim was deleted; its data may be gone"),
                );
            }
            "Pending" => {
                let class = pvc.spec.storage_class_name.as_deref();
                let failed = index.last_event(pvc, &["ProvisioningFailed"]);
                let binding = index.last_event(pvc, &["FailedBinding"]);
                let waiting =
                    index.last_event(pvc, &["WaitForFirstConsumer", "WaitForPodScheduled"]);
                let missing_class = index.c.storage_classes_read
                    && class
                        .is_some_and(|c| !c.is_empty() && !classes.iter().any(|sc| sc.name() == c));
                let no_class = index.c.storage_classes_read && class.is_none() && !has_default;
                let age = index
                    .age(pvc.metadata.creation_timestamp.as_deref())
                    .unwrap_or(0);
                let mut f = if missing_class {
                    let c = class.unwrap_or_default();
                    let mut f = Finding::new(
                        "pvc.missing_storage_class",
                        Severity::Critical,
                        key,
                        format!("Pending: storage class {c:?} does not exist"),
                    )
                    .cause(if classes.is_empty() {
                        format!(
                            "no StorageClass named {c:?} exists, so no volume is provisioned; the cluster has no storage class at all: create one, or bind the claim to a pre-provisioned PersistentVolume"
                        )
                    } else {
                        format!(
                            "no StorageClass named {c:?} exists, so no volume is provisioned: use one of: {}",
                            classes.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
                        )
                    });
                    if let Some(e) = failed {
                        f.push_evidence(format!(
                            "event ProvisioningFailed (x{}): {}",
                            e.times(),
                            e.message
                        ));
                    }
                    f
                } else if let Some(e) = failed {
                    Finding::new(
                        "pvc.provisioning_failed",
                        Severity::Critical,
                        key,
                        "Pending: volume provisioning failed",
                    )
                    .evidence(format!("event ProvisioningFailed (x{}): {}", e.times(), e.message))
                    .cause("the storage provisioner cannot create the volume: the event says why (quota, zone, parameters)")
                } else if no_class || binding.is_some() {
                    let mut f = Finding::new(
                        "pvc.unbound",
                        Severity::Critical,
                        key,
                        "Pending: no volume can be bound",
                    )
                    .cause("no storage class is set and the cluster has no default class, and no existing PersistentVolume matches: set storageClassName or create a volume");
                    if let Some(e) = binding {
                        f.push_evidence(format!("event FailedBinding: {}", e.message));
                    }
                    f
                } else if waiting.is_none() && age >= super::pods::PENDING_TOO_LONG_SECS {
                    Finding::new(
                        "pvc.pending",
                        Severity::Warning,
                        key,
                        format!("Pending for {}", human_duration(age)),
                    )
                    .cause("the claim is not bound yet: check the provisioner of its storage class")
                } else {
                    continue;
                };
                f.push_evidence(format!(
                    "persistentvolumeclaim {}: phase Pending, storageClassName {}",
                    pvc.name(),
                    class
                        .map(|c| format!("{c:?}"))
                        .unwrap_or_else(|| "not set".into())
                ));
                out.push(f);
            }
            _ => {}
        }
    }
    out
}
