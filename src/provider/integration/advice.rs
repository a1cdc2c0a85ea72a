//! The errors and warnings whose text several steps share: a failed call, a 409 with its ways
//! out, what Frontegg answered that the provider cannot use. Never decides what to do.

use frontegg_client::{Client, ErrorKind};
use tfplugin::diag::Diagnostics;

use super::vendor::Vendor;

pub(crate) fn client_error(diags: &mut Diagnostics, summary: &str, error: &frontegg_client::Error) {
    diags.error(summary, error.to_string());
}

/// The error for a create that meets an integration of the app already there (a 409), or
/// that Frontegg made without saying which it is. A 409 has three causes the provider cannot
/// tell apart (Terraform tells a create nothing about other resources, nor about the object a
/// `create_before_destroy` replacement replaces), so the advice names the existing
/// integration and the way out of each: one resource per environment and app (`count`,
/// `for_each` or two blocks), an integration made outside the configuration (import it), and a
/// replacement with `create_before_destroy` (replace it without). The cause that fits the
/// settings found comes first.
pub(crate) fn conflict_error(
    diags: &mut Diagnostics,
    vendor: &Vendor,
    existing_id: Option<&str>,
    error: &frontegg_client::Error,
) {
    let (which, import_id) = match existing_id {
        Some(id) => (format!(" (id {id})"), id),
        None => (String::new(), vendor.app.as_str()),
    };
    let (title, type_name) = (&vendor.title, vendor.type_name);
    let import = format!(
        "import it into this resource instead of creating one, with\n\n\
         \x20 terraform import {type_name}.<name> {import_id}\n\n\
         or, with Terraform 1.5 and later, an import block (then run terraform apply):\n\n\
         \x20 import {{\n\
         \x20   to = {type_name}.<name>\n\
         \x20   id = \"{import_id}\"\n\
         \x20 }}"
    );
    if matches!(error.kind(), ErrorKind::CreatedUnidentified { .. }) {
        diags.error(
            format!("{title} integration created but not identified"),
            format!(
                "Frontegg created the {title} integration, but neither its answer nor its list \
                 of integrations identifies it{which}, so it is not in the state yet. Adopt it \
                 instead of creating another: {import}\n\n\
                 where <name> is this resource's name in your configuration. Frontegg said: \
                 {error}"
            ),
        );
        return;
    }
    let duplicate = format!(
        "If another resource of this configuration manages it (a second `{type_name}` block, \
         or another instance of this one through `count` or `for_each`), keep one: an \
         environment holds one {title} integration."
    );
    let replace = format!(
        "If this create replaces it with `create_before_destroy`: it cannot be replaced before \
         it is destroyed. Remove `create_before_destroy = true` from the resource's lifecycle \
         block and run\n\n\
         \x20 terraform apply -replace={type_name}.<name>\n\n\
         so that Terraform destroys it before it creates the new one."
    );
    let import = format!("If it was created outside this configuration, {import}");
    let (summary, settings, cases) = if error.existing_matches_request() {
        (
            format!("{title} integration already exists with these settings"),
            " with these settings",
            [duplicate, replace, import],
        )
    } else {
        (
            format!("{title} integration already exists"),
            "",
            [import, duplicate, replace],
        )
    };
    diags.error(
        summary,
        format!(
            "This Frontegg environment already holds a {title} integration{settings}{which}, \
             and an environment holds only one. Nothing was changed in Frontegg.\n\n{}\n\n\
             <name> is this resource's name in your configuration. Frontegg said: {error}",
            cases.join("\n\n")
        ),
    );
}

/// Warnings for what the client skipped in Frontegg's answers (each given once per process).
pub(crate) fn answer_notes(client: &Client, diags: &mut Diagnostics) {
    let notes = client.take_notes();
    if notes.is_empty() {
        return;
    }
    diags.warning(
        "Frontegg answered entries the provider cannot use",
        format!(
            "{}. If this persists, report it to Frontegg with the trace id from the provider's \
             log (TF_LOG=debug).",
            notes.join("; ")
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_without_a_known_id_adopts_by_the_app_name() {
        let mut diags = Diagnostics::new();
        let vendor = Vendor::for_app("confluence", None, "frontegg_confluence_integration");
        conflict_error(
            &mut diags,
            &vendor,
            None,
            &frontegg_client::Error::config("409"),
        );
        let detail = &diags.iter().next().expect("error").detail;
        assert!(
            detail.contains("terraform import frontegg_confluence_integration.<name> confluence")
        );
        assert!(detail.contains("id = \"confluence\""));
    }
}
