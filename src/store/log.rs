//! The write-ahead log beside a snapshot (`NAME.wal`): each committed
//! statement's changes as one checksummed record, appended and fsynced at
//! commit, replayed on open.
//!
//! Layout (little-endian):
//!
//! | bytes | content |
//! | --- | --- |
//! | 8 | magic `KGWAL\r\n\x1a` |
//! | 4 | log format version ([`LOG_VERSION`]) |
//! | 8 + 4 | the payload length and CRC-32 of the snapshot the log extends |
//! | 4 | CRC-32 of the 24 bytes before it (a damaged header is not a stale one) |
//! | … | records: payload length (4), CRC-32 of the payload (4), payload |
//!
//! A record's payload is the bincode of its changes (values flat, as in
//! the snapshot). The log names its snapshot, so a log left behind by a
//! compaction that crashed after the new snapshot was in place is known to
//! be stale and ignored. A record cut short or failing its checksum at the
//! end of the file is a write torn by a crash (or one still being written
//! by another process): it is not committed, so it is dropped, and the
//! next writer cuts it off before appending. Damage followed by a whole
//! record is corruption and an error.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use bincode::Options as _;
use serde::{Deserialize, Serialize};

use super::codec;
use super::flat::{FlatOut, FlatValue};
use super::v2::KeysRecord;
use crate::graph::{Change, NodeData, NodeId, Provenance, RelData, RelId, Schema, Value};

const MAGIC: [u8; 8] = *b"KGWAL\r\n\x1a";
/// The version of the log layout this build writes and reads.
pub const LOG_VERSION: u32 = 1;
pub(super) const HEADER_LEN: u64 = 8 + 4 + 8 + 4 + 4;
const RECORD_HEADER_LEN: u64 = 8;

/// Which snapshot a log extends: the snapshot header's payload length and
/// checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotId {
    pub len: u64,
    pub crc: u32,
}

/// What reading a log found.
#[derive(Debug, Default)]
pub(super) struct LogRead {
    /// The changes of each whole record from the starting offset, in order.
    pub records: Vec<Vec<Change>>,
    /// Where the last whole record ends (where the next append goes).
    pub end: u64,
    /// Bytes after `end` that are a torn record.
    pub torn: u64,
    /// The log belongs to another snapshot (or is absent): it adds nothing.
    pub stale: bool,
    /// The file's length when it was opened for this read (`None`:
    /// absent), so a later change is noticed even if it came during the
    /// read.
    pub seen: Option<u64>,
}

fn header(snapshot: SnapshotId) -> [u8; HEADER_LEN as usize] {
    let mut out = [0u8; HEADER_LEN as usize];
    out[..8].copy_from_slice(&MAGIC);
    out[8..12].copy_from_slice(&LOG_VERSION.to_le_bytes());
    out[12..20].copy_from_slice(&snapshot.len.to_le_bytes());
    out[20..24].copy_from_slice(&snapshot.crc.to_le_bytes());
    let crc = crc32fast::hash(&out[..24]);
    out[24..28].copy_from_slice(&crc.to_le_bytes());
    out
}

/// Reads the records of the log at `path` that follow byte `from` (the
/// header's end, or where an earlier read stopped), for `snapshot`.
pub(super) fn read(path: &Path, snapshot: SnapshotId, from: u64) -> Result<LogRead, LogProblem> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(LogRead {
                stale: true,
                end: HEADER_LEN,
                seen: None,
                ..LogRead::default()
            })
        }
        Err(e) => return Err(LogProblem::Io(e)),
    };
    let len = file.metadata().map_err(LogProblem::Io)?.len();
    let seen = Some(len);
    let mut head = Vec::with_capacity(HEADER_LEN as usize);
    (&mut file)
        .take(HEADER_LEN)
        .read_to_end(&mut head)
        .map_err(LogProblem::Io)?;
    if head.len() < HEADER_LEN as usize {
        // a log whose creation was cut short holds no record
        return if MAGIC.starts_with(&head[..head.len().min(8)]) {
            Ok(LogRead {
                stale: true,
                end: HEADER_LEN,
                torn: head.len() as u64,
                seen,
                ..LogRead::default()
            })
        } else {
            Err(LogProblem::Corrupt(
                "not a kg log (unknown magic bytes)".into(),
            ))
        };
    }
    if head[..8] != MAGIC {
        return Err(LogProblem::Corrupt(
            "not a kg log (unknown magic bytes)".into(),
        ));
    }
    let version = u32::from_le_bytes(super::field(&head, 8));
    if version != LOG_VERSION {
        return Err(LogProblem::Corrupt(format!(
            "log format version {version} is not supported (this kg reads {LOG_VERSION})"
        )));
    }
    if crc32fast::hash(&head[..24]) != u32::from_le_bytes(super::field(&head, 24)) {
        return Err(LogProblem::Corrupt("its header fails its checksum".into()));
    }
    let found = SnapshotId {
        len: u64::from_le_bytes(super::field(&head, 12)),
        crc: u32::from_le_bytes(super::field(&head, 20)),
    };
    if found != snapshot {
        return Ok(LogRead {
            stale: true,
            end: HEADER_LEN,
            seen,
            ..LogRead::default()
        });
    }
    let mut at = from.max(HEADER_LEN);
    file.seek(SeekFrom::Start(at)).map_err(LogProblem::Io)?;
    let mut reader = io::BufReader::with_capacity(1 << 16, file);
    let mut records = Vec::new();
    while at < len {
        let left = len - at;
        let mut record_header = [0u8; RECORD_HEADER_LEN as usize];
        if left < RECORD_HEADER_LEN {
            return Ok(torn(records, at, left, seen));
        }
        reader
            .read_exact(&mut record_header)
            .map_err(LogProblem::Io)?;
        let payload_len = u64::from(u32::from_le_bytes(super::field(&record_header, 0)));
        let crc = u32::from_le_bytes(super::field(&record_header, 4));
        if payload_len > left - RECORD_HEADER_LEN {
            return Ok(torn(records, at, left, seen));
        }
        let mut payload = vec![0u8; payload_len as usize];
        reader.read_exact(&mut payload).map_err(LogProblem::Io)?;
        let record_end = at + RECORD_HEADER_LEN + payload_len;
        if crc32fast::hash(&payload) != crc {
            if record_end == len {
                return Ok(torn(records, at, left, seen));
            }
            return Err(LogProblem::Corrupt(format!(
                "the record at byte {at} fails its checksum and more records follow it"
            )));
        }
        let changes = decode_record(&payload)
            .map_err(|e| LogProblem::Corrupt(format!("the record at byte {at}: {e}")))?;
        records.push(changes);
        at = record_end;
    }
    Ok(LogRead {
        records,
        end: at,
        torn: 0,
        stale: false,
        seen,
    })
}

fn torn(records: Vec<Vec<Change>>, at: u64, left: u64, seen: Option<u64>) -> LogRead {
    LogRead {
        records,
        end: at,
        torn: left,
        stale: false,
        seen,
    }
}

/// Appends one record holding `changes` to the log at `path`, whose whole
/// records end at `end` (anything after it is a torn write and is cut off),
/// or starts a new log for `snapshot` when `fresh`. Returns the new end.
/// The record is on disk when this returns.
pub(super) fn append(
    path: &Path,
    snapshot: SnapshotId,
    fresh: bool,
    end: u64,
    record: &[u8],
) -> io::Result<u64> {
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)?;
    let at = if fresh {
        // Never start over a log that extends this very snapshot: its
        // records are committed, and this writer has not read them.
        if file.metadata()?.len() > HEADER_LEN {
            let mut head = [0u8; HEADER_LEN as usize];
            let mut reader = &file;
            if reader.read_exact(&mut head).is_ok() && head == header(snapshot) {
                return Err(io::Error::other(
                    "the log holds records this writer has not read; nothing was overwritten",
                ));
            }
        }
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&header(snapshot))?;
        HEADER_LEN
    } else {
        if file.metadata()?.len() != end {
            file.set_len(end)?;
        }
        end
    };
    file.seek(SeekFrom::Start(at))?;
    let mut bytes = Vec::with_capacity(record.len() + RECORD_HEADER_LEN as usize);
    bytes.extend_from_slice(&(record.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&crc32fast::hash(record).to_le_bytes());
    bytes.extend_from_slice(record);
    file.write_all(&bytes)?;
    file.sync_data()?;
    if fresh {
        super::sync_parent(path);
    }
    Ok(at + bytes.len() as u64)
}

/// The payload of a record for `changes` (checked against the record size
/// limit by the caller).
pub(super) fn encode_record(changes: &[Change]) -> Result<Vec<u8>, bincode::Error> {
    let records: Vec<ChangeOut<'_>> = changes.iter().map(ChangeOut::of).collect();
    codec().serialize(&records)
}

fn decode_record(payload: &[u8]) -> Result<Vec<Change>, String> {
    let records: Vec<ChangeIn> = codec()
        .with_limit(payload.len() as u64)
        .deserialize(payload)
        .map_err(|e| super::bincode_detail(&e))?;
    records.into_iter().map(ChangeIn::into_change).collect()
}

/// Why a log could not be read.
#[derive(Debug)]
pub(super) enum LogProblem {
    Io(io::Error),
    Corrupt(String),
}

impl LogProblem {
    /// What went wrong, for the error that names the log.
    pub(super) fn into_detail(self) -> String {
        match self {
            LogProblem::Io(e) => e.to_string(),
            LogProblem::Corrupt(detail) => detail,
        }
    }
}

type ProvenanceRecord = (u32, u32, u32, u32);

fn provenance_record(p: &Provenance) -> ProvenanceRecord {
    (p.source.0, p.sentence, p.start, p.end)
}

fn provenance_of((source, sentence, start, end): ProvenanceRecord) -> Provenance {
    Provenance {
        source: NodeId(source),
        sentence,
        start,
        end,
    }
}

/// A change as written: the variants and field order are the log format.
#[derive(Serialize)]
enum ChangeOut<'a> {
    AddNode {
        id: u32,
        labels: &'a [String],
        props: Vec<(&'a str, FlatOut<'a>)>,
        provenance: Vec<ProvenanceRecord>,
        sentences: &'a [(u32, u32)],
    },
    AddRel {
        id: u32,
        start: u32,
        end: u32,
        rel_type: &'a str,
        props: Vec<(&'a str, FlatOut<'a>)>,
        provenance: Vec<ProvenanceRecord>,
    },
    SetNodeProperty(u32, &'a str, FlatOut<'a>),
    ReplaceNodeProperties(u32, Vec<(&'a str, FlatOut<'a>)>),
    AddLabel(u32, &'a str),
    RemoveLabel(u32, &'a str),
    AddNodeProvenance(u32, ProvenanceRecord),
    AddRelProvenance(u32, ProvenanceRecord),
    SetSourceSentences(u32, &'a [(u32, u32)]),
    SetRelProperty(u32, &'a str, FlatOut<'a>),
    ReplaceRelProperties(u32, Vec<(&'a str, FlatOut<'a>)>),
    RemoveRel(u32),
    RemoveNode(u32),
    SetSchema(Option<KeysRecord>),
}

/// A change as read back: the same variants and fields as [`ChangeOut`].
#[derive(Deserialize)]
enum ChangeIn {
    AddNode {
        id: u32,
        labels: Vec<String>,
        props: Vec<(String, FlatValue)>,
        provenance: Vec<ProvenanceRecord>,
        sentences: Vec<(u32, u32)>,
    },
    AddRel {
        id: u32,
        start: u32,
        end: u32,
        rel_type: String,
        props: Vec<(String, FlatValue)>,
        provenance: Vec<ProvenanceRecord>,
    },
    SetNodeProperty(u32, String, FlatValue),
    ReplaceNodeProperties(u32, Vec<(String, FlatValue)>),
    AddLabel(u32, String),
    RemoveLabel(u32, String),
    AddNodeProvenance(u32, ProvenanceRecord),
    AddRelProvenance(u32, ProvenanceRecord),
    SetSourceSentences(u32, Vec<(u32, u32)>),
    SetRelProperty(u32, String, FlatValue),
    ReplaceRelProperties(u32, Vec<(String, FlatValue)>),
    RemoveRel(u32),
    RemoveNode(u32),
    SetSchema(Option<KeysRecord>),
}

fn props_out(properties: &std::collections::BTreeMap<String, Value>) -> Vec<(&str, FlatOut<'_>)> {
    properties
        .iter()
        .map(|(k, v)| (k.as_str(), FlatOut(v)))
        .collect()
}

fn props_in(
    props: Vec<(String, FlatValue)>,
) -> Result<std::collections::BTreeMap<String, Value>, String> {
    props
        .into_iter()
        .map(|(k, v)| Ok((k, v.into_value()?)))
        .collect()
}

impl<'a> ChangeOut<'a> {
    fn of(change: &'a Change) -> ChangeOut<'a> {
        match change {
            Change::AddNode { id, data } => ChangeOut::AddNode {
                id: id.0,
                labels: &data.labels,
                props: props_out(&data.properties),
                provenance: data.provenance.iter().map(provenance_record).collect(),
                sentences: &data.sentences,
            },
            Change::AddRel {
                id,
                start,
                end,
                data,
            } => ChangeOut::AddRel {
                id: id.0,
                start: start.0,
                end: end.0,
                rel_type: &data.rel_type,
                props: props_out(&data.properties),
                provenance: data.provenance.iter().map(provenance_record).collect(),
            },
            Change::SetNodeProperty { id, key, value } => {
                ChangeOut::SetNodeProperty(id.0, key, FlatOut(value))
            }
            Change::ReplaceNodeProperties { id, properties } => {
                ChangeOut::ReplaceNodeProperties(id.0, props_out(properties))
            }
            Change::AddLabel { id, label } => ChangeOut::AddLabel(id.0, label),
            Change::RemoveLabel { id, label } => ChangeOut::RemoveLabel(id.0, label),
            Change::AddNodeProvenance { id, provenance } => {
                ChangeOut::AddNodeProvenance(id.0, provenance_record(provenance))
            }
            Change::AddRelProvenance { id, provenance } => {
                ChangeOut::AddRelProvenance(id.0, provenance_record(provenance))
            }
            Change::SetSourceSentences { id, sentences } => {
                ChangeOut::SetSourceSentences(id.0, sentences)
            }
            Change::SetRelProperty { id, key, value } => {
                ChangeOut::SetRelProperty(id.0, key, FlatOut(value))
            }
            Change::ReplaceRelProperties { id, properties } => {
                ChangeOut::ReplaceRelProperties(id.0, props_out(properties))
            }
            Change::RemoveRel(id) => ChangeOut::RemoveRel(id.0),
            Change::RemoveNode(id) => ChangeOut::RemoveNode(id.0),
            Change::SetSchema(schema) => {
                ChangeOut::SetSchema(schema.provenance.as_ref().map(KeysRecord::of))
            }
        }
    }
}

impl ChangeIn {
    fn into_change(self) -> Result<Change, String> {
        Ok(match self {
            ChangeIn::AddNode {
                id,
                labels,
                props,
                provenance,
                sentences,
            } => Change::AddNode {
                id: NodeId(id),
                data: NodeData {
                    labels,
                    properties: props_in(props)?,
                    provenance: provenance.into_iter().map(provenance_of).collect(),
                    sentences,
                },
            },
            ChangeIn::AddRel {
                id,
                start,
                end,
                rel_type,
                props,
                provenance,
            } => Change::AddRel {
                id: RelId(id),
                start: NodeId(start),
                end: NodeId(end),
                data: RelData {
                    rel_type,
                    properties: props_in(props)?,
                    provenance: provenance.into_iter().map(provenance_of).collect(),
                },
            },
            ChangeIn::SetNodeProperty(id, key, value) => Change::SetNodeProperty {
                id: NodeId(id),
                key,
                value: value.into_value()?,
            },
            ChangeIn::ReplaceNodeProperties(id, props) => Change::ReplaceNodeProperties {
                id: NodeId(id),
                properties: props_in(props)?,
            },
            ChangeIn::AddLabel(id, label) => Change::AddLabel {
                id: NodeId(id),
                label,
            },
            ChangeIn::RemoveLabel(id, label) => Change::RemoveLabel {
                id: NodeId(id),
                label,
            },
            ChangeIn::AddNodeProvenance(id, p) => Change::AddNodeProvenance {
                id: NodeId(id),
                provenance: provenance_of(p),
            },
            ChangeIn::AddRelProvenance(id, p) => Change::AddRelProvenance {
                id: RelId(id),
                provenance: provenance_of(p),
            },
            ChangeIn::SetSourceSentences(id, sentences) => Change::SetSourceSentences {
                id: NodeId(id),
                sentences,
            },
            ChangeIn::SetRelProperty(id, key, value) => Change::SetRelProperty {
                id: RelId(id),
                key,
                value: value.into_value()?,
            },
            ChangeIn::ReplaceRelProperties(id, props) => Change::ReplaceRelProperties {
                id: RelId(id),
                properties: props_in(props)?,
            },
            ChangeIn::RemoveRel(id) => Change::RemoveRel(RelId(id)),
            ChangeIn::RemoveNode(id) => Change::RemoveNode(NodeId(id)),
            ChangeIn::SetSchema(keys) => Change::SetSchema(Schema {
                provenance: keys.map(KeysRecord::into_keys),
            }),
        })
    }
}
