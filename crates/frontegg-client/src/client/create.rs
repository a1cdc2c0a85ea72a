//! Creating a vendor integration, and adopting what a create made when its answer was lost
//! or unreadable. Must never send the POST again unless a list showed that nothing was
//! created, nor adopt an integration that does not hold what was sent.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use reqwest::Method;
use tokio_util::sync::CancellationToken;

use super::Client;
use super::request::{Call, Op, invalid_answer};
use super::transport::{Answer, COULD_NOT_CONNECT};
use crate::api::{CreateVendorIntegration, VENDOR_INTEGRATIONS_PATH, VendorIntegration};
use crate::error::{Error, ErrorKind, human};

const MAY_HAVE_BEEN_CREATED: &str = "the create was sent and got no answer, so the integration \
     may have been created all the same; if a later create reports a conflict, import the existing \
     integration";

impl Client {
    /// Creates a vendor integration. A create is never lost and never blindly repeated:
    ///
    /// - A success whose body does not identify the integration (empty, HTML, wrapped, no
    ///   `id`, too large to read) still proves the create happened: the integration with this
    ///   `fronteggIntegrationId` is adopted from the list if it holds what was sent, else the
    ///   error is [`ErrorKind::CreatedUnidentified`].
    /// - A create that gets no answer (connection lost, timeout, 5xx) is followed by a list,
    ///   and the integration is adopted the same way (the create went through). Only when the
    ///   list proves that nothing was created is the POST sent again (bounded by the retry
    ///   policy); a 409 on such a repeat means the earlier POST landed late, and the
    ///   integration is adopted.
    /// - Cancellation stops the create only until the POST is sent. A POST on the wire is
    ///   awaited within the request timeout, and the look-up after it runs even when
    ///   cancelled (one list, within one request timeout), so that what Frontegg holds is
    ///   returned; the POST is never sent again once cancelled.
    ///
    /// A 409 otherwise is [`ErrorKind::Conflict`] with the existing integration's id, and
    /// [`Error::existing_matches_request`] says whether it holds what was sent.
    pub async fn create_integration(
        &self,
        body: &CreateVendorIntegration,
        cancel: &CancellationToken,
    ) -> Result<VendorIntegration, Error> {
        let op = self.op(cancel);
        let call = Call {
            method: Method::POST,
            path: VENDOR_INTEGRATIONS_PATH.to_string(),
            body: Some(self.to_json(body)?),
            authenticated: true,
            retry_transient: false,
            secrets: vec![body.oauth_configurations.client_secret.expose()],
            finish_when_cancelled: true,
            sent: AtomicBool::new(false),
        };
        // Authenticate before the POST, so that a cancellation meanwhile stops at once.
        self.token(&op).await?;
        let catalog_id = body.frontegg_integration_id.as_str();
        let mut lost_answers = 0u32;
        // Whether a POST that got no answer may have been applied all the same.
        let mut may_have_landed = false;
        loop {
            let result = self.execute(&call, &op).await;
            let sent = call.sent.swap(false, Ordering::Relaxed);
            let error = match result {
                Ok(answer) => return self.created(&call, &answer, body, &op).await,
                Err(error) => error,
            };
            match &error.kind {
                ErrorKind::Conflict { .. } => {
                    let existing = self.find_after_create(catalog_id, &op).await.ok().flatten();
                    if lost_answers > 0
                        && let Some(found) = existing.as_ref().filter(|f| holds(f, body))
                    {
                        log::info!(
                            "Frontegg API POST {}: an earlier attempt whose answer was lost created integration {}; using it",
                            call.path,
                            found.id
                        );
                        return Ok(found.clone());
                    }
                    return Err(conflict(error, existing.as_ref(), body));
                }
                ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::Server => {
                    lost_answers += 1;
                    may_have_landed |= sent && may_have_been_applied(&error);
                    log::warn!(
                        "Frontegg API POST {} got no usable answer ({}); checking whether the integration was created",
                        call.path,
                        error.kind_text()
                    );
                    let stopped = match self.find_after_create(catalog_id, &op).await {
                        Ok(Some(found)) if holds(&found, body) => {
                            log::info!(
                                "Frontegg API POST {}: the create went through (integration {}); using it",
                                call.path,
                                found.id
                            );
                            return Ok(found);
                        }
                        Ok(Some(other)) => return Err(conflict(error, Some(&other), body)),
                        Ok(None) if op.cancel.is_cancelled() => error,
                        Ok(None) if lost_answers <= self.inner.retry.max_retries => {
                            let wait = self.inner.retry.backoff(lost_answers);
                            log::debug!(
                                "Frontegg API POST {}: nothing was created; sending it again in {}",
                                call.path,
                                human(wait)
                            );
                            match self
                                .pause(wait, &op, &call, error, "before sending the create again")
                                .await
                            {
                                Ok(()) => continue,
                                Err(stopped) => stopped,
                            }
                        }
                        Ok(None) if may_have_landed => {
                            return Err(also(
                                error,
                                &format!(
                                    "no integration was listed after {lost_answers} attempts, but one \
                                     that got no answer may still be applied; if a later create reports \
                                     a conflict, import the existing integration"
                                ),
                            ));
                        }
                        Ok(None) => {
                            return Err(error.with_hint(format!(
                                "no integration was created (tried {lost_answers} times)"
                            )));
                        }
                        Err(check) => {
                            return Err(error.with_hint(format!(
                                "whether the integration was created could not be checked ({check}); \
                                 if it exists, import it instead of creating it again"
                            )));
                        }
                    };
                    return Err(if may_have_landed {
                        also(stopped, MAY_HAVE_BEEN_CREATED)
                    } else {
                        also(stopped, "no integration was created")
                    });
                }
                // A success whose body was too large to read.
                ErrorKind::InvalidResponse
                    if error.status.is_some_and(|s| (200..300).contains(&s)) =>
                {
                    return self.adopt_unidentified(&call, error, body, &op).await;
                }
                // Stopped before the POST was sent (again).
                ErrorKind::Cancelled if may_have_landed => {
                    return Err(also(error, MAY_HAVE_BEEN_CREATED));
                }
                _ => return Err(error),
            }
        }
    }

    /// The integration a 2xx answer to the create describes. An answer that does not
    /// identify it still proves the create happened: the integration is adopted from the list
    /// when one holds what was sent.
    async fn created(
        &self,
        call: &Call<'_>,
        answer: &Answer,
        body: &CreateVendorIntegration,
        op: &Op<'_>,
    ) -> Result<VendorIntegration, Error> {
        let unreadable = match self.parse::<VendorIntegration>(call, answer) {
            Ok(created) if !created.id.trim().is_empty() => return Ok(created),
            Ok(_) => invalid_answer(call, answer, "the answer holds an empty id"),
            Err(error) => error,
        };
        self.adopt_unidentified(call, unreadable, body, op).await
    }

    /// After a success answer to the create that does not identify the integration
    /// (`unreadable`): the integration from the list when one holds what was sent.
    async fn adopt_unidentified(
        &self,
        call: &Call<'_>,
        unreadable: Error,
        body: &CreateVendorIntegration,
        op: &Op<'_>,
    ) -> Result<VendorIntegration, Error> {
        log::warn!(
            "Frontegg API POST {}: {} says the integration was created, but the answer does not identify it; looking it up",
            call.path,
            unreadable.status.unwrap_or_default()
        );
        let catalog_id = body.frontegg_integration_id.as_str();
        let mut listed = self.find_after_create(catalog_id, op).await;
        if matches!(listed, Ok(None)) {
            // The list may lag behind the create: one more look.
            listed = self.find_after_create(catalog_id, op).await;
        }
        match listed {
            Ok(Some(found)) if holds(&found, body) => {
                log::info!(
                    "Frontegg API POST {}: the create made integration {}; using it",
                    call.path,
                    found.id
                );
                Ok(found)
            }
            Ok(other) => Err(unidentified(unreadable, other.map(|o| o.id), None)),
            Err(check) => Err(unidentified(unreadable, None, Some(check))),
        }
    }

    /// The integration of `catalog_id`, looked up after a create was sent. Cancellation does
    /// not stop this look-up: once the create may have happened, one list (within one request
    /// timeout) finds what Frontegg holds, so that it can be recorded.
    async fn find_after_create(
        &self,
        catalog_id: &str,
        op: &Op<'_>,
    ) -> Result<Option<VendorIntegration>, Error> {
        if !op.cancel.is_cancelled() {
            match self.find_by_catalog_id(catalog_id, op).await {
                Err(error) if error.is_cancelled() => {}
                other => return other,
            }
        }
        let not_cancelled = CancellationToken::new();
        let once = Op {
            cancel: &not_cancelled,
            deadline: Instant::now() + self.inner.request_timeout,
            unanswered: AtomicU64::new(0),
        };
        log::debug!("cancelled after a create was sent: listing once to find what it created");
        self.find_by_catalog_id(catalog_id, &once).await
    }
}

/// Adds `hint` to what the error already says.
fn also(mut error: Error, hint: &str) -> Error {
    error.hint = Some(match error.hint.take() {
        Some(first) => format!("{first}; {hint}"),
        None => hint.to_string(),
    });
    error
}

/// Whether a create that got `error` instead of an answer, though sent, may have been
/// applied all the same: the connection was made, and no server said it failed (a gateway's
/// 502 or 504 may come while Frontegg still works on it).
fn may_have_been_applied(error: &Error) -> bool {
    match error.kind {
        ErrorKind::Timeout => true,
        ErrorKind::Transport => !error
            .messages
            .first()
            .is_some_and(|m| m.starts_with(COULD_NOT_CONNECT)),
        ErrorKind::Server => matches!(error.status, Some(502 | 504)),
        _ => false,
    }
}

/// A success answer to a create that neither the answer nor the list identifies.
fn unidentified(mut error: Error, existing_id: Option<String>, check: Option<Error>) -> Error {
    error.hint = Some(match (&existing_id, check) {
        (_, Some(check)) => format!(
            "the integration was created, but the list that would identify it could not be read \
             ({check}); import it rather than creating it again"
        ),
        (Some(id), None) => format!(
            "the integration was created, but the catalog entry's integration in the list (id {id}) \
             does not hold what was sent; check it, then import it rather than creating it again"
        ),
        (None, None) => {
            "the integration was created, but the list of integrations does not show it \
             yet; import it rather than creating it again"
                .to_string()
        }
    });
    error.kind = ErrorKind::CreatedUnidentified { existing_id };
    error
}

fn conflict(
    mut error: Error,
    existing: Option<&VendorIntegration>,
    sent: &CreateVendorIntegration,
) -> Error {
    let existing_id = existing.map(|e| e.id.clone());
    error.existing_matches_request = existing.is_some_and(|e| holds(e, sent));
    error.hint = Some(match &existing_id {
        Some(id) if error.existing_matches_request => format!(
            "the environment already has an integration for this catalog entry (id {id}), with \
             the settings this create asks for; an environment holds one per catalog entry"
        ),
        Some(id) => format!(
            "the environment already has an integration for this catalog entry (id {id}); import it or delete it first"
        ),
        None => "the environment already has an integration for this catalog entry; import it or delete it first".to_string(),
    });
    error.kind = ErrorKind::Conflict { existing_id };
    error
}

/// Whether `found` holds what `sent` asked for (the secret cannot be compared: it is never
/// returned).
fn holds(found: &VendorIntegration, sent: &CreateVendorIntegration) -> bool {
    fn sorted(items: &[String]) -> Vec<&str> {
        let mut items: Vec<&str> = items.iter().map(String::as_str).collect();
        items.sort_unstable();
        items.dedup();
        items
    }
    // A field Frontegg does not report cannot disprove the match.
    let agrees = |reported: Option<bool>| reported.unwrap_or(true);
    found.frontegg_integration_id.as_deref() == Some(sent.frontegg_integration_id.as_str())
        && agrees(found.name.as_ref().map(|n| n == &sent.name))
        // An empty description is no description.
        && agrees(
            found
                .description
                .as_ref()
                .map(|d| d.as_str() == sent.description.as_deref().unwrap_or("")),
        )
        && agrees(found.is_active.map(|a| a == sent.is_active))
        && agrees(
            found
                .client_id()
                .map(|id| id == sent.oauth_configurations.client_id),
        )
        && agrees(
            found
                .tool_identifiers()
                .map(|tools| sorted(&tools) == sorted(&sent.tools)),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{OauthConfiguration, OauthConfigurationView, Tool};
    use crate::config::Secret;

    fn sent() -> CreateVendorIntegration {
        CreateVendorIntegration {
            name: "Confluence".into(),
            description: None,
            frontegg_integration_id: "cat".into(),
            tools: vec!["b".into(), "a".into()],
            is_active: true,
            oauth_configurations: OauthConfiguration {
                client_id: "atl".into(),
                client_secret: Secret::new("s3cr3t-value"),
            },
        }
    }

    fn tool(identifier: &str) -> Tool {
        Tool {
            identifier: identifier.into(),
            name: None,
            category: None,
            scopes: None,
        }
    }

    fn found() -> VendorIntegration {
        VendorIntegration {
            id: "i1".into(),
            name: Some("Confluence".into()),
            description: Some(String::new()),
            frontegg_integration_id: Some("cat".into()),
            authentication_type: Some("behalf-of-user".into()),
            agent_ids: None,
            tools: Some(vec![tool("a"), tool("b"), tool("a")]),
            use_frontegg_integration: Some(false),
            is_active: Some(true),
            oauth_configurations: Some(OauthConfigurationView {
                client_id: Some("atl".into()),
            }),
            created_at: None,
            updated_at: None,
        }
    }

    #[test]
    fn an_integration_holds_what_was_sent_regardless_of_tool_order() {
        assert!(holds(&found(), &sent()));
    }

    #[test]
    fn fields_frontegg_does_not_report_do_not_disprove_a_match() {
        let mut sparse = found();
        sparse.name = None;
        sparse.tools = None;
        sparse.is_active = None;
        assert!(holds(&sparse, &sent()));
        let mut no_description = found();
        no_description.description = None;
        assert!(holds(&no_description, &sent()));
        let mut no_oauth = found();
        no_oauth.oauth_configurations = None;
        assert!(holds(&no_oauth, &sent()));
        let mut no_client_id = found();
        no_client_id.oauth_configurations = Some(OauthConfigurationView { client_id: None });
        assert!(holds(&no_client_id, &sent()));
    }

    #[test]
    fn an_empty_description_is_no_description_and_another_one_disproves() {
        let mut described = sent();
        described.description = Some("wiki".into());
        assert!(!holds(&found(), &described));
        let mut same = found();
        same.description = Some("wiki".into());
        assert!(holds(&same, &described));
        assert!(!holds(&same, &sent()));
    }

    #[test]
    fn another_client_id_name_or_tool_set_is_someone_elses_integration() {
        let mut other = found();
        other.oauth_configurations = Some(OauthConfigurationView {
            client_id: Some("other".into()),
        });
        assert!(!holds(&other, &sent()));
        let mut renamed = found();
        renamed.name = Some("Wiki".into());
        assert!(!holds(&renamed, &sent()));
        let mut fewer_tools = found();
        fewer_tools.tools = Some(vec![tool("a")]);
        assert!(!holds(&fewer_tools, &sent()));
    }
}
