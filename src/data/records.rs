//! The records of a CSV file after its header, as the `csv` crate reads
//! them, but split here in one pass on the lines most files are made of.
//!
//! A line with no quote and no carriage return has no CSV syntax but its
//! delimiters (commas, or the file's own: see `dialect`): its fields are
//! the text between them and it ends at its line feed, which is exactly
//! what `csv_core` makes of it. Such a line is
//! split here and its fields are borrowed from the read buffer, with no
//! copy and no state machine run over every byte, which took a fifth of
//! the load of a large plan. Any other record (a quoted field, a line that
//! ends in CR LF) is handed to `csv_core` from its first byte, so quoting
//! keeps every rule of the crate (a test compares both readers on random
//! text). Line numbers are not quite the crate's: it places a record at the
//! line where reading it began, which in a CR LF file is the line before
//! (the reading of a record begins at the LF ending the last one), and
//! after blank lines is the first of them. Here a record is placed at the
//! line of its first byte, the one an editor shows (issue 17).

use std::io::Read;

/// How much of a file is read at a time; a record longer than this grows
/// the buffer. A few bytes in tests, so that records cross its end.
#[cfg(not(test))]
pub const CHUNK: usize = 1 << 18;
#[cfg(test)]
pub const CHUNK: usize = 5;

/// Reads the records of a file one after the other.
pub struct Records<R> {
    input: R,
    buf: Vec<u8>,
    /// `buf[at..len]` is read and not yet split.
    at: usize,
    len: usize,
    /// The input has no more bytes.
    eof: bool,
    /// The byte between fields.
    delimiter: u8,
    /// The line `at` is on, counted as `csv_core` counts: line feeds read.
    line: u64,
    /// For the records that need CSV's quoting rules.
    core: csv_core::Reader,
    /// A record `core` read: its fields' bytes one after the other, and
    /// where each ends.
    out: Vec<u8>,
    ends: Vec<usize>,
    /// Each field of the record last read: where it starts and ends in its
    /// text.
    spans: Vec<(usize, usize)>,
}

/// A record: the line it is placed at, and its fields as ranges of a text.
pub struct Record<'a> {
    pub line: u64,
    pub text: &'a str,
    pub spans: &'a [(usize, usize)],
}

/// What [`Records::read`] found.
pub enum Next<'a> {
    Record(Record<'a>),
    /// A record whose field (0-based) is not UTF-8, as `csv` reports it:
    /// reading stops there.
    NotUtf8 {
        line: u64,
        field: usize,
    },
    /// The input failed; what was read before is not lost.
    Failed(std::io::Error),
    End,
}

impl<R: Read> Records<R> {
    /// The records of `input`, whose first bytes, `read`, have already
    /// been read from it; the next record starts at `at`, on line `line`.
    /// Fields are separated by `delimiter`.
    pub fn new(input: R, read: Vec<u8>, at: usize, line: u64, eof: bool, delimiter: u8) -> Self {
        let len = read.len();
        Records {
            input,
            buf: read,
            at: at.min(len),
            len,
            eof,
            line,
            delimiter,
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: Vec::new(),
            ends: Vec::new(),
            spans: Vec::new(),
        }
    }

    /// Moves what is not split yet to the front of the buffer and reads
    /// more after it (growing the buffer when it is full of one record).
    fn fill(&mut self) -> std::io::Result<()> {
        self.buf.copy_within(self.at..self.len, 0);
        self.len -= self.at;
        self.at = 0;
        if self.buf.len() < CHUNK || self.len == self.buf.len() {
            let size = (self.buf.len() * 2).max(CHUNK);
            self.buf.resize(size, 0);
        }
        while self.len < self.buf.len() {
            match self.input.read(&mut self.buf[self.len..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The next record, placed at the line of its first byte.
    pub fn read(&mut self) -> Next<'_> {
        let end = loop {
            // Where a record starts, `csv_core` passes over line ends: a
            // blank line is no record.
            match self.buf[self.at..self.len].first() {
                Some(b'\n') => {
                    self.line += 1;
                    self.at += 1;
                    continue;
                }
                Some(b'\r') => {
                    self.at += 1;
                    continue;
                }
                Some(_) => {}
                None if self.eof => return Next::End,
                None => {
                    if let Err(e) = self.fill() {
                        return Next::Failed(e);
                    }
                    continue;
                }
            }
            // The line up to its line feed (searched for many bytes at a
            // time), unless it has a quote or a carriage return before it,
            // or goes on past what is read. The search stops at the first
            // of the three: one for the line feed alone would run to the
            // end of the buffer, once per record, in a file whose lines
            // end in CR only.
            let rest = &self.buf[self.at..self.len];
            match memchr::memchr3(b'\n', b'"', b'\r', rest) {
                Some(end) if rest[end] == b'\n' => break Some(end),
                Some(_) => break None,
                None if self.eof => break Some(rest.len()),
                None => {
                    if let Err(e) = self.fill() {
                        return Next::Failed(e);
                    }
                }
            }
        };
        // Past the line ends before it: `csv` would place the record at
        // the first of them, a line too early after every CR LF (issue 17).
        let line = self.line;
        // Split at its delimiters, unless it has a quote or a carriage
        // return, which `csv_core` reads.
        let Some(end) = end else {
            return self.quoted(line);
        };
        let text = &self.buf[self.at..self.at + end];
        split(text, self.delimiter, &mut self.spans);
        let start = self.at;
        self.at += end;
        if self.at < self.len {
            // Past the line feed.
            self.at += 1;
            self.line += 1;
        }
        let text = &self.buf[start..start + end];
        match std::str::from_utf8(text) {
            Ok(text) => Next::Record(Record {
                line,
                text,
                spans: &self.spans,
            }),
            // A delimiter (ASCII) is never part of a longer character, so the field
            // holding the first bad byte is the first that is not UTF-8 on
            // its own, the one `csv` reports.
            Err(e) => Next::NotUtf8 {
                line,
                field: text[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == self.delimiter)
                    .count(),
            },
        }
    }

    /// The record starting at `at`, read by `csv_core`.
    fn quoted(&mut self, line: u64) -> Next<'_> {
        use csv_core::ReadRecordResult as Read;
        let lines_before = self.core.line();
        let (mut nout, mut nend) = (0, 0);
        loop {
            let at_end = self.at == self.len && self.eof;
            let (result, nin, o, e) = self.core.read_record(
                &self.buf[self.at..self.len],
                &mut self.out[nout..],
                &mut self.ends[nend..],
            );
            self.at += nin;
            nout += o;
            nend += e;
            match result {
                Read::InputEmpty if self.at == self.len && !self.eof => {
                    if let Err(e) = self.fill() {
                        return Next::Failed(e);
                    }
                }
                // At the end of the input: the next call, with no input,
                // ends the record (that call never asks for more).
                Read::InputEmpty if !at_end => {}
                Read::InputEmpty => return Next::End,
                Read::OutputFull => self.out.resize((self.out.len() * 2).max(256), 0),
                Read::OutputEndsFull => self.ends.resize((self.ends.len() * 2).max(16), 0),
                Read::Record => break,
                Read::End => return Next::End,
            }
        }
        self.line += self.core.line() - lines_before;
        let (text, ends) = (&self.out[..nout], &self.ends[..nend]);
        self.spans.clear();
        let mut start = 0;
        for &end in ends {
            self.spans.push((start, end));
            start = end;
        }
        // As `csv` checks a record: field by field unless it is all ASCII
        // (two halves of a character in two fields are no character).
        if !text.is_ascii() {
            for (field, &(start, end)) in self.spans.iter().enumerate() {
                if std::str::from_utf8(&text[start..end]).is_err() {
                    return Next::NotUtf8 { line, field };
                }
            }
        }
        match std::str::from_utf8(text) {
            Ok(text) => Next::Record(Record {
                line,
                text,
                spans: &self.spans,
            }),
            Err(_) => Next::NotUtf8 { line, field: 0 },
        }
    }
}

/// The fields of a line without quotes: the text between its delimiters.
///
/// The delimiters of 32 bytes at a time are found as the bits of a mask
/// (which the compiler makes a few vector instructions, comparing with the
/// delimiter broadcast to every lane) and taken lowest first: a loop that
/// branched on every byte mispredicted at nearly every comma.
fn split(text: &[u8], delimiter: u8, spans: &mut Vec<(usize, usize)>) {
    spans.clear();
    let mut field = 0;
    let mut chunks = text.chunks_exact(32);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut commas = chunk
            .iter()
            .enumerate()
            .fold(0u32, |mask, (j, &b)| mask | u32::from(b == delimiter) << j);
        while commas != 0 {
            let i = base + commas.trailing_zeros() as usize;
            spans.push((field, i));
            field = i + 1;
            commas &= commas - 1;
        }
        base += 32;
    }
    for (j, &b) in chunks.remainder().iter().enumerate() {
        if b == delimiter {
            spans.push((field, base + j));
            field = base + j + 1;
        }
    }
    spans.push((field, text.len()));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `csv` reader past the header of `text`, as `Table::open` makes
    /// one; `None` when the header does not read.
    fn past_header(text: &[u8], delimiter: u8) -> Option<csv::Reader<&[u8]>> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(true)
            .from_reader(text);
        reader.byte_headers().ok()?;
        Some(reader)
    }

    /// The line of the first byte of a record `csv` read from `position`
    /// on: past the line ends it begins with.
    fn first_line(text: &[u8], position: &csv::Position) -> u64 {
        let mut at = position.byte() as usize;
        while matches!(text.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        text[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1
    }

    /// What `csv` reads after the header: each record's line and fields,
    /// or where it stops at text that is not UTF-8.
    fn by_csv(text: &[u8], delimiter: u8) -> Vec<String> {
        let mut found = Vec::new();
        let Some(mut reader) = past_header(text, delimiter) else {
            return found;
        };
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {
                    let line = record.position().map_or(0, |p| first_line(text, p));
                    found.push(format!("{line}:{:?}", record.iter().collect::<Vec<_>>()));
                }
                Ok(false) => break,
                Err(e) => {
                    if let csv::ErrorKind::Utf8 { pos, err } = e.kind() {
                        let line = pos.as_ref().map_or(0, |p| first_line(text, p));
                        found.push(format!("{line}: not UTF-8 in field {}", err.field()));
                    }
                    break;
                }
            }
        }
        found
    }

    /// The same, read here, the header by `csv` as `Table::open` does.
    fn by_records(text: &[u8], chunk: usize, delimiter: u8) -> Vec<String> {
        let mut found = Vec::new();
        let Some(reader) = past_header(text, delimiter) else {
            return found;
        };
        let (at, line) = (reader.position().byte() as usize, reader.position().line());
        // Only the first `chunk` bytes are read before, to cross the
        // buffer's end in every way.
        let first = chunk.max(at).min(text.len());
        let mut records = Records::new(
            &text[first..],
            text[..first].to_vec(),
            at,
            line,
            first == text.len(),
            delimiter,
        );
        loop {
            match records.read() {
                Next::Record(r) => {
                    let fields: Vec<&str> = r.spans.iter().map(|&(s, e)| &r.text[s..e]).collect();
                    found.push(format!("{}:{fields:?}", r.line));
                }
                Next::NotUtf8 { line, field } => {
                    found.push(format!("{line}: not UTF-8 in field {field}"));
                    break;
                }
                Next::Failed(_) | Next::End => break,
            }
        }
        found
    }

    #[test]
    fn lines_are_split_at_every_comma() {
        let mut spans = Vec::new();
        for text in [
            "",
            ",",
            "a",
            "a,b",
            ",a,,b,",
            &",x".repeat(40),
            &"ab,".repeat(23),
        ] {
            for delimiter in [b',', b';', b'\t', b'|'] {
                let text = text.replace(',', &char::from(delimiter).to_string());
                split(text.as_bytes(), delimiter, &mut spans);
                let fields: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
                let expected: Vec<&str> = text.split(char::from(delimiter)).collect();
                assert_eq!(fields, expected, "{text:?}");
            }
        }
    }

    #[test]
    fn records_are_read_as_csv_reads_them() {
        let pieces: [&[u8]; 12] = [
            b"a",
            b"bc",
            b",",
            b",",
            b"\n",
            b"\n",
            b"\r",
            b"\r\n",
            b"\"",
            b"\"\"",
            b"\xc3\xa9",
            b"\xc3",
        ];
        let mut rng = crate::rng::Rng::new(0x9e37_79b9_7f4a_7c15);
        let mut next = || rng.next_u64();
        for case in 0..20_000 {
            let length = next() % 40;
            let mut text = b"h,x\n".to_vec();
            if case % 7 == 0 {
                text = b"h,x\r\n".to_vec();
            }
            for _ in 0..length {
                text.extend_from_slice(pieces[(next() % pieces.len() as u64) as usize]);
            }
            // Every third case in another delimiter, with the commas left
            // in as plain text.
            let delimiter = [b',', b';', b'\t'][case % 3];
            if delimiter != b',' {
                for b in &mut text {
                    if *b == b',' && next() % 2 == 0 {
                        *b = delimiter;
                    }
                }
            }
            let chunk = (next() % 12) as usize;
            assert_eq!(
                by_records(&text, chunk, delimiter),
                by_csv(&text, delimiter),
                "{:?} read {chunk} bytes first",
                String::from_utf8_lossy(&text)
            );
        }
    }
}
