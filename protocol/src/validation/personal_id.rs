//! The 12-digit personal ID number (số định danh cá nhân): what makes one possible, and
//! what it tells (province of birth registration, century, sex, birth year).

use super::ValidationContext;
use crate::admin_units;

/// Why a personal ID number is not a possible one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonalIdProblem {
    /// Not exactly 12 digits long.
    WrongLength,
    /// Contains something other than the digits 0–9.
    NotDigits,
    /// Digits 1–3 are not one of the 63 province codes of birth registration.
    UnknownProvince,
    /// Digit 4 gives a century that has not begun yet.
    ImpossibleCentury,
    /// Digits 4–6 give a birth year after the current year.
    BirthYearInFuture,
}

impl PersonalIdProblem {
    /// Stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            PersonalIdProblem::WrongLength => "personal_id_bad_length",
            PersonalIdProblem::NotDigits => "personal_id_not_digits",
            PersonalIdProblem::UnknownProvince => "personal_id_bad_province",
            PersonalIdProblem::ImpossibleCentury => "personal_id_bad_century",
            PersonalIdProblem::BirthYearInFuture => "personal_id_birth_year_in_future",
        }
    }
}

/// Sex as coded in digit 4 of a personal ID number (even: male, odd: female).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

/// What a valid 12-digit personal ID number tells.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonalId {
    /// Digits 1–3: province of birth registration (one of the 63 pre-2025 codes, e.g. `046`);
    /// not the person's current province.
    pub province_code: String,
    /// From digit 4.
    pub sex: Sex,
    /// Full year of birth: the century from digit 4 (0/1 1900s, 2/3 2000s, 4/5 2100s, 6/7
    /// 2200s, 8/9 2300s) plus digits 5–6.
    pub birth_year: i32,
}

impl PersonalId {
    /// The name of the province of birth registration.
    pub fn province_name(&self) -> Option<&'static str> {
        admin_units::id_province(&self.province_code)
    }
}

/// Checks a 12-digit personal ID number (số định danh cá nhân): exactly 12 ASCII digits
/// (surrounding whitespace ignored); digits 1–3 a province code of birth registration
/// (`data/admin-units/id-province-codes.json`); digit 4 century and sex, the century not after
/// `ctx`'s year; digits 5–6 the birth year, not after `ctx`'s year.
///
/// Numbers of citizens whose birth was registered abroad carry a country code in digits 1–3;
/// those codes are not in the data yet, so such numbers are refused as `UnknownProvince`.
pub fn check_personal_id(
    id: &str,
    ctx: &ValidationContext,
) -> Result<PersonalId, PersonalIdProblem> {
    let id = id.trim();
    if !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PersonalIdProblem::NotDigits);
    }
    let digits = id.as_bytes();
    if digits.len() != 12 {
        return Err(PersonalIdProblem::WrongLength);
    }
    let province_code = &id[..3];
    if admin_units::id_province(province_code).is_none() {
        return Err(PersonalIdProblem::UnknownProvince);
    }
    let digit = |i: usize| i32::from(digits[i] - b'0');
    let century_start = 1900 + 100 * (digit(3) / 2);
    if century_start > ctx.today.0 {
        return Err(PersonalIdProblem::ImpossibleCentury);
    }
    let birth_year = century_start + digit(4) * 10 + digit(5);
    if birth_year > ctx.today.0 {
        return Err(PersonalIdProblem::BirthYearInFuture);
    }
    Ok(PersonalId {
        province_code: province_code.to_owned(),
        sex: if digit(3) % 2 == 0 {
            Sex::Male
        } else {
            Sex::Female
        },
        birth_year,
    })
}
