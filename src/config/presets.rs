//! The presets shipped in `presets/*.toml`, embedded in the binary.
//!
//! A preset file may be partial: it is merged over its base (the built-in
//! defaults, or for the hedge readings the `default` preset).

/// Name and one-line description of every preset, in listing order.
pub(super) const LIST: &[(&str, &str)] = &[
    (
        "default",
        "Hand-set SPX market (the same as `synthetic`): VIX about 19 on average, realised vol 16.8%, CPI/FOMC events",
    ),
    (
        "synthetic",
        "The hand-set market the project started from, by its new name (`default` is the same preset)",
    ),
    (
        "hist-1990-2018",
        "SVCJ calibrated to Cboe's VIX and S&P 500 closes 1990-2018 (vixhedge calibrate), stationary start, 63-day horizon",
    ),
    (
        "dps2000",
        "Duffie-Pan-Singleton (2000) SVCJ, risk-neutral (P = Q, mu = r), no events",
    ),
    (
        "eraker2004",
        "Eraker (2004) SVCJ, annualised, with its variance risk premium (Q kappa, theta)",
    ),
    (
        "alvh-seed",
        "Default market; ALVH 4/4/2 calls at 4/8/10-day tenors, re-entered every 4/4/5 days",
    ),
    (
        "alvh-30-110-220",
        "Default market; ALVH 4/4/2 calls at 21/76/151 trading days, rolled at a third left",
    ),
];

/// The base preset (`None`: the built-in defaults) and the TOML text of `name`.
pub(super) fn source(name: &str) -> Option<(Option<&'static str>, &'static str)> {
    Some(match name {
        "default" | "synthetic" => (None, include_str!("../../presets/default.toml")),
        "hist-1990-2018" => (None, include_str!("../../presets/hist-1990-2018.toml")),
        "dps2000" => (None, include_str!("../../presets/dps2000.toml")),
        "eraker2004" => (None, include_str!("../../presets/eraker2004.toml")),
        "alvh-seed" => (
            Some("default"),
            include_str!("../../presets/alvh-seed.toml"),
        ),
        "alvh-30-110-220" => (
            Some("default"),
            include_str!("../../presets/alvh-30-110-220.toml"),
        ),
        _ => return None,
    })
}
