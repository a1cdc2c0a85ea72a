//! The Confluence OAuth 2.0 (3LO) scope catalogue and the `scopes` validation rules.
//!
//! The catalogue is `data/confluence-scopes.tsv`, embedded at build time and parsed once.
//! This module knows nothing about Terraform: it answers with [`Finding`]s that the
//! resource turns into diagnostics at the `scopes` path.

use std::collections::BTreeMap;
use std::sync::LazyLock;

const CATALOGUE_TSV: &str = include_str!("../../data/confluence-scopes.tsv");

/// Atlassian recommends fewer than this many scopes per app (larger sets have produced
/// "Request header is too large" errors).
pub const RECOMMENDED_MAX_SCOPES: usize = 50;

/// The family a scope belongs to, as in the catalogue's `kind` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// Accepted by the Confluence v2 REST API.
    Granular,
    /// Rejected by the v2 REST API ("scope does not match").
    Classic,
    /// Valid in an Atlassian authorization URL but not a Confluence scope.
    Special,
}

/// One row of the catalogue.
#[derive(Clone, Debug)]
pub struct ScopeInfo {
    pub name: &'static str,
    pub kind: ScopeKind,
    /// One of the 13 scopes the Frontegg Confluence setup guide asks for.
    pub recommended: bool,
    pub title: &'static str,
    /// For a classic scope: the granular scopes to use instead.
    pub replacements: Vec<&'static str>,
}

struct Catalogue {
    /// In file order.
    scopes: Vec<ScopeInfo>,
    by_name: BTreeMap<&'static str, usize>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| parse_catalogue(CATALOGUE_TSV));

/// Parses the TSV: `#` comment lines, a header line, then
/// `scope<TAB>kind<TAB>recommended<TAB>title<TAB>replacement`. Malformed rows are
/// skipped (the unit tests pin the row counts, so a broken file fails the build's tests).
fn parse_catalogue(tsv: &'static str) -> Catalogue {
    let mut scopes = Vec::new();
    let mut by_name = BTreeMap::new();
    let rows = tsv
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .skip(1);
    for row in rows {
        let cols: Vec<&'static str> = row.split('\t').collect();
        let (Some(name), Some(kind), Some(recommended)) = (cols.first(), cols.get(1), cols.get(2))
        else {
            continue;
        };
        let kind = match *kind {
            "granular" => ScopeKind::Granular,
            "classic" => ScopeKind::Classic,
            "special" => ScopeKind::Special,
            _ => continue,
        };
        by_name.insert(*name, scopes.len());
        scopes.push(ScopeInfo {
            name,
            kind,
            recommended: *recommended == "yes",
            title: cols.get(3).copied().unwrap_or(""),
            replacements: cols
                .get(4)
                .map(|r| r.split_whitespace().collect())
                .unwrap_or_default(),
        });
    }
    Catalogue { scopes, by_name }
}

/// The catalogue entry of `name`, if Atlassian publishes it.
pub fn lookup(name: &str) -> Option<&'static ScopeInfo> {
    let catalogue = &*CATALOGUE;
    catalogue
        .by_name
        .get(name)
        .map(|&index| &catalogue.scopes[index])
}

/// Every scope of the catalogue, in file order.
pub fn all() -> &'static [ScopeInfo] {
    &CATALOGUE.scopes
}

/// The default of `scopes`: the 13 scopes the Frontegg Confluence setup guide asks for,
/// in catalogue order.
pub fn recommended() -> Vec<&'static str> {
    all()
        .iter()
        .filter(|s| s.recommended)
        .map(|s| s.name)
        .collect()
}

/// How serious a [`Finding`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem with the configured scopes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
}

impl Finding {
    fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
        }
    }

    fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            summary: summary.into(),
            detail: detail.into(),
        }
    }
}

/// What leaving `scopes` out of a resource's configuration means, for the advice of an empty
/// set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unset {
    /// `frontegg_confluence_integration`: the 13 recommended scopes.
    Recommended,
    /// `frontegg_mcp_integration`: no bound (every catalog tool may be enabled).
    Unbounded,
    /// The app check action: no scope check.
    Unchecked,
}

/// Checks a whole scope set. `scopes` holds the known elements; `has_unknown` says whether
/// some elements are not yet known (then the size checks are left for plan time).
pub fn check_set(scopes: &[&str], has_unknown: bool, unset: Unset) -> Vec<Finding> {
    let mut findings = Vec::new();
    if scopes.is_empty() && !has_unknown {
        let advice = match unset {
            Unset::Recommended => "Remove the attribute to use the 13 recommended scopes.",
            Unset::Unbounded => {
                "Remove the attribute to leave the grant unbounded (every Confluence tool of \
                 Frontegg's catalog may then be enabled), or list the scopes your Atlassian app \
                 grants."
            }
            Unset::Unchecked => "Remove the attribute to check the app without its scopes.",
        };
        findings.push(Finding::error(
            "No Confluence scopes",
            format!(
                "`scopes` must hold at least one scope: the MCP gateway asks Atlassian for \
                 these scopes when a user connects Confluence. {advice}"
            ),
        ));
    }
    if scopes.len() > RECOMMENDED_MAX_SCOPES {
        findings.push(Finding::warning(
            "Many Confluence scopes",
            format!(
                "`scopes` holds {} scopes. Atlassian recommends fewer than {RECOMMENDED_MAX_SCOPES} \
                 scopes per app; very large scope lists have made the authorization request fail \
                 with \"Request header is too large\".",
                scopes.len()
            ),
        ));
    }
    findings.extend(scopes.iter().filter_map(|scope| check_scope(scope)));
    findings
}

/// Checks one scope: `None` when it is a known granular scope or `offline_access`.
pub fn check_scope(scope: &str) -> Option<Finding> {
    if let Some(info) = lookup(scope) {
        return match (info.kind, info.name) {
            (ScopeKind::Granular, _) | (ScopeKind::Special, "offline_access") => None,
            (ScopeKind::Special, _) => Some(Finding::warning(
                format!("{scope:?} is not a Confluence scope"),
                format!(
                    "{scope:?} (\"{}\") is an Atlassian account scope. Atlassian accepts it, \
                     but the Confluence REST API does not need it: keep it only if a tool of the \
                     MCP gateway reads the user's Atlassian profile.",
                    info.title
                ),
            )),
            (ScopeKind::Classic, _) => Some(classic_scope_error(info)),
        };
    }
    if is_granular_shape(scope) {
        let suggestion = nearest_known(scope)
            .map(|nearest| format!(" Did you mean {nearest:?}?"))
            .unwrap_or_default();
        return Some(Finding::warning(
            format!("Unknown Confluence scope {scope:?}"),
            format!(
                "{scope:?} has the shape of a granular Confluence scope but is not in the list \
                 Atlassian publishes (the provider's list may be older than a scope Atlassian \
                 added).{suggestion} Check the name at \
                 https://developer.atlassian.com/cloud/confluence/scopes-for-oauth-2-3LO-and-forge-apps/"
            ),
        ));
    }
    Some(invalid_scope_error(scope))
}

fn classic_scope_error(info: &ScopeInfo) -> Finding {
    let replacement = match info.replacements.as_slice() {
        [] => String::new(),
        [one] => format!(" Use the granular scope {one} instead."),
        many => format!(" Use the granular scopes {} instead.", many.join(", ")),
    };
    Finding::error(
        format!("Classic Confluence scope {:?}", info.name),
        format!(
            "{:?} ({}) is a classic Confluence scope. The Confluence v2 REST API accepts \
             granular scopes only: a token with classic scopes gets \"401 Unauthorized; scope \
             does not match\".{replacement}",
            info.name, info.title
        ),
    )
}

fn invalid_scope_error(scope: &str) -> Finding {
    let mut detail = if scope.trim().is_empty() {
        "A scope cannot be empty.".to_string()
    } else if scope.ends_with(":jira") || scope.contains("jira-") {
        format!("{scope:?} is a Jira scope; this integration needs Confluence scopes.")
    } else {
        format!(
            "{scope:?} is not a Confluence OAuth 2.0 scope. Granular Confluence scopes look \
             like `read:page:confluence` (`read|write|delete:<resource>:confluence`)."
        )
    };
    if let Some(nearest) = nearest_known(scope) {
        detail.push_str(&format!(" Did you mean {nearest:?}?"));
    }
    Finding::error(format!("Invalid Confluence scope {scope:?}"), detail)
}

/// `^(read|write|delete):[a-z][a-z0-9.-]*:confluence$`
fn is_granular_shape(scope: &str) -> bool {
    let Some(rest) = scope.strip_suffix(":confluence") else {
        return false;
    };
    let Some((verb, thing)) = rest.split_once(':') else {
        return false;
    };
    matches!(verb, "read" | "write" | "delete")
        && thing.starts_with(|c: char| c.is_ascii_lowercase())
        && thing
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
}

/// The known granular (or `offline_access`) scope closest to a mistyped one, when it is
/// close enough to be a plausible typo.
fn nearest_known(scope: &str) -> Option<&'static str> {
    let wanted = scope.trim().to_ascii_lowercase();
    if wanted.is_empty() {
        return None;
    }
    let limit = (wanted.chars().count() / 4).clamp(1, 4);
    all()
        .iter()
        .filter(|s| s.kind == ScopeKind::Granular || s.name == "offline_access")
        .map(|s| (edit_distance(&wanted, s.name), s.name))
        .filter(|&(distance, _)| distance <= limit)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, name)| name)
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(findings: &[Finding]) -> Vec<&Finding> {
        findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect()
    }

    #[test]
    fn catalogue_has_every_row_of_the_data_file() {
        let count = |kind| all().iter().filter(|s| s.kind == kind).count();
        assert_eq!(count(ScopeKind::Granular), 74);
        assert_eq!(count(ScopeKind::Classic), 15);
        assert_eq!(count(ScopeKind::Special), 3);
    }

    #[test]
    fn recommended_are_the_13_scopes_of_the_setup_guide() {
        assert_eq!(
            recommended(),
            [
                "read:content-details:confluence",
                "read:space-details:confluence",
                "read:configuration:confluence",
                "read:page:confluence",
                "write:page:confluence",
                "delete:page:confluence",
                "read:label:confluence",
                "write:label:confluence",
                "read:hierarchical-content:confluence",
                "read:group:confluence",
                "read:space:confluence",
                "write:space:confluence",
                "read:user:confluence",
            ]
        );
        assert!(recommended().iter().all(|s| check_scope(s).is_none()));
    }

    #[test]
    fn every_classic_replacement_is_a_known_granular_scope() {
        for classic in all().iter().filter(|s| s.kind == ScopeKind::Classic) {
            assert!(!classic.replacements.is_empty(), "{}", classic.name);
            for replacement in &classic.replacements {
                assert_eq!(
                    lookup(replacement).map(|s| s.kind),
                    Some(ScopeKind::Granular),
                    "{replacement}"
                );
            }
        }
    }

    #[test]
    fn known_granular_scopes_and_offline_access_pass() {
        assert_eq!(check_scope("read:whiteboard:confluence"), None);
        assert_eq!(check_scope("offline_access"), None);
    }

    #[test]
    fn identity_scopes_pass_with_a_warning() {
        for scope in ["read:me", "read:account"] {
            let finding = check_scope(scope).expect("finding");
            assert_eq!(finding.severity, Severity::Warning);
            assert!(finding.summary.contains("not a Confluence scope"));
        }
    }

    #[test]
    fn unknown_well_formed_granular_scope_passes_with_a_warning() {
        let finding = check_scope("read:hologram.v2:confluence").expect("finding");
        assert_eq!(finding.severity, Severity::Warning);
        assert!(finding.summary.contains("Unknown Confluence scope"));
    }

    #[test]
    fn unknown_well_formed_near_miss_warns_with_a_suggestion() {
        let finding = check_scope("read:pages:confluence").expect("finding");
        assert_eq!(finding.severity, Severity::Warning);
        assert!(
            finding
                .detail
                .contains("Did you mean \"read:page:confluence\"?")
        );
    }

    #[test]
    fn classic_scope_is_an_error_naming_the_granular_replacements() {
        let finding = check_scope("read:confluence-content.all").expect("finding");
        assert_eq!(finding.severity, Severity::Error);
        assert!(finding.detail.contains("accepts granular scopes only"));
        assert!(
            finding
                .detail
                .contains("read:page:confluence, read:content-details:confluence")
        );
        let single = check_scope("search:confluence").expect("finding");
        assert!(
            single
                .detail
                .contains("granular scope read:content-details:confluence")
        );
    }

    #[test]
    fn jira_scope_is_an_error() {
        let finding = check_scope("read:jira-work").expect("finding");
        assert_eq!(finding.severity, Severity::Error);
        assert!(finding.detail.contains("Jira scope"));
        let granular_jira = check_scope("read:issue:jira").expect("finding");
        assert_eq!(granular_jira.severity, Severity::Error);
    }

    #[test]
    fn typo_is_an_error_suggesting_the_nearest_scope() {
        let finding = check_scope("read:pages:confluenc").expect("finding");
        assert_eq!(finding.severity, Severity::Error);
        assert!(
            finding
                .detail
                .contains("Did you mean \"read:page:confluence\"?"),
            "{}",
            finding.detail
        );
        let upper = check_scope("READ:PAGE:CONFLUENCE").expect("finding");
        assert!(upper.detail.contains("\"read:page:confluence\""));
    }

    #[test]
    fn malformed_granular_shapes_are_errors() {
        for scope in [
            "",
            " ",
            "read::confluence",
            "read:Page:confluence",
            "list:page:confluence",
            "read:page:confluence ",
            "read:1page:confluence",
        ] {
            let finding = check_scope(scope).expect(scope);
            assert_eq!(finding.severity, Severity::Error, "{scope:?}");
        }
    }

    #[test]
    fn empty_set_is_an_error_unless_elements_are_unknown() {
        assert_eq!(errors(&check_set(&[], false, Unset::Recommended)).len(), 1);
        assert!(check_set(&[], true, Unset::Recommended).is_empty());
        let unbounded = check_set(&[], false, Unset::Unbounded);
        assert!(
            !unbounded[0].detail.contains("13 recommended"),
            "{unbounded:?}"
        );
        assert!(unbounded[0].detail.contains("unbounded"), "{unbounded:?}");
    }

    #[test]
    fn more_than_50_scopes_is_a_warning() {
        let many: Vec<&str> = all()
            .iter()
            .filter(|s| s.kind == ScopeKind::Granular)
            .map(|s| s.name)
            .take(51)
            .collect();
        let findings = check_set(&many, false, Unset::Recommended);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Warning);
        assert!(findings[0].detail.contains("51 scopes"));
        assert!(check_set(&many[..50], false, Unset::Recommended).is_empty());
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
