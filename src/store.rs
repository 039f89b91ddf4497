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
//! | n | payload: bincode, laid out as version 3 says (`v2`, which also
//! reads version 2); version 1 files (`v1`) still load |
//!
//! Load checks these in that order and decodes with a size limit equal to
//! the payload length, so a damaged length can never make it allocate more
//! than the file holds. The payload is a dedicated record layout, never the
//! in-memory graph's types, and nested values are stored flat (`flat`) so
//! decoding cannot recurse without bound. Saves stream the payload into a
//! temporary file in the same folder (the length and checksum are written
//! into the header last), fsync it and rename it over the old one: a crash
//! leaves the old or the new graph, never half of one.

mod check;
mod file;
mod flat;
mod lock;
mod log;
mod paths;
mod v1;
mod v2;
mod varint;

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use bincode::Options as _;

use crate::graph::Graph;

pub use check::{check, CheckReport};
pub use file::{Commit, GraphFile, Refresh};
pub use lock::WriteLock;
pub use log::{SnapshotId, LOG_VERSION};
pub use paths::GraphPaths;

/// First bytes of every kg graph file.
pub const MAGIC: [u8; 8] = *b"KGRAPH\r\n";
/// The version of the payload layout this build writes and reads.
pub const FORMAT_VERSION: u32 = 3;
const HEADER_LEN: usize = 8 + 4 + 8 + 4;

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
    #[error("{path}: is locked by another kg process writing to it{}{}", holder.as_ref().map(|h| format!(" ({h})")).unwrap_or_default(), waited_note(*waited))]
    Locked {
        path: PathBuf,
        holder: Option<String>,
        waited: Duration,
    },
    #[error("{path}: the graph file is read-only; nothing was changed (make it writable, or save a copy with :save FILE)")]
    ReadOnly { path: PathBuf },
    #[error("{path}: {why}")]
    NotAGraphPath { path: PathBuf, why: String },
    #[error("{path}: the write-ahead log {log} is damaged: {detail}; `kg check` tells more")]
    Log {
        path: PathBuf,
        log: PathBuf,
        detail: String,
    },
}

fn waited_note(waited: Duration) -> String {
    if waited.is_zero() {
        "; try again when it is done, or wait for it with --wait SECONDS".to_string()
    } else {
        format!("; still locked after waiting {:.1} s", waited.as_secs_f64())
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Saves `graph` as the whole graph at `path` (a snapshot with no log),
/// taking the file's write lock for it. For a graph kept open, use a
/// [`GraphFile`], which logs changes instead.
pub fn save(graph: &Graph, path: &Path) -> Result<(), StoreError> {
    let lock = WriteLock::acquire(path, Duration::ZERO)?;
    save_locked(graph, path, &lock)
}

/// `save` by a caller that holds the file's write lock.
pub fn save_locked(graph: &Graph, path: &Path, _lock: &WriteLock) -> Result<(), StoreError> {
    let paths = GraphPaths::resolve(path)?;
    write_snapshot(graph, &paths)?;
    remove_log(&paths);
    Ok(())
}

/// The log of a snapshot just replaced names the old snapshot; removing
/// it is tidiness (a stale log is ignored), so a failure is not an error.
fn remove_log(paths: &GraphPaths) {
    let _ = std::fs::remove_file(paths.log());
}

/// Writes a snapshot atomically (the caller holds the lock): a temporary
/// file beside the graph, fsynced, then renamed over it. The new file keeps
/// the old one's permissions (and, where allowed, owner and group).
fn write_snapshot(graph: &Graph, paths: &GraphPaths) -> Result<SnapshotId, StoreError> {
    paths.remove_leftovers();
    let dir = &paths.dir;
    let path = &paths.graph;
    let mut temp = tempfile::Builder::new()
        .prefix(&paths.temp_prefix())
        .tempfile_in(dir)
        .map_err(io_error(dir))?;
    if let Ok(old) = std::fs::metadata(path) {
        keep_ownership(temp.as_file(), &old);
    }
    let id = write_graph(graph, temp.as_file_mut()).map_err(|e| match e {
        WriteProblem::Io(source) => StoreError::Io {
            path: temp.path().to_path_buf(),
            source,
        },
        WriteProblem::Encode(e) => StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("could not encode the graph: {e}"),
        },
    })?;
    temp.as_file().sync_all().map_err(io_error(path))?;
    temp.persist(path).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    sync_parent(path);
    Ok(id)
}

/// Gives a new file the mode (and, when the process may, the owner and
/// group) of the file it replaces, so a group-shared graph stays shared.
fn keep_ownership(file: &File, old: &std::fs::Metadata) {
    let _ = file.set_permissions(old.permissions());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
    }
}

/// Makes a rename or creation in `path`'s folder durable; not every
/// platform can open a folder, so this is best effort.
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(handle) = File::open(dir) {
            let _ = handle.sync_all();
        }
    }
}

enum WriteProblem {
    Io(io::Error),
    Encode(bincode::Error),
}

/// Writes the whole file to `file`: a header with a zero length and
/// checksum, the payload streamed through the checksum, then the real
/// length and checksum over the header's. `save` writes a temporary file
/// with it, `encode` a buffer.
fn write_graph<F: Write + Seek>(graph: &Graph, file: &mut F) -> Result<SnapshotId, WriteProblem> {
    let mut header = [0u8; HEADER_LEN];
    header[..8].copy_from_slice(&MAGIC);
    header[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    file.write_all(&header).map_err(WriteProblem::Io)?;
    let (len, crc) = {
        // the encoder writes an integer at a time into the buffer; the
        // checksum sees the buffer's large blocks
        let mut payload = BufWriter::with_capacity(
            1 << 20,
            Checksummed {
                inner: &mut *file,
                hasher: crc32fast::Hasher::new(),
                len: 0,
            },
        );
        codec()
            .serialize_into(&mut payload, &v2::GraphOut(graph))
            .map_err(WriteProblem::Encode)?;
        payload.flush().map_err(WriteProblem::Io)?;
        let payload = payload.get_ref();
        (payload.len, payload.hasher.clone().finalize())
    };
    file.seek(SeekFrom::Start(12)).map_err(WriteProblem::Io)?;
    file.write_all(&len.to_le_bytes())
        .map_err(WriteProblem::Io)?;
    file.write_all(&crc.to_le_bytes())
        .map_err(WriteProblem::Io)?;
    Ok(SnapshotId { len, crc })
}

/// A reader or writer that counts and checksums what passes through it.
struct Checksummed<W> {
    inner: W,
    hasher: crc32fast::Hasher,
    len: u64,
}

impl<R: Read> Read for Checksummed<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.hasher.update(&buffer[..read]);
        self.len += read as u64;
        Ok(read)
    }
}

impl<W: Write> Write for Checksummed<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.hasher.update(&bytes[..written]);
        self.len += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Loads the graph at `path` as committed: its snapshot (header, version,
/// length and checksum checked before decoding) with its log replayed.
/// Never modifies a file.
pub fn load(path: &Path) -> Result<Graph, StoreError> {
    GraphFile::open(path).map(|(_, graph)| graph)
}

/// Loads the graph when its file exists, else an empty graph.
pub fn load_or_new(path: &Path) -> Result<Graph, StoreError> {
    if path.exists() {
        load(path)
    } else {
        Ok(Graph::new())
    }
}

/// Reads one snapshot file: the graph and the id its log names it by.
fn load_snapshot(file: File, path: &Path) -> Result<(Graph, SnapshotId), StoreError> {
    let len = file.metadata().map_err(io_error(path))?.len();
    // The payload is decoded as it is read (and checked against the
    // header's checksum at its end), so the file is never held whole.
    decode_from(file, len).map_err(|problem| problem.at(path))
}

/// The whole file's bytes for a graph (what `save` writes).
pub fn encode(graph: &Graph) -> Result<Vec<u8>, bincode::Error> {
    let mut bytes = io::Cursor::new(Vec::new());
    write_graph(graph, &mut bytes).map_err(|problem| match problem {
        WriteProblem::Io(e) => Box::new(bincode::ErrorKind::Io(e)),
        WriteProblem::Encode(e) => e,
    })?;
    Ok(bytes.into_inner())
}

/// A problem found in a file's bytes, before the path is known.
#[derive(Debug)]
pub enum DecodeProblem {
    Foreign,
    Truncated {
        found: u64,
        expected: u64,
    },
    NewerVersion(u32),
    UnsupportedVersion(u32),
    Checksum,
    TrailingBytes(u64),
    Corrupt(String),
    /// The file could not be read to its end.
    Read(io::Error),
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
            DecodeProblem::Read(source) => StoreError::Io { path, source },
        }
    }
}

/// A graph from a whole file's bytes.
pub fn decode(bytes: &[u8]) -> Result<Graph, DecodeProblem> {
    decode_from(bytes, bytes.len() as u64).map(|(graph, _)| graph)
}

/// A graph from a file of `len` bytes read from `reader`: the header is
/// checked first (magic, version, length against `len`), then the payload
/// is decoded as it streams through the checksum. A payload that fails to
/// decode is read to its end, so damage the checksum sees is reported as
/// such.
fn decode_from(mut reader: impl Read, len: u64) -> Result<(Graph, SnapshotId), DecodeProblem> {
    let mut header = Vec::with_capacity(HEADER_LEN);
    (&mut reader)
        .take(HEADER_LEN as u64)
        .read_to_end(&mut header)
        .map_err(DecodeProblem::Read)?;
    if header.len() < MAGIC.len() || header[..MAGIC.len()] != MAGIC {
        // A prefix of the magic is a truncated kg file, anything else foreign.
        return Err(if !header.is_empty() && MAGIC.starts_with(&header) {
            DecodeProblem::Truncated {
                found: header.len() as u64,
                expected: HEADER_LEN as u64,
            }
        } else {
            DecodeProblem::Foreign
        });
    }
    if header.len() < HEADER_LEN {
        return Err(DecodeProblem::Truncated {
            found: header.len() as u64,
            expected: HEADER_LEN as u64,
        });
    }
    let version = u32::from_le_bytes(field(&header, 8));
    if version > FORMAT_VERSION {
        return Err(DecodeProblem::NewerVersion(version));
    }
    if version == 0 {
        return Err(DecodeProblem::UnsupportedVersion(version));
    }
    let payload_len = u64::from_le_bytes(field(&header, 12));
    let checksum = u32::from_le_bytes(field(&header, 20));
    let available = len.saturating_sub(HEADER_LEN as u64);
    if available < payload_len && payload_len > available.saturating_mul(2).max(1 << 20) {
        // far more than a cut-off file would be missing: the length field
        // itself is damaged
        return Err(DecodeProblem::Corrupt(format!(
            "its header gives a payload of {payload_len} bytes, but the file has {available}"
        )));
    }
    if available < payload_len {
        return Err(DecodeProblem::Truncated {
            found: len,
            expected: (HEADER_LEN as u64).saturating_add(payload_len),
        });
    }
    if available > payload_len {
        return Err(DecodeProblem::TrailingBytes(available - payload_len));
    }
    let checksummed = Checksummed {
        inner: reader.take(payload_len),
        hasher: crc32fast::Hasher::new(),
        len: 0,
    };
    // the checksum sees the file in large reads, the decoder reads from a
    // buffer
    let (decoded, mut payload) = if version == 1 {
        let mut payload = io::BufReader::with_capacity(1 << 20, checksummed);
        let decoded = codec()
            .with_limit(payload_len)
            .deserialize_from::<_, v1::Snapshot>(&mut payload)
            .map_err(|e| DecodeProblem::Corrupt(bincode_detail(&e)))
            .and_then(|snapshot| snapshot.into_graph().map_err(DecodeProblem::Corrupt));
        (decoded, payload.into_inner())
    } else {
        let mut payload = varint::VarintReader::new(checksummed, payload_len);
        let decoded = v2::read_payload(&mut payload, version).map_err(|e| match e {
            varint::ReadError::Io(e) => DecodeProblem::Read(e),
            varint::ReadError::Invalid(detail) => DecodeProblem::Corrupt(detail),
        });
        (decoded, payload.into_inner())
    };
    // the rest of the payload (none after a good decode) still counts
    io::copy(&mut payload, &mut io::sink()).map_err(DecodeProblem::Read)?;
    if payload.len != payload_len {
        return Err(DecodeProblem::Truncated {
            found: HEADER_LEN as u64 + payload.len,
            expected: HEADER_LEN as u64 + payload_len,
        });
    }
    if payload.hasher.finalize() != checksum {
        return Err(DecodeProblem::Checksum);
    }
    let graph = decoded?;
    let id = SnapshotId {
        len: payload_len,
        crc: checksum,
    };
    Ok((graph, id))
}

/// What a bincode error says, in one line and without bincode's advice on
/// its own configuration (which is not the user's to change).
fn bincode_detail(error: &bincode::Error) -> String {
    let text = match &**error {
        bincode::ErrorKind::SizeLimit => "a length in it is larger than the file".to_string(),
        bincode::ErrorKind::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            "it ends in the middle of a value".to_string()
        }
        bincode::ErrorKind::Io(e) => format!("cannot read it: {e}"),
        other => other.to_string(),
    };
    let first = text.lines().next().unwrap_or("").trim();
    if first.is_empty() {
        "it cannot be decoded".to_string()
    } else {
        first.to_string()
    }
}

/// Reads the id of the snapshot at `path` from its header alone.
fn snapshot_id(path: &Path) -> Option<SnapshotId> {
    let mut header = [0u8; HEADER_LEN];
    File::open(path).ok()?.read_exact(&mut header).ok()?;
    (header[..8] == MAGIC).then(|| SnapshotId {
        len: u64::from_le_bytes(field(&header, 12)),
        crc: u32::from_le_bytes(field(&header, 20)),
    })
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
