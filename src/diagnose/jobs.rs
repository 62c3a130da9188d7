//! Jobs and CronJobs: failed jobs (backoff limit, deadline) with the failing pods'
//! exit codes and log lines, suspended jobs and cron jobs, and schedules that do
//! not parse.

use super::index::Index;
use super::objects::Object;
use super::{Finding, Fix, ObjectKey, Severity};
use crate::plan::{Operation, PatchType, Plan};

pub fn analyze(index: &Index) -> Vec<Finding> {
    let mut out = Vec::new();
    for job in &index.c.jobs {
        if let Some(c) = job.condition("Failed").filter(|c| c.is_true()) {
            out.push(failed_job(index, job, &c.reason, &c.message));
        } else if job.spec.suspend == Some(true) && job.condition("Complete").is_none() {
            out.push(suspended(job, "job"));
        }
    }
    for cj in &index.c.cronjobs {
        let event = index.last_event(
            cj,
            &["UnparseableSchedule", "InvalidSchedule", "FailedNeedsStart"],
        );
        if let Err(why) = check_schedule(&cj.spec.schedule) {
            let mut f = Finding::new(
                "cronjob.bad_schedule",
                Severity::Critical,
                ObjectKey::of(cj),
                format!("schedule {:?} is not valid, so no job ever starts", cj.spec.schedule),
            )
            .cause(format!("{why}; a schedule is five fields: minute hour day-of-month month day-of-week (e.g. \"*/5 * * * *\")"));
            if let Some(e) = event {
                f.push_evidence(format!("event {}: {}", e.reason, e.message));
            }
            out.push(f);
        } else if let Some(e) = event {
            out.push(
                Finding::new(
                    "cronjob.bad_schedule",
                    Severity::Critical,
                    ObjectKey::of(cj),
                    "the controller cannot schedule it",
                )
                .evidence(format!("event {}: {}", e.reason, e.message))
                .cause(
                    "the CronJob controller rejects the schedule or missed too many start times",
                ),
            );
        } else if cj.spec.suspend == Some(true) {
            out.push(suspended(cj, "cronjob"));
        }
    }
    out
}

fn failed_job(index: &Index, job: &Object, reason: &str, message: &str) -> Finding {
    let mut f = Finding::new(
        "job.failed",
        Severity::Critical,
        ObjectKey::of(job),
        format!(
            "failed: {}",
            if reason.is_empty() { "Failed" } else { reason }
        ),
    );
    f.push_evidence(format!(
        "job {}: {} failed, {} succeeded, backoffLimit {}{}",
        job.name(),
        job.status.failed.unwrap_or(0),
        job.status.succeeded.unwrap_or(0),
        job.spec.backoff_limit.unwrap_or(6),
        if message.is_empty() {
            String::new()
        } else {
            format!(": {message}")
        }
    ));
    let pods: Vec<&Object> = index
        .pods_in(job.namespace())
        .iter()
        .filter(|p| {
            p.controller()
                .is_some_and(|o| o.kind == "Job" && o.name == job.name())
        })
        .copied()
        .collect();
    let mut logs = Vec::new();
    for pod in &pods {
        for cs in &pod.status.container_statuses {
            if let Some(t) = cs
                .state
                .terminated
                .as_ref()
                .or(cs.last_state.terminated.as_ref())
                && t.exit_code.unwrap_or(0) != 0
            {
                f.push_evidence(format!(
                    "pod {}: container {} exited with code {} ({})",
                    pod.name(),
                    cs.name,
                    t.exit_code.unwrap_or(0),
                    if t.reason.is_empty() {
                        "no reason"
                    } else {
                        &t.reason
                    }
                ));
                if logs.is_empty() {
                    logs = super::pods::explaining_log_lines(index, pod, &cs.name);
                }
            }
        }
        f.related.push(ObjectKey::of(pod));
    }
    for l in &logs {
        f.push_evidence(format!("log: {l}"));
    }
    let cause = match reason {
        "BackoffLimitExceeded" => {
            "its pods kept failing until the backoff limit was reached: the exit codes and logs say why"
        }
        "DeadlineExceeded" => "it ran longer than activeDeadlineSeconds",
        _ => "its pods failed",
    };
    f.cause(match logs.last() {
        Some(l) => format!("{cause}; the log ends with: {l}"),
        None => cause.to_string(),
    })
}

fn suspended(obj: &Object, kind: &str) -> Finding {
    Finding::new(
        if kind == "job" {
            "job.suspended"
        } else {
            "cronjob.suspended"
        },
        Severity::Info,
        ObjectKey::of(obj),
        "suspended: it will not run until resumed",
    )
    .evidence(format!("{kind} {}: spec.suspend is true", obj.name()))
    .cause("someone suspended it (often on purpose)")
    .fix(Some(Fix {
        summary: format!("resume {kind}/{}", obj.name()),
        plan: Plan::single(Operation::Patch {
            kind: kind.into(),
            name: obj.name().to_string(),
            namespace: (!obj.namespace().is_empty()).then(|| obj.namespace().to_string()),
            patch_type: PatchType::Merge,
            patch: serde_json::json!({"spec": {"suspend": false}}),
        }),
    }))
}

/// Checks a cron schedule as the CronJob controller reads it.
pub fn check_schedule(schedule: &str) -> Result<(), String> {
    let mut s = schedule.trim();
    for prefix in ["CRON_TZ=", "TZ="] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest
                .split_once(' ')
                .map(|(_, r)| r.trim())
                .ok_or("a time zone but no schedule")?;
        }
    }
    if s.starts_with('@') {
        return match s {
            "@yearly" | "@annually" | "@monthly" | "@weekly" | "@daily" | "@midnight"
            | "@hourly" => Ok(()),
            _ if s.starts_with("@every ") => Ok(()),
            _ => Err(format!("{s:?} is not a known macro")),
        };
    }
    let fields: Vec<&str> = s.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!("it has {} fields, not 5", fields.len()));
    }
    const MONTHS: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let specs: [(&str, i64, i64, &[&str]); 5] = [
        ("minute", 0, 59, &[]),
        ("hour", 0, 23, &[]),
        ("day of month", 1, 31, &[]),
        ("month", 1, 12, MONTHS),
        ("day of week", 0, 7, DAYS),
    ];
    for (field, (what, min, max, names)) in fields.iter().zip(specs) {
        for part in field.split(',') {
            let (range, step) = match part.split_once('/') {
                Some((r, s)) => (r, Some(s)),
                None => (part, None),
            };
            if let Some(step) = step
                && step.parse::<i64>().map_or(true, |n| n < 1)
            {
                return Err(format!("the {what} field has a bad step {step:?}"));
            }
            if range == "*" || (range == "?" && (what == "day of month" || what == "day of week")) {
                continue;
            }
            let value = |v: &str| -> Result<i64, String> {
                let lower = v.to_ascii_lowercase();
                if let Some(i) = names.iter().position(|n| *n == lower) {
                    return Ok(i as i64 + if what == "month" { 1 } else { 0 });
                }
                match v.parse::<i64>() {
                    Ok(n) if (min..=max).contains(&n) => Ok(n),
                    _ => Err(format!("the {what} field has {v:?}, outside {min}-{max}")),
                }
            };
            match range.split_once('-') {
                Some((a, b)) => {
                    if value(a)? > value(b)? {
                        return Err(format!("the {what} range {range:?} runs backwards"));
                    }
                }
                None => {
                    value(range)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_schedule;

    #[test]
    fn schedules_are_checked() {
        for good in [
            "*/5 * * * *",
            "0 3 * * 1-5",
            "@hourly",
            "CRON_TZ=UTC 0 0 1 jan *",
            "15,45 */2 * * sun",
        ] {
            assert_eq!(check_schedule(good), Ok(()), "{good}");
        }
        for bad in [
            "* * * *",
            "61 * * * *",
            "0 25 * * *",
            "*/0 * * * *",
            "@sometimes",
            "5-1 * * * *",
            "every minute",
        ] {
            assert!(check_schedule(bad).is_err(), "{bad}");
        }
    }
}
