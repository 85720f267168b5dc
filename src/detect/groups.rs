//! Incident groups: services in one country whose reports rise together with the same problem most
//! likely share a cause outside any of them (an SMS gateway, a telecom network, a card processor).
//! SMS codes failing at six Italian banks at once is one incident, not six, and readers are told so.
//!
//! Pure: the troubled services' incidents in (each with the mix of problems reported since its
//! start), groups out. The monitor reads the mixes from the counters and stores the groups.
//!
//! When two incidents are one:
//! - **same country**: a shared provider serves a national market (see [`incident_country`]);
//! - **simultaneous**: a member starts within [`SIMULTANEOUS_SECS`] of the group's first start
//!   (a gateway fails for everyone at once; banks' own releases do not line up to the half hour);
//! - **the same leading problem**, standing out: it holds at least [`MIN_TOP_SHARE`] of the
//!   incident's reports and [`ABOVE_USUAL`] times its usual share at that service (SMS codes are a
//!   tenth of everyday reports; a shared SMS failure makes them most of them);
//! - **the same mix**: cosine similarity of the incident's problem counts with the group's pooled
//!   counts at least [`MIN_COSINE`] (a login failure that also breaks SMS codes is not a gateway);
//! - **the same places**: where the reports come from overlaps, or either is spread nationwide (see
//!   [`Spread`]); an incident confined to one region joins only a group present there.
//!
//! A group forms with [`MIN_SIZE`] members (three coincidences at once are rare; two are not), at
//! least one of them an outage (elevated services may join: a shared cause reaches smaller banks as a
//! rise below the outage bar), and lasts while [`KEEP_SIZE`] of them still match. It keeps its id
//! while it lasts, as members join and leave.

use crate::domain::{ProblemKind, RegionId, ServiceSlug};
use std::collections::BTreeMap;

/// Members needed to form a group.
pub const MIN_SIZE: usize = 3;
/// Members a group needs to last.
pub const KEEP_SIZE: usize = 2;
/// How far after a group's first start another incident may start and still be "at once".
pub const SIMULTANEOUS_SECS: i64 = 30 * 60;
/// The leading problem's least share of an incident's reports.
pub const MIN_TOP_SHARE: f64 = 0.4;
/// How many times its usual share the leading problem must hold.
pub const ABOVE_USUAL: f64 = 2.0;
/// Least cosine similarity of an incident's problem counts with the group's.
pub const MIN_COSINE: f64 = 0.8;
/// Reports an incident needs before its mix says anything.
pub const MIN_REPORTS: u64 = 10;
/// Located reports below which an incident's places are unknown (and do not keep it out).
const MIN_LOCATED: u64 = 5;
/// An incident is nationwide when no region holds this share of its located reports and it is
/// reported from at least [`NATIONWIDE_REGIONS`] regions.
const NATIONWIDE_TOP_SHARE: f64 = 0.5;
const NATIONWIDE_REGIONS: usize = 3;
/// A region is one of an incident's places when it holds this share of its located reports.
const PLACE_SHARE: f64 = 0.15;

/// Reports per problem kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProblemMix([u64; ProblemKind::ALL.len()]);

impl ProblemMix {
    pub fn from_counts(counts: impl IntoIterator<Item = (ProblemKind, u64)>) -> Self {
        let mut mix = Self::default();
        for (kind, n) in counts {
            mix.add(kind, n);
        }
        mix
    }

    pub fn add(&mut self, kind: ProblemKind, n: u64) {
        self.0[kind.index()] += n;
    }

    pub fn get(&self, kind: ProblemKind) -> u64 {
        self.0[kind.index()]
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// `kind`'s share of the reports; `None` without reports.
    pub fn share(&self, kind: ProblemKind) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| self.get(kind) as f64 / total as f64)
    }

    /// Kinds with reports, most first (ties in [`ProblemKind::ALL`] order).
    pub fn ranked(&self) -> Vec<(ProblemKind, u64)> {
        let mut out: Vec<(ProblemKind, u64)> = ProblemKind::ALL
            .into_iter()
            .map(|k| (k, self.get(k)))
            .filter(|&(_, n)| n > 0)
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// The most reported kind.
    pub fn top(&self) -> Option<ProblemKind> {
        self.ranked().first().map(|&(k, _)| k)
    }

    /// Cosine similarity of the two mixes as vectors (0 when either is empty).
    pub fn cosine(&self, other: &Self) -> f64 {
        let dot: f64 = self
            .0
            .iter()
            .zip(&other.0)
            .map(|(&a, &b)| a as f64 * b as f64)
            .sum();
        let norm = |m: &Self| m.0.iter().map(|&a| (a as f64).powi(2)).sum::<f64>().sqrt();
        let d = norm(self) * norm(other);
        if d == 0.0 { 0.0 } else { dot / d }
    }
}

/// A service with a problem now, as the grouping sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub service: ServiceSlug,
    /// Its open outage; `None` for a service whose reports are only elevated.
    pub outage_id: Option<i64>,
    /// Where the incident is felt (see [`incident_country`]).
    pub country: String,
    /// The outage's start, or when the service became elevated.
    pub started_at: i64,
    /// Reports per problem since `started_at`.
    pub mix: ProblemMix,
    /// The service's usual reports per problem (before the incident).
    pub usual: ProblemMix,
    /// Located reports per region since `started_at`.
    pub regions: Vec<(RegionId, u64)>,
}

impl Candidate {
    /// The problem that stands out in this incident, if one does.
    pub fn standout(&self) -> Option<ProblemKind> {
        if self.mix.total() < MIN_REPORTS {
            return None;
        }
        let top = self.mix.top()?;
        let share = self.mix.share(top)?;
        // Without a usual mix (a new service), every kind is taken as equally usual.
        let usual = self
            .usual
            .share(top)
            .unwrap_or(1.0 / ProblemKind::ALL.len() as f64);
        (share >= MIN_TOP_SHARE && share >= ABOVE_USUAL * usual).then_some(top)
    }
}

/// Where an incident's reports come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spread {
    /// Too few located reports to tell.
    Unknown,
    /// Many regions, none with most of the reports.
    Nationwide,
    /// Concentrated: the regions holding a fair share of the reports.
    Local(Vec<RegionId>),
}

impl Spread {
    pub fn of(regions: &[(RegionId, u64)]) -> Self {
        let located: u64 = regions.iter().map(|r| r.1).sum();
        if located < MIN_LOCATED {
            return Spread::Unknown;
        }
        let top = regions.iter().map(|r| r.1).max().unwrap_or(0);
        let present = regions.iter().filter(|r| r.1 > 0).count();
        if (top as f64) < NATIONWIDE_TOP_SHARE * located as f64 && present >= NATIONWIDE_REGIONS {
            return Spread::Nationwide;
        }
        let mut places: Vec<RegionId> = regions
            .iter()
            .filter(|r| r.1 as f64 >= PLACE_SHARE * located as f64)
            .map(|r| r.0.clone())
            .collect();
        places.sort();
        Spread::Local(places)
    }

    /// Whether two incidents are felt in the same places: unknown places never keep one out; a local
    /// incident matches a nationwide one or a local one only where it is felt.
    fn meets(&self, other: &Spread) -> bool {
        match (self, other) {
            (Spread::Unknown, _) | (_, Spread::Unknown) => true,
            (Spread::Nationwide, Spread::Nationwide) => true,
            (Spread::Local(a), Spread::Local(b)) => a.iter().any(|r| b.contains(r)),
            // A nationwide group is felt in the local incident's region as well; a nationwide
            // incident may grow a local group.
            (Spread::Nationwide, Spread::Local(_)) | (Spread::Local(_), Spread::Nationwide) => true,
        }
    }
}

/// The country where an incident is felt: among the service's `countries`, the one whose regions
/// (ISO 3166-2 codes start with the country's code) hold most of its located reports; else its main
/// country. An international card's outage in Italy is grouped with Italian banks.
pub fn incident_country(countries: &[String], regions: &[(RegionId, u64)]) -> Option<String> {
    let mut per: BTreeMap<&str, u64> = BTreeMap::new();
    for (region, n) in regions {
        if let Some(c) = countries
            .iter()
            .find(|c| region.as_str().starts_with(c.as_str()))
        {
            *per.entry(c.as_str()).or_default() += n;
        }
    }
    let located: u64 = per.values().sum();
    per.into_iter()
        .max_by_key(|&(c, n)| (n, std::cmp::Reverse(c)))
        .filter(|&(_, n)| located >= MIN_LOCATED && n * 2 > located)
        .map(|(c, _)| c.to_owned())
        .or_else(|| countries.first().cloned())
}

/// A member of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub service: ServiceSlug,
    pub outage_id: Option<i64>,
    pub started_at: i64,
}

/// Incidents at several services named as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Its stored id; `None` for a group formed in this pass (the store gives it one).
    pub id: Option<i64>,
    pub country: String,
    /// The problem its members share.
    pub problem: ProblemKind,
    /// The start of the incident it formed around: "at once" is measured from here.
    pub started_at: i64,
    /// The member the others are compared with: the one it formed around while that one lasts.
    pub anchor: ServiceSlug,
    /// By service.
    pub members: Vec<Member>,
}

impl Group {
    pub fn has(&self, service: &ServiceSlug) -> bool {
        self.members.iter().any(|m| &m.service == service)
    }
}

/// What one grouping pass decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grouping {
    /// The groups going on: those of `previous` that last (same id), then new ones.
    pub groups: Vec<Group>,
    /// Ids of `previous` groups that ended.
    pub ended: Vec<i64>,
}

/// Whether `c` is one incident with `reference`'s, in `country` with `problem` standing out
/// (its start is checked apart: members stay while their incident lasts). Comparing with one
/// reference, not with a pool that grows, makes membership independent of the order of arrival.
fn matches(reference: &Candidate, country: &str, problem: ProblemKind, c: &Candidate) -> bool {
    c.country == country
        && c.standout() == Some(problem)
        && c.mix.cosine(&reference.mix) >= MIN_COSINE
        && Spread::of(&c.regions).meets(&Spread::of(&reference.regions))
}

fn simultaneous(started_at: i64, c: &Candidate) -> bool {
    (c.started_at - started_at).abs() <= SIMULTANEOUS_SECS
}

fn member(c: &Candidate) -> Member {
    Member {
        service: c.service.clone(),
        outage_id: c.outage_id,
        started_at: c.started_at,
    }
}

/// Takes the candidates of `free` that `keep` accepts out of it, in order.
fn take<'a>(
    free: &mut Vec<&'a Candidate>,
    keep: impl Fn(&Candidate) -> bool,
) -> Vec<&'a Candidate> {
    let (taken, rest) = free.iter().partition(|c| keep(c));
    *free = rest;
    taken
}

fn by_start(a: &&Candidate, b: &&Candidate) -> std::cmp::Ordering {
    (a.started_at, &a.service).cmp(&(b.started_at, &b.service))
}

/// Groups the `candidates` (one per troubled service), continuing the `previous` pass's groups.
///
/// Each previous group, oldest first, keeps its members that still match its anchor (or, when the
/// anchor no longer does, its earliest member that still shows the group's problem, which becomes
/// the anchor) and takes newcomers that started at once with it and match; it ends when fewer than
/// [`KEEP_SIZE`] remain. The candidates left form new groups, earliest start first: each around
/// one incident, with every other that started within [`SIMULTANEOUS_SECS`] of it and matches it,
/// when they are at least [`MIN_SIZE`] with an outage among them. Grouping the same candidates
/// again with its own result gives that result back.
pub fn group(candidates: &[Candidate], previous: &[Group]) -> Grouping {
    let mut free: Vec<&Candidate> = candidates.iter().collect();
    free.sort_by(by_start);
    let mut out = Grouping::default();
    let mut previous: Vec<&Group> = previous.iter().collect();
    previous.sort_by_key(|g| g.id);
    for old in previous {
        let shows = |c: &Candidate| c.country == old.country && c.standout() == Some(old.problem);
        let stayers: Vec<&Candidate> = free
            .iter()
            .copied()
            .filter(|c| old.has(&c.service))
            .collect();
        let reference = stayers
            .iter()
            .find(|c| c.service == old.anchor && shows(c))
            .or_else(|| stayers.iter().find(|c| shows(c)))
            .copied();
        let members = match reference {
            Some(r) => take(&mut free, |c| {
                matches(r, &old.country, old.problem, c)
                    && (old.has(&c.service) || simultaneous(old.started_at, c))
            }),
            None => Vec::new(),
        };
        match reference {
            Some(r) if members.len() >= KEEP_SIZE => {
                let mut members: Vec<Member> = members.into_iter().map(member).collect();
                members.sort_by(|a, b| a.service.cmp(&b.service));
                out.groups.push(Group {
                    id: old.id,
                    country: old.country.clone(),
                    problem: old.problem,
                    started_at: old.started_at,
                    anchor: r.service.clone(),
                    members,
                });
            }
            _ => {
                free.extend(members);
                free.sort_by(by_start);
                out.ended.extend(old.id);
            }
        }
    }
    let mut seed = 0;
    while seed < free.len() {
        let first = free[seed];
        let formed = first.standout().and_then(|problem| {
            let members: Vec<&Candidate> = free
                .iter()
                .copied()
                .filter(|c| simultaneous(first.started_at, c))
                .filter(|c| matches(first, &first.country, problem, c))
                .collect();
            let has_outage = members.iter().any(|c| c.outage_id.is_some());
            (members.len() >= MIN_SIZE && has_outage).then_some(problem)
        });
        let Some(problem) = formed else {
            seed += 1;
            continue;
        };
        let members = take(&mut free, |c| {
            simultaneous(first.started_at, c) && matches(first, &first.country, problem, c)
        });
        let mut members: Vec<Member> = members.into_iter().map(member).collect();
        members.sort_by(|a, b| a.service.cmp(&b.service));
        out.groups.push(Group {
            id: None,
            country: first.country.clone(),
            problem,
            started_at: first.started_at,
            anchor: first.service.clone(),
            members,
        });
        // Members before the seed were taken too: start again from the first left.
        seed = 0;
    }
    out
}

#[cfg(test)]
mod tests;
