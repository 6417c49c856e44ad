//! `From` conversions between the IPC types and the core types they mirror, written once per
//! pair by a macro so a variant or field added on one side fails to build until it is mirrored.

/// `From<$from> for $to` between an IPC enum and the core enum it mirrors, variant for variant
/// (the names are the same): `mirror_enum!(ExportKind => core::ExportKind { Requests, Daily })`;
/// `mirror_enum!(A, B { .. })` converts both ways.
macro_rules! mirror_enum {
    ($a:ty, $b:ty { $($variant:ident),+ $(,)? }) => {
        mirror_enum!($a => $b { $($variant),+ });
        mirror_enum!($b => $a { $($variant),+ });
    };
    ($from:ty => $to:ty { $($variant:ident),+ $(,)? }) => {
        impl From<$from> for $to {
            fn from(value: $from) -> Self {
                type Source = $from;
                match value {
                    $(Source::$variant => Self::$variant,)+
                }
            }
        }
    };
}

/// `From<$from> for $to` between an IPC struct and the core struct it mirrors, field for field
/// (the names are the same, each value converted with `Into`):
/// `mirror_struct!(Limits => core::Limits { rpm, tpm })`; `mirror_struct!(A, B { .. })` converts
/// both ways. Every field of the target must be named, so a new one fails to build here.
macro_rules! mirror_struct {
    ($a:ty, $b:ty { $($field:ident),+ $(,)? }) => {
        mirror_struct!($a => $b { $($field),+ });
        mirror_struct!($b => $a { $($field),+ });
    };
    ($from:ty => $to:ty { $($field:ident),+ $(,)? }) => {
        impl From<$from> for $to {
            #[allow(clippy::useless_conversion, reason = "most fields have one type on both sides")]
            fn from(value: $from) -> Self {
                Self { $($field: value.$field.into()),+ }
            }
        }
    };
}
