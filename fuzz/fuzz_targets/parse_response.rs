//! The response decoder must never panic, whatever bytes arrive; what it decodes must format without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scanwatch::api::model::ScanResponse;

fuzz_target!(|data: &[u8]| {
    if let Ok((response, body)) = ScanResponse::from_slice(data) {
        if let Some(task) = &response.task {
            let _ = scanwatch::summary::headline(task);
            if let Some(p) = task.progress_percent() {
                assert!((0.0..=100.0).contains(&p));
            }
        }
        let _ = serde_json::to_string_pretty(&body);
    }
});
