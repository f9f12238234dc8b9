//! `main.log` with size-based rotation, as the original: at 10 MB the file is renamed to
//! `main-<YYYY-MM-DDTHH-MM-SS.mmm>.log` and a fresh `main.log` is started.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Name of the active application log file.
pub const MAIN_LOG: &str = "main.log";
/// Size at which `main.log` is rotated.
pub const ROTATE_AT_BYTES: u64 = 10 * 1024 * 1024;

/// An append-only log file that rotates itself by size.
#[derive(Debug)]
pub struct RotatingFile {
    dir: PathBuf,
    file: File,
    written: u64,
    limit: u64,
}

impl RotatingFile {
    /// Opens (creating the directory and file if needed) `<dir>/main.log` for appending.
    pub fn open(dir: &Path) -> io::Result<Self> {
        Self::open_with_limit(dir, ROTATE_AT_BYTES)
    }

    /// Like [`RotatingFile::open`] with a custom rotation size (for tests).
    pub fn open_with_limit(dir: &Path, limit: u64) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        let path = dir.join(MAIN_LOG);
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        let written = file.metadata()?.len();
        Ok(Self {
            dir: dir.to_path_buf(),
            file,
            written,
            limit,
        })
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        let stamp = chrono::Local::now().format("%Y-%m-%dT%H-%M-%S%.3f");
        let rotated = self.dir.join(format!("main-{stamp}.log"));
        fs::rename(self.dir.join(MAIN_LOG), rotated)?;
        self.file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(MAIN_LOG))?;
        self.written = 0;
        Ok(())
    }
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written > 0 && self.written + buf.len() as u64 > self.limit {
            self.rotate()?;
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotates_when_the_limit_would_be_crossed() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = RotatingFile::open_with_limit(dir.path(), 100).unwrap();
        log.write_all(&[b'a'; 80]).unwrap();
        log.write_all(&[b'b'; 40]).unwrap();
        log.flush().unwrap();
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.iter().any(|n| n == MAIN_LOG));
        let rotated = names.iter().find(|n| n.starts_with("main-")).unwrap();
        assert_eq!(fs::read(dir.path().join(rotated)).unwrap(), vec![b'a'; 80]);
        assert_eq!(fs::read(dir.path().join(MAIN_LOG)).unwrap(), vec![b'b'; 40]);
    }
}
