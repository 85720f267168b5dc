//! Comments and commenters' names (`Comment::parse`, `CommenterName::parse`): what they keep has no
//! control character but `\n`, is trimmed and within its length.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Bodies arrive as bytes; the form reader replaces what is not UTF-8, as this does.
    let text = String::from_utf8_lossy(data);
    downtally_fuzz::check_comment(&text);
});
