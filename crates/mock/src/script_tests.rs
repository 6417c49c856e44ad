//! Unit tests of the scripted tool-call rules: command extraction, shell-tool choice, arguments
//! built from real agents' schemas, and the rule order.

use super::*;

fn tool(name: &str, schema: Value) -> Tool {
    Tool {
        name: name.into(),
        description: String::new(),
        schema,
        freeform: false,
    }
}

#[test]
fn claude_codes_bash_schema_gets_only_the_command() {
    let schema = json!({
        "type": "object",
        "properties": {
            "command": {"type": "string"},
            "description": {"type": "string"},
            "timeout": {"type": "number"},
            "run_in_background": {"type": "boolean"},
        },
        "required": ["command"],
    });
    assert_eq!(
        arguments(&schema, "echo hi"),
        json!({"command": "echo hi"}),
        "optional properties stay out"
    );
}

#[test]
fn codexs_shell_schema_gets_an_argv_through_bash() {
    let schema = json!({
        "type": "object",
        "properties": {
            "command": {"type": "array", "items": {"type": "string"}},
            "workdir": {"type": "string"},
            "timeout_ms": {"type": "number"},
        },
        "required": ["command"],
    });
    assert_eq!(
        arguments(&schema, "echo hi"),
        json!({"command": ["bash", "-lc", "echo hi"]}),
        "an array command is an argv"
    );
}

#[test]
fn gemini_clis_run_shell_command_schema_gets_the_command_with_upper_case_types() {
    let schema = json!({
        "type": "OBJECT",
        "properties": {
            "command": {"type": "STRING"},
            "description": {"type": "STRING"},
            "directory": {"type": "STRING"},
        },
        "required": ["command"],
    });
    assert_eq!(arguments(&schema, "ls -la"), json!({"command": "ls -la"}));
}

#[test]
fn cmd_is_used_without_command_and_required_properties_get_fillers() {
    let schema = json!({
        "properties": {
            "cmd": {"type": "string"},
            "justification": {"type": "string"},
            "yield_time_ms": {"type": "integer"},
            "timeout_ms": {"type": ["integer", "null"]},
            "login": {"type": "boolean"},
            "env": {"type": "object"},
            "paths": {"type": "array"},
            "mode": {"type": "string", "enum": ["fast", "slow"]},
            "optional_count": {"type": "integer"},
        },
        "required": ["cmd", "justification", "yield_time_ms", "timeout_ms", "login", "env", "paths", "mode"],
    });
    assert_eq!(
        arguments(&schema, "pwd"),
        json!({
            "cmd": "pwd",
            "justification": "Run the requested command",
            "yield_time_ms": 1,
            "timeout_ms": 60000,
            "login": false,
            "env": {},
            "paths": [],
            "mode": "fast",
        }),
        "every required property is filled by type; optional ones are left out"
    );
    assert_eq!(
        arguments(&Value::Null, "pwd"),
        json!({"command": "pwd"}),
        "no schema: the command goes in `command`"
    );
}

#[test]
fn the_command_is_the_rest_of_the_line_after_run_in_any_case() {
    assert_eq!(
        command_in("Please RUN:   echo hi  \nthen stop"),
        Some("echo hi".into())
    );
    assert_eq!(
        command_in("run: `ls -la`"),
        Some("ls -la".into()),
        "backticks removed"
    );
    assert_eq!(command_in("run: ```pwd```\r\n"), Some("pwd".into()));
    assert_eq!(
        command_in("café run: echo é"),
        Some("echo é".into()),
        "non-ASCII safe"
    );
    assert_eq!(
        command_in("run:echo"),
        None,
        "the marker is `run: ` with a space"
    );
    assert_eq!(
        command_in("run: ``  "),
        None,
        "an empty command is no command"
    );
    assert_eq!(command_in("nothing to do"), None);
    assert_eq!(
        command_in("Skills:\n- run: Launch and drive the app\n\nrun: echo switchyard-42"),
        Some("echo switchyard-42".into()),
        "the last marker: Claude Code lists a `run` skill before the prompt"
    );
}

#[test]
fn the_first_declared_shell_like_tool_is_chosen() {
    let tools = [
        tool("Read", Value::Null),
        tool("Bash", Value::Null),
        tool("shell", Value::Null),
    ];
    assert_eq!(shell_tool(&tools).map(|t| t.name.as_str()), Some("Bash"));
    assert_eq!(shell_tool(&tools[..1]), None, "Read is not a shell");
}

#[test]
fn a_tool_result_wins_over_a_run_command_and_is_quoted_collapsed_and_cut() {
    let tools = [tool("bash", Value::Null)];
    let output = format!("line one\n\n  line   two {}", "x".repeat(400));
    let Plan::Text(reply) = Plan::decide(Some(&output), "run: ls", &tools, None) else {
        panic!("a tool result is answered with text");
    };
    let text = reply.text();
    assert!(
        text.starts_with("Tool result: line one line two x"),
        "{text}"
    );
    assert_eq!(
        text.chars().count(),
        "Tool result: ".len() + RESULT_CHARS,
        "the output is cut to 300 characters"
    );
}

#[test]
fn a_run_command_with_a_shell_tool_is_one_call_else_the_demo_reply() {
    let tools = [tool(
        "exec_command",
        json!({"properties": {"cmd": {"type": "string"}}}),
    )];
    let plan = Plan::decide(None, "hello\nrun: echo hi", &tools, Some(2));
    let Plan::Call(call) = &plan else {
        panic!("expected a call, got {plan:?}");
    };
    assert_eq!(call.name, "exec_command");
    assert_eq!(call.text(), r#"{"cmd":"echo hi"}"#);
    assert_eq!(call.tokens(), 2, "words of the arguments JSON");
    assert_eq!(call.fragments().concat(), call.text(), "fragments add up");
    assert!(!plan.truncated(), "a call is never cut by the budget");
    let demo = Plan::decide(None, "run: echo hi", &[], None);
    assert_eq!(
        demo,
        Plan::Text(Reply::for_prompt("run: echo hi", None)),
        "no tools: the normal demo reply"
    );
}

#[test]
fn a_freeform_tool_gets_the_command_as_its_input() {
    let tools = [Tool {
        freeform: true,
        ..tool("shell", Value::Null)
    }];
    let Plan::Call(call) = Plan::decide(None, "run: git status", &tools, None) else {
        panic!("expected a call");
    };
    assert_eq!(call.text(), "git status", "raw input, not JSON");
    assert_eq!(call.object(), json!({"input": "git status"}));
}

#[test]
fn a_freeform_tool_in_function_form_gets_the_command_as_its_input() {
    let schema = serde_json::json!({"type": "object", "properties": {"input": {"type": "string"}}, "required": ["input"]});
    assert_eq!(
        arguments(&schema, "echo hi"),
        serde_json::json!({"input": "echo hi"})
    );
}
