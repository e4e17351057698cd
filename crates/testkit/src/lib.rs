//! An OpenAI-compatible simulator for tests, benchmarks and the demo.
