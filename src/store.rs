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
//! | n | payload: bincode, laid out as version 2 says (`v2`); version 1
//! files (`v1`) still load |
//!
//! Load checks these in that order and decodes with a size limit equal to
//! the payload length, so a damaged length can never make it allocate more
//! than the file holds. The payload is a dedicated record layout, never the
//! in-memory graph's types, and nested values are stored flat (`flat`) so
//! decoding cannot recurse without bound. Saves stream the payload into a
//! temporary file in the same folder (the length and checksum are written
//! into the header last), fsync it and rename it over the old one: a crash
//! leaves the old or the new graph, never half of one.

mod flat;
mod v1;
mod v2;

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use bincode::Options as _;

use crate::graph::Graph;

/// First bytes of every kg graph file.
pub const MAGIC: [u8; 8] = *b"KGRAPH\r\n";
/// The version of the payload layout this build writes and reads.
pub const FORMAT_VERSION: u32 = 2;
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
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".kg-save-")
        .tempfile_in(&dir)
        .map_err(io_error(&dir))?;
    write_graph(graph, temp.as_file_mut()).map_err(|e| match e {
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
    // Make the rename itself durable; not every platform can open a folder.
    if let Ok(dir_handle) = File::open(&dir) {
        let _ = dir_handle.sync_all();
    }
    Ok(())
}

enum WriteProblem {
    Io(io::Error),
    Encode(bincode::Error),
}

/// Writes the whole file to `file`: a header with a zero length and
/// checksum, the payload streamed through the checksum, then the real
/// length and checksum over the header's. `save` writes a temporary file
/// with it, `encode` a buffer.
fn write_graph<F: Write + Seek>(graph: &Graph, file: &mut F) -> Result<(), WriteProblem> {
    let mut header = [0u8; HEADER_LEN];
    header[..8].copy_from_slice(&MAGIC);
    header[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    file.write_all(&header).map_err(WriteProblem::Io)?;
    let (len, crc) = {
        let mut payload = Checksummed {
            inner: BufWriter::with_capacity(1 << 20, &mut *file),
            hasher: crc32fast::Hasher::new(),
            len: 0,
        };
        codec()
            .serialize_into(&mut payload, &v2::GraphOut(graph))
            .map_err(WriteProblem::Encode)?;
        payload.inner.flush().map_err(WriteProblem::Io)?;
        (payload.len, payload.hasher.finalize())
    };
    file.seek(SeekFrom::Start(12)).map_err(WriteProblem::Io)?;
    file.write_all(&len.to_le_bytes())
        .map_err(WriteProblem::Io)?;
    file.write_all(&crc.to_le_bytes())
        .map_err(WriteProblem::Io)?;
    Ok(())
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

/// Loads a graph file, checking header, version, length and checksum before
/// decoding. Never modifies the file.
pub fn load(path: &Path) -> Result<Graph, StoreError> {
    let file = File::open(path).map_err(io_error(path))?;
    let len = file.metadata().map_err(io_error(path))?.len();
    // The payload is decoded as it is read (and checked against the
    // header's checksum at its end), so the file is never held whole.
    decode_from(file, len).map_err(|problem| match problem {
        DecodeProblem::Read(source) => StoreError::Io {
            path: path.to_path_buf(),
            source,
        },
        other => other.at(path),
    })
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
    decode_from(bytes, bytes.len() as u64)
}

/// A graph from a file of `len` bytes read from `reader`: the header is
/// checked first (magic, version, length against `len`), then the payload
/// is decoded as it streams through the checksum. A payload that fails to
/// decode is read to its end, so damage the checksum sees is reported as
/// such.
fn decode_from(mut reader: impl Read, len: u64) -> Result<Graph, DecodeProblem> {
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
    if available < payload_len {
        return Err(DecodeProblem::Truncated {
            found: len,
            expected: (HEADER_LEN as u64).saturating_add(payload_len),
        });
    }
    if available > payload_len {
        return Err(DecodeProblem::TrailingBytes(available - payload_len));
    }
    // the checksum sees the file in large reads, the decoder reads the
    // buffer byte by byte
    let mut payload = io::BufReader::with_capacity(
        1 << 20,
        Checksummed {
            inner: reader.take(payload_len),
            hasher: crc32fast::Hasher::new(),
            len: 0,
        },
    );
    let limited = codec().with_limit(payload_len);
    let decoded = if version == 1 {
        limited
            .deserialize_from::<_, v1::Snapshot>(&mut payload)
            .map(v1::Snapshot::into_graph)
    } else {
        limited.deserialize_from_seed(v2::Payload, &mut payload)
    };
    // the rest of the payload (none after a good decode) still counts
    io::copy(&mut payload, &mut io::sink()).map_err(DecodeProblem::Read)?;
    let payload = payload.into_inner();
    if payload.len != payload_len {
        return Err(DecodeProblem::Truncated {
            found: HEADER_LEN as u64 + payload.len,
            expected: HEADER_LEN as u64 + payload_len,
        });
    }
    if payload.hasher.finalize() != checksum {
        return Err(DecodeProblem::Checksum);
    }
    let graph = decoded.map_err(|e| DecodeProblem::Corrupt(e.to_string()))?;
    graph.map_err(DecodeProblem::Corrupt)
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
