//! The `machine` block of every bench record: which CPU, how many cores,
//! which operating system, compiler and source commit produced the figures.
//! Absolute figures belong to one machine; this block says which.

use serde::{Deserialize, Serialize};

/// The machine and build a bench record was measured on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// CPU model (`model name` of `/proc/cpuinfo` on Linux), else the
    /// architecture.
    pub cpu: String,
    /// Logical cores available to the process.
    pub cores: usize,
    /// Operating system: the distribution's name and the kernel release on
    /// Linux, else the OS family.
    pub os: String,
    /// `rustc -V` of the build.
    pub rustc: String,
    /// The source commit of the build (12 hex digits), "unknown" outside a
    /// git checkout.
    pub commit: String,
}

impl Machine {
    /// This machine and this build.
    #[must_use]
    pub fn this() -> Self {
        Self {
            cpu: cpu_model().unwrap_or_else(|| std::env::consts::ARCH.to_string()),
            cores: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            os: os_name(),
            rustc: env!("VIXHEDGE_RUSTC").to_string(),
            commit: env!("VIXHEDGE_COMMIT").to_string(),
        }
    }
}

fn cpu_model() -> Option<String> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    field(&text, "model name", ':')
}

/// The value of the first `key <sep> value` line of `text`, trimmed and
/// without quotes.
fn field(text: &str, key: &str, sep: char) -> Option<String> {
    text.lines()
        .filter_map(|l| l.split_once(sep))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
        .filter(|v| !v.is_empty())
}

fn os_name() -> String {
    let distro = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| field(&t, "PRETTY_NAME", '='));
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    match (distro, kernel) {
        (Some(d), Some(k)) => format!("{d}, {} {k}", std::env::consts::OS),
        (Some(d), None) => d,
        (None, Some(k)) => format!("{} {k}", std::env::consts::OS),
        (None, None) => std::env::consts::OS.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_key_value_lines() {
        let cpuinfo = "processor\t: 0\nmodel name\t: Example CPU @ 2.60GHz\nflags\t: fpu\n";
        assert_eq!(
            field(cpuinfo, "model name", ':').as_deref(),
            Some("Example CPU @ 2.60GHz")
        );
        let os = "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n";
        assert_eq!(
            field(os, "PRETTY_NAME", '=').as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        assert_eq!(field(os, "VERSION", '='), None);
    }

    #[test]
    fn this_machine_is_described() {
        let m = Machine::this();
        assert!(m.cores >= 1);
        assert!(!m.cpu.is_empty() && !m.os.is_empty());
        assert!(
            m.rustc.starts_with("rustc ") || m.rustc == "unknown",
            "{}",
            m.rustc
        );
        assert!(
            m.commit == "unknown"
                || (m.commit.len() == 12 && m.commit.chars().all(|c| c.is_ascii_hexdigit())),
            "{}",
            m.commit
        );
    }
}
