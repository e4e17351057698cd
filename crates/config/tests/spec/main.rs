//! The configuration rules (`docs/config.md`), rule by rule.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly on purpose

mod builder;
mod catalog;
mod common;
mod files;
mod import;
mod import_kilo7;
mod keys;
mod location;
mod native_rules;
mod precedence;
mod validation;
mod write;
