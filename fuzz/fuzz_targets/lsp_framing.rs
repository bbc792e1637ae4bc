//! The language server's framing: arbitrary bytes through
//! `server::transport::read_frame` (until the end of the input) and every
//! body through `decode`. Never panics; no single allocation while reading
//! a frame exceeds the frame cap; a body is never larger than the cap; and a
//! valid frame written around the body read round-trips to the same body
//! and the same decoded message.
#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufReader, Cursor};
use std::sync::atomic::{AtomicUsize, Ordering};

use actlint::server::transport::{decode, read_frame, Frame, MAX_MESSAGE_SIZE};
use libfuzzer_sys::fuzz_target;

/// The system allocator, recording the largest allocation asked for.
struct Largest;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Largest = Largest;

/// At most as many frames as a fuzz input can hold, and a few more.
const MAX_FRAMES: usize = 1 << 16;

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn round_trip(body: &[u8]) {
    let bytes = frame(body);
    let mut input = Cursor::new(&bytes[..]);
    match read_frame(&mut input).expect("reading memory does not fail") {
        Frame::Body(again) => assert_eq!(again, body, "a valid frame reads back"),
        other => panic!("a valid frame of {} bytes read as {other:?}", body.len()),
    }
    assert_eq!(
        read_frame(&mut input).expect("reading memory does not fail"),
        Frame::End
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    // Small reader buffers split header lines across reads.
    let capacity = 1 + usize::from(selector) * 64;
    let mut input = BufReader::with_capacity(capacity, Cursor::new(bytes));
    for _ in 0..MAX_FRAMES {
        LARGEST.store(0, Ordering::Relaxed);
        let frame = read_frame(&mut input).expect("reading memory does not fail");
        let largest = LARGEST.load(Ordering::Relaxed);
        assert!(
            largest <= MAX_MESSAGE_SIZE.max(capacity),
            "one allocation of {largest} bytes while reading a frame"
        );
        match frame {
            Frame::End => break,
            Frame::Bad(reason) => assert!(!reason.is_empty()),
            Frame::Body(body) => {
                assert!(body.len() <= MAX_MESSAGE_SIZE);
                let decoded = decode(&body);
                round_trip(&body);
                if let Ok(message) = decoded {
                    // What the server writes back for a message reads as the
                    // same message.
                    let json = serde_json::to_vec(&message).expect("a message serializes");
                    let again = decode(&json).expect("a message written decodes");
                    assert_eq!(
                        serde_json::to_value(&again).unwrap(),
                        serde_json::to_value(&message).unwrap(),
                        "a message round-trips"
                    );
                }
            }
        }
    }
});
