//! `uniffi-bindgen` at exactly the uniffi version the workspace links, so that the
//! generated Kotlin and Swift always match the library's scaffolding. Run through
//! `scripts/bindings.sh`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
