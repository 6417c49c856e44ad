//! `switchyard reconcile [--since 7d] [--offline] [--json] [--reprice]`: the ledger beside each provider's
//! own books (issue 75), read first with the backends' admin keys (`switchyard key add BACKEND
//! --admin`), then per day: tokens and cost on both sides, the difference, and the usage on the
//! user's keys nothing Switchyard saw (unrouted), with what to do about it.
//!
//! `--reprice` then scales the ledger's costs to the providers' own where they report one
//! (the user's request only; never a team's ledger).
//!
//! Exit 0 when every provider was read, 1 when one could not be (its books shown as stale).

use super::io::Io;
use switchyard_app::{AppError, Switchyard};
use switchyard_domain::reconcile::{percent_off, Reconciliation};
use switchyard_domain::words::{since, WordError};
use switchyard_reconcile::{Reconcile, Span};

#[derive(Debug, clap::Args)]
pub struct ReconcileArgs {
    /// From how long ago (`7d`, `24h`, a date): whole UTC days up to today
    #[arg(long, value_name = "WHEN", default_value = "7d", value_parser = checked)]
    since: String,
    /// Do not read the providers now: use the books read last
    #[arg(long)]
    offline: bool,
    /// As JSON
    #[arg(long)]
    json: bool,
    /// After reading, scale the ledger's costs to the providers' own (where they report a cost
    /// per day, key and model): the Costs page, budgets and exports follow
    #[arg(long)]
    reprice: bool,
    /// This machine's ledger even when SWITCHYARD_TEAM_DATABASE_URL names a team's
    #[arg(long)]
    local: bool,
}

fn checked(text: &str) -> Result<String, WordError> {
    since(text, switchyard_app::now_ms()).map(|_| text.to_string())
}

impl ReconcileArgs {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let mut failed = false;
        let done = self.go(app, &mut failed).await;
        let code = io.finish(done);
        if code == 0 && failed {
            1
        } else {
            code
        }
    }

    async fn go(&self, app: &Switchyard, failed: &mut bool) -> Result<String, AppError> {
        let now = switchyard_app::now_ms();
        let from = since(&self.since, now).unwrap_or(now);
        let at = |ms: i64| {
            time::OffsetDateTime::from_unix_timestamp(ms / 1000)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        };
        let span = Span {
            first: at(from).date(),
            last: at(now).date(),
        };
        let mut books = Reconcile::new(app)?;
        // Beside a team's replicas: the team's ledger, with spend by person.
        let team = match self.local {
            true => None,
            false => super::team_servers::from_env().map_err(AppError::Team)?,
        };
        if let Some(team) = team {
            let db = switchyard_team::TeamDb::connect(&team.database)
                .await
                .map_err(switchyard_app::team::team_error)?;
            books = books.with_team(db);
        }
        let mut warnings = String::new();
        if !self.offline {
            for read in books.read(span, None).await? {
                if let Some(e) = read.error {
                    *failed = true;
                    warnings.push_str(&format!("switchyard: {}: {e}\n", read.backend));
                }
            }
        }
        if self.reprice {
            let done = books.reprice_from_books(span).await?;
            warnings.push_str(&format!(
                "repriced {} requests: ${:.4} → ${:.4} from the providers' own costs\n",
                done.rows, done.before_usd, done.after_usd
            ));
        }
        let report = books.report(span).await?;
        if self.json {
            return Ok(serde_json::to_string_pretty(&report)
                .map_err(|e| AppError::Internal(e.to_string()))?
                + "\n");
        }
        if report.is_empty() {
            return Ok("No provider's books to compare with: add an organization admin key with `switchyard key add BACKEND --admin` (OpenAI, Anthropic; OpenRouter's management key).\n".into());
        }
        Ok(warnings + &report.iter().map(text).collect::<Vec<_>>().join("\n"))
    }
}

fn usd(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("${v:.4}"))
}

fn pct(ledger: f64, provider: f64) -> String {
    percent_off(ledger, provider).map_or_else(|| "—".into(), |p| format!("{p:+.1}%"))
}

/// One backend's reconciliation as text: a line per day, then what is unrouted and what to do.
fn text(r: &Reconciliation) -> String {
    let mut out = format!(
        "{} ({}), {} to {}{}\n",
        r.backend,
        r.provider.label(),
        r.first_day,
        r.last_day,
        match (&r.stale, r.read_at_ms) {
            (Some(e), _) => format!(" — stale: the last read failed ({e})"),
            (None, None) => " — not read yet".into(),
            (None, Some(_)) => String::new(),
        }
    );
    out.push_str("  day         ledger tokens  provider tokens   diff     ledger $   provider $   unrouted\n");
    for d in &r.days {
        let (l, p) = (d.ledger.tokens.total(), d.provider.tokens.total());
        out.push_str(&format!(
            "  {}  {:>13}  {:>15}  {:>7}  {:>10}  {:>11}  {:>9}\n",
            d.day,
            l,
            p,
            pct(l as f64, p as f64),
            usd(d.ledger.cost_usd),
            usd(d.provider.cost_usd),
            d.unrouted_tokens
        ));
    }
    for u in &r.unrouted {
        // OpenRouter's per-key figures are a cost, without tokens.
        let what = match (u.tokens.total(), u.cost_usd) {
            (0, Some(c)) => format!("${c:.4} spent"),
            (n, Some(c)) => format!("{n} tokens (about ${c:.4})"),
            (n, None) => format!("{n} tokens"),
        };
        out.push_str(&format!(
            "  ! {}: {what} on key \"{}\" at {} outside Switchyard ({:.0}% of that key's use): connect the tool that uses it, or rotate the key if you do not know what did\n",
            u.day,
            u.key_label,
            r.provider.label(),
            u.share * 100.0,
        ));
    }
    if !r.people.is_empty() {
        out.push_str("  by person (the team's ledger):\n");
        for p in &r.people {
            out.push_str(&format!(
                "    {}  {:<28} {:>13} tokens  {:>10}\n",
                p.day,
                p.person.as_deref().unwrap_or("(a replica's own token)"),
                p.ledger.tokens.total(),
                usd(p.ledger.cost_usd)
            ));
        }
    }
    for k in r.keys.iter().filter(|k| !k.candidates.is_empty()) {
        out.push_str(&format!(
            "  ? {}'s key {} fits several of yours: its usage is not counted as any of them\n",
            r.provider.label(),
            k.redacted
        ));
    }
    out
}
