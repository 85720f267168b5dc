//! `Accept-Language` headers and `?lang=` tags to one of the five languages.
#![no_main]

use downtally::i18n::Lang;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Header values that are not visible ASCII are dropped by `HeaderValue::to_str`; the parser is
    // pure, so it is fed any UTF-8.
    let Ok(header) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(lang) = Lang::from_accept_language(header) {
        assert!(Lang::ALL.contains(&lang));
        assert_eq!(Lang::from_tag(lang.code()), Some(lang));
        assert!(
            header.to_ascii_lowercase().contains(lang.code())
                || (lang == Lang::Nb
                    && ["no", "nn"]
                        .iter()
                        .any(|c| header.to_ascii_lowercase().contains(c))),
            "{lang:?} chosen from {header:?}"
        );
    }
    if let Some(lang) = Lang::from_tag(header) {
        assert_eq!(Lang::from_tag(lang.code()), Some(lang));
    }
});
