//! `vixhedge run`: the study itself, in batches, with a checkpoint written
//! into the output directory after each batch so a stopped run can be
//! resumed (`--resume`), and in shards (`--shard I/N`) for `vixhedge merge`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};

use super::outdir;
use super::progress::{self, INTERRUPTED};
use crate::cli::{Books, Reduce, RunArgs};
use vixhedge::backend::{Backend, Device, EngineBatch, StudyEngine};
use vixhedge::config::{Config, HedgeProgram, InForce, Layers, RegimeBy};
use vixhedge::cpu::reduce;
use vixhedge::gpu::{GpuError, GpuReduction};
use vixhedge::report::export::{PathSpool, PATHS_FILE};
use vixhedge::report::partial::{
    PartialResult, Shard, CHECKPOINT_FILE, PARTIAL_FILE, PARTIAL_FORMAT, PARTIAL_FORMAT_VERSION,
};
use vixhedge::report::{
    self, LineSet, RunInfo, StudyAccumulator, StudyLayout, StudySummary, OUTPUT_FILES,
};
use vixhedge::shared::bootstrap::BootstrapSeries;
use vixhedge::strategy::spec::BookSpec;
use vixhedge::study::lines::LineMap;
use vixhedge::study::pack::PackBooks;
use vixhedge::study::StudySetup;

/// Runs the condor book and the hedge programs on every path, reduces, writes
/// the output files and prints the verdict table (or the summary as JSON).
/// Returns 0, or [`INTERRUPTED`] when a signal stopped the run (its
/// checkpoint then keeps the paths done).
///
/// # Errors
/// Bad input (before anything is written), a failed device, or a failed write.
pub fn run(args: &RunArgs) -> Result<i32> {
    Ok(match execute(args, "", true)? {
        Outcome::Done(_) => 0,
        Outcome::Interrupted => INTERRUPTED,
    })
}

/// What [`execute`] did.
pub(crate) enum Outcome {
    /// Every path ran and the outputs are written; the summary (None for a
    /// shard, which writes its partial result).
    Done(Option<Box<StudySummary>>),
    /// A signal stopped the run; its checkpoint keeps the paths done.
    Interrupted,
}

/// The study a run carries out: from the arguments, or from the checkpoint
/// it resumes.
struct Plan {
    config: Config,
    programs: Vec<HedgeProgram>,
    backend: Backend,
    /// The f64 reference books instead of the study kernel (`--books f64`).
    f64_books: bool,
    /// Where the records are reduced (`--reduce`).
    reduce: Reduce,
    shard: Option<Shard>,
    /// Global paths `[first, end)` of this run.
    range: [u64; 2],
    export: bool,
    hash: String,
    /// What is in force, for stderr and `summary.json`.
    in_force: InForce,
    /// The historical series of `--paths-from bootstrap`.
    boot: Option<BootstrapSeries>,
    resumed: Option<PartialResult>,
}

impl Plan {
    fn new(args: &RunArgs) -> Result<Self> {
        if args.resume {
            let mut plan = Self::resume(&args.out)?;
            plan.reduce = args.reduce;
            return Ok(plan);
        }
        if args.reduce == Reduce::Device && args.export_paths {
            bail!("--reduce device: --export-paths writes every path's record, which needs them on the host; use --reduce host or auto");
        }
        let (config, in_force, programs) = resolve(args)?;
        let boot = super::bootstrap::load(&args.source, args.json)?;
        let paths = config.simulation.paths;
        let range = args.shard.map_or([0, paths], |s| s.range(paths));
        Ok(Self {
            hash: study_hash_of(&config, &programs, boot.as_ref()),
            boot,
            config,
            programs,
            backend: args.backend,
            f64_books: args.books == Books::F64,
            reduce: args.reduce,
            shard: args.shard,
            range,
            export: args.export_paths,
            in_force,
            resumed: None,
        })
    }

    fn resume(out: &Path) -> Result<Self> {
        let path = out.join(CHECKPOINT_FILE);
        if !path.is_file() {
            let finished = [OUTPUT_FILES[0], PARTIAL_FILE]
                .iter()
                .any(|f| out.join(f).is_file());
            if finished {
                bail!(
                    "--resume: {} holds a finished run and no {CHECKPOINT_FILE}; nothing to resume",
                    out.display()
                );
            }
            bail!("--resume: no {CHECKPOINT_FILE} in {}", out.display());
        }
        let cp = PartialResult::read(&path)?;
        let config = Config::from_toml_str(&cp.config)
            .with_context(|| format!("{}: its configuration", path.display()))?;
        config
            .validate()
            .with_context(|| format!("{}: its configuration", path.display()))?;
        let in_force = InForce::new(
            &config,
            &Layers {
                config: Some(path.clone()),
                ..Layers::default()
            },
        );
        let hash = study_hash_of(&config, &cp.hedges, cp.bootstrap.as_ref());
        if hash != cp.config_hash {
            bail!(
                "{}: its configuration does not match its config_hash {} (was it edited?)",
                path.display(),
                cp.config_hash
            );
        }
        let (backend, f64_books) = match cp.backend.as_str() {
            "cpu" => (Backend::Cpu, false),
            "gpu" => (Backend::Gpu, false),
            REFERENCE_BACKEND => (Backend::Cpu, true),
            other => bail!("{}: unknown backend {other:?}", path.display()),
        };
        Ok(Self {
            config,
            programs: cp.hedges.clone(),
            backend,
            f64_books,
            reduce: Reduce::Auto,
            shard: cp.shard,
            range: cp.range,
            export: cp.export_paths,
            hash,
            in_force,
            boot: cp.bootstrap.clone(),
            resumed: Some(cp),
        })
    }
}

/// The configuration, what is in force and the programs a (non-resume) `run`
/// command line asks for; nothing printed.
fn resolve(args: &RunArgs) -> Result<(Config, InForce, Vec<HedgeProgram>)> {
    let (config, in_force) = super::load_config(&args.layers())?;
    Ok((config, in_force, programs_of(&args.hedges)))
}

/// The study's config hash: the configuration's own, or with bootstrap paths
/// a hash over it and the historical series the paths are drawn from.
pub(crate) fn study_hash_of(
    config: &Config,
    programs: &[HedgeProgram],
    boot: Option<&BootstrapSeries>,
) -> String {
    use sha2::{Digest, Sha256};
    let hash = config.study_hash(programs);
    let Some(b) = boot else { return hash };
    let mut h = Sha256::new();
    h.update(hash.as_bytes());
    h.update(b"\nbootstrap\n");
    for w in [b.days, b.neighbours, b.log_q.to_bits()] {
        h.update(w.to_le_bytes());
    }
    for w in &b.data {
        h.update(w.to_le_bytes());
    }
    let hex: String = h.finalize().iter().map(|x| format!("{x:02x}")).collect();
    format!("sha256:{hex}")
}

/// The config hash of the study a (non-resume) `run` command line asks for,
/// resolved without running anything or printing warnings.
///
/// # Errors
/// Bad input, as `run` would report it.
pub(crate) fn study_hash(args: &RunArgs) -> Result<String> {
    let (config, _, programs) = resolve(args)?;
    let boot = super::bootstrap::load(&args.source, true)?;
    Ok(study_hash_of(&config, &programs, boot.as_ref()))
}

/// Runs `args` (a `run` command line, or a batch job built as one). `label`
/// names the run in progress lines; `print` false keeps stdout quiet (the
/// batch prints its own lines).
///
/// # Errors
/// As [`run`].
pub(crate) fn execute(args: &RunArgs, label: &str, print: bool) -> Result<Outcome> {
    let mut outcomes = study(std::slice::from_ref(args), label, print)?;
    Ok(outcomes.pop().expect("one outcome per run"))
}

/// Runs the studies of `args` as one: the paths simulated once, the programs
/// of every study run side by side on them (one program for the books the
/// studies share), each study reduced from its own lines and written to its
/// own `--out` exactly as a lone [`execute`] would write it. The studies must
/// be [`pack_key`]-alike and start at the same path (each resumes from its own
/// checkpoint when its `--resume` is set), and their distinct programs must fit
/// the kernel's `MAX_PROGRAMS`. Nothing is printed on stdout.
///
/// # Errors
/// As [`run`]; studies that cannot share their paths.
pub(crate) fn execute_pack(args: &[RunArgs], label: &str) -> Result<Vec<Outcome>> {
    study(args, label, false)
}

/// What decides a study's paths and everything but its hedge programs: its
/// configuration with the programs' own keys (`hedge.layers`, `hedge.units`,
/// `hedge.units_ladder`) and `[regimes]` set aside (the regimes classify the
/// paths when each study reduces its own lines; the kernel does not read
/// them). Studies with the same key (and the same command line otherwise)
/// can run as one pack ([`execute_pack`]).
pub(crate) fn pack_key(config: &Config) -> String {
    let mut c = config.clone();
    let d = vixhedge::config::HedgeConfig::default();
    c.hedge.layers = d.layers;
    c.hedge.units = d.units;
    c.hedge.units_ladder = d.units_ladder;
    c.regimes = vixhedge::config::RegimesConfig::default();
    c.to_toml_string()
}

/// One study of a pack: its plan and lines, and its reduction so far.
struct Member {
    plan: Plan,
    out: std::path::PathBuf,
    in_force: InForce,
    layout: StudyLayout,
    /// Its lines, read from the pack's outcomes.
    map: LineMap,
    acc: StudyAccumulator,
    spool: Option<PathSpool>,
    elapsed_before: f64,
    json: bool,
}

impl Member {
    fn new(args: &RunArgs) -> Result<(Self, BookSpec)> {
        let plan = Plan::new(args)?;
        let out = args.out.clone();
        outdir::check("--out", &out)?;
        if !args.resume && out.join(CHECKPOINT_FILE).is_file() {
            eprintln!(
                "warning: {} holds the checkpoint of an earlier run; starting over (`vixhedge run --resume --out {}` would continue it)",
                out.display(),
                out.display()
            );
        }
        let config = &plan.config;
        let sim = &config.simulation;
        u32::try_from(sim.paths).context("simulation.paths must fit the 32-bit path index")?;
        let spec = BookSpec::from_config(config, &plan.programs).context("building the books")?;
        let in_force = plan.in_force.clone().with_programs(spec.in_force());
        let lines = LineSet::new(&plan.programs, &config.hedge.units_ladder)
            .context("hedge.units_ladder")?;
        let map = LineMap::new(&lines, &spec)?;
        let layout = StudyLayout {
            lines,
            regimes: config.regimes.clone(),
            capital: config.condor.capital,
            horizon_days: sim.horizon_days,
        };
        let (acc, elapsed_before) = match &plan.resumed {
            Some(cp) => {
                let acc = cp
                    .accumulator()
                    .with_context(|| format!("{}", out.join(CHECKPOINT_FILE).display()))?;
                if acc.layout() != &layout {
                    bail!(
                        "{}: its accumulators are laid out for other lines or regimes",
                        out.join(CHECKPOINT_FILE).display()
                    );
                }
                (acc, cp.elapsed_s)
            }
            None => (StudyAccumulator::new(layout.clone())?, 0.0),
        };
        Ok((
            Self {
                plan,
                out,
                in_force,
                layout,
                map,
                acc,
                spool: None,
                elapsed_before,
                json: args.json,
            },
            spec,
        ))
    }

    /// The first path this study still has to run.
    fn next(&self) -> u64 {
        self.plan
            .resumed
            .as_ref()
            .map_or(self.plan.range[0], |cp| cp.next_path)
    }

    fn open_spool(&mut self, rows: u64) -> Result<()> {
        self.spool = if self.plan.export {
            Some(PathSpool::open(&self.out, self.layout.lines.len(), rows)?)
        } else {
            None
        };
        Ok(())
    }
}

/// The core of [`execute`] and [`execute_pack`].
fn study(all_args: &[RunArgs], label: &str, print: bool) -> Result<Vec<Outcome>> {
    let mut members = Vec::with_capacity(all_args.len());
    let mut specs = Vec::with_capacity(all_args.len());
    for args in all_args {
        let (m, spec) = Member::new(args)?;
        members.push(m);
        specs.push(spec);
    }
    let Some(lead) = members.first() else {
        return Ok(Vec::new());
    };
    let key = pack_key(&lead.plan.config);
    let start = lead.next();
    for m in &members[1..] {
        let (a, b) = (&lead.plan, &m.plan);
        if pack_key(&b.config) != key
            || b.backend != a.backend
            || b.f64_books != a.f64_books
            || b.shard != a.shard
            || b.range != a.range
            || b.export != a.export
            || b.boot != a.boot
            || m.next() != start
        {
            bail!(
                "{} and {} are studies of other paths; they cannot run as one",
                lead.out.display(),
                m.out.display()
            );
        }
    }
    let mut pack = PackBooks::new();
    for (m, spec) in members.iter_mut().zip(&specs) {
        let at = pack.add(spec)?;
        m.map = m.map.through(&at);
    }
    let spec = pack.books().expect("a study at least").clone();
    let lead = &members[0];
    let config = lead.plan.config.clone();
    let backend = lead.plan.backend;
    let f64_books = lead.plan.f64_books;
    if f64_books && backend == Backend::Gpu {
        bail!("--books f64: the f64 reference books run on the CPU only; use --backend cpu");
    }
    // The reference books run on the CPU whatever --backend auto finds.
    let backend = if f64_books { Backend::Cpu } else { backend };
    let boot = lead.plan.boot.clone();
    let [first, end] = lead.plan.range;
    let sim = &config.simulation;
    let stop = progress::stop_flag().context("installing the SIGINT/SIGTERM handlers")?;

    let quiet = members.iter().any(|m| m.json) || !print;
    // The studies of a pack share their warnings but for the programs' own.
    let mut warned: Vec<String> = Vec::new();
    for m in &members {
        if print {
            super::announce(&m.plan.config, &m.in_force)?;
        } else {
            for w in m.plan.config.validate()? {
                let w = w.to_string();
                if !warned.contains(&w) {
                    eprintln!("warning: {w}");
                    warned.push(w);
                }
            }
        }
    }
    let gpu_device = match backend {
        Backend::Cpu => None,
        choice => match Device::new(choice) {
            Ok(Device::Cpu) => None,
            Ok(d) => Some(d),
            Err(e) if choice == Backend::Auto => {
                eprintln!("warning: --backend auto: {e}; running on the CPU");
                None
            }
            Err(e) => return Err(e).context(format!("--backend {}", choice.name())),
        },
    };
    let cpu_device = Device::Cpu;
    let mut device = gpu_device.as_ref().unwrap_or(&cpu_device);
    if !quiet {
        eprintln!("{}", device.describe_choice(backend));
        eprintln!(
            "building pricing tables (SPX implied vols, VIX futures and options) under Q ..."
        );
    }
    let t_tables = Instant::now();
    let setup = StudySetup::with_spec(&config, spec)?;
    let setup = super::bootstrap::apply(setup, boot);
    // The reference books need no kernel: none is built for them.
    let kernel = if f64_books {
        Ok(StudyEngine::reference(&setup))
    } else {
        StudyEngine::new(device, &setup)
    };
    let mut engine = match kernel {
        Ok(engine) => engine,
        Err(e) if backend == Backend::Auto => {
            eprintln!(
                "warning: --backend auto: the GPU study kernel failed on {} ({e}); falling back to the CPU",
                device.adapter()
            );
            device = &cpu_device;
            StudyEngine::new(device, &setup)?
        }
        Err(e) => {
            return Err(e).context(format!(
                "building the GPU study kernel on {}",
                device.adapter()
            ))
        }
    };
    if !quiet {
        let what = match device {
            Device::Cpu if f64_books => "tables (f64 reference books)",
            Device::Cpu => "tables",
            Device::Gpu(_) => "tables and the GPU study kernel",
        };
        eprintln!("{what} ready in {:.1} s", t_tables.elapsed().as_secs_f64());
    }

    let mut reductions = device_reductions(&engine, &members, lead.plan.reduce, lead.plan.export)?;
    if !quiet && reductions.is_some() {
        eprintln!("reducing on the device: only the accumulators are read back");
    }
    let mut next = start;
    for m in &mut members {
        std::fs::create_dir_all(&m.out).with_context(|| format!("creating {}", m.out.display()))?;
        let rows = m.plan.resumed.as_ref().map_or(0, |cp| cp.spooled_rows);
        m.open_spool(rows)?;
    }
    let t = Instant::now();
    let taken_at = std::sync::Mutex::new(Instant::now());
    let checkpoint_s = device_checkpoint_s();
    loop {
        let batch = match usize::try_from(sim.batch_paths).unwrap_or(usize::MAX) {
            0 => device.default_batch(),
            b => b,
        };
        let result = simulate_range(
            &SimRange {
                next,
                end,
                batch,
                stop: &stop,
                total: usize::try_from(end - first).unwrap_or(usize::MAX),
                base: usize::try_from(next - first).unwrap_or(usize::MAX),
                label,
                progress: !quiet,
            },
            |from: u64, n: usize, paths: Reduced| -> Result<()> {
                let reached = from + n as u64;
                let taken = match paths {
                    Reduced::Host(paths) => Some((Some(paths), None)),
                    Reduced::Device(Some(accs)) => Some((None, Some(accs))),
                    // Still on the device: no checkpoint until it is read.
                    Reduced::Device(None) => None,
                };
                let Some((paths, accs)) = taken else {
                    return Ok(());
                };
                for (i, m) in members.iter_mut().enumerate() {
                    let batch = match (&paths, &accs) {
                        (_, Some(accs)) => {
                            m.acc.merge(&accs[i])?;
                            None
                        }
                        (Some(EngineBatch::Outcomes(outcomes)), None) => {
                            Some(m.map.batch(from, outcomes))
                        }
                        (Some(EngineBatch::Records(records)), None) => {
                            let layout = engine.layout().expect("records come with a layout");
                            let sources = m.map.sources(layout);
                            Some(reduce::record_batch(
                                from,
                                records,
                                layout.words(),
                                &sources,
                            ))
                        }
                        (None, None) => unreachable!("a batch is reduced on one side"),
                    };
                    if let Some(batch) = &batch {
                        m.acc.push_batch_par(batch)?;
                        if let Some(spool) = m.spool.as_mut() {
                            spool.append(batch, &m.layout)?;
                        }
                    }
                    let elapsed = m.elapsed_before + t.elapsed().as_secs_f64();
                    let rows = m.spool.as_ref().map_or(0, PathSpool::rows);
                    let cp = partial_result(&m.plan, &engine, &m.acc, reached, elapsed, rows);
                    report::write_atomic(&m.out.join(CHECKPOINT_FILE), &cp.to_json())?;
                }
                Ok(())
            },
            |from, n, done, last| {
                let result = match reductions.as_deref() {
                    None if n == 0 => Ok(Reduced::Device(None)),
                    None => engine.run_batch(from, n, done).map(Reduced::Host),
                    Some(r) => {
                        let take = last
                            || taken_at
                                .lock()
                                .map_or(true, |at| at.elapsed().as_secs_f64() >= checkpoint_s);
                        let out = engine.run_reduced(from, n, done, r, take);
                        if take {
                            if let Ok(mut at) = taken_at.lock() {
                                *at = Instant::now();
                            }
                        }
                        out.map(Reduced::Device)
                    }
                };
                result.with_context(|| {
                    format!(
                        "the GPU {} failed running paths {from}..{}",
                        device.adapter(),
                        u64::from(from) + n as u64
                    )
                })
            },
        );
        match result {
            Ok(reached) => {
                next = reached;
                break;
            }
            Err(e) if e.downcast_ref::<GpuError>().is_some() && backend == Backend::Auto => {
                eprintln!(
                    "warning: --backend auto: {e:#}; every path of this run is simulated again on the CPU"
                );
                device = &cpu_device;
                engine = StudyEngine::new(device, &setup)?;
                reductions = None;
                for m in &mut members {
                    m.acc = StudyAccumulator::new(m.layout.clone())?;
                    m.open_spool(0)?;
                }
                next = first;
            }
            Err(e) if e.downcast_ref::<GpuError>().is_some() => {
                let saved: Vec<String> = members
                    .iter()
                    .map(|m| m.out.join(CHECKPOINT_FILE))
                    .filter(|p| p.is_file())
                    .map(|p| p.display().to_string())
                    .collect();
                let saved = match (saved.as_slice(), members.as_slice()) {
                    ([], _) => String::new(),
                    ([file], [m]) => format!(
                        "; the paths done are saved in {file} (`vixhedge run --resume --out {}` continues)",
                        m.out.display()
                    ),
                    (files, _) => format!("; the paths done are saved in {}", files.join(", ")),
                };
                return Err(anyhow!("{e:#}{saved}"));
            }
            Err(e) => return Err(e),
        }
    }
    if next < end {
        // A checkpoint is written after every batch reduced.
        for m in &members {
            if next > first {
                eprintln!(
                    "interrupted: paths {first}..{next} of {first}..{end} are saved in {}; continue with `vixhedge run --resume --out {}`",
                    m.out.join(CHECKPOINT_FILE).display(),
                    m.out.display()
                );
            } else {
                eprintln!(
                    "interrupted before any path of {} ran; nothing was saved",
                    m.out.display()
                );
            }
        }
        return Ok(members.iter().map(|_| Outcome::Interrupted).collect());
    }
    // Every study of a pack took the pack's time.
    let elapsed = t.elapsed().as_secs_f64();
    let mut outcomes = Vec::with_capacity(members.len());
    for m in members {
        outcomes.push(m.finish(&engine, &setup, first, end, elapsed, print)?);
    }
    Ok(outcomes)
}

impl Member {
    /// Writes the finished study's files (or its shard's partial result) and
    /// prints what `print` asks for.
    fn finish(
        self,
        engine: &StudyEngine<'_>,
        setup: &StudySetup,
        first: u64,
        end: u64,
        elapsed_here: f64,
        print: bool,
    ) -> Result<Outcome> {
        let Member {
            plan,
            out,
            in_force,
            layout,
            acc,
            spool,
            elapsed_before,
            json,
            ..
        } = self;
        let out = out.as_path();
        let quiet = json || !print;
        let config = &plan.config;
        let sim = &config.simulation;
        let elapsed = elapsed_before + elapsed_here;
        let mut exported: Vec<String> = Vec::new();
        if let Some(spool) = spool {
            let metadata = [
                ("vixhedge.program_version", env!("CARGO_PKG_VERSION").to_string()),
                ("vixhedge.config_hash", plan.hash.clone()),
                ("vixhedge.paths", sim.paths.to_string()),
                ("vixhedge.range", format!("{first}..{end}")),
                (
                    "vixhedge.units",
                    format!(
                        "path: global index; regime: by {} ([regimes] by = {}); max_vix, first_vix: VIX points; spx_return, spx_max_drawdown, *.max_drawdown: fractions; *.pnl, *.premium, *.payoff: USD",
                        report::render::regime_measure(config.regimes.by.name()),
                        config.regimes.by.name()
                    ),
                ),
            ];
            spool.finish(out, &layout, &metadata)?;
            exported.push(PATHS_FILE.into());
        }
        if let Some(shard) = plan.shard {
            let partial = partial_result(&plan, engine, &acc, end, elapsed, 0);
            let files = vec![(PARTIAL_FILE.to_string(), partial.to_json())];
            finish(out, &files, &exported)?;
            if json && print {
                let doc = serde_json::json!({
                    "shard": shard.to_string(),
                    "range": plan.range,
                    "paths": sim.paths,
                    "config_hash": plan.hash,
                    "partial": out.join(PARTIAL_FILE),
                });
                println!("{}", serde_json::to_string_pretty(&doc)?);
            } else if !quiet {
                eprintln!(
                    "wrote {}: paths {first}..{end} of {} (shard {shard}); merge the shards with `vixhedge merge DIR... --out DIR`",
                    out.join(PARTIAL_FILE).display(),
                    sim.paths
                );
            }
            return Ok(Outcome::Done(None));
        }
        let steps = f64::from(setup.params.n_steps);
        let info = RunInfo {
            seed: sim.seed,
            backend: backend_name(engine).into(),
            adapter: adapter_name(engine),
            elapsed_s: elapsed,
            path_steps_per_s: (end - first) as f64 * steps / elapsed.max(1e-9),
            config_hash: plan.hash.clone(),
        };
        let mut summary = report::summarize(&acc, info);
        summary.resolved = Some(in_force);
        let files = output_files(&summary, &acc, config)?;
        finish(out, &files, &exported)?;
        if print {
            if json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                print!("{}", report::render::verdict_table(&summary));
                eprintln!(
                    "wrote {} files to {}",
                    files.len() + exported.len(),
                    out.display()
                );
            }
        }
        Ok(Outcome::Done(Some(Box::new(summary))))
    }
}

/// The final files of a study: `summary.json`, `report.md`, the CSVs and
/// plots, and `config.toml`.
pub(crate) fn output_files(
    summary: &StudySummary,
    acc: &StudyAccumulator,
    config: &Config,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = report::render_outputs(summary, acc, &assumptions(config))?;
    files.push((
        outdir::CONFIG_FILE.into(),
        config.to_toml_string().into_bytes(),
    ));
    Ok(files)
}

/// Writes `files` into `dir` all or nothing, then removes the outputs of an
/// earlier run that neither `files` nor `also` (files this run already
/// wrote) name, and the checkpoint.
pub(crate) fn finish(dir: &Path, files: &[(String, Vec<u8>)], also: &[String]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    report::write_files_atomic(dir, files)?;
    let mut names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    names.extend_from_slice(also);
    outdir::remove_stale(dir, &names)
}

/// The `backend` of summaries and checkpoints of `run --books f64`: such a
/// run resumes with the same books, and `merge` keeps its shards apart from
/// the kernel's.
const REFERENCE_BACKEND: &str = "reference";

/// The backend name a run records: `cpu`, `gpu`, or [`REFERENCE_BACKEND`].
fn backend_name(engine: &StudyEngine<'_>) -> &'static str {
    if engine.is_reference() {
        REFERENCE_BACKEND
    } else {
        engine.device().name()
    }
}

/// The device description a run records.
fn adapter_name(engine: &StudyEngine<'_>) -> String {
    if engine.is_reference() {
        format!("f64 reference books on {}", engine.device().adapter())
    } else {
        engine.device().adapter()
    }
}

/// The partial result of `plan`'s paths `range[0]..next`.
fn partial_result(
    plan: &Plan,
    engine: &StudyEngine<'_>,
    acc: &StudyAccumulator,
    next: u64,
    elapsed_s: f64,
    spooled_rows: u64,
) -> PartialResult {
    PartialResult {
        format: PARTIAL_FORMAT.into(),
        format_version: PARTIAL_FORMAT_VERSION,
        program_version: env!("CARGO_PKG_VERSION").into(),
        config_hash: plan.hash.clone(),
        config: plan.config.to_toml_string(),
        hedges: plan.programs.clone(),
        backend: backend_name(engine).into(),
        adapter: adapter_name(engine),
        paths: plan.config.simulation.paths,
        shard: plan.shard,
        range: plan.range,
        next_path: next,
        elapsed_s,
        export_paths: plan.export,
        bootstrap: plan.boot.clone(),
        spooled_rows,
        accumulator: acc.to_state(),
    }
}

/// Seconds between readings of the device accumulators (and so between
/// checkpoints) when the records are reduced on the device; the environment
/// variable `VIXHEDGE_CHECKPOINT_SECS` changes it.
const DEVICE_CHECKPOINT_S: f64 = 10.0;

/// [`DEVICE_CHECKPOINT_S`], or `VIXHEDGE_CHECKPOINT_SECS` when it is a
/// number of seconds.
fn device_checkpoint_s() -> f64 {
    std::env::var("VIXHEDGE_CHECKPOINT_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .unwrap_or(DEVICE_CHECKPOINT_S)
}

/// A batch's paths as the reducer gets them.
enum Reduced {
    /// Records or outcomes, to reduce on the host.
    Host(EngineBatch),
    /// Reduced on the device; the accumulators read back (and cleared there)
    /// when this batch took them, one per study of the pack.
    Device(Option<Vec<StudyAccumulator>>),
}

/// The device accumulators of a pack's studies when `reduce` and the engine
/// say the records are reduced on the device; None to reduce on the host.
fn device_reductions(
    engine: &StudyEngine<'_>,
    members: &[Member],
    reduce: Reduce,
    export: bool,
) -> Result<Option<Vec<GpuReduction>>> {
    let on_gpu = matches!(engine.device(), Device::Gpu(_)) && !engine.is_reference();
    let wanted = match reduce {
        Reduce::Host => false,
        Reduce::Device if !on_gpu => {
            eprintln!("warning: --reduce device: the run is not on a GPU; reducing on the host");
            false
        }
        Reduce::Device => true,
        Reduce::Auto => on_gpu && !export && engine.device().is_hardware_gpu(),
    };
    if !wanted {
        return Ok(None);
    }
    if export {
        bail!("--reduce device: --export-paths writes every path's record, which needs them on the host; use --reduce host or auto");
    }
    let layout = engine.layout().expect("the GPU kernel has a record layout");
    let studies: Vec<_> = members
        .iter()
        .map(|m| (m.layout.clone(), m.map.sources(layout)))
        .collect();
    engine
        .device_reductions(&studies)
        .context("setting up the device reductions")
}

/// The paths left to run and how to run them.
struct SimRange<'a> {
    /// First global path still to run.
    next: u64,
    /// One past the last.
    end: u64,
    batch: usize,
    stop: &'a AtomicBool,
    /// Paths of the whole run and those done before this process, for progress.
    total: usize,
    base: usize,
    label: &'a str,
    progress: bool,
}

/// Simulates paths `r.next..r.end` in batches of `r.batch` with `run(first,
/// n, done, last)` and hands what each returns to `reduce(first, n, it)`, in
/// path order (which folds them into the accumulators and checkpoints). A
/// second thread simulates the next batch while this one reduces the last, so
/// a GPU is not left idle while the host reduces (at most two batches are
/// held at a time). `run`'s last argument says whether this is the last
/// call: the batch that reaches `r.end`, or, once `r.stop` is set, one more
/// call of no paths (so what a run keeps on its device can be read). Once
/// `r.stop` is set no new batch starts; the ones in flight are reduced and
/// checkpointed. Returns the next path to run: `r.end` unless stopped.
fn simulate_range<T: Send>(
    r: &SimRange<'_>,
    mut reduce: impl FnMut(u64, usize, T) -> Result<()>,
    mut run: impl FnMut(u32, usize, &AtomicUsize, bool) -> Result<T> + Send,
) -> Result<u64> {
    let finished = AtomicUsize::new(r.base);
    let shown = AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<(u64, usize, T)>>(0);
    std::thread::scope(|scope| {
        if r.progress {
            let p = progress::Progress {
                done: &finished,
                base: r.base,
                total: r.total,
                label: r.label.to_string(),
            };
            let shown = &shown;
            scope.spawn(move || progress::show(&p, shown));
        }
        let finished = &finished;
        scope.spawn(move || {
            let mut at = r.next;
            while at < r.end {
                let stopping = r.stop.load(Ordering::Relaxed);
                let n = if stopping {
                    // One last call of no paths, which says it is the last:
                    // what a run keeps on its device is read then.
                    if at == r.next {
                        return;
                    }
                    0
                } else {
                    usize::try_from(r.end - at)
                        .unwrap_or(usize::MAX)
                        .min(r.batch)
                };
                let last = stopping || at + n as u64 >= r.end;
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "paths fit u32, checked by the caller"
                )]
                let result = run(at as u32, n, finished, last).map(|batch| (at, n, batch));
                let failed = result.is_err();
                // A send fails once the reducer has stopped on an error.
                if tx.send(result).is_err() || failed || stopping {
                    return;
                }
                at += n as u64;
            }
        });
        let mut next = r.next;
        let result = (|| {
            for result in rx {
                let (first, n, batch) = result?;
                reduce(first, n, batch)?;
                next = first + n as u64;
            }
            Ok(next)
        })();
        shown.store(true, Ordering::Relaxed);
        result
    })
}

/// `none` first, then the requested programs once each.
pub(crate) fn programs_of(hedges: &[HedgeProgram]) -> Vec<HedgeProgram> {
    let mut out = vec![HedgeProgram::None];
    for &h in hedges {
        if !out.contains(&h) {
            out.push(h);
        }
    }
    out
}

/// The modelling assumptions in plain words, for `report.md`.
pub(crate) fn assumptions(c: &Config) -> String {
    let regime_bounds = c.regimes.bounds();
    format!(
        "- Paths: SVCJ under the physical measure (`[model]`), {spd} step(s) a trading day, Andersen's QE scheme; \
scheduled events: {events}; every program sees the same paths.\n\
- Marks: all positions at model mid prices under Q (`[model.q]`): SPX options from an implied-vol table built from the \
exact Fourier price (event jumps averaged exactly), VIX futures and calls from tables built from the exact VIX \
transforms. VIX options expire on any trading day and settle at the closing model VIX (real VIX options settle on a \
special opening quotation on fixed dates).\n\
- Condor book: a new iron condor every {every} trading days while fewer than {max_open} are open, {dte} trading days to \
expiry, shorts at {sd} delta, wings at {ld} delta, sized to {rf} of equity at risk; take profit at {tp:.0}% of the credit, \
stop at a loss of {sl}x the credit, exit at {exit} days left. Exits are checked at the daily close only, so gaps fill \
beyond the stop. Costs: {comm} USD a contract a leg plus half the spread, max({hmin} points, {hfrac:.0}% of price), on \
every open and close; no costs at cash settlement. Cash earns r; margin is not modelled.\n\
- Hedges: each program is its own equity line (condor equity plus hedge P&L). Breadth and valuation signals of the \
source (advance-decline line, P/CF) do not exist in an index-level model and are not used.\n\
- Regimes classify each whole path by {by} (calm < {m}, moderate {m}-{s}, severe {s}-{cr}, crisis >= {cr}, {unit}){why}.\n",
        spd = c.simulation.steps_per_day,
        events = vixhedge::config::describe_events(&c.events),
        every = c.condor.entry_every_days,
        max_open = c.condor.max_open,
        dte = c.condor.dte_days,
        sd = c.condor.short_delta,
        ld = c.condor.long_delta,
        rf = c.condor.risk_fraction,
        tp = 100.0 * c.condor.take_profit,
        sl = c.condor.stop_loss,
        exit = c.condor.exit_dte,
        comm = c.condor.commission,
        hmin = c.condor.half_spread_min,
        hfrac = 100.0 * c.condor.half_spread_frac,
        by = report::render::regime_measure(c.regimes.by.name()),
        unit = c.regimes.by.unit(),
        why = match c.regimes.by {
            RegimeBy::MaxVix => "; this selects paths on the variable that drives VIX-call payoffs, so a moderate path by construction never spikes past the severe boundary",
            RegimeBy::VixRise => "; the rise, unlike the level, does not depend on where the path's VIX started",
            RegimeBy::SpxDrawdown => "; this selects paths on the stress the condor book suffers, not on the VIX the hedges are paid by",
        },
        m = regime_bounds.moderate_from,
        s = regime_bounds.severe_from,
        cr = regime_bounds.crisis_from,
    )
}
