//! The subcommands. Each loads and validates its configuration first, so bad
//! input fails the same way everywhere: one line on stderr, exit status 2.

mod batch;
mod bench;
mod bootstrap;
mod calibrate;
mod facts;
mod merge;
mod outdir;
mod pack;
mod price;
mod progress;
mod replay;
mod run;
mod sensitivity;
mod sweep;
mod validate;
mod vix;

use anyhow::Result;

use crate::cli::{Cli, Command, ConfigArgs};
use vixhedge::backend::{Backend, Device};
use vixhedge::config::{presets, Config, InForce, Layers};

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
        Command::Merge(args) => merge::run(&args),
        Command::Batch(args) => batch::run(&args),
        Command::Facts(args) => facts::run(&args),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Replay(args) => replay::run(&args),
        Command::Sweep(args) => sweep::run(&args),
        Command::Sensitivity(args) => sensitivity::run(&args),
    }
}

/// Resolves and validates a configuration and says what is in force; nothing
/// is printed when it fails (the error is the one line).
pub(crate) fn load_config(layers: &Layers) -> Result<(Config, InForce)> {
    let config = Config::resolve(layers)?;
    let in_force = InForce::new(&config, layers);
    Ok((config, in_force))
}

/// Prints the in-force block and the config's warnings on stderr.
pub(crate) fn announce(config: &Config, in_force: &InForce) -> Result<()> {
    eprintln!("{in_force}");
    print_warnings(config)
}

/// Prints the config's warnings on stderr.
pub(crate) fn print_warnings(config: &Config) -> Result<()> {
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

/// The resolved TOML with a comment on every key on stdout; the layers and any
/// warnings open it as comments (stderr stays empty).
fn print_config(args: &ConfigArgs) -> Result<i32> {
    let layers = args.layers();
    let (config, in_force) = load_config(&layers)?;
    let mut header = String::from(
        "vixhedge configuration, fully resolved: every key, with its meaning, unit, type, \
         range and default.\n",
    );
    header.push_str(&in_force.to_string());
    for warning in config.validate()? {
        header.push_str(&format!("\nwarning: {warning}"));
    }
    print!("{}", config.to_commented_toml(&header));
    Ok(0)
}

/// Tells the user on stderr which backend runs, and why when `auto` chose.
pub(crate) fn say_backend(device: &Device, asked: Backend, json: bool) {
    if !json {
        eprintln!("{}", device.describe_choice(asked));
    }
}
