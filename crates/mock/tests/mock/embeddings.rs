//! `/v1/embeddings`: float and base64 vectors, the four input forms, 400s and faults.

use super::*;
use switchyard_mock::Fault;

async fn embed(s: &MockServer, body: &Value) -> (StatusCode, Value) {
    get_json(
        client()
            .post(format!("{}/v1/embeddings", s.base_url()))
            .bearer_auth("k")
            .json(body),
    )
    .await
}

/// Decodes standard base64 (with padding).
fn decode_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let values: Vec<u32> = text
        .bytes()
        .filter(|b| *b != b'=')
        .map(|b| ALPHABET.bytes().position(|a| a == b).unwrap() as u32)
        .collect();
    let mut out = Vec::new();
    for group in values.chunks(4) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, v)| n | v << (18 - 6 * i));
        out.extend(&n.to_be_bytes()[1..group.len()]);
    }
    out
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

#[tokio::test]
async fn float_vectors_are_deterministic_unit_length_and_counted_by_words() {
    let s = instant().await;
    let (status, v) = embed(
        &s,
        &json!({"model": "demo-embed", "input": ["hello world", "other text here"]}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["object"], "list");
    assert_eq!(v["model"], "demo-embed");
    assert_eq!(
        v["usage"],
        json!({"prompt_tokens": 5, "total_tokens": 5}),
        "words of every input"
    );
    let data = v["data"].as_array().unwrap();
    assert_eq!(
        (&data[1]["object"], &data[1]["index"]),
        (&json!("embedding"), &json!(1))
    );
    let first = floats(&data[0]["embedding"]);
    assert_eq!(first.len(), 16, "16 dimensions by default");
    let norm: f32 = first.iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-4, "L2-normalised: {norm}");
    assert_ne!(
        first,
        floats(&data[1]["embedding"]),
        "different texts, different vectors"
    );
    let (_, again) = embed(&s, &json!({"model": "demo-embed", "input": "hello world"})).await;
    assert_eq!(
        floats(&again["data"][0]["embedding"]),
        first,
        "the same text, the same vector"
    );
    let (_, tokens) = embed(&s, &json!({"model": "m", "input": [[1, 2, 3], [4]]})).await;
    assert_eq!(
        tokens["usage"]["prompt_tokens"], 4,
        "token arrays count their length"
    );
    assert_eq!(s.calls("embeddings"), 3);
}

#[tokio::test]
async fn base64_vectors_decode_to_the_float_vectors() {
    let s = instant().await;
    let request = |format: &str| json!({"model": "m", "input": "hello", "dimensions": 256, "encoding_format": format});
    let (_, float) = embed(&s, &request("float")).await;
    let (status, encoded) = embed(&s, &request("base64")).await;
    assert_eq!(status, 200, "{encoded}");
    let bytes = decode_base64(encoded["data"][0]["embedding"].as_str().unwrap());
    assert_eq!(bytes.len(), 256 * 4, "dimensions × 4 bytes");
    let decoded: Vec<f32> = bytes
        .chunks(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    assert_eq!(
        decoded,
        floats(&float["data"][0]["embedding"]),
        "little-endian f32 of the same vector"
    );
}

#[tokio::test]
async fn an_input_over_8192_tokens_and_bad_inputs_get_400s_naming_the_parameter() {
    let s = instant().await;
    let long = "word ".repeat(8193);
    let (status, v) = embed(&s, &json!({"model": "m", "input": ["short", long]})).await;
    assert_eq!(status, 400);
    assert_eq!(v["error"]["param"], "input");
    assert_eq!(v["error"]["type"], "invalid_request_error");
    assert!(v["error"]["code"].is_null());
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "This model's maximum context length is 8192 tokens, however you requested 8193 tokens"
        ) && message.contains("input[1]"),
        "{message}"
    );
    for (body, param) in [
        (json!({"model": "m"}), "input"),
        (json!({"model": "m", "input": ""}), "input"),
        (json!({"model": "m", "input": []}), "input"),
        (json!({"input": "x"}), "model"),
        (
            json!({"model": "m", "input": "x", "dimensions": 3073}),
            "dimensions",
        ),
        (
            json!({"model": "m", "input": "x", "encoding_format": "hex"}),
            "encoding_format",
        ),
    ] {
        let (status, v) = embed(&s, &body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(v["error"]["param"], param, "{body}: {v}");
    }
    let (_, v) = embed(&s, &json!({"model": "m", "input": []})).await;
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("'$.input' is invalid"),
        "{v}"
    );
}

#[tokio::test]
async fn status_and_cut_faults_apply_to_embeddings() {
    let s = MockServer::start(
        MockConfig::instant().with_faults(vec![Fault::Status(503), Fault::CutAfterChunks(1)]),
    )
    .await
    .unwrap();
    let (status, v) = embed(&s, &json!({"model": "m", "input": "x"})).await;
    assert_eq!(status, 503, "the scripted status");
    assert_eq!(v["error"]["type"], "server_error", "{v}");
    let resp = client()
        .post(format!("{}/v1/embeddings", s.base_url()))
        .json(&json!({"model": "m", "input": "x"}))
        .send()
        .await
        .unwrap();
    let (text, broke) = read_until_break(resp).await;
    assert!(broke, "the body is cut");
    assert!(
        serde_json::from_str::<Value>(&text).is_err(),
        "half a JSON body"
    );
    let (status, _) = embed(&s, &json!({"model": "m", "input": "x"})).await;
    assert_eq!(status, 200, "the script is used up");
    assert_eq!(s.faults_used(), 2);
}
