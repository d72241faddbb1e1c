//! User Timing measures of the waits of a renewal (`performance.measure`): they show in the browser's
//! performance panel, and the benchmark reads them to say where a slow renewal spent its time.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/browser/io.js")]
extern "C" {
    /// `performance.now()`, in milliseconds.
    #[wasm_bindgen(js_name = performanceNow)]
    pub(crate) fn now() -> f64;
    /// A measure named `name` from `start` (a [`now`]) to now.
    pub(crate) fn measure(name: &str, start: f64);
}
