//! A pickled Python string (`pickle.dump(model.to_json(), f)`), read without
//! unpickling.
//!
//! Only one exact opcode sequence is accepted: the protocol header, an
//! optional frame, one string opcode with its bytes, an optional memo store
//! and `STOP`. Nothing is executed and no object other than that one string
//! is built; any other pickle is left alone (and reported as a pickle).

/// The member name positions are reported against (`file!pickled string:3:5`).
pub const MEMBER: &str = "pickled string";

const PROTO: u8 = 0x80;
const FRAME: u8 = 0x95;
const SHORT_BINUNICODE: u8 = 0x8c;
const BINUNICODE: u8 = b'X';
const BINUNICODE8: u8 = 0x8d;
const MEMOIZE: u8 = 0x94;
const BINPUT: u8 = b'q';
const LONG_BINPUT: u8 = b'r';
const STOP: u8 = b'.';

/// The text of a pickle that holds exactly one `str`, or `None`.
pub fn single_string(bytes: &[u8]) -> Option<&str> {
    let mut r = Reader { bytes, at: 0 };
    if r.byte()? != PROTO || !(2..=5).contains(&r.byte()?) {
        return None;
    }
    let mut op = r.byte()?;
    if op == FRAME {
        r.take(8)?;
        op = r.byte()?;
    }
    let len = match op {
        SHORT_BINUNICODE => usize::from(r.byte()?),
        BINUNICODE => usize::try_from(u32::from_le_bytes(r.array()?)).ok()?,
        BINUNICODE8 => usize::try_from(u64::from_le_bytes(r.array()?)).ok()?,
        _ => return None,
    };
    let text = std::str::from_utf8(r.take(len)?).ok()?;
    let mut op = r.byte()?;
    match op {
        MEMOIZE => op = r.byte()?,
        BINPUT => {
            r.take(1)?;
            op = r.byte()?;
        }
        LONG_BINPUT => {
            r.take(4)?;
            op = r.byte()?;
        }
        _ => {}
    }
    (op == STOP && r.at == bytes.len()).then_some(text)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }
    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::single_string;

    /// `pickle.dumps(s, protocol=p)` for a short string, byte for byte.
    #[test]
    fn strings_pickled_by_every_protocol() {
        // protocol 2: BINUNICODE, BINPUT 0, STOP
        assert_eq!(
            single_string(b"\x80\x02X\x02\x00\x00\x00{}q\x00."),
            Some("{}")
        );
        // protocol 4: FRAME, SHORT_BINUNICODE, MEMOIZE, STOP
        assert_eq!(
            single_string(b"\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00\x8c\x02{}\x94."),
            Some("{}")
        );
        // protocol 4 without a frame, as written for long strings
        assert_eq!(
            single_string(b"\x80\x04X\x02\x00\x00\x00{}\x94."),
            Some("{}")
        );
    }

    #[test]
    fn anything_else_is_not_read() {
        // A list holding the string, a truncated length, trailing bytes,
        // invalid UTF-8 and a length past the end.
        for bytes in [
            &b"\x80\x04]\x94X\x02\x00\x00\x00{}\x94a."[..],
            b"\x80\x04X\x02\x00",
            b"\x80\x04X\x02\x00\x00\x00{}\x94.extra",
            b"\x80\x04X\x02\x00\x00\x00\xff\xfe\x94.",
            b"\x80\x04X\xff\xff\xff\xff{}\x94.",
            b"\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\xff{}.",
            b"\x80\x01X\x02\x00\x00\x00{}.",
        ] {
            assert_eq!(single_string(bytes), None, "{bytes:?}");
        }
    }
}
