//! Arbitrary-precision decimal numbers, as Terraform's `number` type needs.
//!
//! Terraform (cty) numbers are big floats: they arrive on the wire as msgpack
//! integers, float64s, or decimal strings for values that fit neither (e.g.
//! `"18446744073709551615"` or `"0.8"`). [`Number`] keeps them as a normalized
//! decimal `± digits × 10^exponent`, so that equality and ordering are numeric
//! (`1 == 1.0 == 10e-1`) and no precision is lost.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// Largest decimal exponent accepted when parsing. Numbers beyond it would need
/// an absurd number of digits to print and do not occur in practice.
const MAX_EXPONENT: i64 = 100_000;

/// An arbitrary-precision decimal number, or ±infinity (cty numbers may be
/// infinite; NaN is not a number Terraform knows).
///
/// Equality, hashing and ordering are numeric: `Number::from(1) ==
/// "1.0".parse().unwrap()`. [`Display`](fmt::Display) prints a plain decimal
/// without exponent (`"0.8"`, `"18446744073709551615"`, `"-1.5"`) and `"+Inf"` /
/// `"-Inf"` for infinities.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Number(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    NegInf,
    /// `(-1)^negative × digits × 10^exponent`. Normalized: `digits` holds decimal
    /// digits (0..=9, most significant first) with no leading or trailing zero;
    /// zero is the empty digit list with `negative == false` and `exponent == 0`.
    Finite {
        negative: bool,
        digits: Vec<u8>,
        exponent: i64,
    },
    PosInf,
}

/// Why a string is not a [`Number`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseNumberError(String);

impl fmt::Display for ParseNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseNumberError {}

impl Number {
    /// Zero.
    pub fn zero() -> Self {
        Number(Repr::Finite {
            negative: false,
            digits: Vec::new(),
            exponent: 0,
        })
    }

    /// Positive infinity.
    pub fn infinity() -> Self {
        Number(Repr::PosInf)
    }

    /// Negative infinity.
    pub fn neg_infinity() -> Self {
        Number(Repr::NegInf)
    }

    /// The number `i`.
    pub fn from_i64(i: i64) -> Self {
        Self::from_integer(i < 0, i.unsigned_abs())
    }

    /// The number `u`.
    pub fn from_u64(u: u64) -> Self {
        Self::from_integer(false, u)
    }

    fn from_integer(negative: bool, magnitude: u64) -> Self {
        let digits: Vec<u8> = if magnitude == 0 {
            Vec::new()
        } else {
            magnitude.to_string().bytes().map(|b| b - b'0').collect()
        };
        Self::normalized(negative, digits, 0)
    }

    /// The exact value of the float `f` (every finite f64 is a finite decimal:
    /// `0.1` gives `0.1000000000000000055511151231257827021181583404541015625`,
    /// exactly what cty holds after decoding a msgpack float64). Infinities map
    /// to infinities; NaN gives `None`.
    pub fn from_f64(f: f64) -> Option<Self> {
        if f.is_nan() {
            return None;
        }
        if f.is_infinite() {
            return Some(if f > 0.0 {
                Self::infinity()
            } else {
                Self::neg_infinity()
            });
        }
        // Rust prints floats with an explicit precision exactly; 1074 fractional
        // digits is the most a (subnormal) f64 needs.
        let exact = format!("{f:.1074}");
        exact.parse().ok()
    }

    /// The shortest decimal that reads back as `f` (`0.1` gives `0.1`), as a
    /// user would write it. Infinities map to infinities; NaN gives `None`.
    pub fn from_f64_shortest(f: f64) -> Option<Self> {
        if f.is_nan() {
            return None;
        }
        if f.is_infinite() {
            return Self::from_f64(f);
        }
        format!("{f:e}").parse().ok()
    }

    fn normalized(negative: bool, mut digits: Vec<u8>, mut exponent: i64) -> Self {
        let lead = digits.iter().take_while(|d| **d == 0).count();
        digits.drain(..lead);
        while digits.last() == Some(&0) {
            digits.pop();
            exponent += 1;
        }
        if digits.is_empty() {
            return Self::zero();
        }
        Number(Repr::Finite {
            negative,
            digits,
            exponent,
        })
    }

    /// True for ±infinity.
    pub fn is_infinite(&self) -> bool {
        !matches!(self.0, Repr::Finite { .. })
    }

    /// True when the number is finite and has no fractional part.
    pub fn is_integer(&self) -> bool {
        matches!(self.0, Repr::Finite { exponent, .. } if exponent >= 0)
    }

    /// True when the number is below zero (including -infinity).
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::NegInf => true,
            Repr::PosInf => false,
            Repr::Finite { negative, .. } => *negative,
        }
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        matches!(&self.0, Repr::Finite { digits, .. } if digits.is_empty())
    }

    /// The magnitude as an integer, if the number is an integer that fits in u64.
    fn integer_magnitude(&self) -> Option<(bool, u64)> {
        let Repr::Finite {
            negative,
            digits,
            exponent,
        } = &self.0
        else {
            return None;
        };
        if *exponent < 0 {
            return None;
        }
        if digits.len() as i64 + exponent > 20 {
            return None;
        }
        let mut acc: u64 = 0;
        for d in digits {
            acc = acc.checked_mul(10)?.checked_add(u64::from(*d))?;
        }
        for _ in 0..*exponent {
            acc = acc.checked_mul(10)?;
        }
        Some((*negative, acc))
    }

    /// The value as an i64, if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        let (negative, magnitude) = self.integer_magnitude()?;
        if negative {
            if magnitude <= i64::MAX as u64 + 1 {
                Some((magnitude as i128).wrapping_neg() as i64)
            } else {
                None
            }
        } else {
            i64::try_from(magnitude).ok()
        }
    }

    /// The value as a u64, if it is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        match self.integer_magnitude()? {
            (false, m) => Some(m),
            (true, _) => None,
        }
    }

    /// The nearest f64 (correctly rounded; ±infinity when out of range).
    pub fn as_f64(&self) -> f64 {
        match &self.0 {
            Repr::NegInf => f64::NEG_INFINITY,
            Repr::PosInf => f64::INFINITY,
            Repr::Finite { digits, .. } if digits.is_empty() => 0.0,
            Repr::Finite {
                negative,
                digits,
                exponent,
            } => {
                let mut s = String::with_capacity(digits.len() + 24);
                if *negative {
                    s.push('-');
                }
                s.extend(digits.iter().map(|d| char::from(b'0' + d)));
                s.push('e');
                s.push_str(&exponent.to_string());
                s.parse().unwrap_or(if *negative {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                })
            }
        }
    }

    /// The f64 whose exact value is this number, if there is one (`1.5` yes,
    /// `0.8` no). This decides whether msgpack carries the number as a float64
    /// or as a string, as cty does.
    pub fn as_exact_f64(&self) -> Option<f64> {
        let f = self.as_f64();
        match Number::from_f64(f) {
            Some(n) if n == *self => Some(f),
            _ => None,
        }
    }
}

impl FromStr for Number {
    type Err = ParseNumberError;

    /// Parses a decimal (`-12`, `0.8`, `1.5e10`, `1E-3`, `+7`) or an infinity
    /// (`Inf`, `+Inf`, `-Inf`, `Infinity`, case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseNumberError(format!("{s:?} is not a valid number"));
        let (negative, rest) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        if rest.eq_ignore_ascii_case("inf") || rest.eq_ignore_ascii_case("infinity") {
            return Ok(if negative {
                Self::neg_infinity()
            } else {
                Self::infinity()
            });
        }
        let (mantissa, exp_part) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let (int_part, frac_part) = match mantissa.find('.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(bad());
        }
        if !int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let mut exponent: i64 = 0;
        if let Some(e) = exp_part {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            // Anything longer than this is out of range anyway.
            if digits.trim_start_matches('0').len() > 12 {
                return Err(ParseNumberError(format!("{s:?}: exponent out of range")));
            }
            exponent = e.parse().map_err(|_| bad())?;
        }
        let frac_len = i64::try_from(frac_part.len()).map_err(|_| bad())?;
        exponent -= frac_len;
        let digits: Vec<u8> = int_part
            .bytes()
            .chain(frac_part.bytes())
            .map(|b| b - b'0')
            .collect();
        let n = Self::normalized(negative, digits, exponent);
        if let Repr::Finite {
            digits, exponent, ..
        } = &n.0
        {
            let magnitude = exponent + digits.len() as i64;
            if !digits.is_empty() && !(-MAX_EXPONENT..=MAX_EXPONENT).contains(&magnitude) {
                return Err(ParseNumberError(format!("{s:?}: exponent out of range")));
            }
        }
        Ok(n)
    }
}

impl fmt::Display for Number {
    /// A plain decimal with no exponent, like Go's `big.Float.Text('f', -1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::NegInf => f.write_str("-Inf"),
            Repr::PosInf => f.write_str("+Inf"),
            Repr::Finite { digits, .. } if digits.is_empty() => f.write_str("0"),
            Repr::Finite {
                negative,
                digits,
                exponent,
            } => {
                let mut s = String::new();
                if *negative {
                    s.push('-');
                }
                let ds: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
                if *exponent >= 0 {
                    s.push_str(&ds);
                    s.extend(std::iter::repeat_n('0', *exponent as usize));
                } else {
                    let frac = exponent.unsigned_abs() as usize;
                    if frac >= ds.len() {
                        s.push_str("0.");
                        s.extend(std::iter::repeat_n('0', frac - ds.len()));
                        s.push_str(&ds);
                    } else {
                        let (i, fr) = ds.split_at(ds.len() - frac);
                        s.push_str(i);
                        s.push('.');
                        s.push_str(fr);
                    }
                }
                f.write_str(&s)
            }
        }
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({self})")
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        use Repr::*;
        match (&self.0, &other.0) {
            (NegInf, NegInf) | (PosInf, PosInf) => Ordering::Equal,
            (NegInf, _) | (_, PosInf) => Ordering::Less,
            (_, NegInf) | (PosInf, _) => Ordering::Greater,
            (
                Finite {
                    negative: na,
                    digits: da,
                    exponent: ea,
                },
                Finite {
                    negative: nb,
                    digits: db,
                    exponent: eb,
                },
            ) => {
                let sign = |neg: bool, d: &Vec<u8>| -> i8 {
                    if d.is_empty() {
                        0
                    } else if neg {
                        -1
                    } else {
                        1
                    }
                };
                let (sa, sb) = (sign(*na, da), sign(*nb, db));
                if sa != sb || sa == 0 {
                    return sa.cmp(&sb);
                }
                // Same sign, both non-zero: compare magnitudes by the position of
                // the leading digit, then digit by digit (no trailing zeros, so
                // the lexicographic order of the digit lists is the right one).
                let ma = ea + da.len() as i64;
                let mb = eb + db.len() as i64;
                let magnitude = ma.cmp(&mb).then_with(|| da.cmp(db));
                if sa < 0 {
                    magnitude.reverse()
                } else {
                    magnitude
                }
            }
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Default for Number {
    fn default() -> Self {
        Self::zero()
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Self {
        Self::from_i64(i)
    }
}

impl From<i32> for Number {
    fn from(i: i32) -> Self {
        Self::from_i64(i64::from(i))
    }
}

impl From<u64> for Number {
    fn from(u: u64) -> Self {
        Self::from_u64(u)
    }
}

impl From<u32> for Number {
    fn from(u: u32) -> Self {
        Self::from_u64(u64::from(u))
    }
}

impl TryFrom<f64> for Number {
    type Error = ParseNumberError;

    /// Exact conversion (see [`Number::from_f64`]); NaN is an error.
    fn try_from(f: f64) -> Result<Self, Self::Error> {
        Self::from_f64(f).ok_or_else(|| ParseNumberError("NaN is not a number".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        s.parse().unwrap()
    }

    #[test]
    fn parse_and_display() {
        for (input, shown) in [
            ("0", "0"),
            ("-0", "0"),
            ("0.0", "0"),
            ("1", "1"),
            ("1.0", "1"),
            ("10", "10"),
            ("1e3", "1000"),
            ("1.5E-3", "0.0015"),
            ("-12.340", "-12.34"),
            ("0.8", "0.8"),
            (".5", "0.5"),
            ("5.", "5"),
            ("+7", "7"),
            ("18446744073709551615", "18446744073709551615"),
            ("inf", "+Inf"),
            ("-Infinity", "-Inf"),
        ] {
            assert_eq!(n(input).to_string(), shown, "{input}");
        }
        for bad in [
            "", "-", ".", "e5", "1e", "1.2.3", "abc", "1e+", "0x10", " 1", "NaN",
        ] {
            assert!(bad.parse::<Number>().is_err(), "{bad:?}");
        }
        assert!("1e99999999999999999".parse::<Number>().is_err());
    }

    #[test]
    fn numeric_equality_and_order() {
        assert_eq!(n("1"), n("1.0"));
        assert_eq!(n("1"), n("10e-1"));
        assert_eq!(Number::from(1), n("1.000"));
        let sorted = [
            "-Inf",
            "-1e10",
            "-2",
            "-1.5",
            "-1",
            "-0.001",
            "0",
            "0.0001",
            "0.8",
            "1",
            "1.01",
            "1.1",
            "9",
            "10",
            "18446744073709551615",
            "1e30",
            "Inf",
        ];
        for w in sorted.windows(2) {
            assert!(n(w[0]) < n(w[1]), "{} < {}", w[0], w[1]);
            assert!(n(w[1]) > n(w[0]));
        }
    }

    #[test]
    fn integer_conversions() {
        assert_eq!(n("42").as_i64(), Some(42));
        assert_eq!(n("4.2e1").as_i64(), Some(42));
        assert_eq!(n("4.25").as_i64(), None);
        assert_eq!(Number::from_i64(i64::MIN).as_i64(), Some(i64::MIN));
        assert_eq!(Number::from_i64(i64::MAX).as_i64(), Some(i64::MAX));
        assert_eq!(n("9223372036854775808").as_i64(), None);
        assert_eq!(n("9223372036854775808").as_u64(), Some(1 << 63));
        assert_eq!(n("18446744073709551615").as_u64(), Some(u64::MAX));
        assert_eq!(n("18446744073709551616").as_u64(), None);
        assert_eq!(n("-1").as_u64(), None);
        assert_eq!(n("1e30").as_i64(), None);
        assert_eq!(Number::infinity().as_i64(), None);
    }

    #[test]
    fn float_conversions() {
        assert_eq!(Number::from_f64(1.5).unwrap(), n("1.5"));
        assert_eq!(
            Number::from_f64(0.1).unwrap().to_string(),
            "0.1000000000000000055511151231257827021181583404541015625"
        );
        assert_eq!(Number::from_f64_shortest(0.1).unwrap(), n("0.1"));
        assert_eq!(n("0.8").as_f64(), 0.8);
        assert_eq!(n("0.8").as_exact_f64(), None);
        assert_eq!(n("1.5").as_exact_f64(), Some(1.5));
        assert_eq!(n("1e400").as_f64(), f64::INFINITY);
        assert!(Number::from_f64(f64::NAN).is_none());
        assert_eq!(Number::from_f64(f64::INFINITY), Some(Number::infinity()));
        assert_eq!(Number::from_f64(-0.0), Some(Number::zero()));
        let tiny = f64::from_bits(1);
        assert_eq!(Number::from_f64(tiny).unwrap().as_f64(), tiny);
        assert_eq!(
            Number::from_f64(f64::MAX).unwrap().as_exact_f64(),
            Some(f64::MAX)
        );
    }
}
