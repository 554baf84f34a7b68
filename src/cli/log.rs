//! `crategate log`: the registry's publication log, read from the index
//! history (see [`crate::audit`]).

use std::fmt::Write as _;

use anyhow::Context;

use super::Outcome;
use crate::audit::{self, Event};
use crate::git::Store;
use crate::remote::{IndexLocation, RemoteOptions};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per event, newest first.
    Human,
    /// One JSON array of events, newest first.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this crate (any case, `-` and `_` alike).
    name: Option<String>,
    /// The index: a path (a bare repository or a clone) or a git URL.
    #[arg(long, value_name = "DIR|URL", default_value = ".")]
    index: IndexLocation,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let dir = args
        .index
        .fetched_dir(&RemoteOptions::default())
        .with_context(|| format!("opening the index at {}", args.index))?;
    let store =
        Store::open(&dir).with_context(|| format!("opening the index at {}", args.index))?;
    let events = audit::events(&store.history()?, args.name.as_deref());
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&events).expect("events serialize")
        ),
        Format::Human => {
            for event in &events {
                println!("{}", human(event));
            }
        }
    }
    Ok(Outcome::Done)
}

/// `<time>  <action>  <name> <version>  by <who>  from <crate commit>  (index <commit>)`.
fn human(event: &Event) -> String {
    let mut line = format!("{}  {:<7}", event.time, event.action.as_str());
    if let (Some(name), Some(version)) = (&event.name, &event.version) {
        let _ = write!(line, "  {name} {version}");
    }
    let who = event.pushed_by.as_deref().unwrap_or("(not recorded)");
    let _ = write!(line, "  by {who}");
    if let Some(commit) = &event.crate_commit {
        let _ = write!(line, "  from {}", short(commit));
    }
    let _ = write!(line, "  (index {})", short(&event.index_commit));
    line
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}
