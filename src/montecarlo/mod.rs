//! Monte Carlo estimators over simulated terminal states: discounted payoff
//! means with standard errors, accumulated in `f64`.

pub mod price;

use crate::shared::params::TerminalState;

/// A Monte Carlo mean and its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Sample mean.
    pub mean: f64,
    /// Standard error of the mean (sample standard deviation / sqrt(n)).
    pub stderr: f64,
    /// Number of samples.
    pub n: usize,
}

/// Mean and standard error of `f(S_T)` over the paths, with
/// `S_T = spot * exp(y)` computed in `f64`.
pub fn estimate<F: Fn(f64) -> f64>(states: &[TerminalState], spot: f64, f: F) -> Estimate {
    // Shifted sums (by the first sample) keep the variance accurate when the mean
    // is large compared with the spread.
    let n = states.len();
    if n == 0 {
        return Estimate {
            mean: f64::NAN,
            stderr: f64::NAN,
            n,
        };
    }
    let shift = f(spot * f64::from(states[0].y).exp());
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for st in states {
        let x = f(spot * f64::from(st.y).exp()) - shift;
        s1 += x;
        s2 += x * x;
    }
    let nf = n as f64;
    let mean = s1 / nf;
    let var = if n > 1 {
        ((s2 - s1 * mean) / (nf - 1.0)).max(0.0)
    } else {
        0.0
    };
    Estimate {
        mean: mean + shift,
        stderr: (var / nf).sqrt(),
        n,
    }
}

/// Discounted European payoff estimate: `discount * E[payoff(S_T)]`.
pub fn discounted<F: Fn(f64) -> f64>(
    states: &[TerminalState],
    spot: f64,
    discount: f64,
    payoff: F,
) -> Estimate {
    let e = estimate(states, spot, payoff);
    Estimate {
        mean: e.mean * discount,
        stderr: e.stderr * discount,
        n: e.n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_stderr_match_a_direct_computation() {
        let ys = [0.1f32, -0.2, 0.05, 0.3, -0.1];
        let states: Vec<_> = ys.iter().map(|&y| TerminalState { y, v: 0.0 }).collect();
        let e = estimate(&states, 100.0, |s| (s - 100.0).max(0.0));
        let xs: Vec<f64> = ys
            .iter()
            .map(|&y| (100.0 * f64::from(y).exp() - 100.0).max(0.0))
            .collect();
        let m = xs.iter().sum::<f64>() / 5.0;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / 4.0;
        assert!((e.mean - m).abs() < 1e-12);
        assert!((e.stderr - (v / 5.0).sqrt()).abs() < 1e-12);
    }
}
