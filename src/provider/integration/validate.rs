//! The checks of a configuration that need no network. Never calls Frontegg.

use std::collections::BTreeSet;

use tfplugin::diag::Diagnostics;
use tfplugin::model::Maybe;
use tfvalue::AttributePath;

use super::model::{Integration, attr};
use super::vendor::Vendor;

/// The checks every integration's configuration gets (values not known yet are skipped).
pub(crate) fn validate(config: &Integration, vendor: &Vendor, diags: &mut Diagnostics) {
    validate_client_id(&config.client_id, vendor, diags);
    validate_secrets(config, vendor, diags);
    validate_identifiers(&config.tools, attr::TOOLS, "tool identifier", diags);
    validate_identifiers(&config.agent_ids, attr::AGENT_IDS, "agent id", diags);
    if config.tools.get().is_some_and(BTreeSet::is_empty) {
        diags.warning_at(
            AttributePath::attr(attr::TOOLS),
            format!("No {} tool enabled", vendor.title),
            format!(
                "With `tools = []` the MCP gateway offers agents no {} tool at all.",
                vendor.title
            ),
        );
    }
}

/// Tool identifiers and agent ids: non-empty strings.
fn validate_identifiers(
    value: &Maybe<BTreeSet<String>>,
    attribute: &str,
    what: &str,
    diags: &mut Diagnostics,
) {
    if value
        .get()
        .is_some_and(|items| items.iter().any(|s| s.trim().is_empty()))
    {
        diags.error_at(
            AttributePath::attr(attribute),
            format!("Empty {what}"),
            format!("Every element of `{attribute}` must be a non-empty {what}."),
        );
    }
}

fn validate_client_id(client_id: &Maybe<String>, vendor: &Vendor, diags: &mut Diagnostics) {
    let Some(client_id) = client_id.get() else {
        return;
    };
    let path = AttributePath::attr(attr::CLIENT_ID);
    if client_id.trim().is_empty() {
        diags.error_at(
            path,
            "Empty client id",
            format!(
                "`client_id` must be the client id of the {}.",
                vendor.oauth_app
            ),
        );
    } else if let Some(prefix) = vendor
        .secret_prefix
        .filter(|prefix| client_id.starts_with(prefix))
    {
        diags.error_at(
            path,
            "Client id looks like a client secret",
            format!(
                "`client_id` starts with `{prefix}`, like a {} client secret. `client_id` is \
                 printed in plans and logs: if this is the secret, revoke it ({}), put the new \
                 secret in `client_secret` or `client_secret_wo`, and the app's client id in \
                 `client_id`.",
                vendor.oauth_app, vendor.console
            ),
        );
    }
}

fn validate_secrets(config: &Integration, vendor: &Vendor, diags: &mut Diagnostics) {
    let (secret, secret_wo) = (&config.client_secret, &config.client_secret_wo);
    // Unknown values are checked again at plan time, when they are known.
    let set = |v: &Maybe<String>| v.get().is_some();
    if set(secret) && set(secret_wo) {
        diags.error_at(
            AttributePath::attr(attr::CLIENT_SECRET_WO),
            "Two client secrets",
            "Set either `client_secret` or `client_secret_wo`, not both.",
        );
    } else if secret.is_null() && secret_wo.is_null() {
        diags.error_at(
            AttributePath::attr(attr::CLIENT_SECRET),
            "Missing client secret",
            format!(
                "Set `client_secret`, or `client_secret_wo` with Terraform 1.11 and later, to \
                 the {}'s secret.",
                vendor.oauth_app
            ),
        );
    }
    for (name, value) in [
        (attr::CLIENT_SECRET, secret),
        (attr::CLIENT_SECRET_WO, secret_wo),
    ] {
        if value.get().is_some_and(|s| s.trim().is_empty()) {
            diags.error_at(
                AttributePath::attr(name),
                "Empty client secret",
                format!("`{name}` must be the {}'s secret.", vendor.oauth_app),
            );
        }
    }
    if !config.client_secret_wo_version.is_null() && secret_wo.is_null() {
        diags.warning_at(
            AttributePath::attr(attr::CLIENT_SECRET_WO_VERSION),
            "`client_secret_wo_version` without `client_secret_wo`",
            "`client_secret_wo_version` only says when to send `client_secret_wo` again; it has \
             no effect with `client_secret`.",
        );
    }
}

/// `8-4-4-4-12` hexadecimal digits.
pub(crate) fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_recognised() {
        assert!(is_uuid("0b7e4bde-64fc-4e4b-9b7e-0d0bd5d1e6a1"));
        assert!(is_uuid("0B7E4BDE-64FC-4E4B-9B7E-0D0BD5D1E6A1"));
        assert!(!is_uuid("confluence"));
        assert!(!is_uuid("0b7e4bde64fc4e4b9b7e0d0bd5d1e6a1"));
        assert!(!is_uuid("0b7e4bde-64fc-4e4b-9b7e-0d0bd5d1e6ag"));
    }
}
