//! A release server that sets its own pace, byte by byte: raw HTTP/1.1 over TCP on 127.0.0.1,
//! for what a well-behaved server never does. A body dripped one byte at a time (a server that
//! never finishes), a body held part-way until the test lets it go (to see where the bytes
//! already received are), a body with no length that runs past a cap, and a large body made as
//! it is sent (so this process never holds it whole, and its memory is the client's alone).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// What the server sends after the status line.
#[derive(Clone)]
pub enum Body {
    /// These bytes.
    Bytes(Arc<Vec<u8>>),
    /// `len` bytes, byte `i` being [`made`]`(i)`, made chunk by chunk as they are sent.
    Made { len: u64 },
}

impl Body {
    pub fn bytes(b: impl Into<Vec<u8>>) -> Body {
        Body::Bytes(Arc::new(b.into()))
    }

    fn len(&self) -> u64 {
        match self {
            Body::Bytes(b) => b.len() as u64,
            Body::Made { len } => *len,
        }
    }

    fn chunk(&self, from: u64, size: usize) -> Vec<u8> {
        let end = (from + size as u64).min(self.len());
        match self {
            Body::Bytes(b) => b[from as usize..end as usize].to_vec(),
            Body::Made { .. } => (from..end).map(made).collect(),
        }
    }
}

/// Byte `i` of a [`Body::Made`] body: varied enough that a wrong offset changes the signature.
pub fn made(i: u64) -> u8 {
    (i.wrapping_mul(31) ^ (i >> 11)) as u8
}

/// Writes a [`Body::Made`] body of `len` bytes to `path`, 1 MiB at a time (for signing it).
pub fn write_made(path: &std::path::Path, len: u64) {
    use std::io::Write;
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let body = Body::Made { len };
    let mut at = 0;
    while at < len {
        let chunk = body.chunk(at, 1 << 20);
        file.write_all(&chunk).unwrap();
        at += chunk.len() as u64;
    }
    file.flush().unwrap();
}

/// How the body is sent.
#[derive(Clone)]
pub enum Pace {
    /// As fast as the connection takes it, in 64 KiB chunks.
    Whole,
    /// One byte, then a pause of `every`, until the body is sent (a server that never ends).
    Drip { every: Duration },
    /// The first `first` bytes, then nothing until `go` is notified, then the rest.
    Held { first: usize, go: Arc<Notify> },
}

/// A raw server's settings.
#[derive(Clone)]
pub struct Raw {
    pub body: Body,
    pub pace: Pace,
    /// Whether the head says `Content-Length` (else the body ends when the connection closes).
    pub length: bool,
}

/// A running raw server.
pub struct Served {
    /// `http://127.0.0.1:PORT`; every path gets the same body.
    pub origin: String,
    requests: Arc<AtomicUsize>,
}

impl Served {
    /// How many requests it had.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Starts the server.
pub async fn start(raw: Raw) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&requests);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(answer(stream, raw.clone()));
        }
    });
    Served { origin, requests }
}

/// Reads the request's head, then sends the body at its pace; a client that leaves ends it.
async fn answer(mut stream: TcpStream, raw: Raw) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let length = match raw.length {
        true => format!("Content-Length: {}\r\n", raw.body.len()),
        false => String::new(),
    };
    let status = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n{length}Connection: close\r\n\r\n"
    );
    if stream.write_all(status.as_bytes()).await.is_err() {
        return;
    }
    let _ = send(&mut stream, &raw).await;
    let _ = stream.shutdown().await;
}

async fn send(stream: &mut TcpStream, raw: &Raw) -> std::io::Result<()> {
    let len = raw.body.len();
    let mut at = 0u64;
    if let Pace::Held { first, go } = &raw.pace {
        stream.write_all(&raw.body.chunk(0, *first)).await?;
        stream.flush().await?;
        at = (*first as u64).min(len);
        go.notified().await;
    }
    while at < len {
        let size = match raw.pace {
            Pace::Drip { .. } => 1,
            _ => 64 * 1024,
        };
        let chunk = raw.body.chunk(at, size);
        stream.write_all(&chunk).await?;
        stream.flush().await?;
        at += chunk.len() as u64;
        if let Pace::Drip { every } = raw.pace {
            tokio::time::sleep(every).await;
        }
    }
    Ok(())
}
