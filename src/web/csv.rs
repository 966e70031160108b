//! CSV downloads that German Excel and LibreOffice open correctly with a double click: UTF-8 with
//! a byte order mark (without it Excel reads the file as Windows-1252 and breaks every umlaut),
//! `;` between cells (the German list separator; `,` is the decimal comma there), decimal numbers
//! with a comma, and no cell a spreadsheet could take for a formula. Every CSV export goes
//! through [`Sheet`] and [`download`], so these rules hold in one place.

use actix_web::HttpResponse;
use chrono::NaiveDate;

use crate::error::AppError;

/// UTF-8's byte order mark: how Excel recognises a CSV file as UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The cell separator German spreadsheets expect.
pub const SEPARATOR: u8 = b';';

/// One cell. Text is guarded against formulas; numbers are written as numbers, so a spreadsheet
/// can sum them (a guarded `-1` would be text).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Integer(i64),
    /// Written with one decimal place and a decimal comma.
    Decimal(f64),
    Empty,
}

impl Cell {
    pub fn text(value: impl Into<String>) -> Self {
        Cell::Text(value.into())
    }

    fn written(&self) -> String {
        match self {
            Cell::Text(text) => guard(text),
            Cell::Integer(n) => n.to_string(),
            Cell::Decimal(x) => decimal(*x),
            Cell::Empty => String::new(),
        }
    }
}

/// `12.345` as `12,3`: one decimal place, decimal comma.
pub fn decimal(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

/// A text cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a tab or carriage
/// return before one) gets a leading apostrophe, so a resident's text cannot run as a formula on
/// a staff computer; the apostrophe shows that the cell was changed.
pub fn guard(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A CSV file being written: a header row, then rows of [`Cell`]s.
pub struct Sheet {
    writer: csv::Writer<Vec<u8>>,
}

fn csv_error(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("csv: {e}"))
}

impl Sheet {
    /// A new file whose first row is `header` (guarded like any text: a question's wording is
    /// typed by staff and could start with `=`).
    pub fn new<S: AsRef<str>>(header: impl IntoIterator<Item = S>) -> Result<Self, AppError> {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(SEPARATOR)
            // Excel and LibreOffice both read CRLF line ends; Windows tools expect them.
            .terminator(csv::Terminator::CRLF)
            .from_writer(BOM.to_vec());
        writer
            .write_record(header.into_iter().map(|h| guard(h.as_ref())))
            .map_err(csv_error)?;
        Ok(Self { writer })
    }

    pub fn row(&mut self, cells: impl IntoIterator<Item = Cell>) -> Result<(), AppError> {
        self.writer
            .write_record(cells.into_iter().map(|c| c.written()))
            .map_err(csv_error)
    }

    /// The whole file, byte order mark first.
    pub fn finish(self) -> Result<Vec<u8>, AppError> {
        self.writer.into_inner().map_err(csv_error)
    }
}

/// The response for a CSV download named after what it holds and the day it was made, such as
/// `umfrage-wie-mobil-ist-musterstadt-ergebnisse-2026-11-30.csv`: an ASCII `filename` for old
/// clients and the readable name with umlauts as RFC 5987 `filename*`.
pub fn download(title: &str, what: &str, day: NaiveDate, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", content_disposition(title, what, day)))
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

/// `attachment; filename="…"; filename*=UTF-8''…` for `title`, `what` and `day`.
pub fn content_disposition(title: &str, what: &str, day: NaiveDate) -> String {
    let date = day.format("%Y-%m-%d");
    let ascii = [slug(title), slug(what)]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let ascii = if ascii.is_empty() {
        format!("export-{date}.csv")
    } else {
        format!("{ascii}-{date}.csv")
    };
    let readable = format!("{} {} {date}.csv", file_safe(title), file_safe(what));
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        rfc5987(&readable)
    )
}

/// Lower-case ASCII letters, digits and single dashes, German letters spelled out (`ä` → `ae`),
/// at most 60 characters.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let spelled = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'é' | 'è' | 'ê' => "e",
            'á' | 'à' | 'â' => "a",
            'ó' | 'ò' | 'ô' => "o",
            'í' | 'ì' | 'î' => "i",
            'ú' | 'ù' | 'û' => "u",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        if spelled == "-" {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push_str(spelled);
        }
    }
    let mut out: String = out.chars().take(60).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The title without characters file systems refuse (`/ \ : * ? " < > |`) or control characters.
fn file_safe(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                ' '
            } else {
                c
            }
        })
        .collect();
    cleaned
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(100)
        .collect()
}

/// RFC 5987 `value-chars`: attr-chars as they are, every other byte of the UTF-8 as `%XX`.
fn rfc5987(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_ascii_slugs_with_the_readable_name_beside() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
        assert_eq!(
            content_disposition("Wie mobil ist Grünstadt? / Süd", "Ergebnisse", day),
            "attachment; filename=\"wie-mobil-ist-gruenstadt-sued-ergebnisse-2026-11-30.csv\"; \
             filename*=UTF-8''Wie%20mobil%20ist%20Gr%C3%BCnstadt%20S%C3%BCd%20Ergebnisse%202026-11-30.csv"
        );
        assert_eq!(slug("„Straße“ – 2026!"), "strasse-2026");
        assert_eq!(slug("###"), "");
    }

    #[test]
    fn no_cell_reads_as_a_formula_and_every_cell_comes_back_whole() -> Result<(), AppError> {
        let hostile = [
            "=1+1",
            ";=1+1",
            "+49 170 1234567",
            "@SUM(A1:A2)",
            "\t=1+1",
            "\r=1+1",
            "-1",
            "Zeile 1\nZeile 2; \"zitiert\"",
        ];
        let mut sheet = Sheet::new(["=Kopf", "Zahl", "Anteil"])?;
        for value in hostile {
            sheet.row([Cell::text(value), Cell::Integer(-1), Cell::Decimal(12.34)])?;
        }
        let bytes = sheet.finish()?;
        assert!(bytes.starts_with(BOM));
        let rows: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
            .delimiter(SEPARATOR)
            .has_headers(false)
            .from_reader(&bytes[BOM.len()..])
            .records()
            .collect::<Result<_, _>>()
            .map_err(csv_error)?;
        assert_eq!(&rows[0], vec!["'=Kopf", "Zahl", "Anteil"]);
        for (row, value) in rows[1..].iter().zip(hostile) {
            let expected = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{value}")
            } else {
                value.to_string()
            };
            assert_eq!(&row[0], expected.as_str());
            // Numbers the application writes stay numbers (not guarded text).
            assert_eq!(&row[1], "-1");
            assert_eq!(&row[2], "12,3");
        }
        Ok(())
    }

    #[test]
    fn decimals_use_a_comma() {
        assert_eq!(decimal(77.777), "77,8");
        assert_eq!(decimal(3.0), "3,0");
    }
}
