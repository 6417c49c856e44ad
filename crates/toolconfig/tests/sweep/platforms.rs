//! The Windows and macOS places: PowerShell profiles, `launchctl setenv` lines, and variables of
//! the user's environment store (`HKCU\Environment`, launchd's), which are no file's.

use super::*;

#[test]
fn powershell_profile_findings() {
    assert_findings(
        "Microsoft.PowerShell_profile.ps1",
        &[
            (3, "OPENAI_API_KEY", BackendKind::OpenAi, "sk-proj-…QCm7"),
            (
                4,
                "ANTHROPIC_API_KEY",
                BackendKind::Anthropic,
                "sk-ant-…QAh6",
            ),
            (
                7,
                "OPENROUTER_API_KEY",
                BackendKind::OpenRouter,
                "sk-or-…SNvp",
            ),
            (8, "MISTRAL_API_KEY", BackendKind::Mistral, "…4sF6"),
            (9, "GROQ_API_KEY", BackendKind::Groq, "gsk_…vkBz"),
        ],
    );
}

#[test]
fn launchctl_setenv_lines_are_findings() {
    assert_findings(
        ".zprofile",
        &[
            (
                3,
                "ANTHROPIC_API_KEY",
                BackendKind::Anthropic,
                "sk-ant-…QAh6",
            ),
            (5, "GEMINI_API_KEY", BackendKind::Gemini, "AIza…28u4"),
            (
                6,
                "OPENROUTER_API_KEY",
                BackendKind::OpenRouter,
                "sk-or-…SNvp",
            ),
        ],
    );
}

#[test]
fn powershell_lines_are_commented_out_and_put_back() {
    let cases = [
        (
            format!("$env:OPENAI_API_KEY = '{OPENAI}'\r\n"),
            "# $env:OPENAI_API_KEY = 'sk-proj-…QCm7'  # moved to the Switchyard keychain on 2025-06-01\r\n",
        ),
        (
            format!("  [Environment]::SetEnvironmentVariable(\"OPENAI_API_KEY\", \"{OPENAI}\", \"User\")"),
            "  # [Environment]::SetEnvironmentVariable(\"OPENAI_API_KEY\", \"sk-proj-…QCm7\", \"User\")  # moved to the Switchyard keychain on 2025-06-01",
        ),
    ];
    let src = SourceKind::PowerShell;
    for (text, expected) in cases {
        let found = scan(&text, src);
        let (out, moved) = take(&text, src, &found[0]).unwrap();
        assert_eq!(out, expected);
        assert!(!out.contains(OPENAI));
        assert_eq!(restore(&out, src, &moved, OPENAI).unwrap(), text);
    }
}

#[test]
fn powershell_without_a_quoted_literal_is_not_a_finding() {
    for line in [
        format!("$env:OPENAI_API_KEY = {OPENAI}"),
        "$env:OPENAI_API_KEY = $secret".to_string(),
        format!("Write-Host '$env:OPENAI_API_KEY = \"{OPENAI}\"'"),
        format!("[Environment]::GetEnvironmentVariable('OPENAI_API_KEY', '{OPENAI}')"),
        format!("[Environment]::SetEnvironmentVariable($name, '{OPENAI}')"),
    ] {
        assert!(
            kinds(&line, SourceKind::PowerShell).is_empty(),
            "not a finding: {line}"
        );
    }
}

#[test]
fn ps1_files_are_read_as_powershell() {
    assert_eq!(
        SourceKind::for_path(Path::new(
            r"C:\Users\Zoë\Documents\PowerShell\Microsoft.PowerShell_profile.ps1"
        )),
        SourceKind::PowerShell
    );
}

#[test]
fn environment_store_variables_are_findings_on_line_zero() {
    let f = scan_variable("OPENAI_API_KEY", OPENAI).unwrap();
    assert_eq!(
        (f.line, f.kind, f.masked.as_str()),
        (0, BackendKind::OpenAi, "sk-proj-…QCm7")
    );
    assert!(!format!("{f:?}").contains(OPENAI));
    let by_prefix = scan_variable("WORK_LLM", ANTHROPIC).unwrap();
    assert_eq!(by_prefix.kind, BackendKind::Anthropic);
    for (name, value) in [
        ("PATH", r"C:\Windows;C:\Windows\System32"),
        ("OPENAI_API_KEY", "your-key-here"),
        ("OLLAMA_HOST", "127.0.0.1:11434"),
        ("TEMP", r"%USERPROFILE%\AppData\Local\Temp"),
    ] {
        assert!(scan_variable(name, value).is_none(), "{name}");
    }
}
