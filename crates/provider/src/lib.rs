//! The `Provider` trait and its OpenAI-compatible implementation.
