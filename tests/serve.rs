//! `nashra serve` end to end: the real binary on a copy of the valid fixture,
//! spoken to over raw HTTP.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running server; killed on drop if the test did not stop it.
struct Server {
    child: Child,
    address: String,
    stderr: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(project: &Path, extra: &[&str]) -> Server {
        let mut child = common::nashra()
            .arg("--project")
            .arg(project)
            .args(["serve", "--port", "0"])
            .args(extra)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut server = Server { child, address: String::new(), stderr: rx };
        let line = server.wait_for_line("serving http://");
        server.address = line.split("http://").nth(1).unwrap().split('/').next().unwrap().to_string();
        server
    }

    /// Waits for a stderr line containing `needle` and returns it.
    fn wait_for_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            match self.stderr.recv_timeout(Duration::from_millis(200)) {
                Ok(line) if line.contains(needle) => return line,
                _ => {}
            }
        }
        panic!("no line with {needle:?} on stderr");
    }

    fn request(&self, method: &str, path: &str) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        write!(stream, "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, head, raw[split + 4..].to_vec())
    }

    fn get(&self, path: &str) -> (u16, String, String) {
        let (status, head, body) = self.request("GET", path);
        (status, head, String::from_utf8_lossy(&body).into_owned())
    }

    /// Opens the event stream; returns a receiver of `event:` names with their data.
    fn events(&self) -> mpsc::Receiver<(String, String)> {
        self.events_of("")
    }

    /// Opens the event stream as a tab showing `page` (a URL path) does.
    fn events_of(&self, page: &str) -> mpsc::Receiver<(String, String)> {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        write!(stream, "GET /__nashra/events?page={page} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut event = String::new();
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_string();
                } else if let Some(data) = line.strip_prefix("data: ") {
                    let _ = tx.send((event.clone(), data.to_string()));
                }
            }
        });
        rx
    }
}

fn next_event(rx: &mpsc::Receiver<(String, String)>, skip: &[&str]) -> (String, String) {
    loop {
        let e = rx.recv_timeout(Duration::from_secs(30)).expect("an event within 30 s");
        if !skip.contains(&e.0.as_str()) {
            return e;
        }
    }
}

fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().find_map(|l| l.split_once(": ").filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

#[test]
fn serves_the_build_from_memory_with_the_live_script() {
    let project = common::valid_project();
    let server = Server::start(project.path(), &[]);
    let (status, head, body) = server.get("/en/articles/ambush/index.html");
    assert_eq!(status, 200);
    assert_eq!(header(&head, "Content-Type"), Some("text/html; charset=utf-8"));
    assert!(body.contains("The Palmyra ambush"));
    assert!(body.contains("/__nashra/events"), "pages carry the live-reload script");
    assert!(body.find("/__nashra/events").unwrap() < body.rfind("</body>").unwrap());

    let css = body.split("href=\"../../../").find(|s| s.starts_with("assets/style.")).unwrap();
    let css = css.split('"').next().unwrap();
    let (status, head, body) = server.get(&format!("/{css}"));
    assert_eq!((status, header(&head, "Content-Type")), (200, Some("text/css; charset=utf-8")));
    assert!(!body.contains("__nashra"), "only HTML gets the script");
    assert_eq!(header(&server.get("/en/feed.xml").1, "Content-Type"), Some("application/xml; charset=utf-8"));
    assert_eq!(server.get("/").0, 200);
    assert_eq!(server.get("/en/").0, 200);

    let (status, head, body) = server.request("HEAD", "/en/index.html");
    assert_eq!(status, 200);
    assert!(body.is_empty(), "HEAD sends no body");
    assert!(header(&head, "Content-Length").is_some_and(|n| n != "0"));

    let (status, head, _) = server.get("/en/articles");
    assert_eq!((status, header(&head, "Location")), (301, Some("/en/articles/")));
    for method in ["POST", "PUT", "DELETE"] {
        let (status, head, _) = server.request(method, "/en/index.html");
        assert_eq!((status, header(&head, "Allow")), (405, Some("GET, HEAD")), "{method}");
    }
}

#[test]
fn nothing_outside_the_build_is_served() {
    let project = common::valid_project();
    std::fs::write(project.path().join("secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink("/etc/passwd", project.path().join("content/passwd")).unwrap();
    let server = Server::start(project.path(), &[]);
    for url in [
        "/../secret.txt",
        "/en/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/en%2f..%2f..%2fsecret.txt",
        "/secret.txt",
        "/content/site.yaml",
        "/content/passwd",
        "/%2fetc%2fpasswd",
        "/seeds/plain.txt",
    ] {
        let (status, head, body) = server.get(url);
        assert_eq!(status, 404, "{url}");
        assert_eq!(header(&head, "Content-Type"), Some("text/html; charset=utf-8"));
        assert!(!body.contains("secret") && !body.contains("root:"), "{url}");
        assert!(body.contains("<html"), "{url}: the theme's 404 page");
    }
}

#[test]
fn edits_reload_tabs_and_errors_show_until_fixed() {
    let project = common::valid_project();
    let server = Server::start(project.path(), &[]);
    let events = server.events();
    assert_eq!(next_event(&events, &[]).0, "hello");
    assert_eq!(next_event(&events, &[]).0, "ok");

    let article = project.path().join("content/articles/ambush.yaml");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, text.replace("The Palmyra ambush", "The ambush, retitled")).unwrap();
    assert_eq!(next_event(&events, &["ok"]).0, "reload");
    let (_, _, body) = server.get("/en/articles/ambush/index.html");
    assert!(body.contains("The ambush, retitled"));

    std::fs::write(&article, text.replace("topics: [coalition]", "topics: [coalition")).unwrap();
    let (event, data) = next_event(&events, &["ok"]);
    assert_eq!(event, "errors");
    assert!(data.contains("\"path\":\"content/articles/ambush.yaml\""), "{data}");
    server.wait_for_line("content/articles/ambush.yaml:");
    let (status, _, body) = server.get("/en/articles/ambush/index.html");
    assert_eq!(status, 200);
    assert!(body.contains("The ambush, retitled"), "the last good site is still served");
    let late = server.events();
    assert_eq!(next_event(&late, &["hello"]).0, "errors", "a tab opened now sees the errors too");

    std::fs::write(&article, &text).unwrap();
    assert_eq!(next_event(&events, &[]).0, "reload");
    assert!(server.get("/en/articles/ambush/index.html").2.contains("The Palmyra ambush"));
}

#[test]
fn a_template_error_in_a_page_no_tab_shows_is_found_and_the_last_good_site_stays() {
    // Pages are rendered when asked for; the rest are rendered afterwards, so an
    // error in a template only some pages use is still reported.
    let project = common::valid_project();
    let server = Server::start(project.path(), &[]);
    // The page without the live script (which carries the build's number).
    let page = |path: &str| -> (u16, String) {
        let (status, _, body) = server.get(path);
        (status, body.split("<script>").next().unwrap().to_string())
    };
    let (_, entity) = page("/en/entities/damascus/");
    assert!(entity.contains("<h1"), "{entity}");
    let home = server.events_of("/en/");
    assert_eq!(next_event(&home, &[]).0, "hello");
    let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/entity.html");
    let text = std::fs::read_to_string(template).unwrap();
    let broken = text.replacen("{{ page.kind }}", "{{ page.kind.no_such_field }}", 1);
    assert_ne!(broken, text);
    let dir = project.path().join("themes/default/templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::thread::sleep(Duration::from_millis(300)); // the watcher sees the new folder
    std::fs::write(dir.join("entity.html"), &broken).unwrap();
    let (event, data) = next_event(&home, &["ok", "reload"]);
    assert_eq!(event, "errors", "the open home page is told of the error elsewhere");
    assert!(data.contains("no_such_field") && data.contains("entities/damascus"), "{data}");
    assert_eq!(page("/en/entities/damascus/"), (200, entity.clone()), "the last good site is still served");

    std::fs::remove_file(dir.join("entity.html")).unwrap();
    assert_eq!(next_event(&home, &[]).0, "ok", "fixed: the overlay goes; the home page did not change");
    assert_eq!(page("/en/entities/damascus/"), (200, entity));
}

#[test]
fn a_stylesheet_change_swaps_css_without_reload() {
    let project = common::valid_project();
    let server = Server::start(project.path(), &[]);
    let events = server.events();
    let css = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css");
    let dir = project.path().join("themes/default/static");
    std::fs::create_dir_all(&dir).unwrap();
    std::thread::sleep(Duration::from_millis(300)); // the watcher sees the new folder
    let text = std::fs::read_to_string(css).unwrap();
    std::fs::write(dir.join("style.css"), format!("{text}\nbody{{outline:0}}\n")).unwrap();
    let (event, data) = next_event(&events, &["hello", "ok", "reload"]);
    assert_eq!(event, "css");
    assert!(data.contains("assets/style."), "{data}");
}

#[test]
fn port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let project = common::valid_project();
    let out = common::run(project.path(), &["serve", "--port", &port]);
    assert!(!out.status.success());
    let text = common::text(&out);
    assert!(text.contains(&format!("port {port}")) && text.contains("in use"), "{text}");
    assert!(text.contains("--port 0"), "{text}");
}

#[test]
fn ctrl_c_stops_cleanly() {
    let project = common::valid_project();
    let mut server = Server::start(project.path(), &[]);
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(server.child.id() as i32, libc::SIGINT) };
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn build_output_has_no_live_script() {
    let project = common::valid_project();
    let out = project.path().join("site");
    assert!(common::run(project.path(), &["build", "--out", out.to_str().unwrap()]).status.success());
    for entry in walkdir::WalkDir::new(&out).into_iter().flatten().filter(|e| e.file_type().is_file()) {
        let bytes = std::fs::read(entry.path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("__nashra"), "{}", entry.path().display());
    }
}
