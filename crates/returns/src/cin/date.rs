//! The census's dates: `YYYY-MM-DD` (`xs:date`).

use chrono::NaiveDate;

/// Reads a `YYYY-MM-DD` date as chrono's `%Y-%m-%d` does, and as fast as its bytes can be
/// read when it is written exactly so (ten characters, as nearly every census date is); any
/// other text goes to chrono, so what is a date, and which, is unchanged.
pub(crate) fn parse_ymd(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10))
    {
        return NaiveDate::from_ymd_opt(y as i32, m, d);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same answer as chrono's `%Y-%m-%d` on every kind of text a census cell may hold.
    #[test]
    fn reads_dates_as_chrono_does() {
        let cases = [
            "2025-06-30",
            "2024-02-29",
            "2025-02-29",
            "2025-02-30",
            "2025-13-01",
            "2025-00-10",
            "2025-01-00",
            "2025-01-32",
            "0000-01-01",
            "9999-12-31",
            "2025-6-30",
            "2025-06-3",
            "25-06-30",
            "+2025-06-30",
            "02025-06-30",
            "2025/06/30",
            "30/06/2025",
            "2025-06-30T00:00:00",
            "2025-06-30 ",
            " 2025-06-30",
            "2025-0a-30",
            "２０２５-06-30",
            "",
            "-",
            "2025--6-30",
            "2025-06-+3",
            "-001-01-01",
            "12345-01-01",
        ];
        for text in cases {
            assert_eq!(parse_ymd(text), NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(), "{text:?}");
        }
    }
}
