//! Studies of one command that share their paths: `sweep` and `sensitivity`
//! group the runs of their points (variants) into packs, each run as one
//! study by [`execute_pack`](super::run::execute_pack).
//!
//! Runs join a pack when they have the same [`pack_key`] (their
//! configurations differ only in the programs' own keys and in `[regimes]`)
//! and start at the same path, and when the distinct programs of the pack
//! still fit the study kernel ([`PackBooks`]). Each run joins the first pack
//! it fits, in the order the runs are added, or opens a new one.

use anyhow::{bail, Context, Result};

use super::run::{pack_key, programs_of};
use crate::cli::RunArgs;
use vixhedge::config::{Config, RegimesConfig};
use vixhedge::strategy::spec::BookSpec;
use vixhedge::study::pack::PackBooks;
use vixhedge::study::setup::TablesKey;
use vixhedge::study::StudySetup;

/// Runs that run as one study: the same paths and everything but their hedge
/// programs and regimes (the same [`pack_key`] and the same first path to
/// run), with the programs they need within the kernel's capacity.
pub(crate) struct Pack {
    key: (String, Option<u64>),
    books: PackBooks,
    /// What its pricing tables depend on.
    tables: TablesKey,
    /// The first run's `[regimes]`, and whether another run has others.
    regimes: RegimesConfig,
    other_regimes: bool,
    /// The callers' numbers of the runs, in the order they joined.
    pub(crate) ids: Vec<usize>,
    /// Their command lines, in the same order.
    pub(crate) args: Vec<RunArgs>,
}

impl Pack {
    /// Adds run `id` if it fits; false (the pack unchanged) if not.
    fn add(
        &mut self,
        key: &(String, Option<u64>),
        id: usize,
        args: &RunArgs,
        spec: &BookSpec,
        regimes: &RegimesConfig,
    ) -> bool {
        if &self.key != key || self.books.add(spec).is_err() {
            return false;
        }
        self.other_regimes |= regimes != &self.regimes;
        self.ids.push(id);
        self.args.push(args.clone());
        true
    }

    /// Distinct programs the pack's study runs.
    pub(crate) fn programs(&self) -> usize {
        self.books.programs()
    }

    /// The progress line of a pack of several runs (`label` names them,
    /// `noun` is what they are: "points", "variants"); None for a run alone.
    pub(crate) fn announce(&self, label: &str, noun: &str) -> Option<String> {
        (self.ids.len() > 1).then(|| {
            format!(
                "{label}: {} {noun} differ only in their hedge programs{}; running them as one study ({} programs on the same paths)",
                self.ids.len(),
                if self.other_regimes { " and regimes" } else { "" },
                self.programs()
            )
        })
    }
}

/// Runs grouped into packs, in the order of their first runs.
#[derive(Default)]
pub(crate) struct Packs(Vec<Pack>);

impl Packs {
    /// No run yet.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds run `id`: the `run` command line `args`, whose configuration is
    /// `config`, starting at path `start` (None: the start of its range).
    ///
    /// # Errors
    /// Its books cannot be built, or need more programs than one study runs.
    pub(crate) fn add(
        &mut self,
        id: usize,
        args: &RunArgs,
        config: &Config,
        start: Option<u64>,
    ) -> Result<()> {
        let spec = BookSpec::from_config(config, &programs_of(&args.hedges))
            .context("building the books")?;
        let key = (pack_key(config), start);
        if self
            .0
            .iter_mut()
            .any(|p| p.add(&key, id, args, &spec, &config.regimes))
        {
            return Ok(());
        }
        let mut pack = Pack {
            key: key.clone(),
            books: PackBooks::new(),
            tables: StudySetup::tables_key(config, &spec),
            regimes: config.regimes.clone(),
            other_regimes: false,
            ids: Vec::new(),
            args: Vec::new(),
        };
        if !pack.add(&key, id, args, &spec, &config.regimes) {
            bail!("its books do not fit one study");
        }
        self.0.push(pack);
        Ok(())
    }

    /// The packs, in the order of their first runs.
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Pack> {
        self.0.iter()
    }

    /// The packs with the same pricing tables next to each other, in the
    /// order of the first pack of each: the process keeps the last tables it
    /// built, so each set is built once (what runs when changes, no result).
    pub(crate) fn by_tables(&self) -> Vec<&Pack> {
        let mut out: Vec<&Pack> = Vec::with_capacity(self.0.len());
        for p in &self.0 {
            if out.iter().any(|q| q.tables == p.tables) {
                continue;
            }
            out.extend(self.0.iter().filter(|q| q.tables == p.tables));
        }
        out
    }

    /// Number of packs (studies to run).
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}
