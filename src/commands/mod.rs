//! The subcommands. Each loads and validates its configuration first, so bad
//! input fails the same way everywhere: one line on stderr, exit status 2.

mod bench;
mod bootstrap;
mod calibrate;
mod facts;
mod price;
mod replay;
mod run;
mod validate;
mod vix;

use std::path::Path;

use anyhow::Result;

use crate::cli::{Cli, Command, ConfigArgs};
use vixhedge::backend::{Backend, Device};
use vixhedge::config::{presets, Config};

/// Runs the parsed command line; returns the process exit code.
///
/// # Errors
/// Any configuration or runtime error; the binary prints it on one line and exits with status 2.
pub fn dispatch(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Price(args) => price::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Vix(args) => vix::run(&args),
        Command::Presets => list_presets(),
        Command::Config(args) => print_config(&args),
        Command::Facts(args) => facts::run(&args),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Replay(args) => replay::run(&args),
    }
}

/// Resolves and validates a configuration, printing its warnings on stderr.
pub(crate) fn load_config(
    config: Option<&Path>,
    preset: Option<&str>,
    sets: &[String],
) -> Result<Config> {
    let config = Config::load(config, preset, sets)?;
    print_warnings(&config)?;
    Ok(config)
}

fn print_warnings(config: &Config) -> Result<()> {
    for warning in config.validate()? {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

fn list_presets() -> Result<i32> {
    let width = presets()
        .iter()
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(0);
    println!("{:width$}  DESCRIPTION", "NAME");
    for (name, description) in presets() {
        println!("{name:width$}  {description}");
    }
    Ok(0)
}

fn print_config(args: &ConfigArgs) -> Result<i32> {
    let config = Config::preset(&args.preset)?;
    print_warnings(&config)?;
    print!("{}", config.to_toml_string());
    Ok(0)
}

/// Tells the user on stderr which backend runs, and why when `auto` chose.
pub(crate) fn say_backend(device: &Device, asked: Backend, json: bool) {
    if !json {
        eprintln!("{}", device.describe_choice(asked));
    }
}
