//! Reading an uploaded indicator sheet into lines, before anything is looked up: CSV (UTF-8 with
//! or without BOM, or Windows-1252; `;`, `,` or tab between the cells) and XLSX/ODS workbooks
//! (their first sheet), in the long form (one value per line: indicator, area, period, value,
//! numerator, denominator) or the wide form (areas as rows, periods as columns). The header names
//! the columns in German or English; the form follows from it. Numbers are read as people write
//! them in either language: `14,2`, `1.234,5`, `14.2`, `1,234.5`.

use std::io::Cursor;

use calamine::{Data, Reader};

use crate::monitoring::model::Period;

/// The most lines a sheet may have (a header and 100,000 values).
pub const MAX_LINES: usize = 100_001;

/// Why a file cannot be read as an indicator sheet; each is a message key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Neither a spreadsheet nor text (an image, a PDF, a damaged workbook).
    NotASheet,
    /// No line with anything in it.
    Empty,
    /// The first line names neither the long form's columns nor periods.
    Header,
    TooManyLines,
}

impl Unreadable {
    pub fn key(self) -> &'static str {
        match self {
            Unreadable::NotASheet => "monitoring-import-error-file-unreadable",
            Unreadable::Empty => "monitoring-import-error-file-empty",
            Unreadable::Header => "monitoring-import-error-header",
            Unreadable::TooManyLines => "monitoring-import-error-too-many-lines",
        }
    }
}

/// How the sheet is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// One value per line.
    Long,
    /// Areas as rows, periods as columns.
    Wide,
}

/// One value as the file gives it, with where it stands: nothing checked yet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Line {
    /// The line (row) in the file, counted from 1 as a spreadsheet program shows it.
    pub line: usize,
    /// The wide form's column: its letter and header (`C (2021)`).
    pub column: Option<String>,
    /// The indicator named on the line; `None` where the sheet has no indicator column.
    pub indicator: Option<String>,
    pub area: String,
    pub period: String,
    pub value: String,
    pub numerator: String,
    pub denominator: String,
    /// The value, numerator and denominator where a workbook stored them as numbers.
    pub exact: [Option<f64>; 3],
}

impl Line {
    /// The value, numerator and denominator as numbers: `None` where a cell is empty,
    /// `Some(None)` where it is not a number.
    pub fn numbers(&self, decimal: Option<char>) -> [Option<Option<f64>>; 3] {
        let read = |exact: Option<f64>, text: &str| {
            (!text.is_empty()).then(|| exact.or_else(|| read_number(text, decimal)))
        };
        [
            read(self.exact[0], &self.value),
            read(self.exact[1], &self.numerator),
            read(self.exact[2], &self.denominator),
        ]
    }
}

/// A sheet read into its values.
#[derive(Debug)]
pub struct Sheet {
    pub form: Form,
    /// Whether the lines name their indicator (else it is chosen on the form).
    pub names_indicator: bool,
    pub lines: Vec<Line>,
    /// The decimal mark the sheet's typed numbers use, where they show it.
    pub decimal: Option<char>,
}

/// A cell: its text, and its number where a workbook stored one.
#[derive(Clone, Debug, Default)]
struct Cell {
    text: String,
    exact: Option<f64>,
}

/// A row of cells and the line it stands on.
type Row = (usize, Vec<Cell>);

/// Reads `bytes` (a CSV file or a workbook) into its values.
pub fn read_sheet(bytes: &[u8]) -> Result<Sheet, Unreadable> {
    let rows = if is_workbook(bytes) {
        workbook_rows(bytes)?
    } else {
        text_rows(bytes)?
    };
    sheet_of(rows)
}

/// A ZIP archive (XLSX, ODS) or an OLE compound file (XLS).
fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

fn workbook_rows(bytes: &[u8]) -> Result<Vec<Row>, Unreadable> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|_| Unreadable::NotASheet)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(Unreadable::Empty)?
        .map_err(|_| Unreadable::NotASheet)?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let first_column = range.start().map_or(0, |(_, column)| column as usize);
    if range.height() > MAX_LINES {
        return Err(Unreadable::TooManyLines);
    }
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row = vec![Cell::default(); first_column];
            row.extend(cells.iter().map(cell_text));
            (first_row + i + 1, row)
        })
        .collect())
}

/// A workbook cell as text: whole numbers without a decimal point (a year header `2019`), other
/// numbers with a point.
fn cell_text(cell: &Data) -> Cell {
    let exact = match cell {
        Data::Int(i) => Some(*i as f64),
        Data::Float(f) if f.is_finite() => Some(*f),
        _ => None,
    };
    let text = match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        other => other.to_string(),
    };
    Cell {
        text: clean(&text),
        exact,
    }
}

/// A cell's text trimmed, with control characters dropped and no-break spaces made plain.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, '\u{a0}' | '\u{202f}') {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Text in UTF-8 (a BOM is dropped) or, failing that, Windows-1252, as Excel saves CSV in Germany.
fn decode(bytes: &[u8]) -> Result<String, Unreadable> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    };
    // Text has no NUL and almost no other control characters; a binary file has many.
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        .count();
    if text.contains('\0') || controls > text.len() / 100 {
        return Err(Unreadable::NotASheet);
    }
    Ok(text)
}

/// The separator of the first line with content: `;`, tab or `,`, whichever it has most of.
fn separator(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c: char| header.matches(c).count();
    [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|c| (count(*c as char), *c == b';'))
        .filter(|c| count(*c as char) > 0)
        .unwrap_or(b';')
}

fn text_rows(bytes: &[u8]) -> Result<Vec<Row>, Unreadable> {
    let text = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator(&text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    // Lines counted from the records' byte offsets (whatever ends the lines).
    let (mut line, mut counted) = (1, 0);
    for record in reader.records() {
        let record = record.map_err(|_| Unreadable::NotASheet)?;
        let mut start = record.position().map_or(counted, |p| p.byte() as usize);
        // A record may be said to start at the line feed of a CR LF before it.
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        line += text.as_bytes()[counted.min(start)..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted = start;
        let cells = record.iter().map(|t| Cell {
            text: clean(t),
            exact: None,
        });
        rows.push((line, cells.collect()));
        if rows.len() > MAX_LINES {
            return Err(Unreadable::TooManyLines);
        }
    }
    Ok(rows)
}

/// Which column a header cell names, in German or English.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Indicator,
    Area,
    Period,
    Value,
    Numerator,
    Denominator,
}

fn column_named(header: &str) -> Option<Column> {
    let name = header.trim().trim_end_matches(':').to_lowercase();
    Some(match name.as_str() {
        "kennzahl" | "indikator" | "indicator" | "kennzahl/indikator" => Column::Indicator,
        "gebiet" | "sozialraum" | "bezirk" | "stadtteil" | "area" | "district" => Column::Area,
        "zeitraum" | "jahr" | "periode" | "period" | "year" => Column::Period,
        "wert" | "value" => Column::Value,
        "zähler" | "zaehler" | "numerator" => Column::Numerator,
        "nenner" | "denominator" => Column::Denominator,
        _ => return None,
    })
}

/// The spreadsheet letter of column `index` (0 → `A`, 26 → `AA`).
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.iter().rev().map(|b| *b as char).collect()
}

fn sheet_of(rows: Vec<Row>) -> Result<Sheet, Unreadable> {
    let mut rows = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.text.is_empty()));
    let (_, header) = rows.next().ok_or(Unreadable::Empty)?;
    let header: Vec<String> = header.into_iter().map(|c| c.text).collect();
    let named: Vec<Option<Column>> = header.iter().map(|h| column_named(h)).collect();
    let find = |wanted: Column| named.iter().position(|c| *c == Some(wanted));
    let indicator = find(Column::Indicator);
    let cell = |cells: &[Cell], at: Option<usize>| {
        at.and_then(|i| cells.get(i).cloned()).unwrap_or_default()
    };
    let text = |cells: &[Cell], at: Option<usize>| cell(cells, at).text;
    if let (Some(area), Some(period), Some(value)) = (
        find(Column::Area),
        find(Column::Period),
        find(Column::Value),
    ) {
        let (numerator, denominator) = (find(Column::Numerator), find(Column::Denominator));
        let lines = rows
            .map(|(line, cells)| {
                let numbers = [Some(value), numerator, denominator].map(|at| cell(&cells, at));
                Line {
                    line,
                    column: None,
                    indicator: indicator.map(|i| text(&cells, Some(i))),
                    area: text(&cells, Some(area)),
                    period: text(&cells, Some(period)),
                    exact: [0, 1, 2].map(|i| numbers[i].exact),
                    value: numbers[0].text.clone(),
                    numerator: numbers[1].text.clone(),
                    denominator: numbers[2].text.clone(),
                }
            })
            .collect();
        return Ok(with_decimal(Form::Long, indicator.is_some(), lines));
    }
    let periods: Vec<(usize, String)> = header
        .iter()
        .enumerate()
        .filter(|(i, h)| named[*i].is_none() && Period::parse(h).is_some())
        .map(|(i, h)| (i, h.clone()))
        .collect();
    if periods.is_empty() {
        return Err(Unreadable::Header);
    }
    // The areas stand in the column so named, else in the first one that holds no period.
    let area = find(Column::Area)
        .or_else(|| (0..header.len()).find(|i| Some(*i) != indicator && named[*i].is_none()))
        .filter(|i| periods.iter().all(|(p, _)| p != i))
        .ok_or(Unreadable::Header)?;
    let mut lines = Vec::new();
    for (line, cells) in rows {
        for (at, period) in &periods {
            let value = cell(&cells, Some(*at));
            lines.push(Line {
                line,
                column: Some(format!("{} ({period})", column_letter(*at))),
                indicator: indicator.map(|i| text(&cells, Some(i))),
                area: text(&cells, Some(area)),
                period: period.clone(),
                value: value.text,
                numerator: String::new(),
                denominator: String::new(),
                exact: [value.exact, None, None],
            });
        }
    }
    Ok(with_decimal(Form::Wide, indicator.is_some(), lines))
}

fn with_decimal(form: Form, names_indicator: bool, lines: Vec<Line>) -> Sheet {
    let typed = lines.iter().flat_map(|l| {
        [
            (&l.value, l.exact[0]),
            (&l.numerator, l.exact[1]),
            (&l.denominator, l.exact[2]),
        ]
        .into_iter()
        .filter(|(_, exact)| exact.is_none())
        .map(|(text, _)| text.as_str())
    });
    Sheet {
        form,
        names_indicator,
        decimal: decimal_mark(typed),
        lines,
    }
}

/// The decimal mark most of `numbers` show unambiguously: both marks (the last one is the
/// decimal mark), one mark not followed by exactly three digits (`14,2`, `0.5`), or one mark
/// several times (thousands groups, so the other is the decimal mark). `1.000` and `1,000` say
/// nothing.
fn decimal_mark<'a>(numbers: impl Iterator<Item = &'a str>) -> Option<char> {
    let (mut comma, mut point) = (0usize, 0usize);
    for text in numbers {
        let (commas, points) = (text.matches(',').count(), text.matches('.').count());
        let vote = match (commas, points) {
            (0, 0) => None,
            (c, p) if c > 0 && p > 0 => Some(if text.rfind(',') > text.rfind('.') {
                ','
            } else {
                '.'
            }),
            (1, 0) | (0, 1) => {
                let mark = if commas == 1 { ',' } else { '.' };
                let after = text.rsplit(mark).next().unwrap_or("");
                (after.trim_end_matches('%').trim().len() != 3).then_some(mark)
            }
            (_, 0) => Some('.'),
            _ => Some(','),
        };
        match vote {
            Some(',') => comma += 1,
            Some(_) => point += 1,
            None => {}
        }
    }
    match comma.cmp(&point) {
        std::cmp::Ordering::Greater => Some(','),
        std::cmp::Ordering::Less => Some('.'),
        std::cmp::Ordering::Equal => None,
    }
}

/// A number as a German or English spreadsheet writes it: `14,2`, `1.234,5`, `1 234,5`,
/// `14.2`, `1,234.5`, `-3`, a trailing `%` allowed. `decimal` is the sheet's decimal mark where
/// it shows one (then `1.000` is a thousand in a sheet of decimal commas); otherwise, and where
/// the text does not fit it, one `,` or `.` is the decimal mark and several are thousands
/// groups. `None` for anything else.
pub fn read_number(text: &str, decimal: Option<char>) -> Option<f64> {
    decimal
        .and_then(|mark| number_with(text, Some(mark)))
        .or_else(|| number_with(text, None))
}

fn number_with(text: &str, hint: Option<char>) -> Option<f64> {
    let text: String = text
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    if digits.is_empty()
        || !digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        || !digits.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let (commas, points) = (digits.matches(',').count(), digits.matches('.').count());
    let (group, decimal) = match (commas, points, hint) {
        (0, 0, _) => (None, None),
        (_, _, Some(mark)) => {
            let other = if mark == ',' { '.' } else { ',' };
            if digits.matches(mark).count() > 1 {
                return None;
            }
            let decimal = digits.contains(mark).then_some(mark);
            let group = digits.contains(other).then_some(other);
            if let (Some(d), Some(g)) = (decimal, group)
                && digits.rfind(g) > digits.rfind(d)
            {
                return None;
            }
            (group, decimal)
        }
        (_, 0, None) if commas == 1 => (None, Some(',')),
        (_, 0, None) => (Some(','), None),
        (0, _, None) if points == 1 => (None, Some('.')),
        (0, _, None) => (Some('.'), None),
        _ => {
            let last_comma = digits.rfind(',')?;
            let last_point = digits.rfind('.')?;
            if last_comma > last_point {
                (Some('.'), Some(','))
            } else {
                (Some(','), Some('.'))
            }
        }
    };
    let (whole, fraction) = match decimal {
        Some(mark) => {
            let (whole, fraction) = digits.rsplit_once(mark)?;
            if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (whole, fraction)
        }
        None => (digits, ""),
    };
    let whole = match group {
        Some(mark) => {
            let mut groups = whole.split(mark);
            let first = groups.next()?;
            let grouped = (1..=3).contains(&first.len())
                && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
            if !grouped || !first.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            whole.replace(mark, "")
        }
        None => whole.to_string(),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let plain = if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    };
    plain.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_either_language_writes_them() {
        for (text, n) in [
            ("14,2", 14.2),
            ("14.2", 14.2),
            ("1.234,5", 1234.5),
            ("1,234.5", 1234.5),
            ("1 234,5", 1234.5),
            ("1.234.567", 1_234_567.0),
            ("1,234,567", 1_234_567.0),
            ("-3", -3.0),
            ("12 %", 12.0),
            ("0", 0.0),
        ] {
            assert_eq!(read_number(text, None), Some(n), "{text}");
        }
        for text in [
            "",
            "-",
            "abc",
            "1.2.3,4,5",
            "12,34.5.6",
            "1.23,4",
            ",5",
            "1,",
            "1e5",
            "inf",
            "x12",
        ] {
            assert_eq!(read_number(text, None), None, "{text:?}");
        }
        // A sheet of decimal commas groups thousands with points, and the other way round.
        assert_eq!(read_number("1.000", Some(',')), Some(1000.0));
        assert_eq!(read_number("1.000", None), Some(1.0));
        assert_eq!(read_number("1,000", Some('.')), Some(1000.0));
        assert_eq!(read_number("14.2", Some(',')), Some(14.2));
        assert_eq!(decimal_mark(["14,2", "1.000", "3"].into_iter()), Some(','));
        assert_eq!(decimal_mark(["1.000", "1,000"].into_iter()), None);
        assert_eq!(decimal_mark(["0.5", "1,234,567"].into_iter()), Some('.'));
    }

    #[test]
    fn the_separator_is_found_in_the_header() {
        assert_eq!(separator("Gebiet;2019;2020\nA;1,5;2"), b';');
        assert_eq!(separator("area,2019,2020\n"), b',');
        assert_eq!(separator("area\t2019\n"), b'\t');
    }

    #[test]
    fn windows_1252_and_a_bom_are_decoded() -> Result<(), Unreadable> {
        assert_eq!(decode(b"S\xFCdstadt")?, "Südstadt");
        assert_eq!(decode("\u{feff}Südstadt".as_bytes())?, "Südstadt");
        assert_eq!(decode(b"\x00\x01\x02\x03abc"), Err(Unreadable::NotASheet));
        Ok(())
    }

    #[test]
    fn the_form_follows_from_the_header() -> Result<(), Unreadable> {
        let long = read_sheet("Kennzahl;Gebiet;Jahr;Wert\nQuote;Nord;2020;1,5\n".as_bytes())?;
        assert_eq!(long.form, Form::Long);
        assert_eq!(long.lines[0].line, 2);
        assert_eq!(long.lines[0].indicator.as_deref(), Some("Quote"));
        let crlf = read_sheet(b"Gebiet;2019\r\nA;1\r\n\r\nB;2\r\n")?;
        assert_eq!(crlf.lines[0].line, 2);
        assert_eq!(crlf.lines[1].line, 4);
        let wide = read_sheet(b"Sozialraum,2019,2020\nNord,1.5,2\n")?;
        assert_eq!(wide.form, Form::Wide);
        assert_eq!(wide.lines.len(), 2);
        assert_eq!(wide.lines[1].column.as_deref(), Some("C (2020)"));
        assert_eq!(read_sheet(b"a;b\n1;2\n").err(), Some(Unreadable::Header));
        assert_eq!(read_sheet(b"\n\n").err(), Some(Unreadable::Empty));
        assert_eq!(column_letter(27), "AB");
        Ok(())
    }
}
