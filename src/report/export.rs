//! Per-path export (`run --export-paths`): `paths.parquet`, one row per path.
//!
//! While a run goes on, each batch's rows are appended to a spool file in the
//! output directory (raw little-endian f64, one fixed-width row per path) and
//! synced before the checkpoint that counts them is written, so a resumed run
//! cuts the spool back to the checkpoint's row count and carries on. When the
//! run finishes, the spool is converted to Parquet in row groups (memory
//! bounded by one row group) and removed.
//!
//! The values are exactly those pushed into the accumulators: a column's
//! values summed on the reductions' 2^-48 fixed-point grid give the summary's
//! means bit for bit.
//!
//! Columns: `path` (INT64, the global path index), `regime` (UTF-8 string, by
//! `[regimes] by`), `max_vix` and `first_vix` (VIX points), `spx_return` and
//! `spx_max_drawdown` (fractions), then per line L in report
//! order `L.max_drawdown` (fraction of the running peak) and `L.pnl` (final
//! P&L, USD), and for every line but `none` `L.premium` (hedge premium paid,
//! costs included, USD) and `L.payoff` (hedge proceeds, USD). Every column is
//! required (no nulls); compression is snappy.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as PhysicalType};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use super::stats::{PathBatch, StudyLayout};
use crate::config::{Regime, RegimeMeasures};

/// File name of the export.
pub const PATHS_FILE: &str = "paths.parquet";

/// File name of the spool a run appends rows to until it finishes.
pub const SPOOL_FILE: &str = ".paths.spool";

/// Rows per Parquet row group.
const ROW_GROUP: usize = 1 << 16;

/// Values per line in a spool row: max drawdown, P&L, premium, payoff.
const PER_LINE: usize = 4;

/// Values before the lines: path, regime index, max VIX, first VIX, SPX
/// return, SPX max drawdown.
const HEAD: usize = 6;

/// Errors of the export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading or writing a file failed.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The spool is shorter than the checkpoint says.
    #[error("{}: {rows} rows spooled, the checkpoint counts {expected}", path.display())]
    ShortSpool {
        /// The spool.
        path: PathBuf,
        /// Rows it holds.
        rows: u64,
        /// Rows the checkpoint counts.
        expected: u64,
    },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    move |e| ExportError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn pq(path: &Path) -> impl Fn(parquet::errors::ParquetError) -> ExportError + '_ {
    move |e| ExportError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn row_values(lines: usize) -> usize {
    HEAD + PER_LINE * lines
}

/// The spool of a run's per-path rows.
#[derive(Debug)]
pub struct PathSpool {
    path: PathBuf,
    file: File,
    lines: usize,
    rows: u64,
}

impl PathSpool {
    /// Opens the spool in `dir` for a run of `lines` lines: a new, empty one
    /// when `rows` is 0, else the existing one cut back to its first `rows`
    /// rows (those a checkpoint counted).
    ///
    /// # Errors
    /// The file cannot be opened, or holds fewer rows.
    pub fn open(dir: &Path, lines: usize, rows: u64) -> Result<Self, ExportError> {
        let path = dir.join(SPOOL_FILE);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(rows == 0)
            .open(&path)
            .map_err(io(&path))?;
        let bytes = rows * (row_values(lines) * 8) as u64;
        let have = file.metadata().map_err(io(&path))?.len();
        if have < bytes {
            return Err(ExportError::ShortSpool {
                rows: have / (row_values(lines) * 8) as u64,
                expected: rows,
                path,
            });
        }
        file.set_len(bytes).map_err(io(&path))?;
        let mut spool = Self {
            path,
            file,
            lines,
            rows,
        };
        spool.file.seek(SeekFrom::End(0)).map_err(io(&spool.path))?;
        Ok(spool)
    }

    /// Rows spooled.
    #[must_use]
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Appends the rows of `batch` (regimes by `layout`) and syncs them to disk.
    ///
    /// # Errors
    /// A failed write.
    pub fn append(&mut self, batch: &PathBatch, layout: &StudyLayout) -> Result<(), ExportError> {
        let lines = self.lines;
        let n = batch.max_vix.len();
        let mut buf = Vec::with_capacity(n * row_values(lines) * 8);
        for p in 0..n {
            let facts = batch.facts(p);
            let regime = layout.regimes.classify_path(&RegimeMeasures {
                max_vix: facts.max_vix,
                first_vix: facts.first_vix,
                spx_max_drawdown: facts.spx_max_drawdown,
            });
            let index = Regime::ALL
                .iter()
                .position(|&r| r == regime)
                .expect("every regime is listed");
            let head = [
                (batch.first_path + p as u64) as f64,
                index as f64,
                facts.max_vix,
                facts.first_vix,
                facts.spx_return,
                facts.spx_max_drawdown,
            ];
            for v in head {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            for o in &batch.outcomes[p * lines..(p + 1) * lines] {
                for v in [o.max_drawdown, o.final_pnl, o.premium_paid, o.hedge_payoff] {
                    buf.extend_from_slice(&v.to_le_bytes());
                }
            }
        }
        self.file.write_all(&buf).map_err(io(&self.path))?;
        self.file.sync_data().map_err(io(&self.path))?;
        self.rows += n as u64;
        Ok(())
    }

    /// Converts the spool into `dir/paths.parquet` (through a temporary name
    /// and a rename), with `metadata` as the file's key-value metadata, and
    /// removes the spool.
    ///
    /// # Errors
    /// A failed read or write.
    pub fn finish(
        self,
        dir: &Path,
        layout: &StudyLayout,
        metadata: &[(&str, String)],
    ) -> Result<(), ExportError> {
        let out = dir.join(PATHS_FILE);
        let tmp = dir.join(format!(".{PATHS_FILE}.tmp{}", std::process::id()));
        let result = write_parquet(&self.path, self.rows, layout, metadata, &tmp);
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        std::fs::rename(&tmp, &out).map_err(io(&out))?;
        drop(self.file);
        std::fs::remove_file(&self.path).map_err(io(&self.path))?;
        Ok(())
    }
}

fn required(name: &str, physical: PhysicalType, logical: Option<LogicalType>) -> Arc<Type> {
    Arc::new(
        Type::primitive_type_builder(name, physical)
            .with_repetition(Repetition::REQUIRED)
            .with_logical_type(logical)
            .build()
            .expect("a valid primitive column"),
    )
}

/// The export's column names, in file order.
#[must_use]
pub fn column_names(layout: &StudyLayout) -> Vec<String> {
    let mut names: Vec<String> = [
        "path",
        "regime",
        "max_vix",
        "first_vix",
        "spx_return",
        "spx_max_drawdown",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    for (i, line) in layout.lines.lines().iter().enumerate() {
        names.push(format!("{}.max_drawdown", line.name));
        names.push(format!("{}.pnl", line.name));
        if i > 0 {
            names.push(format!("{}.premium", line.name));
            names.push(format!("{}.payoff", line.name));
        }
    }
    names
}

fn write_parquet(
    spool: &Path,
    rows: u64,
    layout: &StudyLayout,
    metadata: &[(&str, String)],
    out: &Path,
) -> Result<(), ExportError> {
    let names = column_names(layout);
    let mut fields = vec![
        // A plain INT64 reads as a signed 64-bit integer everywhere.
        required(&names[0], PhysicalType::INT64, None),
        required(
            &names[1],
            PhysicalType::BYTE_ARRAY,
            Some(LogicalType::String),
        ),
    ];
    for name in &names[2..] {
        fields.push(required(name, PhysicalType::DOUBLE, None));
    }
    let schema = Arc::new(
        Type::group_type_builder("vixhedge_paths")
            .with_fields(fields)
            .build()
            .map_err(pq(out))?,
    );
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("vixhedge {}", env!("CARGO_PKG_VERSION")))
        .set_key_value_metadata(Some(
            metadata
                .iter()
                .map(|(k, v)| KeyValue::new((*k).to_string(), v.clone()))
                .collect(),
        ))
        .build();
    let file = File::create(out).map_err(io(out))?;
    let mut writer = SerializedFileWriter::new(BufWriter::new(file), schema, Arc::new(props))
        .map_err(pq(out))?;
    let lines = layout.lines.len();
    let width = row_values(lines);
    let mut reader = BufReader::new(File::open(spool).map_err(io(spool))?);
    let regime_names: Vec<ByteArray> = Regime::ALL
        .iter()
        .map(|r| ByteArray::from(r.name()))
        .collect();
    let mut left = rows;
    let mut raw = Vec::new();
    while left > 0 {
        let n = usize::try_from(left).unwrap_or(usize::MAX).min(ROW_GROUP);
        raw.resize(n * width * 8, 0);
        reader.read_exact(&mut raw).map_err(io(spool))?;
        let value = |row: usize, col: usize| {
            let at = (row * width + col) * 8;
            f64::from_le_bytes(raw[at..at + 8].try_into().expect("8 bytes"))
        };
        // Column c of the file reads spool column src[c].
        let mut src: Vec<usize> = vec![2, 3, 4, 5];
        for l in 0..lines {
            let base = HEAD + PER_LINE * l;
            src.extend([base, base + 1]);
            if l > 0 {
                src.extend([base + 2, base + 3]);
            }
        }
        let mut rg = writer.next_row_group().map_err(pq(out))?;
        let mut c = 0usize;
        while let Some(mut col) = rg.next_column().map_err(pq(out))? {
            match c {
                0 => {
                    #[expect(
                        clippy::cast_possible_truncation,
                        reason = "path indices below 2^32, exact in f64"
                    )]
                    let v: Vec<i64> = (0..n).map(|r| value(r, 0) as i64).collect();
                    col.typed::<Int64Type>()
                        .write_batch(&v, None, None)
                        .map_err(pq(out))?;
                }
                1 => {
                    #[expect(
                        clippy::cast_possible_truncation,
                        clippy::cast_sign_loss,
                        reason = "a regime index 0 to 3"
                    )]
                    let v: Vec<ByteArray> = (0..n)
                        .map(|r| regime_names[value(r, 1) as usize].clone())
                        .collect();
                    col.typed::<ByteArrayType>()
                        .write_batch(&v, None, None)
                        .map_err(pq(out))?;
                }
                _ => {
                    let s = src[c - 2];
                    let v: Vec<f64> = (0..n).map(|r| value(r, s)).collect();
                    col.typed::<DoubleType>()
                        .write_batch(&v, None, None)
                        .map_err(pq(out))?;
                }
            }
            col.close().map_err(pq(out))?;
            c += 1;
        }
        rg.close().map_err(pq(out))?;
        left -= n as u64;
    }
    let mut inner = writer.into_inner().map_err(pq(out))?;
    inner.flush().map_err(io(out))?;
    inner.get_ref().sync_all().map_err(io(out))?;
    Ok(())
}
