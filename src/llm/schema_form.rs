//! The form a JSON Schema takes on the wire, chosen for the server that reads it.
//!
//! Callers write every answer schema in OpenAI's strict form: every property
//! required, "not given" spelled `null`. OpenAI and Azure OpenAI accept nothing
//! else in strict mode. Every other compatible server (llama.cpp, vLLM, Ollama,
//! LM Studio…) turns the schema into a grammar instead, and there the strict form
//! hurts: a small model held to it must write every optional field of an
//! operation, and fills many of them with values that do not belong (a `get`
//! with invented custom columns), at several tokens each. For those servers the
//! nullable properties become optional ones: the model leaves out what was not
//! asked. The answer is read the same either way (a missing optional field is
//! null) and validated exactly as strictly.

use serde_json::Value;

/// `schema` with each nullable property made optional and non-null; everything
/// else (required non-null fields, enums, `$defs`, `anyOf`) as it was.
pub fn omittable(schema: &Value) -> Value {
    let mut schema = schema.clone();
    relax(&mut schema);
    schema
}

fn relax(node: &mut Value) {
    match node {
        Value::Object(object) => {
            if let Some(Value::Object(properties)) = object.get_mut("properties") {
                let mut optional = Vec::new();
                for (name, property) in properties.iter_mut() {
                    if drop_null(property) {
                        optional.push(name.clone());
                    }
                }
                if let Some(Value::Array(required)) = object.get_mut("required") {
                    required.retain(|r| !optional.iter().any(|o| r.as_str() == Some(o)));
                }
            }
            for child in object.values_mut() {
                relax(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(relax),
        _ => {}
    }
}

/// Removes `null` from a property's `type` (and `enum`); true if it was there.
fn drop_null(property: &mut Value) -> bool {
    let Some(object) = property.as_object_mut() else {
        return false;
    };
    let Some(Value::Array(types)) = object.get("type") else {
        return false;
    };
    if !types.iter().any(|t| t == "null") {
        return false;
    }
    let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
    let single = (rest.len() == 1).then(|| rest[0].clone());
    object.insert("type".into(), single.unwrap_or(Value::Array(rest)));
    if let Some(Value::Array(values)) = object.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    fn required(object: &Map<String, Value>) -> Vec<&str> {
        object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    #[test]
    fn nullable_properties_become_optional_and_the_rest_stays() {
        let strict = json!({
            "type": "object", "additionalProperties": false,
            "required": ["op", "name", "namespace", "output", "columns"],
            "properties": {
                "op": {"enum": ["get"]},
                "name": {"type": "string"},
                "namespace": {"type": ["string", "null"]},
                "output": {"type": ["string", "null"], "enum": ["wide", "yaml", null]},
                "columns": {"type": ["array", "null"], "items": {"$ref": "#/$defs/col"}}
            },
            "$defs": {"col": {"type": "object", "required": ["header"], "properties": {"header": {"type": "string"}}}}
        });
        let loose = omittable(&strict);
        assert_eq!(required(loose.as_object().unwrap()), ["op", "name"]);
        let p = &loose["properties"];
        assert_eq!(p["namespace"], json!({"type": "string"}));
        assert_eq!(
            p["output"],
            json!({"type": "string", "enum": ["wide", "yaml"]})
        );
        assert_eq!(p["columns"]["type"], "array");
        assert_eq!(p["op"], strict["properties"]["op"]);
        assert_eq!(loose["$defs"], strict["$defs"]);
        assert_eq!(loose["additionalProperties"], false);
    }

    #[test]
    fn nested_variants_are_relaxed_too() {
        let strict = json!({"anyOf": [{"type": "object", "required": ["a", "b"],
            "properties": {"a": {"type": "integer"}, "b": {"type": ["boolean", "null"]}}}]});
        let loose = omittable(&strict);
        assert_eq!(required(loose["anyOf"][0].as_object().unwrap()), ["a"]);
        assert_eq!(loose["anyOf"][0]["properties"]["b"]["type"], "boolean");
    }
}
