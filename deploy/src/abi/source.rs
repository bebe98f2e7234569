//! The `sol!` declarations of events and errors in the contracts' sources:
//! they carry the parameter names and `indexed` markers that neither
//! export-abi nor the compiled alloy types expose. Every declaration used is
//! checked against the compiled signature, so a stale or mis-parsed
//! declaration fails instead of drifting.

use super::events::TypedEvent;
use alloy_json_abi::{Error, Event, Function};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// One declaration and the file it is in.
#[derive(Debug, Clone)]
pub struct Declared<T> {
    /// The parsed item.
    pub item: T,
    /// The source file.
    pub file: PathBuf,
}

/// Events and errors declared in `sol!` blocks, by name.
#[derive(Debug, Default)]
pub struct Declarations {
    /// Events by name (several crates may declare one name).
    pub events: BTreeMap<String, Vec<Declared<Event>>>,
    /// Errors by name.
    pub errors: BTreeMap<String, Vec<Declared<Error>>>,
    /// The functions of each `interface`, by interface name.
    pub interfaces: BTreeMap<String, Vec<Function>>,
}

/// Parses every `.rs` file under `dir` and collects its `sol!` events and
/// errors (top level and inside `interface`/`contract` blocks).
///
/// Errors: an unreadable or unparsable file, a `sol!` block that is not
/// Solidity, or a declaration alloy-json-abi cannot parse.
pub fn scan(dir: &Path) -> Result<Declarations> {
    let mut declarations = Declarations::default();
    for file in rust_files(dir)? {
        let text = fs::read_to_string(&file)?;
        let ast = syn::parse_file(&text).with_context(|| format!("parsing {}", file.display()))?;
        let mut visitor = SolMacros::default();
        visitor.visit_file(&ast);
        for tokens in visitor.blocks {
            let sol: syn_solidity::File = syn::parse2(tokens)
                .with_context(|| format!("parsing a sol! block in {}", file.display()))?;
            declarations.add_items(&sol.items, &file)?;
        }
    }
    Ok(declarations)
}

impl Declarations {
    fn add_items(&mut self, items: &[syn_solidity::Item], file: &Path) -> Result<()> {
        for item in items {
            match item {
                syn_solidity::Item::Event(event) => {
                    let text = event.to_string().trim_end_matches(";").to_owned();
                    let item = Event::parse(&text).with_context(|| format!("parsing `{text}`"))?;
                    let entry = self.events.entry(item.name.clone()).or_default();
                    entry.push(Declared {
                        item,
                        file: file.to_path_buf(),
                    });
                }
                syn_solidity::Item::Error(error) => {
                    let text = error.to_string().trim_end_matches(";").to_owned();
                    let item = Error::parse(&text).with_context(|| format!("parsing `{text}`"))?;
                    let entry = self.errors.entry(item.name.clone()).or_default();
                    entry.push(Declared {
                        item,
                        file: file.to_path_buf(),
                    });
                }
                syn_solidity::Item::Contract(contract) => {
                    if contract.kind.is_interface() {
                        self.add_interface(contract)?;
                    }
                    self.add_items(&contract.body, file)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn add_interface(&mut self, contract: &syn_solidity::ItemContract) -> Result<()> {
        let mut functions = Vec::new();
        for item in &contract.body {
            if let syn_solidity::Item::Function(function) = item {
                let text = function.to_string().trim_end_matches(";").to_owned();
                functions
                    .push(Function::parse(&text).with_context(|| format!("parsing `{text}`"))?);
            }
        }
        self.interfaces.insert(contract.name.to_string(), functions);
        Ok(())
    }

    /// The functions of `interface`, checked against the compiled selectors
    /// of the same `sol!` interface.
    ///
    /// Errors: no such interface, or its parsed functions do not have
    /// exactly the compiled selectors.
    pub fn interface_functions(
        &self,
        interface: &str,
        compiled: &[[u8; 4]],
    ) -> Result<Vec<Function>> {
        let functions = self.interfaces.get(interface).with_context(|| {
            format!("interface {interface} has no sol! declaration under contracts/")
        })?;
        let mut parsed: Vec<[u8; 4]> = functions.iter().map(|f| f.selector().0).collect();
        let mut expected = compiled.to_vec();
        parsed.sort_unstable();
        expected.sort_unstable();
        if parsed != expected {
            bail!("interface {interface}: the parsed declaration's selectors differ from the compiled ones");
        }
        Ok(functions.clone())
    }

    /// The declaration of the error `unnamed` (as export-abi prints it),
    /// with its parameter names.
    ///
    /// Errors: no declaration of that name has the same signature.
    pub fn error_named_like(&self, unnamed: &Error) -> Result<Error> {
        let signature = unnamed.signature();
        self.errors
            .get(&unnamed.name)
            .into_iter()
            .flatten()
            .find(|d| d.item.signature() == signature)
            .map(|d| d.item.clone())
            .with_context(|| format!("error {signature} has no sol! declaration under contracts/"))
    }

    /// The declaration of `typed`, checked against its compiled signature
    /// and number of indexed parameters.
    ///
    /// Errors: no declaration of that name matches both.
    pub fn event_like(&self, typed: &TypedEvent) -> Result<Event> {
        self.events
            .get(typed.name)
            .into_iter()
            .flatten()
            .map(|d| &d.item)
            .find(|e| {
                e.signature() == typed.signature
                    && e.inputs.iter().filter(|p| p.indexed).count() == typed.indexed
                    && e.anonymous == typed.anonymous
            })
            .cloned()
            .with_context(|| {
                format!(
                    "event {} ({} indexed) has no matching sol! declaration under contracts/",
                    typed.signature, typed.indexed
                )
            })
    }

    /// Fails when an event declared under `dir` is missing from `typed`:
    /// the ABI would silently lack it.
    pub fn check_events_listed(&self, dir: &Path, typed: &[TypedEvent]) -> Result<()> {
        for (name, declared) in &self.events {
            let here = declared.iter().find(|d| d.file.starts_with(dir));
            if let Some(d) = here {
                if !typed.iter().any(|t| t.name == name) {
                    bail!(
                        "event {name} is declared in {} but missing from \
                         keel-cli's market event list (deploy/src/abi/events.rs)",
                        d.file.display()
                    );
                }
            }
        }
        Ok(())
    }
}

/// Collects the token streams of `sol! { ... }` invocations.
#[derive(Default)]
struct SolMacros {
    blocks: Vec<proc_macro2::TokenStream>,
}

impl<'ast> Visit<'ast> for SolMacros {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac.path.segments.last().is_some_and(|s| s.ident == "sol") {
            self.blocks.push(mac.tokens.clone());
        }
        syn::visit::visit_macro(self, mac);
    }
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in fs::read_dir(&next).with_context(|| format!("listing {}", next.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declarations(source: &str) -> Declarations {
        let ast = syn::parse_file(source).unwrap();
        let mut visitor = SolMacros::default();
        visitor.visit_file(&ast);
        let mut declarations = Declarations::default();
        for tokens in visitor.blocks {
            let sol: syn_solidity::File = syn::parse2(tokens).unwrap();
            declarations
                .add_items(&sol.items, Path::new("x.rs"))
                .unwrap();
        }
        declarations
    }

    const SOURCE: &str = r#"
        sol! {
            /// Doc.
            #[derive(Debug)]
            event Moved(address caller, address indexed to, uint256 amount);
            error Refused(address caller, uint8 code);
        }
    "#;

    #[test]
    fn finds_names_and_indexed_markers() {
        let d = declarations(SOURCE);
        let typed = TypedEvent {
            name: "Moved",
            signature: "Moved(address,address,uint256)",
            indexed: 1,
            anonymous: false,
        };
        let event = d.event_like(&typed).unwrap();
        let indexed: Vec<bool> = event.inputs.iter().map(|p| p.indexed).collect();
        assert_eq!(indexed, [false, true, false]);
        assert_eq!(event.inputs[2].name, "amount");
        let unnamed = Error::parse("error Refused(address, uint8)").unwrap();
        let named = d.error_named_like(&unnamed).unwrap();
        assert_eq!(named.inputs[1].name, "code");
    }

    #[test]
    fn a_declaration_that_differs_from_the_type_is_refused() {
        let d = declarations(SOURCE);
        let wrong_indexed = TypedEvent {
            name: "Moved",
            signature: "Moved(address,address,uint256)",
            indexed: 2,
            anonymous: false,
        };
        assert!(d.event_like(&wrong_indexed).is_err());
        let other_types = Error::parse("error Refused(address, uint16)").unwrap();
        assert!(d.error_named_like(&other_types).is_err());
    }

    #[test]
    fn an_unlisted_event_is_reported() {
        let d = declarations(SOURCE);
        let message = d
            .check_events_listed(Path::new(""), &[])
            .unwrap_err()
            .to_string();
        assert!(message.contains("event Moved"), "{message}");
    }
}
