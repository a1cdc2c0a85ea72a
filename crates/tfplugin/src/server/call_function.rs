//! `CallFunction`: arguments decoded by their parameters' types and checked against
//! what each parameter allows, the function called inside the panic guard, its result
//! checked against the return type.

use tfvalue::Value;

use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;
use crate::resource::FunctionError;

use super::ProviderService;
use super::convert::{decode_dynamic, encode_dynamic};
use super::guard::guarded_sync;

impl ProviderService {
    pub(super) fn call_function(
        &self,
        req: pb::call_function::Request,
    ) -> pb::call_function::Response {
        log::debug!("CallFunction {}", req.name);
        match self.call(&req) {
            Ok(result) => pb::call_function::Response {
                result: Some(result),
                error: None,
            },
            Err(e) => pb::call_function::Response {
                result: None,
                error: Some(pb::FunctionError {
                    text: e.text,
                    function_argument: e.argument.and_then(|i| i64::try_from(i).ok()),
                }),
            },
        }
    }

    fn call(&self, req: &pb::call_function::Request) -> Result<pb::DynamicValue, FunctionError> {
        let name = &req.name;
        let entry = self.functions.get(name).ok_or_else(|| {
            FunctionError::call(format!(
                "This provider has no function {name:?}. Check the function name and the provider version."
            ))
        })?;
        let signature = &entry.signature;
        let (given, declared) = (req.arguments.len(), signature.parameters.len());
        if given < declared || (given > declared && signature.variadic.is_none()) {
            return Err(FunctionError::call(format!(
                "The function {name} takes {}{declared} argument{}, not {given}.",
                if signature.variadic.is_some() {
                    "at least "
                } else {
                    ""
                },
                if declared == 1 { "" } else { "s" },
            )));
        }
        let returns = &signature.return_type;
        let mut args = Vec::with_capacity(given);
        for (index, dv) in req.arguments.iter().enumerate() {
            let Some(param) = signature.parameter_at(index) else {
                return Err(FunctionError::call(format!(
                    "The function {name} takes no argument at position {index}."
                )));
            };
            let mut diags = Diagnostics::new();
            let Some(value) = decode_dynamic(Some(dv), &param.ty, "function argument", &mut diags)
            else {
                let reason = diags.iter().next().map(|d| d.detail.clone());
                return Err(FunctionError::argument(index, reason.unwrap_or_default()));
            };
            if value.is_null() && !param.allow_null {
                return Err(FunctionError::argument(
                    index,
                    format!("The argument {} must not be null.", param.name),
                ));
            }
            if !value.is_wholly_known() && !param.allow_unknown {
                // What Terraform itself does before calling: the result is not known yet.
                return encoded(&Value::Unknown, returns);
            }
            args.push(value);
        }
        let result = guarded_sync(&format!("calling the function {name}"), || {
            entry.function.call(&args)
        })
        .map_err(|d| FunctionError::call(format!("{}. {}", d.summary, d.detail)))??;
        if !result.conforms_to(returns) {
            return Err(FunctionError::call(format!(
                "The function {name} returned a value that is not of its return type {returns}. This is a bug in the provider."
            )));
        }
        encoded(&result, returns)
    }
}

fn encoded(value: &Value, ty: &tfvalue::Type) -> Result<pb::DynamicValue, FunctionError> {
    let mut diags = Diagnostics::new();
    encode_dynamic(value, ty, "function result", &mut diags).ok_or_else(|| {
        let reason = diags.iter().next().map(|d| d.detail.clone());
        FunctionError::call(reason.unwrap_or_default())
    })
}
