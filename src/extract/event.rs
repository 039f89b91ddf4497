//! Events (placeholder while the recognizer is written).

use super::annotate::Doc;
use super::found::Found;
use super::record::EventRecord;
use crate::graph::Date;

pub fn recognize(_doc: &Doc, _found: &Found, _ids: &[Option<String>], _date: Option<Date>) -> Vec<EventRecord> {
    Vec::new()
}
