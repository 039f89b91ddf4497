//! The harness's output: the counts line, the breakdown against issue 4's
//! targets, and target/tck-failures.txt (failure categories, pass rates per
//! directory, every failing scenario with expected and got).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::{Expects, Outcome, Record, TARGET_ALL, TARGET_CLEAN_RESULT};

/// Counts and lists for the output.
pub struct Report {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub stale: Vec<String>,
    pub harness_errors: Vec<String>,
    pub result_pass: usize,
    pub result_total: usize,
    pub clean_pass: usize,
    pub clean_total: usize,
    pub error_strict: usize,
    pub error_lenient: usize,
    pub error_total: usize,
    pub all_total: usize,
    pub has_clean_flags: bool,
}

impl Report {
    pub fn new(records: &[Record]) -> Report {
        let mut r = Report {
            passed: 0,
            failed: 0,
            skipped: 0,
            stale: Vec::new(),
            harness_errors: Vec::new(),
            result_pass: 0,
            result_total: 0,
            clean_pass: 0,
            clean_total: 0,
            error_strict: 0,
            error_lenient: 0,
            error_total: 0,
            all_total: records.len(),
            has_clean_flags: records.iter().any(|rec| rec.clean.is_some()),
        };
        for rec in records {
            let passed = rec.run.outcome == Outcome::Pass;
            match rec.expects {
                Expects::Result => {
                    r.result_total += 1;
                    r.result_pass += usize::from(passed);
                }
                Expects::Error => {
                    r.error_total += 1;
                    r.error_strict += usize::from(passed);
                    r.error_lenient += usize::from(rec.run.some_error_raised);
                }
            }
            if rec.clean == Some(true) {
                r.clean_total += 1;
                r.clean_pass += usize::from(passed);
            }
            if let Outcome::Fail { category, detail } = &rec.run.outcome {
                if category.starts_with("harness") {
                    r.harness_errors
                        .push(format!("{}:{} {}: {detail}", rec.file, rec.line, rec.name));
                }
            }
            match (&rec.skip, &rec.run.outcome) {
                (Some(entry), Outcome::Pass) => {
                    r.skipped += 1;
                    r.stale.push(format!(
                        "{} / {} (tck_skip.tsv line {})",
                        rec.file, rec.name, entry.line
                    ));
                }
                (Some(_), _) | (None, Outcome::NotRun(_)) => r.skipped += 1,
                (None, Outcome::Pass) => r.passed += 1,
                (None, Outcome::Fail { .. }) => r.failed += 1,
            }
        }
        r
    }

    pub fn breakdown(&self) -> Vec<String> {
        let pct = |a: usize, b: usize| {
            if b == 0 {
                0.0
            } else {
                100.0 * a as f64 / b as f64
            }
        };
        let mut out = vec![
            format!(
                "result-expecting: {}/{} pass ({:.1}%)",
                self.result_pass,
                self.result_total,
                pct(self.result_pass, self.result_total)
            ),
            format!(
                "error-expecting: {}/{} pass with type, phase and detail ({:.1}%); some error raised in {}/{}",
                self.error_strict,
                self.error_total,
                pct(self.error_strict, self.error_total),
                self.error_lenient,
                self.error_total
            ),
        ];
        if self.has_clean_flags {
            out.push(format!(
                "issue targets: clean result-expecting {}/{} ({:.1}%, target {:.0}%); all {}/{} ({:.1}%, target {:.0}%)",
                self.clean_pass,
                self.clean_total,
                pct(self.clean_pass, self.clean_total),
                TARGET_CLEAN_RESULT * 100.0,
                self.result_pass + self.error_strict,
                self.all_total,
                pct(self.result_pass + self.error_strict, self.all_total),
                TARGET_ALL * 100.0
            ));
        }
        out
    }

    /// The text of target/tck-failures.txt: counts, failure categories,
    /// per-directory pass rates, then every failing scenario.
    pub fn failure_file(&self, records: &[Record]) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "tck: {} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        );
        for line in self.breakdown() {
            let _ = writeln!(out, "{line}");
        }
        for stale in &self.stale {
            let _ = writeln!(out, "STALE SKIP (now passes): {stale}");
        }
        let mut categories: BTreeMap<&str, usize> = BTreeMap::new();
        let mut dirs: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for rec in records {
            let dir = rec.file.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            let entry = dirs.entry(dir).or_default();
            entry.1 += 1;
            entry.0 += usize::from(rec.run.outcome == Outcome::Pass);
            if let Outcome::Fail { category, .. } = &rec.run.outcome {
                if rec.skip.is_none() {
                    *categories.entry(category.as_str()).or_default() += 1;
                }
            }
        }
        let mut by_count: Vec<(&str, usize)> = categories.into_iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let _ = writeln!(out, "\n## Failure categories (not counting skipped)");
        for (category, n) in by_count {
            let _ = writeln!(out, "{n:5}  {category}");
        }
        let _ = writeln!(out, "\n## Pass rate by directory (passed/scenarios)");
        for (dir, (pass, total)) in &dirs {
            let _ = writeln!(out, "{pass:4}/{total:<4} {dir}");
        }
        let _ = writeln!(out, "\n## Failing scenarios");
        for rec in records {
            if let Outcome::Fail { category, detail } = &rec.run.outcome {
                let skipped = rec
                    .skip
                    .as_ref()
                    .map(|s| format!(" [skipped: {}]", s.reason))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{}:{}  {}{skipped}\n    {category}\n    {}",
                    rec.file,
                    rec.line,
                    rec.name,
                    detail.replace('\n', "\n    ")
                );
            }
        }
        let _ = writeln!(out, "\n## Not run");
        for rec in records {
            if let Outcome::NotRun(reason) = &rec.run.outcome {
                let _ = writeln!(out, "{}:{}  {}: {reason}", rec.file, rec.line, rec.name);
            }
        }
        out
    }
}

/// Reads scenarios.tsv: (file, header line, example index or `-`) -> clean
/// (expects a result, no non-subset feature, no minor extension, not ignored).
pub fn read_clean_flags(path: &Path) -> Option<BTreeMap<(String, usize, String), bool>> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() < 10 {
            continue;
        }
        let Ok(header_line) = cells[1].parse::<usize>() else {
            continue;
        };
        let clean = !cells[6].starts_with("error")
            && cells[7] == "-"
            && cells[8] == "-"
            && !cells[9].contains("ignore");
        out.insert(
            (cells[0].to_string(), header_line, cells[2].to_string()),
            clean,
        );
    }
    Some(out)
}
