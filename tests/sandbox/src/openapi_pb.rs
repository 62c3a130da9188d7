//! The protobuf form of `/openapi/v2`: gnostic's `openapi.v2.Document`
//! (github.com/google/gnostic, `openapiv2/OpenAPIv2.proto`), which kubectl
//! 1.27 and 1.28 ask for with `Accept:
//! application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and cannot
//! read as JSON.
//!
//! `encode` turns the Swagger 2.0 JSON that `openapi::v2` builds into that
//! message, as a real API server does (it marshals the same document both
//! ways). It knows the fields that document uses; anything else is an error
//! naming where it was met, so the two forms cannot drift apart silently.
//! `x-…` keys become `NamedAny` vendor extensions whose `yaml` is the value
//! as JSON (which is YAML too).

use serde_json::{Map, Value};

/// One protobuf message being written.
#[derive(Default)]
struct Msg(Vec<u8>);

impl Msg {
    fn varint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn key(&mut self, field: u64, wire: u64) {
        self.varint(field << 3 | wire);
    }

    fn bytes(&mut self, field: u64, b: &[u8]) {
        self.key(field, 2);
        self.varint(b.len() as u64);
        self.0.extend_from_slice(b);
    }

    /// A proto3 string: omitted when empty.
    fn string(&mut self, field: u64, s: &str) {
        if !s.is_empty() {
            self.bytes(field, s.as_bytes());
        }
    }

    /// A proto3 bool: omitted when false (except inside a oneof, see `oneof_bool`).
    fn boolean(&mut self, field: u64, b: bool) {
        if b {
            self.oneof_bool(field, b);
        }
    }

    fn oneof_bool(&mut self, field: u64, b: bool) {
        self.key(field, 0);
        self.varint(u64::from(b));
    }

    fn int(&mut self, field: u64, i: i64) {
        if i != 0 {
            self.key(field, 0);
            self.varint(i as u64);
        }
    }

    fn double(&mut self, field: u64, f: f64) {
        if f != 0.0 {
            self.key(field, 1);
            self.0.extend_from_slice(&f.to_le_bytes());
        }
    }

    /// A sub-message: always written (its presence matters).
    fn msg(&mut self, field: u64, m: Msg) {
        self.bytes(field, &m.0);
    }
}

type Result<T> = std::result::Result<T, String>;

fn obj<'a>(v: &'a Value, at: &str) -> Result<&'a Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| format!("{at}: expected an object, got {v}"))
}

fn str_of<'a>(v: &'a Value, at: &str) -> Result<&'a str> {
    v.as_str()
        .ok_or_else(|| format!("{at}: expected a string, got {v}"))
}

fn bool_of(v: &Value, at: &str) -> Result<bool> {
    v.as_bool()
        .ok_or_else(|| format!("{at}: expected a boolean, got {v}"))
}

fn int_of(v: &Value, at: &str) -> Result<i64> {
    v.as_i64()
        .ok_or_else(|| format!("{at}: expected an integer, got {v}"))
}

fn num_of(v: &Value, at: &str) -> Result<f64> {
    v.as_f64()
        .ok_or_else(|| format!("{at}: expected a number, got {v}"))
}

fn strings(m: &mut Msg, field: u64, v: &Value, at: &str) -> Result<()> {
    let a = v
        .as_array()
        .ok_or_else(|| format!("{at}: expected a list of strings, got {v}"))?;
    for s in a {
        m.bytes(field, str_of(s, at)?.as_bytes());
    }
    Ok(())
}

fn unknown(at: &str, key: &str) -> String {
    format!("{at}: the OpenAPI v2 protobuf encoder does not know the field {key:?}")
}

/// `Any {yaml = 2}`.
fn any(v: &Value) -> Msg {
    let mut m = Msg::default();
    m.string(2, &v.to_string());
    m
}

/// `NamedAny {name = 1; Any value = 2}`.
fn vendor_extension(m: &mut Msg, field: u64, name: &str, v: &Value) {
    let mut named = Msg::default();
    named.string(1, name);
    named.msg(2, any(v));
    m.msg(field, named);
}

fn named(name: &str, value: Msg) -> Msg {
    let mut m = Msg::default();
    m.string(1, name);
    m.msg(2, value);
    m
}

/// Encodes the Swagger 2.0 JSON document as `openapi.v2.Document`.
pub fn encode(doc: &Value) -> Result<Vec<u8>> {
    let mut m = Msg::default();
    for (k, v) in obj(doc, "document")? {
        let at = format!("document.{k}");
        match k.as_str() {
            "swagger" => m.string(1, str_of(v, &at)?),
            "info" => m.msg(2, info(v)?),
            "host" => m.string(3, str_of(v, &at)?),
            "basePath" => m.string(4, str_of(v, &at)?),
            "schemes" => strings(&mut m, 5, v, &at)?,
            "consumes" => strings(&mut m, 6, v, &at)?,
            "produces" => strings(&mut m, 7, v, &at)?,
            "paths" => m.msg(8, paths(v)?),
            "definitions" => {
                let mut defs = Msg::default();
                for (name, s) in obj(v, &at)? {
                    defs.msg(1, named(name, schema(s, &format!("definitions.{name}"))?));
                }
                m.msg(9, defs);
            }
            x if x.starts_with("x-") => vendor_extension(&mut m, 16, x, v),
            other => return Err(unknown("document", other)),
        }
    }
    Ok(m.0)
}

fn info(v: &Value) -> Result<Msg> {
    let mut m = Msg::default();
    for (k, v) in obj(v, "info")? {
        let at = format!("info.{k}");
        match k.as_str() {
            "title" => m.string(1, str_of(v, &at)?),
            "version" => m.string(2, str_of(v, &at)?),
            "description" => m.string(3, str_of(v, &at)?),
            x if x.starts_with("x-") => vendor_extension(&mut m, 7, x, v),
            other => return Err(unknown("info", other)),
        }
    }
    Ok(m)
}

fn paths(v: &Value) -> Result<Msg> {
    let mut m = Msg::default();
    for (k, v) in obj(v, "paths")? {
        if k.starts_with("x-") {
            vendor_extension(&mut m, 1, k, v);
        } else {
            m.msg(2, named(k, path_item(v, k)?));
        }
    }
    Ok(m)
}

fn path_item(v: &Value, path: &str) -> Result<Msg> {
    let mut m = Msg::default();
    for (k, v) in obj(v, path)? {
        let at = format!("{path} {k}");
        match k.as_str() {
            "$ref" => m.string(1, str_of(v, &at)?),
            "get" => m.msg(2, operation(v, &at)?),
            "put" => m.msg(3, operation(v, &at)?),
            "post" => m.msg(4, operation(v, &at)?),
            "delete" => m.msg(5, operation(v, &at)?),
            "options" => m.msg(6, operation(v, &at)?),
            "head" => m.msg(7, operation(v, &at)?),
            "patch" => m.msg(8, operation(v, &at)?),
            "parameters" => parameters(&mut m, 9, v, &at)?,
            x if x.starts_with("x-") => vendor_extension(&mut m, 10, x, v),
            other => return Err(unknown(path, other)),
        }
    }
    Ok(m)
}

fn operation(v: &Value, at: &str) -> Result<Msg> {
    let mut m = Msg::default();
    for (k, v) in obj(v, at)? {
        let here = format!("{at}.{k}");
        match k.as_str() {
            "tags" => strings(&mut m, 1, v, &here)?,
            "summary" => m.string(2, str_of(v, &here)?),
            "description" => m.string(3, str_of(v, &here)?),
            "operationId" => m.string(5, str_of(v, &here)?),
            "produces" => strings(&mut m, 6, v, &here)?,
            "consumes" => strings(&mut m, 7, v, &here)?,
            "parameters" => parameters(&mut m, 8, v, &here)?,
            "responses" => m.msg(9, responses(v, &here)?),
            "schemes" => strings(&mut m, 10, v, &here)?,
            "deprecated" => m.boolean(11, bool_of(v, &here)?),
            x if x.starts_with("x-") => vendor_extension(&mut m, 13, x, v),
            other => return Err(unknown(at, other)),
        }
    }
    Ok(m)
}

/// `repeated ParametersItem`: `{parameter = 1 | json_reference = 2}`.
fn parameters(m: &mut Msg, field: u64, v: &Value, at: &str) -> Result<()> {
    let list = v
        .as_array()
        .ok_or_else(|| format!("{at}: expected a list, got {v}"))?;
    for p in list {
        let mut item = Msg::default();
        if let Some(r) = p.get("$ref") {
            let mut reference = Msg::default();
            reference.string(1, str_of(r, at)?);
            item.msg(2, reference);
        } else {
            item.msg(1, parameter(p, at)?);
        }
        m.msg(field, item);
    }
    Ok(())
}

/// `Parameter {body_parameter = 1 | non_body_parameter = 2}`; a
/// `NonBodyParameter` is `{header = 1 | form_data = 2 | query = 3 | path = 4}`.
fn parameter(p: &Value, at: &str) -> Result<Msg> {
    let location = p.get("in").and_then(Value::as_str).unwrap_or("");
    let name = p.get("name").and_then(Value::as_str).unwrap_or("");
    let at = format!("{at} parameter {name:?}");
    let mut out = Msg::default();
    if location == "body" {
        let mut body = Msg::default();
        for (k, v) in obj(p, &at)? {
            match k.as_str() {
                "description" => body.string(1, str_of(v, &at)?),
                "name" => body.string(2, str_of(v, &at)?),
                "in" => body.string(3, str_of(v, &at)?),
                "required" => body.boolean(4, bool_of(v, &at)?),
                "schema" => body.msg(5, schema(v, &at)?),
                x if x.starts_with("x-") => vendor_extension(&mut body, 6, x, v),
                other => return Err(unknown(&at, other)),
            }
        }
        out.msg(1, body);
        return Ok(out);
    }
    // Field numbers of {Query,Header,Path}ParameterSubSchema: query has
    // allow_empty_value = 5 and so every later field one further.
    let (which, shift) = match location {
        "query" => (3, 1),
        "header" => (1, 0),
        "path" => (4, 0),
        other => return Err(format!("{at}: unsupported parameter location {other:?}")),
    };
    let mut sub = Msg::default();
    for (k, v) in obj(p, &at)? {
        match k.as_str() {
            "required" => sub.boolean(1, bool_of(v, &at)?),
            "in" => sub.string(2, str_of(v, &at)?),
            "description" => sub.string(3, str_of(v, &at)?),
            "name" => sub.string(4, str_of(v, &at)?),
            "allowEmptyValue" if shift == 1 => sub.boolean(5, bool_of(v, &at)?),
            "type" => sub.string(5 + shift, str_of(v, &at)?),
            "format" => sub.string(6 + shift, str_of(v, &at)?),
            "uniqueItems" => sub.boolean(19 + shift, bool_of(v, &at)?),
            x if x.starts_with("x-") => vendor_extension(&mut sub, 22 + shift, x, v),
            other => return Err(unknown(&at, other)),
        }
    }
    let mut non_body = Msg::default();
    non_body.msg(which, sub);
    out.msg(2, non_body);
    Ok(out)
}

/// `Responses {repeated NamedResponseValue response_code = 1}`; a
/// `ResponseValue` is `{response = 1 | json_reference = 2}`.
fn responses(v: &Value, at: &str) -> Result<Msg> {
    let mut m = Msg::default();
    for (code, r) in obj(v, at)? {
        let here = format!("{at} {code}");
        if code.starts_with("x-") {
            vendor_extension(&mut m, 2, code, r);
            continue;
        }
        let mut response = Msg::default();
        for (k, v) in obj(r, &here)? {
            match k.as_str() {
                "description" => response.string(1, str_of(v, &here)?),
                "schema" => {
                    // SchemaItem {schema = 1 | file_schema = 2}
                    let mut item = Msg::default();
                    item.msg(1, schema(v, &here)?);
                    response.msg(2, item);
                }
                x if x.starts_with("x-") => vendor_extension(&mut response, 5, x, v),
                other => return Err(unknown(&here, other)),
            }
        }
        let mut value = Msg::default();
        value.msg(1, response);
        m.msg(1, named(code, value));
    }
    Ok(m)
}

/// `Schema`, with the fields `openapi::v2` uses and the usual scalars.
fn schema(v: &Value, at: &str) -> Result<Msg> {
    let mut m = Msg::default();
    for (k, v) in obj(v, at)? {
        let here = format!("{at}.{k}");
        match k.as_str() {
            "$ref" => m.string(1, str_of(v, &here)?),
            "format" => m.string(2, str_of(v, &here)?),
            "title" => m.string(3, str_of(v, &here)?),
            "description" => m.string(4, str_of(v, &here)?),
            "default" => m.msg(5, any(v)),
            "multipleOf" => m.double(6, num_of(v, &here)?),
            "maximum" => m.double(7, num_of(v, &here)?),
            "exclusiveMaximum" => m.boolean(8, bool_of(v, &here)?),
            "minimum" => m.double(9, num_of(v, &here)?),
            "exclusiveMinimum" => m.boolean(10, bool_of(v, &here)?),
            "maxLength" => m.int(11, int_of(v, &here)?),
            "minLength" => m.int(12, int_of(v, &here)?),
            "pattern" => m.string(13, str_of(v, &here)?),
            "maxItems" => m.int(14, int_of(v, &here)?),
            "minItems" => m.int(15, int_of(v, &here)?),
            "uniqueItems" => m.boolean(16, bool_of(v, &here)?),
            "maxProperties" => m.int(17, int_of(v, &here)?),
            "minProperties" => m.int(18, int_of(v, &here)?),
            "required" => strings(&mut m, 19, v, &here)?,
            "enum" => {
                for e in v
                    .as_array()
                    .ok_or_else(|| format!("{here}: expected a list, got {v}"))?
                {
                    m.msg(20, any(e));
                }
            }
            "additionalProperties" => {
                // AdditionalPropertiesItem {schema = 1 | boolean = 2}
                let mut item = Msg::default();
                match v {
                    Value::Bool(b) => item.oneof_bool(2, *b),
                    _ => item.msg(1, schema(v, &here)?),
                }
                m.msg(21, item);
            }
            "type" => {
                // TypeItem {repeated string value = 1}
                let mut item = Msg::default();
                match v {
                    Value::Array(_) => strings(&mut item, 1, v, &here)?,
                    _ => item.string(1, str_of(v, &here)?),
                }
                m.msg(22, item);
            }
            "items" => {
                // ItemsItem {repeated Schema schema = 1}
                let mut item = Msg::default();
                match v {
                    Value::Array(a) => {
                        for s in a {
                            item.msg(1, schema(s, &here)?);
                        }
                    }
                    _ => item.msg(1, schema(v, &here)?),
                }
                m.msg(23, item);
            }
            "allOf" => {
                for s in v
                    .as_array()
                    .ok_or_else(|| format!("{here}: expected a list, got {v}"))?
                {
                    m.msg(24, schema(s, &here)?);
                }
            }
            "properties" => {
                // Properties {repeated NamedSchema additional_properties = 1}
                let mut props = Msg::default();
                for (name, s) in obj(v, &here)? {
                    props.msg(1, named(name, schema(s, &format!("{here}.{name}"))?));
                }
                m.msg(25, props);
            }
            "discriminator" => m.string(26, str_of(v, &here)?),
            "readOnly" => m.boolean(27, bool_of(v, &here)?),
            "example" => m.msg(30, any(v)),
            x if x.starts_with("x-") => vendor_extension(&mut m, 31, x, v),
            other => return Err(unknown(at, other)),
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_served_document_encodes() {
        let bytes = encode(&crate::openapi::v2()).expect("every field of openapi::v2 is known");
        // field 1 (swagger), wire type 2, length 3, "2.0"
        assert_eq!(&bytes[..5], b"\x0a\x032.0");
    }

    #[test]
    fn scalars_and_oneofs() {
        let doc = json!({"swagger": "2.0", "info": {"title": "T", "version": "v"}, "paths": {}, "definitions": {
            "a": {"type": "object", "additionalProperties": false},
        }});
        let b = encode(&doc).unwrap();
        let expected: Vec<u8> = [
            &b"\x0a\x032.0"[..],
            b"\x12\x06\x0a\x01T\x12\x01v",
            b"\x42\x00",
            // definitions { NamedSchema { name "a", Schema { type {"object"}, additionalProperties {boolean false} } } }
            b"\x4a\x17\x0a\x15\x0a\x01a\x12\x10\xb2\x01\x08\x0a\x06object\xaa\x01\x02\x10\x00",
        ]
        .concat();
        assert_eq!(b, expected);
    }

    #[test]
    fn an_unknown_field_is_an_error_naming_it() {
        let e = encode(&json!({"swagger": "2.0", "securityDefinitions": {}})).unwrap_err();
        assert!(e.contains("securityDefinitions"), "{e}");
    }
}
