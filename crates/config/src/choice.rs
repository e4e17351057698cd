//! Named choices: the rule lives in the provider crate ([`oac_provider::choice`]);
//! config reads its own words (`provider`, `endpoint_mode`) with it.

pub(crate) use oac_provider::choice::{
    Choice, ParseChoiceError, canonical_names, closest, parse_choice,
};
