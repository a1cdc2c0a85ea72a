//! How answers are shaped beyond the contract's minimum, set through the admin API: fields
//! dropped from answers (a client must cope with a DTO field Frontegg leaves out), lists in
//! Frontegg's paged wrapper instead of plain arrays, and answers that disagree with the catalog
//! or with themselves the way a real service may: a tool's scopes in a `ToolDto` other than its
//! catalog record says, lists in another order, `description: ""` for none, a catalog entry
//! without `provider`, a listed integration without `id`.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::{Value, json};

use crate::catalog::{catalog_id, display_name, stable_uuid};
use crate::error::ApiError;

/// The names of `Emulator::omit_fields` that leave every catalog tool record with `enabled`
/// alone, the shape of Frontegg's published example (`{"pages:read": {"enabled": true}}`).
pub const ENABLED_ONLY_TOOL_RECORDS: [&str; 3] = [
    "catalog.tools.name",
    "catalog.tools.category",
    "catalog.tools.scopes",
];

/// How a catalog entry lacks its `provider`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingProvider {
    /// No `provider` key at all.
    Absent,
    /// `"provider": null`.
    Null,
}

impl MissingProvider {
    fn apply(self, entry: &mut Value) {
        if let Value::Object(map) = entry {
            match self {
                MissingProvider::Absent => {
                    map.remove("provider");
                }
                MissingProvider::Null => {
                    map.insert("provider".to_string(), Value::Null);
                }
            }
        }
    }
}

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
    /// Per tool identifier: the scopes its `ToolDto`s answer instead of the catalog's.
    tool_scopes: BTreeMap<String, Vec<String>>,
    /// Each `ToolDto`'s scopes in reverse order (after `tool_scopes`).
    reverse_tool_scopes: bool,
    /// Each answer's `tools` in reverse order.
    reverse_tools: bool,
    /// `description: ""` where none is set.
    empty_description: bool,
    /// An extra catalog list entry without a usable `provider`.
    extra_catalog_entry: Option<MissingProvider>,
    /// Catalog entries (by provider) answered without their `provider`.
    stripped_providers: BTreeMap<String, MissingProvider>,
    /// An extra vendor-integration list item without `id`, for this catalog provider.
    integration_without_id: Option<&'static str>,
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

    /// `Some`: the `ToolDto`s of tool `identifier` answer these scopes; `None`: the catalog's.
    pub fn set_tool_scopes(&mut self, identifier: &str, scopes: Option<Vec<String>>) {
        match scopes {
            Some(scopes) => self.tool_scopes.insert(identifier.to_string(), scopes),
            None => self.tool_scopes.remove(identifier),
        };
    }

    /// Every tool answers the catalog's scopes again.
    pub fn clear_tool_scopes(&mut self) {
        self.tool_scopes.clear();
    }

    /// Answers list `tools`, and each tool's `scopes`, in reverse order (or in catalog order).
    pub fn set_reversed(&mut self, tools: bool, scopes: bool) {
        self.reverse_tools = tools;
        self.reverse_tool_scopes = scopes;
    }

    pub fn set_empty_description(&mut self, on: bool) {
        self.empty_description = on;
    }

    pub fn set_extra_catalog_entry(&mut self, missing: Option<MissingProvider>) {
        self.extra_catalog_entry = missing;
    }

    pub fn set_stripped_provider(&mut self, provider: &str, missing: Option<MissingProvider>) {
        match missing {
            Some(missing) => self
                .stripped_providers
                .insert(provider.to_string(), missing),
            None => self.stripped_providers.remove(provider),
        };
    }

    pub fn set_integration_without_id(&mut self, provider: Option<&'static str>) {
        self.integration_without_id = provider;
    }

    /// A vendor integration answer as the knobs say: the tools' scopes and order, the
    /// description, then without the omitted fields.
    pub fn integration(&self, mut answer: Value) -> Value {
        if let Some(Value::Array(tools)) = answer.get_mut("tools") {
            for tool in tools.iter_mut() {
                let identifier = tool.get("identifier").and_then(Value::as_str);
                if let Some(scopes) = identifier.and_then(|id| self.tool_scopes.get(id)) {
                    tool["scopes"] = json!(scopes);
                }
                if self.reverse_tool_scopes
                    && let Some(Value::Array(scopes)) = tool.get_mut("scopes")
                {
                    scopes.reverse();
                }
            }
            if self.reverse_tools {
                tools.reverse();
            }
        }
        if self.empty_description
            && let Value::Object(map) = &mut answer
            && map.get("description").is_none_or(Value::is_null)
        {
            map.insert("description".to_string(), json!(""));
        }
        for field in &self.omitted {
            if let OmittedField::Integration(path) = field {
                drop_path(&mut answer, path);
            }
        }
        answer
    }

    /// The items of the vendor-integration list: each answer shaped, then the item without
    /// `id` if one is asked for.
    pub fn integration_list(&self, env_id: &str, answers: Vec<Value>) -> Vec<Value> {
        let mut items: Vec<Value> = answers.into_iter().map(|a| self.integration(a)).collect();
        if let Some(provider) = self.integration_without_id {
            items.push(self.integration(json!({
                "name": display_name(provider),
                "description": null,
                "fronteggIntegrationId": catalog_id(env_id, provider),
                "authenticationType": "behalf-of-user",
                "agentIds": [],
                "tools": [],
                "useFronteggIntegration": true,
                "isActive": true,
                "oauthConfigurations": null,
            })));
        }
        items
    }

    /// The entries of the catalog list: each entry shaped, then the entry without a usable
    /// `provider` if one is asked for.
    pub fn catalog_list(&self, env_id: &str, entries: Vec<Value>) -> Vec<Value> {
        let mut items: Vec<Value> = entries.into_iter().map(|e| self.catalog_entry(e)).collect();
        if let Some(missing) = self.extra_catalog_entry {
            let mut entry = self.catalog_entry(json!({
                "id": stable_uuid(&["catalog", env_id, "entry without provider"]),
                "provider": null,
                "displayName": "Integration",
                "isEnabled": true,
            }));
            missing.apply(&mut entry);
            items.push(entry);
        }
        items
    }

    /// A catalog entry answer (lean or with its tools): without its `provider` when asked, and
    /// without the omitted fields.
    pub fn catalog_entry(&self, mut answer: Value) -> Value {
        let stripped = answer
            .get("provider")
            .and_then(Value::as_str)
            .and_then(|provider| self.stripped_providers.get(provider))
            .copied();
        if let Some(missing) = stripped {
            missing.apply(&mut answer);
        }
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
