//! The binary's display paths keep the one secret rule: `oac resolve` (human and
//! `--json`) and `oac doctor` never show the value of a secret-named query
//! parameter or the profile's key, wherever it sits in the URL.
// Test code: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use proptest::prelude::*;
use support::Env;

fn config(url: &str) -> String {
    format!(
        "[profiles.p]\nbase_url = \"{url}\"\nmodel = \"m\"\napi_key_env = \"P_KEY\"\nmax_retries = 0\n"
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn resolve_and_doctor_never_show_a_secret(
        key in "sk-[A-Za-z0-9]{16,32}",
        value in "[A-Za-z0-9]{10,20}",
        name in "(x_|)(api_key|api_token|access_key|auth_key|token|sig|code|secret)",
        place in 0..4usize,
    ) {
        let url = match place {
            0 => format!("http://127.0.0.1:9/v1?{name}={value}"),
            1 => format!("http://127.0.0.1:9/v1?foo={key}"),
            2 => format!("http://127.0.0.1:9/{key}/v1"),
            _ => format!("http://127.0.0.1:9/v1?{name}={value}&x={key}"),
        };
        let env = Env::new().var("P_KEY", &key).config(&config(&url));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        for args in [&["resolve"][..], &["--json", "resolve"], &["doctor"], &["--json", "doctor"]] {
            let ran = runtime.block_on(env.run(args));
            for secret in [&key, &value] {
                prop_assert!(
                    !ran.stdout.contains(secret.as_str()) && !ran.stderr.contains(secret.as_str()),
                    "{args:?} shows {secret}: {}",
                    ran.shown()
                );
            }
        }
        // A URL given on the command line, with the key known from the profile.
        let ran = runtime.block_on(env.run(&["--json", "resolve", &url]));
        prop_assert!(!ran.stdout.contains(key.as_str()), "{}", ran.shown());
    }
}
