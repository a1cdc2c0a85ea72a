//! The vendor an integration resource manages: how messages name it, its OAuth console, its
//! resource type. Data only: never calls Frontegg.

use std::collections::BTreeSet;

/// One vendor as the shared logic needs to know it.
pub(crate) struct Vendor {
    /// The catalog's provider name (`confluence`, `slack`, ...).
    pub app: String,
    /// How messages name it (`Confluence`); also the default `name`.
    pub title: String,
    /// How messages name the user's OAuth app (`Atlassian OAuth app`).
    pub oauth_app: String,
    /// Where that app's permissions are granted.
    pub console: String,
    /// The resource type, for the commands in the 409 advice.
    pub type_name: &'static str,
    /// The `scopes` an imported state takes when Frontegg's tools name none (the
    /// Confluence resource's default); `None`: `scopes` stays null (unbounded).
    pub default_grant: Option<BTreeSet<String>>,
    /// How the vendor's client secrets start (never a client id).
    pub secret_prefix: Option<&'static str>,
}

/// The Atlassian apps: their OAuth 2.0 (3LO) apps share one console and one secret format.
const ATLASSIAN: [(&str, &str, &str); 2] = [
    (
        "confluence",
        "Confluence",
        "Atlassian developer console → your app → Permissions → Confluence API",
    ),
    (
        "jira",
        "Jira",
        "Atlassian developer console → your app → Permissions → Jira API",
    ),
];

impl Vendor {
    /// The vendor of catalog app `app` managed by resource type `type_name`, named
    /// `display_name` when the catalog gives one. Only Atlassian's apps are known beyond their
    /// name.
    pub(crate) fn for_app(
        app: &str,
        display_name: Option<&str>,
        type_name: &'static str,
    ) -> Vendor {
        let atlassian = ATLASSIAN.iter().find(|(a, ..)| *a == app);
        let title = display_name
            .map(str::to_string)
            .or_else(|| atlassian.map(|(_, t, _)| t.to_string()))
            .unwrap_or_else(|| app.to_string());
        let (oauth_app, console) = match atlassian {
            Some((_, _, console)) => ("Atlassian OAuth app".to_string(), console.to_string()),
            None => (
                format!("{title} OAuth app"),
                format!("{title}'s developer settings → your OAuth app"),
            ),
        };
        Vendor {
            app: app.to_string(),
            title,
            oauth_app,
            console,
            type_name,
            default_grant: None,
            secret_prefix: atlassian.map(|_| "ATOA"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_atlassian_apps_are_known_beyond_their_name() {
        let jira = Vendor::for_app("jira", Some("Jira"), "t");
        assert_eq!(jira.secret_prefix, Some("ATOA"));
        assert_eq!(jira.oauth_app, "Atlassian OAuth app");
        let slack = Vendor::for_app("slack", Some("Slack"), "t");
        assert_eq!(slack.secret_prefix, None);
        assert_eq!(slack.oauth_app, "Slack OAuth app");
        assert_eq!(Vendor::for_app("miro", None, "t").title, "miro");
    }
}
