//! Names the field at fault when a JSON body does not fit its operation's schema.
//!
//! poem-openapi reports a missing or wrongly typed field without its name ("Expected
//! input type string, found null"). The edge keeps a copy of small JSON bodies; on such
//! an error this compares the body with the request schema in lapak's own OpenAPI
//! document and returns the first required field that is absent, or the first field
//! whose JSON type is wrong.

use serde_json::{Map, Value};

/// The OpenAPI document, parsed once, for lookups by route pattern and method.
pub struct SpecIndex {
    spec: Value,
    /// Route shape with anonymous parameters (`/api/v1/products/{}`) -> documented path.
    by_shape: std::collections::HashMap<String, String>,
}

impl SpecIndex {
    pub fn new(spec_json: &str) -> Self {
        let spec: Value = serde_json::from_str(spec_json).unwrap_or(Value::Null);
        let by_shape = spec
            .get("paths")
            .and_then(Value::as_object)
            .map(|paths| paths.keys().map(|k| (shape(k), k.clone())).collect())
            .unwrap_or_default();
        Self { spec, by_shape }
    }

    /// The documented path (`/api/v1/products/{id}`) of a matched route pattern. poem-openapi
    /// names path parameters `param0`, `param1`... inside its router.
    pub fn documented_path(&self, pattern: &str) -> Option<&str> {
        self.by_shape.get(&shape(pattern)).map(String::as_str)
    }

    /// The real name of a router parameter (`param0` -> `id`) on a matched route.
    pub fn path_param_name(&self, pattern: &str, router_name: &str) -> Option<String> {
        let n: usize = router_name.strip_prefix("param")?.parse().ok()?;
        let path = self.documented_path(pattern)?;
        path.split('/').filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}')).nth(n).map(str::to_string)
    }

    /// The documented path a request path falls under (`/api/v1/products/12` ->
    /// `/api/v1/products/{id}`), preferring the one with the most literal segments.
    pub fn template_for(&self, raw_path: &str) -> Option<&str> {
        let segs: Vec<&str> = raw_path.trim_end_matches('/').split('/').collect();
        let paths = self.spec.get("paths")?.as_object()?;
        paths
            .keys()
            .filter_map(|t| {
                let tsegs: Vec<&str> = t.split('/').collect();
                if tsegs.len() != segs.len() {
                    return None;
                }
                let mut literal = 0;
                for (a, b) in tsegs.iter().zip(&segs) {
                    if a.starts_with('{') && a.ends_with('}') {
                        if b.is_empty() {
                            return None;
                        }
                    } else if a == b {
                        literal += 1;
                    } else {
                        return None;
                    }
                }
                Some((literal, t.as_str()))
            })
            .max_by_key(|(literal, _)| *literal)
            .map(|(_, t)| t)
    }

    /// The methods documented for a request path (for a 405's `Allow`).
    pub fn methods_for(&self, raw_path: &str) -> Vec<String> {
        let Some(t) = self.template_for(raw_path) else { return vec![] };
        let mut out: Vec<String> = self
            .spec
            .get("paths")
            .and_then(|p| p.get(t))
            .and_then(Value::as_object)
            .map(|ops| ops.keys().map(|m| m.to_ascii_uppercase()).collect())
            .unwrap_or_default();
        out.sort();
        out
    }

    /// The first present field whose JSON type is not the one its schema names (a
    /// number where a string is expected, ...): such bodies are refused, not coerced.
    pub fn mistyped_field(&self, method: &str, raw_path: &str, body: &Value) -> Option<String> {
        let path = self.template_for(raw_path)?;
        let op = self.spec.get("paths")?.get(path)?.get(method.to_ascii_lowercase())?;
        let content = op.get("requestBody")?.get("content")?.as_object()?;
        let schema = content.iter().find(|(ct, _)| ct.contains("json"))?.1.get("schema")?;
        self.types(schema, body, "")
    }

    fn types(&self, schema: &Value, value: &Value, prefix: &str) -> Option<String> {
        let schema = self.resolve(schema);
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            return parts.iter().find_map(|p| self.types(p, value, prefix));
        }
        let join = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
        match value {
            Value::Object(obj) => {
                let props = schema.get("properties").and_then(Value::as_object);
                let extra = schema.get("additionalProperties").filter(|a| a.is_object());
                for (k, v) in obj {
                    let Some(prop) = props.and_then(|p| p.get(k)).or(extra) else { continue };
                    let prop = self.resolve(prop);
                    if !type_fits(self, prop, v) {
                        return Some(join(k));
                    }
                    if let Some(inner) = self.types(prop, v, &join(k)) {
                        return Some(inner);
                    }
                }
                None
            }
            Value::Array(items) => {
                let item_schema = schema.get("items")?;
                items.iter().enumerate().find_map(|(i, v)| {
                    let at = format!("{prefix}[{i}]");
                    if !type_fits(self, self.resolve(item_schema), v) {
                        return Some(at);
                    }
                    self.types(item_schema, v, &at)
                })
            }
            _ => None,
        }
    }

    /// `pattern` is poem's matched pattern (`/api/v1/products/:param0`).
    pub fn field_at_fault(&self, method: &str, pattern: &str, body: &Value) -> Option<String> {
        let path = self.documented_path(pattern).map(str::to_string).unwrap_or_else(|| openapi_path(pattern));
        let op = self.spec.get("paths")?.get(&path)?.get(method.to_ascii_lowercase())?;
        let schema = op.get("requestBody")?.get("content")?.as_object()?.values().next()?.get("schema")?;
        self.check(schema, body, "")
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap_or_default();
                self.spec.get("components").and_then(|c| c.get("schemas")).and_then(|s| s.get(name)).unwrap_or(schema)
            }
            None => schema,
        }
    }

    fn check(&self, schema: &Value, value: &Value, prefix: &str) -> Option<String> {
        let schema = self.resolve(schema);
        // allOf (flattened objects, refs with descriptions): check each part.
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            return parts.iter().find_map(|p| self.check(p, value, prefix));
        }
        let ty = schema.get("type").and_then(Value::as_str);
        match (ty, value) {
            (Some("object"), Value::Object(obj)) => self.check_object(schema, obj, prefix),
            (Some("array"), Value::Array(items)) => {
                let item_schema = schema.get("items")?;
                items.iter().enumerate().find_map(|(i, v)| self.check(item_schema, v, &format!("{prefix}[{i}]")))
            }
            _ => None,
        }
    }

    fn check_object(&self, schema: &Value, obj: &Map<String, Value>, prefix: &str) -> Option<String> {
        let join = |k: &str| {
            if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}.{k}")
            }
        };
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for r in required.iter().filter_map(Value::as_str) {
                if obj.get(r).is_none_or(Value::is_null) {
                    return Some(join(r));
                }
            }
        }
        let props = schema.get("properties").and_then(Value::as_object)?;
        for (k, v) in obj {
            let Some(prop) = props.get(k) else { continue };
            let prop = self.resolve(prop);
            if !type_fits(self, prop, v) {
                return Some(join(k));
            }
            if let Some(inner) = self.check(prop, v, &join(k)) {
                return Some(inner);
            }
        }
        None
    }
}

fn type_fits(index: &SpecIndex, schema: &Value, v: &Value) -> bool {
    if v.is_null() {
        return true; // optional fields may be null; required ones are caught above
    }
    if let Some(any) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Value::as_array) {
        return any.iter().any(|s| type_fits(index, index.resolve(s), v));
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => v.is_string(),
        Some("integer") => v.is_i64() || v.is_u64(),
        Some("number") => v.is_number(),
        Some("boolean") => v.is_boolean(),
        Some("array") => v.is_array(),
        Some("object") => v.is_object(),
        _ => true,
    }
}

/// `/api/v1/products/:param0` and `/api/v1/products/{id}` -> `/api/v1/products/{}`.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.starts_with(':') || (seg.starts_with('{') && seg.ends_with('}')) { "{}" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// `/api/v1/products/:id` -> `/api/v1/products/{id}`.
fn openapi_path(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|seg| match seg.strip_prefix(':') {
            Some(name) => format!("{{{name}}}"),
            None => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn index() -> SpecIndex {
        let spec = json!({
            "paths": {"/api/v1/things/{id}": {"post": {"requestBody": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}}}}}}},
            "components": {"schemas": {
                "Thing": {"type": "object", "required": ["name", "price"], "properties": {
                    "name": {"type": "string"}, "price": {"type": "integer"},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}}},
                "Tag": {"type": "object", "required": ["label"], "properties": {"label": {"type": "string"}}}
            }}
        });
        SpecIndex::new(&spec.to_string())
    }

    #[test]
    fn finds_missing_and_mistyped_fields() {
        let i = index();
        let at = |b: Value| i.field_at_fault("POST", "/api/v1/things/:id", &b);
        assert_eq!(at(json!({"price": 1})), Some("name".into()));
        assert_eq!(at(json!({"name": "x", "price": "1"})), Some("price".into()));
        assert_eq!(at(json!({"name": "x", "price": 1, "tags": [{"label": "a"}, {}]})), Some("tags[1].label".into()));
        assert_eq!(at(json!({"name": "x", "price": 1})), None);
        assert_eq!(i.field_at_fault("POST", "/nope", &json!({})), None);
        assert_eq!(i.documented_path("/api/v1/things/:param0"), Some("/api/v1/things/{id}"));
        assert_eq!(i.path_param_name("/api/v1/things/:param0", "param0").as_deref(), Some("id"));
        assert_eq!(i.field_at_fault("POST", "/api/v1/things/:param0", &json!({"price": 1})), Some("name".into()));
    }

    #[test]
    fn finds_mistyped_fields_by_request_path() {
        let i = index();
        let typed = |b: Value| i.mistyped_field("POST", "/api/v1/things/42", &b);
        assert_eq!(typed(json!({"name": 123, "price": 1})), Some("name".into()));
        assert_eq!(typed(json!({"name": false})), Some("name".into()));
        assert_eq!(typed(json!({"name": "x", "tags": [{"label": 7}]})), Some("tags[0].label".into()));
        assert_eq!(typed(json!({"name": "x", "tags": ["nope"]})), Some("tags[0]".into()));
        assert_eq!(typed(json!({"price": 1})), None, "missing fields are poem's to report");
        assert_eq!(typed(json!({"name": null})), None);
        assert_eq!(i.template_for("/api/v1/things/42"), Some("/api/v1/things/{id}"));
        assert_eq!(i.methods_for("/api/v1/things/42"), vec!["POST".to_string()]);
        assert_eq!(i.template_for("/api/v1/other/42"), None);
    }
}
