//! A variable of the user's environment store (`HKCU\Environment`, launchd's session): its
//! name, value and, on Windows, whether it expands other variables. The value is a secret's
//! possible carrier, so `Debug` never shows it.

/// One variable of the user's environment store.
#[derive(Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    /// Windows `REG_EXPAND_SZ` (`%VAR%` references expand); kept so a value put back is the same.
    pub expand: bool,
}

impl std::fmt::Debug for EnvVar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvVar")
            .field("name", &self.name)
            .field("expand", &self.expand)
            .finish_non_exhaustive()
    }
}
