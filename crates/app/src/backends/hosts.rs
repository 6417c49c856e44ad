//! Which hosts a backend's keys may go to (see `switchyard_domain::key_host`): a save that moves a
//! keyed backend to a new origin approves it only when the user approved that very move
//! (`crate::changes::decide`).

use super::BackendTables;
use crate::AppError;
use switchyard_domain::{origin_of, unapproved_move, HostMove};

/// The move of backend `id` from `old_url` to `new_url` that its keys are not approved for
/// (blocking).
pub(crate) fn pending_move(
    rows: &BackendTables,
    id: &str,
    old_url: &str,
    new_url: &str,
) -> Result<Option<HostMove>, AppError> {
    let keys: Vec<Vec<String>> = rows
        .keys
        .keys_of(id)?
        .into_iter()
        .map(|k| k.hosts)
        .collect();
    Ok(unapproved_move(&keys, old_url, new_url))
}

/// Approves `moved.to` for every key of backend `id` (blocking).
pub(crate) fn approve(
    rows: &BackendTables,
    id: &str,
    name: &str,
    moved: &HostMove,
) -> Result<(), AppError> {
    let Some(origin) = origin_of(&moved.to) else {
        return Ok(());
    };
    rows.keys.approve_backend_host(id, &origin)?;
    tracing::info!(backend = %name, from = %moved.from, to = %origin, "keys approved for a new host");
    Ok(())
}

/// The backend of `kind` a key found outside Switchyard (an environment variable, a `.env`
/// line, a swept dotfile) may join without the user naming one: the first backend of that kind
/// whose address the user already trusts with a key — the provider's own address, or one a key
/// of that backend is approved for. A backend of the kind at any other address (a keyless one
/// from an imported file or another machine, say) is never picked: the caller makes a new one
/// at the provider's address instead, so a key never goes to a host the user did not see.
pub(crate) fn home_for_found_key(
    rows: &BackendTables,
    kind: switchyard_domain::BackendKind,
) -> Result<Option<switchyard_store::BackendRow>, AppError> {
    let official = origin_of(kind.spec().default_base_url);
    for b in rows.backends.list_backends()? {
        if b.kind != kind {
            continue;
        }
        let Some(origin) = origin_of(&b.base_url) else {
            continue;
        };
        let trusted = official.as_deref() == Some(origin.as_str())
            || rows
                .keys
                .keys_of(&b.id)?
                .iter()
                .any(|k| k.hosts.contains(&origin));
        if trusted {
            return Ok(Some(b));
        }
    }
    Ok(None)
}

/// Where a found key of `kind` goes when the user names no backend ([`home_for_found_key`]), in
/// words, said before it is moved: `OpenAI at https://api.openai.com`, or `a new OpenAI backend
/// at https://api.openai.com`.
pub(crate) fn found_key_home_in_words(
    rows: &BackendTables,
    kind: switchyard_domain::BackendKind,
) -> Result<String, AppError> {
    Ok(match home_for_found_key(rows, kind)? {
        Some(b) => format!("{} at {}", b.name, origin_or_url(&b.base_url)),
        None => new_home_in_words(kind),
    })
}

/// Where `import-env` puts a finding of `kind` now (`import::import_one`), in words:
/// `OLLAMA_HOST` points the first Ollama backend at its host; a key goes as above.
pub(crate) fn import_home_in_words(
    rows: &BackendTables,
    kind: switchyard_domain::BackendKind,
) -> Result<String, AppError> {
    if kind != switchyard_domain::BackendKind::Ollama {
        return found_key_home_in_words(rows, kind);
    }
    let first = rows
        .backends
        .list_backends()?
        .into_iter()
        .find(|b| b.kind == kind);
    Ok(first.map_or_else(|| new_home_in_words(kind), |b| b.name))
}

/// `word` for each kind among `kinds`, looked up once per kind (a scan's findings share few).
pub(crate) fn homes_in_words(
    rows: &BackendTables,
    kinds: impl IntoIterator<Item = switchyard_domain::BackendKind>,
    word: fn(&BackendTables, switchyard_domain::BackendKind) -> Result<String, AppError>,
) -> Result<std::collections::HashMap<switchyard_domain::BackendKind, String>, AppError> {
    let mut homes = std::collections::HashMap::new();
    for kind in kinds {
        if let std::collections::hash_map::Entry::Vacant(e) = homes.entry(kind) {
            e.insert(word(rows, kind)?);
        }
    }
    Ok(homes)
}

/// `a new OpenAI backend at https://api.openai.com`.
pub(crate) fn new_home_in_words(kind: switchyard_domain::BackendKind) -> String {
    let spec = kind.spec();
    format!(
        "a new {} backend at {}",
        spec.label,
        origin_or_url(spec.default_base_url)
    )
}

fn origin_or_url(url: &str) -> String {
    origin_of(url).unwrap_or_else(|| url.to_string())
}
