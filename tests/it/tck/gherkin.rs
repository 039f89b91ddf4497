//! A small reader for the part of Gherkin the openCypher TCK uses: one
//! `Feature`, an optional `Background`, `Scenario`s and `Scenario Outline`s
//! with `Examples` tables, tags, steps with `"""` doc strings or `|` tables,
//! and `#` comments. Outlines are expanded here, one scenario per Examples
//! row, with `<name>` placeholders substituted everywhere, and the Background
//! steps are prepended to every scenario.
//!
//! It is not a general Gherkin parser (no `Rule:`, no i18n keywords, no
//! ```` ``` ```` doc strings): the TCK needs none of these, and an unknown
//! construct is reported as an error naming the line.

/// One step after its keyword (`Given`/`When`/`Then`/`And`/`But` are
/// interchangeable, as in Gherkin).
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The text after the keyword, trimmed, e.g. `executing query:`.
    pub text: String,
    /// The `"""` doc string under the step, without its indentation.
    pub doc: Option<String>,
    /// The `|` table under the step, cells unescaped and trimmed.
    pub table: Vec<Vec<String>>,
    /// 1-based line of the step in the feature file.
    pub line: usize,
}

/// One runnable scenario (an outline row is one scenario).
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The title after `Scenario:`, placeholders substituted.
    pub name: String,
    /// 1-based row among all Examples rows of an outline; `None` for a plain scenario.
    pub example: Option<usize>,
    /// Tags written above the scenario, e.g. `@ignore`.
    pub tags: Vec<String>,
    /// Background steps followed by the scenario's own steps.
    pub steps: Vec<Step>,
    /// 1-based line of the `Scenario` header.
    pub line: usize,
}

impl Scenario {
    /// The name used in reports and skip patterns: the title, plus
    /// ` (example N)` for an outline row.
    pub fn display_name(&self) -> String {
        match self.example {
            Some(n) => format!("{} (example {n})", self.name),
            None => self.name.clone(),
        }
    }
}

/// A parsed feature file.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub name: String,
    pub scenarios: Vec<Scenario>,
}

/// A scenario or outline as written, before expansion.
struct RawScenario {
    name: String,
    tags: Vec<String>,
    steps: Vec<Step>,
    line: usize,
    outline: bool,
    /// Each Examples block: header row, then data rows.
    examples: Vec<Vec<Vec<String>>>,
}

/// Where table rows currently go.
enum Target {
    None,
    Background,
    Scenario,
    Examples,
}

/// Parses a feature file's text.
pub fn parse_feature(text: &str) -> Result<Feature, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut feature_name = None;
    let mut background: Vec<Step> = Vec::new();
    let mut raw: Vec<RawScenario> = Vec::new();
    let mut pending_tags: Vec<String> = Vec::new();
    let mut target = Target::None;
    let mut i = 0;
    while i < lines.len() {
        let line_no = i + 1;
        let line = lines[i];
        let trimmed = line.trim();
        i += 1;
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.starts_with('@') {
            pending_tags.extend(trimmed.split_whitespace().map(str::to_string));
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("Feature:") {
            feature_name = Some(rest.trim().to_string());
            pending_tags.clear();
            continue;
        }
        if trimmed.starts_with("Background:") {
            target = Target::Background;
            continue;
        }
        let header = trimmed
            .strip_prefix("Scenario Outline:")
            .or_else(|| trimmed.strip_prefix("Scenario Template:"))
            .map(|rest| (rest, true))
            .or_else(|| trimmed.strip_prefix("Scenario:").map(|rest| (rest, false)));
        if let Some((rest, outline)) = header {
            raw.push(RawScenario {
                name: rest.trim().to_string(),
                tags: std::mem::take(&mut pending_tags),
                steps: Vec::new(),
                line: line_no,
                outline,
                examples: Vec::new(),
            });
            target = Target::Scenario;
            continue;
        }
        if trimmed.starts_with("Examples:") || trimmed.starts_with("Scenarios:") {
            let scenario = raw
                .last_mut()
                .ok_or(format!("line {line_no}: Examples outside an outline"))?;
            scenario.examples.push(Vec::new());
            pending_tags.clear();
            target = Target::Examples;
            continue;
        }
        if trimmed.starts_with('|') {
            let row = split_row(trimmed);
            match target {
                Target::Examples => raw
                    .last_mut()
                    .and_then(|s| s.examples.last_mut())
                    .ok_or(format!("line {line_no}: table row without Examples"))?
                    .push(row),
                Target::Background => background
                    .last_mut()
                    .ok_or(format!("line {line_no}: table row without a step"))?
                    .table
                    .push(row),
                Target::Scenario => raw
                    .last_mut()
                    .and_then(|s| s.steps.last_mut())
                    .ok_or(format!("line {line_no}: table row without a step"))?
                    .table
                    .push(row),
                Target::None => return Err(format!("line {line_no}: stray table row")),
            }
            continue;
        }
        if trimmed.starts_with("\"\"\"") {
            let indent = line.len() - line.trim_start().len();
            let mut body = Vec::new();
            loop {
                let Some(doc_line) = lines.get(i) else {
                    return Err(format!("line {line_no}: doc string never closed"));
                };
                i += 1;
                if doc_line.trim() == "\"\"\"" {
                    break;
                }
                body.push(strip_indent(doc_line, indent));
            }
            let doc = body.join("\n");
            let step = match target {
                Target::Background => background.last_mut(),
                Target::Scenario => raw.last_mut().and_then(|s| s.steps.last_mut()),
                _ => None,
            }
            .ok_or(format!("line {line_no}: doc string without a step"))?;
            step.doc = Some(doc);
            continue;
        }
        let step_text = ["Given ", "When ", "Then ", "And ", "But ", "* "]
            .iter()
            .find_map(|keyword| trimmed.strip_prefix(keyword));
        if let Some(text) = step_text {
            let step = Step {
                text: text.trim().to_string(),
                doc: None,
                table: Vec::new(),
                line: line_no,
            };
            match target {
                Target::Background => background.push(step),
                Target::Scenario => raw
                    .last_mut()
                    .ok_or(format!("line {line_no}: step outside a scenario"))?
                    .steps
                    .push(step),
                _ => return Err(format!("line {line_no}: step outside a scenario")),
            }
            continue;
        }
        return Err(format!("line {line_no}: cannot read `{trimmed}`"));
    }
    let name = feature_name.ok_or("no `Feature:` line")?;
    let mut scenarios = Vec::new();
    for scenario in raw {
        expand(scenario, &background, &mut scenarios)?;
    }
    Ok(Feature { name, scenarios })
}

/// Turns an outline into one scenario per Examples row (and a plain scenario
/// into itself), prepending the Background.
fn expand(raw: RawScenario, background: &[Step], out: &mut Vec<Scenario>) -> Result<(), String> {
    let with_background = |steps: Vec<Step>| -> Vec<Step> {
        background.iter().cloned().chain(steps).collect::<Vec<_>>()
    };
    if !raw.outline {
        out.push(Scenario {
            name: raw.name,
            example: None,
            tags: raw.tags,
            steps: with_background(raw.steps),
            line: raw.line,
        });
        return Ok(());
    }
    let mut n = 0;
    for block in &raw.examples {
        let Some((header, rows)) = block.split_first() else {
            continue;
        };
        for row in rows {
            n += 1;
            if row.len() != header.len() {
                return Err(format!(
                    "outline at line {}: example row {n} has {} cells, header has {}",
                    raw.line,
                    row.len(),
                    header.len()
                ));
            }
            let bindings: Vec<(String, &str)> = header
                .iter()
                .zip(row)
                .map(|(h, v)| (format!("<{h}>"), v.as_str()))
                .collect();
            let substitute = |text: &str| -> String {
                bindings
                    .iter()
                    .fold(text.to_string(), |acc, (k, v)| acc.replace(k.as_str(), v))
            };
            let steps = raw
                .steps
                .iter()
                .map(|step| Step {
                    text: substitute(&step.text),
                    doc: step.doc.as_deref().map(substitute),
                    table: step
                        .table
                        .iter()
                        .map(|r| r.iter().map(|c| substitute(c)).collect())
                        .collect(),
                    line: step.line,
                })
                .collect();
            out.push(Scenario {
                name: substitute(&raw.name),
                example: Some(n),
                tags: raw.tags.clone(),
                steps: with_background(steps),
                line: raw.line,
            });
        }
    }
    Ok(())
}

/// Removes up to `indent` leading whitespace characters (the doc string's
/// own indentation); deeper indentation is kept.
fn strip_indent(line: &str, indent: usize) -> String {
    let mut rest = line;
    for _ in 0..indent {
        match rest.chars().next() {
            Some(c) if c.is_whitespace() => rest = &rest[c.len_utf8()..],
            _ => break,
        }
    }
    rest.trim_end().to_string()
}

/// Splits `| a | b\|c |` into trimmed, unescaped cells (`\|` -> `|`,
/// `\\` -> `\`, `\n` -> newline; other backslashes are kept).
pub fn split_row(line: &str) -> Vec<String> {
    let inner = line.trim().strip_prefix('|').unwrap_or(line);
    let mut cells = Vec::new();
    let mut raw_cell = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                raw_cell.push('\\');
                if let Some(next) = chars.next() {
                    raw_cell.push(next);
                }
            }
            '|' => cells.push(unescape_cell(raw_cell.trim())),
            _ => raw_cell.push(c),
        }
        if c == '|' {
            raw_cell.clear();
        }
    }
    // Text after the last `|` is not a cell (usually empty).
    cells
}

fn unescape_cell(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('|') => out.push('|'),
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[test]
fn tck_gherkin_splits_and_unescapes_cells() {
    assert_eq!(split_row("| a | 'b' |"), vec!["a", "'b'"]);
    assert_eq!(split_row(r"| 'x\|y' | '\\' |"), vec!["'x|y'", r"'\'"]);
    assert_eq!(split_row(r"| '\nFoo\n' |"), vec!["'\nFoo\n'"]);
    assert_eq!(split_row(r"| '\'' |"), vec![r"'\''"]);
    assert_eq!(
        split_row(r#"| 'a\\\\bcn5t\'"\\\\//\\\\"\'' |"#),
        vec![r#"'a\\bcn5t\'"\\//\\"\''"#]
    );
}

#[test]
fn tck_gherkin_reads_background_outline_and_doc_strings() {
    let text = r#"
# comment
Feature: F1 - demo

  Background:
    Given an empty graph
    And having executed:
      """
      CREATE (:A)
        CREATE (:B)
      """

  @skipStyleCheck
  Scenario: [1] plain
    When executing query:
      """
      MATCH (n) RETURN n
      """
    Then the result should be, in any order:
      | n    |
      | (:A) |
    And no side effects

  Scenario Outline: [2] outline <x>
    When executing query:
      """
      RETURN <x> AS v
      """
    Then the result should be, in any order:
      | v   |
      | <x> |

    Examples:
      | x |
      | 1 |
      | 2 |

    Examples:
      | x   |
      | 'a' |
"#;
    let feature = parse_feature(text).unwrap();
    assert_eq!(feature.name, "F1 - demo");
    assert_eq!(feature.scenarios.len(), 4);
    let plain = &feature.scenarios[0];
    assert_eq!(plain.tags, vec!["@skipStyleCheck"]);
    assert_eq!(plain.steps.len(), 5);
    assert_eq!(
        plain.steps[1].doc.as_deref(),
        Some("CREATE (:A)\n  CREATE (:B)")
    );
    assert_eq!(plain.steps[3].table, vec![vec!["n"], vec!["(:A)"]]);
    let third = &feature.scenarios[3];
    assert_eq!(third.display_name(), "[2] outline 'a' (example 3)");
    assert_eq!(third.steps[2].doc.as_deref(), Some("RETURN 'a' AS v"));
    assert_eq!(third.steps[3].table[1], vec!["'a'"]);
    assert!(third.tags.is_empty());
}

#[test]
fn tck_gherkin_rejects_unknown_lines() {
    let err = parse_feature("Feature: x\n  Scenario: s\n    Whenever foo\n").unwrap_err();
    assert!(err.contains("line 3"), "{err}");
}
