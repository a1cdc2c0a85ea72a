//! Notes on what Frontegg's answers held that the client skipped, each given to the caller
//! once. Must never fail a call: a note only reports.

use std::collections::HashSet;

use super::Client;

/// Notes about answers: the ones not yet taken, and every one ever given (each is given once).
#[derive(Default)]
pub(super) struct Notes {
    pending: Vec<String>,
    given: HashSet<String>,
}

impl Client {
    /// What Frontegg's answers held that the client skipped (an entry of a list it cannot
    /// use, such as a catalog entry without `provider` or an integration without `id`), each
    /// note returned once per client, so that a caller warns once.
    pub fn take_notes(&self) -> Vec<String> {
        let mut notes = self
            .inner
            .notes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        std::mem::take(&mut notes.pending)
    }

    pub(super) fn note(&self, note: String) {
        log::warn!("Frontegg API: {note}");
        let mut notes = self
            .inner
            .notes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if notes.given.insert(note.clone()) {
            notes.pending.push(note);
        }
    }
}
