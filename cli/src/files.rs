//! The CLI's files: the data directory and private writes into it.

use std::path::{Path, PathBuf};

/// Writes `bytes` to `file` in `data_dir`, both private whatever the umask: the directory
/// `0700` (it holds the core's store, the profile's personal data, which on a desktop only
/// these modes keep from other local users; the core tightens it too when it opens its
/// store), the file `0600`.
pub(crate) fn write_private(data_dir: &Path, file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
        builder.mode(0o700);
        options.mode(0o600);
    }
    builder.create(data_dir)?;
    let mut handle = options.open(file)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // An existing file keeps its mode through open: tighten one an older CLI left.
        handle.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    handle.write_all(bytes)
}

/// The data directory given, or the user's default one.
pub fn data_dir_or_default(data_dir: Option<PathBuf>) -> PathBuf {
    data_dir.unwrap_or_else(default_data_dir)
}

fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(dir).join("motcua");
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".local/share/motcua"),
        None => PathBuf::from(".motcua"),
    }
}
