//! SplitMix64 and the few distributions the generator draws from. Written
//! here rather than taken from `rand` so a seed gives the same corpus on
//! every platform and with every dependency version.

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, good enough for
/// synthetic text, and fully determined by its seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for one named thing (an official, an article), so that
    /// its draws do not depend on what was drawn before it.
    pub fn keyed(seed: u64, key: u64) -> Rng {
        Rng(mix(seed ^ mix(key.wrapping_add(0x5851_F42D_4C95_7F2D))))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 32).wrapping_mul(n as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A rank in `0..n` with Zipf-like popularity `P(rank = k) ~ 1 / (k + 1)^s`
    /// (`s != 1`), by inverting the continuous power law's distribution
    /// function: rank 0 is the most popular.
    pub fn zipf(&mut self, n: usize, s: f64) -> usize {
        let n = n.max(1) as f64;
        let a = 1.0 - s;
        let u = self.unit();
        let x = ((n + 1.0).powf(a) - 1.0).mul_add(u, 1.0).powf(1.0 / a);
        ((x - 1.0) as usize).min(n as usize - 1)
    }
}

/// The SplitMix64 output function, also used to hash keys.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
