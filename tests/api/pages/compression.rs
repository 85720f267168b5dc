//! Compression: pages are compressed and light, and one page answers in every encoding under one
//! validator.

use super::{PAGE_BUDGET, all_pages, app};
use crate::helpers::{self, INTESA, MONZO};
use std::io::Read;

/// GET with `Accept-Encoding: gzip`; returns (content-encoding, compressed size, decompressed body).
async fn gzip_get(path: &str) -> (String, usize, String) {
    let res = helpers::client()
        .get(format!("{}{path}", app().base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "GET {path}: {}", res.status());
    let encoding = res
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = res.bytes().await.unwrap();
    let mut text = String::new();
    if encoding == "gzip" {
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap_or_else(|e| panic!("GET {path}: not gzip: {e}"));
    } else {
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    (encoding, bytes.len(), text)
}

#[tokio::test]
async fn pages_are_compressed_and_light() {
    let (enc, css_size, _) = gzip_get("/static/style.css").await;
    assert_eq!(enc, "gzip", "the stylesheet is not compressed");
    let id = app().outage.id;
    for path in [
        "/".to_owned(),
        format!("/s/{INTESA}"),
        format!("/s/{MONZO}"),
        format!("/outages/{id}"),
        "/outages".to_owned(),
    ] {
        let (enc, size, html) = gzip_get(&path).await;
        assert_eq!(enc, "gzip", "GET {path} is not compressed");
        assert!(html.contains("</html>"), "GET {path}: truncated page");
        assert!(
            html.len() < 8 * 1024 || size * 3 < html.len(),
            "GET {path}: {size} bytes compressed for {} bytes",
            html.len()
        );
        assert!(
            size + css_size < PAGE_BUDGET,
            "GET {path} weighs {size} + {css_size} bytes (CSS) compressed, over {PAGE_BUDGET}"
        );
    }
}
/// GET with an `Accept-Encoding`; returns (content-encoding, ETag, decoded body).
async fn encoded_get(path: &str, accept: &str) -> (String, String, String) {
    let res = helpers::client()
        .get(format!("{}{path}", app().base))
        .header("accept-encoding", accept)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "GET {path}");
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (encoding, etag) = (header("content-encoding"), header("etag"));
    let bytes = res.bytes().await.unwrap();
    let mut text = String::new();
    match encoding.as_str() {
        "br" => {
            brotli::Decompressor::new(&bytes[..], 4096)
                .read_to_string(&mut text)
                .unwrap_or_else(|e| panic!("GET {path}: not brotli: {e}"));
        }
        "gzip" => {
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut text)
                .unwrap_or_else(|e| panic!("GET {path}: not gzip: {e}"));
        }
        _ => text = String::from_utf8(bytes.to_vec()).unwrap(),
    }
    (encoding, etag, text)
}

#[tokio::test]
async fn one_page_in_every_encoding_under_one_validator() {
    let found = |p: &String| !p.contains("999999") && !p.starts_with("/no/");
    for path in all_pages().into_iter().filter(found) {
        let (plain_enc, plain_tag, plain) = encoded_get(&path, "identity").await;
        let (br_enc, br_tag, br) = encoded_get(&path, "gzip, deflate, br").await;
        let (gz_enc, gz_tag, gz) = encoded_get(&path, "gzip;q=1, br;q=0").await;
        assert_eq!(plain_enc, "", "GET {path}: identity was asked for");
        assert_eq!(br_enc, "br", "GET {path}: a browser's Accept-Encoding");
        assert_eq!(gz_enc, "gzip", "GET {path}: brotli refused");
        // The fixture's clock stands still: the same page, whatever the encoding.
        assert_eq!(plain, br, "GET {path}: brotli body differs");
        assert_eq!(plain, gz, "GET {path}: gzip body differs");
        assert_eq!(plain_tag, br_tag, "GET {path}: ETag differs by encoding");
        assert_eq!(plain_tag, gz_tag, "GET {path}: ETag differs by encoding");
    }
}
