//! Rebuild when the embedded default theme changes (include_dir cannot see new files).
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
}
