//! JSON-RPC 2.0 framing: requests (single or batch), responses and errors.
//! Bad input of any kind becomes an error object, never a panic.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    /// The code: -32700 parse error, -32600 invalid request, -32601 unknown
    /// method, -32602 invalid params, -32000 server error, 3 execution reverted.
    pub code: i64,
    /// What went wrong.
    pub message: String,
    /// Revert data (hex) for code 3.
    pub data: Option<Value>,
}

impl RpcError {
    fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// -32602: the parameters do not fit the method.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(-32602, message)
    }

    /// -32000: the request is well formed but cannot be served.
    pub fn server(message: impl Into<String>) -> Self {
        Self::new(-32000, message)
    }

    /// -32601: no such method.
    pub fn unknown_method(method: &str) -> Self {
        Self::new(
            -32601,
            format!("the method {method} does not exist/is not available"),
        )
    }

    /// Code 3 with the revert data, as geth reports a reverted call.
    pub fn reverted(output: &[u8]) -> Self {
        use alloy_sol_types::SolError;
        // `Error(string)` reads as geth words it; panics and the rest as alloy does.
        let reason = match alloy_sol_types::Revert::abi_decode(output) {
            Ok(revert) => Some(revert.reason),
            Err(_) => alloy_sol_types::decode_revert_reason(output),
        };
        let reason = reason.map_or_else(
            || "execution reverted".to_owned(),
            |r| format!("execution reverted: {r}"),
        );
        Self {
            code: 3,
            message: reason,
            data: Some(Value::String(alloy_primitives::hex::encode_prefixed(
                output,
            ))),
        }
    }

    fn to_json(&self) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(data) = &self.data {
            error["data"] = data.clone();
        }
        error
    }
}

/// The result of one method call.
pub type RpcResult = Result<Value, RpcError>;

/// The positional parameters of a call.
pub struct Params(Vec<Value>);

impl Params {
    /// Parameters from their JSON values, in order.
    pub fn new(values: Vec<Value>) -> Self {
        Self(values)
    }

    /// The parameter at `index`, deserialised.
    ///
    /// Errors: missing or of the wrong shape.
    pub fn get<T: DeserializeOwned>(&self, index: usize) -> Result<T, RpcError> {
        let value = self
            .0
            .get(index)
            .ok_or_else(|| RpcError::invalid_params(format!("missing parameter {index}")))?;
        serde_json::from_value(value.clone())
            .map_err(|e| RpcError::invalid_params(format!("parameter {index}: {e}")))
    }

    /// The parameter at `index`, or `None` when absent or null.
    ///
    /// Errors: present but of the wrong shape.
    pub fn optional<T: DeserializeOwned>(&self, index: usize) -> Result<Option<T>, RpcError> {
        match self.0.get(index) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.get(index).map(Some),
        }
    }
}

/// Serves one HTTP body: a request or a batch, answered by `call(method,
/// params)`. `None` when nothing is to be answered (only notifications).
pub fn serve(body: &[u8], call: &mut impl FnMut(&str, &Params) -> RpcResult) -> Option<String> {
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return Some(
                reply(
                    Value::Null,
                    Err(RpcError::new(-32700, format!("parse error: {e}"))),
                )
                .to_string(),
            )
        }
    };
    match parsed {
        Value::Array(requests) if requests.is_empty() => {
            Some(reply(Value::Null, Err(RpcError::new(-32600, "empty batch"))).to_string())
        }
        Value::Array(requests) => {
            let replies: Vec<Value> = requests.into_iter().filter_map(|r| one(r, call)).collect();
            (!replies.is_empty()).then(|| Value::Array(replies).to_string())
        }
        request => one(request, call).map(|r| r.to_string()),
    }
}

/// Answers one request object; `None` for a notification (no id).
fn one(request: Value, call: &mut impl FnMut(&str, &Params) -> RpcResult) -> Option<Value> {
    let Value::Object(object) = request else {
        return Some(reply(
            Value::Null,
            Err(RpcError::new(-32600, "a request must be an object")),
        ));
    };
    let id = object.get("id").cloned();
    let method = object.get("method").and_then(Value::as_str);
    let params = match object.get("params") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items.clone()),
        Some(_) => Err(RpcError::invalid_params("params must be an array")),
    };
    let result = match (method, params) {
        (None, _) => Err(RpcError::new(-32600, "missing method")),
        (Some(_), Err(e)) => Err(e),
        (Some(method), Ok(params)) => call(method, &Params(params)),
    };
    id.map(|id| reply(id, result))
}

fn reply(id: Value, result: RpcResult) -> Value {
    match result {
        Ok(value) => json!({ "jsonrpc": "2.0", "id": id, "result": value }),
        Err(error) => json!({ "jsonrpc": "2.0", "id": id, "error": error.to_json() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::SolError;

    fn echo(method: &str, params: &Params) -> RpcResult {
        match method {
            "add" => Ok(json!(params.get::<u64>(0)? + params.get::<u64>(1)?)),
            other => Err(RpcError::unknown_method(other)),
        }
    }

    fn answer(body: &str) -> Value {
        serde_json::from_str(&serve(body.as_bytes(), &mut echo).unwrap()).unwrap()
    }

    #[test]
    fn requests_batches_and_notifications() {
        let one = answer(r#"{"jsonrpc":"2.0","id":7,"method":"add","params":[2,3]}"#);
        assert_eq!(
            (one["id"].clone(), one["result"].clone()),
            (json!(7), json!(5))
        );
        let batch = answer(r#"[{"id":1,"method":"add","params":[1,1]},{"id":2,"method":"nope"}]"#);
        assert_eq!(batch[0]["result"], json!(2));
        assert_eq!(batch[1]["error"]["code"], json!(-32601));
        assert_eq!(
            serve(br#"{"method":"add","params":[1,2]}"#, &mut echo),
            None
        );
    }

    #[test]
    fn malformed_input_gets_error_objects() {
        assert_eq!(answer("{nope")["error"]["code"], json!(-32700));
        assert_eq!(answer("[]")["error"]["code"], json!(-32600));
        assert_eq!(answer("3")["error"]["code"], json!(-32600));
        assert_eq!(answer(r#"{"id":1}"#)["error"]["code"], json!(-32600));
        assert_eq!(
            answer(r#"{"id":1,"method":"add","params":{}}"#)["error"]["code"],
            json!(-32602)
        );
        let missing = answer(r#"{"id":1,"method":"add","params":[1]}"#);
        assert_eq!(missing["error"]["code"], json!(-32602));
        let wrong = answer(r#"{"id":1,"method":"add","params":["x",1]}"#);
        assert!(wrong["error"]["message"]
            .as_str()
            .unwrap()
            .contains("parameter 0"));
    }

    #[test]
    fn reverts_carry_their_data() {
        let data = alloy_sol_types::Revert::from("no").abi_encode();
        let error = RpcError::reverted(&data);
        assert_eq!(
            (error.code, error.message.as_str()),
            (3, "execution reverted: no")
        );
        assert_eq!(
            error.data,
            Some(json!(alloy_primitives::hex::encode_prefixed(&data)))
        );
    }
}
