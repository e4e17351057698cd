//! `oac_tests::fuzz::discover` under libFuzzer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oac_tests::fuzz::discover(data));
