//! `data/catalog.toml` as JSON: shared by `build.rs`, which writes the JSON the
//! crate embeds, and the tests of `src/catalog.rs` (a file the build reads is
//! tested like code). Numbers are copied as written, never through a float.

use toml::de::{DeTable, DeValue};

/// The TOML document as JSON, keys in the order the TOML reader gives them (the
/// crate's reader of TOML files sees the same), numbers as written; a message
/// for TOML that is not valid or says a number JSON cannot say verbatim.
pub(crate) fn catalog_as_json(text: &str) -> Result<String, String> {
    let table = DeTable::parse(text).map_err(|e| e.message().trim().to_owned())?;
    let mut json = String::new();
    table_json(table.into_inner(), "", &mut json)?;
    json.push('\n');
    Ok(json)
}

fn table_json(table: DeTable<'_>, path: &str, json: &mut String) -> Result<(), String> {
    json.push('{');
    for (i, (key, value)) in table.into_iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        let key = key.into_inner();
        json.push('\n');
        json.push_str(&string_json(&key));
        json.push(':');
        let path = if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        };
        value_json(value.into_inner(), &path, json)?;
    }
    json.push('}');
    Ok(())
}

fn value_json(value: DeValue<'_>, path: &str, json: &mut String) -> Result<(), String> {
    match value {
        DeValue::String(s) => json.push_str(&string_json(&s)),
        DeValue::Integer(i) => json.push_str(number_json(i.as_str(), i.radix() == 10, path)?),
        DeValue::Float(f) => json.push_str(number_json(f.as_str(), true, path)?),
        DeValue::Boolean(b) => json.push_str(if b { "true" } else { "false" }),
        DeValue::Datetime(_) => return Err(format!("`{path}` is a date, which JSON cannot say")),
        DeValue::Array(items) => {
            json.push('[');
            for (i, item) in items.into_iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                value_json(item.into_inner(), path, json)?;
            }
            json.push(']');
        }
        DeValue::Table(table) => table_json(table, path, json)?,
    }
    Ok(())
}

/// `literal` (as TOML read it: digit separators gone) when JSON says it the same
/// way: decimal digits with at most a leading `-`, a fraction and an exponent.
fn number_json<'a>(literal: &'a str, decimal: bool, path: &str) -> Result<&'a str, String> {
    let digits = literal.strip_prefix('-').unwrap_or(literal);
    let plain = decimal
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && !(digits.len() > 1
            && digits.starts_with('0')
            && !digits[1..].starts_with(['.', 'e', 'E']))
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if plain {
        Ok(literal)
    } else {
        Err(format!(
            "`{path}` = {literal}: write it as a plain decimal number (no `0x`, `0o` or `0b`, no `+`, no `inf` or `nan`), so that the catalogue's JSON says it as written"
        ))
    }
}

fn string_json(text: &str) -> String {
    let mut json = String::with_capacity(text.len() + 2);
    json.push('"');
    for c in text.chars() {
        match c {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            c if u32::from(c) < 0x20 => json.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => json.push(c),
        }
    }
    json.push('"');
    json
}
