//! Lenient scalar decoding for raw fields.
//!
//! Go's yaml.v3 decodes any scalar into a string field (`api-key: 12345`,
//! `X-Version: 2`); serde would reject those as type errors. Every raw field is
//! decoded through [`Lenient`], which accepts numbers and booleans where a string is
//! expected and is plain `Deserialize` for everything else. Paths in error
//! messages are unaffected.

use std::{collections::BTreeMap, fmt};

use serde::{
    Deserialize, Deserializer,
    de::{self, Visitor},
};

/// A type decoded leniently (see module docs).
pub trait Lenient: Sized {
    /// Decodes `Self`, accepting any scalar for strings.
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// Wrapper that decodes its content with [`Lenient`].
pub(crate) struct LenientWrap<T>(pub T);

impl<'de, T: Lenient> Deserialize<'de> for LenientWrap<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::lenient(d).map(LenientWrap)
    }
}

/// `deserialize_with` target for every raw `Option<T>` field.
pub(crate) fn option<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Option<T>, D::Error> {
    Ok(Option::<LenientWrap<T>>::deserialize(d)?.map(|w| w.0))
}

impl Lenient for String {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyScalar)
    }
}

struct AnyScalar;

impl Visitor<'_> for AnyScalar {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
}

macro_rules! strict {
    ($($ty:ty),*) => {
        $(impl Lenient for $ty {
            fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <$ty as Deserialize>::deserialize(d)
            }
        })*
    };
}
strict!(
    bool,
    i64,
    serde_yaml_ng::Value,
    super::sections::RawImageGeneration
);

impl<T: Lenient> Lenient for Vec<T> {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<LenientWrap<T>>::deserialize(d)?
            .into_iter()
            .map(|w| w.0)
            .collect())
    }
}

impl<T: Lenient> Lenient for BTreeMap<String, T> {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<String, LenientWrap<T>>::deserialize(d)?
            .into_iter()
            .map(|(k, w)| (k, w.0))
            .collect())
    }
}
