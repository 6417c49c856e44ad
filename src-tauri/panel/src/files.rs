//! The panel's files: where the window opens a native dialog, the browser uploads or downloads.
//! Both mint handles in the core's one table (`switchyard_ipc::files::FileGrants`), so the file
//! commands themselves are ordinary commands that take handles: the page can name only files it
//! uploaded or places the panel reserved for it, never a path.
//!
//! - `choose_file` for an export or a report reserves a place (`commands::choose`); the browser
//!   downloads it once the command wrote it (`GET /panel/api/files/{id}`, [`download`]), only
//!   the session that reserved it, once.
//! - A file to read is uploaded (`POST /panel/api/files?name=…`, [`upload`]): after the gate
//!   and the table's row for uploads, its bytes stream to disk under the upload's cap, the
//!   session's quota and the total quota, within a deadline; a refused or cut-off upload leaves
//!   nothing.

use crate::api::gate;
use crate::body::{self, closing};
use crate::reply::{not_ready, refuse, status_of};
use crate::Shared;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::json;
use std::sync::Arc;
use switchyard_domain::authz::Entry;
use switchyard_ipc::files::{Holder, Refused};
use switchyard_ipc::{ErrorKind, IpcError};

fn refused(refusal: &Refused) -> Response {
    let error = refusal.error();
    let status = match refusal {
        Refused::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Refused::Quota => StatusCode::INSUFFICIENT_STORAGE,
        Refused::Name(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Refused::Io => StatusCode::INTERNAL_SERVER_ERROR,
    };
    closing((status, axum::Json(json!({ "error": error }))).into_response())
}

#[derive(serde::Deserialize)]
pub struct UploadName {
    name: String,
}

/// `POST /panel/api/files?name=…`: an uploaded file to read (the body is its bytes).
pub async fn upload(
    State(shared): State<Arc<Shared>>,
    Query(UploadName { name }): Query<UploadName>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let found = match gate(&shared, &headers, true, Entry::PanelUpload).await {
        Ok(found) => found,
        Err(resp) => return closing(resp),
    };
    let Some(attached) = shared.attached.get() else {
        return closing(not_ready());
    };
    let files = match attached.core.files() {
        Ok(files) => files.clone(),
        Err(e) => return closing(error(&e)),
    };
    let _permit = match shared.admission.body() {
        Some(permit) => permit,
        None => return crate::body::busy(),
    };
    let holder = Holder::Session(found.holder);
    let mut up = match files.upload(holder, &name, body::declared(&headers)) {
        Ok(up) => up,
        Err(refusal) => return refused(&refusal),
    };
    let mut chunks = body.into_data_stream();
    let received = tokio::time::timeout(body::UPLOAD_WITHIN, async {
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|_| None)?;
            up.write(&chunk).await.map_err(Some)?;
        }
        Ok::<_, Option<Refused>>(())
    })
    .await;
    match received {
        Err(_) => body::too_slow(),
        Ok(Err(None)) => closing(refuse(
            StatusCode::BAD_REQUEST,
            ErrorKind::Validation,
            "The upload was cut off.",
        )),
        Ok(Err(Some(refusal))) => refused(&refusal),
        Ok(Ok(())) => match up.finish().await {
            Ok(chosen) => axum::Json(json!({ "ok": chosen })).into_response(),
            Err(refusal) => refused(&refusal),
        },
    }
}

fn error(e: &IpcError) -> Response {
    (status_of(e.kind), axum::Json(json!({ "error": e }))).into_response()
}

/// `GET /panel/api/files/{id}`: a file a command wrote, downloaded once by the session that
/// reserved its place.
pub async fn download(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let found = match gate(&shared, &headers, false, Entry::PanelDownload).await {
        Ok(found) => found,
        Err(resp) => return resp,
    };
    let Some(attached) = shared.attached.get() else {
        return not_ready();
    };
    let Ok(files) = attached.core.files() else {
        return not_ready();
    };
    let taken = files.take_download(&Holder::Session(found.holder), &id);
    let opened = match taken {
        Some((name, path)) => tokio::fs::File::open(&path)
            .await
            .ok()
            .map(|f| (name, path, f)),
        None => None,
    };
    let Some((name, path, file)) = opened else {
        return refuse(
            StatusCode::NOT_FOUND,
            ErrorKind::NotFound,
            "That file is not here: it was downloaded already, or nothing was written to it.",
        );
    };
    // Open, so its folder can go now (on Windows removing an open file fails: the folder is
    // emptied at the next start instead).
    if let Some(folder) = path.parent() {
        let _ = std::fs::remove_dir_all(folder);
    }
    let stream = tokio_util::io::ReaderStream::new(file);
    let mut resp = (
        [(header::CONTENT_TYPE, "application/octet-stream")],
        Body::from_stream(stream),
    )
        .into_response();
    let disposition = format!(
        "attachment; filename=\"{}\"",
        name.replace(|c: char| c == '"' || c.is_control(), "")
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}
