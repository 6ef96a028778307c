//! Sums of a sine series on a uniform grid by one fast convolution: the grid
//! of the COS distribution function ([`super::options`]) in `O(M log M)`
//! operations instead of `O(n used)`.
//!
//! The sums `S_i = sum_{j=1}^{n-1} w_j sin(pi j i / (2n))`, `i = 0..=used`,
//! are the imaginary parts of the discrete Fourier sums
//! `X_i = sum_j w_j W^{i j}`, `W = e^{i pi / (2n)}`, for an arbitrary `n`.
//! Bluestein's identity `i j = (i^2 + j^2 - (i - j)^2) / 2` turns them into a
//! convolution, `X_i = A_i sum_j (w_j A_j) conj(A_{i-j})` with the chirp
//! `A_k = e^{i pi k^2 / (4n)}`, evaluated by radix-2 FFTs of a power-of-two
//! length `M >= n + used`. The chirp's angles are reduced exactly in integers
//! (`k^2 mod 8n`), and every twiddle factor is one `sin_cos` of an exact
//! angle, so the rounding error is that of the FFTs: about `1e-16 log2 M`
//! times the size of the coefficients, the same order as the direct sum's.

use num_complex::Complex64;

/// `S_i = sum_{j=1}^{n-1} coeffs[j - 1] sin(pi j i / (2n))` for `i = 0..=used`
/// (`coeffs.len() = n - 1`).
#[must_use]
pub fn sine_sums(coeffs: &[f64], used: usize) -> Vec<f64> {
    let n = coeffs.len() + 1;
    let len = (n + used + 1).next_power_of_two();
    let period = 8 * n as u64;
    // A_k = e^{i pi k^2 / (4n)}, the angle reduced modulo 2 pi exactly.
    let chirp = |k: usize| {
        let k = k as u64;
        let r = (k * k) % period;
        Complex64::from_polar(1.0, std::f64::consts::PI * r as f64 / (4 * n) as f64)
    };
    // chirps[k] = A_k for k < max(n, used + 1)
    let chirps: Vec<Complex64> = (0..n.max(used + 1)).map(chirp).collect();
    let mut a = vec![Complex64::new(0.0, 0.0); len];
    for (j, &w) in coeffs.iter().enumerate() {
        a[j + 1] = chirps[j + 1] * w;
    }
    // b_k = conj(A_k) for k in -(n - 1)..=used, stored at k mod len.
    let mut b = vec![Complex64::new(0.0, 0.0); len];
    for k in 0..=used {
        b[k] = chirps[k].conj();
    }
    for k in 1..n {
        b[len - k] = chirps[k].conj();
    }
    TWIDDLES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() != len / 2 {
            *cache = twiddles(len);
        }
        fft(&mut a, &cache);
        fft(&mut b, &cache);
        for (x, y) in a.iter_mut().zip(&b) {
            *x *= *y;
        }
        // Inverse by conjugation: ifft(x) = conj(fft(conj(x))) / len.
        a.iter_mut().for_each(|x| *x = x.conj());
        fft(&mut a, &cache);
    });
    let scale = 1.0 / len as f64;
    (0..=used)
        .map(|i| (chirps[i] * a[i].conj() * scale).im)
        .collect()
}

thread_local! {
    /// The twiddle factors of the last FFT length used on this thread.
    static TWIDDLES: std::cell::RefCell<Vec<Complex64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `e^{-2 pi i k / len}`, `k < len / 2`, each from its exact angle.
fn twiddles(len: usize) -> Vec<Complex64> {
    (0..len / 2)
        .map(|k| Complex64::from_polar(1.0, -2.0 * std::f64::consts::PI * k as f64 / len as f64))
        .collect()
}

/// In-place forward DFT (`sum_k x_k e^{-2 pi i j k / len}`) of a power-of-two
/// length: iterative radix-2, decimation in time.
fn fft(x: &mut [Complex64], tw: &[Complex64]) {
    let len = x.len();
    debug_assert!(len.is_power_of_two() && tw.len() == len / 2);
    let bits = len.trailing_zeros();
    if bits == 0 {
        return;
    }
    for i in 0..len {
        let j = i.reverse_bits() >> (usize::BITS - bits);
        if j > i {
            x.swap(i, j);
        }
    }
    let mut half = 1;
    while half < len {
        let stride = len / (2 * half);
        for start in (0..len).step_by(2 * half) {
            for k in 0..half {
                let t = x[start + k + half] * tw[k * stride];
                let u = x[start + k];
                x[start + k] = u + t;
                x[start + k + half] = u - t;
            }
        }
        half *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sine_sums_match_the_direct_sums() {
        for &(n, used) in &[
            (2usize, 4usize),
            (5, 10),
            (513, 1026),
            (700, 300),
            (1000, 2000),
        ] {
            let coeffs: Vec<f64> = (1..n).map(|j| (0.37 * j as f64).cos() / j as f64).collect();
            let fast = sine_sums(&coeffs, used);
            assert_eq!(fast.len(), used + 1);
            for (i, &f) in fast.iter().enumerate() {
                let direct: f64 = coeffs
                    .iter()
                    .enumerate()
                    .map(|(j, &w)| {
                        let arg = std::f64::consts::PI * ((j + 1) * i) as f64 / (2 * n) as f64;
                        w * arg.sin()
                    })
                    .sum();
                assert!((f - direct).abs() < 1e-13, "n {n} i {i}: {f} vs {direct}");
            }
        }
    }
}
