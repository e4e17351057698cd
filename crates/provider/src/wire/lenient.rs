//! Values read leniently, without building a tree unless the value is one.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// A value read where a string is expected: text (borrowed from the input when it
/// has no escapes), `null`, or anything else as a tree (kept in `extra`, or read
/// as array content). Numbers and booleans become text. Only a value that is not
/// text builds a tree; a string costs at most its own allocation.
pub(super) enum Lenient<'de> {
    Text(Cow<'de, str>),
    Null,
    Other(Value),
}

impl<'de> Lenient<'de> {
    /// The value as an owned string (`Ok(None)` for `null`), or the tree back.
    pub(super) fn into_string(self) -> Result<Option<String>, Value> {
        match self {
            Lenient::Text(text) => Ok(Some(text.into_owned())),
            Lenient::Null => Ok(None),
            Lenient::Other(value) => Err(value),
        }
    }
}

impl<'de> Deserialize<'de> for Lenient<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor)
    }
}

struct LenientVisitor;

impl<'de> Visitor<'de> for LenientVisitor {
    type Value = Lenient<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Lenient::Text(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Lenient::Text(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Lenient::Text(Cow::Owned(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Lenient::Text(Cow::Owned(v.to_string())))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Lenient::Text(Cow::Owned(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // The text `Value::Number` would print (JSON has no NaN or infinity).
        Ok(match serde_json::Number::from_f64(v) {
            Some(n) => Lenient::Text(Cow::Owned(n.to_string())),
            None => Lenient::Null,
        })
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Lenient::Text(Cow::Borrowed(if v {
            "true"
        } else {
            "false"
        })))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Lenient::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Lenient::Other)
    }
}

/// A count read leniently: integers, floats (truncated) and numeric strings;
/// anything else is `None` (and is skipped without building a tree).
pub(super) struct LenientU64(pub(super) Option<u64>);

impl<'de> Deserialize<'de> for LenientU64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientU64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a count")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientU64, E> {
                Ok(LenientU64(Some(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientU64, E> {
                Ok(LenientU64(u64::try_from(v).ok()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LenientU64, E> {
                Ok(LenientU64(
                    Some(v)
                        .filter(|f| f.is_finite() && *f >= 0.0)
                        .map(|f| f as u64),
                ))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientU64, E> {
                Ok(LenientU64(v.trim().parse().ok()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<LenientU64, E> {
                Ok(LenientU64(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<LenientU64, E> {
                Ok(LenientU64(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<LenientU64, E> {
                Ok(LenientU64(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<LenientU64, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<LenientU64, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(LenientU64(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LenientU64, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(LenientU64(None))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// An `index` read leniently ([`LenientU64`]); `None` when it does not fit a `u32`.
pub(super) fn lenient_index(value: LenientU64) -> Option<u32> {
    value.0.and_then(|i| u32::try_from(i).ok())
}

/// An unknown field's value: a string borrowed from the input when it can be
/// (compared with the kept value before anything is allocated), else a tree.
pub(super) enum Unknown<'de> {
    Text(Cow<'de, str>),
    Tree(Value),
}

impl Unknown<'_> {
    pub(super) fn equals(&self, stored: &Value) -> bool {
        match (self, stored) {
            (Unknown::Text(text), Value::String(stored)) => text.as_ref() == stored,
            (Unknown::Tree(value), stored) => value == stored,
            _ => false,
        }
    }

    pub(super) fn into_value(self) -> Value {
        match self {
            Unknown::Text(text) => Value::String(text.into_owned()),
            Unknown::Tree(value) => value,
        }
    }
}

impl<'de> Deserialize<'de> for Unknown<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Unknown<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Unknown<'de>, E> {
                Ok(Unknown::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Unknown<'de>, E> {
                Ok(Unknown::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Unknown<'de>, E> {
                Ok(Unknown::Text(Cow::Owned(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Unknown<'de>, E> {
                Ok(Unknown::Tree(Value::from(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Unknown<'de>, E> {
                Ok(Unknown::Tree(Value::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Unknown<'de>, E> {
                Ok(Unknown::Tree(Value::from(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Unknown<'de>, E> {
                Ok(Unknown::Tree(Value::Bool(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Unknown<'de>, E> {
                Ok(Unknown::Tree(Value::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Unknown<'de>, E> {
                Ok(Unknown::Tree(Value::Null))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Unknown<'de>, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Unknown<'de>, A::Error> {
                Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Unknown::Tree)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Unknown<'de>, A::Error> {
                Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Unknown::Tree)
            }
        }
        deserializer.deserialize_any(V)
    }
}
