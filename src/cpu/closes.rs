//! The path kernel's states at every close (the CPU side of
//! `params.record_closes = 1` in `shaders/path_step.wgsl`): for statistics of
//! daily closes, such as `vixhedge facts`.

use rayon::prelude::*;

use super::path_step::{LaneBlock, LANES};
use crate::shared::bootstrap::{BootstrapPath, BootstrapSeries};
use crate::shared::params::{SimParams, TerminalState};

/// Simulates global paths `first_path .. first_path + n` and returns, path
/// after path, the state (y = ln(S_t / S_0), v) at day 0 and at the close of
/// every day: `days + 1` states a path, `days = n_steps / steps_per_day`.
/// Bit for bit the states the blocked path kernel reaches, in parallel over
/// blocks of [`LANES`] paths. With `p.boot_days > 0` the paths are bootstrap
/// paths of `boot` instead, and `v` holds the bits of the history day
/// (`f32::from_bits`), as in `shaders/path_step.wgsl`.
///
/// # Panics
/// `p.boot_days > 0` without its series.
#[must_use]
pub fn simulate_closes(
    p: &SimParams,
    first_path: u32,
    n: usize,
    boot: Option<&BootstrapSeries>,
) -> Vec<TerminalState> {
    let days = (p.n_steps / p.steps_per_day) as usize;
    let per_path = days + 1;
    let mut out = vec![TerminalState::default(); n * per_path];
    if p.boot_days > 0 {
        let s = boot.expect("bootstrap parameters come with their series");
        let key = [p.key0, p.key1];
        out.par_chunks_mut(per_path)
            .enumerate()
            .for_each(|(i, chunk)| {
                #[expect(clippy::cast_possible_truncation, reason = "path indices are u32")]
                let path = first_path.wrapping_add(i as u32);
                let mut b = BootstrapPath::start(s, key, path);
                let state = |b: &BootstrapPath| TerminalState {
                    y: b.y(),
                    v: f32::from_bits(b.day),
                };
                chunk[0] = state(&b);
                for (d, slot) in (1u32..).zip(chunk.iter_mut().skip(1)) {
                    b.step(s, key, path, d);
                    *slot = state(&b);
                }
            });
        return out;
    }
    out.par_chunks_mut(LANES * per_path)
        .enumerate()
        .for_each(|(b, chunk)| {
            #[expect(clippy::cast_possible_truncation, reason = "path indices are u32")]
            let first = first_path.wrapping_add((b * LANES) as u32);
            let lanes = chunk.len() / per_path;
            let mut block = LaneBlock::new(p, first);
            let mut put = |day: usize, block: &LaneBlock| {
                for l in 0..lanes {
                    chunk[l * per_path + day] = TerminalState {
                        y: block.y[l],
                        v: block.v[l],
                    };
                }
            };
            put(0, &block);
            for day in 1..=days {
                #[expect(clippy::cast_possible_truncation, reason = "steps fit u32")]
                let d = day as u32;
                for s in 0..p.steps_per_day {
                    block.step(p, (d - 1) * p.steps_per_day + s);
                }
                put(day, &block);
            }
        });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn last_close_is_the_terminal_state() {
        let mut c = Config::preset("default").unwrap();
        c.simulation.horizon_days = 12;
        c.simulation.steps_per_day = 2;
        c.market.v0 = crate::config::InitialVariance::Stationary;
        let p = c.sim_params().unwrap();
        let n = 37;
        let closes = simulate_closes(&p, 5, n, None);
        for i in 0..n {
            let path = 5 + i as u32;
            let want = super::super::path_step::simulate_path_scalar(&p, path);
            assert_eq!(closes[i * 13 + 12], want, "path {path}");
            assert_eq!(closes[i * 13].y, 0.0);
            assert_eq!(
                closes[i * 13].v,
                super::super::burn_in::start_variance(&p, path)
            );
        }
    }
}
