//! Prices in a config tree: the field rules are `oac-pricing`'s
//! ([`oac_pricing::sheet`]); this module shows the tree to its reader and tells
//! each problem it finds with the file's place and a fix in the file's format.

use std::borrow::Cow;

use oac_pricing::sheet::{
    Expected, PRICE_TABLE_KEYS, Place, PriceInput, PriceSink, SheetProblem, View, read_price,
    read_price_table,
};
use oac_pricing::{Decimal, ModelPrices, PriceError};

use crate::convert::{Cx, Field, Fields, not_a_table, unknown_key_message};
use crate::problem::{ConfigFormat, ProblemKind, child, item};
use crate::tree::{Node, Value};

/// The price keys of a table that may hold other keys too (`model_info`, a
/// catalogue entry): each is taken from `t` (so its caller's unknown-key check
/// knows them) and read as a price table.
pub(crate) fn price_table(cx: &mut Cx, t: &mut Fields<'_>) -> ModelPrices {
    let entries = PRICE_TABLE_KEYS
        .iter()
        .filter_map(|&key| {
            let field = t.take(cx, key)?;
            Some((Cow::Borrowed(key), At::of(field.node)))
        })
        .collect();
    read_price_table(t.path(), entries, &mut Problems { cx })
}

/// One price of a table not laid out like a price table (an import's
/// `inputPrice`), by the same rule.
pub(crate) fn price(cx: &mut Cx, f: &Field<'_>) -> Option<Decimal> {
    let value = At::of(f.node);
    read_price(value).unwrap_or_else(|problem| {
        let place = Place {
            path: &f.path,
            key: f.key,
            value,
        };
        Problems { cx }.problem(&place, problem);
        None
    })
}

/// A node of the tree with the line of its key (for a list item, of the item).
#[derive(Clone, Copy)]
struct At<'a> {
    node: &'a Node,
    line: usize,
}

impl<'a> At<'a> {
    fn of(node: &'a Node) -> Self {
        At {
            node,
            line: node.line,
        }
    }
}

impl<'a> PriceInput<'a> for At<'a> {
    fn view(self) -> View<'a, Self> {
        match &self.node.value {
            Value::Null => View::Unset,
            Value::Integer(text) | Value::Float(text) => View::Number(Cow::Borrowed(text)),
            Value::String(text) => View::Text(Cow::Borrowed(text)),
            Value::Array(items) => View::List(items.iter().map(At::of).collect()),
            Value::Table(entries) => View::Table(
                entries
                    .iter()
                    .map(|entry| {
                        let at = At {
                            node: &entry.node,
                            line: entry.line,
                        };
                        (Cow::Borrowed(entry.key.as_str()), at)
                    })
                    .collect(),
            ),
            Value::Bool(_) | Value::Datetime => View::Other,
        }
    }
}

/// Tells the price reader's problems as the config's problems.
struct Problems<'c> {
    cx: &'c mut Cx,
}

impl<'a> PriceSink<At<'a>> for Problems<'_> {
    fn key_path(&self, table: &str, key: &str) -> String {
        child(table, key)
    }

    fn item_path(&self, list: &str, index: usize) -> String {
        item(list, index)
    }

    fn read_at(&mut self, place: &Place<'_, At<'a>>) {
        self.cx
            .lines
            .entry(place.path.to_owned())
            .or_insert(place.value.line);
    }

    fn problem(&mut self, place: &Place<'_, At<'a>>, problem: SheetProblem) {
        let field = Field {
            node: place.value.node,
            path: place.path.to_owned(),
            key: place.key,
        };
        let cx = &mut *self.cx;
        match problem {
            SheetProblem::WrongType(expected) => wrong_type(cx, &field, expected),
            SheetProblem::Invalid(error) => invalid(cx, &field, &error),
            SheetProblem::UnknownKey { suggestion, valid } => {
                let path = child(place.path, place.key);
                cx.lines.insert(path.clone(), place.value.line);
                let message = unknown_key_message(place.key, suggestion, valid);
                cx.report.problem(ProblemKind::UnknownKey, path, message);
            }
            SheetProblem::MissingThreshold => {
                let example = cx.example("above_input_tokens", "200000");
                cx.invalid(
                    &field,
                    format!(
                        "a tier needs `above_input_tokens`, the input size (in tokens) above which its prices apply: {example}"
                    ),
                );
            }
            other => {
                let error = other.into_error(place.key, field.node.value.type_name(cx.format));
                cx.invalid(&field, error.to_string());
            }
        }
    }
}

/// A value of the wrong type, with a fix written in the file's format.
fn wrong_type(cx: &mut Cx, f: &Field<'_>, expected: Expected) {
    match expected {
        Expected::Price => {
            let fix = format!(
                "write the price in USD per 1M tokens, like {} (or as a string, \"0.88\")",
                cx.example(f.key, "0.88")
            );
            cx.wrong_type(f, "a number", &fix);
        }
        Expected::TokenCount => cx.wrong_type_example(f, "a whole number of tokens", "200000"),
        Expected::TierList => {
            let fix = match cx.format {
                ConfigFormat::Toml => format!(
                    "write each tier as [[{}]] with above_input_tokens and its prices",
                    f.path
                ),
                ConfigFormat::Json => {
                    "write a list: \"tiers\": [{ \"above_input_tokens\": 200000, \"input_price\": 2.5 }]"
                        .to_owned()
                }
            };
            cx.wrong_type(f, "an array of tiers", &fix);
        }
        _ => not_a_table(cx, f),
    }
}

/// A price or token count that does not parse.
fn invalid(cx: &mut Cx, f: &Field<'_>, error: &PriceError) {
    match &f.node.value {
        // A key pasted into a price is described, never echoed.
        Value::String(text) | Value::Integer(text) | Value::Float(text)
            if oac_url::looks_like_key(text) =>
        {
            cx.invalid(
            f,
            "the value is not a price and is not shown (it looks like an API key); write a non-negative decimal number of USD per 1M tokens, such as `0.88`",
            );
        }
        _ => {
            let kind = match error {
                PriceError::NegativePrice { .. } => ProblemKind::NegativePrice,
                _ => ProblemKind::InvalidValue,
            };
            cx.report.problem(kind, &f.path, error.to_string());
        }
    }
}
