//! Lookup tables on the GPU: every [`Table`] of a run packed into one storage
//! buffer of `f32` values plus one [`TableHeader`] per table, read by
//! `shaders/shared/tables.wgsl` (the twin of [`Table::lookup`]).
//!
//! Binding slots: the tables own bind group [`TABLES_GROUP`] (1) of every
//! kernel that includes `shared/tables.wgsl`: binding 0 holds the values,
//! binding 1 the headers (both read-only storage). A kernel builds its pipeline
//! layout as `[its own group 0, tables layout]`, taking the layout from
//! [`GpuTables::create_bind_group_layout`], and binds
//! [`GpuTables::bind_group`] at group 1. Table `t` of the slice given to
//! [`GpuTables::new`] is table index `t` in WGSL (`table_lookup2(t, x0, x1)`).

use super::context::{with_error_scopes, GpuContext, GpuError};
pub use crate::shared::tables::TableHeader;
use crate::shared::tables::{PackedTables, Table};

/// The bind group index the tables occupy in every kernel that reads them.
pub const TABLES_GROUP: u32 = 1;

const LABEL: &str = "vixhedge.tables";

/// The tables of a run on the device: one data buffer, one header buffer and
/// the bind group that exposes both at group [`TABLES_GROUP`].
#[derive(Debug)]
pub struct GpuTables {
    data: wgpu::Buffer,
    headers: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    header_list: Vec<TableHeader>,
    names: Vec<String>,
}

/// One read-only storage binding of the tables' group.
fn storage_entry(binding: u32, min_bytes: u64) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only: true },
            has_dynamic_offset: false,
            min_binding_size: wgpu::BufferSize::new(min_bytes),
        },
        count: None,
    }
}

impl GpuTables {
    /// The layout entries of the tables' bind group: binding 0 the values
    /// (`array<f32>`), binding 1 the headers (`array<TableHeader>`).
    #[must_use]
    pub fn layout_entries() -> [wgpu::BindGroupLayoutEntry; 2] {
        [
            storage_entry(0, 4),
            storage_entry(1, std::mem::size_of::<TableHeader>() as u64),
        ]
    }

    /// Creates the bind-group layout of group [`TABLES_GROUP`], labelled
    /// `"vixhedge.tables"`. A kernel creates it once with its pipeline and
    /// passes it to [`Self::new`].
    #[must_use]
    pub fn create_bind_group_layout(ctx: &GpuContext) -> wgpu::BindGroupLayout {
        ctx.device
            .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some(LABEL),
                entries: &Self::layout_entries(),
            })
    }

    /// Packs `tables` (in order: table `t` is WGSL table index `t`) into the
    /// device buffers and builds their bind group against `layout` (from
    /// [`Self::create_bind_group_layout`]).
    ///
    /// # Errors
    /// [`GpuError::TooLarge`] when the values exceed the device's storage
    /// binding or buffer size, or the 32-bit value index; a table with other
    /// than one to three axes or a value count that does not match its axes;
    /// [`GpuError::Dispatch`] when wgpu rejects the upload.
    pub fn new(
        ctx: &GpuContext,
        layout: &wgpu::BindGroupLayout,
        tables: &[&Table],
    ) -> Result<Self, GpuError> {
        let packed = PackedTables::pack(tables).map_err(|e| GpuError::TooLarge(e.0))?;
        Self::from_packed(
            ctx,
            layout,
            &packed,
            tables.iter().map(|t| t.name.clone()).collect(),
        )
    }

    /// [`Self::new`] for tables packed already (`names` one per packed table).
    ///
    /// # Errors
    /// As [`Self::new`].
    pub fn from_packed(
        ctx: &GpuContext,
        layout: &wgpu::BindGroupLayout,
        packed: &PackedTables,
        names: Vec<String>,
    ) -> Result<Self, GpuError> {
        let (values, header_list) = (&packed.data, &packed.headers);
        let limits = ctx.device.limits();
        let max_bytes = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size);
        let data_bytes = std::mem::size_of_val(values.as_slice()) as u64;
        let header_bytes = std::mem::size_of_val(header_list.as_slice()) as u64;
        if data_bytes > max_bytes || header_bytes > max_bytes {
            return Err(GpuError::TooLarge(format!(
                "tables of {data_bytes} bytes exceed this device's storage binding of {max_bytes} bytes"
            )));
        }
        let device = &ctx.device;
        let ((data, headers, bind_group), err) = with_error_scopes(device, || {
            let data = device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("vixhedge.tables.data"),
                size: data_bytes,
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            });
            let headers = device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("vixhedge.tables.headers"),
                size: header_bytes,
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            });
            ctx.queue
                .write_buffer(&data, 0, bytemuck::cast_slice(values));
            ctx.queue
                .write_buffer(&headers, 0, bytemuck::cast_slice(header_list));
            let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some(LABEL),
                layout,
                entries: &[
                    wgpu::BindGroupEntry {
                        binding: 0,
                        resource: data.as_entire_binding(),
                    },
                    wgpu::BindGroupEntry {
                        binding: 1,
                        resource: headers.as_entire_binding(),
                    },
                ],
            });
            (data, headers, bind_group)
        });
        if let Some(message) = err {
            return Err(GpuError::Dispatch {
                label: LABEL,
                message,
            });
        }
        Ok(Self {
            data,
            headers,
            bind_group,
            header_list: header_list.clone(),
            names,
        })
    }

    /// The bind group to set at [`TABLES_GROUP`].
    #[must_use]
    pub fn bind_group(&self) -> &wgpu::BindGroup {
        &self.bind_group
    }

    /// The headers as uploaded, one per table (none when built from no table).
    #[must_use]
    pub fn headers(&self) -> &[TableHeader] {
        &self.header_list[..self.names.len()]
    }

    /// The WGSL index of the table called `name`, if any.
    #[must_use]
    pub fn index_of(&self, name: &str) -> Option<u32> {
        self.names.iter().position(|n| n == name).map(|i| i as u32)
    }

    /// Bytes of values and headers on the device.
    #[must_use]
    pub fn device_bytes(&self) -> u64 {
        self.data.size() + self.headers.size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::tables::Axis;

    #[test]
    fn headers_point_at_each_table_in_turn() {
        let a = Table::build("a", vec![Axis::new(0.0, 1.0, 3)], |x| x[0]);
        let b = Table::build(
            "b",
            vec![Axis::new(0.0, 1.0, 2), Axis::new(-1.0, 1.0, 5)],
            |x| x[0] + x[1],
        );
        let p = PackedTables::pack(&[&a, &b]).expect("pack");
        let (values, headers) = (p.data, p.headers);
        assert_eq!(values.len(), 3 + 10);
        assert_eq!(headers[0].offset, 0);
        assert_eq!(headers[1].offset, 3);
        assert_eq!(headers[1].n, [2, 5, 1]);
        assert_eq!(headers[1].lo, [0.0, -1.0, 0.0]);
        assert_eq!(headers[1].inv_step, [1.0, 2.0, 0.0]);
        assert_eq!(&values[3..], b.data.as_slice());
        let p = PackedTables::pack(&[]).expect("empty");
        let (values, headers) = (p.data, p.headers);
        assert_eq!((values.len(), headers.len()), (1, 1));
    }
}
