//! The record of a deployment in progress: each step's transaction hash as
//! soon as it is sent, and its completion with the address it created. A
//! re-run skips finished steps, waits for sent ones, and refuses a state
//! file written for another plan or chain.

use alloy_primitives::{Address, B256};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::{Path, PathBuf};

/// One step's record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    /// What the step is for.
    pub purpose: String,
    /// Its transaction, once sent.
    pub tx_hash: Option<B256>,
    /// Whether it succeeded on chain.
    pub done: bool,
    /// The program it created, for deployments.
    pub address: Option<Address>,
}

/// A deployment's state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployState {
    /// The chain.
    pub chain_id: u64,
    /// [`super::plan_hash`] of the transactions.
    pub plan_hash: B256,
    /// One record per transaction, in order.
    pub steps: Vec<StepRecord>,
    #[serde(skip)]
    path: PathBuf,
}

impl DeployState {
    /// Loads `path`, or starts a new state there when it does not exist.
    ///
    /// Errors: an unreadable file, or one written for another chain or plan.
    pub fn open(path: &Path, chain_id: u64, plan_hash: B256, purposes: &[String]) -> Result<Self> {
        if !path.exists() {
            let steps = purposes
                .iter()
                .map(|p| StepRecord {
                    purpose: p.clone(),
                    ..StepRecord::default()
                })
                .collect();
            return Ok(Self {
                chain_id,
                plan_hash,
                steps,
                path: path.to_path_buf(),
            });
        }
        let text =
            fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut state: Self =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        if state.chain_id != chain_id || state.plan_hash != plan_hash {
            bail!(
                "{} records another deployment (chain {}, plan {}); this one is chain {chain_id}, plan {plan_hash}. \
                 Use another --state file, or delete it if that deployment is abandoned",
                path.display(),
                state.chain_id,
                state.plan_hash
            );
        }
        state.path = path.to_path_buf();
        Ok(state)
    }

    /// Records that step `index` was sent as `tx_hash`, and saves.
    pub fn sent(&mut self, index: usize, tx_hash: B256) -> Result<()> {
        self.steps[index].tx_hash = Some(tx_hash);
        self.save()
    }

    /// Records that step `index` succeeded, creating `address` if any, and saves.
    pub fn done(&mut self, index: usize, address: Option<Address>) -> Result<()> {
        self.steps[index].done = true;
        self.steps[index].address = address;
        self.save()
    }

    fn save(&self) -> Result<()> {
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)?;
        }
        write_replacing(&self.path, &serde_json::to_string_pretty(self)?)
    }
}

/// Writes `text` to `path` through a temporary file and a rename: a process
/// killed mid-write leaves the previous file whole (a deployment or a node
/// can still resume from it).
///
/// Errors: the directory is not writable.
pub fn write_replacing(path: &Path, text: &str) -> Result<()> {
    let mut temporary = path.to_path_buf().into_os_string();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    fs::write(&temporary, text).with_context(|| format!("writing {}", temporary.display()))?;
    fs::rename(&temporary, path).with_context(|| format!("replacing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_a_reload_and_guard_the_plan() {
        let dir = std::env::temp_dir().join(format!("keel-state-{}", std::process::id()));
        let path = dir.join("state.json");
        let purposes = vec!["deploy".to_owned(), "configure".to_owned()];
        let plan = B256::repeat_byte(1);
        let mut state = DeployState::open(&path, 5, plan, &purposes).unwrap();
        state.sent(0, B256::repeat_byte(2)).unwrap();
        state.done(0, Some(Address::repeat_byte(3))).unwrap();
        let reloaded = DeployState::open(&path, 5, plan, &purposes).unwrap();
        assert_eq!(reloaded.steps, state.steps);
        assert!(reloaded.steps[0].done && !reloaded.steps[1].done);
        assert!(DeployState::open(&path, 6, plan, &purposes).is_err());
        assert!(DeployState::open(&path, 5, B256::ZERO, &purposes).is_err());
        fs::remove_dir_all(dir).unwrap();
    }
}
