//! The integration catalog ("Frontegg integrations"): the 31 providers of the contract with ids
//! stable per environment, and the tools each offers. Confluence offers the tools of
//! `data/confluence-tools.tsv`, every other provider those of `data/catalog-tools.tsv` (both
//! embedded, parsed at start). Tools can be retired from an entry and added to it at run time, as
//! Frontegg may change its catalog under integrations that already hold its tools.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

const CONFLUENCE_TOOLS_TSV: &str = include_str!("../data/confluence-tools.tsv");
const TSV_HEADER: [&str; 4] = ["identifier", "name", "category", "scopes"];
const CATALOG_TOOLS_TSV: &str = include_str!("../data/catalog-tools.tsv");
const CATALOG_TSV_HEADER: [&str; 5] = ["provider", "identifier", "name", "category", "scopes"];

/// Every provider of the contract, with the display name the portal gives it.
pub(crate) const PROVIDERS: [(&str, &str); 31] = [
    ("slack", "Slack"),
    ("jira", "Jira"),
    ("confluence", "Confluence"),
    ("hubspot", "HubSpot"),
    ("github", "GitHub"),
    ("notion", "Notion"),
    ("frontegg", "Frontegg"),
    ("monday", "monday.com"),
    ("salesforce", "Salesforce"),
    ("intercom", "Intercom"),
    ("stripe", "Stripe"),
    ("gitlab", "GitLab"),
    ("clickup", "ClickUp"),
    ("zoom", "Zoom"),
    ("figma", "Figma"),
    ("google-calendar", "Google Calendar"),
    ("google-drive", "Google Drive"),
    ("google-sheets", "Google Sheets"),
    ("google-docs", "Google Docs"),
    ("gsuite", "G Suite"),
    ("google-gmail", "Gmail"),
    ("google-meet", "Google Meet"),
    ("asana", "Asana"),
    ("calendly", "Calendly"),
    ("microsoft-teams", "Microsoft Teams"),
    ("microsoft-outlook", "Microsoft Outlook"),
    ("microsoft-onedrive", "Microsoft OneDrive"),
    ("miro", "Miro"),
    ("linkedin", "LinkedIn"),
    ("discord", "Discord"),
    ("pagerduty", "PagerDuty"),
];

/// How a tool leaves a catalog entry ([`crate::Emulator::retire_catalog_tool`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Retirement {
    /// Its record is gone from `GET frontegg-integrations/v1/{id}`.
    Removed,
    /// Its record stays, with `enabled: false`.
    Disabled,
}

/// A tool added to a catalog entry at run time ([`crate::Emulator::add_catalog_tool`]).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewCatalogTool {
    pub identifier: String,
    /// The identifier when `None`.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    /// The scopes the tool requires: always in its `ToolDto`s, in its catalog record only when
    /// `scopes_in_record` is true.
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default = "yes")]
    pub scopes_in_record: bool,
}

fn yes() -> bool {
    true
}

/// Whether a catalog entry offers a tool now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Offer {
    Offered,
    Retired(Retirement),
}

/// One tool of a catalog entry: offered, or retired (integrations that hold it keep it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CatalogTool {
    pub identifier: String,
    pub name: String,
    pub category: String,
    pub scopes: Vec<String>,
    pub offer: Offer,
    /// `false`: the catalog record leaves out `scopes` (the `ToolDto` still has them).
    pub scopes_in_record: bool,
}

impl CatalogTool {
    /// The tool as a vendor integration answer lists it (`ToolDto`).
    fn dto(&self) -> Value {
        json!({
            "name": self.name,
            "identifier": self.identifier,
            "scopes": self.scopes,
            "category": self.category,
        })
    }

    fn is_offered(&self) -> bool {
        self.offer == Offer::Offered
    }

    /// The tool's record in `GET frontegg-integrations/v1/{id}`; `None` once it is removed.
    fn record(&self) -> Option<Value> {
        if self.offer == Offer::Retired(Retirement::Removed) {
            return None;
        }
        let mut record = json!({
            "enabled": self.is_offered(),
            "name": self.name,
            "category": self.category,
        });
        if self.scopes_in_record {
            record["scopes"] = json!(self.scopes);
        }
        Some(record)
    }
}

pub(crate) struct Catalog {
    tools: BTreeMap<&'static str, Vec<CatalogTool>>,
}

impl Catalog {
    /// The catalog with the embedded tools.
    pub fn embedded() -> Result<Catalog, String> {
        let confluence = parse_tools(CONFLUENCE_TOOLS_TSV)
            .map_err(|e| format!("the embedded data/confluence-tools.tsv is invalid: {e}"))?;
        let mut tools = parse_provider_tools(CATALOG_TOOLS_TSV)
            .map_err(|e| format!("the embedded data/catalog-tools.tsv is invalid: {e}"))?;
        if tools.insert("confluence", confluence).is_some() {
            return Err(
                "the embedded data/catalog-tools.tsv lists Confluence tools, which belong in \
                 data/confluence-tools.tsv"
                    .to_string(),
            );
        }
        Ok(Catalog { tools })
    }

    /// Every tool `provider` has had, retired ones included, in catalog order (tools added at
    /// run time last; none for a provider without tools).
    pub fn tools(&self, provider: &str) -> &[CatalogTool] {
        self.tools.get(provider).map_or(&[], Vec::as_slice)
    }

    /// The tools `provider` offers now, in catalog order.
    pub fn offered(&self, provider: &str) -> impl Iterator<Item = &CatalogTool> {
        self.tools(provider).iter().filter(|tool| tool.is_offered())
    }

    /// Retires an offered tool; `false` when `provider` does not offer `identifier`.
    pub fn retire(&mut self, provider: &str, identifier: &str, how: Retirement) -> bool {
        let tool = self
            .tools
            .get_mut(provider)
            .and_then(|tools| tools.iter_mut().find(|t| t.identifier == identifier));
        match tool {
            Some(tool) if tool.is_offered() => {
                tool.offer = Offer::Retired(how);
                true
            }
            _ => false,
        }
    }

    /// Adds a tool to `provider`'s entry (a retired tool of that identifier is offered again,
    /// with the new record); refused for an unknown provider or a tool it offers already.
    pub fn add(&mut self, provider: &str, new: NewCatalogTool) -> Result<(), String> {
        let Some(provider) = provider_named(provider) else {
            return Err(format!("provider {provider} is not in the catalog"));
        };
        if new.identifier.trim().is_empty() {
            return Err("identifier must not be empty".to_string());
        }
        let tool = CatalogTool {
            name: new.name.unwrap_or_else(|| new.identifier.clone()),
            category: new.category.unwrap_or_default(),
            identifier: new.identifier,
            scopes: new.scopes,
            offer: Offer::Offered,
            scopes_in_record: new.scopes_in_record,
        };
        let tools = self.tools.entry(provider).or_default();
        match tools.iter_mut().find(|t| t.identifier == tool.identifier) {
            Some(existing) if existing.is_offered() => Err(format!(
                "tool {} is already offered by {provider}",
                tool.identifier
            )),
            Some(existing) => {
                *existing = tool;
                Ok(())
            }
            None => {
                tools.push(tool);
                Ok(())
            }
        }
    }

    /// `GET frontegg-integrations/v1`: the lean entries, plus fields clients ignore.
    pub fn lean_entries(&self, env_id: &str) -> Vec<Value> {
        PROVIDERS
            .iter()
            .map(|(provider, display_name)| {
                json!({
                    "id": catalog_id(env_id, provider),
                    "provider": provider,
                    "displayName": display_name,
                    "isEnabled": true,
                })
            })
            .collect()
    }

    /// `GET frontegg-integrations/v1/{id}`: the entry with its tool records; `None` for an
    /// unknown id.
    pub fn entry(&self, env_id: &str, id: &str) -> Option<Value> {
        let provider = provider_of(env_id, id)?;
        let tools: Map<String, Value> = self
            .tools(provider)
            .iter()
            .filter_map(|tool| Some((tool.identifier.clone(), tool.record()?)))
            .collect();
        Some(json!({
            "id": id,
            "provider": provider,
            "displayName": display_name(provider),
            "isEnabled": true,
            "tools": tools,
        }))
    }

    /// The tool records of `provider` as `GET frontegg-integrations/v1/{id}` holds them (a
    /// removed tool has none), each with its identifier, for tests.
    pub fn tool_records(&self, provider: &str) -> Vec<Value> {
        self.tools(provider)
            .iter()
            .filter_map(|tool| {
                let mut record = tool.record()?;
                record["identifier"] = json!(tool.identifier);
                Some(record)
            })
            .collect()
    }

    /// The identifiers among `identifiers` that `provider` does not offer now, in order.
    pub fn not_offered<'a>(
        &self,
        provider: &str,
        identifiers: impl IntoIterator<Item = &'a String>,
    ) -> Vec<&'a String> {
        identifiers
            .into_iter()
            .filter(|id| !self.offered(provider).any(|tool| &tool.identifier == *id))
            .collect()
    }

    /// `ToolDto`s of the enabled `identifiers`: catalog tools in catalog order (a retired tool
    /// an integration still holds keeps its scopes), then identifiers the catalog never had
    /// (only out-of-band changes make those) with neither scopes nor category, since nothing is
    /// known about them.
    pub fn tool_dtos(&self, provider: &str, identifiers: &BTreeSet<String>) -> Vec<Value> {
        let all = self.tools(provider);
        let known = all
            .iter()
            .filter(|tool| identifiers.contains(&tool.identifier))
            .map(CatalogTool::dto);
        let unknown = identifiers
            .iter()
            .filter(|id| !all.iter().any(|tool| &tool.identifier == *id))
            .map(|id| json!({ "name": id, "identifier": id }));
        known.chain(unknown).collect()
    }
}

/// The `fronteggIntegrationId` of `provider` in an environment (whether or not it is a provider).
pub(crate) fn catalog_id(env_id: &str, provider: &str) -> String {
    stable_uuid(&["catalog", env_id, provider])
}

/// The provider whose catalog id in `env_id` is `id`.
pub(crate) fn provider_of(env_id: &str, id: &str) -> Option<&'static str> {
    PROVIDERS
        .iter()
        .map(|(provider, _)| *provider)
        .find(|provider| catalog_id(env_id, provider) == id)
}

/// `name` as one of the contract's providers.
pub(crate) fn provider_named(name: &str) -> Option<&'static str> {
    PROVIDERS
        .iter()
        .map(|(provider, _)| *provider)
        .find(|provider| *provider == name)
}

pub(crate) fn display_name(provider: &str) -> &'static str {
    PROVIDERS
        .iter()
        .find(|(p, _)| *p == provider)
        .map(|(_, name)| *name)
        .unwrap_or("Integration")
}

/// A UUID-shaped id derived from `parts`: the same parts give the same id on every start.
pub(crate) fn stable_uuid(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"frontegg-emulator");
    for part in parts {
        hasher.update([0u8]);
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// The rows of a tab-separated table after `#` comment lines and the header `header`: their
/// line numbers and trimmed fields, as many as the header has.
fn rows<'t, const N: usize>(
    text: &'t str,
    header: &[&str; N],
) -> Result<Vec<(usize, [&'t str; N])>, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim_end_matches('\r')))
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'));
    match lines.next() {
        Some((_, first)) if first.split('\t').eq(header.iter().copied()) => {}
        Some((number, _)) => {
            return Err(format!(
                "line {number}: the header must be {}",
                header.join(" TAB ")
            ));
        }
        None => return Err("no header and no tools".to_string()),
    }
    lines
        .map(|(number, line)| {
            let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
            let found = fields.len();
            <[&str; N]>::try_from(fields)
                .map(|fields| (number, fields))
                .map_err(|_| {
                    format!("line {number}: expected {N} tab-separated fields, found {found}")
                })
        })
        .collect()
}

/// One tool from its row, refused when it is incomplete or already in `tools`.
fn tool(
    number: usize,
    [identifier, name, category, scopes]: [&str; 4],
    tools: &[CatalogTool],
) -> Result<CatalogTool, String> {
    if identifier.is_empty() || name.is_empty() {
        return Err(format!(
            "line {number}: the identifier and the name must not be empty"
        ));
    }
    if tools.iter().any(|tool| tool.identifier == identifier) {
        return Err(format!("line {number}: tool {identifier} is listed twice"));
    }
    Ok(CatalogTool {
        identifier: identifier.to_string(),
        name: name.to_string(),
        category: category.to_string(),
        scopes: scopes
            .split(',')
            .map(str::trim)
            .filter(|scope| !scope.is_empty())
            .map(str::to_string)
            .collect(),
        offer: Offer::Offered,
        scopes_in_record: true,
    })
}

/// Parses a tool table: `#` comment lines, the header `identifier name category scopes`, then one
/// tab-separated row per tool with comma-separated scopes.
fn parse_tools(text: &str) -> Result<Vec<CatalogTool>, String> {
    let mut tools: Vec<CatalogTool> = Vec::new();
    for (number, fields) in rows(text, &TSV_HEADER)? {
        let parsed = tool(number, fields, &tools)?;
        tools.push(parsed);
    }
    Ok(tools)
}

/// Parses the table of several providers' tools: the header `provider identifier name category
/// scopes`, each provider one of the contract's.
fn parse_provider_tools(text: &str) -> Result<BTreeMap<&'static str, Vec<CatalogTool>>, String> {
    let mut catalog: BTreeMap<&'static str, Vec<CatalogTool>> = BTreeMap::new();
    for (number, [provider, identifier, name, category, scopes]) in rows(text, &CATALOG_TSV_HEADER)?
    {
        let Some(provider) = provider_named(provider) else {
            return Err(format!(
                "line {number}: {provider:?} is not a provider of the catalog"
            ));
        };
        let tools = catalog.entry(provider).or_default();
        let parsed = tool(number, [identifier, name, category, scopes], tools)?;
        tools.push(parsed);
    }
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_confluence_table_parses() {
        let catalog = Catalog::embedded().unwrap();
        let tools = catalog.tools("confluence");
        assert_eq!(tools.len(), 11);
        assert_eq!(
            tools[1],
            CatalogTool {
                identifier: "pages:write".into(),
                name: "Create and update pages".into(),
                category: "Pages".into(),
                scopes: vec![
                    "read:page:confluence".into(),
                    "write:page:confluence".into()
                ],
                offer: Offer::Offered,
                scopes_in_record: true,
            }
        );
    }

    #[test]
    fn every_provider_offers_tools_with_scopes_in_its_vendors_notation() {
        let catalog = Catalog::embedded().unwrap();
        for (provider, _) in PROVIDERS {
            assert!(!catalog.tools(provider).is_empty(), "{provider}");
        }
        let scopes_of = |provider: &str, identifier: &str| {
            catalog
                .tools(provider)
                .iter()
                .find(|t| t.identifier == identifier)
                .map(|t| t.scopes.clone())
                .unwrap()
        };
        assert_eq!(scopes_of("slack", "chat:post_message"), ["chat:write"]);
        assert_eq!(scopes_of("github", "orgs:read"), ["read:org"]);
        assert_eq!(
            scopes_of("jira", "issues:write"),
            ["read:jira-work", "write:jira-work"]
        );
        assert!(scopes_of("clickup", "tasks:read").is_empty());
    }

    #[test]
    fn a_provider_outside_the_catalog_is_refused_with_its_line() {
        let text = "provider\tidentifier\tname\tcategory\tscopes\nmyspace\ta\tA\tC\ts\n";
        assert_eq!(
            parse_provider_tools(text).unwrap_err(),
            "line 2: \"myspace\" is not a provider of the catalog"
        );
    }

    #[test]
    fn a_tool_listed_twice_for_one_provider_is_refused() {
        let text = "provider\tidentifier\tname\tcategory\tscopes\n\
                    slack\ta\tA\tC\ts\ngithub\ta\tA\tC\ts\nslack\ta\tA\tC\ts\n";
        assert_eq!(
            parse_provider_tools(text).unwrap_err(),
            "line 4: tool a is listed twice"
        );
    }

    #[test]
    fn a_row_with_missing_fields_is_refused_with_its_line() {
        let error = parse_tools("# c\nidentifier\tname\tcategory\tscopes\na:b\tA\n").unwrap_err();
        assert_eq!(error, "line 3: expected 4 tab-separated fields, found 2");
    }

    #[test]
    fn a_wrong_header_is_refused() {
        let error = parse_tools("id\tname\n").unwrap_err();
        assert!(error.starts_with("line 1: the header must be"), "{error}");
    }

    #[test]
    fn a_tool_listed_twice_is_refused() {
        let text = "identifier\tname\tcategory\tscopes\na\tA\tC\ts\na\tA\tC\ts\n";
        assert_eq!(
            parse_tools(text).unwrap_err(),
            "line 3: tool a is listed twice"
        );
    }

    #[test]
    fn catalog_ids_are_stable_and_differ_per_environment() {
        assert_eq!(
            catalog_id("env-a", "confluence"),
            catalog_id("env-a", "confluence")
        );
        assert_ne!(
            catalog_id("env-a", "confluence"),
            catalog_id("env-b", "confluence")
        );
        let id = catalog_id("env-a", "pagerduty");
        assert_eq!(provider_of("env-a", &id), Some("pagerduty"));
        assert_eq!(provider_of("env-b", &id), None);
    }

    #[test]
    fn unknown_identifiers_come_last_without_scopes() {
        let catalog = Catalog::embedded().unwrap();
        let enabled: BTreeSet<String> = ["zz:custom", "spaces:read", "pages:read"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let dtos = catalog.tool_dtos("confluence", &enabled);
        let identifiers: Vec<&str> = dtos
            .iter()
            .map(|d| d["identifier"].as_str().unwrap())
            .collect();
        assert_eq!(identifiers, ["pages:read", "spaces:read", "zz:custom"]);
        assert_eq!(
            dtos[2],
            json!({ "name": "zz:custom", "identifier": "zz:custom" })
        );
    }

    fn record_of(catalog: &Catalog, identifier: &str) -> Option<Value> {
        let id = catalog_id("env", "confluence");
        catalog.entry("env", &id).unwrap()["tools"]
            .get(identifier)
            .cloned()
    }

    #[test]
    fn a_retired_tool_leaves_the_offer_and_keeps_its_scopes_in_answers() {
        let mut catalog = Catalog::embedded().unwrap();
        assert!(catalog.retire("confluence", "pages:delete", Retirement::Removed));
        assert!(catalog.retire("confluence", "spaces:write", Retirement::Disabled));
        assert!(!catalog.retire("confluence", "pages:delete", Retirement::Disabled));
        assert!(!catalog.retire("confluence", "pages:fly", Retirement::Removed));
        assert_eq!(record_of(&catalog, "pages:delete"), None);
        assert_eq!(
            record_of(&catalog, "spaces:write").unwrap()["enabled"],
            json!(false)
        );
        let held: BTreeSet<String> = ["pages:delete".to_string()].into();
        assert_eq!(
            catalog.not_offered("confluence", &held),
            [&held.first().unwrap().clone()]
        );
        assert_eq!(
            catalog.tool_dtos("confluence", &held)[0]["scopes"],
            json!(["delete:page:confluence"])
        );
        assert_eq!(catalog.offered("confluence").count(), 9);
    }

    #[test]
    fn an_added_tool_is_offered_last_with_or_without_scopes_in_its_record() {
        let mut catalog = Catalog::embedded().unwrap();
        let new = |identifier: &str, scopes_in_record| NewCatalogTool {
            identifier: identifier.to_string(),
            name: None,
            category: Some("Pages".to_string()),
            scopes: vec!["read:page:confluence".to_string()],
            scopes_in_record,
        };
        catalog
            .add("confluence", new("pages:export", false))
            .unwrap();
        catalog
            .add("confluence", new("pages:history", true))
            .unwrap();
        assert_eq!(
            record_of(&catalog, "pages:export").unwrap(),
            json!({ "enabled": true, "name": "pages:export", "category": "Pages" })
        );
        assert_eq!(
            record_of(&catalog, "pages:history").unwrap()["scopes"],
            json!(["read:page:confluence"])
        );
        let held: BTreeSet<String> = ["pages:export".to_string()].into();
        assert!(catalog.not_offered("confluence", &held).is_empty());
        assert_eq!(
            catalog.tool_dtos("confluence", &held)[0]["scopes"],
            json!(["read:page:confluence"])
        );
        assert_eq!(
            catalog
                .add("confluence", new("pages:read", true))
                .unwrap_err(),
            "tool pages:read is already offered by confluence"
        );
        assert!(catalog.add("myspace", new("x", true)).is_err());
        assert!(catalog.retire("confluence", "pages:read", Retirement::Removed));
        catalog.add("confluence", new("pages:read", true)).unwrap();
        assert_eq!(
            record_of(&catalog, "pages:read").unwrap()["enabled"],
            json!(true)
        );
    }
}
