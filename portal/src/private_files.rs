//! Private directories and files: everything the portal keeps on disk is its own and no
//! one else's. Every citizen's data, the attachment blobs and the private keys (the
//! provider's ID-token keys, the receipt keys) live in the data directory, so any other
//! local user who could read them could read every dossier, mint ID tokens and forge
//! receipts.
//!
//! The rules, applied here and nowhere else (so a new file cannot forget them):
//! - directories are created `0700` and files `0600` whatever the process umask (the mode
//!   is set explicitly after creation: a umask can only clear bits, and one that clears the
//!   owner's would leave a file the portal itself cannot write);
//! - an existing directory or file with wider modes (a data directory made by an earlier
//!   version, or by hand) is tightened, and the tightening is logged;
//! - like OpenSSH with a readable private key, the portal refuses to start on a key file
//!   that other users can read or write or that another user owns, and on a data directory
//!   other users can write to (they could have replaced any file in it): fixing those is
//!   the operator's decision, not something to paper over silently.
//!
//! On other platforms than Unix there are no such modes: files get the platform's default
//! access control (on Windows, the ACL inherited from the user's profile directory) and the
//! checks pass.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Mode of every directory the portal creates.
pub(crate) const DIR_MODE: u32 = 0o700;
/// Mode of every file the portal creates.
pub(crate) const FILE_MODE: u32 = 0o600;

/// A private file or directory that is not private, so the portal will not use it.
#[derive(Debug, thiserror::Error)]
pub enum PrivateFileError {
    /// A key file (or the key store) is readable or writable by other users.
    #[error(
        "{} holds private keys and is accessible to other users (mode {mode:04o}); anyone who \
         read it can sign as this portal. Run `chmod 600 {}`, consider rotating the keys, \
         and start again",
        path.display(),
        path.display()
    )]
    KeyFileExposed {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// A key file (or the key store) belongs to another user.
    #[error(
        "{} holds private keys and is owned by user {owner}, not by the user running the \
         portal ({me}). Run `chown {me} {}` (or run the portal as its owner) and start again",
        path.display(),
        path.display()
    )]
    KeyFileForeign {
        /// The file.
        path: PathBuf,
        /// Its owner's uid.
        owner: u32,
        /// The portal's effective uid.
        me: u32,
    },
    /// The data directory can be written by other users.
    #[error(
        "the data directory {} is writable by other users (mode {mode:04o}): they could have \
         replaced the database or the keys in it. Check its contents, run `chmod 700 {}`, \
         and start again",
        path.display(),
        path.display()
    )]
    DirectoryWritable {
        /// The directory.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The data directory belongs to another user.
    #[error(
        "the data directory {} is owned by user {owner}, not by the user running the portal \
         ({me}). Run `chown -R {me} {}` (or run the portal as its owner) and start again",
        path.display(),
        path.display()
    )]
    DirectoryForeign {
        /// The directory.
        path: PathBuf,
        /// Its owner's uid.
        owner: u32,
        /// The portal's effective uid.
        me: u32,
    },
    /// A file-system operation failed.
    #[error("{context} {}: {source}", path.display())]
    Io {
        /// What the portal was doing.
        context: &'static str,
        /// On which path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

impl From<PrivateFileError> for io::Error {
    fn from(error: PrivateFileError) -> io::Error {
        match error {
            PrivateFileError::Io { source, .. } => source,
            other => io::Error::other(other),
        }
    }
}

fn io_error(context: &'static str, path: &Path) -> impl FnOnce(io::Error) -> PrivateFileError {
    let path = path.to_owned();
    move |source| PrivateFileError::Io {
        context,
        path,
        source,
    }
}

/// The last component of a path, for logs: the data directory's own path may name a
/// person (a home directory), its entries never do.
fn shown(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Makes sure `dir` is the portal's data directory and private: creates it (and missing
/// parents) `0700`, refuses one that another user owns or other users can write to, and
/// tightens one that others can read or enter.
pub(crate) fn prepare_data_dir(dir: &Path) -> Result<(), PrivateFileError> {
    if !dir.is_dir() {
        return create_dir_all(dir);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let metadata =
            std::fs::metadata(dir).map_err(io_error("cannot inspect the data directory", dir))?;
        let me = effective_uid();
        if metadata.uid() != me {
            return Err(PrivateFileError::DirectoryForeign {
                path: dir.to_owned(),
                owner: metadata.uid(),
                me,
            });
        }
        let mode = metadata.mode() & 0o7777;
        if mode & 0o022 != 0 {
            return Err(PrivateFileError::DirectoryWritable {
                path: dir.to_owned(),
                mode,
            });
        }
    }
    tighten(dir, DIR_MODE)
}

/// Creates `dir` and its missing parents `0700`, and tightens `dir` itself to `0700` when
/// it exists with wider modes. For directories inside the data directory (the blobs).
pub(crate) fn create_dir_all(dir: &Path) -> Result<(), PrivateFileError> {
    if !dir.is_dir() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt as _;
            builder.mode(DIR_MODE);
        }
        builder
            .create(dir)
            .map_err(io_error("cannot create the directory", dir))?;
        // The umask may have cleared bits of the mode asked for; set it exactly.
        set_mode(dir, DIR_MODE).map_err(io_error("cannot set the mode of", dir))?;
        return Ok(());
    }
    tighten(dir, DIR_MODE)
}

/// Opens a file with `options`, creating it `0600` if the options create; an existing
/// file is tightened to `0600`. Every file the portal writes is opened through here (or
/// through [`create_empty`] for files SQLite opens).
pub(crate) fn open(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(FILE_MODE);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = file.metadata()?.permissions().mode() & 0o7777;
        if mode != FILE_MODE {
            file.set_permissions(std::fs::Permissions::from_mode(FILE_MODE))?;
            // A new file the umask narrowed is not news; an old file that was wider is.
            if mode & !FILE_MODE != 0 {
                tracing::info!(
                    file = shown(path),
                    from = format!("{mode:04o}"),
                    "tightened the mode of a file to 0600"
                );
            }
        }
    }
    Ok(file)
}

/// Makes sure `path` exists as a private file (created empty `0600`, or tightened), for a
/// file another library opens by name: SQLite creates its database files `0644` less the
/// umask, but keeps the mode of an existing one, and gives its `-wal` and `-shm` files the
/// mode of the database file.
pub(crate) fn create_empty(path: &Path) -> Result<(), PrivateFileError> {
    open(
        path,
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false),
    )
    .map(drop)
    .map_err(io_error("cannot create", path))
}

/// Tightens `path` to `mode` if it exists with other bits set, and logs that it did.
pub(crate) fn tighten(path: &Path, mode: u32) -> Result<(), PrivateFileError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let current = match std::fs::symlink_metadata(path) {
            Ok(metadata) if metadata.file_type().is_symlink() => return Ok(()),
            Ok(metadata) => metadata.permissions().mode() & 0o7777,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(io_error("cannot inspect", path)(error)),
        };
        if current != mode {
            set_mode(path, mode).map_err(io_error("cannot set the mode of", path))?;
            if current & !mode != 0 {
                tracing::warn!(
                    file = shown(path),
                    from = format!("{current:04o}"),
                    to = format!("{mode:04o}"),
                    "tightened the mode of a portal file that other users could access"
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Refuses a file holding private keys that another user owns or other users can read or
/// write (as OpenSSH refuses such a private key). A missing file passes: it is about to be
/// created private.
pub(crate) fn check_key_file(path: &Path) -> Result<(), PrivateFileError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(io_error("cannot inspect", path)(error)),
        };
        let me = effective_uid();
        if metadata.uid() != me {
            return Err(PrivateFileError::KeyFileForeign {
                path: path.to_owned(),
                owner: metadata.uid(),
                me,
            });
        }
        let mode = metadata.mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(PrivateFileError::KeyFileExposed {
                path: path.to_owned(),
                mode,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn effective_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode_of(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[cfg(unix)]
    #[test]
    fn directories_and_files_end_private_and_wide_ones_are_tightened_or_refused() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a").join("data");
        prepare_data_dir(&dir).unwrap();
        assert_eq!(mode_of(&dir), 0o700);
        assert_eq!(mode_of(&root.path().join("a")), 0o700);

        set_mode(&dir, 0o755).unwrap();
        prepare_data_dir(&dir).unwrap();
        assert_eq!(mode_of(&dir), 0o700, "a readable directory is tightened");

        set_mode(&dir, 0o775).unwrap();
        let error = prepare_data_dir(&dir).unwrap_err();
        assert!(matches!(
            error,
            PrivateFileError::DirectoryWritable { mode: 0o775, .. }
        ));
        assert!(error.to_string().contains("chmod 700"), "{error}");
        set_mode(&dir, 0o700).unwrap();

        let file = dir.join("f");
        create_empty(&file).unwrap();
        assert_eq!(mode_of(&file), 0o600);
        set_mode(&file, 0o644).unwrap();
        open(&file, OpenOptions::new().append(true)).unwrap();
        assert_eq!(mode_of(&file), 0o600, "an existing file is tightened");

        check_key_file(&file).unwrap();
        check_key_file(&dir.join("missing")).unwrap();
        for exposed in [0o640, 0o604, 0o602, 0o660] {
            set_mode(&file, exposed).unwrap();
            let error = check_key_file(&file).unwrap_err();
            assert!(
                matches!(error, PrivateFileError::KeyFileExposed { mode, .. } if mode == exposed)
            );
            assert!(error.to_string().contains("chmod 600"), "{error}");
        }
    }
}
