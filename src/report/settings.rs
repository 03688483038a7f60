//! The settings of a study as `(key, value)` text rows, for the report formats that list
//! them (`report.html`, the `settings` sheet of `results.xlsx`): the evstudy version, the
//! price column returns came from, then every field of the `StudyConfig` that `study.json`
//! records, nested keys joined by `.` and lists of scalars by `, `.

use serde_json::Value;

use crate::result::Study;

/// The settings rows of `study`, in a fixed order.
pub fn settings_rows(study: &Study) -> Vec<(String, String)> {
    let mut rows = vec![("evstudy_version".to_string(), study.version.clone())];
    if let Ok(Value::String(s)) = serde_json::to_value(study.return_source) {
        rows.push(("return_source".to_string(), s));
    }
    if let Ok(v) = serde_json::to_value(&study.config) {
        rows.extend(flatten("", &v));
    }
    rows
}

/// `(dotted key, text)` of every leaf of a JSON value.
fn flatten(prefix: &str, v: &Value) -> Vec<(String, String)> {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match v {
        Value::Object(m) => m.iter().flat_map(|(k, v)| flatten(&key(k), v)).collect(),
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            let items: Vec<String> = a.iter().map(scalar).collect();
            vec![(prefix.to_string(), items.join(", "))]
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .flat_map(|(i, x)| flatten(&key(&i.to_string()), x))
            .collect(),
        x => vec![(prefix.to_string(), scalar(x))],
    }
}

/// A scalar as text: strings bare, `null` as empty.
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        x => x.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::flatten;

    #[test]
    fn nested_keys_are_dotted_and_scalar_lists_joined() {
        let v = serde_json::json!({"a": 1, "b": {"c": "x", "d": null}, "e": ["0:0", "-1:1"], "f": [{"g": true}]});
        let rows = flatten("", &v);
        let want = [
            ("a", "1"),
            ("b.c", "x"),
            ("b.d", ""),
            ("e", "0:0, -1:1"),
            ("f.0.g", "true"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        assert_eq!(rows, want);
    }
}
