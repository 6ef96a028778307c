//! Helpers shared by the integration tests.
//!
//! Each test binary that says `mod util;` compiles all of it but uses only a
//! part, so unused items are allowed here rather than warned about per binary.

#[allow(dead_code)]
pub mod gpu;
#[allow(dead_code)]
pub mod report_data;
