//! Shared helpers for the integration suites in `tests/suites/`.
