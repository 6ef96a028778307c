//! `vixhedge bench compare`: two or more `bench --json` records side by side.
//!
//! Records compare only when they time the same kernel on the same
//! configuration (`kernel` and `config`, the configuration's hash without its
//! path count, equal): anything else is refused, naming the record and the
//! field. Paths may differ, so a scaling series compares too. For each record
//! and backend: seconds, the throughput (path-days per second for the study
//! kernel, path-steps per second for the path kernel), the cost per path, the
//! ratio to the record's first backend (same run, same machine load) and the
//! ratio to the same backend in the first record; and each record's
//! machine (CPU, cores, OS, compiler, commit) and each backend's adapter, so
//! that figures from different machines are never read as one machine's.

use serde::Serialize;
use serde_json::Value;

/// One backend of one record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareRow {
    /// The record's name (its file name).
    pub record: String,
    /// Paths the record timed.
    pub paths: u64,
    /// `"cpu"`, `"gpu"` or `"reference"`.
    pub backend: String,
    /// The backend's device description (empty when the record has none).
    pub adapter: String,
    /// Seconds of the record's timed runs.
    pub seconds: f64,
    /// Path-days (study) or path-steps (path kernel) per second.
    pub rate: f64,
    /// Microseconds per path.
    pub us_per_path: f64,
    /// `rate` over the rate of the record's first backend.
    pub same_run_ratio: f64,
    /// `rate` over the same backend's rate in the first record (None when
    /// the first record lacks the backend).
    pub vs_first: Option<f64>,
}

/// The comparison of the records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// `"study"` or `"path"`.
    pub kernel: String,
    /// The configuration's identity.
    pub config: String,
    /// `"path_days_per_s"` or `"path_steps_per_s"`.
    pub rate: &'static str,
    /// One row per record and backend, in the records' order.
    pub rows: Vec<CompareRow>,
    /// Each record's name and `machine` block (null for records written
    /// before the block was added).
    pub machines: Vec<(String, Option<Value>)>,
}

impl Comparison {
    /// One line describing a machine block: "cpu, N cores, os, rustc,
    /// commit C", or that the record has none.
    #[must_use]
    pub fn describe_machine(m: Option<&Value>) -> String {
        let Some(m) = m.filter(|m| m.is_object()) else {
            return "machine not recorded".into();
        };
        let t = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("?");
        let cores = m.get("cores").and_then(Value::as_u64).unwrap_or(0);
        format!(
            "{}, {cores} cores, {}, {}, commit {}",
            t("cpu"),
            t("os"),
            t("rustc"),
            t("commit")
        )
    }
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// Compares `records` (name, parsed `bench --json` document).
///
/// # Errors
/// Fewer than two records, a record that is not a bench document, or
/// records of different kernels or configurations (named).
pub fn compare(records: &[(String, Value)]) -> Result<Comparison, String> {
    if records.len() < 2 {
        return Err("bench compare: name at least two bench JSON records".into());
    }
    // Path-kernel records before these fields had no `kernel`.
    let kernel_of = |v: &Value| text(v, "kernel").unwrap_or("path").to_string();
    let (first_name, first) = &records[0];
    let kernel = kernel_of(first);
    let config = text(first, "config").unwrap_or_default().to_string();
    for (name, v) in records {
        if v.get("results").and_then(Value::as_array).is_none() {
            return Err(format!("{name}: not a bench --json record (no results)"));
        }
        let k = kernel_of(v);
        if k != kernel {
            return Err(format!(
                "{name} times the {k} kernel, {first_name} the {kernel} kernel: refusing to compare"
            ));
        }
        match text(v, "config") {
            None | Some("") => {
                return Err(format!(
                "{name} names no configuration (config): recorded before bench compare; rerun it"
            ))
            }
            Some(c) if c != config => {
                return Err(format!(
                "{name} and {first_name} differ in config ({c} vs {config}): refusing to compare"
            ))
            }
            Some(_) => {}
        }
    }
    let rate = if kernel == "study" {
        "path_days_per_s"
    } else {
        "path_steps_per_s"
    };
    let num = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
    let backends = |v: &Value| -> Vec<(String, String, f64, f64)> {
        v["results"]
            .as_array()
            .map(|rs| {
                rs.iter()
                    .map(|r| {
                        (
                            text(r, "backend").unwrap_or("?").to_string(),
                            text(r, "adapter").unwrap_or_default().to_string(),
                            num(r, "seconds"),
                            num(r, rate),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let base = backends(first);
    let mut rows = Vec::new();
    for (name, v) in records {
        let paths = v.get("paths").and_then(Value::as_u64).unwrap_or(0);
        let bs = backends(v);
        let run_base = bs.first().map_or(f64::NAN, |b| b.3);
        for (backend, adapter, seconds, r) in bs {
            let vs_first = base.iter().find(|b| b.0 == backend).map(|b| r / b.3);
            rows.push(CompareRow {
                record: name.clone(),
                paths,
                us_per_path: seconds / paths.max(1) as f64 * 1e6,
                backend,
                adapter,
                seconds,
                rate: r,
                same_run_ratio: r / run_base,
                vs_first,
            });
        }
    }
    let machines = records
        .iter()
        .map(|(name, v)| {
            (
                name.clone(),
                v.get("machine").filter(|m| !m.is_null()).cloned(),
            )
        })
        .collect();
    Ok(Comparison {
        kernel,
        config,
        rate,
        rows,
        machines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(kernel: &str, config: &str, paths: u64, cpu: f64, gpu: f64) -> Value {
        json!({
            "kernel": kernel, "config": config, "paths": paths,
            "machine": {"cpu": "Example CPU", "cores": 2, "os": "Linux", "rustc": "rustc 1.0.0", "commit": "0123456789ab"},
            "results": [
                {"backend": "cpu", "seconds": 1.0, "path_days_per_s": cpu, "path_steps_per_s": cpu},
                {"backend": "gpu", "seconds": 2.0, "path_days_per_s": gpu, "path_steps_per_s": gpu},
            ],
        })
    }

    #[test]
    fn ratios_within_and_across_records() {
        let c = compare(&[
            ("a".into(), record("study", "sha256:x", 100, 4.0, 2.0)),
            ("b".into(), record("study", "sha256:x", 1000, 8.0, 2.0)),
        ])
        .unwrap();
        assert_eq!(c.rate, "path_days_per_s");
        assert_eq!(c.rows.len(), 4);
        assert_eq!(c.rows[1].same_run_ratio, 0.5);
        assert_eq!(c.rows[2].vs_first, Some(2.0));
        assert_eq!(c.rows[3].vs_first, Some(1.0));
        assert_eq!(c.rows[2].us_per_path, 1e3);
        assert_eq!(
            Comparison::describe_machine(c.machines[1].1.as_ref()),
            "Example CPU, 2 cores, Linux, rustc 1.0.0, commit 0123456789ab"
        );
        assert_eq!(Comparison::describe_machine(None), "machine not recorded");
    }

    #[test]
    fn refuses_other_kernels_and_configs_by_name() {
        let a = (
            "a.json".to_string(),
            record("study", "sha256:x", 100, 1.0, 1.0),
        );
        let e = compare(&[
            a.clone(),
            ("b.json".into(), record("path", "sha256:x", 1, 1.0, 1.0)),
        ])
        .unwrap_err();
        assert!(e.contains("b.json") && e.contains("path kernel"), "{e}");
        let e = compare(&[
            a.clone(),
            ("c.json".into(), record("study", "sha256:y", 1, 1.0, 1.0)),
        ])
        .unwrap_err();
        assert!(e.contains("c.json") && e.contains("config"), "{e}");
        let e = compare(&[a.clone(), ("d.json".into(), json!({"results": []}))]).unwrap_err();
        assert!(e.contains("d.json"), "{e}");
        assert!(compare(&[a]).is_err());
    }
}
