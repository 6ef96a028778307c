//! GPU study kernel (`shaders/study.wgsl`): the path, the condor book and
//! every hedge program of a path in one invocation (or one per segment of
//! its horizon, below), the twin of [`crate::cpu::study`] (and of the f64
//! books' [`crate::cpu::reference::run_block`] within tolerances). The host builds the run's constants and
//! tables once ([`GpuStudy::new`]), then dispatches batches of paths and
//! turns each path's record into the [`PathOutcome`] the CPU books report.
//!
//! # Dispatches, overlap and memory
//! [`GpuStudy::run_paths`] runs its paths in dispatches of at most `batch`
//! paths, and each dispatch's records are copied into one of two mappable
//! staging buffers in turn (double buffering): the next dispatch is
//! submitted before the host maps the last one's records and converts them,
//! so the device computes dispatch k + 1 while the host reads dispatch k.
//! The records buffer is shared (the copy of dispatch k is queued ahead of
//! dispatch k + 1, which overwrites it) and so is the small uniform of the
//! path range (each submission sees what was written just before it). The
//! buffers hold `batch` paths: the records on the device and the two staging
//! buffers, each `batch` x the record's 4-byte words (about 1 KB a path with
//! every program). The second staging buffer is what the overlap costs: one
//! more batch of records in host-visible memory (about 64 MiB at 2^16 paths),
//! three batches in all against two before.
//!
//! [`GpuStudy::run_reduced`] sizes and segments its dispatches the same way,
//! but queues the reduction kernel ([`crate::gpu::reduce`]) behind each
//! dispatch group's last segment instead of the copy, so no record leaves the
//! device; it waits for each group before submitting the next (the host has
//! nothing to convert meanwhile).
//!
//! On a hardware GPU a dispatch carries an adaptive count of paths (unless
//! [`GpuStudy::set_dispatch_paths`] fixes one), sized from measured dispatch
//! times to stay near [`TARGET_DISPATCH_S`] (a long dispatch stalls a
//! display on the same GPU and can trip the operating system's watchdog,
//! 2 s by default on Windows:
//! <https://learn.microsoft.com/en-us/windows-hardware/drivers/display/timeout-detection-and-recovery>):
//! the first dispatch of a study carries
//! [`FIRST_DISPATCH_PATHS`], then each measured dispatch sets the next size
//! to what would take [`TARGET_DISPATCH_S`] at the measured rate, growing at
//! most 8-fold a step and never above the batch. The measured time runs from
//! the host's submission to the end of the host's wait for it, so it also
//! counts any work queued ahead of it (the end of the previous dispatch and
//! its copy): an upper bound, which settles dispatches between about half
//! the target and the target when the device is the bottleneck. On a software
//! adapter (lavapipe, which runs on the host's own cores and has no
//! watchdog) a dispatch is the whole batch unless a count is set: nothing to
//! guard there, and little to overlap with the host on the same cores.
//!
//! # Segments of the horizon
//! A dispatch can also run only some days of its paths' horizon: a
//! *dispatch group* of paths then runs its horizon in segments of `d` days,
//! one dispatch each (the first also runs day 0, where the books start; the
//! last writes the records, which only then are copied for readback), and
//! the kernel keeps each path's state on the device between them. So a
//! horizon long
//! enough that one wave of paths simulating all of it would pass the 0.5 s
//! cap still runs in dispatches near the target. The rule:
//! - [`GpuStudy::set_segment_days`] fixes `d` on any adapter.
//! - By default a software adapter never segments (`d` = the horizon).
//! - On a hardware GPU the first dispatch group runs segments of at most
//!   [`FIRST_SEGMENT_DAYS`] days (a trading year), before anything was
//!   timed. Each timed group then gives the rate in path-days per second
//!   (its paths x days, over its time), hence the *budget*: the path-days
//!   one dispatch runs in [`TARGET_DISPATCH_S`] (at most 8 times a measured
//!   dispatch's). The paths of the next group are the budget over the whole
//!   horizon, but not fewer than [`FIRST_DISPATCH_PATHS`]: only when the
//!   horizon would take the paths below that floor do the days shrink
//!   instead, to the budget over the floor (at least 1 day). A dispatch of
//!   fewer paths than the floor (a small batch, fixed paths) is counted as
//!   the floor when its days are chosen, since it leaves the device mostly
//!   idle and takes about as long; paths go below the floor only when one
//!   day of the floor is over the budget. With the paths fixed by
//!   [`GpuStudy::set_dispatch_paths`], the days still follow the budget.
//!
//! The state between segments is every piece of per-path state that lives
//! from one close to the next (the path's `y` and `v`, the bootstrap
//! position, the path statistics, the condor slots, cash, tally and ruin
//! flag, the signals' RSI and EMA state, and per program its ledgers, line,
//! rungs and hedge slots), stored as the bits of each word, so the records
//! are the same bits whatever the segmentation. It takes [`state_words`]
//! 4-byte words a path for the run's slot counts: 35 + 9 per condor slot +
//! per program (12 + 4 per rung + 9 per hedge slot), at most 1,683 words
//! (6,732 bytes) at the capacities [`CAPACITY`]. The state buffer holds one
//! dispatch group (paths per dispatch x words x 4 bytes: about 6.6 MiB at
//! the 1,024-path floor with every slot in use) and is allocated only once a
//! group is segmented (a 4-byte placeholder binding before), growing as
//! larger groups are segmented.
//!
//! Every path's record depends only on its global path index (the kernel
//! writes record `i` of a dispatch for path `path_offset + i`) and not on
//! how its horizon is segmented, so any split into dispatches gives the same
//! bits (`tests/gpu_study.rs` checks both).
//!
//! # Precision
//! The CPU books run in `f64`, the kernel in `f32` (WGSL has no portable
//! `f64`), with every USD amount that starts at the capital (condor cash,
//! equity lines, peaks) kept as an offset from the capital. Continuous
//! outputs agree to a few parts in a million of the capital; a path can
//! differ by more when an `f32` mark lands on the other side of a discrete
//! decision than the `f64` one (a strike rounding to the 5-point or 0.5-point
//! grid, a stop or take-profit level crossed by a hair, a contract count at a
//! whole number): `tests/gpu_study.rs` states and checks how often.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::context::{with_error_scopes, with_mapped, GpuContext, GpuError};
use super::kernel::{
    bind_group, buffer, compute_pipeline, layout_entry, storage_entry, submit_paths, Kernel,
};
use super::path_step::event_calendar;
use super::reduce::GpuReduction;
use super::shaders;
use super::tables::{GpuTables, TABLES_GROUP};
use crate::shared::marks::MarksParams;
use crate::shared::params::SimParams;
use crate::strategy::book::PathOutcome;
use crate::study::kernel::{KernelInputs, LayerDesc, ProgramDesc, RecordLayout, StudyParams};
use crate::study::StudySetup;

mod sizer;
use sizer::{DispatchSizer, Plan};

pub use crate::study::kernel::{StudyShape, CAPACITY, MAX_VXTH_LEVELS};

/// The study kernel's full WGSL source: one for every run (its arrays have
/// the fixed capacities [`CAPACITY`]).
#[must_use]
pub fn source() -> &'static str {
    shaders::STUDY
}

const LABEL: &str = "vixhedge.study";

/// Invocations per workgroup of the study kernel.
pub const WORKGROUP_SIZE: u32 = 64;

/// Seconds an adaptive dispatch aims at: half the 0.5 s a dispatch should
/// stay under on a hardware GPU.
pub const TARGET_DISPATCH_S: f64 = 0.25;

/// Paths of a study's first adaptive dispatch (16 workgroups), before any
/// dispatch was timed.
pub const FIRST_DISPATCH_PATHS: usize = 16 * WORKGROUP_SIZE as usize;

/// Days of the horizon one dispatch of a study's first dispatch group runs
/// on a hardware GPU, before any dispatch was timed (one trading year;
/// a longer horizon is segmented from the start).
pub const FIRST_SEGMENT_DAYS: u32 = 252;

/// 4-byte words of one path's state between segments (what `save_state` in
/// `shaders/study.wgsl` stores) for a run of `shape`: 35 header words (the
/// path, the bootstrap position, the path statistics, the condor cash, the
/// signals, the condor tally and the condor line), 9 words per condor slot,
/// and per program 12 (ledgers and line), 4 per rung and 9 per hedge slot.
/// At the capacities [`CAPACITY`]: 1,683 words, 6,732 bytes.
#[must_use]
pub fn state_words(shape: StudyShape) -> usize {
    let c = |n: u32, cap: u32| n.min(cap) as usize;
    let programs = c(shape.programs, CAPACITY.programs);
    let rungs = c(shape.rungs, CAPACITY.rungs);
    let positions = c(shape.positions, CAPACITY.positions);
    35 + 9 * c(shape.condors, CAPACITY.condors) + programs * (12 + 4 * rungs + 9 * positions)
}

/// The per-dispatch uniform of the segment of closes a dispatch runs
/// (`Segment` in `shaders/study.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct SegmentParams {
    day_begin: u32,
    day_end: u32,
    pad: [u32; 2],
}

/// The study kernel of one run: pipeline, tables and constant buffers.
#[derive(Debug)]
pub struct GpuStudy {
    kernel: Kernel,
    tables: GpuTables,
    sim: SimParams,
    layout: RecordLayout,
    /// Trading days after day 0 ([`StudyParams::horizon_days`]).
    horizon_days: u32,
    /// [`state_words`] of the run's shape.
    state_words: usize,
    bufs: Vec<wgpu::Buffer>,
    /// Nanoseconds spent in each [`StudyPhases`] part since creation.
    phase_ns: [AtomicU64; 3],
    /// The buffers of the largest batch so far, kept for the next call
    /// (allocating 2 x 75 MB a batch cost an H100 run about a fifth of its
    /// time).
    batch_buffers: Mutex<Option<BatchBuffers>>,
    /// The size of the next dispatch, kept across calls.
    dispatch: Mutex<DispatchSizer>,
}

/// The buffers the dispatches of a batch write and read back.
#[derive(Debug)]
struct BatchBuffers {
    /// Paths they hold.
    paths: usize,
    sim_buf: wgpu::Buffer,
    /// The uniform of the segment of closes a dispatch runs.
    seg_buf: wgpu::Buffer,
    rec_buf: wgpu::Buffer,
    /// Mappable copies of the records, used in turn by successive dispatches.
    staging: [wgpu::Buffer; 2],
    /// The paths' state between segments, and the paths it holds: a
    /// placeholder word (0 paths) until a dispatch group is segmented.
    state: (wgpu::Buffer, usize),
    group: wgpu::BindGroup,
}

/// A dispatch submitted and not yet read back.
struct InFlight {
    /// Paths it runs.
    paths: u64,
    /// Its paths and the days of each of its dispatches.
    plan: Plan,
    /// The staging buffer its records are copied to.
    slot: usize,
    /// When the host began submitting it.
    submitted: Instant,
    /// The dispatch's submission.
    dispatch: wgpu::SubmissionIndex,
    /// The submission of the copy of its records to `slot`.
    copy: wgpu::SubmissionIndex,
}

/// Where a GPU study's time went, seconds of the host summed over its
/// dispatches. The phases follow each other on the host and add up to the
/// time of the calls; the device's work overlaps them (the next dispatch
/// runs while the host maps and converts the last one), so `kernel_s` is
/// the device time the host did not hide, not the device's total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct StudyPhases {
    /// Upload and submission of the dispatches and the wait for each to
    /// finish on the device.
    pub kernel_s: f64,
    /// The wait for the copy of a dispatch's records to a mappable buffer
    /// and their mapping (the records are read where they are mapped).
    pub readback_s: f64,
    /// Records into outcomes (on the host, in parallel), read from the
    /// mapped buffer.
    pub convert_s: f64,
}

impl GpuStudy {
    /// Compiles the kernel for `setup`'s books and uploads its tables and constants.
    ///
    /// # Errors
    /// Books beyond the kernel's capacities, tables beyond the device limits,
    /// or a pipeline that fails validation.
    pub fn new(ctx: &GpuContext, setup: &StudySetup) -> Result<Self, GpuError> {
        let inputs =
            KernelInputs::new(setup).map_err(|e| GpuError::TooLarge(format!("GPU: {}", e.0)))?;
        Self::with_inputs(ctx, &inputs)
    }

    /// Compiles the kernel (once per device and process, see
    /// [`GpuContext::study_kernel`]) and uploads the run's `inputs`.
    ///
    /// # Errors
    /// Tables beyond the device limits, or a pipeline that fails validation.
    pub fn with_inputs(ctx: &GpuContext, inputs: &KernelInputs) -> Result<Self, GpuError> {
        let kernel = compile(ctx)?.clone();
        let tables_layout = kernel
            .tables_layout
            .as_ref()
            .expect("the study kernel reads tables");
        let tables = GpuTables::from_packed(
            ctx,
            tables_layout,
            &inputs.tables,
            inputs.table_names.clone(),
        )?;
        use wgpu::BufferUsages as U;
        let upload = |name: &str, bytes: &[u8], usage: U| {
            let b = buffer(
                ctx,
                &format!("{LABEL}.{name}"),
                bytes.len().max(4) as u64,
                usage | U::COPY_DST,
            );
            ctx.queue.write_buffer(&b, 0, bytes);
            b
        };
        let calendar = event_calendar(&inputs.sim);
        let bufs = vec![
            upload("event_days", bytemuck::cast_slice(&calendar), U::STORAGE),
            upload("marks", bytemuck::bytes_of(&inputs.marks), U::UNIFORM),
            upload("params", bytemuck::bytes_of(&inputs.study), U::STORAGE),
            upload(
                "programs",
                bytemuck::cast_slice(&inputs.programs),
                U::STORAGE,
            ),
            upload("layers", bytemuck::cast_slice(&inputs.layers), U::STORAGE),
            upload("vix_b", bytemuck::cast_slice(&inputs.vix_b), U::STORAGE),
            // The historical bootstrap series, uploaded once (a placeholder
            // word for model paths).
            upload(
                "boot",
                bytemuck::cast_slice(inputs.bootstrap.as_ref().map_or(&[0u32][..], |b| &b.data)),
                U::STORAGE,
            ),
        ];
        Ok(Self {
            kernel,
            tables,
            sim: inputs.sim,
            layout: inputs.layout.clone(),
            horizon_days: inputs.study.horizon_days,
            state_words: state_words(inputs.layout.shape),
            bufs,
            phase_ns: Default::default(),
            batch_buffers: Mutex::new(None),
            dispatch: Mutex::new(DispatchSizer::adaptive()),
        })
    }

    /// Sets the paths of every later dispatch, on every adapter: `Some(n)`
    /// fixes them at `n` rounded up to whole workgroups (at most the batch);
    /// `None` restores the default (sized from measured times on a hardware
    /// GPU, starting again from [`FIRST_DISPATCH_PATHS`]; the whole batch
    /// on a software adapter). The records do not depend on it.
    pub fn set_dispatch_paths(&self, paths: Option<usize>) {
        let mut sizer = self.sizer();
        *sizer = DispatchSizer {
            days: sizer.days,
            ..paths.map_or_else(DispatchSizer::adaptive, DispatchSizer::fixed)
        };
    }

    /// Sets the days of the horizon every later dispatch runs of its paths,
    /// on every adapter: `Some(d)` fixes them at `d` (at least 1, at most
    /// the horizon), so a dispatch group of paths runs in `ceil(horizon /
    /// d)` dispatches with each path's state kept on the device between
    /// them; `None` restores the default (the whole horizon on a software
    /// adapter, adaptive on a hardware GPU; see the module docs). The
    /// records do not depend on it.
    pub fn set_segment_days(&self, days: Option<u32>) {
        self.sizer().days = days.map(|d| d.max(1));
    }

    fn sizer(&self) -> std::sync::MutexGuard<'_, DispatchSizer> {
        self.dispatch
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// 4-byte words of one path's state between segments ([`state_words`]).
    #[must_use]
    pub fn state_words(&self) -> usize {
        self.state_words
    }

    /// The per-batch buffers and bind group for batches of up to `paths` paths.
    fn batch_buffers(&self, ctx: &GpuContext, paths: usize) -> BatchBuffers {
        use wgpu::BufferUsages as U;
        let out_bytes = (paths * self.layout.words() * 4) as u64;
        let sim_buf = buffer(
            ctx,
            "vixhedge.study.sim",
            std::mem::size_of::<SimParams>() as u64,
            U::UNIFORM | U::COPY_DST,
        );
        let rec_buf = buffer(
            ctx,
            "vixhedge.study.records",
            out_bytes,
            U::STORAGE | U::COPY_SRC,
        );
        let staging = ["vixhedge.study.staging.0", "vixhedge.study.staging.1"]
            .map(|label| buffer(ctx, label, out_bytes, U::MAP_READ | U::COPY_DST));
        let seg_buf = buffer(
            ctx,
            "vixhedge.study.segment",
            std::mem::size_of::<SegmentParams>() as u64,
            U::UNIFORM | U::COPY_DST,
        );
        let state = self.state_buffer(ctx, 0);
        let group = self.bind_group(ctx, &sim_buf, &rec_buf, &seg_buf, &state);
        BatchBuffers {
            paths,
            sim_buf,
            seg_buf,
            rec_buf,
            staging,
            state: (state, 0),
            group,
        }
    }

    /// The state buffer of `paths` paths (a placeholder word for 0).
    fn state_buffer(&self, ctx: &GpuContext, paths: usize) -> wgpu::Buffer {
        let bytes = (paths * self.state_words * 4).max(4) as u64;
        buffer(
            ctx,
            "vixhedge.study.state",
            bytes,
            wgpu::BufferUsages::STORAGE,
        )
    }

    fn bind_group(
        &self,
        ctx: &GpuContext,
        sim_buf: &wgpu::Buffer,
        rec_buf: &wgpu::Buffer,
        seg_buf: &wgpu::Buffer,
        state: &wgpu::Buffer,
    ) -> wgpu::BindGroup {
        let b = &self.bufs;
        bind_group(
            ctx,
            LABEL,
            &self.kernel.layout,
            &[
                sim_buf, rec_buf, &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6], seg_buf, state,
            ],
        )
    }

    /// Makes `bufs`' state buffer hold at least `paths` paths (a dispatch
    /// group in flight keeps the buffer it was bound to).
    fn reserve_state(
        &self,
        ctx: &GpuContext,
        bufs: &mut BatchBuffers,
        paths: usize,
    ) -> Result<(), GpuError> {
        if bufs.state.1 >= paths {
            return Ok(());
        }
        let (state, err) = with_error_scopes(&ctx.device, || self.state_buffer(ctx, paths));
        if let Some(message) = err {
            return Err(GpuError::Allocation {
                what: "the study's segment state",
                bytes: (paths * self.state_words * 4) as u64,
                message,
            });
        }
        bufs.group = self.bind_group(ctx, &bufs.sim_buf, &bufs.rec_buf, &bufs.seg_buf, &state);
        bufs.state = (state, paths);
        Ok(())
    }

    /// Where the time of every batch since creation went.
    #[must_use]
    pub fn phases(&self) -> StudyPhases {
        let s = |i: usize| self.phase_ns[i].load(Ordering::Relaxed) as f64 * 1e-9;
        StudyPhases {
            kernel_s: s(0),
            readback_s: s(1),
            convert_s: s(2),
        }
    }

    /// Adds the time since `t` to phase `i` and restarts `t`.
    fn lap(&self, i: usize, t: &mut Instant) {
        let ns = u64::try_from(t.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.phase_ns[i].fetch_add(ns, Ordering::Relaxed);
        *t = Instant::now();
    }

    /// The run's slot counts.
    #[must_use]
    pub fn shape(&self) -> StudyShape {
        self.layout.shape
    }

    /// How to read the records of [`Self::run_records`].
    #[must_use]
    pub fn layout(&self) -> &RecordLayout {
        &self.layout
    }

    /// The most paths one dispatch may carry on this device.
    #[must_use]
    pub fn max_batch_paths(&self, ctx: &GpuContext) -> usize {
        let l = ctx.device.limits();
        let record = self.layout.words() as u64 * 4;
        let by_binding = l.max_storage_buffer_binding_size.min(l.max_buffer_size) / record;
        let dim = u64::from(l.max_compute_workgroups_per_dimension);
        let by_grid = dim * dim * u64::from(WORKGROUP_SIZE);
        usize::try_from(by_binding.min(by_grid).min(u64::from(u32::MAX))).unwrap_or(usize::MAX)
    }

    /// `plan` with its paths capped, when it is segmented, to what one
    /// state buffer may hold on this device.
    fn fit_state(&self, ctx: &GpuContext, plan: Plan) -> Plan {
        if plan.segments(self.horizon_days) == 1 {
            return plan;
        }
        let l = ctx.device.limits();
        let bytes = l.max_storage_buffer_binding_size.min(l.max_buffer_size);
        let cap = usize::try_from(bytes / (self.state_words as u64 * 4)).unwrap_or(usize::MAX);
        Plan {
            paths: plan.paths.min(cap.max(1)),
            ..plan
        }
    }

    /// Runs global paths `first_path .. first_path + n` in dispatches of at
    /// most `batch` paths (clamped to the device limits; smaller on a
    /// hardware GPU when the dispatch size says so, see the module docs) and
    /// returns their outcomes in path order; `on_batch` is called with the
    /// paths finished after each dispatch.
    ///
    /// # Errors
    /// A path index beyond `u32::MAX`, dispatch, poll or map failures.
    pub fn run_paths(
        &self,
        ctx: &GpuContext,
        first_path: u64,
        n: usize,
        batch: usize,
        on_batch: impl FnMut(usize),
    ) -> Result<Vec<PathOutcome>, GpuError> {
        let mut out = Vec::with_capacity(n);
        let words = self.layout.words();
        self.run_batches(ctx, first_path, n, batch, on_batch, |records| {
            out.par_extend(
                records
                    .par_chunks_exact(words)
                    .map(|rec| self.layout.outcome(rec)),
            );
        })?;
        Ok(out)
    }

    /// The raw records ([`Self::layout`]'s words per path, in path order) of
    /// global paths `first_path .. first_path + n`, as [`Self::run_paths`]
    /// dispatches them.
    ///
    /// # Errors
    /// As [`Self::run_paths`].
    pub fn run_records(
        &self,
        ctx: &GpuContext,
        first_path: u64,
        n: usize,
        batch: usize,
    ) -> Result<Vec<f32>, GpuError> {
        self.run_records_counted(ctx, first_path, n, batch, |_| {})
    }

    /// [`Self::run_records`], calling `on_batch` with the paths finished
    /// after each dispatch.
    ///
    /// # Errors
    /// As [`Self::run_paths`].
    pub fn run_records_counted(
        &self,
        ctx: &GpuContext,
        first_path: u64,
        n: usize,
        batch: usize,
        on_batch: impl FnMut(usize),
    ) -> Result<Vec<f32>, GpuError> {
        let mut out = Vec::with_capacity(n * self.layout.words());
        self.run_batches(ctx, first_path, n, batch, on_batch, |records| {
            out.extend_from_slice(records);
        })?;
        Ok(out)
    }

    /// Runs global paths `first_path .. first_path + n` in dispatches as
    /// [`Self::run_records`] does, but reduces each dispatch's records on the
    /// device into every one of `reductions` instead of reading them back
    /// (the reduction is queued behind the dispatch, ahead of the next one);
    /// `on_batch` is called with the paths finished after each dispatch.
    ///
    /// # Errors
    /// As [`Self::run_paths`].
    pub fn run_reduced(
        &self,
        ctx: &GpuContext,
        first_path: u64,
        n: usize,
        batch: usize,
        reductions: &[GpuReduction],
        mut on_batch: impl FnMut(usize),
    ) -> Result<(), GpuError> {
        self.on_buffers(ctx, first_path, n, batch, |bufs, paths, batch| {
            let hardware = ctx.is_hardware();
            let mut sizer = self
                .dispatch
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let horizon = self.horizon_days;
            let mut t = Instant::now();
            let mut next = paths.start;
            while next < paths.end {
                let plan = self.fit_state(ctx, sizer.next(batch, hardware, horizon));
                let m = (paths.end - next).min(plan.paths as u64);
                let (mut last, plan, submitted) =
                    self.submit_segments(ctx, bufs, next, m, plan.days)?;
                for r in reductions {
                    if let Some(index) = r.submit(ctx, &bufs.rec_buf, 0, next, m)? {
                        last = index;
                    }
                }
                wait(ctx, &last)?;
                sizer.observe(plan, horizon, submitted.elapsed().as_secs_f64());
                self.lap(0, &mut t);
                ctx.check()?;
                next += m;
                #[expect(clippy::cast_possible_truncation, reason = "at most a batch")]
                on_batch(m as usize);
            }
            Ok(())
        })
    }

    /// Runs `f` on the batch buffers (built or grown to hold the batch) with
    /// paths `first_path .. first_path + n` and the batch clamped to the
    /// device; nothing for no paths. On an error the buffers are dropped (a
    /// staging buffer may be left mapped or a copy in flight: the next call
    /// starts from fresh ones) and a lost device is reported as such rather
    /// than as how this call noticed.
    fn on_buffers(
        &self,
        ctx: &GpuContext,
        first_path: u64,
        n: usize,
        batch: usize,
        f: impl FnOnce(&mut BatchBuffers, std::ops::Range<u64>, usize) -> Result<(), GpuError>,
    ) -> Result<(), GpuError> {
        if n == 0 {
            return Ok(());
        }
        let end = self.path_end(first_path, n)?;
        let batch = batch.clamp(1, self.max_batch_paths(ctx)).min(n);
        let mut cached = self.buffers_for(ctx, batch)?;
        let bufs = cached.as_mut().expect("just set");
        if let Err(e) = f(bufs, first_path..end, batch) {
            *cached = None;
            return Err(ctx.check().err().unwrap_or(e));
        }
        Ok(())
    }

    /// The end of paths `first_path .. first_path + n`, which must fit the
    /// 32-bit path index.
    fn path_end(&self, first_path: u64, n: usize) -> Result<u64, GpuError> {
        first_path
            .checked_add(n as u64)
            .filter(|&e| e <= 1u64 << 32)
            .ok_or_else(|| {
                GpuError::TooLarge(format!(
                    "paths {first_path}..+{n} pass the 32-bit path index"
                ))
            })
    }

    /// The cached batch buffers, (re)built to hold `batch` paths.
    fn buffers_for(
        &self,
        ctx: &GpuContext,
        batch: usize,
    ) -> Result<std::sync::MutexGuard<'_, Option<BatchBuffers>>, GpuError> {
        let mut cached = self
            .batch_buffers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cached.as_ref().is_none_or(|c| c.paths < batch) {
            *cached = None;
            let (bufs, err) = with_error_scopes(&ctx.device, || self.batch_buffers(ctx, batch));
            if let Some(message) = err {
                return Err(GpuError::Allocation {
                    what: "the study's batch buffers",
                    bytes: 3 * (batch * self.layout.words() * 4) as u64,
                    message,
                });
            }
            *cached = Some(bufs);
        }
        Ok(cached)
    }

    /// Dispatches paths `first_path .. first_path + n` and hands each
    /// dispatch's records, in path order, to `take` (timed as the
    /// conversion phase).
    fn run_batches(
        &self,
        ctx: &GpuContext,
        first_path: u64,
        n: usize,
        batch: usize,
        mut on_batch: impl FnMut(usize),
        mut take: impl FnMut(&[f32]),
    ) -> Result<(), GpuError> {
        self.on_buffers(ctx, first_path, n, batch, |bufs, paths, batch| {
            self.dispatches(ctx, bufs, paths, batch, &mut on_batch, &mut take)
        })
    }

    /// The loop of [`Self::run_batches`] on ready buffers.
    fn dispatches(
        &self,
        ctx: &GpuContext,
        bufs: &mut BatchBuffers,
        paths: std::ops::Range<u64>,
        batch: usize,
        on_batch: &mut impl FnMut(usize),
        take: &mut impl FnMut(&[f32]),
    ) -> Result<(), GpuError> {
        let hardware = ctx.is_hardware();
        let mut sizer = self
            .dispatch
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut t = Instant::now();
        let mut next = paths.start;
        let horizon = self.horizon_days;
        let submit = |next: &mut u64, slot: usize, sizer: &DispatchSizer, bufs: &mut _| {
            let plan = self.fit_state(ctx, sizer.next(batch, hardware, horizon));
            let m = (paths.end - *next).min(plan.paths as u64);
            let job = self.submit(ctx, bufs, *next, m, plan.days, slot)?;
            *next += m;
            Ok::<_, GpuError>(job)
        };
        let mut pending = Some(submit(&mut next, 0, &sizer, bufs)?);
        while let Some(job) = pending.take() {
            // The next dispatch group goes in before this one is read back,
            // so the device works while the host maps and converts.
            if next < paths.end {
                pending = Some(submit(&mut next, 1 - job.slot, &sizer, bufs)?);
            }
            wait(ctx, &job.dispatch)?;
            sizer.observe(job.plan, horizon, job.submitted.elapsed().as_secs_f64());
            self.lap(0, &mut t);
            let len = job.paths * self.layout.words() as u64 * 4;
            let staging = &bufs.staging[job.slot];
            with_mapped(
                staging.slice(..len),
                || wait(ctx, &job.copy),
                |bytes| {
                    self.lap(1, &mut t);
                    take(bytemuck::cast_slice(bytes));
                    self.lap(2, &mut t);
                },
            )?;
            staging.unmap();
            self.lap(1, &mut t);
            ctx.check()?;
            #[expect(clippy::cast_possible_truncation, reason = "at most a batch")]
            on_batch(job.paths as usize);
        }
        Ok(())
    }

    /// Submits the dispatch group of paths `start .. start + m`, its
    /// horizon in segments of `days` days (one dispatch each, the first
    /// also running close 0), and the copy of its records to staging buffer
    /// `slot` after the last segment, without waiting.
    fn submit(
        &self,
        ctx: &GpuContext,
        bufs: &mut BatchBuffers,
        start: u64,
        m: u64,
        days: u32,
        slot: usize,
    ) -> Result<InFlight, GpuError> {
        let (dispatch, plan, submitted) = self.submit_segments(ctx, bufs, start, m, days)?;
        let len = m * self.layout.words() as u64 * 4;
        let (copy, err) = with_error_scopes(&ctx.device, || {
            let mut enc = ctx
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some(READBACK),
                });
            enc.copy_buffer_to_buffer(&bufs.rec_buf, 0, &bufs.staging[slot], 0, len);
            ctx.queue.submit([enc.finish()])
        });
        if let Some(message) = err {
            return Err(GpuError::Dispatch {
                label: READBACK,
                message,
            });
        }
        Ok(InFlight {
            paths: m,
            plan,
            slot,
            submitted,
            dispatch,
            copy,
        })
    }

    /// Submits the dispatch group of paths `start .. start + m`, its
    /// horizon in segments of `days` days (one dispatch each, the first
    /// also running close 0), without waiting; returns the last segment's
    /// submission, the group's plan and when its first dispatch was
    /// submitted (after any allocation of the state buffer).
    fn submit_segments(
        &self,
        ctx: &GpuContext,
        bufs: &mut BatchBuffers,
        start: u64,
        m: u64,
        days: u32,
    ) -> Result<(wgpu::SubmissionIndex, Plan, Instant), GpuError> {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "range checked by the caller"
        )]
        let (sim, paths) = (self.sim.for_batch(start as u32, m as u32), m as usize);
        let plan = Plan { paths, days };
        let closes = self.horizon_days + 1;
        let segments = plan.segments(self.horizon_days);
        if segments > 1 {
            self.reserve_state(ctx, bufs, paths)?;
        }
        let submitted = Instant::now();
        let mut dispatch = None;
        for k in 0..segments {
            // Close 0 and days 1..=days, then `days` days a segment; the last
            // ends at the horizon.
            let (day_begin, day_end) = if segments == 1 {
                (0, closes)
            } else {
                (
                    if k == 0 { 0 } else { k * days + 1 },
                    ((k + 1) * days + 1).min(closes),
                )
            };
            let seg = SegmentParams {
                day_begin,
                day_end,
                pad: [0; 2],
            };
            dispatch = Some(submit_paths(
                ctx,
                LABEL,
                &self.kernel.pipeline,
                &[(0, &bufs.group), (TABLES_GROUP, self.tables.bind_group())],
                &[
                    (&bufs.sim_buf, bytemuck::bytes_of(&sim)),
                    (&bufs.seg_buf, bytemuck::bytes_of(&seg)),
                ],
                m,
                WORKGROUP_SIZE,
            )?);
        }
        Ok((dispatch.expect("at least one segment"), plan, submitted))
    }
}

const READBACK: &str = "vixhedge.study.readback";

/// Waits for `submission` (and the callbacks it completes) on the device
/// (`PollType::Wait`,
/// <https://docs.rs/wgpu-types/30.0.2/wgpu_types/enum.PollType.html>).
fn wait(ctx: &GpuContext, submission: &wgpu::SubmissionIndex) -> Result<(), GpuError> {
    ctx.device.poll(wgpu::PollType::Wait {
        submission_index: Some(submission.clone()),
        timeout: None,
    })?;
    Ok(())
}

fn wgpu_uniform(binding: u32, size: usize) -> wgpu::BindGroupLayoutEntry {
    layout_entry(binding, wgpu::BufferBindingType::Uniform, size as u64)
}

/// The study pipeline of `ctx`'s device: compiled on first use and kept in
/// the context, so every study of a process shares it (lavapipe takes
/// minutes to compile it cold).
fn compile(ctx: &GpuContext) -> Result<&Kernel, GpuError> {
    ctx.study_kernel(|| {
        compute_pipeline(
            ctx,
            LABEL,
            shaders::STUDY,
            "main",
            &[
                wgpu_uniform(0, std::mem::size_of::<SimParams>()),
                storage_entry(1, false, 4),
                storage_entry(2, true, 4),
                wgpu_uniform(3, std::mem::size_of::<MarksParams>()),
                storage_entry(4, true, std::mem::size_of::<StudyParams>()),
                storage_entry(5, true, std::mem::size_of::<ProgramDesc>()),
                storage_entry(6, true, std::mem::size_of::<LayerDesc>()),
                storage_entry(7, true, 4),
                storage_entry(8, true, 4),
                wgpu_uniform(9, std::mem::size_of::<SegmentParams>()),
                storage_entry(10, false, 4),
            ],
            true,
            wgpu::PipelineCompilationOptions {
                constants: &[("WORKGROUP_SIZE", f64::from(WORKGROUP_SIZE))],
                zero_initialize_workgroup_memory: false,
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{state_words, StudyShape, CAPACITY};

    #[test]
    fn the_state_of_a_path_is_counted_word_by_word() {
        assert_eq!(state_words(CAPACITY), 1683);
        let one = StudyShape {
            programs: 1,
            condors: 1,
            positions: 1,
            rungs: 1,
        };
        assert_eq!(state_words(one), 35 + 9 + 12 + 4 + 9);
    }
}
