//! The study's identity: a stable hash of the canonical resolved
//! configuration, carried by `summary.json`, shard partials and checkpoints so
//! that results of different studies are never merged or mistaken for each
//! other.

use sha2::{Digest, Sha256};

use super::{Config, HedgeProgram};

impl Config {
    /// The canonical text of the study that `self` and `programs` define: a
    /// `hedges = [...]` line with the programs in report order, then the
    /// resolved TOML of [`Config::to_toml_string`] with
    /// `simulation.batch_paths` set to 0, since the batch size changes no
    /// statistic (results do not depend on it).
    #[must_use]
    pub fn canonical_study_text(&self, programs: &[HedgeProgram]) -> String {
        let mut c = self.clone();
        c.simulation.batch_paths = 0;
        let names: Vec<String> = programs
            .iter()
            .map(|p| format!("\"{}\"", p.name()))
            .collect();
        format!("hedges = [{}]\n{}", names.join(", "), c.to_toml_string())
    }

    /// `sha256:` followed by the lower-case hex SHA-256 of
    /// [`Config::canonical_study_text`].
    #[must_use]
    pub fn study_hash(&self, programs: &[HedgeProgram]) -> String {
        let digest = Sha256::digest(self.canonical_study_text(programs).as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }
}
