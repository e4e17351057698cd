//! The macro that turns the schema's one list of settings into the `Profile`
//! struct, its reader, writer, checks, `ProfileBuilder` setters, defaults, the
//! request defaults and the documentation table.

/// Declares every profile setting once. Each entry is
///
/// ```text
/// /// rustdoc of the field and its setter
/// field: Type {
///     keys: ["key", …],                 // its keys in a file (PROFILE_KEYS order)
///     codec: Codec,                     // how it is read, written, checked
///     example: "…",                     // optional: the value shown in fixes
///     doc_type: "…",                    // optional: overrides the codec's type text
///     default: T = expr,                // optional: the value when unset (one home)
///     default_doc: "…",                 // optional: the default as the docs say it
///     check: path,                      // optional: a rule on the typed value
///     request: field,                   // optional: a `RequestDefaults` field it fills
///     setter: name(arg: Type) => value, // optional: a generated builder setter
///     doc: "…",                         // the meaning column of docs/config.md
/// }
/// ```
macro_rules! profile_schema {
    (
        $(
            $(#[doc = $doc:literal])*
            $field:ident : $fty:ty {
                keys: [$($key:literal),+],
                codec: $codec:ty,
                $(example: $example:literal,)?
                $(doc_type: $dtype:literal,)?
                $(default: $dfty:ty = $default:expr,)?
                $(default_doc: $ddoc:literal,)?
                $(check: $check:path,)?
                $(request: $rfield:ident,)?
                $(setter: $setter:ident($arg:ident: $argty:ty) => $val:expr,)?
                doc: $meaning:literal $(,)?
            }
        )*
    ) => {
        /// One named profile as written in a config file: every setting optional,
        /// before flags, environment and defaults are applied (see
        /// [`Loader`](crate::Loader)). The fields, their keys, readers, writers,
        /// checks, defaults and builder setters are declared once, in
        /// `schema.rs`; docs/config.md's key table is checked against it.
        ///
        /// Field names follow the file's keys; the timeouts are `timeout_secs`,
        /// `connect_timeout_secs`, … in the file.
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct Profile {
            $( $(#[doc = $doc])* pub $field: $fty, )*
        }

        /// Every key of a profile table, in the order of the documentation.
        pub(crate) const PROFILE_KEYS: &[&str] = &[$($($key),+),*];

        /// Reads every setting of a profile table (the caller reports the keys
        /// left over).
        pub(crate) fn read_fields(cx: &mut Cx, t: &mut Fields<'_>) -> Profile {
            let mut p = Profile::default();
            $(
                p.$field = <$codec as Codec<$fty>>::read(
                    cx,
                    t,
                    &[$($key),+],
                    $crate::schema::declare::or_empty!($($example)?),
                );
            )*
            p
        }

        /// Writes every set setting, lines first, then the sub-tables.
        pub(crate) fn write_fields(p: &Profile, out: &mut TomlOut<'_>) {
            $( <$codec as Codec<$fty>>::write(&p.$field, &[$($key),+], out); )*
        }

        /// Checks every setting's typed value; `at` is the profile's path.
        pub(crate) fn check_fields(p: &Profile, at: &str, report: &mut Report) {
            $(
                {
                    let keys: &[&str] = &[$($key),+];
                    <$codec as Codec<$fty>>::check(&p.$field, keys, at, report);
                    $( $check(&p.$field, &child(at, keys[0]), report); )?
                }
            )*
        }

        /// The value of each setting that has one when unset: the one place
        /// resolution, the builder's docs and docs/config.md read it from.
        pub(crate) mod defaults {
            #[allow(unused_imports)] // only some defaults name the imported items
            use super::*;
            $( $(
                #[doc = concat!("The value of `", stringify!($field), "` when unset.")]
                pub(crate) fn $field() -> $dfty { $default }
            )? )*
        }

        /// The request defaults a profile sets (each `request:` entry), its
        /// defaults filled in.
        pub(crate) fn request_defaults(p: &Profile) -> RequestDefaults {
            #[allow(unused_mut)] // a schema without request defaults changes nothing
            let mut d = RequestDefaults::default();
            $(
                $crate::schema::declare::fill_request!(
                    d, p, $field, [$($rfield)?], [$($default)?]
                );
            )*
            d
        }

        /// One row per entry of docs/config.md's key table: keys, type, default,
        /// meaning.
        pub(crate) fn doc_rows() -> Vec<[String; 4]> {
            vec![$(
                [
                    [$(concat!("`", $key, "`")),+].join(" / "),
                    $crate::schema::declare::or_else!(
                        [$($dtype)?],
                        <$codec as Codec<$fty>>::doc_type()
                    ),
                    $crate::schema::declare::default_text!(
                        [$($ddoc)?],
                        [$({
                            let value: $dfty = defaults::$field();
                            <$codec as Codec<$fty>>::shown(&Some(value))
                        })?]
                    ),
                    $meaning.to_owned(),
                ],
            )*]
        }

        impl ProfileBuilder {
            $(
                $crate::schema::declare::setter!(
                    $field,
                    [$(#[doc = $doc])*],
                    [$($setter($arg: $argty) => $val)?]
                );
            )*
        }
    };
}

/// The literal given, else `""`.
macro_rules! or_empty {
    () => {
        ""
    };
    ($text:literal) => {
        $text
    };
}

/// The literal given (as a `String`), else `fallback`.
macro_rules! or_else {
    ([], $fallback:expr) => {
        $fallback
    };
    ([$text:literal], $fallback:expr) => {
        $text.to_owned()
    };
}

/// The default column: the text given, else the default as a file writes it
/// (without quotes), else empty.
macro_rules! default_text {
    ([$text:literal], [$($ignored:tt)*]) => {
        $text.to_owned()
    };
    ([], [$shown:expr]) => {
        $crate::schema::unquoted($shown)
    };
    ([], []) => {
        String::new()
    };
}

/// The builder setter of an entry that declares one.
macro_rules! setter {
    ($field:ident, [$(#[$meta:meta])*], []) => {};
    ($field:ident, [$(#[$meta:meta])*], [$setter:ident($arg:ident: $argty:ty) => $val:expr]) => {
        $(#[$meta])*
        #[must_use]
        pub fn $setter(mut self, $arg: $argty) -> Self {
            self.profile.$field = Some($val);
            self
        }
    };
}

/// `d.field = the profile's value (or its default)` for a `request:` entry.
macro_rules! fill_request {
    ($d:ident, $p:ident, $field:ident, [], [$($default:expr)?]) => {};
    ($d:ident, $p:ident, $field:ident, [$rfield:ident], []) => {
        $d.$rfield = $p.$field.clone();
    };
    ($d:ident, $p:ident, $field:ident, [$rfield:ident], [$default:expr]) => {
        $d.$rfield = $p.$field.clone().unwrap_or_else(defaults::$field);
    };
}

pub(crate) use {default_text, fill_request, or_else, or_empty, profile_schema, setter};
