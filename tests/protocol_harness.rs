//! Tests of the protocol harness, not of the provider: the harness must fail a test the way
//! Terraform fails a run when the provider breaks Terraform's rules. Each test serves the real
//! provider with its `frontegg_confluence_integration` resource wrapped so that it breaks
//! one rule (as a broken `state_from` or plan would), drives it through the harness, and
//! asserts the harness's failure: Terraform's wording and the attribute path.

mod protocol_support;

use std::any::Any;
use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use protocol_support::*;
use tfplugin::schema::Schema;
use tfplugin::{
    ApplyRequest, Context, DataSource, Diagnostics, Function, ListResource, MoveSource,
    PlanRequest, Provider, Resource, async_trait,
};
use tfvalue::Value;

/// The rule a wrapped resource breaks.
#[derive(Clone, Copy, PartialEq)]
enum Breakage {
    /// Create, update and read map Frontegg's answer to a state without one of the planned
    /// tools, as a `state_from` that loses a tool would.
    StateFromDropsATool,
    /// Read maps Frontegg's answer to a state with one requested scope fewer.
    ReadDropsAScope,
    /// Every plan from an existing state plans `tool_scopes` unknown: the plan never settles.
    PlanNeverSettles,
    /// The plan replaces the configured `client_id`.
    PlanChangesConfig,
    /// Each plan picks another default name: the apply-time plan disagrees.
    FinalPlanDiffers,
    /// Create warns with the configured client secret in the detail.
    EchoesTheSecret,
}

struct BrokenProvider {
    inner: Arc<dyn Provider>,
    breakage: Breakage,
}

struct BrokenResource {
    inner: Arc<dyn Resource>,
    breakage: Breakage,
    plans: AtomicUsize,
}

fn without_first(set: &Value) -> Value {
    Value::set(set.elements().unwrap_or_default().iter().skip(1).cloned())
}

impl BrokenResource {
    fn break_state(&self, mut state: Value, reading: bool) -> Value {
        if state.is_null() {
            return state;
        }
        match self.breakage {
            Breakage::StateFromDropsATool => {
                let tools = without_first(state.attr("tools"));
                state.set_attr("tools", tools);
            }
            Breakage::ReadDropsAScope if reading => {
                let scopes = without_first(state.attr("requested_scopes"));
                state.set_attr("requested_scopes", scopes);
            }
            _ => {}
        }
        state
    }
}

#[async_trait]
impl Provider for BrokenProvider {
    fn schema(&self) -> Schema {
        self.inner.schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        self.inner.validate(config, diags)
    }

    async fn configure(
        &self,
        ctx: &Context,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Arc<dyn Any + Send + Sync>> {
        self.inner.configure(ctx, config, diags).await
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        self.inner
            .resources()
            .into_iter()
            .map(|r| {
                if r.type_name() == TYPE_NAME {
                    Arc::new(BrokenResource {
                        inner: r,
                        breakage: self.breakage,
                        plans: AtomicUsize::new(0),
                    }) as Arc<dyn Resource>
                } else {
                    r
                }
            })
            .collect()
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        self.inner.data_sources()
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        self.inner.list_resources()
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        self.inner.functions()
    }
}

#[async_trait]
impl Resource for BrokenResource {
    fn type_name(&self) -> &'static str {
        self.inner.type_name()
    }

    fn schema(&self) -> Schema {
        self.inner.schema()
    }

    fn identity_schema(&self) -> Option<Schema> {
        self.inner.identity_schema()
    }

    fn validate(&self, ctx: &Context, config: &Value, diags: &mut Diagnostics) {
        self.inner.validate(ctx, config, diags)
    }

    async fn modify_plan(
        &self,
        ctx: &Context,
        req: &PlanRequest,
        planned: &mut Value,
        diags: &mut Diagnostics,
    ) {
        self.inner.modify_plan(ctx, req, planned, diags).await;
        if planned.is_null() {
            return;
        }
        match self.breakage {
            Breakage::PlanNeverSettles if !req.prior.is_null() => {
                planned.set_attr("tool_scopes", Value::Unknown);
            }
            Breakage::PlanChangesConfig => {
                planned.set_attr("client_id", Value::from("another-client-id"));
            }
            Breakage::FinalPlanDiffers if req.config.attr("name").is_null() => {
                let n = self.plans.fetch_add(1, Ordering::SeqCst);
                planned.set_attr("name", Value::from(format!("name {n}")));
            }
            _ => {}
        }
    }

    async fn create(&self, ctx: &Context, req: &ApplyRequest, diags: &mut Diagnostics) -> Value {
        let state = self.inner.create(ctx, req, diags).await;
        if self.breakage == Breakage::EchoesTheSecret {
            let secret = req
                .config
                .attr("client_secret")
                .as_str()
                .unwrap_or_default();
            diags.warning("Created", format!("created with the secret {secret}"));
        }
        self.break_state(state, false)
    }

    async fn read(&self, ctx: &Context, state: &Value, diags: &mut Diagnostics) -> Value {
        let state = self.inner.read(ctx, state, diags).await;
        self.break_state(state, true)
    }

    async fn update(&self, ctx: &Context, req: &ApplyRequest, diags: &mut Diagnostics) -> Value {
        let state = self.inner.update(ctx, req, diags).await;
        self.break_state(state, false)
    }

    async fn delete(&self, ctx: &Context, prior: &Value, diags: &mut Diagnostics) {
        self.inner.delete(ctx, prior, diags).await
    }

    async fn import(&self, ctx: &Context, id: &str, diags: &mut Diagnostics) -> Value {
        self.inner.import(ctx, id, diags).await
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        self.inner.identity(state)
    }

    fn import_id_from_identity(&self, identity: &Value) -> Option<String> {
        self.inner.import_id_from_identity(identity)
    }

    async fn move_state(
        &self,
        ctx: &Context,
        source: &MoveSource,
        diags: &mut Diagnostics,
    ) -> Value {
        self.inner.move_state(ctx, source, diags).await
    }

    fn check_model(&self) -> Result<(), Vec<String>> {
        self.inner.check_model()
    }
}

fn broken(breakage: Breakage) -> Arc<dyn Provider> {
    Arc::new(BrokenProvider {
        inner: terraform_provider_frontegg::provider(),
        breakage,
    })
}

/// Runs `drive` against a harness serving the provider broken by `breakage` and returns the
/// harness's failure message (the test fails if the harness lets it pass).
async fn failure_of<F, Fut>(breakage: Breakage, drive: F) -> String
where
    F: FnOnce(Harness) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let outcome = tokio::spawn(async move {
        let h = Harness::serving(broken(breakage), TYPE_NAME).await;
        drive(h).await;
    })
    .await;
    let Err(e) = outcome else {
        panic!("the harness let a broken provider pass");
    };
    let payload = e.into_panic();
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[tokio::test]
async fn a_state_from_that_loses_a_tool_fails_as_an_inconsistent_result_after_apply() {
    let message = failure_of(Breakage::StateFromDropsATool, |mut h| async move {
        let config = h.config([]);
        let plan = h.plan(&Value::Null, &config).await;
        assert_no_errors(&plan.diags);
        assert!(
            plan.planned.attr("tools").is_wholly_known(),
            "the plan must know the tools for this test to mean anything"
        );
        h.apply(&Value::Null, &plan.planned, &config).await;
    })
    .await;
    assert!(
        message.contains("Error: Provider produced inconsistent result after apply"),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "When applying changes to frontegg_confluence_integration.test, provider \"provider[\\\"{PROVIDER_ADDRESS}\\\"]\" produced an unexpected new value: .tools: planned set element cty.StringVal("
        )),
        "{message}"
    );
    assert!(
        message.contains("does not correlate with any element in actual"),
        "{message}"
    );
}

#[tokio::test]
async fn a_read_that_does_not_return_the_applied_state_fails_the_apply() {
    let message = failure_of(Breakage::ReadDropsAScope, |mut h| async move {
        let config = h.config([]);
        h.create(&config).await;
    })
    .await;
    assert!(
        message.contains("Provider produced a different object on refresh after apply"),
        "{message}"
    );
    assert!(
        message.contains(".requested_scopes: planned set element cty.StringVal("),
        "{message}"
    );
}

#[tokio::test]
async fn a_plan_that_never_settles_fails_the_apply() {
    let message = failure_of(Breakage::PlanNeverSettles, |mut h| async move {
        let config = h.config([]);
        h.create(&config).await;
    })
    .await;
    assert!(
        message.contains(
            "After applying this test step and performing a `terraform refresh`, the plan was not empty."
        ),
        "{message}"
    );
    assert!(
        message.contains(".tool_scopes: was known, but now unknown"),
        "{message}"
    );
}

#[tokio::test]
async fn a_plan_that_changes_a_configured_value_is_an_invalid_plan() {
    let message = failure_of(Breakage::PlanChangesConfig, |mut h| async move {
        let config = h.config([]);
        h.plan(&Value::Null, &config).await;
    })
    .await;
    assert!(
        message.contains("Error: Provider produced invalid plan"),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "planned an invalid value for frontegg_confluence_integration.test.client_id: planned value cty.StringVal(\"another-client-id\") does not match config value cty.StringVal(\"{ATLASSIAN_CLIENT_ID}\")"
        )),
        "{message}"
    );
}

#[tokio::test]
async fn an_apply_time_plan_that_disagrees_is_an_inconsistent_final_plan() {
    let message = failure_of(Breakage::FinalPlanDiffers, |mut h| async move {
        let config = h.config([]);
        let plan = h.plan(&Value::Null, &config).await;
        assert_no_errors(&plan.diags);
        h.apply(&Value::Null, &plan.planned, &config).await;
    })
    .await;
    assert!(
        message.contains("Error: Provider produced inconsistent final plan"),
        "{message}"
    );
    assert!(
        message.contains(
            "produced an invalid new value for .name: was cty.StringVal(\"name 0\"), but now cty.StringVal(\"name 1\")"
        ),
        "{message}"
    );
}

#[tokio::test]
async fn a_diagnostic_that_echoes_the_configured_secret_fails() {
    let message = failure_of(Breakage::EchoesTheSecret, |mut h| async move {
        let config = h.config([]);
        h.create(&config).await;
    })
    .await;
    assert!(
        message.contains("Error: Provider echoed a secret in a diagnostic"),
        "{message}"
    );
    assert!(message.contains("ApplyResourceChange"), "{message}");
    assert!(
        !message.contains(SECRET_ONE),
        "the failure must not print the secret"
    );
}

#[tokio::test]
async fn the_real_provider_passes_and_the_checks_requests_stay_hidden() {
    let mut h = Harness::start().await;
    let config = h.config([]);
    h.emulator.clear_requests();
    let state = h.create(&config).await;
    assert!(!state.is_null());
    let seen = h.emulator.requests();
    let all = h.emulator.deref().requests();
    assert!(
        all.len() > seen.len(),
        "the final plan and the checks after the apply sent requests of their own"
    );
    assert_eq!(h.calls().len(), seen.len());
    let creates = seen
        .iter()
        .filter(|r| r.method == "POST" && r.path.contains("vendors-integrations"))
        .count();
    assert_eq!(creates, 1, "{:?}", h.calls());
}

#[tokio::test]
async fn private_state_travels_from_answer_to_request_as_terraform_carries_it() {
    // The provider keeps what Frontegg reported of the tools in private state (JSON), and a
    // plan hands it through unchanged; what an answer sets is what the next request carries.
    let mut h = Harness::start().await;
    let config = h.config([]);
    let state = h.create(&config).await;
    let created: serde_json::Value =
        serde_json::from_slice(&h.private(&state)).expect("the create set private state");
    assert!(
        created["tool_scopes"]["pages:write"].is_array(),
        "the create remembers each tool's scopes: {created}"
    );
    // Bytes the provider did not write, held for the instance as Terraform would.
    h.set_private(&state, b"remembered");

    let described = h.config([("description", Value::from("with a description"))]);
    let plan = h.plan(&state, &described).await;
    assert_no_errors(&plan.diags);
    assert_eq!(
        plan.planned_private, b"remembered",
        "the plan got prior_private and passed it on"
    );
    assert_ne!(plan.planned, state, "the plan is an update");

    let applied = h.apply(&state, &plan.planned, &described).await;
    assert_no_errors(&applied.diags);
    let after_apply: serde_json::Value = serde_json::from_slice(&h.private(&applied.state))
        .expect("the apply answered with private state, and the harness kept it");
    assert!(after_apply["tool_scopes"].is_object(), "{after_apply}");

    h.set_private(&applied.state, b"from before");
    let read = h.read(&applied.state).await;
    assert_no_errors(&read.diags);
    let after_read: serde_json::Value = serde_json::from_slice(&h.private(&read.state))
        .expect("the read answered with private state, and the harness kept it");
    assert!(after_read["tool_scopes"].is_object(), "{after_read}");
}
