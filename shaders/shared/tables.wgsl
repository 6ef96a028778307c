// Regular-grid lookup tables: the WGSL twin of `Table::lookup` in src/shared/tables.rs,
// whose module doc fixes the arithmetic. Every table of a run lives in ONE
// storage buffer of concatenated f32 values, described by one header per
// table (src/gpu/tables.rs packs both).
//
// Binding slots (the whole of bind group 1, owned by `GpuTables`): a kernel
// that includes this module keeps its own resources in group 0 and binds
// `GpuTables::bind_group` at group 1.
//
// Keep `TableHeader` in sync with `TableHeader` in src/gpu/tables.rs (64 bytes,
// u32/f32 only, so the same struct also fits a uniform buffer).

struct TableHeader {
    // Index of the table's first value in `table_data`.
    offset: u32,
    // Number of axes, 1 to 3.
    n_axes: u32,
    // Nodes per axis (at least 2 on a used axis; 1 on an unused one).
    n0: u32,
    n1: u32,
    n2: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
    // First node per axis, in the axis coordinate.
    lo0: f32,
    lo1: f32,
    lo2: f32,
    _pad3: f32,
    // (n - 1) / (hi - lo) per axis, rounded to f32 once on the host.
    inv0: f32,
    inv1: f32,
    inv2: f32,
    _pad4: f32,
}

// A table value and whether any coordinate of the query was clamped to the
// grid (including a NaN coordinate, whose value is then unspecified).
struct TableValue {
    value: f32,
    clamped: bool,
}

// Cell of one axis: node index i, weight w in [0, 1], and whether x lay outside.
struct AxisCell {
    i: u32,
    w: f32,
    outside: bool,
}

@group(1) @binding(0) var<storage, read> table_data: array<f32>;
@group(1) @binding(1) var<storage, read> table_headers: array<TableHeader>;

// Twin of `Axis::locate`: t = (x - lo) * inv clamped to [0, n - 1],
// i = min(floor(t), n - 2), w = t - i. A NaN t counts as outside; its value is
// unspecified (NaN on the CPU) but the index stays in range through the min.
fn table_locate(x: f32, lo: f32, inv: f32, n: u32) -> AxisCell {
    let top = f32(n - 1u);
    let t_raw = (x - lo) * inv;
    let inside = t_raw >= 0.0f && t_raw <= top;
    let t = clamp(t_raw, 0.0f, top);
    let i = min(u32(floor(t)), n - 2u);
    return AxisCell(i, t - f32(i), !inside);
}

// Twin of `lerp` in src/shared/tables.rs.
fn table_lerp(a: f32, b: f32, w: f32) -> f32 {
    return a + (b - a) * w;
}

// Lookup in the one-axis table number `tab`.
fn table_lookup1(tab: u32, x0: f32) -> TableValue {
    let h = table_headers[tab];
    let c0 = table_locate(x0, h.lo0, h.inv0, h.n0);
    let base = h.offset + c0.i;
    return TableValue(table_lerp(table_data[base], table_data[base + 1u], c0.w), c0.outside);
}

// Lookup in the two-axis table number `tab`: the last axis first, like the CPU.
fn table_lookup2(tab: u32, x0: f32, x1: f32) -> TableValue {
    let h = table_headers[tab];
    let ci = table_locate(x0, h.lo0, h.inv0, h.n0);
    let cj = table_locate(x1, h.lo1, h.inv1, h.n1);
    let a = h.offset + ci.i * h.n1 + cj.i;
    let b = a + h.n1;
    let r0 = table_lerp(table_data[a], table_data[a + 1u], cj.w);
    let r1 = table_lerp(table_data[b], table_data[b + 1u], cj.w);
    return TableValue(table_lerp(r0, r1, ci.w), ci.outside || cj.outside);
}

// Lookup in the three-axis table number `tab`: the last axis first, then the
// middle, then the first, like the CPU.
fn table_lookup3(tab: u32, x0: f32, x1: f32, x2: f32) -> TableValue {
    let h = table_headers[tab];
    let ci = table_locate(x0, h.lo0, h.inv0, h.n0);
    let cj = table_locate(x1, h.lo1, h.inv1, h.n1);
    let ck = table_locate(x2, h.lo2, h.inv2, h.n2);
    // Row starts of (i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1).
    let a00 = h.offset + (ci.i * h.n1 + cj.i) * h.n2 + ck.i;
    let a01 = a00 + h.n2;
    let a10 = a00 + h.n1 * h.n2;
    let a11 = a10 + h.n2;
    let c00 = table_lerp(table_data[a00], table_data[a00 + 1u], ck.w);
    let c01 = table_lerp(table_data[a01], table_data[a01 + 1u], ck.w);
    let c10 = table_lerp(table_data[a10], table_data[a10 + 1u], ck.w);
    let c11 = table_lerp(table_data[a11], table_data[a11 + 1u], ck.w);
    let c0 = table_lerp(c00, c01, cj.w);
    let c1 = table_lerp(c10, c11, cj.w);
    return TableValue(table_lerp(c0, c1, ci.w), ci.outside || cj.outside || ck.outside);
}

// Lookup in table `tab` whatever its number of axes; coordinates beyond the
// table's axes are ignored.
fn table_lookup(tab: u32, x: vec3<f32>) -> TableValue {
    switch (table_headers[tab].n_axes) {
        case 1u: {
            return table_lookup1(tab, x.x);
        }
        case 2u: {
            return table_lookup2(tab, x.x, x.y);
        }
        default: {
            return table_lookup3(tab, x.x, x.y, x.z);
        }
    }
}
