//! IPC of the Costs page (usage, currency, prices, budgets, exports).

pub mod commands;
mod convert;
pub mod dto;
pub mod usage;
