//! Why a line of a tool's record (or a whole file) was not counted: each parser says it, the
//! import counts it by reason, and the report shows the counts.

/// Why a line (or a file) was not counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// Not JSON, or not the shape its type promises.
    Corrupt,
    /// A usage record without its time.
    NoTime,
    /// A usage record without the id it is counted by (a newer format?).
    Unknown,
}

impl Skip {
    pub(crate) fn reason(&self) -> &'static str {
        match self {
            Skip::Corrupt => "corrupt line",
            Skip::NoTime => "usage without a time",
            Skip::Unknown => "usage without an id (an unknown format?)",
        }
    }
}
