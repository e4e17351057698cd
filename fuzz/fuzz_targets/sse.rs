//! `oac_tests::fuzz::sse` under libFuzzer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oac_tests::fuzz::sse(data));
