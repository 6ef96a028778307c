//! A small derivative-free minimiser (Nelder and Mead 1965, with the
//! standard coefficients and a shrink step) and central-difference
//! derivatives, for the calibration's likelihood.

/// Minimises `f` from `x0` with initial simplex steps `step` (one per
/// coordinate), for at most `max_evals` evaluations or until the simplex's
/// function values agree within `ftol` (absolute). Returns (x, f(x), evals).
/// Deterministic: the same inputs give the same result.
pub fn nelder_mead(
    f: &dyn Fn(&[f64]) -> f64,
    x0: &[f64],
    step: &[f64],
    max_evals: usize,
    ftol: f64,
) -> (Vec<f64>, f64, usize) {
    let n = x0.len();
    let mut simplex: Vec<Vec<f64>> = vec![x0.to_vec()];
    for i in 0..n {
        let mut x = x0.to_vec();
        x[i] += step[i];
        simplex.push(x);
    }
    let mut values: Vec<f64> = simplex.iter().map(|x| f(x)).collect();
    let mut evals = n + 1;
    let sanitize = |v: f64| if v.is_nan() { f64::INFINITY } else { v };
    for v in &mut values {
        *v = sanitize(*v);
    }
    while evals < max_evals {
        let mut order: Vec<usize> = (0..=n).collect();
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        simplex = order.iter().map(|&i| simplex[i].clone()).collect();
        values = order.iter().map(|&i| values[i]).collect();
        if (values[n] - values[0]).abs() <= ftol {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|x| x[j]).sum::<f64>() / n as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            (0..n)
                .map(|j| centroid[j] + t * (simplex[n][j] - centroid[j]))
                .collect()
        };
        let xr = along(-1.0);
        let fr = sanitize(f(&xr));
        evals += 1;
        if fr < values[0] {
            let xe = along(-2.0);
            let fe = sanitize(f(&xe));
            evals += 1;
            if fe < fr {
                simplex[n] = xe;
                values[n] = fe;
            } else {
                simplex[n] = xr;
                values[n] = fr;
            }
        } else if fr < values[n - 1] {
            simplex[n] = xr;
            values[n] = fr;
        } else {
            let (xc, fc) = if fr < values[n] {
                let x = along(-0.5);
                let v = sanitize(f(&x));
                (x, v)
            } else {
                let x = along(0.5);
                let v = sanitize(f(&x));
                (x, v)
            };
            evals += 1;
            if fc < values[n].min(fr) {
                simplex[n] = xc;
                values[n] = fc;
            } else {
                let best = simplex[0].clone();
                for (x, value) in simplex.iter_mut().zip(values.iter_mut()).skip(1) {
                    for (xj, bj) in x.iter_mut().zip(&best) {
                        *xj = bj + 0.5 * (*xj - bj);
                    }
                    *value = sanitize(f(x));
                }
                evals += n;
            }
        }
    }
    let best = (0..=n)
        .min_by(|&a, &b| values[a].total_cmp(&values[b]))
        .unwrap_or(0);
    (simplex[best].clone(), values[best], evals)
}

/// Central-difference step for coordinate value `x`: relative, with a floor.
fn h_of(x: f64) -> f64 {
    1e-4 * x.abs().max(1e-3)
}

/// The Hessian of `f` at `x` by central differences.
pub fn hessian(f: &dyn Fn(&[f64]) -> f64, x: &[f64]) -> Vec<Vec<f64>> {
    let n = x.len();
    let mut h = vec![vec![0.0; n]; n];
    let f0 = f(x);
    let at = |di: &[(usize, f64)]| {
        let mut y = x.to_vec();
        for &(i, d) in di {
            y[i] += d;
        }
        f(&y)
    };
    for i in 0..n {
        let hi = h_of(x[i]);
        h[i][i] = (at(&[(i, hi)]) - 2.0 * f0 + at(&[(i, -hi)])) / (hi * hi);
        for j in 0..i {
            let hj = h_of(x[j]);
            let v = (at(&[(i, hi), (j, hj)]) - at(&[(i, hi), (j, -hj)]) - at(&[(i, -hi), (j, hj)])
                + at(&[(i, -hi), (j, -hj)]))
                / (4.0 * hi * hj);
            h[i][j] = v;
            h[j][i] = v;
        }
    }
    h
}

/// Per-observation gradients of `terms` (a vector of per-observation values
/// at a parameter vector) at `x`, by central differences: `g[t][i]`.
pub fn term_gradients(terms: &dyn Fn(&[f64]) -> Vec<f64>, x: &[f64]) -> Vec<Vec<f64>> {
    let n = x.len();
    let mut cols = Vec::with_capacity(n);
    for i in 0..n {
        let hi = h_of(x[i]);
        let mut up = x.to_vec();
        up[i] += hi;
        let mut dn = x.to_vec();
        dn[i] -= hi;
        let (a, b) = (terms(&up), terms(&dn));
        cols.push(
            a.iter()
                .zip(&b)
                .map(|(u, d)| (u - d) / (2.0 * hi))
                .collect::<Vec<f64>>(),
        );
    }
    let t = cols.first().map_or(0, Vec::len);
    (0..t)
        .map(|k| (0..n).map(|i| cols[i][k]).collect())
        .collect()
}

/// The inverse of a symmetric positive-definite matrix by Gauss-Jordan
/// elimination with partial pivoting; `None` when singular.
#[must_use]
pub fn invert(m: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = m.len();
    let mut a: Vec<Vec<f64>> = m
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..n).map(|j| f64::from(u8::from(i == j))));
            r
        })
        .collect();
    for c in 0..n {
        let p = (c..n).max_by(|&x, &y| a[x][c].abs().total_cmp(&a[y][c].abs()))?;
        if a[p][c].abs() < 1e-300 {
            return None;
        }
        a.swap(c, p);
        let d = a[c][c];
        for v in &mut a[c] {
            *v /= d;
        }
        for r in 0..n {
            if r != c {
                let k = a[r][c];
                if k != 0.0 {
                    let pivot = a[c].clone();
                    for (x, p) in a[r].iter_mut().zip(&pivot) {
                        *x -= k * p;
                    }
                }
            }
        }
    }
    Some(a.into_iter().map(|r| r[n..].to_vec()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_a_rosenbrock_valley() {
        let f = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let (x, v, _) = nelder_mead(&f, &[-1.2, 1.0], &[0.5, 0.5], 10_000, 1e-16);
        assert!(
            (x[0] - 1.0).abs() < 1e-4 && (x[1] - 1.0).abs() < 1e-4,
            "{x:?} {v}"
        );
    }

    #[test]
    fn hessian_and_inverse_of_a_quadratic() {
        // f = x^2 + x y + 2 y^2: Hessian [[2, 1], [1, 4]], inverse [[4, -1], [-1, 2]] / 7.
        let f = |x: &[f64]| x[0] * x[0] + x[0] * x[1] + 2.0 * x[1] * x[1];
        let h = hessian(&f, &[0.3, -0.2]);
        let want = [[2.0, 1.0], [1.0, 4.0]];
        for i in 0..2 {
            for j in 0..2 {
                assert!((h[i][j] - want[i][j]).abs() < 1e-5, "{h:?}");
            }
        }
        let inv = invert(&h).unwrap();
        assert!((inv[0][0] - 4.0 / 7.0).abs() < 1e-5 && (inv[0][1] + 1.0 / 7.0).abs() < 1e-5);
    }
}
