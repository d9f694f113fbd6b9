//! A sosreport that keeps /proc behind symbolic links, in the exact layout of the committed
//! RHCOS sosreport the peer corpus's `rhcos-sos_*` files come from (sos 3.6): the /proc
//! files only at `proc/3255/net/…`, `proc/self` a link to `3255`, `proc/net` a link to
//! `self/net`. Built as a tar (links before and after the files they name, symbolic and hard
//! link entries) and as a directory; `scan` reads each file once and `--member
//! proc/net/netstat` reaches it; links out of the archive and loops lead nowhere.

use std::path::{Path, PathBuf};
use std::process::Command;

fn netsift(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_netsift")).args(args).output().expect("run netsift");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn peer(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/peer").join(name)
}

/// A fresh folder for one test, removed with what it holds when the test ends.
fn temp_dir(test: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("netsift-links-{test}-")).tempdir().expect("temp dir")
}

const TOP: &str = "sosreport-master1-2019-12-17-fztrcrc";

/// The files: (path under TOP, peer fixture).
const FILES: &[(&str, &str)] = &[
    ("sos_commands/networking/netstat_-W_-neopa", "rhcos-sos_netstat-W-neopa_1.txt"),
    ("sos_commands/networking/netstat_-s", "rhcos-sos_netstat-s_1.txt"),
    ("sos_commands/networking/ss_-peaonmi", "rhcos-sos_ss-peaonmi_1.txt"),
    ("proc/3255/net/netstat", "rhcos-sos_proc-net-netstat_1.txt"),
    ("proc/3255/net/snmp", "rhcos-sos_proc-net-snmp_1.txt"),
];

/// Symbolic links: the RHCOS pair, and the ones that must lead nowhere (out of the
/// archive by an absolute path or by `..`, and a loop).
const SYMLINKS: &[(&str, &str)] = &[
    ("proc/self", "3255"),
    ("proc/net", "self/net"),
    ("proc/host", "/proc"),
    ("proc/up", "../../../.."),
    ("proc/loop1", "loop2"),
    ("proc/loop2", "loop1"),
];

fn tar_of(links_first: bool) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let links = |b: &mut tar::Builder<Vec<u8>>| {
        for (path, target) in SYMLINKS {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            b.append_link(&mut h, format!("{TOP}/{path}"), target).expect("symlink");
        }
    };
    if links_first {
        links(&mut b);
    }
    for (path, fixture) in FILES {
        let data = std::fs::read(peer(fixture)).expect("fixture");
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, format!("{TOP}/{path}"), &data[..]).expect("file");
    }
    // A hard link entry: another name of the snmp file (no data of its own).
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Link);
    h.set_size(0);
    b.append_link(&mut h, format!("{TOP}/proc/4000/net/snmp"), format!("{TOP}/proc/3255/net/snmp")).expect("hard link");
    if !links_first {
        links(&mut b);
    }
    b.into_inner().expect("tar")
}

#[cfg(unix)]
fn dir_of(root: &Path) -> PathBuf {
    let top = root.join(TOP);
    for (path, fixture) in FILES {
        let dest = top.join(path);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(peer(fixture), dest).expect("copy");
    }
    for (path, target) in SYMLINKS {
        std::os::unix::fs::symlink(target, top.join(path)).expect("symlink");
    }
    std::fs::create_dir_all(top.join("proc/4000/net")).expect("mkdir");
    std::fs::hard_link(top.join("proc/3255/net/snmp"), top.join("proc/4000/net/snmp")).expect("hard link");
    top
}

/// Every archive form of the layout, in a folder removed when the first item is dropped.
fn archives(test: &str) -> (tempfile::TempDir, Vec<PathBuf>) {
    let scratch = temp_dir(test);
    let dir = scratch.path();
    let mut all = Vec::new();
    for links_first in [true, false] {
        let path = dir.join(format!("sos-{links_first}.tar"));
        std::fs::write(&path, tar_of(links_first)).expect("write tar");
        all.push(path);
    }
    let xz = dir.join("sos.tar.xz");
    let mut enc = liblzma::write::XzEncoder::new(Vec::new(), 6);
    std::io::Write::write_all(&mut enc, &tar_of(false)).expect("xz");
    std::fs::write(&xz, enc.finish().expect("xz")).expect("write xz");
    all.push(xz);
    #[cfg(unix)]
    all.push(dir_of(&dir.join("unpacked")));
    (scratch, all)
}

#[test]
fn scan_reads_each_file_once_under_its_own_name() {
    let (_scratch, all) = archives("scan");
    for archive in all {
        let (code, out, err) = netsift(&["scan", archive.to_str().expect("utf-8")]);
        assert_eq!((code, err.as_str()), (0, ""), "{}", archive.display());
        let summary: serde_json::Value = serde_json::from_str(out.lines().last().expect("summary")).expect("json");
        let members: Vec<(String, String)> = summary["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| {
                (m["member"].as_str().expect("member").to_string(), m["format"].as_str().expect("fmt").to_string())
            })
            .collect();
        let mut paths: Vec<&str> =
            members.iter().map(|(m, _)| m.strip_prefix(&format!("{TOP}/")).expect("top")).collect();
        paths.sort_unstable();
        // The two /proc files once each (not again through proc/net, proc/self or the
        // hard link), as proc-netstat.
        assert_eq!(
            paths,
            [
                "proc/3255/net/netstat",
                "proc/3255/net/snmp",
                "sos_commands/networking/netstat_-W_-neopa",
                "sos_commands/networking/netstat_-s",
                "sos_commands/networking/ss_-peaonmi"
            ],
            "{}",
            archive.display()
        );
        for (m, format) in &members {
            if m.contains("/proc/") {
                assert_eq!(format, "proc-netstat", "{m}");
            }
        }
        assert!(summary["members"].as_array().expect("members").iter().all(|m| m["malformed"] == 0));
    }
}

#[test]
fn member_reaches_the_proc_files_through_the_links() {
    let plain_netstat = peer("rhcos-sos_proc-net-netstat_1.txt");
    let plain_snmp = peer("rhcos-sos_proc-net-snmp_1.txt");
    let (_, want_netstat, _) = netsift(&["stat", plain_netstat.to_str().expect("utf-8"), "TcpExt:TCPTimeouts"]);
    let (_, want_snmp, _) = netsift(&["stat", plain_snmp.to_str().expect("utf-8"), "Tcp:MaxConn", "Ip:InReceives"]);
    assert!(want_netstat.contains("\"TcpExt:TCPTimeouts\":") && !want_netstat.contains("null"), "{want_netstat}");
    assert!(want_snmp.contains("\"Tcp:MaxConn\":-1"), "{want_snmp}");
    let (_scratch, all) = archives("member");
    for archive in all {
        let a = archive.to_str().expect("utf-8");
        for member in
            ["proc/net/netstat", "proc/self/net/netstat", "proc/3255/net/netstat", &format!("{TOP}/proc/net/netstat")]
        {
            let (code, out, err) = netsift(&["stat", "--member", member, a, "TcpExt:TCPTimeouts"]);
            assert_eq!((code, err.as_str(), out.as_str()), (0, "", want_netstat.as_str()), "{a} {member}");
        }
        // proc/4000/net/snmp is a hard link to proc/3255/net/snmp.
        for member in ["proc/net/snmp", "proc/self/net/snmp", "proc/4000/net/snmp"] {
            let (code, out, err) = netsift(&["stat", "--member", member, a, "Tcp:MaxConn", "Ip:InReceives"]);
            assert_eq!((code, err.as_str(), out.as_str()), (0, "", want_snmp.as_str()), "{a} {member}");
        }
        // events and count take --member too, and give what the plain file gives.
        let (code, out, _) = netsift(&["events", "--member", "proc/net/snmp", a]);
        let (_, plain, _) = netsift(&["events", "-f", "proc-netstat", plain_snmp.to_str().expect("utf-8")]);
        assert_eq!((code, out.as_str()), (0, plain.as_str()), "{a}");
        let (code, out, _) = netsift(&["count", "--member", "proc/net/netstat", a]);
        let (_, plain, _) = netsift(&["count", "-f", "proc-netstat", plain_netstat.to_str().expect("utf-8")]);
        assert_eq!((code, out.as_str()), (0, plain.as_str()), "{a}");
        // Links out of the archive, and loops, lead nowhere: "no member", not a hang.
        for member in ["proc/host/net/netstat", "proc/up/etc/passwd", "proc/loop1/net/netstat"] {
            let (code, _, err) = netsift(&["stat", "--member", member, a, "Tcp:MaxConn"]);
            assert_eq!(code, 2, "{a} {member}");
            assert!(err.contains("no member"), "{a} {member}: {err}");
        }
    }
}

#[test]
fn member_takes_one_archive() {
    let (_scratch, all) = archives("one");
    let archive = &all[0];
    let a = archive.to_str().expect("utf-8");
    let (code, _, err) = netsift(&["count", "--member", "proc/net/snmp", a, a]);
    assert_eq!(code, 2);
    assert!(err.contains("reads one archive"), "{err}");
}
