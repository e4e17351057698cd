//! A consumer of `oac-pricing` alone, doing the job its README promises: read a
//! provider's response, find its usage, price it exactly and sum many requests. It
//! depends on no other crate of the workspace (`cargo xtask deps` fails if it ever
//! does).

use oac_pricing::{Decimal, ModelPrices, PriceError, Tracker, find_usage_str};

/// The exact total cost of `responses` (raw chat-completions bodies) at `prices`
/// (a TOML price table), and how many reported no usage.
pub fn bill(prices: &str, responses: &[&str]) -> Result<(Option<Decimal>, u64), PriceError> {
    let prices = ModelPrices::from_toml_str(prices)?;
    let mut tracker = Tracker::new();
    for response in responses {
        match find_usage_str(response)?.usage {
            Some(usage) => tracker.record(&usage, &prices.cost(&usage)),
            None => tracker.record_unreported(),
        }
    }
    let cost = tracker.cost();
    let total = cost.is_complete().then_some(cost.known);
    Ok((total, tracker.requests_without_usage()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GPT_4O: &str = "input_price = 2.50\ncache_read_price = 1.25\noutput_price = 10";
    const REPLY: &str = r#"{"choices":[],"usage":{"prompt_tokens":2006,"completion_tokens":300,
        "prompt_tokens_details":{"cached_tokens":1920}}}"#;

    #[test]
    fn a_thousand_replies_cost_exactly_a_thousand_times_one() {
        let replies = vec![REPLY; 1000];
        let (total, unreported) = bill(GPT_4O, &replies).unwrap();
        assert_eq!(total.unwrap().to_string(), "5.615");
        assert_eq!(unreported, 0);
    }

    #[test]
    fn a_reply_without_usage_is_counted_apart_never_as_free() {
        let (total, unreported) = bill(GPT_4O, &[REPLY, r#"{"choices":[]}"#]).unwrap();
        assert_eq!(total.unwrap().to_string(), "0.005615");
        assert_eq!(unreported, 1);
    }
}
