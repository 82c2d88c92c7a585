//! A Windows machine's time zone as its SYSTEM hive keeps it
//! (`ControlSet00N\Control\TimeZoneInformation`): the bias from UTC and the yearly daylight-saving
//! rule. Task XML dates, `.job` times and the TaskCache `Date` are clock readings without a zone;
//! with this rule they become UTC instants, as the machine itself would have read them.
//!
//! Rule (TIME_ZONE_INFORMATION): UTC = local + `Bias` + (`DaylightBias` in daylight time, else
//! `StandardBias`), in minutes. `StandardStart` and `DaylightStart` are SYSTEMTIMEs; with year 0
//! they mean "the Nth (5 = last) given weekday of the month, at that local time". A month of 0
//! means the zone has no daylight saving time.

use jiff::civil::{Date, DateTime, Weekday};

/// One yearly transition: the `occurrence`-th `weekday` of `month` at `hour:minute` (local).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// 1–12.
    pub month: u8,
    /// 0 = Sunday … 6 = Saturday.
    pub weekday: u8,
    /// 1–4, or 5 for the last one in the month.
    pub occurrence: u8,
    /// Hour of the day (local clock).
    pub hour: u8,
    /// Minute.
    pub minute: u8,
}

impl Transition {
    /// Reads a 16-byte SYSTEMTIME in its "yearly rule" form. `None` for month 0 (no DST) or
    /// values out of range.
    pub fn from_systemtime(b: &[u8]) -> Option<Transition> {
        if b.len() < 16 {
            return None;
        }
        let w = |i: usize| u16::from_le_bytes([b[2 * i], b[2 * i + 1]]);
        let t = Transition {
            month: u8::try_from(w(1)).ok()?,
            weekday: u8::try_from(w(2)).ok()?,
            occurrence: u8::try_from(w(3)).ok()?,
            hour: u8::try_from(w(4)).ok()?,
            minute: u8::try_from(w(5)).ok()?,
        };
        let valid = (1..=12).contains(&t.month)
            && t.weekday <= 6
            && (1..=5).contains(&t.occurrence)
            && t.hour <= 23
            && t.minute <= 59;
        valid.then_some(t)
    }

    /// The local date-time of this transition in `year`.
    pub fn in_year(&self, year: i16) -> Option<DateTime> {
        let first = Date::new(year, self.month as i8, 1).ok()?;
        let want = match self.weekday {
            0 => Weekday::Sunday,
            1 => Weekday::Monday,
            2 => Weekday::Tuesday,
            3 => Weekday::Wednesday,
            4 => Weekday::Thursday,
            5 => Weekday::Friday,
            _ => Weekday::Saturday,
        };
        let mut day = first.nth_weekday_of_month(1, want).ok()?;
        for _ in 1..self.occurrence {
            match day.checked_add(jiff::Span::new().days(7)) {
                Ok(next) if next.month() == self.month as i8 => day = next,
                _ => break, // "5" means the last one
            }
        }
        day.at(self.hour as i8, self.minute as i8, 0, 0).into()
    }
}

/// The zone rule of a Windows machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowsZone {
    /// `TimeZoneKeyName` (`W. Europe Standard Time`), or `StandardName` when absent.
    pub name: String,
    /// Minutes to add to local standard time to get UTC (300 for US Eastern).
    pub bias: i32,
    /// Added to `bias` outside daylight time (usually 0).
    pub standard_bias: i32,
    /// Added to `bias` in daylight time (usually -60).
    pub daylight_bias: i32,
    /// When daylight time ends (local daylight clock), if the zone has DST.
    pub standard_start: Option<Transition>,
    /// When daylight time begins (local standard clock), if the zone has DST.
    pub daylight_start: Option<Transition>,
}

impl WindowsZone {
    /// Minutes to add to the local clock reading `local` to get UTC.
    pub fn bias_at(&self, local: DateTime) -> i32 {
        let (Some(std), Some(dst)) = (self.standard_start, self.daylight_start) else {
            return self.bias + self.standard_bias;
        };
        let (Some(ends), Some(begins)) = (std.in_year(local.year()), dst.in_year(local.year()))
        else {
            return self.bias + self.standard_bias;
        };
        // Northern hemisphere: daylight between its start and its end in the same year;
        // southern: daylight across the new year. A reading in the repeated hour at the end is
        // taken as daylight time (the earlier of the two instants).
        let daylight = if begins < ends {
            local >= begins && local < ends
        } else {
            local >= begins || local < ends
        };
        self.bias
            + if daylight {
                self.daylight_bias
            } else {
                self.standard_bias
            }
    }

    /// True when every bias lies within a day (real zones do; anything else is damage, and the
    /// arithmetic stays far from overflow).
    pub fn plausible(&self) -> bool {
        [self.bias, self.standard_bias, self.daylight_bias]
            .iter()
            .all(|m| (-1440..=1440).contains(m))
    }

    /// `UTC-05:00` style offset of the local clock at `local`.
    pub fn offset_text(&self, local: DateTime) -> String {
        crate::time::offset_text(-60 * self.bias_at(local))
    }
}

/// A zone's per-year rules (`Time Zones\<zone>\Dynamic DST` in the SOFTWARE hive: `FirstEntry`,
/// `LastEntry` and one REG_TZI_FORMAT value per year), for readings from years whose rule
/// differed from today's (the US moved its daylight saving dates in 2007).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DynamicDst {
    /// Year → that year's rule.
    pub years: std::collections::BTreeMap<i16, WindowsZone>,
}

impl DynamicDst {
    /// The rule for `year`: its own entry, or the first entry's before it and the last entry's
    /// after it (as Windows applies them).
    pub fn rule_for(&self, year: i16) -> Option<&WindowsZone> {
        self.years
            .range(..=year)
            .next_back()
            .or_else(|| self.years.iter().next())
            .map(|(_, z)| z)
    }
}

/// Reads a 44-byte REG_TZI_FORMAT (`Bias`, `StandardBias`, `DaylightBias`, `StandardDate`,
/// `DaylightDate`), the form of the `TZI` and per-year Dynamic DST values.
pub fn from_tzi(name: &str, b: &[u8]) -> Option<WindowsZone> {
    if b.len() < 44 {
        return None;
    }
    let i = |o: usize| i32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
    let z = WindowsZone {
        name: name.to_string(),
        bias: i(0),
        standard_bias: i(4),
        daylight_bias: i(8),
        standard_start: Transition::from_systemtime(&b[12..28]),
        daylight_start: Transition::from_systemtime(&b[28..44]),
    };
    z.plausible().then_some(z)
}

/// The signed value of a REG_DWORD bias (stored as two's complement).
pub fn signed(dword: u32) -> i32 {
    dword as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn systemtime(month: u16, weekday: u16, occurrence: u16, hour: u16) -> Vec<u8> {
        [0, month, weekday, occurrence, hour, 0, 0, 0]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect()
    }

    fn eastern() -> WindowsZone {
        WindowsZone {
            name: "Eastern Standard Time".into(),
            bias: 300,
            standard_bias: 0,
            daylight_bias: -60,
            // First Sunday of November at 02:00; second Sunday of March at 02:00.
            standard_start: Transition::from_systemtime(&systemtime(11, 0, 1, 2)),
            daylight_start: Transition::from_systemtime(&systemtime(3, 0, 2, 2)),
        }
    }

    fn dt(s: &str) -> DateTime {
        s.parse().unwrap()
    }

    #[test]
    fn us_eastern_rule() {
        let z = eastern();
        assert_eq!(
            z.daylight_start.unwrap().in_year(2023),
            Some(dt("2023-03-12T02:00"))
        );
        assert_eq!(
            z.standard_start.unwrap().in_year(2023),
            Some(dt("2023-11-05T02:00"))
        );
        assert_eq!(z.bias_at(dt("2023-01-15T08:00")), 300);
        assert_eq!(z.bias_at(dt("2023-07-04T09:30")), 240);
        assert_eq!(z.bias_at(dt("2023-03-12T01:59:59")), 300);
        assert_eq!(z.bias_at(dt("2023-03-12T03:00")), 240);
        assert_eq!(
            z.bias_at(dt("2023-11-05T01:30")),
            240,
            "repeated hour: daylight"
        );
        assert_eq!(z.bias_at(dt("2023-11-05T02:00")), 300);
        assert_eq!(z.offset_text(dt("2023-07-04T09:30")), "UTC-04:00");
        assert!(z.plausible());
        let broken = WindowsZone {
            bias: signed(0x7fff_ffff),
            ..eastern()
        };
        assert!(!broken.plausible());
    }

    fn tzi(bias: i32, std: &[u8], dst: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        for v in [bias, 0, -60] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(std);
        b.extend_from_slice(dst);
        b
    }

    #[test]
    fn dynamic_dst_picks_the_rule_of_the_reading_year() {
        // US rules: until 2006 the last Sunday of October / first Sunday of April; from 2007 the
        // first Sunday of November / second Sunday of March.
        let old = from_tzi(
            "Eastern Standard Time",
            &tzi(300, &systemtime(10, 0, 5, 2), &systemtime(4, 0, 1, 2)),
        )
        .unwrap();
        let new = from_tzi(
            "Eastern Standard Time",
            &tzi(300, &systemtime(11, 0, 1, 2), &systemtime(3, 0, 2, 2)),
        )
        .unwrap();
        let d = DynamicDst {
            years: [(2006, old.clone()), (2007, new.clone())].into(),
        };
        assert_eq!(d.rule_for(2006), Some(&old));
        assert_eq!(d.rule_for(1999), Some(&old), "before the first entry");
        assert_eq!(d.rule_for(2023), Some(&new), "after the last entry");
        // 2006-10-30 was standard time under that year's rule, daylight time under today's.
        assert_eq!(old.bias_at(dt("2006-10-30T12:00")), 300);
        assert_eq!(new.bias_at(dt("2006-10-30T12:00")), 240);
        assert_eq!(from_tzi("x", &[0; 43]), None);
    }

    #[test]
    fn last_weekday_southern_hemisphere_and_no_dst() {
        // Australia (Sydney): bias -600; daylight from the first Sunday of October, standard
        // from the first Sunday of April, both at 02:00/03:00.
        let z = WindowsZone {
            name: "AUS Eastern Standard Time".into(),
            bias: -600,
            standard_bias: 0,
            daylight_bias: -60,
            standard_start: Transition::from_systemtime(&systemtime(4, 0, 1, 3)),
            daylight_start: Transition::from_systemtime(&systemtime(10, 0, 1, 2)),
        };
        assert_eq!(z.bias_at(dt("2023-01-10T12:00")), -660);
        assert_eq!(z.bias_at(dt("2023-06-10T12:00")), -600);
        assert_eq!(z.offset_text(dt("2023-01-10T12:00")), "UTC+11:00");
        // "Last Sunday of October" (occurrence 5) in 2023 is the 29th.
        let last = Transition::from_systemtime(&systemtime(10, 0, 5, 3)).unwrap();
        assert_eq!(last.in_year(2023), Some(dt("2023-10-29T03:00")));
        // Month 0: no daylight saving time.
        assert_eq!(Transition::from_systemtime(&systemtime(0, 0, 0, 0)), None);
        let india = WindowsZone {
            name: "India Standard Time".into(),
            bias: -330,
            standard_bias: 0,
            daylight_bias: -60,
            standard_start: None,
            daylight_start: None,
        };
        assert_eq!(india.bias_at(dt("2023-07-04T09:30")), -330);
        assert_eq!(india.offset_text(dt("2023-07-04T09:30")), "UTC+05:30");
        assert_eq!(signed(0xFFFF_FDA8), -600);
    }
}
