//! A team replica's sharing on `/metrics` (absent on a desktop without a team):
//! `switchyard_team_redis_up{replica}` (0 is the degraded state: limits, breakers and the cache
//! are this replica's own until Redis is back), and the team ledger's queue, losses and the
//! rows the team database refused (set aside in the replica's outbox).

use super::{labels::Bounded, Label};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use switchyard_app::team::TeamState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReplicaLabel {
    replica: Label,
}

#[derive(Default)]
pub(super) struct TeamGauges {
    redis_up: Family<ReplicaLabel, Gauge>,
    queued: Family<ReplicaLabel, Gauge>,
    lost: Family<ReplicaLabel, Gauge>,
    set_aside: Family<ReplicaLabel, Gauge>,
}

impl TeamGauges {
    pub(super) fn register(&self, r: &mut Registry) {
        register!(r,
            "team_redis_up", "1 while this team replica shares limits, breakers and the cache through Redis; 0 when it is on its own (degraded)" => self.redis_up;
            "team_ledger_queue_depth", "Finished requests waiting to be written to the team's ledger" => self.queued;
            "team_ledger_lost_requests", "Requests the team's ledger could not hold" => self.lost;
            "team_ledger_set_aside_requests", "Requests the team database refused for their data, kept aside in this replica's outbox so the rows behind them are written" => self.set_aside;
        );
    }

    pub(super) fn read(&self, state: Option<&TeamState>, names: &Bounded) {
        let Some(state) = state else {
            return;
        };
        let label = ReplicaLabel {
            replica: names.label(&state.replica),
        };
        if let Some(up) = state.redis_up {
            self.redis_up.get_or_create(&label).set(i64::from(up));
        }
        let queued = i64::try_from(state.ledger_queued).unwrap_or(i64::MAX);
        self.queued.get_or_create(&label).set(queued);
        let lost = i64::try_from(state.ledger_lost).unwrap_or(i64::MAX);
        self.lost.get_or_create(&label).set(lost);
        let set_aside = i64::try_from(state.ledger_set_aside).unwrap_or(i64::MAX);
        self.set_aside.get_or_create(&label).set(set_aside);
    }
}
