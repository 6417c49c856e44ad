//! The providers' own books (issue 75). `openai`, `anthropic` and `openrouter` read what each
//! provider says its keys spent, per UTC day, key and model, from its documented organization
//! endpoints: paginated to the end, a 429 waited out once within its `Retry-After`, an answer
//! of another shape refused with [`BooksError::Malformed`]. The admin key reaches the network
//! only as a [`switchyard_gateway::Cleared`] through `switchyard_gateway::key_header`.
//! `compare` sets the ledger's figures beside them.

pub mod anthropic;
pub mod compare;
mod error;
mod http;
pub mod openai;
pub mod openrouter;
pub mod span;

pub use error::BooksError;
pub use openrouter::KeyUsage;
pub use span::Span;
