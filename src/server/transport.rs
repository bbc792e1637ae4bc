//! The LSP framing over standard input and output, hardened against a
//! hostile or broken client.
//!
//! - A message is a header block (lines ended by `\r\n`, or a bare `\n`)
//!   and a body of `Content-Length` bytes. Header lines are capped at
//!   [`MAX_HEADER_LINE`] bytes and a header block at [`MAX_HEADER_LINES`]
//!   lines; a `Content-Length` above [`MAX_MESSAGE_SIZE`] is refused before
//!   anything is allocated, and what follows is read as the next header.
//! - A header block without a valid `Content-Length`, a body that is not
//!   JSON (or not UTF-8), or a body too large gets a `-32700` (parse error)
//!   response with a `null` id; JSON that is not one request, response or
//!   notification (a batch array, a missing `method`) gets `-32600`
//!   (invalid request). The server keeps serving after either.
//! - After `shutdown`, requests get `-32600` and other notifications than
//!   `exit` are dropped.

use std::io::{self, BufRead, Read, Write};
use std::sync::{Arc, Mutex};
use std::thread;

use lsp_server::{Connection, Message};
use serde_json::{json, Value};

/// The largest message body read, in bytes (the largest model file read).
pub const MAX_MESSAGE_SIZE: usize = 64 * 1024 * 1024;
/// The longest header line, in bytes.
pub const MAX_HEADER_LINE: usize = 8 * 1024;
/// The most lines in one header block.
pub const MAX_HEADER_LINES: usize = 32;

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// The reader and writer threads of [`stdio`].
pub struct IoThreads {
    reader: thread::JoinHandle<io::Result<()>>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl IoThreads {
    pub fn join(self) -> io::Result<()> {
        let reader = self
            .reader
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("reader thread panicked")));
        let writer = self
            .writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("writer thread panicked")));
        // A client that closes its end mid-message is not the server's error.
        let _ = reader;
        writer
    }
}

/// A connection over standard input and output.
pub fn stdio() -> (Connection, IoThreads) {
    let out = Arc::new(Mutex::new(io::stdout()));
    let (server, client) = Connection::memory();
    let Connection {
        sender: client_sender,
        receiver: client_receiver,
    } = client;
    let writer_out = Arc::clone(&out);
    let writer = thread::spawn(move || {
        for message in client_receiver {
            let mut out = writer_out.lock().unwrap_or_else(|e| e.into_inner());
            message.write(&mut *out)?;
        }
        Ok(())
    });
    let reader = thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        serve_input(
            &mut input,
            |message| client_sender.send(message).is_ok(),
            |value| {
                let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
                write_raw(&mut *out, &value)
            },
        )
    });
    (server, IoThreads { reader, writer })
}

fn write_raw(out: &mut dyn Write, value: &Value) -> io::Result<()> {
    let body = serde_json::to_string(value)?;
    write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    out.flush()
}

fn error(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// What one frame of input held.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A message body.
    Body(Vec<u8>),
    /// A frame that could not be read; the reason.
    Bad(String),
    /// The end of the input.
    End,
}

/// Reads one line of at most `MAX_HEADER_LINE` bytes (the rest of a longer
/// line is skipped); `None` at the end of the input.
fn header_line(input: &mut dyn BufRead) -> io::Result<Option<(Vec<u8>, bool)>> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(if line.is_empty() && !too_long {
                None
            } else {
                Some((line, too_long))
            });
        }
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let n = chunk.len();
        if line.len() + n <= MAX_HEADER_LINE {
            line.extend_from_slice(chunk);
        } else {
            too_long = true;
        }
        input.consume(n);
        if done {
            while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                line.pop();
            }
            return Ok(Some((line, too_long)));
        }
    }
}

/// Reads one frame.
pub fn read_frame(input: &mut dyn BufRead) -> io::Result<Frame> {
    let mut length: Option<Result<usize, String>> = None;
    let mut lines = 0;
    let mut problem: Option<String> = None;
    loop {
        let Some((line, too_long)) = header_line(input)? else {
            return Ok(Frame::End);
        };
        if line.is_empty() && !too_long {
            if lines == 0 {
                // Blank lines between messages are skipped.
                continue;
            }
            break;
        }
        lines += 1;
        if too_long {
            problem.get_or_insert(format!("a header line longer than {MAX_HEADER_LINE} bytes"));
            continue;
        }
        if lines > MAX_HEADER_LINES {
            problem.get_or_insert(format!("more than {MAX_HEADER_LINES} header lines"));
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                let value = value.trim();
                length = Some(match value.parse::<u64>() {
                    Ok(n) if n <= MAX_MESSAGE_SIZE as u64 => Ok(n as usize),
                    Ok(n) => Err(format!(
                        "a Content-Length of {n} bytes, above the limit of {MAX_MESSAGE_SIZE}"
                    )),
                    Err(_) => Err("a Content-Length that is not a number".to_string()),
                });
            }
            Some(_) => {}
            None => {
                problem.get_or_insert("a header line without `:`".to_string());
            }
        }
    }
    if let Some(p) = problem {
        return Ok(Frame::Bad(p));
    }
    match length {
        None => Ok(Frame::Bad("a header without Content-Length".to_string())),
        Some(Err(e)) => Ok(Frame::Bad(e)),
        Some(Ok(n)) => {
            let mut body = Vec::with_capacity(n);
            input.take(n as u64).read_to_end(&mut body)?;
            if body.len() < n {
                return Ok(Frame::End);
            }
            Ok(Frame::Body(body))
        }
    }
}

/// What to do with one body: a message for the server, or an error
/// response to write.
pub fn decode(body: &[u8]) -> Result<Message, Value> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Err(error(
                Value::Null,
                PARSE_ERROR,
                &format!("parse error: {e}"),
            ))
        }
    };
    let id = match &value {
        Value::Object(o) => match o.get("id") {
            Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
            _ => Value::Null,
        },
        _ => Value::Null,
    };
    if !value.is_object() {
        return Err(error(
            id,
            INVALID_REQUEST,
            "invalid request: not one JSON-RPC object (batches are not supported)",
        ));
    }
    serde_json::from_value::<Message>(value)
        .map_err(|e| error(id, INVALID_REQUEST, &format!("invalid request: {e}")))
}

/// Reads frames until the input ends or the server stops listening.
pub fn serve_input(
    input: &mut dyn BufRead,
    mut send: impl FnMut(Message) -> bool,
    mut reply: impl FnMut(Value) -> io::Result<()>,
) -> io::Result<()> {
    let mut shut_down = false;
    loop {
        let body = match read_frame(input)? {
            Frame::End => return Ok(()),
            Frame::Bad(reason) => {
                reply(error(
                    Value::Null,
                    PARSE_ERROR,
                    &format!("parse error: {reason}"),
                ))?;
                continue;
            }
            Frame::Body(b) => b,
        };
        let message = match decode(&body) {
            Ok(m) => m,
            Err(response) => {
                reply(response)?;
                continue;
            }
        };
        let is_exit = matches!(&message, Message::Notification(n) if n.method == "exit");
        match &message {
            Message::Request(r) if shut_down => {
                let id = serde_json::to_value(&r.id).unwrap_or(Value::Null);
                reply(error(id, INVALID_REQUEST, "the server has been shut down"))?;
                continue;
            }
            Message::Request(r) if r.method == "shutdown" => shut_down = true,
            Message::Notification(_) | Message::Response(_) if shut_down && !is_exit => continue,
            _ => {}
        }
        if !send(message) {
            return Ok(());
        }
        if is_exit {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut input = input;
        let mut out = Vec::new();
        loop {
            match read_frame(&mut input).unwrap() {
                Frame::End => return out,
                f => out.push(f),
            }
        }
    }

    #[test]
    fn well_formed_and_bare_newline_headers() {
        assert_eq!(
            frames(b"Content-Length: 2\r\n\r\n{}Content-Length: 2\n\n[]"),
            vec![Frame::Body(b"{}".to_vec()), Frame::Body(b"[]".to_vec())]
        );
    }

    #[test]
    fn huge_and_non_numeric_lengths_are_errors_and_reading_goes_on() {
        let f = frames(b"Content-Length: 99999999999999\r\n\r\nContent-Length: 2\r\n\r\n{}");
        assert!(
            matches!(&f[0], Frame::Bad(r) if r.contains("above the limit")),
            "{f:?}"
        );
        assert_eq!(f[1], Frame::Body(b"{}".to_vec()));
        let f = frames(b"Content-Length: ten\r\n\r\nContent-Length: 2\r\n\r\n{}");
        assert!(
            matches!(&f[0], Frame::Bad(r) if r.contains("not a number")),
            "{f:?}"
        );
        assert_eq!(f[1], Frame::Body(b"{}".to_vec()));
    }

    #[test]
    fn a_long_header_line_is_capped() {
        let mut input = vec![b'x'; 10 * MAX_HEADER_LINE];
        input.extend_from_slice(b"\r\n\r\nContent-Length: 2\r\n\r\n{}");
        let f = frames(&input);
        assert!(
            matches!(&f[0], Frame::Bad(r) if r.contains("longer than")),
            "{f:?}"
        );
        assert_eq!(f[1], Frame::Body(b"{}".to_vec()));
    }

    #[test]
    fn bodies_that_are_not_messages() {
        let code = |b: &[u8]| decode(b).unwrap_err()["error"]["code"].as_i64().unwrap();
        assert_eq!(code(b"{not json"), PARSE_ERROR);
        assert_eq!(code(b"\xff\xfe{}"), PARSE_ERROR);
        assert_eq!(
            code(b"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}]"),
            INVALID_REQUEST
        );
        assert!(decode(br#"{"jsonrpc":"2.0","id":1,"method":"x"}"#).is_ok());
    }
}
