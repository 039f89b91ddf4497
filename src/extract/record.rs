//! The extraction record: what `kg extract --format json` prints, one per
//! article (../shared/eval/FORMAT.md), plus the provenance fields kg itself
//! needs (`mentions`, `evidence`), which the scorer ignores. `crate::records`
//! adds, on the wire, what ingest needs to rebuild the article.

use serde::{Deserialize, Serialize};

/// Where in the article text something was read: the sentence index and the
/// byte span within the whole text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Mention {
    pub sentence: u32,
    pub start: u32,
    pub end: u32,
}

/// One article's extraction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub article: String,
    /// `YYYY-MM-DD`, or null when the article gives none.
    pub date: Option<String>,
    pub persons: Vec<PersonRecord>,
    pub institutions: Vec<InstitutionRecord>,
    pub places: Vec<PlaceRecord>,
    pub roles: Vec<RoleRecord>,
    pub events: Vec<EventRecord>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Military or police rank, kept as a property, never as a role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<Mention>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InstitutionRecord {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Id of the institution this one is part of (`PART_OF`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_of: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<Mention>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlaceRecord {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// `country`, `city`, `region` or `site`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Id of the place this one lies in (`LOCATED_IN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub located_in: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<Mention>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleRecord {
    pub person: String,
    pub title: String,
    pub institution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Mention>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    pub id: String,
    /// meeting, visit, signing, ceremony, conference, call, appointment,
    /// deployment or other.
    #[serde(rename = "type")]
    pub event_type: String,
    pub date: Option<String>,
    pub place: Option<String>,
    pub participants: Vec<String>,
    /// The words that named the event ("held talks", "official visit").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Mention>,
}

/// A record id: `prefix` then `n` in decimal (`p1`, `o12`, `e3`). Written by
/// hand, not with `format!`: an article has dozens of ids, and the
/// formatting machinery costs more than the rest of building each one.
pub fn numbered_id(prefix: char, n: usize) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut id = String::with_capacity(1 + digits.len() - at);
    id.push(prefix);
    id.extend(digits[at..].iter().map(|&d| char::from(d)));
    id
}

#[cfg(test)]
mod tests {
    use super::numbered_id;

    #[test]
    fn numbered_ids_are_prefix_and_decimal() {
        for n in [0usize, 1, 9, 10, 99, 100, 1234, usize::MAX] {
            assert_eq!(numbered_id('e', n), format!("e{n}"));
        }
    }
}
