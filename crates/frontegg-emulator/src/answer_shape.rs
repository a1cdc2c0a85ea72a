//! How answers are shaped beyond the contract's minimum, set through the admin API: fields
//! dropped from answers (a client must cope with a DTO field Frontegg leaves out) and lists in
//! Frontegg's paged wrapper instead of plain arrays.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::error::ApiError;

/// A field to drop, as the admin API names it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum OmittedField {
    /// `name` or `a.b`: in every vendor integration answer; a segment that meets an array applies
    /// to each element (`tools.scopes`).
    Integration(Vec<String>),
    /// `catalog.name`: in every catalog entry (list and `GET {id}`).
    CatalogEntry(Vec<String>),
    /// `catalog.tools.name`: in each tool record of `GET frontegg-integrations/v1/{id}`.
    CatalogTool(Vec<String>),
}

impl OmittedField {
    fn parse(name: &str) -> OmittedField {
        let path = |rest: &str| rest.split('.').map(str::to_string).collect();
        if let Some(rest) = name.strip_prefix("catalog.tools.") {
            OmittedField::CatalogTool(path(rest))
        } else if let Some(rest) = name.strip_prefix("catalog.") {
            OmittedField::CatalogEntry(path(rest))
        } else {
            OmittedField::Integration(path(name))
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct AnswerShape {
    omitted: Vec<OmittedField>,
    /// `Some`: lists come paged, this many items per page unless `_limit` says otherwise.
    page_size: Option<usize>,
}

impl AnswerShape {
    /// Replaces the fields dropped from answers; an empty list drops none.
    pub fn omit<S: AsRef<str>>(&mut self, fields: &[S]) {
        self.omitted = fields
            .iter()
            .map(|f| OmittedField::parse(f.as_ref()))
            .collect();
    }

    /// `Some(n)`: lists in the paged wrapper with `n` items per page (0 counts as 1); `None`:
    /// plain arrays.
    pub fn set_page_size(&mut self, page_size: Option<usize>) {
        self.page_size = page_size.map(|n| n.max(1));
    }

    /// A vendor integration answer without the omitted fields.
    pub fn integration(&self, mut answer: Value) -> Value {
        for field in &self.omitted {
            if let OmittedField::Integration(path) = field {
                drop_path(&mut answer, path);
            }
        }
        answer
    }

    /// A catalog entry answer (lean or with its tools) without the omitted fields.
    pub fn catalog_entry(&self, mut answer: Value) -> Value {
        for field in &self.omitted {
            match field {
                OmittedField::CatalogEntry(path) => drop_path(&mut answer, path),
                OmittedField::CatalogTool(path) => {
                    if let Some(Value::Object(tools)) = answer.get_mut("tools") {
                        tools
                            .values_mut()
                            .for_each(|record| drop_path(record, path));
                    }
                }
                OmittedField::Integration(_) => {}
            }
        }
        answer
    }

    /// A list answer: the plain array, or when paging is on, the page `_offset` (0-based page
    /// index, as Frontegg counts it) of `_limit` items in Frontegg's wrapper, with links that
    /// carry `path` and the page's query.
    pub fn list(
        &self,
        items: Vec<Value>,
        path: &str,
        query: &HashMap<String, String>,
    ) -> Result<Value, ApiError> {
        let Some(page_size) = self.page_size else {
            return Ok(Value::Array(items));
        };
        let mut errors = Vec::new();
        let limit = match query.get("_limit") {
            None => page_size,
            Some(text) => match text.trim().parse::<usize>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    errors.push("_limit must be a positive integer".to_string());
                    page_size
                }
            },
        };
        let offset = match query.get("_offset") {
            None => 0,
            Some(text) => text.trim().parse::<usize>().unwrap_or_else(|_| {
                errors.push("_offset must be a non-negative integer".to_string());
                0
            }),
        };
        if !errors.is_empty() {
            return Err(ApiError::invalid(errors));
        }
        let total_items = items.len();
        let total_pages = total_items.div_ceil(limit);
        let page: Vec<Value> = items
            .into_iter()
            .skip(offset.saturating_mul(limit))
            .take(limit)
            .collect();
        let link = |page: usize| format!("{path}?_limit={limit}&_offset={page}");
        let mut links = json!({
            "first": link(0),
            "last": link(total_pages.saturating_sub(1)),
        });
        if offset + 1 < total_pages {
            links["next"] = json!(link(offset + 1));
        }
        if offset > 0 {
            links["prev"] = json!(link((offset - 1).min(total_pages.saturating_sub(1))));
        }
        Ok(json!({
            "items": page,
            "_links": links,
            "_metadata": { "totalItems": total_items, "totalPages": total_pages },
        }))
    }
}

/// Removes the field at `path`; on the way, an array applies the rest of the path to each element.
fn drop_path(value: &mut Value, path: &[String]) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|item| drop_path(item, path)),
        Value::Object(map) => match path {
            [] => {}
            [last] => {
                map.remove(last);
            }
            [first, rest @ ..] => {
                if let Some(child) = map.get_mut(first) {
                    drop_path(child, rest);
                }
            }
        },
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn dotted_names_reach_into_arrays_and_objects() {
        let mut shape = AnswerShape::default();
        shape.omit(&[
            "agentIds",
            "tools.scopes",
            "oauthConfigurations.clientSecret",
        ]);
        let answer = shape.integration(json!({
            "id": "1",
            "agentIds": [],
            "tools": [{ "identifier": "a", "scopes": ["s"] }, { "identifier": "b" }],
            "oauthConfigurations": { "clientId": "c", "clientSecret": "********" },
        }));
        assert_eq!(
            answer,
            json!({
                "id": "1",
                "tools": [{ "identifier": "a" }, { "identifier": "b" }],
                "oauthConfigurations": { "clientId": "c" },
            })
        );
    }

    #[test]
    fn catalog_names_touch_only_catalog_answers() {
        let mut shape = AnswerShape::default();
        shape.omit(&["catalog.tools.scopes", "catalog.displayName", "name"]);
        let entry = shape.catalog_entry(json!({
            "id": "1", "name": "kept", "displayName": "C",
            "tools": { "a": { "enabled": true, "scopes": ["s"] } },
        }));
        assert_eq!(
            entry,
            json!({ "id": "1", "name": "kept", "tools": { "a": { "enabled": true } } })
        );
        let integration = shape.integration(json!({ "name": "x", "tools": [{ "scopes": [] }] }));
        assert_eq!(integration, json!({ "tools": [{ "scopes": [] }] }));
    }

    #[test]
    fn plain_arrays_ignore_paging_parameters() {
        let shape = AnswerShape::default();
        let items = vec![json!(1), json!(2)];
        let answer = shape
            .list(items.clone(), "/p", &query(&[("_limit", "1")]))
            .unwrap();
        assert_eq!(answer, Value::Array(items));
    }

    #[test]
    fn pages_count_offsets_in_pages() {
        let mut shape = AnswerShape::default();
        shape.set_page_size(Some(2));
        let items: Vec<Value> = (1..=5).map(|n| json!(n)).collect();
        let second = shape
            .list(items.clone(), "/p", &query(&[("_offset", "1")]))
            .unwrap();
        assert_eq!(
            second,
            json!({
                "items": [3, 4],
                "_links": {
                    "first": "/p?_limit=2&_offset=0",
                    "last": "/p?_limit=2&_offset=2",
                    "next": "/p?_limit=2&_offset=2",
                    "prev": "/p?_limit=2&_offset=0",
                },
                "_metadata": { "totalItems": 5, "totalPages": 3 },
            })
        );
        let last = shape
            .list(items, "/p", &query(&[("_offset", "2")]))
            .unwrap();
        assert_eq!(last["items"], json!([5]));
        assert!(last["_links"].get("next").is_none());
    }

    #[test]
    fn an_empty_list_has_no_pages_and_no_next() {
        let mut shape = AnswerShape::default();
        shape.set_page_size(Some(0));
        let answer = shape.list(Vec::new(), "/p", &HashMap::new()).unwrap();
        assert_eq!(answer["items"], json!([]));
        assert_eq!(
            answer["_metadata"],
            json!({ "totalItems": 0, "totalPages": 0 })
        );
        assert!(answer["_links"].get("next").is_none());
    }

    #[test]
    fn bad_paging_parameters_are_400() {
        let mut shape = AnswerShape::default();
        shape.set_page_size(Some(2));
        let error = shape
            .list(
                Vec::new(),
                "/p",
                &query(&[("_limit", "0"), ("_offset", "-1")]),
            )
            .unwrap_err();
        assert_eq!(
            error.errors,
            [
                "_limit must be a positive integer",
                "_offset must be a non-negative integer"
            ]
        );
    }
}
