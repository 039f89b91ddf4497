//! Saving and loading the graph file: a fixed header, then the graph encoded
//! with bincode 1.3.3. This is the only module that names bincode.
//!
//! File layout (all integers little-endian):
//!
//! | bytes | content |
//! | --- | --- |
//! | 8 | magic `KGRAPH\r\n` (a text-mode transfer shows up as corruption) |
//! | 4 | format version ([`FORMAT_VERSION`]) |
//! | 8 | payload length in bytes |
//! | 4 | CRC-32 of the payload |
//! | n | payload: a bincode-encoded `Snapshot` |
//!
//! Load checks these in that order and decodes with a size limit equal to
//! the payload length, so a damaged length can never make it allocate more
//! than the file holds. The payload is a dedicated snapshot type, never the
//! in-memory graph, and nested values are stored flat so decoding cannot
//! recurse without bound. Saves write a temporary file in the same folder,
//! fsync it and rename it over the old one: a crash leaves the old or the new
//! graph, never half of one.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use bincode::Options as _;
use serde::{Deserialize, Serialize};

use crate::graph::{Date, Graph, Node, NodeId, Provenance, Rel, RelId, Value};

/// First bytes of every kg graph file.
pub const MAGIC: [u8; 8] = *b"KGRAPH\r\n";
/// The version of the payload layout this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 8 + 4 + 8 + 4;
/// Values nested deeper than this are refused when loading.
const MAX_VALUE_DEPTH: usize = 512;

/// Why a graph file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path}: not a kg graph file (unknown magic bytes)")]
    Foreign { path: PathBuf },
    #[error("{path}: truncated graph file ({found} bytes, expected {expected})")]
    Truncated {
        path: PathBuf,
        found: u64,
        expected: u64,
    },
    #[error("{path}: graph file format version {found} is newer than this kg supports ({supported}); upgrade kg")]
    NewerVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{path}: graph file format version {found} is not supported")]
    UnsupportedVersion { path: PathBuf, found: u32 },
    #[error("{path}: graph file is corrupted (checksum mismatch)")]
    Checksum { path: PathBuf },
    #[error("{path}: graph file has {extra} unexpected bytes after its payload")]
    TrailingBytes { path: PathBuf, extra: u64 },
    #[error("{path}: graph file is corrupted: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error("{path}: is locked by another kg process writing to it")]
    Locked { path: PathBuf },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Saves atomically: a temporary file beside `path`, fsynced, then renamed
/// over it.
pub fn save(graph: &Graph, path: &Path) -> Result<(), StoreError> {
    let bytes = encode(graph).map_err(|e| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: format!("could not encode the graph: {e}"),
    })?;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".kg-save-")
        .tempfile_in(&dir)
        .map_err(io_error(&dir))?;
    temp.write_all(&bytes).map_err(io_error(temp.path()))?;
    temp.as_file().sync_all().map_err(io_error(path))?;
    temp.persist(path).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    // Make the rename itself durable; not every platform can open a folder.
    if let Ok(dir_handle) = File::open(&dir) {
        let _ = dir_handle.sync_all();
    }
    Ok(())
}

/// Loads a graph file, checking header, version, length and checksum before
/// decoding. Never modifies the file.
pub fn load(path: &Path) -> Result<Graph, StoreError> {
    let mut file = File::open(path).map_err(io_error(path))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(io_error(path))?;
    decode(&bytes).map_err(|problem| problem.at(path))
}

/// Loads the graph file when it exists, else an empty graph.
pub fn load_or_new(path: &Path) -> Result<Graph, StoreError> {
    if path.exists() {
        load(path)
    } else {
        Ok(Graph::new())
    }
}

/// An advisory exclusive lock held by a writer for as long as it lives,
/// on a `<graph>.lock` file beside the graph (the graph file itself is
/// replaced on every save, so it cannot carry the lock).
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

impl WriteLock {
    /// Takes the lock, failing at once when another process holds it.
    pub fn acquire(graph_path: &Path) -> Result<WriteLock, StoreError> {
        let mut lock_name = graph_path.as_os_str().to_owned();
        lock_name.push(".lock");
        let lock_path = PathBuf::from(lock_name);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_error(&lock_path))?;
        match file.try_lock() {
            Ok(()) => Ok(WriteLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked {
                path: graph_path.to_path_buf(),
            }),
            Err(std::fs::TryLockError::Error(source)) => Err(StoreError::Io {
                path: lock_path,
                source,
            }),
        }
    }
}

/// The whole file's bytes for a graph.
pub fn encode(graph: &Graph) -> Result<Vec<u8>, bincode::Error> {
    let payload = codec().serialize(&Snapshot::of(graph))?;
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.extend_from_slice(&MAGIC);
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    Ok(bytes)
}

/// A problem found in a file's bytes, before the path is known.
#[derive(Debug)]
pub enum DecodeProblem {
    Foreign,
    Truncated { found: u64, expected: u64 },
    NewerVersion(u32),
    UnsupportedVersion(u32),
    Checksum,
    TrailingBytes(u64),
    Corrupt(String),
}

impl DecodeProblem {
    fn at(self, path: &Path) -> StoreError {
        let path = path.to_path_buf();
        match self {
            DecodeProblem::Foreign => StoreError::Foreign { path },
            DecodeProblem::Truncated { found, expected } => StoreError::Truncated {
                path,
                found,
                expected,
            },
            DecodeProblem::NewerVersion(found) => StoreError::NewerVersion {
                path,
                found,
                supported: FORMAT_VERSION,
            },
            DecodeProblem::UnsupportedVersion(found) => {
                StoreError::UnsupportedVersion { path, found }
            }
            DecodeProblem::Checksum => StoreError::Checksum { path },
            DecodeProblem::TrailingBytes(extra) => StoreError::TrailingBytes { path, extra },
            DecodeProblem::Corrupt(detail) => StoreError::Corrupt { path, detail },
        }
    }
}

/// A graph from a whole file's bytes.
pub fn decode(bytes: &[u8]) -> Result<Graph, DecodeProblem> {
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
        // A prefix of the magic is a truncated kg file, anything else foreign.
        return Err(if !bytes.is_empty() && MAGIC.starts_with(bytes) {
            DecodeProblem::Truncated {
                found: bytes.len() as u64,
                expected: HEADER_LEN as u64,
            }
        } else {
            DecodeProblem::Foreign
        });
    }
    let header = bytes.get(..HEADER_LEN).ok_or(DecodeProblem::Truncated {
        found: bytes.len() as u64,
        expected: HEADER_LEN as u64,
    })?;
    let version = u32::from_le_bytes(field(header, 8));
    if version > FORMAT_VERSION {
        return Err(DecodeProblem::NewerVersion(version));
    }
    if version != FORMAT_VERSION {
        return Err(DecodeProblem::UnsupportedVersion(version));
    }
    let payload_len = u64::from_le_bytes(field(header, 12));
    let checksum = u32::from_le_bytes(field(header, 20));
    let available = (bytes.len() - HEADER_LEN) as u64;
    if available < payload_len {
        return Err(DecodeProblem::Truncated {
            found: bytes.len() as u64,
            expected: HEADER_LEN as u64 + payload_len,
        });
    }
    if available > payload_len {
        return Err(DecodeProblem::TrailingBytes(available - payload_len));
    }
    let payload = &bytes[HEADER_LEN..];
    if crc32fast::hash(payload) != checksum {
        return Err(DecodeProblem::Checksum);
    }
    let snapshot: Snapshot = codec()
        .with_limit(payload_len)
        .deserialize(payload)
        .map_err(|e| DecodeProblem::Corrupt(e.to_string()))?;
    snapshot.into_graph().map_err(DecodeProblem::Corrupt)
}

fn field<const N: usize>(header: &[u8], offset: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&header[offset..offset + N]);
    out
}

/// The one bincode configuration used for payloads: varint integers, and
/// trailing bytes inside the payload are an error.
fn codec() -> impl bincode::Options {
    bincode::DefaultOptions::new().reject_trailing_bytes()
}

/// The on-disk form of a graph.
#[derive(Debug, Serialize, Deserialize)]
struct Snapshot {
    nodes: Vec<NodeRecord>,
    rels: Vec<RelRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
struct NodeRecord {
    id: u32,
    labels: Vec<String>,
    properties: Vec<(String, FlatValue)>,
    provenance: Vec<ProvenanceRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
struct RelRecord {
    id: u32,
    start: u32,
    end: u32,
    rel_type: String,
    properties: Vec<(String, FlatValue)>,
    provenance: Vec<ProvenanceRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ProvenanceRecord {
    article: String,
    sentence: u32,
    start: u32,
    end: u32,
}

/// A value in pre-order: a list or map is followed by its items (for a
/// map, key string then value), so decoding needs no recursion.
#[derive(Debug, Serialize, Deserialize)]
enum FlatToken {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    /// Year, month (0 = none), day (0 = none).
    Date(i32, u8, u8),
    List(u32),
    Map(u32),
}

#[derive(Debug, Serialize, Deserialize)]
struct FlatValue(Vec<FlatToken>);

impl FlatValue {
    fn of(value: &Value) -> FlatValue {
        let mut tokens = Vec::new();
        flatten(value, &mut tokens);
        FlatValue(tokens)
    }

    fn into_value(self) -> Result<Value, String> {
        let mut tokens = self.0.into_iter();
        let value = unflatten(&mut tokens, 0)?;
        match tokens.next() {
            None => Ok(value),
            Some(_) => Err("a property value has extra items".to_string()),
        }
    }
}

fn flatten(value: &Value, out: &mut Vec<FlatToken>) {
    match value {
        Value::Null => out.push(FlatToken::Null),
        Value::Bool(b) => out.push(FlatToken::Bool(*b)),
        Value::Int(i) => out.push(FlatToken::Int(*i)),
        Value::Float(f) => out.push(FlatToken::Float(*f)),
        Value::String(s) => out.push(FlatToken::String(s.clone())),
        Value::Date(d) => out.push(FlatToken::Date(
            d.year_part(),
            d.month_part().unwrap_or(0),
            d.day_part().unwrap_or(0),
        )),
        Value::List(items) => {
            out.push(FlatToken::List(items.len() as u32));
            for item in items {
                flatten(item, out);
            }
        }
        Value::Map(map) => {
            out.push(FlatToken::Map(map.len() as u32));
            for (key, item) in map {
                out.push(FlatToken::String(key.clone()));
                flatten(item, out);
            }
        }
    }
}

fn unflatten(tokens: &mut impl Iterator<Item = FlatToken>, depth: usize) -> Result<Value, String> {
    if depth > MAX_VALUE_DEPTH {
        return Err(format!(
            "a property value is nested deeper than {MAX_VALUE_DEPTH}"
        ));
    }
    let token = tokens
        .next()
        .ok_or_else(|| "a property value ends early".to_string())?;
    Ok(match token {
        FlatToken::Null => Value::Null,
        FlatToken::Bool(b) => Value::Bool(b),
        FlatToken::Int(i) => Value::Int(i),
        FlatToken::Float(f) => Value::Float(f),
        FlatToken::String(s) => Value::String(s),
        FlatToken::Date(year, month, day) => Value::Date(
            match (month, day) {
                (0, 0) => Some(Date::year(year)),
                (m, 0) => Date::month(year, m),
                (m, d) => Date::day(year, m, d),
            }
            .ok_or_else(|| format!("invalid date {year}-{month}-{day}"))?,
        ),
        FlatToken::List(len) => {
            // Each item takes at least one token, so `len` is bounded by
            // what was decoded; still, grow the vector as items arrive.
            let mut items = Vec::new();
            for _ in 0..len {
                items.push(unflatten(tokens, depth + 1)?);
            }
            Value::List(items)
        }
        FlatToken::Map(len) => {
            let mut map = BTreeMap::new();
            for _ in 0..len {
                let key = match tokens.next() {
                    Some(FlatToken::String(key)) => key,
                    _ => return Err("a map key is not a string".to_string()),
                };
                map.insert(key, unflatten(tokens, depth + 1)?);
            }
            Value::Map(map)
        }
    })
}

impl Snapshot {
    fn of(graph: &Graph) -> Snapshot {
        let nodes = graph
            .node_ids()
            .filter_map(|id| graph.node(id).map(|node| (id, node)))
            .map(|(id, node)| NodeRecord {
                id: id.0,
                labels: node.labels.iter().cloned().collect(),
                properties: flat_properties(&node.properties),
                provenance: node.provenance.iter().map(ProvenanceRecord::of).collect(),
            })
            .collect();
        let rels = graph
            .rel_ids()
            .filter_map(|id| Some((id, graph.rel(id)?, graph.endpoints(id)?)))
            .map(|(id, rel, (start, end))| RelRecord {
                id: id.0,
                start: start.0,
                end: end.0,
                rel_type: rel.rel_type.clone(),
                properties: flat_properties(&rel.properties),
                provenance: rel.provenance.iter().map(ProvenanceRecord::of).collect(),
            })
            .collect();
        Snapshot { nodes, rels }
    }

    fn into_graph(self) -> Result<Graph, String> {
        let mut nodes = Vec::with_capacity(self.nodes.len());
        for record in self.nodes {
            let node = Node {
                labels: record.labels.into_iter().collect(),
                properties: value_properties(record.properties)?,
                provenance: record
                    .provenance
                    .into_iter()
                    .map(ProvenanceRecord::into_provenance)
                    .collect(),
            };
            nodes.push((NodeId(record.id), node));
        }
        let mut rels = Vec::with_capacity(self.rels.len());
        for record in self.rels {
            let rel = Rel {
                rel_type: record.rel_type,
                properties: value_properties(record.properties)?,
                provenance: record
                    .provenance
                    .into_iter()
                    .map(ProvenanceRecord::into_provenance)
                    .collect(),
            };
            rels.push((
                RelId(record.id),
                NodeId(record.start),
                NodeId(record.end),
                rel,
            ));
        }
        Graph::from_elements(nodes, rels).map_err(|e| e.to_string())
    }
}

impl ProvenanceRecord {
    fn of(provenance: &Provenance) -> ProvenanceRecord {
        ProvenanceRecord {
            article: provenance.article.clone(),
            sentence: provenance.sentence,
            start: provenance.start,
            end: provenance.end,
        }
    }

    fn into_provenance(self) -> Provenance {
        Provenance {
            article: self.article,
            sentence: self.sentence,
            start: self.start,
            end: self.end,
        }
    }
}

fn flat_properties(properties: &BTreeMap<String, Value>) -> Vec<(String, FlatValue)> {
    properties
        .iter()
        .map(|(k, v)| (k.clone(), FlatValue::of(v)))
        .collect()
}

fn value_properties(
    properties: Vec<(String, FlatValue)>,
) -> Result<BTreeMap<String, Value>, String> {
    properties
        .into_iter()
        .map(|(k, v)| Ok((k, v.into_value()?)))
        .collect()
}
