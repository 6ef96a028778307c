//! Host side of the GPU marks (`shaders/shared/marks.wgsl`): what a kernel
//! that marks positions binds. The constants ([`MarksParams`]) and the
//! per-day event inputs ([`DayTables`]) are built for both kernels in
//! `crate::study::kernel`; the CPU twin of the shader is
//! `crate::shared::marks`.
//!
//! # What a kernel binds
//! - The run's tables in the order of [`marks_tables`] (SPX surfaces, VIX
//!   futures, the VIX option tables, then the two [`DayTables`]), uploaded as
//!   a [`super::GpuTables`] at group [`super::TABLES_GROUP`]; tables of its own
//!   may come before them, `first_table` of [`MarksParams::new`] says where
//!   these start.
//! - [`MarksParams`] as a uniform named `marks` in a slot of its own group 0.

pub use crate::shared::marks::{MarksParams, MAX_SPX_TABLES};
pub use crate::study::kernel::{marks_tables, DayTables};
