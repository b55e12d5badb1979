//! The terminal: how much to say, in colour or not, with a progress
//! indicator or not.
//!
//! Decided once in `main` from the flags, `NO_COLOR` and whether stderr is a
//! terminal, then passed down as a value. Everything a command says to a
//! person goes to stderr through here; stdout stays for machine output
//! (`check --format json`, `extract`).

use crate::diag::{Diagnostic, Severity};
use std::io::IsTerminal;
use std::time::Duration;

/// How much a command says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    /// Errors, warnings and one summary line.
    Normal,
    /// Also what each step did and how long it took.
    Verbose,
}

/// Where and how to talk to the person at the terminal.
#[derive(Debug, Clone, Copy)]
pub struct Term {
    /// How much to say.
    pub verbosity: Verbosity,
    /// ANSI colours on stderr.
    color: bool,
    /// stderr is an interactive terminal (progress indicators make sense).
    interactive: bool,
}

impl Term {
    /// From the command-line flags and the environment: colours only on a
    /// terminal and when `NO_COLOR` is unset or empty (https://no-color.org).
    pub fn detect(quiet: bool, verbose: bool) -> Term {
        let interactive = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let verbosity = if quiet {
            Verbosity::Quiet
        } else if verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        };
        Term { verbosity, color: interactive && !no_color, interactive }
    }

    /// Plain output at normal verbosity: what tests and pipes see.
    #[cfg(test)]
    pub fn plain() -> Term {
        Term { verbosity: Verbosity::Normal, color: false, interactive: false }
    }

    /// Prints diagnostics (warnings are left out when quiet).
    pub fn report(&self, diags: &[Diagnostic]) {
        for d in diags {
            if d.is_error() || self.verbosity > Verbosity::Quiet {
                eprintln!("{}", self.diagnostic(d));
            }
        }
    }

    /// One diagnostic as text: `path:line:col: error: message` and its hint,
    /// coloured when the terminal takes colours.
    pub fn diagnostic(&self, d: &Diagnostic) -> String {
        if !self.color {
            return d.to_string();
        }
        let (kind, colour) = match d.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let mut out = format!(
            "\x1b[1m{}:{}:{}:\x1b[0m \x1b[{colour}m{kind}:\x1b[0m {}",
            d.path,
            d.line.max(1),
            d.column.max(1),
            d.message
        );
        if let Some(hint) = &d.hint {
            out.push_str(&format!("\n  \x1b[36mhint:\x1b[0m {hint}"));
        }
        out
    }

    /// A summary or result line (not when quiet).
    pub fn info(&self, line: impl AsRef<str>) {
        if self.verbosity > Verbosity::Quiet {
            eprintln!("{}", line.as_ref());
        }
    }

    /// A detail line (only when verbose).
    pub fn detail(&self, line: impl AsRef<str>) {
        if self.verbosity == Verbosity::Verbose {
            eprintln!("{}", self.dim(line.as_ref()));
        }
    }

    /// An error that is not about a content file (usage, I/O), with a hint.
    pub fn fail(&self, message: impl AsRef<str>, hint: Option<&str>) {
        let label = if self.color { "\x1b[1;31merror:\x1b[0m" } else { "error:" };
        eprintln!("{label} {}", message.as_ref());
        if let Some(hint) = hint {
            let label = if self.color { "\x1b[36mhint:\x1b[0m" } else { "hint:" };
            eprintln!("  {label} {hint}");
        }
    }

    fn dim(&self, s: &str) -> String {
        if self.color { format!("\x1b[2m{s}\x1b[0m") } else { s.to_string() }
    }

    /// A progress indicator for a long step, drawn only on an interactive
    /// terminal at normal verbosity or more; otherwise it does nothing.
    pub fn progress(&self, message: &str) -> Progress {
        if !self.interactive || self.verbosity == Verbosity::Quiet {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        Progress(Some(bar))
    }
}

/// A running progress indicator; cleared when dropped.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// `2743` → `2,743`: counts in summary lines are read at a glance.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separator() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2743), "2,743");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn plain_diagnostics_have_no_escape_codes() {
        let d = Diagnostic::warning("content/a.yaml", 2, 3, "m").with_hint("h");
        assert_eq!(Term::plain().diagnostic(&d), d.to_string());
        let coloured = Term { color: true, ..Term::plain() }.diagnostic(&d);
        assert!(coloured.contains("\x1b[") && coloured.contains("content/a.yaml:2:3:"));
    }
}
