//! `scanwatch once`: one call, the summary (or the API's JSON body) on stdout, then exit.

use chrono::{Local, Utc};

use super::{exit, print_stdout, report_api_error};
use crate::cli::OnceArgs;
use crate::setup::Target;
use crate::summary;

/// Runs one fetch and prints it; returns the exit code.
pub async fn run(target: &Target, args: &OnceArgs) -> u8 {
    match target.client.latest_task().await {
        Ok(fetched) => {
            if args.json {
                let text = serde_json::to_string_pretty(&fetched.body).unwrap_or_default();
                print_stdout(&format!("{text}\n"));
            } else {
                print_stdout(&summary::render(&fetched.response, Utc::now(), &Local));
            }
            exit::OK
        }
        Err(error) => {
            report_api_error(&error);
            exit::API_ERROR
        }
    }
}
