//! Criterion benchmarks of the hot paths: drawing a whole 120x40 frame with 10, 10,000 and 1,000,000 scanned
//! paths (a frame must cost the same whatever the list's length), signing a request, and decoding a response
//! with 10,000 paths. Run: `cargo bench --bench core`.

#[path = "common.rs"]
mod common;

use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use scanwatch::api::model::ScanResponse;
use scanwatch::api::signer::{Params, SigningInput, sign};
use scanwatch::app::Action;
use scanwatch::ui::{self, Theme};

fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render_120x40");
    for paths in [10, 10_000, 1_000_000] {
        let mut app = common::loaded_app(paths);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let theme = Theme { color: true };
        group.bench_with_input(BenchmarkId::from_parameter(paths), &paths, |b, _| {
            let mut tick = 0i64;
            b.iter(|| {
                // A new second each frame, as the dashboard's clock tick does, so the ages change and the frame
                // is really redrawn rather than diffed to nothing.
                tick += 1;
                app.update(Action::Tick(
                    DateTime::<Utc>::from_timestamp(1_795_000_600 + tick, 0).unwrap(),
                ));
                terminal
                    .draw(|f| {
                        black_box(ui::render(f, &app, theme));
                    })
                    .unwrap();
            });
        });
    }
    group.finish();
}

fn signing(c: &mut Criterion) {
    let time = DateTime::<Utc>::from_timestamp(1_704_067_200, 0).unwrap();
    c.bench_function("sign_request", |b| {
        b.iter(|| {
            let mut params = Params::new();
            params.insert("Action".into(), "GetVirusScanLatestTaskStatistic".into());
            params.insert("Version".into(), "2018-12-03".into());
            params.insert("Format".into(), "JSON".into());
            black_box(sign(
                params,
                &SigningInput {
                    method: "POST",
                    access_key_id: "LTAI5tExampleKeyId0001",
                    access_key_secret: "example-secret-for-benchmarks",
                    security_token: Some("example-sts-token"),
                    time,
                    nonce: "0123456789abcdef0123456789abcdef",
                },
            ))
        });
    });
}

fn parsing(c: &mut Criterion) {
    let bytes = serde_json::to_vec(&common::body(10_000)).unwrap();
    c.bench_function("parse_response_10000_paths", |b| {
        b.iter(|| black_box(ScanResponse::from_slice(black_box(&bytes)).unwrap()));
    });
}

criterion_group!(benches, render, signing, parsing);
criterion_main!(benches);
