//! Signing then verifying holds for any parameter map: the emulator's checker accepts what the signer produced.
#![no_main]

use chrono::DateTime;
use libfuzzer_sys::fuzz_target;
use scanwatch::api::signer::{Params, SigningInput, sign, verify};

fuzz_target!(|input: (Vec<(String, String)>, String, u32)| {
    let (pairs, secret, seconds) = input;
    let params: Params = pairs.into_iter().collect();
    let time = DateTime::from_timestamp(i64::from(seconds), 0).unwrap_or_default();
    let signed = sign(
        params,
        &SigningInput {
            method: "POST",
            access_key_id: "fuzz",
            access_key_secret: &secret,
            security_token: None,
            time,
            nonce: "0123456789abcdef",
        },
    );
    assert!(verify("POST", &signed.params, &secret).is_ok());
});
