//! Command lines the tests give `switchyard-serve` and the panel's `switchyard-tray` alike (the
//! same CLI): shared by the security suite's two harnesses.

/// The arguments of `backend add` for the OpenAI-compatible backend "Main" (model `m`) at `base`.
pub fn add_main_args(base: &str) -> [&str; 9] {
    [
        "backend",
        "add",
        "Main",
        "--kind",
        "openai-compatible",
        "--base-url",
        base,
        "--model",
        "m",
    ]
}
