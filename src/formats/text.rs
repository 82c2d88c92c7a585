//! Text decoding for artifact files: the bytes decide the encoding (BOM, then NUL pattern),
//! not what a declaration inside the file claims.

/// How a text file was decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    /// UTF-16 little-endian with a byte-order mark.
    Utf16LeBom,
    /// UTF-16 little-endian without a byte-order mark.
    Utf16Le,
    /// UTF-16 big-endian with a byte-order mark.
    Utf16BeBom,
    /// UTF-16 big-endian without a byte-order mark.
    Utf16Be,
    /// UTF-8 with a byte-order mark.
    Utf8Bom,
    /// UTF-8 (or plain ASCII).
    Utf8,
    /// Not valid UTF-8: decoded with replacement characters.
    Utf8Lossy,
}

impl TextEncoding {
    /// The name written in details and messages.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf16LeBom => "utf-16le-bom",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16BeBom => "utf-16be-bom",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf8Lossy => "utf-8-lossy",
        }
    }
}

/// Decoded text, its encoding, and whether anything had to be replaced.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, with trailing NUL padding removed.
    pub text: String,
    /// The encoding found in the bytes.
    pub encoding: TextEncoding,
    /// True when invalid sequences (lone surrogates, bad UTF-8, an odd trailing byte) were
    /// replaced with U+FFFD.
    pub lossy: bool,
}

fn utf16(bytes: &[u8], big_endian: bool) -> (String, bool) {
    let odd = bytes.len() % 2 != 0;
    let units = bytes.chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    let mut lossy = odd;
    let text: String = char::decode_utf16(units)
        .map(|r| {
            r.unwrap_or_else(|_| {
                lossy = true;
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    (text, lossy)
}

/// Decodes a text artifact: BOM first; then UTF-16 recognised by NUL bytes in the first
/// characters; otherwise UTF-8 (lossy when invalid).
pub fn decode(bytes: &[u8]) -> Decoded {
    let (text, encoding, lossy) = if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let (t, l) = utf16(rest, false);
        (t, TextEncoding::Utf16LeBom, l)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let (t, l) = utf16(rest, true);
        (t, TextEncoding::Utf16BeBom, l)
    } else if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        match std::str::from_utf8(rest) {
            Ok(s) => (s.to_string(), TextEncoding::Utf8Bom, false),
            Err(_) => (
                String::from_utf8_lossy(rest).into_owned(),
                TextEncoding::Utf8Lossy,
                true,
            ),
        }
    } else if bytes.len() >= 2 && bytes[0] != 0 && bytes[1] == 0 {
        let (t, l) = utf16(bytes, false);
        (t, TextEncoding::Utf16Le, l)
    } else if bytes.len() >= 2 && bytes[0] == 0 && bytes[1] != 0 {
        let (t, l) = utf16(bytes, true);
        (t, TextEncoding::Utf16Be, l)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), TextEncoding::Utf8, false),
            Err(_) => (
                String::from_utf8_lossy(bytes).into_owned(),
                TextEncoding::Utf8Lossy,
                true,
            ),
        }
    };
    let text = text.trim_end_matches('\0').to_string();
    Decoded {
        text,
        encoding,
        lossy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_form() {
        let le: Vec<u8> = "<a/>"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let mut bom = vec![0xFF, 0xFE];
        bom.extend(&le);
        assert_eq!(decode(&bom).encoding, TextEncoding::Utf16LeBom);
        assert_eq!(decode(&bom).text, "<a/>");
        assert_eq!(decode(&le).encoding, TextEncoding::Utf16Le);
        assert_eq!(decode(b"<a/>").encoding, TextEncoding::Utf8);
        let bad = decode(b"<a>\xff</a>");
        assert_eq!(bad.encoding, TextEncoding::Utf8Lossy);
        assert!(bad.lossy);
        let mut odd = bom.clone();
        odd.push(0x41);
        assert!(decode(&odd).lossy);
    }
}
