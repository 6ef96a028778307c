//! Analytic pricing (placeholder until the analytic module lands).
