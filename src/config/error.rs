//! Configuration errors. Every message is one line that names the key path and
//! the bad value, so the binary can print it as is.

/// Why a configuration could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A configuration file could not be read.
    #[error("reading config {path}: {message}")]
    Io {
        /// The file as given on the command line.
        path: String,
        /// The operating system's reason.
        message: String,
    },
    /// A file or preset is not valid TOML.
    #[error("malformed TOML in {source_name}: {message}")]
    Malformed {
        /// The file name, or `preset NAME`.
        source_name: String,
        /// Position and the parser's reason, on one line.
        message: String,
    },
    /// A key the schema does not have (`deny_unknown_fields`).
    #[error("unknown key `{key}`")]
    UnknownKey {
        /// Full key path, for example `model.foo` or `hedge.layers[0].size`.
        key: String,
    },
    /// A value of the wrong type, or an unknown choice for a closed set.
    #[error("{key}: {message}")]
    WrongType {
        /// Full key path.
        key: String,
        /// The deserialiser's reason, which quotes the value.
        message: String,
    },
    /// A value outside its allowed range.
    #[error("{key} = {value}: {reason}")]
    Invalid {
        /// Full key path (or a combination such as `model.rho_j * model.mu_v`).
        key: String,
        /// The offending value as written back.
        value: String,
        /// What the value must satisfy.
        reason: String,
    },
    /// A preset name that is not shipped.
    #[error("unknown preset `{name}` (available: {available})")]
    UnknownPreset {
        /// The requested name.
        name: String,
        /// Comma-separated list of shipped presets.
        available: String,
    },
    /// A dedicated flag and a `--set` of the same key.
    #[error("{flag} and --set {set} both set {key}: give one of them")]
    Conflict {
        /// The flag, `--paths`.
        flag: String,
        /// The `--set` assignment as given.
        set: String,
        /// The key both set.
        key: String,
    },
    /// A `--set` argument that is not `key.path=value` or addresses nothing.
    #[error("--set `{assignment}`: {reason}")]
    BadSet {
        /// The assignment as given.
        assignment: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl ConfigError {
    /// An out-of-range error for `key` holding `value`.
    pub(crate) fn invalid(
        key: impl Into<String>,
        value: impl ToString,
        reason: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            key: key.into(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

/// Collapses whitespace runs that contain a line break into a single space, so a
/// multi-line message from a dependency fits on one line.
pub(crate) fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
