//! Server-Sent Events: the open tabs, and the messages that tell them a rebuild happened.

use crate::diag::Diagnostic;
use serde_json::json;
use std::io::Write;
use std::sync::Mutex;

/// At most this many tabs listen at once; more get `503`.
pub const MAX_CLIENTS: usize = 64;

/// What open tabs are told after a rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Content changed: show the new version of the page (the build's number), keeping the scroll position.
    Reload(u64),
    /// Only stylesheets changed: swap them to these site paths without reloading; the build's number.
    Css(Vec<String>, u64),
    /// The build failed: show these diagnostics over the page.
    Errors(Vec<Diagnostic>),
    /// The build is good again and nothing else changed: remove the overlay.
    Ok,
    /// First message on a stream: the number of the build being served, so a
    /// tab loaded from an older build reloads.
    Hello(u64),
}

impl Message {
    /// The message as an SSE frame.
    pub fn frame(&self) -> String {
        let (event, data) = match self {
            Message::Reload(build) => ("reload", json!({"build": build}).to_string()),
            Message::Css(paths, build) => ("css", json!({"paths": paths, "build": build}).to_string()),
            Message::Errors(diags) => ("errors", json!(diags).to_string()),
            Message::Ok => ("ok", "{}".to_string()),
            Message::Hello(build) => ("hello", build.to_string()),
        };
        format!("event: {event}\ndata: {data}\n\n")
    }
}

/// An open event stream and the site path of the page it was opened from.
struct Listener {
    stream: Box<dyn Write + Send>,
    page: Option<String>,
}

impl Listener {
    fn send(&mut self, frame: &str) -> bool {
        self.stream.write_all(frame.as_bytes()).and_then(|()| self.stream.flush()).is_ok()
    }
}

/// The open event streams.
#[derive(Default)]
pub struct Clients {
    streams: Mutex<Vec<Listener>>,
}

/// The response head of an event stream.
const HEAD: &str =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";

impl Clients {
    /// Starts an event stream on `stream` with first messages; false when there are too many.
    /// `page` is the site path the tab shows, when it said.
    pub fn add(&self, stream: Box<dyn Write + Send>, page: Option<String>, first: &[Message]) -> bool {
        let Ok(mut streams) = self.streams.lock() else { return false };
        if streams.len() >= MAX_CLIENTS {
            return false;
        }
        // retry: how long a tab waits before reconnecting after the server went away.
        let frames: String = first.iter().map(Message::frame).collect();
        let hello = format!("{HEAD}retry: 300\n\n{frames}");
        let mut tab = Listener { stream, page };
        if tab.send(&hello) {
            streams.push(tab);
        }
        true
    }

    /// Sends a message to every tab, dropping those that went away.
    pub fn broadcast(&self, message: &Message) {
        self.broadcast_each(|_| message.clone());
    }

    /// Sends each tab the message `to` gives for the page it shows, dropping tabs that went away.
    pub fn broadcast_each(&self, to: impl Fn(Option<&str>) -> Message) {
        if let Ok(mut streams) = self.streams.lock() {
            streams.retain_mut(|tab| {
                let frame = to(tab.page.as_deref()).frame();
                tab.send(&frame)
            });
        }
    }

    /// The pages the open tabs show.
    pub fn pages(&self) -> Vec<String> {
        let mut pages: Vec<String> =
            self.streams.lock().map(|s| s.iter().filter_map(|t| t.page.clone()).collect()).unwrap_or_default();
        pages.sort();
        pages.dedup();
        pages
    }

    /// Pings every tab (an SSE comment), so closed ones are noticed and dropped.
    pub fn ping(&self) {
        if let Ok(mut streams) = self.streams.lock() {
            streams.retain_mut(|tab| tab.send(": ping\n\n"));
        }
    }

    /// How many tabs are listening.
    pub fn len(&self) -> usize {
        self.streams.lock().map_or(0, |s| s.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A stream whose bytes the test can read, or that fails every write.
    #[derive(Clone, Default)]
    struct Tab(Arc<Mutex<Vec<u8>>>, bool);

    impl Write for Tab {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.1 {
                return Err(std::io::Error::other("gone"));
            }
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn frames_carry_escaped_json() {
        let d = Diagnostic::error("content/a.yaml", 3, 4, "bad <b>").with_hint("fix");
        let frame = Message::Errors(vec![d]).frame();
        assert!(frame.starts_with("event: errors\ndata: [{"));
        assert!(frame.contains("\"line\":3") && frame.contains("\"hint\":\"fix\""));
        assert!(frame.ends_with("\n\n") && frame.matches('\n').count() == 3, "one data line");
        assert_eq!(
            Message::Css(vec!["assets/style.1.css".into()], 2).frame(),
            "event: css\ndata: {\"build\":2,\"paths\":[\"assets/style.1.css\"]}\n\n"
        );
    }

    #[test]
    fn broadcasts_to_open_tabs_and_drops_closed_ones() {
        let clients = Clients::default();
        let open = Tab::default();
        assert!(clients.add(Box::new(open.clone()), None, &[Message::Ok]));
        assert!(clients.add(Box::new(Tab(Arc::default(), true)), None, &[Message::Ok]));
        assert_eq!(clients.len(), 1, "a tab that cannot be written to is not kept");
        clients.broadcast(&Message::Reload(3));
        let text = String::from_utf8(open.0.lock().unwrap().clone()).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream"));
        assert!(text.ends_with("event: ok\ndata: {}\n\nevent: reload\ndata: {\"build\":3}\n\n"));
    }

    #[test]
    fn the_number_of_tabs_is_bounded() {
        let clients = Clients::default();
        for _ in 0..MAX_CLIENTS {
            assert!(clients.add(Box::new(Tab::default()), None, &[Message::Ok]));
        }
        assert!(!clients.add(Box::new(Tab::default()), None, &[Message::Ok]));
    }
}
