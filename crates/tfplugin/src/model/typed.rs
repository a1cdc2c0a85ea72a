//! Resources and data sources written on models: [`TypedResource`] and [`TypedDataSource`],
//! served through the adapters [`Typed`] and [`TypedData`], which convert every value to and
//! from the model and check the model against the schema when the server is built.

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tfvalue::{Type, Value};

use crate::diag::Diagnostics;
use crate::resource::{ApplyRequest, Context, DataSource, PlanRequest, Resource};
use crate::schema::Schema;

pub use crate::resource::MoveSource;

use super::{ModelError, Unknowns, check, from_value, to_value, write_back};

/// The models a plan is made from (see [`PlanRequest`]).
#[derive(Clone, Debug)]
pub struct Plan<M> {
    /// The state before the change; `None` on create.
    pub prior: Option<M>,
    /// The configuration.
    pub config: M,
    /// Terraform's proposal.
    pub proposed: M,
}

/// The models a change is applied from (see [`ApplyRequest`]).
#[derive(Clone, Debug)]
pub struct Change<M> {
    /// The state before the change; `None` on create.
    pub prior: Option<M>,
    /// The planned state (write-only attributes null).
    pub planned: M,
    /// The configuration: the only place write-only values are found.
    pub config: M,
}

/// A managed resource type written on a model (served as a [`Resource`] by [`Typed`]).
/// The methods mean what [`Resource`]'s do; `None` is the null state.
#[async_trait]
pub trait TypedResource: Send + Sync + 'static {
    /// The resource's model (see [the module](super)).
    type Model: Serialize + DeserializeOwned + Send + Sync;

    /// The resource type name.
    fn type_name(&self) -> &'static str;

    /// The resource schema.
    fn schema(&self) -> Schema;

    /// The identity schema, if any.
    fn identity_schema(&self) -> Option<Schema> {
        None
    }

    /// Checks a configuration (see [`Resource::validate`]).
    fn validate(&self, _ctx: &Context, _config: &Self::Model, _diags: &mut Diagnostics) {}

    /// The last word on a plan that is not a destroy.
    async fn modify_plan(
        &self,
        _ctx: &Context,
        _req: &Plan<Self::Model>,
        _planned: &mut Self::Model,
        _diags: &mut Diagnostics,
    ) {
    }

    /// Creates the object; `None`: nothing was created.
    async fn create(
        &self,
        ctx: &Context,
        req: &Change<Self::Model>,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model>;

    /// Reads the object; `None`: it is gone (or, with an error, keep the state).
    async fn read(
        &self,
        ctx: &Context,
        state: &Self::Model,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model>;

    /// Updates the object; `None` keeps the prior state.
    async fn update(
        &self,
        ctx: &Context,
        req: &Change<Self::Model>,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model>;

    /// Deletes the object.
    async fn delete(&self, ctx: &Context, prior: &Self::Model, diags: &mut Diagnostics);

    /// Starts an import from the user's id.
    async fn import(&self, ctx: &Context, id: &str, diags: &mut Diagnostics)
    -> Option<Self::Model>;

    /// The identity object of a state.
    fn identity(&self, _state: &Self::Model) -> Option<Value> {
        None
    }

    /// The import id for an identity.
    fn import_id_from_identity(&self, _identity: &Value) -> Option<String> {
        None
    }

    /// The state of this type for the state of another type a `moved` block moves here;
    /// `None` (with an error) when this type does not take it. See [`Resource::move_state`].
    async fn move_state(
        &self,
        _ctx: &Context,
        source: &MoveSource,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model> {
        source.not_accepted(self.type_name(), diags);
        None
    }
    /// The last word on the configuration generated for `state` (see
    /// [`Resource::generate_config`]).
    async fn generate_config(&self, _ctx: &Context, _state: &Self::Model, config: Value) -> Value {
        config
    }
}

/// A data source type written on a model (served as a [`DataSource`] by [`TypedData`]).
#[async_trait]
pub trait TypedDataSource: Send + Sync + 'static {
    /// The data source's model.
    type Model: Serialize + DeserializeOwned + Send + Sync;

    /// The data source type name.
    fn type_name(&self) -> &'static str;

    /// The data source schema.
    fn schema(&self) -> Schema;

    /// Checks a known configuration.
    fn validate(&self, _ctx: &Context, _config: &Self::Model, _diags: &mut Diagnostics) {}

    /// Reads the data; `None` with an error when it cannot.
    async fn read(
        &self,
        ctx: &Context,
        config: &Self::Model,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model>;
}

/// Serves a [`TypedResource`] as a [`Resource`].
pub struct Typed<R>(pub R);

/// Serves a [`TypedDataSource`] as a [`DataSource`].
pub struct TypedData<D>(pub D);

/// The error for a value that does not fit the model that [`check`] accepted: a bug.
fn misfit(type_name: &str, what: &str, e: &ModelError, diags: &mut Diagnostics) {
    diags.error(
        "Value does not fit the provider's model",
        format!(
            "The {what} of {type_name} does not fit the provider's model ({e}). This is a bug \
             in the provider; please report it."
        ),
    );
}

impl<R: TypedResource> Typed<R> {
    fn model(&self, value: &Value, what: &str, diags: &mut Diagnostics) -> Option<R::Model> {
        from_value(value)
            .map_err(|e| misfit(self.0.type_name(), what, &e, diags))
            .ok()
    }

    /// `None` for a null value.
    fn optional(
        &self,
        value: &Value,
        what: &str,
        diags: &mut Diagnostics,
    ) -> Option<Option<R::Model>> {
        if value.is_null() {
            return Some(None);
        }
        self.model(value, what, diags).map(Some)
    }

    fn value(&self, model: Option<&R::Model>, diags: &mut Diagnostics) -> Value {
        let Some(model) = model else {
            return Value::Null;
        };
        to_value(model, &self.ty())
            .map_err(|e| misfit(self.0.type_name(), "new state", &e, diags))
            .unwrap_or(Value::Null)
    }

    fn ty(&self) -> Type {
        self.0.schema().value_type()
    }

    fn change(&self, req: &ApplyRequest, diags: &mut Diagnostics) -> Option<Change<R::Model>> {
        Some(Change {
            prior: self.optional(&req.prior, "prior state", diags)?,
            planned: self.model(&req.planned, "planned state", diags)?,
            config: self.model(&req.config, "configuration", diags)?,
        })
    }
}

#[async_trait]
impl<R: TypedResource> Resource for Typed<R> {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> Schema {
        self.0.schema()
    }

    fn identity_schema(&self) -> Option<Schema> {
        self.0.identity_schema()
    }

    fn check_model(&self) -> Result<(), Vec<String>> {
        check::<R::Model>(&self.0.schema(), Unknowns::Allowed)
    }

    fn validate(&self, ctx: &Context, config: &Value, diags: &mut Diagnostics) {
        if let Some(config) = self.model(config, "configuration", diags) {
            self.0.validate(ctx, &config, diags);
        }
    }

    async fn modify_plan(
        &self,
        ctx: &Context,
        req: &PlanRequest,
        planned: &mut Value,
        diags: &mut Diagnostics,
    ) {
        if planned.is_null() {
            return;
        }
        let (Some(prior), Some(config), Some(proposed), Some(before)) = (
            self.optional(&req.prior, "prior state", diags),
            self.model(&req.config, "configuration", diags),
            self.model(&req.proposed, "proposed state", diags),
            self.model(planned, "planned state", diags),
        ) else {
            return;
        };
        let plan = Plan {
            prior,
            config,
            proposed,
        };
        let mut after = self.model(planned, "planned state", diags);
        let Some(after_model) = after.as_mut() else {
            return;
        };
        self.0.modify_plan(ctx, &plan, after_model, diags).await;
        match write_back(planned, &before, after_model, &self.ty()) {
            Ok(v) => *planned = v,
            Err(e) => misfit(self.0.type_name(), "planned state", &e, diags),
        }
    }

    async fn create(&self, ctx: &Context, req: &ApplyRequest, diags: &mut Diagnostics) -> Value {
        let Some(change) = self.change(req, diags) else {
            return Value::Null;
        };
        let state = self.0.create(ctx, &change, diags).await;
        self.value(state.as_ref(), diags)
    }

    async fn read(&self, ctx: &Context, state: &Value, diags: &mut Diagnostics) -> Value {
        let Some(model) = self.model(state, "state", diags) else {
            return state.clone();
        };
        let current = self.0.read(ctx, &model, diags).await;
        self.value(current.as_ref(), diags)
    }

    async fn update(&self, ctx: &Context, req: &ApplyRequest, diags: &mut Diagnostics) -> Value {
        let Some(change) = self.change(req, diags) else {
            return Value::Null;
        };
        let state = self.0.update(ctx, &change, diags).await;
        self.value(state.as_ref(), diags)
    }

    async fn delete(&self, ctx: &Context, prior: &Value, diags: &mut Diagnostics) {
        if let Some(prior) = self.model(prior, "prior state", diags) {
            self.0.delete(ctx, &prior, diags).await;
        }
    }

    async fn import(&self, ctx: &Context, id: &str, diags: &mut Diagnostics) -> Value {
        let state = self.0.import(ctx, id, diags).await;
        self.value(state.as_ref(), diags)
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        let state = from_value(state).ok()?;
        self.0.identity(&state)
    }

    fn import_id_from_identity(&self, identity: &Value) -> Option<String> {
        self.0.import_id_from_identity(identity)
    }

    async fn generate_config(&self, ctx: &Context, state: &Value, config: Value) -> Value {
        match from_value(state) {
            Ok(state) => self.0.generate_config(ctx, &state, config).await,
            Err(_) => config,
        }
    }

    async fn move_state(
        &self,
        ctx: &Context,
        source: &MoveSource,
        diags: &mut Diagnostics,
    ) -> Value {
        let state = self.0.move_state(ctx, source, diags).await;
        self.value(state.as_ref(), diags)
    }
}

#[async_trait]
impl<D: TypedDataSource> DataSource for TypedData<D> {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> Schema {
        self.0.schema()
    }

    fn check_model(&self) -> Result<(), Vec<String>> {
        check::<D::Model>(&self.0.schema(), Unknowns::None)
    }

    fn validate(&self, ctx: &Context, config: &Value, diags: &mut Diagnostics) {
        // A configuration with unknowns is validated again when it is read.
        if let Ok(config) = from_value(config) {
            self.0.validate(ctx, &config, diags);
        }
    }

    async fn read(&self, ctx: &Context, config: &Value, diags: &mut Diagnostics) -> Value {
        let config = match from_value(config) {
            Ok(config) => config,
            Err(e) => {
                misfit(self.0.type_name(), "configuration", &e, diags);
                return Value::Null;
            }
        };
        let Some(state) = self.0.read(ctx, &config, diags).await else {
            return Value::Null;
        };
        to_value(&state, &self.0.schema().value_type())
            .map_err(|e| misfit(self.0.type_name(), "state", &e, diags))
            .unwrap_or(Value::Null)
    }
}
