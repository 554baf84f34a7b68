//! The rules, one file per family, and [`decide`]: the one pure judgement
//! the hook and the dry run share.
//!
//! Every upload is judged on its own against the settings for its crate
//! (global plus matching overrides), and against the registry state plus
//! what earlier uploads of the same push add. All findings are collected;
//! the verdict refuses when any is at level `deny`.

mod bans;
mod categories;
pub mod custom;
mod deps;
mod licenses;
mod metadata;
mod names;
mod owners;
mod sources;
mod spans;
mod tarball;
#[cfg(test)]
pub(crate) mod testing;
mod versions;

use std::cell::{Cell, OnceCell};
use std::collections::{HashMap, HashSet};

use toml::Spanned;
use toml::de::DeTable;

use super::schema::Settings;
use super::state::{Change, RegistryState, Upload};
use super::{Level, Policy};
use crate::crate_file::CrateFile;
use crate::diag::locate::{self, Lines};
use crate::diag::{Finding, Location, Severity, Verdict};
use spans::{Found, Spans};

/// Look-ups in a packaged manifest's parser events, per crate, before
/// the manifest is parsed into a tree for the rest.
const MAX_SCANS: usize = 16;

/// Judges every upload of a push. Pure: same inputs, same verdict.
///
/// Uploads are judged on every core: what an upload needs from the ones
/// before it in the push ([`Earlier`]) is worked out first, in order, so
/// the findings (kept in upload order) do not depend on the schedule.
#[must_use]
pub fn decide(policy: &Policy, state: &RegistryState, uploads: &[Upload]) -> Verdict {
    let jobs: Vec<(&Upload, Earlier)> = uploads.iter().zip(Earlier::of_each(uploads)).collect();
    let findings = crate::parallel::map(&jobs, |(upload, earlier)| {
        judge_upload(policy, state, upload, earlier)
    });
    Verdict::from_findings(findings.into_iter().flatten().collect())
}

/// The findings about one upload.
fn judge_upload(
    policy: &Policy,
    state: &RegistryState,
    upload: &Upload,
    earlier: &Earlier,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    match &upload.read {
        Err(refusal) => findings.push(Finding {
            rule: refusal.rule,
            severity: Severity::Error,
            file: upload.path.clone(),
            krate: None,
            value: refusal.entry.clone(),
            location: None,
            policy_key: Some("tarball".to_owned()),
            message: refusal.message.clone(),
            help: refusal.help.clone(),
        }),
        Ok(krate) => {
            let canonical = krate.manifest.name.canonical();
            let settings = policy.settings_for(&canonical);
            let mut ctx = Ctx::new(&settings, upload, krate, canonical, &mut findings);
            judge(policy, state, earlier, &mut ctx);
        }
    }
    findings
}

fn judge(policy: &Policy, state: &RegistryState, earlier: &Earlier, ctx: &mut Ctx<'_>) {
    owners::check(policy.owners(), state, ctx);
    if ctx.upload.change == Change::Deleted {
        return;
    }
    tarball::check(ctx);
    names::check(state, earlier, ctx);
    versions::check(state, earlier, ctx);
    metadata::check(ctx);
    licenses::check(ctx);
    sources::check(state, ctx);
    bans::check(ctx);
    custom::check(policy.custom_rules(), ctx);
}

/// What the uploads before one in the same push add to the registry, as
/// far as that upload's crate is concerned.
#[derive(Debug, Default)]
pub(crate) struct Earlier {
    /// The crate name as an earlier upload spelled it (same canonical
    /// name), if one did.
    name: Option<String>,
    /// Whether an earlier upload has the same version (ignoring build
    /// metadata) of the crate.
    version: bool,
}

impl Earlier {
    /// One [`Earlier`] per upload, in order.
    fn of_each(uploads: &[Upload]) -> Vec<Self> {
        // Canonical name → name as first spelled; (canonical, version
        // without build metadata).
        let mut names: HashMap<String, String> = HashMap::new();
        let mut versions: HashSet<(String, String)> = HashSet::new();
        let mut out = Vec::with_capacity(uploads.len());
        for upload in uploads {
            let Ok(krate) = &upload.read else {
                out.push(Self::default());
                continue;
            };
            let m = &krate.manifest;
            let key = (m.name.canonical(), versions::without_build(&m.version));
            out.push(Self {
                name: names.get(&key.0).cloned(),
                version: versions.contains(&key),
            });
            names
                .entry(key.0.clone())
                .or_insert_with(|| m.name.to_string());
            versions.insert(key);
        }
        out
    }
}

/// The context a rule reports into: the crate's settings and the upload.
pub(crate) struct Ctx<'a> {
    pub settings: &'a Settings,
    pub upload: &'a Upload,
    pub krate: &'a CrateFile,
    pub canonical: String,
    label: String,
    manifest_path: String,
    /// The packaged manifest parsed with spans, once, when a custom rule
    /// needs its values.
    tree: OnceCell<Option<Spanned<DeTable<'a>>>>,
    /// The packaged manifest's parser events, once, on the first finding
    /// that points into it while there is no tree.
    spans: OnceCell<Option<Spans<'a>>>,
    /// Look-ups made in `spans`.
    scans: Cell<usize>,
    /// The packaged manifest's lines, indexed on the first finding that
    /// points into it.
    lines: OnceCell<Lines<'a>>,
    findings: &'a mut Vec<Finding>,
}

impl<'a> Ctx<'a> {
    fn new(
        settings: &'a Settings,
        upload: &'a Upload,
        krate: &'a CrateFile,
        canonical: String,
        findings: &'a mut Vec<Finding>,
    ) -> Self {
        let m = &krate.manifest;
        Self {
            settings,
            upload,
            krate,
            canonical,
            label: format!("{}@{}", m.name, m.version),
            manifest_path: format!("{}-{}/Cargo.toml", m.name, m.version),
            tree: OnceCell::new(),
            spans: OnceCell::new(),
            scans: Cell::new(0),
            lines: OnceCell::new(),
            findings,
        }
    }

    /// Whether `rule` reports anything for this crate.
    pub fn enabled(&self, rule: &str) -> bool {
        self.settings.level(rule) != Level::Allow
    }

    /// Records a finding unless its rule is at level `allow`.
    pub fn report(&mut self, rule: &'static str, report: Report) {
        self.report_at(rule, self.settings.level(rule), report);
    }

    /// Records a finding of `rule` at `level` (custom rules know theirs).
    pub fn report_at(&mut self, rule: &'static str, level: Level, report: Report) {
        let Some(severity) = level.severity() else {
            return;
        };
        let location = report.location.or_else(|| {
            let key = report.key?;
            self.locate(&key.iter().map(String::as_str).collect::<Vec<_>>())
        });
        self.findings.push(Finding {
            rule,
            severity,
            file: self.upload.path.clone(),
            krate: Some(self.label.clone()),
            value: report.value,
            location,
            policy_key: report.policy_key,
            message: report.message,
            help: report.help,
        });
    }
}

impl<'a> Ctx<'a> {
    /// The packaged manifest parsed with spans (once).
    fn tree(&self) -> Option<&Spanned<DeTable<'a>>> {
        let text = self.krate.manifest_text.as_str();
        self.tree.get_or_init(|| DeTable::parse(text).ok()).as_ref()
    }

    /// What `key` leads to in the packaged manifest, from the parser's
    /// events (lexed once), unless the tree should answer: a rule parsed
    /// it already, or [`MAX_SCANS`] look-ups (each a walk over every
    /// event) were made, so that many look-ups cost one parse and a walk
    /// down the tree each.
    fn scan(&self, key: &[&str]) -> Scan {
        if self.tree.get().is_some() || self.scans.get() >= MAX_SCANS {
            return Scan::Tree;
        }
        self.scans.set(self.scans.get() + 1);
        let text = self.krate.manifest_text.as_str();
        match self.spans.get_or_init(|| Spans::new(text)) {
            Some(spans) => spans.find(key).map_or(Scan::Missing, Scan::At),
            None => Scan::Tree,
        }
    }

    /// Where `key` is in the packaged manifest.
    fn locate(&self, key: &[&str]) -> Option<Location> {
        let lines = self
            .lines
            .get_or_init(|| Lines::new(&self.krate.manifest_text));
        match self.scan(key) {
            Scan::At(found) => Some(lines.location(&self.manifest_path, key, &found.span())),
            Scan::Missing => None,
            Scan::Tree => locate::locate_in(self.tree()?, lines, &self.manifest_path, key),
        }
    }
}

/// A look-up in a packaged manifest's parser events.
pub(crate) enum Scan {
    /// The key leads here.
    At(Found),
    /// The key leads nowhere.
    Missing,
    /// The tree should answer.
    Tree,
}

/// A finding being built by a rule.
pub(crate) struct Report {
    value: Option<String>,
    key: Option<Vec<String>>,
    location: Option<Location>,
    policy_key: Option<String>,
    message: String,
    help: String,
}

impl Report {
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self {
            value: None,
            key: None,
            location: None,
            policy_key: None,
            message: message.into(),
            help: help.into(),
        }
    }

    /// The offending value.
    #[must_use]
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// The manifest key it sits at, e.g. `["package", "license"]`.
    #[must_use]
    pub fn key(mut self, key: &[&str]) -> Self {
        self.key = Some(key.iter().map(|k| (*k).to_owned()).collect());
        self
    }

    /// Where it points, when that is not a key of the packaged manifest.
    #[must_use]
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// The policy key responsible.
    #[must_use]
    pub fn policy(mut self, key: impl Into<String>) -> Self {
        self.policy_key = Some(key.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{added, krate, policy, render};
    use super::*;
    use crate::crate_file::Refusal;

    #[test]
    fn reader_refusals_are_always_errors() {
        let refusal = Refusal {
            rule: "tarball-path-traversal",
            entry: Some("foo-1.0.0/../../etc/passwd".into()),
            message: "the entry `foo-1.0.0/../../etc/passwd` leaves the package directory".into(),
            help: "rebuild the .crate with `cargo package`".into(),
        };
        let upload = Upload {
            path: "foo-1.0.0.crate".into(),
            size: 10,
            change: Change::Added,
            read: Err(refusal),
        };
        let v = decide(&policy(""), &RegistryState::default(), &[upload]);
        assert!(!v.accepted);
        assert_eq!(v.findings[0].severity, Severity::Error);
        assert_eq!(v.findings[0].krate, None);
        insta::assert_snapshot!(render(&v));
        let lowered = "[levels]\ntarball-path-traversal = \"warn\"\n";
        let errors =
            Policy::from_str(&format!("schema = 1\n{lowered}"), "p.toml").expect_err("fixed");
        assert!(errors.to_string().contains("always deny"), "{errors}");
    }

    #[test]
    fn findings_keep_upload_order_and_see_earlier_uploads() {
        // Enough uploads that every core judges several; every third one
        // repeats a name spelled differently, or a version, of the one
        // before it.
        let mut uploads = Vec::new();
        let mut expected = Vec::new();
        for i in 0..60 {
            uploads.push(added(krate(&format!("c{i}"), "1.0.0", "")));
            expected.push((format!("c{i}@1.0.0"), "name-pattern"));
            if i % 3 == 0 {
                uploads.push(added(krate(&format!("C{i}"), "1.0.1", "")));
                expected.push((format!("C{i}@1.0.1"), "name-pattern"));
                expected.push((format!("C{i}@1.0.1"), "name-collision"));
                uploads.push(added(krate(&format!("c{i}"), "1.0.0+b", "")));
                expected.push((format!("c{i}@1.0.0+b"), "name-pattern"));
                expected.push((format!("c{i}@1.0.0+b"), "version-exists"));
            }
        }
        let p = policy("[names]\npattern = \"^x\"\n");
        let v = decide(&p, &RegistryState::default(), &uploads);
        let got: Vec<(String, &str)> = v
            .findings
            .iter()
            .map(|f| (f.krate.clone().expect("a crate"), f.rule))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn many_findings_in_one_manifest_are_all_located() {
        // Past MAX_SCANS look-ups the tree answers: the same lines.
        let deps = (0..3 * MAX_SCANS)
            .map(|i| format!("d{i:02} = \"*\"\n"))
            .collect::<Vec<_>>()
            .concat();
        let k = krate("many", "1.0.0", &format!("[dependencies]\n{deps}"));
        let first = k
            .manifest_text
            .lines()
            .position(|l| l.starts_with("d00"))
            .expect("d00");
        let v = decide(&policy(""), &RegistryState::default(), &[added(k)]);
        let lines: Vec<usize> = v
            .findings
            .iter()
            .filter(|f| f.rule == "dependency-wildcard")
            .map(|f| f.location.as_ref().expect("located").line)
            .collect();
        let expected: Vec<usize> = (first + 1..=first + 3 * MAX_SCANS).collect();
        assert_eq!(lines, expected);
    }
}
