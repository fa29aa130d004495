//! Trigonometry and logarithms for drawing (the ring, timer arcs, the speed slider's log scale).
//! In the browser they are the page's own `Math` functions: Rust's (libm's) `sin`, `cos`, `log10`
//! and `pow` with their argument reduction cost the start bundle about 4 KB gzipped, and a
//! drawing needs no bit-exact result. The engine never uses these (it must be deterministic);
//! native builds (the unit tests) use std.

#[cfg(target_arch = "wasm32")]
mod imp {
    use js_sys::Math;
    pub fn sin(x: f64) -> f64 {
        Math::sin(x)
    }
    pub fn cos(x: f64) -> f64 {
        Math::cos(x)
    }
    pub fn log10(x: f64) -> f64 {
        Math::log10(x)
    }
    pub fn pow(x: f64, y: f64) -> f64 {
        Math::pow(x, y)
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    pub fn sin(x: f64) -> f64 {
        x.sin()
    }
    pub fn cos(x: f64) -> f64 {
        x.cos()
    }
    pub fn log10(x: f64) -> f64 {
        x.log10()
    }
    pub fn pow(x: f64, y: f64) -> f64 {
        x.powf(y)
    }
}

pub use imp::*;
