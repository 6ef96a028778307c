//! Trading costs: commissions and half bid-ask spreads, shared by both books.

/// Half the bid-ask spread of an option priced at `price` (mid, points):
/// `max(min, frac * price)`, in the same points.
#[must_use]
pub fn half_spread(price: f64, min: f64, frac: f64) -> f64 {
    min.max(frac * price)
}

/// Cost of trading one option leg, USD: `qty` contracts, each paying `commission`
/// USD and crossing half the spread of a mid `price` (points) at `multiplier` USD per point.
#[must_use]
pub fn option_leg_cost(
    qty: f64,
    price: f64,
    commission: f64,
    half_spread_min: f64,
    half_spread_frac: f64,
    multiplier: f64,
) -> f64 {
    qty * (commission + half_spread(price, half_spread_min, half_spread_frac) * multiplier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_binds_for_cheap_options_and_fraction_for_dear_ones() {
        assert_eq!(half_spread(1.0, 0.05, 0.02), 0.05);
        assert!((half_spread(10.0, 0.05, 0.02) - 0.2).abs() < 1e-15);
        // 3 contracts of a 10-point option: 3 x (1.10 + 0.20 x 100) = 63.30 USD.
        assert!((option_leg_cost(3.0, 10.0, 1.10, 0.05, 0.02, 100.0) - 63.3).abs() < 1e-9);
    }
}
