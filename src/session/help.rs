//! The shell's help: the list of meta-commands and a page for each
//! (`:help NAME`). The REPL completes command names from `COMMANDS`.

/// Each command: name, usage, one-line summary, longer text.
pub const COMMANDS: &[(&str, &str, &str, &str)] = &[
    ("help", ":help [NAME]", "this list, or the page of one command", ""),
    (
        "schema",
        ":schema",
        "labels, relationship types and property keys with counts",
        "Counts come from the graph's indexes; property keys are counted over every node and relationship.",
    ),
    ("stats", ":stats", "node and relationship counts", ""),
    (
        "find",
        ":find TEXT",
        "entities of every kind whose name contains TEXT",
        "Case and diacritics do not matter (`phung` finds `Phùng Sĩ Tấn`); every word of TEXT must appear.",
    ),
    (
        "who",
        ":who NAME",
        "a person's roles, events and articles, with evidence",
        "NAME is matched without case or diacritics, by name or alias. Roles show their as-of date and institution, events their date and place; each fact shows the article and the sentence it was read from.",
    ),
    (
        "path",
        ":path A B [--no-articles]",
        "the shortest connection between two entities, step by step",
        "Names with spaces need quotes: :path 'Phùng Sĩ Tấn' 'Lautaro Carmona'. --no-articles leaves out MENTIONED_IN hops through articles.",
    ),
    (
        "around",
        ":around NAME [HOPS]",
        "what lies within HOPS (1 to 4, default 1) relationships of an entity",
        "",
    ),
    (
        "why",
        ":why",
        "the evidence of the nodes and relationships of the last result",
        "Each fact read from text shows its article, sentence number and sentence.",
    ),
    ("ingest", ":ingest PATH...", "read articles into the graph", ""),
    ("open", ":open FILE", "switch to another graph file", ""),
    (
        "save",
        ":save [FILE]",
        "save now, or save a copy as FILE",
        "Changes are saved after each statement anyway.",
    ),
    (
        "format",
        ":format table|csv|json|vertical",
        "how results are printed",
        "vertical prints one `column: value` line per cell, for wide rows.",
    ),
    ("wrap", ":wrap on|off", "wrap long cells instead of cutting them with …", ""),
    (
        "param",
        ":param NAME VALUE",
        "bind $NAME (VALUE is JSON, or else a string)",
        "Also :param NAME=VALUE. Text that looks like JSON (starts with [ { \" a digit or -) must be valid JSON.",
    ),
    ("params", ":params", "list bound parameters", ""),
    ("timing", ":timing on|off", "print how long each statement took", ""),
    (
        "source",
        ":source FILE",
        "run a script of statements and commands",
        "",
    ),
    ("history", ":history", "the statements entered so far", ""),
    (
        "export",
        ":export dot|json|graphml|cypher FILE [QUERY]",
        "write what QUERY (else the last result) returned to FILE",
        "`:dot FILE QUERY` is the older spelling of `:export dot FILE QUERY`.",
    ),
    (
        "quit",
        ":quit",
        "leave (or Ctrl-D)",
        "Ctrl-C cancels the input being typed, or the running query.",
    ),
];

/// The help text of the REPL's commands.
pub const HELP: &str = "\
Statements end with `;` (outside strings and comments) and may span lines;
several on one line run in turn. Tab completes keywords, functions, labels,
types, property keys, commands, file names and entity names inside quotes.
Commands (:help NAME for more):
  :help [NAME]                    this text, or the page of one command
  :schema                         labels, relationship types and property keys with counts
  :stats                          node and relationship counts
  :find TEXT                      entities whose name contains TEXT (folded)
  :who NAME                       a person's roles, events and articles, with evidence
  :path A B [--no-articles]       the shortest connection between two entities
  :around NAME [HOPS]             what lies within HOPS relationships of an entity
  :why                            the evidence of the last result's elements
  :ingest PATH...                 read articles into the graph
  :open FILE                      switch to another graph file
  :save [FILE]                    save now, or save a copy as FILE
  :format table|csv|json|vertical how results are printed
  :wrap on|off                    wrap long cells instead of cutting them
  :param NAME VALUE               bind $NAME (VALUE is JSON, or else a string)
  :params                         list bound parameters
  :timing on|off                  print how long each statement took
  :source FILE                    run a script
  :history                        the statements entered so far
  :export FORMAT FILE [QUERY]     write what QUERY (else the last result) returned
                                  as dot, json, graphml or cypher to FILE
  :quit                           leave (or Ctrl-D); Ctrl-C cancels input or a running query
";

/// The usage line of a command.
pub fn usage(name: &str) -> Option<&'static str> {
    COMMANDS
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, usage, ..)| *usage)
}

/// The page of one command (`:help NAME`).
pub fn command_help(name: &str) -> Option<String> {
    let name = name.trim().trim_start_matches(':');
    let name = match name {
        "q" | "exit" => "quit",
        "h" | "?" => "help",
        other => other,
    };
    let (_, usage, summary, more) = COMMANDS.iter().find(|(n, ..)| *n == name)?;
    let mut text = format!("{usage}\n  {summary}");
    if !more.is_empty() {
        text.push_str("\n  ");
        text.push_str(more);
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_in_the_list_has_a_page() {
        for (name, ..) in COMMANDS {
            assert!(
                HELP.contains(&format!(":{name}")),
                "{name} missing from HELP"
            );
            assert!(command_help(name).is_some());
        }
        assert!(command_help("nope").is_none());
    }
}
