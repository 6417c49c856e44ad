//! A team replica's sharing on `/metrics` (absent on a desktop without a team):
//! `switchyard_team_redis_up{replica}` (0 is the degraded state: limits, breakers and the cache
//! are this replica's own until Redis is back), and the team ledger's queue and losses.

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
}

impl TeamGauges {
    pub(super) fn register(&self, r: &mut Registry) {
        register!(r,
            "team_redis_up", "1 while this team replica shares limits, breakers and the cache through Redis; 0 when it is on its own (degraded)" => self.redis_up;
            "team_ledger_queue_depth", "Finished requests waiting to be written to the team's ledger" => self.queued;
            "team_ledger_lost_requests", "Requests the team's ledger could not hold" => self.lost;
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
    }
}
