use super::*;

#[test]
fn outcome_ids_match_the_stored_strings_and_the_check_outcomes() {
    use switchyard_domain::CheckOutcome;
    for o in Outcome::ALL {
        assert_eq!(Outcome::parse(o.as_str()), Some(o), "round trip");
        assert_eq!(
            serde_json::to_value(o).unwrap(),
            o.as_str(),
            "serde name = stored id"
        );
    }
    let mapped: Vec<Outcome> = CheckOutcome::ALL.into_iter().map(Outcome::from).collect();
    assert_eq!(
        mapped,
        Outcome::ALL,
        "CheckOutcome maps one to one, Unexpected → ProviderError"
    );
}

#[test]
fn outcome_labels_read_naturally_in_reasons() {
    let labels: Vec<&str> = Outcome::ALL.into_iter().map(Outcome::label).collect();
    assert_eq!(
        labels,
        [
            "ok",
            "key invalid",
            "rate-limited",
            "unreachable",
            "timeout",
            "provider error"
        ]
    );
}
