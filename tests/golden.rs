//! The output guard: `netsift events`, `view` and `view --capture all` on every file under
//! tests/fixtures and examples/ (the `.rs` sources aside) give exactly the bytes recorded in
//! tests/fixtures/golden.md5, one line per file × command: `MD5 EXIT COMMAND PATH`.
//!
//! A speed change must not move a byte. When an output changes on purpose, regenerate the
//! file and review its diff (each changed output is one changed line):
//!
//! ```text
//! NETSIFT_BLESS=1 cargo test --test golden
//! git diff tests/fixtures/golden.md5
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

use md5::{Digest, Md5};

const COMMANDS: [&[&str]; 3] = [&["events"], &["view"], &["view", "--capture", "all"]];

/// Every input file, relative to the project root, sorted bytewise.
fn inputs(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut dirs = vec![root.join("tests/fixtures"), root.join("examples")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_none_or(|e| e != "rs") && path.file_name().is_none_or(|n| n != "golden.md5") {
                let rel = path.strip_prefix(root).expect("under root");
                files.push(rel.to_str().expect("UTF-8 path").replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}

/// The golden lines as they are now.
fn current(root: &Path) -> Vec<String> {
    let bin = env!("CARGO_BIN_EXE_netsift");
    let mut lines = Vec::new();
    for file in inputs(root) {
        for args in COMMANDS {
            let out = Command::new(bin).args(args).arg(&file).current_dir(root).output().expect("run netsift");
            let digest = Md5::digest(&out.stdout);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            let code = out.status.code().map_or_else(|| "signal".to_string(), |c| c.to_string());
            lines.push(format!("{hex} {code} {} {file}", args.join(" ")));
        }
    }
    lines
}

#[test]
fn every_fixture_gives_the_recorded_output() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let golden_path = root.join("tests/fixtures/golden.md5");
    let now = current(&root);
    assert!(now.len() >= 3 * 150, "only {} outputs: fixtures missing?", now.len());
    if std::env::var_os("NETSIFT_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&golden_path, now.join("\n") + "\n").expect("write golden.md5");
        return;
    }
    let golden = std::fs::read_to_string(&golden_path).expect("tests/fixtures/golden.md5 (NETSIFT_BLESS=1 makes it)");
    let recorded: Vec<&str> = golden.lines().collect();
    let changed: Vec<String> = now
        .iter()
        .filter(|l| !recorded.contains(&l.as_str()))
        .map(|l| format!("now:      {l}"))
        .chain(recorded.iter().filter(|l| !now.contains(&l.to_string())).map(|l| format!("recorded: {l}")))
        .collect();
    assert!(
        changed.is_empty(),
        "{} outputs differ from tests/fixtures/golden.md5 (if intended: NETSIFT_BLESS=1 cargo test --test golden, \
         then review `git diff tests/fixtures/golden.md5`):\n{}",
        changed.len() / 2,
        changed.join("\n")
    );
}
