//! Durable writes of the configuration file.
//!
//! Default: write a temp file in the same directory, fsync it, rename it over the
//! original, fsync the directory. A crash at any point leaves either the old or
//! the new file, never a truncated one. When the rename fails with `EBUSY` or
//! `EXDEV` (the file is a bind mount, as in Docker), we fall back to writing in
//! place (truncate + write + fsync); [`SaveMode::InPlace`] asks for that always.
//! Symlinks are followed so the link itself survives.

use std::{
    fmt,
    fs::{self, File, OpenOptions},
    io::{self, Write},
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use crate::ConfigError;

/// How a save reaches the disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SaveMode {
    /// Temp file + rename; in place only if the rename is impossible. Default.
    #[default]
    Atomic,
    /// Always truncate and rewrite the file itself (keeps the inode).
    InPlace,
}

/// Points inside a save where a test hook runs (to simulate a crash).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SavePhase {
    /// The temp file is written and fsynced; the original is untouched.
    TempWritten,
    /// The rename is about to happen. An error returned here is treated as the
    /// rename's own error, so tests can simulate `EBUSY`/`EXDEV`.
    Rename,
    /// The file is about to be truncated for an in-place write.
    BeforeInPlaceWrite,
}

/// A hook called at each [`SavePhase`]; returning an error aborts the save
/// right there without any clean-up, exactly as a crash would.
pub type SaveHook = Arc<dyn Fn(SavePhase) -> io::Result<()> + Send + Sync>;

/// Options for [`save_file`].
#[derive(Clone, Default)]
pub struct SaveOptions {
    /// Atomic (default) or in place.
    pub mode: SaveMode,
    /// Test hook; `None` in production.
    pub hook: Option<SaveHook>,
}

impl fmt::Debug for SaveOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SaveOptions")
            .field("mode", &self.mode)
            .field("hook", &self.hook.is_some())
            .finish()
    }
}

/// Writes `bytes` to `path` durably according to `opts`.
pub fn save_file(path: &Path, bytes: &[u8], opts: &SaveOptions) -> Result<(), ConfigError> {
    let target = resolve_symlink(path);
    let result = match opts.mode {
        SaveMode::InPlace => write_in_place(&target, bytes, opts),
        SaveMode::Atomic => match write_atomic(&target, bytes, opts) {
            Err(AtomicError::RenameImpossible(err)) => {
                tracing::debug!(file = %target.display(), error = %err,
                    "rename over the config file failed, writing in place");
                write_in_place(&target, bytes, opts)
            }
            Err(AtomicError::Io(err)) => Err(err),
            Ok(()) => Ok(()),
        },
    };
    result.map_err(|source| ConfigError::Write {
        file: path.to_path_buf(),
        source,
    })
}

/// Creates `path` with `bytes` only if it does not exist (`AlreadyExists` otherwise).
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    sync_dir(path);
    Ok(())
}

enum AtomicError {
    /// The rename cannot work for this file (bind mount, other device).
    RenameImpossible(io::Error),
    Io(io::Error),
}

impl From<io::Error> for AtomicError {
    fn from(err: io::Error) -> Self {
        Self::Io(err)
    }
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

fn write_atomic(path: &Path, bytes: &[u8], opts: &SaveOptions) -> Result<(), AtomicError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.yaml".to_owned());
    let temp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| -> io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        if let Ok(meta) = fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(err) = written {
        let _ = fs::remove_file(&temp);
        return Err(AtomicError::Io(err));
    }
    if let Some(hook) = &opts.hook {
        hook(SavePhase::TempWritten)?;
    }
    let renamed = match &opts.hook {
        Some(hook) => hook(SavePhase::Rename).and_then(|()| fs::rename(&temp, path)),
        None => fs::rename(&temp, path),
    };
    if let Err(err) = renamed {
        let _ = fs::remove_file(&temp);
        return Err(match err.kind() {
            io::ErrorKind::ResourceBusy | io::ErrorKind::CrossesDevices => {
                AtomicError::RenameImpossible(err)
            }
            _ => AtomicError::Io(err),
        });
    }
    sync_dir(path);
    Ok(())
}

fn write_in_place(path: &Path, bytes: &[u8], opts: &SaveOptions) -> io::Result<()> {
    if let Some(hook) = &opts.hook {
        hook(SavePhase::BeforeInPlaceWrite)?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn resolve_symlink(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Best-effort fsync of the directory holding `path`, so the rename is durable.
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(handle) = File::open(dir) {
            let _ = handle.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = (path, File::open);
}
