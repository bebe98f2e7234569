//! The HTTP layer as a browser or curl meets it: CORS preflight, methods
//! other than POST, malformed JSON, and two requests on one keep-alive
//! connection.

use crate::process::NodeProcess;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

/// Sends `request` on `stream` and reads one response: status line,
/// headers (lower-cased) and body.
fn exchange(stream: &mut TcpStream, request: &str) -> (String, Vec<String>, String) {
    stream.write_all(request.as_bytes()).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        headers.push(line.trim().to_ascii_lowercase());
    }
    let length: usize = headers
        .iter()
        .find_map(|h| h.strip_prefix("content-length: "))
        .unwrap()
        .parse()
        .unwrap();
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (
        status.trim().to_owned(),
        headers,
        String::from_utf8(body).unwrap(),
    )
}

fn post(body: &str) -> String {
    format!("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len())
}

#[test]
fn preflight_wrong_methods_bad_json_and_keep_alive() {
    let node = NodeProcess::start(None);
    let address = node.url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();

    let (status, headers, _) = exchange(&mut stream, "OPTIONS / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status, "HTTP/1.1 204 No Content");
    assert!(
        headers.contains(&"access-control-allow-origin: *".to_owned()),
        "{headers:?}"
    );
    let (status, _, _) = exchange(&mut stream, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status, "HTTP/1.1 405 Method Not Allowed");
    let (status, _, body) = exchange(&mut stream, &post("{not json"));
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(body.contains("-32700"), "{body}");
    // The same connection still answers.
    let (_, _, body) = exchange(
        &mut stream,
        &post(r#"{"jsonrpc":"2.0","id":9,"method":"eth_chainId"}"#),
    );
    assert_eq!(body, r#"{"id":9,"jsonrpc":"2.0","result":"0x64aba"}"#);
}
