//! `POST /s/{slug}/report`: an urlencoded form body read as the page handler reads it (fields as
//! strings, numbers parsed after), then validated against the embedded region catalog.
#![no_main]

use downtally_fuzz::ReportForm;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(form) = serde_urlencoded::from_bytes::<ReportForm>(data) else {
        return;
    };
    if let Some(input) = form.into_input() {
        downtally_fuzz::check_report(&input);
    }
});
