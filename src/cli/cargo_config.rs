//! `crategate cargo-config`: the cargo configuration that uses the
//! registry, printed or merged into `.cargo/config.toml`.
//!
//! Two ways to use a registry:
//! - as an *alternate registry* beside crates.io:
//!   `[registries.NAME] index = URL`, and `registry = "NAME"` on each
//!   dependency taken from it;
//! - as a *replacement of crates.io* (a mirror, `--replace-crates-io`):
//!   `[source.crates-io] replace-with = NAME` and `[source.NAME]
//!   registry = URL`; dependencies stay as they are.
//!
//! A git index reached over the network gets `[net] git-fetch-with-cli =
//! true`, so cargo fetches with the `git` command and the user's own
//! credential helpers and SSH keys. A sparse index URL starts with
//! `sparse+` and ends with `/`. Merging keeps every other key, comment
//! and layout of the file.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use toml_edit::{DocumentMut, Item, value};

use super::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The index URL: `sparse+https://host/path/` or a git URL.
    #[arg(long, value_name = "URL")]
    index_url: String,
    /// The registry's name in cargo's configuration.
    #[arg(long, value_name = "NAME", default_value = "private")]
    name: String,
    /// Replace crates.io with this registry (a mirror) instead of adding it beside crates.io.
    #[arg(long)]
    replace_crates_io: bool,
    /// Merge into `.cargo/config.toml` (in the current directory) instead of printing.
    #[arg(long)]
    write: bool,
}

/// One key to set: its table path and value.
type Setting = (Vec<String>, String, toml_edit::Value);

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let settings = settings(&args.index_url, &args.name, args.replace_crates_io)?;
    if !args.write {
        print!("{}", merge("", &settings)?);
        if !args.replace_crates_io {
            eprintln!(
                "hint: take a dependency from it with `some-crate = {{ version = \"1\", registry = \"{}\" }}`",
                args.name
            );
        }
        return Ok(Outcome::Done);
    }
    let path = PathBuf::from(".cargo/config.toml");
    let old = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let new = merge(&old, &settings).with_context(|| format!("merging into {}", path.display()))?;
    write(&path, &new)?;
    println!(
        "{} {}",
        if old == new { "Unchanged:" } else { "Wrote" },
        path.display()
    );
    Ok(Outcome::Done)
}

/// The keys for this registry.
fn settings(url: &str, name: &str, replace: bool) -> anyhow::Result<Vec<Setting>> {
    let sparse = url.starts_with("sparse+");
    if sparse && !url.ends_with('/') {
        bail!("a sparse index URL must end with `/`: {url}/");
    }
    if !sparse && !url.contains("://") && !url.contains('@') {
        bail!(
            "`{url}` is not an index URL: give `sparse+https://…/` or a git URL (`https://…`, `ssh://…`, `file://…`)"
        );
    }
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        bail!("`{name}` cannot name a registry: use letters, digits, `-` and `_`");
    }
    let key = |path: &[&str], last: &str, v: &str| -> Setting {
        (
            path.iter().map(|s| (*s).to_owned()).collect(),
            last.to_owned(),
            v.into(),
        )
    };
    let mut out = if replace {
        vec![
            key(&["source", "crates-io"], "replace-with", name),
            key(&["source", name], "registry", url),
        ]
    } else {
        vec![key(&["registries", name], "index", url)]
    };
    if !sparse && !url.starts_with("file://") {
        out.push((vec!["net".into()], "git-fetch-with-cli".into(), true.into()));
    }
    Ok(out)
}

/// `text` (a cargo configuration) with every setting applied.
fn merge(text: &str, settings: &[Setting]) -> anyhow::Result<String> {
    let mut doc: DocumentMut = text.parse().context("not valid TOML")?;
    for (path, last, v) in settings {
        let mut table = doc.as_table_mut();
        for (depth, part) in path.iter().enumerate() {
            let item = table
                .entry(part)
                .or_insert_with(|| Item::Table(toml_edit::Table::new()));
            let Some(next) = item.as_table_mut() else {
                bail!("`{}` is not a table", path[..=depth].join("."));
            };
            // Parents of a nested table need no header of their own.
            if depth + 1 < path.len() && next.is_empty() {
                next.set_implicit(true);
            }
            table = next;
        }
        table[last.as_str()] = value(v.clone());
    }
    Ok(doc.to_string())
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(url: &str, replace: bool) -> String {
        merge("", &settings(url, "corp", replace).expect("valid")).expect("merges")
    }

    #[test]
    fn alternate_and_replacement_for_git_and_sparse() {
        assert_eq!(
            printed("sparse+https://pages.example/index/", false),
            "[registries.corp]\nindex = \"sparse+https://pages.example/index/\"\n"
        );
        assert_eq!(
            printed("https://git.example/index.git", true),
            "[source.crates-io]\nreplace-with = \"corp\"\n\n[source.corp]\nregistry = \"https://git.example/index.git\"\n\n[net]\ngit-fetch-with-cli = true\n"
        );
        assert!(!printed("file:///srv/index.git", false).contains("[net]"));
    }

    #[test]
    fn merging_keeps_what_is_there() {
        let old = "# mine\n[build]\njobs = 2 # two\n\n[registries.other]\nindex = \"sparse+https://o/\"\n\n[net]\nretry = 5\n";
        let settings = settings("ssh://git@git.example/index.git", "corp", false).expect("valid");
        let new = merge(old, &settings).expect("merges");
        assert!(
            new.starts_with("# mine\n[build]\njobs = 2 # two\n"),
            "{new}"
        );
        let parsed: toml::Table = new.parse().expect("still TOML");
        assert_eq!(
            parsed["registries"]["other"]["index"].as_str(),
            Some("sparse+https://o/")
        );
        assert_eq!(
            parsed["registries"]["corp"]["index"].as_str(),
            Some("ssh://git@git.example/index.git")
        );
        assert_eq!(parsed["net"]["retry"].as_integer(), Some(5));
        assert_eq!(parsed["net"]["git-fetch-with-cli"].as_bool(), Some(true));
        assert_eq!(merge(&new, &settings).expect("merges"), new, "idempotent");
        assert!(merge("net = 1\n", &settings).is_err());
    }

    #[test]
    fn refuses_unusable_urls_and_names() {
        assert!(settings("sparse+https://x/index", "corp", false).is_err());
        assert!(settings("/srv/index.git", "corp", false).is_err());
        assert!(settings("https://x/index.git", "a b", false).is_err());
    }
}
