//! Durable saves: a crash between writing the temp file and the rename leaves the
//! old file intact and loadable; in-place mode keeps the inode.

use std::{io, sync::Arc};

use cpa_config::{
    ConfigDocument, Env, LoadOptions, load_with,
    save::{SaveMode, SaveOptions, SavePhase, save_file},
};

const ORIGINAL: &str = "# keep\nport: 8317\nremote-management:\n  secret-key: plain\n";

fn crash_at(phase: SavePhase) -> SaveOptions {
    SaveOptions {
        mode: SaveMode::Atomic,
        hook: Some(Arc::new(move |p| {
            if p == phase {
                Err(io::Error::other("simulated crash"))
            } else {
                Ok(())
            }
        })),
    }
}

#[test]
fn crash_before_rename_leaves_old_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.yaml");
    std::fs::write(&path, "port: 1\n").expect("write");
    let err =
        save_file(&path, b"port: 2\n", &crash_at(SavePhase::TempWritten)).expect_err("crashed");
    assert!(err.to_string().contains("simulated crash"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "port: 1\n");
    let loaded = load_with(&path, &LoadOptions::default()).expect("still loadable");
    assert_eq!(loaded.config.port, 1);
}

#[test]
fn crash_during_secret_write_back_keeps_old_file_and_loads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.yaml");
    std::fs::write(&path, ORIGINAL).expect("write");
    let opts = LoadOptions {
        env: Env::default(),
        is_read_only: false,
        save: crash_at(SavePhase::TempWritten),
    };
    // The write-back fails; the load still succeeds with the hash in memory.
    let loaded = load_with(&path, &opts).expect("loads");
    assert!(loaded.config.verify_management_key("plain"));
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.message.contains("not written back"))
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), ORIGINAL);
}

#[test]
fn atomic_save_replaces_content_and_keeps_permissions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.yaml");
    std::fs::write(&path, "port: 1\n").expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    save_file(&path, b"port: 2\n", &SaveOptions::default()).expect("save");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "port: 2\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .filter(|e| e.file_name() != "config.yaml")
        .collect();
    assert!(leftovers.is_empty(), "no temp files left: {leftovers:?}");
}

#[cfg(unix)]
#[test]
fn in_place_save_keeps_the_inode() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.yaml");
    std::fs::write(&path, "port: 1\n").expect("write");
    let inode = std::fs::metadata(&path).expect("meta").ino();
    let opts = SaveOptions {
        mode: SaveMode::InPlace,
        hook: None,
    };
    save_file(&path, b"port: 2\n", &opts).expect("save");
    assert_eq!(std::fs::metadata(&path).expect("meta").ino(), inode);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "port: 2\n");
}

#[cfg(unix)]
#[test]
fn symlinked_config_stays_a_symlink() {
    let dir = tempfile::tempdir().expect("tempdir");
    let real = dir.path().join("real.yaml");
    let link = dir.path().join("config.yaml");
    std::fs::write(&real, "port: 1\n").expect("write");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let mut doc = ConfigDocument::parse("port: 1\n").expect("parse");
    doc.set("port", &serde_json::json!(2)).expect("set");
    save_file(&link, doc.text().as_bytes(), &SaveOptions::default()).expect("save");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&real).expect("read"), "port: 2\n");
}

#[cfg(unix)]
#[test]
fn busy_rename_falls_back_to_in_place_write() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.yaml");
    std::fs::write(&path, "port: 1\n").expect("write");
    let inode = std::fs::metadata(&path).expect("meta").ino();
    for kind in [io::ErrorKind::ResourceBusy, io::ErrorKind::CrossesDevices] {
        let opts = SaveOptions {
            mode: SaveMode::Atomic,
            hook: Some(Arc::new(move |p| {
                if p == SavePhase::Rename {
                    Err(io::Error::from(kind))
                } else {
                    Ok(())
                }
            })),
        };
        save_file(&path, b"port: 2\n", &opts).expect("falls back");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "port: 2\n");
        assert_eq!(
            std::fs::metadata(&path).expect("meta").ino(),
            inode,
            "same file"
        );
        std::fs::write(&path, "port: 1\n").expect("reset");
    }
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, vec!["config.yaml"], "temp files removed");
    // Any other rename error is reported, and the file is left alone.
    let opts = SaveOptions {
        mode: SaveMode::Atomic,
        hook: Some(Arc::new(|p| {
            if p == SavePhase::Rename {
                Err(io::Error::from(io::ErrorKind::PermissionDenied))
            } else {
                Ok(())
            }
        })),
    };
    assert!(save_file(&path, b"port: 3\n", &opts).is_err());
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "port: 1\n");
}

#[cfg(unix)]
#[test]
fn read_only_file_with_legacy_keys_still_loads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.yaml");
    let text = "generative-language-api-key: [g1]\n";
    std::fs::write(&path, text).expect("write");
    let opts = LoadOptions {
        save: crash_at(SavePhase::TempWritten),
        ..LoadOptions::default()
    };
    let loaded = load_with(&path, &opts).expect("loads from memory");
    assert_eq!(loaded.config.gemini_api_keys.len(), 1);
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.message.contains("not written back"))
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
}
