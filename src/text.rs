//! Settings that are words in files and on the command line (`l1`,
//! `proximal`, `tanh`, `fill-mean`): one macro gives each such enum its
//! names, its parsing and its serde form, so that the three always agree.
//! And sizes in bytes said in words, for the messages of every layer.

/// A value given as text could not be understood (`"tanhh"` for an activation).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: expected one of {expected}, found '{found}'")]
pub struct ParseEnumError {
    pub what: &'static str,
    pub expected: String,
    pub found: String,
}

/// An enum of named settings: `Variant => "name" | "alias"`. It gets `ALL`,
/// `name()`, `Display`, a case-insensitive `FromStr` (aliases too) and serde
/// under the same names.
macro_rules! text_enum {
    (
        $(#[$m:meta])* $vis:vis enum $name:ident, $what:literal {
            $($(#[$vm:meta])* $var:ident => $text:literal $(| $alias:literal)*),+ $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name { $($(#[$vm])* #[serde(rename = $text $(, alias = $alias)*)] $var),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            pub fn name(self) -> &'static str {
                match self { $($name::$var => $text),+ }
            }

            fn is_named(self, s: &str) -> bool {
                match self { $($name::$var => $text.eq_ignore_ascii_case(s) $(|| $alias.eq_ignore_ascii_case(s))*),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::text::ParseEnumError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim();
                $name::ALL.iter().copied().find(|v| v.is_named(s)).ok_or_else(|| $crate::text::ParseEnumError {
                    what: $what,
                    expected: $name::ALL.iter().map(|v| v.name()).collect::<Vec<_>>().join(", "),
                    found: s.to_string(),
                })
            }
        }
    };
}

pub(crate) use text_enum;

/// A size in bytes in words: `512 bytes`, `1.5 GB`, `40 TB`.
pub fn bytes(b: u128) -> String {
    let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut v = b as f64;
    let mut k = 0;
    while v >= 1000.0 && k + 1 < units.len() {
        v /= 1000.0;
        k += 1;
    }
    if k == 0 { format!("{b} bytes") } else { format!("{v:.1} {}", units[k]) }
}

#[cfg(test)]
mod tests {
    text_enum!(
        enum Shape, "shape" {
            Circle => "circle" | "round",
            Square => "square",
        }
    );

    #[test]
    fn names_parse_print_and_serialise_alike() {
        assert_eq!("ROUND".parse::<Shape>(), Ok(Shape::Circle));
        assert_eq!(" square ".parse::<Shape>(), Ok(Shape::Square));
        assert_eq!(Shape::Circle.to_string(), "circle");
        let e = "cube".parse::<Shape>().unwrap_err();
        assert_eq!(e.to_string(), "shape: expected one of circle, square, found 'cube'");
        assert_eq!(serde_json::to_string(&Shape::Square).unwrap(), "\"square\"");
        assert_eq!(serde_json::from_str::<Shape>("\"round\"").unwrap(), Shape::Circle);
    }
}
