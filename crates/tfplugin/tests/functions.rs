//! Provider functions: their declarations in `GetFunctions`, `GetProviderSchema` and
//! `GetMetadata`, and `CallFunction`: arguments checked against their parameters,
//! errors that name the argument, results checked against the return type, panics.

mod common;

use std::any::Any;
use std::sync::Arc;

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_server::Provider as _;
use tfplugin::schema::{Block, Parameter, Schema, Signature};
use tfplugin::{
    Context, DataSource, Diagnostics, Function, FunctionError, Provider, ProviderService, Resource,
    async_trait,
};
use tfvalue::{Type, Value, msgpack};
use tonic::Request;

/// `shout(text)`: upper case; an empty text is an error at argument 0.
struct Shout;
/// `join(separator, parts...)`; `or_default(value)` takes null; `explode()` panics;
/// `wrong()` returns a number although it declares a string.
struct Join;
struct OrDefault;
struct Explode;
struct Wrong;

impl Function for Shout {
    fn name(&self) -> &'static str {
        "shout"
    }
    fn signature(&self) -> Signature {
        Signature::new(
            [Parameter::new("text", Type::String).description("What to shout.")],
            Type::String,
            "Upper-cases a text.",
        )
        .description("Returns `text` in **upper case**.")
    }
    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        let text = args[0].as_str().unwrap_or_default();
        if text.is_empty() {
            return Err(FunctionError::argument(0, "There is nothing to shout."));
        }
        Ok(Value::from(text.to_uppercase()))
    }
}

impl Function for Join {
    fn name(&self) -> &'static str {
        "join"
    }
    fn signature(&self) -> Signature {
        Signature::new(
            [Parameter::new("separator", Type::String)],
            Type::String,
            "Joins texts.",
        )
        .variadic(Parameter::new("parts", Type::String))
    }
    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        let separator = args[0].as_str().unwrap_or_default();
        let parts: Vec<&str> = args[1..].iter().filter_map(Value::as_str).collect();
        Ok(Value::from(parts.join(separator)))
    }
}

impl Function for OrDefault {
    fn name(&self) -> &'static str {
        "or_default"
    }
    fn signature(&self) -> Signature {
        Signature::new(
            [Parameter::new("value", Type::String).allow_null()],
            Type::String,
            "The value, or `default` when null.",
        )
    }
    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        Ok(Value::from(args[0].as_str().unwrap_or("default")))
    }
}

impl Function for Explode {
    fn name(&self) -> &'static str {
        "explode"
    }
    fn signature(&self) -> Signature {
        Signature::new([], Type::String, "Panics.")
    }
    fn call(&self, _: &[Value]) -> Result<Value, FunctionError> {
        panic!("the function exploded")
    }
}

impl Function for Wrong {
    fn name(&self) -> &'static str {
        "wrong"
    }
    fn signature(&self) -> Signature {
        Signature::new([], Type::String, "Returns the wrong type.")
    }
    fn call(&self, _: &[Value]) -> Result<Value, FunctionError> {
        Ok(Value::from(7))
    }
}

struct WithFunctions(Vec<Arc<dyn Function>>);

#[async_trait]
impl Provider for WithFunctions {
    fn schema(&self) -> Schema {
        Schema::new(0, Block::new([]))
    }
    async fn configure(
        &self,
        _: &Context,
        _: &Value,
        _: &mut Diagnostics,
    ) -> Option<Arc<dyn Any + Send + Sync>> {
        None
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        Vec::new()
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        self.0.clone()
    }
}

fn service() -> ProviderService {
    ProviderService::new(Arc::new(WithFunctions(vec![
        Arc::new(Shout),
        Arc::new(Join),
        Arc::new(OrDefault),
        Arc::new(Explode),
        Arc::new(Wrong),
    ])))
    .unwrap()
}

fn arg(v: Value) -> pb::DynamicValue {
    dv(&v, &Type::String).unwrap()
}

async fn call(svc: &ProviderService, name: &str, args: Vec<Value>) -> pb::call_function::Response {
    svc.call_function(Request::new(pb::call_function::Request {
        name: name.into(),
        arguments: args.into_iter().map(arg).collect(),
    }))
    .await
    .unwrap()
    .into_inner()
}

fn result(resp: &pb::call_function::Response) -> Value {
    assert_eq!(resp.error, None);
    let bytes = &resp.result.as_ref().expect("a result").msgpack;
    msgpack::decode(bytes, &Type::String).unwrap()
}

fn error(resp: &pb::call_function::Response) -> (String, Option<i64>) {
    assert_eq!(resp.result, None);
    let e = resp.error.clone().expect("an error");
    (e.text, e.function_argument)
}

#[tokio::test]
async fn functions_are_declared_with_parameters_return_type_and_documentation() {
    let svc = service();
    let functions = svc
        .get_functions(Request::new(pb::get_functions::Request {}))
        .await
        .unwrap()
        .into_inner();
    let schema = svc
        .get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .unwrap()
        .into_inner();

    assert!(functions.diagnostics.is_empty());
    assert_eq!(functions.functions, schema.functions);
    let shout = &functions.functions["shout"];
    assert_eq!(shout.summary, "Upper-cases a text.");
    assert_eq!(shout.description, "Returns `text` in **upper case**.");
    assert_eq!(shout.description_kind, pb::StringKind::Markdown as i32);
    assert_eq!(shout.r#return.as_ref().unwrap().r#type, br#""string""#);
    let text = &shout.parameters[0];
    assert_eq!(
        (text.name.as_str(), text.r#type.as_slice()),
        ("text", br#""string""#.as_slice())
    );
    assert!(!text.allow_null_value && !text.allow_unknown_values);
    assert_eq!(text.description, "What to shout.");
    assert!(functions.functions["or_default"].parameters[0].allow_null_value);
    assert_eq!(
        functions.functions["join"]
            .variadic_parameter
            .as_ref()
            .unwrap()
            .name,
        "parts"
    );

    let metadata = svc
        .get_metadata(Request::new(pb::get_metadata::Request {}))
        .await
        .unwrap()
        .into_inner();
    let names: Vec<&str> = metadata.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["explode", "join", "or_default", "shout", "wrong"]);
}

#[tokio::test]
async fn a_call_returns_the_result() {
    let svc = service();
    assert_eq!(
        result(&call(&svc, "shout", vec![s("hello")]).await),
        s("HELLO")
    );
}

#[tokio::test]
async fn variadic_arguments_follow_the_positional_ones() {
    let svc = service();
    let args = vec![s("-"), s("a"), s("b"), s("c")];
    assert_eq!(result(&call(&svc, "join", args).await), s("a-b-c"));
    assert_eq!(result(&call(&svc, "join", vec![s("-")]).await), s(""));
}

#[tokio::test]
async fn a_function_error_names_the_argument_at_fault() {
    let svc = service();
    assert_eq!(
        error(&call(&svc, "shout", vec![s("")]).await),
        ("There is nothing to shout.".to_owned(), Some(0))
    );
}

#[tokio::test]
async fn a_null_argument_reaches_only_a_parameter_that_allows_null() {
    let svc = service();
    assert_eq!(
        error(&call(&svc, "shout", vec![Value::Null]).await),
        ("The argument text must not be null.".to_owned(), Some(0))
    );
    assert_eq!(
        result(&call(&svc, "or_default", vec![Value::Null]).await),
        s("default")
    );
}

#[tokio::test]
async fn an_unknown_argument_gives_an_unknown_result_without_a_call() {
    let svc = service();
    // `shout` would fail on "" but is not called.
    assert_eq!(
        result(&call(&svc, "shout", vec![Value::Unknown]).await),
        Value::Unknown
    );
}

#[tokio::test]
async fn a_wrong_number_of_arguments_is_an_error_of_the_call() {
    let svc = service();
    assert_eq!(
        error(&call(&svc, "shout", vec![s("a"), s("b")]).await),
        (
            "The function shout takes 1 argument, not 2.".to_owned(),
            None
        )
    );
    assert_eq!(
        error(&call(&svc, "join", vec![]).await),
        (
            "The function join takes at least 1 argument, not 0.".to_owned(),
            None
        )
    );
}

#[tokio::test]
async fn an_argument_of_the_wrong_type_is_an_error_at_its_position() {
    let svc = service();
    let resp = svc
        .call_function(Request::new(pb::call_function::Request {
            name: "shout".into(),
            arguments: vec![dv(&Value::from(true), &Type::Bool).unwrap()],
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(error(&resp).1, Some(0));
}

#[tokio::test]
async fn a_panic_or_a_result_of_the_wrong_type_is_an_error_and_the_next_call_works() {
    let svc = service();
    let (text, argument) = error(&call(&svc, "explode", vec![]).await);
    assert!(
        text.starts_with("The provider panicked while calling the function explode."),
        "{text}"
    );
    assert_eq!(argument, None);
    assert_eq!(
        error(&call(&svc, "wrong", vec![]).await).0,
        "The function wrong returned a value that is not of its return type string. This is a bug in the provider."
    );
    assert_eq!(result(&call(&svc, "shout", vec![s("ok")]).await), s("OK"));
}

#[tokio::test]
async fn an_unknown_function_is_an_error_naming_it() {
    let svc = service();
    let (text, argument) = error(&call(&svc, "whisper", vec![]).await);
    assert!(text.contains("\"whisper\""), "{text}");
    assert_eq!(argument, None);
}

struct BadNames;

impl Function for BadNames {
    fn name(&self) -> &'static str {
        "2Fast"
    }
    fn signature(&self) -> Signature {
        Signature::new(
            [
                Parameter::new("a", Type::String),
                Parameter::new("a", Type::String),
            ],
            Type::String,
            "",
        )
    }
    fn call(&self, _: &[Value]) -> Result<Value, FunctionError> {
        Ok(Value::Null)
    }
}

#[test]
fn bad_function_and_parameter_names_are_refused_at_start_up() {
    let err = ProviderService::new(Arc::new(WithFunctions(vec![
        Arc::new(BadNames),
        Arc::new(Shout),
        Arc::new(Shout),
    ])))
    .unwrap_err();
    assert_eq!(
        err.0,
        [
            "function \"2Fast\": a function name is lowercase letters, digits and underscores, not starting with a digit",
            "function \"2Fast\": parameter a: name declared twice",
            "function \"shout\": name declared twice",
        ]
    );
}
