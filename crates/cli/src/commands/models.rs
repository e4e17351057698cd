//! `oac models`: the provider's model ids, one per line.

use oac::provider::discover;

use crate::args::GlobalArgs;
use crate::failure::Failure;
use crate::output::{Output, record};
use crate::setup::{self, Need};

pub async fn run(global: &GlobalArgs, out: &mut Output) -> Result<(), Failure> {
    let client = setup::client(global, Need::Requests, out)?;
    let mut spinner = out.spinner(format!("listing models at {}…", setup::host_of(&client)));
    let models = client.models().await?;
    spinner.stop();
    // For `--model` completion; a cache that cannot be written changes nothing here.
    let host = setup::host_of(&client);
    crate::model_cache::remember(
        &oac::config::ProcessEnv,
        &host,
        models.iter().map(|m| m.id.as_str()),
    );
    for model in &models {
        if out.is_json() {
            // What the entry itself states of the model (null: not stated).
            let stated = discover::from_models_entry(model).info;
            let price = |p: Option<oac::Decimal>| p.map(|d| d.normalize().to_string());
            out.record(&record! {
                "id": model.id,
                "context_window": stated.context_window,
                "max_output_tokens": stated.max_output_tokens,
                "supports_images": stated.supports_images,
                "supports_tools": stated.supports_tools,
                "input_price": price(stated.prices.input_price),
                "output_price": price(stated.prices.output_price),
                "source": "models list",
            })?;
        } else {
            out.line(&model.id)?;
        }
    }
    if models.is_empty() {
        out.note("the provider lists no models");
    }
    Ok(())
}
