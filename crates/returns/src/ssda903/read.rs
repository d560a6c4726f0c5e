//! Reading an SSDA903 return from CSV files or the `EXPSSDA903` XML form.

use std::collections::HashSet;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use super::model::{Format, Return, Submission, TableData, TooLarge};
use super::{Table, xml};

/// At most this many ragged rows are reported per file; the last error says how many more.
const MAX_ROW_ERRORS_PER_FILE: usize = 100;

/// After this many rows of a CSV file, the rest of its rows are estimated from their length and
/// room for them reserved.
const ESTIMATE_AFTER_ROWS: usize = 64;

/// How many bytes of a file are looked at to tell CSV from XML and UTF-8 from UTF-16.
const SNIFF_LEN: usize = 8 * 1024;

/// One file of a return: a path to read, or bytes already in memory with the file's name.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Path(&'a Path),
    Bytes { name: &'a str, bytes: &'a [u8] },
}

impl<'a> Source<'a> {
    /// A file on disk.
    pub fn path(path: &'a (impl AsRef<Path> + ?Sized)) -> Source<'a> {
        Source::Path(path.as_ref())
    }

    /// A file already in memory (an upload), with the name to report it by.
    pub fn bytes(name: &'a str, bytes: &'a [u8]) -> Source<'a> {
        Source::Bytes { name, bytes }
    }

    /// The name errors report the file by: the path as given, or the upload's name.
    pub fn name(&self) -> String {
        match self {
            Source::Path(path) => path.display().to_string(),
            Source::Bytes { name, .. } => (*name).to_string(),
        }
    }
}

/// What kind of problem a [`ReadError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReadErrorKind {
    /// The file could not be opened or read.
    Io,
    /// The file is empty (or holds only spaces and line breaks).
    Empty,
    /// The file is not UTF-8 text (UTF-16, Latin-1, Windows-1252...).
    Encoding,
    /// The header row matches no SSDA903 table.
    UnknownHeader,
    /// The header row is one table's columns with some missing.
    MissingColumn,
    /// The header row names a column twice.
    DuplicateColumn,
    /// Two files hold the same table.
    DuplicateTable,
    /// A row has more or fewer cells than the header row has columns.
    RaggedRow,
    /// A cell opens with a double quote that is never closed, so the rest of the file would be
    /// read into it.
    UnclosedQuote,
    /// The XML is not well formed, or not in the `EXPSSDA903` layout.
    Xml,
    /// XML and CSV files were given together.
    MixedFormats,
    /// The file is too large to hold (over 4 GiB of text in one table).
    TooLarge,
    /// No files were given for a return.
    NoFiles,
    /// A cell holds what its column cannot (in a postcode directory: a postcode, an authority's
    /// code or a grid reference that is not one).
    InvalidValue,
}

/// A problem with one of the files of a return, saying where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The file, as [`Source::name`] gives it.
    pub file: String,
    /// The line of the file (the first line is 1), where the problem has one.
    pub line: Option<u64>,
    /// DfE's name of the column, where the problem is in one.
    pub column: Option<String>,
    /// What is wrong and what to do, in words an analyst can act on.
    pub problem: String,
    pub kind: ReadErrorKind,
}

impl ReadError {
    pub(crate) fn new(file: &str, kind: ReadErrorKind, problem: impl Into<String>) -> ReadError {
        ReadError { file: file.to_string(), line: None, column: None, problem: problem.into(), kind }
    }

    pub(crate) fn at_line(mut self, line: u64) -> ReadError {
        self.line = Some(line);
        self
    }

    pub(crate) fn in_column(mut self, column: &str) -> ReadError {
        self.column = Some(column.to_string());
        self
    }
}

impl fmt::Display for ReadError {
    /// "FILE, line N, column C: problem", leaving out what is not known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = Vec::new();
        if !self.file.is_empty() {
            place.push(self.file.clone());
        }
        if let Some(line) = self.line {
            place.push(format!("line {line}"));
        }
        if let Some(column) = &self.column {
            place.push(format!("column {column}"));
        }
        if place.is_empty() { f.write_str(&self.problem) } else { write!(f, "{}: {}", place.join(", "), self.problem) }
    }
}

impl std::error::Error for ReadError {}

/// Reads one year's return from its files.
///
/// Each CSV file's table is recognised by its header row alone: the set of column names must be
/// exactly one table's (in any order, in any case, with surrounding spaces ignored); the file's
/// name plays no part. A UTF-8 byte order mark is skipped. Alternatively the return may be one
/// XML file in DfE's `EXPSSDA903` layout, on its own.
///
/// Every problem in every file is reported (up to 100 ragged rows per file), so that an analyst
/// can fix them all in one go; if there is any, no return is given: a row is never silently
/// dropped.
pub fn read_return(files: &[Source<'_>]) -> Result<Return, Vec<ReadError>> {
    if files.is_empty() {
        return Err(vec![ReadError::new(
            "",
            ReadErrorKind::NoFiles,
            "no files were given: give the return's CSV files (one per table) or its XML file",
        )]);
    }
    let mut errors = Vec::new();
    let mut opened = Vec::with_capacity(files.len());
    for source in files {
        match open(source) {
            Ok(file) => opened.push(file),
            Err(e) => errors.push(e),
        }
    }

    let xml_count = opened.iter().filter(|f| f.kind == Kind::Xml).count();
    if xml_count > 0 && files.len() > 1 {
        for file in opened.iter().filter(|f| f.kind == Kind::Xml) {
            errors.push(ReadError::new(
                &file.name,
                ReadErrorKind::MixedFormats,
                "this XML file holds a whole return, so it must be read on its own: give either the one \
                 XML file or the CSV files, not both, and not two XML files",
            ));
        }
        return Err(errors);
    }
    if xml_count == 1 {
        if !errors.is_empty() {
            return Err(errors);
        }
        let Some(file) = opened.pop() else { return Err(errors) };
        return file.read_xml();
    }

    let mut ret = Return::new(Format::Csv);
    let mut held_by: [Option<String>; 12] = Default::default();
    let names: Vec<String> = opened.iter().map(|f| f.name.clone()).collect();
    for (name, read) in names.into_iter().zip(read_all(opened)) {
        match read {
            Ok(data) => {
                let table = data.table();
                if let Some(first) = &held_by[table.index()] {
                    errors.push(ReadError::new(
                        &name,
                        ReadErrorKind::DuplicateTable,
                        format!(
                            "this file holds the {table} table, and so does {first}: give each table \
                                 once (if the rows belong together, copy them into one file)"
                        ),
                    ));
                } else {
                    held_by[table.index()] = Some(name);
                    ret.insert(data);
                }
            }
            Err(mut file_errors) => errors.append(&mut file_errors),
        }
    }
    if errors.is_empty() { Ok(ret) } else { Err(errors) }
}

/// Reads each CSV file on its own thread (as many at once as there are cores, at most
/// [`super::validate::MAX_THREADS`]), giving each file's table or errors in the files' order.
fn read_all(opened: Vec<Opened<'_>>) -> Vec<Result<TableData, Vec<ReadError>>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, super::validate::MAX_THREADS);
    let count = opened.len();
    // One file, or one core: read here, without starting a thread.
    if threads.min(count) <= 1 {
        return opened.into_iter().map(|file| file.read_csv()).collect();
    }
    let mut queue: Vec<(usize, Opened<'_>)> = opened.into_iter().enumerate().collect();
    queue.sort_by_key(|(_, file)| file.size());
    let queue = std::sync::Mutex::new(queue);
    let mut results: Vec<Option<Result<TableData, Vec<ReadError>>>> = Vec::new();
    results.resize_with(count, || None);
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::channel();
        for _ in 0..threads.min(count) {
            let (sender, queue) = (sender.clone(), &queue);
            scope.spawn(move || {
                // The largest files are taken first, so that no thread is left reading one big
                // file after the others have finished.
                while let Some((i, file)) = queue.lock().ok().and_then(|mut q| q.pop()) {
                    if sender.send((i, file.read_csv())).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        for (i, read) in receiver {
            results[i] = Some(read);
        }
    });
    results.into_iter().flatten().collect()
}

/// Reads this year's return and, if given, last year's (each in the forms [`read_return`]
/// reads). The errors of both years are reported together, this year's first.
pub fn read_submission(
    this_year: &[Source<'_>],
    previous_year: Option<&[Source<'_>]>,
) -> Result<Submission, Vec<ReadError>> {
    let this = read_return(this_year);
    let previous = previous_year.map(read_return).transpose();
    match (this, previous) {
        (Ok(this_year), Ok(previous_year)) => Ok(Submission { this_year, previous_year }),
        (Err(mut a), Err(mut b)) => {
            a.append(&mut b);
            Err(a)
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// The records of a CSV file read from a file or from memory.
pub(crate) type CsvRecords<'a> = Records<Box<dyn Read + 'a>>;

/// Opens one CSV file that is not part of a return (a postcode directory), for reading record
/// by record: the file's name as errors report it, its size in bytes (0 if not known) and its
/// records. A byte order mark is skipped; a file that is empty, UTF-16 or XML is refused.
pub(crate) fn open_csv<'a>(source: &Source<'a>) -> Result<(String, u64, CsvRecords<'a>), ReadError> {
    let opened = open(source)?;
    if opened.kind == Kind::Xml {
        return Err(ReadError::new(
            &opened.name,
            ReadErrorKind::UnknownHeader,
            "this is an XML file, not CSV: give the CSV file, whose first row names its columns",
        ));
    }
    let size = opened.size();
    let Opened { name, cr_only, body, .. } = opened;
    let input: Box<dyn Read + 'a> = match body {
        Body::Bytes(bytes) => Box::new(bytes),
        Body::File { head, rest } => Box::new(io::Cursor::new(head).chain(rest)),
    };
    Ok((name, size, Records::new(input, cr_only)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Csv,
    Xml,
}

/// A file whose first bytes have been looked at.
struct Opened<'a> {
    name: String,
    kind: Kind,
    /// Whether lines end in a lone carriage return (old Macintosh CSV), so that line numbers
    /// count `\r` rather than `\n`.
    cr_only: bool,
    body: Body<'a>,
}

enum Body<'a> {
    /// In memory, after any byte order mark.
    Bytes(&'a [u8]),
    /// On disk: the bytes already read (after any byte order mark), then the rest of the file.
    File { head: Vec<u8>, rest: File },
}

fn open<'a>(source: &Source<'a>) -> Result<Opened<'a>, ReadError> {
    let name = source.name();
    let io_error = |e: io::Error| {
        ReadError::new(
            &name,
            ReadErrorKind::Io,
            format!("the file could not be read ({e}); check it exists and can be opened"),
        )
    };
    let (head, body): (Vec<u8>, Body<'a>) = match *source {
        Source::Bytes { bytes, .. } => {
            let head = bytes[..bytes.len().min(SNIFF_LEN)].to_vec();
            (head, Body::Bytes(bytes))
        }
        Source::Path(path) => {
            let mut file = File::open(path).map_err(io_error)?;
            let mut head = Vec::with_capacity(SNIFF_LEN);
            (&mut file).take(SNIFF_LEN as u64).read_to_end(&mut head).map_err(io_error)?;
            (head.clone(), Body::File { head, rest: file })
        }
    };

    if let Some(problem) = utf16_problem(&head) {
        return Err(ReadError::new(&name, ReadErrorKind::Encoding, problem));
    }
    let bom = if head.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let content = &head[bom..];
    let Some(first) = content.iter().position(|b| !b.is_ascii_whitespace()) else {
        // Only whitespace in the first 8 KiB: empty unless there is more after it.
        let more = match &body {
            Body::Bytes(bytes) => bytes.len() > head.len(),
            Body::File { .. } => head.len() == SNIFF_LEN,
        };
        if !more {
            return Err(ReadError::new(
                &name,
                ReadErrorKind::Empty,
                "the file is empty: it should hold a header row naming the table's columns, then one row per record",
            ));
        }
        return Ok(Opened { name, kind: Kind::Csv, cr_only: false, body: strip_bom(body, bom) });
    };
    let kind = if content[first] == b'<' { Kind::Xml } else { Kind::Csv };
    let cr_only = content.contains(&b'\r') && !content.contains(&b'\n');
    Ok(Opened { name, kind, cr_only, body: strip_bom(body, bom) })
}

fn strip_bom(body: Body<'_>, bom: usize) -> Body<'_> {
    match body {
        Body::Bytes(bytes) => Body::Bytes(&bytes[bom..]),
        Body::File { mut head, rest } => {
            head.drain(..bom);
            Body::File { head, rest }
        }
    }
}

/// Whether the start of a file says it is UTF-16 (a byte order mark, or the zero bytes that
/// UTF-16 puts beside every ASCII character).
fn utf16_problem(head: &[u8]) -> Option<String> {
    let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") || head.contains(&0);
    utf16.then(|| {
        "the file is not UTF-8 text: it looks like UTF-16 (what Excel saves as \"Unicode Text\"). \
         Open it in Excel and save it as \"CSV UTF-8 (Comma delimited) (*.csv)\", then give that file"
            .to_string()
    })
}

/// Describes bytes that are not UTF-8, for an error message.
pub(crate) fn not_utf8_problem(bytes: &[u8], error: std::str::Utf8Error) -> String {
    let at = error.valid_up_to();
    let bad = bytes.get(at).copied().unwrap_or(0);
    let lone_high_byte = bad >= 0x80 && error.error_len() == Some(1);
    if lone_high_byte {
        let shown = windows_1252(bad).map(|c| format!(" ({c:?} in Windows-1252)")).unwrap_or_default();
        format!(
            "the file is not UTF-8 text: byte 0x{bad:02X}{shown} is not UTF-8, so the file looks like it was \
             saved as Latin-1 or Windows-1252 (Excel's plain \"CSV (Comma delimited)\"). Save it as \
             \"CSV UTF-8 (Comma delimited) (*.csv)\" and give that file"
        )
    } else {
        format!(
            "the file is not UTF-8 text (byte 0x{bad:02X} starts an invalid sequence). Save it as \
             \"CSV UTF-8 (Comma delimited) (*.csv)\" and give that file"
        )
    }
}

/// The character Windows-1252 (and, from 0xA0, Latin-1) gives a byte, for error messages.
fn windows_1252(byte: u8) -> Option<char> {
    match byte {
        0xA0..=0xFF => char::from_u32(u32::from(byte)),
        0x80 => Some('€'),
        0x91 => Some('\u{2018}'),
        0x92 => Some('\u{2019}'),
        0x93 => Some('\u{201C}'),
        0x94 => Some('\u{201D}'),
        0x96 => Some('\u{2013}'),
        0x97 => Some('\u{2014}'),
        _ => None,
    }
}

impl<'a> Opened<'a> {
    /// The file's size in bytes, as far as it is known without reading it (0 if not).
    fn size(&self) -> u64 {
        match &self.body {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::File { rest, .. } => rest.metadata().map_or(0, |m| m.len()),
        }
    }

    fn read_xml(self) -> Result<Return, Vec<ReadError>> {
        let name = self.name;
        let bytes: std::borrow::Cow<'a, [u8]> = match self.body {
            Body::Bytes(bytes) => bytes.into(),
            Body::File { mut head, mut rest } => {
                rest.read_to_end(&mut head).map_err(|e| {
                    vec![ReadError::new(&name, ReadErrorKind::Io, format!("the file could not be read ({e})"))]
                })?;
                head.into()
            }
        };
        xml::read_xml(&name, &bytes).map_err(|e| vec![e])
    }

    fn read_csv(self) -> Result<TableData, Vec<ReadError>> {
        let size = self.size();
        let Opened { name, cr_only, body, .. } = self;
        match body {
            Body::Bytes(bytes) => read_csv(&name, cr_only, bytes, size),
            Body::File { head, rest } => read_csv(&name, cr_only, io::Cursor::new(head).chain(rest), size),
        }
    }
}

/// The records of a CSV file, read with `csv-core` from a stream in 64 KiB pieces, each with
/// the line it starts on.
///
/// Lines are counted here rather than by the CSV parser so that a record's line is where its
/// first cell starts, after any blank lines and line ends before it: a line ends at each `\n`
/// (`\r\n` counts once), or at each `\r` in a file whose lines end in `\r` alone.
pub(crate) struct Records<R> {
    input: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    eof: bool,
    parser: csv_core::Reader,
    /// The line of `buf[pos]`.
    line: u64,
    line_end: u8,
    /// The current record's cells, joined, and where each ends.
    joined: Vec<u8>,
    ends: Vec<usize>,
    /// Where the bytes consumed so far leave a cell's quoting, followed alongside the parser so
    /// that a quote still open at the end of the file is noticed (the parser ends the record
    /// there as if it had been closed).
    quote: Quote,
    /// The line on which the quoted cell last opened.
    quote_line: u64,
    /// How many bytes of the input have been parsed.
    consumed: u64,
}

/// Whether the input is inside a quoted cell, as `csv-core` reads quotes: a double quote opens a
/// quoted cell only at the start of a cell, and inside one a doubled quote is a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    /// At the start of a cell (or of a line).
    CellStart,
    /// In a cell that did not start with a quote, or after a quoted cell's closing quote.
    Unquoted,
    /// Inside a quoted cell.
    Quoted,
    /// Inside a quoted cell, just after a quote: it closed the cell unless another follows.
    ClosingOrDoubled,
}

impl<R: Read> Records<R> {
    fn new(input: R, cr_only: bool) -> Records<R> {
        Records {
            input,
            buf: vec![0; 64 * 1024].into_boxed_slice(),
            pos: 0,
            len: 0,
            eof: false,
            parser: csv_core::Reader::new(),
            line: 1,
            line_end: if cr_only { b'\r' } else { b'\n' },
            joined: vec![0; 1024],
            ends: vec![0; 32],
            quote: Quote::CellStart,
            quote_line: 1,
            consumed: 0,
        }
    }

    /// Makes sure there is unread input unless the file has ended.
    fn fill(&mut self) -> io::Result<()> {
        while self.pos == self.len && !self.eof {
            match self.input.read(&mut self.buf) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    self.pos = 0;
                    self.len = n;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn consume(&mut self, n: usize) {
        let end = (self.pos + n).min(self.len);
        let line_end = self.line_end;
        let bytes = &self.buf[self.pos..end];
        if !bytes.contains(&b'"') {
            // No quote opens or closes here: only the last byte decides where a cell stands.
            self.line += bytes.iter().filter(|&&b| b == line_end).count() as u64;
            if let Some(&last) = bytes.last()
                && self.quote != Quote::Quoted
            {
                self.quote = if matches!(last, b',' | b'\r' | b'\n') { Quote::CellStart } else { Quote::Unquoted };
            }
        } else {
            for &b in bytes {
                self.quote = match (self.quote, b) {
                    (Quote::Quoted, b'"') => Quote::ClosingOrDoubled,
                    (Quote::Quoted, _) => Quote::Quoted,
                    (Quote::CellStart, b'"') => {
                        self.quote_line = self.line;
                        Quote::Quoted
                    }
                    (Quote::ClosingOrDoubled, b'"') => Quote::Quoted,
                    (_, b',' | b'\r' | b'\n') => Quote::CellStart,
                    (Quote::CellStart | Quote::Unquoted | Quote::ClosingOrDoubled, _) => Quote::Unquoted,
                };
                if b == line_end {
                    self.line += 1;
                }
            }
        }
        self.consumed += (end - self.pos) as u64;
        self.pos = end;
    }

    /// How many bytes of the input have been parsed.
    pub(crate) fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The line a quoted cell opened on, if the file has ended inside it.
    pub(crate) fn unclosed_quote(&self) -> Option<u64> {
        (self.eof && self.pos == self.len && self.quote == Quote::Quoted).then_some(self.quote_line)
    }

    /// Reads the next record, giving the line it starts on, or `None` at the end of the file.
    /// Its cells are then `joined[..ends.last()]`, split at `ends`.
    pub(crate) fn next_record(&mut self) -> io::Result<Option<(u64, usize)>> {
        // Skip blank lines and the line end of the previous record, as the parser would.
        loop {
            self.fill()?;
            match self.buf[self.pos..self.len].first() {
                Some(b'\r' | b'\n') => self.consume(1),
                _ => break,
            }
        }
        let start_line = self.line;
        let (mut nout, mut nend) = (0usize, 0usize);
        loop {
            self.fill()?;
            // An empty input tells the parser the file has ended.
            let input = &self.buf[self.pos..self.len];
            let (result, nin, out, end) =
                self.parser.read_record(input, &mut self.joined[nout..], &mut self.ends[nend..]);
            self.consume(nin);
            nout += out;
            nend += end;
            match result {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => {
                    let grown = self.joined.len() * 2;
                    self.joined.resize(grown, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                csv_core::ReadRecordResult::Record => return Ok(Some((start_line, nend))),
                csv_core::ReadRecordResult::End => return Ok(None),
            }
        }
    }

    /// The current record's cells joined together, and where each ends.
    pub(crate) fn record(&self, cells: usize) -> (&[u8], &[usize]) {
        let ends = &self.ends[..cells];
        let len = ends.last().copied().unwrap_or(0);
        (&self.joined[..len], ends)
    }
}

/// Reads one CSV file as one table, streaming it from `input` into the table's arena.
///
/// `size` is the file's size in bytes (0 if not known): the table's storage is reserved from it
/// up front, so that a large table is not copied as it grows.
fn read_csv(name: &str, cr_only: bool, input: impl Read, size: u64) -> Result<TableData, Vec<ReadError>> {
    let mut records = Records::new(input, cr_only);
    let io_error =
        |e: io::Error| vec![ReadError::new(name, ReadErrorKind::Io, format!("the file could not be read ({e})"))];

    let Some((header_line, count)) = records.next_record().map_err(io_error)? else {
        return Err(vec![ReadError::new(
            name,
            ReadErrorKind::Empty,
            "the file is empty: it should hold a header row naming the table's columns, then one row per record",
        )]);
    };
    let (joined, ends) = records.record(count);
    let header: Vec<String> = match std::str::from_utf8(joined) {
        Ok(text) => split(text, ends).map(|cell| cell.trim().to_string()).collect(),
        Err(e) => {
            return Err(vec![
                ReadError::new(name, ReadErrorKind::Encoding, not_utf8_problem(joined, e)).at_line(header_line),
            ]);
        }
    };
    if let Some(line) = records.unclosed_quote() {
        // The header row itself runs to the end of the file.
        return Err(vec![unclosed_quote(name, line)]);
    }
    let (table, columns) = recognise(name, header_line, &header)?;
    let width = columns.len();
    let mut data = TableData::new(table, name, columns);
    // The cells' text is never longer than the file; the number of rows is estimated from the
    // first rows' length once they have been read.
    let remaining = size.saturating_sub(records.consumed);
    data.reserve_text(usize::try_from(remaining).unwrap_or(0));
    let header_bytes = records.consumed;

    let mut errors = Vec::new();
    let mut ragged = 0usize;
    let mut last_count = count;
    while let Some((line, count)) = records.next_record().map_err(io_error)? {
        last_count = count;
        if count != width {
            ragged += 1;
            if ragged <= MAX_ROW_ERRORS_PER_FILE {
                errors.push(
                    ReadError::new(
                        name,
                        ReadErrorKind::RaggedRow,
                        format!(
                            "this row has {} but the header row has {width} columns: every row must have one \
                             cell per column (leave a cell empty for a blank; a cell holding a comma must be \
                             in double quotes)",
                            cells(count)
                        ),
                    )
                    .at_line(line),
                );
            }
            continue;
        }
        if !errors.is_empty() {
            // Keep looking for ragged rows, but stop building a table that will not be returned.
            continue;
        }
        let (joined, ends) = records.record(count);
        let column_at = |offset: usize| {
            let i = ends.iter().position(|&e| e > offset).unwrap_or(0);
            data.columns().get(i).copied().unwrap_or_default()
        };
        let text = match std::str::from_utf8(joined) {
            Ok(text) => text,
            Err(e) => {
                return Err(vec![
                    ReadError::new(name, ReadErrorKind::Encoding, not_utf8_problem(joined, e))
                        .at_line(line)
                        .in_column(column_at(e.valid_up_to())),
                ]);
            }
        };
        if let Some(&split) = ends.iter().find(|&&e| !text.is_char_boundary(e)) {
            // Each cell on its own is not UTF-8, though joined together they happen to be.
            return Err(vec![
                ReadError::new(
                    name,
                    ReadErrorKind::Encoding,
                    "the file is not UTF-8 text: a cell ends part-way through a character. Save it as \
                     \"CSV UTF-8 (Comma delimited) (*.csv)\" and give that file",
                )
                .at_line(line)
                .in_column(column_at(split.saturating_sub(1))),
            ]);
        }
        if data.len() == ESTIMATE_AFTER_ROWS {
            let per_row = (records.consumed - header_bytes).max(1) / ESTIMATE_AFTER_ROWS as u64;
            let rows = remaining / per_row.max(1);
            data.reserve_rows(usize::try_from(rows + rows / 16).unwrap_or(0));
        }
        let line32 = u32::try_from(line).unwrap_or(u32::MAX);
        if let Err(too_large) = data.push_joined(line32, text, ends.iter().copied()) {
            let problem = match too_large {
                TooLarge::Table => {
                    "the file holds more than 4 GiB of text, more than careful can hold in one table; \
                     check it is the right file"
                }
                TooLarge::Row => {
                    "this row holds more than 64 KiB of text, more than careful can hold in one row (a \
                     903 row is a few hundred bytes); check it is the right file"
                }
            };
            return Err(vec![ReadError::new(name, ReadErrorKind::TooLarge, problem).at_line(line)]);
        }
    }
    if let Some(line) = records.unclosed_quote() {
        // The parser ended the last row at the end of the file as if the quote had closed, so
        // every line after the quote would be silently read into one cell.
        let error = unclosed_quote(name, line);
        errors.push(match data.columns().get(last_count.wrapping_sub(1)) {
            Some(column) => error.in_column(column),
            None => error,
        });
    }
    if ragged > MAX_ROW_ERRORS_PER_FILE {
        errors.push(ReadError::new(
            name,
            ReadErrorKind::RaggedRow,
            format!(
                "{} more rows have the wrong number of cells (only the first {MAX_ROW_ERRORS_PER_FILE} are listed)",
                ragged - MAX_ROW_ERRORS_PER_FILE
            ),
        ));
    }
    if errors.is_empty() { Ok(data) } else { Err(errors) }
}

fn unclosed_quote(name: &str, line: u64) -> ReadError {
    ReadError::new(
        name,
        ReadErrorKind::UnclosedQuote,
        "a cell here starts with a double quote (\") that is never closed, so the rest of the file would be read \
         into it: close the quote, or remove it if the cell should not be quoted (a quote inside a quoted cell is \
         written twice: \"\")",
    )
    .at_line(line)
}

/// The cells of a record whose joined text is `text`, ending at `ends`.
fn split<'t>(text: &'t str, ends: &'t [usize]) -> impl Iterator<Item = &'t str> + 't {
    let starts = std::iter::once(0).chain(ends.iter().copied());
    starts.zip(ends.iter().copied()).map(|(start, end)| text.get(start..end).unwrap_or(""))
}

fn cells(n: usize) -> String {
    if n == 1 { "1 cell".to_string() } else { format!("{n} cells") }
}

/// Recognises a table by its header row: the set of column names (trimmed, compared without
/// regard to ASCII case) must equal one table's column set. Gives the table and DfE's names of
/// the columns in file order.
pub(crate) fn recognise(
    file: &str,
    line: u64,
    header: &[String],
) -> Result<(Table, Vec<&'static str>), Vec<ReadError>> {
    let upper: Vec<String> = header.iter().map(|h| h.to_ascii_uppercase()).collect();

    let mut seen = HashSet::new();
    let mut duplicates = Vec::new();
    for (i, h) in upper.iter().enumerate() {
        if !seen.insert(h.as_str()) && !duplicates.contains(&header[i]) {
            duplicates.push(header[i].clone());
        }
    }
    if !duplicates.is_empty() {
        return Err(duplicates
            .into_iter()
            .map(|d| {
                let shown = if d.is_empty() { "with no name".to_string() } else { d.clone() };
                ReadError::new(
                    file,
                    ReadErrorKind::DuplicateColumn,
                    format!("the header row has the column {shown} more than once: each column must appear once"),
                )
                .at_line(line)
                .in_column(&d)
            })
            .collect());
    }

    struct Fit {
        table: Table,
        missing: Vec<&'static str>,
        extra: Vec<String>,
    }
    let fits: Vec<Fit> = Table::ALL
        .into_iter()
        .map(|table| Fit {
            table,
            missing: table.columns().iter().copied().filter(|c| !upper.iter().any(|h| h == c)).collect(),
            extra: header.iter().zip(&upper).filter(|(_, u)| !table.has_column(u)).map(|(h, _)| h.clone()).collect(),
        })
        .collect();

    if let Some(fit) = fits.iter().find(|f| f.missing.is_empty() && f.extra.is_empty()) {
        let columns = upper
            .iter()
            .filter_map(|u| fit.table.columns().iter().copied().find(|c| *c == u.as_str()))
            .collect::<Vec<_>>();
        return Ok((fit.table, columns));
    }

    // The closest table: fewest columns to add or remove, then most columns in common.
    let score =
        |f: &Fit| (f.missing.len() + f.extra.len(), std::cmp::Reverse(f.table.columns().len() - f.missing.len()));
    let best = fits.iter().min_by_key(|f| score(f)).map(score);
    let closest: Vec<&Fit> = fits.iter().filter(|f| Some(score(f)) == best).collect();

    if let [fit] = closest.as_slice()
        && fit.extra.is_empty()
        && fit.missing.len() < fit.table.columns().len()
    {
        return Err(fit
            .missing
            .iter()
            .map(|column| {
                ReadError::new(
                    file,
                    ReadErrorKind::MissingColumn,
                    format!(
                        "this file looks like the {} table but has no {column} column: add the column to the \
                         header row (its cells may be left empty where there is nothing to report)",
                        fit.table
                    ),
                )
                .at_line(line)
                .in_column(column)
            })
            .collect());
    }

    let described: Vec<String> = closest
        .iter()
        .map(|fit| {
            let mut parts = Vec::new();
            if !fit.missing.is_empty() {
                parts.push(format!("this file has no {}", list(fit.missing.iter().map(|c| c.to_string()), "or")));
            }
            if !fit.extra.is_empty() {
                // At most five names of at most 30 characters: a file that is not a table at all
                // (one enormous line) must not give an enormous message.
                const SHOWN: usize = 5;
                let mut names: Vec<String> = fit
                    .extra
                    .iter()
                    .take(SHOWN)
                    .map(|c| match c.char_indices().nth(30) {
                        _ if c.is_empty() => "a column with no name".into(),
                        Some((cut, _)) => format!("{}...", &c[..cut]),
                        None => c.clone(),
                    })
                    .collect();
                if fit.extra.len() > SHOWN {
                    names.push(format!("{} more", fit.extra.len() - SHOWN));
                }
                let extra = list(names.into_iter(), "and");
                let verb = if fit.extra.len() == 1 { "is not one of its columns" } else { "are not among its columns" };
                parts.push(format!("{extra} {verb}"));
            }
            format!("{} ({})", fit.table, parts.join("; "))
        })
        .collect();
    let closest_text = if described.len() == 1 {
        format!("The closest table is {}", described[0])
    } else {
        format!("The closest tables are {}", described.join(", and "))
    };
    Err(vec![
        ReadError::new(
            file,
            ReadErrorKind::UnknownHeader,
            format!(
                "the header row does not match any SSDA903 table. {closest_text}. The first row of each file \
                 must name exactly the columns of one table, in any order (see the DfE SSDA903 guidance for \
                 each table's columns)"
            ),
        )
        .at_line(line),
    ])
}

/// "A", "A or B", "A, B or C" (with `conjunction` "or" or "and").
fn list(items: impl Iterator<Item = String>, conjunction: &str) -> String {
    let items: Vec<String> = items.collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {conjunction} {last}", init.join(", ")),
    }
}
