use super::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn cal() -> &'static WorkingDayCalendar {
    WorkingDayCalendar::england_and_wales()
}

fn working(date: NaiveDate) -> bool {
    cal().is_working_day(date).unwrap()
}

// ---------------------------------------------------------------- the embedded data

#[test]
fn the_published_list_covers_2015_to_2030_and_later_years_are_computed() {
    assert_eq!(cal().coverage(), (d(2015, 1, 1), d(2030, 12, 31)));
    assert!(!cal().is_computed_year(2015));
    assert!(!cal().is_computed_year(2030));
    assert!(cal().is_computed_year(2031));
    assert!(cal().is_computed_year(2041));
    assert!(cal().computed_years_between(d(2030, 1, 1), d(2030, 12, 31)).is_empty());
    assert_eq!(cal().computed_years_between(d(2030, 12, 30), d(2031, 1, 2)), 2031..=2031);
    assert_eq!(cal().computed_years_between(d(2033, 3, 1), d(2029, 3, 1)), 2031..=2033);
}

#[test]
fn every_year_has_its_fixed_holidays() {
    for year in 2015..=2041 {
        let names: Vec<&str> = cal().holidays_between(d(year, 1, 1), d(year, 12, 31)).map(|(_, n)| n).collect();
        for expected in
            ["Good Friday", "Easter Monday", "Early May bank holiday", "Spring bank holiday", "Summer bank holiday"]
        {
            assert!(names.iter().any(|n| n.starts_with(expected)), "{year} has no {expected}: {names:?}");
        }
        assert!(names.iter().any(|n| n.starts_with("Christmas Day")), "{year}");
        assert!(names.iter().any(|n| n.starts_with("Boxing Day")), "{year}");
    }
}

// ---------------------------------------------------------------- weekends and plain days

#[test]
fn weekends_are_not_working_days() {
    assert!(!working(d(2026, 3, 7))); // Saturday
    assert!(!working(d(2026, 3, 8))); // Sunday
    assert!(working(d(2026, 3, 9))); // Monday
}

#[test]
fn friday_plus_one_working_day_is_monday() {
    assert_eq!(cal().add_working_days(d(2026, 3, 6), 1).unwrap(), d(2026, 3, 9));
}

#[test]
fn event_on_a_weekend_counts_from_the_next_working_day() {
    // Saturday 7 March 2026: Monday 9 March is day 1, Tuesday day 2.
    assert_eq!(cal().add_working_days(d(2026, 3, 7), 1).unwrap(), d(2026, 3, 9));
    assert_eq!(cal().add_working_days(d(2026, 3, 8), 2).unwrap(), d(2026, 3, 10));
}

#[test]
fn zero_working_days_is_the_event_day() {
    assert_eq!(cal().add_working_days(d(2026, 3, 7), 0).unwrap(), d(2026, 3, 7));
    assert_eq!(cal().working_days_between(d(2026, 3, 7), d(2026, 3, 7)).unwrap(), 0);
}

#[test]
fn assessment_45_working_days_across_easter_and_early_may() {
    // Referral Monday 2 March 2026. Counting by hand: 21 working days in March after the 2nd,
    // 2 before Good Friday (3 April) and Easter Monday (6 April), 19 more to 30 April, 1 May,
    // then the Early May bank holiday (4 May), then 5, 6 and 7 May: day 45 is Thursday 7 May.
    let referral = d(2026, 3, 2);
    let due = cal().add_working_days(referral, 45).unwrap();
    assert_eq!(due, d(2026, 5, 7));
    assert_eq!(cal().working_days_between(referral, d(2026, 5, 7)).unwrap(), 45); // on time
    assert_eq!(cal().working_days_between(referral, d(2026, 5, 8)).unwrap(), 46); // a day late
    // Without the three bank holidays day 45 would have been Monday 4 May.
    assert!(!working(d(2026, 5, 4)));
}

// ---------------------------------------------------------------- Easter

#[test]
fn easter_2024_good_friday_and_easter_monday() {
    assert!(!working(d(2024, 3, 29)));
    assert!(!working(d(2024, 4, 1)));
    assert!(working(d(2024, 3, 28)));
    assert!(working(d(2024, 4, 2)));
    // Maundy Thursday + 1 working day is the Tuesday after Easter.
    assert_eq!(cal().add_working_days(d(2024, 3, 28), 1).unwrap(), d(2024, 4, 2));
    assert_eq!(cal().working_days_between(d(2024, 3, 28), d(2024, 4, 2)).unwrap(), 1);
}

#[test]
fn easter_in_march_2016_and_april_2025() {
    assert!(!working(d(2016, 3, 25)));
    assert!(!working(d(2016, 3, 28)));
    assert!(!working(d(2025, 4, 18)));
    assert!(!working(d(2025, 4, 21)));
    assert_eq!(cal().holiday_name(d(2025, 4, 18)), Some("Good Friday"));
}

// ---------------------------------------------------------------- Christmas and New Year

#[test]
fn christmas_2021_on_a_saturday_gives_two_substitute_days() {
    // 25 Sat, 26 Sun, so Monday 27 (Christmas substitute) and Tuesday 28 (Boxing Day substitute).
    for day in 25..=28 {
        assert!(!working(d(2021, 12, day)), "{day} December 2021");
    }
    assert_eq!(cal().holiday_name(d(2021, 12, 27)), Some("Christmas Day (substitute day)"));
    assert_eq!(cal().add_working_days(d(2021, 12, 24), 1).unwrap(), d(2021, 12, 29));
}

#[test]
fn new_year_2022_on_a_saturday_moves_to_monday_3_january() {
    assert!(!working(d(2022, 1, 3)));
    assert_eq!(cal().add_working_days(d(2021, 12, 31), 1).unwrap(), d(2022, 1, 4));
    // From Christmas Eve to 4 January 2022: 29, 30, 31 December and 4 January.
    assert_eq!(cal().working_days_between(d(2021, 12, 24), d(2022, 1, 4)).unwrap(), 4);
}

#[test]
fn christmas_2022_on_a_sunday_has_its_substitute_on_tuesday() {
    // 25 Sun; Boxing Day Monday 26; Christmas substitute Tuesday 27.
    assert!(!working(d(2022, 12, 26)));
    assert!(!working(d(2022, 12, 27)));
    assert!(working(d(2022, 12, 28)));
    assert_eq!(cal().holiday_name(d(2022, 12, 27)), Some("Christmas Day (substitute day)"));
}

#[test]
fn christmas_2026_on_a_friday_moves_boxing_day_to_monday() {
    assert!(!working(d(2026, 12, 25)));
    assert!(!working(d(2026, 12, 28)));
    assert!(working(d(2026, 12, 29)));
    assert_eq!(cal().add_working_days(d(2026, 12, 24), 1).unwrap(), d(2026, 12, 29));
    // New Year's Day 2027 is a Friday.
    assert_eq!(cal().add_working_days(d(2026, 12, 31), 1).unwrap(), d(2027, 1, 4));
}

#[test]
fn new_year_2017_on_a_sunday_moves_to_monday() {
    assert!(!working(d(2017, 1, 2)));
    assert_eq!(cal().holiday_name(d(2017, 1, 2)), Some("New Year's Day (substitute day)"));
}

// ---------------------------------------------------------------- one-offs and moves

#[test]
fn ve_day_2020_moved_the_early_may_bank_holiday_to_friday_8_may() {
    assert!(working(d(2020, 5, 4)), "first Monday in May 2020 was a working day");
    assert!(!working(d(2020, 5, 8)));
    assert_eq!(cal().add_working_days(d(2020, 5, 7), 1).unwrap(), d(2020, 5, 11));
    assert_eq!(cal().add_working_days(d(2020, 5, 1), 1).unwrap(), d(2020, 5, 4));
}

#[test]
fn platinum_jubilee_2022_moved_spring_bank_holiday_and_added_a_day() {
    assert!(working(d(2022, 5, 30)), "last Monday in May 2022 was a working day");
    assert!(!working(d(2022, 6, 2)));
    assert!(!working(d(2022, 6, 3)));
    assert_eq!(cal().add_working_days(d(2022, 6, 1), 1).unwrap(), d(2022, 6, 6));
    assert_eq!(cal().holiday_name(d(2022, 6, 3)), Some("Platinum Jubilee bank holiday"));
}

#[test]
fn state_funeral_of_queen_elizabeth_ii() {
    assert!(!working(d(2022, 9, 19)));
    assert_eq!(cal().add_working_days(d(2022, 9, 16), 1).unwrap(), d(2022, 9, 20));
    // 15 working days from Friday 9 September 2022 (an ICPC clock) end on Monday 3 October, not
    // Friday 30 September.
    assert_eq!(cal().add_working_days(d(2022, 9, 9), 15).unwrap(), d(2022, 10, 3));
}

#[test]
fn coronation_of_king_charles_iii() {
    assert!(!working(d(2023, 5, 1)));
    assert!(!working(d(2023, 5, 8)));
    assert!(working(d(2023, 5, 2)));
    assert_eq!(cal().add_working_days(d(2023, 5, 5), 1).unwrap(), d(2023, 5, 9));
    // May 2023 had three bank holidays: 20 working days from 28 April 2023 reach 31 May.
    assert_eq!(cal().add_working_days(d(2023, 4, 28), 20).unwrap(), d(2023, 5, 31));
}

// ---------------------------------------------------------------- leap years and months

#[test]
fn leap_day_is_an_ordinary_working_day_when_a_weekday() {
    assert!(working(d(2024, 2, 29))); // Thursday
    assert_eq!(cal().add_working_days(d(2024, 2, 28), 1).unwrap(), d(2024, 2, 29));
    assert_eq!(cal().add_working_days(d(2024, 2, 29), 1).unwrap(), d(2024, 3, 1));
    assert_eq!(cal().working_days_between(d(2024, 2, 27), d(2024, 3, 1)).unwrap(), 3);
    assert_eq!(cal().working_days_between(d(2023, 2, 27), d(2023, 3, 1)).unwrap(), 2);
    // 2020's leap day was a Saturday.
    assert!(!working(d(2020, 2, 29)));
}

#[test]
fn add_months_clamps_to_month_end() {
    assert_eq!(add_months(d(2023, 8, 31), 6).unwrap(), d(2024, 2, 29));
    assert_eq!(add_months(d(2024, 8, 31), 6).unwrap(), d(2025, 2, 28));
    assert_eq!(add_months(d(2026, 1, 31), 1).unwrap(), d(2026, 2, 28));
    assert_eq!(add_months(d(2026, 3, 31), 3).unwrap(), d(2026, 6, 30));
    assert_eq!(add_months(d(2024, 2, 29), 12).unwrap(), d(2025, 2, 28));
    assert_eq!(add_months(d(2024, 2, 29), 48).unwrap(), d(2028, 2, 29));
    assert_eq!(add_months(d(2026, 5, 15), 3).unwrap(), d(2026, 8, 15));
    assert_eq!(add_months(d(2026, 11, 30), 3).unwrap(), d(2027, 2, 28));
    assert_eq!(add_months(d(2026, 3, 31), -1).unwrap(), d(2026, 2, 28));
    assert_eq!(add_months(d(2026, 3, 31), 0).unwrap(), d(2026, 3, 31));
}

#[test]
fn add_months_works_outside_the_working_day_calendar() {
    // Months need no bank holidays, so they work for any date.
    assert_eq!(add_months(d(1999, 12, 31), 2).unwrap(), d(2000, 2, 29));
    assert_eq!(add_months(d(2040, 8, 31), 6).unwrap(), d(2041, 2, 28));
}

#[test]
fn add_weeks_is_seven_calendar_days_each() {
    assert_eq!(add_weeks(d(2026, 2, 26), 1).unwrap(), d(2026, 3, 5));
    assert_eq!(add_weeks(d(2024, 2, 22), 1).unwrap(), d(2024, 2, 29));
    assert_eq!(add_weeks(d(2026, 1, 1), 6).unwrap(), d(2026, 2, 12));
    assert_eq!(add_weeks(d(2026, 12, 20), 2).unwrap(), d(2027, 1, 3));
    assert_eq!(add_weeks(d(2026, 1, 1), 0).unwrap(), d(2026, 1, 1));
}

#[test]
fn add_days_and_overflow() {
    assert_eq!(add_days(d(2026, 3, 1), -1).unwrap(), d(2026, 2, 28));
    assert!(matches!(add_days(NaiveDate::MAX, 1), Err(CalendarError::Overflow { .. })));
    assert!(matches!(add_months(NaiveDate::MAX, 1), Err(CalendarError::Overflow { .. })));
}

// ---------------------------------------------------------------- the date in England

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

#[test]
fn date_in_england_follows_british_summer_time() {
    // Winter: the date is the UTC date.
    assert_eq!(date_in_england(utc("2026-01-15T23:30:00Z")), d(2026, 1, 15));
    // Summer: 23:30 UTC is 00:30 the next day in England.
    assert_eq!(date_in_england(utc("2026-07-15T23:30:00Z")), d(2026, 7, 16));
    assert_eq!(date_in_england(utc("2026-07-15T22:59:59Z")), d(2026, 7, 15));
    // BST 2026 starts 01:00 UTC Sunday 29 March and ends 01:00 UTC Sunday 25 October.
    assert_eq!(date_in_england(utc("2026-03-28T23:30:00Z")), d(2026, 3, 28));
    assert_eq!(date_in_england(utc("2026-03-29T23:30:00Z")), d(2026, 3, 30));
    assert_eq!(date_in_england(utc("2026-10-24T23:30:00Z")), d(2026, 10, 25));
    assert_eq!(date_in_england(utc("2026-10-25T23:30:00Z")), d(2026, 10, 25));
    // 2024: 31 March and 27 October.
    assert_eq!(date_in_england(utc("2024-03-30T23:30:00Z")), d(2024, 3, 30));
    assert_eq!(date_in_england(utc("2024-03-31T23:30:00Z")), d(2024, 4, 1));
    assert_eq!(date_in_england(utc("2024-10-27T00:59:00Z")), d(2024, 10, 27));
    assert_eq!(date_in_england(utc("2024-10-27T23:30:00Z")), d(2024, 10, 27));
}

// ---------------------------------------------------------------- ages

#[test]
fn age_increases_on_the_birthday_itself() {
    let dob = d(2008, 6, 15);
    assert_eq!(age_on(dob, d(2026, 6, 14)).unwrap(), 17);
    assert_eq!(age_on(dob, d(2026, 6, 15)).unwrap(), 18);
    assert_eq!(age_on(dob, dob).unwrap(), 0);
    assert_eq!(date_attaining_age(dob, 18).unwrap(), d(2026, 6, 15));
}

#[test]
fn born_on_29_february_attains_an_age_on_1_march_in_ordinary_years() {
    let dob = d(2008, 2, 29);
    assert_eq!(date_attaining_age(dob, 18).unwrap(), d(2026, 3, 1));
    assert_eq!(age_on(dob, d(2026, 2, 28)).unwrap(), 17);
    assert_eq!(age_on(dob, d(2026, 3, 1)).unwrap(), 18);
    // In a leap year the anniversary exists.
    assert_eq!(date_attaining_age(dob, 16).unwrap(), d(2024, 2, 29));
    assert_eq!(age_on(dob, d(2024, 2, 28)).unwrap(), 15);
    assert_eq!(age_on(dob, d(2024, 2, 29)).unwrap(), 16);
    // 21 and 25 for care leavers.
    assert_eq!(date_attaining_age(dob, 21).unwrap(), d(2029, 3, 1));
    assert_eq!(date_attaining_age(dob, 25).unwrap(), d(2033, 3, 1));
}

#[test]
fn born_on_28_february_or_1_march_is_unaffected() {
    assert_eq!(date_attaining_age(d(2008, 2, 28), 18).unwrap(), d(2026, 2, 28));
    assert_eq!(date_attaining_age(d(2008, 3, 1), 18).unwrap(), d(2026, 3, 1));
}

#[test]
fn age_before_birth_is_an_error() {
    let err = age_on(d(2026, 6, 1), d(2026, 5, 31)).unwrap_err();
    assert!(matches!(err, CalendarError::BeforeBirth { .. }));
    assert!(err.to_string().contains("not yet born"), "{err}");
}

// ---------------------------------------------------------------- collection years

#[test]
fn collection_year_runs_from_1_april_to_31_march() {
    let year: CollectionYear = "2025-26".parse().unwrap();
    assert_eq!(year.first_day(), d(2025, 4, 1));
    assert_eq!(year.last_day(), d(2026, 3, 31));
    assert_eq!(year.to_string(), "2025-26");
    assert_eq!(year.end_year(), 2026);
    assert!(year.contains(d(2025, 4, 1)));
    assert!(year.contains(d(2026, 3, 31)));
    assert!(!year.contains(d(2025, 3, 31)));
    assert!(!year.contains(d(2026, 4, 1)));
    assert_eq!(year.previous().to_string(), "2024-25");
}

#[test]
fn collection_year_containing_a_date() {
    assert_eq!(CollectionYear::containing(d(2026, 3, 31)).unwrap().to_string(), "2025-26");
    assert_eq!(CollectionYear::containing(d(2026, 4, 1)).unwrap().to_string(), "2026-27");
    assert_eq!(CollectionYear::containing(d(2024, 2, 29)).unwrap().to_string(), "2023-24");
    assert_eq!(CollectionYear::containing(d(2099, 12, 1)), None);
}

#[test]
fn collection_year_spellings() {
    for ok in ["2025-26", "2025/26", "2025-2026", " 2025-26 "] {
        assert_eq!(ok.parse::<CollectionYear>().unwrap().start_year(), 2025, "{ok}");
    }
    assert_eq!("1999-00".parse::<CollectionYear>().ok(), None);
    for bad in ["2025", "2025-27", "26-27", "2025-6", "abcd-ef", "2025-2027", "", "2025-"] {
        let err = bad.parse::<CollectionYear>().unwrap_err();
        assert!(err.to_string().contains("for example 2025-26"), "{bad}: {err}");
    }
    assert_eq!("2099-00".parse::<CollectionYear>().ok(), None);
}

#[test]
fn collection_year_serde_is_its_display_form() {
    let year: CollectionYear = "2026-27".parse().unwrap();
    assert_eq!(serde_json::to_string(&year).unwrap(), "\"2026-27\"");
    assert_eq!(serde_json::from_str::<CollectionYear>("\"2026/27\"").unwrap(), year);
    assert!(serde_json::from_str::<CollectionYear>("\"2026\"").is_err());
}

// ---------------------------------------------------------------- outside the calendar

#[test]
fn dates_before_2015_are_an_error_not_a_guess() {
    let err = cal().is_working_day(d(2014, 12, 31)).unwrap_err();
    assert_eq!(err, CalendarError::OutsideCalendar { date: d(2014, 12, 31), first: d(2015, 1, 1) });
    let message = err.to_string();
    assert!(message.contains("31 December 2014"), "{message}");
    assert!(message.contains("starts on 1 January 2015"), "{message}");
    assert!(cal().add_working_days(d(2014, 12, 31), 1).is_err());
    assert!(cal().add_working_days(d(2014, 12, 31), 0).is_err());
    assert!(cal().working_days_between(d(2014, 12, 31), d(2015, 1, 5)).is_err());
    assert!(cal().is_working_day(d(2015, 1, 1)).is_ok());
}

// ---------------------------------------------------------------- after the published list

#[test]
fn counting_across_the_end_of_the_published_list() {
    // The list ends on Tuesday 31 December 2030; New Year's Day 2031 is a Wednesday, computed.
    assert!(working(d(2030, 12, 31)));
    assert!(!working(d(2031, 1, 1)));
    assert!(working(d(2031, 1, 2)));
    assert_eq!(cal().holiday_name(d(2031, 1, 1)), Some("New Year's Day"));
    // Monday 30 December 2030: day 1 is Tuesday 31 December, day 2 Thursday 2 January 2031.
    assert_eq!(cal().add_working_days(d(2030, 12, 30), 1).unwrap(), d(2030, 12, 31));
    assert_eq!(cal().add_working_days(d(2030, 12, 30), 2).unwrap(), d(2031, 1, 2));
    assert_eq!(cal().add_working_days(d(2030, 12, 30), 3).unwrap(), d(2031, 1, 3));
    // The day before the due date, the day, the day after.
    assert_eq!(cal().working_days_between(d(2030, 12, 30), d(2031, 1, 1)).unwrap(), 1);
    assert_eq!(cal().working_days_between(d(2030, 12, 30), d(2031, 1, 2)).unwrap(), 2);
    assert_eq!(cal().working_days_between(d(2030, 12, 30), d(2031, 1, 3)).unwrap(), 3);
    // 45 working days from Monday 30 December 2030 (an assessment): 31 December, then 2 and 3
    // January, four full weeks to 31 January (23), four in February to Friday 28 (43), then
    // Monday 3 and Tuesday 4 March 2031.
    assert_eq!(cal().add_working_days(d(2030, 12, 30), 45).unwrap(), d(2031, 3, 4));
}

#[test]
fn a_month_end_and_easter_in_2031_computed() {
    // Friday 28 February 2031 + 1 working day is Monday 3 March.
    assert_eq!(cal().add_working_days(d(2031, 2, 28), 1).unwrap(), d(2031, 3, 3));
    // Easter Sunday 2031 is 13 April: Good Friday 11, Easter Monday 14 April.
    assert!(working(d(2031, 4, 10)));
    assert!(!working(d(2031, 4, 11)));
    assert!(!working(d(2031, 4, 14)));
    assert!(working(d(2031, 4, 15)));
    assert_eq!(cal().add_working_days(d(2031, 4, 10), 1).unwrap(), d(2031, 4, 15));
    assert_eq!(cal().holiday_name(d(2031, 4, 14)), Some("Easter Monday"));
}

#[test]
fn christmas_2032_on_a_saturday_and_2033_on_a_sunday_computed() {
    // 2032: 25 Saturday, 26 Sunday; Monday 27 and Tuesday 28 are the substitutes.
    for day in 25..=28 {
        assert!(!working(d(2032, 12, day)), "{day} December 2032");
    }
    assert!(working(d(2032, 12, 24)));
    assert!(working(d(2032, 12, 29)));
    assert_eq!(cal().holiday_name(d(2032, 12, 27)), Some("Christmas Day (substitute day)"));
    assert_eq!(cal().holiday_name(d(2032, 12, 28)), Some("Boxing Day (substitute day)"));
    assert_eq!(cal().add_working_days(d(2032, 12, 24), 1).unwrap(), d(2032, 12, 29));
    // 2033: 25 Sunday; Boxing Day Monday 26; Christmas substitute Tuesday 27.
    assert!(!working(d(2033, 12, 26)));
    assert!(!working(d(2033, 12, 27)));
    assert!(working(d(2033, 12, 28)));
    assert_eq!(cal().holiday_name(d(2033, 12, 26)), Some("Boxing Day"));
    assert_eq!(cal().holiday_name(d(2033, 12, 27)), Some("Christmas Day (substitute day)"));
}

#[test]
fn new_year_2033_on_a_saturday_and_2034_on_a_sunday_computed() {
    assert!(!working(d(2033, 1, 3)));
    assert_eq!(cal().holiday_name(d(2033, 1, 3)), Some("New Year's Day (substitute day)"));
    // Friday 31 December 2032 + 1 working day is Tuesday 4 January 2033.
    assert_eq!(cal().add_working_days(d(2032, 12, 31), 1).unwrap(), d(2033, 1, 4));
    assert!(!working(d(2034, 1, 2)));
    assert_eq!(cal().holiday_name(d(2034, 1, 2)), Some("New Year's Day (substitute day)"));
    // Friday 30 December 2033 + 1 working day is Tuesday 3 January 2034.
    assert_eq!(cal().add_working_days(d(2033, 12, 30), 1).unwrap(), d(2034, 1, 3));
}

#[test]
fn counting_past_the_table_into_2041_and_beyond() {
    // The table ends on Monday 31 December 2040; 1 January 2041 (a Tuesday) is computed when asked.
    assert_eq!(cal().add_working_days(d(2040, 12, 31), 1).unwrap(), d(2041, 1, 2));
    assert_eq!(cal().working_days_between(d(2040, 12, 31), d(2041, 1, 2)).unwrap(), 1);
    assert!(!working(d(2041, 1, 1)));
    assert_eq!(cal().holiday_name(d(2041, 1, 1)), Some("New Year's Day"));
    // Christmas 2040 is a Tuesday: from Friday 21 December, days 1 to 3 are 24, 27 and 28.
    assert_eq!(cal().add_working_days(d(2040, 12, 21), 3).unwrap(), d(2040, 12, 28));
    // Easter Sunday 2041 is 21 April; Christmas 2041 is a Wednesday.
    assert_eq!(cal().holiday_name(d(2041, 4, 22)), Some("Easter Monday"));
    assert_eq!(cal().add_working_days(d(2041, 12, 24), 1).unwrap(), d(2041, 12, 27));
    let around_new_year: Vec<(NaiveDate, &str)> = cal().holidays_between(d(2040, 12, 24), d(2041, 1, 2)).collect();
    assert_eq!(
        around_new_year,
        vec![(d(2040, 12, 25), "Christmas Day"), (d(2040, 12, 26), "Boxing Day"), (d(2041, 1, 1), "New Year's Day")]
    );
    // 2041 has 261 weekdays and 8 bank holidays; so has 2100 (Christmas on a Saturday).
    assert_eq!(cal().working_days_between(d(2040, 12, 31), d(2041, 12, 31)).unwrap(), 253);
    assert_eq!(cal().working_days_between(d(2099, 12, 31), d(2100, 12, 31)).unwrap(), 253);
    assert!(!working(d(2100, 12, 27)));
    assert!(!working(d(2100, 12, 28)));
    assert!(working(d(2100, 12, 29)));
    assert_eq!(cal().add_working_days(d(2100, 12, 24), 1).unwrap(), d(2100, 12, 29));
}

#[test]
fn the_end_of_representable_dates_is_an_overflow_not_a_panic() {
    let last = NaiveDate::MAX;
    assert!(cal().is_working_day(last).is_ok());
    assert!(cal().working_days_between(d(2015, 1, 1), last).is_ok());
    let err = cal().add_working_days(last, 1).unwrap_err();
    assert!(matches!(err, CalendarError::Overflow { .. }), "{err}");
    assert!(matches!(cal().add_working_days(d(2015, 1, 1), u32::MAX), Err(CalendarError::Overflow { .. })));
    assert_eq!(cal().holidays_between(d(2031, 1, 2), d(2031, 1, 1)).count(), 0);
    assert_eq!(cal().holidays_between(d(2026, 12, 31), d(2026, 1, 1)).count(), 0);
}

// ---------------------------------------------------------------- the rule against the list

#[test]
fn easter_sunday_by_the_computus() {
    for (year, month, day) in [
        (2016, 3, 27),
        (2019, 4, 21),
        (2024, 3, 31),
        (2025, 4, 20),
        (2031, 4, 13),
        (2035, 3, 25),
        (2038, 4, 25),
        (2040, 4, 1),
        (2285, 3, 22), // the earliest date Easter can fall on
        (1943, 4, 25), // the latest
    ] {
        assert_eq!(easter_sunday(year), Some(d(year, month, day)), "{year}");
    }
    assert_eq!(easter_sunday(i32::MAX), None);
    assert_eq!(easter_sunday(i32::MIN), None);
    assert!(bank_holidays_by_rule(i32::MAX).is_empty());
}

/// The published list, read independently of the build script: (date, name) by year.
fn published() -> BTreeMap<i32, Vec<(NaiveDate, String)>> {
    let mut years: BTreeMap<i32, Vec<(NaiveDate, String)>> = BTreeMap::new();
    for line in include_str!("../../data/bank-holidays-england-and-wales.txt").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let date = NaiveDate::parse_from_str(&line[..10], "%Y-%m-%d").unwrap();
        years.entry(date.year()).or_default().push((date, line[15..].to_string()));
    }
    years
}

/// A year's proclaimed one-off days: the year, the rule's days they removed, the days proclaimed.
type OneOff = (i32, &'static [&'static str], &'static [(&'static str, &'static str)]);

#[test]
fn the_rule_reproduces_every_published_year_but_its_proclaimed_one_off_days() {
    // Days proclaimed for one year only, which the rule cannot know and must never invent:
    // they come from the published list. (year, the rule's days the proclamation removed, the
    // days it proclaimed instead.)
    let one_offs: &[OneOff] = &[
        // 2020: the early May bank holiday moved from Monday 4 May to Friday 8 May for the 75th
        // anniversary of VE Day.
        (2020, &["2020-05-04"], &[("2020-05-08", "Early May bank holiday (VE Day)")]),
        // 2022: the spring bank holiday moved from Monday 30 May to Thursday 2 June, with Friday
        // 3 June added for the Platinum Jubilee, and Monday 19 September for the State Funeral
        // of Queen Elizabeth II.
        (
            2022,
            &["2022-05-30"],
            &[
                ("2022-06-02", "Spring bank holiday"),
                ("2022-06-03", "Platinum Jubilee bank holiday"),
                ("2022-09-19", "Bank Holiday for the State Funeral of Queen Elizabeth II"),
            ],
        ),
        // 2023: Monday 8 May added for the coronation of King Charles III.
        (2023, &[], &[("2023-05-08", "Bank holiday for the coronation of King Charles III")]),
    ];
    let published = published();
    assert_eq!(published.keys().copied().collect::<Vec<_>>(), (2015..=2030).collect::<Vec<_>>());
    for (year, listed) in &published {
        let mut expected: Vec<(NaiveDate, String)> =
            bank_holidays_by_rule(*year).into_iter().map(|(date, name)| (date, name.to_string())).collect();
        if let Some((_, removed, added)) = one_offs.iter().find(|(y, _, _)| y == year) {
            expected.retain(|(date, _)| !removed.iter().any(|r| date.to_string() == *r));
            expected.extend(added.iter().map(|(date, name)| (date.parse().unwrap(), name.to_string())));
            expected.sort();
        }
        assert_eq!(&expected, listed, "{year}");
    }
    // And the calendar takes the one-off days from the list, never the rule.
    assert!(working(d(2020, 5, 4)));
    assert!(working(d(2022, 5, 30)));
    assert!(!working(d(2023, 5, 8)));
}

/// Bank holidays for 2031 to 2040 worked out by hand from the rules (date, weekday, name): the
/// Easter dates from published Easter tables, the Mondays and the weekdays of 1 January and 25
/// December from a perpetual calendar.
const COMPUTED_2031_TO_2040: &[(&str, &str, &str)] = &[
    ("2031-01-01", "Wed", "New Year's Day"),
    ("2031-04-11", "Fri", "Good Friday"),
    ("2031-04-14", "Mon", "Easter Monday"),
    ("2031-05-05", "Mon", "Early May bank holiday"),
    ("2031-05-26", "Mon", "Spring bank holiday"),
    ("2031-08-25", "Mon", "Summer bank holiday"),
    ("2031-12-25", "Thu", "Christmas Day"),
    ("2031-12-26", "Fri", "Boxing Day"),
    ("2032-01-01", "Thu", "New Year's Day"),
    ("2032-03-26", "Fri", "Good Friday"),
    ("2032-03-29", "Mon", "Easter Monday"),
    ("2032-05-03", "Mon", "Early May bank holiday"),
    ("2032-05-31", "Mon", "Spring bank holiday"),
    ("2032-08-30", "Mon", "Summer bank holiday"),
    ("2032-12-27", "Mon", "Christmas Day (substitute day)"),
    ("2032-12-28", "Tue", "Boxing Day (substitute day)"),
    ("2033-01-03", "Mon", "New Year's Day (substitute day)"),
    ("2033-04-15", "Fri", "Good Friday"),
    ("2033-04-18", "Mon", "Easter Monday"),
    ("2033-05-02", "Mon", "Early May bank holiday"),
    ("2033-05-30", "Mon", "Spring bank holiday"),
    ("2033-08-29", "Mon", "Summer bank holiday"),
    ("2033-12-26", "Mon", "Boxing Day"),
    ("2033-12-27", "Tue", "Christmas Day (substitute day)"),
    ("2034-01-02", "Mon", "New Year's Day (substitute day)"),
    ("2034-04-07", "Fri", "Good Friday"),
    ("2034-04-10", "Mon", "Easter Monday"),
    ("2034-05-01", "Mon", "Early May bank holiday"),
    ("2034-05-29", "Mon", "Spring bank holiday"),
    ("2034-08-28", "Mon", "Summer bank holiday"),
    ("2034-12-25", "Mon", "Christmas Day"),
    ("2034-12-26", "Tue", "Boxing Day"),
    ("2035-01-01", "Mon", "New Year's Day"),
    ("2035-03-23", "Fri", "Good Friday"),
    ("2035-03-26", "Mon", "Easter Monday"),
    ("2035-05-07", "Mon", "Early May bank holiday"),
    ("2035-05-28", "Mon", "Spring bank holiday"),
    ("2035-08-27", "Mon", "Summer bank holiday"),
    ("2035-12-25", "Tue", "Christmas Day"),
    ("2035-12-26", "Wed", "Boxing Day"),
    ("2036-01-01", "Tue", "New Year's Day"),
    ("2036-04-11", "Fri", "Good Friday"),
    ("2036-04-14", "Mon", "Easter Monday"),
    ("2036-05-05", "Mon", "Early May bank holiday"),
    ("2036-05-26", "Mon", "Spring bank holiday"),
    ("2036-08-25", "Mon", "Summer bank holiday"),
    ("2036-12-25", "Thu", "Christmas Day"),
    ("2036-12-26", "Fri", "Boxing Day"),
    ("2037-01-01", "Thu", "New Year's Day"),
    ("2037-04-03", "Fri", "Good Friday"),
    ("2037-04-06", "Mon", "Easter Monday"),
    ("2037-05-04", "Mon", "Early May bank holiday"),
    ("2037-05-25", "Mon", "Spring bank holiday"),
    ("2037-08-31", "Mon", "Summer bank holiday"),
    ("2037-12-25", "Fri", "Christmas Day"),
    ("2037-12-28", "Mon", "Boxing Day (substitute day)"),
    ("2038-01-01", "Fri", "New Year's Day"),
    ("2038-04-23", "Fri", "Good Friday"),
    ("2038-04-26", "Mon", "Easter Monday"),
    ("2038-05-03", "Mon", "Early May bank holiday"),
    ("2038-05-31", "Mon", "Spring bank holiday"),
    ("2038-08-30", "Mon", "Summer bank holiday"),
    ("2038-12-27", "Mon", "Christmas Day (substitute day)"),
    ("2038-12-28", "Tue", "Boxing Day (substitute day)"),
    ("2039-01-03", "Mon", "New Year's Day (substitute day)"),
    ("2039-04-08", "Fri", "Good Friday"),
    ("2039-04-11", "Mon", "Easter Monday"),
    ("2039-05-02", "Mon", "Early May bank holiday"),
    ("2039-05-30", "Mon", "Spring bank holiday"),
    ("2039-08-29", "Mon", "Summer bank holiday"),
    ("2039-12-26", "Mon", "Boxing Day"),
    ("2039-12-27", "Tue", "Christmas Day (substitute day)"),
    ("2040-01-02", "Mon", "New Year's Day (substitute day)"),
    ("2040-03-30", "Fri", "Good Friday"),
    ("2040-04-02", "Mon", "Easter Monday"),
    ("2040-05-07", "Mon", "Early May bank holiday"),
    ("2040-05-28", "Mon", "Spring bank holiday"),
    ("2040-08-27", "Mon", "Summer bank holiday"),
    ("2040-12-25", "Tue", "Christmas Day"),
    ("2040-12-26", "Wed", "Boxing Day"),
];

fn hand_worked_2031_to_2040() -> Vec<(NaiveDate, &'static str)> {
    COMPUTED_2031_TO_2040
        .iter()
        .map(|(date, weekday, name)| {
            let date: NaiveDate = date.parse().unwrap();
            assert_eq!(date.format("%a").to_string(), *weekday, "the hand table's own weekday for {date}");
            (date, *name)
        })
        .collect()
}

#[test]
fn the_rule_gives_the_hand_worked_years_2031_to_2040() {
    let table = hand_worked_2031_to_2040();
    for year in 2031..=2040 {
        let expected: Vec<(NaiveDate, &str)> = table.iter().filter(|(d, _)| d.year() == year).copied().collect();
        assert_eq!(bank_holidays_by_rule(year), expected, "{year}");
        assert_eq!(cal().holidays_between(d(year, 1, 1), d(year, 12, 31)).collect::<Vec<_>>(), expected, "{year}");
    }
}

// ---------------------------------------------------------------- council closure days

#[test]
fn council_closure_days_are_not_working_days() {
    let local = cal().with_closure_days([(d(2026, 12, 24), "Council closure".to_string())]).unwrap();
    assert!(!local.is_working_day(d(2026, 12, 24)).unwrap());
    assert_eq!(local.add_working_days(d(2026, 12, 23), 1).unwrap(), d(2026, 12, 29));
    assert!(cal().is_working_day(d(2026, 12, 24)).unwrap(), "the national calendar is unchanged");
    assert!(cal().with_closure_days([(d(2026, 12, 26), "x".into())]).is_err());
    assert!(cal().with_closure_days([(d(2026, 12, 25), "x".into())]).is_err());
    // Closure days can be added in computed years within the table, not after it.
    let later = cal().with_closure_days([(d(2031, 1, 6), "Council closure".to_string())]).unwrap();
    assert!(!later.is_working_day(d(2031, 1, 6)).unwrap());
    assert_eq!(later.coverage(), cal().coverage());
    assert!(later.is_working_day(d(2041, 1, 7)).unwrap());
    assert!(!later.is_working_day(d(2041, 1, 1)).unwrap());
    assert!(cal().with_closure_days([(d(2041, 1, 7), "x".into())]).is_err());
    assert!(cal().with_closure_days([(d(2014, 12, 31), "x".into())]).is_err());
}

// ---------------------------------------------------------------- against an independent oracle

/// Reads the bank holiday file independently of the build script, adds the hand-worked years
/// 2031 to 2040, and counts day by day.
fn oracle_holidays() -> BTreeSet<NaiveDate> {
    include_str!("../../data/bank-holidays-england-and-wales.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| NaiveDate::parse_from_str(&l[..10], "%Y-%m-%d").unwrap())
        .chain(hand_worked_2031_to_2040().into_iter().map(|(date, _)| date))
        .collect()
}

/// The last day the oracle knows the bank holidays of.
const ORACLE_LAST: (i32, u32, u32) = (2040, 12, 31);

fn oracle_last() -> NaiveDate {
    d(ORACLE_LAST.0, ORACLE_LAST.1, ORACLE_LAST.2)
}

fn oracle_is_working(holidays: &BTreeSet<NaiveDate>, date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&date)
}

fn oracle_add(holidays: &BTreeSet<NaiveDate>, mut date: NaiveDate, n: u32) -> NaiveDate {
    let mut left = n;
    while left > 0 {
        date = date.succ_opt().unwrap();
        if oracle_is_working(holidays, date) {
            left -= 1;
        }
    }
    date
}

#[test]
fn every_day_agrees_with_the_oracle() {
    let holidays = oracle_holidays();
    assert_eq!(holidays.len(), 131 + 80);
    for date in d(2015, 1, 1).iter_days().take_while(|x| *x <= oracle_last()) {
        assert_eq!(working(date), oracle_is_working(&holidays, date), "{date}");
    }
}

fn date_in_calendar() -> impl Strategy<Value = NaiveDate> {
    (0i64..(26 * 365 + 6)).prop_map(|offset| d(2015, 1, 1) + chrono::Duration::days(offset))
}

/// Any date from 2015 to 2215, mostly after the table.
fn any_later_date() -> impl Strategy<Value = NaiveDate> {
    (0i64..(200 * 365)).prop_map(|offset| d(2015, 1, 1) + chrono::Duration::days(offset))
}

proptest! {
    #[test]
    fn add_then_count_gives_back_n(date in date_in_calendar(), n in 0u32..400) {
        // Never an error after the published list.
        let due = cal().add_working_days(date, n).unwrap();
        prop_assert_eq!(cal().working_days_between(date, due).unwrap(), i64::from(n));
        if n > 0 {
            prop_assert!(cal().is_working_day(due).unwrap());
            prop_assert!(due > date);
            // The day after the due date is past the limit.
            let next = due.succ_opt().unwrap();
            prop_assert_eq!(cal().working_days_between(date, next).unwrap(), i64::from(n) + i64::from(cal().is_working_day(next).unwrap()));
        }
        let oracle = oracle_add(&oracle_holidays(), date, n);
        if oracle <= oracle_last() {
            prop_assert_eq!(due, oracle);
        } else {
            prop_assert!(due > oracle_last());
        }
    }

    #[test]
    fn after_the_table_counting_agrees_with_day_by_day(date in any_later_date(), n in 0u32..300) {
        let due = cal().add_working_days(date, n).unwrap();
        prop_assert_eq!(cal().working_days_between(date, due).unwrap(), i64::from(n));
        // Walk day by day: the oracle's holidays to 2040, the rule's after.
        let known = oracle_holidays();
        let mut walked = date;
        let mut left = n;
        while left > 0 {
            walked = walked.succ_opt().unwrap();
            let holiday = if walked <= oracle_last() {
                known.contains(&walked)
            } else {
                bank_holidays_by_rule(walked.year()).iter().any(|(h, _)| *h == walked)
            };
            if !matches!(walked.weekday(), Weekday::Sat | Weekday::Sun) && !holiday {
                left -= 1;
            }
        }
        prop_assert_eq!(due, walked);
    }

    #[test]
    fn between_is_antisymmetric(a in date_in_calendar(), b in date_in_calendar()) {
        prop_assert_eq!(
            cal().working_days_between(a, b).unwrap(),
            -cal().working_days_between(b, a).unwrap()
        );
    }

    #[test]
    fn add_months_never_lands_past_the_month(date in date_in_calendar(), months in 0i32..120) {
        let result = add_months(date, months).unwrap();
        let expected_month0 = (date.year() * 12 + date.month0() as i32) + months;
        prop_assert_eq!(result.year() * 12 + result.month0() as i32, expected_month0);
        prop_assert!(result.day() <= date.day());
    }

    #[test]
    fn age_is_whole_years_completed(dob in date_in_calendar(), days in 0i64..10_000) {
        let on = dob + chrono::Duration::days(days);
        let age = age_on(dob, on).unwrap();
        prop_assert!(date_attaining_age(dob, age).unwrap() <= on);
        prop_assert!(date_attaining_age(dob, age + 1).unwrap() > on);
    }
}
