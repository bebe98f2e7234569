//! The state file (`keel node --state FILE`): the node's history as JSON
//! lines, one entry per block or balance change, appended as they happen.
//! A restart replays it (every transaction runs again at its recorded
//! timestamp), which rebuilds the same state and the same block hashes
//! without serialising the world. `evm_revert` rewrites the file without
//! the entries it undid.

use alloy_primitives::{Address, Bytes, U256};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entry {
    /// The genesis block: its time and whether the mocks were deployed.
    Genesis {
        /// Seconds since the epoch.
        timestamp: u64,
        /// `--with-mocks`.
        with_mocks: bool,
    },
    /// A mined block and its raw transactions (none for `evm_mine`).
    Block {
        /// Seconds since the epoch.
        timestamp: u64,
        /// Signed EIP-2718 transactions.
        txs: Vec<Bytes>,
    },
    /// `anvil_setBalance`.
    SetBalance {
        /// The account.
        address: Address,
        /// Its new balance, wei.
        wei: U256,
    },
}

/// The entries so far and, with `--state`, the file they go to.
#[derive(Debug, Default)]
pub struct Journal {
    path: Option<PathBuf>,
    entries: Vec<Entry>,
    /// Off while the recorded entries are replayed (they are in the file).
    recording: bool,
}

impl Journal {
    /// Opens `path` (no file yet is an empty history) and returns the
    /// journal with the entries to replay; recording starts with
    /// [`Journal::start_recording`].
    ///
    /// Errors: an unreadable file or a malformed line (named by number).
    pub fn open(path: Option<&Path>) -> Result<(Self, Vec<Entry>)> {
        let entries = match path.filter(|p| p.exists()) {
            None => Vec::new(),
            Some(path) => parse(
                &fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
            )
            .with_context(|| format!("state file {}", path.display()))?,
        };
        let journal = Self {
            path: path.map(Path::to_path_buf),
            entries: entries.clone(),
            recording: false,
        };
        Ok((journal, entries))
    }

    /// Records what happens from now on.
    pub fn start_recording(&mut self) {
        self.recording = true;
    }

    /// Records `entry` (and appends it to the file).
    ///
    /// Errors: the file cannot be written.
    pub fn append(&mut self, entry: Entry) -> Result<()> {
        if !self.recording {
            return Ok(());
        }
        if let Some(path) = &self.path {
            let mut file = OpenOptions::new().create(true).append(true).open(path)?;
            writeln!(file, "{}", serde_json::to_string(&entry)?)?;
        }
        self.entries.push(entry);
        Ok(())
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets the entries after the first `len` and rewrites the file.
    ///
    /// Errors: the file cannot be written.
    pub fn truncate(&mut self, len: usize) -> Result<()> {
        self.entries.truncate(len);
        if let Some(path) = &self.path {
            let mut text = String::new();
            for entry in &self.entries {
                text.push_str(&serde_json::to_string(entry)?);
                text.push('\n');
            }
            crate::chain::state::write_replacing(path, &text)?;
        }
        Ok(())
    }
}

fn parse(text: &str) -> Result<Vec<Entry>> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| serde_json::from_str(line).with_context(|| format!("line {}", i + 1)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_survive_a_reopen_and_a_truncation() {
        let dir = std::env::temp_dir().join(format!("keel-node-journal-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.jsonl");
        let (mut journal, replay) = Journal::open(Some(&path)).unwrap();
        assert!(replay.is_empty());
        journal
            .append(Entry::Genesis {
                timestamp: 1,
                with_mocks: true,
            })
            .unwrap();
        assert!(journal.is_empty(), "not recording before start_recording");
        journal.start_recording();
        let entries = [
            Entry::Genesis {
                timestamp: 1,
                with_mocks: true,
            },
            Entry::Block {
                timestamp: 2,
                txs: vec![Bytes::from_static(&[1, 2])],
            },
            Entry::SetBalance {
                address: Address::repeat_byte(3),
                wei: U256::from(4),
            },
        ];
        for entry in &entries {
            journal.append(entry.clone()).unwrap();
        }
        assert_eq!(Journal::open(Some(&path)).unwrap().1, entries);
        journal.truncate(2).unwrap();
        assert_eq!(journal.len(), 2);
        assert_eq!(Journal::open(Some(&path)).unwrap().1, entries[..2]);
        fs::write(&path, "{\"genesis\":{}}\n").unwrap();
        let error = format!("{:#}", Journal::open(Some(&path)).unwrap_err());
        assert!(error.contains("line 1"), "{error}");
        fs::remove_dir_all(dir).unwrap();
    }
}
