//! On-disk persistence of the statistics (our addition; the original keeps them in memory).
//!
//! Two files in the configured directory:
//!
//! * `usage-statistics.json` — a snapshot in the export format
//!   (`{"version":1,"exported_at":…,"usage":…}`), replaced atomically: write a temp file,
//!   fsync it, rename it over the old one, fsync the directory.
//! * `usage-journal.jsonl` — one `{"api":…,"model":…,"detail":{…}}` line per attempt recorded
//!   since the last snapshot. Compaction writes a new snapshot and truncates the journal.
//!
//! Loading reads the snapshot, then replays the journal through the import de-duplication,
//! so a crash between the rename and the truncation cannot double count. A torn last line
//! (crash mid-write) is cut off; other unreadable lines are skipped with a warning. All
//! functions here block: the aggregator runs them through `spawn_blocking`, never on the
//! request path.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::stats::snapshot::{ImportPayload, RequestDetail};

/// File name of the snapshot inside the persistence directory.
pub const SNAPSHOT_FILE: &str = "usage-statistics.json";
/// File name of the journal inside the persistence directory.
pub const JOURNAL_FILE: &str = "usage-journal.jsonl";

/// One journal line (no `Debug`: `api` may be a client key).
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct JournalLine {
    pub(crate) api: String,
    pub(crate) model: String,
    pub(crate) detail: RequestDetail,
}

/// What was found on disk at start.
#[derive(Default)]
pub(crate) struct Loaded {
    pub(crate) snapshot: Option<ImportPayload>,
    pub(crate) journal: Vec<JournalLine>,
    /// Lines that could not be parsed (including a torn last line).
    pub(crate) bad_lines: usize,
}

/// Open persistence files. Owned by the aggregator; moved into `spawn_blocking` for I/O.
#[derive(Debug)]
pub(crate) struct Store {
    dir: PathBuf,
    journal: File,
    journal_lines: usize,
}

// === impl Store ===

impl Store {
    /// Creates the directory if needed, loads what is there and opens the journal.
    pub(crate) fn open(dir: &Path) -> io::Result<(Self, Loaded)> {
        fs::create_dir_all(dir)?;
        let mut loaded = Loaded {
            snapshot: load_snapshot(dir),
            ..Loaded::default()
        };
        let journal_path = dir.join(JOURNAL_FILE);
        let mut journal = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&journal_path)?;
        let mut raw = Vec::new();
        journal.read_to_end(&mut raw)?;
        // Cut a torn tail so the next append starts on a fresh line.
        let complete = raw.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        if complete < raw.len() {
            tracing::warn!(path = %journal_path.display(), "usage journal ends in a torn line; dropping it");
            loaded.bad_lines += 1;
            journal.set_len(complete as u64)?;
        }
        for line in raw[..complete].split(|b| *b == b'\n') {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<JournalLine>(line) {
                Ok(entry) => loaded.journal.push(entry),
                Err(err) => {
                    tracing::warn!(%err, "skipping unreadable usage journal line");
                    loaded.bad_lines += 1;
                }
            }
        }
        journal.seek(SeekFrom::End(0))?;
        let journal_lines = loaded.journal.len();
        Ok((
            Self {
                dir: dir.to_owned(),
                journal,
                journal_lines,
            },
            loaded,
        ))
    }

    /// Appends already-serialised lines (each ending in `\n`).
    pub(crate) fn append(&mut self, lines: &[u8], count: usize) -> io::Result<()> {
        self.journal.write_all(lines)?;
        self.journal.flush()?;
        self.journal_lines += count;
        Ok(())
    }

    /// Replaces the snapshot atomically with `snapshot_json`, then empties the journal.
    pub(crate) fn compact(&mut self, snapshot_json: &[u8]) -> io::Result<()> {
        let target = self.dir.join(SNAPSHOT_FILE);
        let temp = self.dir.join(format!("{SNAPSHOT_FILE}.tmp"));
        {
            let mut file = File::create(&temp)?;
            file.write_all(snapshot_json)?;
            file.sync_all()?;
        }
        fs::rename(&temp, &target)?;
        // Make the rename durable; not supported everywhere, and not fatal when missing.
        if let Ok(dir) = File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        self.journal.set_len(0)?;
        self.journal.sync_all()?;
        self.journal_lines = 0;
        Ok(())
    }

    /// Lines appended since the last compaction (or found at load).
    pub(crate) fn journal_lines(&self) -> usize {
        self.journal_lines
    }
}

/// Reads the snapshot file; an unreadable one is moved aside so it is not overwritten.
fn load_snapshot(dir: &Path) -> Option<ImportPayload> {
    let path = dir.join(SNAPSHOT_FILE);
    let raw = match fs::read(&path) {
        Ok(raw) => raw,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return None,
        Err(err) => {
            tracing::warn!(path = %path.display(), %err, "cannot read usage snapshot");
            return None;
        }
    };
    match ImportPayload::from_json(&raw) {
        Ok(payload) => Some(payload),
        Err(err) => {
            let aside = dir.join(format!(
                "{SNAPSHOT_FILE}.corrupt-{}",
                chrono::Utc::now().timestamp()
            ));
            tracing::warn!(path = %path.display(), %err, aside = %aside.display(),
                "usage snapshot unreadable; moving it aside");
            let _ = fs::rename(&path, &aside);
            None
        }
    }
}
