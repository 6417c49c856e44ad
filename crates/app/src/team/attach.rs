//! A desktop attached to a team gateway (Settings → Team gateway): the replica's address in the
//! settings table, its admin token in the keychain like a provider key, and the team's overview
//! read from the replica's API ([`super::api`]) whenever the Team page asks. The local gateway is
//! untouched: attaching adds a view, it moves nothing.

use crate::blocking::OffThread;
use crate::AppError;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use switchyard_domain::{Field, IssueCode};
use switchyard_gateway::HttpClients;
use switchyard_secrets::{SecretError, SecretStore, SecretString};
use switchyard_store::SettingsTable;
use switchyard_team::overview::{
    IssuedToken, TeamOverview, OVERVIEW_PATH, READINESS_PATH, TOKENS_PATH,
};

/// Settings key of the attached replica's address.
const KEY: &str = "team_link";
/// Keychain account of its admin token.
const ACCOUNT: &str = "team:admin-token";
/// How long a replica gets to answer (a readiness run on it takes longer).
const TIMEOUT: Duration = Duration::from_secs(10);
const READINESS_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Saved {
    url: Option<String>,
}

/// The Team gateway feature of a desktop. Cheap to clone.
#[derive(Clone)]
pub struct TeamLink {
    settings: SettingsTable,
    secrets: Arc<dyn SecretStore>,
    /// The app's outbound clients (as the probes use).
    http: HttpClients,
}

fn field(field: Field, code: IssueCode, message: impl Into<String>) -> AppError {
    AppError::field(field, code, message)
}

/// `url` as the base the API paths are joined to: http(s), no query, no trailing slash; plain
/// http only to this machine (the admin token would cross the network in the clear).
pub fn checked_url(url: &str) -> Result<String, AppError> {
    let trimmed = url.trim().trim_end_matches('/');
    let parsed = reqwest::Url::parse(trimmed).map_err(|_| {
        field(
            Field::Url,
            IssueCode::Format,
            "Enter the team gateway's address, such as https://switchyard.example.com.",
        )
    })?;
    let loopback = switchyard_domain::is_loopback_host(&parsed);
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(field(
                Field::Url,
                IssueCode::Unsafe,
                "Use https for a team gateway on another machine: over plain http its admin token would travel in the clear.",
            ))
        }
        _ => {
            return Err(field(
                Field::Url,
                IssueCode::Format,
                "A team gateway's address starts with https:// (or http:// on this machine).",
            ))
        }
    }
    if parsed.query().is_some() || parsed.fragment().is_some() || parsed.password().is_some() {
        return Err(field(
            Field::Url,
            IssueCode::Format,
            "Give the team gateway's address without a query, a fragment or credentials.",
        ));
    }
    Ok(trimmed.to_string())
}

/// Sends `request` (to the replica at `base`, with the admin token); a 2xx answer as it came,
/// any other as the user's error.
async fn send(base: &str, request: reqwest::RequestBuilder) -> Result<reqwest::Response, AppError> {
    let resp = request.send().await.map_err(|e| {
        let why = if e.is_timeout() {
            "it did not answer in time"
        } else {
            "nothing answered"
        };
        field(
            Field::Url,
            IssueCode::Other,
            format!("Could not reach the team gateway at {base}: {why}."),
        )
    })?;
    match resp.status().as_u16() {
        200..=299 => Ok(resp),
        401 => Err(field(
            Field::Token,
            IssueCode::Other,
            "The team gateway refused this token: it is wrong or was revoked.",
        )),
        403 => Err(field(
            Field::Token,
            IssueCode::Other,
            "This is not an admin token: create one with `switchyard team token create NAME --owner PERSON --admin`.",
        )),
        // The caller says what a missing page means (no team gateway there; a token gone).
        404 => Err(AppError::NotFound("Team gateway")),
        status => {
            let said = resp
                .json::<serde_json::Value>()
                .await
                .ok()
                .and_then(|v| v.pointer("/error/message")?.as_str().map(str::to_string))
                .unwrap_or_default();
            Err(AppError::Team(format!(
                "The team gateway at {base} answered {status}. {said}"
            )))
        }
    }
}

/// Reads an answer of this version's shape.
async fn read<T: serde::de::DeserializeOwned>(
    base: &str,
    resp: reqwest::Response,
) -> Result<T, AppError> {
    resp.json::<T>().await.map_err(|_| {
        AppError::Team(format!(
            "The team gateway at {base} answered something this version cannot read: is it a newer or older Switchyard?"
        ))
    })
}

impl OffThread for TeamLink {}

impl TeamLink {
    pub(crate) fn new(
        settings: SettingsTable,
        secrets: Arc<dyn SecretStore>,
        http: HttpClients,
    ) -> TeamLink {
        TeamLink {
            settings,
            secrets,
            http,
        }
    }

    /// A request to `path` on the replica at `base`, with the admin `token`, answering within
    /// `timeout`: direct to a replica on this machine, else through the system's proxy settings.
    fn request(
        &self,
        method: reqwest::Method,
        base: &str,
        path: &str,
        token: &SecretString,
        timeout: Duration,
    ) -> reqwest::RequestBuilder {
        let url = format!("{base}{path}");
        self.http
            .for_url(&url)
            .request(method, &url)
            .timeout(timeout)
            .bearer_auth(token.expose())
    }

    /// The overview from `path` (`GET`, or `POST` for a readiness run).
    async fn call(
        &self,
        base: &str,
        path: &str,
        token: &SecretString,
        post: bool,
    ) -> Result<TeamOverview, AppError> {
        let request = if post {
            self.request(reqwest::Method::POST, base, path, token, READINESS_TIMEOUT)
        } else {
            self.request(reqwest::Method::GET, base, path, token, TIMEOUT)
        };
        let resp = send(base, request).await.map_err(|e| match e {
            AppError::NotFound(_) => field(
                Field::Url,
                IssueCode::Other,
                format!(
                    "No team gateway answers at {base}: is Switchyard there started with --team?"
                ),
            ),
            e => e,
        })?;
        read(base, resp).await
    }

    /// The attached replica's address, if any.
    pub async fn url(&self) -> Result<Option<String>, AppError> {
        self.blocking(|me| Ok(me.settings.setting_or_default::<Saved>(KEY)?.url))
            .await
    }

    /// Checks `url` and `token` by reading the overview with them, then keeps them (the token in
    /// the keychain). Nothing is saved when the replica refuses or cannot be reached.
    pub async fn attach(&self, url: &str, token: SecretString) -> Result<TeamOverview, AppError> {
        let base = checked_url(url)?;
        if token.expose().trim().is_empty() {
            return Err(field(
                Field::Token,
                IssueCode::Required,
                "Paste the team's admin token.",
            ));
        }
        let overview = self.call(&base, OVERVIEW_PATH, &token, false).await?;
        self.blocking(move |me| {
            me.secrets.set(ACCOUNT, &token)?;
            let saved = serde_json::to_value(Saved { url: Some(base) })
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(me.settings.set_setting(KEY, &saved)?)
        })
        .await?;
        Ok(overview)
    }

    /// Forgets the replica and its token (the team and its tokens are untouched).
    pub async fn detach(&self) -> Result<(), AppError> {
        self.blocking(|me| {
            match me.secrets.delete(ACCOUNT) {
                Ok(()) | Err(SecretError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
            let saved = serde_json::to_value(Saved::default())
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(me.settings.set_setting(KEY, &saved)?)
        })
        .await
    }

    /// The team as the attached replica sees it now.
    pub async fn overview(&self) -> Result<TeamOverview, AppError> {
        let (base, token) = self.saved().await?;
        self.call(&base, OVERVIEW_PATH, &token, false).await
    }

    /// Runs the readiness checks on the attached replica; its overview after them.
    pub async fn run_readiness(&self) -> Result<TeamOverview, AppError> {
        let (base, token) = self.saved().await?;
        self.call(&base, READINESS_PATH, &token, true).await
    }

    /// A token for tool `name`, made by the attached replica for the admin token's owner; with
    /// the replica's address, which the tool is pointed at.
    pub async fn issue_tool_token(&self, name: &str) -> Result<(String, IssuedToken), AppError> {
        let (base, token) = self.saved().await?;
        let request = self
            .request(reqwest::Method::POST, &base, TOKENS_PATH, &token, TIMEOUT)
            .json(&serde_json::json!({ "name": name }));
        let issued = read(&base, send(&base, request).await?).await?;
        Ok((base, issued))
    }

    /// Revokes team token `id` on every replica; one already gone is no error.
    pub async fn revoke_tool_token(&self, id: &str) -> Result<(), AppError> {
        let (base, token) = self.saved().await?;
        let path = format!("{TOKENS_PATH}/{id}");
        let request = self.request(reqwest::Method::DELETE, &base, &path, &token, TIMEOUT);
        match send(&base, request).await {
            Ok(_) | Err(AppError::NotFound(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn saved(&self) -> Result<(String, SecretString), AppError> {
        self.blocking(|me| {
            let url = me
                .settings
                .setting_or_default::<Saved>(KEY)?
                .url
                .ok_or(AppError::NotFound("Team gateway"))?;
            Ok((url, me.secrets.get(ACCOUNT)?))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_https_or_http_to_this_machine() {
        assert_eq!(
            checked_url(" https://team.example.com/ ").ok().as_deref(),
            Some("https://team.example.com")
        );
        assert_eq!(
            checked_url("http://127.0.0.1:8080").ok().as_deref(),
            Some("http://127.0.0.1:8080")
        );
        for bad in [
            "http://team.example.com",
            "ftp://127.0.0.1",
            "team.example.com",
            "https://u:p@team.example.com",
            "https://team.example.com/?x=1",
            "",
        ] {
            assert!(
                matches!(checked_url(bad), Err(AppError::Validation(_))),
                "{bad} accepted"
            );
        }
    }
}
