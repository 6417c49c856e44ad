//! A release server on 127.0.0.1: files by path, as a mirror or GitHub's release assets serve
//! them, and redirects.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct Files(
    Arc<Mutex<HashMap<String, Entry>>>,
    Arc<Mutex<HashMap<String, usize>>>,
);

#[derive(Clone)]
enum Entry {
    Body(Bytes),
    Redirect(String),
}

impl Files {
    pub fn put(&self, path: &str, body: impl Into<Bytes>) {
        let body = Entry::Body(body.into());
        self.0.lock().unwrap().insert(path.into(), body);
    }

    /// How many requests `path` had.
    pub fn hits(&self, path: &str) -> usize {
        self.1.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    pub fn redirect(&self, path: &str, to: &str) {
        let to = Entry::Redirect(to.into());
        self.0.lock().unwrap().insert(path.into(), to);
    }
}

async fn serve(State(files): State<Files>, Path(path): Path<String>) -> Response {
    *files.1.lock().unwrap().entry(path.clone()).or_default() += 1;
    let entry = files.0.lock().unwrap().get(&path).cloned();
    match entry {
        Some(Entry::Body(b)) => b.into_response(),
        Some(Entry::Redirect(to)) => (StatusCode::FOUND, [(header::LOCATION, to)]).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Starts the server; its origin (`http://127.0.0.1:PORT`).
pub async fn start(files: Files) -> String {
    let app = axum::Router::new()
        .route("/{*path}", axum::routing::get(serve))
        .with_state(files);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}
