//! View models as Tera values, built directly: no `serde_json` tree per page
//! converted field by field, and a part built once (an article card) is shared
//! by every page that shows it, since cloning a map or list is a reference count.

use std::hash::{Hash, Hasher};
use tera::Value;
use tera::value::ValueKind;

/// A map value from its fields. Tera makes its own map from any map it is
/// given, hashing every key again; a value it serializes as a struct is the
/// one map it builds, each field a value passed through (a reference count
/// for a map, a list or a long string). Two maps built and one hashed twice
/// before ([`tera::Map`] then `Value::from`): 7 % of a 10,000-article build's
/// samples; before that, a `BTreeMap` cost more still.
pub fn map<const N: usize>(fields: [(&'static str, Value); N]) -> Value {
    // Tera's serializer fails only on map keys that are not strings, numbers
    // or booleans; a struct's field names are strings, and the values pass through.
    Value::try_from_serializable(&Fields(&fields)).expect("a struct of Tera values serializes")
}

/// Fields that serialize as a struct's, for [`map`].
struct Fields<'f, const N: usize>(&'f [(&'static str, Value); N]);

impl<const N: usize> serde::Serialize for Fields<'_, N> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut fields = serializer.serialize_struct("fields", N)?;
        for (key, value) in self.0 {
            fields.serialize_field(key, value)?;
        }
        fields.end()
    }
}

/// A list value.
pub fn list(items: Vec<Value>) -> Value {
    Value::from(items)
}

/// A string value (escaped by the template when printed, like any string).
pub fn string(s: &str) -> Value {
    Value::from(s)
}

/// Feeds a view model to a hasher, map keys in sorted order (a Tera map's
/// iteration order differs between two maps with the same entries).
pub fn hash(v: &Value, h: &mut impl Hasher) {
    let kind = v.kind();
    std::mem::discriminant(&kind).hash(h);
    v.is_safe().hash(h);
    match kind {
        ValueKind::Bool => v.as_bool().hash(h),
        ValueKind::U64 | ValueKind::I64 | ValueKind::U128 | ValueKind::I128 => {
            (v.as_i128(), v.as_u128()).hash(h);
        }
        ValueKind::F64 => v.as_f64().map(f64::to_bits).hash(h),
        ValueKind::String => v.as_str().hash(h),
        ValueKind::Array => {
            let items = v.as_array().unwrap_or_default();
            items.len().hash(h);
            for item in items {
                hash(item, h);
            }
        }
        ValueKind::Map => {
            let mut entries: Vec<_> = v.as_map().into_iter().flatten().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            entries.len().hash(h);
            for (key, value) in entries {
                key.hash(h);
                hash(value, h);
            }
        }
        ValueKind::Bytes => v.as_bytes().hash(h),
        _ => {} // undefined, none: the discriminant says it all
    }
}

/// Tera's escaping, byte for byte (`&<>"'`), writing the runs between special
/// characters whole instead of one byte at a time.
pub fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    super::html::escaped_pieces(input).try_for_each(|piece| out.write_all(piece.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_tera() {
        for s in ["", "plain", "<a href=\"x\">'&'</a>", "قال «x» & y", "&&", "tail<"] {
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            escape_html(s, &mut ours).unwrap();
            tera::escape_html(s, &mut theirs).unwrap();
            assert_eq!(ours, theirs, "{s}");
        }
    }

    #[test]
    fn hash_ignores_map_order() {
        let fingerprint = |v: &Value| {
            let mut h = rustc_hash::FxHasher::default();
            hash(v, &mut h);
            h.finish()
        };
        let a = map([("x", Value::from(1u64)), ("y", string("b"))]);
        let b = map([("y", string("b")), ("x", Value::from(1u64))]);
        let c = map([("y", string("c")), ("x", Value::from(1u64))]);
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }
}
