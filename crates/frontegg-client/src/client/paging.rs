//! Lists: a plain array, or Frontegg's pages followed to the last, with the items the client
//! cannot use skipped with a note. Must never return an incomplete list as the whole, nor
//! follow a next-page link off the base URL (it would receive the token).

use std::collections::HashSet;

use serde::de::DeserializeOwned;

use super::Client;
use super::request::{Call, Op, invalid_answer};
use crate::api::{CatalogEntry, ListPage, VendorIntegration};
use crate::error::{Error, ErrorKind};

/// Pages a list may take before the client gives up on it (a server that keeps linking on).
const MAX_LIST_PAGES: usize = 1000;

impl Client {
    /// `GET path` as a whole list: a plain array, or Frontegg's paged wrapper followed to its
    /// last page (`_links.next`; without it, the next `_offset` — a 0-based page index, as
    /// Frontegg's OpenAPI describes it — with the first page's length as `_limit`, while
    /// `_metadata.totalItems` says more items exist). A paged list is returned only when it is
    /// complete: pages that end before `totalItems`, repeat an item, or report another
    /// `totalItems` (the list changed while it was read) are an error, never a shorter list.
    pub(super) async fn get_list<T: DeserializeOwned + Listed>(
        &self,
        path: &str,
        op: &Op<'_>,
    ) -> Result<Vec<T>, Error> {
        let mut all: Vec<T> = Vec::new();
        let mut seen = HashSet::new();
        let mut expected_total = None;
        let mut limit = None;
        let mut page_path = path.to_string();
        let mut skipped_total = 0;
        for page in 0..MAX_LIST_PAGES {
            let call = Call::get(page_path);
            let answer = self.execute(&call, op).await?;
            let invalid = |what: String| invalid_answer(&call, &answer, what);
            let (items, next, total_items) =
                match self.parse::<ListPage<serde_json::Value>>(&call, &answer)? {
                    ListPage::Complete(items) if all.is_empty() => {
                        return Ok(self.usable_items(path, items));
                    }
                    ListPage::Complete(items) => (items, None, None),
                    ListPage::Page {
                        items,
                        next,
                        total_items,
                    } => (items, next, total_items),
                };
            let listed = items.len();
            let items: Vec<T> = self.usable_items(path, items);
            let skipped = listed - items.len();
            if let Some(total) = total_items {
                match expected_total {
                    None => expected_total = Some(total),
                    Some(first) if first != total => {
                        return Err(invalid(format!(
                            "the list changed while it was read ({first} items, then {total}); try again"
                        )));
                    }
                    Some(_) => {}
                }
            }
            for item in &items {
                let id = item.list_id();
                if !id.is_empty() && !seen.insert(id.to_string()) {
                    return Err(invalid(format!(
                        "the list's pages overlap (item {id} came twice), so it may miss others"
                    )));
                }
            }
            let page_len = items.len() + skipped;
            all.extend(items);
            skipped_total += skipped;
            let more_expected =
                expected_total.filter(|&total| ((all.len() + skipped_total) as u64) < total);
            if page_len == 0 || (next.is_none() && more_expected.is_none()) {
                if let Some(total) = more_expected {
                    return Err(invalid(format!(
                        "the list ended after {} of its {total} items",
                        all.len()
                    )));
                }
                return Ok(all);
            }
            let limit = *limit.get_or_insert(page_len);
            page_path = match next {
                Some(next) => self.next_page_path(path, &next).ok_or_else(|| {
                    invalid(format!(
                        "the list's next page ({next:?}) is not on {}",
                        self.inner.base_url
                    ))
                })?,
                None => format!("{path}?_offset={}&_limit={limit}", page + 1),
            };
        }
        Err(Error::new(ErrorKind::InvalidResponse, "GET", path)
            .with_message(format!("the list did not end after {MAX_LIST_PAGES} pages")))
    }

    /// The items of a list the client can read; each it cannot (a required field missing or
    /// not a string) is skipped with a note, rather than failing the whole list.
    fn usable_items<T: DeserializeOwned + Listed>(
        &self,
        path: &str,
        items: Vec<serde_json::Value>,
    ) -> Vec<T> {
        let mut usable = Vec::with_capacity(items.len());
        for item in items {
            let lacking: Vec<&str> = T::REQUIRED
                .iter()
                .copied()
                .filter(|field| !item.get(field).is_some_and(serde_json::Value::is_string))
                .collect();
            let read = if lacking.is_empty() {
                serde_json::from_value::<T>(item).ok()
            } else {
                None
            };
            match read {
                Some(item) => usable.push(item),
                None => {
                    let why = if lacking.is_empty() {
                        "that does not have the expected shape".to_string()
                    } else {
                        format!(
                            "without {}",
                            lacking
                                .iter()
                                .map(|f| format!("`{f}`"))
                                .collect::<Vec<_>>()
                                .join(" or ")
                        )
                    };
                    self.note(format!(
                        "GET {path} listed {} {why}; the provider skipped it",
                        T::WHAT
                    ));
                }
            }
        }
        usable
    }

    /// The path of a list's next page from its `_links.next`: a path, a query for `path`, or an
    /// absolute URL under the base URL (a link elsewhere is never followed: it would receive
    /// the token).
    fn next_page_path(&self, path: &str, next: &str) -> Option<String> {
        let next = next.trim();
        if let Some(query) = next.strip_prefix('?') {
            return Some(format!("{path}?{query}"));
        }
        let base = &self.inner.base_url;
        let local = if next.starts_with('/') {
            next
        } else {
            next.strip_prefix(base.as_str())
                .filter(|rest| rest.starts_with('/') || rest.starts_with('?'))?
        };
        if let Some(query) = local.strip_prefix('?') {
            return Some(format!("{path}?{query}"));
        }
        // A base URL with a path prefix (`https://host/api`): the server's links carry it.
        let prefix = url::Url::parse(base)
            .map(|u| u.path().trim_end_matches('/').to_string())
            .unwrap_or_default();
        Some(match local.strip_prefix(prefix.as_str()) {
            Some(rest) if !prefix.is_empty() && rest.starts_with('/') => rest.to_string(),
            _ => local.to_string(),
        })
    }
}

/// An item of a list, known by its id (to tell a complete list from overlapping pages).
pub(super) trait Listed {
    /// How notes name an item (`an integration`).
    const WHAT: &'static str;
    /// The fields an item cannot be used without (strings).
    const REQUIRED: &'static [&'static str];
    fn list_id(&self) -> &str;
}

impl Listed for VendorIntegration {
    const WHAT: &'static str = "an integration";
    const REQUIRED: &'static [&'static str] = &["id"];
    fn list_id(&self) -> &str {
        &self.id
    }
}

impl Listed for CatalogEntry {
    const WHAT: &'static str = "a catalog entry";
    const REQUIRED: &'static [&'static str] = &["id", "provider"];
    fn list_id(&self) -> &str {
        &self.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{CATALOG_PATH, VENDOR_INTEGRATIONS_PATH};
    use crate::config::ClientConfig;

    #[test]
    fn list_items_the_client_cannot_use_are_skipped_with_one_note_each() {
        let client = client("http://127.0.0.1:9");
        let entries: Vec<CatalogEntry> = client.usable_items(
            CATALOG_PATH,
            vec![
                serde_json::json!({"id": "c1", "provider": "confluence"}),
                serde_json::json!({"id": "c2"}),
                serde_json::json!({"id": "c3", "provider": null}),
                serde_json::json!({"provider": "jira"}),
            ],
        );
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].provider, "confluence");
        let notes = client.take_notes();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].contains("a catalog entry without `provider`"),
            "{notes:?}"
        );
        assert!(
            notes[1].contains("a catalog entry without `id`"),
            "{notes:?}"
        );
        // Given once: the same skip again is no new note.
        let again: Vec<CatalogEntry> =
            client.usable_items(CATALOG_PATH, vec![serde_json::json!({"id": "c2"})]);
        assert!(again.is_empty());
        assert!(client.take_notes().is_empty());
        let integrations: Vec<VendorIntegration> = client.usable_items(
            VENDOR_INTEGRATIONS_PATH,
            vec![
                serde_json::json!({"name": "Confluence"}),
                serde_json::json!({"id": "i1"}),
            ],
        );
        assert_eq!(integrations.len(), 1);
        assert_eq!(
            client.take_notes(),
            vec![format!(
                "GET {VENDOR_INTEGRATIONS_PATH} listed an integration without `id`; the provider skipped it"
            )]
        );
    }

    fn client(base_url: &str) -> Client {
        let cfg = ClientConfig::new("id", "k")
            .with_base_url(base_url)
            .expect("base url");
        Client::new(cfg).expect("client")
    }

    #[test]
    fn next_page_links_are_followed_only_under_the_base_url() {
        let c = client("http://127.0.0.1:9");
        assert_eq!(
            c.next_page_path("/list", "/list?_offset=2").as_deref(),
            Some("/list?_offset=2")
        );
        assert_eq!(
            c.next_page_path("/list", "?_offset=2&_limit=2").as_deref(),
            Some("/list?_offset=2&_limit=2")
        );
        assert_eq!(
            c.next_page_path("/list", "http://127.0.0.1:9/list?_offset=2")
                .as_deref(),
            Some("/list?_offset=2")
        );
        assert_eq!(
            c.next_page_path("/list", "https://elsewhere.example/list"),
            None
        );
        assert_eq!(c.next_page_path("/list", "http://127.0.0.1:99/list"), None);
        let prefixed = client("http://127.0.0.1:9/api");
        assert_eq!(
            prefixed
                .next_page_path("/list", "/api/list?_offset=2")
                .as_deref(),
            Some("/list?_offset=2")
        );
    }
}
