//! Tool calls both ways across every format pair: the mock is asked to `run:` a command, the
//! call reaches the caller in its own format (buffered and streamed), the caller sends the
//! result back in its own format, and the backend's answer quotes it.

use super::shapes_support::{all_formats, answer_text, body, send, Api, BACKENDS, CALLERS};

use serde_json::{json, Value};

/// (call id, tool name, arguments JSON) of the first tool call in a buffered answer.
fn call_of(caller: Api, v: &Value) -> (String, String, Value) {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    match caller {
        Api::Chat => {
            let c = &v["choices"][0]["message"]["tool_calls"][0];
            let args = serde_json::from_str(c["function"]["arguments"].as_str().unwrap()).unwrap();
            (s(&c["id"]), s(&c["function"]["name"]), args)
        }
        Api::Messages => {
            let c = v["content"]
                .as_array()
                .unwrap()
                .iter()
                .find(|b| b["type"] == "tool_use")
                .unwrap();
            (s(&c["id"]), s(&c["name"]), c["input"].clone())
        }
        Api::Responses => {
            let c = v["output"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["type"] == "function_call")
                .unwrap();
            let args = serde_json::from_str(c["arguments"].as_str().unwrap()).unwrap();
            (s(&c["call_id"]), s(&c["name"]), args)
        }
        Api::Gemini => {
            let parts = v["candidates"][0]["content"]["parts"].as_array().unwrap();
            let c = &parts
                .iter()
                .find(|p| p.get("functionCall").is_some())
                .unwrap()["functionCall"];
            (s(&c["id"]), s(&c["name"]), c["args"].clone())
        }
    }
}

/// The first request plus the call and its result, in the caller's format.
fn follow_up(caller: Api, mut first: Value, call: &(String, String, Value), output: &str) -> Value {
    let (id, name, args) = call;
    match caller {
        Api::Chat => {
            let msgs = first["messages"].as_array_mut().unwrap();
            msgs.push(json!({"role": "assistant", "content": null, "tool_calls": [
                {"id": id, "type": "function", "function": {"name": name, "arguments": args.to_string()}}]}));
            msgs.push(json!({"role": "tool", "tool_call_id": id, "content": output}));
        }
        Api::Messages => {
            let msgs = first["messages"].as_array_mut().unwrap();
            msgs.push(json!({"role": "assistant", "content": [{"type": "tool_use", "id": id, "name": name, "input": args}]}));
            msgs.push(json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": id, "content": output}]}));
        }
        Api::Responses => {
            let text = first["input"].as_str().unwrap().to_string();
            first["input"] = json!([
                {"role": "user", "content": text},
                {"type": "function_call", "call_id": id, "name": name, "arguments": args.to_string()},
                {"type": "function_call_output", "call_id": id, "output": output},
            ]);
        }
        Api::Gemini => {
            let contents = first["contents"].as_array_mut().unwrap();
            contents.push(json!({"role": "model", "parts": [{"functionCall": {"id": id, "name": name, "args": args}}]}));
            contents.push(json!({"role": "user", "parts": [{"functionResponse": {"id": id, "name": name, "response": {"output": output}}}]}));
        }
    }
    first
}

/// Whether a streamed answer in the caller's format carries a call to `shell` and ends as one.
fn stream_calls_shell(caller: Api, body: &str) -> bool {
    let has = |s: &str| body.contains(s);
    has("shell")
        && match caller {
            Api::Chat => has(r#""finish_reason":"tool_calls""#) && has("data: [DONE]"),
            Api::Messages => has(r#""stop_reason":"tool_use""#) && has("event: message_stop"),
            Api::Responses => {
                has("response.function_call_arguments.done") && has("event: response.completed")
            }
            Api::Gemini => has("functionCall") && has("finishReason"),
        }
}

#[tokio::test]
async fn tool_calls_and_results_cross_every_format_pair() {
    let (_mock, h) = all_formats().await;
    for caller in CALLERS {
        for (model, _) in BACKENDS {
            let case = format!("{caller:?} → {model}");
            let first = body(caller, model, false, "run: echo hi", true);
            let resp = send(&h, caller, model, false, &first).await;
            assert_eq!(resp.status(), 200, "{case}");
            let v: Value = resp.json().await.unwrap();
            let call = call_of(caller, &v);
            assert_eq!(call.1, "shell", "{case}: {v}");
            assert_eq!(
                call.2,
                json!({"command": "echo hi"}),
                "{case}: arguments survive both translations"
            );
            assert!(
                !call.0.is_empty() || caller == Api::Gemini,
                "{case}: the call has an id"
            );

            let streamed = send(
                &h,
                caller,
                model,
                true,
                &body(caller, model, true, "run: echo hi", true),
            )
            .await;
            let text = streamed.text().await.unwrap();
            assert!(
                stream_calls_shell(caller, &text),
                "{case}: streamed call\n{text}"
            );

            let second = follow_up(caller, first, &call, "hi from the tool");
            let resp = send(&h, caller, model, false, &second).await;
            let status = resp.status();
            let v: Value = resp.json().await.unwrap();
            assert_eq!(status, 200, "{case}: {v}");
            let answer = answer_text(caller, false, &v.to_string()).0;
            assert_eq!(
                answer, "Tool result: hi from the tool",
                "{case}: the result reached the backend"
            );
        }
    }
}
