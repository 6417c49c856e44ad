//! The books the mock keeps of what it served (books mode, see `books`): per API key, model and
//! UTC day, the requests, the usage answered and the cost at the mock's own prices.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, PoisonError};

use crate::config::MockConfig;
use crate::query;

/// What the mock charges a request of a model without a listed price (see
/// [`MockConfig::listed_prices`]): a thousandth of a dollar.
pub(crate) const FLAT_USD: f64 = 0.001;

/// Tokens by the categories the providers bill apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tokens {
    /// Input tokens not read from a cache.
    pub input: u64,
    /// Input tokens read from the prompt cache.
    pub cached: u64,
    /// Input tokens written to the 5-minute cache.
    pub write_5m: u64,
    /// Input tokens written to the 1-hour cache.
    pub write_1h: u64,
    pub output: u64,
}

impl Tokens {
    /// Plain input and output (the mock's answers read and write no cache).
    pub(crate) fn plain(input: u64, output: u64) -> Tokens {
        Tokens {
            input,
            output,
            ..Tokens::default()
        }
    }

    /// Every input token: uncached, cache reads and cache writes (what OpenAI and OpenRouter
    /// count as input or prompt tokens).
    pub(crate) fn all_input(&self) -> u64 {
        self.input + self.cached + self.write_5m + self.write_1h
    }
}

/// What one (key, model, day) cell of the books holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Line {
    pub tokens: Tokens,
    pub requests: u64,
    pub cost_usd: f64,
}

impl Line {
    pub(crate) fn add(&mut self, o: &Line) {
        let (t, u) = (&mut self.tokens, &o.tokens);
        t.input += u.input;
        t.cached += u.cached;
        t.write_5m += u.write_5m;
        t.write_1h += u.write_1h;
        t.output += u.output;
        self.requests += o.requests;
        self.cost_usd += o.cost_usd;
    }
}

/// A cell's place: (API key, model, UTC day number).
pub(crate) type Cell = (String, String, i64);

/// The books, and the count of books requests (for [`MockConfig::books_throttle`]).
#[derive(Debug, Default)]
pub(crate) struct Books {
    cells: Mutex<BTreeMap<Cell, Line>>,
    /// Books requests that passed the key check so far.
    pub(crate) admitted: AtomicU64,
}

impl Books {
    /// Books holding `config`'s extra lines (those with a bad day were refused at start).
    pub(crate) fn new(config: &MockConfig) -> Books {
        let books = Books::default();
        for extra in &config.books_extra {
            let Some(day) = query::parse_day(&extra.day) else {
                continue;
            };
            let line = Line {
                tokens: Tokens {
                    input: extra.input,
                    cached: extra.cached_input,
                    write_5m: extra.cache_write,
                    write_1h: 0,
                    output: extra.output,
                },
                requests: extra.requests,
                cost_usd: extra.cost_usd,
            };
            books.add((extra.key.clone(), extra.model.clone(), day), &line);
        }
        books
    }

    fn add(&self, cell: Cell, line: &Line) {
        let mut cells = self.cells.lock().unwrap_or_else(PoisonError::into_inner);
        cells.entry(cell).or_default().add(line);
    }

    /// Books one request `key` was served on `model` today, with the usage it was answered.
    pub(crate) fn record(&self, config: &MockConfig, key: &str, model: &str, tokens: Tokens) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let day = i64::try_from(now).unwrap_or(0) / query::DAY;
        let line = Line {
            tokens,
            requests: 1,
            cost_usd: cost_usd(config, model, &tokens),
        };
        self.add((key.to_owned(), model.to_owned(), day), &line);
    }

    /// Every cell, in (key, model, day) order.
    pub(crate) fn cells(&self) -> Vec<(Cell, Line)> {
        let cells = self.cells.lock().unwrap_or_else(PoisonError::into_inner);
        cells.iter().map(|(c, l)| (c.clone(), l.clone())).collect()
    }

    /// The cost of everything on the books, in USD.
    pub(crate) fn total_usd(&self) -> f64 {
        self.cells().iter().map(|(_, l)| l.cost_usd).sum()
    }
}

/// The cost of a request at the mock's own prices: the model's listed price per million input
/// (every input token, cached or not) and output tokens; a model without one costs [`FLAT_USD`].
pub(crate) fn cost_usd(config: &MockConfig, model: &str, tokens: &Tokens) -> f64 {
    match config.listed_prices.iter().find(|(m, _, _)| m == model) {
        Some((_, input, output)) => {
            (tokens.all_input() as f64 * input + tokens.output as f64 * output) / 1e6
        }
        None => FLAT_USD,
    }
}
