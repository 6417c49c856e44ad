//! Streaming translation both ways: decode a provider transcript, encode it in the other format,
//! and check what a client of that format reassembles.

use serde_json::json;

use crate::support::{
    anthropic_to_openai, assemble_anthropic, assemble_openai, openai_to_anthropic, sse_events,
};
use crate::transcripts::{
    ANTHROPIC_TEXT, ANTHROPIC_TEXT_CONTENT, ANTHROPIC_TOOLS, OPENAI_TEXT, OPENAI_TEXT_CONTENT,
    OPENAI_TOOLS,
};

/// Chunk sizes the provider bytes arrive in: byte by byte, odd sizes, all at once.
const CHUNKS: [usize; 4] = [1, 7, 113, usize::MAX];

#[test]
fn openai_text_stream_reaches_an_anthropic_client_intact() {
    for chunk in CHUNKS {
        let a = assemble_anthropic(&openai_to_anthropic(OPENAI_TEXT, chunk));
        assert_eq!(a.text, OPENAI_TEXT_CONTENT, "text with chunk size {chunk}");
        assert_eq!(a.id, "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
        assert_eq!(a.stop.as_deref(), Some("end_turn"));
        assert!(a.tool_calls.is_empty());
    }
}

#[test]
fn openai_cached_usage_reaches_anthropic_without_double_counting() {
    let a = assemble_anthropic(&openai_to_anthropic(OPENAI_TEXT, 64));
    let usage = a.usage.unwrap();
    assert_eq!(usage["input_tokens"], 200, "1000 prompt − 800 cached");
    assert_eq!(usage["cache_read_input_tokens"], 800);
    assert_eq!(usage["cache_creation_input_tokens"], 0);
    assert_eq!(usage["output_tokens"], 12);
}

#[test]
fn openai_parallel_tool_calls_reassemble_exactly_for_an_anthropic_client() {
    for chunk in CHUNKS {
        let a = assemble_anthropic(&openai_to_anthropic(OPENAI_TOOLS, chunk));
        assert_eq!(
            a.tool_calls,
            vec![
                (
                    "call_DdmO9pD3xa9XTPNJ32zg2hcA".to_owned(),
                    "get_weather".to_owned(),
                    r#"{"location":"Paris, France"}"#.to_owned()
                ),
                (
                    "call_9xQ2".to_owned(),
                    "get_time".to_owned(),
                    r#"{"tz": "CET"}"#.to_owned()
                ),
            ],
            "chunk size {chunk}"
        );
        assert_eq!(a.stop.as_deref(), Some("tool_use"));
        assert_eq!(a.text, "", "a tool-only reply has no text block");
        let usage = a.usage.unwrap();
        assert_eq!(
            (
                usage["input_tokens"].as_u64(),
                usage["cache_read_input_tokens"].as_u64()
            ),
            (Some(64), Some(256))
        );
        assert_eq!(usage["output_tokens"], 45);
    }
}

#[test]
fn anthropic_text_stream_reaches_an_openai_client_intact() {
    for chunk in CHUNKS {
        let a = assemble_openai(&anthropic_to_openai(ANTHROPIC_TEXT, chunk, true));
        assert_eq!(
            a.text, ANTHROPIC_TEXT_CONTENT,
            "text with chunk size {chunk}"
        );
        assert_eq!(a.id, "msg_01XFDUDYJgAACzvnptvVoYEL");
        assert_eq!(a.stop.as_deref(), Some("stop"));
    }
}

#[test]
fn anthropic_cached_usage_reaches_openai_as_prompt_tokens_including_cache() {
    let a = assemble_openai(&anthropic_to_openai(ANTHROPIC_TEXT, 64, true));
    assert_eq!(
        a.usage.unwrap(),
        json!({
            "prompt_tokens": 1000,
            "completion_tokens": 15,
            "total_tokens": 1015,
            "prompt_tokens_details": {"cached_tokens": 800},
            "completion_tokens_details": {"reasoning_tokens": 0},
        }),
        "200 uncached + 800 cached; output is the final message_delta count"
    );
}

#[test]
fn openai_client_without_include_usage_gets_no_usage_chunk() {
    let a = assemble_openai(&anthropic_to_openai(ANTHROPIC_TEXT, 64, false));
    assert_eq!(a.usage, None);
    assert_eq!(a.text, ANTHROPIC_TEXT_CONTENT);
}

#[test]
fn anthropic_tool_use_stream_reaches_an_openai_client_without_thinking() {
    for chunk in CHUNKS {
        let a = assemble_openai(&anthropic_to_openai(ANTHROPIC_TOOLS, chunk, true));
        assert_eq!(
            a.text, "Okay, let's check the weather for San Francisco, CA:",
            "thinking is dropped"
        );
        assert_eq!(
            a.tool_calls,
            vec![(
                "toolu_01T1x1fJ34qAmk2tNTrN7Up6".to_owned(),
                "get_weather".to_owned(),
                r#"{"location": "San Francisco, CA", "unit": "fahrenheit"}"#.to_owned()
            )],
            "chunk size {chunk}"
        );
        assert_eq!(a.stop.as_deref(), Some("tool_calls"));
        let usage = a.usage.unwrap();
        assert_eq!(
            usage["prompt_tokens"], 572,
            "472 uncached + 100 cache writes"
        );
        assert_eq!(
            usage["prompt_tokens_details"]["cached_tokens"], 0,
            "cache writes are not cache reads"
        );
        assert_eq!(usage["completion_tokens"], 89);
    }
}

#[test]
fn openai_stream_survives_a_trip_through_anthropic_and_back() {
    for transcript in [OPENAI_TEXT, OPENAI_TOOLS] {
        let direct = assemble_openai(&sse_events(transcript.as_bytes(), usize::MAX));
        let anthropic_frames: String = openai_to_anthropic(transcript, 5)
            .iter()
            .map(|e| {
                String::from_utf8(switchyard_wire::frame(e.event.as_deref(), &e.data).to_vec())
                    .unwrap()
            })
            .collect();
        let back = assemble_openai(&anthropic_to_openai(&anthropic_frames, 5, true));
        assert_eq!(back.text, direct.text);
        assert_eq!(back.tool_calls, direct.tool_calls);
        assert_eq!(back.stop, direct.stop);
        assert_eq!(back.id, direct.id);
        let (b, d) = (back.usage.unwrap(), direct.usage.unwrap());
        for key in ["prompt_tokens", "completion_tokens", "total_tokens"] {
            assert_eq!(b[key], d[key], "{key} survives the round trip");
        }
        assert_eq!(
            b["prompt_tokens_details"]["cached_tokens"],
            d["prompt_tokens_details"]["cached_tokens"]
        );
    }
}

#[test]
fn anthropic_stream_survives_a_trip_through_openai_and_back() {
    let direct = assemble_anthropic(&sse_events(ANTHROPIC_TOOLS.as_bytes(), usize::MAX));
    let openai_frames: String = anthropic_to_openai(ANTHROPIC_TOOLS, 3, true)
        .iter()
        .map(|e| {
            String::from_utf8(switchyard_wire::frame(e.event.as_deref(), &e.data).to_vec()).unwrap()
        })
        .collect();
    let back = assemble_anthropic(&openai_to_anthropic(&openai_frames, 3));
    assert_eq!(back.text, direct.text, "thinking was never text");
    assert_eq!(back.tool_calls, direct.tool_calls);
    assert_eq!(back.stop, direct.stop);
    let (b, d) = (back.usage.unwrap(), direct.usage.unwrap());
    assert_eq!(b["output_tokens"], d["output_tokens"]);
    let prompt = |u: &serde_json::Value| {
        [
            "input_tokens",
            "cache_read_input_tokens",
            "cache_creation_input_tokens",
        ]
        .iter()
        .map(|k| u[k].as_u64().unwrap_or(0))
        .sum::<u64>()
    };
    assert_eq!(
        prompt(&b),
        prompt(&d),
        "prompt size survives (OpenAI cannot tell cache writes apart)"
    );
    assert_eq!(b["cache_read_input_tokens"], d["cache_read_input_tokens"]);
}
