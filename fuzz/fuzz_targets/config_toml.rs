//! `oac_tests::fuzz::config_toml` under libFuzzer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oac_tests::fuzz::config_toml(data));
