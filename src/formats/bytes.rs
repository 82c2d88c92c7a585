//! A bounds-checked little-endian reader for binary artifacts: every read says where it failed.

/// Reading past the end of a structure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: needs {need} bytes at offset {offset}, only {have} left")]
pub struct Truncated {
    /// The field being read.
    pub what: String,
    /// Its offset in the structure.
    pub offset: usize,
    /// Bytes needed.
    pub need: usize,
    /// Bytes available from `offset`.
    pub have: usize,
}

/// A cursor over a byte slice that never panics on short input.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts at offset 0.
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }

    /// Current offset.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    /// Moves to an absolute offset (may be the end).
    pub fn seek(&mut self, pos: usize, what: &str) -> Result<(), Truncated> {
        if pos > self.data.len() {
            return Err(Truncated {
                what: what.into(),
                offset: pos,
                need: 0,
                have: 0,
            });
        }
        self.pos = pos;
        Ok(())
    }

    /// Takes `n` bytes.
    pub fn bytes(&mut self, n: usize, what: &str) -> Result<&'a [u8], Truncated> {
        if self.remaining() < n {
            return Err(Truncated {
                what: what.into(),
                offset: self.pos,
                need: n,
                have: self.remaining(),
            });
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// Skips `n` bytes.
    pub fn skip(&mut self, n: usize, what: &str) -> Result<(), Truncated> {
        self.bytes(n, what).map(|_| ())
    }

    /// A byte.
    pub fn u8(&mut self, what: &str) -> Result<u8, Truncated> {
        Ok(self.bytes(1, what)?[0])
    }

    /// A little-endian u16.
    pub fn u16(&mut self, what: &str) -> Result<u16, Truncated> {
        let b = self.bytes(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    /// A little-endian u32.
    pub fn u32(&mut self, what: &str) -> Result<u32, Truncated> {
        let b = self.bytes(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A little-endian u64.
    pub fn u64(&mut self, what: &str) -> Result<u64, Truncated> {
        let b = self.bytes(8, what)?;
        Ok(u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    /// `n` UTF-16LE code units decoded lossily, trailing NULs removed.
    pub fn utf16(&mut self, units: usize, what: &str) -> Result<String, Truncated> {
        let b = self.bytes(units.saturating_mul(2), what)?;
        Ok(utf16_lossy(b))
    }
}

/// UTF-16LE bytes to a string (lossy), trailing NULs removed.
pub fn utf16_lossy(b: &[u8]) -> String {
    let units: Vec<u16> = b
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
        .trim_end_matches('\0')
        .to_string()
}

/// Lowercase hex of bytes, for values kept undecoded in details.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_reads_fail_with_position() {
        let mut r = Reader::new(&[1, 0, 2]);
        assert_eq!(r.u16("a").unwrap(), 1);
        let e = r.u32("b").unwrap_err();
        assert_eq!((e.offset, e.need, e.have), (2, 4, 1));
        assert_eq!(e.to_string(), "b: needs 4 bytes at offset 2, only 1 left");
    }
}
