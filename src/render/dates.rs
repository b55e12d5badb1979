//! Dates for readers: `18 October 2025`, `18 أكتوبر/تشرين الأول 2025`.
//!
//! Arabic pages give both month series, Egyptian then Levantine, the way Al
//! Jazeera does, so readers from Cairo and Damascus both read them at a glance.

use crate::model::PartialDate;

/// Month names, January first: English, and the two Arabic series.
pub const EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
pub const AR_EGYPTIAN: [&str; 12] =
    ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"];
pub const AR_LEVANTINE: [&str; 12] = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
];

/// The month's name in a language: English, or Arabic with both series.
pub fn month_name(month: u32, lang: &str) -> String {
    let i = (month.clamp(1, 12) - 1) as usize;
    match lang.split('-').next().unwrap_or(lang) {
        "ar" => format!("{}/{}", AR_EGYPTIAN[i], AR_LEVANTINE[i]),
        _ => EN[i].to_string(),
    }
}

/// A date as a reader of `lang` writes it; only the known parts.
pub fn format(date: &PartialDate, lang: &str) -> String {
    match (date.month, date.day) {
        (Some(m), Some(d)) => format!("{d} {} {}", month_name(m, lang), date.year),
        (Some(m), None) => format!("{} {}", month_name(m, lang), date.year),
        _ => date.year.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages() {
        let d = PartialDate::parse("2025-10-18").unwrap();
        assert_eq!(format(&d, "en"), "18 October 2025");
        assert_eq!(format(&d, "ar"), "18 أكتوبر/تشرين الأول 2025");
        assert_eq!(format(&PartialDate::parse("2024-12").unwrap(), "ar"), "ديسمبر/كانون الأول 2024");
        assert_eq!(format(&PartialDate::parse("2014").unwrap(), "en"), "2014");
    }
}
