//! The machine-wide components: keychain, database, gateway, configuration, notifications.

use super::Readiness;
use switchyard_app::GatewayRunning as Running;
use switchyard_domain::readiness::{CheckResult, Component, ComponentKind, Importance};
use switchyard_domain::validate::validate_backend;
use switchyard_domain::BackendDraft;
use Importance::{Critical, Info, Normal};

/// Free space below this degrades the database component; below a fifth of it, it is down.
const LOW_DISK_BYTES: u64 = 500 * 1024 * 1024;

/// Writes, reads back and deletes a throw-away entry.
pub async fn keychain(app: &Readiness) -> Component {
    let service = app.core.keychain_service().to_string();
    let check = match app.core.keys().keychain_round_trip().await {
        Ok(true) => CheckResult::pass(
            "keychain.roundTrip",
            "Write, read and delete a test entry",
            Critical,
            format!("works (service “{service}”)"),
        ),
        Ok(false) => CheckResult::fail(
            "keychain.roundTrip",
            "Write, read and delete a test entry",
            Critical,
            "the entry read back differs from the one written",
            "Restart the keychain service (gnome-keyring / KWallet / Keychain Access).",
        ),
        Err(e) => CheckResult::fail(
            "keychain.roundTrip",
            "Write, read and delete a test entry",
            Critical,
            e.to_string(),
            e.fix_hint(),
        ),
    };
    Component::new(
        "keychain",
        "Keychain",
        ComponentKind::Keychain,
        true,
        vec![check],
    )
}

pub async fn database(app: &Readiness) -> Component {
    let dir = app.core.paths().data_dir.clone();
    let free = tokio::task::spawn_blocking(move || fs4::available_space(&dir).ok())
        .await
        .ok()
        .flatten();
    let result = app
        .core
        .database_state()
        .await
        .map(|d| (d.integrity, d.schema, d.expected_schema, free));
    let mut checks = Vec::new();
    match result {
        Ok((integrity, version, want, free)) => {
            checks.push(if integrity == "ok" {
                CheckResult::pass("db.integrity", "Integrity check", Critical, "ok")
            } else {
                CheckResult::fail(
                    "db.integrity",
                    "Integrity check",
                    Critical,
                    integrity,
                    "Quit Switchyard and restore the database from a backup (see the data folder in Settings).",
                )
            });
            checks.push(if version == want {
                CheckResult::pass(
                    "db.schema",
                    "Migrations current",
                    Critical,
                    format!("schema {version}"),
                )
            } else {
                CheckResult::fail(
                    "db.schema",
                    "Migrations current",
                    Critical,
                    format!("schema {version}, this build expects {want}"),
                    "Restart Switchyard so it can migrate the database.",
                )
            });
            checks.push(match free {
                Some(b) if b >= LOW_DISK_BYTES => {
                    CheckResult::pass("db.disk", "Free disk space", Normal, mib(b))
                }
                Some(b) => CheckResult::fail(
                    "db.disk",
                    "Free disk space",
                    if b < LOW_DISK_BYTES / 5 {
                        Critical
                    } else {
                        Normal
                    },
                    format!("only {} free", mib(b)),
                    "Free some disk space on the drive holding the data folder.",
                ),
                None => {
                    CheckResult::pass("db.disk", "Free disk space", Info, "unknown on this system")
                }
            });
        }
        Err(e) => checks.push(CheckResult::fail(
            "db.open",
            "Database answers",
            Critical,
            e.to_string(),
            "Restart Switchyard; if it persists, check the data folder's permissions.",
        )),
    }
    Component::new(
        "database",
        "Database",
        ComponentKind::Database,
        true,
        checks,
    )
}

/// The innermost error message (the useful part of a reqwest error).
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

/// Listening, on loopback unless LAN access was allowed, and refusing a foreign `Host`.
pub async fn gateway(app: &Readiness) -> Component {
    let mut checks = super::port::checks(app).await;
    let (addr, lan) = match app.core.gateway_control().running() {
        Running::Listening(g, addr) => (*addr, g.config().allow_non_loopback),
        Running::Failed(e) => {
            checks.push(CheckResult::fail(
                "gateway.listening",
                "Listening",
                Critical,
                e.clone(),
                "Free the port or choose another one in Gateway settings, then restart Switchyard.",
            ));
            return Component::new("gateway", "Gateway", ComponentKind::Gateway, true, checks);
        }
        Running::Off => {
            checks.push(CheckResult::fail(
                "gateway.listening",
                "Listening",
                Critical,
                "the gateway is off",
                "Restart Switchyard.",
            ));
            return Component::new("gateway", "Gateway", ComponentKind::Gateway, true, checks);
        }
    };
    checks.push(CheckResult::pass(
        "gateway.listening",
        "Listening",
        Critical,
        format!("on {addr}"),
    ));
    checks.push(if addr.ip().is_loopback() {
        CheckResult::pass(
            "gateway.loopback",
            "Bound to loopback",
            Critical,
            "only this machine can connect",
        )
    } else if lan {
        CheckResult::pass(
            "gateway.loopback",
            "Bound to loopback",
            Info,
            "other machines may connect (allowed in Gateway settings)",
        )
    } else {
        CheckResult::fail(
            "gateway.loopback",
            "Bound to loopback",
            Critical,
            format!("listening on {addr}"),
            "Turn off LAN access in Gateway settings and restart.",
        )
    });
    let url = format!("http://127.0.0.1:{}/v1/models", addr.port());
    let http = match switchyard_gateway::probe::http_client() {
        Ok(http) => http,
        Err(e) => {
            checks.push(CheckResult::fail(
                "gateway.host",
                "Refuses a foreign Host",
                Critical,
                format!("no HTTP client: {}", root_cause(&e)),
                "Restart Switchyard.",
            ));
            return Component::new("gateway", "Gateway", ComponentKind::Gateway, true, checks);
        }
    };
    let foreign = http
        .for_url(&url)
        .get(&url)
        .header("host", "evil.example")
        .timeout(std::time::Duration::from_secs(3))
        .send()
        .await;
    checks.push(match foreign.map(|r| r.status().as_u16()) {
        Ok(403) => CheckResult::pass(
            "gateway.host",
            "Refuses a foreign Host",
            Critical,
            "403 for Host: evil.example",
        ),
        Ok(_) if lan => CheckResult::pass(
            "gateway.host",
            "Refuses a foreign Host",
            Info,
            "any Host is accepted (LAN access allowed)",
        ),
        Ok(s) => CheckResult::fail(
            "gateway.host",
            "Refuses a foreign Host",
            Critical,
            format!("answered {s}"),
            "Update Switchyard: the DNS-rebinding guard is not working.",
        ),
        Err(e) => CheckResult::fail(
            "gateway.host",
            "Refuses a foreign Host",
            Critical,
            format!("no answer: {}", root_cause(&e)),
            "Restart Switchyard.",
        ),
    });
    Component::new("gateway", "Gateway", ComponentKind::Gateway, true, checks)
}

/// Every backend's saved settings still validate, something is enabled, routes point somewhere.
pub async fn configuration(app: &Readiness) -> Component {
    let backends = match app.core.backends().list().await {
        Ok(b) => b,
        Err(e) => {
            let c = CheckResult::fail(
                "config.read",
                "Read the configuration",
                Critical,
                e.to_string(),
                "Restart Switchyard.",
            );
            return Component::new(
                "configuration",
                "Configuration",
                ComponentKind::Configuration,
                true,
                vec![c],
            );
        }
    };
    let mut checks = Vec::new();
    let names: Vec<String> = backends.iter().map(|b| b.row.name.clone()).collect();
    let invalid: Vec<String> = backends
        .iter()
        .filter(|b| {
            let draft = BackendDraft {
                name: b.row.name.clone(),
                kind: b.row.kind,
                base_url: b.row.base_url.clone(),
                default_model: b.row.default_model.clone(),
            };
            let others: Vec<&str> = names
                .iter()
                .filter(|n| **n != b.row.name)
                .map(String::as_str)
                .collect();
            !validate_backend(&draft, &others).is_ok()
        })
        .map(|b| b.row.name.clone())
        .collect();
    checks.push(if invalid.is_empty() {
        CheckResult::pass(
            "config.backends",
            "Backend settings valid",
            Critical,
            format!("{} backends", backends.len()),
        )
    } else {
        CheckResult::fail(
            "config.backends",
            "Backend settings valid",
            Critical,
            format!("invalid: {}", invalid.join(", ")),
            "Open each one on the Backends page and apply the offered fixes.",
        )
    });
    let enabled = backends.iter().filter(|b| b.row.enabled).count();
    checks.push(if enabled > 0 {
        CheckResult::pass(
            "config.enabled",
            "A backend is enabled",
            Critical,
            format!("{enabled} enabled"),
        )
    } else {
        CheckResult::fail(
            "config.enabled",
            "A backend is enabled",
            Critical,
            "none",
            "Enable a backend (or the Demo backend) on the Backends page.",
        )
    });
    if let Ok(routes) = app.core.routes().list().await {
        let broken: Vec<String> = routes
            .iter()
            .filter(|r| !r.candidates.iter().any(|c| c.backend_enabled))
            .map(|r| r.name.clone())
            .collect();
        checks.push(if broken.is_empty() {
            CheckResult::pass(
                "config.routes",
                "Routes can serve",
                Normal,
                format!("{} routes", routes.len()),
            )
        } else {
            CheckResult::fail(
                "config.routes",
                "Routes can serve",
                Normal,
                format!("no enabled candidate: {}", broken.join(", ")),
                "Edit these routes on the Routes page.",
            )
        });
    }
    Component::new(
        "configuration",
        "Configuration",
        ComponentKind::Configuration,
        true,
        checks,
    )
}

/// Whether a desktop notification can be delivered (optional: failing only degrades).
pub async fn notifications(app: &Readiness) -> Component {
    let check = match app.core.notifications().service().await {
        Ok(server) => CheckResult::pass("notify.server", "Notification service", Normal, server),
        Err(e) => CheckResult::fail(
            "notify.server",
            "Notification service",
            Normal,
            e.message,
            e.hint,
        ),
    };
    Component::new(
        "notifications",
        "Notifications",
        ComponentKind::Notifications,
        false,
        vec![check],
    )
}
