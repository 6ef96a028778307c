//! Helpers shared by the integration tests.

pub mod report_data;
