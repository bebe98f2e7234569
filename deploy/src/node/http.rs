//! JSON-RPC over HTTP/1.1 on std's TCP listener: a thread per connection
//! reads requests (keep-alive, `Content-Length` bodies, CORS preflight for
//! browser dapps) and hands each body to the one thread that owns the node
//! (the devnet is single-threaded), which answers them in arrival order.

use super::rpc;
use super::Node;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

/// Largest request body accepted, bytes (a deployment's calldata is about
/// 60 KB; 16 MiB leaves room for batches).
pub const MAX_BODY_BYTES: usize = 16 << 20;

/// How long an idle keep-alive connection stays open.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// A request body and where its answer goes.
struct Job {
    body: Vec<u8>,
    reply: Sender<Option<String>>,
}

/// Serves `listener` until the process ends: connections on their own
/// threads, every request answered by `node` on this thread.
pub fn serve(listener: TcpListener, node: &mut Node) {
    let (jobs, queue) = mpsc::channel::<Job>();
    thread::spawn(move || {
        for stream in listener.incoming() {
            match stream {
                Ok(stream) => {
                    let jobs = jobs.clone();
                    thread::spawn(move || connection(stream, &jobs));
                }
                // Out of file descriptors and the like: let connections
                // close rather than spin on the error.
                Err(_) => thread::sleep(Duration::from_millis(50)),
            }
        }
    });
    answer(queue, node);
}

fn answer(queue: Receiver<Job>, node: &mut Node) {
    for job in queue {
        let answer = rpc::serve(&job.body, &mut |method, params| {
            node.dispatch(method, params)
        });
        // The connection may have closed meanwhile: nothing to tell it.
        let _ = job.reply.send(answer);
    }
}

/// One parsed HTTP request.
struct Request {
    method: String,
    body: Vec<u8>,
    keep_alive: bool,
}

/// What went wrong reading a request: answered with this status, then the
/// connection closes.
struct HttpError(&'static str);

fn connection(stream: TcpStream, jobs: &Sender<Job>) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let request = match read_request(&mut reader) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(HttpError(status)) => {
                let _ = respond(&mut writer, status, "text/plain", status.as_bytes(), false);
                return;
            }
        };
        let written = match request.method.as_str() {
            "POST" => match run(jobs, request.body) {
                Some(Some(answer)) => respond(
                    &mut writer,
                    "200 OK",
                    "application/json",
                    answer.as_bytes(),
                    request.keep_alive,
                ),
                Some(None) => respond(
                    &mut writer,
                    "204 No Content",
                    "application/json",
                    b"",
                    request.keep_alive,
                ),
                None => return,
            },
            "OPTIONS" => respond(
                &mut writer,
                "204 No Content",
                "text/plain",
                b"",
                request.keep_alive,
            ),
            _ => respond(
                &mut writer,
                "405 Method Not Allowed",
                "text/plain",
                b"POST JSON-RPC requests here\n",
                request.keep_alive,
            ),
        };
        if written.is_err() || !request.keep_alive {
            return;
        }
    }
}

/// Hands a body to the node's thread and waits for the answer; `None` when
/// the node has stopped.
fn run(jobs: &Sender<Job>, body: Vec<u8>) -> Option<Option<String>> {
    let (reply, answer) = mpsc::channel();
    jobs.send(Job { body, reply }).ok()?;
    answer.recv().ok()
}

/// Reads one request; `Ok(None)` at a clean end of the connection.
fn read_request(reader: &mut impl BufRead) -> Result<Option<Request>, HttpError> {
    let mut line = String::new();
    match reader.read_line(&mut line) {
        Ok(0) | Err(_) => return Ok(None),
        Ok(_) => {}
    }
    let mut words = line.split_whitespace();
    let (Some(method), Some(_target), Some(version)) = (words.next(), words.next(), words.next())
    else {
        return Err(HttpError("400 Bad Request"));
    };
    let mut keep_alive = version == "HTTP/1.1";
    let mut length: Option<usize> = None;
    loop {
        let mut header = String::new();
        if reader
            .read_line(&mut header)
            .map_err(|_| HttpError("400 Bad Request"))?
            == 0
        {
            return Err(HttpError("400 Bad Request"));
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else {
            return Err(HttpError("400 Bad Request"));
        };
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
        match name.as_str() {
            "content-length" => {
                length = Some(value.parse().map_err(|_| HttpError("400 Bad Request"))?)
            }
            "connection" => {
                keep_alive = !value.eq_ignore_ascii_case("close")
                    && (keep_alive || value.eq_ignore_ascii_case("keep-alive"))
            }
            "transfer-encoding" => return Err(HttpError("411 Length Required")),
            _ => {}
        }
    }
    let method = method.to_owned();
    let length = match (method.as_str(), length) {
        ("POST", None) => return Err(HttpError("411 Length Required")),
        (_, length) => length.unwrap_or(0),
    };
    if length > MAX_BODY_BYTES {
        return Err(HttpError("413 Payload Too Large"));
    }
    let mut body = vec![0; length];
    reader
        .read_exact(&mut body)
        .map_err(|_| HttpError("400 Bad Request"))?;
    Ok(Some(Request {
        method,
        body,
        keep_alive,
    }))
}

fn respond(
    writer: &mut impl Write,
    status: &str,
    content_type: &str,
    body: &[u8],
    keep_alive: bool,
) -> std::io::Result<()> {
    let connection = if keep_alive { "keep-alive" } else { "close" };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: {connection}\r\n\
         Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Methods: POST, OPTIONS\r\n\
         Access-Control-Allow-Headers: content-type\r\n\r\n",
        body.len()
    );
    writer.write_all(head.as_bytes())?;
    writer.write_all(body)?;
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Option<Request>, &'static str> {
        read_request(&mut text.as_bytes()).map_err(|HttpError(status)| status)
    }

    #[test]
    fn requests_parse_with_their_body_and_connection() {
        let request = parse(
            "POST / HTTP/1.1\r\nContent-Type: application/json\r\ncontent-length: 2\r\n\r\n{}",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (
                request.method.as_str(),
                request.body.as_slice(),
                request.keep_alive
            ),
            ("POST", b"{}".as_slice(), true)
        );
        let close = parse("POST / HTTP/1.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
            .unwrap()
            .unwrap();
        assert!(!close.keep_alive);
        let old = parse("POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n")
            .unwrap()
            .unwrap();
        assert!(!old.keep_alive);
        assert!(parse("").unwrap().is_none());
    }

    #[test]
    fn malformed_requests_get_a_status() {
        let cases = [
            ("GARBAGE\r\n\r\n", "400 Bad Request"),
            ("POST / HTTP/1.1\r\n\r\n", "411 Length Required"),
            (
                "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
                "411 Length Required",
            ),
            (
                "POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
                "400 Bad Request",
            ),
            (
                "POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n",
                "413 Payload Too Large",
            ),
            (
                "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n{}",
                "400 Bad Request",
            ),
            ("POST / HTTP/1.1\r\nno colon\r\n\r\n", "400 Bad Request"),
            ("POST / HTTP/1.1\r\nContent-Length: 2", "400 Bad Request"),
        ];
        for (request, status) in cases {
            assert_eq!(parse(request).err(), Some(status), "{request:?}");
        }
    }
}
