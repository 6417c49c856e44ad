//! IPC of the Costs page (usage, currency, prices, budgets, exports).

pub mod commands;
pub mod dto;
pub mod usage;
