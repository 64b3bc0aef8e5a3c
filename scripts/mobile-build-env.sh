# shellcheck shell=bash
# Environment for building the bindings library that ships in the apps, with the
# `release-mobile` profile and the `mobile` feature. Source it before
# `cargo build --profile release-mobile --features mobile -p motcua-ffi`, the
# `cargo ndk ...` build or the iOS builds (bindings/README.md):
#
#   source scripts/mobile-build-env.sh
#
# SQLite is compiled by libsqlite3-sys (rusqlite's `bundled` feature) with extensions the
# core never uses: full-text search (FTS3/FTS4/FTS5; the catalog search is the core's own
# index), R*Tree, the dbstat table, soundex() and STAT4 statistics (the core never runs
# ANALYZE), the JSON functions (the core's JSON is handled in Rust), loadable extensions,
# column metadata and declared types, UTF-16 APIs, incremental blob I/O, the deprecated and
# convenience APIs (get_table, complete), tracing, authorizers, shared cache, progress
# callbacks, compile-option queries, TCL variables, API argument checks and memory
# statistics (rusqlite is built without the features that would call them; a missing one
# would fail the link, not the app). Leaving them out saves about 350 KB of machine code
# (x86-64 Linux; docs/benchmarks.md, "Library size"). Only the mobile
# library is built without them: the core's search bench compares against FTS5 and keeps
# it. libsqlite3-sys reads LIBSQLITE3_FLAGS and appends them after its own -D flags, so
# -U undoes its defaults.
export LIBSQLITE3_FLAGS="-USQLITE_ENABLE_FTS3 -USQLITE_ENABLE_FTS3_PARENTHESIS -USQLITE_ENABLE_FTS5 \
-USQLITE_ENABLE_RTREE -USQLITE_ENABLE_DBSTAT_VTAB -USQLITE_SOUNDEX -USQLITE_ENABLE_STAT4 \
-USQLITE_ENABLE_COLUMN_METADATA -USQLITE_ENABLE_LOAD_EXTENSION -DSQLITE_OMIT_LOAD_EXTENSION \
-DSQLITE_OMIT_JSON -DSQLITE_OMIT_DEPRECATED -DSQLITE_OMIT_SHARED_CACHE \
-DSQLITE_OMIT_PROGRESS_CALLBACK -DSQLITE_DEFAULT_MEMSTATUS=0 -USQLITE_ENABLE_API_ARMOR \
-DSQLITE_OMIT_DECLTYPE -DSQLITE_OMIT_UTF16 -DSQLITE_OMIT_COMPLETE -DSQLITE_OMIT_GET_TABLE \
-DSQLITE_OMIT_INCRBLOB -DSQLITE_OMIT_COMPILEOPTION_DIAGS -DSQLITE_OMIT_TCL_VARIABLE \
-DSQLITE_OMIT_AUTHORIZATION -DSQLITE_OMIT_TRACE"

# Pack the library's relative relocations (bindings/build.rs): about 400 KB less per ABI,
# same code.
export MOTCUA_PACK_RELOCS=1
