//! The books of several studies run on the same paths: studies that differ
//! only in their hedge programs share the market, the condor book and every
//! program two of them run alike, so the programs of all of them can run as
//! one study and each study's lines be read back from it.
//!
//! A line of a study depends on its own program and on `none` alone, so a
//! study's statistics are the same bits whether it runs alone or in a pack
//! (`tests/sweep_cmd.rs`). Programs are shared by what they compute, not by
//! name ([`ProgramSpec::same_line`], [`ProgramSpec::same_rungs`]): the own line
//! of one program serves every study with the same kind, layers and units, and
//! its ladder every study with the same kind, layers and ladder, whatever the
//! units (a grid over `hedge.units` evaluates its ladder once).

use crate::strategy::spec::{BookSpec, ProgramSpec, MAX_PROGRAMS};

/// Where one study's programs are in the pack's books.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackIndex {
    /// The pack program holding program `j`'s own line.
    pub lines: Vec<usize>,
    /// The pack program holding program `j`'s ladder rungs (its own line's
    /// program when it has no ladder).
    pub rungs: Vec<usize>,
}

/// Studies that cannot share their paths.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PackError {
    /// The books differ in more than the programs.
    #[error("studies with other condor books, hedge costs, adaptive scale or VXTH rules cannot share their paths")]
    OtherBooks,
    /// More distinct programs than one study runs.
    #[error("the studies need {0} programs between them; one study runs at most {MAX_PROGRAMS}")]
    TooManyPrograms(usize),
}

/// The books of a pack of studies, built one study at a time.
#[derive(Debug, Clone, Default)]
pub struct PackBooks {
    books: Option<BookSpec>,
}

impl PackBooks {
    /// No study yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The pack's books (None before the first study).
    #[must_use]
    pub fn books(&self) -> Option<&BookSpec> {
        self.books.as_ref()
    }

    /// Number of programs the pack runs.
    #[must_use]
    pub fn programs(&self) -> usize {
        self.books.as_ref().map_or(0, |b| b.programs.len())
    }

    /// Adds the study with books `spec` and says where its programs are.
    /// The first study's programs keep their order (so its `none` is the
    /// pack's program 0). The pack is left as it was on an error.
    ///
    /// # Errors
    /// Books that differ in more than their programs, or more programs than
    /// the kernel holds.
    pub fn add(&mut self, spec: &BookSpec) -> Result<PackIndex, PackError> {
        let mut books = match &self.books {
            None => BookSpec {
                programs: Vec::new(),
                ..spec.clone()
            },
            Some(b) => {
                if (&b.condor, b.costs, &b.adaptive, &b.vxth)
                    != (&spec.condor, spec.costs, &spec.adaptive, &spec.vxth)
                {
                    return Err(PackError::OtherBooks);
                }
                b.clone()
            }
        };
        let programs = &mut books.programs;
        let mut at = PackIndex::default();
        for p in &spec.programs {
            let line = match programs.iter().position(|q| q.same_line(p)) {
                Some(i) => i,
                None => {
                    programs.push(ProgramSpec {
                        ladder: Vec::new(),
                        ..p.clone()
                    });
                    programs.len() - 1
                }
            };
            let rungs = if p.ladder.is_empty() {
                line
            } else if let Some(i) = programs.iter().position(|q| q.same_rungs(p)) {
                i
            } else if programs[line].ladder.is_empty() {
                programs[line].ladder.clone_from(&p.ladder);
                line
            } else {
                programs.push(p.clone());
                programs.len() - 1
            };
            at.lines.push(line);
            at.rungs.push(rungs);
        }
        if programs.len() > MAX_PROGRAMS {
            return Err(PackError::TooManyPrograms(programs.len()));
        }
        self.books = Some(books);
        Ok(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, HedgeProgram};

    fn books(units: f64, hedges: &[HedgeProgram]) -> BookSpec {
        let mut c = Config::default();
        c.hedge.units = units;
        BookSpec::from_config(&c, hedges).unwrap()
    }

    #[test]
    fn programs_are_shared_by_what_they_compute() {
        use HedgeProgram::{Alvh, AlvhSeed, None, Static, Vxth};
        let mut pack = PackBooks::new();
        let a = pack.add(&books(1.0, &[None, Alvh, Static, Vxth])).unwrap();
        assert_eq!(a.lines, [0, 1, 2, 3]);
        assert_eq!(a.rungs, [0, 1, 2, 3]);
        // Units 2: `none` and `vxth` are the same; `alvh` and `static` are new
        // lines, and `alvh`'s ladder is the first `alvh`'s.
        let b = pack.add(&books(2.0, &[None, Alvh, Static, Vxth])).unwrap();
        assert_eq!(b.lines, [0, 4, 5, 3]);
        assert_eq!(b.rungs, [0, 1, 5, 3]);
        let spec = pack.books().unwrap();
        assert!(spec.programs[4].ladder.is_empty(), "the ladder is run once");
        assert_eq!(spec.programs[4].units, 2.0);
        // The default layers are the `alvh-seed` reading's: the same book.
        let c = pack.add(&books(1.0, &[None, AlvhSeed])).unwrap();
        assert_eq!(c.lines, [0, 1]);
        assert_eq!(c.rungs, [0, 1]);
        assert_eq!(pack.programs(), 6);
        // Two more sizes need four more programs: 10 > 8, refused, the pack
        // unchanged.
        let mut more = pack.clone();
        more.add(&books(3.0, &[None, Alvh, Static])).unwrap();
        assert_eq!(
            more.add(&books(4.0, &[None, Alvh, Static])),
            Err(PackError::TooManyPrograms(10))
        );
        assert_eq!(more.programs(), 8);
        // Other costs are another study.
        let mut c = Config::default();
        c.hedge.commission = 2.0;
        let other = BookSpec::from_config(&c, &[None, Alvh]).unwrap();
        assert_eq!(pack.add(&other), Err(PackError::OtherBooks));
        assert_eq!(pack.programs(), 6);
    }
}
