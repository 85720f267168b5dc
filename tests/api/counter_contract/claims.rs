//! The counter store contract, part two: admission of claims (de-duplication and its time to live),
//! the bound on what one network adds, rate limits per network, and an empty claim.

use super::{Ttl, claim_from, claim_reporters, real_now};
use downtally::counts::{Claim, CountStore, NetworkBound, RateLimit, Verdict};
use downtally::domain::NetworkKey;
use std::time::Duration;

pub(super) async fn claims<S: CountStore>(store: &S, svc: &str, ttl_mode: Ttl) {
    let now = real_now();
    let other = format!("{svc}-other");
    let c = |s: &str, r: &str| (s.to_owned(), r.to_owned());
    let ttl = 900;
    assert_eq!(
        claim_reporters(store, &[c(svc, "alice")], now, ttl)
            .await
            .unwrap(),
        [true],
        "first claim wins"
    );
    assert_eq!(
        claim_reporters(
            store,
            &[c(svc, "alice"), c(svc, "bob"), c(&other, "alice")],
            now + 1,
            ttl
        )
        .await
        .unwrap(),
        [false, true, true],
        "a live claim loses; another reporter or another service wins"
    );
    assert_eq!(
        claim_reporters(
            store,
            &[
                c(svc, "carol"),
                c(svc, "carol"),
                c(svc, "dave"),
                c(svc, "carol")
            ],
            now + 2,
            ttl
        )
        .await
        .unwrap(),
        [true, false, true, false],
        "within one call a repeated pair wins only the first time"
    );
    // Concurrent claims for one reporter: exactly one wins.
    let erin = [c(svc, "erin")];
    let attempts = (0..8).map(|_| claim_reporters(store, &erin, now, ttl));
    let wins = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .filter(|r| r.as_ref().unwrap()[0])
        .count();
    assert_eq!(wins, 1);

    // Claims expire after their time to live.
    match ttl_mode {
        Ttl::Logical => {
            assert_eq!(
                claim_reporters(store, &[c(svc, "alice")], now + ttl - 1, ttl)
                    .await
                    .unwrap(),
                [false],
                "still claimed one second before expiry"
            );
            assert_eq!(
                claim_reporters(store, &[c(svc, "alice")], now + ttl, ttl)
                    .await
                    .unwrap(),
                [true],
                "free again once the ttl has passed"
            );
            assert_eq!(
                claim_reporters(store, &[c(svc, "alice")], now + ttl + 1, ttl)
                    .await
                    .unwrap(),
                [false],
                "and claimed anew"
            );
        }
        Ttl::RealSeconds => {
            // Redis counts a claim's life in real seconds (SET NX EX): use a one-second claim.
            let r = c(svc, "frank");
            assert_eq!(
                claim_reporters(store, std::slice::from_ref(&r), now, 1)
                    .await
                    .unwrap(),
                [true]
            );
            assert_eq!(
                claim_reporters(store, std::slice::from_ref(&r), now, 1)
                    .await
                    .unwrap(),
                [false]
            );
            tokio::time::sleep(Duration::from_millis(1_100)).await;
            assert_eq!(
                claim_reporters(store, std::slice::from_ref(&r), now, 1)
                    .await
                    .unwrap(),
                [true],
                "free again after its second"
            );
        }
    }
}

/// What one network adds is bounded (`counts/admission.rs`): the same answers from both stores.
pub(crate) async fn network_bound<S: CountStore>(store: &S, svc: &str) {
    let now = real_now();
    let bound = NetworkBound::default();
    let flood: Vec<Claim> = (0..20)
        .map(|i| claim_from(svc, &format!("flood{i}"), "one-net"))
        .collect();
    let verdicts = store.admit(&flood, now, 900, &bound).await.unwrap();
    let counted: Vec<bool> = verdicts.iter().map(|v| v.counted()).collect();
    assert_eq!(
        counted,
        (0..20).map(|i| i < 4).collect::<Vec<_>>(),
        "a network alone on a quiet service adds the base, in order"
    );
    assert_eq!(
        verdicts[0],
        Verdict::Counted {
            first_of_network: true
        }
    );
    assert_eq!(
        verdicts[1],
        Verdict::Counted {
            first_of_network: false
        }
    );
    assert_eq!(verdicts[4], Verdict::NetworkBound);
    // A repeat is a repeat before it is over the bound.
    let again = store
        .admit(&[claim_from(svc, "flood0", "one-net")], now, 900, &bound)
        .await
        .unwrap();
    assert_eq!(again, [Verdict::Repeat]);
    // A crowd from 200 other networks lifts the bound to 5 % of them: 10.
    let crowd: Vec<Claim> = (0..200)
        .map(|i| claim_from(svc, &format!("crowd{i}"), &format!("net{i}")))
        .collect();
    let crowd_verdicts = store.admit(&crowd, now + 1, 900, &bound).await.unwrap();
    assert!(crowd_verdicts.iter().all(|v| *v
        == Verdict::Counted {
            first_of_network: true
        }));
    let more: Vec<Claim> = (20..40)
        .map(|i| claim_from(svc, &format!("flood{i}"), "one-net"))
        .collect();
    let more = store.admit(&more, now + 2, 900, &bound).await.unwrap();
    assert_eq!(
        more.iter().filter(|v| v.counted()).count(),
        6,
        "four counted before, ten allowed now"
    );
    // A released admission gives its place back.
    let released = claim_from(svc, "flood20", "one-net");
    store
        .release(std::slice::from_ref(&released), now + 2, &bound)
        .await
        .unwrap();
    let retry = store
        .admit(&[released], now + 3, 900, &bound)
        .await
        .unwrap();
    assert!(retry[0].counted(), "{retry:?}");
    // Other services do not share the allowance.
    let elsewhere = store
        .admit(
            &[claim_from(&format!("{svc}-b"), "flood30", "one-net")],
            now,
            900,
            &bound,
        )
        .await
        .unwrap();
    assert!(elsewhere[0].counted());
}

/// Token buckets per network: a burst, then refusals with the time to wait, refilled over time.
pub(crate) async fn rate_limits<S: CountStore>(store: &S, prefix: &str) {
    let limit = RateLimit {
        burst: 5.0,
        per_minute: 60.0,
    };
    let net = NetworkKey::from_hex(format!("{prefix}-net"));
    let other = NetworkKey::from_hex(format!("{prefix}-other"));
    let t = real_now() * 1000;
    let batch = vec![net.clone(); 7];
    let waits = store.take_tokens(&batch, t, &limit).await.unwrap();
    assert_eq!(&waits[..5], &[None; 5], "the burst passes");
    assert_eq!(&waits[5..], &[Some(1), Some(1)], "then a second to wait");
    let other_waits = store.take_tokens(&[other], t, &limit).await.unwrap();
    assert_eq!(other_waits, [None], "other networks are not limited");
    let later = store
        .take_tokens(std::slice::from_ref(&net), t + 1_000, &limit)
        .await
        .unwrap();
    assert_eq!(later, [None], "a token a second");
    let after = store.take_tokens(&[net], t + 1_000, &limit).await.unwrap();
    assert_eq!(after, [Some(1)]);

    // One batch, networks interleaved (keys starting with different hex digits, as real network
    // keys do, fall in different groups of the Redis store): each answer is its own request's.
    let nets: Vec<NetworkKey> = (0..3)
        .map(|d| NetworkKey::from_hex(format!("{:x}{prefix}-mixed", d * 5)))
        .collect();
    let order = [0, 1, 0, 2, 1, 0, 0, 0, 0, 0, 2, 1];
    let batch: Vec<NetworkKey> = order.iter().map(|&i| nets[i].clone()).collect();
    let waits = store.take_tokens(&batch, t, &limit).await.unwrap();
    let mut taken = [0; 3];
    for (&i, wait) in order.iter().zip(&waits) {
        taken[i] += 1;
        let expected = (taken[i] > 5).then_some(1);
        assert_eq!(
            *wait, expected,
            "request {} of network {i}: {waits:?}",
            taken[i]
        );
    }
}

/// Claiming nobody answers nothing (and is not an error).
pub(crate) async fn empty_claims<S: CountStore>(store: &S) {
    let claimed = claim_reporters(store, &[], real_now(), 900)
        .await
        .expect("an empty claim");
    assert!(claimed.is_empty());
}
