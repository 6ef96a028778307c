//! What a long run shows while it runs, and how it stops: a progress display
//! on stderr, and SIGINT/SIGTERM turned into a flag the run checks between
//! batches.

use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Exit status of a run stopped by SIGINT or SIGTERM (128 + SIGINT's 2, as
/// shells report a process that SIGINT ended).
pub const INTERRUPTED: i32 = 130;

/// Seconds between progress lines when stderr is not a terminal; the
/// environment variable `VIXHEDGE_PROGRESS_SECS` changes it.
pub const PROGRESS_SECS: f64 = 5.0;

/// The process's stop flag, set by the first SIGINT or SIGTERM. The handlers
/// are installed on first use; from then on a second signal ends the process
/// at once with status [`INTERRUPTED`].
///
/// # Errors
/// The handlers cannot be installed.
pub fn stop_flag() -> std::io::Result<Arc<AtomicBool>> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    if let Some(flag) = FLAG.get() {
        return Ok(Arc::clone(flag));
    }
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // Registered first, so it sees the flag as it was before this signal.
        signal_hook::flag::register_conditional_shutdown(sig, INTERRUPTED, Arc::clone(&flag))?;
        signal_hook::flag::register(sig, Arc::clone(&flag))?;
    }
    Ok(Arc::clone(FLAG.get_or_init(|| flag)))
}

/// Progress of a run: `done` of `total` paths, of which `base` were done
/// before this process started (a resumed run).
pub struct Progress<'a> {
    /// Paths finished, `base` included; the engines add to it as paths finish.
    pub done: &'a AtomicUsize,
    /// Paths done before this process.
    pub base: usize,
    /// Paths of the run.
    pub total: usize,
    /// What runs, such as `shard 1/4` or `job 2/5 (calm-check)`; may be empty.
    pub label: String,
}

/// Shows progress on stderr until `stop` is set: on a terminal a bar
/// refreshed four times a second once the run has lasted a second; otherwise
/// (a log file, a batch scheduler) one line every [`PROGRESS_SECS`] seconds.
pub fn show(p: &Progress<'_>, stop: &AtomicBool) {
    let t = Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let every = std::env::var("VIXHEDGE_PROGRESS_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .unwrap_or(PROGRESS_SECS);
    let tick = if terminal {
        Duration::from_millis(250)
    } else {
        Duration::from_secs_f64((every / 4.0).clamp(0.01, 0.25))
    };
    let mut shown = false;
    let mut last_line = 0.0;
    let label = if p.label.is_empty() {
        String::new()
    } else {
        format!("{}: ", p.label)
    };
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(tick);
        let s = t.elapsed().as_secs_f64();
        let done = p.done.load(Ordering::Relaxed).min(p.total);
        let frac = done as f64 / p.total.max(1) as f64;
        let new = done.saturating_sub(p.base);
        let left = p.total - done;
        let eta = if new > 0 {
            format!("about {:.0} s left", s * left as f64 / new as f64)
        } else {
            "time left not known yet".to_string()
        };
        if terminal {
            if s < 1.0 {
                continue;
            }
            let bar: String = (0..30)
                .map(|i| if f64::from(i) < frac * 30.0 { '#' } else { '.' })
                .collect();
            eprint!(
                "\r{label}[{bar}] {done}/{} paths, {s:.0} s elapsed, {eta} ",
                p.total
            );
            shown = true;
        } else if s - last_line >= every {
            last_line = s;
            eprintln!(
                "progress: {label}{done}/{} paths ({:.1}%), {s:.0} s elapsed, {eta}",
                p.total,
                100.0 * frac
            );
        }
    }
    if shown {
        eprintln!();
    }
}
