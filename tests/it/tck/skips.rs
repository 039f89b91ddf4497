//! The skip list, `tests/tck_skip.tsv`: scenarios that use a feature
//! outside kg's Cypher subset, one tab-separated line each:
//! `feature-path-glob <TAB> scenario-name-glob <TAB> reason`.
//! `*` matches any run of characters; `#` starts a comment line.
//!
//! Skipped scenarios still run: one that passes is reported as a stale
//! entry and fails the run, so the list only shrinks.

/// One line of the skip list.
#[derive(Debug, Clone, PartialEq)]
pub struct SkipEntry {
    pub feature: String,
    pub scenario: String,
    pub reason: String,
    /// 1-based line in the skip file.
    pub line: usize,
}

/// Reads the skip file's text.
pub fn parse_skips(text: &str) -> Result<Vec<SkipEntry>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let [feature, scenario, reason] = cells.as_slice() else {
            return Err(format!(
                "tck_skip.tsv line {}: expected 3 tab-separated cells, found {}",
                i + 1,
                cells.len()
            ));
        };
        if reason.trim().is_empty() {
            return Err(format!(
                "tck_skip.tsv line {}: a skip needs a reason",
                i + 1
            ));
        }
        out.push(SkipEntry {
            feature: feature.trim().to_string(),
            scenario: scenario.trim().to_string(),
            reason: reason.trim().to_string(),
            line: i + 1,
        });
    }
    Ok(out)
}

/// The first entry that covers the scenario, if any.
pub fn find_skip<'a>(
    entries: &'a [SkipEntry],
    feature_path: &str,
    scenario_name: &str,
) -> Option<&'a SkipEntry> {
    entries
        .iter()
        .find(|e| glob(&e.feature, feature_path) && glob(&e.scenario, scenario_name))
}

/// `*`-only glob matching over characters.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Classic greedy matcher with backtracking to the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[test]
fn tck_skips_glob() {
    assert!(glob("*", ""));
    assert!(glob("*", "anything"));
    assert!(glob(
        "clauses/*/WithOrderBy1.feature",
        "clauses/with-orderBy/WithOrderBy1.feature"
    ));
    assert!(glob("[11] *", "[11] Sort dates in ascending order"));
    assert!(!glob("[1] *", "[11] Sort dates"));
    assert!(glob(
        "*#Example: dates*",
        "[45] Sort #Example: dates (example 6)"
    ));
    assert!(!glob("a*b", "ac"));
    assert!(glob("a*b*c", "aXbYbc"));
    assert!(!glob("abc", "abcd"));
}

#[test]
fn tck_skips_parse() {
    let text = "# comment\n\na.feature\t*\tno temporal types\n";
    let entries = parse_skips(text).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].line, 3);
    assert!(find_skip(&entries, "a.feature", "[1] x").is_some());
    assert!(find_skip(&entries, "b.feature", "[1] x").is_none());
    assert!(parse_skips("a\tb\n").is_err());
    assert!(parse_skips("a\tb\t \n").is_err());
}
