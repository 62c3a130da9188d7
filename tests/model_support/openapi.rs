//! Checks a request body against the public OpenAI API description.
//!
//! The description is a 3 MB YAML file that serde_yaml cannot read whole (it holds
//! integers beyond i64), and parsing it all would cost seconds per test run. So the
//! file is indexed by its `components.schemas` entries (4-space-indented keys), and
//! only the schemas a body actually reaches are cut out and parsed. The validator
//! knows the subset of OpenAPI those schemas use: `$ref`, `allOf`, `anyOf`, `oneOf`,
//! `type` (also as a list and `nullable`), `enum`, `properties`, `required`, `items`
//! and `additionalProperties`. A property no schema declares is an error: that is
//! the mistake this check exists to catch.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

pub const SPEC: &str = "/work/shared/reference/openai-openapi.yaml";

pub struct OpenApi {
    text: String,
    /// Schema name -> byte range of its block.
    index: HashMap<String, (usize, usize)>,
    parsed: std::cell::RefCell<HashMap<String, Value>>,
}

impl OpenApi {
    /// Reads the description, or explains where it was expected.
    pub fn load() -> OpenApi {
        let path = std::env::var("OPENAI_OPENAPI_YAML").unwrap_or_else(|_| SPEC.to_string());
        let text = std::fs::read_to_string(Path::new(&path))
            .unwrap_or_else(|e| panic!("cannot read the OpenAI API description {path}: {e}"));
        let mut index = HashMap::new();
        let mut in_schemas = false;
        let mut current: Option<(String, usize)> = None;
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_end();
            if trimmed == "  schemas:" {
                in_schemas = true;
            } else if in_schemas && !trimmed.is_empty() && !trimmed.starts_with("   ") {
                // Left components.schemas.
                if let Some((name, start)) = current.take() {
                    index.insert(name, (start, offset));
                }
                in_schemas = trimmed.starts_with("  ") && trimmed == "  schemas:";
            } else if in_schemas
                && trimmed.starts_with("    ")
                && !trimmed.starts_with("     ")
                && trimmed.ends_with(':')
            {
                if let Some((name, start)) = current.take() {
                    index.insert(name, (start, offset));
                }
                current = Some((trimmed.trim().trim_end_matches(':').to_string(), offset));
            }
            offset += line.len();
        }
        if let Some((name, start)) = current.take() {
            index.insert(name, (start, offset));
        }
        OpenApi {
            text,
            index,
            parsed: Default::default(),
        }
    }

    pub fn schema(&self, name: &str) -> Value {
        if let Some(v) = self.parsed.borrow().get(name) {
            return v.clone();
        }
        let (start, end) = *self
            .index
            .get(name)
            .unwrap_or_else(|| panic!("no schema {name} in the OpenAI API description"));
        // serde_yaml holds at most 64-bit integers; the description rounds i64 bounds up.
        let block = self.text[start..end].replace("9223372036854776000", "9223372036854775807");
        let yaml: serde_yaml::Value = serde_yaml::from_str(&block)
            .unwrap_or_else(|e| panic!("schema {name} does not parse: {e}"));
        let json = serde_json::to_value(&yaml).expect("YAML to JSON");
        let schema = json[name].clone();
        self.parsed
            .borrow_mut()
            .insert(name.to_string(), schema.clone());
        schema
    }

    /// The problems of `value` against the named schema (empty when it conforms).
    pub fn check(&self, value: &Value, name: &str) -> Vec<String> {
        let mut errors = Vec::new();
        self.validate(value, &self.schema(name), "$", true, &mut errors);
        errors
    }

    fn resolve(&self, schema: &Value) -> Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r
                    .strip_prefix("#/components/schemas/")
                    .unwrap_or_else(|| panic!("unsupported $ref {r}"));
                self.resolve(&self.schema(name))
            }
            None => schema.clone(),
        }
    }

    /// Property names declared by a schema and everything it includes with `allOf`.
    fn declared(&self, schema: &Value, names: &mut Vec<String>, open: &mut bool) {
        let schema = self.resolve(schema);
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            names.extend(props.keys().cloned());
        }
        match schema.get("additionalProperties") {
            Some(Value::Bool(false)) | None => {}
            Some(_) => *open = true,
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for part in all {
                self.declared(part, names, open);
            }
        }
    }

    fn validate(
        &self,
        value: &Value,
        schema: &Value,
        at: &str,
        strict: bool,
        errors: &mut Vec<String>,
    ) {
        let schema = self.resolve(schema);
        if value.is_null() && schema.get("nullable") == Some(&Value::Bool(true)) {
            return;
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for part in all {
                self.validate(value, part, at, false, errors);
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                let mut best: Option<Vec<String>> = None;
                for branch in branches {
                    let mut branch_errors = Vec::new();
                    self.validate(value, branch, at, true, &mut branch_errors);
                    if branch_errors.is_empty() {
                        best = None;
                        break;
                    }
                    if best.as_ref().is_none_or(|b| branch_errors.len() < b.len()) {
                        best = Some(branch_errors);
                    }
                }
                if let Some(best) = best {
                    errors.push(format!(
                        "{at}: matches no branch of {key}; closest: {}",
                        best.join("; ")
                    ));
                }
            }
        }
        if let Some(types) = schema.get("type") {
            let types: Vec<&str> = match types {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            let ok = types.iter().any(|t| match *t {
                "string" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                "array" => value.is_array(),
                "object" => value.is_object(),
                "null" => value.is_null(),
                _ => true,
            });
            if !ok {
                errors.push(format!("{at}: expected {types:?}, got {value}"));
                return;
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array)
            && !values.contains(value)
        {
            errors.push(format!("{at}: {value} is not one of {values:?}"));
        }
        if let Some(object) = value.as_object() {
            let props = schema.get("properties").and_then(Value::as_object);
            if let Some(props) = props {
                for (name, sub) in props {
                    if let Some(v) = object.get(name) {
                        self.validate(v, sub, &format!("{at}.{name}"), true, errors);
                    }
                }
            }
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for name in required.iter().filter_map(Value::as_str) {
                    if !object.contains_key(name) {
                        errors.push(format!("{at}: missing required {name}"));
                    }
                }
            }
            if strict {
                let mut names = Vec::new();
                let mut open = false;
                self.declared(&schema, &mut names, &mut open);
                if !open && !names.is_empty() {
                    for key in object.keys() {
                        if !names.contains(key) {
                            errors.push(format!("{at}: {key} is not a property the API declares"));
                        }
                    }
                }
            }
        }
        if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
            for (i, item) in array.iter().enumerate() {
                self.validate(item, items, &format!("{at}[{i}]"), true, errors);
            }
        }
    }
}
