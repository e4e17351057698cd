//! Against a real LiteLLM proxy (in front of a real llmock): what `oac` and the
//! library learn from a gateway's `/model/info` — the context window, max output,
//! capabilities and prices LiteLLM knows for the model it routes to — with the
//! source shown, and the reply priced with those prices. One proxy for the whole
//! suite's checks: LiteLLM takes seconds to start.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac::{Client, InfoSource, SecretString};
use oac_provider::ServerSource;
use oac_tests::litellm::{KEY, Litellm, MODEL};
use oac_tests::peer::run_oac_with;

#[test]
fn discovery_reads_a_real_litellm_gateway() {
    let server = Litellm::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // The library: context, max output, prices from LiteLLM's model map for
    // gpt-4o-mini, and the reply priced with them.
    runtime.block_on(async {
        let client = Client::builder()
            .base_url(server.base_url())
            .profile(|p| p.api_key(SecretString::from(KEY)))
            .model(MODEL)
            .build()
            .unwrap();
        let reply = client.chat().user("Hi").send().await.unwrap();
        assert_eq!(reply.text(), "Hello! You said: Hi", "{}", server.log());
        let known = client.known_model().await;
        let from = InfoSource::Server(ServerSource::LiteLlmModelInfo);
        assert_eq!(known.sources.context_window, from, "{:?}", known.notes);
        assert_eq!(known.info.context_window, 128_000);
        assert_eq!(known.info.max_output_tokens, Some(16_384));
        assert_eq!(known.sources.prices, from);
        assert_eq!(known.info.prices.input_price.unwrap().to_string(), "0.15");
        assert_eq!(known.info.prices.output_price.unwrap().to_string(), "0.6");
        assert_eq!(known.server, Some("LiteLLM"));
        assert!(
            reply.usage.unwrap().cost.total().is_some(),
            "priced with the discovered prices"
        );
    });

    // The command line: the usage line says where the window and prices came from.
    let vars = [("OPENAI_API_KEY", KEY)];
    let ran = run_oac_with(&server.base_url(), MODEL, &["chat", "Hi"], &vars);
    assert_eq!(ran.code, 0, "{ran}");
    assert!(
        ran.stderr.contains("window from LiteLLM /model/info"),
        "{ran}"
    );
    assert!(
        ran.stderr.contains("(prices from LiteLLM /model/info)"),
        "{ran}"
    );
    assert!(ran.stderr.contains("of 128,000 tokens"), "{ran}");

    let ran = run_oac_with(&server.base_url(), MODEL, &["doctor"], &vars);
    assert_eq!(ran.code, 0, "{ran}");
    assert!(
        ran.stdout
            .contains("model info: context 128,000 (server: LiteLLM /model/info)"),
        "{ran}"
    );
}
