use super::*;
use proptest::prelude::*;

const T0: i64 = 1_727_344_800;
const IT_REGIONS: [&str; 5] = ["IT-25", "IT-62", "IT-72", "IT-21", "IT-45"];

fn slug(s: &str) -> ServiceSlug {
    ServiceSlug::parse(s).unwrap()
}

fn region(id: &str) -> RegionId {
    RegionId::parse(id).unwrap()
}

/// The everyday mix of a bank (about a tenth SMS codes).
fn usual() -> ProblemMix {
    use ProblemKind::*;
    ProblemMix::from_counts([
        (Login, 200),
        (Balance, 100),
        (SmsVerification, 80),
        (Payments, 150),
        (Card, 100),
        (MobileApp, 170),
        (Website, 100),
        (Other, 100),
    ])
}

/// An incident with `n` reports, `share` of them `kind` and the rest spread like usual traffic.
fn mix(kind: ProblemKind, n: u64, share: f64) -> ProblemMix {
    let lead = (n as f64 * share).round() as u64;
    let mut m = ProblemMix::default();
    m.add(kind, lead);
    let rest = n - lead;
    for k in ProblemKind::ALL {
        m.add(k, rest / 8);
    }
    m
}

/// Reports spread evenly over `regions`.
fn spread(regions: &[&str], each: u64) -> Vec<(RegionId, u64)> {
    regions.iter().map(|r| (region(r), each)).collect()
}

fn candidate(service: &str, country: &str, start_min: i64, kind: ProblemKind) -> Candidate {
    Candidate {
        service: slug(service),
        outage_id: Some(start_min * 1000 + service.len() as i64),
        country: country.into(),
        started_at: T0 + start_min * 60,
        mix: mix(kind, 200, 0.7),
        usual: usual(),
        regions: spread(&IT_REGIONS, 20),
    }
}

const BANKS: [&str; 6] = [
    "intesa-sanpaolo",
    "unicredit",
    "banco-bpm",
    "bper-banca",
    "finecobank",
    "credem",
];

fn sms_at_italian_banks() -> Vec<Candidate> {
    BANKS
        .iter()
        .enumerate()
        .map(|(i, b)| candidate(b, "IT", i as i64 * 3, ProblemKind::SmsVerification))
        .collect()
}

fn members(g: &Group) -> Vec<&str> {
    g.members.iter().map(|m| m.service.as_str()).collect()
}

#[test]
fn sms_codes_failing_at_six_banks_are_one_group() {
    let out = group(&sms_at_italian_banks(), &[]);
    assert_eq!(out.groups.len(), 1, "{out:?}");
    let g = &out.groups[0];
    assert_eq!(g.problem, ProblemKind::SmsVerification);
    assert_eq!(g.country, "IT");
    assert_eq!(g.started_at, T0);
    assert_eq!(g.members.len(), 6);
    assert!(g.id.is_none());
}

#[test]
fn an_unrelated_outage_at_the_same_time_is_not_a_member() {
    let mut all = sms_at_italian_banks();
    // Its own login failure, in one region, starting amid the others.
    let mut own = candidate("banca-sella", "IT", 4, ProblemKind::Login);
    own.regions = spread(&["IT-21"], 40);
    all.push(own);
    let out = group(&all, &[]);
    assert_eq!(out.groups.len(), 1);
    assert!(!out.groups[0].has(&slug("banca-sella")), "{out:?}");
    assert_eq!(out.groups[0].members.len(), 6);
}

#[test]
fn the_same_problem_in_another_region_only_or_too_late_is_not_a_member() {
    let mut all = sms_at_italian_banks()[..3].to_vec();
    for c in &mut all {
        c.regions = spread(&["IT-25", "IT-45"], 30);
    }
    // SMS codes failing at a bank in Sicily only: its own SMS provider, not the Lombard one.
    let mut elsewhere = candidate("banca-sella", "IT", 2, ProblemKind::SmsVerification);
    elsewhere.regions = spread(&["IT-82"], 40);
    // SMS codes failing two hours later.
    let late = candidate("hype", "IT", 120, ProblemKind::SmsVerification);
    all.extend([elsewhere, late]);
    let out = group(&all, &[]);
    assert_eq!(out.groups.len(), 1);
    assert_eq!(
        members(&out.groups[0]),
        ["banco-bpm", "intesa-sanpaolo", "unicredit"]
    );
}

#[test]
fn groups_in_two_countries_stay_apart() {
    let mut all = sms_at_italian_banks()[..3].to_vec();
    for (i, b) in ["barclays", "lloyds-bank", "natwest"].iter().enumerate() {
        let mut c = candidate(b, "GB", i as i64, ProblemKind::SmsVerification);
        c.regions = spread(&["GB-ENG", "GB-SCT", "GB-WLS"], 20);
        all.push(c);
    }
    let out = group(&all, &[]);
    assert_eq!(out.groups.len(), 2, "{out:?}");
    for g in &out.groups {
        assert_eq!(g.members.len(), 3);
        let gb = g.country == "GB";
        assert!(
            g.members
                .iter()
                .all(
                    |m| ["barclays", "lloyds-bank", "natwest"].contains(&m.service.as_str()) == gb
                )
        );
    }
}

#[test]
fn two_services_or_a_usual_mix_are_not_a_group() {
    assert!(group(&sms_at_italian_banks()[..2], &[]).groups.is_empty());
    // Where SMS codes are always most of the reports, most SMS reports say nothing shared.
    let mut all = sms_at_italian_banks();
    for c in &mut all {
        c.usual = mix(ProblemKind::SmsVerification, 1000, 0.5);
    }
    assert!(group(&all, &[]).groups.is_empty());
    // Too few reports to read a mix from.
    let mut all = sms_at_italian_banks();
    for c in &mut all {
        c.mix = mix(ProblemKind::SmsVerification, 8, 1.0);
    }
    assert!(group(&all, &[]).groups.is_empty());
}

#[test]
fn elevated_services_join_but_do_not_form_a_group_alone() {
    let mut all = sms_at_italian_banks();
    for c in &mut all {
        c.outage_id = None;
    }
    assert!(group(&all, &[]).groups.is_empty());
    all[0].outage_id = Some(7);
    let out = group(&all, &[]);
    assert_eq!(out.groups[0].members.len(), 6);
}

#[test]
fn a_group_keeps_its_id_as_members_join_and_leave() {
    let all = sms_at_italian_banks();
    let mut first = group(&all[..3], &[]).groups;
    first[0].id = Some(41);
    // Two more join, one leaves.
    let mut next = all[1..5].to_vec();
    next[3].started_at = T0 + 25 * 60;
    let second = group(&next, &first);
    assert_eq!(second.groups.len(), 1);
    assert_eq!(second.groups[0].id, Some(41));
    assert_eq!(second.groups[0].started_at, T0);
    assert_eq!(
        members(&second.groups[0]),
        ["banco-bpm", "bper-banca", "finecobank", "unicredit"]
    );
    assert!(second.ended.is_empty());
    // Down to two: it lasts.
    let third = group(&next[2..], &second.groups);
    assert_eq!(third.groups[0].id, Some(41));
    assert_eq!(third.groups[0].members.len(), 2);
    // Down to one: it ends, and that member is free again.
    let fourth = group(&next[3..], &third.groups);
    assert!(fourth.groups.is_empty());
    assert_eq!(fourth.ended, [41]);
}

#[test]
fn a_member_whose_problem_changes_leaves() {
    let mut all = sms_at_italian_banks();
    let mut first = group(&all, &[]).groups;
    first[0].id = Some(3);
    all[0].mix = mix(ProblemKind::Login, 400, 0.8);
    let next = group(&all, &first);
    assert_eq!(next.groups[0].id, Some(3));
    assert!(!next.groups[0].has(&all[0].service));
    assert_eq!(next.groups[0].members.len(), 5);
}

#[test]
fn the_country_is_where_the_reports_come_from() {
    let amex = ["US".to_owned(), "GB".into(), "IT".into()];
    assert_eq!(
        incident_country(&amex, &spread(&IT_REGIONS, 10)).as_deref(),
        Some("IT")
    );
    assert_eq!(incident_country(&amex, &[]).as_deref(), Some("US"));
    let mixed = [spread(&["IT-25"], 3), spread(&["GB-ENG"], 3)].concat();
    assert_eq!(incident_country(&amex, &mixed).as_deref(), Some("US"));
}

#[test]
fn spreads() {
    assert_eq!(Spread::of(&spread(&["IT-25"], 4)), Spread::Unknown);
    assert_eq!(Spread::of(&spread(&IT_REGIONS, 10)), Spread::Nationwide);
    let mostly = [spread(&["IT-25"], 30), spread(&["IT-45", "IT-21"], 5)].concat();
    assert_eq!(Spread::of(&mostly), Spread::Local(vec![region("IT-25")]));
}

fn arb_candidate() -> impl Strategy<Value = Candidate> {
    (
        0usize..10,
        prop::sample::select(vec!["IT", "GB"]),
        0i64..90,
        prop::sample::select(ProblemKind::ALL.to_vec()),
        0.2f64..1.0,
        prop::sample::subsequence(IT_REGIONS.to_vec(), 0..=5),
        any::<bool>(),
    )
        .prop_map(|(n, country, start, kind, share, regions, outage)| {
            let mut c = candidate(&format!("bank-{n}"), country, start, kind);
            c.mix = mix(kind, 100, share);
            c.regions = spread(&regions, 10);
            c.outage_id = outage.then_some(n as i64);
            c
        })
}

fn arb_candidates() -> impl Strategy<Value = Vec<Candidate>> {
    prop::collection::vec(arb_candidate(), 0..12).prop_map(|mut v| {
        // One incident per service.
        v.sort_by(|a, b| a.service.cmp(&b.service));
        v.dedup_by(|a, b| a.service == b.service);
        v
    })
}

proptest! {
    #[test]
    fn groups_are_of_one_country_and_problem_at_once(all in arb_candidates()) {
        let out = group(&all, &[]);
        let mut seen = Vec::new();
        for g in &out.groups {
            prop_assert!(g.members.len() >= MIN_SIZE);
            prop_assert!(g.members.iter().any(|m| m.outage_id.is_some()));
            for m in &g.members {
                prop_assert!(!seen.contains(&m.service), "{} in two groups", m.service);
                seen.push(m.service.clone());
                let c = all.iter().find(|c| c.service == m.service).unwrap();
                prop_assert_eq!(&c.country, &g.country);
                prop_assert_eq!(c.standout(), Some(g.problem));
                prop_assert!((c.started_at - g.started_at).abs() <= SIMULTANEOUS_SECS);
            }
        }
    }

    #[test]
    fn grouping_again_keeps_every_group_and_its_id(all in arb_candidates()) {
        let mut first = group(&all, &[]).groups;
        for (i, g) in first.iter_mut().enumerate() {
            g.id = Some(i as i64 + 1);
        }
        let again = group(&all, &first);
        prop_assert!(again.ended.is_empty());
        prop_assert_eq!(again.groups, first);
    }

    #[test]
    fn an_outage_of_another_country_changes_no_group(all in arb_candidates(), start in 0i64..90) {
        let before = group(&all, &[]);
        let mut more = all.clone();
        let mut other = candidate("elsewhere", "FR", start, ProblemKind::SmsVerification);
        other.regions = spread(&["FR-IDF"], 30);
        more.push(other);
        prop_assert_eq!(group(&more, &[]), before);
    }
}
