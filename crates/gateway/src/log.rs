//! One ledger record per request, filled in as attempts happen and written when the request ends
//! — including when the client goes away mid-stream (`Drop`), so tokens already streamed are
//! still counted. Cost comes from the price table (`switchyard_pricing::cost_in`); a model without
//! a price stays "unknown".

use crate::deps::{Caller, Ledger, Observer};
use crate::limits::Admission;
use crate::spend::Spend;
use crate::table::Target;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchyard_domain::ErrorClass;
use switchyard_domain::{AttemptRecord, BackendKind, RequestRecord};
use switchyard_pricing::cost_in;
use switchyard_wire::canonical::Usage;

pub struct RequestLog {
    record: RequestRecord,
    started: Instant,
    token_id: Option<String>,
    ledger: Arc<dyn Ledger>,
    observer: Arc<dyn Observer>,
    /// Prices the request and charges the budgets' hard stops.
    spend: Arc<Spend>,
    /// The backend of the latest attempt, for the observer.
    backend_id: Option<String>,
    kind: Option<BackendKind>,
    usage: Usage,
    /// Characters of answer text forwarded, to estimate output tokens of a cut stream.
    streamed_chars: usize,
    /// The backend's request slot, freed when the request is written.
    slot: Option<Admission>,
    /// Answered from the response cache: costs nothing, saved this much.
    from_cache: Option<Option<f64>>,
    written: bool,
    /// Counts the request in flight until the log is dropped.
    in_flight: Option<InFlight>,
    /// What the candidate being tried reserved in shared budgets, settled with the real cost.
    held: Option<Box<dyn crate::deps::Held>>,
    /// The caller's person (a team token's owner), for the budgets that cover a person.
    owner: Option<String>,
    /// The latest attempt went to the caller's own plan: paid by the plan, $0 here.
    plan: bool,
}

/// One request counted in the gateway's in-flight gauge while this lives.
pub(crate) struct InFlight(Arc<std::sync::atomic::AtomicI64>);

impl InFlight {
    pub(crate) fn enter(counter: &Arc<std::sync::atomic::AtomicI64>) -> InFlight {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        InFlight(Arc::clone(counter))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

fn ms(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

impl RequestLog {
    pub fn new(
        ledger: Arc<dyn Ledger>,
        observer: Arc<dyn Observer>,
        spend: Arc<Spend>,
        caller: &Caller,
        inbound: &'static str,
        requested_model: &str,
        stream: bool,
    ) -> Self {
        RequestLog {
            record: RequestRecord {
                // Time-ordered: the ledger's id index grows at its end.
                id: crate::names::request_id(),
                started_at: crate::now_rfc3339(),
                token_name: Some(caller.name.clone()),
                inbound: inbound.to_string(),
                requested_model: requested_model.chars().take(200).collect(),
                streamed: stream,
                ..Default::default()
            },
            started: Instant::now(),
            token_id: Some(caller.token_id.clone()),
            owner: caller.owner.clone(),
            plan: false,
            ledger,
            observer,
            spend,
            backend_id: None,
            kind: None,
            usage: Usage::default(),
            streamed_chars: 0,
            slot: None,
            from_cache: None,
            written: false,
            in_flight: None,
            held: None,
        }
    }

    /// The id of the provider's answer (ignored when empty); at most 200 characters kept.
    /// A Responses caller served by another format is given a `resp_…` id made from it
    /// (`switchyard_wire::responses::response_id`), kept beside it as the client's id.
    pub fn provider_id(&mut self, id: Option<&str>) {
        if let Some(id) = id.filter(|i| !i.is_empty()) {
            self.record.provider_id = Some(id.chars().take(200).collect());
            let given = (self.record.inbound == "responses")
                .then(|| switchyard_wire::responses::response_id(id))
                .filter(|given| given != id);
            self.record.client_id = given.map(|g| g.chars().take(200).collect());
        }
    }

    /// Moves the log out (to the response that will finish it), leaving an already-written
    /// placeholder behind so nothing is recorded twice.
    pub fn take(&mut self) -> RequestLog {
        let placeholder = RequestLog {
            // Never written: only its id is kept.
            record: RequestRecord {
                id: self.record.id.clone(),
                ..RequestRecord::default()
            },
            started: self.started,
            token_id: None,
            ledger: Arc::clone(&self.ledger),
            observer: Arc::clone(&self.observer),
            spend: Arc::clone(&self.spend),
            backend_id: self.backend_id.clone(),
            kind: self.kind,
            usage: self.usage,
            streamed_chars: self.streamed_chars,
            slot: None,
            from_cache: self.from_cache,
            written: true,
            in_flight: None,
            held: None,
            owner: None,
            plan: self.plan,
        };
        std::mem::replace(self, placeholder)
    }

    /// Holds the backend's request slot until the request is written.
    pub fn hold(&mut self, slot: Admission) {
        self.slot = Some(slot);
    }

    /// Answer text forwarded to the client so far (a stream cut before its usage is estimated
    /// from it: about 4 characters per token).
    pub fn streamed_text(&mut self, chars: usize) {
        self.streamed_chars += chars;
    }

    pub fn id(&self) -> &str {
        &self.record.id
    }

    pub fn set_route(&mut self, route: Option<String>) {
        self.record.route = route;
    }

    /// How the request met the response cache (`miss`, `bypass`, …).
    pub fn cache(&mut self, label: &str) {
        self.record.cache = Some(label.to_string());
    }

    /// The request was answered from the cache (`label` `hit` or `shared`): it names the
    /// original backend and model, costs $0 and saved what the original call cost.
    pub fn served_from_cache(&mut self, answer: &switchyard_cache::CachedAnswer, label: &str) {
        self.cache(label);
        self.record.backend = Some(answer.backend.clone());
        self.record.model = Some(answer.model.clone());
        self.record.reason = Some("cache hit".to_string());
        self.from_cache = Some(answer.cost_usd);
    }

    /// Records one upstream attempt and makes its backend the request's current one.
    pub fn attempt(
        &mut self,
        target: &Target,
        model: &str,
        key: Option<&str>,
        status: Option<u16>,
        class: Option<ErrorClass>,
        took: Duration,
    ) {
        let (kind, backend) = (target.kind, target.name.as_str());
        self.record.attempts += 1;
        self.record.attempt_list.push(AttemptRecord {
            n: self.record.attempts,
            backend: backend.to_string(),
            key_label: key.map(str::to_string),
            model: model.to_string(),
            status,
            error_class: class,
            latency_ms: ms(took),
        });
        self.kind = Some(kind);
        self.plan = crate::subscription::is_plan(target);
        self.backend_id = Some(target.id.clone());
        self.record.backend = Some(backend.to_string());
        self.record.key_label = key.map(str::to_string);
        self.record.model = Some(model.to_string());
    }

    /// The request was answered by a backend without a model call (token counting): it names
    /// the backend and model, but says nothing about the backend's health and costs nothing.
    pub fn counted(&mut self, backend: &str, model: &str, reason: &str) {
        self.record.backend = Some(backend.to_string());
        self.record.model = Some(model.to_string());
        self.record.reason = Some(reason.to_string());
    }

    /// Corrects the error class of the latest attempt (known only once its body was read).
    pub fn reclassify_last_attempt(&mut self, class: ErrorClass) {
        if let Some(a) = self.record.attempt_list.last_mut() {
            a.error_class = Some(class);
        }
    }

    pub fn reason(&mut self, reason: &str) {
        self.record.reason = Some(reason.to_string());
    }

    pub fn first_byte(&mut self) {
        if self.record.ttfb_ms.is_none() {
            self.record.ttfb_ms = Some(ms(self.started.elapsed()));
        }
    }

    /// Usage seen so far (a stream reports it in pieces; later values win per field).
    pub fn usage(&mut self, u: &Usage) {
        let mine = &mut self.usage;
        mine.input_tokens = mine.input_tokens.max(u.input_tokens);
        mine.output_tokens = mine.output_tokens.max(u.output_tokens);
        mine.cache_read_tokens = mine.cache_read_tokens.max(u.cache_read_tokens);
        mine.cache_write_tokens = mine.cache_write_tokens.max(u.cache_write_tokens);
        mine.cache_write_1h_tokens = mine.cache_write_1h_tokens.max(u.cache_write_1h_tokens);
        mine.reasoning_tokens = mine.reasoning_tokens.max(u.reasoning_tokens);
    }

    /// The usage recorded so far.
    pub fn usage_so_far(&self) -> Usage {
        self.usage
    }

    /// Ends the request with its final status and writes it.
    pub fn finish(mut self, status: u16, class: Option<ErrorClass>) {
        self.write(status, class);
    }

    /// Ends the request with one of the gateway's own failures: its status is the class's.
    /// Records the request as failed for `class` and answers the caller with the error in its
    /// `shape`, at the status the class maps to.
    pub fn refuse(
        self,
        shape: crate::reply::Shape,
        class: ErrorClass,
        message: &str,
    ) -> axum::response::Response {
        self.refuse_at(shape, class, message, None)
    }

    /// As [`refuse`](Self::refuse), naming the request field at fault.
    pub fn refuse_at(
        self,
        shape: crate::reply::Shape,
        class: ErrorClass,
        message: &str,
        field: Option<&str>,
    ) -> axum::response::Response {
        self.fail(class);
        crate::reply::error_at(shape, class, message, field)
    }

    pub fn fail(self, class: ErrorClass) {
        if class.level() == switchyard_domain::error_class::LogLevel::Warn {
            tracing::warn!(class = class.as_str(), "request failed");
        } else {
            tracing::debug!(class = class.as_str(), "request refused");
        }
        self.finish(class.status().unwrap_or(502), Some(class));
    }

    /// Sets the status without writing (a stream that is still running).
    pub fn set_status(&mut self, status: u16) {
        self.record.status = status;
    }

    fn write(&mut self, status: u16, class: Option<ErrorClass>) {
        if self.written {
            return;
        }
        self.written = true;
        let r = &mut self.record;
        r.status = status;
        r.error_class = class;
        r.latency_ms = ms(self.started.elapsed());
        // A stream that did not finish reported at most a placeholder (Anthropic's
        // `message_start` says 1 output token): count at least the text already forwarded.
        let estimate = self.streamed_chars.div_ceil(4) as u64;
        if self.usage.output_tokens == 0 || class.is_some() {
            self.usage.output_tokens = self.usage.output_tokens.max(estimate);
        }
        if let Some(slot) = self.slot.take() {
            slot.used_tokens(
                self.usage
                    .input_tokens
                    .saturating_add(self.usage.output_tokens),
            );
        }
        r.input_tokens = self.usage.input_tokens;
        r.output_tokens = self.usage.output_tokens;
        r.cache_read_tokens = self.usage.cache_read_tokens;
        r.cache_write_tokens = self.usage.cache_write_tokens;
        r.cache_write_1h_tokens = Some(self.usage.cache_write_1h_tokens);
        r.reasoning_tokens = Some(self.usage.reasoning_tokens);
        match self.from_cache {
            Some(saved) => {
                r.cost_usd = Some(0.0);
                r.saved_usd = saved;
                if let Some(held) = self.held.take() {
                    held.settle(0.0);
                }
            }
            None => {
                let prices = self.spend.prices();
                r.cost_usd = if self.plan {
                    Some(0.0)
                } else {
                    cost_in(&prices, self.kind, r.model.as_deref(), &self.usage)
                };
                if let (Some(usd), Some(backend_id)) = (r.cost_usd, &self.backend_id) {
                    self.spend.charge(backend_id, r.route.as_deref(), usd);
                }
                if let (Some(held), Some(usd)) = (self.held.take(), r.cost_usd) {
                    held.settle(usd);
                }
            }
        }
        if let Some(backend_id) = &self.backend_id {
            let provider_fault = status >= 500 || status == 0;
            if (200..300).contains(&status) || provider_fault {
                self.observer
                    .request_finished(backend_id, !provider_fault, r.latency_ms);
            }
        }
        // Written once: the record moves to the ledger.
        let record = std::mem::take(&mut self.record);
        self.ledger.record(record, self.token_id.take());
    }
}

impl RequestLog {
    /// The caller's person, if its token has one.
    pub(crate) fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    /// Holds the reservation of the candidate about to be tried; one held for an earlier
    /// candidate (which did not answer) is released.
    pub(crate) fn reserve(&mut self, held: Option<Box<dyn crate::deps::Held>>) {
        if let Some(earlier) = std::mem::replace(&mut self.held, held) {
            earlier.settle(0.0);
        }
    }

    /// Counts this request in flight until it is recorded or dropped.
    pub(crate) fn track(&mut self, in_flight: InFlight) {
        self.in_flight = Some(in_flight);
    }
}

impl Drop for RequestLog {
    /// A request abandoned mid-way (the client hung up) is still recorded with what it used.
    fn drop(&mut self) {
        if !self.written {
            let status = if self.record.status == 0 {
                499
            } else {
                self.record.status
            };
            self.write(status, Some(ErrorClass::ClientDisconnected));
        }
    }
}
