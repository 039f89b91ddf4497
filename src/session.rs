//! A session on one graph file: runs Cypher statements and `:commands`,
//! writing results to any `impl Write`, and saves the graph (atomically)
//! after each statement that changed it. Serves `kg query`, `kg run`, the
//! REPL and tests alike.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cypher::{self, Options, Params};
use crate::dot::{self, DotStyle};
use crate::error::{Error, Result};
use crate::export::{self, subgraph, Chosen, Selection};
use crate::graph::{Graph, Value};
use crate::store::{self, WriteLock};
use crate::table::{Format, Table};

/// An open graph with its settings.
pub struct Session {
    graph: Graph,
    path: PathBuf,
    /// Held while the session may write; `None` for read-only sessions.
    _lock: Option<WriteLock>,
    pub format: Format,
    pub timing: bool,
    /// Print each statement of a script before its result.
    pub echo: bool,
    pub params: Params,
    pub options: Options,
    /// A per-statement time limit.
    pub timeout: Option<Duration>,
    /// The result of the last statement, which `:export` writes when it is
    /// given no query.
    last_result: Option<Table>,
}

/// A REPL command: a line starting with `:`.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Help,
    Stats,
    Save,
    Format(Format),
    Timing(bool),
    Param(String, Value),
    Params,
    /// `:export FORMAT FILE [QUERY]` (and the older `:dot FILE QUERY`):
    /// export what the query, else the last statement, returned.
    Export {
        format: export::Format,
        file: PathBuf,
        query: Option<String>,
    },
}

/// The help text of the REPL's commands.
pub const HELP: &str = "\
Statements end with `;` and may span lines. Commands:
  :help                  this text
  :stats                 node and relationship counts
  :save                  save the graph now (changes are saved after each statement anyway)
  :format table|csv|json how results are printed
  :timing on|off         print how long each statement took
  :param NAME=VALUE      bind $NAME (VALUE is JSON, or else a string)
  :params                list bound parameters
  :export dot|json|graphml|cypher FILE [QUERY]
                         write what QUERY (else the last statement) returned to FILE
  :quit                  leave (or Ctrl-D); Ctrl-C cancels input or a running query
";

impl Session {
    /// Opens the graph at `path` (an empty graph when the file is absent).
    /// A writable session takes the graph's write lock first.
    pub fn open(path: &Path, writable: bool) -> Result<Session> {
        let lock = if writable {
            Some(WriteLock::acquire(path)?)
        } else {
            None
        };
        let graph = store::load_or_new(path)?;
        Ok(Session {
            graph,
            path: path.to_path_buf(),
            _lock: lock,
            format: Format::Table,
            timing: false,
            echo: false,
            params: Params::new(),
            options: Options::default(),
            timeout: None,
            last_result: None,
        })
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    pub fn graph_mut(&mut self) -> &mut Graph {
        &mut self.graph
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Saves the graph to its file.
    pub fn save(&self) -> Result<()> {
        store::save(&self.graph, &self.path)?;
        Ok(())
    }

    /// Runs one statement or `:command`.
    pub fn execute(&mut self, input: &str, out: &mut dyn Write) -> Result<()> {
        let trimmed = input.trim();
        if let Some(command) = trimmed.strip_prefix(':') {
            let command = parse_command(command)?;
            return self.run_command(command, out);
        }
        if trimmed.trim_end_matches(';').trim().is_empty() {
            return Ok(());
        }
        self.run_statement(input, out)
    }

    /// Runs every statement of a script in order, stopping at the first
    /// error (statements before it stay applied and saved).
    pub fn run_script(&mut self, script: &str, out: &mut dyn Write) -> Result<()> {
        let statements = cypher::split_script(script).map_err(|e| Error::query(e, script))?;
        for (_, statement) in statements {
            if self.echo {
                write_echo(statement, out).map_err(|e| Error::io("<output>", e))?;
            }
            self.execute(statement, out)?;
            if self.echo {
                writeln!(out).map_err(|e| Error::io("<output>", e))?;
            }
        }
        Ok(())
    }

    fn run_statement(&mut self, query: &str, out: &mut dyn Write) -> Result<()> {
        let changes_before = self.graph.change_count();
        let mut options = self.options.clone();
        options.deadline = self.timeout.map(|t| Instant::now() + t);
        let started = Instant::now();
        let result = cypher::execute(&mut self.graph, query, &self.params, &options);
        let elapsed = started.elapsed();
        // Save whatever the statement changed, even when it failed part way,
        // so nothing the user saw applied is lost.
        if self.graph.change_count() != changes_before {
            self.save()?;
        }
        let table = result.map_err(|e| Error::query(e, query))?;
        table
            .write(self.format, out)
            .map_err(|e| Error::io("<output>", e))?;
        self.last_result = Some(table);
        if self.timing {
            writeln!(out, "time: {:.3} ms", elapsed.as_secs_f64() * 1000.0)
                .map_err(|e| Error::io("<output>", e))?;
        }
        Ok(())
    }

    fn run_command(&mut self, command: Command, out: &mut dyn Write) -> Result<()> {
        let io = |e| Error::io("<output>", e);
        match command {
            Command::Help => write!(out, "{HELP}").map_err(io),
            Command::Stats => write_stats(&self.graph, out).map_err(io),
            Command::Save => {
                self.save()?;
                writeln!(out, "saved {}", self.path.display()).map_err(io)
            }
            Command::Format(format) => {
                self.format = format;
                Ok(())
            }
            Command::Timing(on) => {
                self.timing = on;
                Ok(())
            }
            Command::Param(name, value) => {
                self.params.insert(name, value);
                Ok(())
            }
            Command::Params => {
                for (name, value) in &self.params {
                    writeln!(out, "${name} = {}", value_to_json(value)).map_err(io)?;
                }
                Ok(())
            }
            Command::Export {
                format,
                file,
                query,
            } => self.export_command(format, &file, query.as_deref(), out),
        }
    }

    /// `:export`: what `query` returns, else what the last statement
    /// returned, with the defaults of `kg export`.
    fn export_command(
        &mut self,
        format: export::Format,
        file: &Path,
        query: Option<&str>,
        out: &mut dyn Write,
    ) -> Result<()> {
        let io = |e| Error::io("<output>", e);
        let selection = export::default_selection(format);
        let chosen = match query {
            Some(query) => self.select(Some(query), &selection)?,
            None => match &self.last_result {
                Some(table) => subgraph::from_table(&self.graph, table, &selection),
                None => {
                    return Err(Error::Usage(
                        "nothing to export yet: run a query first, or give one \
                         (:export dot FILE MATCH ...)"
                            .to_string(),
                    ))
                }
            },
        };
        for warning in &chosen.warnings {
            writeln!(out, "warning: {warning}").map_err(io)?;
        }
        let bytes = match format {
            export::Format::Dot => {
                dot::to_dot(&self.graph, &chosen.subgraph, &DotStyle::default()).into_bytes()
            }
            export::Format::Csv => {
                return Err(Error::Usage(
                    "CSV export writes a folder of files: use `kg export --format csv -o DIR`"
                        .to_string(),
                ))
            }
            other => {
                let mut bytes = Vec::new();
                export::write_text(other, &self.graph, &chosen.subgraph, &mut bytes).map_err(io)?;
                bytes
            }
        };
        std::fs::write(file, bytes).map_err(|e| Error::io(file, e))?;
        writeln!(
            out,
            "wrote {} ({} nodes, {} relationships)",
            file.display(),
            chosen.subgraph.nodes.len(),
            chosen.subgraph.rels.len()
        )
        .map_err(io)
    }

    /// The subgraph of what `query` returns (run with the session's
    /// parameters, saving the graph if it wrote), or of the whole graph.
    pub fn select(&mut self, query: Option<&str>, selection: &Selection) -> Result<Chosen> {
        match query {
            None => Ok(subgraph::whole(&self.graph, selection)),
            Some(query) => {
                let changes_before = self.graph.change_count();
                let table = cypher::execute(&mut self.graph, query, &self.params, &self.options)
                    .map_err(|e| Error::query(e, query))?;
                if self.graph.change_count() != changes_before {
                    self.save()?;
                }
                Ok(subgraph::from_table(&self.graph, &table, selection))
            }
        }
    }
}

/// Echoes a script statement: its leading comment lines as they are, then
/// the statement after a prompt, as if typed in the REPL.
fn write_echo(statement: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let mut lines = statement.trim().lines().peekable();
    while let Some(line) =
        lines.next_if(|l| l.trim_start().starts_with("//") || l.trim().is_empty())
    {
        if !line.trim().is_empty() {
            writeln!(out, "{}", line.trim())?;
        }
    }
    let rest: Vec<&str> = lines.collect();
    if !rest.is_empty() {
        writeln!(out, "kg> {};", rest.join("\n    "))?;
    }
    Ok(())
}

/// Node counts per label and relationship counts per type.
pub fn write_stats(graph: &Graph, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "nodes: {}", graph.node_count())?;
    for (label, count) in graph.label_counts() {
        writeln!(out, "  :{label:<16} {count}")?;
    }
    writeln!(out, "relationships: {}", graph.rel_count())?;
    for (rel_type, count) in graph.type_counts() {
        writeln!(out, "  :{rel_type:<16} {count}")?;
    }
    Ok(())
}

/// Parses the text after `:`.
pub fn parse_command(text: &str) -> Result<Command> {
    let text = text.trim().trim_end_matches(';').trim();
    let (name, rest) = text
        .split_once(char::is_whitespace)
        .map_or((text, ""), |(n, r)| (n, r.trim()));
    let usage = |message: &str| Err(Error::Usage(message.to_string()));
    match name {
        "help" | "h" | "?" => Ok(Command::Help),
        "stats" => Ok(Command::Stats),
        "save" => Ok(Command::Save),
        "params" => Ok(Command::Params),
        "format" => match rest {
            "table" => Ok(Command::Format(Format::Table)),
            "csv" => Ok(Command::Format(Format::Csv)),
            "json" => Ok(Command::Format(Format::Json)),
            _ => usage("usage: :format table|csv|json"),
        },
        "timing" => match rest {
            "on" => Ok(Command::Timing(true)),
            "off" => Ok(Command::Timing(false)),
            _ => usage("usage: :timing on|off"),
        },
        "param" => {
            let (name, value) = parse_param(rest)?;
            Ok(Command::Param(name, value))
        }
        "dot" => match rest.split_once(char::is_whitespace) {
            Some((file, query)) if !query.trim().is_empty() => Ok(Command::Export {
                format: export::Format::Dot,
                file: PathBuf::from(file),
                query: Some(query.trim().to_string()),
            }),
            _ => usage("usage: :dot FILE QUERY"),
        },
        "export" => parse_export(rest),
        other => Err(Error::Usage(format!(
            "unknown command `:{other}`; type :help for the list"
        ))),
    }
}

/// Parses the text after `:export`: `FORMAT FILE [QUERY]`.
fn parse_export(rest: &str) -> Result<Command> {
    let usage = || {
        Error::Usage(
            "usage: :export dot|json|graphml|cypher FILE [QUERY] (without QUERY: the last result)"
                .to_string(),
        )
    };
    let mut words = rest.splitn(3, char::is_whitespace);
    let format = match words.next() {
        Some("dot") => export::Format::Dot,
        Some("json") => export::Format::Json,
        Some("graphml") => export::Format::Graphml,
        Some("cypher") => export::Format::Cypher,
        _ => return Err(usage()),
    };
    let file = words.next().filter(|f| !f.is_empty()).ok_or_else(usage)?;
    let query = words
        .next()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_string);
    Ok(Command::Export {
        format,
        file: PathBuf::from(file),
        query,
    })
}

/// Parses `NAME=VALUE`: VALUE as JSON when it is valid JSON, else as a string.
pub fn parse_param(text: &str) -> Result<(String, Value)> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| Error::Usage(format!("parameter `{text}` must look like NAME=VALUE")))?;
    let name = name.trim().trim_start_matches('$');
    let valid_name = !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !valid_name {
        return Err(Error::Usage(format!(
            "`{name}` is not a valid parameter name"
        )));
    }
    let value = match serde_json::from_str::<serde_json::Value>(value.trim()) {
        Ok(json) => value_from_json(&json),
        Err(_) => Value::String(value.to_string()),
    };
    Ok((name.to_string(), value))
}

/// A property value from JSON (numbers without a fraction are integers).
pub fn value_from_json(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::List(items.iter().map(value_from_json).collect()),
        serde_json::Value::Object(map) => Value::Map(
            map.iter()
                .map(|(k, v)| (k.clone(), value_from_json(v)))
                .collect(),
        ),
    }
}

fn value_to_json(value: &Value) -> serde_json::Value {
    crate::table::to_json(&crate::table::Item::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_parameters_as_json_or_string() {
        let cases = [
            ("n=3", ("n", Value::Int(3))),
            ("name=Phùng Sĩ Tấn", ("name", Value::from("Phùng Sĩ Tấn"))),
            ("$x=\"quoted\"", ("x", Value::from("quoted"))),
            (
                "l=[1, 2.5]",
                ("l", Value::List(vec![Value::Int(1), Value::Float(2.5)])),
            ),
        ];
        for (input, (name, value)) in cases {
            assert_eq!(
                parse_param(input).unwrap(),
                (name.to_string(), value),
                "{input}"
            );
        }
        for bad in ["novalue", "=3", "1x=2", "a b=1"] {
            assert!(parse_param(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_commands_and_refuses_unknown_ones() {
        assert_eq!(
            parse_command("format csv").unwrap(),
            Command::Format(Format::Csv)
        );
        assert_eq!(parse_command("timing on;").unwrap(), Command::Timing(true));
        assert!(matches!(
            parse_command("dot out.dot MATCH (n) RETURN n").unwrap(),
            Command::Export { query: Some(_), .. }
        ));
        assert_eq!(
            parse_command("export json out.json").unwrap(),
            Command::Export {
                format: export::Format::Json,
                file: PathBuf::from("out.json"),
                query: None
            }
        );
        assert!(parse_command("export xml out.xml").is_err());
        assert!(parse_command("export dot").is_err());
        assert!(parse_command("dot out.dot").is_err());
        assert!(parse_command("frobnicate").is_err());
        assert!(parse_command("format xml").is_err());
    }
}
