//! `oac models`: the provider's model ids, one per line.

use crate::args::GlobalArgs;
use crate::failure::Failure;
use crate::output::{Output, record};
use crate::setup::{self, Need};

pub async fn run(global: &GlobalArgs, out: &mut Output) -> Result<(), Failure> {
    let client = setup::client(global, Need::Requests, out)?;
    let mut spinner = out.spinner(format!("listing models at {}…", setup::host_of(&client)));
    let models = client.models().await?;
    spinner.stop();
    for model in &models {
        if out.is_json() {
            out.record(&record! { "id": model.id })?;
        } else {
            out.line(&model.id)?;
        }
    }
    if models.is_empty() {
        out.note("the provider lists no models");
    }
    Ok(())
}
