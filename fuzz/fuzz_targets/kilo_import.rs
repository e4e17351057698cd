//! `oac_tests::fuzz::kilo_import` under libFuzzer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oac_tests::fuzz::kilo_import(data));
