//! One served connection's side of the slots (`slots.rs`): its service marks the ticket busy
//! when a request head arrives and its answer's body marks it idle when done (or dropped); the
//! task serving it closes it when the ticket is signalled — at once when it never sent a whole
//! request head, through hyper's graceful shutdown otherwise, so a request in flight is
//! answered before the connection closes.

use super::slots::{Signal, Ticket};
use axum::body::Body;
use bytes::Bytes;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The connection a request came on (a request extension): the guard vouches for it when the
/// request carries a valid token, which moves it back in the order of giving way.
#[derive(Clone)]
pub(crate) struct OnConnection(Arc<Ticket>);

impl OnConnection {
    pub(crate) fn new(ticket: Arc<Ticket>) -> OnConnection {
        OnConnection(ticket)
    }

    /// A request on this connection carried a valid token.
    pub(crate) fn vouch(&self) {
        self.0.vouch();
    }
}

/// An answer's body that marks its connection idle when it is done or dropped.
pub(crate) struct Tracked {
    body: Body,
    ticket: Arc<Ticket>,
}

impl Tracked {
    pub(crate) fn new(body: Body, ticket: Arc<Ticket>) -> Tracked {
        Tracked { body, ticket }
    }
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.ticket.end();
    }
}

/// Runs `opening` (the TLS handshake) unless the ticket is signalled first (`None` then: the
/// connection is dropped, it has sent no request).
pub(crate) async fn unless_signalled<F: Future>(opening: F, ticket: &Ticket) -> Option<F::Output> {
    let mut opening = std::pin::pin!(opening);
    std::future::poll_fn(|cx| {
        if ticket.signal(cx.waker()) != Signal::None {
            return Poll::Ready(None);
        }
        opening.as_mut().poll(cx).map(Some)
    })
    .await
}

/// A connection hyper serves, which can be asked to finish its request in flight and close.
pub(crate) trait Closable: Future {
    fn finish_and_close(self: Pin<&mut Self>);
}

impl<I, S, B> Closable for hyper::server::conn::http1::Connection<I, S>
where
    S: hyper::service::HttpService<hyper::body::Incoming, ResBody = B>,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    I: hyper::rt::Read + hyper::rt::Write + Unpin,
    B: http_body::Body + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    fn finish_and_close(self: Pin<&mut Self>) {
        self.graceful_shutdown();
    }
}

impl<I, S, B> Closable for hyper::server::conn::http1::UpgradeableConnection<I, S>
where
    S: hyper::service::HttpService<hyper::body::Incoming, ResBody = B>,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    B: http_body::Body + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    fn finish_and_close(self: Pin<&mut Self>) {
        self.graceful_shutdown();
    }
}

/// Serves `conn` until it ends (its output) or its ticket says to drop it (`None`); asked to
/// finish (given way while idle, or the gateway stopping), it answers the request in flight,
/// if any, then closes.
pub(crate) async fn serve<C: Closable>(conn: C, ticket: &Ticket) -> Option<C::Output> {
    let mut conn = std::pin::pin!(conn);
    let mut closing = false;
    std::future::poll_fn(|cx| {
        if !closing {
            match ticket.signal(cx.waker()) {
                Signal::None => {}
                Signal::Drop => return Poll::Ready(None),
                Signal::Finish => {
                    conn.as_mut().finish_and_close();
                    closing = true;
                }
            }
        }
        conn.as_mut().poll(cx).map(Some)
    })
    .await
}
