//! The house rules that the compiler does not check: dependencies between the modules of `src/`
//! point one way (a slice uses the plumbing and the slices below it, never one beside or above
//! it), and source files stay small enough to read. ARCHITECTURE.md explains the layers.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// The top-level modules of `src/`, from the bottom up. A module may use modules of lower
/// layers; inside the plumbing and the composition root modules may use each other, in every
/// other layer a module uses only itself and what lies below.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "plumbing",
        &[
            "config",
            "error",
            "secrets",
            "db",
            "storage",
            "state",
            "web",
            "identity",
            "audit",
            "group_commit",
            "health",
        ],
    ),
    ("mail outbox", &["notifications"]),
    ("accounts", &["accounts"]),
    ("instance administration", &["admin"]),
    ("legal pages", &["legal"]),
    ("strategy", &["strategy"]),
    ("moderation", &["moderation"]),
    ("monitoring", &["monitoring"]),
    ("rounds", &["rounds"]),
    ("participation formats", &["surveys", "ideas", "workshops"]),
    (
        "read models across slices",
        &["participation", "personal_data", "dashboard"],
    ),
    (
        "composition root",
        &["routes", "jobs", "startup", "cli", "lib", "main"],
    ),
];

/// Files that may be longer than the house limits: seed data, like migrations.
const LONG_FILES_ALLOWED: &[&str] = &["demo.rs"];
const MAX_LINES: usize = 600;
const MAX_FUNCTION_LINES: usize = 120;

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(listing) = std::fs::read_dir(dir) else {
        panic!("{} is not readable", dir.display());
    };
    let mut entries: Vec<PathBuf> = listing.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`src/surveys/answer.rs` → `surveys`).
fn module_of(file: &Path) -> String {
    let relative = shown(file);
    let first = relative.split('/').next().unwrap_or_default();
    first.trim_end_matches(".rs").to_string()
}

/// A file's path inside `src/`, as messages show it.
fn shown(file: &Path) -> String {
    file.strip_prefix(src_dir())
        .unwrap_or(file)
        .to_string_lossy()
        .to_string()
}

fn read(file: &Path) -> String {
    match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => panic!("{}: {e}", file.display()),
    }
}

/// Every `crate::<module>` a file names, in `use` trees and in paths alike.
#[derive(Default)]
struct CrateReferences {
    modules: BTreeSet<String>,
}

impl CrateReferences {
    fn add_use_tree(&mut self, tree: &syn::UseTree, under_crate: bool) {
        match tree {
            syn::UseTree::Path(path) if !under_crate && path.ident == "crate" => {
                self.add_use_tree(&path.tree, true);
            }
            syn::UseTree::Path(_) if !under_crate => {}
            syn::UseTree::Path(path) => {
                self.modules.insert(path.ident.to_string());
            }
            syn::UseTree::Name(name) if under_crate => {
                self.modules.insert(name.ident.to_string());
            }
            syn::UseTree::Rename(rename) if under_crate => {
                self.modules.insert(rename.ident.to_string());
            }
            syn::UseTree::Group(group) => {
                for item in &group.items {
                    self.add_use_tree(item, under_crate);
                }
            }
            _ => {}
        }
    }
}

impl<'ast> Visit<'ast> for CrateReferences {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.add_use_tree(&item.tree, false);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let mut segments = path.segments.iter();
        if let (Some(first), Some(second)) = (segments.next(), segments.next())
            && first.ident == "crate"
        {
            self.modules.insert(second.ident.to_string());
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // Macro bodies are tokens, not syntax: look for `crate :: name` in them by hand.
        let tokens: Vec<String> = mac
            .tokens
            .clone()
            .into_iter()
            .map(|t| t.to_string())
            .collect();
        // `crate::name` arrives as `crate`, `:`, `:`, `name`.
        for window in tokens.windows(4) {
            if window[0] == "crate" && window[1] == ":" && window[2] == ":" {
                self.modules.insert(window[3].clone());
            }
        }
        syn::visit::visit_macro(self, mac);
    }
}

fn references_of(file: &Path) -> BTreeSet<String> {
    let text = read(file);
    let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut references = CrateReferences::default();
    references.visit_file(&syntax);
    references.modules
}

fn all_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    files
}

#[test]
fn every_module_of_src_has_a_layer() {
    let unknown: BTreeSet<String> = all_files()
        .iter()
        .map(|f| module_of(f))
        .filter(|m| layer_of(m).is_none())
        .collect();
    assert!(
        unknown.is_empty(),
        "modules without a layer in tests/app/architecture.rs (and ARCHITECTURE.md): {unknown:?}"
    );
}

#[test]
fn slices_use_only_the_plumbing_and_the_slices_below_them() {
    let mut violations = Vec::new();
    for file in all_files() {
        let module = module_of(&file);
        let Some(own) = layer_of(&module) else {
            continue;
        };
        for used in references_of(&file) {
            if used == module {
                continue;
            }
            let Some(theirs) = layer_of(&used) else {
                continue;
            };
            let shared_layer = own == 0 || own == LAYERS.len() - 1;
            let allowed = theirs < own || (shared_layer && theirs == own);
            if !allowed {
                violations.push(format!(
                    "{} ({}) uses crate::{used} ({})",
                    shown(&file),
                    LAYERS[own].0,
                    LAYERS[theirs].0,
                ));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "{} uses point sideways or up:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

#[test]
fn source_files_stay_under_the_house_limit() {
    let mut long = Vec::new();
    for file in all_files() {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if LONG_FILES_ALLOWED.contains(&name.as_str()) {
            continue;
        }
        let lines = read(&file).lines().count();
        if lines > MAX_LINES {
            long.push(format!("{} has {lines} lines", shown(&file)));
        }
    }
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// The functions of a rustfmt-formatted file with their length in lines: from the `fn` line to
/// the closing brace at the same indentation.
fn function_lengths(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let indent = &line[..line.len() - line.trim_start().len()];
        let head = line.trim_start();
        let head = head.strip_prefix("pub ").unwrap_or(head);
        let head = if head.starts_with("pub(") {
            head.split_once(") ").map_or(head, |(_, rest)| rest)
        } else {
            head
        };
        let head = head.strip_prefix("async ").unwrap_or(head);
        let head = head.strip_prefix("const ").unwrap_or(head);
        // A declaration without a body (`;`) or a body on the same line (`}`) is no concern.
        if let Some(rest) = head.strip_prefix("fn ")
            && !line.trim_end().ends_with(';')
            && !line.trim_end().ends_with('}')
        {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let closing = format!("{indent}}}");
            if let Some(end) = (i + 1..lines.len()).find(|&j| lines[j] == closing) {
                out.push((name, end - i + 1));
                i = end;
            }
        }
        i += 1;
    }
    out
}

#[test]
fn functions_stay_under_the_house_limit() {
    let mut long = Vec::new();
    for file in all_files() {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if LONG_FILES_ALLOWED.contains(&name.as_str()) {
            continue;
        }
        for (function, lines) in function_lengths(&read(&file)) {
            if lines > MAX_FUNCTION_LINES {
                long.push(format!("{}: fn {function} has {lines} lines", shown(&file)));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_function_length_check_measures_from_fn_to_its_closing_brace() {
    let text = "impl A {\n    pub async fn a(\n        x: u8,\n    ) {\n        b();\n    }\n}\nfn c() {}\nfn d() {\n}\n";
    assert_eq!(
        function_lengths(text),
        vec![("a".to_string(), 5), ("d".to_string(), 2)]
    );
}
