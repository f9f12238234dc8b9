//! Keeps the logs directory under `logs-max-total-size-mb` by deleting the oldest files.

use std::fs;
use std::io;
use std::path::Path;
use std::time::SystemTime;

use super::rotating::MAIN_LOG;

/// Deletes the oldest `*.log` / `*.log.gz` files (by modification time, never `main.log`)
/// until the total size of those files in `dir` is at most `limit_bytes`. Returns how many
/// files were removed.
pub fn remove_oldest_until_under(dir: &Path, limit_bytes: u64) -> io::Result<usize> {
    let mut files: Vec<(SystemTime, u64, std::path::PathBuf, bool)> = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(err) => return Err(err),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.ends_with(".log") || name.ends_with(".log.gz")) {
            continue;
        }
        let meta = entry.metadata()?;
        if !meta.is_file() {
            continue;
        }
        let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        files.push((modified, meta.len(), entry.path(), name == MAIN_LOG));
    }
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    files.sort_by_key(|f| f.0);
    let mut removed = 0;
    for (_, size, path, is_active) in files {
        if total <= limit_bytes {
            break;
        }
        if is_active {
            continue;
        }
        fs::remove_file(&path)?;
        total = total.saturating_sub(size);
        removed += 1;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn write_aged(dir: &Path, name: &str, size: usize, age_secs: u64) {
        let path = dir.join(name);
        fs::write(&path, vec![b'x'; size]).unwrap();
        let when = SystemTime::now() - Duration::from_secs(age_secs);
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(when)
            .unwrap();
    }

    #[test]
    fn oldest_files_go_first_and_main_log_stays() {
        let dir = tempfile::tempdir().unwrap();
        write_aged(dir.path(), "main.log", 400, 1000);
        write_aged(dir.path(), "main-old.log", 300, 500);
        write_aged(dir.path(), "v1-chat-completions-x.log", 300, 100);
        write_aged(dir.path(), "keep.txt", 5000, 2000);
        let removed = remove_oldest_until_under(dir.path(), 750).unwrap();
        assert_eq!(removed, 1);
        assert!(dir.path().join("main.log").exists());
        assert!(!dir.path().join("main-old.log").exists());
        assert!(dir.path().join("v1-chat-completions-x.log").exists());
        assert!(dir.path().join("keep.txt").exists());
    }
}
