//! A reader of the byte layout bincode 1.3 writes with its default
//! options (varint integers, little endian), for decoding large payloads
//! fast: bincode reads every integer byte by byte through `io::Read`,
//! which was about 40% of loading a graph; this reads from a buffer it
//! refills in large blocks. Only the shapes kg's files use are read: the
//! writers stay serde and bincode, and tests check this reader agrees
//! with bincode on them.
//!
//! bincode's varint: a value below 251 is that byte; 251, 252 and 253 are
//! followed by the value as a little-endian u16, u32 and u64. Signed
//! integers are zigzag-encoded first. Lengths are u64 varints; `u8` and
//! `bool` are one byte; `f64` eight bytes; an `Option` a 0 or 1 byte.

use std::io::{self, Read};

/// Why a payload could not be decoded.
#[derive(Debug)]
pub(super) enum ReadError {
    /// The underlying reader failed.
    Io(io::Error),
    /// The bytes are not what the layout says (the message says how).
    Invalid(String),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

pub(super) type ReadResult<T> = Result<T, ReadError>;

fn invalid<T>(what: impl Into<String>) -> ReadResult<T> {
    Err(ReadError::Invalid(what.into()))
}

const BLOCK: usize = 1 << 20;

/// A buffered reader of bincode's varint layout.
pub(super) struct VarintReader<R> {
    inner: R,
    buffer: Box<[u8]>,
    at: usize,
    filled: usize,
    /// Bytes not yet read from `inner` that the payload may still hold:
    /// no length read from the file can ask for more.
    remaining: u64,
}

impl<R: Read> VarintReader<R> {
    /// A reader of a payload of `len` bytes from `inner`.
    pub(super) fn new(inner: R, len: u64) -> VarintReader<R> {
        VarintReader {
            inner,
            buffer: vec![0; BLOCK].into_boxed_slice(),
            at: 0,
            filled: 0,
            remaining: len,
        }
    }

    /// Gives back the inner reader (what was buffered is dropped).
    pub(super) fn into_inner(self) -> R {
        self.inner
    }

    /// Bytes left in the payload, buffered or not.
    pub(super) fn left(&self) -> u64 {
        (self.filled - self.at) as u64 + self.remaining
    }

    #[cold]
    fn refill(&mut self) -> ReadResult<()> {
        self.buffer.copy_within(self.at..self.filled, 0);
        self.filled -= self.at;
        self.at = 0;
        while self.filled < self.buffer.len() && self.remaining > 0 {
            let read = self.inner.read(&mut self.buffer[self.filled..])?;
            if read == 0 {
                return invalid("the payload ends early");
            }
            self.filled += read;
            self.remaining = self.remaining.saturating_sub(read as u64);
        }
        Ok(())
    }

    /// The next `n` bytes (at most a block), buffered.
    fn take(&mut self, n: usize) -> ReadResult<&[u8]> {
        if self.filled - self.at < n {
            self.refill()?;
            if self.filled - self.at < n {
                return invalid("the payload ends early");
            }
        }
        let bytes = &self.buffer[self.at..self.at + n];
        self.at += n;
        Ok(bytes)
    }

    #[inline]
    pub(super) fn u8(&mut self) -> ReadResult<u8> {
        if self.at < self.filled {
            let byte = self.buffer[self.at];
            self.at += 1;
            return Ok(byte);
        }
        Ok(self.take(1)?[0])
    }

    #[inline]
    fn array<const N: usize>(&mut self) -> ReadResult<[u8; N]> {
        if let Some(bytes) = self.buffer[self.at..self.filled].first_chunk::<N>() {
            let out = *bytes;
            self.at += N;
            return Ok(out);
        }
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    #[inline]
    pub(super) fn u64(&mut self) -> ReadResult<u64> {
        let at = self.at;
        if at < self.filled {
            let first = self.buffer[at];
            if first <= 250 {
                self.at = at + 1;
                return Ok(u64::from(first));
            }
        }
        self.long_u64()
    }

    /// An integer of more than one byte, or one across a refill.
    #[inline(never)]
    fn long_u64(&mut self) -> ReadResult<u64> {
        match self.u8()? {
            byte @ 0..=250 => Ok(u64::from(byte)),
            251 => Ok(u64::from(u16::from_le_bytes(self.array()?))),
            252 => Ok(u64::from(u32::from_le_bytes(self.array()?))),
            253 => Ok(u64::from_le_bytes(self.array()?)),
            tag => invalid(format!("an integer has the invalid tag {tag}")),
        }
    }

    #[inline]
    pub(super) fn u32(&mut self) -> ReadResult<u32> {
        let value = self.u64()?;
        u32::try_from(value).or_else(|_| invalid(format!("{value} does not fit a u32")))
    }

    pub(super) fn i64(&mut self) -> ReadResult<i64> {
        let zigzag = self.u64()?;
        Ok(((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64))
    }

    pub(super) fn i32(&mut self) -> ReadResult<i32> {
        let value = self.i64()?;
        i32::try_from(value).or_else(|_| invalid(format!("{value} does not fit an i32")))
    }

    pub(super) fn f64(&mut self) -> ReadResult<f64> {
        Ok(f64::from_le_bytes(self.array()?))
    }

    pub(super) fn bool(&mut self) -> ReadResult<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            byte => invalid(format!("{byte} is not a boolean")),
        }
    }

    /// Whether an `Option` holds a value.
    pub(super) fn option(&mut self) -> ReadResult<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            byte => invalid(format!("{byte} is not an option tag")),
        }
    }

    /// A sequence's length, refused when the payload could not hold that
    /// many items of `min_item_bytes` each (so a damaged length never
    /// makes the loader reserve memory the file does not back).
    pub(super) fn len(&mut self, min_item_bytes: u64) -> ReadResult<usize> {
        let len = self.u64()?;
        if len.saturating_mul(min_item_bytes.max(1)) > self.left() {
            return invalid(format!(
                "a length of {len} is more than the rest of the payload holds"
            ));
        }
        usize::try_from(len).or_else(|_| invalid(format!("a length of {len} is too large")))
    }

    pub(super) fn string(&mut self) -> ReadResult<String> {
        let bytes = self.bytes()?;
        String::from_utf8(bytes).or_else(|_| invalid("a string is not UTF-8"))
    }

    /// A byte string (a length, then the bytes).
    pub(super) fn bytes(&mut self) -> ReadResult<Vec<u8>> {
        let len = self.len(1)?;
        let mut bytes = Vec::with_capacity(len);
        while bytes.len() < len {
            let chunk = (len - bytes.len()).min(BLOCK);
            bytes.extend_from_slice(self.take(chunk)?);
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bincode::Options;
    use proptest::prelude::*;

    fn encode<T: serde::Serialize>(value: &T) -> Vec<u8> {
        bincode::DefaultOptions::new()
            .serialize(value)
            .unwrap_or_default()
    }

    fn reader(bytes: &[u8]) -> VarintReader<&[u8]> {
        VarintReader::new(bytes, bytes.len() as u64)
    }

    proptest! {
        #[test]
        fn integers_read_as_bincode_wrote_them(a: u64, b: u32, c: i64, d: i32, e: u8, f: f64, g: bool) {
            let bytes = encode(&(a, b, c, d, e, f, g));
            let mut r = reader(&bytes);
            prop_assert_eq!(r.u64().ok(), Some(a));
            prop_assert_eq!(r.u32().ok(), Some(b));
            prop_assert_eq!(r.i64().ok(), Some(c));
            prop_assert_eq!(r.i32().ok(), Some(d));
            prop_assert_eq!(r.u8().ok(), Some(e));
            prop_assert_eq!(r.f64().ok().map(f64::to_bits), Some(f.to_bits()));
            prop_assert_eq!(r.bool().ok(), Some(g));
            prop_assert!(r.u8().is_err());
        }

        #[test]
        fn strings_and_options_read_as_bincode_wrote_them(s: String, o: Option<u32>, v: Vec<u32>) {
            let bytes = encode(&(&s, o, &v));
            let mut r = reader(&bytes);
            prop_assert_eq!(r.string().ok(), Some(s));
            let some = r.option().ok();
            prop_assert_eq!(some, Some(o.is_some()));
            if o.is_some() {
                prop_assert_eq!(r.u32().ok(), o);
            }
            let len = r.len(1).ok();
            prop_assert_eq!(len, Some(v.len()));
            for item in &v {
                prop_assert_eq!(r.u32().ok(), Some(*item));
            }
        }
    }

    #[test]
    fn a_length_beyond_the_payload_is_refused() {
        let bytes = encode(&(u64::MAX / 2));
        assert!(reader(&bytes).len(1).is_err());
        let bytes = encode(&"abc".to_string());
        let mut cut = reader(&bytes[..3]);
        assert!(cut.string().is_err());
    }

    #[test]
    fn reads_cross_block_boundaries() {
        let text = "ė".repeat(BLOCK); // two bytes a char: twice a block
        let bytes = encode(&(7u32, &text, 300u32));
        let mut r = reader(&bytes);
        assert_eq!(r.u32().ok(), Some(7));
        assert_eq!(r.string().ok().as_deref(), Some(text.as_str()));
        assert_eq!(r.u32().ok(), Some(300));
    }
}
