//! Source texts kept compressed in memory.
//!
//! An article's text is the largest single thing the graph holds (about 40
//! bytes per node and relationship read from it), yet it is read only when
//! a query asks for evidence or for the text itself. So the text of every
//! node under the schema's `source_text` key is held zstd-compressed, one
//! frame per text (random access by node; a 1.7 KB article compresses to
//! about half and decompresses in microseconds), and unpacked on read.
//! Texts that do not shrink are kept as they are.

use std::cell::RefCell;

/// zstd's fastest regular level: on article-sized texts it compresses as
/// well as level 3 (measured on generated and dev articles) at a lower cost.
const LEVEL: i32 = 1;

/// Texts shorter than this are kept raw: a zstd frame's header would eat
/// most of what compressing them saves.
const MIN_PACKED_LEN: usize = 64;

/// A text, compressed or raw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PackedText {
    Raw(Box<str>),
    /// One zstd frame and the length of the text it holds (a bound for the
    /// decompressor, so a damaged frame cannot make it allocate more).
    Zstd {
        frame: Box<[u8]>,
        len: u32,
    },
}

thread_local! {
    /// The frame unpacked last on this thread and its text: evidence is
    /// read fact by fact, and the facts of one article come together (an
    /// export reads every sentence of an article in turn). Keyed by the
    /// frame's bytes, so it can never answer for another text.
    static LAST_UNPACKED: RefCell<(Vec<u8>, String)> = const { RefCell::new((Vec::new(), String::new())) };
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

impl PackedText {
    /// Packs `text`, compressed when that makes it smaller.
    pub(crate) fn pack(text: String) -> PackedText {
        match u32::try_from(text.len()) {
            Ok(len) if text.len() >= MIN_PACKED_LEN => match compress(text.as_bytes()) {
                Some(frame) if frame.len() < text.len() => PackedText::Zstd {
                    frame: frame.into_boxed_slice(),
                    len,
                },
                _ => PackedText::Raw(text.into_boxed_str()),
            },
            _ => PackedText::Raw(text.into_boxed_str()),
        }
    }

    /// A packed text from a frame read from a file, checked only for its
    /// stated length; [`PackedText::unpack`] checks the rest.
    pub(crate) fn from_frame(frame: Vec<u8>, len: u32) -> PackedText {
        PackedText::Zstd {
            frame: frame.into_boxed_slice(),
            len,
        }
    }

    /// The text; `None` when a frame (read from a damaged file) does not
    /// decompress to UTF-8 text of its stated length.
    pub(crate) fn unpack(&self) -> Option<String> {
        self.with_text(str::to_string)
    }

    /// Calls `read` with the text (unpacked once for a run of reads of
    /// the same text); `None` when a frame does not decompress to UTF-8
    /// text of its stated length.
    pub(crate) fn with_text<R>(&self, read: impl FnOnce(&str) -> R) -> Option<R> {
        let (frame, len) = match self {
            PackedText::Raw(text) => return Some(read(text)),
            PackedText::Zstd { frame, len } => (frame, *len as usize),
        };
        LAST_UNPACKED.with(|cell| match cell.try_borrow_mut() {
            Ok(mut last) => {
                if last.0.as_slice() != &**frame {
                    let text = unpack_frame(frame, len)?;
                    last.0.clear();
                    last.0.extend_from_slice(frame);
                    last.1 = text;
                }
                Some(read(&last.1))
            }
            // a read within a read: unpack without the cache
            Err(_) => unpack_frame(frame, len).map(|text| read(&text)),
        })
    }

    /// Bytes this text takes in memory (the frame or the raw text).
    #[cfg(test)]
    pub(crate) fn stored_len(&self) -> usize {
        match self {
            PackedText::Raw(text) => text.len(),
            PackedText::Zstd { frame, .. } => frame.len(),
        }
    }
}

fn unpack_frame(frame: &[u8], len: usize) -> Option<String> {
    let bytes = decompress(frame, len)?;
    if bytes.len() != len {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// Compresses with this thread's reusable context (making one per text
/// would cost more than compressing an article).
fn compress(bytes: &[u8]) -> Option<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = zstd::bulk::Compressor::new(LEVEL).ok();
        }
        slot.as_mut()?.compress(bytes).ok()
    })
}

fn decompress(frame: &[u8], len: usize) -> Option<Vec<u8>> {
    DECOMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = zstd::bulk::Decompressor::new().ok();
        }
        slot.as_mut()?.decompress(frame, len).ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_as_they_went_in() {
        let article = "The Prime Minister met the ambassador in Hanoi. ".repeat(40);
        for text in ["", "short", "Bà Rịa – Vũng Tàu", article.as_str()] {
            let packed = PackedText::pack(text.to_string());
            assert_eq!(packed.unpack().as_deref(), Some(text));
        }
        let packed = PackedText::pack(article.clone());
        assert!(matches!(packed, PackedText::Zstd { .. }));
        assert!(packed.stored_len() < article.len() / 2);
    }

    #[test]
    fn a_damaged_frame_reads_as_no_text() {
        let text = "Cooperation in agriculture and defence was discussed. ".repeat(20);
        let PackedText::Zstd { frame, len } = PackedText::pack(text) else {
            panic!("an article-sized text is compressed");
        };
        let mut damaged = frame.to_vec();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 0x5a;
        damaged.truncate(damaged.len() - 3);
        assert_eq!(PackedText::from_frame(damaged, len).unpack(), None);
        // the cache of the last text unpacked answers only for its own frame
        let other = "Another article entirely, about a summit in Jakarta. ".repeat(20);
        let good = PackedText::pack(other.clone());
        assert_eq!(good.unpack(), Some(other));
        // a frame claiming a shorter text than it holds
        assert_eq!(
            PackedText::from_frame(frame.to_vec(), len - 1).unpack(),
            None
        );
        // a frame of bytes that are not UTF-8
        let not_text = compress(&[0xff; 100]).unwrap_or_default();
        assert_eq!(PackedText::from_frame(not_text, 100).unpack(), None);
    }
}
