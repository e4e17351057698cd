//! What a model can do and what it costs: the types live in the provider crate
//! (which uses them to shape requests); config fills them from files.

pub use oac_provider::{EffortSupport, ModelInfo, ModelInfoOverrides, ReasoningEffort};
