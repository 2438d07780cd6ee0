//! Files that are not text tables, known by their first bytes and named in
//! words that say what to do.

/// What the first bytes say a file is when it is not a text table (an
/// archive, a spreadsheet, a document, UTF-16 text, other binary data),
/// named in words that say what to do; the bytes themselves are never shown.
pub fn not_a_text_table(head: &[u8]) -> Option<String> {
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Some(if has(b"opendocument.spreadsheet") {
            "an OpenDocument spreadsheet (.ods, a ZIP archive), not a text table: save the sheet as CSV"
                .into()
        } else if has(b"xl/") || has(b"[Content_Types].xml") {
            "an Excel workbook (.xlsx, a ZIP archive), not a text table: save the sheet as CSV".into()
        } else {
            "a ZIP archive, not a text table: unpack it and open the data file inside".into()
        });
    }
    if head.len() >= 262 && &head[257..262] == b"ustar" {
        return Some("a tar archive, not a text table: unpack it and open the data file inside".into());
    }
    if head.starts_with(b"%PDF") {
        return Some("a PDF document, not a text table: export its table as CSV".into());
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some("an old Office document (.xls), not a text table: save the sheet as CSV".into());
    }
    for (magic, what) in [
        (&b"\x7fELF"[..], "a program"),
        (&b"MZ"[..], "a program"),
        (&b"\x89PNG"[..], "a PNG image"),
        (&b"\xFF\xD8\xFF"[..], "a JPEG image"),
        (&b"GIF8"[..], "a GIF image"),
        (&b"BZh"[..], "a bzip2 archive"),
        (&b"\xFD7zXZ"[..], "an xz archive"),
        (&b"7z\xBC\xAF"[..], "a 7-Zip archive"),
    ] {
        if head.starts_with(magic) {
            return Some(format!("{what}, not a text table"));
        }
    }
    let utf16_bom = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    let sample = &head[..head.len().min(512)];
    let zeros_at = |parity: usize| sample.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let half = sample.len() / 2;
    // UTF-16 text of ASCII letters has a zero in every other byte and none
    // between; zeros everywhere (`/dev/zero`) are binary data.
    let (even, odd) = (zeros_at(0), zeros_at(1));
    let utf16 = |zero: usize, other: usize| zero * 10 >= half * 9 && other * 10 <= half;
    if utf16_bom || (half >= 8 && (utf16(even, odd) || utf16(odd, even))) {
        return Some("text in UTF-16, not UTF-8: save it as UTF-8 (in a spreadsheet: CSV UTF-8)".into());
    }
    // Text has no NUL and few control characters.
    let control = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)).count();
    if sample.contains(&0) || control * 20 > sample.len().max(1) {
        return Some("binary data, not a text table (is it the right file?)".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeros_are_binary_data_not_utf16() {
        let what = not_a_text_table(&[0u8; 4096]).unwrap();
        assert!(what.starts_with("binary data"), "{what}");
        let utf16: Vec<u8> = "a,b,y\n1,2,0\n3,4,1\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(not_a_text_table(&utf16).unwrap().contains("UTF-16"));
    }
}
