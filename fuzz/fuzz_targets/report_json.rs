//! `POST /api/v1/services/{slug}/reports`: a JSON body read as the handler reads it, then validated
//! against the embedded region catalog.
#![no_main]

use downtally::intake::ReportInput;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(input) = serde_json::from_slice::<ReportInput>(data) {
        downtally_fuzz::check_report(&input);
    }
});
