//! The last pass over the OpenAPI document poem-openapi generates, so that clients
//! generated from it work on the first try (openapi-typescript, openapi-python-client,
//! schemathesis are run against it by the contract test):
//! - poem-openapi's `naive-date` format is the standard `date`;
//! - a described reference to an enum comes out as `allOf: [{$ref}, {description}]`,
//!   which several generators cannot take; it becomes `{$ref, description}`;
//! - every operation documents the uniform error body for 4XX and 5XX, whatever else it
//!   documents (the edge answers 413, 415 and 429 for any route);
//! - request bodies poem-openapi leaves inline (multipart forms, raw webhook bodies)
//!   become named schemas (`<OperationId>Request`), so generators name their types;
//! - where a token is optional (the catalog, checkout, an order's page), the operation
//!   carries no security requirement and its description says the token is optional:
//!   generators read `[{}, {bearer}]` as "token required" (openapi-python-client makes
//!   it an AuthenticatedClient-only call), so a guest could not call it.
//!
//! Absent values are never sent as `null`: every object skips its `None` fields, so the
//! document's "not required" means "may be absent", and nothing is nullable.

use serde_json::{json, Map, Value};

/// Keywords that only annotate a schema (safe beside a `$ref`).
const ANNOTATIONS: [&str; 7] = ["description", "default", "example", "title", "readOnly", "writeOnly", "deprecated"];

/// The finished document, as JSON text.
pub fn finish(spec_json: &str) -> String {
    let Ok(mut spec) = serde_json::from_str::<Value>(spec_json) else {
        return spec_json.to_string();
    };
    unwrap_refs(&mut spec);
    let mut named = Map::new();
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for ops in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in ops.values_mut().filter_map(Value::as_object_mut) {
                document_errors(op);
                optional_auth(op);
                name_inline_body(op, &mut named);
            }
        }
    }
    if let Some(schemas) = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        schemas.extend(named);
    }
    serde_json::to_string(&spec).unwrap_or_else(|_| spec_json.to_string())
}

/// `{allOf: [{$ref: X}, {description: D}]}` -> `{$ref: X, description: D}`, and
/// poem-openapi's `naive-date` format -> the standard `date`, everywhere.
fn unwrap_refs(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(unwrapped) = single_ref(map) {
                *map = unwrapped;
            }
            if map.get("format").and_then(Value::as_str) == Some("naive-date") {
                map.insert("format".into(), Value::String("date".into()));
            }
            for child in map.values_mut() {
                unwrap_refs(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(unwrap_refs),
        _ => {}
    }
}

fn single_ref(map: &Map<String, Value>) -> Option<Map<String, Value>> {
    let parts = map.get("allOf")?.as_array()?;
    let (first, rest) = parts.split_first()?;
    let target = first.as_object().filter(|f| f.len() == 1)?.get("$ref")?.clone();
    let only_notes = |m: &Map<String, Value>| m.keys().all(|k| ANNOTATIONS.contains(&k.as_str()));
    if !rest.iter().all(|p| p.as_object().is_some_and(only_notes)) || !only_notes_except(map, "allOf") {
        return None;
    }
    let mut out = Map::new();
    out.insert("$ref".into(), target);
    for source in rest.iter().filter_map(Value::as_object).chain(std::iter::once(map)) {
        for k in ANNOTATIONS {
            if let Some(val) = source.get(k) {
                out.entry(k.to_string()).or_insert_with(|| val.clone());
            }
        }
    }
    Some(out)
}

fn only_notes_except(map: &Map<String, Value>, key: &str) -> bool {
    map.keys().all(|k| k == key || ANNOTATIONS.contains(&k.as_str()))
}

/// An inline request body schema moves to `components/schemas/<OperationId>Request`.
fn name_inline_body(op: &mut Map<String, Value>, named: &mut Map<String, Value>) {
    let Some(id) = op.get("operationId").and_then(Value::as_str) else { return };
    let mut name: String = id.chars().take(1).flat_map(char::to_uppercase).chain(id.chars().skip(1)).collect();
    name.push_str("Request");
    let Some(content) = op.get_mut("requestBody").and_then(|b| b.get_mut("content")).and_then(Value::as_object_mut)
    else {
        return;
    };
    for media in content.values_mut().filter_map(Value::as_object_mut) {
        let Some(schema) = media.get_mut("schema") else { continue };
        if schema.get("$ref").is_some() {
            continue;
        }
        named.insert(name.clone(), schema.take());
        *schema = json!({"$ref": format!("#/components/schemas/{name}")});
    }
}

fn document_errors(op: &mut Map<String, Value>) {
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { return };
    let body = json!({"application/json; charset=utf-8": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}});
    responses.entry("4XX").or_insert_with(|| {
        json!({"description": "Client error: too large (413), wrong content type (415), rate limited (429, with \
                               Retry-After), or another refusal; the uniform error body.", "content": body})
    });
    responses.entry("5XX").or_insert_with(
        || json!({"description": "Server or upstream error; the uniform error body.", "content": body}),
    );
}

fn optional_auth(op: &mut Map<String, Value>) {
    let optional = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(Map::is_empty)));
    if !optional {
        return;
    }
    op.remove("security");
    let note = "Login is optional: without a token the caller is a guest; with `Authorization: Bearer <token>` \
                it acts as that member (a token that does not work is a 401).";
    let description = match op.get("description").and_then(Value::as_str) {
        Some(d) => format!("{d}\n\n{note}"),
        None => note.to_string(),
    };
    op.insert("description".into(), Value::String(description));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn described_refs_are_unwrapped_and_objects_kept() {
        let spec = json!({
            "paths": {"/x": {"get": {"security": [{"Bearer": []}, {}], "responses": {"200": {"description": "ok"}}},
                             "post": {"operationId": "uploadThing", "responses": {},
                                      "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}}}}},
            "components": {"schemas": {"A": {"type": "object", "properties": {
                "kind": {"description": "d", "allOf": [{"$ref": "#/components/schemas/K"}, {"description": "d", "default": "x"}]},
                "flat": {"allOf": [{"$ref": "#/components/schemas/B"}, {"type": "object", "properties": {"y": {"type": "string"}}}]}
            }}}}
        });
        let out: Value = serde_json::from_str(&finish(&spec.to_string())).unwrap();
        let kind = &out["components"]["schemas"]["A"]["properties"]["kind"];
        assert_eq!(kind, &json!({"$ref": "#/components/schemas/K", "description": "d", "default": "x"}));
        let flat = &out["components"]["schemas"]["A"]["properties"]["flat"];
        assert!(flat["allOf"].is_array(), "an allOf of objects stays");
        let op = &out["paths"]["/x"]["get"];
        assert!(op.get("security").is_none(), "optional auth is no requirement");
        assert!(op["description"].as_str().unwrap().contains("Login is optional"));
        assert_eq!(
            op["responses"]["4XX"]["content"]["application/json; charset=utf-8"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody"
        );
        assert!(op["responses"]["5XX"].is_object());
        let post = &out["paths"]["/x"]["post"];
        assert_eq!(
            post["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"],
            "#/components/schemas/UploadThingRequest"
        );
        assert_eq!(out["components"]["schemas"]["UploadThingRequest"]["type"], "object");
    }
}
