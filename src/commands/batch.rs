//! `vixhedge batch FILE.toml [--out DIR] [--resume]`: the `[[job]]` tables of
//! a batch file, each a `run` into `<out>/<name>/`, with `batch.md` and
//! `batch.json` listing every job and its verdict line.
//!
//! Every job is checked before the first one runs (its keys, its
//! configuration, its flags), so bad input fails with one line and nothing
//! written. With `--resume` a job whose `summary.json` carries the job's
//! config hash (and backend) is skipped, and a job that left a checkpoint of
//! the same study continues from it: a killed batch reruns only the jobs that
//! had not finished.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Parser as _;
use serde::Serialize;
use toml::Value;

use super::outdir;
use super::progress::INTERRUPTED;
use super::run::{self, Outcome};
use crate::cli::{BatchArgs, Cli, Command, RunArgs};
use vixhedge::report::partial::{PartialResult, CHECKPOINT_FILE};

/// `batch.md`, `batch.json`.
const BATCH_MD: &str = "batch.md";
const BATCH_JSON: &str = "batch.json";

/// The keys a `[[job]]` table may hold.
const JOB_KEYS: [&str; 12] = [
    "name",
    "preset",
    "config",
    "set",
    "hedges",
    "paths",
    "horizon_days",
    "seed",
    "backend",
    "paths_from",
    "spx",
    "vix",
];

/// One job, checked: its `run` arguments and the study they resolve to.
struct Job {
    name: String,
    args: RunArgs,
    hash: String,
    /// The backend asked for (`cpu`, `gpu` or `auto`).
    backend: &'static str,
}

/// What happened to a job, for `batch.md` and `batch.json`.
#[derive(Debug, Clone, Serialize)]
struct JobRecord {
    name: String,
    /// `done`, `resumed`, `skipped` (outputs up to date), `interrupted`,
    /// `failed` or `pending`.
    status: String,
    dir: PathBuf,
    config_hash: String,
    backend: Option<String>,
    paths: Option<u64>,
    /// Seconds this batch spent on the job.
    seconds: Option<f64>,
    /// The verdict's sentence, or the error of a failed job.
    verdict: Option<String>,
}

/// Runs the batch file `args.file`.
///
/// # Errors
/// Bad input (one line, nothing written) or a failed write of the batch
/// files. A job that fails at run time is recorded and the batch goes on;
/// the exit status is then 1.
pub fn run(args: &BatchArgs) -> Result<i32> {
    let file = &args.file;
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading batch file {}", file.display()))?;
    let base = file.parent().unwrap_or(Path::new("")).to_path_buf();
    let jobs = parse_jobs(&text, &file.display().to_string(), &base, &args.out)?;
    outdir::check("--out", &args.out)?;

    let n = jobs.len();
    let mut records: Vec<JobRecord> = jobs
        .iter()
        .map(|j| JobRecord {
            name: j.name.clone(),
            status: "pending".into(),
            dir: j.args.out.clone(),
            config_hash: j.hash.clone(),
            backend: None,
            paths: None,
            seconds: None,
            verdict: None,
        })
        .collect();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    write_batch_files(args, &records)?;
    let t_batch = Instant::now();
    let mut failed = 0;
    for (i, job) in jobs.iter().enumerate() {
        let label = format!("job {}/{n} {}", i + 1, job.name);
        if args.resume {
            if let Some(done) = up_to_date(job) {
                eprintln!("batch: {label}: skipped, its outputs are up to date");
                records[i] = JobRecord {
                    status: "skipped".into(),
                    ..done
                };
                write_batch_files(args, &records)?;
                continue;
            }
        }
        let resume = args.resume && resumable(job);
        let mut run_args = job.args.clone();
        if resume {
            run_args = resume_args(&run_args);
        }
        eprintln!(
            "batch: {label}: {}",
            if resume {
                "resuming from its checkpoint"
            } else {
                "starting"
            }
        );
        let t = Instant::now();
        let result = run::execute(&run_args, &label, false);
        let seconds = t.elapsed().as_secs_f64();
        let rec = &mut records[i];
        rec.seconds = Some(seconds);
        match result {
            Ok(Outcome::Done(summary)) => {
                let s = summary.expect("a batch job is not a shard");
                rec.status = if resume { "resumed" } else { "done" }.into();
                rec.backend = Some(s.run.backend.clone());
                rec.paths = Some(s.paths);
                rec.verdict = Some(s.verdict.text.clone());
                eprintln!("batch: {label}: done in {seconds:.1} s: {}", s.verdict.text);
            }
            Ok(Outcome::Interrupted) => {
                rec.status = "interrupted".into();
                write_batch_files(args, &records)?;
                eprintln!(
                    "interrupted: jobs finished so far are listed in {}; continue with `vixhedge batch {} --out {} --resume`",
                    args.out.join(BATCH_MD).display(),
                    file.display(),
                    args.out.display()
                );
                return Ok(INTERRUPTED);
            }
            Err(e) => {
                let line = format!("{e:#}");
                let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
                eprintln!("batch: {label}: failed: {line}");
                rec.status = "failed".into();
                rec.verdict = Some(line);
                failed += 1;
            }
        }
        write_batch_files(args, &records)?;
    }
    let finished = records.iter().filter(|r| r.status != "failed").count();
    eprintln!(
        "batch: {finished} of {n} jobs finished in {:.1} s; wrote {} and {}",
        t_batch.elapsed().as_secs_f64(),
        args.out.join(BATCH_MD).display(),
        args.out.join(BATCH_JSON).display()
    );
    for r in &records {
        println!(
            "{}: {}{}",
            r.name,
            r.status,
            r.verdict
                .as_deref()
                .map_or_else(String::new, |v| format!(": {v}"))
        );
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

/// The record of a job whose `summary.json` is of the same study (config
/// hash) on the backend the job asks for, if it has one.
fn up_to_date(job: &Job) -> Option<JobRecord> {
    let dir = &job.args.out;
    // A checkpoint is removed just after the outputs are written; one left by
    // a process killed in between is of the finished study.
    let cp = dir.join(CHECKPOINT_FILE);
    if cp.exists() && !PartialResult::read(&cp).is_ok_and(|cp| cp.is_finished()) {
        return None;
    }
    let text = std::fs::read_to_string(dir.join("summary.json")).ok()?;
    let s: serde_json::Value = serde_json::from_str(&text).ok()?;
    let backend = s["backend"].as_str()?;
    if s["config_hash"].as_str()? != job.hash || (job.backend != "auto" && job.backend != backend) {
        return None;
    }
    Some(JobRecord {
        name: job.name.clone(),
        status: String::new(),
        dir: dir.clone(),
        config_hash: job.hash.clone(),
        backend: Some(backend.into()),
        paths: s["paths"].as_u64(),
        seconds: None,
        verdict: s["verdict"]["text"].as_str().map(String::from),
    })
}

/// Whether the job's directory holds a checkpoint of the job's own study.
fn resumable(job: &Job) -> bool {
    PartialResult::read(&job.args.out.join(CHECKPOINT_FILE)).is_ok_and(|cp| {
        cp.config_hash == job.hash && (job.backend == "auto" || job.backend == cp.backend)
    })
}

/// `run --resume --out DIR` for the job's directory.
fn resume_args(args: &RunArgs) -> RunArgs {
    let out = args.out.display().to_string();
    parse_run(&["--resume", "--out", &out]).expect("a resume command line parses")
}

fn parse_run(argv: &[&str]) -> Result<RunArgs, clap::Error> {
    let cli = Cli::try_parse_from(["vixhedge", "run"].iter().chain(argv))?;
    match cli.command {
        Command::Run(args) => Ok(args),
        _ => unreachable!("the subcommand is run"),
    }
}

/// Parses and checks every job of the batch file `text` (named `file`, with
/// relative paths taken from `base`); the jobs write into `out/<name>`.
fn parse_jobs(text: &str, file: &str, base: &Path, out: &Path) -> Result<Vec<Job>> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| anyhow::anyhow!("{file}: {}", e.message().trim()))?;
    for key in table.keys() {
        if key != "job" {
            bail!("{file}: unknown key `{key}` (a batch file holds [[job]] tables)");
        }
    }
    let Some(list) = table.get("job") else {
        bail!("{file}: no [[job]] tables");
    };
    let Value::Array(list) = list else {
        bail!("{file}: `job` must be an array of tables ([[job]])");
    };
    if list.is_empty() {
        bail!("{file}: no [[job]] tables");
    }
    let mut jobs: Vec<Job> = Vec::with_capacity(list.len());
    for (i, entry) in list.iter().enumerate() {
        let at = format!("{file}: job {}", i + 1);
        let Value::Table(t) = entry else {
            bail!("{at}: not a table");
        };
        let name = match t.get("name") {
            Some(Value::String(s)) => s.clone(),
            Some(_) => bail!("{at}: `name` must be a string"),
            None => bail!("{at} has no `name`"),
        };
        check_name(&name).with_context(|| format!("{at}: name {name:?}"))?;
        if let Some(j) = jobs.iter().position(|j| j.name == name) {
            bail!("{at}: duplicate name `{name}` (also job {})", j + 1);
        }
        let at = format!("{file}: job `{name}`");
        if let Some(key) = t.keys().find(|k| !JOB_KEYS.contains(&k.as_str())) {
            bail!(
                "{at}: unknown key `{key}` (a job takes {})",
                JOB_KEYS.join(", ")
            );
        }
        let argv = job_argv(t, base, &out.join(&name)).with_context(|| at.clone())?;
        let refs: Vec<&str> = argv.iter().map(String::as_str).collect();
        let args = parse_run(&refs).map_err(|e| {
            let line = crate::cli::usage_error_line(&e);
            let history = ["--paths-from", "--spx", "--vix"]
                .iter()
                .find(|f| line.contains(&format!("'{f}'")));
            match history {
                Some(flag) => anyhow::anyhow!(
                    "{at}: `{}` needs `run {flag}`, which this build of vixhedge does not have",
                    flag.trim_start_matches("--").replace('-', "_")
                ),
                None => anyhow::anyhow!("{at}: {line}"),
            }
        })?;
        let hash = run::study_hash(&args).with_context(|| at.clone())?;
        jobs.push(Job {
            name,
            backend: args.backend.name(),
            args,
            hash,
        });
    }
    Ok(jobs)
}

/// A job name is a directory name: letters, digits, `.`, `-` and `_`, not
/// starting with a dot, and not the name of a batch file.
fn check_name(name: &str) -> Result<()> {
    if name.is_empty() {
        bail!("is empty");
    }
    if name.starts_with('.')
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        bail!(
            "must be letters, digits, '.', '-' and '_' (a directory name), not starting with '.'"
        );
    }
    if name == BATCH_MD || name == BATCH_JSON {
        bail!("is the name of a batch file");
    }
    Ok(())
}

/// The `run` command line of a job table.
fn job_argv(t: &toml::Table, base: &Path, out: &Path) -> Result<Vec<String>> {
    let mut argv: Vec<String> = Vec::new();
    let string = |key: &str| -> Result<Option<String>> {
        match t.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => bail!("`{key}` must be a string, not {}", v.type_str()),
        }
    };
    let number = |key: &str| -> Result<Option<String>> {
        match t.get(key) {
            None => Ok(None),
            Some(Value::Integer(n)) if *n >= 0 => Ok(Some(n.to_string())),
            Some(v) => bail!("`{key}` must be a whole number at least 0, not {v}"),
        }
    };
    let file = |key: &str| -> Result<Option<String>> {
        Ok(string(key)?.map(|s| {
            let p = Path::new(&s);
            if p.is_absolute() {
                s
            } else {
                base.join(p).display().to_string()
            }
        }))
    };
    if let Some(p) = string("preset")? {
        argv.extend(["--preset".into(), p]);
    }
    if let Some(c) = file("config")? {
        argv.extend(["--config".into(), c]);
    }
    match t.get("set") {
        None => {}
        Some(Value::Array(items)) => {
            for item in items {
                let Value::String(s) = item else {
                    bail!("`set` must be an array of \"key=value\" strings");
                };
                argv.extend(["--set".into(), s.clone()]);
            }
        }
        Some(_) => bail!("`set` must be an array of \"key=value\" strings"),
    }
    match t.get("hedges") {
        None => {}
        Some(Value::String(s)) => argv.extend(["--hedges".into(), s.clone()]),
        Some(Value::Array(items)) => {
            let mut names = Vec::with_capacity(items.len());
            for item in items {
                let Value::String(s) = item else {
                    bail!("`hedges` must be an array of program names");
                };
                names.push(s.clone());
            }
            argv.extend(["--hedges".into(), names.join(",")]);
        }
        Some(_) => bail!("`hedges` must be an array of program names"),
    }
    for (key, flag) in [
        ("paths", "--paths"),
        ("horizon_days", "--horizon-days"),
        ("seed", "--seed"),
    ] {
        if let Some(v) = number(key)? {
            argv.extend([flag.into(), v]);
        }
    }
    if let Some(b) = string("backend")? {
        argv.extend(["--backend".into(), b]);
    }
    if let Some(p) = string("paths_from")? {
        argv.extend(["--paths-from".into(), p]);
    }
    for key in ["spx", "vix"] {
        if let Some(f) = file(key)? {
            argv.extend([format!("--{key}"), f]);
        }
    }
    argv.extend(["--out".into(), out.display().to_string()]);
    Ok(argv)
}

fn write_batch_files(args: &BatchArgs, records: &[JobRecord]) -> Result<()> {
    let doc = serde_json::json!({
        "batch_file": args.file,
        "out": args.out,
        "jobs": records,
    });
    let json = serde_json::to_string_pretty(&doc)? + "\n";
    let mut md = format!(
        "# Batch `{}`\n\n| job | status | paths | backend | seconds | verdict |\n| --- | --- | --- | --- | --- | --- |\n",
        args.file.display()
    );
    for r in records {
        let cell = |v: Option<String>| v.unwrap_or_else(|| "-".into());
        md.push_str(&format!(
            "| [{}]({}/report.md) | {} | {} | {} | {} | {} |\n",
            r.name,
            r.name,
            r.status,
            cell(r.paths.map(|p| p.to_string())),
            cell(r.backend.clone()),
            cell(r.seconds.map(|s| format!("{s:.1}"))),
            cell(r.verdict.as_ref().map(|v| v.replace('|', "/"))),
        ));
    }
    vixhedge::report::write_files_atomic(
        &args.out,
        &[
            (BATCH_MD.into(), md.into_bytes()),
            (BATCH_JSON.into(), json.into_bytes()),
        ],
    )?;
    Ok(())
}
