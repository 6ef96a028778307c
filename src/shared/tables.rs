//! Regular-grid lookup tables built once per run on the CPU (exact prices are
//! far too slow per leg per step) and read by both kernels.
//!
//! A table has one to three axes, each a uniform grid in the coordinate the
//! caller chooses (for example sqrt(v) rather than v); the caller transforms its
//! query before the lookup. Lookups are multilinear in `f32`, with the
//! arithmetic fixed below so the WGSL twin (`shaders/shared/tables.wgsl`) gives
//! the same bits:
//!
//! - per axis: `t = (x - lo) * inv_step` clamped to `[0, n - 1]`,
//!   `i = min(floor(t), n - 2)`, `w = t - i`; a query outside `[lo, hi]` is
//!   clamped and reported;
//! - values are combined as `a + (b - a) * w`, the last axis first, then the
//!   middle, then the first.
//!
//! Data are stored row-major: index `(i0 * n1 + i1) * n2 + i2`.

use rayon::prelude::*;
use serde::Serialize;

/// One uniform grid axis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Axis {
    /// First node (in the axis coordinate).
    pub lo: f32,
    /// Last node.
    pub hi: f32,
    /// Number of nodes (at least 2).
    pub n: u32,
    /// (n - 1) / (hi - lo), rounded to `f32` once on the host.
    pub inv_step: f32,
}

impl Axis {
    /// `n >= 2` uniform nodes from `lo` to `hi` (`hi > lo`).
    ///
    /// # Panics
    /// On `n < 2` or `hi <= lo`: a table's shape is a programming decision, not
    /// user input.
    #[must_use]
    pub fn new(lo: f64, hi: f64, n: u32) -> Self {
        assert!(
            n >= 2 && hi > lo,
            "axis needs n >= 2 and hi > lo, got n={n}, [{lo}, {hi}]"
        );
        #[expect(clippy::cast_possible_truncation, reason = "tables are f32 by design")]
        Self {
            lo: lo as f32,
            hi: hi as f32,
            n,
            inv_step: ((f64::from(n) - 1.0) / (hi - lo)) as f32,
        }
    }

    /// Coordinate of node `i`, in `f64`, as the builder evaluates it.
    #[must_use]
    pub fn node(&self, i: u32) -> f64 {
        let (lo, hi) = (f64::from(self.lo), f64::from(self.hi));
        lo + (hi - lo) * f64::from(i) / (f64::from(self.n) - 1.0)
    }

    /// Cell index, weight in [0, 1] and whether `x` was outside `[lo, hi]`.
    #[inline]
    #[must_use]
    pub fn locate(&self, x: f32) -> (u32, f32, bool) {
        let top = (self.n - 1) as f32;
        let t_raw = (x - self.lo) * self.inv_step;
        let outside = !(t_raw >= 0.0 && t_raw <= top);
        let t = t_raw.clamp(0.0, top);
        let i = (t.floor() as u32).min(self.n - 2);
        (i, t - i as f32, outside)
    }
}

/// A table of `f32` values on one to three axes.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What the table holds, with units.
    pub name: String,
    /// The axes, outermost first.
    pub axes: Vec<Axis>,
    /// Values, row-major.
    pub data: Vec<f32>,
}

/// `a + (b - a) * w`, the twin of `table_lerp` in `shaders/shared/tables.wgsl`.
#[inline(always)]
#[must_use]
pub fn lerp(a: f32, b: f32, w: f32) -> f32 {
    a + (b - a) * w
}

impl Table {
    /// Fills a table by evaluating `f` at every node (axis coordinates in
    /// `f64`), in parallel over the outermost axis.
    ///
    /// # Panics
    /// With no axis or more than three.
    pub fn build<F>(name: impl Into<String>, axes: Vec<Axis>, f: F) -> Self
    where
        F: Fn(&[f64]) -> f64 + Sync,
    {
        assert!(
            (1..=3).contains(&axes.len()),
            "tables have one to three axes"
        );
        let inner: usize = axes[1..].iter().map(|a| a.n as usize).product();
        let mut data = vec![0.0f32; axes[0].n as usize * inner];
        data.par_chunks_mut(inner)
            .enumerate()
            .for_each(|(i0, row)| {
                let mut x = [0.0f64; 3];
                x[0] = axes[0].node(i0 as u32);
                for (j, slot) in row.iter_mut().enumerate() {
                    let mut rest = j;
                    for d in (1..axes.len()).rev() {
                        let n = axes[d].n as usize;
                        x[d] = axes[d].node((rest % n) as u32);
                        rest /= n;
                    }
                    #[expect(clippy::cast_possible_truncation, reason = "tables are f32 by design")]
                    {
                        *slot = f(&x[..axes.len()]) as f32;
                    }
                }
            });
        Self {
            name: name.into(),
            axes,
            data,
        }
    }

    /// Multilinear lookup at `x` (one coordinate per axis); returns the value and
    /// whether any coordinate was clamped.
    ///
    /// # Panics
    /// When `x` has the wrong number of coordinates.
    #[must_use]
    pub fn lookup(&self, x: &[f32]) -> (f32, bool) {
        assert_eq!(
            x.len(),
            self.axes.len(),
            "table {} has {} axes",
            self.name,
            self.axes.len()
        );
        match self.axes.len() {
            1 => {
                let (i, w, o) = self.axes[0].locate(x[0]);
                let i = i as usize;
                (lerp(self.data[i], self.data[i + 1], w), o)
            }
            2 => {
                let (i, wi, oi) = self.axes[0].locate(x[0]);
                let (j, wj, oj) = self.axes[1].locate(x[1]);
                let n1 = self.axes[1].n as usize;
                let at = |a: usize, b: usize| self.data[a * n1 + b];
                let (i, j) = (i as usize, j as usize);
                let r0 = lerp(at(i, j), at(i, j + 1), wj);
                let r1 = lerp(at(i + 1, j), at(i + 1, j + 1), wj);
                (lerp(r0, r1, wi), oi || oj)
            }
            _ => {
                let (i, wi, oi) = self.axes[0].locate(x[0]);
                let (j, wj, oj) = self.axes[1].locate(x[1]);
                let (k, wk, ok) = self.axes[2].locate(x[2]);
                let (n1, n2) = (self.axes[1].n as usize, self.axes[2].n as usize);
                let at = |a: usize, b: usize, c: usize| self.data[(a * n1 + b) * n2 + c];
                let (i, j, k) = (i as usize, j as usize, k as usize);
                let c00 = lerp(at(i, j, k), at(i, j, k + 1), wk);
                let c01 = lerp(at(i, j + 1, k), at(i, j + 1, k + 1), wk);
                let c10 = lerp(at(i + 1, j, k), at(i + 1, j, k + 1), wk);
                let c11 = lerp(at(i + 1, j + 1, k), at(i + 1, j + 1, k + 1), wk);
                let c0 = lerp(c00, c01, wj);
                let c1 = lerp(c10, c11, wj);
                (lerp(c0, c1, wi), oi || oj || ok)
            }
        }
    }

    /// Size of the values in bytes.
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.data.len() * std::mem::size_of::<f32>()
    }
}

/// Where one table lives in a [`PackedTables`] value array and how its axes
/// map coordinates to nodes (64 bytes): the GPU uploads these headers as they
/// are. Keep in sync with `TableHeader` in `shaders/shared/tables.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct TableHeader {
    /// Index (in `f32` values, not bytes) of the table's first value.
    pub offset: u32,
    /// Number of axes, 1 to 3.
    pub n_axes: u32,
    /// Nodes on each axis; 1 on an axis the table does not have.
    pub n: [u32; 3],
    /// Padding.
    pub _pad0: [u32; 3],
    /// First node of each axis (axis coordinate); 0 on an unused axis.
    pub lo: [f32; 3],
    /// Padding.
    pub _pad1: f32,
    /// `(n - 1) / (hi - lo)` of each axis as stored in [`Axis`]; 0 on an
    /// unused axis.
    pub inv_step: [f32; 3],
    /// Padding.
    pub _pad2: f32,
}

const _: () = assert!(std::mem::size_of::<TableHeader>() == 64);

impl TableHeader {
    /// The header of `table` stored from value index `offset` on.
    #[must_use]
    pub fn new(table: &Table, offset: u32) -> Self {
        let mut h = Self {
            offset,
            n_axes: table.axes.len() as u32,
            n: [1; 3],
            ..Self::default()
        };
        for (d, axis) in table.axes.iter().enumerate().take(3) {
            h.n[d] = axis.n;
            h.lo[d] = axis.lo;
            h.inv_step[d] = axis.inv_step;
        }
        h
    }
}

/// A table set that does not fit the packed layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PackError(pub String);

/// Every table of a run in one array of `f32` values plus one
/// [`TableHeader`] per table, the layout both kernels read
/// (`shaders/shared/tables.wgsl` on the GPU, [`PackedTables::lookup3`] on
/// the CPU). Table `t` of the slice given to [`PackedTables::pack`] is table
/// index `t`.
#[derive(Debug, Clone, PartialEq)]
pub struct PackedTables {
    /// The values of every table, concatenated (at least one value).
    pub data: Vec<f32>,
    /// One header per table (at least one).
    pub headers: Vec<TableHeader>,
    /// Tables packed (`headers` holds one zero header when there are none).
    pub count: usize,
}

/// Cell of one axis: node index, weight in [0, 1] and whether the query was
/// outside (the twin of `AxisCell` in `shaders/shared/tables.wgsl`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AxisCell {
    /// Node index `i` (at most `n - 2`).
    pub i: u32,
    /// Weight of node `i + 1`.
    pub w: f32,
    /// Whether the coordinate lay outside the axis (or was NaN).
    pub outside: bool,
}

/// Twin of `table_locate` in `shaders/shared/tables.wgsl` (and of
/// [`Axis::locate`]): `t = (x - lo) * inv` clamped to `[0, n - 1]`,
/// `i = min(floor(t), n - 2)`, `w = t - i`.
#[inline(always)]
#[must_use]
pub fn table_locate(x: f32, lo: f32, inv: f32, n: u32) -> AxisCell {
    let top = (n - 1) as f32;
    let t_raw = (x - lo) * inv;
    let inside = t_raw >= 0.0 && t_raw <= top;
    // f32::clamp without its assertion, so the lane loops stay branch-free.
    let t = if t_raw < 0.0 {
        0.0
    } else if t_raw > top {
        top
    } else {
        t_raw
    };
    let i = (t.floor() as u32).min(n - 2);
    AxisCell {
        i,
        w: t - i as f32,
        outside: !inside,
    }
}

impl PackedTables {
    /// Concatenates the values of `tables` and builds their headers. With no
    /// table (or no value) the arrays still get one zero entry: wgpu rejects
    /// empty bindings.
    ///
    /// # Errors
    /// A table with other than one to three axes, a value count that does not
    /// match its axes, or values beyond the 32-bit index.
    pub fn pack(tables: &[&Table]) -> Result<Self, PackError> {
        let mut data = Vec::with_capacity(tables.iter().map(|t| t.data.len()).sum());
        let mut headers = Vec::with_capacity(tables.len().max(1));
        for table in tables {
            let expected: usize = table.axes.iter().map(|a| a.n as usize).product();
            if !(1..=3).contains(&table.axes.len()) || table.data.len() != expected {
                return Err(PackError(format!(
                    "table {:?}: {} axes and {} values (expected 1 to 3 axes and {expected} values)",
                    table.name,
                    table.axes.len(),
                    table.data.len()
                )));
            }
            let offset = u32::try_from(data.len())
                .ok()
                .filter(|o| u64::from(*o) + expected as u64 <= u64::from(u32::MAX))
                .ok_or_else(|| {
                    PackError(format!(
                        "table {:?} lies beyond the 32-bit value index",
                        table.name
                    ))
                })?;
            headers.push(TableHeader::new(table, offset));
            data.extend_from_slice(&table.data);
        }
        if data.is_empty() {
            data.push(0.0);
        }
        if headers.is_empty() {
            headers.push(bytemuck::Zeroable::zeroed());
        }
        Ok(Self {
            data,
            headers,
            count: tables.len(),
        })
    }

    /// Value `i` of the data array.
    ///
    /// Indices come from [`table_locate`] cells of a header of these tables,
    /// so they lie inside the array; the check is a debug assertion only so
    /// the lane loops of the CPU kernel vectorise into gathers.
    #[inline(always)]
    #[must_use]
    pub fn at(&self, i: u32) -> f32 {
        debug_assert!((i as usize) < self.data.len());
        // SAFETY: every caller passes an index derived from a header's offset
        // and clamped cells of that header's axes (`table_locate` keeps i <=
        // n - 2 and the caller adds at most 1 per axis), and `pack` checked
        // that each table's values lie inside `data`.
        unsafe { *self.data.get_unchecked(i as usize) }
    }

    /// Twin of `table_lookup3` in `shaders/shared/tables.wgsl`: the value of
    /// the three-axis table `tab` at `(x0, x1, x2)`, last axis first, then
    /// the middle, then the first, and whether a coordinate was clamped.
    #[inline(always)]
    #[must_use]
    pub fn lookup3(&self, tab: u32, x0: f32, x1: f32, x2: f32) -> (f32, bool) {
        let h = &self.headers[tab as usize];
        let ci = table_locate(x0, h.lo[0], h.inv_step[0], h.n[0]);
        let cj = table_locate(x1, h.lo[1], h.inv_step[1], h.n[1]);
        let ck = table_locate(x2, h.lo[2], h.inv_step[2], h.n[2]);
        let v = self.corners3(h, ci, cj, ck);
        (v, ci.outside || cj.outside || ck.outside)
    }

    /// The trilinear value of table header `h` in the cells `ci`, `cj`, `ck`
    /// (the arithmetic of `table_lookup3` after its locates).
    #[inline(always)]
    #[must_use]
    pub fn corners3(&self, h: &TableHeader, ci: AxisCell, cj: AxisCell, ck: AxisCell) -> f32 {
        let (n1, n2) = (h.n[1], h.n[2]);
        let a00 = h.offset + (ci.i * n1 + cj.i) * n2 + ck.i;
        let a01 = a00 + n2;
        let a10 = a00 + n1 * n2;
        let a11 = a10 + n2;
        let c00 = lerp(self.at(a00), self.at(a00 + 1), ck.w);
        let c01 = lerp(self.at(a01), self.at(a01 + 1), ck.w);
        let c10 = lerp(self.at(a10), self.at(a10 + 1), ck.w);
        let c11 = lerp(self.at(a11), self.at(a11 + 1), ck.w);
        let c0 = lerp(c00, c01, cj.w);
        let c1 = lerp(c10, c11, cj.w);
        lerp(c0, c1, ci.w)
    }

    /// Bytes of values and headers.
    #[must_use]
    pub fn bytes(&self) -> usize {
        std::mem::size_of_val(self.data.as_slice()) + std::mem::size_of_val(self.headers.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multilinear_functions_are_reproduced_exactly_at_nodes_and_closely_between() {
        let t = Table::build(
            "f",
            vec![
                Axis::new(0.0, 1.0, 5),
                Axis::new(-1.0, 1.0, 9),
                Axis::new(2.0, 3.0, 3),
            ],
            |x| 1.0 + 2.0 * x[0] - x[1] + 0.5 * x[2],
        );
        for &(a, b, c) in &[
            (0.0f32, -1.0f32, 2.0f32),
            (0.3, 0.1, 2.7),
            (1.0, 1.0, 3.0),
            (0.51, -0.77, 2.2),
        ] {
            let (v, o) = t.lookup(&[a, b, c]);
            let want = 1.0 + 2.0 * a - b + 0.5 * c;
            assert!((v - want).abs() < 1e-5, "{v} vs {want}");
            assert!(!o);
        }
        let (v, o) = t.lookup(&[2.0, 0.0, 2.5]);
        assert!(o, "outside must be reported");
        assert!(
            (v - (1.0 + 2.0 - 0.0 + 1.25)).abs() < 1e-5,
            "clamped to the edge: {v}"
        );
    }

    #[test]
    fn one_and_two_axis_tables() {
        let t1 = Table::build("g", vec![Axis::new(0.0, 2.0, 3)], |x| x[0] * x[0]);
        assert_eq!(t1.lookup(&[0.5]).0, 0.5); // chord between 0 and 1
        let t2 = Table::build(
            "h",
            vec![Axis::new(0.0, 1.0, 2), Axis::new(0.0, 1.0, 2)],
            |x| x[0] * x[1],
        );
        assert!((t2.lookup(&[0.5, 0.5]).0 - 0.25).abs() < 1e-7);
        assert_eq!(t2.data, vec![0.0, 0.0, 0.0, 1.0]);
    }
}
