//! Prometheus metrics, served as text at `/metrics`.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub reports_accepted: IntCounterVec,
    pub reports_rejected: IntCounterVec,
    pub request_seconds: HistogramVec,
    pub counter_store_errors: IntCounterVec,
    pub intake_batch_size: prometheus::Histogram,
    // Webhooks (webhooks/): attempts by outcome, deliveries queued, the queue, latency, disabled.
    pub webhook_deliveries: IntCounterVec,
    pub webhook_queued: IntCounterVec,
    pub webhook_queue_depth: prometheus::IntGauge,
    pub webhook_latency: prometheus::Histogram,
    pub webhook_disabled: prometheus::IntCounter,
    /// 1 while this node holds the monitor's lease (`monitor/leadership.rs`), else 0.
    pub monitor_leader: prometheus::IntGauge,
    /// 1 while the counter store answers, 0 while its circuit breaker is open (`counts/health.rs`).
    pub counter_store_up: prometheus::IntGauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new_custom(Some("downtally".into()), None)
            .expect("static registry prefix is valid");
        let reports_accepted = IntCounterVec::new(
            Opts::new(
                "reports_accepted_total",
                "Reports stored, by whether they were counted and why not (repeat: the reporter counted in the last 15 minutes; network_bound: its network had added all it may)",
            ),
            &["counted", "reason"],
        )
        .expect("valid metric");
        let reports_rejected = IntCounterVec::new(
            Opts::new("reports_rejected_total", "Reports refused, by reason"),
            &["reason"],
        )
        .expect("valid metric");
        let request_seconds = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency").buckets(
                vec![
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ],
            ),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let counter_store_errors = IntCounterVec::new(
            Opts::new(
                "counter_store_errors_total",
                "Failed counter store operations",
            ),
            &["operation"],
        )
        .expect("valid metric");
        let intake_batch_size = prometheus::Histogram::with_opts(
            HistogramOpts::new("intake_batch_size", "Reports committed per SQL transaction")
                .buckets(vec![
                    1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0,
                ]),
        )
        .expect("valid metric");
        for c in [&reports_accepted, &reports_rejected, &counter_store_errors] {
            registry
                .register(Box::new(c.clone()))
                .expect("unique metric");
        }
        registry
            .register(Box::new(request_seconds.clone()))
            .expect("unique metric");
        registry
            .register(Box::new(intake_batch_size.clone()))
            .expect("unique metric");
        let webhook_deliveries = IntCounterVec::new(
            Opts::new(
                "webhook_delivery_attempts_total",
                "Webhook delivery attempts, by outcome (delivered, http_5xx, http_other, timeout, connect, address_refused, challenge_failed, gone, sealed, failed, enqueue_failed)",
            ),
            &["outcome"],
        )
        .expect("valid metric");
        let webhook_queued = IntCounterVec::new(
            Opts::new(
                "webhook_deliveries_queued_total",
                "Webhook deliveries queued, by event",
            ),
            &["event"],
        )
        .expect("valid metric");
        let webhook_queue_depth = prometheus::IntGauge::new(
            "webhook_queue_depth",
            "Webhook deliveries waiting (pending), counted every 15 s",
        )
        .expect("valid metric");
        let webhook_latency = prometheus::Histogram::with_opts(
            HistogramOpts::new(
                "webhook_delivery_seconds",
                "From an outage event being queued to its delivery",
            )
            .buckets(vec![
                0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 60.0, 600.0, 3600.0,
            ]),
        )
        .expect("valid metric");
        let webhook_disabled = prometheus::IntCounter::new(
            "webhook_subscriptions_disabled_total",
            "Webhook subscriptions disabled (24 hours of failures, 410 Gone, wrong codes)",
        )
        .expect("valid metric");
        for c in [&webhook_deliveries, &webhook_queued] {
            registry
                .register(Box::new(c.clone()))
                .expect("unique metric");
        }
        registry
            .register(Box::new(webhook_queue_depth.clone()))
            .expect("unique metric");
        registry
            .register(Box::new(webhook_latency.clone()))
            .expect("unique metric");
        registry
            .register(Box::new(webhook_disabled.clone()))
            .expect("unique metric");
        let monitor_leader = prometheus::IntGauge::new(
            "monitor_leader",
            "1 while this node holds the monitor's lease and runs the monitor (and counter rebuilds), else 0",
        )
        .expect("valid metric");
        registry
            .register(Box::new(monitor_leader.clone()))
            .expect("unique metric");
        let counter_store_up = prometheus::IntGauge::new(
            "counter_store_up",
            "1 while the counter store answers; 0 while it is unreachable and this node counts on its own memory (reports are still stored; counters are repaired from SQL when it returns)",
        )
        .expect("valid metric");
        counter_store_up.set(1);
        registry
            .register(Box::new(counter_store_up.clone()))
            .expect("unique metric");
        Self {
            counter_store_up,
            monitor_leader,
            webhook_deliveries,
            webhook_queued,
            webhook_queue_depth,
            webhook_latency,
            webhook_disabled,
            registry,
            reports_accepted,
            reports_rejected,
            request_seconds,
            counter_store_errors,
            intake_batch_size,
        }
    }

    pub fn reject(&self, reason: &str) {
        self.reports_rejected.with_label_values(&[reason]).inc();
    }

    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut buf)
            .expect("text encoding into a Vec cannot fail");
        String::from_utf8(buf).expect("prometheus text is UTF-8")
    }
}
