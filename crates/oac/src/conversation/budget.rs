//! The context budget of a conversation: does the next request fit the model's
//! window (the provider crate's [`budget`] estimate), and what to do when not.

use oac_provider::budget::{self, Budget};
use oac_provider::{ChatRequest, ModelInfo};

use super::{Conversation, ConversationError, Entry};
use crate::client::Client;

/// What [`Conversation::fit`] does when the history no longer fits the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum FitPolicy {
    /// Change nothing: a conversation that does not fit is
    /// [`ConversationError::TooLong`].
    #[default]
    Refuse,
    /// Leave the oldest turns (a user message and everything after it up to the
    /// next one) out of the context until the rest fits; the last turn is always
    /// kept. The turns left out stay in the history and in the total; [`Fit`] says
    /// how many. When even the last turn alone does not fit, nothing changes and
    /// the answer is [`ConversationError::TooLong`].
    DropOldestTurns,
}

/// What [`Conversation::fit`] found and did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fit {
    /// The next request against the window, after any turns were left out.
    pub budget: Budget,
    /// How many turns were left out of the context now (0: it fitted as it was).
    pub dropped_turns: usize,
}

impl Conversation {
    /// The next request against `client`'s model window (the server's, once
    /// discovered: call [`Client::known_model`] first to have it).
    pub fn budget(&self, client: &Client) -> Budget {
        self.budget_for(client.model(), client.model_info(), &self.request())
    }

    /// `request` (this conversation's, possibly edited) against `info`'s window, with
    /// `model`'s tokenizer.
    pub fn budget_for(&self, model: &str, info: &ModelInfo, request: &ChatRequest) -> Budget {
        budget::of(request, model, info)
    }

    /// Checks that the next request fits `client`'s model window, and applies
    /// `policy` when it does not.
    pub fn fit(&mut self, client: &Client, policy: FitPolicy) -> Result<Fit, ConversationError> {
        self.fit_to(client.model(), client.model_info(), policy, &|request| {
            request
        })
    }

    /// Like [`fit`](Self::fit) for the request as `edit` changes it before it is
    /// sent (the one given to [`send_with`](Self::send_with) or
    /// [`stream_with`](Self::stream_with): its `max_tokens` is the output reserved).
    pub fn fit_with(
        &mut self,
        client: &Client,
        policy: FitPolicy,
        edit: &dyn Fn(ChatRequest) -> ChatRequest,
    ) -> Result<Fit, ConversationError> {
        self.fit_to(client.model(), client.model_info(), policy, edit)
    }

    /// [`fit_with`](Self::fit_with) for `model` with `info` (its window and max
    /// output).
    pub fn fit_to(
        &mut self,
        model: &str,
        info: &ModelInfo,
        policy: FitPolicy,
        edit: &dyn Fn(ChatRequest) -> ChatRequest,
    ) -> Result<Fit, ConversationError> {
        let request = edit(self.request());
        let first = budget::of(&request, model, info);
        if first.fits() {
            return Ok(Fit {
                budget: first,
                dropped_turns: 0,
            });
        }
        if policy == FitPolicy::Refuse {
            return Err(self.too_long(first));
        }
        let start = self.context_start;
        let mut dropped = 0;
        while let Some(next) = self.next_turn_start() {
            self.context_start = next;
            dropped += 1;
            let budget = budget::of(&edit(self.request()), model, info);
            if budget.fits() {
                return Ok(Fit {
                    budget,
                    dropped_turns: dropped,
                });
            }
        }
        let alone = budget::of(&edit(self.request()), model, info);
        self.context_start = start;
        Err(ConversationError::TooLong {
            budget: alone,
            last_turn_alone: true,
        })
    }

    fn too_long(&self, budget: Budget) -> ConversationError {
        ConversationError::TooLong {
            budget,
            last_turn_alone: self.next_turn_start().is_none(),
        }
    }

    /// Where the second turn of the context starts (`None`: one turn or none).
    fn next_turn_start(&self) -> Option<usize> {
        self.context_entries()
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, entry)| matches!(entry, Entry::User(_)))
            .map(|(i, _)| self.context_start + i)
    }
}
