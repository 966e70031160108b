//! One process per SQLite data directory: `serve` and every command that writes hold an advisory
//! lock on `<data dir>/teilhabe.lock` for as long as they run. A second one stops at once with a
//! clear message (and a non-zero exit code) instead of racing the first for the schema or the
//! database file. The operating system releases the lock when the process ends, also after
//! `kill -9`, so a stale lock file never blocks a start. PostgreSQL needs no lock file: several
//! instances may share one database and take turns with migrations under an advisory lock.

use std::{
    fs::{File, OpenOptions, TryLockError},
    io::{Read, Seek, Write},
    path::{Path, PathBuf},
};

use crate::config::Settings;

pub const LOCK_FILE: &str = "teilhabe.lock";

/// Held while the process uses the data directory; dropping it releases the lock.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
    path: PathBuf,
}

impl DataDirLock {
    /// Takes the data directory's lock when the database is SQLite (`None` on PostgreSQL).
    pub fn acquire_for(settings: &Settings) -> anyhow::Result<Option<Self>> {
        if !settings.is_sqlite() {
            return Ok(None);
        }
        Self::acquire(&settings.data_dir).map(Some)
    }

    /// Takes the lock on `<dir>/teilhabe.lock`, or fails at once if another process holds it.
    pub fn acquire(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    "another Teilhabe process".to_string()
                } else {
                    format!("another Teilhabe process (PID {holder})")
                };
                anyhow::bail!(
                    "the data directory {} is in use by {who}. Only one process may use an SQLite \
                     data directory at a time: stop the running server first (`teilhabe migrate` \
                     is not needed while it runs, `serve` migrates at start-up).",
                    dir.display()
                );
            }
            Err(TryLockError::Error(e)) => {
                anyhow::bail!("cannot lock {}: {e}", path.display());
            }
        }
        // For the message a second process prints; the lock itself is what counts.
        file.set_len(0)?;
        file.rewind()?;
        write!(file, "{}", std::process::id())?;
        file.flush()?;
        Ok(Self { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_directory_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let first = DataDirLock::acquire(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let second = DataDirLock::acquire(dir.path());
        let message = second
            .map(|_| ())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            message.contains("is in use by another Teilhabe process (PID"),
            "{message}"
        );
        drop(first);
        assert!(DataDirLock::acquire(dir.path()).is_ok());
    }
}
