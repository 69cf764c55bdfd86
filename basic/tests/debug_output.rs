//! `{:?}` of this stage's secrets-holding types: the secrets hidden, and
//! what an operator needs to read a log still there. (Stage 2's
//! `debug_output.rs` follows a whole login; this is stage 1's own check.)

use basic::callback::CallbackParams;
use basic::transaction::Transaction;

#[test]
fn the_transaction_and_the_callback_show_all_but_their_secrets() {
    let transaction = Transaction::new(
        "the-state".into(),
        "the-verifier".into(),
        "https://discord.com".into(),
        1_700_000_000,
    );
    let shown = format!("{transaction:?}");
    assert!(
        !shown.contains("the-state") && !shown.contains("the-verifier"),
        "{shown}"
    );
    for kept in ["Transaction", "https://discord.com", "1700000000"] {
        assert!(shown.contains(kept), "{kept} in {shown}");
    }

    let params =
        CallbackParams::parse("code=the-code&state=the-state&iss=https%3A%2F%2Fdiscord.com")
            .unwrap();
    let shown = format!("{params:?}");
    assert!(
        !shown.contains("the-code") && !shown.contains("the-state"),
        "{shown}"
    );
    for kept in ["CallbackParams", "https://discord.com", "[REDACTED]"] {
        assert!(shown.contains(kept), "{kept} in {shown}");
    }
}
