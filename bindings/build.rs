//! Packs the library's relative relocations when building the library that ships
//! (`MOTCUA_PACK_RELOCS=1`, set by `scripts/mobile-build-env.sh`). A position-independent
//! library carries one 24-byte relocation per pointer in its data (vtables, panic
//! locations, string tables): about 18,000 here, 440 KB. Packed, the dynamic loader reads
//! the same relocations from a few kilobytes; the code is unchanged.
//!
//! - Android (lld from the NDK): Android's packed format, read by the loader from API 23
//!   (the apps' minSdk is 26). RELR would need API 28 with Android's tags.
//! - Linux with glibc (the host library of the JVM tests and benchmarks): standard RELR;
//!   needs lld (rustc's default linker on x86-64 Linux) or GNU ld 2.38+, and glibc 2.36+.
//! - Apple platforms: nothing to do (the library is static; Xcode's linker lays out the
//!   app).
//!
//! Debug builds and builds without the variable are left alone, so an older host
//! toolchain still builds the tests.

fn main() {
    println!("cargo:rerun-if-env-changed=MOTCUA_PACK_RELOCS");
    if std::env::var("MOTCUA_PACK_RELOCS").as_deref() != Ok("1") {
        return;
    }
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    match (os.as_str(), env.as_str()) {
        ("android", _) => println!("cargo:rustc-link-arg-cdylib=-Wl,--pack-dyn-relocs=android"),
        ("linux", "gnu") => println!("cargo:rustc-link-arg-cdylib=-Wl,-z,pack-relative-relocs"),
        _ => {}
    }
}
