//! `crategate init`: create the index repository.

use std::path::PathBuf;

use anyhow::Context;

use super::Outcome;
use crate::index::config::{CargoConfig, RegistryMode, Settings};
use crate::index::{CrateLayout, Index};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create the index repository (a new or empty directory, or an empty repository).
    #[arg(long, value_name = "DIR")]
    index: PathBuf,
    /// Download URL template for `.crate` files, e.g. `https://pages.example/crates/{crate}-{version}.crate`.
    #[arg(long, value_name = "TEMPLATE")]
    dl: String,
    /// The URL users will give cargo for this index (`sparse+https://…/` or a git URL).
    #[arg(long, value_name = "URL")]
    index_url: String,
    /// The registry web API, if one exists (`api` in config.json).
    #[arg(long, value_name = "URL")]
    api: Option<String>,
    /// Make cargo send credentials for every request (`auth-required` in config.json).
    #[arg(long)]
    auth_required: bool,
    /// `alternate`: a registry beside crates.io; `mirror`: a replacement for crates.io.
    #[arg(long, value_enum, default_value_t = RegistryMode::Alternate)]
    mode: RegistryMode,
    /// `flat`: `.crate` files at the top of the crate repository; `sharded`:
    /// under cargo's index directories (`3/a/abc-1.0.0.crate`), which keeps
    /// a push's cost flat in large registries (`--dl` must then use
    /// `{lowerprefix}` or `{sha256-checksum}`).
    #[arg(long, value_enum, default_value_t = CrateLayout::Flat)]
    layout: CrateLayout,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let config = CargoConfig {
        dl: args.dl.clone(),
        api: args.api.clone(),
        auth_required: args.auth_required,
    };
    let settings = Settings {
        crate_layout: args.layout,
        ..Settings::new(&args.index_url, args.mode)?
    };
    Index::init(&args.index, &config, settings)
        .with_context(|| format!("creating the index at {}", args.index.display()))?;
    println!(
        "Created the index at {} (branch `{}`), reachable as {}",
        args.index.display(),
        crate::git::DEFAULT_BRANCH,
        args.index_url
    );
    Ok(Outcome::Done)
}
