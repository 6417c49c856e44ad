//! Reading a line too long to hold (over [`crate::tail::IN_MEMORY`]) straight from its file:
//! `serde_json::Deserializer::from_reader` walks it once and keeps only the fields a parser uses
//! (each as written, or an object of them reduced the same way); everything else is skipped by
//! serde as `IgnoredAny`, never kept. What is kept is written out as a small line of JSON that
//! the parser's in-memory path then reads, so a line gives the same result whichever path reads
//! it: the kept line has the used fields as written, in their order, duplicates included, and
//! the checks that the in-memory path makes on the whole line (its first bytes, a needle, the
//! UTF-8 of a borrowed region) are made on the stream by [`Watch`].

use crate::watch::{Checks, Watch};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;
use std::io::BufRead;

/// How a field's value is kept.
pub(crate) enum Keep {
    /// As written: a string, a number (the parser reads these), or whatever else is there.
    Raw,
    /// A struct's fields: an object reduced to them.
    Object(&'static Spec),
}

/// The fields of one of a parser's structs.
pub(crate) struct Spec {
    /// Kept by name, in the struct's declaration order (serde reads an array as the struct's
    /// fields by position: the first elements are kept as these, one more as `0` so that an
    /// over-long array still fails, and the rest skipped).
    pub fields: &'static [(&'static str, Keep)],
    /// `Some(n)`: an array's first `n` elements are kept as written (a struct read as one of
    /// several structs, whose positions differ).
    pub positions: Option<usize>,
    /// The in-memory parse borrows this value as text (`&RawValue`): its bytes must be UTF-8.
    pub utf8: bool,
}

/// What a streamed line gave.
pub(crate) struct Kept {
    /// The line with only the kept fields; `None` when the line is not JSON.
    pub json: Option<String>,
    /// Its first bytes.
    pub head: Vec<u8>,
    /// Whether the needle is in the line (always, with no needle).
    pub found: bool,
}

/// Reads one line from `r` keeping what `spec` names; with a `needle`, the whole line is read
/// to look for it even when it is not JSON.
pub(crate) fn read(r: &mut dyn BufRead, spec: &'static Spec, needle: &'static [u8]) -> Kept {
    let checks = Checks::default();
    let mut watch = Watch::new(r, &checks, needle);
    let mut out = String::new();
    let parsed = {
        let mut de = serde_json::Deserializer::from_reader(&mut watch);
        let seed = Seed {
            keep: &Keep::Object(spec),
            out: &mut out,
            checks: &checks,
        };
        seed.deserialize(&mut de).and_then(|()| de.end())
    };
    watch.drain();
    let ok = parsed.is_ok() && checks.utf8_ok();
    Kept {
        json: ok.then_some(out),
        head: watch.head().to_vec(),
        found: watch.found(),
    }
}

struct Seed<'a> {
    keep: &'a Keep,
    out: &'a mut String,
    checks: &'a Checks,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match self.keep {
            Keep::Raw => {
                let raw = Box::<RawValue>::deserialize(d)?;
                self.out.push_str(raw.get());
                Ok(())
            }
            Keep::Object(spec) => {
                if spec.utf8 {
                    self.checks.begin_utf8();
                }
                let r = d.deserialize_any(Reduce {
                    spec,
                    out: self.out,
                    checks: self.checks,
                });
                if spec.utf8 {
                    self.checks.end_utf8();
                }
                r
            }
        }
    }
}

/// An object or array reduced to a [`Spec`]'s fields; any other value read by a struct is an
/// error whatever it is, written as `0` (`null` stays `null`: an absent optional struct).
struct Reduce<'a> {
    spec: &'static Spec,
    out: &'a mut String,
    checks: &'a Checks,
}

impl Reduce<'_> {
    fn scalar<E>(self) -> Result<(), E> {
        self.out.push('0');
        Ok(())
    }
}

impl<'de> Visitor<'de> for Reduce<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.out.push('{');
        let mut first = true;
        while let Some(at) = map.next_key_seed(Name(self.spec))? {
            let Some(i) = at else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let (name, keep) = &self.spec.fields[i];
            if !first {
                self.out.push(',');
            }
            first = false;
            self.out.push('"');
            self.out.push_str(name);
            self.out.push_str("\":");
            map.next_value_seed(Seed {
                keep,
                out: self.out,
                checks: self.checks,
            })?;
        }
        self.out.push('}');
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.out.push('[');
        let kept = self.spec.positions.unwrap_or(self.spec.fields.len());
        for i in 0..kept {
            let keep = match self.spec.positions {
                Some(_) => &Keep::Raw,
                None => &self.spec.fields[i].1,
            };
            if i > 0 {
                self.out.push(',');
            }
            let seed = Seed {
                keep,
                out: self.out,
                checks: self.checks,
            };
            if seq.next_element_seed(seed)?.is_none() {
                if i > 0 {
                    self.out.pop();
                }
                self.out.push(']');
                return Ok(());
            }
        }
        if seq.next_element::<IgnoredAny>()?.is_some() {
            self.out.push_str(if kept > 0 { ",0" } else { "0" });
            while seq.next_element::<IgnoredAny>()?.is_some() {}
        }
        self.out.push(']');
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.out.push_str("null");
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.scalar()
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.scalar()
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.scalar()
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.scalar()
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.scalar()
    }
}

/// A key: the index of the field it names, `None` for one not kept.
struct Name(&'static Spec);

impl<'de> DeserializeSeed<'de> for Name {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Name {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.fields.iter().position(|(name, _)| *name == key))
    }
}

#[cfg(test)]
#[path = "stream_tests.rs"]
pub(crate) mod tests;
