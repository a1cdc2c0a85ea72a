//! `ValidateActionConfig`, `PlanAction` and `InvokeAction` (Terraform 1.14+). An
//! invocation runs in a task of its own; each progress message it sends is streamed to
//! Terraform at once, and a last `Completed` event carries its diagnostics. Values of
//! sensitive and write-only attributes of the configuration are replaced in every
//! message and diagnostic that leaves the provider.

use std::pin::Pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt as _, future, stream};
use tfvalue::Value;
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

use crate::action::ActionProgress;
use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;
use crate::schema::Block;

use super::convert::{decode_dynamic, diagnostics_to_proto};
use super::guard::{guarded, guarded_sync};
use super::{ActionEntry, ProviderService};

/// The events of one `InvokeAction` call.
pub type InvokeActionStream =
    Pin<Box<dyn Stream<Item = Result<pb::invoke_action::Event, Status>> + Send>>;

/// Progress messages waiting for Terraform to take them.
const BUFFERED_PROGRESS: usize = 16;

/// What replaces a secret found in a message.
const REDACTED: &str = "(sensitive value)";

/// Secrets shorter than this are not searched for: replacing every "a" of a message
/// would hide the message, not a secret.
const SHORTEST_REDACTED: usize = 4;

impl ProviderService {
    fn action_entry(&self, type_name: &str, diags: &mut Diagnostics) -> Option<&Arc<ActionEntry>> {
        super::declared(&self.actions, "action", type_name, diags)
    }

    pub(super) fn validate_action_config(
        &self,
        req: pb::validate_action_config::Request,
    ) -> pb::validate_action_config::Response {
        log::debug!("ValidateActionConfig {}", req.type_name);
        let mut diags = Diagnostics::new();
        let mut secrets = Vec::new();
        if let Some(entry) = self.action_entry(&req.type_name, &mut diags) {
            let ctx = self.context(None);
            if let Some(config) = decode_dynamic(
                req.config.as_ref(),
                &entry.ty,
                "action configuration",
                &mut diags,
            ) {
                secrets = secret_strings(&entry.schema.block, &config);
                validate(entry, &ctx, &config, &mut diags);
            }
        }
        pb::validate_action_config::Response {
            diagnostics: diagnostics_to_proto(redact_diagnostics(diags, &secrets)),
        }
    }

    pub(super) async fn plan_action(
        &self,
        req: pb::plan_action::Request,
    ) -> pb::plan_action::Response {
        log::debug!("PlanAction {}", req.action_type);
        let mut diags = Diagnostics::new();
        let mut secrets = Vec::new();
        if let Some(entry) = self.action_entry(&req.action_type, &mut diags) {
            let ctx = self.context(req.client_capabilities.as_ref());
            if let Some(config) = decode_dynamic(
                req.config.as_ref(),
                &entry.ty,
                "action configuration",
                &mut diags,
            ) {
                secrets = secret_strings(&entry.schema.block, &config);
                // Validation again, on the more known configuration: errors only, as
                // its warnings were shown at validation.
                let mut checked = Diagnostics::new();
                validate(entry, &ctx, &config, &mut checked);
                checked.retain_errors();
                let failed = checked.has_errors();
                diags.extend(checked);
                if !failed {
                    let mut inner = Diagnostics::new();
                    let result = guarded(
                        &format!("planning a {} action", req.action_type),
                        entry.action.plan(&ctx, &config, &mut inner),
                    )
                    .await;
                    diags.extend(inner);
                    if let Err(d) = result {
                        diags.push(d);
                    }
                }
            }
        }
        pb::plan_action::Response {
            diagnostics: diagnostics_to_proto(redact_diagnostics(diags, &secrets)),
            deferred: None,
        }
    }

    pub(super) fn invoke_action(&self, req: pb::invoke_action::Request) -> InvokeActionStream {
        log::debug!("InvokeAction {}", req.action_type);
        let mut diags = Diagnostics::new();
        let Some(entry) = self.action_entry(&req.action_type, &mut diags) else {
            return completed_only(diags);
        };
        let Some(config) = decode_dynamic(
            req.config.as_ref(),
            &entry.ty,
            "action configuration",
            &mut diags,
        ) else {
            return completed_only(diags);
        };
        if !config.is_wholly_known() {
            diags.error(
                "Action configuration unknown during apply",
                format!(
                    "Terraform asked to invoke {} with values still unknown; an action runs on a known configuration only.",
                    req.action_type
                ),
            );
            return completed_only(diags);
        }
        let secrets = Arc::new(secret_strings(&entry.schema.block, &config));
        let ctx = self.context(req.client_capabilities.as_ref());
        let (sender, receiver) = mpsc::channel(BUFFERED_PROGRESS);
        let (done, finished) = oneshot::channel();
        let invoker = Arc::clone(entry);
        tokio::spawn(async move {
            let progress = ActionProgress::new(sender);
            let mut found = Diagnostics::new();
            let what = format!("invoking a {} action", invoker.action.type_name());
            let outcome = guarded(
                &what,
                invoker.action.invoke(&ctx, &config, &progress, &mut found),
            )
            .await;
            if let Err(d) = outcome {
                found.push(d);
            }
            // Ends the progress stream before the completion follows.
            drop(progress);
            let _ = done.send(found);
        });

        let progress_secrets = Arc::clone(&secrets);
        let progress = ReceiverStream::new(receiver).map(move |message: String| {
            Ok(pb::invoke_action::Event {
                r#type: Some(pb::invoke_action::event::Type::Progress(
                    pb::invoke_action::event::Progress {
                        message: redact(message, &progress_secrets),
                    },
                )),
            })
        });
        let last = stream::once(finished).map(move |found| {
            let diags = found.unwrap_or_else(|_| {
                let mut d = Diagnostics::new();
                d.error(
                    "The action ended without an answer",
                    "The provider's task running the action stopped before it finished. This is a bug in the provider.",
                );
                d
            });
            Ok(completed_event(redact_diagnostics(diags, &secrets)))
        });
        Box::pin(progress.chain(last))
    }
}

fn validate(
    entry: &ActionEntry,
    ctx: &crate::resource::Context,
    config: &Value,
    diags: &mut Diagnostics,
) {
    let mut inner = Diagnostics::new();
    let result = guarded_sync(
        &format!("validating a {} configuration", entry.action.type_name()),
        || entry.action.validate(ctx, config, &mut inner),
    );
    diags.extend(inner);
    if let Err(d) = result {
        diags.push(d);
    }
}

fn completed_event(diags: Diagnostics) -> pb::invoke_action::Event {
    pb::invoke_action::Event {
        r#type: Some(pb::invoke_action::event::Type::Completed(
            pb::invoke_action::event::Completed {
                diagnostics: diagnostics_to_proto(diags),
            },
        )),
    }
}

fn completed_only(diags: Diagnostics) -> InvokeActionStream {
    Box::pin(stream::once(future::ready(Ok(completed_event(diags)))))
}

/// The known strings inside the values of `block`'s sensitive and write-only attributes
/// in `value` (nested blocks included), longest first.
pub(super) fn secret_strings(block: &Block, value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    collect_secrets(block, value, &mut found);
    found.retain(|s: &String| s.len() >= SHORTEST_REDACTED);
    found.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    found.dedup();
    found
}

fn collect_secrets(block: &Block, object: &Value, found: &mut Vec<String>) {
    if !matches!(object.unwrap_dynamic(), Value::Object(_)) {
        return;
    }
    for a in &block.attributes {
        let v = object.attr(&a.name);
        if a.sensitive || a.write_only {
            v.walk(|_, inner| {
                if let Some(s) = inner.as_str() {
                    found.push(s.to_owned());
                }
            });
        } else if let Some(nested) = &a.nested {
            let inner_block = Block::new(nested.attributes.clone());
            for_each_element(v, |o| collect_secrets(&inner_block, o, found));
        }
    }
    for b in &block.blocks {
        for_each_element(object.attr(&b.type_name), |o| {
            collect_secrets(&b.block, o, found)
        });
    }
}

/// Calls `f` on `v` when it is an object, else on each element of the collection.
fn for_each_element(v: &Value, mut f: impl FnMut(&Value)) {
    match v.unwrap_dynamic() {
        o @ Value::Object(_) => f(o),
        Value::List(items) | Value::Set(items) => items.iter().for_each(f),
        Value::Map(items) => items.values().for_each(f),
        _ => {}
    }
}

fn redact(mut text: String, secrets: &[String]) -> String {
    for s in secrets {
        if text.contains(s.as_str()) {
            text = text.replace(s.as_str(), REDACTED);
        }
    }
    text
}

fn redact_diagnostics(diags: Diagnostics, secrets: &[String]) -> Diagnostics {
    if secrets.is_empty() {
        return diags;
    }
    let mut out = Diagnostics::new();
    for mut d in diags {
        d.summary = redact(d.summary, secrets);
        d.detail = redact(d.detail, secrets);
        out.push(d);
    }
    out
}

/// The rules for an action schema beyond a resource schema's: an action has no state,
/// so no attribute is computed or has a default, and none asks for a replacement.
pub(super) fn validate_action_schema(block: &Block) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    action_schema_problems(block, "", &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn action_schema_problems(block: &Block, prefix: &str, problems: &mut Vec<String>) {
    for a in &block.attributes {
        let path = format!("{prefix}{}", a.name);
        if a.computed {
            problems.push(format!(
                "{path}: action attributes cannot be computed; an action has no state"
            ));
        }
        if a.default.is_some() || a.use_state_for_unknown || a.requires_replace {
            problems.push(format!(
                "{path}: defaults, use_state_for_unknown and requires_replace are plan behaviour of resources, not of actions"
            ));
        }
        if let Some(n) = &a.nested {
            action_schema_problems(
                &Block::new(n.attributes.clone()),
                &format!("{path}."),
                problems,
            );
        }
    }
    for b in &block.blocks {
        action_schema_problems(&b.block, &format!("{prefix}{}.", b.type_name), problems);
    }
}
