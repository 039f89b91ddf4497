//! Name folding: the case- and diacritics-insensitive key under which names
//! are indexed and compared (`Tấn` and `tan` fold alike, so do `Việt Nam`
//! and `viet nam`).

use std::sync::OnceLock;

/// Lower case, diacritics removed, letters that decomposition leaves whole
/// mapped to plain ones (`đ` → `d`), curly apostrophes straightened and runs
/// of white space collapsed to one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold`], appended to `out` (which should be empty: a word is preceded
/// by a space whenever `out` is not).
pub fn fold_into(text: &str, out: &mut String) {
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        fold_word(word, out);
    }
}

/// Plain lower-case ASCII letter of each Latin letter with diacritics in
/// U+00C0..U+024F (first 0x190 slots) and U+1E00..U+1EFF (next 0x100), or 0
/// when the letter does not fold to a single ASCII letter.
fn latin_table() -> &'static [u8] {
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let ranges = [(0xC0u32, 0x250u32), (0x1E00, 0x1F00)];
        let mut table = Vec::with_capacity(0x290);
        for (from, to) in ranges {
            for code in from..to {
                let mut folded = String::new();
                if let Some(c) = char::from_u32(code) {
                    unicode_normalization::char::decompose_compatible(c, |d| {
                        if !unicode_normalization::char::is_combining_mark(d) {
                            folded.extend(d.to_lowercase());
                        }
                    });
                }
                let b = folded.as_bytes();
                table.push(if b.len() == 1 && b[0].is_ascii_lowercase() {
                    b[0]
                } else {
                    0
                });
            }
        }
        table
    })
}

/// Folds one word (no white space) onto `out`: lower case, diacritics
/// removed, `đ` → `d`, curly apostrophes straightened. Extraction folds every
/// token with it, so it does not allocate: ASCII is lower-cased in place;
/// Latin letters come from a table; other characters are decomposed one by
/// one (the same as decomposing the whole word, since only the combining
/// marks, which are dropped, could be reordered).
pub fn fold_word(word: &str, out: &mut String) {
    if word.is_ascii() {
        let start = out.len();
        out.push_str(word);
        out[start..].make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        match c {
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            'ł' | 'Ł' => out.push('l'),
            'ø' | 'Ø' => out.push('o'),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ß' => out.push_str("ss"),
            'ı' => out.push('i'),
            'þ' | 'Þ' => out.push_str("th"),
            '\u{2019}' | '\u{2018}' => out.push('\''),
            _ => {
                // Latin letters with diacritics (Latin-1, Latin Extended,
                // Vietnamese) come from a table built once.
                let code = c as u32;
                let table = latin_table();
                let plain = match code {
                    0xC0..=0x24F => table.get((code - 0xC0) as usize).copied().unwrap_or(0),
                    0x1E00..=0x1EFF => table
                        .get((code - 0x1E00) as usize + 0x190)
                        .copied()
                        .unwrap_or(0),
                    _ => 0,
                };
                if plain != 0 {
                    out.push(plain as char);
                } else {
                    unicode_normalization::char::decompose_compatible(c, |d| {
                        if !unicode_normalization::char::is_combining_mark(d) {
                            out.extend(d.to_lowercase());
                        }
                    })
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{fold, fold_word};
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn folds_case_diacritics_and_space() {
        let cases = [
            ("Phùng Sĩ Tấn", "phung si tan"),
            ("Việt Nam", "viet nam"),
            ("Đà Nẵng", "da nang"),
            ("  Łódź\t Straße ", "lodz strasse"),
            ("Chile’s", "chile's"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(fold(input), expected, "{input}");
        }
    }

    /// The reference: decompose the whole word, drop combining marks,
    /// then map what decomposition leaves whole.
    fn by_decomposition(word: &str) -> String {
        let mut out = String::new();
        for c in word.nfkd() {
            if unicode_normalization::char::is_combining_mark(c) {
                continue;
            }
            match c {
                'đ' | 'Đ' => out.push('d'),
                'ł' | 'Ł' => out.push('l'),
                'ß' => out.push_str("ss"),
                '\u{2019}' => out.push('\''),
                _ => out.extend(c.to_lowercase()),
            }
        }
        out
    }

    #[test]
    fn fold_word_agrees_with_full_decomposition() {
        for w in [
            "Phùng",
            "Sĩ",
            "Tấn",
            "Đà",
            "ĐỖ",
            "Chile’s",
            "Łódź",
            "Straße",
            "Agüiende",
            "MAYA",
        ] {
            let mut out = String::new();
            fold_word(w, &mut out);
            assert_eq!(out, by_decomposition(w), "{w}");
        }
    }
}
