//! The backend enums as the UI gets them (kind, auth style, status, key-check outcome), each a
//! unit enum mirroring its core enum with the same camelCase wire names. A leaf: issues, tools
//! and backends all name a kind.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_core::{AuthStyle, BackendKind, BackendStatus, CheckOutcome};

/// Declares a unit enum mirroring a core enum with the same camelCase wire names.
macro_rules! mirror_enum {
    ($(#[$m:meta])* $name:ident <=> $core:ty { $($v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
        #[serde(rename_all = "camelCase")]
        pub enum $name { $($v),+ }
        impl From<$core> for $name {
            fn from(v: $core) -> Self { match v { $(<$core>::$v => $name::$v),+ } }
        }
        impl From<$name> for $core {
            fn from(v: $name) -> Self { match v { $($name::$v => <$core>::$v),+ } }
        }
    };
}

mirror_enum!(
    /// Provider family.
    Kind <=> BackendKind { OpenAi, Anthropic, Gemini, Mistral, Groq, OpenRouter, Ollama, OpenAiCompatible, Demo }
);
mirror_enum!(Auth <=> AuthStyle { Bearer, XApiKey, GoogApiKey, None });
mirror_enum!(Status <=> BackendStatus { Healthy, Untested, NoKey, KeyInvalid, RateLimited, Unreachable, Failing, Disabled });
mirror_enum!(Outcome <=> CheckOutcome { Valid, Invalid, RateLimited, Unreachable, Timeout, Unexpected });
