//! Actions (Terraform 1.14+): an operation a provider offers beside its resources, run
//! by an `action_trigger` in a resource's `lifecycle` or by `terraform apply -invoke`.
//! An action has a configuration schema but no state: Terraform validates and plans it
//! with the rest of the configuration, then invokes it during apply, showing the
//! progress messages it streams and the diagnostics it ends with.

use async_trait::async_trait;
use tfvalue::Value;
use tokio::sync::mpsc;

use crate::diag::Diagnostics;
use crate::resource::Context;
use crate::schema::Schema;

/// Where an invoked action reports progress: each message travels to Terraform at once
/// and is printed as the action's progress (`Action ... (progress): <message>`).
///
/// The server replaces any value of a sensitive or write-only attribute of the
/// action's configuration found in a message, so a message that quotes the
/// configuration does not leak a secret; an action should still not quote one.
#[derive(Debug)]
pub struct ActionProgress {
    sender: mpsc::Sender<String>,
}

impl ActionProgress {
    pub(crate) fn new(sender: mpsc::Sender<String>) -> ActionProgress {
        ActionProgress { sender }
    }

    /// Sends one progress message. False when Terraform stopped listening.
    pub async fn send(&self, message: impl Into<String>) -> bool {
        self.sender.send(message.into()).await.is_ok()
    }
}

/// An action type, declared by [`crate::Provider::actions`].
///
/// The configuration `Value`s follow [`Action::schema`]; they hold the values of
/// sensitive and write-only attributes (an action has no state, so nothing is stored),
/// which an action must never log or echo.
#[async_trait]
pub trait Action: Send + Sync + 'static {
    /// The action type name, e.g. `frontegg_atlassian_app_check`.
    fn type_name(&self) -> &'static str;

    /// The schema of the action's `config` block. Actions have no state: no attribute
    /// is computed, none has a default.
    fn schema(&self) -> Schema;

    /// Checks a configuration (`ValidateActionConfig`, and again at plan time, where
    /// only errors are kept). It may hold unknowns: skip them.
    fn validate(&self, _ctx: &Context, _config: &Value, _diags: &mut Diagnostics) {}

    /// Plans an invocation (`PlanAction`): the configuration may still hold unknowns,
    /// for example the attributes of a resource not yet created. An error stops the
    /// plan; a warning is shown with it. The provider is configured.
    async fn plan(&self, _ctx: &Context, _config: &Value, _diags: &mut Diagnostics) {}

    /// Runs the action (`InvokeAction`) on a wholly known configuration, sending
    /// progress as it goes. An error fails the invocation, and with it the apply that
    /// triggered it (a `before_create` trigger stops the create).
    async fn invoke(
        &self,
        ctx: &Context,
        config: &Value,
        progress: &ActionProgress,
        diags: &mut Diagnostics,
    );
}
